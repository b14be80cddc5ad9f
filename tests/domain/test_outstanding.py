"""The outstanding amount: claim + enforcement fee + delay interest − recovered, never negative."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.domain.errors import InvalidMoney
from workstation.domain.interest import delay_interest
from workstation.domain.measures import Receipt, ReceiptSource
from workstation.domain.outstanding import (
    Recovery,
    RecoveryKind,
    outstanding,
    recoveries_from_receipts,
)

D = date(2025, 5, 1)


def test_parts_add_up() -> None:
    """100,000 + 5,000 interest + 1,850 fee + 300 delay − (20,000 划拨 + 30,000 拍卖 + 10,000 抵债)
    = 107,150 − 60,000 = 47,150元."""
    result = outstanding(
        principal=10_000_000,
        judgment_interest=500_000,
        enforcement_fee=185_000,
        delay_interest=30_000,
        recoveries=[
            Recovery(D, 2_000_000, RecoveryKind.TRANSFER),
            Recovery(D, 3_000_000, RecoveryKind.AUCTION_OR_SALE),
            Recovery(D, 1_000_000, RecoveryKind.SET_OFF),
        ],
    )
    assert result.claim == 10_500_000
    assert result.total_due == 10_715_000
    assert result.recovered == 6_000_000
    assert result.amount == 4_715_000
    assert result.overpaid == 0
    assert dict(result.recovered_by_kind)[RecoveryKind.SET_OFF] == 1_000_000


def test_never_negative_and_overpayment_is_reported() -> None:
    result = outstanding(
        principal=1_000, recoveries=[Recovery(D, 1_500, RecoveryKind.DEBTOR_PAYMENT)]
    )
    assert result.amount == 0
    assert result.overpaid == 500


def test_debtor_payments_count_but_are_kept_apart_from_the_reference_formula() -> None:
    result = outstanding(
        principal=10_000,
        recoveries=[
            Recovery(D, 1_000, RecoveryKind.TRANSFER),
            Recovery(D, 2_000, RecoveryKind.DEBTOR_PAYMENT),
        ],
    )
    assert result.amount == 7_000
    assert result.recovered_by_reference_formula == 1_000


def test_recoveries_after_as_of_are_left_out() -> None:
    recoveries = [Recovery(date(2025, 6, 1), 1_000, RecoveryKind.TRANSFER)]
    assert outstanding(principal=5_000, recoveries=recoveries, as_of=D).amount == 5_000
    assert (
        outstanding(principal=5_000, recoveries=recoveries, as_of=date(2025, 6, 1)).amount == 4_000
    )


def test_delay_interest_result_is_accepted() -> None:
    """10,000元 due 2024-01-10, computed to 2024-03-10 (60 days): 105元 doubled + 20元 general."""
    interest = delay_interest(
        1_000_000, date(2024, 1, 10), date(2024, 3, 10), general_interest=2_000
    )
    result = outstanding(principal=1_000_000, delay_interest=interest)
    assert result.delay_interest == 12_500
    assert result.amount == 1_012_500


def test_receipts_become_recoveries_by_source() -> None:
    receipts = [
        Receipt("r1", D, 100, ReceiptSource.TRANSFER),
        Receipt("r2", D, 200, ReceiptSource.AUCTION_OR_SALE),
        Receipt("r3", D, 300, ReceiptSource.DEBTOR_PAYMENT),
    ]
    kinds = [r.kind for r in recoveries_from_receipts(receipts)]
    assert kinds == [
        RecoveryKind.TRANSFER,
        RecoveryKind.AUCTION_OR_SALE,
        RecoveryKind.DEBTOR_PAYMENT,
    ]


def test_negative_or_float_amounts_are_refused() -> None:
    with pytest.raises(InvalidMoney):
        outstanding(principal=-1)
    with pytest.raises(TypeError):
        outstanding(principal=1.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidMoney):
        Recovery(D, 0, RecoveryKind.TRANSFER)


money = st.integers(min_value=0, max_value=10**11)


@settings(max_examples=300, deadline=None)
@given(money, money, money, money, st.lists(st.integers(1, 10**11), max_size=6))
def test_outstanding_is_never_negative_and_balances(
    principal: int, interest: int, fee: int, delay: int, paid: list[int]
) -> None:
    result = outstanding(
        principal=principal,
        judgment_interest=interest,
        enforcement_fee=fee,
        delay_interest=delay,
        recoveries=[Recovery(D, a, RecoveryKind.TRANSFER) for a in paid],
    )
    assert result.amount >= 0 and result.overpaid >= 0
    assert result.amount - result.overpaid == principal + interest + fee + delay - sum(paid)
    assert result.amount == 0 or result.overpaid == 0


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 10**9), st.lists(st.integers(1, 10**8), min_size=1, max_size=5))
def test_more_recovered_never_leaves_more_outstanding(debt: int, paid: list[int]) -> None:
    def owed(amounts: list[int]) -> int:
        recoveries = [Recovery(D, a, RecoveryKind.TRANSFER) for a in amounts]
        return outstanding(principal=debt, recoveries=recoveries).amount

    assert owed(paid) <= owed(paid[:-1])
