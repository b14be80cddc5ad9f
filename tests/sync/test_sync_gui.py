"""The sync dialog and the conflicts screen, driven as an officer would, against the server."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings

from tests.sync.conftest import PASSWORD, laptop, sync
from tests.sync.test_sync import assert_converged
from ui.conflicts_dialog import ConflictsDialog
from ui.main_window import MainWindow
from ui.sync_dialog import SyncDialog
from workstation.store.casefile import Edit


def _make_conflict(server, tmp_path):
    a, b = laptop(tmp_path, "a", server), laptop(tmp_path, "b", server)
    sync(a, server)
    sync(b, server)
    party = a.conn.execute("SELECT id FROM parties WHERE role = 'debtor' ORDER BY n").fetchone()[0]
    a.save([Edit("party", {"address": "甲地址"}, party)])
    b.save([Edit("party", {"address": "乙地址"}, party)])
    sync(a, server)
    sync(b, server)  # b's value is now the server's; a's is kept in a conflict
    return a, b, party


def test_conflict_is_resolved_in_the_conflicts_screen_and_synced_everywhere(
    qtbot, server, tmp_path
):
    a, b, party = _make_conflict(server, tmp_path)
    sync(a, server)
    assert a.get("party", party).values["address"] == "乙地址"
    dialog = ConflictsDialog(a)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.table.rowCount() == 1
    row = [dialog.table.item(0, c).text() for c in range(dialog.table.columnCount())]
    assert "乙地址" in row and "甲地址" in row  # both values side by side
    assert "住址或住所地" in row
    dialog.table.selectRow(0)
    dialog.restore_button.click()
    assert dialog.table.rowCount() == 0
    assert a.get("party", party).values["address"] == "甲地址"
    sync(a, server)
    sync(b, server)
    for cf in (a, b):
        assert cf.get("party", party).values["address"] == "甲地址"
        assert cf.conn.execute("SELECT status, resolution FROM conflicts").fetchall() == [
            ("resolved", "restored_replaced")
        ]
    assert_converged(server, a, b)


def test_sync_dialog_runs_off_the_ui_thread_and_the_list_shows_the_result(qtbot, server, tmp_path):
    cf = laptop(tmp_path, "c", server)
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(cf, settings)
    qtbot.addWidget(window)
    window.show()
    assert window.model.total == 0
    window.open_sync()
    dialog = window.sync_dialog
    assert isinstance(dialog, SyncDialog)
    assert dialog.server.text() == server.url
    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(dialog.synced, timeout=30_000):
        dialog.start_button.click()
        assert dialog.running()  # the window keeps answering while it runs
        window.search.setText("王五")
    assert not dialog.running()
    assert "同步完成" in dialog.result.text()
    assert window.model.total == 5
    assert "上次同步" in window.unsynced_label.text()
    assert window.model.index(0, 7).data() == "已同步"
    window.table.selectRow(0)
    case_id = window.selected_case_id()
    cf.save([Edit("case", {"notes": "改了一处"}, case_id)])
    window.apply_filter()
    assert window.model.index(window.model.row_of(case_id), 7).data() == "未同步"
    dialog.close()
    window.close()


def test_sync_dialog_says_why_it_failed(qtbot, server, tmp_path):
    cf = laptop(tmp_path, "d", server)
    dialog = SyncDialog(cf)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.password.setText("not-the-password")
    dialog.start_button.click()
    qtbot.waitUntil(lambda: not dialog.running() and bool(dialog.result.text()), timeout=30_000)
    assert "密码错误" in dialog.result.text()
    assert cf.conn.execute("SELECT count(*) FROM cases").fetchone() == (0,)
