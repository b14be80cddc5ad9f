"""The rarer entries through their dialogs on a real case file: resumption from the case view and
the links between the two cases, deferral and escrow from the funds tab, the excessive-seizure
exception from the assets tab, the after-termination result told and attachments on measures."""

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QWidget

from tests.ui.conftest import run_modal as shared_run_modal
from ui.main_window import MainWindow
from ui.record_dialogs import RecordDialog
from workstation import enforcement
from workstation.cases import PartyForm, save_case
from workstation.demo import DEMO_TODAY
from workstation.store.casefile import CaseFile, Edit

TODAY = DEMO_TODAY  # 2026-11-26


def run_modal(action: Callable[[], object], interact: Callable[[RecordDialog], None]) -> None:
    shared_run_modal(action, interact, RecordDialog)


def save(dialog: RecordDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def fill_and_save(values: dict[str, str]) -> Callable[[RecordDialog], None]:
    def interact(dialog: RecordDialog) -> None:
        for key, value in values.items():
            dialog.fields[key].set_text(value)
        save(dialog)
        assert not dialog.isVisible(), f"not saved: {dialog.summary.text()}"

    return interact


def journal_rows(cf: CaseFile) -> int:
    return cf.conn.execute("SELECT count(*) FROM journal").fetchone()[0]


def show_tab(window: MainWindow, title: str) -> QWidget:
    tabs = window.case_view.tabs
    index = next(i for i in range(tabs.count()) if tabs.tabText(i) == title)
    tabs.setCurrentIndex(index)
    return tabs.widget(index)


def column(table, col: int) -> list[str]:
    return [table.item(r, col).text() for r in range(table.rowCount())]


def select_row(table, col: int, text: str) -> None:
    rows = [r for r in range(table.rowCount()) if table.item(r, col).text().startswith(text)]
    table.selectRow(rows[0])


def new_case(cf: CaseFile, number: str, **extra: str) -> str:
    return save_case(
        cf,
        {
            "case_number": number,
            "filing_date": "2025-05-06",
            "officer": "张伟",
            "principal": "10万",
            "basis_number": "（2024）豫0303民初88号",
        }
        | extra,
        [
            PartyForm({"role": "applicant", "kind": "person", "name": "王五"}),
            PartyForm({"role": "debtor", "kind": "person", "name": "李四"}),
        ],
        today=TODAY,
    )


@pytest.fixture
def terminated(window: MainWindow) -> str:
    cf = window.casefile
    cid = new_case(
        cf,
        "（2025）豫0302执9001号",
        status="closed",
        closing_method="termination",
        closing_date="2026-03-01",
    )
    cf.save(
        [
            Edit("case", {"termination_date": "2026-03-01"}, cid),
            Edit(
                "funds",
                {
                    "case_id": cid,
                    "kind": "receipt",
                    "date": "2025-09-01",
                    "amount": 2_000_000,
                    "source": "transfer",
                },
            ),
        ]
    )
    window.open_case(cid)
    return cid


# -- resumption ----------------------------------------------------------------------------
def test_resumption_from_the_case_view_links_both_cases(window, terminated):
    view = window.case_view
    assert view.resume_button.isVisible() and view.resume_button.isEnabled()
    assert not view.links.isVisible()

    def interact(dialog: RecordDialog) -> None:
        assert dialog.fields["case_number"].text() == "（2026）豫0302执恢"  # court and year
        save(dialog)  # the serial is missing: refused
        assert dialog.isVisible()
        assert dialog.error_text("case_number")
        dialog.fields["filing_date"].set_text("2026-02-27")
        dialog.fields["case_number"].set_text("（2026）豫0302执恢12号")
        save(dialog)
        assert "早于原案终结本次执行程序的日期2026-03-01" in dialog.error_text("filing_date")
        dialog.fields["filing_date"].set_text("2026-11-20")
        save(dialog)
        assert not dialog.isVisible(), dialog.summary.text()

    run_modal(view.resume_button.click, interact)
    new = window.selected_case_id()
    assert new and new != terminated  # the new case is in the list and open
    assert "（2026）豫0302执恢12号" in view.title.text()
    assert "执行中" in view.title.text()
    assert view.links.isVisible()
    assert "原案：" in view.links.text() and "（2025）豫0302执9001号" in view.links.text()
    assert "已到位20,000.00元" in view.links.text()
    assert not view.resume_button.isVisible()  # an open case is not resumed
    owed = enforcement.readiness(window.casefile, new, TODAY).outstanding
    assert owed.recovered == 2_000_000  # the original's recovery counts here

    view.links.linkActivated.emit(terminated)  # the officer clicks 原案
    assert "（2025）豫0302执9001号" in view.title.text()
    assert "恢复执行案件：" in view.links.text() and "执恢12号" in view.links.text()
    assert not view.resume_button.isEnabled()  # resumed once already
    assert "已恢复执行" in view.resume_button.toolTip()
    view.links.linkActivated.emit(new)
    assert "（2026）豫0302执恢12号" in view.title.text()


def test_the_resume_button_is_hidden_for_an_open_case(window):
    cid = new_case(window.casefile, "（2025）豫0302执9002号")
    window.open_case(cid)
    assert not window.case_view.resume_button.isVisible()


# -- deferral and escrow -------------------------------------------------------------------
def test_deferral_end_and_escrow_from_the_funds_tab(window, terminated):
    funds = show_tab(window, "案款")
    run_modal(
        funds.add_receipt_button.click,
        fill_and_save({"date": "2026-10-01", "amount": "5万", "source": "transfer"}),
    )
    assert not funds.defer_button.isEnabled()  # nothing selected
    select_row(funds.table, 0, "2026-10-01")
    assert funds.defer_button.isEnabled() and funds.escrow_button.isEnabled()
    before = journal_rows(window.casefile)

    def interact(dialog: RecordDialog) -> None:
        dialog.fields["date"].set_text("2026-10-20")
        save(dialog)
        assert "请从列表中选择" in dialog.error_text("reason")
        assert "须经批准" in dialog.error_text("approver")
        assert journal_rows(window.casefile) == before
        dialog.fields["reason"].set_text("not_collected")
        dialog.fields["approver"].set_text("执行局长")
        dialog.fields["end_date"].set_text("2026-10-19")
        save(dialog)
        assert "结束日期早于开始日期" in dialog.error_text("end_date")
        dialog.fields["end_date"].set_text("")
        save(dialog)
        assert not dialog.isVisible(), dialog.summary.text()

    run_modal(funds.defer_button.click, interact)
    assert "延缓发放" in column(funds.table, 1)
    select_row(funds.table, 0, "2026-10-01")
    receipt_row = funds.table.selectionModel().selectedRows()[0].row()
    assert funds.table.item(receipt_row, 5).text().endswith("（延缓中）")
    row = column(funds.table, 1).index("延缓发放")
    funds.table.selectRow(row)
    assert funds.end_deferral_button.isEnabled() and not funds.defer_button.isEnabled()
    run_modal(funds.end_deferral_button.click, fill_and_save({"end_date": "2026-11-08"}))
    row = column(funds.table, 1).index("延缓发放")
    assert "2026-10-20至2026-11-08" in funds.table.item(row, 3).text()
    funds.table.selectRow(row)
    assert not funds.end_deferral_button.isEnabled()  # ended

    select_row(funds.table, 0, "2026-10-01")
    run_modal(
        funds.escrow_button.click,
        fill_and_save({"reason": "refused", "approver": "院长", "date": "2026-11-20"}),
    )
    assert "提存" in column(funds.table, 1)
    assert "已发放（含提存） 50,000.00元" in funds.summary.text()


# -- excessive seizure exception -----------------------------------------------------------
def test_exception_recorded_on_a_seizure_held_above_the_debt(window):
    cf = window.casefile
    cid = new_case(cf, "（2025）豫0302执9003号")
    window.open_case(cid)
    assets = show_tab(window, "财产与查封")
    run_modal(
        assets.add_asset_button.click,
        fill_and_save(
            {
                "kind": "real_estate",
                "description": "住宅一套",
                "value": "80万",
                "value_basis": "appraisal",
            }
        ),
    )
    assert not assets.exception_button.isVisible()  # nothing seized yet
    run_modal(
        assets.add_seizure_button.click, fill_and_save({"kind": "seal", "date": "2026-06-01"})
    )
    assert assets.excess.isVisible() and "如适用例外，请记录理由" in assets.excess.text()
    assert "超过尚欠债权额及执行费用" in assets.excess.text()
    assert assets.exception_button.isVisible() and not assets.exception_button.isEnabled()
    (seizure_id,) = assets.seizure_items
    assets.tree.setCurrentItem(assets.seizure_items[seizure_id])
    assert assets.exception_button.isEnabled()
    before = journal_rows(cf)

    def interact(dialog: RecordDialog) -> None:
        dialog.fields["indivisible"].set_text("1")
        dialog.fields["reason"].set_text("单一产权证，无法分割查封")
        save(dialog)
        assert dialog.isVisible()
        assert "须同时具备" in dialog.summary.text()
        assert journal_rows(cf) == before
        dialog.fields["no_other_property"].set_text("1")
        save(dialog)
        assert not dialog.isVisible(), dialog.summary.text()

    run_modal(assets.exception_button.click, interact)
    assert "已记录例外情形" in assets.excess.text()
    assert "单一产权证，无法分割查封" in assets.excess.text()
    assert assets.seizure_items[seizure_id].text(1) == "生效中（超标的例外）"
    assets.tree.setCurrentItem(assets.seizure_items[seizure_id])
    assert "超标的查封例外情形" in assets.detail.text()


# -- measures: told applicant and attachments -----------------------------------------------
def test_after_termination_inquiry_told_to_the_applicant(window, terminated):
    measures = show_tab(window, "措施")
    run_modal(
        measures.add_button.click,
        fill_and_save({"channel": "bank", "date": "2026-08-20", "found": "no"}),
    )
    assert "结果尚未告知申请执行人" in measures.table.item(0, 3).text()
    assert not measures.told_button.isEnabled()
    measures.table.selectRow(0)
    assert measures.told_button.isEnabled()

    def interact(dialog: RecordDialog) -> None:
        dialog.fields["told_applicant"].set_text("2026-08-19")
        save(dialog)
        assert "早于查询日期2026-08-20" in dialog.error_text("told_applicant")
        dialog.fields["told_applicant"].set_text("2026-11-27")
        save(dialog)
        assert "晚于今天" in dialog.error_text("told_applicant")
        dialog.fields["told_applicant"].set_text("2026-08-25")
        save(dialog)
        assert not dialog.isVisible(), dialog.summary.text()

    run_modal(measures.told_button.click, interact)
    assert "结果已于2026-08-25告知申请执行人" in measures.table.item(0, 3).text()
    care = enforcement.after_termination(window.casefile, terminated, TODAY)
    assert not any("尚未告知" in r for r in care.reminders)


def test_measure_recorded_with_a_photo_and_another_added_later(window, terminated, tmp_path: Path):
    photo = tmp_path / "搜查现场.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + b"x" * 500)
    scan = tmp_path / "搜查笔录.pdf"
    scan.write_bytes(b"%PDF-1.4 " + b"y" * 500)
    measures = show_tab(window, "措施")

    def interact(dialog: RecordDialog) -> None:
        dialog.fields["kind"].set_text("search")
        dialog.fields["date"].set_text("2026-11-20")
        dialog.attachments.add([photo])
        assert "搜查现场.jpg" in dialog.attachments.names.text()
        save(dialog)
        assert not dialog.isVisible(), dialog.summary.text()

    run_modal(measures.add_button.click, interact)
    assert measures.table.item(0, 5).text() == "1个：搜查现场.jpg"
    measures.table.selectRow(0)
    measures.attach([scan])
    assert measures.table.item(0, 5).text() == "2个：搜查现场.jpg、搜查笔录.pdf"
    assert measures.table.selectionModel().selectedRows()[0].row() == 0
