"""Claiming money received without a case (不明款) from a workstation, against the real server:
recorded once on the case, claimed once on the server, even with the server gone in between."""

import contextlib
from datetime import date, timedelta
from pathlib import Path

import pytest

from central import admin
from central.testing import run_server
from tests.sync.conftest import FAST_RETRY, PASSWORD, Server, laptop, sync
from workstation.cases import ValidationFailed
from workstation.demo import fill_demo
from workstation.store.casefile import CaseFile
from workstation.sync import receipts
from workstation.sync.client import HttpTransport, SyncError
from workstation.sync.receipts import (
    PendingClaim,
    ReceiptsSession,
    claim,
    claimable_cases,
    list_unmatched,
    pending_claims,
)

TODAY = date.today()


def add_receipt(server: Server, days_ago: int = 40, amount: str = "1234.56", **kw) -> str:
    typed = {"payer": "洛阳宏达商贸有限公司", "receipt_number": "NO.0042", **kw}
    received = (TODAY - timedelta(days=days_ago)).isoformat()
    receipt_id, _ = admin.add_receipt(
        server.db, court_code="豫0302", received_date=received, amount=amount, **typed
    )
    return receipt_id


@contextlib.contextmanager
def session(cf: CaseFile, url: str):
    transport = HttpTransport(url)
    try:
        yield ReceiptsSession(
            cf, transport, server_url=url, password=lambda: PASSWORD, retry=FAST_RETRY
        )
    finally:
        transport.close()


def receipts_of(cf: CaseFile, case_id: str) -> list[tuple]:
    return cf.conn.execute(
        "SELECT id, date, amount, source, payer, receipt_number FROM funds "
        "WHERE case_id = ? AND kind = 'receipt' AND deleted = 0",
        (case_id,),
    ).fetchall()


def server_claim(server: Server, receipt_id: str) -> tuple:
    with server.db.read() as conn:
        return conn.exec_driver_sql(
            "SELECT claimed_case_id, claimed_funds_id FROM unmatched_receipts WHERE id = ?",
            (receipt_id,),
        ).one()


def test_claim_records_a_receipt_on_the_case_and_the_server_knows(server: Server, tmp_path):
    cf = laptop(tmp_path, "a", server)
    sync(cf, server)
    old, new = add_receipt(server, days_ago=40), add_receipt(server, days_ago=2, amount="50")
    with session(cf, server.url) as s:
        listed = list_unmatched(s)
        assert [r.id for r in listed.receipts] == [old, new]
        first = listed.receipts[0]
        assert first.amount == 123_456 and first.days_unclaimed == 40 and first.can_claim
        case_id, _number = claimable_cases(cf)[0]
        outcome = claim(s, first, case_id)
        assert outcome.confirmed and "认领成功" in outcome.message
        assert [r.id for r in list_unmatched(s).receipts] == [new]
    ((funds_id, *values),) = receipts_of(cf, case_id)
    assert outcome.funds_id == funds_id
    assert values == [first.received_date.isoformat(), 123_456, "transfer", first.payer, "NO.0042"]
    assert server_claim(server, old) == (case_id, funds_id)
    assert pending_claims(cf) == {}
    # the funds record is an ordinary change: it syncs like any other
    assert cf.unsynced_count() == 1
    sync(cf, server)
    assert cf.unsynced_count() == 0
    with server.db.read() as conn:
        assert (
            conn.exec_driver_sql(
                "SELECT count(*) FROM records WHERE record_type = 'funds' AND record_id = ?",
                (funds_id,),
            ).scalar()
            == 1
        )


def test_a_claim_interrupted_by_the_server_going_away_is_sent_later_never_recorded_twice(
    server: Server, tmp_path: Path
):
    cf = laptop(tmp_path, "a", server)
    sync(cf, server)
    receipt_id = add_receipt(server)
    case_id = claimable_cases(cf)[0][0]
    # the officer works with a second server on the same database, which stops between the steps
    second = contextlib.ExitStack()
    url = second.enter_context(run_server(server.db_url, tmp_path / "blobs"))
    with session(cf, url) as s:
        (receipt,) = list_unmatched(s).receipts
        real_call = s.client.call

        def stop_after_the_check(method, path, **kw):
            reply = real_call(method, path, **kw)
            if method == "GET":  # the fresh check just before recording: then the server stops
                second.close()
            return reply

        s.client.call = stop_after_the_check
        outcome = claim(s, receipt, case_id)
    assert not outcome.confirmed
    assert "暂时无法通知服务器" in outcome.message and "请勿重复认领" in outcome.message
    (recorded,) = receipts_of(cf, case_id)  # the money is on the case
    assert server_claim(server, receipt_id) == (None, None)
    assert pending_claims(cf)[receipt_id].funds_id == recorded[0]
    # offline: the list says why; the claim is kept
    with session(cf, url) as s, pytest.raises(SyncError) as offline:
        list_unmatched(s)
    assert offline.value.kind == "network" and "离线时无法查看未认领款项" in offline.value.message
    assert receipt_id in pending_claims(cf)

    # the server is back: the next list sends the claim, and the receipt is no longer listed
    with session(cf, server.url) as s:
        listed = list_unmatched(s)
        assert [o.confirmed for o in listed.retried] == [True]
        assert listed.receipts == [] and listed.pending == []
        # a stale list: claiming it again records nothing and is refused
        with pytest.raises(SyncError, match="已被认领"):
            claim(s, receipt, claimable_cases(cf)[1][0])
    assert receipts_of(cf, case_id) == [recorded]
    assert sum(len(receipts_of(cf, c)) for c, _ in claimable_cases(cf)) == 1
    assert server_claim(server, receipt_id) == (case_id, recorded[0])
    assert pending_claims(cf) == {}


def test_a_claim_that_stopped_before_noting_its_funds_record_finds_it(server: Server, tmp_path):
    """The program died between recording the receipt and noting its id: the next list finds the
    funds record from the intent and sends the claim; an intent with nothing recorded is dropped."""
    from workstation.enforcement_more import record_receipt

    cf = laptop(tmp_path, "a", server)
    sync(cf, server)
    recorded_id, lost_id = add_receipt(server), add_receipt(server, amount="9")
    case_id = claimable_cases(cf)[0][0]
    with session(cf, server.url) as s:
        by_id = {r.id: r for r in list_unmatched(s).receipts}
    intents = {}
    for rid in (recorded_id, lost_id):
        r = by_id[rid]
        (last,) = cf.conn.execute("SELECT coalesce(max(n), 0) FROM funds").fetchone()
        intents[rid] = PendingClaim(
            rid, case_id, r.received_date.isoformat(), r.amount, r.payer, r.receipt_number, last
        )
    receipts._save_pending(cf, intents)
    r = by_id[recorded_id]
    funds_id = record_receipt(
        cf,
        case_id,
        {"date": r.received_date.isoformat(), "amount": r.amount, "source": "transfer",
         "payer": r.payer, "receipt_number": r.receipt_number},
    )  # fmt: skip
    with session(cf, server.url) as s:
        listed = list_unmatched(s)
    assert [(o.receipt_id, o.funds_id, o.confirmed) for o in listed.retried] == [
        (recorded_id, funds_id, True)
    ]
    assert [x.id for x in listed.receipts] == [lost_id]  # nothing was recorded: claim it anew
    assert pending_claims(cf) == {}
    assert server_claim(server, recorded_id) == (case_id, funds_id)


def test_a_claim_refused_by_the_server_keeps_the_local_record_for_the_officer(
    server: Server, tmp_path
):
    a, b = laptop(tmp_path, "a", server), laptop(tmp_path, "b", server, user="li")
    sync(a, server)
    sync(b, server)
    receipt_id = add_receipt(server)
    with session(a, server.url) as sa, session(b, server.url) as sb:
        (receipt,) = list_unmatched(sa).receipts
        (li_case,) = [c for c, _ in claimable_cases(b)]
        real_call = sa.client.call

        def li_claims_first(method, path, **kw):  # li claims between zhang's check and claim
            if method == "POST":
                assert claim(sb, receipt, li_case).confirmed
            return real_call(method, path, **kw)

        sa.client.call = li_claims_first
        case_id = claimable_cases(a)[0][0]
        outcome = claim(sa, receipt, case_id)
    assert not outcome.confirmed and "已由李娜" in outcome.message and "请核对" in outcome.message
    (kept,) = receipts_of(a, case_id)  # not removed behind the officer's back
    refused = pending_claims(a)[receipt_id]
    assert refused.state == "refused" and refused.funds_id == kept[0]
    with session(a, server.url) as sa:
        assert list_unmatched(sa).pending == [refused]  # shown until the officer dismisses it
    receipts.dismiss_refused(a, receipt_id)
    assert pending_claims(a) == {}
    assert server_claim(server, receipt_id)[0] == li_case


def test_bad_claims_record_nothing(server: Server, tmp_path):
    cf = laptop(tmp_path, "a", server)
    sync(cf, server)
    add_receipt(server, days_ago=0)
    early = admin.add_receipt(
        server.db, court_code="豫0302", received_date="2024-01-02", amount="10", payer="王五"
    )[0]
    with session(cf, server.url) as s:
        by_id = {r.id: r for r in list_unmatched(s).receipts}
        case_id = claimable_cases(cf)[0][0]
        with pytest.raises(ValidationFailed) as bad:  # received before the case was filed
            claim(s, by_id[early], case_id)
    assert "早于立案日期" in bad.value.errors["date"]
    assert receipts_of(cf, case_id) == [] and pending_claims(cf) == {}


def test_the_demo_file_and_an_unconfigured_file_do_not_ask_the_server(tmp_path):
    demo = CaseFile.open(tmp_path / "demo" / "c.sqlite3", create=True, officer="张伟")
    fill_demo(demo, 2, seed=1)
    with pytest.raises(SyncError, match="演示数据") as exc:
        ReceiptsSession(demo, HttpTransport("http://127.0.0.1:9"))
    assert exc.value.kind == "demo"
    plain = CaseFile.open(tmp_path / "plain" / "c.sqlite3", create=True, officer="张伟")
    with pytest.raises(SyncError, match="尚未设置中心服务器"):
        ReceiptsSession(plain, HttpTransport("http://127.0.0.1:9"))
