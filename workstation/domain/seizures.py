"""Seizures (查封、扣押、冻结): expiry, reminders ahead of it, and the excessive seizure check.

Terms: 《民诉法解释》（2022）第485条 [C]: a freeze of deposits runs at most one year, a seizure of
movables two, of real estate or other property rights three; a renewal (续行) at most the same
again. Which term applies to which kind of asset, whether the seizure day itself counts and
where a renewal's term starts are court settings ([U] where the law is silent). An expiry is not
moved off holidays: the registry's seizure simply lapses that day, so the reminder comes early.

Excessive seizure: 查封规定（2020修正）第19条 [C]. The value held is compared with the debt
still outstanding plus the enforcement fee (delay interest included per setting). The law
forbids seizing "obviously" more; "obviously" has no number, so the check warns with the
figures and the legal text and leaves the judgment to the officer. It never blocks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from fractions import Fraction

from .errors import InvalidDate, InvalidValue
from .interest import round_half_up
from .measures import Asset, AssetKind, Seizure, SeizureKind
from .money import format_money
from .outstanding import Outstanding
from .periods import Period, period_end
from .settings import CourtSettings, LegalBases, default_legal_bases


def seizure_expiry(seizure: Seizure, kind: AssetKind, settings: CourtSettings) -> date:
    """The last day the seizure holds, after its renewals.

    A date stated on the notice (`until`) wins over the computed term; a renewal runs for the
    full legal term from its own date or from the day after the previous expiry (setting).
    """
    term = settings.seizure_term(kind)
    end = seizure.until or _term_end(seizure.date, term, settings.seizure_count_start_day)
    term = settings.renewal_term(kind)
    for renewal in sorted(seizure.renewals, key=lambda r: r.date):
        if renewal.until is not None:
            end = renewal.until
        elif settings.renewal_runs_from == "previous_expiry":
            # the next term starts the day after `end`: that is `end` with its day not counted
            end = _term_end(end, term, count_start_day=False)
        else:
            end = _term_end(renewal.date, term, settings.seizure_count_start_day)
    return end


def check_seizure_term(seizure: Seizure, kind: AssetKind, settings: CourtSettings) -> None:
    """Refuse a stated expiry beyond the legal term, or a renewal made after the seizure lapsed."""
    term = settings.seizure_term(kind)
    longest = _term_end(seizure.date, term, settings.seizure_count_start_day)
    if seizure.until is not None and seizure.until > longest:
        raise InvalidDate(
            f"{kind.label}的{seizure.kind.label}期限不得超过{term}"
            f"（至{longest.isoformat()}），登记的到期日{seizure.until.isoformat()}超出了，请核对",
            field="until",
        )
    end = seizure.until or longest
    term = settings.renewal_term(kind)
    for renewal in sorted(seizure.renewals, key=lambda r: r.date):
        if renewal.date > end:
            raise InvalidDate(
                f"续行日期{renewal.date.isoformat()}晚于上一期到期日{end.isoformat()}，"
                f"原{seizure.kind.label}已失效，不能续行；请作为新的{seizure.kind.label}登记",
            )
        start = renewal.date
        longest = _term_end(start, term, settings.seizure_count_start_day)
        if settings.renewal_runs_from == "previous_expiry":
            longest = _term_end(end, term, count_start_day=False)
        if renewal.until is not None and renewal.until > longest:
            raise InvalidDate(
                f"续行期限不得超过{term}（至{longest.isoformat()}），登记的到期日"
                f"{renewal.until.isoformat()}超出了，请核对",
            )
        end = renewal.until or longest


@dataclass(frozen=True)
class ExpiryReminder:
    seizure: Seizure
    asset: Asset
    expiry: date
    remind_from: date
    days_left: int  # negative once expired

    @property
    def expired(self) -> bool:
        return self.days_left < 0

    def message(self) -> str:
        what = f"{self.asset.description}的{self.seizure.kind.label}"
        if self.expired:
            return f"{what}已于{self.expiry.isoformat()}到期，未续行即已失效，请核实"
        return (
            f"{what}将于{self.expiry.isoformat()}到期（还有{self.days_left}日），如需续行请及时办理"
        )


def expiry_reminders(
    seizures: Iterable[Seizure],
    assets: Mapping[str, Asset],
    today: date,
    settings: CourtSettings,
) -> list[ExpiryReminder]:
    """Seizures in force that expire within the lead days, or have expired; soonest first."""
    reminders = []
    for seizure in seizures:
        if seizure.released_on(today):
            continue
        asset = assets[seizure.asset_id]
        expiry = seizure_expiry(seizure, asset.kind, settings)
        remind_from = period_end(expiry, days=-settings.reminder_lead_days)
        if today >= remind_from:
            reminders.append(
                ExpiryReminder(seizure, asset, expiry, remind_from, (expiry - today).days)
            )
    return sorted(reminders, key=lambda r: (r.expiry, r.seizure.id))


# --- excessive seizure ----------------------------------------------------------------------


class ExcessStatus(StrEnum):
    WITHIN = "within"
    ABOVE = "above"
    ABOVE_WITH_EXCEPTION = "above_with_exception"

    @property
    def label(self) -> str:
        return {
            "within": "未超过债权额及执行费用",
            "above": "超过债权额及执行费用，请判断是否明显超标的",
            "above_with_exception": "超过债权额及执行费用，已记录例外情形",
        }[self.value]


@dataclass(frozen=True)
class ExcessiveSeizureException:
    """The officer's record that 第19条's exception applies: indivisible property, and the debtor
    has no other property or not enough to pay."""

    indivisible: bool
    no_other_property: bool
    reason: str
    officer: str
    date: date

    def __post_init__(self) -> None:
        if not (self.indivisible and self.no_other_property):
            raise InvalidValue(
                "超标的查封的例外须同时具备：该财产为不可分物，且被执行人无其他可供执行的财产"
                "或者其他财产不足以清偿债务（查封规定第19条）；不具备的，应解除超标的部分",
                field="exception",
            )
        if not self.reason.strip():
            raise InvalidValue("请写明适用例外的具体理由", field="reason")
        if not self.officer.strip():
            raise InvalidValue("请填写记录例外情形的承办人", field="officer")


@dataclass(frozen=True)
class HeldValue:
    """What one seized asset counts for: its value less prior rights, or the frozen amount."""

    asset_id: str
    description: str
    seizure_ids: tuple[str, ...]
    counted: int | None  # None: the asset has no value recorded
    how: str  # Chinese: how the figure was reached


@dataclass(frozen=True)
class ExcessiveSeizureCheck:
    value_held: int
    parts: tuple[HeldValue, ...]
    claim: int
    enforcement_fee: int
    delay_interest: int  # counted in the comparison (0 when the setting leaves it out)
    recovered: int
    comparison: int  # claim + fee (+ delay interest) − recovered, never negative
    status: ExcessStatus
    legal_source: str
    legal_text: str
    warning: str | None
    exception: ExcessiveSeizureException | None

    @property
    def excess(self) -> int:
        """Value held beyond the comparison amount (negative when below it)."""
        return self.value_held - self.comparison

    @property
    def unvalued(self) -> tuple[HeldValue, ...]:
        return tuple(p for p in self.parts if p.counted is None)


def excessive_seizure_check(
    seizures: Iterable[Seizure],
    assets: Mapping[str, Asset],
    debt: Outstanding,
    today: date,
    settings: CourtSettings,
    *,
    exception: ExcessiveSeizureException | None = None,
    bases: LegalBases | None = None,
) -> ExcessiveSeizureCheck:
    """Compare the value held under seizures in force on `today` with what is still owed.

    Value held = Σ over seized assets of (appraisal or reference value − prior encumbrances)
    × the seized share; a freeze with an amount counts at the amount frozen (less partial
    releases). An asset with no value recorded is listed and not counted.
    """
    bases = bases or default_legal_bases()
    by_asset: dict[str, list[Seizure]] = {}
    for seizure in seizures:
        if seizure.date <= today and not seizure.released_on(today):
            by_asset.setdefault(seizure.asset_id, []).append(seizure)
    parts = tuple(
        _held_value(assets[asset_id], group, today) for asset_id, group in by_asset.items()
    )
    value_held = sum(p.counted for p in parts if p.counted is not None)
    delay = debt.delay_interest if settings.excessive_seizure_includes_delay_interest else 0
    comparison = max(0, debt.claim + debt.enforcement_fee + delay - debt.recovered)
    if value_held <= comparison:
        status = ExcessStatus.WITHIN
    elif exception is not None:
        status = ExcessStatus.ABOVE_WITH_EXCEPTION
    else:
        status = ExcessStatus.ABOVE
    basis = bases.get("seizure.excessive")
    check = ExcessiveSeizureCheck(
        value_held=value_held,
        parts=parts,
        claim=debt.claim,
        enforcement_fee=debt.enforcement_fee,
        delay_interest=delay,
        recovered=debt.recovered,
        comparison=comparison,
        status=status,
        legal_source=bases.cite("seizure.excessive"),
        legal_text=basis.text if basis else "",
        warning=None,
        exception=exception,
    )
    return _with_warning(check, settings)


def covering_exception(
    seizures: Iterable[Seizure],
    exceptions: Mapping[str, ExcessiveSeizureException],
    assets: Mapping[str, Asset],
    debt: Outstanding,
    today: date,
    settings: CourtSettings,
) -> ExcessiveSeizureException | None:
    """The officer's recorded exception (by seizure id) that covers the excess on `today`.

    第19条's exception concerns one property, the indivisible one: it covers the excess only when
    the seizures in force without a recorded exception hold no more than the debt on their own, so
    the excess comes from the excepted property. A seizure made later that brings the value held
    above the debt again is warned about as any other. Of several records, the latest is shown.
    """
    in_force = [s for s in seizures if s.date <= today and not s.released_on(today)]
    recorded = [(exceptions[s.id], s) for s in in_force if s.id in exceptions]
    if not recorded:
        return None
    excepted_assets = {s.asset_id for _x, s in recorded}
    rest = [s for s in in_force if s.asset_id not in excepted_assets]
    if (
        excessive_seizure_check(rest, assets, debt, today, settings).status
        is not ExcessStatus.WITHIN
    ):
        return None
    return max(recorded, key=lambda pair: (pair[0].date, pair[1].id))[0]


def _with_warning(check: ExcessiveSeizureCheck, settings: CourtSettings) -> ExcessiveSeizureCheck:
    unvalued = check.unvalued
    names = "、".join(p.description for p in unvalued)
    note = f"另有{len(unvalued)}项财产未填写价值，未计入：{names}。" if unvalued else ""
    if check.status is ExcessStatus.WITHIN:
        return replace(check, warning=note or None)
    delay = "含" if settings.excessive_seizure_includes_delay_interest else "不含"
    figures = (
        f"已查封、扣押、冻结的财产价值合计{format_money(check.value_held)}，超过尚欠债权额及执行费用"
        f"（{delay}迟延履行利息）{format_money(check.comparison)}，超出{format_money(check.excess)}"
        f"（债权额{format_money(check.claim)} + 执行费用{format_money(check.enforcement_fee)}"
        + (f" + 迟延履行利息{format_money(check.delay_interest)}" if check.delay_interest else "")
        + f" − 已到位{format_money(check.recovered)}）。"
    )
    if check.exception is not None:
        judgement = (
            f"承办人{check.exception.officer}已于{check.exception.date.isoformat()}记录例外情形："
            f"该财产为不可分物，且被执行人无其他可供执行的财产或者其他财产不足以清偿债务；"
            f"理由：{check.exception.reason}。"
        )
    else:
        judgement = (
            "是否属于“明显超标的额”，由承办人判断；属于的，应当依被执行人申请或者依职权及时解除"
            "超标的额部分的查封、扣押、冻结，但该财产为不可分物且被执行人无其他可供执行的财产"
            "或者其他财产不足以清偿债务的除外（如适用例外，请记录理由）。"
        )
    return replace(check, warning=f"{figures}{judgement}{note}依据：{check.legal_source}")


def _held_value(asset: Asset, seizures: list[Seizure], today: date) -> HeldValue:
    ids = tuple(s.id for s in seizures)
    frozen = [s for s in seizures if s.kind is SeizureKind.FREEZE and s.amount is not None]
    if frozen:
        amount = sum(_frozen_amount(s, today) for s in frozen)
        how = f"按冻结数额{format_money(amount)}计"
        if asset.value is not None and amount > asset.value:
            how = f"冻结数额{format_money(amount)}超过账户余额，按余额{format_money(asset.value)}计"
            amount = asset.value
        return HeldValue(asset.id, asset.description, ids, amount, how)
    if asset.value is None:
        return HeldValue(asset.id, asset.description, ids, None, "未填写价值，未计入")
    share = max(_seized_share(s, today) for s in seizures)
    net = max(0, asset.value - asset.prior_encumbrances)
    counted = round_half_up(net * share)
    basis = asset.value_basis.label if asset.value_basis else "价值"
    how = f"{basis}{format_money(asset.value)}"
    if asset.prior_encumbrances:
        how += f" − 在先优先权{format_money(asset.prior_encumbrances)}"
    if share != 1:
        how += f"，查封份额{share.numerator}/{share.denominator}"
    return HeldValue(asset.id, asset.description, ids, counted, how)


def _frozen_amount(seizure: Seizure, today: date) -> int:
    released = sum(
        r.amount for r in seizure.releases if not r.whole and r.amount and r.date <= today
    )
    return max(0, (seizure.amount or 0) - released)


def _seized_share(seizure: Seizure, today: date) -> Fraction:
    share = seizure.share if seizure.share is not None else Fraction(1)
    for release in seizure.releases:
        if not release.whole and release.share is not None and release.date <= today:
            share -= release.share
    return max(Fraction(0), share)


def _term_end(start: date, term: Period, count_start_day: bool) -> date:
    return period_end(
        start,
        years=term.years,
        months=term.months,
        days=term.days,
        count_start_day=count_start_day,
    )
