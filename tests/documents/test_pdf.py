"""The PDF read back with pypdf: page size, embedded fonts, footer and page numbers, rare names."""

import io
import re
import shutil

import pytest
from pypdf import PdfReader

from workstation.documents import (
    Document,
    Heading,
    KeyValueTable,
    Para,
    RightLine,
    Signatures,
    Title,
    missing_glyphs,
    render_combined_pdf,
    render_pdf,
    render_png_pages,
)

FOOTER = "被约谈人签名：＿＿＿＿＿＿"


def record(paragraphs: int = 30, name: str = "李䶮") -> Document:
    return Document(
        blocks=(
            Title("终本约谈笔录"),
            RightLine("（2024）豫0303执1234号"),
            KeyValueTable(
                (
                    ("约谈时间", "2024年5月6日9时30分", "地点", "执行局约谈室"),
                    ("被约谈人", f"{name}，申请执行人"),
                )
            ),
            *(
                Para(
                    f"第{n}段：本院已告知申请执行人{name}本案的执行情况、财产调查措施、"
                    "被执行人的财产情况、终结本次执行程序的依据及法律后果。",
                    bold_prefix="问：",
                )
                for n in range(paragraphs)
            ),
            Para("以上笔录已阅（已向我宣读），与我所说一致。"),
            Signatures((f"被约谈人：{name}", "约谈人：张三", "记录人：李四")),
        ),
        kind="interview_record",
        page_footer=FOOTER,
    )


def read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def test_pages_are_a4(fonts) -> None:
    reader = read(render_pdf(record(), fonts=fonts))
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_every_font_is_embedded(fonts) -> None:
    reader = read(render_pdf(record(name="王𰻝"), fonts=fonts))
    seen = 0
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            assert descriptor is not None, f"{font.get('/BaseFont')} is not embedded"
            assert "/FontFile2" in descriptor.get_object(), font.get("/BaseFont")
            seen += 1
    assert seen >= 2


def test_every_page_has_the_footer_and_its_page_number(fonts) -> None:
    reader = read(render_pdf(record(), fonts=fonts))
    total = len(reader.pages)
    assert total >= 2
    for n, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert FOOTER in text
        assert f"第 {n} 页 共 {total} 页" in text


def test_ruling_page_numbers_use_the_documents_format(fonts) -> None:
    doc = Document(
        (Heading("执行裁定书"), *record().blocks[3:]), kind="ruling", page_numbers="- {page} -"
    )
    reader = read(render_pdf(doc, fonts=fonts))
    for n, page in enumerate(reader.pages, start=1):
        assert re.search(rf"- {n} -", page.extract_text())
        assert "共" not in page.extract_text()


def test_no_extracted_line_starts_with_closing_punctuation(fonts) -> None:
    doc = Document((Para("本" * 26 + "，" + "院" * 40, indent=True),), kind="report")
    text = read(render_pdf(doc, fonts=fonts)).pages[0].extract_text()
    lines = text.splitlines()
    assert lines[0] == "本" * 25
    assert lines[1].startswith("本，")


@pytest.mark.parametrize("name", ["李䶮", "王𰻝"])  # 𰻝 (U+30EDD) is only in the fallback font
def test_a_rare_character_in_a_name_prints(fonts, name: str) -> None:
    doc = record(paragraphs=1, name=name)
    assert missing_glyphs(doc, fonts) == []
    text = read(render_pdf(doc, fonts=fonts)).pages[0].extract_text()
    assert name in text


def test_the_fallback_font_is_used_only_for_the_character_main_font_lacks(fonts) -> None:
    assert fonts.body.face_for("𰻝") is not fonts.body.primary
    assert fonts.body.face_for("王") is fonts.body.primary


def test_unprintable_characters_are_reported(fonts) -> None:
    doc = Document((Para("被执行人：张\ue000三\u0378"),), kind="ruling", page_footer="签名")
    assert missing_glyphs(doc, fonts) == ["\ue000", "\u0378"]
    assert missing_glyphs(record(), fonts) == []


def test_pdf_is_written_to_the_path_and_is_reproducible(fonts, tmp_path) -> None:
    path = tmp_path / "record.pdf"
    pdf = render_pdf(record(), path, fonts=fonts)
    assert path.read_bytes() == pdf
    assert render_pdf(record(), fonts=fonts) == pdf


def test_combined_pdf_numbers_each_document_on_its_own(fonts) -> None:
    one = len(read(render_pdf(record(), fonts=fonts)).pages)
    reader = read(render_combined_pdf([record(), record()], fonts=fonts))
    assert len(reader.pages) == 2 * one
    assert f"第 1 页 共 {one} 页" in reader.pages[one].extract_text()


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pages_render_to_png(fonts, tmp_path) -> None:
    pdf = render_pdf(record(), fonts=fonts)
    pngs = render_png_pages(pdf, tmp_path, dpi=30)
    assert len(pngs) == len(read(pdf).pages)
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
