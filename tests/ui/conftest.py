"""GUI tests run offscreen against real case files made by the demo generator."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from ui.fonts import apply_ui_font
from ui.main_window import MainWindow
from workstation.demo import DEMO_TODAY, fill_demo
from workstation.store.casefile import CaseFile
from workstation.store.keys import sidecar_path

DEMO_CASES = 300


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo case file per test session; each test works on its own copy."""
    path = tmp_path_factory.mktemp("demo") / "casefile.sqlite3"
    with CaseFile.open(path, create=True, officer="张伟") as cf:
        fill_demo(cf, DEMO_CASES, seed=3)
        cf.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def gui_case_path(demo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data" / "casefile.sqlite3"
    target.parent.mkdir()
    target.write_bytes(demo_template.read_bytes())
    sidecar_path(target).write_bytes(sidecar_path(demo_template).read_bytes())
    return target


@pytest.fixture
def window(qtbot, qapp, gui_case_path: Path) -> Iterator[MainWindow]:
    apply_ui_font(qapp)
    casefile = CaseFile.open(gui_case_path)
    settings = QSettings(str(gui_case_path.with_name("window.ini")), QSettings.Format.IniFormat)
    win = MainWindow(casefile, settings, today=DEMO_TODAY)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
    casefile.close()


def run_modal(
    action: Callable[[], object], interact: Callable[[QDialog], None], dialog_type: type = QDialog
) -> None:
    """Trigger `action`, which opens a modal dialog of `dialog_type`, and drive the dialog with
    `interact` while it runs; an assertion failing inside is raised after the dialog closes."""
    failures: list[BaseException] = []

    def step() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, dialog_type):
            QTimer.singleShot(20, step)
            return
        try:
            interact(dialog)
        except BaseException as exc:  # surfaced after exec() returns
            failures.append(exc)
            dialog.reject()

    QTimer.singleShot(0, step)
    action()
    if failures:
        raise failures[0]
