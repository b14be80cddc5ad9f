"""A first sync writes each pulled page of new records table by table: the case file must be the
one the change-by-change path makes from the same changes."""

from pathlib import Path

from central import admin
from tests.conftest import fingerprint
from tests.sync.conftest import COURT, Server, laptop, sync
from workstation.store import queries, search
from workstation.store.casefile import CaseFile
from workstation.store.journal import journal_changes, stored_summary
from workstation.sync.apply import apply_pulled
from workstation.sync.client import local_summary


def _one_change_at_a_time(cf: CaseFile, path: Path) -> CaseFile:
    copy = CaseFile.open(path, create=True, officer=cf.officer)
    local_summary(copy)  # an empty file keeps its summary from the start, as a sync does
    for ch in journal_changes(cf.conn):
        with copy.transaction() as conn:
            outcome = apply_pulled(conn, [ch])
            search.index_cases(conn, outcome.applied.case_ids, outcome.applied.created_case_ids)
    return copy


def _found(cf: CaseFile, text: str) -> list[str]:
    return [row[0] for row in queries.list_cases(cf.conn, queries.CaseFilter(text=text))]


def test_first_sync_ends_as_applying_each_pulled_change_alone(
    server: Server, tmp_path: Path
) -> None:
    admin.load_demo(server.db, cases=300, seed=11, court=COURT, officer_username="zhang")
    cf = laptop(tmp_path, "a", server)
    report = sync(cf, server)
    assert report.pulled > 1000 and not report.recovered
    with _one_change_at_a_time(cf, tmp_path / "b" / "casefile.sqlite3") as alone:
        assert fingerprint(cf) == fingerprint(alone)
        assert stored_summary(cf.conn) == stored_summary(alone.conn)
        assert stored_summary(cf.conn) == local_summary(cf, recompute=True)
        for text in ("王", "执1", "2024", "豫0302", "公司", "4103"):
            assert _found(cf, text) == _found(alone, text)
            assert _found(cf, text), text
