"""Render every screen with demo data to PNG files, offscreen: `python -m ui.snapshots OUT_DIR`.

Used by the tests (each screen must render) and for the pictures in the README.
"""

import argparse
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget

from workstation.cases import load_case
from workstation.demo import DEMO_TODAY, fill_demo
from workstation.store.casefile import CaseFile

from .app import make_app
from .case_dialog import CaseDialog
from .main_window import MainWindow


def _grab(widget: QWidget, path: Path) -> Path:
    QApplication.processEvents()
    if not widget.grab().save(str(path)):
        raise RuntimeError(f"could not write {path}")
    return path


def render_all(
    out_dir: Path, cases: int = 300, seed: int = 1, today: date = DEMO_TODAY
) -> list[Path]:
    """Make a demo case file in a temporary folder and render each screen into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    make_app()
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        case_path = Path(tmp) / "casefile.sqlite3"
        with CaseFile.open(case_path, create=True, officer="张伟") as cf:
            fill_demo(cf, cases, seed=seed)
            settings = QSettings(str(Path(tmp) / "window.ini"), QSettings.Format.IniFormat)
            window = MainWindow(cf, settings, today=today)
            window.resize(1280, 800)
            window.show()
            window.table.selectRow(0)
            written.append(_grab(window, out_dir / "main-window.png"))

            window.search.setText("王")
            window.apply_filter()
            window.table.selectRow(0)
            written.append(_grab(window, out_dir / "main-window-search.png"))

            case_id = window.selected_case_id()
            detail = load_case(cf, case_id) if case_id else None
            dialog = CaseDialog(cf, detail, window)
            dialog.resize(760, 820)
            dialog.show()
            written.append(_grab(dialog, out_dir / "case-dialog.png"))
            dialog.reject()

            blank = CaseDialog(cf, None, window)
            blank.resize(760, 820)
            blank.show()
            blank.fields["case_number"].set_text("（2021）豫0302执")
            blank.fields["filing_date"].set_text("2021-02-30")
            blank.party_editors[0].fields["name"].set_text("王五")
            blank.party_editors[0].fields["id_number"].set_text("110105194912310025")
            blank.save()
            written.append(_grab(blank, out_dir / "case-dialog-errors.png"))
            blank.reject()
            window.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="把各个界面渲染成 PNG 图片（离屏）")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--cases", type=int, default=300)
    args = parser.parse_args(argv)
    for path in render_all(args.out_dir, args.cases):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
