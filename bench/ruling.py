"""The termination ruling: one ruling, and a batch of 500 into one PDF, against reportlab alone.

    python bench/ruling.py [--batch 500]

Targets (issue 6): one ruling in-process after warm-up at most 2x reportlab drawing the same
text directly; a batch of 500 rulings into one combined PDF at most 2x the same floor. The floor
is measured in the same run: the ruling's lines, already laid out, drawn with reportlab's canvas
in the same embedded fonts (no templates, no case data, no line breaking), and saved.
"""

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportlab.pdfgen.canvas import Canvas

from bench.common import machine
from tests.test_ruling import SOLE, TODAY, build_case
from workstation import ruling
from workstation.documents import Document, find_fonts, render_combined_pdf, render_pdf
from workstation.documents.layout import PAGE_HEIGHT, PAGE_WIDTH, Glyphs, layout_document
from workstation.store.casefile import CaseFile

RUNS = 30


def lines_of(doc: Document) -> list[list[tuple[float, float, str, str, float]]]:
    """The document's text runs as laid out, page by page: (x, y, text, font name, size)."""
    fonts = find_fonts()
    return [
        [
            (item.x, item.y, item.text, item.face.name, item.size)
            for item in page.items
            if isinstance(item, Glyphs)
        ]
        for page in layout_document(doc, fonts).pages
    ]


def floor_pdf(pages_of_docs: list[list[list[tuple]]]) -> bytes:
    """reportlab drawing the same runs directly, the same fonts embedded, one page each."""
    buffer = io.BytesIO()
    fonts = find_fonts()
    canvas = Canvas(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        invariant=True,
        pageCompression=1,
        initialFontName=fonts.body.primary.name,
    )
    for pages in pages_of_docs:
        for number, runs in enumerate(pages, 1):
            for x, y, text, face, size in runs:
                canvas.setFont(face, size)
                canvas.drawString(x, y, text)
            canvas.setFont(fonts.song.primary.name, 14)
            canvas.drawCentredString(PAGE_WIDTH / 2, 60, f"- {number} -")
            canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def timed(fn, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        cf = CaseFile.open(Path(tmp) / "casefile.sqlite3", create=True, officer="张伟")
        started = time.perf_counter()
        cases = [build_case(cf, 10_000 + n, random.Random(n)) for n in range(args.batch + 1)]
        print(f"built {len(cases)} ready cases in {time.perf_counter() - started:.1f} s")
        one = cases[0]
        raw = ruling.ruling_form_defaults(cf, one, TODAY) | SOLE

        # warm-up: fonts parsed, templates and tables read once
        render_pdf(ruling.draft_ruling(cf, one, raw, TODAY))
        doc = ruling.draft_ruling(cf, one, raw, TODAY)
        pages = lines_of(doc)
        floor_pdf([pages])

        draft = timed(lambda: ruling.draft_ruling(cf, one, raw, TODAY))
        render = timed(lambda: render_pdf(doc))
        whole = timed(lambda: render_pdf(ruling.draft_ruling(cf, one, raw, TODAY)))
        floor = timed(lambda: floor_pdf([pages]))
        print(f"one ruling: {len(pages)} pages, {len(doc.text())} characters")
        print(f"  draft (readiness, facts, template) {draft * 1000:.1f} ms")
        print(f"  render to PDF                      {render * 1000:.1f} ms")
        print(f"  draft + render                     {whole * 1000:.1f} ms")
        print(f"  floor: reportlab, same runs        {floor * 1000:.1f} ms")
        print(f"  ratio (draft + render) / floor     {whole / floor:.2f}x  (target <= 2x)")

        batch = cases[1:]
        started = time.perf_counter()
        result = ruling.issue_batch(cf, batch, {"judges": "张伟", "clerk": "李娜"}, TODAY)
        issued = time.perf_counter() - started
        assert len(result.issued) == len(batch), result.refused[:3]
        ids = [doc_id for _, doc_id in result.issued]
        docs = [ruling.ruling_record(cf, d).document for d in ids]
        all_pages = [lines_of(d) for d in docs]
        total_pages = sum(len(p) for p in all_pages)

        def combined() -> bytes:
            return render_combined_pdf([ruling.ruling_record(cf, d).document for d in ids])

        started = time.perf_counter()
        data = combined()
        render_batch = time.perf_counter() - started
        started = time.perf_counter()
        floor_data = floor_pdf(all_pages)
        floor_batch = time.perf_counter() - started
        print(f"batch of {len(batch)} rulings, {total_pages} pages, {len(data) / 1e6:.1f} MB")
        print(f"  issuing (checks, facts, journaled saves)  {issued:.2f} s")
        print(f"  one combined PDF from the issued rulings  {render_batch:.2f} s")
        print(f"  floor: reportlab, same runs, one PDF      {floor_batch:.2f} s")
        print(f"  floor: one ruling's floor x {len(batch)}          {floor * len(batch):.2f} s")
        print(f"  ratio combined PDF / floor                {render_batch / floor_batch:.2f}x")
        print(
            f"  ratio (issuing + PDF) / floor             "
            f"{(issued + render_batch) / floor_batch:.2f}x  (target <= 2x)"
        )
        assert len(floor_data) > 0
        cf.close()


if __name__ == "__main__":
    main()
