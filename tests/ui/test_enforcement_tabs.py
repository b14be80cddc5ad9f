"""The case view's enforcement tabs on real case files: each record is added through its dialog,
shows in its list and in the termination check; bad input is refused in Chinese, unsaved."""

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialogButtonBox, QWidget

from tests.ui.conftest import run_modal as shared_run_modal
from ui.main_window import MainWindow
from ui.record_dialogs import RecordDialog
from workstation import enforcement
from workstation.cases import PartyForm, save_case
from workstation.demo import DEMO_TODAY
from workstation.domain.measures import PropertyClue
from workstation.domain.money import format_money
from workstation.domain.readiness import clue_verification_deadline
from workstation.enforcement import court_settings
from workstation.store.casefile import CaseFile

TODAY = DEMO_TODAY  # 2026-11-26
FILED = "2026-05-06"


def new_case(cf: CaseFile, number: str = "（2026）豫0302执9001号", filed: str = FILED) -> str:
    return save_case(
        cf,
        {"case_number": number, "filing_date": filed, "officer": "张伟", "principal": "10万"},
        [
            PartyForm({"role": "applicant", "kind": "person", "name": "王五"}),
            PartyForm({"role": "debtor", "kind": "person", "name": "李四"}),
        ],
        today=TODAY,
    )


def run_modal(action: Callable[[], object], interact: Callable[[RecordDialog], None]) -> None:
    shared_run_modal(action, interact, RecordDialog)


def fill_and_save(values: dict[str, str]) -> Callable[[RecordDialog], None]:
    def interact(dialog: RecordDialog) -> None:
        for key, value in values.items():
            dialog.fields[key].set_text(value)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
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


@pytest.fixture
def case_id(window: MainWindow) -> str:
    cid = new_case(window.casefile)
    window.open_case(cid)
    assert "（2026）豫0302执9001号" in window.case_view.title.text()
    return cid


def test_online_inquiries_of_every_channel_turn_the_inquiry_finding_met(window, case_id):
    panel = show_tab(window, "终本条件")
    assert panel.status_shown("online_inquiry") == "未满足"
    measures = show_tab(window, "措施")
    channels = court_settings().online_inquiry_channels
    for i, channel in enumerate(channels):
        run_modal(
            measures.add_button.click,
            fill_and_save(
                {
                    "kind": "online_inquiry",
                    "channel": channel.value,
                    "date": f"2026-11-{10 + i:02d}",
                    "found": "no",
                    "result": "未发现可供执行的财产",
                }
            ),
        )
    table = measures.table
    assert table.rowCount() == len(channels)
    assert column(table, 0) == sorted(column(table, 0), reverse=True)  # newest first
    assert column(table, 2)[0] == channels[-1].label
    assert set(column(table, 1)) == {"网络查控"}
    assert set(column(table, 6)) == {""}  # demo data never syncs: no sync state shown
    panel = show_tab(window, "终本条件")
    assert panel.status_shown("online_inquiry") == "已满足"
    assert "未满足" in panel.verdict.text()  # much else is still missing


@pytest.mark.parametrize(
    ("day", "message"),
    [("2026-12-01", "晚于今天2026-11-26"), ("2026-05-01", "早于立案日期2026-05-06")],
)
def test_inquiry_in_the_future_or_before_filing_is_refused_and_nothing_saved(
    window, case_id, day, message
):
    before = journal_rows(window.casefile)
    measures = show_tab(window, "措施")

    def interact(dialog: RecordDialog) -> None:
        dialog.fields["channel"].set_text("bank")
        dialog.fields["date"].set_text(day)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        assert dialog.isVisible(), "the dialog stays open on bad input"
        assert message in dialog.error_text("date")
        assert dialog.summary.isVisible()
        dialog.reject()

    run_modal(measures.add_button.click, interact)
    assert journal_rows(window.casefile) == before
    assert measures.table.rowCount() == 0


def test_asset_and_seizure_show_with_the_expiry_reminder(window, case_id):
    assets = show_tab(window, "财产与查封")
    assert not assets.add_seizure_button.isEnabled()  # nothing to seize yet
    run_modal(
        assets.add_asset_button.click,
        fill_and_save(
            {
                "kind": "deposit",
                "description": "洛阳银行账户存款",
                "identifier_kind": "账号",
                "identifier_value": "6228480402564890018",
                "value": "3万",
                "value_basis": "balance",
            }
        ),
    )
    (asset_id,) = (a.id for a in enforcement.load_record(window.casefile, case_id).assets)
    item = assets.asset_items[asset_id]
    assert item.text(0) == "洛阳银行账户存款"
    assert item.text(1) == "已发现"
    assert item.text(2) == "30,000.00元（账户余额）"
    panel = show_tab(window, "终本条件")
    assert panel.status_shown("assets_cannot_be_enforced") == "未满足"
    assert "洛阳银行账户存款" in panel.findings.toPlainText()

    assets = show_tab(window, "财产与查封")
    before = journal_rows(window.casefile)

    def interact(dialog: RecordDialog) -> None:
        dialog.fields["kind"].set_text("freeze")
        dialog.fields["date"].set_text("2025-12-10")  # before filing: refused ...
        dialog.fields["amount"].set_text("3万")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        assert dialog.isVisible()
        assert "早于立案日期2026-05-06" in dialog.error_text("date")
        assert "保全转执行" in dialog.error_text("date")
        assert journal_rows(window.casefile) == before
        dialog.fields["from_preservation"].set_text("1")  # ... unless from preservation
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        assert not dialog.isVisible(), dialog.summary.text()

    run_modal(assets.add_seizure_button.click, interact)
    (seizure_id,) = assets.seizure_items
    child = assets.seizure_items[seizure_id]
    assert child.parent() is assets.asset_items[asset_id]
    assert child.text(0) == "冻结（保全转执行）"
    assert child.text(2) == "30,000.00元"
    assert child.text(5) == "2026-12-09（还有13日）"  # a deposit freeze runs one year
    assert child.background(0).color().name() == "#fff3e0"  # highlighted: expiry is near
    assert assets.reminders.isVisible()
    assert "2026-12-09到期" in assets.reminders.text()
    assert assets.asset_items[asset_id].text(1) == "已控制"  # seized now


def test_receipt_deadline_and_a_payout_larger_than_the_funds_held(window, case_id):
    funds = show_tab(window, "案款")
    run_modal(
        funds.add_receipt_button.click,
        fill_and_save(
            {"date": "2026-10-01", "amount": "5万", "source": "transfer", "payer": "洛阳银行"}
        ),
    )
    row = dict(zip([h for h in funds.HEADERS], column_row(funds.table, 0), strict=True))
    assert row["类别"] == "到账（划拨）"
    assert row["金额"] == "50,000.00元"
    assert row["发放期限"] == "2026-10-31"  # 30 days from receipt
    assert row["逾期"] == "逾期26日"
    assert "逾期未发放 50,000.00元" in funds.summary.text()

    panel = show_tab(window, "终本条件")
    owed = enforcement.readiness(window.casefile, case_id, TODAY).outstanding
    assert owed.amount == 5_000_000  # 10万 claim, 5万 recovered
    assert f"尚未执行金额：{format_money(owed.amount)}" in panel.outstanding.text()
    assert "已到位50,000.00元" in panel.outstanding.text()

    funds = show_tab(window, "案款")
    before = journal_rows(window.casefile)

    def interact(dialog: RecordDialog) -> None:
        dialog.fields["amount"].set_text("6万")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        assert dialog.isVisible()
        assert "超过本案截至2026-11-26在账的案款50,000.00元" in dialog.error_text("amount")
        assert journal_rows(window.casefile) == before
        dialog.fields["amount"].set_text("5万")
        dialog.fields["approver"].set_text("执行局长")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        assert not dialog.isVisible(), dialog.summary.text()

    run_modal(funds.add_payout_button.click, interact)
    assert column(funds.table, 1) == ["发放", "到账（划拨）"]
    assert column(funds.table, 3)[0] == "领款人：王五；批准人：执行局长"
    assert "在账 0.00元" in funds.summary.text()
    assert "逾期" not in funds.summary.text()


def column_row(table, row: int) -> list[str]:
    return [table.item(row, c).text() for c in range(table.columnCount())]


def test_cash_receipt_needs_two_officers_and_is_handed_in(window, case_id):
    funds = show_tab(window, "案款")

    def interact(dialog: RecordDialog) -> None:
        dialog.fields["amount"].set_text("3000")
        dialog.fields["cash"].set_text("1")
        dialog.fields["officers"].set_text("张伟")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        assert "两名" in dialog.error_text("officers")
        dialog.fields["officers"].set_text("张伟、李娜")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        assert not dialog.isVisible(), dialog.summary.text()

    run_modal(funds.add_receipt_button.click, interact)
    assert "现金未移交" in funds.table.item(0, 3).text()
    assert not funds.hand_in_button.isEnabled()
    funds.table.selectRow(0)
    assert funds.hand_in_button.isEnabled()
    run_modal(funds.hand_in_button.click, fill_and_save({"handed_in": "2026-11-26"}))
    assert "现金已于2026-11-26移交财务" in funds.table.item(0, 3).text()


def test_field_visit_is_listed_and_counts_as_a_traditional_inquiry(window, case_id):
    panel = show_tab(window, "终本条件")
    assert panel.status_shown("traditional_inquiry") == "未满足"
    visits = show_tab(window, "外勤")
    run_modal(
        visits.add_button.click,
        fill_and_save(
            {
                "date": "2026-11-10",
                "place": "被执行人住所地",
                "officers": "张伟、李娜",
                "purpose": "查找财产",
                "findings": "屋内无可供执行的财产",
            }
        ),
    )
    assert column_row(visits.table, 0)[:5] == [
        "2026-11-10",
        "被执行人住所地",
        "张伟、李娜",
        "查找财产",
        "屋内无可供执行的财产",
    ]
    measures = show_tab(window, "措施")
    assert column(measures.table, 1) == ["现场调查"]
    panel = show_tab(window, "终本条件")
    assert panel.status_shown("traditional_inquiry") == "已满足"


def test_clue_shows_its_deadline_until_verified(window, case_id):
    clues = show_tab(window, "线索")
    run_modal(
        clues.add_button.click,
        fill_and_save({"given_date": "2026-11-20", "description": "被执行人在城郊有门面房"}),
    )
    due = clue_verification_deadline(PropertyClue("x", date(2026, 11, 20), "x"), court_settings())
    assert (due - date(2026, 11, 20)).days >= 7
    row = column_row(clues.table, 0)
    assert row[1] == "被执行人在城郊有门面房"
    assert row[3].startswith(due.isoformat())
    assert row[4] == "待核实"
    assert show_tab(window, "终本条件").status_shown("clues_verified") == "未满足"

    clues = show_tab(window, "线索")
    assert not clues.verify_button.isEnabled()
    clues.table.selectRow(0)
    run_modal(
        clues.verify_button.click,
        fill_and_save({"status": "nothing_found", "verified_date": "2026-11-24"}),
    )
    row = column_row(clues.table, 0)
    assert row[4] == "已核实，未发现财产"
    assert row[5] == "2026-11-24"
    assert show_tab(window, "终本条件").status_shown("clues_verified") == "已满足"


def test_records_show_their_sync_state_and_the_unsynced_count(qtbot, qapp, tmp_path: Path):
    with CaseFile.open(tmp_path / "casefile.sqlite3", create=True, officer="张伟") as cf:
        case_id = new_case(cf)
        settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
        window = MainWindow(cf, settings, today=TODAY)
        qtbot.addWidget(window)
        window.show()
        window.open_case(case_id)
        assert window.selected_case_id() == case_id
        before = cf.unsynced_count()
        measures = show_tab(window, "措施")
        run_modal(
            measures.add_button.click,
            fill_and_save({"kind": "execution_notice", "date": "2026-05-08", "result": "已送达"}),
        )
        sync = measures.table.item(0, 6)
        assert sync.text() == "未同步"
        assert sync.foreground().color().name() == "#1565c0"
        assert window.unsynced_label.text().startswith(f"未同步的修改：{before + 1} 条")
        window.close()
