"""The outstanding amount (尚未执行标的额): THE one function every screen and document uses.

Reference §1 check 9 and §9: outstanding = claim (principal + interest the judgment sets)
+ enforcement fee + delay interest − recovered, where recovered (实际到位金额) = transfers
(划拨) + auction and sale (拍卖成交、变卖) + set-off in kind (以物抵债折抵). Never negative; money
recovered beyond the total is reported as `overpaid`.

The reference's formula (a replica of the SPC system's check) lists only those four kinds. Money
the debtor pays into the court account, or pays the applicant directly with the applicant's
confirmation, plainly reduces the debt too, so they are recovery kinds here as well, reported
separately (`recovered_by_kind`) so that a figure by the reference's formula can still be shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .errors import InvalidMoney
from .interest import DelayInterest
from .measures import LabelledEnum, Receipt, ReceiptSource


class RecoveryKind(LabelledEnum):
    TRANSFER = ("transfer", "划拨")
    AUCTION_OR_SALE = ("auction_or_sale", "拍卖、变卖成交")
    SET_OFF = ("set_off", "以物抵债折抵")
    DEBTOR_PAYMENT = ("debtor_payment", "被执行人交款")
    PAID_TO_APPLICANT = ("paid_to_applicant", "直接向申请执行人履行（经申请执行人确认）")
    OTHER = ("other", "其他到位款")


# the kinds in the reference's formula (§1 check 9)
REFERENCE_FORMULA_KINDS = frozenset(
    {RecoveryKind.TRANSFER, RecoveryKind.AUCTION_OR_SALE, RecoveryKind.SET_OFF}
)

_FROM_RECEIPT = {
    ReceiptSource.TRANSFER: RecoveryKind.TRANSFER,
    ReceiptSource.AUCTION_OR_SALE: RecoveryKind.AUCTION_OR_SALE,
    ReceiptSource.DEBTOR_PAYMENT: RecoveryKind.DEBTOR_PAYMENT,
    ReceiptSource.OTHER: RecoveryKind.OTHER,
}


@dataclass(frozen=True)
class Recovery:
    """Money (or value set off in kind) recovered for the applicant on `date`."""

    date: date
    amount: int
    kind: RecoveryKind
    id: str = ""

    def __post_init__(self) -> None:
        _check_fen(self.amount, "到位金额")
        if self.amount == 0:
            raise InvalidMoney("到位金额应大于0，请核对")


def recoveries_from_receipts(receipts: Iterable[Receipt]) -> list[Recovery]:
    """The case's receipts as recoveries (a set-off in kind has no receipt: add it yourself)."""
    return [Recovery(r.date, r.amount, _FROM_RECEIPT[r.source], r.id) for r in receipts]


@dataclass(frozen=True)
class Outstanding:
    principal: int
    judgment_interest: int
    enforcement_fee: int
    delay_interest: int
    recovered: int
    recovered_by_kind: tuple[tuple[RecoveryKind, int], ...]
    amount: int  # what is still owed, never negative
    overpaid: int  # recovered beyond everything owed

    @property
    def claim(self) -> int:
        """执行标的: principal + the interest the judgment sets."""
        return self.principal + self.judgment_interest

    @property
    def total_due(self) -> int:
        return self.claim + self.enforcement_fee + self.delay_interest

    @property
    def recovered_by_reference_formula(self) -> int:
        return sum(a for kind, a in self.recovered_by_kind if kind in REFERENCE_FORMULA_KINDS)


def outstanding(
    *,
    principal: int,
    judgment_interest: int = 0,
    enforcement_fee: int = 0,
    delay_interest: int | DelayInterest = 0,
    recoveries: Iterable[Recovery] = (),
    as_of: date | None = None,
) -> Outstanding:
    """What the debtor still owes: claim + enforcement fee + delay interest − recovered, ≥ 0.

    `delay_interest` is a figure in fen or the result of `interest.delay_interest` (its total is
    used: pass there as general interest only what `judgment_interest` does not already hold).
    With `as_of`, recoveries after that day are left out.
    """
    delay = delay_interest.total if isinstance(delay_interest, DelayInterest) else delay_interest
    for value, what in (
        (principal, "本金"),
        (judgment_interest, "利息"),
        (enforcement_fee, "执行费"),
        (delay, "迟延履行利息"),
    ):
        _check_fen(value, what)
    by_kind: dict[RecoveryKind, int] = {}
    for recovery in recoveries:
        if as_of is not None and recovery.date > as_of:
            continue
        by_kind[recovery.kind] = by_kind.get(recovery.kind, 0) + recovery.amount
    recovered = sum(by_kind.values())
    total = principal + judgment_interest + enforcement_fee + delay
    return Outstanding(
        principal=principal,
        judgment_interest=judgment_interest,
        enforcement_fee=enforcement_fee,
        delay_interest=delay,
        recovered=recovered,
        recovered_by_kind=tuple((kind, by_kind[kind]) for kind in RecoveryKind if kind in by_kind),
        amount=max(0, total - recovered),
        overpaid=max(0, recovered - total),
    )


def _check_fen(fen: int, what: str) -> None:
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"money is whole fen as int, got {type(fen).__name__}: {fen!r}")
    if fen < 0:
        raise InvalidMoney(f"{what}不能为负数，请核对")
