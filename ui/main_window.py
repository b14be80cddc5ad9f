"""The main window: the case list (search, filters, counts) beside the open case."""

import logging
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QItemSelection, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.dates import local_time_text
from workstation.store import queries
from workstation.store.casefile import CaseFile
from workstation.sync.state import case_states, open_conflict_count, record_states

from .case_list import CASE_ID_ROLE, COLUMNS, CaseListModel
from .case_view import CaseView

if TYPE_CHECKING:
    from workstation.sync.client import SyncReport

    from .work_view import WorkView

log = logging.getLogger(__name__)
SEARCH_DELAY_MS = 120
# Opening a case from the work view loads list pages up to this many rows to find it there; past
# that the case is shown without selecting it in the list.
OPEN_CASE_FETCH_ROWS = 2000


class MainWindow(QMainWindow):
    def __init__(
        self, casefile: CaseFile, settings: QSettings | None = None, today: date | None = None
    ) -> None:
        super().__init__()
        self.casefile = casefile
        self.settings = settings or QSettings()
        self.today = today
        self.setWindowTitle("执行干警离线工作站")

        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索：案号、当事人、身份证号、电话、地址、备注")
        self.search.setClearButtonEnabled(True)
        self.status_filter = QComboBox()
        for text, code in (("全部状态", ""), ("执行中", "open"), ("已结案", "closed")):
            self.status_filter.addItem(text, code)
        self.officer_filter = QComboBox()
        self.over_year = QCheckBox("立案超过一年未结")
        self.count_label = QLabel()

        self.model = CaseListModel(casefile)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(4, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # several cases may be selected (Ctrl/Shift) for batch rulings; the current one is shown
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((175, 130, 130, 60, 90, 115, 110, 60)):
            self.table.setColumnWidth(col, width)
        header.setStretchLastSection(True)
        self._sort_indicator = (4, Qt.SortOrder.DescendingOrder)
        header.sortIndicatorChanged.connect(self._sort_changed)

        filters = QHBoxLayout()
        filters.addWidget(self.status_filter)
        filters.addWidget(self.officer_filter)
        filters.addWidget(self.over_year)
        filters.addStretch()
        filters.addWidget(self.count_label)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        left_layout.addWidget(self.search)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.table)

        self.case_view = CaseView(casefile=casefile, today=today)
        self.case_view.records_changed.connect(self._after_record_saved)
        self.case_view.open_case.connect(self.open_case)  # a linked case (原案, 执恢案件)
        self.case_view.case_created.connect(self._after_save)  # a resumption case was made
        self.work_view: WorkView | None = None
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.case_view)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.setCentralWidget(self.splitter)

        self.unsynced_label = QLabel()
        self.file_label = QLabel(str(casefile.path))
        self.file_label.setStyleSheet("color: #666;")
        self.statusBar().addWidget(self.unsynced_label)
        self.statusBar().addPermanentWidget(self.file_label)

        self._build_actions()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._search_timer.start)
        self.status_filter.currentIndexChanged.connect(self.apply_filter)
        self.officer_filter.currentIndexChanged.connect(self.apply_filter)
        self.over_year.toggled.connect(self.apply_filter)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _i: self.edit_case())

        self._fill_officers()
        self._refresh_counts()
        self.resize(1280, 800)
        self._restore_layout()
        # After the first paint: what opening a case needs (validation, court table) is loaded
        # while the officer reads the list, not before it appears.
        self.table.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and watched is self.table.viewport():
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._ensure_case_support)
        return False

    def _load_case_support(self) -> None:
        from workstation import cases
        from workstation.domain.courts import load_courts

        self._cases = cases
        self.courts = load_courts()

    # -- actions -------------------------------------------------------------------------------
    def _build_actions(self) -> None:
        toolbar = self.addToolBar("案件")
        toolbar.setObjectName("caseToolbar")
        toolbar.setMovable(False)
        self.new_action = QAction("新建案件", self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(self.new_case)
        self.edit_action = QAction("修改案件", self)
        self.edit_action.setShortcut(QKeySequence("Ctrl+E"))
        self.edit_action.triggered.connect(self.edit_case)
        self.edit_action.setEnabled(False)
        find = QAction("搜索", self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(lambda: (self.search.setFocus(), self.search.selectAll()))
        self.addAction(find)
        self.sync_action = QAction("同步", self)
        self.sync_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.sync_action.triggered.connect(self.open_sync)
        self.conflicts_action = QAction("冲突", self)
        self.conflicts_action.triggered.connect(self.open_conflicts)
        self.work_action = QAction("今日待办", self)
        self.work_action.setShortcut(QKeySequence("Ctrl+T"))
        self.work_action.triggered.connect(self.open_work_view)
        toolbar.addAction(self.new_action)
        toolbar.addAction(self.edit_action)
        toolbar.addSeparator()
        toolbar.addAction(self.work_action)
        toolbar.addSeparator()
        toolbar.addAction(self.sync_action)
        toolbar.addAction(self.conflicts_action)
        self.unmatched_action = QAction("未认领款项", self)
        self.unmatched_action.setToolTip("法院已收到、尚未对应到案件的款项（需要连接服务器）")
        self.unmatched_action.triggered.connect(self.open_unmatched)
        toolbar.addAction(self.unmatched_action)
        self.dashboard_action = QAction("质效看板", self)
        self.dashboard_action.setToolTip("执行质效指标、趋势与案件清单；周通报、月讲评见命令行")
        self.dashboard_action.triggered.connect(self.open_dashboard)
        toolbar.addAction(self.dashboard_action)
        toolbar.addSeparator()
        self.batch_ruling_action = QAction("批量终本裁定", self)
        self.batch_ruling_action.setToolTip(
            "为所选的多件案件制作并打印终结本次执行程序裁定（按住 Ctrl 或 Shift 多选）"
        )
        self.batch_ruling_action.triggered.connect(self.open_batch_rulings)
        toolbar.addAction(self.batch_ruling_action)

    def open_batch_rulings(self) -> None:
        from .ruling_dialogs import BatchRulingDialog

        case_ids = self.selected_case_ids()
        if not case_ids:
            QMessageBox.information(
                self, "批量终本裁定", "请先在案件列表中选择案件（可按住 Ctrl 或 Shift 多选）。"
            )
            return
        dialog = BatchRulingDialog(self.casefile, case_ids, self.today or date.today(), self)
        dialog.exec()
        dialog.deleteLater()
        self._after_record_saved()

    def _fill_officers(self) -> None:
        current = self.officer_filter.currentData()
        self.officer_filter.blockSignals(True)
        self.officer_filter.clear()
        self.officer_filter.addItem("全部承办人", "")
        for name in queries.officers(self.casefile.conn):
            self.officer_filter.addItem(name, name)
        self.officer_filter.setCurrentIndex(max(self.officer_filter.findData(current), 0))
        self.officer_filter.blockSignals(False)

    def current_filter(self) -> queries.CaseFilter:
        return queries.CaseFilter(
            text=self.search.text(),
            status=self.status_filter.currentData() or None,
            officer=self.officer_filter.currentData() or None,
            open_over_one_year=self.over_year.isChecked(),
            today=self.today,
        )

    def apply_filter(self) -> None:
        self._search_timer.stop()
        if self.casefile.closed:  # a late signal after the window let go of the file
            return
        selected = self.selected_case_id()
        self.model.set_filter(self.current_filter())
        self._refresh_counts()
        if selected is not None:
            self.select_case(selected, scroll=False)

    def _refresh_counts(self) -> None:
        self.count_label.setText(self.model.count_text())
        unsynced = self.casefile.unsynced_count()
        rejected = self.casefile.rejected_count()
        text = f"未同步的修改：{unsynced} 条"
        if rejected:
            text += f"　服务器拒绝的修改：{rejected} 条"
        if self.casefile.is_demo:
            text += "　（演示数据，不同步）"
        last = self.casefile.meta("last_sync")
        if last:
            text += f"　上次同步：{local_time_text(last)}"
        self.unsynced_label.setText(text)
        conflicts = open_conflict_count(self.casefile.conn)
        self.conflicts_action.setText(f"冲突（{conflicts}）" if conflicts else "冲突")
        self.sync_action.setEnabled(not self.casefile.is_demo)

    def _sort_changed(self, section: int, order: Qt.SortOrder) -> None:
        header = self.table.horizontalHeader()
        if COLUMNS[section][2] is None:  # this column does not sort: put the arrow back
            header.blockSignals(True)
            header.setSortIndicator(*self._sort_indicator)
            header.blockSignals(False)
        else:
            self._sort_indicator = (section, order)

    # -- selection -------------------------------------------------------------------------
    def selected_case_id(self) -> str | None:
        """The case shown: the current row when it is selected, else the first selected."""
        model = self.table.selectionModel()
        rows = model.selectedRows()
        if not rows:
            return None
        current = self.table.currentIndex()
        if current.isValid() and model.isRowSelected(current.row()):
            return current.siblingAtColumn(0).data(CASE_ID_ROLE)
        return rows[0].data(CASE_ID_ROLE)

    def selected_case_ids(self) -> list[str]:
        """Every selected case, in list order."""
        rows = sorted(self.table.selectionModel().selectedRows(), key=lambda i: i.row())
        return [r.data(CASE_ID_ROLE) for r in rows]

    def select_case(self, case_id: str, scroll: bool = True) -> bool:
        row = self.model.row_of(case_id)
        if row is None:
            return False
        self.table.selectRow(row)
        if scroll:
            self.table.scrollTo(self.model.index(row, 0))
        return True

    def _selection_changed(self, _sel: QItemSelection, _desel: QItemSelection) -> None:
        case_id = self.selected_case_id()
        self.edit_action.setEnabled(case_id is not None)
        self.show_case(case_id)

    def open_case(self, case_id: str) -> None:
        """Open a case asked for elsewhere (the work view): selected in the list when the list
        holds it (loading a few more pages if need be), else shown beside the list as it is."""
        found = self.select_case(case_id)
        while not found and self.model.canFetchMore():
            if self.model.rowCount() >= OPEN_CASE_FETCH_ROWS:
                break
            self.model.fetchMore()
            found = self.select_case(case_id)
        if not found:
            self.table.clearSelection()
            self.show_case(case_id)
        self.raise_()
        self.activateWindow()

    def show_case(self, case_id: str | None) -> None:
        self._ensure_case_support()
        detail = self._cases.load_case(self.casefile, case_id, self.courts) if case_id else None
        states = None
        if detail is not None and not self.casefile.is_demo:
            ids = [detail.case.id, *(p.id for p in detail.parties)]
            states = record_states(self.casefile.conn, ids)
        self.case_view.show_case(detail, states)

    # -- editing -------------------------------------------------------------------------------
    def _ensure_case_support(self) -> None:
        if not hasattr(self, "courts"):
            self._load_case_support()

    def new_case(self) -> None:
        from .case_dialog import CaseDialog

        dialog = CaseDialog(self.casefile, None, self)
        if dialog.exec() == CaseDialog.DialogCode.Accepted and dialog.case_id:
            self._after_save(dialog.case_id)

    def edit_case(self) -> None:
        case_id = self.selected_case_id()
        if case_id is None:
            return
        from .case_dialog import CaseDialog

        self._ensure_case_support()
        detail = self._cases.load_case(self.casefile, case_id, self.courts)
        if detail is None:
            QMessageBox.warning(self, "案件不存在", "这件案件已不在案件数据中。")
            return
        dialog = CaseDialog(self.casefile, detail, self)
        if dialog.exec() == CaseDialog.DialogCode.Accepted:
            self._after_save(case_id)

    def _after_save(self, case_id: str) -> None:
        self._fill_officers()
        self.model.set_filter(self.current_filter())
        self._refresh_counts()
        if not self.select_case(case_id):
            self.show_case(case_id)

    def _after_record_saved(self) -> None:
        """A record was added in the case view: counts and the list's sync column change."""
        self._refresh_counts()
        if not self.model.demo:
            self.model.sync_states = case_states(self.casefile.conn)
            rows = self.model.rowCount()
            if rows:
                column = len(COLUMNS) - 1
                self.model.dataChanged.emit(
                    self.model.index(0, column), self.model.index(rows - 1, column)
                )
        if self.work_view is not None and self.work_view.isVisible():
            self.work_view.reload()

    # -- work view -------------------------------------------------------------------------------
    def open_work_view(self) -> None:
        from .work_view import WorkView

        if self.work_view is None:
            self.work_view = WorkView(self.casefile, self.today, self)
            self.work_view.open_case.connect(self.open_case)
        elif not self.work_view.isVisible():
            self.work_view.reload()
        self.work_view.show()
        self.work_view.raise_()
        self.work_view.activateWindow()

    # -- sync ------------------------------------------------------------------------------------
    def open_sync(self) -> None:
        from .sync_dialog import SyncDialog

        if getattr(self, "sync_dialog", None) is None:
            self.sync_dialog = SyncDialog(self.casefile, self)
            self.sync_dialog.synced.connect(self._after_sync)
        self.sync_dialog.show()
        self.sync_dialog.raise_()

    def _after_sync(self, report: "SyncReport") -> None:
        if report.recovered and report.recovery_file:
            if report.backup is not None:
                report.backup.wait()  # it reads the file being replaced (rare: a recovery)
            self._swap_in(report.recovery_file)
        self._fill_officers()
        self.model.set_filter(self.current_filter())
        self._refresh_counts()
        self.show_case(self.selected_case_id())
        if self.work_view is not None and self.work_view.isVisible():
            self.work_view.reload()

    def _swap_in(self, recovered: Path) -> None:
        """Replace the open case file by a recovered copy (the old one is kept beside it)."""
        from workstation.sync.client import swap_in_recovered

        path = self.casefile.path
        self.casefile.close()
        kept = swap_in_recovered(path, recovered)
        self.casefile = CaseFile.open(path)
        self.model.casefile = self.casefile
        self.case_view.set_casefile(self.casefile)
        if self.work_view is not None:
            self.work_view.close()
            self.work_view.deleteLater()
            self.work_view = None
        if getattr(self, "sync_dialog", None) is not None:
            self.sync_dialog.casefile = self.casefile
        log.warning("case file replaced by a recovered copy; old file kept as %s", kept)

    def open_unmatched(self) -> None:
        """未认领款项 (ui/unmatched_dialog.py); the demo file says there it never syncs."""
        from .unmatched_dialog import UnmatchedDialog

        dialog = UnmatchedDialog(self.casefile, self)
        dialog.claimed.connect(self._after_record_saved)
        dialog.exec()

    def open_dashboard(self) -> None:
        """质效看板 (ui/dashboard.py); a case chosen there opens here."""
        from .dashboard import Dashboard

        self.dashboard = Dashboard(self.casefile, self)
        self.dashboard.open_case.connect(self.open_case)
        self.dashboard.setModal(False)
        self.dashboard.show()

    def open_conflicts(self) -> None:
        from .conflicts_dialog import ConflictsDialog

        dialog = ConflictsDialog(self.casefile, self)
        dialog.changed.connect(self._after_conflict_change)
        dialog.exec()

    def _after_conflict_change(self) -> None:
        self.model.set_filter(self.current_filter())
        self._refresh_counts()
        self.show_case(self.selected_case_id())

    # -- layout memory ------------------------------------------------------------------------
    def _restore_layout(self) -> None:
        geometry = self.settings.value("main/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = self.settings.value("main/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        splitter = self.settings.value("main/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        columns = self.settings.value("main/columns")
        if isinstance(columns, QByteArray):
            self.table.horizontalHeader().restoreState(columns)

    def save_layout(self) -> None:
        self.settings.setValue("main/geometry", self.saveGeometry())
        self.settings.setValue("main/state", self.saveState())
        self.settings.setValue("main/splitter", self.splitter.saveState())
        self.settings.setValue("main/columns", self.table.horizontalHeader().saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._search_timer.stop()
        if self.work_view is not None:
            self.work_view.close()
        self.save_layout()
        super().closeEvent(event)
