"""The interview wizard driven as an officer would: header, notices, questions (with the clue
branch), free turns, opinion, review, finalise, print; refusal of an agent without authority; a
draft that survives the program being killed."""

import io
import json
import os
import signal
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QMessageBox

from tests import test_interview
from tests.test_interview import applicant_id
from tests.ui.conftest import run_modal
from ui.interview_wizard import InterviewWizard, choose_draft
from ui.print_preview import PrintPreviewDialog
from workstation import enforcement, interview
from workstation.documents import bundled_fonts
from workstation.store.casefile import CaseFile

TODAY = date(2026, 11, 26)
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def case(case_file: CaseFile) -> str:
    """The case of the interview service tests: parties, agents, measures and an asset."""
    return test_interview.case.__wrapped__(case_file)


def open_wizard(qtbot, cf: CaseFile, case_id: str) -> InterviewWizard:
    draft = interview.start_draft(cf, case_id, officer="张伟")
    wizard = InterviewWizard(cf, draft, TODAY)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def fill_header(qtbot, wizard: InterviewWizard, interviewee: str) -> None:
    h = wizard.header
    h["date"].clear()
    qtbot.keyClicks(h["date"], "2026-11-20")
    qtbot.keyClicks(h["start"], "09:30")
    qtbot.keyClicks(h["end"], "10:05")
    h["place"].setText("本院执行局第三约谈室")  # Chinese: setText, never keyClicks
    h["recorder"].setText("李娜")
    wizard.interviewee.setCurrentIndex(wizard.interviewee.findData(interviewee))


def answer_everything(qtbot, wizard: InterviewWizard, *, clue: str = "") -> None:
    wizard.go(interview.PAGES.index("notices"))
    for box in wizard.notices.values():
        box.setChecked(True)
    wizard.go(interview.PAGES.index("questions"))
    wizard.answers["understood"].setPlainText("听清楚了，没有异议。")
    wanted = "yes" if clue else "no"
    for button in wizard.answers["new_clues"].buttons():
        if button.property("answer") == wanted:
            button.click()
    if clue:
        assert wizard.clue_box.isVisible()
        wizard.clue_box.setPlainText(clue)
    wizard.go(interview.PAGES.index("turns"))
    wizard.add_turn("被执行人是否与你联系过？", "没有。")
    wizard.go(interview.PAGES.index("opinion"))
    for button in wizard.opinion.buttons():
        if button.property("answer") == "agrees":
            button.click()


def test_the_wizard_walks_to_a_finalised_record_with_the_clue_branch(qtbot, case_file, case):
    wizard = open_wizard(qtbot, case_file, case)
    fill_header(qtbot, wizard, applicant_id(case_file, case))
    answer_everything(qtbot, wizard, clue="被执行人在洛阳市老城区有一间门面房")
    wizard.go(interview.PAGES.index("review"))
    review = wizard.review.toPlainText()
    assert "尚不能定稿" not in review
    assert "2026年5月10日，网络查控（银行存款），未查询到存款" in review
    assert "1．被执行人在洛阳市老城区有一间门面房" in review
    assert wizard.finalise_button.isEnabled()
    wizard.grab().save(str(Path(os.environ.get("SNAPSHOT_DIR", "/tmp")) / "interview-review.png"))

    def confirm(box: QMessageBox) -> None:
        assert "不能再修改" in box.text()
        box.button(QMessageBox.StandardButton.Yes).click()

    run_modal(wizard.finalise, confirm, QMessageBox)
    assert wizard.document_id
    held = interview.record(case_file, wizard.document_id)
    assert held.interview_date == date(2026, 11, 20)
    assert [c.description for c in enforcement.load_record(case_file, case).clues] == [
        "被执行人在洛阳市老城区有一间门面房"
    ]
    finding = enforcement.readiness(case_file, case, TODAY).finding("interview")
    assert finding.status.value == "met"


def test_a_link_on_the_review_page_goes_back_to_its_page(qtbot, case_file, case):
    wizard = open_wizard(qtbot, case_file, case)
    wizard.go(interview.PAGES.index("review"))
    assert "请选择被约谈人" in wizard.review.toPlainText()
    from PySide6.QtCore import QUrl

    wizard.review.anchorClicked.emit(QUrl("page:opinion"))
    assert wizard.current_page() == "opinion"


def test_an_agent_without_special_authority_cannot_be_finalised(qtbot, case_file, case):
    wizard = open_wizard(qtbot, case_file, case)
    fill_header(qtbot, wizard, "agent-general")
    answer_everything(qtbot, wizard)
    wizard.go(interview.PAGES.index("review"))
    assert "未经特别授权" in wizard.review.toPlainText()
    assert not wizard.finalise_button.isEnabled()
    assert wizard.finalise_now() == ""
    assert interview.records(case_file, case) == []
    assert "未经特别授权" in wizard.page_errors["header"].text()


def test_printing_the_record_through_qprinter(qtbot, case_file, case, tmp_path):
    wizard = open_wizard(qtbot, case_file, case)
    fill_header(qtbot, wizard, applicant_id(case_file, case))
    answer_everything(qtbot, wizard)
    doc_id = wizard.finalise_now()
    document = interview.record(case_file, doc_id).document
    preview = PrintPreviewDialog(document, fonts=bundled_fonts())
    qtbot.addWidget(preview)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    preview.print_to(printer)
    printed = PdfReader(tmp_path / "printed.pdf")
    source = PdfReader(io.BytesIO(preview.pdf_bytes))
    assert len(printed.pages) == len(source.pages) >= 2
    pages = [p.extract_text() for p in source.pages]
    for n, text in enumerate(pages, 1):
        assert "被约谈人签名" in text
        assert f"第 {n} 页 共 {len(pages)} 页" in text.replace("\n", " ")
    whole = "".join(pages).replace("\n", "")
    for fact in (
        "（2026）豫0302执300号",
        "王五申请执行李四",
        "未查询到存款",
        "桑塔纳",
        "我同意终结本次执行程序",
    ):
        assert fact in whole
    assert "以上笔录已阅（已向我宣读），与我所说一致" in whole
    fonts = [
        f.get_object()["/FontDescriptor"]
        for page in source.pages
        for f in page["/Resources"]["/Font"].values()
        if "/DescendantFonts" not in f.get_object() and "/FontDescriptor" in f.get_object()
    ]
    fonts += [
        d.get_object()["/FontDescriptor"]
        for page in source.pages
        for f in page["/Resources"]["/Font"].values()
        for d in f.get_object().get("/DescendantFonts", [])
    ]
    assert fonts and all("/FontFile2" in fd for fd in fonts)
    box = source.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


KILLED_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from datetime import date
    from PySide6.QtWidgets import QApplication
    from ui.interview_wizard import InterviewWizard
    from workstation import interview
    from workstation.store.casefile import CaseFile

    app = QApplication([])
    cf = CaseFile.open(sys.argv[1])
    draft = interview.start_draft(cf, sys.argv[2], officer="张伟")
    wizard = InterviewWizard(cf, draft, date(2026, 11, 26))
    wizard.header["place"].setText("申请执行人家中")
    wizard.header["recorder"].setText("李娜")
    wizard.go(1)
    list(wizard.notices.values())[0].setChecked(True)
    wizard.go(2)
    wizard.answers["understood"].setPlainText("听清楚了")
    print("typed", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def test_a_killed_interview_is_offered_again_where_it_stopped(qtbot, case_file, case):
    path = case_file.path
    case_file.close()
    env = dict(os.environ, PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen")
    run = subprocess.run(
        [sys.executable, "-c", KILLED_SCRIPT, str(path), case],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == -signal.SIGKILL, run.stderr
    assert "typed" in run.stdout
    with CaseFile.open(path) as cf:
        chosen = []

        def keep(box: QMessageBox) -> None:
            assert "未完成的约谈笔录草稿" in box.text() and "询问" in box.text()
            next(b for b in box.buttons() if b.text() == "继续草稿").click()

        run_modal(lambda: chosen.append(choose_draft(None, cf, case)), keep, QMessageBox)
        draft = chosen[0]
        wizard = InterviewWizard(cf, draft, TODAY)
        qtbot.addWidget(wizard)
        assert wizard.current_page() == "questions"
        assert wizard.header["place"].text() == "申请执行人家中"
        assert wizard.answers["understood"].toPlainText() == "听清楚了"
        assert sum(box.isChecked() for box in wizard.notices.values()) == 1
        stored = json.loads(
            cf.conn.execute("SELECT data FROM drafts WHERE id = ?", (draft.id,)).fetchone()[0]
        )
        assert stored["header"]["recorder"] == "李娜"


def test_starting_again_throws_the_old_draft_away(qtbot, case_file, case):
    old = interview.start_draft(case_file, case)
    chosen = []

    def anew(box: QMessageBox) -> None:
        next(b for b in box.buttons() if b.text().startswith("放弃草稿")).click()

    run_modal(lambda: chosen.append(choose_draft(None, case_file, case)), anew, QMessageBox)
    assert chosen[0].id != old.id
    assert interview.reload_draft(case_file, old.id) is None


def test_the_termination_tab_runs_the_interview_and_lists_its_records(qtbot, window):
    from tests.ui.test_enforcement_tabs import new_case, show_tab
    from ui.interview_wizard import InterviewRecordsDialog
    from ui.print_preview import PrintPreviewDialog

    cf = window.casefile
    case_id = new_case(cf)
    window.open_case(case_id)
    panel = show_tab(window, "终本条件")
    assert panel.status_shown("interview") == "未满足"
    applicant = applicant_id(cf, case_id)

    def interview_it(wizard: InterviewWizard) -> None:
        fill_header(qtbot, wizard, applicant)
        wizard.header["date"].setText("2026-11-25")
        answer_everything(qtbot, wizard)
        assert wizard.finalise_now()

    run_modal(panel.interview_button.click, interview_it, InterviewWizard)
    assert panel.status_shown("interview") == "已满足"
    previews = [w for w in panel.findChildren(PrintPreviewDialog)]
    assert previews and previews[-1].page_count() >= 1
    for preview in previews:
        preview.close()

    def sign(dialog: InterviewRecordsDialog) -> None:
        assert dialog.table.rowCount() == 1
        assert not dialog.record_signed(dialog.records[0].id, "2026-11-24")
        assert "早于约谈日期" in dialog.message.text()
        assert dialog.record_signed(dialog.records[0].id, "2026-11-25")
        assert dialog.table.item(0, 2).text() == "2026-11-25"
        dialog.accept()

    run_modal(panel.records_button.click, sign, InterviewRecordsDialog)
    assert interview.current_record(cf, case_id).signed_date == date(2026, 11, 25)
