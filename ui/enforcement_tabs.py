"""The enforcement record of the open case, as tabs beside 概况: 措施, 财产与查封, 案款, 外勤, 线索
and 终本条件. Every figure (deadlines, expiries, overdue days, held amounts, findings) is the
core's answer; a tab only lays it out. Tabs are redrawn when shown, so opening a case reads only
what the visible tab needs."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor
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
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation import attachments, enforcement, enforcement_entries
from workstation.cases import ValidationFailed
from workstation.domain.funds import cash_hand_in
from workstation.domain.money import format_money
from workstation.domain.readiness import clue_verification_deadline
from workstation.domain.seizures import ExcessiveSeizureCheck, ExcessStatus, seizure_expiry
from workstation.enforcement import EnforcementRecord, court_settings
from workstation.store.casefile import CaseFile
from workstation.store.errors import CaseFileError
from workstation.sync.state import STATE_TEXT, record_states

from . import entry_dialogs, record_dialogs
from .readiness_panel import ReadinessPanel

ID_ROLE = Qt.ItemDataRole.UserRole
SYNC_COLOURS = {"synced": "#2e7d32", "unsynced": "#1565c0", "conflict": "#e65100"}
OVERDUE = "#c62828"
REMINDER_BG = "#fff3e0"
EXPIRED_BG = "#ffebee"
MAX_COLUMN_WIDTH = 280


@dataclass(frozen=True)
class Cell:
    text: str
    fg: str | None = None
    bg: str | None = None
    tip: str = ""


def sync_cell(state: str | None) -> Cell:
    if state is None:
        return Cell("")
    return Cell(STATE_TEXT[state], fg=SYNC_COLOURS.get(state, "#c62828"))


def _table(headers: Sequence[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(24)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


def _item(cell: Cell | str) -> QTableWidgetItem:
    cell = cell if isinstance(cell, Cell) else Cell(cell)
    item = QTableWidgetItem(cell.text)
    if cell.fg:
        item.setForeground(QColor(cell.fg))
    if cell.bg:
        item.setBackground(QColor(cell.bg))
    if cell.tip or len(cell.text) > 12:
        item.setToolTip(cell.tip or cell.text)
    return item


def fill_table(table: QTableWidget, rows: Sequence[tuple[str, Sequence[Cell | str]]]) -> None:
    """Rows of (record id, cells); the id is kept on the first cell."""
    table.clearContents()
    table.setRowCount(len(rows))
    for r, (record_id, cells) in enumerate(rows):
        for c, cell in enumerate(cells):
            item = _item(cell)
            if c == 0:
                item.setData(ID_ROLE, record_id)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    for c in range(table.columnCount() - 1):
        table.setColumnWidth(c, min(table.columnWidth(c), MAX_COLUMN_WIDTH))


def selected_id(table: QTableWidget) -> str | None:
    rows = table.selectionModel().selectedRows()
    if not rows:
        return None
    item = table.item(rows[0].row(), 0)
    return item.data(ID_ROLE) if item is not None else None


def _days(days_left: int) -> str:
    if days_left < 0:
        return f"逾期{-days_left}日"
    return "今日到期" if days_left == 0 else f"还有{days_left}日"


class RecordPage(QWidget):
    """A tab: buttons over a list. `refresh` redraws it from the case's record."""

    title = ""

    def __init__(self, ctx: "EnforcementTabs") -> None:
        super().__init__()
        self.ctx = ctx
        self.buttons = QHBoxLayout()
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(self.buttons)

    def button(self, text: str, slot) -> QPushButton:
        b = QPushButton(text)
        b.clicked.connect(slot)
        self.buttons.addWidget(b)
        return b

    def refresh(self) -> None:
        raise NotImplementedError


class MeasuresTab(RecordPage):
    title = "措施"
    HEADERS = ("日期", "措施", "财产项目", "结果", "承办人", "附件", "同步")

    def __init__(self, ctx: "EnforcementTabs") -> None:
        super().__init__(ctx)
        self.add_button = self.button("登记措施", self.add_measure)
        self.attach_button = self.button("添加附件…", self.attach)
        self.told_button = self.button("已告知申请人…", self.told_applicant)
        self.told_button.setToolTip("终本后网络查控的结果告知申请执行人的日期")
        self.buttons.addStretch()
        self.count = QLabel()
        self.buttons.addWidget(self.count)
        self.table = _table(self.HEADERS)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.layout_.addWidget(self.table)
        self.to_tell: dict[str, str] = {}  # after-termination inquiries: id -> what it was

    def refresh(self) -> None:
        record = self.ctx.record()
        # newest first; of one day, the one recorded last first
        measures = sorted(reversed(record.measures), key=lambda m: m.date, reverse=True)
        states = self.ctx.states([m.id for m in measures])
        rows = []
        told_on = enforcement_entries.told_applicant(record, self.ctx.today_())
        self.to_tell = {}
        for m in measures:
            result = m.result
            if m.property_found:
                result = "【发现财产】" + result
            elif m.property_found is False and not result:
                result = "未发现财产"
            if m.id in told_on:
                self.to_tell[m.id] = f"{m.date.isoformat()}终本后网络查控（{m.channel.label}）"
                day = told_on[m.id]
                if day is not None:
                    told = Cell(result + f"（结果已于{day.isoformat()}告知申请执行人）")
                else:
                    told = Cell(result + "（结果尚未告知申请执行人）", fg=OVERDUE)
            else:
                told = Cell(result)
            files = attachments.attachments(self.ctx.casefile, m.documents) if m.documents else []
            names = "、".join(a.name for a in files)
            rows.append(
                (
                    m.id,
                    [
                        m.date.isoformat(),
                        m.kind.label,
                        m.channel.label if m.channel else "",
                        told,
                        m.officer,
                        Cell(f"{len(files)}个：{names}" if files else "", tip=names),
                        sync_cell(states.get(m.id)),
                    ],
                )
            )
        fill_table(self.table, rows)
        self.count.setText(f"共 {len(rows)} 项")
        self._selection_changed()

    def _selection_changed(self) -> None:
        measure_id = selected_id(self.table)
        self.attach_button.setEnabled(measure_id is not None)
        self.told_button.setEnabled(measure_id in self.to_tell)

    def add_measure(self) -> None:
        c = self.ctx
        c.run(record_dialogs.measure_dialog(c.casefile, c.case_id, c.today, self))

    def attach(self, paths: Sequence[Path] | None = None) -> None:
        """Attach files (picked in a file dialog unless given) to the selected measure."""
        measure_id = selected_id(self.table)
        if measure_id is None:
            return
        paths = paths or record_dialogs.choose_files(self)
        if not paths:
            return
        c = self.ctx
        try:
            for path in paths:
                attachments.attach_to_measure(c.casefile, measure_id, path)
        except ValidationFailed as exc:
            QMessageBox.warning(self, "未能添加附件", "\n".join(exc.errors.values()))
        except CaseFileError as exc:
            QMessageBox.warning(self, "未能添加附件", exc.message)
        c.saved()
        self._select(measure_id)

    def _select(self, measure_id: str) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(ID_ROLE) == measure_id:
                self.table.selectRow(row)
                return

    def told_applicant(self) -> None:
        c = self.ctx
        measure_id = selected_id(self.table)
        if measure_id not in self.to_tell:
            return
        c.run(
            entry_dialogs.told_applicant_dialog(
                c.casefile, measure_id, self.to_tell[measure_id], c.today, self
            )
        )


class AssetsTab(RecordPage):
    title = "财产与查封"
    HEADERS = ("财产／查封", "状态", "价值、金额", "在先优先权", "日期", "到期日", "同步")
    WIDTHS = (170, 110, 160, 90, 85, 175)

    def __init__(self, ctx: "EnforcementTabs") -> None:
        super().__init__(ctx)
        self.add_asset_button = self.button("登记财产", self.add_asset)
        self.add_seizure_button = self.button("登记查封、扣押、冻结", self.add_seizure)
        self.exception_button = self.button("记录例外情形…", self.record_exception)
        self.exception_button.setToolTip(
            "超标的查封：该财产为不可分物且被执行人无其他财产的，记录适用例外的理由"
        )
        self.buttons.addStretch()
        self.reminders = QLabel()
        self.reminders.setWordWrap(True)
        self.reminders.setStyleSheet(f"color: #b26a00; background: {REMINDER_BG}; padding: 4px;")
        self.excess = QLabel()
        self.excess.setWordWrap(True)
        self.excess.setStyleSheet("color: #b71c1c; padding: 4px;")
        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(self.HEADERS))
        self.tree.setHeaderLabels(list(self.HEADERS))
        self.tree.setAlternatingRowColors(True)
        for col, width in enumerate(self.WIDTHS):
            self.tree.setColumnWidth(col, width)
        self.tree.currentItemChanged.connect(self._show_detail)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setStyleSheet("color: #333; padding: 4px;")
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.addWidget(self.reminders)
        self.layout_.addWidget(self.excess)
        self.layout_.addWidget(self.tree, 1)
        self.layout_.addWidget(self.detail)
        self.asset_items: dict[str, QTreeWidgetItem] = {}
        self.seizure_items: dict[str, QTreeWidgetItem] = {}
        self.check: ExcessiveSeizureCheck | None = None
        self.in_force: dict[str, str] = {}  # seizures in force: id -> what (asset and kind)

    def refresh(self) -> None:
        c = self.ctx
        record, today, settings = c.record(), c.today_(), court_settings()
        reminders = {
            r.seizure.id: r for r in enforcement.seizure_reminders(c.casefile, c.case_id, today)
        }
        assets = {a.id: a for a in record.assets}
        states = c.states([*assets, *(s.id for s in record.seizures)])
        self.tree.clear()
        self.asset_items, self.seizure_items, self.in_force = {}, {}, {}
        for asset in record.assets:
            value = ""
            if asset.value is not None:
                value = format_money(asset.value)
                if asset.value_basis:
                    value += f"（{asset.value_basis.label}）"
            status = asset.status.label
            if asset.cannot_dispose_reason:
                status += f"：{asset.cannot_dispose_reason}"
            item = QTreeWidgetItem(
                [
                    asset.description,
                    status,
                    value,
                    format_money(asset.prior_encumbrances) if asset.prior_encumbrances else "",
                    asset.found_date.isoformat() if asset.found_date else "",
                    "",
                ]
            )
            self._sync(item, states.get(asset.id))
            item.setData(0, ID_ROLE, ("asset", asset.id))
            item.setToolTip(0, asset.description)
            item.setToolTip(1, status)
            self.tree.addTopLevelItem(item)
            self.asset_items[asset.id] = item
        for seizure in record.seizures:
            asset = assets.get(seizure.asset_id)
            parent = self.asset_items.get(seizure.asset_id)
            if asset is None or parent is None:
                continue
            expiry = seizure_expiry(seizure, asset.kind, settings)
            if seizure.released_on(today):
                state = "已解除"
            elif expiry < today:
                state = "已到期"
            else:
                state = "生效中"
                self.in_force[seizure.id] = f"{asset.description}的{seizure.kind.label}"
            exception = record.excess_exceptions.get(seizure.id)
            if exception is not None:
                state += "（超标的例外）"
            amount = "整件"
            if seizure.amount:
                amount = format_money(seizure.amount)
            elif seizure.share is not None:
                amount = f"份额{seizure.share.numerator}/{seizure.share.denominator}"
            name = seizure.kind.label + ("（保全转执行）" if seizure.from_preservation else "")
            reminder = reminders.get(seizure.id)
            expiry_text = expiry.isoformat()
            if reminder is not None:
                expiry_text += f"（{_days(reminder.days_left)}）"
            item = QTreeWidgetItem([name, state, amount, "", seizure.date.isoformat(), expiry_text])
            self._sync(item, states.get(seizure.id))
            item.setData(0, ID_ROLE, ("seizure", seizure.id))
            if reminder is not None:
                bg = QColor(EXPIRED_BG if reminder.expired else REMINDER_BG)
                for col in range(len(self.HEADERS)):
                    item.setBackground(col, bg)
                item.setForeground(5, QColor(OVERDUE))
                item.setToolTip(5, reminder.message())
            parent.addChild(item)
            self.seizure_items[seizure.id] = item
        self.tree.expandAll()
        messages = [r.message() for r in reminders.values()]
        self.reminders.setText("\n".join(f"到期提醒：{m}" for m in messages))
        self.reminders.setVisible(bool(messages))
        check = self.check = enforcement.excessive_seizure(record, today)
        above = check.status is not ExcessStatus.WITHIN
        self.excess.setText(f"超标的查封检查：{check.status.label}。{check.warning or ''}")
        self.excess.setVisible(above and bool(check.warning))
        # warned about: red; with the officer's recorded exception: shown, not alarming
        colour = "#b71c1c" if check.status is ExcessStatus.ABOVE else "#5d4037"
        self.excess.setStyleSheet(f"color: {colour}; padding: 4px;")
        self.exception_button.setVisible(above)
        self.add_seizure_button.setEnabled(bool(record.assets))
        self._show_detail(self.tree.currentItem())

    @staticmethod
    def _sync(item: QTreeWidgetItem, state: str | None) -> None:
        cell = sync_cell(state)
        item.setText(6, cell.text)
        if cell.fg:
            item.setForeground(6, QColor(cell.fg))

    def selected_seizure_id(self) -> str | None:
        item = self.tree.currentItem()
        if item is None or item.data(0, ID_ROLE)[0] != "seizure":
            return None
        return item.data(0, ID_ROLE)[1]

    def _show_detail(self, item: QTreeWidgetItem | None, _previous=None) -> None:
        self.exception_button.setEnabled(self.selected_seizure_id() in self.in_force)
        if item is None:
            self.detail.setText("选中一项财产或查封可查看详情。")
            return
        kind, record_id = item.data(0, ID_ROLE)
        record = self.ctx.record()
        exception = None
        if kind == "seizure":
            exception = record.excess_exceptions.get(record_id)
            item = item.parent()
            record_id = item.data(0, ID_ROLE)[1]
        asset = next((a for a in record.assets if a.id == record_id), None)
        if asset is None:
            return
        parts = [f"{asset.kind.label}：{asset.description}", f"状态：{asset.status.label}"]
        parts += [f"{i.kind}：{i.value}" for i in asset.identifiers]
        if asset.value is not None:
            basis = asset.value_basis.label if asset.value_basis else ""
            parts.append(f"价值：{format_money(asset.value)}（{basis}）")
        if asset.prior_encumbrances:
            parts.append(f"在先优先权：{format_money(asset.prior_encumbrances)}")
        if asset.cannot_dispose_reason:
            parts.append(f"不能处置的原因：{asset.cannot_dispose_reason}")
        if exception is not None:
            parts.append(
                f"超标的查封例外情形（{exception.officer}，{exception.date.isoformat()}记录）："
                f"{exception.reason}"
            )
        self.detail.setText("；".join(parts))

    def selected_asset_id(self) -> str | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        if item.parent() is not None:
            item = item.parent()
        return item.data(0, ID_ROLE)[1]

    def record_exception(self) -> None:
        c = self.ctx
        seizure_id = self.selected_seizure_id()
        if seizure_id not in self.in_force:
            return
        c.run(
            entry_dialogs.excess_exception_dialog(
                c.casefile, seizure_id, self.in_force[seizure_id], c.today, self
            )
        )

    def add_asset(self) -> None:
        c = self.ctx
        debtors = [(d.id, d.name) for d in c.record().debtors]
        c.run(record_dialogs.asset_dialog(c.casefile, c.case_id, debtors, c.today, self))

    def add_seizure(self) -> None:
        c = self.ctx
        assets = [(a.id, f"{a.description}（{a.kind.label}）") for a in c.record().assets]
        c.run(
            record_dialogs.seizure_dialog(
                c.casefile, c.case_id, assets, c.today, self.selected_asset_id(), self
            )
        )


class FundsTab(RecordPage):
    title = "案款"
    HEADERS = ("日期", "类别", "金额", "说明", "尚未发放", "发放期限", "逾期", "同步")

    def __init__(self, ctx: "EnforcementTabs") -> None:
        super().__init__(ctx)
        self.add_receipt_button = self.button("登记到账", self.add_receipt)
        self.add_payout_button = self.button("登记发放", self.add_payout)
        self.hand_in_button = self.button("登记现金移交", self.hand_in)
        self.defer_button = self.button("暂缓发放…", self.defer)
        self.end_deferral_button = self.button("暂缓结束…", self.end_deferral)
        self.escrow_button = self.button("提存…", self.escrow)
        self.buttons.addStretch()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.table = _table(self.HEADERS)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.layout_.addWidget(self.summary)
        self.layout_.addWidget(self.table)
        self.pending_cash: dict[str, int] = {}  # receipt id -> amount, cash not yet handed in
        self.holding: dict[str, tuple[str, int]] = {}  # receipt id -> (what, amount held)
        self.running_deferrals: dict[str, str] = {}  # deferral id -> what, not ended yet

    def refresh(self) -> None:
        c = self.ctx
        record, today, settings = c.record(), c.today_(), court_settings()
        funds = enforcement.funds_status(c.casefile, c.case_id, today)
        by_receipt = {s.receipt.id: s for s in funds.receipts}
        events = record.funds
        states = c.states(
            [
                *(e.id for e in events.receipts),
                *(e.id for e in events.payouts),
                *(e.id for e in events.deferrals),
                *(e.id for e in events.escrows),
            ]
        )
        rows: list[tuple[date, str, list[Cell | str]]] = []
        self.pending_cash, self.holding, self.running_deferrals = {}, {}, {}
        for r in events.receipts:
            status = by_receipt.get(r.id)
            note = "、".join(x for x in (r.payer, r.receipt_number) if x)
            if r.cash:
                hand_in = cash_hand_in(r, today, settings)
                if hand_in.pending:
                    self.pending_cash[r.id] = r.amount
                    cash = f"现金未移交，应于{hand_in.due.isoformat()}前移交财务"
                else:
                    cash = f"现金已于{hand_in.handed_in.isoformat()}移交财务"
                note = f"{cash}；在场：{'、'.join(r.officers)}；{note}"
            held = deadline = overdue = Cell("")
            if status is not None and status.held:
                what = f"{r.date.isoformat()}到账{format_money(r.amount)}"
                self.holding[r.id] = (what, status.held)
            if status is not None:
                held = Cell(format_money(status.held) if status.held else "已发放完毕")
                deadline = Cell(status.deadline.isoformat() if status.held else "")
                if status.deferred_now:
                    deadline = Cell(deadline.text + "（延缓中）")
                if status.overdue_days:
                    overdue = Cell(f"逾期{status.overdue_days}日", fg=OVERDUE)
                    deadline = Cell(deadline.text, fg=OVERDUE)
            fg = OVERDUE if r.cash and r.id in self.pending_cash else None
            rows.append(
                (
                    r.date,
                    r.id,
                    [
                        r.date.isoformat(),
                        f"到账（{r.source.label}）",
                        format_money(r.amount),
                        Cell(note.rstrip("；"), fg=fg),
                        held,
                        deadline,
                        overdue,
                        sync_cell(states.get(r.id)),
                    ],
                )
            )

        def plain(day: date, record_id: str, kind: str, amount: str, note: str) -> None:
            sync = sync_cell(states.get(record_id))
            rows.append((day, record_id, [day.isoformat(), kind, amount, note, "", "", "", sync]))

        for p in events.payouts:
            note = f"领款人：{p.payee}" + (f"；批准人：{p.approver}" if p.approver else "")
            plain(p.date, p.id, "发放", format_money(p.amount), note)
        for d in events.deferrals:
            span = d.start.isoformat() + "至" + (d.end.isoformat() if d.end else "今")
            note = f"{d.reason.label}；{span}；批准人：{d.approver}"
            plain(d.start, d.id, "延缓发放", "", note + (f"；{d.note}" if d.note else ""))
            if d.end is None:
                self.running_deferrals[d.id] = f"{d.reason.label}，自{d.start.isoformat()}起"
        for e in events.escrows:
            note = e.reason.label + (f"；{e.note}" if e.note else "")
            plain(e.date, e.id, "提存", format_money(e.amount), note)
        rows.sort(key=lambda row: row[0], reverse=True)
        fill_table(self.table, [(rid, cells) for _d, rid, cells in rows])
        text = (
            f"到账 {format_money(funds.received)}，"
            f"已发放（含提存） {format_money(funds.paid_out)}，在账 {format_money(funds.held)}"
        )
        if funds.overdue_amount:
            text += (
                f"；<span style='color:{OVERDUE}'>逾期未发放 {format_money(funds.overdue_amount)}"
                f"（最长逾期 {funds.overdue_days} 日）</span>"
            )
        if self.pending_cash:
            pending = len(self.pending_cash)
            text += f"；<span style='color:{OVERDUE}'>代收现金未移交 {pending} 笔</span>"
        self.summary.setText(text)
        self._selection_changed()

    def _selection_changed(self) -> None:
        chosen = selected_id(self.table)
        self.hand_in_button.setEnabled(chosen in self.pending_cash)
        self.defer_button.setEnabled(chosen in self.holding)
        self.escrow_button.setEnabled(chosen in self.holding)
        self.end_deferral_button.setEnabled(chosen in self.running_deferrals)

    def defer(self) -> None:
        c = self.ctx
        receipt_id = selected_id(self.table)
        if receipt_id not in self.holding:
            return
        what, _held = self.holding[receipt_id]
        c.run(entry_dialogs.deferral_dialog(c.casefile, c.case_id, receipt_id, what, c.today, self))

    def end_deferral(self) -> None:
        c = self.ctx
        deferral_id = selected_id(self.table)
        if deferral_id not in self.running_deferrals:
            return
        what = f"延缓发放：{self.running_deferrals[deferral_id]}"
        c.run(entry_dialogs.end_deferral_dialog(c.casefile, deferral_id, what, c.today, self))

    def escrow(self) -> None:
        c = self.ctx
        receipt_id = selected_id(self.table)
        if receipt_id not in self.holding:
            return
        what, held = self.holding[receipt_id]
        c.run(
            entry_dialogs.escrow_dialog(
                c.casefile, c.case_id, receipt_id, what, held, c.today, self
            )
        )

    def add_receipt(self) -> None:
        c = self.ctx
        c.run(record_dialogs.receipt_dialog(c.casefile, c.case_id, c.today, self))

    def add_payout(self) -> None:
        c = self.ctx
        record = c.record()
        receipts = [
            (r.id, f"{r.date.isoformat()} 到账 {format_money(r.amount)}")
            for r in record.funds.receipts
        ]
        payee = "、".join(a.name for a in record.applicants)
        c.run(record_dialogs.payout_dialog(c.casefile, c.case_id, receipts, payee, c.today, self))

    def hand_in(self) -> None:
        c = self.ctx
        receipt_id = selected_id(self.table)
        if receipt_id not in self.pending_cash:
            return
        c.run(
            record_dialogs.hand_in_dialog(
                c.casefile, receipt_id, self.pending_cash[receipt_id], c.today, self
            )
        )


class VisitsTab(RecordPage):
    title = "外勤"
    HEADERS = ("日期", "地点", "人员", "事由", "情况", "同步")

    def __init__(self, ctx: "EnforcementTabs") -> None:
        super().__init__(ctx)
        self.add_button = self.button("登记外勤", self.add_visit)
        self.buttons.addStretch()
        self.table = _table(self.HEADERS)
        self.layout_.addWidget(self.table)

    def refresh(self) -> None:
        visits = sorted(reversed(self.ctx.record().visits), key=lambda v: v["date"], reverse=True)
        states = self.ctx.states([v["id"] for v in visits])
        fill_table(
            self.table,
            [
                (
                    v["id"],
                    [
                        v["date"],
                        v["place"] or "",
                        v["officers"] or "",
                        v["purpose"] or "",
                        v["findings"] or "",
                        sync_cell(states.get(v["id"])),
                    ],
                )
                for v in visits
            ],
        )

    def add_visit(self) -> None:
        c = self.ctx
        c.run(record_dialogs.field_visit_dialog(c.casefile, c.case_id, c.today, self))


class CluesTab(RecordPage):
    title = "线索"
    HEADERS = ("提供日期", "线索", "提供人", "核实期限", "状态", "核实日期", "同步")

    def __init__(self, ctx: "EnforcementTabs") -> None:
        super().__init__(ctx)
        self.add_button = self.button("登记线索", self.add_clue)
        self.verify_button = self.button("登记核实结果", self.verify_clue)
        self.buttons.addStretch()
        self.table = _table(self.HEADERS)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.layout_.addWidget(self.table)
        self.open_clues: dict[str, str] = {}  # id -> description, still to be verified

    def refresh(self) -> None:
        c = self.ctx
        today, settings = c.today_(), court_settings()
        clues = sorted(reversed(c.record().clues), key=lambda x: x.given_date, reverse=True)
        states = c.states([x.id for x in clues])
        rows = []
        self.open_clues = {}
        for clue in clues:
            due = clue_verification_deadline(clue, settings)
            deadline = Cell(due.isoformat())
            if clue.status.open:
                self.open_clues[clue.id] = clue.description
                days_left = (due - today).days
                deadline = Cell(
                    f"{due.isoformat()}（{_days(days_left)}）",
                    fg=OVERDUE if days_left < 0 else None,
                )
            rows.append(
                (
                    clue.id,
                    [
                        clue.given_date.isoformat(),
                        clue.description + ("（紧急）" if clue.urgent else ""),
                        clue.given_by,
                        deadline,
                        Cell(clue.status.label, fg=OVERDUE if clue.status.open else None),
                        clue.verified_date.isoformat() if clue.verified_date else "",
                        sync_cell(states.get(clue.id)),
                    ],
                )
            )
        fill_table(self.table, rows)
        self._selection_changed()

    def _selection_changed(self) -> None:
        self.verify_button.setEnabled(selected_id(self.table) in self.open_clues)

    def add_clue(self) -> None:
        c = self.ctx
        c.run(record_dialogs.clue_dialog(c.casefile, c.case_id, c.today, self))

    def verify_clue(self) -> None:
        c = self.ctx
        clue_id = selected_id(self.table)
        if clue_id not in self.open_clues:
            return
        c.run(
            record_dialogs.clue_result_dialog(
                c.casefile, clue_id, self.open_clues[clue_id], c.today, self
            )
        )


class EnforcementTabs(QObject):
    """Adds the enforcement tabs to the case view's tab widget and keeps them up to date."""

    changed = Signal()  # a record was saved

    def __init__(
        self, tabs: QTabWidget, casefile: CaseFile, today: date | None, parent: QObject
    ) -> None:
        super().__init__(parent)
        self.tabs = tabs
        self.casefile = casefile
        self.today = today
        self.case_id: str | None = None
        self._record: EnforcementRecord | None = None
        self.measures = MeasuresTab(self)
        self.assets = AssetsTab(self)
        self.funds = FundsTab(self)
        self.visits = VisitsTab(self)
        self.clues = CluesTab(self)
        self.readiness = ReadinessPanel(self)
        self.pages: list[QWidget] = [
            self.measures,
            self.assets,
            self.funds,
            self.visits,
            self.clues,
            self.readiness,
        ]
        for page in self.pages:
            tabs.addTab(page, page.title)
        self._stale: set[int] = set()
        tabs.currentChanged.connect(self.refresh_current)

    def today_(self) -> date:
        return self.today or date.today()

    def set_casefile(self, casefile: CaseFile) -> None:
        self.casefile = casefile
        self._record = None

    def show_case(self, case_id: str) -> None:
        self.case_id = case_id
        self._record = None
        self._stale = {id(p) for p in self.pages}
        self.refresh_current()

    def record(self) -> EnforcementRecord:
        if self._record is None:
            assert self.case_id is not None
            self._record = enforcement.load_record(self.casefile, self.case_id)
        return self._record

    def states(self, ids: Sequence[str]) -> dict[str, str]:
        """Sync state per record; none on demo data, which never syncs (as on the overview)."""
        if self.casefile.is_demo:
            return {}
        return record_states(self.casefile.conn, list(ids))

    def refresh_current(self, _index: int = -1) -> None:
        page = self.tabs.currentWidget()
        if self.case_id is None or page is None or id(page) not in self._stale:
            return
        self._stale.discard(id(page))
        page.refresh()

    def refresh_all(self) -> None:
        for page in self.pages:
            self._stale.discard(id(page))
            page.refresh()

    def run(self, dialog: QDialog) -> bool:
        """Run a record dialog; when it saved, every tab is out of date."""
        saved = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        if saved:
            self.saved()
        return saved

    def saved(self) -> None:
        """Something was recorded: every tab is out of date."""
        self._record = None
        self._stale = {id(p) for p in self.pages}
        self.refresh_current()
        self.changed.emit()
