"""The main window on a demo case file: list, search, open, edit, save, reopen."""

import sqlite3
import sys
from pathlib import Path

from PySide6.QtCore import QPoint, QSettings, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QDialogButtonBox

from tests.ui.conftest import DEMO_CASES, run_modal
from ui.case_dialog import CaseDialog
from ui.case_list import FIRST_PAGE, CaseListModel
from ui.main_window import MainWindow
from workstation.cases import load_case
from workstation.demo import DEMO_TODAY
from workstation.store import queries
from workstation.store.casefile import CaseFile


def _two_character_person(conn: sqlite3.Connection) -> str:
    return conn.execute(
        "SELECT name FROM parties WHERE kind = 'person' AND length(name) = 2 AND deleted = 0 "
        "ORDER BY n LIMIT 1"
    ).fetchone()[0]


def test_case_list_fetches_lazily_and_counts_all(window, qtbot):
    model = window.model
    assert model.total == DEMO_CASES
    assert model.rowCount() == FIRST_PAGE < DEMO_CASES
    assert window.count_label.text() == f"共 {DEMO_CASES:,} 件"

    def scrolled_to_the_end() -> bool:  # each scroll to the bottom fetches one more page
        window.table.scrollToBottom()
        return model.rowCount() == DEMO_CASES

    qtbot.waitUntil(scrolled_to_the_end)
    ids = [model.case_id(r) for r in range(model.rowCount())]
    assert len(set(ids)) == DEMO_CASES


def test_two_character_name_typed_in_search_box_filters_the_list(window, qtbot):
    name = _two_character_person(window.casefile.conn)
    window.search.setText(name)  # Chinese goes in with setText: keyClicks cannot type it
    expected = queries.count_cases(window.casefile.conn, queries.CaseFilter(text=name))
    qtbot.waitUntil(lambda: window.model.total == expected)
    assert 0 < expected < DEMO_CASES
    conn = window.casefile.conn
    for r in range(window.model.rowCount()):
        names = [
            n
            for (n,) in conn.execute(
                "SELECT name FROM parties WHERE case_id = ? AND deleted = 0",
                (window.model.case_id(r),),
            )
        ]
        assert any(name in n for n in names)
    assert window.count_label.text() == f"共 {expected:,} 件"


def test_id_number_fragment_typed_with_keys_finds_the_case(window, qtbot):
    case_id, id_number = window.casefile.conn.execute(
        "SELECT case_id, id_number FROM parties WHERE id_number != '' ORDER BY n DESC LIMIT 1"
    ).fetchone()
    qtbot.keyClicks(window.search, id_number[-8:])
    # the list follows the typing: wait for the search of the whole fragment, not the first keys
    qtbot.waitUntil(lambda: window.model.row_of(case_id) is not None)


def test_selecting_a_case_shows_its_overview(window, qtbot):
    window.table.selectRow(0)
    case_id = window.model.case_id(0)
    detail = load_case(window.casefile, case_id)
    assert detail is not None
    assert detail.case.values["case_number"] in window.case_view.title.text()
    html = window.case_view.overview.toPlainText()
    for party in detail.parties:
        assert party.values["name"] in html
    assert window.edit_action.isEnabled()


def test_edit_party_address_is_saved_and_survives_reopening(window, qtbot, gui_case_path):
    window.table.selectRow(3)
    case_id = window.selected_case_id()
    new_address = "河南省洛阳市西工区测试路88号"

    def interact(dialog: CaseDialog) -> None:
        debtor = next(e for e in dialog.party_editors if e.fields["role"].text() == "debtor")
        debtor.fields["address"].editor.setText(new_address)
        qtbot.mouseClick(
            dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
        )

    before = window.casefile.unsynced_count()
    run_modal(window.edit_case, interact, CaseDialog)
    assert window.unsynced_label.text().startswith(f"未同步的修改：{before + 1} 条")
    assert new_address in window.case_view.overview.toPlainText()
    window.close()
    window.casefile.close()

    with CaseFile.open(gui_case_path, readonly=True) as reopened:
        detail = load_case(reopened, case_id)
        assert detail is not None
        assert new_address in [p.values["address"] for p in detail.of_role("debtor")]
        found = queries.list_cases(reopened.conn, queries.CaseFilter(text="测试路88"))
        assert [row[1] for row in found] == [case_id]


def test_bad_id_number_shows_chinese_message_and_saves_nothing(window, qtbot):
    journal_before = window.casefile.conn.execute("SELECT count(*) FROM journal").fetchone()[0]

    def interact(dialog: CaseDialog) -> None:
        dialog.fields["case_number"].set_text("(2026)豫0302执9999号")
        dialog.fields["filing_date"].set_text("2026-03-01")
        applicant, debtor = dialog.party_editors
        applicant.fields["name"].set_text("王五")
        applicant.fields["id_number"].set_text("110105194912310025")  # check digit is X
        debtor.fields["name"].set_text("李四")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        assert dialog.isVisible(), "the dialog must stay open on bad input"
        assert "校验" in dialog.error_text("party[0].id_number")
        assert "X" in dialog.error_text("party[0].id_number")
        assert dialog.summary.isVisible()
        dialog.reject()

    run_modal(window.new_action.trigger, interact, CaseDialog)
    journal_after = window.casefile.conn.execute("SELECT count(*) FROM journal").fetchone()[0]
    assert journal_after == journal_before
    assert queries.find_case_id(window.casefile.conn, "（2026）豫0302执9999号") is None


def test_new_case_is_saved_listed_and_selected(window, qtbot):
    def interact(dialog: CaseDialog) -> None:
        dialog.fields["case_number"].set_text("（2026）豫0302执9998号")
        dialog.fields["filing_date"].set_text("2026-11-20")
        dialog.fields["principal"].set_text("4.5万元")
        applicant, debtor = dialog.party_editors
        applicant.fields["name"].set_text("王五")
        debtor.fields["kind"].set_text("organisation")
        debtor.fields["name"].set_text("洛阳测试商贸有限公司")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    run_modal(window.new_action.trigger, interact, CaseDialog)
    assert window.model.total == DEMO_CASES + 1
    case_id = window.selected_case_id()
    assert case_id is not None
    detail = load_case(window.casefile, case_id)
    assert detail is not None
    assert detail.case.values["principal"] == 4_500_000
    assert "（2026）豫0302执9998号" in window.case_view.title.text()


def test_status_and_over_one_year_filters(window, qtbot):
    conn = window.casefile.conn
    window.status_filter.setCurrentIndex(window.status_filter.findData("open"))
    open_count = conn.execute("SELECT count(*) FROM cases WHERE status = 'open'").fetchone()[0]
    assert window.model.total == open_count
    window.over_year.setChecked(True)
    over = queries.count_cases(
        conn, queries.CaseFilter(status="open", open_over_one_year=True, today=DEMO_TODAY)
    )
    assert window.model.total == over < open_count
    cutoff = queries.open_longer_than_cutoff(DEMO_TODAY).isoformat()
    assert all(window.model.index(r, 4).data() < cutoff for r in range(window.model.rowCount()))


def test_clicking_a_header_sorts_by_that_column(window, qtbot):
    header = window.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=_section_centre(header, 5))
    assert window.model.sort_column == "principal"
    amounts = [window.model.rows[r][7] for r in range(window.model.rowCount())]
    assert amounts == sorted(amounts, reverse=window.model.descending)


def _section_centre(header, section) -> QPoint:
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    return QPoint(x, header.height() // 2)


def test_window_size_and_splitter_are_remembered(qtbot, qapp, gui_case_path: Path):
    settings_path = str(gui_case_path.with_name("window.ini"))
    with CaseFile.open(gui_case_path) as cf:
        first = MainWindow(cf, QSettings(settings_path, QSettings.Format.IniFormat))
        qtbot.addWidget(first)
        first.show()
        first.resize(760, 560)
        first.splitter.setSizes([500, 260])
        sizes = first.splitter.sizes()
        first.close()
        second = MainWindow(cf, QSettings(settings_path, QSettings.Format.IniFormat))
        qtbot.addWidget(second)
        second.show()
        assert (second.width(), second.height()) == (760, 560)
        assert second.splitter.sizes() == sizes
        second.close()


def test_model_data_through_qt_does_not_leak_references_to_none(window):
    """PySide6 6.12.0 on Python 3.11 dropped a reference to None on every None returned to C++."""
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(window.model)
    index = proxy.index(0, 0)
    unhandled = Qt.ItemDataRole.ToolTipRole  # our data() returns None for it
    before = sys.getrefcount(None)
    for _ in range(20_000):
        proxy.data(index, unhandled)
    after = sys.getrefcount(None)
    assert after >= before - 100, f"None lost {before - after} references"


def test_model_works_on_an_empty_case_file(qtbot, tmp_path):
    with CaseFile.open(tmp_path / "casefile.sqlite3", create=True) as cf:
        model = CaseListModel(cf)
        assert model.rowCount() == 0
        assert not model.canFetchMore()
