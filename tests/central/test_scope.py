"""Who reads and writes which cases: officers their own, managers their courts, only officers
write."""

from dataclasses import dataclass

import httpx
import pytest

from .helpers import Central, demo_wires, edit, expected_summary, pull_all, push


@dataclass
class Courts:
    zhang: httpx.Client  # officer, 豫0302
    li: httpx.Client  # officer, 豫0302
    wang: httpx.Client  # officer, 豫0303
    zhao: httpx.Client  # officer, 豫0192 (Zhengzhou: not under 豫03)
    wires: dict[str, list[dict]]


@pytest.fixture
def courts(central: Central) -> Courts:
    """Three officers of two Luoyang courts and one of Zhengzhou, each with their own cases."""
    zhang = central.user("zhang", court="豫0302")
    li = central.user("li", court="豫0302")
    wang = central.user("wang", court="豫0303")
    zhao = central.user("zhao", court="豫0192")
    wires = {
        "zhang": demo_wires(3, seed=1, court="豫0302", officer="张伟"),
        "li": demo_wires(2, seed=2, court="豫0302", officer="李娜"),
        "wang": demo_wires(2, seed=3, court="豫0303", officer="王强"),
        "zhao": demo_wires(1, seed=4, court="豫0192", officer="赵磊"),
    }
    for name, client in (("zhang", zhang), ("li", li), ("wang", wang), ("zhao", zhao)):
        assert {r["status"] for r in push(client, wires[name])} == {"accepted"}
    return Courts(zhang, li, wang, zhao, wires)


def ids(changes: list[dict]) -> list[str]:
    return [c["change_id"] for c in changes]


def first_case(wires: list[dict]) -> dict:
    return next(w for w in wires if w["record_type"] == "case")


def test_an_officer_pulls_only_their_own_cases(courts: Courts):
    assert ids(pull_all(courts.zhang)) == ids(courts.wires["zhang"])
    assert ids(pull_all(courts.wang)) == ids(courts.wires["wang"])


def test_an_officers_summary_covers_only_their_own_cases(courts: Courts):
    assert courts.zhang.get("/summary").json() == expected_summary(courts.wires["zhang"])
    assert courts.li.get("/summary").json() == expected_summary(courts.wires["li"])


def test_an_officer_cannot_change_a_case_of_another_officer_or_court(courts: Courts):
    for other in ("li", "wang"):
        case = first_case(courts.wires[other])
        party = next(w for w in courts.wires[other] if w["record_type"] == "party")
        attempts = [
            edit("case", case["record_id"], {"notes": "改"}, {"notes": case["change_id"]}),
            edit("party", party["record_id"], {"phone": "13800000000"}, {}),
            edit(
                "party",
                "new-party",
                {"case_id": case["record_id"], "role": "debtor", "kind": "person", "name": "钱七"},
                {},
            ),
        ]
        results = push(courts.zhang, attempts)
        assert [r["status"] for r in results] == ["rejected"] * 3
        assert all("不是您承办的案件" in r["reason"] for r in results)
    # none of it reached the owners
    assert ids(pull_all(courts.li)) == ids(courts.wires["li"])
    assert ids(pull_all(courts.wang)) == ids(courts.wires["wang"])


def test_a_new_case_of_another_court_is_refused_and_the_batch_goes_on(courts: Courts):
    foreign = demo_wires(1, seed=9, court="豫0303")
    own = demo_wires(1, seed=10, court="豫0302")
    results = push(courts.zhang, foreign + own)
    case_result = results[0]
    assert case_result["status"] == "rejected"
    assert "与您所在的法院（豫0302）不符" in case_result["reason"]
    # its parties are refused as their case is not on the server; the next case is accepted
    assert {r["status"] for r in results[1 : len(foreign)]} == {"rejected"}
    assert {r["status"] for r in results[len(foreign) :]} == {"accepted"}
    assert ids(pull_all(courts.zhang)) == ids(courts.wires["zhang"] + own)


def test_status_counts_only_the_changes_the_officer_sees(courts: Courts):
    status = courts.zhang.get("/status").json()
    own_last = pull_all(courts.zhang)[-1]["server_seq"]
    assert status["latest_seq"] == own_last


def test_a_court_manager_reads_the_whole_court_and_cannot_push(central: Central, courts: Courts):
    manager = central.user("boss", role="court_manager", court="豫0302")
    seen = ids(pull_all(manager))
    assert seen == ids(courts.wires["zhang"] + courts.wires["li"])
    assert manager.get("/summary").json() == expected_summary(
        courts.wires["zhang"] + courts.wires["li"]
    )
    case = first_case(courts.wires["zhang"])
    change = edit("case", case["record_id"], {"notes": "改"}, {"notes": case["change_id"]})
    results = push(manager, [change, *demo_wires(1, seed=11, court="豫0302")])
    assert {r["status"] for r in results} == {"rejected"}
    assert "只能查看" in results[0]["reason"]


def test_an_intermediate_manager_reads_its_basic_courts(central: Central, courts: Courts):
    manager = central.user("zhong", role="intermediate_manager", court="豫03")
    expected = courts.wires["zhang"] + courts.wires["li"] + courts.wires["wang"]
    assert ids(pull_all(manager)) == ids(expected)  # not Zhengzhou's
    assert manager.get("/summary").json() == expected_summary(expected)
    assert {r["status"] for r in push(manager, demo_wires(1, seed=12, court="豫03"))} == {
        "rejected"
    }


def test_an_administrator_reads_everything(central: Central, courts: Courts):
    root = central.user("root", role="admin", court="豫")
    everything = [w for name in ("zhang", "li", "wang", "zhao") for w in courts.wires[name]]
    assert ids(pull_all(root)) == ids(everything)
    assert root.get("/summary").json() == expected_summary(everything)
