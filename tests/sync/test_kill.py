"""Killed at any moment, nothing is lost or doubled: the workstation mid-sync, the server mid-push.

Short by default; WORKSTATION_LONG_TESTS=1 kills many more times.
"""

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from central import admin
from central.testing import free_port, start_server_process
from tests.sync.conftest import COURT, PASSWORD, Server, laptop, sync
from tests.sync.test_sync import assert_converged, random_edits
from tests.test_crash_safety import assert_whole
from workstation.store.casefile import CaseFile
from workstation.store.keys import sidecar_path
from workstation.sync.client import HttpTransport, RetryPolicy, SyncClient

LONG = os.environ.get("WORKSTATION_LONG_TESTS") == "1"


def _sync_process(data_dir: Path) -> subprocess.Popen:
    env = {**os.environ, "WORKSTATION_SYNC_PASSWORD": PASSWORD}
    return subprocess.Popen(
        [sys.executable, "-m", "workstation.cli", "sync", "--quiet", "--data-dir", str(data_dir)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_workstation_killed_at_random_moments_during_sync_then_synced_again(server, tmp_path):
    admin.load_demo(server.db, cases=700, seed=3, court=COURT, officer_username="zhang")
    cf = laptop(tmp_path, "a", server)
    sync(cf, server)
    random_edits(cf, random.Random(1), 60)
    cf.set_meta("pull_cursor", "0")  # and pull everything again: a long pull to interrupt
    cf.close()
    data_dir = cf.path.parent
    rng = random.Random(2)
    # how long an uninterrupted sync of this file takes, so the kills land inside it
    probe = tmp_path / "probe"
    probe.mkdir()
    (probe / "casefile.sqlite3").write_bytes(cf.path.read_bytes())
    (probe / "casefile.keys.json").write_bytes(sidecar_path(cf.path).read_bytes())
    started = time.monotonic()
    assert _sync_process(probe).wait(timeout=120) == 0
    duration = time.monotonic() - started
    kills = 40 if LONG else 6
    for attempt in range(kills):
        proc = _sync_process(data_dir)
        time.sleep(rng.uniform(0.15, duration))  # after the interpreter has started
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        # opens, and the lock was released by the OS; integrity check and verify pass
        with assert_whole(cf.path, f"sync killed, try {attempt}"):
            pass
    finished = _sync_process(data_dir)
    _, err = finished.communicate(timeout=120)
    assert finished.returncode == 0, err.decode()
    with CaseFile.open(cf.path) as done:
        sync(done, server)
        assert_converged(server, done)


def test_server_killed_in_the_middle_of_a_push_gives_each_change_exactly_once(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    from central.db import Database

    db = Database(db_url)
    admin.init(db)
    admin.add_account(db, "zhang", PASSWORD, role="officer", court=COURT, name="张伟")
    admin.load_demo(db, cases=40, seed=5, court=COURT, officer_username="zhang")
    port = free_port()
    proc, url = start_server_process(db_url, tmp_path / "blobs", port=port)
    server = Server(url, db, db_url)
    cf = laptop(tmp_path, "a", server)
    try:
        sync(cf, server)
        random_edits(cf, random.Random(4), 1800)  # several push batches
        outcome: dict = {}

        def run() -> None:
            transport = HttpTransport(url, timeout=5)
            try:
                outcome["report"] = SyncClient(
                    cf.sibling(),
                    transport,
                    server_url=url,
                    username="zhang",
                    password=lambda: PASSWORD,
                    retry=RetryPolicy(attempts=60, base_delay=0.05, max_delay=0.5),
                ).run()
            except BaseException as exc:  # reported below
                outcome["error"] = exc
            finally:
                transport.close()

        worker = threading.Thread(target=run)
        worker.start()
        time.sleep(0.4)  # inside the push
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        time.sleep(0.3)
        proc, _ = start_server_process(db_url, tmp_path / "blobs", port=port)
        worker.join(timeout=120)
        assert "error" not in outcome, outcome.get("error")
        sync(cf, server)
        assert_converged(server, cf)
    finally:
        proc.kill()
        proc.wait()
        cf.close()
        db.close()
