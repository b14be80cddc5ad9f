"""质效看板: charts with their series and points, numbers that list their cases, opening one."""

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.indicators import fixed_cases
from ui.dashboard import MONTHS, WEEKS, Dashboard
from workstation.store.casefile import CaseFile


@pytest.fixture
def fixed_file(tmp_path: Path):
    cf = CaseFile.open(tmp_path / "casefile.sqlite3", create=True, officer="张伟")
    ids = fixed_cases.build(cf)
    yield cf, ids
    cf.close()


def court_dashboard(qtbot, cf: CaseFile) -> Dashboard:
    board = Dashboard(cf, today=date(2026, 10, 31))
    qtbot.addWidget(board)
    board.scope.setCurrentIndex(board.scope.findText("法院 豫0302"))
    board.show()
    qtbot.waitExposed(board)
    return board


def test_charts_have_a_series_per_indicator_and_a_point_per_period(qtbot, fixed_file) -> None:
    cf, _ = fixed_file
    board = court_dashboard(qtbot, cf)
    assert board.period_label.text().startswith("2026年10月")
    for view, points in ((board.week_chart, WEEKS), (board.month_chart, MONTHS)):
        series = view.chart().series()
        assert [s.name() for s in series] == ["结案率", "执行完毕率", "终本率"]
        assert all(s.count() == points for s in series)
    october = board.month_chart.chart().series()[0].at(MONTHS - 1)
    assert october.y() == pytest.approx(62.5)
    assert "62.50%" in board.tiles["closure_rate"].text()
    board.close()


def test_clicking_a_number_lists_its_cases_and_a_case_opens(qtbot, fixed_file) -> None:
    cf, ids = fixed_file
    board = court_dashboard(qtbot, cf)
    opened: list[str] = []
    board.open_case.connect(opened.append)
    shown = []
    original = board.show_cases
    board.show_cases = lambda code: shown.append(original(code)) or shown[-1]  # type: ignore
    qtbot.mouseClick(board.tiles["termination_quality_rate"], Qt.MouseButton.LeftButton)
    assert shown, "no list opened"
    dialog = shown[0]
    numerator, denominator = dialog.tables
    assert numerator.rowCount() == 1 and denominator.rowCount() == 2
    assert "执恢" in numerator.item(0, 0).text()
    numerator.cellDoubleClicked.emit(0, 0)
    assert opened == [ids["C"]]
    dialog.close()
    board.close()


def test_offline_ranking_says_why_in_chinese(qtbot, fixed_file) -> None:
    cf, _ = fixed_file
    board = court_dashboard(qtbot, cf)
    assert "未连接中心服务器" in board.ranking_message.text()
    assert not board.fetch_button.isEnabled()
    board.close()


def test_toolbar_opens_the_dashboard_and_a_case_opens_in_the_main_window(qtbot, window) -> None:
    window.dashboard_action.trigger()
    board = window.dashboard
    qtbot.waitExposed(board)
    board.scope.setCurrentIndex(board.scope.findText("全部案件"))
    value = board.report.get("closure_rate")
    assert value.numerator.case_ids
    board.open_case.emit(value.numerator.case_ids[0])
    assert window.selected_case_id() == value.numerator.case_ids[0] or (
        window.case_view.case_id == value.numerator.case_ids[0]
    )
    board.close()
