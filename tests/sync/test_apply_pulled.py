"""Pulled changes end the workstation where the server is: field by field, in the server's order."""

from dataclasses import replace
from pathlib import Path

from tests.conftest import fingerprint
from workstation.ids import uuid7
from workstation.store import database, keys, migrations
from workstation.store.casefile import CaseFile, Edit
from workstation.store.journal import Change, journal_changes, utc_now
from workstation.sync.apply import apply_pulled


def _new_case(cf: CaseFile) -> str:
    (case_id,) = cf.save(
        [Edit("case", {"case_number": "（2024）豫0302执7号", "filing_date": "2024-03-01"})]
    )
    return case_id


def _pulled(record_id: str, fields: dict, base: dict, seq: int, rtype: str = "case") -> Change:
    return Change(
        uuid7(),
        rtype,
        record_id,
        fields,
        base,
        "李娜",
        "other-laptop",
        utc_now(),
        origin="server",
        server_seq=seq,
    )


def _ack_all(cf: CaseFile, first_seq: int = 1) -> None:
    with cf.transaction() as conn:
        for i, (cid,) in enumerate(
            conn.execute(
                "SELECT change_id FROM journal WHERE server_seq IS NULL ORDER BY seq"
            ).fetchall()
        ):
            conn.execute(
                "UPDATE journal SET server_seq = ? WHERE change_id = ?", (first_seq + i, cid)
            )


def _pull(cf: CaseFile, changes: list[Change]):
    with cf.transaction() as conn:
        return apply_pulled(conn, changes)


def test_a_pulled_change_updates_a_field_the_officer_has_not_touched(case_file):
    case_id = _new_case(case_file)
    _ack_all(case_file)
    version = case_file.get("case", case_id).versions["notes"]
    change = _pulled(case_id, {"notes": "被执行人已搬家"}, {"notes": version}, seq=5)
    _pull(case_file, [change])
    record = case_file.get("case", case_id)
    assert record.values["notes"] == "被执行人已搬家"
    assert record.versions["notes"] == change.change_id


def test_a_pending_local_edit_is_not_overwritten_by_a_pulled_one(case_file):
    case_id = _new_case(case_file)
    _ack_all(case_file)
    before = case_file.get("case", case_id).versions["notes"]
    case_file.save([Edit("case", {"notes": "本机的备注"}, case_id)])  # not yet pushed
    change = _pulled(
        case_id,
        {"notes": "服务器的备注", "cause": "民间借贷纠纷"},
        {"notes": before, "cause": before},
        seq=9,
    )
    _pull(case_file, [change])
    record = case_file.get("case", case_id)
    assert record.values["notes"] == "本机的备注"  # pushed later, it will come after on the server
    assert record.values["cause"] == "民间借贷纠纷"  # the other field is applied
    row = case_file.conn.execute(
        "SELECT skipped FROM journal WHERE change_id = ?", (change.change_id,)
    ).fetchone()
    assert row == ('["notes"]',)


def test_a_pulled_change_the_server_ordered_earlier_does_not_undo_a_later_one(case_file):
    case_id = _new_case(case_file)
    case_file.save([Edit("case", {"notes": "本机，服务器序号 20"}, case_id)])
    _ack_all(case_file, first_seq=19)  # creation 19, the edit 20
    older = _pulled(case_id, {"notes": "别处，服务器序号 15"}, {}, seq=15)
    older = replace(older, base={"notes": "whatever-it-saw"})
    _pull(case_file, [older])
    assert case_file.get("case", case_id).values["notes"] == "本机，服务器序号 20"


def test_our_own_change_coming_back_is_only_acknowledged(case_file):
    case_id = _new_case(case_file)
    (own,) = [c for c in journal_changes(case_file.conn)]
    before = fingerprint(case_file)["state"]
    outcome = _pull(case_file, [replace(own, origin="server", server_seq=42)])
    assert outcome.acknowledged == 1
    assert fingerprint(case_file)["state"] == before
    assert case_file.conn.execute(
        "SELECT server_seq FROM journal WHERE change_id = ?", (own.change_id,)
    ).fetchone() == (42,)
    assert case_file.unsynced_count() == 0
    assert case_id


def test_a_change_to_a_record_this_file_lacks_is_set_aside_not_applied(case_file):
    before = fingerprint(case_file)
    change = _pulled(uuid7(), {"notes": "x"}, {"notes": uuid7()}, seq=3)
    party = _pulled(
        uuid7(),
        {"case_id": uuid7(), "role": "debtor", "kind": "person", "name": "王五"},
        {},
        seq=4,
        rtype="party",
    )
    outcome = _pull(case_file, [change, party])
    assert outcome.unknown_base == [change.change_id, party.change_id]
    assert fingerprint(case_file) == before


def test_replaying_a_journal_with_skipped_fields_gives_the_same_state(case_file, tmp_path):
    case_id = _new_case(case_file)
    _ack_all(case_file)
    before = case_file.get("case", case_id).versions["notes"]
    case_file.save([Edit("case", {"notes": "本机"}, case_id)])
    _pull(
        case_file,
        [
            _pulled(
                case_id,
                {"notes": "服务器", "officer": "李娜"},
                {"notes": before, "officer": before},
                seq=7,
            )
        ],
    )
    with CaseFile.open(tmp_path / "replay" / "casefile.sqlite3", create=True) as fresh:
        fresh.apply(list(journal_changes(case_file.conn)), check_base=False)
        assert fresh.state_snapshot() == case_file.state_snapshot()


def test_a_file_made_before_sync_existed_is_migrated_with_its_cases(tmp_path, monkeypatch):
    path = tmp_path / "casefile.sqlite3"
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:1])
    monkeypatch.setattr(migrations, "LATEST_VERSION", 1)
    monkeypatch.setattr(database, "LATEST_VERSION", 1)
    with CaseFile.open(path, create=True) as old:
        conn = old.conn
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO cases (id, case_number, filing_date, status, _origin) "
            "VALUES ('c1', '（2020）豫0302执1号', '2020-01-02', 'open', 'x')"
        )
        conn.execute("COMMIT")
    monkeypatch.undo()
    raw = database.connect(path, keys.key_for(path))
    assert raw.execute("PRAGMA user_version").fetchone() == (1,)
    raw.close()
    with CaseFile.open(path) as upgraded:
        assert upgraded.conn.execute("PRAGMA user_version").fetchone() == (
            (migrations.LATEST_VERSION,)
        )
        assert upgraded.get("case", "c1").values["case_number"] == "（2020）豫0302执1号"
        assert upgraded.conn.execute("SELECT count(*) FROM conflicts").fetchone() == (0,)
        assert upgraded.conn.execute("SELECT skipped FROM journal").fetchall() == []
    assert Path(path).exists()
