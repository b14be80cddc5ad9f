"""Printed documents: a Document of blocks -> an A4 PDF in the court format, with embedded fonts.

The interview record, the ruling and the reports build a `Document`; this package lays it out
(page geometry, 避头尾 line breaking, per-character font fallback, page numbers) and draws it.
No Qt here: the print preview lives in `ui/print_preview.py`.
"""

from workstation.documents.fonts import FontSet, bundled_fonts, find_fonts
from workstation.documents.model import (
    Block,
    Document,
    Heading,
    KeyValueTable,
    PageBreak,
    Para,
    RightLine,
    Signatures,
    Spacer,
    Title,
    content_hash,
    document_from_json,
    document_to_json,
)
from workstation.documents.pdf import (
    missing_glyphs,
    page_count,
    render_combined_pdf,
    render_pdf,
    render_png_pages,
)

__all__ = [
    "Block",
    "Document",
    "FontSet",
    "Heading",
    "KeyValueTable",
    "PageBreak",
    "Para",
    "RightLine",
    "Signatures",
    "Spacer",
    "Title",
    "bundled_fonts",
    "content_hash",
    "document_from_json",
    "document_to_json",
    "find_fonts",
    "missing_glyphs",
    "page_count",
    "render_combined_pdf",
    "render_pdf",
    "render_png_pages",
]
