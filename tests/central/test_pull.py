"""Pulling: pages of the change feed in the server's order, each change once."""

from central import admin
from central.feed import MAX_PULL

from .helpers import Central, demo_wires, expected_summary, pull_all, push


def test_paging_returns_every_change_in_scope_once_in_order(central: Central):
    zhang = central.user("zhang")
    li = central.user("li")
    mine, theirs = demo_wires(12, seed=1), demo_wires(12, seed=2, officer="李娜")
    for start in range(0, 40, 10):  # interleave the two officers' pushes
        push(zhang, mine[start : start + 10])
        push(li, theirs[start : start + 10])
    push(zhang, mine[40:])
    push(li, theirs[40:])
    for limit in (1, 7, 2000):
        got = pull_all(zhang, limit=limit)
        assert [c["change_id"] for c in got] == [w["change_id"] for w in mine]
        seqs = [c["server_seq"] for c in got]
        assert seqs == sorted(set(seqs))


def test_a_page_reports_where_to_go_on_and_whether_there_is_more(central: Central):
    zhang = central.user("zhang")
    wires = demo_wires(3)
    push(zhang, wires)
    page = zhang.get("/changes", params={"since": 0, "limit": 2}).json()
    assert [c["server_seq"] for c in page["changes"]] == [1, 2]
    assert page["next"] == 2 and page["more"] is True
    last = zhang.get("/changes", params={"since": len(wires) - 1}).json()
    assert [c["server_seq"] for c in last["changes"]] == [len(wires)]
    assert last["more"] is False
    empty = zhang.get("/changes", params={"since": 10_000}).json()
    assert empty == {"changes": [], "next": 10_000, "more": False}


def test_a_pulled_change_is_the_pushed_one_plus_its_sequence(central: Central):
    zhang = central.user("zhang")
    wires = demo_wires(1)
    push(zhang, wires)
    pulled = pull_all(zhang)
    assert [{k: v for k, v in c.items() if k != "server_seq"} for c in pulled] == wires


def test_load_demo_then_the_officer_pulls_everything(central: Central):
    zhang = central.user("zhang", name="张伟")
    accepted, _seconds = admin.load_demo(
        central.database(), cases=1500, seed=5, court="豫0302", officer_username="zhang"
    )
    assert accepted > MAX_PULL
    first = zhang.get("/changes", params={"since": 0, "limit": 10**6}).json()
    assert len(first["changes"]) == MAX_PULL and first["more"] is True  # the page size is capped
    everything = pull_all(zhang, limit=MAX_PULL)
    assert len(everything) == accepted
    assert [c["server_seq"] for c in everything] == list(range(1, accepted + 1))
    assert zhang.get("/summary").json() == expected_summary(everything)
    assert zhang.get("/status").json()["latest_seq"] == accepted
    assert pull_all(central.user("li")) == []
