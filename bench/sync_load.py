"""Many workstations syncing at once against one server on PostgreSQL.

    python bench/sync_load.py [--workstations 200] [--cases-each 20]

Each simulated workstation (a thread in this process, its own case file and officer account)
records a few changes and syncs; all start together. Prints the p50/p95 time per sync, the
server process's CPU time and peak resident memory, beside the floor: the same number of bare
/status round trips made at once.
"""

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import keyring

from bench.common import machine, percentile
from bench.sync import MemoryKeyring
from central import admin
from central.db import Database
from central.testing import private_postgres, start_server_process
from workstation.store.casefile import CaseFile, Edit
from workstation.sync.client import HttpTransport, SyncClient

PASSWORD = "load-password-1"
COURT = "豫0302"


def proc_stats(pid: int) -> tuple[float, int]:
    """(CPU seconds, peak resident KB) of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    peak = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1])
    import os

    return ticks / os.sysconf("SC_CLK_TCK"), peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workstations", type=int, default=200)
    parser.add_argument("--cases-each", type=int, default=20)
    args = parser.parse_args()
    keyring.set_keyring(MemoryKeyring())
    root = Path(tempfile.mkdtemp(prefix="bench-load-"))
    with private_postgres(durable=True) as db_url:
        db = Database(db_url)
        admin.init(db)
        for i in range(args.workstations):
            admin.add_account(
                db, f"officer{i}", PASSWORD, role="officer", court=COURT, name=f"承办人{i}"
            )
            admin.load_demo(
                db, cases=args.cases_each, seed=i, court=COURT, officer_username=f"officer{i}"
            )
        proc, url = start_server_process(db_url, root / "blobs")
        try:
            files = []
            for i in range(args.workstations):
                cf = CaseFile.open(root / f"ws{i}" / "casefile.sqlite3", create=True)
                files.append(cf)
            # first sync of each, one after another (not measured)
            for i, cf in enumerate(files):
                t = HttpTransport(url)
                SyncClient(
                    cf, t, server_url=url, username=f"officer{i}", password=lambda: PASSWORD
                ).run()
                t.close()
            rng = random.Random(1)
            for cf in files:
                ids = [r[0] for r in cf.conn.execute("SELECT id FROM cases LIMIT 5")]
                for case_id in ids:
                    cf.save([Edit("case", {"notes": f"外勤 {rng.randrange(10**6)}"}, case_id)])
            cpu0, _ = proc_stats(proc.pid)
            times: list[float] = []
            start = threading.Barrier(args.workstations)

            def one(i: int) -> None:
                t = HttpTransport(url, timeout=120)
                client = SyncClient(
                    files[i], t, server_url=url, username=f"officer{i}", password=lambda: PASSWORD
                )
                start.wait()
                began = time.perf_counter()
                client.run()
                times.append(time.perf_counter() - began)
                t.close()

            threads = [threading.Thread(target=one, args=(i,)) for i in range(args.workstations)]
            wall = time.perf_counter()
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            wall = time.perf_counter() - wall
            cpu1, peak = proc_stats(proc.pid)
            # floor: the same number of bare round trips at once
            import httpx

            floor: list[float] = []
            barrier = threading.Barrier(args.workstations)

            def ping() -> None:
                with httpx.Client() as c:
                    barrier.wait()
                    began = time.perf_counter()
                    c.get(url + "/openapi.json")
                    floor.append(time.perf_counter() - began)

            pings = [threading.Thread(target=ping) for _ in range(args.workstations)]
            for th in pings:
                th.start()
            for th in pings:
                th.join()
            print(f"machine: {machine()}")
            print(
                f"{args.workstations} workstations, {args.cases_each} cases each, 5 changes "
                "each pushed, syncing at once (threads of one process) on PostgreSQL"
            )
            print(
                f"per sync: p50 {statistics.median(times) * 1000:.0f} ms, "
                f"p95 {percentile(times, 95) * 1000:.0f} ms, all done in {wall:.1f} s"
            )
            print(f"server: {cpu1 - cpu0:.1f} s CPU, peak resident {peak / 1024:.0f} MB")
            print(
                f"floor, one bare request each at once: p95 {percentile(floor, 95) * 1000:.0f} ms"
            )
        finally:
            proc.kill()
            proc.wait()
            db.close()


if __name__ == "__main__":
    main()
