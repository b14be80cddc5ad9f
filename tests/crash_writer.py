"""A writing process for the crash tests (tests/test_crash_safety.py), killed at random moments.

    python -m tests.crash_writer CASE_FILE RUN SEED

Opens the case file (made if missing), prints "ready", then saves through CaseFile.save until it
is killed. Every save sets the counter case's notes to "run RUN save N" (N counting up from 0),
often with a new party or a new case in the same transaction, and padding so that the WAL grows
and checkpoints happen. Only after save returns does it print one line:

    saved N <change id>,... <record id>,...

so every change printed was reported to the officer as saved.
"""

import random
import sys
from pathlib import Path

from workstation.store.casefile import CaseFile, Edit

COUNTER_CASE_NUMBER = "（2024）豫0302执1号"


def counter_case(cf: CaseFile) -> str:
    row = cf.conn.execute(
        "SELECT id FROM cases WHERE case_number = ?", (COUNTER_CASE_NUMBER,)
    ).fetchone()
    if row:
        return row[0]
    (case_id,) = cf.save(
        [Edit("case", {"case_number": COUNTER_CASE_NUMBER, "filing_date": "2024-03-01"})]
    )
    return case_id


def notes(run: int, n: int, rng: random.Random) -> str:
    return f"run {run} save {n} " + "走访记录" * rng.randrange(1, 600)


def main(argv: list[str]) -> None:
    path, run, seed = Path(argv[0]), int(argv[1]), int(argv[2])
    rng = random.Random(seed)
    cf = CaseFile.open(path, create=True, officer="张伟")
    case_id = counter_case(cf)
    print("ready", flush=True)
    n = 0
    while True:
        edits = [Edit("case", {"notes": notes(run, n, rng)}, case_id)]
        action = rng.randrange(4)
        if action == 1:
            edits.append(
                Edit(
                    "party",
                    {
                        "case_id": case_id,
                        "role": "debtor",
                        "kind": "person",
                        "name": f"被执行人{run}-{n}",
                    },
                )
            )
        elif action == 2:
            edits.append(
                Edit(
                    "case",
                    {
                        "case_number": f"（2024）豫0302执{1000 + run * 10_000 + n}号",
                        "filing_date": "2024-03-02",
                        "principal": rng.randrange(1, 10**9),
                    },
                )
            )
        before = cf.conn.execute("SELECT coalesce(max(seq), 0) FROM journal").fetchone()[0]
        record_ids = cf.save(edits)
        change_ids = [
            r[0]
            for r in cf.conn.execute(
                "SELECT change_id FROM journal WHERE seq > ? ORDER BY seq", (before,)
            )
        ]
        print(f"saved {n} {','.join(change_ids)} {','.join(record_ids)}", flush=True)
        n += 1


if __name__ == "__main__":
    main(sys.argv[1:])
