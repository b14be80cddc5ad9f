"""Delay interest by the 2014 interpretation, with examples computed by hand."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.domain.errors import InvalidDate, InvalidMoney
from workstation.domain.interest import Payment, Suspension, delay_interest, round_half_up

DUE = date(2024, 1, 10)
YUAN = 100


def test_whole_debt_paid_at_once() -> None:
    """100,000元 due 2024-01-10, paid in full 2024-03-10.

    Days: Jan 11-31 = 21, Feb (leap year) = 29, Mar 1-10 = 10; 21 + 29 + 10 = 60.
    100,000 × 1.75/10,000 × 60 = 17.5 × 60 = 1,050元.
    """
    result = delay_interest(100_000 * YUAN, DUE, date(2024, 3, 10))
    assert [s.days for s in result.segments] == [60]
    assert result.doubled == 1_050 * YUAN


def test_partial_payment_splits_the_period() -> None:
    """100,000元 due 2024-01-10; 40,000元 paid 2024-02-09, the other 60,000元 on 2024-03-10.

    Segment 1: Jan 11 - Feb 9 = 21 + 9 = 30 days on 100,000: 17.5 × 30 = 525元.
    Segment 2: Feb 10 - Mar 10 = 20 + 10 = 30 days on 60,000: 10.5 × 30 = 315元.
    Total 840元 (paying all on 2024-03-10 would cost 1,050元).
    """
    result = delay_interest(
        100_000 * YUAN,
        DUE,
        date(2024, 3, 10),
        [Payment(date(2024, 2, 9), 40_000 * YUAN), Payment(date(2024, 3, 10), 60_000 * YUAN)],
    )
    assert [(s.days, s.debt) for s in result.segments] == [
        (30, 100_000 * YUAN),
        (30, 60_000 * YUAN),
    ]
    assert [s.fen for s in result.segments] == [525 * YUAN, 315 * YUAN]
    assert result.doubled == 840 * YUAN
    assert result.money_debt_unpaid == 0


def test_interest_runs_until_today_on_what_is_unpaid() -> None:
    """50,000元 due 2024-01-10, 20,000元 paid 2024-01-20, nothing since; computed to 2024-02-19.

    Segment 1: Jan 11-20 = 10 days on 50,000: 8.75 × 10 = 87.50元.
    Segment 2: Jan 21 - Feb 19 = 11 + 19 = 30 days on 30,000: 5.25 × 30 = 157.50元.
    Total 245元; 30,000元 of the debt and the 245元 still unpaid.
    """
    result = delay_interest(
        50_000 * YUAN, DUE, date(2024, 2, 19), [Payment(date(2024, 1, 20), 20_000 * YUAN)]
    )
    assert result.doubled == 24_500
    assert result.money_debt_unpaid == 30_000 * YUAN
    assert result.doubled_unpaid == 24_500
    assert result.unpaid == 30_000 * YUAN + 24_500


def test_suspension_not_at_the_debtors_request_is_left_out() -> None:
    """Example 1 with enforcement suspended 2024-02-01 to 2024-02-10 (10 days, both ends in).

    60 − 10 = 50 days: 17.5 × 50 = 875元.
    """
    result = delay_interest(
        100_000 * YUAN,
        DUE,
        date(2024, 3, 10),
        suspensions=[Suspension(date(2024, 2, 1), date(2024, 2, 10))],
    )
    assert result.doubled == 875 * YUAN


def test_overlapping_suspensions_are_not_subtracted_twice() -> None:
    """Suspensions Feb 1-10 and Feb 5-14 cover Feb 1-14: 14 days. 60 − 14 = 46 days: 805元."""
    result = delay_interest(
        100_000 * YUAN,
        DUE,
        date(2024, 3, 10),
        suspensions=[
            Suspension(date(2024, 2, 1), date(2024, 2, 10)),
            Suspension(date(2024, 2, 5), date(2024, 2, 14)),
        ],
    )
    assert result.doubled == 805 * YUAN


def test_due_day_counted_adds_one_day() -> None:
    """Example 1 counting 2024-01-10 itself: 61 days. 17.5 × 61 = 1,067.50元."""
    result = delay_interest(100_000 * YUAN, DUE, date(2024, 3, 10), due_day_counts=True)
    assert result.doubled == 106_750


def test_payment_on_the_due_day_costs_nothing_unless_that_day_counts() -> None:
    """Paid in full on the due day: 0 days; counting the due day: 1 day on 10,000元 = 1.75元."""
    paid = [Payment(DUE, 10_000 * YUAN)]
    assert delay_interest(10_000 * YUAN, DUE, date(2024, 6, 1), paid).doubled == 0
    counted = delay_interest(10_000 * YUAN, DUE, date(2024, 6, 1), paid, due_day_counts=True)
    assert counted.doubled == 175


def test_rounding_is_half_up_once_on_the_total() -> None:
    """100元 for 2 days: 100 × 1.75/10,000 × 2 = 0.035元 = 3.5分, rounded half up to 4分.

    12,345.67元 for 1 day: 1,234,567分 × 0.000175 = 216.049225分, rounded to 216分.
    """
    assert delay_interest(100 * YUAN, DUE, date(2024, 1, 12)).doubled == 4
    assert delay_interest(1_234_567, DUE, date(2024, 1, 11)).doubled == 216


def test_segments_are_summed_exactly_before_rounding() -> None:
    """40元 (4,000分) due 2024-01-10; 1分 paid 2024-01-11; computed to 2024-01-12.

    Segment 1: 1 day on 4,000分 = 4,000 × 0.000175 = 0.7分.
    Segment 2: 1 day on 3,999分 = 0.699825分.
    Exact total 1.399825分 → 1分. Rounding each segment first would give 1 + 1 = 2分.
    """
    result = delay_interest(40 * YUAN, DUE, date(2024, 1, 12), [Payment(date(2024, 1, 11), 1)])
    assert [float(s.interest) for s in result.segments] == [0.7, 0.699825]
    assert [s.fen for s in result.segments] == [1, 1]
    assert result.doubled == 1


def test_payments_go_first_to_the_money_debt_then_general_then_doubled() -> None:
    """10,000元 due 2024-01-10, general interest 50元, 10,100元 paid 2024-03-10 (60 days).

    Doubled: 10,000 × 1.75/10,000 × 60 = 105元. The 10,100元 pays the 10,000元 debt, then 50元
    of general interest, then 50元 of the doubled portion: 55元 of it remains (article 4).
    """
    result = delay_interest(
        10_000 * YUAN,
        DUE,
        date(2024, 3, 10),
        [Payment(date(2024, 3, 10), 10_100 * YUAN)],
        general_interest=50 * YUAN,
    )
    assert result.doubled == 105 * YUAN
    assert result.total == 155 * YUAN
    assert result.money_debt_unpaid == 0
    assert result.general_unpaid == 0
    assert result.doubled_unpaid == 55 * YUAN
    assert result.overpaid == 0


def test_overpayment_is_reported() -> None:
    result = delay_interest(
        10_000 * YUAN, DUE, date(2024, 3, 10), [Payment(date(2024, 3, 10), 11_000 * YUAN)]
    )
    assert result.doubled_unpaid == 0
    assert result.overpaid == (1_000 - 105) * YUAN


def test_payment_before_the_due_day_reduces_the_debt_before_interest_runs() -> None:
    """10,000元 due 2024-01-10, 4,000元 paid 2024-01-05; to 2024-01-20: 10 days on 6,000元.

    6,000 × 1.75/10,000 × 10 = 10.50元.
    """
    result = delay_interest(
        10_000 * YUAN, DUE, date(2024, 1, 20), [Payment(date(2024, 1, 5), 4_000 * YUAN)]
    )
    assert result.doubled == 1_050


def test_nothing_before_the_due_day_and_payments_after_until_are_ignored() -> None:
    assert delay_interest(10_000 * YUAN, DUE, DUE).doubled == 0
    assert delay_interest(10_000 * YUAN, DUE, date(2024, 1, 1)).doubled == 0
    later = [Payment(date(2024, 5, 1), 10_000 * YUAN)]
    assert delay_interest(10_000 * YUAN, DUE, date(2024, 1, 11), later).doubled == 175


def test_bad_input_is_refused() -> None:
    with pytest.raises(InvalidMoney):
        Payment(DUE, 0)
    with pytest.raises(InvalidDate):
        Suspension(date(2024, 2, 2), date(2024, 2, 1))
    with pytest.raises(TypeError):
        delay_interest(100.0, DUE, date(2024, 2, 1))  # type: ignore[arg-type]


def test_round_half_up() -> None:
    from fractions import Fraction

    assert round_half_up(Fraction(5, 2)) == 3
    assert round_half_up(Fraction(249, 100)) == 2
    assert round_half_up(Fraction(0)) == 0


days = st.integers(min_value=0, max_value=800)
amounts = st.integers(min_value=1, max_value=10**10)


@settings(max_examples=200, deadline=None)
@given(amounts, st.integers(0, 100), days, days)
def test_paying_part_earlier_never_costs_more_than_paying_it_later(
    debt: int, percent: int, first: int, gap: int
) -> None:
    part = debt * percent // 100
    rest = debt - part
    early = DUE + timedelta(days=first)
    late = early + timedelta(days=gap)
    until = late
    in_parts = [Payment(early, part)] if part else []
    if rest:
        in_parts.append(Payment(late, rest))
    all_later = [Payment(late, debt)]
    assert (
        delay_interest(debt, DUE, until, in_parts).doubled
        <= delay_interest(debt, DUE, until, all_later).doubled
    )


@settings(max_examples=200, deadline=None)
@given(amounts, days, days)
def test_interest_never_falls_as_time_passes(debt: int, a: int, b: int) -> None:
    first, second = sorted((a, b))
    assert (
        delay_interest(debt, DUE, DUE + timedelta(days=first)).doubled
        <= delay_interest(debt, DUE, DUE + timedelta(days=second)).doubled
    )


@settings(max_examples=200, deadline=None)
@given(amounts, days)
def test_unpaid_debt_times_rate_times_days(debt: int, n: int) -> None:
    from fractions import Fraction

    result = delay_interest(debt, DUE, DUE + timedelta(days=n))
    assert result.doubled == round_half_up(Fraction(debt * 175 * n, 1_000_000))
