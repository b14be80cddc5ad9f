"""Tamper evidence: the journal's hash chains, and `verify` naming what was changed around them."""

import json
from pathlib import Path

from tests.conftest import OFFICER, fingerprint
from workstation import cli
from workstation.documents.model import Document, Para, content_hash, document_to_json
from workstation.store import chain, migrations
from workstation.store.casefile import CaseFile, Edit
from workstation.store.database import open_database, sqlcipher
from workstation.store.journal import Change, apply_changes, pending_changes, push_links, utc_now
from workstation.store.records import RECORD_TYPES
from workstation.sync.protocol import change_to_wire
from workstation.sync.protocol import content_hash as wire_hash
from workstation.verify import CHAIN, DOCUMENT, PUSH_CHAIN, REPLAY, verify


def _case(cf: CaseFile, n: int = 1) -> str:
    (case_id,) = cf.save(
        [Edit("case", {"case_number": f"（2026）豫0302执{n}号", "filing_date": "2026-01-05"})]
    )
    return case_id


def _document(cf: CaseFile, case_id: str) -> str:
    doc = Document(blocks=(Para("申请执行人同意终结本次执行程序。"),), kind="interview_record")
    (doc_id,) = cf.save(
        [
            Edit(
                "document",
                {
                    "case_id": case_id,
                    "kind": "interview_record",
                    "content": document_to_json(doc),
                    "content_hash": content_hash(doc),
                },
            )
        ]
    )
    return doc_id


def _edits(cf: CaseFile) -> list[str]:
    """A few cases, parties, edits and a document, all made here (pending): their record ids."""
    ids = []
    for n in range(1, 4):
        case_id = _case(cf, n)
        ids.append(case_id)
        (party,) = cf.save(
            [
                Edit(
                    "party",
                    {"case_id": case_id, "role": "debtor", "kind": "person", "name": "王五"},
                )
            ]
        )
        cf.save([Edit("party", {"phone": "13800000000"}, record_id=party)])
        cf.save([Edit("case", {"notes": f"第{n}次外勤"}, record_id=case_id)])
    ids.append(_document(cf, ids[0]))
    return ids


def _journal(cf: CaseFile) -> list[tuple]:
    return cf.conn.execute(
        "SELECT seq, change_id, record_type, record_id, at FROM journal ORDER BY seq"
    ).fetchall()


def test_every_journal_row_is_chained_to_the_one_before(case_file: CaseFile) -> None:
    _edits(case_file)
    rows = case_file.conn.execute(
        "SELECT change_id, record_type, record_id, fields, base, officer, device, at, origin, "
        "server_seq, skipped, push_chain, chain FROM journal ORDER BY seq"
    ).fetchall()
    previous = chain.GENESIS
    for row in rows:
        assert row[-1] == chain.link(previous, chain.row_entry(*row[:-1]))
        previous = row[-1]
    assert verify(case_file.conn).ok


def test_the_push_chain_is_over_the_content_hash_the_server_computes(case_file: CaseFile) -> None:
    _edits(case_file)
    links = push_links(case_file.conn)
    previous = chain.GENESIS
    for ch in pending_changes(case_file.conn):
        expected = chain.push_link(previous, wire_hash(change_to_wire(ch)))
        assert links[ch.change_id] == (previous, expected)
        previous = expected


def test_a_clean_demo_file_passes(demo_file: CaseFile) -> None:
    result = verify(demo_file.conn)
    assert result.ok, result.findings
    assert result.entries == result.records > 1000


def test_a_journal_entry_edited_with_raw_sql_is_named(case_file: CaseFile) -> None:
    _edits(case_file)
    seq, change_id, rtype, rid, at = _journal(case_file)[4]
    fields = json.loads(
        case_file.conn.execute("SELECT fields FROM journal WHERE seq = ?", (seq,)).fetchone()[0]
    )
    changed = {k: (v + "改" if isinstance(v, str) else v) for k, v in fields.items()}
    case_file.conn.execute(
        "UPDATE journal SET fields = ? WHERE seq = ?",
        (json.dumps(changed, ensure_ascii=False, sort_keys=True), seq),
    )
    result = verify(case_file.conn)
    chain_findings = [f for f in result.findings if f.check == CHAIN]
    assert len(chain_findings) == 1
    assert chain_findings[0].where == {
        "seq": seq,
        "change_id": change_id,
        "record_type": rtype,
        "record_id": rid,
        "at": at,
    }
    assert f"第 {seq} 条" in chain_findings[0].message and change_id in chain_findings[0].message
    assert PUSH_CHAIN not in {f.check for f in result.findings}  # the same entry, named once
    # the state no longer follows from the (edited) journal either
    assert any(f.check == REPLAY and f.where["record_id"] == rid for f in result.findings)


def test_a_journal_entry_deleted_in_the_middle_breaks_the_chain_at_the_next(
    case_file: CaseFile,
) -> None:
    _edits(case_file)
    rows = _journal(case_file)
    case_file.conn.execute("DELETE FROM journal WHERE seq = ?", (rows[5][0],))
    result = verify(case_file.conn)
    first = next(f for f in result.findings if f.check == CHAIN)
    assert first.where["seq"] == rows[6][0] and first.where["change_id"] == rows[6][1]


def test_a_chain_value_rewritten_is_caught_at_that_entry(case_file: CaseFile) -> None:
    _edits(case_file)
    rows = _journal(case_file)
    case_file.conn.execute("UPDATE journal SET chain = ? WHERE seq = ?", ("0" * 64, rows[2][0]))
    first = next(f for f in verify(case_file.conn).findings if f.check == CHAIN)
    assert first.where["seq"] == rows[2][0]


def test_a_record_edited_around_the_journal_is_named(case_file: CaseFile) -> None:
    ids = _edits(case_file)
    case_file.conn.execute("UPDATE cases SET principal = 1 WHERE id = ?", (ids[1],))
    result = verify(case_file.conn)
    assert [f.check for f in result.findings] == [REPLAY]
    (finding,) = result.findings
    assert finding.where == {
        "record_type": "case",
        "record_id": ids[1],
        "kind": "differs",
        "fields": ["principal"],
    }
    assert "（2026）豫0302执2号" in finding.message and "principal" in finding.message


def test_a_record_added_or_deleted_around_the_journal_is_named(case_file: CaseFile) -> None:
    ids = _edits(case_file)
    (party,) = case_file.conn.execute("SELECT id FROM parties LIMIT 1").fetchone()
    case_file.conn.execute("DELETE FROM parties WHERE id = ?", (party,))
    case_file.conn.execute(
        "INSERT INTO parties (id, case_id, role, kind, name, _origin) "
        "VALUES ('p-extra', ?, 'debtor', 'person', '赵六', 'none')",
        (ids[0],),
    )
    kinds = {(f.where["record_id"], f.where["kind"]) for f in verify(case_file.conn).findings}
    assert kinds == {(party, "missing"), ("p-extra", "extra")}


def test_a_document_edited_after_it_was_finalised_is_named(case_file: CaseFile) -> None:
    ids = _edits(case_file)
    doc_id = ids[-1]
    doc = Document(blocks=(Para("申请执行人不同意终结本次执行程序。"),), kind="interview_record")
    case_file.conn.execute(
        "UPDATE documents SET content = ? WHERE id = ?", (document_to_json(doc), doc_id)
    )
    result = verify(case_file.conn)
    (finding,) = [f for f in result.findings if f.check == DOCUMENT]
    assert finding.where["document_id"] == doc_id
    assert "约谈笔录" in finding.message and "（2026）豫0302执1号" in finding.message
    assert result.documents == 1


def test_a_damaged_file_fails_the_integrity_check(tmp_path: Path) -> None:
    path = tmp_path / "damaged.sqlite3"
    conn = sqlcipher.connect(path, isolation_level=None)
    migrations.migrate(conn)
    conn.executemany(
        "INSERT INTO cases (id, case_number, filing_date, status, _origin) "
        "VALUES (?, ?, '2026-01-05', ?, ?)",
        [
            (f"c{n}", f"（2026）豫0302执{n}号", "open" if n % 2 else "closed", f"o{n}")
            for n in range(500)
        ],
    )
    assert verify(conn).ok is False  # records made around the journal
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'cases'").fetchone()
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET rootpage = ? WHERE name = 'cases_status'", (root,))
    conn.close()
    conn = sqlcipher.connect(path, isolation_level=None)
    result = verify(conn)
    assert "integrity" in {f.check for f in result.findings}
    conn.close()


# -- migration 6 -----------------------------------------------------------------------------------


def _v5_copy(source: CaseFile, path: Path) -> None:
    """`source`'s data in a plain file at schema version 5 (before the chains)."""
    conn = sqlcipher.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    for migration in migrations.MIGRATIONS[:5]:
        migration(conn)
    conn.execute("PRAGMA user_version = 5")
    conn.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")
    conn.execute("BEGIN")
    for table in ["meta", "journal", *(rt.table for rt in RECORD_TYPES.values())]:
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] not in ("n",)]
        rows = source.conn.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
        conn.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [tuple(r) for r in rows],
        )
    conn.execute("COMMIT")
    conn.close()


def test_migration_6_chains_a_file_made_before_it_as_if_written_with_chains(
    case_file: CaseFile, tmp_path: Path
) -> None:
    ids = _edits(case_file)
    # one change acknowledged by the server and one refused: not pushed again, so not chained
    rows = _journal(case_file)
    case_file.conn.execute("UPDATE journal SET server_seq = 7 WHERE seq = ?", (rows[0][0],))
    case_file.conn.execute(
        "UPDATE journal SET sync_status = 'rejected' WHERE seq = ?", (rows[1][0],)
    )
    old = tmp_path / "old" / "casefile.sqlite3"
    old.parent.mkdir()
    _v5_copy(case_file, old)
    conn = open_database(old)  # migrates
    try:
        assert migrations.schema_version(conn) == migrations.LATEST_VERSION
        result = verify(conn)
        assert result.ok, result.findings
        assert result.entries == len(rows)
        migrated = conn.execute("SELECT push_chain FROM journal ORDER BY seq").fetchall()
        assert migrated[0] == migrated[1] == (None,)
        assert all(p is not None for (p,) in migrated[2:])
        # later changes chain on from what the migration computed
        conn.execute("BEGIN IMMEDIATE")
        apply_changes(
            conn,
            [
                Change(
                    "c-new",
                    "case",
                    ids[0],
                    {"notes": "迁移后"},
                    {"notes": "x"},
                    OFFICER,
                    "d",
                    utc_now(),
                )
            ],
            check_base=False,
        )
        conn.execute("COMMIT")
        assert verify(conn).ok
    finally:
        conn.close()


# -- the command -----------------------------------------------------------------------------------


def test_the_command_says_all_is_well_and_exits_0(demo_file: CaseFile, capsys) -> None:
    demo_file.close()
    assert cli.main(["verify", "--data-dir", str(demo_file.path.parent)]) == 0
    assert "核验通过" in capsys.readouterr().out


def test_the_command_names_the_bad_entry_and_exits_1(demo_file: CaseFile, capsys) -> None:
    seq, change_id = demo_file.conn.execute(
        "SELECT seq, change_id FROM journal ORDER BY seq LIMIT 1 OFFSET 10"
    ).fetchone()
    demo_file.conn.execute("UPDATE journal SET officer = '别人' WHERE seq = ?", (seq,))
    demo_file.close()
    assert cli.main(["verify", "--data-dir", str(demo_file.path.parent)]) == 1
    out = capsys.readouterr().out
    assert f"变更日志第 {seq} 条（变更 {change_id}" in out
    assert cli.main(["verify", "--json", "--data-dir", str(demo_file.path.parent)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert report["findings"][0]["where"]["change_id"] == change_id


def test_the_command_without_a_case_file_is_a_usage_error(tmp_path: Path, capsys) -> None:
    assert cli.main(["verify", "--data-dir", str(tmp_path / "none")]) == 2
    assert "错误" in capsys.readouterr().err


def test_verify_changes_nothing(demo_file: CaseFile) -> None:
    before = fingerprint(demo_file)
    verify(demo_file.conn)
    assert fingerprint(demo_file) == before
