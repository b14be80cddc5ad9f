"""Periods (期间): the one function that computes when a period of years, months or days ends.

《民法典》第二百零一条至第二百零三条; 《民事诉讼法》第八十五条 (reference section 10):
the day the period starts is not counted; a period in years or months ends on the corresponding
day of the last month, or that month's last day when it has none; when the last day is a
法定休假日 the period ends on the first working day after it. Whether the start day counts and
whether the end moves off holidays are choices of the caller (a legal period moves; an internal
management period moves only if the court says so), with the law's answers as the defaults of
`CourtSettings`. Every deadline in the domain goes through `period_end` or `working_days_after`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the calendar (a data file) is loaded only when a period needs it
    from .calendar import HolidayCalendar


@dataclass(frozen=True)
class Period:
    """A length of time as the law states it: "三个月", "一年", "三十日"."""

    years: int = 0
    months: int = 0
    days: int = 0

    def __post_init__(self) -> None:
        if self.days and (self.years or self.months):
            raise ValueError("a period is counted in days, or in months and years, not both")

    def end(
        self,
        start: date,
        *,
        count_start_day: bool = False,
        skip_holidays: bool = False,
        calendar: HolidayCalendar | None = None,
    ) -> date:
        """`period_end` for this period."""
        return period_end(
            start,
            years=self.years,
            months=self.months,
            days=self.days,
            count_start_day=count_start_day,
            skip_holidays=skip_holidays,
            calendar=calendar,
        )

    def __str__(self) -> str:
        parts = []
        if self.years:
            parts.append(f"{self.years}年")
        if self.months:
            parts.append(f"{self.months}个月")
        if self.days or not parts:
            parts.append(f"{self.days}日")
        return "".join(parts)


def period_end(
    start: date,
    *,
    years: int = 0,
    months: int = 0,
    days: int = 0,
    count_start_day: bool = False,
    skip_holidays: bool = False,
    calendar: HolidayCalendar | None = None,
) -> date:
    """The last day of a period that begins on `start`.

    By default `start` itself is not counted (民法典第二百零一条). With `count_start_day` the start
    day is the period's first day, so the period ends one day earlier (30 days from 1 March
    counting 1 March end on 30 March). With `skip_holidays` a last day that is not a working day
    moves to the next working day of `calendar` (default: the bundled holiday file); a year the
    calendar lacks counts weekends only and emits a `MissingHolidayData` warning.
    """
    if days and (years or months):
        raise ValueError("a period is counted in days, or in months and years, not both")
    if days:
        end = start + timedelta(days=days)
    else:
        total = start.year * 12 + (start.month - 1) + years * 12 + months
        year, month = divmod(total, 12)
        month += 1
        day = min(start.day, _days_in_month(year, month))
        end = date(year, month, day)
    if count_start_day:
        end -= timedelta(days=1)
    if skip_holidays:
        calendar = calendar if calendar is not None else _default_calendar()
        moved = calendar.next_working_day(end)
        calendar.warn_if_missing(end, moved)
        end = moved
    return end


def _default_calendar() -> HolidayCalendar:
    from .calendar import default_calendar

    return default_calendar()


def working_days_after(start: date, n: int, *, calendar: HolidayCalendar | None = None) -> date:
    """The `n`th working day after `start` (`start` not counted); `start` itself when n is 0.

    "回院后一个工作日内移交" (法发〔2006〕11号 第6条): cash taken on `start` is due by
    `working_days_after(start, 1)`. Weekends count as rest days unless listed as adjusted
    working days; years missing from the calendar count weekends only, with a warning.
    """
    if n < 0:
        raise ValueError("n counts working days forward and cannot be negative")
    calendar = calendar if calendar is not None else _default_calendar()
    day = start
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    calendar.warn_if_missing(start, day)
    return day


def _days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def open_longer_than_cutoff(today: date, *, years: int = 1) -> date:
    """The earliest filing date whose `years`-long period has not yet ended by `today`.

    A case filed before the returned date has been open longer than `years` years.
    """
    candidate = period_end(today, years=-years) - timedelta(days=3)
    while period_end(candidate, years=years) < today:
        candidate += timedelta(days=1)
    return candidate
