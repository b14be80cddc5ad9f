"""Delay interest (迟延履行期间的债务利息) by the 2014 interpretation (reference §9, all [C]).

Article 1: delay interest = general interest + the doubled portion, where
    doubled portion = unpaid money debt other than general interest × 1.75/10000 per day × days.
The general interest is computed as the judgment sets it (often a rate the judgment names up to
payment) and is passed in already computed; this module computes the doubled portion.

- Article 2: days are counted from the end of the performance period (`due_date`). Whether that
  day itself counts is not written in the text; `due_day_counts` (a court setting, default no)
  decides. With the default the days are `payment_date - due_date`, the usual 期间 rule.
- Article 3: a partial payment splits the period: the part paid bears interest up to and
  including the day it is paid; periods of suspension not at the debtor's request are excluded.
- Article 4: a payment goes first to the money debt, then to the doubled portion. Within the
  money debt this module pays the debt that bears doubled interest first, then the general
  interest (the order the text leaves open; paying the interest-bearing part first is the one
  that never charges the debtor doubled interest on money already paid).

Rounding: the doubled portion is summed exactly (fractions of a fen) over all segments and
rounded once, half up, to whole fen. Segment amounts are exact; `InterestSegment.fen` shows each
rounded, so displayed segments may differ from the total by a fen.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from .errors import InvalidDate, InvalidMoney

DAILY_RATE = Fraction(175, 1_000_000)  # 日万分之一点七五


@dataclass(frozen=True)
class Payment:
    """Money paid toward the debt on `date` (划拨, 拍卖变卖成交, 交款 ... per article 3)."""

    date: date
    amount: int

    def __post_init__(self) -> None:
        _check_fen(self.amount, "履行金额", allow_zero=False)


@dataclass(frozen=True)
class Suspension:
    """A period (inclusive) when enforcement was suspended, not at the debtor's request."""

    start: date
    end: date
    reason: str = ""

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidDate("中止或暂缓执行的结束日期早于开始日期，请核对")


@dataclass(frozen=True)
class InterestSegment:
    """Days `first`..`last` (inclusive) during which `debt` fen was unpaid."""

    first: date
    last: date
    days: int  # days counted: the span less suspended days
    debt: int
    interest: Fraction  # exact, in fen

    @property
    def fen(self) -> int:
        return round_half_up(self.interest)


@dataclass(frozen=True)
class DelayInterest:
    """The delay interest of one debt up to `until`, with what remains unpaid of each part."""

    until: date
    general: int
    doubled: int
    segments: tuple[InterestSegment, ...]
    money_debt_unpaid: int
    general_unpaid: int
    doubled_unpaid: int
    overpaid: int

    @property
    def total(self) -> int:
        """迟延履行利息 = 一般债务利息 + 加倍部分债务利息 (article 1)."""
        return self.general + self.doubled

    @property
    def unpaid(self) -> int:
        return self.money_debt_unpaid + self.general_unpaid + self.doubled_unpaid


def delay_interest(
    money_debt: int,
    due_date: date,
    until: date,
    payments: Iterable[Payment] = (),
    *,
    general_interest: int = 0,
    suspensions: Iterable[Suspension] = (),
    due_day_counts: bool = False,
) -> DelayInterest:
    """Delay interest on `money_debt` fen (the debt other than general interest) up to `until`.

    Payments after `until` are ignored. A payment on or before the due date reduces the debt
    before any interest runs.
    """
    _check_fen(money_debt, "金钱债务", allow_zero=True)
    _check_fen(general_interest, "一般债务利息", allow_zero=True)
    ordered = sorted((p for p in payments if p.date <= until), key=lambda p: p.date)
    pauses = _merged(suspensions)
    first_day = due_date if due_day_counts else due_date + timedelta(days=1)
    balance = money_debt
    beyond_debt = 0
    segments: list[InterestSegment] = []
    cursor = first_day
    for payment in ordered:
        if payment.date >= cursor and balance:
            segments.append(_segment(cursor, payment.date, balance, pauses))
        cursor = max(cursor, payment.date + timedelta(days=1))
        applied = min(balance, payment.amount)
        balance -= applied
        beyond_debt += payment.amount - applied
    if until >= cursor and balance:
        segments.append(_segment(cursor, until, balance, pauses))
    doubled = round_half_up(sum((s.interest for s in segments), Fraction(0)))
    to_general = min(beyond_debt, general_interest)
    to_doubled = min(beyond_debt - to_general, doubled)
    return DelayInterest(
        until=until,
        general=general_interest,
        doubled=doubled,
        segments=tuple(segments),
        money_debt_unpaid=balance,
        general_unpaid=general_interest - to_general,
        doubled_unpaid=doubled - to_doubled,
        overpaid=beyond_debt - to_general - to_doubled,
    )


def round_half_up(value: Fraction) -> int:
    """Whole fen, halves rounded up (for the non-negative amounts this module makes)."""
    return math.floor(value + Fraction(1, 2))


def _segment(
    first: date, last: date, debt: int, pauses: Sequence[tuple[date, date]]
) -> InterestSegment:
    span = (last - first).days + 1
    paused = sum(max(0, (min(last, end) - max(first, start)).days + 1) for start, end in pauses)
    days = span - paused
    return InterestSegment(first, last, days, debt, debt * DAILY_RATE * days)


def _merged(suspensions: Iterable[Suspension]) -> list[tuple[date, date]]:
    merged: list[tuple[date, date]] = []
    for s in sorted(suspensions, key=lambda s: s.start):
        if merged and s.start <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], s.end))
        else:
            merged.append((s.start, s.end))
    return merged


def _check_fen(fen: int, what: str, *, allow_zero: bool) -> None:
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"money is whole fen as int, got {type(fen).__name__}: {fen!r}")
    if fen < 0 or (fen == 0 and not allow_zero):
        raise InvalidMoney(f"{what}应大于0，请核对")
