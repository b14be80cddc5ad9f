"""Opening a big case: 200 measures, 50 assets (with seizures) and 100 fund events.

    python bench/case_open.py

Target (issue 4): the case opens in at most 100 ms. Prints the time to show the case (overview
and the current tab), the time to fill every tab, and the termination check alone, beside the
floor: reading the same rows with plain SQL in the same run.
"""

import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.common import machine
from workstation import enforcement
from workstation.store.casefile import CaseFile, Edit

TODAY = date(2026, 11, 26)
KINDS = ["online_inquiry", "field_visit", "execution_notice", "consumption_restriction"]
CHANNELS = ["bank", "vehicle", "real_estate", "securities", "internet_bank"]


def big_case(cf: CaseFile) -> str:
    (case_id,) = cf.save(
        [
            Edit(
                "case",
                {
                    "case_number": "（2024）豫0302执88号",
                    "filing_date": "2024-01-05",
                    "principal": 900_000_000,
                    "due_date": "2023-12-01",
                    "court_code": "豫0302",
                },
            )
        ]
    )
    edits = [
        Edit("party", {"case_id": case_id, "role": "applicant", "kind": "person", "name": "王五"}),
        Edit("party", {"case_id": case_id, "role": "debtor", "kind": "person", "name": "李四"}),
    ]
    start = date(2024, 1, 10)
    for i in range(200):
        kind = KINDS[i % len(KINDS)]
        edits.append(
            Edit(
                "measure",
                {
                    "case_id": case_id,
                    "kind": kind,
                    "date": (start + timedelta(days=i * 3)).isoformat(),
                    "officer": "张伟",
                    "result": f"第{i}次措施：未发现可供执行的财产",
                    "channel": CHANNELS[i % len(CHANNELS)] if kind == "online_inquiry" else None,
                },
            )
        )
    for i in range(50):
        edits.append(
            Edit(
                "asset",
                {
                    "case_id": case_id,
                    "kind": "vehicle",
                    "description": f"车辆{i}",
                    "status": "seized",
                    "value": 5_000_000,
                    "value_basis": "reference_price",
                },
            )
        )
    ids = cf.save(edits)
    assets = ids[-50:]
    cf.save(
        [
            Edit(
                "seizure",
                {
                    "case_id": case_id,
                    "asset_id": a,
                    "kind": "distrain",
                    "date": (start + timedelta(days=i)).isoformat(),
                },
            )
            for i, a in enumerate(assets)
        ]
    )
    fund_edits = []
    for i in range(100):
        when = (start + timedelta(days=i * 7)).isoformat()
        fund_edits.append(
            Edit(
                "funds",
                {
                    "case_id": case_id,
                    "kind": "receipt",
                    "date": when,
                    "amount": 100_000,
                    "source": "transfer",
                },
            )
        )
    receipt_ids = cf.save(fund_edits)
    cf.save(
        [
            Edit(
                "funds",
                {
                    "case_id": case_id,
                    "kind": "payout",
                    "date": TODAY.isoformat(),
                    "amount": 100_000,
                    "payee": "王五",
                    "receipt_id": r,
                },
            )
            for r in receipt_ids[:50]
        ]
    )
    return case_id


def ms(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from ui.app import make_app
    from ui.main_window import MainWindow

    root = Path(tempfile.mkdtemp(prefix="bench-case-"))
    cf = CaseFile.open(root / "casefile.sqlite3", create=True, officer="张伟")
    case_id = big_case(cf)
    make_app()
    window = MainWindow(cf, QSettings(str(root / "w.ini"), QSettings.Format.IniFormat), today=TODAY)
    window.resize(1400, 860)
    window.show()
    QApplication.processEvents()

    def open_case() -> None:
        window.show_case(case_id)
        QApplication.processEvents()

    def every_tab() -> None:
        window.show_case(case_id)
        window.case_view.enforcement.refresh_all()
        QApplication.processEvents()

    def floor() -> None:
        for table in ("cases", "parties", "measures", "assets", "seizures", "funds"):
            cf.conn.execute(
                f"SELECT * FROM {table} WHERE {'id' if table == 'cases' else 'case_id'} = ?",
                (case_id,),
            ).fetchall()

    open_case()  # warm up
    every_tab()
    runs = 15
    opened = statistics.median(ms(open_case) for _ in range(runs))
    tabs = statistics.median(ms(every_tab) for _ in range(runs))
    check = statistics.median(
        ms(lambda: enforcement.readiness(cf, case_id, TODAY)) for _ in range(runs)
    )
    raw = statistics.median(ms(floor) for _ in range(runs))
    print(f"machine: {machine()}")
    print("case: 200 measures, 50 assets with seizures, 150 fund events")
    print(f"open the case (overview + current tab): {opened:6.1f} ms (target <= 100 ms)")
    print(f"fill every tab, termination check included: {tabs:6.1f} ms")
    print(f"termination check alone: {check:6.1f} ms")
    print(f"floor, the same rows by plain SQL: {raw:6.2f} ms")
    window.close()
    cf.close()


if __name__ == "__main__":
    main()
