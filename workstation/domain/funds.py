"""Case funds (案款): disbursement deadlines, overdue money, cash hand-in, unmatched receipts.

Reference §6: money received for a case is to be paid out within 30 days of arrival (法发〔2017〕6号
[P]; the number is a court setting, some courts use 5), not counting approved deferral periods
(超期天数 = 发放日（或今日）− 到账日 − 30日 − 经批准的延缓期间). Cash taken in the field is
handed in within one working day (法发〔2006〕11号 第6条 [C]).

Which receipt a payout pays: the one it names, else the oldest receipt still holding money on the
payout's date (first in, first out). Escrow (提存) counts as paid out: the money has left the
case's account for the applicant's benefit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from .calendar import HolidayCalendar
from .errors import InvalidMoney
from .measures import Deferral, Escrow, FundEvents, Payout, Receipt
from .money import format_money
from .periods import period_end, working_days_after
from .settings import CourtSettings


@dataclass(frozen=True)
class Disbursed:
    """Part of a payout or escrow paid from one receipt, and how late it was."""

    event_id: str
    date: date
    amount: int
    days_late: int


@dataclass(frozen=True)
class ReceiptStatus:
    receipt: Receipt
    deadline: date  # with the approved deferral days up to `as_of`
    deferred_days: int
    deferred_now: bool  # an approved deferral is running on `as_of`
    disbursed: tuple[Disbursed, ...]
    held: int  # still in the account on `as_of`
    overdue_days: int
    overdue_amount: int

    @property
    def late(self) -> tuple[Disbursed, ...]:
        return tuple(d for d in self.disbursed if d.days_late > 0)


@dataclass(frozen=True)
class CaseFunds:
    as_of: date
    received: int
    paid_out: int  # payouts and escrows
    held: int
    receipts: tuple[ReceiptStatus, ...]

    @property
    def overdue_amount(self) -> int:
        return sum(r.overdue_amount for r in self.receipts)

    @property
    def overdue_days(self) -> int:
        """The longest overdue time of any receipt (0: nothing overdue)."""
        return max((r.overdue_days for r in self.receipts), default=0)

    @property
    def overdue(self) -> tuple[ReceiptStatus, ...]:
        return tuple(r for r in self.receipts if r.overdue_amount)


def disbursement_deadline(
    receipt: Receipt,
    deferrals: Iterable[Deferral],
    settings: CourtSettings,
    *,
    as_of: date,
    calendar: HolidayCalendar | None = None,
) -> tuple[date, int]:
    """The day by which `receipt` must be paid out, and the deferral days it includes.

    The deadline is the receipt date + N days + the days of approved deferral for this receipt
    falling after the receipt date and up to `as_of`, through `period_end` (holidays per the
    court setting).
    """
    deferred = _deferred_days(receipt, deferrals, as_of)
    deadline = period_end(
        receipt.date,
        days=settings.disbursement_days + deferred,
        count_start_day=settings.count_start_day,
        skip_holidays=settings.disbursement_skips_holidays,
        calendar=calendar,
    )
    return deadline, deferred


def case_funds(
    events: FundEvents,
    as_of: date,
    settings: CourtSettings,
    *,
    calendar: HolidayCalendar | None = None,
) -> CaseFunds:
    """Every receipt of one case with its deadline, what is still held and what is overdue."""
    receipts = sorted((r for r in events.receipts if r.date <= as_of), key=_receipt_order)
    remaining = {r.id: r.amount for r in receipts}
    shares: dict[str, list[tuple[Payout | Escrow, int]]] = {r.id: [] for r in receipts}
    known = {r.id for r in receipts}
    outgoings = _outgoings(events, as_of)
    # payouts that name their receipt first, so that first-in-first-out never takes their money
    named = [e for e in outgoings if e.receipt_id in known]
    for event in named + [e for e in outgoings if e.receipt_id not in known]:
        left = event.amount
        targets = [r for r in receipts if r.id == event.receipt_id] or [
            r for r in receipts if r.date <= event.date
        ]
        for receipt in targets:
            take = min(left, remaining[receipt.id])
            if take:
                remaining[receipt.id] -= take
                shares[receipt.id].append((event, take))
                left -= take
            if not left:
                break
    statuses = []
    for receipt in receipts:
        deadline, deferred = disbursement_deadline(
            receipt, events.deferrals, settings, as_of=as_of, calendar=calendar
        )
        disbursed = []
        for event, amount in shares[receipt.id]:
            due, _ = disbursement_deadline(
                receipt, events.deferrals, settings, as_of=event.date, calendar=calendar
            )
            disbursed.append(
                Disbursed(event.id, event.date, amount, max(0, (event.date - due).days))
            )
        held = remaining[receipt.id]
        overdue_days = max(0, (as_of - deadline).days) if held else 0
        statuses.append(
            ReceiptStatus(
                receipt=receipt,
                deadline=deadline,
                deferred_days=deferred,
                deferred_now=_deferred_on(receipt, events.deferrals, as_of),
                disbursed=tuple(disbursed),
                held=held,
                overdue_days=overdue_days,
                overdue_amount=held if overdue_days else 0,
            )
        )
    received = sum(r.amount for r in receipts)
    paid_out = sum(e.amount for e in _outgoings(events, as_of))
    return CaseFunds(as_of, received, paid_out, received - paid_out, tuple(statuses))


def overdue_across_cases(
    cases: Mapping[str, FundEvents],
    as_of: date,
    settings: CourtSettings,
    *,
    calendar: HolidayCalendar | None = None,
) -> list[tuple[str, CaseFunds]]:
    """The cases with money overdue on `as_of`, longest overdue first."""
    found = [
        (case_id, funds)
        for case_id, events in cases.items()
        if (funds := case_funds(events, as_of, settings, calendar=calendar)).overdue_amount
    ]
    return sorted(found, key=lambda item: (-item[1].overdue_days, item[0]))


def funds_held(events: FundEvents, as_of: date) -> int:
    """Money in the case's account on `as_of`: receipts less payouts and escrows to that day."""
    received = sum(r.amount for r in events.receipts if r.date <= as_of)
    return received - sum(e.amount for e in _outgoings(events, as_of))


def check_payout(events: FundEvents, payout: Payout | Escrow) -> None:
    """Refuse a payout (or escrow) larger than the funds held, on its day or any later day.

    `events` is the case's ledger without the new payout. Raises InvalidMoney in Chinese.
    """
    what = "发放" if isinstance(payout, Payout) else "提存"
    if payout.receipt_id is not None:
        receipt = next((r for r in events.receipts if r.id == payout.receipt_id), None)
        if receipt is None:
            raise InvalidMoney(f"{what}所指的到账记录不在本案中，请重新选择到账记录")
        if receipt.date > payout.date:
            raise InvalidMoney(
                f"{what}日期{payout.date.isoformat()}早于该笔款项的到账日期"
                f"{receipt.date.isoformat()}，请核对日期"
            )
        used = sum(e.amount for e in _outgoings(events, None) if e.receipt_id == receipt.id)
        if payout.amount > receipt.amount - used:
            raise InvalidMoney(
                f"{what}金额{format_money(payout.amount)}超过该笔到账款尚未发放的"
                f"{format_money(receipt.amount - used)}，请核对金额"
            )
    held = funds_held(events, payout.date)
    if payout.amount > held:
        raise InvalidMoney(
            f"{what}金额{format_money(payout.amount)}超过本案截至{payout.date.isoformat()}"
            f"在账的案款{format_money(held)}，不能{what}；请核对金额，或先登记到账"
        )
    later = sorted({r.date for r in events.receipts} | {e.date for e in _outgoings(events, None)})
    with_new = FundEvents(
        events.receipts,
        (*events.payouts, payout) if isinstance(payout, Payout) else events.payouts,
        events.deferrals,
        (*events.escrows, payout) if isinstance(payout, Escrow) else events.escrows,
    )
    for day in later:
        if day > payout.date and funds_held(with_new, day) < 0:
            raise InvalidMoney(
                f"登记这笔{what}后，{day.isoformat()}的发放将超过在账案款"
                f"（差{format_money(-funds_held(with_new, day))}），请核对金额或日期"
            )


@dataclass(frozen=True)
class CashHandIn:
    """Cash taken in the field and when it had to be handed in."""

    receipt: Receipt
    due: date
    handed_in: date | None
    days_late: int  # past `due` (to the hand-in day, or to today while not handed in)

    @property
    def pending(self) -> bool:
        return self.handed_in is None


def cash_hand_in(
    receipt: Receipt,
    today: date,
    settings: CourtSettings,
    *,
    calendar: HolidayCalendar | None = None,
) -> CashHandIn:
    """When cash received on `receipt.date` is due at the court, and whether it was late."""
    if not receipt.cash:
        raise ValueError("only cash receipts are handed in")
    due = working_days_after(receipt.date, settings.cash_hand_in_working_days, calendar=calendar)
    end = receipt.handed_in if receipt.handed_in is not None else today
    return CashHandIn(receipt, due, receipt.handed_in, max(0, (end - due).days))


def cash_to_hand_in(
    receipts: Iterable[Receipt],
    today: date,
    settings: CourtSettings,
    *,
    calendar: HolidayCalendar | None = None,
) -> list[CashHandIn]:
    """Cash not yet handed in (a reminder until it is), most overdue first."""
    pending = [
        cash_hand_in(r, today, settings, calendar=calendar)
        for r in receipts
        if r.cash and r.handed_in is None
    ]
    return sorted(pending, key=lambda c: (c.due, c.receipt.id))


@dataclass(frozen=True)
class UnmatchedReceipt:
    receipt: Receipt
    days_waiting: int


def unmatched_receipts(receipts: Iterable[Receipt], today: date) -> list[UnmatchedReceipt]:
    """Money received but not yet matched to a case (long-unclaimed first)."""
    waiting = [
        UnmatchedReceipt(r, max(0, (today - r.date).days))
        for r in receipts
        if r.case_id is None and r.date <= today
    ]
    return sorted(waiting, key=lambda u: (-u.days_waiting, u.receipt.id))


def _receipt_order(receipt: Receipt) -> tuple[date, str]:
    return (receipt.date, receipt.id)


def _outgoings(events: FundEvents, as_of: date | None) -> list[Payout | Escrow]:
    out: list[Payout | Escrow] = [*events.payouts, *events.escrows]
    if as_of is not None:
        out = [e for e in out if e.date <= as_of]
    return sorted(out, key=lambda e: (e.date, e.id))


def _applies(deferral: Deferral, receipt: Receipt) -> bool:
    return deferral.receipt_id is None or deferral.receipt_id == receipt.id


def _deferred_days(receipt: Receipt, deferrals: Iterable[Deferral], as_of: date) -> int:
    """Days after the receipt date and up to `as_of` covered by an approved deferral."""
    spans: list[tuple[date, date]] = []
    for d in deferrals:
        if not _applies(d, receipt):
            continue
        first = max(d.start, receipt.date + timedelta(days=1))
        last = min(d.end if d.end is not None else as_of, as_of)
        if first <= last:
            spans.append((first, last))
    return _covered_days(spans)


def _deferred_on(receipt: Receipt, deferrals: Sequence[Deferral], day: date) -> bool:
    return any(
        _applies(d, receipt) and d.start <= day and (d.end is None or day <= d.end)
        for d in deferrals
    )


def _covered_days(spans: list[tuple[date, date]]) -> int:
    total = 0
    current: tuple[date, date] | None = None
    for first, last in sorted(spans):
        if current is None or first > current[1] + timedelta(days=1):
            if current is not None:
                total += (current[1] - current[0]).days + 1
            current = (first, last)
        else:
            current = (current[0], max(current[1], last))
    if current is not None:
        total += (current[1] - current[0]).days + 1
    return total
