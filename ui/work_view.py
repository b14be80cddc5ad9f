"""今日待办: what is due or overdue across the officer's cases (`enforcement_more.work_list`).

The list is worked out off the UI thread on its own connection to the case file (on a file of
100,000 cases it takes a second or two); each row opens its case in the main window."""

import logging
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QThread,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workstation.enforcement_more import (
    OPEN_OVER_YEAR_SHOWN,
    WorkItem,
    WorkKind,
    WorkList,
    work_list,
)
from workstation.store import queries
from workstation.store.casefile import CaseFile

log = logging.getLogger(__name__)
Index = QModelIndex | QPersistentModelIndex
CASE_ID_ROLE = Qt.ItemDataRole.UserRole
ALL = ""  # the "全部待办" entry of the kind list
OVERDUE = QColor("#c62828")
SOON = QColor("#b26a00")

# What a kind's list leaves out, said under the list.
NOTES = {
    WorkKind.PAYOUT: "到账款尚未发放完毕、发放期限已过或7日内届满的。",
    WorkKind.CASH: "现场代收的现金应在一个工作日内移交财务或存入专户。",
    WorkKind.SEIZURE: "30日内到期的查封、扣押、冻结，以及近30日内已到期未续行的（含已终本案件）。",
    WorkKind.CLUE: "尚未核实的财产线索（7日内核实，紧急的3日内）。",
    WorkKind.AFTERCARE: "终本后五年内每六个月网络查询一次，并告知申请执行人结果。",
}


class WorkItemsModel(QAbstractTableModel):
    HEADERS = ("类别", "案号", "承办人", "期限", "情况", "事项")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.items: list[WorkItem] = []

    def set_items(self, items: list[WorkItem]) -> None:
        self.beginResetModel()
        self.items = items
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.items[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == 0:
                return item.kind.label
            if col == 1:
                return item.case_number
            if col == 2:
                return item.officer
            if col == 3:
                return item.due.isoformat() if item.due else ""
            if col == 4:
                return item.when_text
            return item.what
        if role == Qt.ItemDataRole.ForegroundRole and col in (3, 4):
            if item.overdue:
                return OVERDUE
            if item.days_left is not None:
                return SOON
        if role == CASE_ID_ROLE:
            return item.case_id
        return None


class WorkWorker(QObject):
    """Works out the list on its own connection, in a worker thread."""

    done = Signal(object)  # WorkList
    failed = Signal(str)

    def __init__(self, casefile: CaseFile, today: date | None, officer: str | None) -> None:
        super().__init__()
        self.casefile, self.today, self.officer = casefile, today, officer

    @Slot()
    def run(self) -> None:
        worker_file = None
        try:
            worker_file = self.casefile.sibling()
            self.done.emit(work_list(worker_file, self.today, self.officer))
        except Exception:
            log.exception("work list failed")  # not the officer's name: no names in the log
            self.failed.emit("汇总待办事项时程序出错，已写入日志。请稍后点“刷新”再试。")
        finally:
            if worker_file is not None:
                worker_file.close()


class WorkView(QDialog):
    """Not modal: the officer works through the list while the main window shows each case."""

    open_case = Signal(str)

    def __init__(
        self, casefile: CaseFile, today: date | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("今日待办")
        self.resize(1180, 640)
        self.casefile = casefile
        self.today = today
        self.work: WorkList | None = None
        self._thread: QThread | None = None
        self._worker: WorkWorker | None = None
        self._again = False

        self.officer = QComboBox()
        self.officer.addItem("全部承办人", "")
        names = queries.officers(casefile.conn)
        for name in names:
            self.officer.addItem(name, name)
        if casefile.officer in names:
            self.officer.setCurrentIndex(self.officer.findData(casefile.officer))
        self.status = QLabel()
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.clicked.connect(self.reload)
        top = QHBoxLayout()
        top.addWidget(QLabel("承办人"))
        top.addWidget(self.officer)
        top.addWidget(self.status, 1)
        top.addWidget(self.refresh_button)

        self.kinds = QListWidget()
        self.kinds.setMinimumWidth(190)
        self.kinds.currentItemChanged.connect(self._kind_changed)
        self.model = WorkItemsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((130, 175, 60, 90, 80)):
            self.table.setColumnWidth(col, width)
        header.setStretchLastSection(True)
        self.table.activated.connect(self._activated)  # double click or Enter
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555;")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.table)
        right_layout.addWidget(self.note)
        splitter = QSplitter()
        splitter.addWidget(self.kinds)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([200, 840])

        self.open_button = QPushButton("打开案件")
        self.open_button.clicked.connect(self.open_selected)
        close = QPushButton("关闭")
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addStretch()
        bottom.addWidget(self.open_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self.officer.currentIndexChanged.connect(self.reload)
        self.reload()

    # -- loading ---------------------------------------------------------------------------------
    def loading(self) -> bool:
        return self._thread is not None

    def reload(self) -> None:
        if self.loading():  # the officer changed meanwhile: go again when this run ends
            self._again = True
            return
        self._again = False
        self.status.setText("正在汇总待办事项…")
        self.refresh_button.setEnabled(False)
        self._thread = QThread(self)
        self._worker = WorkWorker(self.casefile, self.today, self.officer.currentData() or None)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.done.connect(self._loaded)
        self._worker.failed.connect(self._failed)
        self._thread.start()

    def _finish(self) -> None:
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
            self._thread = None
            self._worker = None
        self.refresh_button.setEnabled(True)
        if self._again:
            self.reload()

    @Slot(object)
    def _loaded(self, work: WorkList) -> None:
        self.work = work
        overdue = sum(1 for i in work.items if i.overdue)
        self.status.setText(
            f"截至 {work.today.isoformat()}：{len(work.items)} 项"
            + (f"，其中逾期 {overdue} 项" if overdue else "")
        )
        current = self.kinds.currentItem()
        kind = current.data(CASE_ID_ROLE) if current is not None else None
        self.kinds.blockSignals(True)
        self.kinds.clear()
        entries = [(ALL, "全部待办", len(work.items))]
        entries += [(k.value, k.label, work.count(k)) for k in WorkKind]
        for code, label, count in entries:
            item = QListWidgetItem(f"{label}（{count}）")
            item.setData(CASE_ID_ROLE, code)
            if not count:
                item.setForeground(QColor("#999"))
            self.kinds.addItem(item)
        self.kinds.blockSignals(False)
        if kind is None:  # first load: the first kind with something to do
            kind = next((code for code, _l, count in entries[1:] if count), ALL)
        self.select_kind(kind)
        self._finish()

    @Slot(str)
    def _failed(self, message: str) -> None:
        self.status.setText(message)
        self._finish()

    # -- showing -----------------------------------------------------------------------------
    def select_kind(self, kind: str) -> None:
        for row in range(self.kinds.count()):
            if self.kinds.item(row).data(CASE_ID_ROLE) == kind:
                self.kinds.setCurrentRow(row)
                self._kind_changed(self.kinds.item(row))
                return

    def _kind_changed(self, item: QListWidgetItem | None, _previous: Any = None) -> None:
        if item is None or self.work is None:
            return
        kind = item.data(CASE_ID_ROLE)
        items = list(self.work.items) if kind == ALL else list(self.work.of_kind(kind))
        self.model.set_items(items)
        self.table.setColumnHidden(0, kind != ALL)
        self.note.setText(self._note(kind))

    def _note(self, kind: str) -> str:
        work = self.work
        assert work is not None
        if kind == WorkKind.OPEN_OVER_YEAR:
            shown = len(work.of_kind(kind))
            if work.open_over_year_total > shown:
                return (
                    f"共 {work.open_over_year_total:,} 件，这里列出立案最早的 "
                    f"{OPEN_OVER_YEAR_SHOWN} 件；全部请在案件列表中勾选“立案超过一年未结”。"
                )
            return "执行中、立案已满一年的案件。"
        if kind == WorkKind.READY:
            return (
                f"对立案满三个月、近期做过网络查控的执行中案件（{work.ready_candidates} 件）"
                "逐件核查了终本条件；其他案件必然尚不具备条件。"
            )
        return NOTES.get(kind, "双击一行，或选中后点“打开案件”，在主窗口中打开该案件。")

    def items_shown(self) -> list[WorkItem]:
        return list(self.model.items)

    # -- opening -----------------------------------------------------------------------------
    def _activated(self, index: QModelIndex) -> None:
        case_id = index.data(CASE_ID_ROLE)
        if case_id:
            self.open_case.emit(case_id)

    def open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self._activated(rows[0])

    def open_row(self, row: int) -> None:
        index = self.model.index(row, 1)
        self.table.selectRow(row)
        self._activated(index)

    def closeEvent(self, event) -> None:
        if self._thread is not None:  # let the worker finish: it only reads
            self._again = False
            self._thread.quit()
            self._thread.wait()
        super().closeEvent(event)
