"""The bundled Noto Serif SC Bold is a subset (GB2312 and the program's texts, made by
scripts/subset_fonts.py): a title holding a character outside it prints that character from the
complete Noto Serif SC Regular, never as an empty glyph. Read back from the PDF: which embedded
font draws each character (its ToUnicode map), and that the glyph drawn has outlines."""

import io
import re

import pytest
from pypdf import PdfReader

from workstation.documents import Document, Heading, Para, Title, missing_glyphs, render_pdf

RARE = "镕䶮"  # U+9555 (GBK, not GB2312) and U+4DAE (CJK Extension A): in names, not in the subset
TITLE = f"朱{RARE[0]}基李{RARE[1]}执行裁定书"


def gb2312() -> str:
    chars = []
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.append(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(chars)


def document() -> Document:
    return Document(
        (Title(TITLE), Heading(f"关于{RARE}的执行裁定书"), Para("本院认为：")),
        kind="ruling",
        page_footer="",
    )


def drawn_by(pdf: bytes) -> dict[str, tuple[str, bytes, int]]:
    """For each character on the first page: the embedded font's base name (without the subset
    tag), its FontFile2 and the character's code in it, from the font's ToUnicode map."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    drawn: dict[str, tuple[str, bytes, int]] = {}
    for font in page["/Resources"]["/Font"].values():
        font = font.get_object()
        name = str(font["/BaseFont"]).split("+", 1)[-1]
        embedded = font["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
        cmap = font["/ToUnicode"].get_object().get_data().decode("ascii")
        for code, unicode in re.findall(r"<([0-9A-F]+)> <([0-9A-F]{4,8})>", cmap):
            char = bytes.fromhex(unicode).decode("utf-16-be")
            drawn.setdefault(char, (name, embedded, int(code, 16)))
    return drawn


def test_the_bold_subset_has_all_of_gb2312_and_lacks_the_rare_characters(fonts) -> None:
    bold = fonts.heading.faces[0]
    assert bold.path.name == "NotoSerifSC-Bold.ttf"
    assert all(bold.has(c) for c in gb2312() if not c.isspace())
    assert not any(bold.has(c) for c in RARE)
    assert all(fonts.heading.face_for(c).path.name == "NotoSerifSC-Regular.ttf" for c in RARE)


def test_a_title_with_a_rare_character_prints_it_from_the_regular_face(fonts) -> None:
    doc = document()
    assert missing_glyphs(doc, fonts) == []
    pdf = render_pdf(doc, fonts=fonts)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert TITLE in text and f"关于{RARE}的执行裁定书" in text
    drawn = drawn_by(pdf)
    for char in RARE:
        assert drawn[char][0] == "NotoSerifSC-Regular", char
    for char in "朱基李执行裁定书关于的":
        assert drawn[char][0] == "NotoSerifSC-Bold", char
    assert {name for name, _, _ in drawn.values()} >= {"NotoSerifSC-Bold", "NotoSerifSC-Regular"}


def test_the_glyph_printed_for_a_rare_character_has_outlines(fonts) -> None:
    ttlib = pytest.importorskip("fontTools.ttLib")
    drawn = drawn_by(render_pdf(document(), fonts=fonts))
    for char in (*RARE, "执"):
        _name, embedded, code = drawn[char]
        subset = ttlib.TTFont(io.BytesIO(embedded))
        codes = subset["cmap"].getcmap(1, 0).cmap  # reportlab's subsets: codes 0-255, Mac Roman
        glyph = subset["glyf"][codes[code]]
        assert glyph.numberOfContours > 0, f"{char} prints as an empty glyph"
