"""Signing in, the first account, the lock (ui/signin.py, ui/app.py)."""

from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLineEdit

from tests.ui.conftest import run_modal
from ui import app as ui_app
from ui import key_dialogs
from ui.signin import LOCKED_TITLE, AccountDialog, LockGuard, SignInDialog, UnlockDialog, _Cover
from workstation.accounts import MAX_FAILURES, Accounts
from workstation.store import keys

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
