"""Shared by the benchmark scripts: demo files cached between runs, and figures printed plainly."""

import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("WORKSTATION_BENCH_DIR", "/tmp/workstation-bench"))


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.system()} {platform.release()}, {os.cpu_count()} cores {cpu}, "
        f"Python {platform.python_version()}"
    )


def use_bench_keyring() -> None:
    """Case files are encrypted and their keys kept in the OS keyring. On a box without one
    (headless Linux), a file-backed keyring in the bench folder stands in for it, for this
    process and the programs it starts: a lookup, as with an OS keyring, no key derivation.
    Bench data is generated and fictional; never do this with real case files."""
    from workstation.secrets import keyring_available

    if keyring_available():
        return
    import keyring

    from tests.keyring_backend import FileKeyring

    CACHE.mkdir(parents=True, exist_ok=True)
    os.environ["WORKSTATION_TEST_KEYRING"] = str(CACHE / "bench-keyring.json")
    os.environ["PYTHON_KEYRING_BACKEND"] = "tests.keyring_backend.FileKeyring"
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])
    )
    keyring.set_keyring(FileKeyring())


def demo_dir(cases: int, seed: int = 1) -> Path:
    """A data dir holding a demo case file of `cases` cases, generated once and reused."""
    use_bench_keyring()
    path = CACHE / f"demo-{cases}-{seed}"
    if not (path / "casefile.sqlite3").exists():
        print(f"generating {cases} demo cases in {path} ...", flush=True)
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "workstation.cli",
                "demo",
                "--cases",
                str(cases),
                "--seed",
                str(seed),
                "--data-dir",
                str(path),
                "--replace",
            ],
            check=True,
            cwd=ROOT,
        )
        print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)
    with_current_cipher(path / "casefile.sqlite3")
    return path


def with_current_cipher(case_file: Path) -> None:
    """Bring a cached demo file made under older SQLCipher settings (a new file's default
    changes now and then, see keys.CIPHER) to the current ones, so figures are those of a file
    made today. Bench files only: the program keeps each file's own recorded settings."""
    from workstation.store import database, keys

    settings = keys.cipher_settings(case_file)
    if settings == keys.CIPHER:
        return
    print(f"re-encrypting {case_file} with the current cipher settings ...", flush=True)
    key = keys.key_for(case_file)
    tmp = case_file.with_name(case_file.name + ".rekey")
    tmp.unlink(missing_ok=True)
    conn = database.connect(case_file, key)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute(f"ATTACH DATABASE ? AS fresh KEY \"x'{key.hex()}'\"", (str(tmp),))
    for pragma in database._key_pragmas(key, keys.CIPHER, "fresh")[1:]:
        conn.execute(pragma)
    conn.execute("SELECT sqlcipher_export('fresh')")
    for pragma in ("user_version", "application_id"):
        value = conn.execute(f"PRAGMA {pragma}").fetchone()[0]
        conn.execute(f"PRAGMA fresh.{pragma} = {value}")
    conn.execute("DETACH DATABASE fresh")
    conn.close()
    os.replace(tmp, case_file)
    Path(f"{case_file}-shm").unlink(missing_ok=True)
    sidecar = keys.read_sidecar(case_file)
    keys._write_sidecar(case_file, {**sidecar, "cipher": dict(keys.CIPHER)})
    conn = database.connect(case_file, key)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary(values: list[float]) -> str:
    return (
        f"p50 {statistics.median(values):7.2f} ms  p95 {percentile(values, 95):7.2f} ms  "
        f"max {max(values):7.2f} ms"
    )
