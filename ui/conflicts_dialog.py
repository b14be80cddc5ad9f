"""冲突: the fields changed in two places, both values side by side, for the officer to decide."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.case import RECORD_LABELS, field_label
from workstation.store.casefile import CaseFile
from workstation.store.errors import CaseFileError
from workstation.sync.conflicts import KEEP_CURRENT, RESTORE_REPLACED, describe, resolve_conflict
from workstation.sync.state import open_conflicts

HEADERS = ("案号", "记录", "内容", "现在的值", "修改人", "被替换的值", "修改人")


class ConflictsDialog(QDialog):
    changed = Signal()

    def __init__(self, casefile: CaseFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.casefile = casefile
        self.setWindowTitle("同步冲突")
        self.resize(900, 420)
        intro = QLabel(
            "以下内容在本机和其他地方都被修改过。服务器按收到的先后保留了“现在的值”，"
            "被替换的值保存在这里，请逐条决定保留哪一个。"
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for col in range(len(HEADERS)):
            mode = (
                QHeaderView.ResizeMode.Stretch
                if col in (3, 5)
                else (QHeaderView.ResizeMode.ResizeToContents)
            )
            header.setSectionResizeMode(col, mode)
        self.table.setWordWrap(True)
        self.keep_button = QPushButton("保留现在的值")
        self.restore_button = QPushButton("恢复被替换的值")
        self.keep_button.clicked.connect(lambda: self.resolve(KEEP_CURRENT))
        self.restore_button.clicked.connect(lambda: self.resolve(RESTORE_REPLACED))
        self.empty = QLabel("没有需要处理的冲突。")
        buttons = QHBoxLayout()
        buttons.addWidget(self.empty)
        buttons.addStretch()
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.restore_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.conflict_ids: list[str] = []
        self.reload()

    def reload(self) -> None:
        conflicts = open_conflicts(self.casefile.conn)
        self.conflict_ids = [c["id"] for c in conflicts]
        self.table.setRowCount(len(conflicts))
        for row, c in enumerate(conflicts):
            target = self.casefile.get(c["target_type"], c["target_id"])
            current = target.values.get(c["field"]) if target else None
            case = self.casefile.get("case", c["case_id"])
            text = describe(c, current)
            who = RECORD_LABELS.get(c["target_type"], c["target_type"])
            if target and "name" in target.values:
                who += f" {target.values['name']}"
            cells = (
                case.values["case_number"] if case else "",
                who,
                field_label(c["target_type"], c["field"]),
                text["current"],
                text["current_officer"],
                text["replaced"],
                text["replaced_officer"],
            )
            for col, value in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(value))
        self.table.resizeRowsToContents()
        has = bool(conflicts)
        self.empty.setVisible(not has)
        self.keep_button.setEnabled(has)
        self.restore_button.setEnabled(has)
        if has and not self.table.selectionModel().selectedRows():
            self.table.selectRow(0)

    def selected_conflict(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.conflict_ids[rows[0].row()] if rows else None

    def resolve(self, resolution: str) -> None:
        conflict_id = self.selected_conflict()
        if conflict_id is None:
            return
        try:
            resolve_conflict(self.casefile, conflict_id, resolution)
        except CaseFileError as exc:
            QMessageBox.warning(self, "未能处理冲突", exc.message)
        self.reload()
        self.changed.emit()
