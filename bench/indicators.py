"""All indicators of a 100,000-case demo file, beside a floor: one bare SQL pass over the same rows.

    WORKSTATION_PASSPHRASE=... .venv/bin/python -m bench.indicators [--cases 100000]

The floor reads every case row once (the columns the indicators use) and sums them, which is
the least any computation from the case file has to do. The case lists behind the figures are
read when one is first opened (workstation.indicators.compute); the bench also times that.
Prints figures; not a test.
"""

import argparse
import statistics
import time
import warnings
from datetime import date

from workstation.demo import DEMO_TODAY
from workstation.indicators import ReportPeriod, Scope, compute, recent_months, trend
from workstation.paths import case_file_path
from workstation.store.casefile import CaseFile

from .common import demo_dir, machine

FLOOR = """SELECT count(*), sum(principal + interest), max(case_number), max(closing_method),
                  max(closing_date), max(filing_date), max(officer), max(status)
           FROM cases WHERE deleted = 0"""


def timed(fn, runs: int = 5) -> float:
    values = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        values.append((time.perf_counter() - started) * 1000)
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    path = case_file_path(demo_dir(args.cases))
    print(machine())
    with CaseFile.open(path, readonly=True) as cf:
        conn = cf.conn
        compute(conn, ReportPeriod.month(2026, 10))  # warm the page cache
        floor = timed(lambda: conn.execute(FLOOR).fetchall())
        print(f"{args.cases} cases; floor (one bare pass over the case rows): {floor:7.1f} ms")
        cases = [
            ("month 2026-10, court", ReportPeriod.month(2026, 10), Scope()),
            ("week, court", ReportPeriod.week(DEMO_TODAY), Scope()),
            ("year 2026, court", ReportPeriod.year(2026), Scope()),
            (
                "all years, court",
                ReportPeriod.between(date(2019, 1, 1), DEMO_TODAY),
                Scope(),
            ),
            ("month 2026-10, one officer", ReportPeriod.month(2026, 10), Scope(officer="张伟")),
        ]
        for label, period, scope in cases:
            ms = timed(lambda p=period, s=scope: compute(conn, p, s))
            print(
                f"  all indicators with case lists, {label:28} {ms:7.1f} ms"
                f"  {ms / floor:5.1f}x floor"
            )
        # the case lists are read when a figure is opened; what that costs, and the lists read
        # with the figures
        years = ReportPeriod.between(date(2019, 1, 1), DEMO_TODAY)
        ms = timed(lambda: compute(conn, years).get("closure_rate").numerator.case_ids, runs=3)
        print(f"  all years, then one figure's case list opened           {ms:7.1f} ms")
        ms = timed(lambda: compute(conn, years, lazy_ids=False), runs=3)
        print(f"  all years, every case list read at once                 {ms:7.1f} ms")
        months = recent_months(DEMO_TODAY, 12)
        ms = timed(lambda: trend(conn, months), runs=2)
        print(f"  trend of 12 months (no case lists)                      {ms:7.1f} ms")


if __name__ == "__main__":
    main()
