"""未认领款项 as the officer uses it: the list from the real server, long-unclaimed ones marked,
claiming one for a case; offline and the demo file say why there is no list."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import dataclasses
from pathlib import Path

from PySide6.QtCore import QSettings, Qt

from tests.sync.conftest import PASSWORD, Server, laptop, sync
from tests.sync.test_unmatched_claims import add_receipt, receipts_of, server_claim
from tests.ui.conftest import run_modal
from ui.fonts import apply_ui_font
from ui.main_window import MainWindow
from ui.unmatched_dialog import LONG_UNCLAIMED, UnmatchedDialog
from workstation import secrets
from workstation.demo import fill_demo
from workstation.domain.settings import CourtSettings
from workstation.store.casefile import CaseFile
from workstation.sync.receipts import claimable_cases, pending_claims


def test_the_officer_claims_a_long_unclaimed_receipt_for_a_case(
    qtbot, qapp, server: Server, tmp_path: Path
):
    apply_ui_font(qapp)
    cf = laptop(tmp_path, "a", server)
    sync(cf, server)
    old = add_receipt(server, days_ago=45, amount="400,000")
    add_receipt(server, days_ago=3, amount="1234.5", receipt_number="NO.0043")
    settings = dataclasses.replace(CourtSettings(), unmatched_receipt_days=30)
    secrets.forget_token(server.url, "zhang")  # as on a laptop that never signed in here
    dialog = UnmatchedDialog(cf, settings=settings)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "输入登录密码" in dialog.message.text()  # no token yet: asks first
    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(dialog.loaded, timeout=30_000):
        qtbot.mouseClick(dialog.refresh_button, Qt.MouseButton.LeftButton)
    assert dialog.table.rowCount() == 2
    first = [dialog.table.item(0, c).text() for c in range(5)]
    assert first[1] == "400,000.00" and first[4] == "45 日" and first[3] == "NO.0042"
    assert dialog.table.item(1, 1).text() == "1,234.50"
    assert dialog.table.item(0, 0).background().color() == LONG_UNCLAIMED
    assert dialog.table.item(1, 0).background().color() != LONG_UNCLAIMED
    assert "其中超过 30 日的 1 笔" in dialog.message.text()
    assert not dialog.password.isVisible()  # the token is kept in the keyring now

    dialog.grab().save("/tmp/unmatched.png")
    dialog.table.selectRow(0)
    assert not dialog.claim_button.isEnabled()  # no case picked yet
    case_id, number = claimable_cases(cf)[0]
    dialog.case_picker.setCurrentIndex(dialog.case_picker.findData(case_id))
    assert dialog.case_picker.currentText() == number
    dialog.grab().save("/tmp/unmatched-claim.png")
    with qtbot.waitSignal(dialog.loaded, timeout=30_000):
        dialog.claim_button.click()
    assert "认领成功" in dialog.message.text()
    dialog.grab().save("/tmp/unmatched-claimed.png")
    assert dialog.table.rowCount() == 1
    assert not dialog.claim_button.isEnabled()  # nothing picked for a second claim
    assert len(receipts_of(cf, case_id)) == 1
    assert server_claim(server, old)[0] == case_id
    assert pending_claims(cf) == {}
    dialog.close()


def test_offline_the_dialog_says_the_list_needs_the_server(qtbot, server: Server, tmp_path):
    cf = laptop(tmp_path, "a", server)
    sync(cf, server)
    cf.set_meta("server_url", "http://127.0.0.1:9")  # nothing listens there
    dialog = UnmatchedDialog(cf)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(dialog.loaded, timeout=60_000):
        dialog.refresh_button.click()
    assert "离线时无法查看未认领款项" in dialog.message.text()
    assert dialog.table.rowCount() == 0 and not dialog.claim_button.isEnabled()
    dialog.close()


def test_the_main_window_action_on_the_demo_file_says_it_never_syncs(qtbot, tmp_path):
    cf = CaseFile.open(tmp_path / "demo" / "c.sqlite3", create=True, officer="张伟")
    fill_demo(cf, 5, seed=1)
    window = MainWindow(cf, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    assert window.unmatched_action.text() == "未认领款项"
    seen = {}

    def look(dialog):
        seen["message"] = dialog.message.text()
        seen["rows"] = dialog.table.rowCount()
        seen["refresh"] = dialog.refresh_button.isEnabled()
        dialog.close()

    run_modal(window.unmatched_action.trigger, look, UnmatchedDialog)
    assert "演示数据" in seen["message"] and seen["rows"] == 0 and not seen["refresh"]
    window.close()
    cf.close()
