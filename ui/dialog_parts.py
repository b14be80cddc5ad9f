"""Pieces the program's small dialogs share: the red line that says what is wrong, and the
OK/Cancel row."""

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout

ERROR_STYLE = "color: #c62828;"


def problem_label() -> QLabel:
    """An empty, word-wrapped red line for what is wrong with the input."""
    label = QLabel("")
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    return label


def ok_cancel(
    dialog: QDialog, layout: QVBoxLayout, ok_text: str | None, accept: Callable[[], None]
) -> tuple[QDialogButtonBox, QPushButton]:
    """OK (named `ok_text` if given, running `accept`) and Cancel under a dialog's fields; the
    box and its OK button."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    if ok_text:
        ok.setText(ok_text)
    buttons.accepted.connect(accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    return buttons, ok
