"""A batch that only creates records is written table by table (store.journal): the case file must
end exactly as if the changes had been applied one at a time."""

from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import fingerprint
from workstation.demo import DemoGenerator
from workstation.ids import uuid7
from workstation.store import journal
from workstation.store.casefile import CaseFile
from workstation.store.errors import ChangeRefused
from workstation.store.journal import (
    Change,
    new_record_digest,
    store_summary,
    stored_summary,
    utc_now,
)
from workstation.store.records import RECORD_TYPES, digest_versions, record_digest
from workstation.verify import verify


def _file(path: Path) -> CaseFile:
    cf = CaseFile.open(path, create=True, officer="张伟")
    with cf.transaction() as conn:
        store_summary(conn, 0, 0)  # kept change by change from here on
    return cf


def _demo_changes(cases: int) -> list[Change]:
    return list(DemoGenerator(seed=7).changes(cases, "demo-laptop", "张伟"))


@pytest.mark.parametrize("origin", ["demo", "local"])
def test_new_records_in_one_batch_end_as_one_change_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, origin: str
) -> None:
    """Journal rows too, their hash chains (store/chain.py) included, for changes made here
    (which also get a push chain) and for demo data."""
    changes = [replace(ch, origin=origin) for ch in _demo_changes(120)]
    assert len({ch.record_type for ch in changes}) > 2  # cases, parties and their records
    batches = []
    bulk = journal._insert_new_records
    monkeypatch.setattr(
        journal,
        "_insert_new_records",
        lambda conn, chs, vc: batches.append(chs) or bulk(conn, chs, vc),
    )
    with _file(tmp_path / "batch.sqlite3") as batch, _file(tmp_path / "single.sqlite3") as single:
        for start in range(0, len(changes), 97):  # pages that split cases from their parties
            batch.apply(changes[start : start + 97], check_base=False)
        assert sum(map(len, batches)) == len(changes)  # every batch went the bulk way
        for ch in changes:
            single.apply([ch], check_base=False)
        assert fingerprint(batch) == fingerprint(single)  # every journal column
        assert stored_summary(batch.conn) == stored_summary(single.conn)
        assert stored_summary(batch.conn)["count"] == len(changes)
        chains = batch.conn.execute("SELECT chain, push_chain FROM journal").fetchall()
        assert all(c for c, _p in chains) and len({c for c, _p in chains}) == len(changes)
        assert all((p is not None) == (origin == "local") for _c, p in chains)
        assert verify(batch.conn).ok


def _case(number: int) -> Change:
    return Change(
        uuid7(),
        "case",
        uuid7(),
        {"case_number": f"（2024）豫0302执{number}号", "filing_date": "2024-03-01"},
        {"case_number": None, "filing_date": None},
        "张伟",
        "laptop",
        utc_now(),
    )


def _party(case_id: str, name: str = "王五") -> Change:
    fields = {"case_id": case_id, "role": "debtor", "kind": "person", "name": name}
    return Change(
        uuid7(), "party", uuid7(), fields, dict.fromkeys(fields), "张伟", "laptop", utc_now()
    )


def test_party_of_a_case_made_later_in_the_batch_is_refused(case_file: CaseFile, unchanged):
    case = _case(1)
    with unchanged(case_file), pytest.raises(ChangeRefused, match="所属案件不存在"):
        case_file.apply([_party(case.record_id), case])


def test_party_of_a_case_already_here_is_made_in_a_batch(case_file: CaseFile) -> None:
    case = _case(1)
    case_file.apply([case])
    case_file.apply([_party(case.record_id, "王五"), _party(case.record_id, "李娜")])
    assert case_file.conn.execute("SELECT count(*) FROM parties").fetchone() == (2,)


def test_new_record_without_its_required_fields_is_refused_in_a_batch(
    case_file: CaseFile, unchanged
) -> None:
    case = _case(1)
    bare = Change(uuid7(), "case", uuid7(), {"notes": "x"}, {"notes": None}, "", "", utc_now())
    with unchanged(case_file), pytest.raises(ChangeRefused, match="缺少必填项"):
        case_file.apply([case, bare])


def test_bad_value_in_a_batch_of_new_records_is_refused(case_file: CaseFile, unchanged) -> None:
    bad = _case(2)
    bad.fields["filing_date"] = "2024-02-30"
    with unchanged(case_file), pytest.raises(ChangeRefused):
        case_file.apply([_case(1), bad])


def test_batch_holding_a_record_already_here_is_applied_change_by_change(
    case_file: CaseFile,
) -> None:
    case = _case(1)
    case_file.apply([case])
    fields = case.fields | {"notes": "再次"}
    again = Change(
        uuid7(), "case", case.record_id, fields, dict.fromkeys(fields), "李娜", "b", utc_now()
    )
    case_file.apply([again, _case(2)], check_base=False)
    assert case_file.get("case", case.record_id).values["notes"] == "再次"
    assert case_file.conn.execute("SELECT count(*) FROM cases").fetchone() == (2,)


def test_new_record_digest_is_the_record_digest_of_a_new_record() -> None:
    for rt in RECORD_TYPES.values():
        rid, cid = uuid7(), uuid7()
        assert new_record_digest(rt, rid, cid) == record_digest(
            rt.name, rid, digest_versions(cid, {})
        )


def _utf8(value: object) -> object:
    return value.encode() if isinstance(value, str) else value


@pytest.mark.parametrize("chain_guess", ["right", "wrong", "none"])
def test_rows_with_text_as_utf8_bytes_are_written_as_text(tmp_path: Path, chain_guess: str) -> None:
    """A sync helper sends a page's largest texts as UTF-8 bytes (sync/prefetch.py): the file
    ends as with text, every column stored as TEXT, whether the rows' chain values are kept
    (the guess was right), recomputed (wrong) or computed here (none). Here all the text but
    the ids is sent as bytes."""
    changes = [
        replace(ch, origin="server", server_seq=i) for i, ch in enumerate(_demo_changes(30), 1)
    ]
    with _file(tmp_path / "text.sqlite3") as text, _file(tmp_path / "bytes.sqlite3") as sent:
        start = {"right": journal.chain_heads(text.conn)[0], "wrong": "0" * 64, "none": None}
        rows = journal.new_record_rows(changes, chain_from=start[chain_guess])
        as_bytes = replace(
            rows,
            journal=[(r[0], *map(_utf8, r[1:])) for r in rows.journal],
            state={n: [(r[0], *map(_utf8, r[1:])) for r in t] for n, t in rows.state.items()},
        )
        with sent.transaction() as conn:
            journal.write_new_records(conn, as_bytes)
        for ch in changes:
            text.apply([ch], check_base=False)
        written, applied = fingerprint(sent), fingerprint(text)
        assert written["state"] == applied["state"]  # (searching is the caller's to index)
        assert written["journal"] == applied["journal"]
        for table in ("journal", "cases", "parties"):
            columns = [r[1] for r in sent.conn.execute(f"PRAGMA table_info({table})")]
            for column in columns:
                kinds = sent.conn.execute(f"SELECT DISTINCT typeof({column}) FROM {table}")
                assert "blob" not in {k for (k,) in kinds}, (table, column)
        assert verify(sent.conn).ok
