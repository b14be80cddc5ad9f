"""The open case: the overview and, beside it, the enforcement record (`enforcement_tabs`)."""

from datetime import date
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.case import AUTHORITIES, PARTY_KINDS, PARTY_ROLES, SEXES, status_label
from workstation.domain.money import format_money
from workstation.sync.state import STATE_TEXT

if TYPE_CHECKING:
    from workstation.cases import CaseDetail
    from workstation.store.casefile import CaseFile

    from .enforcement_tabs import EnforcementTabs


def _sync_badge(state: str | None) -> str:
    if state is None:
        return ""
    colour = {"synced": "#2e7d32", "unsynced": "#1565c0", "conflict": "#e65100"}.get(
        state, "#c62828"
    )
    return f" <span style='color:{colour}'>［{STATE_TEXT[state]}］</span>"


def _party_html(p: dict, names: dict[str, str], state: str | None = None) -> str:
    role = PARTY_ROLES[p["role"]]
    bits: list[str] = []
    if p["kind"] == "person":
        bits += [SEXES.get(p["sex"] or "", ""), p["ethnicity"] or ""]
        if p["birth_date"]:
            bits.append(f"{p['birth_date']} 出生")
        if p["id_number"]:
            bits.append(f"身份证号 {p['id_number']}")
    else:
        bits.append(PARTY_KINDS[p["kind"]])
        if p["credit_code"]:
            bits.append(f"统一社会信用代码 {p['credit_code']}")
        if p["legal_representative"]:
            bits.append(f"法定代表人 {p['legal_representative']}")
    if p["role"] == "agent":
        bits.append(f"代理 {names.get(p['represents'] or '', '（未指定）')}")
        bits.append(AUTHORITIES.get(p["authority"] or "", ""))
        if p["authority_document"]:
            bits.append(f"授权委托书：{p['authority_document']}")
    if p["address"]:
        bits.append(f"住址 {p['address']}")
    if p["phone"]:
        bits.append(f"电话 {p['phone']}")
    detail = "，".join(escape(b) for b in bits if b)
    return f"<p><b>{escape(role)}：{escape(p['name'])}</b>{_sync_badge(state)}<br/>{detail}</p>"


def overview_html(detail: "CaseDetail", states: dict[str, str] | None = None) -> str:
    c = detail.case.values
    states = states or {}
    names = {p.id: p.values["name"] for p in detail.parties}
    rows = [
        ("案号", c["case_number"]),
        ("承办人", c["officer"] or "（未填）"),
        ("立案日期", c["filing_date"]),
        (
            "状态",
            status_label(c["status"], c["closing_method"])
            + (f"（结案日期 {c['closing_date']}）" if c["closing_date"] else ""),
        ),
        ("案由", c["cause"] or "（未填）"),
        (
            "执行依据",
            " ".join(x for x in (c["basis_court"], c["basis_number"], c["basis_kind"]) if x)
            or "（未填）",
        ),
        ("生效日期", c["basis_effective_date"] or "（未填）"),
        ("本金", format_money(c["principal"])),
        (
            "利息",
            format_money(c["interest"])
            + (f"（{c['interest_terms']}）" if c["interest_terms"] else ""),
        ),
        ("执行费", format_money(c["enforcement_fee"])),
    ]
    table = "".join(
        f"<tr><td style='color:#555;padding-right:12px'>{escape(k)}</td><td>{escape(v)}</td></tr>"
        for k, v in rows
    )
    warnings = "".join(f"<p style='color:#b26a00'>⚠ {escape(w)}</p>" for w in detail.warnings)
    parties = "".join(
        _party_html(p.values, names, states.get(p.id))
        for role in ("applicant", "debtor", "agent")
        for p in detail.of_role(role)
    )
    notes = (
        f"<h3>备注</h3><p>{escape(c['notes']).replace(chr(10), '<br/>')}</p>" if c["notes"] else ""
    )
    return (
        f"{warnings}<h3>当事人</h3>{parties}"
        f"<h3>案件信息{_sync_badge(states.get(detail.case.id))}</h3><table>{table}</table>{notes}"
    )


class CaseView(QWidget):
    """Shows one case; the window tells it which (`show_case`). With a case file, the tabs of the
    enforcement record ask the core about it and record through it (`records_changed`)."""

    records_changed = Signal()
    open_case = Signal(str)  # a linked case (原案, 恢复执行案件) was clicked
    case_created = Signal(str)  # a resumption case was made from the case shown

    def __init__(
        self,
        parent: QWidget | None = None,
        casefile: "CaseFile | None" = None,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.casefile = casefile
        self.today = today
        # made when the first case is shown: the start-up does not import the enforcement rules
        self.enforcement: EnforcementTabs | None = None
        self.title = QLabel("请在左侧选择案件")
        self.title.setObjectName("caseTitle")
        self.title.setStyleSheet("font-size: 15pt; font-weight: bold; padding: 4px;")
        self.resume_button = QPushButton("恢复执行…")
        self.resume_button.setToolTip("发现被执行人有可供执行的财产：立执恢案件恢复执行")
        self.resume_button.clicked.connect(self.start_resumption)
        self.resume_button.setVisible(False)
        self.links = QLabel()
        self.links.setTextFormat(Qt.TextFormat.RichText)
        self.links.setStyleSheet("padding: 0 4px 4px 4px;")
        self.links.linkActivated.connect(self._link_clicked)
        self.links.setVisible(False)
        self.tabs = QTabWidget()
        self.overview = QTextBrowser()
        self.overview.setOpenExternalLinks(False)
        self.tabs.addTab(self.overview, "概况")
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.resume_button)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.links)
        layout.addWidget(self.tabs)
        self.detail: CaseDetail | None = None
        self.tabs.setVisible(False)

    def show_case(self, detail: "CaseDetail | None", states: dict[str, str] | None = None) -> None:
        self.detail = detail
        if detail is None:
            self.title.setText("请在左侧选择案件")
            self.tabs.setVisible(False)
            self.resume_button.setVisible(False)
            self.links.setVisible(False)
            return
        c = detail.case.values
        self.title.setText(f"{c['case_number']}　{status_label(c['status'], c['closing_method'])}")
        self.overview.setHtml(overview_html(detail, states))
        self.tabs.setVisible(True)
        self._show_links(detail)
        if self.casefile is not None:
            self._ensure_enforcement().show_case(detail.case.id)

    # -- resumption (恢复执行): the button and the links between the two cases -------------------
    def _show_links(self, detail: "CaseDetail") -> None:
        c = detail.case.values
        terminated = c["status"] == "closed" and c["closing_method"] == "termination"
        self.resume_button.setVisible(self.casefile is not None and terminated)
        if self.casefile is None:
            self.links.setVisible(False)
            return
        from workstation import enforcement, resumption

        refusal = resumption.resumption_refusal(self.casefile, detail.case.id) if terminated else ""
        self.resume_button.setEnabled(refusal is None)
        self.resume_button.setToolTip(refusal or "发现被执行人有可供执行的财产：立执恢案件恢复执行")
        links = resumption.case_links(self.casefile, detail.case.id)
        lines = []
        if links.original is not None:
            o = links.original
            recovered = enforcement.load_record(self.casefile, detail.case.id).prior_recovered
            lines.append(
                f"原案：<a href='{escape(o.id)}'>{escape(o.case_number)}</a>"
                f"（{escape(o.status)}，已到位{escape(format_money(recovered))}，"
                "计入本案已到位金额）"
            )
        for r in links.resumptions:
            lines.append(
                f"恢复执行案件：<a href='{escape(r.id)}'>{escape(r.case_number)}</a>"
                f"（{escape(r.filing_date)}立案，{escape(r.status)}）"
            )
        self.links.setText("<br/>".join(lines))
        self.links.setVisible(bool(lines))

    def _link_clicked(self, case_id: str) -> None:
        self.open_case.emit(case_id)

    def start_resumption(self) -> None:
        if self.detail is None or self.casefile is None:
            return
        from .entry_dialogs import resumption_dialog

        c = self.detail.case.values
        dialog = resumption_dialog(
            self.casefile, self.detail.case.id, c["case_number"], self.today, self
        )
        saved = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        if saved and dialog.record_id:
            self.case_created.emit(dialog.record_id)

    def set_casefile(self, casefile: "CaseFile") -> None:
        self.casefile = casefile
        if self.enforcement is not None:
            self.enforcement.set_casefile(casefile)

    def _ensure_enforcement(self) -> "EnforcementTabs":
        if self.enforcement is None:
            from .enforcement_tabs import EnforcementTabs

            assert self.casefile is not None
            self.enforcement = EnforcementTabs(self.tabs, self.casefile, self.today, self)
            self.enforcement.changed.connect(self.records_changed)
        return self.enforcement
