"""The cost of encryption: the same case file plain and encrypted (SQLCipher, raw key), same run.

    python bench/encryption.py [--cases 100000] [--runs 15] [--queries 200] [--saves 200]

Start-up is measured three ways (runs interleaved, bench/first_paint.py): the program's, from
process start to the painted case list, with the main window over the same file opened plain or
encrypted (no sign-in, so the keyring's import, about 50 ms, is on the way); after 登录, from
opening the file to the painted list, the modules and keyring backend made ready while the
officer typed the password (ui.app.warm_up), which is what the officer waits for; and the
database part alone (opening the file and the case list's first page: the capped count and the
first 64 rows, as ui/case_list.py asks). Search is the case list's query for names, case-number
and ID-number fragments (200 rows); save is one officer's edit (state, journal and search index,
one transaction with synchronous=FULL). Target (issue 7): encrypted at most 1.3x plain.

The plain file is a sqlcipher_export of the encrypted one (same pages, same rows). The key comes
from a keyring (on a box without one, a file-backed test keyring stands in for the OS keyring:
a lookup, no key derivation); passphrase mode adds one scrypt per process, printed separately.
"""

import argparse
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    CACHE,
    demo_dir,
    machine,
    percentile,
    use_bench_keyring,
    with_current_cipher,
)
from workstation.store import database, keys, queries
from workstation.store.casefile import CaseFile, Edit
from workstation.store.migrations import LATEST_VERSION

PAGE = 200
FIRST_PAGE = 64  # ui/case_list.FIRST_PAGE: the rows the window shows at start-up
COUNT_CAP = 10_000


def plain_copy(encrypted: Path) -> Path:
    """A plain copy of the encrypted file (made once), in WAL mode like the case file."""
    plain = CACHE / f"plain-{encrypted.parent.name}" / "casefile.sqlite3"
    if plain.exists():
        conn = database.connect(plain, None)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.close()
        if version == LATEST_VERSION:
            return plain
        for stale in (plain, Path(f"{plain}-wal"), Path(f"{plain}-shm")):  # made before a migration
            stale.unlink(missing_ok=True)
    plain.parent.mkdir(parents=True, exist_ok=True)
    conn = database.connect(encrypted, keys.key_for(encrypted))
    conn.execute(f"ATTACH DATABASE '{plain}' AS plain KEY ''")
    conn.execute("SELECT sqlcipher_export('plain')")
    for pragma in ("user_version", "application_id"):
        value = conn.execute(f"PRAGMA {pragma}").fetchone()[0]
        conn.execute(f"PRAGMA plain.{pragma} = {value}")
    conn.execute("DETACH DATABASE plain")
    conn.close()
    c = database.connect(plain, None)
    c.execute("PRAGMA journal_mode = WAL")
    c.close()
    return plain


def own_copy(cases: int) -> Path:
    """This bench's encrypted demo file: a copy of the shared demo file (converted on first open,
    leaving the shared one as it is), made once."""
    target = CACHE / f"encryption-{cases}" / "casefile.sqlite3"
    if not target.exists():
        source = demo_dir(cases) / "casefile.sqlite3"
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", ""):
            if Path(f"{source}{suffix}").exists():
                shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
        if keys.sidecar_path(source).exists():
            shutil.copyfile(keys.sidecar_path(source), keys.sidecar_path(target))
    with_current_cipher(target)
    return target


def opener(path: Path, encrypted: bool):
    def open_() -> CaseFile:
        conn = database.connect(path, keys.key_for(path) if encrypted else None)
        return CaseFile(conn, path, None)

    return open_


def startup(open_) -> float:
    started = time.perf_counter()
    cf = open_()
    flt = queries.CaseFilter()
    total = queries.count_cases(cf.conn, flt, cap=COUNT_CAP)
    queries.list_cases(cf.conn, flt, limit=FIRST_PAGE, matches=total)
    elapsed = time.perf_counter() - started
    cf.close()
    return elapsed


def program_startup(mode: str, plain: Path, encrypted: Path, runs: int) -> dict[str, list[float]]:
    """Seconds to the painted case list (bench/first_paint.py `mode`-plain and `mode`-encrypted),
    plain and encrypted interleaved."""
    from bench import startup as program

    program.ENV.update(PYTHONPYCACHEPREFIX=str(CACHE / "pycache"), PYTHONDONTWRITEBYTECODE="")
    out: dict[str, list[float]] = {"plain": [], "encrypted": []}
    files = {"plain": plain, "encrypted": encrypted}
    for i in range(runs + 1):
        for label in ("plain", "encrypted") if i % 2 else ("encrypted", "plain"):
            seconds, _ = program.run_once(f"{mode}-{label}", files[label])
            if i:  # the first round warms the caches
                out[label].append(seconds)
    return out


def search_terms(cf: CaseFile, n: int, rng: random.Random) -> list[str]:
    names = [
        r[0]
        for r in cf.conn.execute(
            "SELECT name FROM parties WHERE kind = 'person' AND name NOT LIKE '%·%' "
            "ORDER BY random() LIMIT 3000"
        )
    ]
    ids = [r[0] for r in cf.conn.execute("SELECT id_number FROM parties WHERE id_number != ''")]
    numbers = [r[0] for r in cf.conn.execute("SELECT case_number FROM cases LIMIT 5000")]
    terms = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            terms.append(rng.choice([x for x in names if len(x) == 2] or names))
        elif kind == 1:
            terms.append(rng.choice([x for x in names if len(x) == 3] or names))
        elif kind == 2:
            terms.append(rng.choice(ids)[-6:])
        else:
            number = rng.choice(numbers)
            terms.append(number[number.index("执") :])
    return terms


def search(cf: CaseFile, terms: list[str]) -> list[float]:
    out = []
    for text in terms:
        started = time.perf_counter()
        flt = queries.CaseFilter(text=text)
        total = queries.count_cases(cf.conn, flt, cap=COUNT_CAP)
        queries.list_cases(cf.conn, flt, limit=PAGE, matches=total)
        out.append(time.perf_counter() - started)
    return out


def saves(cf: CaseFile, case_ids: list[str], n: int) -> list[float]:
    out = []
    for i in range(n):
        started = time.perf_counter()
        cf.save(
            [Edit("case", {"notes": f"外勤记录 {i} {time.time()}"}, case_ids[i % len(case_ids)])]
        )
        out.append(time.perf_counter() - started)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--saves", type=int, default=200)
    args = parser.parse_args()
    use_bench_keyring()
    encrypted = own_copy(args.cases)
    CaseFile.open(encrypted).close()  # an older plain demo file is converted here, once
    plain = plain_copy(encrypted)
    print(f"machine: {machine()}")
    print(f"file: {args.cases} cases, {encrypted.stat().st_size / 2**20:.0f} MB")
    rows: dict[str, dict[str, float]] = {"plain": {}, "encrypted": {}}
    for mode, what in (
        ("window", "program start-up, no sign-in, median"),
        ("opened", "after sign-in: open to painted list, median"),
    ):
        program = program_startup(mode, plain, encrypted, args.runs)
        for label in rows:
            rows[label][what] = statistics.median(program[label])
    for label, path, enc in (("plain", plain, False), ("encrypted", encrypted, True)):
        open_ = opener(path, enc)
        startup(open_)  # warm the OS file cache
        start = [startup(open_) for _ in range(args.runs)]
        cf = open_()
        terms = search_terms(cf, args.queries, random.Random(1))
        search(cf, terms[:20])
        found = search(cf, terms)
        case_ids = [r[0] for r in cf.conn.execute("SELECT id FROM cases LIMIT 500")]
        saved = saves(cf, case_ids, args.saves)
        cf.close()
        rows[label] |= {
            "open + first page (database part), median": statistics.median(start),
            "search, p50": percentile(found, 50),
            "search, p95": percentile(found, 95),
            "save one edit, median": statistics.median(saved),
            "save one edit, p95": percentile(saved, 95),
        }
    print(f"{'':40} {'plain':>10} {'encrypted':>10} {'ratio':>7}")
    for what in rows["plain"]:
        p, e = rows["plain"][what] * 1000, rows["encrypted"][what] * 1000
        print(f"{what:40} {p:8.2f}ms {e:8.2f}ms {e / p:6.2f}x")
    salt = b"0123456789abcdef"
    started = time.perf_counter()
    keys._scrypt("a passphrase", salt, **keys.SCRYPT)
    print(
        f"passphrase mode: scrypt (n={keys.SCRYPT['n']}) once per process: "
        f"{(time.perf_counter() - started) * 1000:.0f} ms"
    )
    print("target: encrypted at most 1.3x plain")


if __name__ == "__main__":
    main()
