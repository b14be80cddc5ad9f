"""A pull of more than one page has its pages fetched and prepared by a helper process
(workstation/sync/prefetch.py): the case file must end as applying each pulled change alone, a
page the helper cannot prepare goes the ordinary way, and wherever the helper stops (a refused
token, cancel, a kill) the sync goes on or resumes from the cursor."""

import gc
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from central import admin
from tests.conftest import fingerprint
from tests.sync.conftest import COURT, PASSWORD, Server, laptop, sync
from tests.sync.test_first_sync import _found, _one_change_at_a_time
from tests.sync.test_sync import assert_converged
from tests.test_crash_safety import assert_whole
from workstation.store import journal
from workstation.store.casefile import CaseFile, Edit
from workstation.store.journal import stored_summary
from workstation.sync import prefetch, protocol
from workstation.sync.client import Cancelled, SyncClient, local_summary

PAGE = 97  # pages that split cases from their parties


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(protocol, "PULL_PAGE", PAGE)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How pages were written here: prepared by the helper, or the ordinary way."""
    counts = {"prepared": 0, "ordinary": 0, "chained here": 0}
    prepared, ordinary, append = (
        prefetch.apply_prepared,
        prefetch._apply_ordinarily,
        journal._append_journal,
    )

    def apply_prepared(conn, page, entries):
        counts["prepared"] += isinstance(page, prefetch.PreparedPage)
        return prepared(conn, page, entries)

    def apply_ordinarily(conn, changes):
        counts["ordinary"] += 1
        return ordinary(conn, changes)

    def append_journal(conn, rows):
        counts["chained here"] += 1
        return append(conn, rows)

    monkeypatch.setattr(prefetch, "apply_prepared", apply_prepared)
    monkeypatch.setattr(prefetch, "_apply_ordinarily", apply_ordinarily)
    monkeypatch.setattr(journal, "_append_journal", append_journal)
    return counts


def _no_helper_left() -> None:
    deadline = time.monotonic() + 10
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not multiprocessing.active_children()


def test_first_sync_prepared_by_the_helper_ends_as_each_change_applied_alone(
    server: Server, tmp_path: Path, small_pages: None, counted: dict[str, int]
) -> None:
    admin.load_demo(server.db, cases=300, seed=11, court=COURT, officer_username="zhang")
    cf = laptop(tmp_path, "a", server)
    report = sync(cf, server)
    assert report.pulled > 1000 and not report.recovered
    assert gc.isenabled()  # paused only while the pages arrived
    pages = -(-report.pulled // PAGE)
    # every page after the first prepared by the helper and written as it was prepared, its
    # journal chain values included (only the first page was chained here)
    assert counted == {"prepared": pages - 1, "ordinary": 0, "chained here": 1}
    _no_helper_left()
    with _one_change_at_a_time(cf, tmp_path / "b" / "casefile.sqlite3") as alone:
        assert fingerprint(cf) == fingerprint(alone)
        assert stored_summary(cf.conn) == stored_summary(alone.conn)
        assert stored_summary(cf.conn) == local_summary(cf, recompute=True)
        for text in ("王", "执1", "2024", "豫0302", "公司", "4103"):
            assert _found(cf, text) == _found(alone, text)
            assert _found(cf, text), text
    assert_converged(server, cf)


def test_pages_pulled_again_are_applied_the_ordinary_way_and_change_nothing(
    server: Server, tmp_path: Path, small_pages: None, counted: dict[str, int]
) -> None:
    admin.load_demo(server.db, cases=60, seed=12, court=COURT, officer_username="zhang")
    cf = laptop(tmp_path, "a", server)
    sync(cf, server)
    before = fingerprint(cf)
    cf.set_meta("pull_cursor", "0")  # every change of every page is here already
    counted.update(prepared=0, ordinary=0)
    report = sync(cf, server)
    assert report.pulled == 0 and not report.recovered
    assert counted["prepared"] > 1 and counted["ordinary"] == counted["prepared"]
    assert fingerprint(cf) == before
    assert_converged(server, cf)


def test_pages_of_edits_made_elsewhere_are_applied_the_ordinary_way(
    server: Server, tmp_path: Path, small_pages: None, counted: dict[str, int]
) -> None:
    admin.load_demo(server.db, cases=80, seed=13, court=COURT, officer_username="zhang")
    a, b = laptop(tmp_path, "a", server), laptop(tmp_path, "b", server)
    sync(a, server)
    sync(b, server)
    rng = random.Random(5)
    ids = [r[0] for r in b.conn.execute("SELECT id FROM cases ORDER BY id")]
    for case_id in rng.sample(ids, 60):
        b.save([Edit("case", {"notes": f"外勤记录 {rng.randrange(10**6)}"}, case_id)])
        b.save([Edit("case", {"notes": f"再次外勤 {rng.randrange(10**6)}"}, case_id)])
    sync(b, server)
    counted.update(prepared=0, ordinary=0)
    report = sync(a, server)
    assert report.pulled == 120
    assert counted["ordinary"] >= 1  # pages of updates are not prepared as new records
    assert_converged(server, a, b)


def test_edits_later_in_the_same_transaction_reach_the_search_index(
    server: Server, tmp_path: Path, small_pages: None, counted: dict[str, int]
) -> None:
    """A first sync whose transaction holds pages of new cases and then a page changing their
    notes: the prepared pages' search entries wait for the end of the transaction, so they are
    written before the ordinary page indexes the edited cases again, and search finds the new
    notes, not the old."""
    admin.load_demo(server.db, cases=60, seed=14, court=COURT, officer_username="zhang")
    b = laptop(tmp_path, "b", server)
    sync(b, server)
    ids = [r[0] for r in b.conn.execute("SELECT id FROM cases ORDER BY n")]
    for i, case_id in enumerate(ids[:30]):
        b.save([Edit("case", {"notes": f"改后备注{i:03d}"}, case_id)])
    sync(b, server)
    counted.update(prepared=0, ordinary=0)
    a = laptop(tmp_path, "a", server)
    report = sync(a, server)
    # the first page is the client's; the helper's pages after it fit in one transaction
    assert 2 * PAGE < report.pulled <= (1 + prefetch.PAGES_PER_TRANSACTION) * PAGE
    assert counted["prepared"] >= 1 and counted["ordinary"] >= 1
    n = dict(a.conn.execute("SELECT id, n FROM cases"))
    assert sorted(_found(a, "改后备注")) == sorted(n[case_id] for case_id in ids[:30])
    assert _found(a, "改后备注007") == [n[ids[7]]]
    with _one_change_at_a_time(a, tmp_path / "c" / "casefile.sqlite3") as alone:
        assert fingerprint(a) == fingerprint(alone)
    assert_converged(server, a, b)


def test_a_helper_refused_by_the_server_leaves_the_pull_to_the_ordinary_way(
    server: Server, tmp_path: Path, small_pages: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin.load_demo(server.db, cases=60, seed=14, court=COURT, officer_username="zhang")
    started = []

    def helper(self: SyncClient, since: int) -> prefetch.PageHelper:
        started.append(since)
        return prefetch.PageHelper(self.transport.base_url, "not-a-token", since)

    monkeypatch.setattr(SyncClient, "_page_helper", helper)
    cf = laptop(tmp_path, "a", server)
    report = sync(cf, server)
    assert len(started) == 1 and report.pulled > 200 and not report.recovered
    _no_helper_left()
    assert_converged(server, cf)


def test_a_pull_cancelled_while_the_helper_works_keeps_whole_pages_and_resumes(
    server: Server, tmp_path: Path, small_pages: None
) -> None:
    admin.load_demo(server.db, cases=150, seed=15, court=COURT, officer_username="zhang")
    cf = laptop(tmp_path, "a", server)
    cancel = threading.Event()
    seen = []

    def progress(phase: str, done: int, total: int | None) -> None:
        if phase == "下载变更" and done:
            seen.append(done)
            if len(seen) == 2:
                cancel.set()

    with pytest.raises(Cancelled):
        sync(cf, server, cancel=cancel, progress=progress)
    _no_helper_left()
    cursor = int(cf.meta("pull_cursor"))
    assert cursor > 0
    # what was written is exactly the pages up to the cursor
    written = cf.conn.execute("SELECT max(server_seq), count(*) FROM journal").fetchone()
    assert written[0] <= cursor and written[1] == seen[-1]
    report = sync(cf, server)
    assert report.pulled + written[1] > 600
    assert_converged(server, cf)


def _sync_process(data_dir: Path) -> subprocess.Popen:
    """`workstation sync` in small pages, so that a helper prepares most of them."""
    code = (
        "import sys; from workstation.sync import protocol; "
        f"protocol.PULL_PAGE = {PAGE}; from workstation.cli import main; "
        "sys.exit(main(sys.argv[1:]))"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code, "sync", "--quiet", "--data-dir", str(data_dir)],
        env={**os.environ, "WORKSTATION_SYNC_PASSWORD": PASSWORD},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _gone(pids: set[int], within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not any(Path(f"/proc/{pid}").exists() for pid in pids):
            return True
        time.sleep(0.05)
    return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_first_sync_killed_while_the_helper_works_then_synced_again(
    server: Server, tmp_path: Path
) -> None:
    admin.load_demo(server.db, cases=250, seed=16, court=COURT, officer_username="zhang")
    probe = laptop(tmp_path, "probe", server)
    probe.close()
    started = time.monotonic()
    assert _sync_process(probe.path.parent).wait(timeout=120) == 0
    duration = time.monotonic() - started  # so that the kills land inside a sync
    cf = laptop(tmp_path, "a", server)
    cf.close()
    data_dir = cf.path.parent
    rng = random.Random(3)
    helped = 0
    for attempt in range(6):
        proc = _sync_process(data_dir)
        time.sleep(rng.uniform(0.4, 0.9) * duration)
        helpers = _children(proc.pid)
        helped += bool(helpers)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert _gone(helpers, within=15), "the helper outlived the killed sync"
        with assert_whole(cf.path, f"sync killed, try {attempt}"):
            pass
    assert helped  # some kills came while a helper worked
    finished = _sync_process(data_dir)
    _, err = finished.communicate(timeout=120)
    assert finished.returncode == 0, err.decode()
    with CaseFile.open(cf.path) as done:
        sync(done, server)
        assert_converged(server, done)
