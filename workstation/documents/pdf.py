"""Documents to PDF (reportlab canvas, fonts embedded as subsets) and PDF pages to PNG."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from workstation.documents.fonts import FontSet, find_fonts
from workstation.documents.layout import (
    BOLD_STROKE,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    Glyphs,
    Layout,
    LayoutMemo,
    Rule,
    footer_items,
    layout_document,
    page_number_items,
)
from workstation.documents.model import Document, Heading, Title, block_texts

CREATOR = "执行干警离线工作站"


def missing_glyphs(doc: Document, fonts: FontSet | None = None) -> list[str]:
    """Characters of `doc` that no available font can print, in order of first appearance.

    Callers refuse to print a document with any, and tell the officer which characters they are.
    """
    fonts = fonts or find_fonts()
    out: dict[str, None] = {}
    for block in doc.blocks:
        if isinstance(block, Title):
            chain, texts = fonts.chain(block.font), [block.text]
        elif isinstance(block, Heading):
            chain, texts = fonts.heading, [block.text]
        else:
            chain, texts = fonts.body, block_texts(block)
        for text in texts:
            out.update(dict.fromkeys(chain.missing(text)))
    out.update(dict.fromkeys(fonts.body.missing(doc.page_footer)))
    numbers = doc.page_numbers.replace("{page}", "").replace("{pages}", "")
    out.update(dict.fromkeys(fonts.song.missing(numbers)))
    return list(out)


def _draw_page(canvas: Canvas, items: Sequence[Glyphs | Rule]) -> None:
    for item in items:
        if hasattr(item, "draw"):  # a chart (documents.figures)
            item.draw(canvas)
            continue
        if isinstance(item, Rule):
            canvas.setLineWidth(item.width)
            canvas.line(item.x1, item.y1, item.x2, item.y2)
            continue
        text = canvas.beginText(item.x, item.y)
        text.setFont(item.face.name, item.size)
        text.setCharSpace(item.char_space)
        if item.bold:
            # Court faces (仿宋, 小标宋) have no bold: stroke the outline as word processors do.
            canvas.setLineWidth(item.size * BOLD_STROKE)
            text.setTextRenderMode(2)
        text.textOut(item.text)
        if item.bold:
            text.setTextRenderMode(0)
        canvas.drawText(text)


def _draw(canvas: Canvas, doc: Document, layout: Layout, fonts: FontSet) -> None:
    total = len(layout.pages)
    footer = footer_items(doc.page_footer, fonts) if doc.page_footer else []
    for number, page in enumerate(layout.pages, start=1):
        items: list[Glyphs | Rule] = [*page.items, *footer]
        if doc.page_numbers:
            label = doc.page_numbers.format(page=number, pages=total)
            items += page_number_items(label, fonts)
        _draw_page(canvas, items)
        canvas.showPage()


def _canvas(buffer: io.BytesIO, title: str, fonts: FontSet) -> Canvas:
    # The initial font is the body face, not Helvetica, so the PDF names no unembedded font.
    canvas = Canvas(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        invariant=True,
        pageCompression=1,
        initialFontName=fonts.body.primary.name,
    )
    canvas.setCreator(CREATOR)
    canvas.setTitle(title)
    return canvas


def render_pdf(doc: Document, path: Path | None = None, *, fonts: FontSet | None = None) -> bytes:
    """The document as an A4 PDF with its fonts embedded; also written to `path` if given.

    Characters no font has are drawn as the font's empty box: check `missing_glyphs` first.
    """
    return render_combined_pdf([doc], path, fonts=fonts)


def render_combined_pdf(
    docs: Sequence[Document], path: Path | None = None, *, fonts: FontSet | None = None
) -> bytes:
    """Several documents in one PDF (batch printing); each numbers its own pages."""
    fonts = fonts or find_fonts()
    buffer = io.BytesIO()
    canvas = _canvas(buffer, docs[0].kind if len(docs) == 1 else "batch", fonts)
    memo = LayoutMemo(fonts) if len(docs) > 1 else None
    for doc in docs:
        _draw(canvas, doc, layout_document(doc, fonts, memo), fonts)
    canvas.save()
    data = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def page_count(doc: Document, fonts: FontSet | None = None) -> int:
    """How many pages the document prints on, without drawing it."""
    return len(layout_document(doc, fonts or find_fonts()).pages)


def render_png_pages(pdf: bytes, out_dir: Path, dpi: int = 60, prefix: str = "page") -> list[Path]:
    """Render each page to `out_dir/<prefix>-N.png` with poppler's pdftoppm (tests, snapshots)."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise RuntimeError("pdftoppm not found: install poppler-utils")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "doc.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [exe, "-r", str(dpi), "-png", str(source), str(out_dir / prefix)],
            check=True,
            capture_output=True,
        )
    return sorted(out_dir.glob(f"{prefix}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
