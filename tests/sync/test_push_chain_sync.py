"""The journal's chains through a real sync: a synced file verifies, a tampered change is refused
by the server, and the recovered file that replaces it syncs again."""

import json
import sqlite3
from pathlib import Path

from central.ingest import CHAIN_ALTERED
from tests.sync.conftest import Server, laptop, sync
from workstation.store.casefile import CaseFile, Edit
from workstation.sync.client import swap_in_recovered
from workstation.verify import CHAIN, verify


def server_links(server: Server) -> list[tuple[str, str]]:
    path = server.db_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT device, change_id FROM push_chain_links").fetchall()


def edit_notes(cf: CaseFile, text: str, field: str = "notes") -> None:
    case_id = cf.conn.execute("SELECT id FROM cases ORDER BY n LIMIT 1").fetchone()[0]
    cf.save([Edit("case", {field: text}, record_id=case_id)])


def test_a_file_after_a_real_sync_verifies(server: Server, tmp_path: Path) -> None:
    cf = laptop(tmp_path, "a", server)
    sync(cf, server)  # pulled
    for n in range(3):
        edit_notes(cf, f"外勤{n}")
    report = sync(cf, server)  # pushed, acknowledged, pulled back
    assert report.pushed == 3 and not report.rejected
    result = verify(cf.conn)
    assert result.ok, result.findings
    local = [r[0] for r in cf.conn.execute("SELECT change_id FROM journal WHERE origin='local'")]
    assert sorted(server_links(server)) == sorted((cf.device, c) for c in local)
    cf.close()


def test_a_tampered_change_is_refused_and_the_recovered_file_syncs_again(
    server: Server, tmp_path: Path
) -> None:
    cf = laptop(tmp_path, "a", server)
    sync(cf, server)
    edit_notes(cf, "已送达")
    edit_notes(cf, "民间借贷纠纷（已约谈）", field="cause")
    seq, change_id, fields = cf.conn.execute(
        "SELECT seq, change_id, fields FROM journal WHERE origin = 'local' ORDER BY seq LIMIT 1"
    ).fetchone()
    forged = json.dumps(json.loads(fields) | {"notes": "未送达"}, ensure_ascii=False)
    cf.conn.execute("UPDATE journal SET fields = ? WHERE seq = ?", (forged, seq))
    assert next(f for f in verify(cf.conn).findings if f.check == CHAIN).where["seq"] == seq
    report = sync(cf, server)
    assert report.rejected == [(change_id, CHAIN_ALTERED)]
    assert report.pushed == 1  # the change after it is not locked out
    assert report.recovered  # the server's data differs: a fresh copy was made
    path = cf.path
    cf.close()
    swap_in_recovered(path, report.recovery_file)
    with CaseFile.open(path) as fresh:
        assert verify(fresh.conn).ok
        edit_notes(fresh, "恢复后再次外勤")
        again = sync(fresh, server)
        assert (again.pushed, again.rejected, again.recovered) == (1, [], False)
        assert verify(fresh.conn).ok
