"""Render every screen with demo data to PNG files, offscreen: `python -m ui.snapshots OUT_DIR`.

Used by the tests (each screen must render) and for the pictures in the README.
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget

from workstation import enforcement, enforcement_more
from workstation.cases import PartyForm, load_case, save_case
from workstation.demo import DEMO_TODAY, fill_demo
from workstation.domain.settings import ADDITIONAL_CHANNELS, CORE_CHANNELS
from workstation.store.casefile import CaseFile, Edit

from .app import make_app
from .case_dialog import CaseDialog
from .main_window import MainWindow


def _grab(widget: QWidget, path: Path) -> Path:
    QApplication.processEvents()
    if not widget.grab().save(str(path)):
        raise RuntimeError(f"could not write {path}")
    return path


def render_all(
    out_dir: Path, cases: int = 300, seed: int = 1, today: date = DEMO_TODAY
) -> list[Path]:
    """Make a demo case file in a temporary folder and render each screen into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    make_app()
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        case_path = Path(tmp) / "casefile.sqlite3"
        with CaseFile.open(case_path, create=True, officer="张伟") as cf:
            fill_demo(cf, cases, seed=seed)
            settings = QSettings(str(Path(tmp) / "window.ini"), QSettings.Format.IniFormat)
            window = MainWindow(cf, settings, today=today)
            window.resize(1280, 800)
            window.show()
            window.table.selectRow(0)
            written.append(_grab(window, out_dir / "main-window.png"))

            window.search.setText("王")
            window.apply_filter()
            window.table.selectRow(0)
            written.append(_grab(window, out_dir / "main-window-search.png"))

            case_id = window.selected_case_id()
            detail = load_case(cf, case_id) if case_id else None
            dialog = CaseDialog(cf, detail, window)
            dialog.resize(760, 820)
            dialog.show()
            written.append(_grab(dialog, out_dir / "case-dialog.png"))
            dialog.reject()

            blank = CaseDialog(cf, None, window)
            blank.resize(760, 820)
            blank.show()
            blank.fields["case_number"].set_text("（2021）豫0302执")
            blank.fields["filing_date"].set_text("2021-02-30")
            blank.party_editors[0].fields["name"].set_text("王五")
            blank.party_editors[0].fields["id_number"].set_text("110105194912310025")
            blank.save()
            written.append(_grab(blank, out_dir / "case-dialog-errors.png"))
            blank.reject()

            from .dashboard import Dashboard

            board = Dashboard(cf, window, today=today)
            board.resize(1200, 820)
            board.show()
            written.append(_grab(board, out_dir / "dashboard.png"))
            board.close()
            window.close()
    return written


def _case(cf: CaseFile, number: str, filed: str, debtor: dict, today: date, **more: str) -> str:
    values = {
        "case_number": number,
        "officer": "张伟",
        "filing_date": filed,
        "cause": "民间借贷纠纷",
        "basis_court": "洛阳市西工区人民法院",
        "basis_number": "（2025）豫0303民初1876号",
        "basis_kind": "民事判决书",
        "principal": "40万",
        "interest": "1.2万",
        "enforcement_fee": "7000",
    } | more
    applicant = {"role": "applicant", "kind": "person", "name": "王建国"}
    return save_case(
        cf, values, [PartyForm(applicant), PartyForm(debtor | {"role": "debtor"})], today=today
    )


def _inquiries(cf: CaseFile, case_id: str, day: str, today: date, channels=CORE_CHANNELS) -> None:
    for channel in channels:
        enforcement.record_measure(
            cf,
            case_id,
            {
                "kind": "online_inquiry",
                "date": day,
                "channel": channel.value,
                "found": "no",
                "result": "未发现可供执行的财产",
            },
            today,
        )


def _measures(cf: CaseFile, case_id: str, days: tuple[str, str, str], today: date) -> None:
    notice, restriction, visit = days
    for kind, day, result in (
        ("execution_notice", notice, "已送达"),
        ("property_report_order", notice, "已送达"),
        ("consumption_restriction", restriction, "已发出限制消费令"),
        ("dishonest_list_entry", restriction, "已纳入失信被执行人名单"),
    ):
        enforcement.record_measure(
            cf, case_id, {"kind": kind, "date": day, "result": result}, today
        )
    enforcement_more.record_field_visit(
        cf,
        case_id,
        {
            "date": visit,
            "place": "被执行人住所地（洛阳市涧西区长安路18号）",
            "officers": "张伟、李娜",
            "purpose": "查找财产、送达文书",
            "findings": "被执行人不在家，邻居称其外出务工；屋内无可供执行的财产",
            "as_measure": "1",
        },
        today,
    )


def fill_enforcement_sample(cf: CaseFile, today: date = DEMO_TODAY) -> dict[str, str]:
    """Cases with an enforcement record, made through the core as an officer would make them:
    "main" has a bit of everything; "ready" meets every termination condition; "terminated"
    is due its after-termination inquiries; "old" has been open for more than a year."""
    company = {"kind": "organisation", "name": "洛阳恒信商贸有限公司"}
    person = {"kind": "person", "name": "李强"}
    ids: dict[str, str] = {}
    main = ids["main"] = _case(cf, "（2026）豫0302执501号", "2026-03-02", company, today)
    _measures(cf, main, ("2026-03-04", "2026-03-20", "2026-06-10"), today)
    _inquiries(cf, main, "2026-10-15", today)
    enforcement.record_measure(
        cf,
        main,
        {"kind": "reward_notice", "date": "2026-11-02", "result": "已发布悬赏公告"},
        today,
    )
    deposit = enforcement_more.record_asset(
        cf,
        main,
        {
            "kind": "deposit",
            "description": "洛阳银行账户存款",
            "identifier_kind": "账号",
            "identifier_value": "6228480402564890018",
            "value": "3.2万",
            "value_basis": "balance",
            "found_date": "2026-03-02",
        },
        today,
    )
    truck = enforcement_more.record_asset(
        cf,
        main,
        {
            "kind": "vehicle",
            "description": "豫C8K921重型货车",
            "identifier_kind": "车牌号",
            "identifier_value": "豫C8K921",
            "value": "18万",
            "value_basis": "reference_price",
            "prior_encumbrances": "5万",
            "found_date": "2026-06-10",
        },
        today,
    )
    enforcement_more.record_asset(
        cf,
        main,
        {
            "kind": "real_estate",
            "description": "伊滨区庞村镇宅基地房屋",
            "status": "cannot_dispose",
            "cannot_dispose_reason": "农村宅基地上的房屋，两次流拍，申请执行人不接受抵债",
            "found_date": "2026-06-10",
        },
        today,
    )
    enforcement_more.record_seizure_as_typed(
        cf,
        main,
        {
            "asset_id": deposit,
            "kind": "freeze",
            "date": "2025-12-10",
            "amount": "3.2万",
            "from_preservation": "1",
        },
        today,
    )
    enforcement_more.record_seizure_as_typed(
        cf, main, {"asset_id": truck, "kind": "distrain", "date": "2026-06-12"}, today
    )
    for raw in (
        {
            "date": "2026-07-01",
            "amount": "2万",
            "source": "debtor_payment",
            "payer": "李强",
            "receipt_number": "ZK20260701",
        },
        {
            "date": "2026-10-01",
            "amount": "5万",
            "source": "transfer",
            "payer": "洛阳银行",
            "receipt_number": "ZK20261001",
        },
        {
            "date": "2026-11-25",
            "amount": "3000",
            "source": "debtor_payment",
            "payer": "李强",
            "cash": "1",
            "officers": "张伟、李娜",
        },
    ):
        enforcement_more.record_receipt(cf, main, raw, today)
    enforcement_more.record_payout_as_typed(
        cf,
        main,
        {"date": "2026-07-20", "amount": "2万", "payee": "王建国", "approver": "执行局长"},
        today,
    )
    enforcement_more.record_clue(
        cf,
        main,
        {
            "given_date": "2026-11-20",
            "description": "申请执行人称被执行人在伊滨区有一辆货车",
            "urgent": "1",
        },
        today,
    )
    enforcement_more.record_clue(
        cf, main, {"given_date": "2026-04-02", "description": "被执行人在涧西区有商铺"}, today
    )
    clue = cf.conn.execute("SELECT id FROM clues WHERE description LIKE '%商铺%'").fetchone()[0]
    enforcement_more.record_clue_result(
        cf, clue, {"status": "nothing_found", "verified_date": "2026-04-08"}, today
    )

    ready = ids["ready"] = _case(cf, "（2026）豫0302执233号", "2026-04-13", person, today)
    _measures(cf, ready, ("2026-04-15", "2026-05-06", "2026-07-22"), today)
    _inquiries(cf, ready, "2026-11-03", today, (*CORE_CHANNELS, *ADDITIONAL_CHANNELS))
    enforcement.record_measure(
        cf,
        ready,
        {
            "kind": "property_report_received",
            "date": "2026-04-25",
            "result": "被执行人申报无可供执行的财产",
        },
        today,
    )
    enforcement.record_measure(
        cf,
        ready,
        {"kind": "property_report_verified", "date": "2026-05-08", "result": "经核查，申报属实"},
        today,
    )
    # not a typed field anywhere yet: the applicant's written request for termination
    cf.save([Edit("case", {"applicant_asked_for_termination": 1}, ready)])

    terminated = ids["terminated"] = _case(
        cf,
        "（2024）豫0302执87号",
        "2024-01-15",
        {"kind": "person", "name": "赵小军"},
        today,
        status="closed",
        closing_date="2024-09-20",
        closing_method="termination",
    )
    # the day the termination ruling was served: set by the termination work, not typed here
    cf.save([Edit("case", {"termination_date": "2024-09-20"}, terminated)])
    old = ids["old"] = _case(
        cf, "（2025）豫0302执412号", "2025-08-11", {"kind": "person", "name": "孙丽"}, today
    )
    asset = enforcement_more.record_asset(
        cf,
        old,
        {
            "kind": "real_estate",
            "description": "西工区红山乡商品房一套",
            "value": "62万",
            "value_basis": "appraisal",
            "found_date": "2025-08-20",
        },
        today,
    )
    enforcement_more.record_seizure_as_typed(
        cf,
        old,
        {"asset_id": asset, "kind": "seal", "date": "2025-08-25", "until": "2026-12-15"},
        today,
    )
    return ids


def _wait(condition, timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the screen did not finish loading")
        QApplication.processEvents()
        time.sleep(0.01)


ENFORCEMENT_SHOTS = (
    ("case-measures.png", "措施"),
    ("case-assets.png", "财产与查封"),
    ("case-funds.png", "案款"),
    ("case-visits.png", "外勤"),
    ("case-clues.png", "线索"),
    ("case-readiness.png", "终本条件"),
)


def render_enforcement(out_dir: Path, today: date = DEMO_TODAY) -> list[Path]:
    """The enforcement tabs of a case with records, two dialogs refusing bad input, and the
    work view, on a (non-demo) case file made in a temporary folder."""
    from .entry_dialogs import resumption_dialog
    from .record_dialogs import measure_dialog, payout_dialog
    from .work_view import WorkView

    out_dir.mkdir(parents=True, exist_ok=True)
    make_app()
    written: list[Path] = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        CaseFile.open(Path(tmp) / "casefile.sqlite3", create=True, officer="张伟") as cf,
    ):
        ids = fill_enforcement_sample(cf, today)
        settings = QSettings(str(Path(tmp) / "window.ini"), QSettings.Format.IniFormat)
        window = MainWindow(cf, settings, today=today)
        window.resize(1440, 860)
        window.show()
        window.splitter.setSizes([520, 920])
        window.open_case(ids["main"])
        tabs = window.case_view.tabs
        for name, title in ENFORCEMENT_SHOTS:
            tabs.setCurrentIndex(next(i for i in range(tabs.count()) if tabs.tabText(i) == title))
            if name == "case-assets.png":  # an asset selected: its details show underneath
                tree = window.case_view.enforcement.assets.tree
                tree.setCurrentItem(tree.topLevelItem(1))
            written.append(_grab(window, out_dir / name))

        dialog = measure_dialog(cf, ids["main"], today, window)
        dialog.show()
        dialog.fields["date"].set_text("2026-12-03")
        dialog.save()
        written.append(_grab(dialog, out_dir / "measure-dialog-errors.png"))
        dialog.reject()
        dialog = payout_dialog(cf, ids["main"], [], "王建国", today, window)
        dialog.show()
        dialog.fields["amount"].set_text("10万")
        dialog.save()
        written.append(_grab(dialog, out_dir / "payout-dialog-errors.png"))
        dialog.reject()
        dialog = resumption_dialog(cf, ids["terminated"], "（2024）豫0302执87号", today, window)
        dialog.show()
        dialog.fields["case_number"].set_text("（2026）豫0302执恢12号")
        dialog.fields["filing_date"].set_text("2024-09-01")  # before the termination
        dialog.save()
        written.append(_grab(dialog, out_dir / "resumption-dialog-errors.png"))
        dialog.reject()

        from workstation import interview

        from .interview_wizard import InterviewWizard
        from .ruling_dialogs import RulingDialog

        draft = interview.start_draft(cf, ids["main"], officer="张伟")
        wizard = InterviewWizard(cf, draft, today, window)
        wizard.show()
        wizard.header["place"].setText("本院执行局第三约谈室")
        wizard.header["recorder"].setText("李娜")
        wizard.header["start"].setText("09:30")
        wizard.go(interview.PAGES.index("notices"))
        next(iter(wizard.notices.values())).setChecked(True)
        written.append(_grab(wizard, out_dir / "interview-notices.png"))
        wizard.go(interview.PAGES.index("review"))
        written.append(_grab(wizard, out_dir / "interview-review.png"))
        wizard.reject()
        dialog = RulingDialog(cf, ids["ready"], today, window)
        dialog.show()
        dialog.form.fields["clerk"].setText("李娜")
        dialog.refresh_preview()
        written.append(_grab(dialog, out_dir / "ruling-dialog.png"))
        dialog.reject()

        view = WorkView(cf, today, window)
        view.show()
        _wait(lambda: view.work is not None and not view.loading())
        view.select_kind("")
        written.append(_grab(view, out_dir / "work-view.png"))
        view.close()
        window.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="把各个界面渲染成 PNG 图片（离屏）")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--cases", type=int, default=300)
    args = parser.parse_args(argv)
    for path in render_all(args.out_dir, args.cases) + render_enforcement(args.out_dir):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
