"""The ruling dialogs driven as an officer would: a case not ready gets no ruling from the GUI;
a ready one is previewed, made, printed, served (closing the case); the publication copy shows
what it hid; a batch lists the cases that are not ready with the reason."""

import os
from datetime import date
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QMessageBox

from tests.test_ruling import build_case
from tests.ui.conftest import run_modal
from ui.print_preview import PrintPreviewDialog
from ui.ruling_dialogs import BatchRulingDialog, PublicCopyDialog, RulingDialog, RulingsDialog
from workstation import ruling
from workstation.documents import bundled_fonts

TODAY = date(2026, 11, 26)
SHOTS = Path(os.environ.get("SNAPSHOT_DIR", "/tmp"))


def fill(dialog, **values: str) -> None:
    for key, value in values.items():
        dialog.form.fields[key].setText(value)


def test_a_case_that_is_not_ready_gets_no_ruling_from_the_dialog(qtbot, case_file):
    case_id = build_case(case_file, 701, ready=False)
    dialog = RulingDialog(case_file, case_id, TODAY)
    qtbot.addWidget(dialog)
    assert not dialog.issue_button.isEnabled()
    assert "限制消费令" in dialog.preview.toPlainText()
    assert dialog.issue() == ""
    assert ruling.rulings(case_file, case_id) == []


def test_a_ready_case_is_previewed_made_printed_and_served(qtbot, case_file, tmp_path):
    case_id = build_case(case_file, 702)
    dialog = RulingDialog(case_file, case_id, TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    fill(dialog, judges="张伟、李娜", clerk="王芳")
    dialog.preview_button.click()
    assert "独任" in dialog.form.errors["judges"].text() or dialog.form.errors["judges"].text()
    assert not dialog.issue_button.isEnabled()
    fill(dialog, judges="张伟", clerk="王芳")
    dialog.preview_button.click()
    text = dialog.preview.toPlainText()
    assert "执行裁定书" in text and "终结本次执行程序。" in text and "王芳" in text
    dialog.grab().save(str(SHOTS / "ruling-dialog.png"))

    def confirm(box: QMessageBox) -> None:
        assert "不能修改" in box.text()
        box.button(QMessageBox.StandardButton.Yes).click()

    run_modal(dialog.ask_issue, confirm, QMessageBox)
    assert dialog.document_id
    record = ruling.ruling_record(case_file, dialog.document_id)

    preview = PrintPreviewDialog(record.document, fonts=bundled_fonts())
    qtbot.addWidget(preview)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "ruling.pdf"))
    preview.print_to(printer)
    assert len(PdfReader(tmp_path / "ruling.pdf").pages) == preview.page_count()

    listing = RulingsDialog(case_file, case_id, TODAY)
    qtbot.addWidget(listing)
    assert listing.table.item(0, 0).text() == record.number
    assert not listing.record_served(record.id, "2026-11-01")  # before the ruling
    assert "早于" in listing.message.text()
    assert listing.record_served(record.id, "2026-11-26")
    case = case_file.get("case", case_id).values
    assert (case["status"], case["closing_method"], case["termination_date"]) == (
        "closed",
        "termination",
        "2026-11-26",
    )
    assert listing.table.item(0, 3).text() == "2026-11-26"


def test_the_publication_copy_shows_what_it_hid_and_exports(qtbot, case_file, tmp_path):
    case_id = build_case(case_file, 703)
    doc_id = ruling.issue_ruling(
        case_file,
        case_id,
        ruling.ruling_form_defaults(case_file, case_id, TODAY)
        | {"clerk": "王芳", "judges": "张伟"},
        TODAY,
    )
    record = ruling.ruling_record(case_file, doc_id)
    inputs = ruling.public_inputs(case_file, case_id)
    dialog = PublicCopyDialog(record.document, inputs)
    qtbot.addWidget(dialog)
    dialog.show()
    originals = {dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())}
    applicant = inputs["persons"][0]["name"]
    assert applicant in originals
    assert applicant not in dialog.copy.text()
    dialog.grab().save(str(SHOTS / "ruling-public-copy.png"))
    out = tmp_path / "public.pdf"
    assert dialog.save_to(out)
    flat = "".join("".join(p.extract_text() for p in PdfReader(out).pages).split())
    assert applicant not in flat and "终结本次执行程序" in flat
    assert not dialog.save_to(tmp_path / "missing-dir" / "x.pdf")
    assert "无法保存" in dialog.message.text()


def test_a_batch_makes_the_ready_rulings_and_lists_the_rest_with_the_reason(qtbot, case_file):
    ready = [build_case(case_file, n) for n in (711, 712)]
    not_ready = build_case(case_file, 713, ready=False)
    dialog = BatchRulingDialog(case_file, [ready[0], not_ready, ready[1]], TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    fill(dialog, judges="张伟", clerk="王芳")
    result = dialog.run()
    assert [c for c, _ in result.issued] == ready
    rows = {
        dialog.results.item(r, 0).text(): (
            dialog.results.item(r, 1).text(),
            dialog.results.item(r, 2).text(),
        )
        for r in range(dialog.results.rowCount())
    }
    assert rows["（2026）豫0302执713号"][0] == "未作出"
    assert "限制消费令" in rows["（2026）豫0302执713号"][1]
    assert dialog.progress.value() == 3
    assert dialog.print_button.isEnabled()
    docs = dialog.documents()
    preview = PrintPreviewDialog(docs, fonts=bundled_fonts())
    qtbot.addWidget(preview)
    assert preview.page_count() >= 2
    dialog.grab().save(str(SHOTS / "ruling-batch.png"))


def test_the_main_window_batches_the_selected_cases(qtbot, window):
    from PySide6.QtCore import QItemSelectionModel

    cf = window.casefile
    ids = [build_case(cf, n) for n in (721, 722)]
    window.apply_filter()
    selection = window.table.selectionModel()
    for case_id in ids:
        window.select_case(case_id)
    selection.clearSelection()
    for case_id in ids:
        row = window.model.row_of(case_id)
        selection.select(
            window.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    assert set(window.selected_case_ids()) == set(ids)

    def run(dialog: BatchRulingDialog) -> None:
        fill(dialog, judges="张伟", clerk="王芳")
        result = dialog.run()
        assert sorted(c for c, _ in result.issued) == sorted(ids)
        dialog.accept()

    run_modal(window.open_batch_rulings, run, BatchRulingDialog)
    assert all(ruling.rulings(cf, c) for c in ids)
