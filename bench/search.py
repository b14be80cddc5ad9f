"""Search speed: first page of results through the program's query path, beside the raw FTS query.

    python bench/search.py [--cases 100000] [--queries 200]

Targets (issue 2): p95 at most 20 ms at 100,000 cases, at most 100 ms at 1,000,000 cases, for
two-character names, three-character names, case-number fragments and ID-number fragments.
The "raw" column is SQLite alone answering the same question (the matching rowids, first page),
measured in the same run: the floor the program's path is compared with.
"""

import argparse
import random
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import demo_dir, machine, percentile, summary
from workstation.store import queries, search
from workstation.store.casefile import CaseFile

PAGE = 200
COUNT_CAP = 10_000  # as the case list counts (ui/case_list.py)


def samples(conn: sqlite3.Connection, n: int, rng: random.Random) -> dict[str, list[str]]:
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM parties WHERE kind = 'person' AND role != 'agent' "
            "AND name NOT LIKE '%·%' ORDER BY random() LIMIT 5000"
        )
    ]
    two = [x for x in names if len(x) == 2]
    three = [x for x in names if len(x) == 3]
    numbers = [
        r[0] for r in conn.execute("SELECT case_number FROM cases ORDER BY random() LIMIT ?", (n,))
    ]
    ids = [
        r[0]
        for r in conn.execute(
            "SELECT id_number FROM parties WHERE id_number != '' ORDER BY random() LIMIT ?", (n,)
        )
    ]

    def frag(s: str, length: int) -> str:
        start = rng.randrange(0, len(s) - length + 1)
        return s[start : start + length]

    return {
        "2-character name": [rng.choice(two) for _ in range(n)],
        "3-character name": [rng.choice(three) for _ in range(n)],
        # What officers type: the serial with its kind, or court code + kind + serial
        "case-number fragment": [typed_case_number(num, rng) for num in numbers],
        "broad fragment (豫0302, 2025)": [
            rng.choice([num[num.index("）") + 1 : num.index("）") + 7], num[1:5]])
            for num in numbers
        ],
        "ID fragment (6 digits)": [frag(i, 6) for i in ids],
    }


def typed_case_number(number: str, rng: random.Random) -> str:
    """A fragment as an officer types it: 执123, 0302执123, (2025)豫0302执12 ..."""
    body = number[number.index("）") + 1 : -1]  # 豫0302执123
    kind_at = next(i for i, ch in enumerate(body) if ch == "执")
    choice = rng.randrange(3)
    if choice == 0:
        return body[kind_at:]
    if choice == 1:
        return body[3:]
    return f"({number[1:5]}){body[:-1] if len(body) > kind_at + 2 else body}"


def first_page(conn: sqlite3.Connection, flt: queries.CaseFilter) -> list[tuple]:
    """What the case list does for a new search: count, then the first page."""
    total = queries.count_cases(conn, flt, cap=COUNT_CAP)
    return queries.list_cases(conn, flt, limit=PAGE, matches=total)


def time_ms(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    path = demo_dir(args.cases) / "casefile.sqlite3"
    rng = random.Random(7)
    print(f"machine: {machine()}")
    print(f"case file: {args.cases} cases, {path.stat().st_size / 1e6:.0f} MB")
    with CaseFile.open(path, readonly=True) as cf:
        conn = cf.conn
        sets = samples(conn, args.queries, rng)
        for label, texts in sets.items():
            ours, raw, hits = [], [], []
            for text in texts:
                flt = queries.CaseFilter(text=text)
                sql, params = search.match_clause(text)
                # warm both paths once, as typing warms them
                first_page(conn, flt)
                ours.append(time_ms(lambda flt=flt: first_page(conn, flt)))
                raw.append(
                    time_ms(
                        lambda sql=sql, params=params: conn.execute(
                            f"{sql} LIMIT {PAGE}", params
                        ).fetchall()
                    )
                )
                hits.append(queries.count_cases(conn, flt))
            ratio = percentile(ours, 95) / max(percentile(raw, 95), 1e-6)
            print(
                f"{label:24s} program {summary(ours)} | raw FTS {summary(raw)} | "
                f"p95 ratio {ratio:5.1f}x | median hits {sorted(hits)[len(hits) // 2]}"
            )


if __name__ == "__main__":
    main()
