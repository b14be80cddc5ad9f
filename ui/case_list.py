"""The case list: a table model that fetches rows lazily, a page at a time, as tuples."""

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from workstation.domain.case import status_label
from workstation.domain.money import format_yuan
from workstation.store import queries
from workstation.store.casefile import CaseFile
from workstation.sync.state import CONFLICT, REJECTED, STATE_TEXT, SYNCED, UNSYNCED, case_states

Index = QModelIndex | QPersistentModelIndex

# (header, column in queries.LIST_COLUMNS, sort key in queries.SORT_COLUMNS)
COLUMNS = (
    ("案号", "case_number", "case_number"),
    ("申请执行人", "applicants", "applicants"),
    ("被执行人", "debtors", "debtors"),
    ("承办人", "officer", "officer"),
    ("立案日期", "filing_date", "filing_date"),
    ("执行标的（元）", "principal", "principal"),
    ("状态", "status", "status"),
    ("同步", "sync", None),
)
_POS = {name: queries.LIST_COLUMNS.index(name) for name in queries.LIST_COLUMNS}
_POS["sync"] = _POS["id"]
PAGE = 200
# The first page only fills the window (about 35 rows maximised at 1080p; more comes as the view
# asks): on an encrypted file every row read costs two decrypted pages, so start-up reads 64.
FIRST_PAGE = 64
# Counting stops here: "共 10,000+ 件" is as useful as the exact number and costs a fraction.
COUNT_CAP = 10_000
CASE_ID_ROLE = Qt.ItemDataRole.UserRole
SYNC_COLOURS = {
    UNSYNCED: QColor("#1565c0"),
    REJECTED: QColor("#c62828"),
    CONFLICT: QColor("#e65100"),
    SYNCED: QColor("#2e7d32"),
}


class CaseListModel(QAbstractTableModel):
    """Rows come from the case file in pages of PAGE as the view scrolls (canFetchMore)."""

    def __init__(self, casefile: CaseFile, parent: Any = None) -> None:
        super().__init__(parent)
        self.casefile = casefile
        self.filter = queries.CaseFilter()
        self.sort_column = "filing_date"
        self.descending = True
        self.rows: list[tuple] = []
        self.total = 0
        self.capped = False  # more than COUNT_CAP matches: total is a lower bound
        self.demo = casefile.is_demo
        self.sync_states: dict[str, str] = {}
        self.reload()

    # -- loading -----------------------------------------------------------------------------
    def reload(self) -> None:
        self.beginResetModel()
        conn = self.casefile.conn
        self.sync_states = {} if self.demo else case_states(conn)
        counted = queries.count_cases(conn, self.filter, cap=COUNT_CAP)
        self.capped = counted > COUNT_CAP
        self.total = min(counted, COUNT_CAP)
        self.rows = queries.list_cases(
            conn,
            self.filter,
            sort=self.sort_column,
            descending=self.descending,
            limit=FIRST_PAGE,
            matches=self.total + self.capped,
        )
        self.endResetModel()

    def set_filter(self, flt: queries.CaseFilter) -> None:
        self.filter = flt
        self.reload()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or self.casefile.closed:  # a view tidying up after the file closed
            return False
        return len(self.rows) < self.total or self.capped

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self.rows:
            return
        after = queries.sort_key(self.rows[-1], self.sort_column)
        more = queries.list_cases(
            self.casefile.conn,
            self.filter,
            sort=self.sort_column,
            descending=self.descending,
            after=after,
            limit=PAGE,
            matches=self.total + self.capped,
        )
        if more:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
            self.rows.extend(more)
            self.endInsertRows()
        if len(more) < PAGE:  # the end: now the exact number is known
            self.total = len(self.rows)
            self.capped = False
        elif self.capped:
            self.total = max(self.total, len(self.rows))

    def count_text(self) -> str:
        return f"共 {self.total:,}+ 件" if self.capped else f"共 {self.total:,} 件"

    # -- the model interface -----------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        name = COLUMNS[index.column()][1]
        if role == Qt.ItemDataRole.DisplayRole:
            value = row[_POS[name]]
            if name == "principal":
                return format_yuan(value)
            if name == "status":
                return status_label(value, row[_POS["closing_method"]])
            if name == "sync":
                return "" if self.demo else STATE_TEXT[self.sync_states.get(value, SYNCED)]
            return value
        if role == Qt.ItemDataRole.ForegroundRole and name == "sync":
            state = self.sync_states.get(row[_POS["id"]], SYNCED)
            return SYNC_COLOURS.get(state)
        if role == CASE_ID_ROLE:
            return row[_POS["id"]]
        if role == Qt.ItemDataRole.TextAlignmentRole and name == "principal":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if COLUMNS[column][2] is None:  # not sortable
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (COLUMNS[column][2], descending) == (self.sort_column, self.descending):
            return  # already in this order (the view asks again when sorting is switched on)
        self.sort_column = COLUMNS[column][2]
        self.descending = descending
        self.reload()

    # -- helpers for the window ---------------------------------------------------------------
    def case_id(self, row: int) -> str:
        return self.rows[row][_POS["id"]]

    def row_of(self, case_id: str) -> int | None:
        for i, row in enumerate(self.rows):
            if row[_POS["id"]] == case_id:
                return i
        return None
