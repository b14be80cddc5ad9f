"""After termination: the six-monthly inquiries, telling the applicant, dishonest-list removal.

法〔2016〕373号 第九条 [C]: for five years after termination the court queries the debtor's
property through the online system every six months and tells the applicant the result; if
property is found the case is resumed. 失信规定（2017修正）第十条第（四）项 [P]: after two or more
such inquiries found nothing, and neither the applicant nor anyone else gave a valid property
clue, the debtor's dishonest-list entry is to be removed.

Rounds are fixed windows counted from the termination date with `period_end` (the k-th round is
due k × 6 months after termination, not 6 months after the previous one, so month ends do not
drift): an online inquiry made in the window (previous due date, due date] is that round's.
One inquiry round is one day's online inquiries of a debtor, whatever the number of channels.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .calendar import HolidayCalendar, default_calendar
from .measures import ClueStatus, LabelledEnum, Measure, MeasureKind, PropertyClue
from .periods import Period, period_end
from .settings import CourtSettings, LegalBases, default_legal_bases


class RoundStatus(LabelledEnum):
    UPCOMING = ("upcoming", "未到期")
    DUE_SOON = ("due_soon", "即将到期")
    OVERDUE = ("overdue", "已逾期未查询")
    DONE = ("done", "已查询")


@dataclass(frozen=True)
class AftercareRound:
    number: int
    opens_after: date  # the window is (opens_after, due]
    due: date
    inquiries: tuple[Measure, ...]
    status: RoundStatus

    @property
    def property_found(self) -> bool:
        return any(m.property_found for m in self.inquiries)

    @property
    def nothing_found(self) -> bool:
        """Done, every result back, and none found property."""
        return bool(self.inquiries) and all(m.property_found is False for m in self.inquiries)

    @property
    def told_applicant(self) -> bool:
        """The round's result has been told to the applicant (recorded on any of its inquiries)."""
        return any(m.told_applicant is not None for m in self.inquiries)


@dataclass(frozen=True)
class Aftercare:
    termination_date: date
    ends: date
    rounds: tuple[AftercareRound, ...]
    warning: str | None = None  # due dates in years the holiday calendar does not cover

    @property
    def reminders(self) -> tuple[str, ...]:
        """What the officer must do now, in Chinese."""
        out = []
        for r in self.rounds:
            if r.status is RoundStatus.OVERDUE:
                out.append(f"第{r.number}次终本后查询应于{r.due.isoformat()}前完成，已逾期")
            elif r.status is RoundStatus.DUE_SOON:
                out.append(f"第{r.number}次终本后查询应于{r.due.isoformat()}前完成")
            elif r.status is RoundStatus.DONE and not r.told_applicant:
                out.append(f"第{r.number}次终本后查询的结果尚未告知申请执行人")
        if self.property_found:
            out.append("终本后查询发现财产，符合条件的应及时恢复执行")
        return tuple(out)

    @property
    def property_found(self) -> tuple[Measure, ...]:
        return tuple(m for r in self.rounds for m in r.inquiries if m.property_found)


def aftercare(
    termination_date: date,
    measures: Iterable[Measure],
    today: date,
    settings: CourtSettings,
    *,
    debtor_id: str = "",
    calendar: HolidayCalendar | None = None,
) -> Aftercare:
    """The six-monthly inquiry rounds of one debtor (or of the case: `debtor_id` empty)."""
    inquiries = sorted(
        (
            m
            for m in measures
            if m.kind is MeasureKind.ONLINE_INQUIRY
            and m.date > termination_date
            and m.date <= today
            and (not debtor_id or m.concerns(debtor_id))
        ),
        key=lambda m: (m.date, m.id),
    )
    dues = aftercare_due_dates(termination_date, settings, calendar=calendar)
    rounds = []
    opens_after = termination_date
    for number, due in enumerate(dues, start=1):
        done = tuple(m for m in inquiries if opens_after < m.date <= due)
        remind_from = period_end(due, days=-settings.reminder_lead_days)
        if done:
            status = RoundStatus.DONE
        elif today > due:
            status = RoundStatus.OVERDUE
        elif today >= remind_from:
            status = RoundStatus.DUE_SOON
        else:
            status = RoundStatus.UPCOMING
        rounds.append(AftercareRound(number, opens_after, due, done, status))
        opens_after = due
    ends = dues[-1] if dues else termination_date
    warning = None
    if settings.legal_periods_skip_holidays:
        warning = (calendar or default_calendar()).warning(termination_date, ends)
    return Aftercare(termination_date, ends, tuple(rounds), warning)


def aftercare_due_dates(
    termination_date: date, settings: CourtSettings, *, calendar: HolidayCalendar | None = None
) -> list[date]:
    """The due day of each round: every interval from termination, through the whole duration."""
    interval, duration = settings.aftercare_interval, settings.aftercare_duration
    last = period_end(termination_date, **_units(duration))
    dues = []
    k = 1
    while True:
        plain = period_end(termination_date, **_units(_times(interval, k)))
        if plain > last:
            break
        dues.append(settings.legal_period_end(termination_date, _times(interval, k), calendar))
        k += 1
    return dues


@dataclass(frozen=True)
class DishonestRemoval:
    removable: bool
    inquiries_nothing_found: tuple[
        date, ...
    ]  # days of post-termination inquiries that found nothing
    blocking_clues: tuple[str, ...]
    reason: str  # Chinese
    legal_source: str


def dishonest_removal(
    termination_date: date,
    measures: Iterable[Measure],
    clues: Iterable[PropertyClue],
    today: date,
    settings: CourtSettings,
    *,
    debtor_id: str = "",
    bases: LegalBases | None = None,
) -> DishonestRemoval:
    """Whether the debtor's dishonest-list entry may now be removed (shown, never done here)."""
    bases = bases or default_legal_bases()
    source = bases.cite("dishonest.removal")
    mine = [m for m in measures if m.date <= today and (not debtor_id or m.concerns(debtor_id))]
    entries = [m for m in mine if m.kind is MeasureKind.DISHONEST_LIST_ENTRY]
    removals = [m for m in mine if m.kind is MeasureKind.DISHONEST_LIST_REMOVAL]
    if not entries or (removals and max(r.date for r in removals) >= max(e.date for e in entries)):
        return DishonestRemoval(False, (), (), "被执行人不在失信名单中", source)
    by_day: dict[date, list[Measure]] = {}
    for m in mine:
        if m.kind is MeasureKind.ONLINE_INQUIRY and m.date > termination_date:
            by_day.setdefault(m.date, []).append(m)
    found = sorted(d for d, ms in by_day.items() if any(m.property_found for m in ms))
    empty = tuple(
        sorted(d for d, ms in by_day.items() if all(m.property_found is False for m in ms))
    )
    blocking = tuple(
        c.id
        for c in clues
        if c.given_date > termination_date
        and c.given_date <= today
        and c.status not in (ClueStatus.NOTHING_FOUND, ClueStatus.NOT_SPECIFIC)
        and (not debtor_id or not c.debtor_id or c.debtor_id == debtor_id)
    )
    needed = settings.dishonest_removal_inquiries
    if found:
        reason = f"终本后{found[0].isoformat()}的查询发现了财产，不能删除失信信息"
    elif len(empty) < needed:
        reason = f"终本后查询未发现财产的次数为{len(empty)}次，须达到{needed}次"
    elif blocking:
        reason = "申请执行人或者其他人在终本后提供了财产线索，尚未核实为无效"
    else:
        reason = f"终本后已查询{len(empty)}次未发现财产，且无有效财产线索，应当删除失信信息"
    removable = not found and len(empty) >= needed and not blocking
    return DishonestRemoval(removable, empty, blocking, reason, source)


def _times(period: Period, k: int) -> Period:
    return Period(period.years * k, period.months * k, period.days * k)


def _units(period: Period) -> dict[str, int]:
    return {"years": period.years, "months": period.months, "days": period.days}
