"""今日待办 on a demo case file with two prepared cases: an overdue payout and a seizure about to
expire are listed, and opening a row opens that case in the main window."""

from PySide6.QtCore import Qt

from tests.ui.test_enforcement_tabs import TODAY, new_case
from ui.main_window import MainWindow
from ui.work_view import WorkView
from workstation import enforcement_more


def prepare(window: MainWindow) -> tuple[str, str]:
    """Case A holds money received 2026-10-01, unpaid; case B has a deposit frozen 2025-12-10."""
    cf = window.casefile
    a = new_case(cf, "（2026）豫0302执9101号", "2026-09-01")
    enforcement_more.record_receipt(
        cf, a, {"date": "2026-10-01", "amount": "5万", "source": "transfer"}, TODAY
    )
    b = new_case(cf, "（2025）豫0302执9102号", "2025-11-03")
    asset = enforcement_more.record_asset(
        cf, b, {"kind": "deposit", "description": "农业银行账户存款"}, TODAY
    )
    enforcement_more.record_seizure_as_typed(
        cf, b, {"asset_id": asset, "kind": "freeze", "date": "2025-12-10", "amount": "2万"}, TODAY
    )
    window.apply_filter()  # the list as it is after the cases were added
    return a, b


def open_work_view(window: MainWindow, qtbot) -> WorkView:
    window.work_action.trigger()
    view = window.work_view
    assert view is not None and view.isVisible()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.work is not None and not view.loading(), timeout=10_000)
    return view


def row_of(view: WorkView, case_id: str) -> int:
    return next(i for i, item in enumerate(view.items_shown()) if item.case_id == case_id)


def shown(view: WorkView, row: int) -> dict[str, str]:
    model = view.model
    return {header: model.index(row, col).data() for col, header in enumerate(model.HEADERS)}


def test_work_view_lists_an_overdue_payout_and_a_seizure_about_to_expire(window, qtbot):
    a, b = prepare(window)
    view = open_work_view(window, qtbot)
    assert view.officer.currentData() == "张伟"  # the officer of this case file
    assert view.work.today == TODAY

    view.select_kind("payout")
    payout = shown(view, row_of(view, a))
    assert payout["案号"] == "（2026）豫0302执9101号"
    assert payout["期限"] == "2026-10-31"
    assert payout["情况"] == "逾期26日"
    assert "尚有50,000.00元未发放" in payout["事项"]
    assert view.model.index(row_of(view, a), 4).data(Qt.ItemDataRole.ForegroundRole).name() == (
        "#c62828"
    )

    view.select_kind("seizure")
    seizure = shown(view, row_of(view, b))
    assert seizure["期限"] == "2026-12-09"
    assert seizure["情况"] == "还有13日"
    assert "农业银行账户存款的冻结将于2026-12-09到期" in seizure["事项"]

    row = row_of(view, b)
    index = view.model.index(row, 1)
    centre = view.table.visualRect(index).center()
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert window.selected_case_id() == b
    assert "（2025）豫0302执9102号" in window.case_view.title.text()


def test_a_case_hidden_by_the_list_filter_is_shown_directly(window, qtbot):
    a, _b = prepare(window)
    window.status_filter.setCurrentIndex(window.status_filter.findData("closed"))
    view = open_work_view(window, qtbot)
    view.select_kind("payout")
    view.open_row(row_of(view, a))
    assert window.selected_case_id() is None  # not in the list of closed cases
    assert "（2026）豫0302执9101号" in window.case_view.title.text()
    assert window.case_view.tabs.isVisible()


def test_recording_a_payout_updates_the_open_work_view(window, qtbot):
    a, _b = prepare(window)
    view = open_work_view(window, qtbot)
    assert any(i.case_id == a for i in view.work.of_kind("payout"))
    enforcement_more.record_payout_as_typed(
        window.casefile, a, {"date": "2026-11-20", "amount": "5万", "payee": "王五"}, TODAY
    )
    window._after_record_saved()  # what the case view's dialogs set off
    qtbot.waitUntil(lambda: not view.loading(), timeout=10_000)
    assert not any(i.case_id == a for i in view.work.of_kind("payout"))
