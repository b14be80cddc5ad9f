"""Start-up: process start to the first painted case list on a large case file, against a bare
PySide6 window with an empty table (the floor), both measured here in the same run.

    python bench/startup.py [--cases 100000] [--runs 7]

Target (issue 2): at most 1.5x the floor. Also prints resident memory at first paint and after
scrolling (target: at most 300 MB with the 100,000-case file open; see bench/memory.py).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, demo_dir, machine


def run_once(mode: str, data_dir: Path | None) -> tuple[float, int]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BENCH_T0=repr(time.time()))
    cmd = [sys.executable, str(ROOT / "bench" / "first_paint.py"), mode]
    if data_dir:
        cmd.append(str(data_dir))
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True, cwd=ROOT)
    seconds, rss = out.stdout.split()
    return float(seconds), int(rss)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    data_dir = demo_dir(args.cases)
    print(f"machine: {machine()}")
    run_once("floor", None)  # warm the OS file cache for both
    run_once("program", data_dir)
    run_once("floor-text", None)
    floor = [run_once("floor", None) for _ in range(args.runs)]
    text_floor = [run_once("floor-text", None) for _ in range(args.runs)]
    ours = [run_once("program", data_dir) for _ in range(args.runs)]
    f = statistics.median(t for t, _ in floor) * 1000
    t = statistics.median(t for t, _ in text_floor) * 1000
    o = statistics.median(t for t, _ in ours) * 1000
    print(f"bare PySide6 window, empty table : {f:7.1f} ms (median of {args.runs})")
    print(f"bare window, 200 rows of Chinese : {t:7.1f} ms (same font, no program logic)")
    print(f"program, {args.cases} cases      : {o:7.1f} ms (median of {args.runs})")
    print(f"ratio: {o / f:.2f}x the empty table (target <= 1.5x); {o / t:.2f}x the text table")
    print(
        f"resident memory at first paint: floor {floor[0][1] / 1024:.0f} MB, "
        f"program {statistics.median(r for _, r in ours) / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()
