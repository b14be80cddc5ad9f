"""Sync speed, workstation side, against the real server as a subprocess.

    python bench/sync.py [--cases 50000] [--db URL]

Prints, each beside a floor measured in the same run:
- the first sync of a workstation that receives N cases (target: 50,000 in at most 15 s);
  floor: fetching the same pages over HTTP without applying them, plus inserting the same change
  rows into a bare SQLite table in one transaction;
- end of day: 300 changes pushed and 300 pulled (target 0.5 s); a sync with nothing to do
  (target 20 ms); floor: the same number of HTTP round trips to /status.
The server runs on SQLite by default; --db postgresql+psycopg://... uses PostgreSQL.
"""

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import keyring
from keyring.backend import KeyringBackend

from bench.common import machine
from workstation.store.casefile import CaseFile, Edit
from workstation.sync import protocol
from workstation.sync.client import HttpTransport, SyncClient

PASSWORD = "bench-password-1"
COURT = "豫0302"


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict = {}

    def get_password(self, service, username):
        return self.items.get((service, username))

    def set_password(self, service, username, password):
        self.items[(service, username)] = password

    def delete_password(self, service, username):
        self.items.pop((service, username), None)


def laptop(root: Path, name: str, url: str) -> CaseFile:
    cf = CaseFile.open(root / name / "casefile.sqlite3", create=True, officer="张伟")
    cf.set_meta("server_url", url)
    cf.set_meta("server_username", "zhang")
    return cf


def run_sync(cf: CaseFile, url: str):
    transport = HttpTransport(url)
    try:
        started = time.perf_counter()
        report = SyncClient(
            cf, transport, server_url=url, username="zhang", password=lambda: PASSWORD
        ).run()
        seconds = time.perf_counter() - started
        # The backup taken as the sync began is written on its own thread while the sync runs
        # (it does not make the sync wait). Syncs are hours apart: let it finish before the next
        # measurement, outside the timing.
        if report.backup is not None:
            report.backup.wait()
        return seconds, report
    finally:
        transport.close()


def floor_first_sync(url: str, token: str, root: Path) -> tuple[float, int]:
    import httpx

    started = time.perf_counter()
    rows = []
    since = 0
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as client:
        while True:
            page = client.get(
                protocol.API + "/changes", params={"since": since, "limit": protocol.PULL_PAGE}
            ).json()
            rows.extend(
                (c["change_id"], c["record_id"], json.dumps(c, ensure_ascii=False))
                for c in page["changes"]
            )
            since = page["next"]
            if not page["more"]:
                break
    conn = sqlite3.connect(root / "floor.sqlite3")
    conn.execute("CREATE TABLE t (change_id TEXT PRIMARY KEY, record_id TEXT, body TEXT)")
    with conn:
        conn.executemany("INSERT INTO t VALUES (?, ?, ?)", rows)
    conn.close()
    return time.perf_counter() - started, len(rows)


def edits(cf: CaseFile, n: int, rng: random.Random) -> None:
    ids = [r[0] for r in cf.conn.execute("SELECT id FROM cases ORDER BY random() LIMIT ?", (n,))]
    for case_id in ids:
        cf.save([Edit("case", {"notes": f"外勤记录 {rng.randrange(10**6)}"}, case_id)])


def main() -> None:
    # The server's modules are imported here, not at the top: the sync's helper process (spawned)
    # imports this main module again, as it imports the program's, and should not pay for
    # FastAPI and SQLAlchemy (a second of its CPU) where the program's helper does not.
    from central import admin
    from central.db import Database
    from central.testing import start_server_process

    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--db", help="server database URL (default: a SQLite file)")
    args = parser.parse_args()
    keyring.set_keyring(MemoryKeyring())
    root = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    db_url = args.db or f"sqlite:///{root / 'central.sqlite3'}"
    db = Database(db_url)
    admin.init(db)
    admin.add_account(db, "zhang", PASSWORD, role="officer", court=COURT, name="张伟")
    print(f"machine: {machine()}")
    print(f"server database: {db_url.split('://')[0]}")
    accepted, seconds = admin.load_demo(
        db, cases=args.cases, seed=1, court=COURT, officer_username="zhang"
    )
    print(
        f"server ingest (load-demo): {accepted} changes in {seconds:.1f} s "
        f"= {accepted / seconds:,.0f} changes/s"
    )
    proc, url = start_server_process(db_url, root / "blobs")
    try:
        a = laptop(root, "a", url)
        first, report = run_sync(a, url)
        token = keyring.get_password("EnforcementWorkstation", f"{url}|zhang")
        floor, _rows = floor_first_sync(url, token, root)
        print(
            f"first sync, {args.cases} cases ({report.pulled} changes): {first:.2f} s; "
            f"floor (fetch pages + bulk insert): {floor:.2f} s; ratio {first / floor:.1f}x "
            f"(target <= 15 s)"
        )
        b = laptop(root, "b", url)
        run_sync(b, url)
        rng = random.Random(1)
        times = []
        for _ in range(7):  # the search index's segment merges make single runs vary
            edits(b, 300, rng)
            run_sync(b, url)
            edits(a, 300, rng)
            seconds, rep = run_sync(a, url)
            times.append(seconds)
        print(
            f"end of day, 300 pushed + 300 pulled: median {statistics.median(times) * 1000:.0f}"
            f" ms, {min(times) * 1000:.0f}-{max(times) * 1000:.0f} ms over {len(times)} days"
            f" (pushed {rep.pushed}, pulled {rep.pulled}; target <= 500 ms)"
        )
        noop = [run_sync(a, url)[0] for _ in range(10)]
        import httpx

        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as client:
            started = time.perf_counter()
            for _ in range(10 * 3):
                client.get(protocol.API + "/status")
            trip = (time.perf_counter() - started) / 10
        print(
            f"nothing to do: median {statistics.median(noop) * 1000:.1f} ms "
            f"(target <= 20 ms); floor: 3 bare round trips {trip * 1000:.1f} ms"
        )
        a.close()
        b.close()
    finally:
        proc.kill()
        proc.wait()
        db.close()


if __name__ == "__main__":
    main()
