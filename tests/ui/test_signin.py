"""Signing in, the first account, changing the password, the lock and switching officer from it
(ui/signin.py, ui/app.py)."""

import json
import threading
import time
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLineEdit, QMessageBox

from tests.ui.conftest import run_modal
from ui import app as ui_app
from ui import key_dialogs
from ui.main_window import MainWindow
from ui.signin import (
    LOCKED_TITLE,
    AccountDialog,
    ChangePasswordDialog,
    LockGuard,
    SignInDialog,
    UnlockDialog,
    _Cover,
    add_account_menu,
)
from ui.sync_dialog import SyncDialog
from workstation.accounts import MAX_FAILURES, Accounts, SignInRefused
from workstation.demo import fill_demo
from workstation.store import keys
from workstation.store.casefile import CaseFile
from workstation.store.errors import WrongPassphrase
from workstation.store.lock import CaseFileLock
from workstation.sync.client import Reply

PASSWORD = "officer-pass-1"


@pytest.fixture
def accounts(tmp_path: Path) -> Accounts:
    return Accounts(tmp_path / "data")


def _ok(dialog: QDialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    box.button(QDialogButtonBox.StandardButton.Ok).click()


def test_first_start_makes_the_first_account(qtbot, accounts):
    dialog = AccountDialog(accounts)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, "zhangwei")
    dialog.display_name.setText("张伟")  # Chinese goes in with setText
    qtbot.keyClicks(dialog.first, PASSWORD)
    qtbot.keyClicks(dialog.second, PASSWORD + "x")
    _ok(dialog)
    assert dialog.problem.text() == "两次输入的密码不一致。"
    dialog.second.clear()
    qtbot.keyClicks(dialog.second, PASSWORD)
    _ok(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.account is not None and dialog.account.display_name == "张伟"
    assert dialog.account.case_file == accounts.data_dir / "casefile.sqlite3"
    assert PASSWORD not in accounts.path.read_text(encoding="utf-8")


def test_sign_in_refuses_a_wrong_password_then_makes_the_officer_wait(qtbot, accounts):
    accounts.create("zhangwei", "张伟", PASSWORD)
    accounts.create("lina", "李娜", PASSWORD)
    dialog = SignInDialog(accounts)
    qtbot.addWidget(dialog)
    assert dialog.user.currentData() == "lina"  # who signed in last
    dialog.user.setCurrentIndex(dialog.user.findData("zhangwei"))
    for _ in range(MAX_FAILURES - 1):
        qtbot.keyClicks(dialog.password_field, "wrong-password")
        _ok(dialog)
        assert "用户名或密码不对" in dialog.problem.text()
        assert dialog.password_field.text() == ""
    qtbot.keyClicks(dialog.password_field, "wrong-password")
    _ok(dialog)
    assert "请等 30 秒后再试" in dialog.problem.text()
    assert not dialog.sign_in_button.isEnabled()
    assert dialog.result() != QDialog.DialogCode.Accepted
    # a new program start finds the wait in the accounts file
    again = SignInDialog(Accounts(accounts.data_dir))
    qtbot.addWidget(again)
    again.user.setCurrentIndex(again.user.findData("zhangwei"))
    qtbot.keyClicks(again.password_field, PASSWORD)
    _ok(again)
    assert "请等" in again.problem.text() and again.account is None


def test_sign_in_with_the_right_password(qtbot, accounts):
    accounts.create("zhangwei", "张伟", PASSWORD)
    signed_in = []

    def interact(dialog: QDialog) -> None:
        qtbot.keyClicks(dialog.password_field, PASSWORD)
        _ok(dialog)

    run_modal(lambda: signed_in.append(ui_app.sign_in(accounts.data_dir)), interact, SignInDialog)
    account, password = signed_in[0]
    assert account.username == "zhangwei" and password == PASSWORD


def _unlock(qtbot, guard: LockGuard, password: str) -> None:
    assert guard.dialog is not None
    qtbot.keyClicks(guard.dialog.password, password)
    guard.dialog.unlock_button.click()


@pytest.fixture
def guarded(qtbot, window, tmp_path):
    accounts = Accounts(tmp_path / "accounts")
    account = accounts.create("zhangwei", "张伟", PASSWORD)
    guard = LockGuard(window, accounts, account, idle_seconds=3600)
    yield guard
    if guard.dialog is not None:
        guard.dialog.accept()
    guard.stop()


def _covered(widget) -> bool:
    direct = Qt.FindChildOption.FindDirectChildrenOnly
    covers = [c for c in widget.findChildren(_Cover, options=direct) if c.isVisible()]
    return bool(covers) and covers[0].geometry() == widget.rect()


def test_ctrl_l_locks_covers_the_case_data_and_the_password_unlocks(qtbot, window, guarded):
    title = window.windowTitle()
    window.table.selectRow(0)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert guarded.locked
    assert _covered(window) and window.windowTitle() == LOCKED_TITLE
    assert isinstance(QApplication.activeModalWidget(), UnlockDialog)
    guarded.dialog.reject()  # Esc does not unlock
    assert guarded.locked and guarded.dialog.isVisible()
    _unlock(qtbot, guarded, "wrong-password")
    assert guarded.locked and "密码不对" in guarded.dialog.problem.text()
    _unlock(qtbot, guarded, PASSWORD)
    assert not guarded.locked
    qtbot.waitUntil(lambda: not window.findChildren(_Cover))
    assert window.windowTitle() == title


def test_the_window_locks_after_the_idle_time(qtbot, window, tmp_path):
    accounts = Accounts(tmp_path / "accounts")
    account = accounts.create("zhangwei", "张伟", PASSWORD)
    guard = LockGuard(window, accounts, account, idle_seconds=0.3, check_every_ms=50)
    try:
        qtbot.waitUntil(lambda: guard.locked, timeout=3000)
        assert _covered(window)
        _unlock(qtbot, guard, PASSWORD)
        assert not guard.locked
    finally:
        guard.stop()


def test_a_lock_covers_an_open_dialog_and_keeps_what_was_typed(qtbot, window, guarded):
    dialog = QDialog(window)
    dialog.setWindowTitle("修改案件 （2021）豫0302执123号")
    field = QLineEdit(dialog)
    field.setText("未保存的地址")
    dialog.open()  # modal to the main window, as the case dialogs are
    qtbot.waitExposed(dialog)
    guarded.lock()
    assert dialog.isVisible() and _covered(dialog) and dialog.windowTitle() == LOCKED_TITLE
    assert _covered(window)
    _unlock(qtbot, guarded, PASSWORD)
    qtbot.waitUntil(lambda: not dialog.findChildren(_Cover))
    assert dialog.isVisible() and field.text() == "未保存的地址"
    assert dialog.windowTitle() == "修改案件 （2021）豫0302执123号"
    dialog.reject()


def test_a_lock_inside_a_running_modal_dialog(qtbot, window, guarded):
    seen = {}

    def interact(dialog: QDialog) -> None:
        guarded.lock()
        seen["covered"] = _covered(dialog)
        seen["modal"] = type(QApplication.activeModalWidget()).__name__
        _unlock(qtbot, guarded, PASSWORD)
        seen["unlocked"] = not guarded.locked
        dialog.accept()

    dialog = QDialog(window)
    run_modal(dialog.exec, interact)
    assert seen == {"covered": True, "modal": "UnlockDialog", "unlocked": True}
    assert dialog.result() == QDialog.DialogCode.Accepted  # the lock did not end it


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_without_a_keyring_a_new_officers_file_is_protected_by_the_sign_in_password(
    qtbot, accounts, no_keyring, monkeypatch
):
    monkeypatch.delenv("WORKSTATION_PASSPHRASE", raising=False)
    accounts.create("zhangwei", "张伟", PASSWORD)
    second = accounts.create("lina", "李娜", PASSWORD + "-lina")
    shown = []
    monkeypatch.setattr(
        key_dialogs.RecoveryKeyDialog, "exec", lambda self: shown.append(self.key.text())
    )
    opened = ui_app.open_main_window(second.case_file, PASSWORD + "-lina")
    assert opened is not None and len(shown) == 1  # the recovery key, once
    window, casefile = opened
    window.close()
    casefile.close()
    assert keys.read_sidecar(second.case_file)["mode"] == "passphrase"
    keys.forget_cached()
    assert keys.needs_passphrase(second.case_file)
    # the next start: the sign-in password unlocks it, no passphrase dialog
    assert key_dialogs.unlock(None, second.case_file, PASSWORD + "-lina")


# -- changing the password (修改密码) -------------------------------------------------------------

NEW_PASSWORD = "officer-pass-2"


def _fill_change(qtbot, dialog: ChangePasswordDialog, current: str, new: str, again: str) -> None:
    for field, text in ((dialog.current, current), (dialog.first, new), (dialog.second, again)):
        field.clear()
        qtbot.keyClicks(field, text)
    dialog.change_button.click()


@pytest.fixture
def officer(accounts):
    accounts.create("lina", "李娜", "other-officer-1")
    return accounts.create("zhangwei", "张伟", PASSWORD)


def _failures(accounts: Accounts, username: str) -> int:
    return json.loads(accounts.path.read_text(encoding="utf-8"))["accounts"][username]["failures"]


def test_changing_the_password_makes_the_new_one_work_and_the_old_one_not(qtbot, accounts, officer):
    dialog = ChangePasswordDialog(accounts, officer)
    qtbot.addWidget(dialog)
    _fill_change(qtbot, dialog, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.problem.text()
    assert dialog.current.text() == dialog.first.text() == ""
    assert accounts.verify("zhangwei", NEW_PASSWORD).username == "zhangwei"
    with pytest.raises(SignInRefused):
        accounts.verify("zhangwei", PASSWORD)
    assert accounts.verify("lina", "other-officer-1")  # the other account is as it was


def test_a_wrong_current_password_is_refused_and_counted_like_a_sign_in(qtbot, accounts, officer):
    dialog = ChangePasswordDialog(accounts, officer)
    qtbot.addWidget(dialog)
    _fill_change(qtbot, dialog, "wrong-password", NEW_PASSWORD, NEW_PASSWORD)
    assert dialog.problem.text() == "当前密码不对，请重新输入（再输错 4 次将须等待后才能再试）。"
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.current.text() == ""
    assert _failures(accounts, "zhangwei") == 1
    for _ in range(MAX_FAILURES - 1):
        _fill_change(qtbot, dialog, "wrong-password", NEW_PASSWORD, NEW_PASSWORD)
    assert "请等 30 秒后再试" in dialog.problem.text()
    assert not dialog.change_button.isEnabled()
    # the wait holds at sign-in too: this dialog is no way around it
    sign_in = SignInDialog(accounts)
    qtbot.addWidget(sign_in)
    sign_in.user.setCurrentIndex(sign_in.user.findData("zhangwei"))
    qtbot.keyClicks(sign_in.password_field, PASSWORD)
    _ok(sign_in)
    assert "请等" in sign_in.problem.text() and sign_in.account is None


@pytest.mark.parametrize(
    ("new", "again", "problem"),
    [
        (NEW_PASSWORD, NEW_PASSWORD + "x", "两次输入的新密码不一致，请重新输入。"),
        ("short", "short", "密码至少 8 个字符。"),
    ],
)
def test_new_passwords_that_differ_or_are_too_short_are_refused(
    qtbot, accounts, officer, new, again, problem
):
    dialog = ChangePasswordDialog(accounts, officer)
    qtbot.addWidget(dialog)
    _fill_change(qtbot, dialog, PASSWORD, new, again)
    assert dialog.problem.text() == problem
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert accounts.verify("zhangwei", PASSWORD)  # unchanged, and nothing counted
    assert _failures(accounts, "zhangwei") == 0


def test_a_case_file_protected_by_the_sign_in_password_moves_to_the_new_one(
    qtbot, accounts, no_keyring, monkeypatch
):
    monkeypatch.delenv("WORKSTATION_PASSPHRASE", raising=False)
    officer = accounts.create("zhangwei", "张伟", PASSWORD)
    keys.setup(officer.case_file, passphrase=PASSWORD)  # as a first start without a keyring does
    dialog = ChangePasswordDialog(accounts, officer)
    qtbot.addWidget(dialog)
    _fill_change(qtbot, dialog, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.rewrapped
    keys.forget_cached()
    assert keys.needs_passphrase(officer.case_file)
    with pytest.raises(WrongPassphrase):
        keys.key_for(officer.case_file, passphrase=PASSWORD)
    keys.key_for(officer.case_file, passphrase=NEW_PASSWORD)
    keys.forget_cached()
    # the next start opens it with the new sign-in password, asking nothing
    opened = ui_app.open_main_window(officer.case_file, NEW_PASSWORD)
    assert opened is not None
    window, casefile = opened
    window.close()
    casefile.close()
    keys.forget_cached()


def test_the_account_menu_changes_the_password(qtbot, window, guarded):
    add_account_menu(window, guarded.accounts, guarded.account, guarded)
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "账户")
    assert [a.text() for a in menu.actions() if not a.isSeparator()] == ["修改密码…", "锁定"]
    window.findChild(QAction, "changePasswordAction").trigger()
    dialog = window.findChild(ChangePasswordDialog)
    qtbot.waitExposed(dialog)
    assert dialog.isModal() and QApplication.activeModalWidget() is dialog
    _fill_change(qtbot, dialog, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "登录密码已修改。")
    assert guarded.accounts.verify("zhangwei", NEW_PASSWORD)


# -- switching officer from the lock (切换用户) ---------------------------------------------------


def test_switch_user_asks_first_when_other_windows_are_open(qtbot, window, guarded):
    asked = []
    guarded.switch_requested.connect(lambda: asked.append("switch"))
    dialog = QDialog(window)
    dialog.open()
    qtbot.waitExposed(dialog)
    guarded.lock()
    answers = iter([QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])

    def answer(box: QDialog) -> None:
        assert "还有 1 个窗口没有关闭" in box.text()
        box.button(next(answers)).click()

    run_modal(guarded.dialog.switch_button.click, answer, QMessageBox)
    assert asked == [] and guarded.locked  # No: still locked, nothing else happens
    run_modal(guarded.dialog.switch_button.click, answer, QMessageBox)
    assert asked == ["switch"]


def _case_ids(case_file: Path) -> set[str]:
    with CaseFile.open(case_file, readonly=True) as cf:
        return {row[0] for row in cf.conn.execute("SELECT id FROM cases")}


def _shown_case_ids(window: MainWindow) -> set[str]:
    while window.model.canFetchMore():
        window.model.fetchMore()
    return {window.model.case_id(row) for row in range(window.model.rowCount())}


def _main_windows() -> list[MainWindow]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
    ]


def _drive(steps: list, seconds: float = 60) -> tuple[QTimer, list[BaseException]]:
    """Run `steps` one after the other from whatever event loop is running: each is called until
    it returns True. On a failure (or after `seconds`) every dialog is cancelled and the program
    told to quit, so the loop under test returns and the test fails instead of hanging."""
    failures: list[BaseException] = []
    deadline = time.monotonic() + seconds
    position = [0]

    def tick() -> None:
        if not failures and position[0] < len(steps):
            try:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"step {position[0]} did not happen")
                if steps[position[0]]():
                    position[0] += 1
            except BaseException as exc:
                failures.append(exc)
        if failures:
            modal = QApplication.activeModalWidget()
            if modal is not None and not isinstance(modal, UnlockDialog):
                modal.reject()
            QApplication.exit(1)

    timer = QTimer()
    timer.setInterval(30)
    timer.timeout.connect(tick)
    timer.start()
    return timer, failures


def _officer_file(case_file: Path, password: str, cases: int, seed: int) -> None:
    keys.setup(case_file, passphrase=password)  # no keyring: the sign-in password protects it
    with CaseFile.open(case_file, create=True) as cf:
        fill_demo(cf, cases, seed=seed)


def test_switch_user_closes_the_officers_file_and_signs_another_in(
    qtbot, qapp, accounts, no_keyring, monkeypatch
):
    monkeypatch.delenv("WORKSTATION_PASSPHRASE", raising=False)
    zhang = accounts.create("zhangwei", "张伟", PASSWORD)
    li = accounts.create("lina", "李娜", NEW_PASSWORD)
    _officer_file(zhang.case_file, PASSWORD, 12, seed=3)
    _officer_file(li.case_file, NEW_PASSWORD, 5, seed=4)
    zhang_cases, li_cases = _case_ids(zhang.case_file), _case_ids(li.case_file)
    assert zhang_cases and li_cases and not zhang_cases & li_cases
    keys.forget_cached()
    seen: dict[str, object] = {}

    def sign_in_as(username: str, password: str):
        def step() -> bool:
            dialog = QApplication.activeModalWidget()
            if not isinstance(dialog, SignInDialog):
                return False
            dialog.user.setCurrentIndex(dialog.user.findData(username))
            qtbot.keyClicks(dialog.password_field, password)
            _ok(dialog)
            return True

        return step

    def lock_and_switch() -> bool:
        windows = _main_windows()
        if not windows:
            return False
        window = windows[0]
        if not window.isActiveWindow():
            window.activateWindow()
            return False
        assert window.casefile.path == zhang.case_file
        assert _shown_case_ids(window) == zhang_cases
        assert [a.text() for a in window.menuBar().actions()] == ["账户"]
        guard = window.findChild(LockGuard)
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        assert guard.locked and isinstance(QApplication.activeModalWidget(), UnlockDialog)
        seen["zhang_file"] = window.casefile
        guard.dialog.switch_button.click()
        return True

    def zhang_is_closed() -> bool:
        if not isinstance(QApplication.activeModalWidget(), SignInDialog):
            return False
        assert not _main_windows()
        assert seen["zhang_file"].closed
        lock = CaseFileLock(zhang.case_file)
        lock.acquire()  # nobody holds the file any more
        lock.release()
        assert keys.needs_passphrase(zhang.case_file)  # its key is no longer in memory
        seen["zhang_closed"] = True
        return True

    def li_works() -> bool:
        windows = _main_windows()
        if not windows:
            return False
        window = windows[0]
        assert window.casefile.path == li.case_file
        seen["shown"] = _shown_case_ids(window)
        assert window.windowTitle() != LOCKED_TITLE and window.findChild(LockGuard).account == li
        window.close()  # the end of the program
        return True

    timer, failures = _drive(
        [
            sign_in_as("zhangwei", PASSWORD),
            lock_and_switch,
            zhang_is_closed,
            sign_in_as("lina", NEW_PASSWORD),
            li_works,
        ]
    )
    try:
        code = ui_app.run_sessions(qapp, accounts.data_dir)
    finally:
        timer.stop()
        keys.forget_cached()
    if failures:
        raise failures[0]
    assert seen.get("zhang_closed") and code == 0
    assert seen["shown"] == li_cases  # her cases, none of his
    assert not _main_windows()
    # his file opens again, exclusively, with his password
    keys.key_for(zhang.case_file, passphrase=PASSWORD)
    with CaseFile.open(zhang.case_file) as cf:
        assert cf.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == len(zhang_cases)
    keys.forget_cached()


def test_cancelling_the_sign_in_after_a_switch_ends_the_program(qtbot, qapp, accounts, monkeypatch):
    accounts.create("zhangwei", "张伟", PASSWORD)
    monkeypatch.setattr(key_dialogs.RecoveryKeyDialog, "exec", lambda self: 0)  # a new file

    def switch() -> bool:
        windows = _main_windows()
        if not windows:
            return False
        guard = windows[0].findChild(LockGuard)
        guard.lock()
        guard.dialog.switch_button.click()
        return True

    def cancel() -> bool:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SignInDialog):
            return False
        dialog.reject()
        return True

    def first_sign_in() -> bool:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SignInDialog):
            return False
        qtbot.keyClicks(dialog.password_field, PASSWORD)
        _ok(dialog)
        return True

    timer, failures = _drive([first_sign_in, switch, cancel])
    try:
        code = ui_app.run_sessions(qapp, accounts.data_dir)
    finally:
        timer.stop()
        keys.forget_cached()
    if failures:
        raise failures[0]
    assert code == 0 and not _main_windows()


class _SlowServer:
    """A sync server that takes half a second to refuse the sign-in."""

    def __init__(self) -> None:
        self.asked = threading.Event()
        self.closed = False

    def __call__(self, url: str) -> "_SlowServer":
        return self

    def request(self, method: str, path: str, **kwargs: object) -> Reply:
        self.asked.set()
        time.sleep(0.5)
        return Reply(403, b"{}")

    def close(self) -> None:
        self.closed = True


def test_ending_a_session_waits_for_a_running_sync(qtbot, accounts):
    account = accounts.create("zhangwei", "张伟", PASSWORD)
    casefile = CaseFile.open(account.case_file, create=True, officer="张伟")
    window = MainWindow(casefile, ui_app.settings_for(account.case_file))
    window.show()
    session = ui_app.Session(window, accounts, account)
    server = _SlowServer()
    window.sync_dialog = SyncDialog(casefile, window, transport_factory=server)
    window.open_sync()
    dialog = window.sync_dialog
    dialog.server.setText("http://192.0.2.1:8470")
    dialog.user.setText("zhangwei")
    dialog.password.setText("server-password")
    dialog.start_button.click()
    assert server.asked.wait(10) and dialog.running()
    session.guard.lock()
    session.end()  # as after 切换用户
    assert server.closed  # the sync's worker had finished before the file was closed
    assert casefile.closed and not _main_windows()
    lock = CaseFileLock(account.case_file)
    lock.acquire()
    lock.release()
