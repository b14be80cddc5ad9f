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
    return path


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary(values: list[float]) -> str:
    return (
        f"p50 {statistics.median(values):7.2f} ms  p95 {percentile(values, 95):7.2f} ms  "
        f"max {max(values):7.2f} ms"
    )
