"""Pushing changes: idempotency, the server's order, conflicts, and what is refused."""

import json

import pytest
from sqlalchemy import func, select

from central import admin, feed
from central.ingest import parse
from central.tables import journal
from workstation.sync.protocol import PUSH_BATCH, change_from_wire, content_hash, summary

from .helpers import Central, demo_wires, edit, expected_summary, pull_all, push


def journal_rows(central: Central) -> int:
    with central.database().read() as conn:
        return conn.execute(select(func.count()).select_from(journal)).scalar_one()


def test_a_change_pushed_twice_is_stored_once(central: Central):
    zhang = central.user("zhang")
    wires = demo_wires(2)
    first = push(zhang, wires)
    assert [r["status"] for r in first] == ["accepted"] * len(wires)
    assert [r["server_seq"] for r in first] == list(range(1, len(wires) + 1))
    again = push(zhang, wires)
    assert [r["status"] for r in again] == ["duplicate"] * len(wires)
    assert [r["server_seq"] for r in again] == [r["server_seq"] for r in first]
    assert journal_rows(central) == len(wires)


def test_a_change_repeated_within_one_batch_is_a_duplicate(central: Central):
    zhang = central.user("zhang")
    wires = demo_wires(1)
    results = push(zhang, [*wires, wires[0]])
    assert results[-1]["status"] == "duplicate"
    assert results[-1]["server_seq"] == results[0]["server_seq"]


def test_different_content_under_a_known_id_is_rejected(central: Central):
    zhang = central.user("zhang")
    wires = demo_wires(1)
    push(zhang, wires)
    forged = {**wires[0], "fields": {**wires[0]["fields"], "notes": "改过的内容"}}
    (result,) = push(zhang, [forged])
    assert result["status"] == "rejected"
    assert "同一编号的变更内容不同" in result["reason"]
    assert journal_rows(central) == len(wires)


def test_a_pulled_change_pushed_back_is_a_duplicate(central: Central):
    """The stored form is the wire form: what a pull returns hashes like what was pushed."""
    zhang = central.user("zhang")
    wires = demo_wires(1)
    push(zhang, wires)
    pulled = pull_all(zhang)
    assert [content_hash(c) for c in pulled] == [content_hash(w) for w in wires]
    assert {r["status"] for r in push(zhang, pulled)} == {"duplicate"}


def case_of(wires: list[dict]) -> dict:
    return next(w for w in wires if w["record_type"] == "case")


def test_two_changes_from_one_version_make_a_conflict_keeping_the_replaced_value(
    central: Central,
):
    zhang = central.user("zhang", name="张伟")
    wires = demo_wires(1)
    push(zhang, wires)
    case = case_of(wires)
    seen = {"principal": case["change_id"]}
    mine = edit("case", case["record_id"], {"principal": 100_00}, seen, officer="张伟")
    # the same officer on a second laptop, from the same version
    theirs = edit("case", case["record_id"], {"principal": 250_00}, seen, officer="张伟（笔记本）")
    first, second = push(zhang, [mine]) + push(zhang, [theirs])
    assert first["status"] == second["status"] == "accepted"
    changes = pull_all(zhang, since=second["server_seq"] - 1)
    assert [c["change_id"] for c in changes[:1]] == [theirs["change_id"]]
    (conflict,) = changes[1:]
    assert conflict["server_seq"] == second["server_seq"] + 1
    assert conflict["record_type"] == "conflict"
    assert conflict["officer"] == "中心服务器"
    assert conflict["base"] == {}
    assert conflict["fields"] == {
        "case_id": case["record_id"],
        "target_type": "case",
        "target_id": case["record_id"],
        "field": "principal",
        "replaced_value": "10000",
        "replaced_version": mine["change_id"],
        "replaced_officer": "张伟",
        "current_change": theirs["change_id"],
        "current_officer": "张伟（笔记本）",
        "status": "open",
    }
    change_from_wire(conflict)  # a valid change for the workstation
    # the last accepted holds the field, and the summary counts the conflict record
    assert zhang.get("/summary").json() == expected_summary(pull_all(zhang))


def test_a_conflict_keeps_a_text_value_as_json(central: Central):
    zhang = central.user("zhang")
    wires = demo_wires(1)
    push(zhang, wires)
    case = case_of(wires)
    seen = {"notes": case["change_id"]}
    push(zhang, [edit("case", case["record_id"], {"notes": "被执行人已搬家"}, seen)])
    push(zhang, [edit("case", case["record_id"], {"notes": "已联系"}, seen)])
    conflict = pull_all(zhang)[-1]
    assert json.loads(conflict["fields"]["replaced_value"]) == "被执行人已搬家"


def test_the_same_value_from_an_old_version_is_no_conflict(central: Central):
    zhang = central.user("zhang")
    wires = demo_wires(1)
    push(zhang, wires)
    case = case_of(wires)
    seen = {"status": case["change_id"]}
    push(zhang, [edit("case", case["record_id"], {"status": "closed"}, seen)])
    (result,) = push(zhang, [edit("case", case["record_id"], {"status": "closed"}, seen)])
    assert result["status"] == "accepted"
    assert all(c["record_type"] != "conflict" for c in pull_all(zhang))


def test_an_edit_from_the_current_version_is_no_conflict(central: Central):
    zhang = central.user("zhang")
    wires = demo_wires(1)
    push(zhang, wires)
    case = case_of(wires)
    push(zhang, [edit("case", case["record_id"], {"notes": "一"}, {"notes": case["change_id"]})])
    second = edit(
        "case", case["record_id"], {"notes": "二"}, {"notes": pull_all(zhang)[-1]["change_id"]}
    )
    assert push(zhang, [second])[0]["status"] == "accepted"
    assert all(c["record_type"] != "conflict" for c in pull_all(zhang))


def test_creating_a_record_that_exists_is_an_update_from_no_version(central: Central):
    zhang = central.user("zhang")
    wires = demo_wires(1)
    push(zhang, wires)
    case = case_of(wires)
    again = edit(
        "case", case["record_id"], {"notes": "重新建立", "cause": case["fields"]["cause"]}, {}
    )
    assert push(zhang, [again])[0]["status"] == "accepted"
    conflicts = [c for c in pull_all(zhang) if c["record_type"] == "conflict"]
    assert [c["fields"]["field"] for c in conflicts] == ["notes"]  # cause did not change


def test_an_edit_of_a_record_the_server_lacks_is_rejected(central: Central):
    zhang = central.user("zhang")
    (result,) = push(zhang, [edit("case", "no-such-case", {"notes": "x"}, {"notes": "v1"})])
    assert result["status"] == "rejected"
    assert "不存在" in result["reason"]


def test_the_server_alone_makes_conflict_records(central: Central):
    zhang = central.user("zhang")
    wires = demo_wires(1)
    push(zhang, wires)
    case = case_of(wires)
    fake = edit(
        "conflict",
        "c1",
        {"case_id": case["record_id"], "target_type": "case", "target_id": "x", "field": "notes"},
        {},
    )
    (result,) = push(zhang, [fake])
    assert result["status"] == "rejected"


def test_a_case_cannot_be_moved_to_another_court(central: Central):
    zhang = central.user("zhang")
    wires = demo_wires(1)
    push(zhang, wires)
    case = case_of(wires)
    change = edit("case", case["record_id"], {"court_code": "豫0303"}, {"court_code": "x"})
    (result,) = push(zhang, [change])
    assert result["status"] == "rejected"
    assert "所属法院" in result["reason"]


def test_malformed_changes_are_rejected_one_by_one(central: Central):
    zhang = central.user("zhang")
    good = demo_wires(1)
    case_id = good[0]["record_id"]
    bad = [
        "not a change",
        {"change_id": "x"},
        {**good[0], "change_id": "c-unknown-type", "record_type": "nonsense"},
        {**good[0], "change_id": "c-unknown-field", "fields": {"nonsense": 1}},
        {**good[0], "change_id": "c-bad-money", "fields": {"principal": -5}},
        {**good[0], "change_id": "c-bad-date", "fields": {"filing_date": "2024-02-30"}},
        {**good[0], "change_id": "c-bad-base", "base": {"notes": "v"}},
        {**good[0], "change_id": "c-nul", "officer": "张\x00伟"},
        {**good[0], "change_id": "c-surrogate", "fields": {"notes": "\ud800"}},
        {**good[0], "change_id": "c-missing", "fields": {"notes": "只有备注"}},
        edit("party", "p1", {"case_id": case_id, "name": "缺身份"}, {}),
        edit("party", "p2", {"case_id": "长" * 300, "role": "debtor", "kind": "person",
                             "name": "钱七"}, {}),
        edit("attachment", "a1", {"case_id": case_id, "sha256": "x" * 100, "name": "照片"}, {}),
    ]  # fmt: skip
    results = push(zhang, [*bad, *good])
    assert [r["status"] for r in results[: len(bad)]] == ["rejected"] * len(bad)
    assert all(r["reason"] for r in results[: len(bad)])
    assert results[2]["change_id"] == "c-unknown-type"
    assert {r["status"] for r in results[len(bad) :]} == {"accepted"}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b"\xff\xfe", 400),
        (b"[" * 100_000 + b"]" * 100_000, 400),
        (b"[]", 422),
        (b'{"changes": {}}', 422),
        (b'{"changes": "x"}', 422),
        (b"1" * 10_000, 400),
    ],
)
def test_malformed_push_bodies_get_a_reason_not_a_500(central: Central, body: bytes, status: int):
    zhang = central.user("zhang")
    reply = zhang.post("/push", content=body, headers={"Content-Type": "application/json"})
    assert reply.status_code == status
    assert reply.json()["reason"]


def test_a_batch_larger_than_the_protocol_allows_is_refused(central: Central):
    zhang = central.user("zhang")
    wires = demo_wires(PUSH_BATCH // 2)[: PUSH_BATCH + 1]
    assert len(wires) == PUSH_BATCH + 1
    reply = zhang.post("/push", json={"changes": wires})
    assert reply.status_code == 413
    assert str(PUSH_BATCH) in reply.json()["reason"]
    assert journal_rows(central) == 0


def test_malformed_query_parameters_and_sign_in_bodies_get_4xx(central: Central):
    zhang = central.user("zhang")
    for params in ({"since": "x"}, {"since": -1}, {"limit": 0}, {"since": 10**30}):
        reply = zhang.get("/changes", params=params)
        assert reply.status_code == 422, params
        assert reply.json()["reason"]
    anonymous = central.client()
    for body in (b"", b"[]", b'{"username": 1, "password": "x"}', b'{"username": "a"}'):
        reply = anonymous.post("/session", content=body)
        assert 400 <= reply.status_code < 500
        assert reply.json()["reason"]
    assert zhang.get("/blobs/not-a-hash/offset").status_code == 422
    assert zhang.get("/no/such/path").status_code == 404


def test_the_summary_equals_the_protocol_summary_of_what_was_pushed(central: Central):
    zhang = central.user("zhang")
    wires = demo_wires(20)
    push(zhang, wires)
    case = case_of(wires)
    edits = [edit("case", case["record_id"], {"notes": "已查控"}, {"notes": case["change_id"]})]
    push(zhang, edits)
    assert zhang.get("/summary").json() == expected_summary(wires + edits)


def test_the_stored_hash_is_the_protocols_content_hash():
    for wire in demo_wires(5):
        _change, body, chash = parse(wire)
        assert chash == content_hash(wire)
        assert json.loads(body) == wire


def test_the_stored_digests_sum_to_the_protocol_summary(central: Central):
    zhang = central.user("zhang")
    wires = demo_wires(5)
    push(zhang, wires)
    case = case_of(wires)
    seen = {"notes": case["change_id"], "principal": case["change_id"]}
    push(zhang, [edit("case", case["record_id"], {"notes": "一", "principal": 1}, seen)])
    push(zhang, [edit("case", case["record_id"], {"notes": "二"}, seen)])  # a conflict
    officer = admin.officer_actor(central.database(), "zhang")
    with central.database().read() as conn:
        assert feed.summary(conn, officer) == summary(feed.scoped_versions(conn, officer))


def test_an_attachment_must_name_its_file_by_sha256(central: Central):
    zhang = central.user("zhang")
    wires = demo_wires(1)
    push(zhang, wires)
    fields = {"case_id": wires[0]["record_id"], "name": "照片", "sha256": "x" * 100}
    (result,) = push(zhang, [edit("attachment", "a1", fields, {})])
    assert result["status"] == "rejected" and "SHA-256" in result["reason"]
    (result,) = push(
        zhang, [edit("party", "p1", {**wires[1]["fields"], "case_id": "长" * 300}, {})]
    )
    assert result["status"] == "rejected"


def test_the_server_refuses_a_change_to_a_finalised_document(central: Central):
    zhang = central.user("zhang", name="张伟")
    wires = demo_wires(1)
    push(zhang, wires)
    case = case_of(wires)
    document = edit(
        "document",
        "doc-1",
        {
            "case_id": case["record_id"],
            "kind": "interview_record",
            "content": '{"blocks": []}',
            "content_hash": "a" * 64,
        },
        {},
    )
    (made,) = push(zhang, [document])
    assert made["status"] == "accepted"
    forged = edit("document", "doc-1", {"content": '{"blocks": [1]}'}, {})
    (refused,) = push(zhang, [forged])
    assert refused["status"] == "rejected"
    assert "已定稿的文书不能修改" in refused["reason"]
    signed = edit("document", "doc-1", {"signed_date": "2026-11-20"}, {})
    (accepted,) = push(zhang, [signed])
    assert accepted["status"] == "accepted"
