"""Starting the program: the Qt application, the font, the case file, the main window."""

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from workstation import __version__
from workstation.logs import setup_logging
from workstation.store import keys
from workstation.store.casefile import CaseFile
from workstation.store.errors import CaseFileError, KeyMissing

from . import key_dialogs
from .fonts import apply_ui_font
from .main_window import MainWindow

log = logging.getLogger(__name__)


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setOrganizationName("EnforcementWorkstation")
    app.setApplicationName("EnforcementWorkstation")
    app.setApplicationDisplayName("执行干警离线工作站")
    app.setApplicationVersion(__version__)
    apply_ui_font(app)
    return app


def settings_for(case_file: Path) -> QSettings:
    """Window layout is kept beside the case file: each officer's data dir has its own."""
    return QSettings(str(case_file.with_name("window.ini")), QSettings.Format.IniFormat)


def open_main_window(case_file: Path) -> tuple[MainWindow, CaseFile] | None:
    """Open the case file and show the main window; None (after telling the officer) if not.
    A new file gets its key first (and the recovery key is shown once); a file protected by a
    passphrase is unlocked; a file whose key is not on this computer takes the recovery key."""
    try:
        if not case_file.exists() and not keys.sidecar_path(case_file).exists():
            if not key_dialogs.set_up_key(None, case_file):
                return None
        elif keys.needs_passphrase(case_file) and not key_dialogs.unlock(None, case_file):
            return None
        try:
            casefile = CaseFile.open(case_file, create=True)
        except KeyMissing as exc:
            if not key_dialogs.recover(None, case_file, exc.message):
                return None
            casefile = CaseFile.open(case_file, create=True)
    except CaseFileError as exc:
        log.error("cannot open %s: %s", case_file, exc.detail)
        QMessageBox.critical(None, "无法打开案件数据", exc.message)
        return None
    window = MainWindow(casefile, settings_for(case_file))
    window.show()
    return window, casefile


def _report_unexpected(kind: type[BaseException], exc: BaseException, tb: object) -> None:
    """A bug, not the officer's doing: log it in full, tell the officer plainly, keep running."""
    log.critical("unexpected error", exc_info=(kind, exc, tb))  # type: ignore[arg-type]
    if QApplication.instance() is not None:
        QMessageBox.critical(
            None,
            "程序出错",
            "程序遇到了一个内部错误，这次操作可能没有完成；已保存的数据不受影响。"
            "错误详情已写入日志，请告知法院信息技术人员。",
        )


def run(case_file: Path) -> int:
    setup_logging(case_file.parent)
    sys.excepthook = _report_unexpected
    app = make_app()
    opened = open_main_window(case_file)
    if opened is None:
        return 2
    _window, casefile = opened
    try:
        return app.exec()
    finally:
        casefile.close()
