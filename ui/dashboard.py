"""质效看板: the indicators of the officer's cases (or the whole file) for this week or month,
their trend by week and by month as Qt charts, each number clickable to the cases behind it, and
the central server's ranking when online. Asks workstation.indicators; decides nothing.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from PySide6.QtCharts import QBarCategoryAxis, QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import QMargins, Qt, QThread, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workstation import indicators
from workstation.demo import DEMO_TODAY
from workstation.indicators import IndicatorReport, IndicatorValue, ReportPeriod, Scope
from workstation.store.casefile import CaseFile
from workstation.sync.client import HttpTransport, SyncError
from workstation.sync.receipts import ReceiptsSession

log = logging.getLogger(__name__)

TREND_CODES = ("closure_rate", "completion_rate", "termination_rate")
WEEKS, MONTHS = 8, 6


class CasesDialog(QDialog):
    """The cases behind one number: the numerator's and the denominator's, a tab each."""

    open_case = Signal(str)

    def __init__(self, casefile: CaseFile, value: IndicatorValue, parent: QWidget | None) -> None:
        super().__init__(parent)
        d = value.definition
        self.setWindowTitle(f"{d.name}：案件清单")
        self.resize(720, 480)
        layout = QVBoxLayout(self)
        about = QLabel(f"{d.name}　{value.display()}\n口径：{d.period}")
        about.setWordWrap(True)
        layout.addWidget(about)
        self.tabs = QTabWidget()
        self.tables: list[QTableWidget] = []
        sides = [("分子", value.numerator)]
        if value.denominator is not None:
            sides.append(("分母", value.denominator))
        for title, figure in sides:
            rows = indicators.case_rows(casefile.conn, figure.case_ids)
            table = QTableWidget(len(rows), 5)
            table.setHorizontalHeaderLabels(["案号", "承办人", "立案日期", "结案日期", "结案方式"])
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
            table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            for r, row in enumerate(rows):
                for c, text in enumerate(row[1:]):
                    item = QTableWidgetItem(text)
                    item.setData(Qt.ItemDataRole.UserRole, row[0])
                    table.setItem(r, c, item)
            table.cellDoubleClicked.connect(lambda r, _c, t=table: self._open(t, r))
            self.tables.append(table)
            self.tabs.addTab(table, f"{title}（{len(rows)}件）")
        layout.addWidget(self.tabs)
        hint = QLabel("双击案件在主窗口中打开。")
        layout.addWidget(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _open(self, table: QTableWidget, row: int) -> None:
        item = table.item(row, 0)
        if item is not None:
            self.open_case.emit(item.data(Qt.ItemDataRole.UserRole))


class _RankingWorker(QThread):
    done = Signal(object)
    failed = Signal(str)

    def __init__(self, casefile: CaseFile, period: str, password: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.casefile, self.period, self.password = casefile, period, password

    def run(self) -> None:
        from workstation.ranking import fetch_ranking

        worker_file = transport = None
        try:
            worker_file = self.casefile.sibling()
            transport = HttpTransport(self.casefile.meta("server_url"))
            session = ReceiptsSession(
                worker_file, transport, password=lambda: self.password or None
            )
            self.done.emit(fetch_ranking(session, self.period))
        except SyncError as exc:
            log.info("ranking: %s", exc.detail)
            self.failed.emit(exc.message)
        except Exception:
            log.exception("ranking request crashed")
            self.failed.emit("程序出错，已写入日志。请联系法院信息技术人员。")
        finally:
            if transport is not None and hasattr(transport, "close"):
                transport.close()
            if worker_file is not None:
                worker_file.close()


class Dashboard(QDialog):
    """质效看板."""

    open_case = Signal(str)

    def __init__(
        self, casefile: CaseFile, parent: QWidget | None = None, today: date | None = None
    ) -> None:
        super().__init__(parent)
        self.casefile = casefile
        self.today = today or (DEMO_TODAY if casefile.is_demo else date.today())
        self.setWindowTitle("质效看板")
        self.resize(1100, 760)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.scope = QComboBox()
        if casefile.officer:
            self.scope.addItem(f"我的案件（{casefile.officer}）", Scope(officer=casefile.officer))
        self.scope.addItem("全部案件", Scope())
        for court in indicators.courts(casefile.conn):
            self.scope.addItem(f"法院 {court}", Scope(court=court))
        self.period_kind = QComboBox()
        self.period_kind.addItem("本周", "week")
        self.period_kind.addItem("本月", "month")
        self.period_kind.addItem("上月", "last_month")
        self.period_kind.setCurrentIndex(1)
        top.addWidget(QLabel("范围："))
        top.addWidget(self.scope)
        top.addWidget(QLabel("期间："))
        top.addWidget(self.period_kind)
        self.period_label = QLabel()
        top.addWidget(self.period_label, 1)
        layout.addLayout(top)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        # the indicators and the charts
        page = QWidget()
        page_layout = QVBoxLayout(page)
        self.grid = QGridLayout()
        page_layout.addLayout(self.grid)
        charts = QHBoxLayout()
        self.week_chart = QChartView()
        self.month_chart = QChartView()
        for view in (self.week_chart, self.month_chart):
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(300)
            charts.addWidget(view)
        page_layout.addLayout(charts, 1)
        self.tabs.addTab(page, "指标与趋势")
        # the central ranking
        ranking = QWidget()
        ranking_layout = QVBoxLayout(ranking)
        row = QHBoxLayout()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("登录密码（首次连接服务器时需要）")
        self.fetch_button = QPushButton("从服务器获取排名")
        self.fetch_button.clicked.connect(self.fetch_ranking)
        row.addWidget(self.password, 1)
        row.addWidget(self.fetch_button)
        ranking_layout.addLayout(row)
        self.ranking_message = QLabel()
        self.ranking_message.setWordWrap(True)
        ranking_layout.addWidget(self.ranking_message)
        self.ranking_table = QTableWidget(0, 0)
        self.ranking_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        ranking_layout.addWidget(self.ranking_table, 1)
        self.tabs.addTab(ranking, "各院 / 承办人排名（服务器）")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.tiles: dict[str, QPushButton] = {}
        self.report: IndicatorReport | None = None
        self._worker: _RankingWorker | None = None
        self.scope.currentIndexChanged.connect(self.refresh)
        self.period_kind.currentIndexChanged.connect(self.refresh)
        if casefile.is_demo or not casefile.meta("server_url"):
            self.ranking_message.setText(
                "未连接中心服务器：排名由中心服务器按各院、各承办人的数据计算，"
                "需要先在“同步”中设置服务器并联网。"
                + ("（演示数据不与服务器同步。）" if casefile.is_demo else "")
            )
            self.fetch_button.setEnabled(False)
            self.password.setVisible(False)
        self.refresh()

    # -- the case file ------------------------------------------------------------------------
    def current_period(self) -> ReportPeriod:
        kind = self.period_kind.currentData()
        if kind == "week":
            return ReportPeriod.week(self.today)
        if kind == "last_month":
            return ReportPeriod.month(self.today.year, self.today.month).previous()
        return ReportPeriod.month(self.today.year, self.today.month)

    def refresh(self) -> None:
        scope: Scope = self.scope.currentData()
        period = self.current_period()
        self.period_label.setText(
            f"{period.label}（{period.start.isoformat()}至{period.end.isoformat()}）"
        )
        self.report = indicators.compute(self.casefile.conn, period, scope)
        self._show_tiles(self.report)
        weeks = indicators.trend(
            self.casefile.conn, indicators.recent_weeks(self.today, WEEKS), scope
        )
        months = indicators.trend(
            self.casefile.conn, indicators.recent_months(self.today, MONTHS), scope
        )
        self.week_chart.setChart(
            self._chart("按周趋势", weeks, lambda p: p.start.strftime("%m-%d"))
        )
        self.month_chart.setChart(self._chart("按月趋势", months, lambda p: f"{p.start.month}月"))

    def _show_tiles(self, report: IndicatorReport) -> None:
        for k, value in enumerate(report.values):
            d = value.definition
            tile = self.tiles.get(d.code)
            if tile is None:
                tile = QPushButton()
                tile.setMinimumHeight(64)
                tile.clicked.connect(lambda _=False, code=d.code: self.show_cases(code))
                self.tiles[d.code] = tile
                self.grid.addWidget(tile, k // 4, k % 4)
            detail = _detail(value)
            tile.setText(f"{d.name}\n{value.display()}　{detail}")
            tile.setToolTip(
                f"口径：{d.period}\n出处：{d.source}\n置信度：{indicators.CONFIDENCE[d.confidence]}"
                "\n点击查看案件清单。"
            )

    def _chart(self, title: str, reports: list[IndicatorReport], label: Any) -> QChart:
        chart = QChart()
        chart.setTitle(title)
        chart.setMargins(QMargins(4, 4, 4, 4))
        categories = [label(r.period) for r in reports]
        axis_x = QBarCategoryAxis()
        axis_x.append(categories)
        axis_y = QValueAxis()
        axis_y.setRange(0, 100)
        axis_y.setLabelFormat("%d%%")
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        for code in TREND_CODES:
            series = QLineSeries()
            series.setName(reports[0].get(code).definition.name.replace("（收结比）", ""))
            for x, r in enumerate(reports):
                series.append(x, r.get(code).value or 0.0)
            chart.addSeries(series)
            series.attachAxis(axis_x)
            series.attachAxis(axis_y)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        return chart

    def show_cases(self, code: str) -> CasesDialog | None:
        if self.report is None:
            return None
        dialog = CasesDialog(self.casefile, self.report.get(code), self)
        dialog.open_case.connect(self.open_case)
        dialog.setModal(False)
        dialog.show()
        return dialog

    # -- the server ---------------------------------------------------------------------------
    def fetch_ranking(self) -> None:
        period = self.current_period()
        text = (
            f"{period.start.isocalendar()[0]}-W{period.start.isocalendar()[1]:02d}"
            if self.period_kind.currentData() == "week"
            else f"{period.start.year}-{period.start.month:02d}"
        )
        self.fetch_button.setEnabled(False)
        self.ranking_message.setText("正在向服务器查询……")
        self._worker = _RankingWorker(self.casefile, text, self.password.text(), self)
        self._worker.done.connect(self.show_ranking)
        self._worker.failed.connect(self._ranking_failed)
        self._worker.finished.connect(lambda: self.fetch_button.setEnabled(True))
        self._worker.start()

    def _ranking_failed(self, message: str) -> None:
        self.ranking_message.setText(message)

    def show_ranking(self, ranking: Any) -> None:
        self.password.clear()
        codes = [c for c, _ in ranking.indicators]
        by = "法院" if ranking.grouped_by == "court" else "承办人"
        self.ranking_message.setText(f"{ranking.period}，按{by}排列（按结案率从高到低）。")
        table = self.ranking_table
        table.setColumnCount(1 + len(codes))
        table.setHorizontalHeaderLabels([by, *(n for _, n in ranking.indicators)])
        table.setRowCount(len(ranking.rows))
        for r, row in enumerate(ranking.rows):
            table.setItem(r, 0, QTableWidgetItem(row.label))
            for c, code in enumerate(codes, start=1):
                v = row.values.get(code)
                item = QTableWidgetItem("—" if v is None else f"{v:.2f}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
        table.resizeColumnsToContents()

    def closeEvent(self, event: Any) -> None:
        if self._worker is not None:
            self._worker.wait(5000)
        super().closeEvent(event)


def _detail(value: IndicatorValue) -> str:
    d = value.definition
    if d.funds and d.unit == "count":
        return f"{indicators.yuan(value.numerator.amount)}元"
    if d.funds:
        return f"{value.numerator.count}笔 {indicators.yuan(value.numerator.amount)}元"
    if d.unit == "days":
        return f"（{value.denominator.count if value.denominator else 0}件）"
    den = value.denominator.count if value.denominator else 0
    return f"（{value.numerator.count}/{den}件）"
