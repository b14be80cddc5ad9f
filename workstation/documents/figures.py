"""Blocks for reports: a ruled table of many columns and a chart drawn with reportlab's graphics.

They lay themselves out (`layout(layouter)`), which the layout calls for any block that has the
method, and their chart items draw themselves (`draw(canvas)`), so the core layout stays as it is.
Reports are not stored as JSON, so these blocks are not part of the stored document format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.graphics import renderPDF
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from workstation.documents.layout import (
    CORE_WIDTH,
    MARGIN_LEFT,
    Box,
    Item,
    Rule,
    _measure,
    _natural,
    place_line,
    wrap,
)
from workstation.documents.model import type_size

# Distinct on paper and in grey print.
SERIES_COLOURS = (
    colors.HexColor("#1f5fa8"),
    colors.HexColor("#c0392b"),
    colors.HexColor("#2e8b57"),
    colors.HexColor("#d68910"),
    colors.HexColor("#6c3483"),
)


@dataclass(frozen=True)
class DataTable:
    """A ruled table: a header row and rows of the same number of cells, repeated header on a new
    page is not needed for the reports' short tables. `widths` are shares of the type area
    (default equal); `align` per column: "left", "right" or "center"."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()
    align: tuple[str, ...] = ()
    size: str = "小五"

    def texts(self) -> list[str]:
        return [*self.header, *(c for r in self.rows for c in r)]

    def layout(self, lay: Any) -> list[Box]:
        n = len(self.header)
        for row in self.rows:
            if len(row) != n:
                raise ValueError(f"a table row has {len(row)} cells, the header {n}: {row!r}")
        shares = self.widths or (1.0,) * n
        total = sum(shares)
        edges = [MARGIN_LEFT]
        for s in shares:
            edges.append(edges[-1] + CORE_WIDTH * s / total)
        size = type_size(self.size)
        pad_x, pad_y, line_h = size * 0.35, size * 0.3, size * 1.4
        chain = lay.fonts.body
        boxes = []
        for k, row in enumerate((self.header, *self.rows)):
            laid = []
            for c, text in enumerate(row):
                chars = _measure(chain, text, size, 0.0, k == 0)
                width = edges[c + 1] - edges[c] - 2 * pad_x
                laid.append(wrap(chars, width, width) if chars else [])
            lines = max((len(x) for x in laid), default=1) or 1
            height = lines * line_h + 2 * pad_y
            items: list[Item] = []
            for c, cell in enumerate(laid):
                align = "center" if k == 0 else (self.align[c] if c < len(self.align) else "left")
                for j, line in enumerate(cell):
                    natural = _natural(line)
                    x = edges[c] + pad_x
                    if align == "center":
                        x = edges[c] + (edges[c + 1] - edges[c] - natural) / 2
                    elif align == "right":
                        x = edges[c + 1] - pad_x - natural
                    y = -pad_y - j * line_h + lay.baseline(line_h, size)
                    items += place_line(line, x, y, size, 0.0)
            for x in edges:
                items.append(Rule(x, 0.0, x, -height, 0.5))
            items.append(Rule(edges[0], 0.0, edges[-1], 0.0, 0.8 if k <= 1 else 0.5))
            items.append(Rule(edges[0], -height, edges[-1], -height, 0.5))
            box = Box(height, items)
            box.keep_with_next = k == 0  # the header never alone at a page foot
            boxes.append(box)
        return boxes


@dataclass(frozen=True)
class Chart:
    """A line or bar chart of series over categories (weeks, months), drawn as vectors."""

    title: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]
    kind: str = "line"  # or "bar"
    unit: str = ""
    height_mm: float = 70.0

    def texts(self) -> list[str]:
        return [self.title, self.unit, *self.categories, *(name for name, _ in self.series)]

    def layout(self, lay: Any) -> list[Box]:
        height = self.height_mm * mm
        font = lay.fonts.body.primary.name
        box = Box(height, [ChartItem(MARGIN_LEFT, -height, CORE_WIDTH, height, self, font)])
        return [box]


@dataclass(frozen=True)
class ChartItem:
    """A chart placed on a page: (x, y) is its lower left corner."""

    x: float
    y: float
    width: float
    height: float
    chart: Chart
    font: str

    def shifted(self, top: float) -> ChartItem:
        return ChartItem(self.x, top + self.y, self.width, self.height, self.chart, self.font)

    def draw(self, canvas: Canvas) -> None:
        renderPDF.draw(
            chart_drawing(self.chart, self.width, self.height, self.font), canvas, self.x, self.y
        )


def chart_drawing(chart: Chart, width: float, height: float, font: str) -> Drawing:
    """The reportlab Drawing of `chart` (title, plot, legend), `font` a registered CJK face."""
    d = Drawing(width, height)
    d.add(
        String(
            width / 2, height - 12, chart.title, fontName=font, fontSize=10.5, textAnchor="middle"
        )
    )
    plot = VerticalBarChart() if chart.kind == "bar" else HorizontalLineChart()
    plot.x, plot.y = 40, 38
    plot.width, plot.height = width - 60, height - 70
    data = [tuple(v for v in values) for _, values in chart.series] or [(0,)]
    plot.data = data
    plot.categoryAxis.categoryNames = list(chart.categories)
    plot.categoryAxis.labels.fontName = font
    plot.categoryAxis.labels.fontSize = 7
    plot.categoryAxis.labels.angle = 30 if len(chart.categories) > 8 else 0
    plot.categoryAxis.labels.boxAnchor = "ne" if len(chart.categories) > 8 else "n"
    plot.valueAxis.labels.fontName = font
    plot.valueAxis.labels.fontSize = 7
    plot.valueAxis.valueMin = 0
    top = max((v for values in data for v in values), default=0)
    plot.valueAxis.valueMax = max(1.0, top * 1.15)
    plot.valueAxis.labelTextFormat = "%.0f" + chart.unit.replace("%", "%%")
    for k in range(len(data)):
        colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
        if chart.kind == "bar":
            plot.bars[k].fillColor = colour
            plot.bars[k].strokeColor = colour
        else:
            plot.lines[k].strokeColor = colour
            plot.lines[k].strokeWidth = 1.5
    d.add(plot)
    legend = Legend()
    legend.fontName = font
    legend.fontSize = 8
    legend.x, legend.y = 40, 10
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.dx, legend.dy = 8, 8
    legend.deltax = 90
    legend.colorNamePairs = [
        (SERIES_COLOURS[k % len(SERIES_COLOURS)], name) for k, (name, _) in enumerate(chart.series)
    ]
    d.add(legend)
    return d
