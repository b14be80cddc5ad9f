"""Case funds: the disbursement deadline, overdue money, payouts, cash hand-in, unmatched money."""

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.domain.calendar import default_calendar
from workstation.domain.errors import InvalidMoney
from workstation.domain.funds import (
    case_funds,
    cash_hand_in,
    cash_to_hand_in,
    check_payout,
    disbursement_deadline,
    funds_held,
    overdue_across_cases,
    unmatched_receipts,
)
from workstation.domain.measures import (
    Deferral,
    DeferralReason,
    Escrow,
    EscrowReason,
    FundEvents,
    Payout,
    Receipt,
    ReceiptSource,
)
from workstation.domain.settings import CourtSettings

S = CourtSettings()
CAL = default_calendar()
RECEIVED = date(2025, 3, 3)
R1 = Receipt("r1", RECEIVED, 1_000_000, ReceiptSource.TRANSFER, case_id="c1")


def status(events: FundEvents, as_of: date, s: CourtSettings = S):
    return case_funds(events, as_of, s, calendar=CAL)


def test_thirty_days_from_receipt_is_the_deadline() -> None:
    """Received 2025-03-03: 30 days (the receipt day not counted) end 2025-04-02."""
    deadline, deferred = disbursement_deadline(R1, [], S, as_of=date(2025, 4, 2), calendar=CAL)
    assert (deadline, deferred) == (date(2025, 4, 2), 0)


def test_overdue_starts_the_day_after_the_deadline() -> None:
    events = FundEvents(receipts=(R1,))
    on_time = status(events, date(2025, 4, 2))
    assert on_time.overdue_amount == 0 and on_time.overdue_days == 0
    late = status(events, date(2025, 4, 3))
    assert late.overdue_amount == 1_000_000
    assert late.overdue_days == 1
    assert late.overdue[0].receipt is R1


def test_a_five_day_court() -> None:
    five = dataclasses.replace(S, disbursement_days=5)
    events = FundEvents(receipts=(R1,))
    assert status(events, date(2025, 3, 8), five).overdue_amount == 0
    assert status(events, date(2025, 3, 9), five).overdue_days == 1


def test_holidays_move_the_deadline_only_when_the_court_says_so() -> None:
    receipt = Receipt("r", date(2024, 9, 1), 500, ReceiptSource.TRANSFER)
    plain, _ = disbursement_deadline(receipt, [], S, as_of=date(2024, 12, 1), calendar=CAL)
    assert plain == date(2024, 10, 1)
    moving = dataclasses.replace(S, disbursement_skips_holidays=True)
    moved, _ = disbursement_deadline(receipt, [], moving, as_of=date(2024, 12, 1), calendar=CAL)
    assert moved == date(2024, 10, 8)


def test_approved_deferral_days_extend_the_deadline() -> None:
    """Deferred 2025-03-10 to 2025-03-19 (10 days): deadline 2025-04-02 + 10 = 2025-04-12."""
    deferral = Deferral(
        "d", DeferralReason.DISTRIBUTION, "执行局长", date(2025, 3, 10), date(2025, 3, 19)
    )
    events = FundEvents(receipts=(R1,), deferrals=(deferral,))
    assert status(events, date(2025, 4, 12)).overdue_amount == 0
    late = status(events, date(2025, 4, 13))
    assert late.overdue_days == 1
    assert late.receipts[0].deferred_days == 10
    assert late.receipts[0].deadline == date(2025, 4, 12)


def test_deferral_days_before_the_money_arrived_do_not_count() -> None:
    """A case-wide deferral 2025-03-01..2025-03-05 covers only 03-04 and 03-05 of a receipt
    of 2025-03-03: deadline 2025-04-02 + 2 = 2025-04-04."""
    deferral = Deferral(
        "d", DeferralReason.DISTRIBUTION, "局长", date(2025, 3, 1), date(2025, 3, 5)
    )
    result = status(FundEvents(receipts=(R1,), deferrals=(deferral,)), date(2025, 4, 5))
    assert result.receipts[0].deferred_days == 2
    assert result.overdue_days == 1


def test_running_deferral_keeps_the_money_from_being_overdue() -> None:
    deferral = Deferral("d", DeferralReason.CASE_SUSPENDED, "院长", date(2025, 3, 20))
    events = FundEvents(receipts=(R1,), deferrals=(deferral,))
    later = status(events, date(2025, 8, 1))
    assert later.overdue_amount == 0
    assert later.receipts[0].deferred_now


def test_deferral_for_another_receipt_does_not_apply() -> None:
    deferral = Deferral(
        "d", DeferralReason.NOT_COLLECTED, "局长", date(2025, 3, 10), date(2025, 3, 19), "r9"
    )
    events = FundEvents(receipts=(R1,), deferrals=(deferral,))
    assert status(events, date(2025, 4, 3)).overdue_days == 1


def test_deferral_after_the_deadline_does_not_cure_days_already_overdue() -> None:
    """Deadline 2025-04-02; deferral from 2025-04-10 running: on 2025-04-20 the 11 deferred days
    (04-10..04-20) push the deadline to 2025-04-13, so the money is 7 days overdue."""
    deferral = Deferral("d", DeferralReason.DISTRIBUTION, "局长", date(2025, 4, 10))
    events = FundEvents(receipts=(R1,), deferrals=(deferral,))
    assert status(events, date(2025, 4, 20)).overdue_days == 7


def test_partial_payout_leaves_the_rest_overdue() -> None:
    payout = Payout("p", date(2025, 3, 20), 600_000, "申请人")
    events = FundEvents(receipts=(R1,), payouts=(payout,))
    result = status(events, date(2025, 4, 10))
    assert result.held == 400_000
    assert result.overdue_amount == 400_000
    assert result.overdue_days == 8
    assert result.receipts[0].late == ()


def test_late_payout_records_its_days_late() -> None:
    payout = Payout("p", date(2025, 4, 5), 1_000_000, "申请人")
    result = status(FundEvents(receipts=(R1,), payouts=(payout,)), date(2025, 5, 1))
    assert result.overdue_amount == 0
    assert [(d.event_id, d.days_late) for d in result.receipts[0].late] == [("p", 3)]


def test_escrow_counts_as_paid_out() -> None:
    escrow = Escrow("e", date(2025, 3, 25), 1_000_000, EscrowReason.REFUSED)
    result = status(FundEvents(receipts=(R1,), escrows=(escrow,)), date(2025, 5, 1))
    assert result.held == 0 and result.overdue_amount == 0


def test_unnamed_payout_pays_the_oldest_receipt_first() -> None:
    r2 = Receipt("r2", date(2025, 3, 20), 500_000, ReceiptSource.DEBTOR_PAYMENT, case_id="c1")
    payout = Payout("p", date(2025, 3, 25), 1_200_000, "申请人")
    result = status(FundEvents(receipts=(R1, r2), payouts=(payout,)), date(2025, 4, 25))
    held = {r.receipt.id: r.held for r in result.receipts}
    assert held == {"r1": 0, "r2": 300_000}
    assert result.overdue_amount == 300_000  # r2's deadline is 2025-04-19


def test_named_payout_pays_its_own_receipt() -> None:
    r2 = Receipt("r2", date(2025, 3, 20), 500_000, ReceiptSource.DEBTOR_PAYMENT, case_id="c1")
    payout = Payout("p", date(2025, 3, 25), 500_000, "申请人", receipt_id="r2")
    result = status(FundEvents(receipts=(R1, r2), payouts=(payout,)), date(2025, 3, 26))
    held = {r.receipt.id: r.held for r in result.receipts}
    assert held == {"r1": 1_000_000, "r2": 0}


def test_payout_larger_than_the_funds_held_is_refused() -> None:
    events = FundEvents(receipts=(R1,), payouts=(Payout("p1", date(2025, 3, 5), 400_000, "甲"),))
    too_much = Payout("p2", date(2025, 3, 6), 600_001, "乙")
    with pytest.raises(InvalidMoney) as caught:
        check_payout(events, too_much)
    assert "6,000.01元" in str(caught.value) and "6,000.00元" in str(caught.value)
    check_payout(events, dataclasses.replace(too_much, amount=600_000))


def test_payout_before_the_money_arrived_is_refused() -> None:
    events = FundEvents(receipts=(R1,))
    with pytest.raises(InvalidMoney, match=r"在账的案款0\.00元"):
        check_payout(events, Payout("p", date(2025, 3, 1), 100, "甲"))
    with pytest.raises(InvalidMoney, match="早于该笔款项的到账日期"):
        check_payout(events, Payout("p", date(2025, 3, 1), 100, "甲", receipt_id="r1"))


def test_backdated_payout_that_would_overdraw_a_later_one_is_refused() -> None:
    events = FundEvents(receipts=(R1,), payouts=(Payout("p1", date(2025, 3, 20), 800_000, "甲"),))
    with pytest.raises(InvalidMoney, match="2025-03-20"):
        check_payout(events, Payout("p0", date(2025, 3, 10), 300_000, "乙"))


def test_escrow_larger_than_the_funds_is_refused() -> None:
    with pytest.raises(InvalidMoney, match="不能提存"):
        check_payout(
            FundEvents(receipts=(R1,)),
            Escrow("e", date(2025, 3, 10), 1_000_001, EscrowReason.MISSING),
        )


def test_payout_beyond_what_its_receipt_still_holds_is_refused() -> None:
    r2 = Receipt("r2", RECEIVED, 100, ReceiptSource.TRANSFER)
    with pytest.raises(InvalidMoney, match="该笔到账款"):
        check_payout(
            FundEvents(receipts=(R1, r2)), Payout("p", RECEIVED, 101, "甲", receipt_id="r2")
        )


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(1, 10_000)), min_size=1, max_size=5),
    st.lists(st.tuples(st.integers(0, 60), st.integers(1, 10_000)), max_size=8),
)
def test_accepted_payouts_never_overdraw_the_account(
    receipts: list[tuple[int, int]], payouts: list[tuple[int, int]]
) -> None:
    start = date(2025, 1, 1)
    events = FundEvents(
        receipts=tuple(
            Receipt(f"r{i}", start + timedelta(days=d), a, ReceiptSource.TRANSFER)
            for i, (d, a) in enumerate(receipts)
        )
    )
    for i, (d, a) in enumerate(payouts):
        payout = Payout(f"p{i}", start + timedelta(days=d), a, "甲")
        try:
            check_payout(events, payout)
        except InvalidMoney:
            continue
        events = dataclasses.replace(events, payouts=(*events.payouts, payout))
    for day in range(62):
        assert funds_held(events, start + timedelta(days=day)) >= 0
    final = case_funds(events, start + timedelta(days=61), S, calendar=CAL)
    assert final.held == sum(r.held for r in final.receipts)


# --- cash --------------------------------------------------------------------------------------


def cash(taken: date, handed_in: date | None = None) -> Receipt:
    return Receipt(
        "cash",
        taken,
        50_000,
        ReceiptSource.DEBTOR_PAYMENT,
        cash=True,
        officers=("张伟", "李娜"),
        handed_in=handed_in,
    )


def test_cash_taken_on_friday_is_due_on_monday() -> None:
    taken = date(2025, 3, 7)
    assert cash_hand_in(cash(taken), date(2025, 3, 10), S, calendar=CAL).days_late == 0
    late = cash_hand_in(cash(taken), date(2025, 3, 11), S, calendar=CAL)
    assert late.due == date(2025, 3, 10)
    assert late.days_late == 1 and late.pending


def test_cash_taken_before_national_day_is_due_after_it() -> None:
    assert cash_hand_in(cash(date(2024, 9, 30)), date(2024, 10, 3), S, calendar=CAL).due == date(
        2024, 10, 8
    )


def test_cash_handed_in_late_stays_flagged() -> None:
    done = cash_hand_in(
        cash(date(2025, 3, 7), date(2025, 3, 12)), date(2025, 4, 1), S, calendar=CAL
    )
    assert not done.pending and done.days_late == 2
    on_time = cash_hand_in(
        cash(date(2025, 3, 7), date(2025, 3, 10)), date(2025, 4, 1), S, calendar=CAL
    )
    assert on_time.days_late == 0


def test_only_cash_not_yet_handed_in_is_listed() -> None:
    receipts = [
        cash(date(2025, 3, 7)),
        dataclasses.replace(cash(date(2025, 3, 3), date(2025, 3, 4)), id="done"),
        R1,
    ]
    listed = cash_to_hand_in(receipts, date(2025, 3, 11), S, calendar=CAL)
    assert [c.receipt.id for c in listed] == ["cash"]


# --- across cases and unmatched money ---------------------------------------------------------


def test_overdue_across_cases_longest_first() -> None:
    r_old = Receipt("a", date(2025, 1, 2), 100, ReceiptSource.TRANSFER)
    r_new = Receipt("b", date(2025, 2, 2), 100, ReceiptSource.TRANSFER)
    r_paid = Receipt("c", date(2025, 1, 2), 100, ReceiptSource.TRANSFER)
    cases = {
        "new": FundEvents(receipts=(r_new,)),
        "old": FundEvents(receipts=(r_old,)),
        "paid": FundEvents(receipts=(r_paid,), payouts=(Payout("p", date(2025, 1, 5), 100, "甲"),)),
    }
    found = overdue_across_cases(cases, date(2025, 4, 1), S, calendar=CAL)
    assert [case for case, _ in found] == ["old", "new"]


def test_unmatched_receipts_oldest_first() -> None:
    receipts = [
        Receipt("x", date(2025, 3, 1), 100, ReceiptSource.OTHER),
        Receipt("y", date(2025, 1, 1), 100, ReceiptSource.OTHER),
        R1,
    ]
    listed = unmatched_receipts(receipts, date(2025, 4, 1))
    assert [(u.receipt.id, u.days_waiting) for u in listed] == [("y", 90), ("x", 31)]
