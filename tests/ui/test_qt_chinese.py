"""Qt's own texts (standard buttons, message boxes) read in Chinese in the program."""

from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from ui.app import install_qt_chinese


def test_standard_buttons_read_in_chinese(qapp):
    assert install_qt_chinese(qapp)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    assert box.button(QDialogButtonBox.StandardButton.Close).text() == "关闭"
    message = QMessageBox(
        QMessageBox.Icon.Question,
        "定稿",
        "确定吗？",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
    )
    texts = {
        message.button(b).text()
        for b in (QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No)
    }
    assert not {"&Yes", "&No", "Yes", "No"} & texts
    assert install_qt_chinese(qapp)  # a second call changes nothing
