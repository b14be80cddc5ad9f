"""终结本次执行程序 执行裁定书: make the ruling (only when the termination check passes), print it,
record its service, correct it, and export the redacted copy for online publication; and the
same for several cases at once.

Every decision is `workstation.ruling`'s (readiness, numbering, wording) and
`workstation.redaction`'s (what the publication copy hides); these dialogs show and ask.
"""

import logging
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workstation import redaction, ruling
from workstation.cases import ValidationFailed
from workstation.documents import Document, render_pdf
from workstation.store.casefile import CaseFile
from workstation.store.errors import CaseFileError, ChangeRefused
from workstation.templates import TemplateProblem

from .document_html import document_html
from .print_preview import show_print_preview

log = logging.getLogger(__name__)

ERROR = "color: #c62828;"
FORM_FIELDS = (
    ("judges", "审判人员", "独任填一人；合议庭填三人，审判长在前，如：张伟、李娜、王强"),
    ("assistant", "法官助理", "可不填"),
    ("clerk", "书记员", ""),
    ("ruling_date", "裁定日期", "如 2026-11-26"),
    ("prior_rulings", "本案号已有裁定数", "本程序以外已作出的裁定份数，用于“之一、之二”"),
)


class RulingForm(QWidget):
    """The ruling's route, signatories and date, as typed."""

    def __init__(self, defaults: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.route = QComboBox()
        for code, label in ruling.ROUTES.items():
            self.route.addItem(label, code)
        self.route.setCurrentIndex(max(0, self.route.findData(defaults.get("route"))))
        form.addRow("审批方式", self.route)
        self.judge_title = QComboBox()
        for title in ruling.SOLE_TITLES:
            self.judge_title.addItem(title, title)
        self.judge_title.setCurrentIndex(
            max(0, self.judge_title.findData(defaults.get("judge_title")))
        )
        form.addRow("独任署名", self.judge_title)
        self.fields: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        for key, label, hint in FORM_FIELDS:
            edit = QLineEdit(defaults.get(key, ""))
            edit.setPlaceholderText(hint)
            error = QLabel()
            error.setStyleSheet(ERROR)
            error.setWordWrap(True)
            error.hide()
            self.fields[key] = edit
            self.errors[key] = error
            form.addRow(label, edit)
            form.addRow("", error)
        self.route.currentIndexChanged.connect(self._route_changed)
        self._route_changed()

    def _route_changed(self) -> None:
        self.judge_title.setEnabled(self.route.currentData() == "applicant_confirmed")

    def values(self) -> dict[str, str]:
        out = {key: edit.text() for key, edit in self.fields.items()}
        out["route"] = self.route.currentData()
        out["judge_title"] = self.judge_title.currentData()
        return out

    def show_errors(self, errors: dict[str, str]) -> str:
        """Show each field's message beside it; returns those that belong to no field."""
        for key, label in self.errors.items():
            label.setText(errors.get(key, ""))
            label.setVisible(key in errors)
        return "；".join(m for k, m in errors.items() if k not in self.errors)


class RulingDialog(QDialog):
    """Make one case's termination ruling: the form, a preview, and 作出裁定."""

    def __init__(
        self, casefile: CaseFile, case_id: str, today: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.casefile, self.case_id, self.today = casefile, case_id, today
        self.document_id = ""
        case = casefile.get("case", case_id)
        self.setWindowTitle(f"终结本次执行程序裁定 — {case.values['case_number']}")
        self.resize(980, 720)
        self.form = RulingForm(ruling.ruling_form_defaults(casefile, case_id, today))
        self.form.setMaximumWidth(380)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.preview = QTextBrowser()
        self.preview_button = QPushButton("预览")
        self.issue_button = QPushButton("作出裁定…")
        cancel = QPushButton("取消")
        self.preview_button.clicked.connect(self.refresh_preview)
        self.issue_button.clicked.connect(self.ask_issue)
        cancel.clicked.connect(self.reject)
        left = QVBoxLayout()
        left.addWidget(self.form)
        left.addWidget(self.message)
        left.addStretch(1)
        body = QHBoxLayout()
        body.addLayout(left)
        body.addWidget(self.preview, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.preview_button, self.issue_button, cancel):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)
        self.refresh_preview()

    def _say(self, text: str, error: bool) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR if error else "color: #2e7d32;")

    def refresh_preview(self) -> Document | None:
        """The ruling as it will print, or why it cannot be made."""
        self.form.show_errors({})
        try:
            doc = ruling.draft_ruling(self.casefile, self.case_id, self.form.values(), self.today)
        except ruling.NotReady as not_ready:
            self.preview.setHtml(
                "<p style='color:#c62828'><b>本案尚不能终结本次执行程序</b></p><ol>"
                + "".join(f"<li>{escape(r)}</li>" for r in not_ready.reasons)
                + "</ol>"
            )
            self._say("终本条件未全部满足，不能作出裁定。", True)
            self.issue_button.setEnabled(False)
            return None
        except ValidationFailed as failed:
            rest = self.form.show_errors(failed.errors)
            self._say(rest or "请按提示修改后再预览。", True)
            self.issue_button.setEnabled(False)
            return None
        except (ChangeRefused, TemplateProblem) as exc:
            self._say(exc.message, True)
            self.issue_button.setEnabled(False)
            return None
        self.preview.setHtml(document_html(doc))
        self._say("终本条件已满足，可以作出裁定。", False)
        self.issue_button.setEnabled(True)
        return doc

    def ask_issue(self) -> None:
        answer = QMessageBox.question(
            self,
            "作出裁定",
            "裁定作出后不能修改（如有错误只能作出补正裁定）。确定作出裁定吗？",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.issue()

    def issue(self) -> str:
        """Make the ruling now (the confirmation is `ask_issue`'s); "" when refused."""
        if self.refresh_preview() is None:
            return ""
        try:
            self.document_id = ruling.issue_ruling(
                self.casefile, self.case_id, self.form.values(), self.today
            )
        except (ruling.NotReady, ChangeRefused, TemplateProblem, CaseFileError) as exc:
            # the detail, not the message: the unmet conditions may name the parties
            why = getattr(exc, "detail", "") or type(exc).__name__
            log.error("issuing the ruling on %s failed: %s", self.case_id, why)
            self._say(exc.message, True)
            return ""
        except ValidationFailed as failed:
            self._say(self.form.show_errors(failed.errors) or "请按提示修改。", True)
            return ""
        self.accept()
        return self.document_id


class PublicCopyDialog(QDialog):
    """The publication copy: what was hidden, for the officer to review, then export."""

    def __init__(
        self, document: Document, inputs: dict[str, Any], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("网上公布版本（脱敏）")
        self.resize(1000, 700)
        self.source, self.inputs = document, inputs
        self.policy = QComboBox()
        for code, label in redaction.POLICIES.items():
            self.policy.addItem(label, code)
        self.policy.currentIndexChanged.connect(self.refresh)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["类别", "原文", "公布为"])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.preview = QTextBrowser()
        self.message = QLabel()
        self.message.setWordWrap(True)
        save = QPushButton("导出PDF…")
        close = QPushButton("关闭")
        save.clicked.connect(self.ask_save)
        close.clicked.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(QLabel("脱敏规则："))
        top.addWidget(self.policy)
        top.addStretch(1)
        body = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(QLabel("已隐去或替换的内容（请逐项核对）："))
        left.addWidget(self.table, 1)
        body.addLayout(left, 2)
        body.addWidget(self.preview, 3)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(save)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        self.copy, changes = redaction.public_copy(
            self.source, self.inputs, self.policy.currentData()
        )
        rows = redaction.redaction_summary(changes)
        self.table.setRowCount(len(rows))
        for r, (label, original, replacement) in enumerate(rows):
            for c, text in enumerate((label, original, replacement or "（删除）")):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.preview.setHtml(document_html(self.copy))
        self.message.setText(f"共隐去或替换 {len(rows)} 项。")

    def ask_save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "导出公布版本", "裁定书（公布版）.pdf", "PDF (*.pdf)"
        )
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> bool:
        try:
            render_pdf(self.copy, path)
        except OSError as exc:
            log.error("writing public copy %s failed: %s", path, exc)
            self.message.setText(f"无法保存到 {path}：{exc.strerror or exc}")
            self.message.setStyleSheet(ERROR)
            return False
        self.message.setText(f"已导出：{path}")
        self.message.setStyleSheet("")
        return True


class RulingsDialog(QDialog):
    """The case's rulings and corrections: print, publication copy, service, correction."""

    def __init__(
        self, casefile: CaseFile, case_id: str, today: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.casefile, self.case_id, self.today = casefile, case_id, today
        self.setWindowTitle("裁定书")
        self.resize(760, 320)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["文号", "种类", "裁定日期", "送达日期"])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.buttons = {
            "preview": QPushButton("打印预览…"),
            "public": QPushButton("网上公布版本…"),
            "served": QPushButton("已送达…"),
            "correct": QPushButton("补正裁定…"),
        }
        self.buttons["preview"].clicked.connect(self.preview)
        self.buttons["public"].clicked.connect(self.public)
        self.buttons["served"].clicked.connect(self.ask_served)
        self.buttons["correct"].clicked.connect(self.ask_correction)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        for b in self.buttons.values():
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        self.records = ruling.rulings(self.casefile, self.case_id)
        self.table.setRowCount(len(self.records))
        for r, rec in enumerate(self.records):
            cells = (
                rec.number,
                "补正裁定" if rec.kind == ruling.CORRECTION else "终结本次执行程序裁定",
                rec.ruling_date.isoformat(),
                rec.served_date.isoformat() if rec.served_date else "",
            )
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        if self.records:
            self.table.selectRow(0)
        for b in self.buttons.values():
            b.setEnabled(bool(self.records))
        if not self.records:
            self.message.setText("本案还没有裁定书。")

    def selected(self) -> ruling.RulingRecord | None:
        row = self.table.currentRow()
        return self.records[row] if 0 <= row < len(self.records) else None

    def _fail(self, text: str) -> bool:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR)
        return False

    def preview(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            show_print_preview(chosen.document, self, title=chosen.number, file_name="裁定书.pdf")

    def public(self) -> PublicCopyDialog | None:
        chosen = self.selected()
        if chosen is None:
            return None
        dialog = PublicCopyDialog(
            chosen.document, ruling.public_inputs(self.casefile, self.case_id), self
        )
        dialog.open()
        return dialog

    def ask_served(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        typed, ok = QInputDialog.getText(
            self, "已送达", "裁定书送达申请执行人的日期：", text=self.today.isoformat()
        )
        if ok:
            self.record_served(chosen.id, typed)

    def record_served(self, ruling_id: str, typed: str) -> bool:
        """Serving closes the case as 终结本次执行程序 and starts the after-termination schedule."""
        try:
            ruling.record_served(self.casefile, ruling_id, {"served_date": typed}, self.today)
        except ValidationFailed as failed:
            return self._fail("；".join(failed.errors.values()))
        except (ChangeRefused, CaseFileError) as exc:
            return self._fail(exc.message)
        self.message.setText("已记录送达：本案以终结本次执行程序结案，此后每六个月查询一次。")
        self.message.setStyleSheet("color: #2e7d32;")
        self.refresh()
        return True

    def ask_correction(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        wrong, ok = QInputDialog.getText(self, "补正裁定", "原裁定中有误的文字：")
        if not ok:
            return
        right, ok = QInputDialog.getText(self, "补正裁定", f"“{wrong}”应为：")
        if ok:
            self.correct(chosen.id, {"wrong": wrong, "right": right})

    def correct(self, ruling_id: str, raw: dict[str, str]) -> str:
        raw = {"ruling_date": self.today.isoformat()} | raw
        try:
            doc_id = ruling.issue_correction(self.casefile, ruling_id, raw, self.today)
        except ValidationFailed as failed:
            self._fail("；".join(failed.errors.values()))
            return ""
        except (ChangeRefused, TemplateProblem, CaseFileError) as exc:
            self._fail(exc.message)
            return ""
        self.refresh()
        return doc_id


class BatchRulingDialog(QDialog):
    """Rulings for several cases with the same signatories: progress, cancel, and the cases that
    are not ready listed with the reason."""

    def __init__(
        self,
        casefile: CaseFile,
        case_ids: list[str],
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.casefile, self.case_ids, self.today = casefile, list(case_ids), today
        self.result: ruling.BatchResult | None = None
        self._cancel = False
        self.setWindowTitle(f"批量制作终本裁定（{len(self.case_ids)} 件）")
        self.resize(860, 560)
        defaults = {"judges": casefile.officer, "ruling_date": today.isoformat()}
        self.form = RulingForm(defaults | {"prior_rulings": "0"})
        note = QLabel(
            "这里选择的审批方式、署名和日期用于全部所选案件；不具备终本条件或与审批方式不符的案件"
            "不会作出裁定，并列出原因。"
        )
        note.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, len(self.case_ids))
        self.results = QTableWidget(0, 3)
        self.results.setHorizontalHeaderLabels(["案号", "结果", "原因"])
        self.results.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.results.horizontalHeader().setStretchLastSection(True)
        self.start_button = QPushButton("开始")
        self.cancel_button = QPushButton("停止")
        self.print_button = QPushButton("打印全部…")
        close = QPushButton("关闭")
        self.cancel_button.setEnabled(False)
        self.print_button.setEnabled(False)
        self.start_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.print_button.clicked.connect(self.print_all)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        for b in (self.start_button, self.cancel_button, self.print_button, close):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.form)
        layout.addWidget(self.results, 1)
        layout.addLayout(buttons)

    def cancel(self) -> None:
        self._cancel = True

    def _progress(self, done: int, total: int) -> None:
        self.progress.setValue(done)
        QCoreApplication.processEvents()  # paint, and let 停止 be pressed

    def run(self) -> ruling.BatchResult:
        self._cancel = False
        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        raw = self.form.values()
        try:
            self.result = ruling.issue_batch(
                self.casefile,
                self.case_ids,
                raw,
                self.today,
                progress=self._progress,
                cancelled=lambda: self._cancel,
            )
        finally:
            self.cancel_button.setEnabled(False)
            self.start_button.setEnabled(True)
        self.show_result(self.result)
        return self.result

    def show_result(self, result: ruling.BatchResult) -> None:
        number = {
            cid: self.casefile.get("case", cid).values["case_number"] for cid in self.case_ids
        }
        rows = [(number[c], "已作出", "") for c, _ in result.issued]
        rows += [(number[c], "此前已作出", "可一并打印") for c, _ in result.already]
        rows += [(n or number[c], "未作出", why) for c, n, why in result.refused]
        done = {c for c, _ in result.issued} | {c for c, _ in result.already}
        done |= {c for c, _, _ in result.refused}
        if result.cancelled:
            rows += [(number[c], "已停止", "未处理") for c in self.case_ids if c not in done]
        self.results.setRowCount(len(rows))
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if cells[1] == "未作出":
                    item.setForeground(QColor("#c62828"))
                self.results.setItem(r, c, item)
        self.results.resizeColumnsToContents()
        self.print_button.setEnabled(bool(result.issued or result.already))

    def documents(self) -> list[Document]:
        if self.result is None:
            return []
        ids = [d for _, d in self.result.issued] + [d for _, d in self.result.already]
        return [ruling.ruling_record(self.casefile, d).document for d in ids]

    def print_all(self) -> None:
        docs = self.documents()
        if docs:
            show_print_preview(docs, self, title="批量打印裁定书", file_name="裁定书（批量）.pdf")
