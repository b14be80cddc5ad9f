"""A small fixed case file for the indicator tests, counted by hand (see the table below).

Period October 2026 (2026-10-01 .. 2026-10-31). Court 豫0302 unless said; amounts in fen.

case  kind  officer  filed       closed      how          notes
A     执    张伟     2026-03-01  2026-10-31  completed    last day of the period; receipt 09-01
                                                           100,000 paid 10-01 (day 30: on time)
B     执    张伟     2026-06-15  2026-11-01  completed    the day after: open at the end;
                                                           receipt 09-20 30,000 never paid
C     执恢  李娜     2026-10-10  2026-10-20  termination  resumes D; a ruling document
D     执    李娜     2024-01-10  2024-12-01  termination  closed before the period
E     执    张伟     2025-05-01  open                     over a year; receipt 09-15 80,000
                                                           paid 10-16 (day 31: late)
F     执保  张伟     2026-10-05  open                     preservation: not counted
G     执    张伟     2026-04-30  2026-10-30  termination  no ruling document
H     执    李娜     2026-04-20  2026-10-20  ended        closed on the legal deadline
I     执    李娜     2026-04-19  2026-10-20  completed    a day after the legal deadline
J     执    王强     2026-09-01  2026-10-15  completed    court 豫0303
K     执    张伟     2026-10-02  open
"""

import json
from itertools import count

from workstation.ids import uuid7
from workstation.store.casefile import CaseFile
from workstation.store.journal import Change

CASES = {
    # key: (kind, officer, court, filed, closed, method, principal)
    "A": ("执", "张伟", "豫0302", "2026-03-01", "2026-10-31", "completed", 100_000),
    "B": ("执", "张伟", "豫0302", "2026-06-15", "2026-11-01", "completed", 150_000),
    "C": ("执恢", "李娜", "豫0302", "2026-10-10", "2026-10-20", "termination", 200_000),
    "D": ("执", "李娜", "豫0302", "2024-01-10", "2024-12-01", "termination", 200_000),
    "E": ("执", "张伟", "豫0302", "2025-05-01", None, None, 250_000),
    "F": ("执保", "张伟", "豫0302", "2026-10-05", None, None, 90_000),
    "G": ("执", "张伟", "豫0302", "2026-04-30", "2026-10-30", "termination", 300_000),
    "H": ("执", "李娜", "豫0302", "2026-04-20", "2026-10-20", "ended", 400_000),
    "I": ("执", "李娜", "豫0302", "2026-04-19", "2026-10-20", "completed", 500_000),
    "J": ("执", "王强", "豫0303", "2026-09-01", "2026-10-15", "completed", 600_000),
    "K": ("执", "张伟", "豫0302", "2026-10-02", None, None, 700_000),
}


def build(cf: CaseFile) -> dict[str, str]:
    """Write the cases into `cf`; returns key -> case id (and "payout-A" ... for funds)."""
    ids = {key: uuid7() for key in CASES}
    serial = count(1)
    changes: list[Change] = []

    def add(record_type: str, record_id: str, fields: dict) -> None:
        changes.append(
            Change(
                uuid7(),
                record_type,
                record_id,
                fields,
                dict.fromkeys(fields),
                "测试",
                "test-device",
                "2026-11-01T00:00:00.000Z",
                origin="demo",
            )
        )

    for key, (kind, officer, court, filed, closed, method, principal) in CASES.items():
        add(
            "case",
            ids[key],
            {
                "case_number": f"（{filed[:4]}）{court}{kind}{next(serial)}号",
                "court_code": court,
                "officer": officer,
                "filing_date": filed,
                "principal": principal,
                "status": "closed" if closed else "open",
                "closing_date": closed,
                "closing_method": method,
                "termination_date": closed if method == "termination" else None,
                "original_case_id": ids["D"] if key == "C" else None,
            },
        )

    def funds(key: str, kind: str, day: str, amount: int, **more: object) -> str:
        rid = uuid7()
        fields = {"case_id": ids[key], "kind": kind, "date": day, "amount": amount, **more}
        if kind == "receipt":
            fields |= {"source": "transfer", "payer": "被执行人"}
        add("funds", rid, fields)
        return rid

    ra = funds("A", "receipt", "2026-09-01", 100_000)
    ids["payout-A"] = funds("A", "payout", "2026-10-01", 100_000, payee="申请人甲", receipt_id=ra)
    funds("B", "receipt", "2026-09-20", 30_000)
    re_ = funds("E", "receipt", "2026-09-15", 80_000)
    ids["payout-E"] = funds("E", "payout", "2026-10-16", 80_000, payee="申请人戊", receipt_id=re_)
    funds("D", "receipt", "2024-06-01", 50_000)  # the original's money: not C's recovery
    # C's ruling: written as a pulled record would be (the store checks readiness only for a
    # ruling made on this laptop)
    content = json.dumps({"blocks": []})
    add(
        "document",
        uuid7(),
        {
            "case_id": ids["C"],
            "kind": "ruling",
            "number": "（2026）豫0302执恢3号",
            "content": content,
            "content_hash": "0" * 64,
            "data": json.dumps({"ruling_date": "2026-10-15", "route": "applicant_confirmed"}),
            "route": "applicant_confirmed",
        },
    )
    cf.apply(changes, check_base=False)
    return ids
