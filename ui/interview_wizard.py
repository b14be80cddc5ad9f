"""终本约谈: the wizard that guides the officer through the interview and writes the record.

Every change is saved to the draft at once (workstation.interview.save), so a crash or a flat
battery loses nothing: opening the interview again offers the draft on the page where it stopped.
The review page shows the whole record as it will print; 定稿 makes it an unchangeable record.
"""

import logging
from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workstation import interview
from workstation.cases import ValidationFailed
from workstation.domain.dates import local_time_text
from workstation.store.casefile import CaseFile
from workstation.store.drafts import Draft
from workstation.store.errors import CaseFileError
from workstation.templates import TemplateProblem, fill

from .dialog_parts import ERROR_STYLE
from .document_html import document_html
from .print_preview import show_print_preview

log = logging.getLogger(__name__)

HEADER_FIELDS = (
    ("date", "约谈日期"),
    ("start", "开始时间"),
    ("end", "结束时间"),
    ("place", "约谈地点"),
    ("officer", "约谈人"),
    ("recorder", "记录人"),
    ("others", "其他在场人员"),
)


def page_of(error_key: str) -> str:
    """The wizard page where the field an error names is entered."""
    if error_key == "notices":
        return "notices"
    if error_key.startswith("q."):
        return "questions"
    if error_key.startswith("turn."):
        return "turns"
    if error_key == "opinion":
        return "opinion"
    return "header"


def _scrolled(inner: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(inner)
    return area


def _box(text: str = "", height: int = 70) -> QPlainTextEdit:
    box = QPlainTextEdit(text)
    box.setTabChangesFocus(True)
    box.setMinimumHeight(height)
    return box


class InterviewWizard(QDialog):
    """The interview for one case, on one draft."""

    finalised = Signal(str)  # the document id

    def __init__(
        self, casefile: CaseFile, draft: Draft, today: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.casefile, self.draft, self.today = casefile, draft, today
        self.document_id = ""
        self._loading = True
        case = casefile.get("case", draft.case_id)
        self.setWindowTitle(f"终本约谈 — {case.values['case_number']}")
        self.resize(900, 680)
        self.facts = interview.interview_facts(casefile, draft.case_id, today)
        template = draft.data["template"]

        self.nav = QListWidget()
        self.nav.addItems([interview.PAGE_LABELS[p] for p in interview.PAGES])
        self.nav.setFixedWidth(140)
        self.stack = QStackedWidget()
        self.page_errors: dict[str, QLabel] = {}
        self.stack.addWidget(self._page("header", self._header_page()))
        self.stack.addWidget(self._page("notices", self._notices_page(template)))
        self.stack.addWidget(self._page("questions", self._questions_page(template)))
        self.stack.addWidget(self._page("turns", self._turns_page()))
        self.stack.addWidget(self._page("opinion", self._opinion_page(template)))
        self.stack.addWidget(self._review_page())
        self.nav.currentRowChanged.connect(self._show_page)

        self.saved = QLabel()
        self.saved.setStyleSheet("color: #666;")
        self.back = QPushButton("上一步")
        self.next = QPushButton("下一步")
        self.finalise_button = QPushButton("定稿并打印…")
        close = QPushButton("关闭（草稿已自动保存）")
        self.back.clicked.connect(lambda: self.go(self.nav.currentRow() - 1))
        self.next.clicked.connect(lambda: self.go(self.nav.currentRow() + 1))
        self.finalise_button.clicked.connect(self.finalise)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.saved, 1)
        for b in (self.back, self.next, self.finalise_button, close):
            buttons.addWidget(b)
        body = QHBoxLayout()
        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)

        self._load()
        self._loading = False
        start = draft.page if draft.page in interview.PAGES else interview.PAGES[0]
        self.go(interview.PAGES.index(start))

    # -- pages -----------------------------------------------------------------------------
    def _page(self, key: str, content: QWidget) -> QWidget:
        page = QWidget()
        errors = QLabel()
        errors.setWordWrap(True)
        errors.setStyleSheet(ERROR_STYLE)
        errors.hide()
        self.page_errors[key] = errors
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(errors)
        layout.addWidget(content, 1)
        return page

    def _header_page(self) -> QWidget:
        form_widget = QWidget()
        form = QFormLayout(form_widget)
        self.header: dict[str, QLineEdit] = {}
        for key, label in HEADER_FIELDS:
            edit = QLineEdit()
            edit.textChanged.connect(self.changed)
            self.header[key] = edit
            form.addRow(label, edit)
        self.header["date"].setPlaceholderText("如 2026-11-26")
        self.header["start"].setPlaceholderText("如 09:30")
        self.header["end"].setPlaceholderText("如 10:15")
        self.method = QComboBox()
        for code, label in interview.METHODS.items():
            self.method.addItem(label, code)
        self.method.currentIndexChanged.connect(self.changed)
        form.insertRow(4, "约谈方式", self.method)
        self.interviewee = QComboBox()
        self.interviewee.addItem("（请选择）", "")
        for pid, label in interview.interviewees(self.casefile, self.draft.case_id):
            self.interviewee.addItem(label, pid)
        self.interviewee.currentIndexChanged.connect(self.changed)
        form.addRow("被约谈人", self.interviewee)
        hint = QLabel("被约谈人应为申请执行人本人，或经特别授权并已登记授权委托书的委托代理人。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666;")
        form.addRow(hint)
        return _scrolled(form_widget)

    def _notices_page(self, template: dict[str, Any]) -> QWidget:
        inner = QWidget()
        layout = QVBoxLayout(inner)
        intro = QLabel("请逐项向申请执行人宣读（告知）以下内容，读完后勾选。")
        layout.addWidget(intro)
        self.notices: dict[str, QCheckBox] = {}
        self.notice_texts: dict[str, QLabel] = {}
        names = self.facts | {"officer": "", "recorder": ""}
        for n in template.get("notices", []):
            box = QCheckBox(f"已告知：{n['title']}")
            box.toggled.connect(self.changed)
            text = QLabel()
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.setStyleSheet("margin-left: 22px; margin-bottom: 10px;")
            try:
                text.setText(fill(n["text"], names, where=n["title"]))
            except TemplateProblem as problem:
                text.setText(problem.message)
                text.setStyleSheet("color: #c62828; margin-left: 22px;")
            self.notices[n["id"]] = box
            self.notice_texts[n["id"]] = text
            layout.addWidget(box)
            layout.addWidget(text)
        layout.addStretch(1)
        return _scrolled(inner)

    def _questions_page(self, template: dict[str, Any]) -> QWidget:
        inner = QWidget()
        layout = QVBoxLayout(inner)
        self.answers: dict[str, QPlainTextEdit | QButtonGroup] = {}
        self.clue_box: QPlainTextEdit | None = None
        for q in template.get("questions", []):
            label = QLabel(f"问：{q['text']}")
            label.setWordWrap(True)
            label.setStyleSheet("font-weight: bold;")
            layout.addWidget(label)
            if q.get("kind") == "yes_no":
                group = QButtonGroup(self)
                words = ("能", "不能") if "能否" in q["text"] else ("是", "否")
                row = QHBoxLayout()
                for word, value in zip(words, ("yes", "no"), strict=True):
                    radio = QRadioButton(word)
                    radio.setProperty("answer", value)
                    group.addButton(radio)
                    row.addWidget(radio)
                row.addStretch(1)
                layout.addLayout(row)
                group.buttonToggled.connect(self.changed)
                self.answers[q["id"]] = group
                if q.get("on_yes_clues"):
                    self.clue_label = QLabel(
                        "新的财产线索（每行一条；将作为待核实线索登记到本案）："
                    )
                    self.clue_box = _box(height=90)
                    self.clue_box.textChanged.connect(self.changed)
                    self.clue_urgent = QCheckBox("情况紧急（3日内核实）")
                    self.clue_urgent.toggled.connect(self.changed)
                    for w in (self.clue_label, self.clue_box, self.clue_urgent):
                        layout.addWidget(w)
            else:
                box = _box()
                box.textChanged.connect(self.changed)
                self.answers[q["id"]] = box
                layout.addWidget(box)
        layout.addStretch(1)
        return _scrolled(inner)

    def _turns_page(self) -> QWidget:
        inner = QWidget()
        self.turns_layout = QVBoxLayout(inner)
        self.turns: list[tuple[QWidget, QPlainTextEdit, QPlainTextEdit]] = []
        add = QPushButton("添加一组问答")
        add.clicked.connect(lambda: self.add_turn("", ""))
        top = QHBoxLayout()
        top.addWidget(QLabel("约谈中的其他问答（可选），按顺序记入笔录："), 1)
        top.addWidget(add)
        self.turns_layout.addLayout(top)
        self.turns_layout.addStretch(1)
        return _scrolled(inner)

    def add_turn(self, question: str, answer: str) -> None:
        holder = QWidget()
        form = QFormLayout(holder)
        q, a = _box(question, 50), _box(answer, 50)
        remove = QPushButton("删除这组问答")
        form.addRow("问：", q)
        form.addRow("答：", a)
        form.addRow("", remove)
        entry = (holder, q, a)
        self.turns.append(entry)
        self.turns_layout.insertWidget(self.turns_layout.count() - 1, holder)
        q.textChanged.connect(self.changed)
        a.textChanged.connect(self.changed)
        remove.clicked.connect(lambda: self.remove_turn(entry))
        self.changed()

    def remove_turn(self, entry: tuple[QWidget, QPlainTextEdit, QPlainTextEdit]) -> None:
        self.turns.remove(entry)
        entry[0].deleteLater()
        self.changed()

    def _opinion_page(self, template: dict[str, Any]) -> QWidget:
        inner = QWidget()
        layout = QVBoxLayout(inner)
        question = template.get("opinion", {}).get("question", "你对本案终结本次执行程序有何意见？")
        label = QLabel(f"问：{question}")
        label.setStyleSheet("font-weight: bold;")
        layout.addWidget(label)
        self.opinion = QButtonGroup(self)
        for code, text in interview.OPINIONS.items():
            radio = QRadioButton(text)
            radio.setProperty("answer", code)
            self.opinion.addButton(radio)
            layout.addWidget(radio)
        self.opinion.buttonToggled.connect(self.changed)
        layout.addWidget(QLabel("理由（不同意的必须填写）："))
        self.reasons = _box(height=90)
        self.reasons.textChanged.connect(self.changed)
        layout.addWidget(self.reasons)
        layout.addStretch(1)
        return _scrolled(inner)

    def _review_page(self) -> QWidget:
        page = QWidget()
        self.review = QTextBrowser()
        self.review.setOpenLinks(False)
        self.review.anchorClicked.connect(self._follow)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.review)
        return page

    # -- draft <-> widgets -----------------------------------------------------------------
    def _load(self) -> None:
        data = self.draft.data
        h = data.get("header", {})
        h.setdefault("date", self.today.isoformat())
        for key, edit in self.header.items():
            edit.setText(str(h.get(key, "")))
        self.method.setCurrentIndex(max(0, self.method.findData(h.get("method", "in_person"))))
        self.interviewee.setCurrentIndex(
            max(0, self.interviewee.findData(h.get("interviewee_id", "")))
        )
        for nid, box in self.notices.items():
            box.setChecked(nid in data.get("notices_read", []))
        for qid, widget in self.answers.items():
            value = data.get("answers", {}).get(qid, "")
            if isinstance(widget, QButtonGroup):
                for b in widget.buttons():
                    b.setChecked(b.property("answer") == value)
            else:
                widget.setPlainText(value)
        if self.clue_box is not None:
            clues = data.get("clues", [])
            self.clue_box.setPlainText("\n".join(c["description"] for c in clues))
            self.clue_urgent.setChecked(any(c.get("urgent") for c in clues))
        for turn in data.get("turns", []):
            self.add_turn(turn.get("q", ""), turn.get("a", ""))
        opinion = data.get("opinion", {})
        for b in self.opinion.buttons():
            b.setChecked(b.property("answer") == opinion.get("choice"))
        self.reasons.setPlainText(opinion.get("reasons", ""))
        self._show_clues()

    def collect(self) -> None:
        data = self.draft.data
        h = {key: edit.text() for key, edit in self.header.items()}
        h["method"] = self.method.currentData()
        h["interviewee_id"] = self.interviewee.currentData()
        data["header"] = h
        data["notices_read"] = [nid for nid, box in self.notices.items() if box.isChecked()]
        answers = {}
        for qid, widget in self.answers.items():
            if isinstance(widget, QButtonGroup):
                chosen = widget.checkedButton()
                answers[qid] = chosen.property("answer") if chosen else ""
            else:
                answers[qid] = widget.toPlainText()
        data["answers"] = answers
        if self.clue_box is not None:
            urgent = self.clue_urgent.isChecked()
            data["clues"] = [
                {"description": line.strip(), "urgent": urgent}
                for line in self.clue_box.toPlainText().splitlines()
                if line.strip()
            ]
        data["turns"] = [{"q": q.toPlainText(), "a": a.toPlainText()} for _, q, a in self.turns]
        chosen = self.opinion.checkedButton()
        data["opinion"] = {
            "choice": chosen.property("answer") if chosen else "",
            "reasons": self.reasons.toPlainText(),
        }
        self.draft.page = interview.PAGES[max(0, self.nav.currentRow())]

    def changed(self, *_args: object) -> None:
        """Any edit: save the draft now."""
        if self._loading:
            return
        self._show_clues()
        self.collect()
        try:
            interview.save(self.casefile, self.draft)
        except CaseFileError as exc:
            log.error("saving interview draft %s failed: %s", self.draft.id, exc.detail)
            self.saved.setText(f"草稿保存失败：{exc.message}")
            self.saved.setStyleSheet(ERROR_STYLE)
            return
        self.saved.setText(f"草稿已保存 {local_time_text(self.draft.updated_at)[-5:]}")
        self.saved.setStyleSheet("color: #666;")

    def _show_clues(self) -> None:
        if self.clue_box is None:
            return
        group = self.answers.get("new_clues")
        chosen = group.checkedButton() if isinstance(group, QButtonGroup) else None
        visible = bool(chosen and chosen.property("answer") == "yes")
        for w in (self.clue_label, self.clue_box, self.clue_urgent):
            w.setVisible(visible)

    # -- navigation, review, finalising ----------------------------------------------------
    def go(self, index: int) -> None:
        index = max(0, min(index, len(interview.PAGES) - 1))
        self.nav.setCurrentRow(index)

    def _show_page(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        self.back.setEnabled(index > 0)
        self.next.setEnabled(index < len(interview.PAGES) - 1)
        if interview.PAGES[index] == "review":
            self.show_review()
        self.changed()

    def current_page(self) -> str:
        return interview.PAGES[self.nav.currentRow()]

    def _follow(self, url: QUrl) -> None:
        page = url.toString().removeprefix("page:")
        if page in interview.PAGES:
            self.go(interview.PAGES.index(page))

    def show_review(self) -> dict[str, str]:
        """The whole record as it will print, problems first, each with a link to its page."""
        self.collect()
        errors = interview.check(self.casefile, self.draft, self.today)
        self.show_errors(errors)
        parts = []
        if errors:
            parts.append("<p style='color:#c62828'><b>尚不能定稿：</b></p><ul>")
            for key, message in errors.items():
                page = page_of(key)
                parts.append(
                    f"<li style='color:#c62828'>{escape(message)} "
                    f"<a href='page:{page}'>去{escape(interview.PAGE_LABELS[page])}</a></li>"
                )
            parts.append("</ul><hr/>")
        links = " | ".join(
            f"<a href='page:{p}'>修改{escape(interview.PAGE_LABELS[p])}</a>"
            for p in interview.PAGES[:-1]
        )
        parts.append(f"<p>{links}</p>")
        try:
            document = interview.build_document(self.casefile, self.draft, self.facts)
            parts.append(document_html(document))
        except TemplateProblem as problem:
            parts.append(f"<p style='color:#c62828'>{escape(problem.message)}</p>")
        self.review.setHtml("".join(parts))
        self.finalise_button.setEnabled(not errors)
        return errors

    def show_errors(self, errors: dict[str, str]) -> None:
        by_page: dict[str, list[str]] = {}
        for key, message in errors.items():
            by_page.setdefault(page_of(key), []).append(message)
        for page, label in self.page_errors.items():
            messages = by_page.get(page, [])
            label.setText("\n".join(messages))
            label.setVisible(bool(messages))

    def finalise(self) -> None:
        self.collect()
        answer = QMessageBox.question(
            self,
            "定稿",
            "定稿后笔录不能再修改（如有错误只能另作更正笔录）。确定定稿吗？",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.finalise_now()

    def finalise_now(self) -> str:
        """Finalise without asking (the confirmation is `finalise`'s); "" when refused."""
        self.collect()
        try:
            self.document_id = interview.finalise(self.casefile, self.draft, self.today)
        except ValidationFailed as failed:
            self.go(interview.PAGES.index("review"))
            self.show_review()
            # the field keys only: the messages may name the parties
            log.info("interview draft %s not finalised: %s", self.draft.id, sorted(failed.errors))
            return ""
        except (TemplateProblem, CaseFileError) as exc:
            log.error("finalising interview draft %s failed: %s", self.draft.id, exc.detail)
            QMessageBox.warning(self, "无法定稿", exc.message)
            return ""
        self.finalised.emit(self.document_id)
        self.accept()
        return self.document_id


def choose_draft(parent: QWidget | None, casefile: CaseFile, case_id: str) -> Draft | None:
    """The draft to work on: the one left unfinished (if the officer wants it) or a new one."""
    draft = interview.open_draft(casefile, case_id)
    if draft is not None:
        box = QMessageBox(parent)
        box.setWindowTitle("继续约谈")
        page = interview.PAGE_LABELS.get(draft.page, "")
        box.setText(
            f"本案有一份未完成的约谈笔录草稿（保存于 {local_time_text(draft.updated_at)}，"
            f"停在“{page}”）。要继续这份草稿吗？"
        )
        go_on = box.addButton("继续草稿", QMessageBox.ButtonRole.AcceptRole)
        anew = box.addButton("放弃草稿，重新开始", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is go_on:
            return draft
        if box.clickedButton() is not anew:
            return None
        interview.discard(casefile, draft.id)
    return interview.start_draft(casefile, case_id, officer=casefile.officer)


class InterviewRecordsDialog(QDialog):
    """The case's finalised interview records: print again, record the paper signed, correct."""

    def __init__(
        self, casefile: CaseFile, case_id: str, today: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.casefile, self.case_id, self.today = casefile, case_id, today
        self.setWindowTitle("约谈笔录")
        self.resize(720, 320)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            ["约谈日期", "申请执行人意见", "签名日期", "更正", "状态"]
        )
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.preview_button = QPushButton("打印预览…")
        self.signed_button = QPushButton("已在纸面签名…")
        self.correct_button = QPushButton("更正…")
        close = QPushButton("关闭")
        self.preview_button.clicked.connect(self.preview)
        self.signed_button.clicked.connect(self.ask_signed)
        self.correct_button.clicked.connect(self.correct)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for b in (self.preview_button, self.signed_button, self.correct_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        self.records = interview.records(self.casefile, self.case_id)
        current = interview.current_record(self.casefile, self.case_id)
        self.table.setRowCount(len(self.records))
        for row, r in enumerate(self.records):
            status = "现行" if current and r.id == current.id else "已被更正"
            cells = (
                r.interview_date.isoformat(),
                r.opinion,
                r.signed_date.isoformat() if r.signed_date else "未确认",
                "更正笔录" if r.corrects else "",
                status,
            )
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))
        if self.records:
            self.table.selectRow(len(self.records) - 1)
        enabled = bool(self.records)
        for b in (self.preview_button, self.signed_button, self.correct_button):
            b.setEnabled(enabled)
        self.message.setText("" if self.records else "本案还没有定稿的约谈笔录。")

    def selected(self) -> interview.InterviewRecord | None:
        row = self.table.currentRow()
        return self.records[row] if 0 <= row < len(self.records) else None

    def preview(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            show_print_preview(
                chosen.document, self, title="约谈笔录", file_name="终本约谈笔录.pdf"
            )

    def ask_signed(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        typed, ok = QInputDialog.getText(
            self, "已在纸面签名", "被约谈人签名的日期：", text=self.today.isoformat()
        )
        if ok:
            self.record_signed(chosen.id, typed)

    def record_signed(self, document_id: str, typed: str) -> bool:
        try:
            interview.confirm_signed(self.casefile, document_id, {"signed_date": typed}, self.today)
        except ValidationFailed as failed:
            self.message.setText("；".join(failed.errors.values()))
            self.message.setStyleSheet(ERROR_STYLE)
            return False
        except CaseFileError as exc:
            log.error("recording signature on %s failed: %s", document_id, exc.detail)
            self.message.setText(exc.message)
            self.message.setStyleSheet(ERROR_STYLE)
            return False
        self.message.setStyleSheet("")
        self.refresh()
        return True

    def correct(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        draft = interview.start_correction(self.casefile, chosen.id, self.casefile.officer)
        wizard = InterviewWizard(self.casefile, draft, self.today, self)
        if wizard.exec() == QDialog.DialogCode.Accepted:
            self.refresh()
