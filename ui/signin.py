"""Signing in, the first account, changing the password, and the lock: the screens over
workstation.accounts.

The lock covers every open window of the program (the main window, the case view in it, any dialog
or modal message open at the time) with an opaque cover, sets their titles to "已锁定", and shows
an application-modal unlock dialog: input to every other window is blocked until the officer's
password is entered again. Open dialogs are covered, not closed, so nothing being typed is lost.
The wrong-password limit is the same as at sign-in (the count is in the accounts file), and so is
the one for the current password when changing it. From the lock, 切换用户 ends the session (the
program, ui/app.py, closes it and signs the next officer in).
"""

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from workstation.accounts import (
    MIN_PASSWORD,
    Account,
    AccountError,
    Accounts,
    SignInRefused,
    check_new_password,
)
from workstation.store.errors import CaseFileError

from .dialog_parts import ok_cancel, problem_label

log = logging.getLogger(__name__)
T = TypeVar("T")

LOCKED_TITLE = "执行干警离线工作站（已锁定）"
# Wide enough that a message appearing below the fields (two lines at most) is not cut off: a
# shown dialog does not grow with a word-wrapped label.
DIALOG_WIDTH = 420
_INPUT_EVENTS = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


def _password_field(placeholder: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(placeholder)
    return field


class _PasswordCheck:
    """Checks a password against an account; shows why not, and counts down a wait."""

    def __init__(
        self, accounts: Accounts, problem: QLabel, button: QPushButton, parent: QObject
    ) -> None:
        self.accounts = accounts
        self.problem = problem
        self.button = button
        self.username = ""
        self.timer = QTimer(parent)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._tick)

    def check(self, username: str, password: str) -> Account | None:
        return self.attempt(username, lambda: self.accounts.verify(username, password))

    def attempt(self, username: str, action: Callable[[], T]) -> T | None:
        """Run `action`, which checks `username`'s password; None (and why shown) if refused."""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # scrypt: a tenth of a second
        try:
            return action()
        except SignInRefused as exc:
            log.info("sign-in refused: %s", exc.detail)
            self.problem.setText(exc.message)
            if exc.wait_seconds:
                self.username = username
                self.button.setEnabled(False)
                self.timer.start()
            return None
        except CaseFileError as exc:  # AccountError, or the case file's key file when rewrapping
            log.error("accounts: %s", exc.detail)
            self.problem.setText(exc.message)
            return None
        finally:
            QApplication.restoreOverrideCursor()

    def _tick(self) -> None:
        from workstation.accounts import wait_text

        left = self.accounts.refused_for(self.username)
        if left:
            self.problem.setText(f"密码连续输错多次，请等 {wait_text(left)}后再试。")
        else:
            self.timer.stop()
            self.problem.setText("现在可以再试。")
            self.button.setEnabled(True)


class AccountDialog(QDialog):
    """Make an account: the first at first start (it runs the encryption set-up after), or
    another officer's on a shared laptop."""

    def __init__(self, accounts: Accounts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.accounts = accounts
        self.account: Account | None = None
        self.password = ""
        first = not accounts.list()
        self.setWindowTitle("建立登录账号")
        self.setMinimumWidth(DIALOG_WIDTH)
        layout = QVBoxLayout(self)
        if first:
            text = (
                "第一次使用：请为自己建立登录账号。此后每次打开程序都要输入这个密码；"
                "离开电脑一段时间，窗口会自动锁定。"
            )
            if (accounts.data_dir / "casefile.sqlite3").exists():
                text += "这台电脑上已有的案件数据归入这个账号。"
        else:
            text = "为另一位干警建立账号：每位干警有自己的案件数据和密码。"
        intro = QLabel(text)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.username = QLineEdit()
        self.username.setPlaceholderText("如 zhangwei（小写字母、数字）")
        self.display_name = QLineEdit()
        self.display_name.setPlaceholderText("如 张伟")
        self.first = _password_field(f"至少 {MIN_PASSWORD} 个字符")
        self.second = _password_field("再输入一次")
        form.addRow("用户名", self.username)
        form.addRow("姓名", self.display_name)
        form.addRow("密码", self.first)
        form.addRow("确认密码", self.second)
        layout.addLayout(form)
        self.problem = problem_label()
        layout.addWidget(self.problem)
        ok_cancel(self, layout, "建立账号", self._create)

    def _create(self) -> None:
        if self.first.text() != self.second.text():
            self.problem.setText("两次输入的密码不一致。")
            return
        try:
            self.account = self.accounts.create(
                self.username.text(), self.display_name.text(), self.first.text()
            )
        except AccountError as exc:
            self.problem.setText(exc.message)
            return
        self.password = self.first.text()
        self.accept()


class SignInDialog(QDialog):
    """Choose who you are, type the password."""

    def __init__(self, accounts: Accounts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.accounts = accounts
        self.account: Account | None = None
        self.password = ""
        self.setWindowTitle("登录 — 执行干警离线工作站")
        self.setMinimumWidth(DIALOG_WIDTH)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.user = QComboBox()
        form.addRow("干警", self.user)
        self.password_field = _password_field("密码")
        form.addRow("密码", self.password_field)
        layout.addLayout(form)
        self.problem = problem_label()
        layout.addWidget(self.problem)
        buttons, self.sign_in_button = ok_cancel(self, layout, "登录", self._sign_in)
        self.new_account_button = buttons.addButton(
            "新建账号…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.new_account_button.clicked.connect(self._new_account)
        self.checker = _PasswordCheck(accounts, self.problem, self.sign_in_button, self)
        self._fill_users(accounts.last_user())
        self.password_field.setFocus()

    def _fill_users(self, selected: str) -> None:
        self.user.clear()
        for account in self.accounts.list():
            self.user.addItem(f"{account.display_name}（{account.username}）", account.username)
        index = self.user.findData(selected)
        self.user.setCurrentIndex(max(index, 0))

    def _new_account(self) -> None:
        dialog = AccountDialog(self.accounts, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.account is not None:
            self.account, self.password = dialog.account, dialog.password
            self.accept()

    def _sign_in(self) -> None:
        account = self.checker.check(self.user.currentData() or "", self.password_field.text())
        if account is None:
            self.password_field.clear()
            self.password_field.setFocus()
            return
        self.account, self.password = account, self.password_field.text()
        self.accept()


def sign_in(
    accounts: Accounts, on_shown: Callable[[], None] | None = None
) -> tuple[Account, str] | None:
    """Who is using the program: the first account made now, or a sign-in. None: cancelled.
    `on_shown` runs once the window is on screen (start-up work that can wait for typing)."""
    dialog: QDialog = SignInDialog(accounts) if accounts.list() else AccountDialog(accounts)
    if on_shown is not None:
        QTimer.singleShot(0, on_shown)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    assert isinstance(dialog, SignInDialog | AccountDialog) and dialog.account is not None
    return dialog.account, dialog.password


class ChangePasswordDialog(QDialog):
    """修改密码: the current password (a wrong one counts as at sign-in), the new one twice.
    A case file protected by the old password is moved to the new one with it (accounts.py)."""

    def __init__(self, accounts: Accounts, account: Account, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.accounts = accounts
        self.account = account
        self.setWindowTitle("修改密码")
        self.setMinimumWidth(DIALOG_WIDTH)
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"修改 {account.display_name}（{account.username}）的登录密码。"
            f"新密码至少 {MIN_PASSWORD} 个字符，下次登录和解锁时使用。"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.current = _password_field("现在使用的密码")
        self.first = _password_field(f"至少 {MIN_PASSWORD} 个字符")
        self.second = _password_field("再输入一次新密码")
        form.addRow("当前密码", self.current)
        form.addRow("新密码", self.first)
        form.addRow("确认新密码", self.second)
        layout.addLayout(form)
        self.problem = problem_label()
        layout.addWidget(self.problem)
        _, self.change_button = ok_cancel(self, layout, "修改密码", self._change)
        self.checker = _PasswordCheck(accounts, self.problem, self.change_button, self)
        self.rewrapped = False
        self.current.setFocus()

    def _change(self) -> None:
        if not self.current.text():
            self.problem.setText("请输入当前密码。")
            self.current.setFocus()
            return
        try:  # the rule for a new password, checked before the current one is (uncounted)
            check_new_password(self.first.text())
        except AccountError as exc:
            self.problem.setText(exc.message)
            self.first.setFocus()
            return
        if self.first.text() != self.second.text():
            self.problem.setText("两次输入的新密码不一致，请重新输入。")
            self.second.clear()
            self.second.setFocus()
            return
        username = self.account.username
        current, new = self.current.text(), self.first.text()
        done = self.checker.attempt(
            username, lambda: self.accounts.change_password(username, current, new)
        )
        if done is None:
            self.current.clear()
            self.current.setFocus()
            return
        self.rewrapped = done
        for field in (self.current, self.first, self.second):
            field.clear()
        self.accept()


def add_account_menu(
    window: QMainWindow, accounts: Accounts, account: Account, guard: "LockGuard"
) -> QMenu:
    """账户 in the main window's menu bar, for a signed-in officer: 修改密码…, 锁定."""
    menu = window.menuBar().addMenu("账户")
    change = menu.addAction("修改密码…")
    change.setObjectName("changePasswordAction")

    def open_dialog() -> None:
        dialog = ChangePasswordDialog(accounts, account, window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: window.statusBar().showMessage("登录密码已修改。", 15000))
        dialog.open()  # window-modal, not a nested loop: the lock covers it like any dialog

    change.triggered.connect(open_dialog)
    menu.addSeparator()
    menu.addAction(guard.action)
    return menu


class _Cover(QWidget):
    """An opaque cover over one window while the program is locked."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("lockCover")
        self.setAutoFillBackground(True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#lockCover { background: #37474f; }")
        layout = QVBoxLayout(self)
        label = QLabel("已锁定")
        label.setStyleSheet("color: white; font-size: 20pt")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(label)
        window.installEventFilter(self)
        self.setGeometry(window.rect())
        self.show()
        self.raise_()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and obj is self.parent():
            self.setGeometry(obj.rect())  # type: ignore[attr-defined]
        elif event.type() == QEvent.Type.ChildAdded and obj is self.parent():
            # a widget added later stays under the cover; `self` as context: dropped with it
            QTimer.singleShot(0, self, self.raise_)
        return False


class UnlockDialog(QDialog):
    """The only window that takes input while locked; Esc and the close button do nothing.
    切换用户 asks for the session to end (`switch_user`), to sign another officer in."""

    switch_user = Signal()

    def __init__(self, accounts: Accounts, account: Account, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(LOCKED_TITLE)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setMinimumWidth(DIALOG_WIDTH)
        self.account = account
        layout = QVBoxLayout(self)
        text = QLabel(f"窗口已锁定，案件数据已遮住。{account.display_name}，请输入登录密码继续。")
        text.setWordWrap(True)
        layout.addWidget(text)
        self.password = _password_field("密码")
        layout.addWidget(self.password)
        self.problem = problem_label()
        layout.addWidget(self.problem)
        row = QHBoxLayout()
        self.switch_button = QPushButton("切换用户")
        self.switch_button.setAutoDefault(False)  # Enter in the password field unlocks
        self.switch_button.setToolTip("关闭这位干警的案件数据，由另一位干警登录")
        self.switch_button.clicked.connect(self._switch)
        row.addWidget(self.switch_button)
        row.addStretch()
        self.unlock_button = QPushButton("解锁")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self._unlock)
        row.addWidget(self.unlock_button)
        layout.addLayout(row)
        self.checker = _PasswordCheck(accounts, self.problem, self.unlock_button, self)
        self.open_dialogs = 0  # other windows under the lock (set by LockGuard): asked about

    def _switch(self) -> None:
        if self.open_dialogs:
            answer = QMessageBox.question(
                self,
                "切换用户",
                f"还有 {self.open_dialogs} 个窗口没有关闭，其中尚未保存的内容将会丢失"
                "（已保存的案件数据不受影响）。仍要切换用户吗？",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.password.clear()
        log.info("switch user asked for at the lock (%s)", self.account.username)
        self.switch_user.emit()

    def _unlock(self) -> None:
        if self.checker.check(self.account.username, self.password.text()) is None:
            self.password.clear()
            return
        self.password.clear()
        self.accept()

    def reject(self) -> None:  # Esc: stays locked
        pass

    def closeEvent(self, event: QEvent) -> None:  # the close button: stays locked
        event.ignore()


class LockGuard(QObject):
    """Locks the program after `idle_seconds` without keyboard or mouse input, or on demand
    (锁定 in the toolbar, Ctrl+L); unlocks with the signed-in officer's password. 切换用户 on the
    lock emits `switch_requested`: the program stays locked until whoever started it ends it."""

    switch_requested = Signal()

    def __init__(
        self,
        window: QMainWindow,
        accounts: Accounts,
        account: Account,
        idle_seconds: float,
        check_every_ms: int = 5000,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.accounts = accounts
        self.account = account
        self.idle_seconds = idle_seconds
        self.last_input = time.monotonic()
        self.locked = False
        self.dialog: UnlockDialog | None = None
        self._covers: list[tuple[QWidget, _Cover, str]] = []
        self.action = QAction("锁定", window)
        self.action.setShortcut(QKeySequence("Ctrl+L"))
        self.action.setToolTip("锁定窗口，遮住案件数据（Ctrl+L）")
        self.action.triggered.connect(self.lock)
        window.addAction(self.action)
        toolbar = window.findChild(QToolBar)
        if toolbar is not None:
            toolbar.addAction(self.action)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)
        self.timer = QTimer(self)
        self.timer.setInterval(min(check_every_ms, max(50, int(idle_seconds * 1000) // 4)))
        self.timer.timeout.connect(self._check_idle)
        self.timer.start()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS:
            self.last_input = time.monotonic()
        return False

    def _check_idle(self) -> None:
        if not self.locked and time.monotonic() - self.last_input >= self.idle_seconds:
            log.info("locked after %.0f s without input", self.idle_seconds)
            self.lock()

    def lock(self) -> None:
        if self.locked:
            return
        self.locked = True
        while (popup := QApplication.activePopupWidget()) is not None:
            popup.close()
        for window in QApplication.topLevelWidgets():
            if window.isVisible() and not isinstance(window, UnlockDialog):
                self._covers.append((window, _Cover(window), window.windowTitle()))
                window.setWindowTitle(LOCKED_TITLE)
        self.dialog = UnlockDialog(self.accounts, self.account, self.window)
        self.dialog.open_dialogs = sum(1 for w, _c, _t in self._covers if w is not self.window)
        self.dialog.accepted.connect(self._unlocked)
        self.dialog.switch_user.connect(self.switch_requested)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        self.dialog.password.setFocus()

    def _unlocked(self) -> None:
        for window, cover, title in self._covers:
            if not isValid(window):  # closed meanwhile (its cover went with it)
                continue
            window.removeEventFilter(cover)
            cover.deleteLater()
            window.setWindowTitle(title)
        self._covers.clear()
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None
        self.locked = False
        self.last_input = time.monotonic()
        log.info("unlocked")

    def stop(self) -> None:
        """Stop watching (the window is closing). A lock still shown goes without unlocking: the
        windows it covers are being closed covered."""
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        if self.dialog is not None:
            if isValid(self.dialog):
                self.dialog.hide()  # not close(): its closeEvent keeps it locked
                self.dialog.deleteLater()
            self.dialog = None
