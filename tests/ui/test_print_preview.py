"""The print preview: shows the rendered pages, prints through QPrinter (to a PDF file here, as
with no printer installed), saves the PDF, and refuses a document with unprintable characters."""

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QMessageBox

from tests.ui.conftest import run_modal
from ui.print_preview import PrintPreviewDialog, missing_glyphs_message, show_print_preview
from workstation.documents import Document, Para, Signatures, Title, bundled_fonts


def record(paragraphs: int = 30) -> Document:
    return Document(
        (
            Title("终本约谈笔录"),
            *(
                Para(f"第{n}段：本院已告知申请执行人李䶮本案的执行情况。", bold_prefix="问：")
                for n in range(paragraphs)
            ),
            Signatures(("被约谈人：李䶮", "约谈人：张三")),
        ),
        kind="interview_record",
        page_footer="被约谈人签名：＿＿＿＿＿＿",
    )


@pytest.fixture
def dialog(qtbot):
    dlg = PrintPreviewDialog(record(), fonts=bundled_fonts())
    qtbot.addWidget(dlg)
    return dlg


def test_preview_shows_every_page(dialog, tmp_path: Path) -> None:
    pages = len(PdfReader(__import__("io").BytesIO(dialog.pdf_bytes)).pages)
    assert pages >= 2
    assert dialog.page_count() == pages
    assert dialog.pages_label.text() == f"共 {pages} 页"
    assert dialog.print_button.isEnabled() and dialog.save_button.isEnabled()
    dialog.show()
    assert not dialog.grab().isNull()


def test_printing_to_a_pdf_file_prints_every_page(dialog, tmp_path: Path) -> None:
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    dialog.print_to(printer)
    reader = PdfReader(out)
    assert len(reader.pages) == dialog.page_count()
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_save_as_pdf_writes_the_previewed_pdf(dialog, tmp_path: Path) -> None:
    dialog.save_pdf(tmp_path / "记录")
    assert (tmp_path / "记录.pdf").read_bytes() == dialog.pdf_bytes


def test_unprintable_characters_disable_printing_and_are_named(qtbot) -> None:
    doc = Document((Para("被执行人：张\ue000三"),), kind="ruling")
    dlg = PrintPreviewDialog(doc, fonts=bundled_fonts())
    qtbot.addWidget(dlg)
    assert dlg.missing == ["\ue000"]
    assert not dlg.print_button.isEnabled() and not dlg.save_button.isEnabled()
    assert "U+E000" in dlg.warning.text() and "\ue000" in dlg.warning.text()
    with pytest.raises(ValueError):
        dlg.print_to(QPrinter())


def test_show_print_preview_warns_before_showing(qtbot) -> None:
    doc = Document((Para("被执行人：张\ue000三"),), kind="ruling")
    seen: list[str] = []

    def read_warning(box: QMessageBox) -> None:
        seen.append(box.text())
        box.accept()

    opened = []
    run_modal(
        lambda: opened.append(show_print_preview(doc, fonts=bundled_fonts())),
        read_warning,
        QMessageBox,
    )
    assert seen == [missing_glyphs_message(["\ue000"])]
    opened[0].close()


def test_missing_glyphs_message_names_each_character() -> None:
    text = missing_glyphs_message(["𠇔", "\ue000"])
    assert "“𠇔”（U+201D4）" in text and "U+E000" in text and "2 个字符" in text
