"""Money received without an identifiable case (不明款): recorded by the finance office, listed
to the court's officers and managers, claimed once by an officer for a case of theirs."""

from datetime import date, timedelta

import httpx
import pytest

from central import admin
from central.cli import main

from .helpers import Central, demo_wires, push

TODAY = date.today()


def case_ids(wires: list[dict]) -> list[str]:
    return [w["record_id"] for w in wires if w["record_type"] == "case"]


def add_receipt(central: Central, court: str = "豫0302", days_ago: int = 3, **kw) -> str:
    typed = {
        "court_code": court,
        "received_date": (TODAY - timedelta(days=days_ago)).isoformat(),
        "amount": "1234.56",
        "payer": "洛阳宏达商贸有限公司",
        "receipt_number": "NO.0001",
        **kw,
    }
    receipt_id, _ = admin.add_receipt(central.database(), **typed)
    return receipt_id


class Court:
    def __init__(self, central: Central) -> None:
        self.zhang = central.user("zhang", court="豫0302", name="张伟")
        self.li = central.user("li", court="豫0302", name="李娜")
        self.wang = central.user("wang", court="豫0303", name="王强")
        self.zhao = central.user("zhao", court="豫0192", name="赵磊")
        self.manager = central.user("chen", role="court_manager", court="豫0302")
        self.luoyang = central.user("liu", role="intermediate_manager", court="豫03")
        self.cases: dict[str, list[str]] = {}
        for name, client, court, seed in (
            ("zhang", self.zhang, "豫0302", 1),
            ("li", self.li, "豫0302", 2),
            ("wang", self.wang, "豫0303", 3),
        ):
            wires = demo_wires(2, seed=seed, court=court)
            assert {r["status"] for r in push(client, wires)} == {"accepted"}
            self.cases[name] = case_ids(wires)


@pytest.fixture
def court(central: Central) -> Court:
    return Court(central)


def listed(client: httpx.Client) -> list[dict]:
    reply = client.get("/unmatched-receipts")
    assert reply.status_code == 200, reply.text
    return reply.json()["receipts"]


def claim(client: httpx.Client, receipt_id: str, case_id: str, funds_id: str) -> httpx.Response:
    return client.post(
        f"/unmatched-receipts/{receipt_id}/claim", json={"case_id": case_id, "funds_id": funds_id}
    )


def test_each_court_sees_its_own_unclaimed_receipts_with_days_waited(
    central: Central, court: Court
):
    old = add_receipt(central, days_ago=45, amount="400,000")
    new = add_receipt(central, days_ago=2, payer_account="6222020000001234")
    other = add_receipt(central, court="豫0303", days_ago=10)
    zhengzhou = add_receipt(central, court="豫0192")

    mine = listed(court.zhang)
    assert [r["id"] for r in mine] == [old, new]  # oldest first
    assert mine[0]["days_unclaimed"] == 45 and mine[0]["amount"] == 40_000_000
    assert mine[1]["amount"] == 123_456 and mine[1]["payer_account"] == "6222020000001234"
    assert mine[1]["receipt_number"] == "NO.0001" and mine[1]["source"] == "transfer"
    assert all(r["can_claim"] for r in mine)
    assert [r["id"] for r in listed(court.manager)] == [old, new]
    assert [r["id"] for r in listed(court.wang)] == [other]
    assert [r["id"] for r in listed(court.zhao)] == [zhengzhou]
    # the intermediate court's manager reads its basic courts', not Zhengzhou's, and claims none
    overseen = listed(court.luoyang)
    assert {r["id"] for r in overseen} == {old, new, other}
    assert not any(r["can_claim"] for r in overseen)
    reply = claim(court.luoyang, old, court.cases["zhang"][0], "f-1")
    assert reply.status_code == 403 and "只有承办人" in reply.json()["reason"]
    assert httpx.get(central.base_url + "/api/v1/unmatched-receipts").status_code == 401


def test_a_claim_is_idempotent_and_a_second_claimant_is_told_who_claimed_it(
    central: Central, court: Court
):
    receipt = add_receipt(central)
    case = court.cases["zhang"][0]
    first = claim(court.zhang, receipt, case, "funds-1")
    assert first.status_code == 200, first.text
    answer = first.json()
    assert answer["status"] == "claimed" and answer["claimed_by"] == "张伟"
    assert answer["case_id"] == case and answer["funds_id"] == "funds-1"
    assert answer["case_number"].startswith("（")

    again = claim(court.zhang, receipt, case, "funds-1")  # the answer was lost: asked again
    assert again.status_code == 200
    assert again.json()["status"] == "already_claimed"
    assert again.json()["claimed_at"] == answer["claimed_at"]
    assert listed(court.zhang) == [] and listed(court.manager) == []

    # another officer of the court, for a case of theirs: refused, naming who claimed it
    taken = claim(court.li, receipt, court.cases["li"][0], "funds-9")
    assert taken.status_code == 409
    body = taken.json()
    assert "已由张伟" in body["reason"] and answer["case_number"] in body["reason"]
    assert body["code"] == "claimed" and body["claim"]["funds_id"] == "funds-1"
    # the claimant again, but with another funds receipt: also refused (one receipt, one record)
    assert claim(court.zhang, receipt, case, "funds-2").status_code == 409


def test_claims_outside_the_officers_scope_are_refused_with_reasons(central: Central, court: Court):
    receipt = add_receipt(central)
    # a case of another court (the officer cannot hold it, but the check does not rely on that)
    reply = claim(court.zhang, receipt, court.cases["wang"][0], "f")
    assert reply.status_code == 403
    assert "不能认领到其他法院的案件" in reply.json()["reason"]
    assert reply.json()["code"] == "other_court"
    # a case of the same court held by another officer
    reply = claim(court.zhang, receipt, court.cases["li"][0], "f")
    assert reply.status_code == 403 and "不是您承办的案件" in reply.json()["reason"]
    # a case the server does not know yet (made offline, not synced)
    reply = claim(court.zhang, receipt, "0190a0a0-0000-7000-8000-000000000000", "f")
    assert reply.status_code == 404 and reply.json()["code"] == "case_unknown"
    assert "请先同步该案件" in reply.json()["reason"]
    # another court's receipt, and one that does not exist
    elsewhere = add_receipt(central, court="豫0303")
    reply = claim(court.zhang, elsewhere, court.cases["zhang"][0], "f")
    assert reply.status_code == 404 and "不属于您所在的法院" in reply.json()["reason"]
    assert claim(court.zhang, "no-such", court.cases["zhang"][0], "f").status_code == 404
    # a malformed request
    reply = court.zhang.post(f"/unmatched-receipts/{receipt}/claim", json={"case_id": 3})
    assert reply.status_code == 422 and "case_id" in reply.json()["reason"]
    assert [r["id"] for r in listed(court.zhang)] == [receipt]  # still unclaimed


def test_court_staff_record_receipts_through_the_api(central: Central, court: Court):
    body = {
        "received_date": (TODAY - timedelta(days=1)).isoformat(),
        "amount": 50_000,
        "payer": "王五",
        "receipt_number": "B-17",
    }
    reply = court.manager.post("/unmatched-receipts", json=body)
    assert reply.status_code == 201, reply.text
    (row,) = listed(court.zhang)
    assert row["id"] == reply.json()["id"] and row["amount"] == 50_000
    assert row["court_code"] == "豫0302" and row["days_unclaimed"] == 1
    refused = court.zhang.post("/unmatched-receipts", json=body)
    assert refused.status_code == 403 and "管理人员" in refused.json()["reason"]
    other = court.manager.post("/unmatched-receipts", json={**body, "court_code": "豫0303"})
    assert other.status_code == 403 and "本院" in other.json()["reason"]
    for bad, words in (
        ({"amount": 0}, "大于零"),
        ({"amount": -5}, "负数"),
        ({"amount": "12.50"}, "整数"),
        ({"received_date": "2024-02-30"}, "不存在"),
        ({"received_date": (TODAY + timedelta(days=3)).isoformat()}, "晚于今天"),
        ({"payer": " "}, "交款人"),
    ):
        reply = court.manager.post("/unmatched-receipts", json={**body, **bad})
        assert reply.status_code == 422, (bad, reply.text)
        assert words in reply.json()["reason"], (bad, reply.json())


def test_add_receipt_from_the_command_line(
    central: Central, court: Court, capsys: pytest.CaptureFixture[str]
):
    db = central.db_url
    day = (TODAY - timedelta(days=5)).isoformat()
    argv = ["add-receipt", "--db", db, "--court", "豫0302", "--date", day]
    code = main([*argv, "--amount", "1234.56", "--payer", "王五", "--receipt-number", "NO.9"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "已登记未认领款项" in out.out and "1,234.56元" in out.out
    (row,) = listed(court.zhang)
    assert row["amount"] == 123_456 and row["receipt_number"] == "NO.9"
    assert row["days_unclaimed"] == 5

    for args, words in (
        (["--amount", "-5", "--payer", "王五"], "负数"),
        (["--amount", "0", "--payer", "王五"], "大于零"),
        (["--amount", "12.345", "--payer", "王五"], "两位小数"),
        (["--amount", "10", "--payer", "王五", "--source", "cash"], "款项来源"),
    ):
        assert main([*argv, *args]) == 2
        assert words in capsys.readouterr().err, args
    base = ["add-receipt", "--db", db, "--amount", "10", "--payer", "王五"]
    assert main([*base, "--court", "豫0302", "--date", "2024-13-01"]) == 2
    assert "月份13不存在" in capsys.readouterr().err
    assert main([*base, "--court", "豫9999", "--date", day]) == 2
    assert "不在法院代码表中" in capsys.readouterr().err
    assert len(listed(court.zhang)) == 1
