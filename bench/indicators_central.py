"""The central ranking over 1,000,000 cases on PostgreSQL, beside floors: one bare pass over the
indicators' case columns (case_facts), and one that reads every case record's JSON (a jsonb cast
per case record and a count).

    .venv/bin/python -m bench.indicators_central [--cases 1000000] [--pg-url URL]

Without --pg-url (or WORKSTATION_TEST_PG_URL) it starts a private cluster. Case records are
written straight into `records` with COPY (the shape ingest stores), 8 basic courts under 豫03,
a receipt and a payout for 2% of the cases, into a database set back to version 6; migration 7
then fills the indicators' columns from them, as on an upgraded server. Prints figures; not a
test.
"""

import argparse
import json
import os
import random
import statistics
import time
from contextlib import ExitStack
from datetime import date, timedelta

import psycopg
from sqlalchemy import text

from central import testing
from central.auth import Actor
from central.db import Database, normalise_url
from central.indicators import ranking
from central.migrations import migrate
from workstation.demo import OFFICERS
from workstation.indicators import ReportPeriod

from .common import machine

COURTS = ["豫0302", "豫0303", "豫0304", "豫0305", "豫0306", "豫0307", "豫0311", "豫0322"]
TODAY = date(2026, 11, 26)


def rows(n: int):
    rng = random.Random(1)
    for k in range(n):
        court = COURTS[k % len(COURTS)]
        filed = TODAY - timedelta(days=int(rng.triangular(0, 365 * 7, 200)))
        kind = rng.choices(["执", "执恢", "执保"], [88, 9, 3])[0]
        age = (TODAY - filed).days
        closed = rng.random() < min(0.9, age / 400)
        closing = (
            min(TODAY, filed + timedelta(days=rng.randint(20, max(21, age)))) if closed else None
        )
        case_id = f"c{k:08d}"
        values = {
            "case_number": f"（{filed.year}）{court}{kind}{k + 1}号",
            "court_code": court,
            "officer": rng.choice(OFFICERS),
            "filing_date": filed.isoformat(),
            "principal": rng.randint(1, 10**7) * 100,
            "interest": 0,
            "status": "closed" if closed else "open",
            "closing_date": closing.isoformat() if closing else None,
            "closing_method": rng.choice(["completed", "termination", "ended"]) if closed else None,
            "claim_is_monetary": 1,
            "deleted": 0,
            "notes": "",
        }
        yield ("case", case_id, case_id, court, json.dumps(values, ensure_ascii=False))
        if rng.random() < 0.02:
            day = filed + timedelta(days=30)
            receipt = {
                "case_id": case_id,
                "kind": "receipt",
                "date": day.isoformat(),
                "amount": 100_000,
                "deleted": 0,
                "source": "transfer",
            }
            yield ("funds", f"r{k:08d}", case_id, court, json.dumps(receipt))
            paid = day + timedelta(days=rng.randint(3, 45))
            payout = {
                "case_id": case_id,
                "kind": "payout",
                "date": paid.isoformat(),
                "amount": 100_000,
                "deleted": 0,
                "payee": "申请人",
                "receipt_id": f"r{k:08d}",
            }
            yield ("funds", f"p{k:08d}", case_id, court, json.dumps(payout, ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--pg-url", default=os.environ.get("WORKSTATION_TEST_PG_URL"))
    args = parser.parse_args()
    print(machine())
    with ExitStack() as stack:
        url = args.pg_url or stack.enter_context(testing.private_postgres())
        db = Database(normalise_url(url))
        migrate(db)
        with db.write() as conn:  # as a version-6 server left it: records, no facts tables
            for table in ("case_facts", "fund_facts", "document_facts"):
                conn.execute(text(f"DROP TABLE {table}"))
            conn.execute(text("UPDATE schema_version SET version = 6"))
        started = time.perf_counter()
        raw = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(raw) as pg, pg.cursor() as cur:
            cur.execute("TRUNCATE records")
            with cur.copy(
                "COPY records (record_type, record_id, case_id, court_code, field_values, origin,"
                " versions, digest) FROM STDIN"
            ) as copy:
                for rtype, rid, cid, court, values in rows(args.cases):
                    copy.write_row((rtype, rid, cid, court, values, "o", "{}", "0"))
            cur.execute("ANALYZE records")
        print(f"loaded {args.cases} cases in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        migrate(db)  # 7: the indicators' columns filled from the records
        with db.write() as conn:
            conn.execute(text("ANALYZE case_facts, fund_facts, document_facts"))
        print(f"migration 7 (facts from the records) in {time.perf_counter() - started:.0f} s")
        actor = Actor(1, "liu", "刘", "intermediate_manager", "豫03", ("豫03", *COURTS))
        with db.read() as conn:

            def floor() -> None:
                conn.execute(
                    text(
                        "SELECT count(*), max(CAST(field_values AS jsonb)->>'closing_date') "
                        "FROM records WHERE record_type = 'case'"
                    )
                ).fetchall()

            def timed(fn, runs=3):
                out = []
                for _ in range(runs):
                    t = time.perf_counter()
                    fn()
                    out.append((time.perf_counter() - t) * 1000)
                return statistics.median(out)

            def facts_floor() -> None:
                conn.execute(
                    text(
                        "SELECT count(*), sum(principal + interest), max(case_number), "
                        "max(closing_method), max(closing_date), max(filing_date), max(officer), "
                        "max(status) FROM case_facts WHERE deleted = 0"
                    )
                ).fetchall()

            j = timed(floor)
            f = timed(facts_floor)
            print(f"floor (one pass casting every case's JSON): {j:8.0f} ms")
            print(f"floor (one bare pass over the case columns): {f:8.0f} ms")
            for label, period in (
                ("month 2026-10", ReportPeriod.month(2026, 10)),
                ("year 2026", ReportPeriod.year(2026)),
            ):
                ms = timed(lambda p=period: ranking(conn, actor, p))
                print(
                    f"ranking of {len(COURTS)} courts, all indicators, {label:14} {ms:8.0f} ms"
                    f"  {ms / f:4.1f}x floor"
                )
        db.close()


if __name__ == "__main__":
    main()
