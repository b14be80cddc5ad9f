"""未认领款项: money received in the court's account without an identifiable case, listed from
the central server; the officer claims one for a case of theirs (workstation/sync/receipts.py).

The list needs the server: offline the dialog says so. Requests run off the UI thread, each on
its own connection to the case file (a claim records a funds receipt there)."""

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation import secrets
from workstation.cases import ValidationFailed
from workstation.domain.measures import ReceiptSource
from workstation.domain.money import format_yuan
from workstation.domain.settings import CourtSettings, default_settings
from workstation.store.casefile import CaseFile
from workstation.sync import receipts
from workstation.sync.client import HttpTransport, SyncError, Transport
from workstation.sync.receipts import (
    ClaimOutcome,
    ReceiptsSession,
    UnmatchedList,
    UnmatchedReceipt,
)

log = logging.getLogger(__name__)

HEADERS = ("到账日期", "金额（元）", "交款人", "票据号", "未认领天数")
LONG_UNCLAIMED = QColor("#ffe0b2")
LONG_UNCLAIMED_TEXT = QColor("#bf360c")
TransportFactory = Callable[[str], Transport]
SOURCES = {s.value for s in ReceiptSource}


class _Request(QThread):
    """One request about unmatched receipts, on a sibling connection to the case file."""

    done = Signal(object)
    failed = Signal(str, str)  # kind, message

    def __init__(
        self,
        casefile: CaseFile,
        transport_factory: TransportFactory,
        password: str,
        work: Callable[[ReceiptsSession], Any],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.casefile, self.transport_factory = casefile, transport_factory
        self.password, self.work = password, work

    def run(self) -> None:
        worker_file = transport = None
        try:
            worker_file = self.casefile.sibling()
            transport = self.transport_factory(self.casefile.meta("server_url"))
            session = ReceiptsSession(
                worker_file, transport, password=lambda: self.password or None
            )
            self.done.emit(self.work(session))
        except SyncError as exc:
            log.info("unmatched receipts: %s", exc.detail)
            self.failed.emit(exc.kind, exc.message)
        except ValidationFailed as exc:
            self.failed.emit("invalid", "未登记：" + "；".join(exc.errors.values()))
        except Exception:
            log.exception("unmatched receipts request crashed")
            self.failed.emit("bug", "程序出错，已写入日志；未作任何登记。请联系法院信息技术人员。")
        finally:
            if transport is not None and hasattr(transport, "close"):
                transport.close()
            if worker_file is not None:
                worker_file.close()


class UnmatchedDialog(QDialog):
    """The court's unclaimed receipts, long-unclaimed ones highlighted, and claiming one."""

    loaded = Signal()  # a request is over: its answer, or why there is none, is shown
    claimed = Signal()  # a funds receipt was recorded on a case

    def __init__(
        self,
        casefile: CaseFile,
        parent: QWidget | None = None,
        *,
        transport_factory: TransportFactory = HttpTransport,
        settings: CourtSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.casefile = casefile
        self.transport_factory = transport_factory
        self.long_days = (settings or default_settings()).unmatched_receipt_days
        self.receipts: list[UnmatchedReceipt] = []
        self._request: _Request | None = None
        self.setWindowTitle("未认领款项")
        self.resize(760, 520)

        intro = QLabel(
            "已到法院执行款专户、但未能对应到案件的款项（由财务部门在中心服务器登记）。"
            f"确认是您承办案件的款项后，选择案件认领：本机会登记一笔到账记录，并通知服务器。"
            f"超过 {self.long_days} 日未认领的以橙色标出。"
        )
        intro.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("登录密码（首次连接服务器时需要）")
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.clicked.connect(self.refresh)
        self.refresh_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        top = QHBoxLayout()
        top.addWidget(self.password, 1)
        top.addStretch()
        top.addWidget(self.refresh_button)

        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.case_picker = QComboBox()
        self.case_picker.setEditable(True)
        self.case_picker.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.case_picker.lineEdit().setPlaceholderText("输入案号中的数字查找")
        completer = QCompleter(self.case_picker.model(), self.case_picker)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.case_picker.setCompleter(completer)
        self.case_picker.currentIndexChanged.connect(self._update_buttons)
        self.claim_button = QPushButton("认领到该案件")
        self.claim_button.clicked.connect(self.claim_selected)
        claim_row = QHBoxLayout()
        claim_row.addWidget(QLabel("认领到案件"))
        claim_row.addWidget(self.case_picker, 1)
        claim_row.addWidget(self.claim_button)

        self.pending = QLabel()
        self.pending.setWordWrap(True)
        self.pending.setStyleSheet("color: #b71c1c;")
        close = QPushButton("关闭")
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addStretch()
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addLayout(claim_row)
        layout.addWidget(self.pending)
        layout.addLayout(bottom)

        self._fill_cases()
        self._update_password()
        if casefile.is_demo:
            self._offline(receipts.DEMO_MESSAGE)
        elif not casefile.meta("server_url") or not casefile.meta("server_username"):
            self._offline("尚未设置中心服务器：请先在“同步”中填写服务器地址和用户名并同步一次。")
        else:
            self._show_pending(list(receipts.pending_claims(casefile).values()))
        self._update_buttons()

    # -- state ------------------------------------------------------------------------------------
    def _fill_cases(self) -> None:
        self.case_picker.clear()
        for case_id, number in receipts.claimable_cases(self.casefile):
            self.case_picker.addItem(number, case_id)
        self.case_picker.setCurrentIndex(-1)

    def _update_password(self) -> None:
        server, user = self.casefile.meta("server_url"), self.casefile.meta("server_username")
        saved = bool(server and user and secrets.load_token(server, user))
        self.password.setVisible(not saved and not self.casefile.is_demo)

    def _can_connect(self) -> bool:
        return (
            not self.casefile.is_demo
            and bool(self.casefile.meta("server_url"))
            and bool(self.casefile.meta("server_username"))
        )

    def busy(self) -> bool:
        return self._request is not None

    def selected_receipt(self) -> UnmatchedReceipt | None:
        rows = self.table.selectionModel().selectedRows()
        return self.receipts[rows[0].row()] if rows else None

    def _picked_case(self) -> str | None:
        index = self.case_picker.currentIndex()
        if index < 0 or self.case_picker.currentText() != self.case_picker.itemText(index):
            return None
        return self.case_picker.itemData(index)

    def _update_buttons(self) -> None:
        ready = self._can_connect() and not self.busy()
        self.refresh_button.setEnabled(ready)
        receipt = self.selected_receipt()
        self.claim_button.setEnabled(
            ready and receipt is not None and receipt.can_claim and self._picked_case() is not None
        )

    # -- requests ---------------------------------------------------------------------------------
    def _start(self, work: Callable[[ReceiptsSession], Any], on_done: Callable) -> None:
        self._request = _Request(
            self.casefile, self.transport_factory, self.password.text(), work, self
        )
        self._request.done.connect(on_done)
        self._request.failed.connect(self._failed)
        self._request.finished.connect(self._request_finished)
        self.setCursor(Qt.CursorShape.BusyCursor)
        self._update_buttons()
        self._request.start()

    def _request_finished(self) -> None:
        if self._request is not None:
            self._request.deleteLater()
        self._request = None
        self.unsetCursor()
        self._update_password()
        self._update_buttons()
        self.loaded.emit()

    def refresh(self) -> None:
        """Send claims still waiting, then load the list."""
        if not self._can_connect() or self.busy():
            return
        self.message.setText("正在读取服务器上的未认领款项…")
        self._start(receipts.list_unmatched, self._loaded)

    def claim_selected(self) -> None:
        receipt, case_id = self.selected_receipt(), self._picked_case()
        if receipt is None or case_id is None or self.busy():
            return
        self.message.setText(f"正在认领到{self.case_picker.currentText()}…")
        self._start(lambda s: receipts.claim(s, receipt, case_id), self._claim_done)

    def _failed(self, kind: str, message: str) -> None:
        if kind in ("network", "demo", "setup"):
            self._offline(message)
        else:
            self.message.setText(message)

    def _offline(self, message: str) -> None:
        self.receipts = []
        self.table.setRowCount(0)
        self.message.setText(message)

    def _loaded(self, result: UnmatchedList) -> None:
        self.password.clear()
        self.receipts = result.receipts
        self._show_receipts(result.today)
        self._show_pending(result.pending)
        lines = [o.message for o in result.retried]
        if result.receipts:
            long = sum(r.days_unclaimed > self.long_days for r in result.receipts)
            total = sum(r.amount for r in result.receipts)
            lines.append(
                f"共 {len(result.receipts)} 笔未认领，合计 {format_yuan(total)} 元；"
                f"其中超过 {self.long_days} 日的 {long} 笔。"
            )
        else:
            lines.append("没有未认领的款项。")
        self.message.setText("\n".join(lines))
        if result.retried:
            self.claimed.emit()

    def _claim_done(self, outcome: ClaimOutcome) -> None:
        self.password.clear()
        self.claimed.emit()
        self.message.setText(outcome.message)
        done = {outcome.receipt_id}
        self.receipts = [r for r in self.receipts if r.id not in done]
        self._show_receipts(None)
        self.table.clearSelection()  # the next claim is chosen afresh, receipt and case
        self.case_picker.setCurrentIndex(-1)
        self._show_pending(list(receipts.pending_claims(self.casefile).values()))

    # -- showing ----------------------------------------------------------------------------------
    def _show_receipts(self, _today: date | None) -> None:
        self.table.setRowCount(len(self.receipts))
        bold = QFont()
        bold.setBold(True)
        for row, r in enumerate(self.receipts):
            cells = (
                r.received_date.isoformat(),
                format_yuan(r.amount),
                r.payer,
                r.receipt_number,
                f"{r.days_unclaimed} 日",
            )
            long = r.days_unclaimed > self.long_days
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col in (1, 4):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                source = ReceiptSource(r.source).label if r.source in SOURCES else r.source
                tip = [f"来源：{source}"]
                if r.payer_account:
                    tip.append(f"交款账号：{r.payer_account}")
                if r.note:
                    tip.append(f"备注：{r.note}")
                item.setToolTip("\n".join(tip))
                if long:
                    item.setBackground(QBrush(LONG_UNCLAIMED))
                    if col == 4:
                        item.setForeground(QBrush(LONG_UNCLAIMED_TEXT))
                        item.setFont(bold)
                self.table.setItem(row, col, item)
        self._update_buttons()

    def _show_pending(self, pending: list[receipts.PendingClaim]) -> None:
        lines = []
        for p in pending:
            if p.state == receipts.REFUSED:
                lines.append(p.reason)
            else:
                lines.append(
                    f"{p.received_date} 到账的 {format_yuan(p.amount)} 元已在本机登记，"
                    "等待服务器确认认领（下次刷新时自动补报）。"
                )
        self.pending.setText("\n".join(lines))
        self.pending.setVisible(bool(lines))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.receipts or not self._can_connect() or self.busy():
            return
        if self.password.isVisible():
            self.message.setText("首次连接服务器请输入登录密码，然后点“刷新”。")
        else:
            self.refresh()

    def closeEvent(self, event) -> None:
        if self._request is not None:
            self._request.wait()
        super().closeEvent(event)
