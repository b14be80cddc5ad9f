"""Central server on PostgreSQL: push ingest rate, beside a floor of raw INSERTs; pull and summary
of a first sync of 50,000 cases (about 180,000 changes).

    .venv/bin/python -m bench.sync_server [--cases 50000] [--pg-url URL]

Without --pg-url (or WORKSTATION_TEST_PG_URL) it starts a private PostgreSQL cluster with fsync
on. The server runs as a subprocess (`python -m central.cli serve`), as in production; this
process is the workstation, sending pre-encoded push bodies and parsing each pulled page.
Prints figures; not a test.
"""

import argparse
import json
import os
import time
import uuid
from contextlib import ExitStack
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx
import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from central import admin, testing
from central.db import Database, normalise_url
from central.migrations import migrate
from central.tables import case_scope, journal, records
from workstation.demo import DemoGenerator
from workstation.sync.protocol import API, PULL_PAGE, PUSH_BATCH, change_to_wire

from .common import machine

PASSWORD = "bench password"


def schema_url(base: str, schema: str) -> str:
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    u = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return u.render_as_string(hide_password=False)


def client_for(base_url: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url + API, timeout=300)
    reply = client.post("/session", json={"username": username, "password": PASSWORD})
    client.headers["Authorization"] = f"Bearer {reply.json()['token']}"
    return client


def bench_push(client: httpx.Client, wires: list[dict]) -> float:
    bodies = [
        json.dumps({"changes": wires[i : i + PUSH_BATCH]}, ensure_ascii=False).encode()
        for i in range(0, len(wires), PUSH_BATCH)
    ]
    headers = {"Content-Type": "application/json"}
    started = time.perf_counter()
    for body in bodies:
        reply = client.post("/push", content=body, headers=headers)
        assert reply.status_code == 200, reply.text
        assert all(r["status"] == "accepted" for r in reply.json()["results"])
    return time.perf_counter() - started


def bench_raw_inserts(pushed_url: str, floor_url: str) -> tuple[int, float]:
    """The same journal, records and case rows, INSERTed with psycopg's executemany, one
    transaction per PUSH_BATCH changes: what the database alone costs."""
    db = Database(floor_url)
    migrate(db)
    db.close()
    src = Database(pushed_url)
    with src.read() as conn:
        j = [tuple(r) for r in conn.execute(journal.select().order_by(journal.c.server_seq))]
        rec = {(r.record_type, r.record_id): tuple(r) for r in conn.execute(records.select())}
        cases = {r.case_id: tuple(r) for r in conn.execute(case_scope.select())}
    src.close()

    def sql(table) -> str:
        cols = [c.name for c in table.columns]
        marks = ", ".join(["%s"] * len(cols))
        return f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({marks})"

    u = make_url(floor_url)
    with psycopg.connect(
        host=u.host, port=u.port, user=u.username, dbname=u.database, options=u.query["options"]
    ) as conn:
        started = time.perf_counter()
        for i in range(0, len(j), PUSH_BATCH):
            part = j[i : i + PUSH_BATCH]
            with conn.transaction(), conn.cursor() as cur:
                # column 1 = change_id ... record_type, record_id at 2, 3; case_id at 4
                new_cases = [cases.pop(row[4]) for row in part if row[4] in cases]
                if new_cases:
                    cur.executemany(sql(case_scope), new_cases)
                made = [rec.pop((r[2], r[3]), None) for r in part]
                cur.executemany(sql(records), [r for r in made if r is not None])
                cur.executemany(sql(journal), part)
        return len(j), time.perf_counter() - started


def bench_pull(client: httpx.Client, limit: int) -> tuple[int, float]:
    started = time.perf_counter()
    since, total = 0, 0
    while True:
        reply = client.get("/changes", params={"since": since, "limit": limit})
        page = json.loads(reply.content)
        total += len(page["changes"])
        since = page["next"]
        if not page["more"]:
            return total, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--pg-url", default=os.environ.get(testing.PG_URL_ENV))
    args = parser.parse_args()
    print(machine())
    with ExitStack() as stack:
        base = (
            normalise_url(args.pg_url)
            if args.pg_url
            else stack.enter_context(testing.private_postgres(durable=True))
        )
        tmp = Path(stack.enter_context(TemporaryDirectory()))
        tag = uuid.uuid4().hex[:8]
        url = schema_url(base, f"bench_{tag}")
        testing.add_account(url, "zhang", PASSWORD, name="张伟")
        testing.add_account(url, "boss", PASSWORD, role="court_manager")

        started = time.perf_counter()
        gen = DemoGenerator(1, courts=["豫0302"])
        wires = [change_to_wire(c) for c in gen.changes(args.cases, "bench", "张伟")]
        print(
            f"{args.cases:,} cases, {len(wires):,} changes generated in "
            f"{time.perf_counter() - started:.1f} s"
        )

        proc, base_url = testing.start_server_process(url, tmp / "blobs")
        stack.callback(proc.wait)
        stack.callback(proc.kill)
        officer = client_for(base_url, "zhang")
        seconds = bench_push(officer, wires)
        print(
            f"push over HTTP, {PUSH_BATCH} a request: {len(wires) / seconds:,.0f} changes/s "
            f"({seconds:.1f} s)"
        )
        rows, floor = bench_raw_inserts(url, schema_url(base, f"floor_{tag}"))
        print(
            f"  floor, raw INSERTs of the same rows, {PUSH_BATCH} changes a transaction: "
            f"{rows / floor:,.0f} changes/s ({floor:.1f} s)"
        )

        demo_url = schema_url(base, f"demo_{tag}")
        testing.add_account(demo_url, "zhang", PASSWORD, name="张伟")
        demo_db = Database(demo_url)
        n, seconds = admin.load_demo(
            demo_db, cases=args.cases // 5, seed=2, court="豫0302", officer_username="zhang"
        )
        demo_db.close()
        print(
            f"load-demo ({args.cases // 5:,} cases, the accept path in bulk): "
            f"{n / seconds:,.0f} changes/s ({seconds:.1f} s)"
        )

        for who, client in (("officer", officer), ("court manager", client_for(base_url, "boss"))):
            for limit in sorted({2000, PULL_PAGE}):
                n, seconds = bench_pull(client, limit)
                print(
                    f"pull as {who}, {limit} a page: {n:,} changes in {seconds:.2f} s "
                    f"({n / seconds:,.0f}/s, parsed by the client)"
                )
            started = time.perf_counter()
            summary = client.get("/summary").json()
            print(
                f"summary as {who}: {summary['count']:,} records in "
                f"{time.perf_counter() - started:.2f} s"
            )


if __name__ == "__main__":
    main()
