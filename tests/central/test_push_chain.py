"""The server checks the push chain of what a workstation sends (workstation/store/chain.py)."""

import logging
from typing import Any

import pytest

from central.ingest import CHAIN_ALTERED, CHAIN_GAP
from workstation.store.chain import GENESIS, push_link
from workstation.sync.protocol import content_hash

from .helpers import Central, demo_wires, edit, push


def chained(wires: list[dict[str, Any]], previous: str = GENESIS) -> list[dict[str, Any]]:
    """The wires with the push chain values a workstation would have recorded for them."""
    out = []
    for wire in wires:
        value = push_link(previous, content_hash(wire))
        out.append({**wire, "chain_prev": previous, "chain": value})
        previous = value
    return out


def statuses(results: list[dict[str, Any]]) -> list[str]:
    return [r["status"] for r in results]


def test_a_chained_push_is_accepted_and_goes_on_across_batches(central: Central):
    zhang = central.user("zhang")
    wires = chained(demo_wires(4))
    assert set(statuses(push(zhang, wires[:5]))) == {"accepted"}
    assert set(statuses(push(zhang, wires[5:]))) == {"accepted"}


def test_a_batch_retried_after_a_lost_reply_is_answered_as_before(central: Central):
    zhang = central.user("zhang")
    wires = demo_wires(2)
    # the third change is refused for what it says (a record the server lacks), not its chain
    wires.insert(2, edit("case", "no-such-case", {"notes": "x"}, {"notes": "v1"}))
    wires = chained(wires)
    first = push(zhang, wires)
    assert statuses(first)[2] == "rejected" and "不存在" in first[2]["reason"]
    again = push(zhang, wires)  # the reply was lost: the same batch once more
    assert statuses(again) == ["duplicate" if s == "accepted" else s for s in statuses(first)]
    assert again[2]["reason"] == first[2]["reason"]
    assert [r["server_seq"] for r in again] == [r["server_seq"] for r in first]
    # and the device goes on from its last change
    (more,) = chained([edit("case", wires[0]["record_id"], {"notes": "y"}, {})], wires[-1]["chain"])
    assert statuses(push(zhang, [more])) == ["accepted"]


def test_a_change_altered_after_its_chain_was_recorded_is_refused(
    central: Central, caplog: pytest.LogCaptureFixture
):
    zhang = central.user("zhang")
    wires = chained(demo_wires(3))
    case = next(i for i, w in enumerate(wires) if w["record_type"] == "case" and i > 0)
    altered = {**wires[case], "fields": {**wires[case]["fields"], "principal": 1}}
    with caplog.at_level(logging.WARNING, logger="central.ingest"):
        results = push(zhang, [*wires[:case], altered, *wires[case + 1 :]])
    assert results[case]["status"] == "rejected"
    assert results[case]["reason"] == CHAIN_ALTERED
    assert "workstation verify" in CHAIN_ALTERED
    assert wires[case]["change_id"] in caplog.text and "altered" in caplog.text
    assert statuses(results)[:case] == ["accepted"] * case
    # the device is not locked out: the changes after it follow from it (its parties are refused
    # only because their case is not on the server)
    assert all(r["reason"] not in (CHAIN_ALTERED, CHAIN_GAP) for r in results[case + 1 :])
    assert "accepted" in statuses(results)[case + 1 :]


def test_a_change_missing_in_the_middle_is_refused_at_the_next(
    central: Central, caplog: pytest.LogCaptureFixture
):
    zhang = central.user("zhang")
    wires = chained(demo_wires(2))
    gap = next(i for i, w in enumerate(wires) if w["record_type"] == "case" and i > 0)
    with caplog.at_level(logging.WARNING, logger="central.ingest"):
        results = push(zhang, wires[:gap] + wires[gap + 1 :])  # the second case never sent
    assert statuses(results)[:gap] == ["accepted"] * gap
    assert results[gap]["status"] == "rejected" and results[gap]["reason"] == CHAIN_GAP
    assert wires[gap + 1]["change_id"] in caplog.text and "gap" in caplog.text


def test_a_missing_change_across_batches_is_refused_too(central: Central):
    zhang = central.user("zhang")
    wires = chained(demo_wires(2))
    push(zhang, wires[:2])
    (result,) = push(zhang, [wires[3]])  # wires[2] never arrives
    assert result["reason"] == CHAIN_GAP


def test_a_chain_from_another_device_does_not_count(central: Central):
    zhang = central.user("zhang")
    wires = chained(demo_wires(1))
    push(zhang, wires)
    other = {**edit("case", wires[0]["record_id"], {"notes": "x"}, {}), "device": "other"}
    (result,) = push(zhang, chained([other], wires[-1]["chain"]))
    assert result["reason"] == CHAIN_GAP


def test_a_recovered_file_starts_again_and_a_restored_backup_goes_on_from_before(
    central: Central,
):
    zhang = central.user("zhang")
    wires = chained(demo_wires(2))
    push(zhang, wires)
    case_id = wires[0]["record_id"]
    # a recovered case file has no changes of its own yet: its chain starts at GENESIS
    fresh = chained([edit("case", case_id, {"notes": "恢复后"}, {})])
    assert statuses(push(zhang, fresh)) == ["accepted"]
    # a backup restored from before the last changes goes on from a value the server has seen
    restored = chained([edit("case", case_id, {"notes": "备份后"}, {})], wires[2]["chain"])
    assert statuses(push(zhang, restored)) == ["accepted"]


def test_an_older_workstation_without_chain_values_is_not_checked(central: Central):
    zhang = central.user("zhang")
    assert set(statuses(push(zhang, demo_wires(2)))) == {"accepted"}


def test_the_chain_values_are_not_part_of_the_change(central: Central):
    """Idempotency is by content: the same change with and without chain values is one change."""
    zhang = central.user("zhang")
    wires = demo_wires(1)
    first = push(zhang, wires)
    again = push(zhang, chained(wires))
    assert statuses(again) == ["duplicate"] * len(wires)
    assert [r["server_seq"] for r in again] == [r["server_seq"] for r in first]


@pytest.mark.parametrize(
    "values",
    [{"chain": "xyz", "chain_prev": GENESIS}, {"chain": GENESIS}, {"chain_prev": 5, "chain": None}],
)
def test_malformed_chain_values_are_refused_with_a_reason(central: Central, values):
    zhang = central.user("zhang")
    (wire,) = demo_wires(1)[:1]
    (result,) = push(zhang, [{**wire, **values}])
    assert result["status"] == "rejected" and "校验链格式错误" in result["reason"]
