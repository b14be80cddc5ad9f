"""The report blocks: a many-column table and a chart, laid out by the documents layer."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from workstation.documents import Document, Title, render_pdf, render_png_pages
from workstation.documents.figures import Chart, DataTable


def table(rows: int) -> DataTable:
    return DataTable(
        header=("承办人", "收案", "结案", "结案率", "执行完毕率", "终本率", "平均用时"),
        rows=tuple(
            (f"承办人{k}", str(k), str(k // 2), "50.00%", "40.00%", "25.00%", "120.5日")
            for k in range(rows)
        ),
        widths=(2, 1, 1, 1.2, 1.4, 1.2, 1.2),
        align=("left", "right", "right", "right", "right", "right", "right"),
    )


def test_table_and_chart_print_their_text(tmp_path: Path) -> None:
    chart = Chart("结案率趋势", ("9月", "10月", "11月"), (("本院", (40.0, 62.5, 70.0)),), unit="%")
    doc = Document((Title("测试法院"), table(3), chart), kind="report")
    pdf = render_pdf(doc)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    for word in ("执行完毕率", "承办人2", "120.5日", "结案率趋势", "10月", "本院"):
        assert word in text
    assert render_png_pages(pdf, tmp_path)  # poppler reads it


def test_a_long_table_continues_on_the_next_page() -> None:
    pdf = render_pdf(Document((table(80),), kind="report"))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    assert "承办人79" in reader.pages[-1].extract_text()


def test_a_row_of_the_wrong_width_is_refused() -> None:
    bad = DataTable(header=("甲", "乙"), rows=(("1",),))
    with pytest.raises(ValueError, match="cells"):
        render_pdf(Document((bad,), kind="report"))
