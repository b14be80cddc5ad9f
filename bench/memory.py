"""Resident memory with a large case file open in the main window, after scrolling and searching.

    python bench/memory.py [--cases 100000]

Target (issue 2): at most 300 MB with 100,000 cases. The floor printed beside it is a bare
QApplication with an empty window in the same process before the case file is opened.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.common import demo_dir, machine


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()
    data_dir = demo_dir(args.cases)
    from PySide6.QtWidgets import QApplication, QMainWindow

    from ui.app import make_app, open_main_window
    from workstation.paths import case_file_path

    app = make_app()
    bare = QMainWindow()
    bare.show()
    QApplication.processEvents()
    floor = rss_mb()
    opened = open_main_window(case_file_path(data_dir))
    assert opened is not None
    window, casefile = opened
    QApplication.processEvents()
    at_open = rss_mb()
    for _ in range(50):  # scroll through 10,000 rows, fetching pages as a person would
        window.table.scrollToBottom()
        QApplication.processEvents()
    fetched = window.model.rowCount()
    for text in ("王", "王伟", "豫0302", "4103", "中州路"):
        window.search.setText(text)
        window.apply_filter()
        QApplication.processEvents()
    window.search.setText("")
    window.apply_filter()
    window.table.selectRow(0)
    QApplication.processEvents()
    after = rss_mb()
    print(f"machine: {machine()}")
    print(f"bare QApplication + window : {floor:6.0f} MB")
    print(f"case file open, list shown : {at_open:6.0f} MB")
    print(f"after scrolling 10,000 rows and 5 searches: {after:6.0f} MB (target <= 300 MB)")
    print(f"rows fetched while scrolling: {fetched}")
    casefile.close()
    app.quit()


if __name__ == "__main__":
    main()
