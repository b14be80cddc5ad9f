"""The indicator ranking endpoint: who may see it, grouped how, over which courts."""

import pytest

from tests.central.helpers import Central, demo_wires, push
from workstation.demo import OFFICERS


@pytest.fixture
def courts(central: Central) -> dict:
    clients = {
        "zhang": central.user("zhang", court="豫0302", name="张伟"),
        "li": central.user("li", court="豫0302", name="李娜"),
        "wang": central.user("wang", court="豫0303", name="王强"),
        "zhao": central.user("zhao", court="豫0192", name="赵磊"),
    }
    for seed, (name, court, officer) in enumerate(
        (
            ("zhang", "豫0302", "张伟"),
            ("li", "豫0302", "李娜"),
            ("wang", "豫0303", "王强"),
            ("zhao", "豫0192", "赵磊"),
        ),
        start=1,
    ):
        wires = demo_wires(40, seed=seed, court=court, officer=officer)
        assert {r["status"] for r in push(clients[name], wires)} == {"accepted"}
    clients["manager"] = central.user("chen", role="court_manager", court="豫0302")
    clients["luoyang"] = central.user("liu", role="intermediate_manager", court="豫03")
    return clients


def ranking(client, period: str = "2026") -> dict:
    reply = client.get("/indicators/ranking", params={"period": period})
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_an_officer_is_refused(courts) -> None:
    reply = courts["zhang"].get("/indicators/ranking", params={"period": "2026-10"})
    assert reply.status_code == 403
    assert "管理人员" in reply.json()["reason"]


def test_court_manager_sees_officers_of_their_court(courts) -> None:
    data = ranking(courts["manager"])
    assert data["grouped_by"] == "officer"
    # the case's 承办人 field (the demo generator picks them at random)
    keys = {r["key"] for r in data["rows"]}
    assert keys and keys <= set(OFFICERS)
    codes = [i["code"] for i in data["indicators"]]
    assert "closure_rate" in codes and "funds_paid_late" in codes


def test_intermediate_manager_sees_only_its_basic_courts(courts) -> None:
    data = ranking(courts["luoyang"])
    assert data["grouped_by"] == "court"
    assert {r["key"] for r in data["rows"]} == {"豫0302", "豫0303"}  # not 豫0192
    by_court = {r["key"]: r for r in data["rows"]}
    officers = ranking(courts["manager"])["rows"]
    # the court's figure is the sum of its officers' (same formula, grouped differently)
    for code in ("closure_rate", "termination_rate"):
        assert by_court["豫0302"]["counts"][code] == [
            sum(r["counts"][code][0] for r in officers),
            sum(r["counts"][code][1] for r in officers),
        ]
    assert by_court["豫0302"]["counts"]["closure_rate"][1] > 0


def test_a_bad_period_is_explained(courts) -> None:
    reply = courts["manager"].get("/indicators/ranking", params={"period": "上个月"})
    assert reply.status_code == 422
    assert "请写作" in reply.json()["reason"]


def test_ranking_is_in_the_openapi(courts, central: Central) -> None:
    spec = courts["manager"].get(central.base_url + "/openapi.json").json()
    assert any(path.endswith("/indicators/ranking") for path in spec["paths"])
