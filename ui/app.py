"""Starting the program: the Qt application, the font, the case file, the main window, and the
sessions: one officer signed in at a time, the next after 切换用户 on the lock screen."""

import logging
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from workstation import __version__
from workstation.accounts import Account, AccountError, Accounts
from workstation.logs import setup_logging
from workstation.store import keys
from workstation.store.errors import CaseFileError, KeyMissing

from . import key_dialogs
from .fonts import apply_ui_font

if TYPE_CHECKING:
    from workstation.store.casefile import CaseFile

    from .main_window import MainWindow

log = logging.getLogger(__name__)


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setOrganizationName("EnforcementWorkstation")
    app.setApplicationName("EnforcementWorkstation")
    app.setApplicationDisplayName("执行干警离线工作站")
    app.setApplicationVersion(__version__)
    apply_ui_font(app)
    install_qt_chinese(app)
    return app


def install_qt_chinese(app: QApplication) -> bool:
    """Qt's own texts in Chinese (standard buttons such as 关闭, 确定, 是/否 in message boxes,
    the file and print dialogs), from the translations shipped with Qt. Once per application."""
    if app.property("qtChineseInstalled"):
        return True
    from PySide6.QtCore import QLibraryInfo, QTranslator

    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load("qtbase_zh_CN", folder):
        return False
    app.installTranslator(translator)
    app.setProperty("qtChineseInstalled", True)
    return True


def settings_for(case_file: Path) -> QSettings:
    """Window layout is kept beside the case file: each officer's data dir has its own."""
    return QSettings(str(case_file.with_name("window.ini")), QSettings.Format.IniFormat)


def open_main_window(
    case_file: Path, password: str | None = None
) -> "tuple[MainWindow, CaseFile] | None":
    """Open the case file and show the main window; None (after telling the officer) if not.
    A new file gets its key first (and the recovery key is shown once); a file protected by a
    passphrase is unlocked (the officer's sign-in `password` is tried first); a file whose key
    is not on this computer takes the recovery key."""
    from workstation.store.casefile import CaseFile

    from .main_window import MainWindow

    try:
        if not case_file.exists() and not keys.sidecar_path(case_file).exists():
            if not key_dialogs.set_up_key(None, case_file, password):
                return None
        elif keys.needs_passphrase(case_file) and not key_dialogs.unlock(None, case_file, password):
            return None
        if password is not None:
            _settle_password_change(case_file, password)
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


def _settle_password_change(case_file: Path, password: str) -> None:
    """A change of the sign-in password that a crash interrupted left the key wrapped under the
    old and the new password: the one just signed in with is the one in force, so keep only it."""
    try:
        keys.settle_passphrase(case_file, password)
    except OSError as exc:  # both still open the file; the next sign-in tries again
        log.warning("could not settle the passphrase change of %s: %s", case_file, exc)


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


def warm_up(case_file: Path | None) -> threading.Thread:
    """While the officer types the password: import what the main window needs and, for a file
    whose key is in the keyring, choose the keyring backend (its lookup waits for the sign-in).
    Imports only: no widget is made off the main thread."""

    def work() -> None:
        try:
            from workstation.store import casefile  # noqa: F401

            from . import main_window  # noqa: F401

            has_key_file = case_file is not None and keys.sidecar_path(case_file).exists()
            if has_key_file and keys.read_sidecar(case_file)["mode"] == "keyring":
                from workstation.secrets import keyring_available

                keyring_available()
        except Exception:  # the main thread meets the same problem and reports it
            log.exception("start-up warm-up failed")

    thread = threading.Thread(target=work, name="warm-up", daemon=True)
    thread.start()
    return thread


def sign_in(data_dir: Path) -> tuple[Account, str] | None:
    """The sign-in (or, at first start, the first account); None if the officer cancelled."""
    from . import signin

    accounts = Accounts(data_dir)
    try:
        last = accounts.case_file_of(accounts.last_user()) if accounts.exists() else None
        return signin.sign_in(accounts, on_shown=lambda: warm_up(last))
    except AccountError as exc:
        log.error("accounts: %s", exc.detail)
        QMessageBox.critical(None, "无法登录", exc.message)
        return None


class Session:
    """One officer at work: their window and case file, the lock, the 账户 menu. Ends when the
    window is closed or, from the lock, with 切换用户 (`switching`)."""

    def __init__(self, window: "MainWindow", accounts: Accounts, account: Account) -> None:
        from workstation.domain.settings import default_settings

        from .signin import LockGuard, add_account_menu

        self.window = window
        self.account = account
        self.switching = False
        self.guard = LockGuard(
            window, accounts, account, idle_seconds=default_settings().idle_lock_minutes * 60
        )
        add_account_menu(window, accounts, account, self.guard)
        self.guard.switch_requested.connect(self._switch)

    def _switch(self) -> None:
        self.switching = True
        # Every event loop returns, a dialog's exec() under the lock included, so the code that
        # opened it finishes while the case file is still open; `end` then closes the rest.
        QApplication.exit(0)

    def end(self) -> None:
        """Close every window of the session (still covered, if locked), each waiting for its
        worker thread (a running sync is cancelled and finishes its step), then the case file,
        and drop the unwrapped key from memory."""
        from PySide6.QtCore import Qt, QThread
        from shiboken6 import delete

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # a sync may finish its step
        try:
            self.guard.stop()
            window = self.window
            for widget in QApplication.topLevelWidgets():
                if widget is not window and widget.isVisible():
                    widget.close()
            if window.isVisible():
                window.close()  # saves the layout
            for thread in window.findChildren(QThread):
                if thread.isRunning():  # a request its dialog's closeEvent gave up waiting for
                    thread.quit()
                    thread.wait()
            casefile = window.casefile  # a sync's recovery may have swapped in another file
            delete(window)  # with it every dialog and queued signal that refers to the file
            casefile.close()
            keys.forget_cached()
        finally:
            QApplication.restoreOverrideCursor()
        log.info("session of %s ended (switch user: %s)", self.account.username, self.switching)


def start_session(data_dir: Path) -> "Session | None":
    """Sign in, open the officer's case file and window. None: cancelled, or the file did not
    open (the officer has been told why)."""
    signed_in = sign_in(data_dir)
    if signed_in is None:
        return None
    account, password = signed_in
    opened = open_main_window(account.case_file, password)
    del signed_in, password  # the key is unwrapped: the password is not needed any more
    if opened is None:
        return None
    return Session(opened[0], Accounts(data_dir), account)


def run_sessions(app: QApplication, data_dir: Path) -> int:
    """Sessions one after the other until the window is closed, or a sign-in is cancelled or a
    file does not open (status 2 at the first start, 0 after a switch)."""
    switched = False
    while True:
        session = start_session(data_dir)
        if session is None:
            return 0 if switched else 2
        try:
            code = app.exec()
        finally:
            session.end()
        if not session.switching:
            return code
        switched = True


def run(case_file: Path) -> int:
    """The program: sign in, open the officer's case file, lock when idle; after 切换用户 on the
    lock, the next officer. `case_file` is the data directory's own file (its folder holds the
    accounts file)."""
    setup_logging(case_file.parent)
    sys.excepthook = _report_unexpected
    app = make_app()
    return run_sessions(app, case_file.parent)
