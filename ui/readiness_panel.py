"""终本条件: each condition of the termination check with its status, what to do and its legal
source, the outstanding amount and the verdict, all as `enforcement.readiness` answers."""

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from workstation import enforcement, interview
from workstation.domain.money import format_money
from workstation.domain.readiness import Finding, FindingStatus, Readiness

if TYPE_CHECKING:
    from .enforcement_tabs import EnforcementTabs

STATUS_COLOURS = {
    FindingStatus.MET: "#2e7d32",
    FindingStatus.NOT_MET: "#c62828",
    FindingStatus.NOT_APPLICABLE: "#757575",
}


def finding_html(f: Finding) -> str:
    colour = STATUS_COLOURS[f.status]
    lines = [f"<b style='color:{colour}'>【{escape(f.status.label)}】</b><b>{escape(f.title)}</b>"]
    if f.detail:
        lines.append(f"<span style='color:#444'>{escape(f.detail)}</span>")
    if f.action:
        lines.append(f"<span style='color:#b71c1c'>需要做的：{escape(f.action)}</span>")
    lines.append(f"<span style='color:#777'>依据：{escape(f.legal_source)}</span>")
    return "<p style='margin:0 0 8px 0'>" + "<br/>".join(lines) + "</p>"


def outstanding_text(r: Readiness) -> str:
    o = r.outstanding
    parts = [f"本金{format_money(o.principal)}"]
    if o.judgment_interest:
        parts.append(f"利息{format_money(o.judgment_interest)}")
    if o.enforcement_fee:
        parts.append(f"执行费{format_money(o.enforcement_fee)}")
    if o.delay_interest:
        parts.append(f"迟延履行利息{format_money(o.delay_interest)}")
    text = f"尚未执行金额：{format_money(o.amount)}（{' + '.join(parts)}"
    text += f" − 已到位{format_money(o.recovered)}）" if o.recovered else "）"
    return text


class ReadinessPanel(QWidget):
    title = "终本条件"

    def __init__(self, ctx: "EnforcementTabs") -> None:
        super().__init__()
        self.ctx = ctx
        self.readiness: Readiness | None = None
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.outstanding = QLabel()
        self.outstanding.setWordWrap(True)
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color: #b26a00;")
        self.findings = QTextBrowser()
        self.findings.setOpenExternalLinks(False)
        self.interview_button = QPushButton("终本约谈…")
        self.interview_button.setToolTip(
            "约谈申请执行人，告知执行情况及终本的依据和后果，记录其意见"
        )
        self.records_button = QPushButton("约谈笔录…")
        self.interview_button.clicked.connect(self.start_interview)
        self.records_button.clicked.connect(self.show_records)
        self.ruling_button = QPushButton("制作终本裁定…")
        self.ruling_button.setToolTip("终本条件全部满足后，制作终结本次执行程序裁定书")
        self.rulings_button = QPushButton("裁定书…")
        self.ruling_button.clicked.connect(self.make_ruling)
        self.rulings_button.clicked.connect(self.show_rulings)
        buttons = QHBoxLayout()
        for b in (
            self.interview_button,
            self.records_button,
            self.ruling_button,
            self.rulings_button,
        ):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.verdict)
        layout.addWidget(self.outstanding)
        layout.addWidget(self.warnings)
        layout.addWidget(self.findings)

    def refresh(self) -> None:
        r = enforcement.readiness(self.ctx.casefile, self.ctx.case_id, self.ctx.today_())
        self.readiness = r
        unmet = len(r.unmet)
        if r.ready:
            text, colour = "已具备终结本次执行程序的条件", "#2e7d32"
        else:
            text, colour = f"尚不能终结本次执行程序：{unmet} 项条件未满足", "#c62828"
        self.verdict.setText(text + f"（核查日 {r.as_of.isoformat()}）")
        self.verdict.setStyleSheet(f"color: {colour}; font-size: 13pt; font-weight: bold;")
        self.outstanding.setText(outstanding_text(r))
        self.warnings.setText("\n".join(f"⚠ {w}" for w in r.warnings))
        self.warnings.setVisible(bool(r.warnings))
        self.findings.setHtml("".join(finding_html(f) for f in r.findings))
        closed = self.ctx.record().case.get("status") == "closed"
        self.ruling_button.setEnabled(r.ready and not closed)
        self.ruling_button.setToolTip(
            "终本条件全部满足后，制作终结本次执行程序裁定书"
            if r.ready
            else f"尚有 {unmet} 项终本条件未满足，不能制作裁定"
        )

    def start_interview(self) -> None:
        """Open the interview wizard (offering a draft left unfinished); print when finalised."""
        from .interview_wizard import InterviewWizard, choose_draft

        cf, case_id = self.ctx.casefile, self.ctx.case_id
        draft = choose_draft(self, cf, case_id)
        if draft is None:
            return
        wizard = InterviewWizard(cf, draft, self.ctx.today_(), self)
        if self.ctx.run(wizard) and wizard.document_id:
            from .print_preview import show_print_preview

            document = interview.record(cf, wizard.document_id).document
            show_print_preview(document, self, title="约谈笔录", file_name="终本约谈笔录.pdf")

    def make_ruling(self) -> None:
        """The ruling form and preview; when made, the print preview."""
        from workstation import ruling

        from .print_preview import show_print_preview
        from .ruling_dialogs import RulingDialog

        cf, case_id = self.ctx.casefile, self.ctx.case_id
        dialog = RulingDialog(cf, case_id, self.ctx.today_(), self)
        if self.ctx.run(dialog) and dialog.document_id:
            record = ruling.ruling_record(cf, dialog.document_id)
            show_print_preview(record.document, self, title=record.number, file_name="裁定书.pdf")

    def show_rulings(self) -> None:
        from .ruling_dialogs import RulingsDialog

        dialog = RulingsDialog(self.ctx.casefile, self.ctx.case_id, self.ctx.today_(), self)
        self.ctx.run(dialog)

    def show_records(self) -> None:
        from .interview_wizard import InterviewRecordsDialog

        dialog = InterviewRecordsDialog(
            self.ctx.casefile, self.ctx.case_id, self.ctx.today_(), self
        )
        self.ctx.run(dialog)

    def status_shown(self, code: str) -> str:
        """The status label shown for a finding (for tests and for reading back)."""
        assert self.readiness is not None
        title = self.readiness.finding(code).title
        for line in self.findings.toPlainText().splitlines():
            if line.endswith(title) and line.startswith("【"):
                return line[1 : line.index("】")]
        raise KeyError(code)
