"""The case file's key at start-up: a passphrase to unlock it, a new key's recovery key shown once,
and opening with the recovery key on another computer. The decisions are in workstation.store.keys.
"""

import logging
from pathlib import Path

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from workstation.store import keys
from workstation.store.errors import KeyProblem

from .dialog_parts import ok_cancel, problem_label

log = logging.getLogger(__name__)


class PassphraseDialog(QDialog):
    """Asks for the passphrase (twice, when it is being chosen)."""

    def __init__(self, parent: QWidget | None, text: str, *, confirm: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle("案件数据口令")
        layout = QVBoxLayout(self)
        self.text = QLabel(text)
        self.text.setWordWrap(True)
        layout.addWidget(self.text)
        self.first = QLineEdit()
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setPlaceholderText("口令")
        layout.addWidget(self.first)
        self.second: QLineEdit | None = None
        if confirm:
            self.second = QLineEdit()
            self.second.setEchoMode(QLineEdit.EchoMode.Password)
            self.second.setPlaceholderText("再输入一次")
            layout.addWidget(self.second)
        self.problem = problem_label()
        layout.addWidget(self.problem)
        ok_cancel(self, layout, None, self._check)

    def _check(self) -> None:
        if self.second is not None:
            try:
                keys.check_passphrase(self.first.text())
            except KeyProblem as exc:
                self.problem.setText(exc.message)
                return
            if self.first.text() != self.second.text():
                self.problem.setText("两次输入的口令不一致。")
                return
        self.accept()

    def passphrase(self) -> str:
        return self.first.text()


class RecoveryKeyDialog(QDialog):
    """Shows a new recovery key once; closes only when the officer says it has been written down."""

    def __init__(self, parent: QWidget | None, recovery_key: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("恢复密钥（只显示这一次）")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "案件数据已加密。下面是它的恢复密钥：电脑丢失、损坏或更换时，凭它才能在另一台电脑上"
            "打开案件数据或备份。请抄在纸上，交法院信息技术人员妥善保管；不要存在这台电脑里。"
            "程序不会再显示它。"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.key = QLabel(recovery_key)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(font.pointSize() + 6)
        self.key.setFont(font)
        self.key.setTextInteractionFlags(self.key.textInteractionFlags().TextSelectableByMouse)
        layout.addWidget(self.key)
        self.written = QCheckBox("我已把恢复密钥抄在纸上，交法院信息技术人员保管")
        layout.addWidget(self.written)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        self.written.toggled.connect(ok.setEnabled)
        layout.addWidget(self.buttons)

    def reject(self) -> None:  # Esc or the close button: the key must be acknowledged
        if self.written.isChecked():
            super().reject()


def set_up_key(parent: QWidget | None, case_file: Path, passphrase: str | None = None) -> bool:
    """A new case file: make its key (keyring, else a passphrase: `passphrase`, the officer's
    sign-in password, or one the officer chooses now) and show the recovery key once. False if
    the officer cancelled."""
    if keys.keyring_available():
        passphrase = None
    elif passphrase is None:
        dialog = PassphraseDialog(
            parent,
            "这台电脑没有系统钥匙串。请设定一个口令来保护案件数据（至少 8 个字符），"
            "每次打开程序时输入。",
            confirm=True,
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        passphrase = dialog.passphrase()
    made = keys.setup(case_file, passphrase=passphrase)
    RecoveryKeyDialog(parent, made.recovery_key).exec()
    return True


def unlock(parent: QWidget | None, case_file: Path, password: str | None = None) -> bool:
    """Ask for the passphrase until it unlocks the file's key; False if the officer cancelled.
    The officer's sign-in `password` is tried first: a file set up after sign-in uses it."""
    if password is not None and len(password) >= keys.MIN_PASSPHRASE:
        try:
            keys.key_for(case_file, passphrase=password)
            return True
        except KeyProblem as exc:
            log.info("sign-in password does not unlock %s: %s", case_file, exc.detail)
    dialog = PassphraseDialog(parent, "案件数据受口令保护，请输入口令。")
    while dialog.exec() == QDialog.DialogCode.Accepted:
        try:
            keys.key_for(case_file, passphrase=dialog.passphrase())
            return True
        except KeyProblem as exc:
            log.info("unlock failed: %s", exc.detail)
            dialog.problem.setText(exc.message)
            dialog.first.clear()
    return False


class RecoveryEntryDialog(QDialog):
    """Type the recovery key to open the file on this computer."""

    def __init__(self, parent: QWidget | None, message: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("用恢复密钥打开")
        layout = QVBoxLayout(self)
        text = QLabel(message + "\n\n如有恢复密钥，可在下面输入（8 组，每组 5 个字符）：")
        text.setWordWrap(True)
        layout.addWidget(text)
        self.entry = QLineEdit()
        self.entry.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        layout.addWidget(self.entry)
        self.problem = problem_label()
        layout.addWidget(self.problem)
        ok_cancel(self, layout, None, self.accept)


def recover(parent: QWidget | None, case_file: Path, message: str) -> bool:
    """The key is not on this computer: offer the recovery key (then a new passphrase where
    there is no keyring). False if the officer cancelled."""
    dialog = RecoveryEntryDialog(parent, message)
    while dialog.exec() == QDialog.DialogCode.Accepted:
        passphrase = None
        if not keys.keyring_available():
            chooser = PassphraseDialog(
                parent, "请为这份案件数据在本机设定一个口令（至少 8 个字符）。", confirm=True
            )
            if chooser.exec() != QDialog.DialogCode.Accepted:
                return False
            passphrase = chooser.passphrase()
        try:
            keys.recover(case_file, dialog.entry.text(), new_passphrase=passphrase)
            return True
        except KeyProblem as exc:
            log.info("recovery failed: %s", exc.detail)
            dialog.problem.setText(exc.message)
    return False
