"""The working-day calendar: public holidays and adjusted working days, as editable data.

Reference §10: the last day of a period that falls on a 法定休假日 moves to the first day after
it (《民事诉讼法》第八十五条, 《民法典》第二百零三条), and cash taken in the field is handed in
"within one working day" (法发〔2006〕11号 第6条). Which days are holidays is decided each year by
the State Council's notice, so the days live in resources/holidays.toml, not in code.

A day is a working day when it is a Monday to Friday that is not a listed holiday, or a weekend day
listed as an adjusted working day (调休上班). A year missing from the file counts weekends only;
`HolidayCalendar.warning` says so in Chinese, and the period functions also emit a
`MissingHolidayData` warning so the gap is never silent.
"""

from __future__ import annotations

import tomllib
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from ..resources import resource
from .errors import InvalidValue

HOLIDAYS_FILE = "holidays.toml"

MAX_FESTIVAL_DAYS = 15  # the longest arrangement so far is 9 days (春节 2026); more is a typo

_YEAR_KEYS = {"year", "source", "checked", "note", "festival"}
_FESTIVAL_KEYS = {"name", "from", "to", "working_days"}


class MissingHolidayData(UserWarning):
    """A deadline was moved off holidays in a year the holiday file does not cover."""


@dataclass(frozen=True)
class Festival:
    """One arrangement from a State Council notice: days off and the weekend days worked."""

    name: str
    first: date
    last: date
    working_days: tuple[date, ...] = ()

    def days_off(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


@dataclass(frozen=True)
class HolidayYear:
    year: int
    source: str
    checked: bool
    festivals: tuple[Festival, ...]
    note: str = ""


class HolidayCalendar:
    """Public holidays and adjusted working days for the years it covers."""

    def __init__(self, years: Iterable[HolidayYear] = ()) -> None:
        self.years: dict[int, HolidayYear] = {}
        self._holidays: dict[date, str] = {}
        self._working: dict[date, str] = {}
        for entry in years:
            self.years[entry.year] = entry
            for festival in entry.festivals:
                for day in festival.days_off():
                    self._holidays[day] = festival.name
                for day in festival.working_days:
                    self._working[day] = festival.name

    @classmethod
    def weekends_only(cls) -> HolidayCalendar:
        """A calendar that knows no holidays (every year counts Saturdays and Sundays only)."""
        return cls()

    def covers(self, year: int) -> bool:
        return year in self.years

    def holiday_name(self, day: date) -> str | None:
        """The festival whose days off include `day`, or None."""
        return self._holidays.get(day)

    def is_working_day(self, day: date) -> bool:
        if day in self._working:
            return True
        if day in self._holidays:
            return False
        return day.weekday() < 5

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def missing_years(self, first: date, last: date) -> list[int]:
        """Years from `first` to `last` (either order) that the calendar does not cover."""
        low, high = sorted((first.year, last.year))
        return [year for year in range(low, high + 1) if year not in self.years]

    def warning(self, first: date, last: date) -> str | None:
        """A Chinese warning when some year between the two dates has no holiday data."""
        missing = self.missing_years(first, last)
        if not missing:
            return None
        years = "、".join(f"{year}年" for year in missing)
        return (
            f"节假日日历（{HOLIDAYS_FILE}）中没有{years}的节假日安排，这些年份只按周六、周日计算，"
            "期限可能不准；请按国务院办公厅当年的节假日安排通知补充"
        )

    def warn_if_missing(self, first: date, last: date) -> None:
        text = self.warning(first, last)
        if text is not None:
            warnings.warn(MissingHolidayData(text), stacklevel=3)


def load_holidays(path: Path | None = None) -> HolidayCalendar:
    """Read the holiday file; the default is the bundled resources/holidays.toml.

    A missing or malformed file raises InvalidValue naming the file and the entry to fix.
    """
    if path is None:
        path = resource(HOLIDAYS_FILE)
    what = "节假日日历文件"
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise InvalidValue(f"找不到{what} {path}，请确认程序安装完整") from None
    except OSError as exc:
        raise InvalidValue(f"无法读取{what} {path}：{exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InvalidValue(f"{what} {path} 格式错误（{exc}），请按文件开头的说明修改") from None
    except UnicodeDecodeError:
        raise InvalidValue(f"{what} {path} 不是 UTF-8 编码，请用 UTF-8 保存") from None
    return HolidayCalendar(_years_from(data, path))


@lru_cache(maxsize=1)
def default_calendar() -> HolidayCalendar:
    """The bundled calendar, read once."""
    return load_holidays()


def _years_from(data: dict[str, object], path: Path) -> list[HolidayYear]:
    def problem(text: str) -> InvalidValue:
        return InvalidValue(f"节假日日历文件 {path} 有误：{text}")

    extra = set(data) - {"year"}
    if extra:
        raise problem(f"不认识的项目“{'、'.join(sorted(extra))}”，每年应写在 [[year]] 下")
    entries = data.get("year", [])
    if not isinstance(entries, list):
        raise problem("year 应写成 [[year]] 表")
    years: list[HolidayYear] = []
    seen: set[int] = set()
    for number, entry in enumerate(entries, start=1):
        where = f"第{number}个 [[year]]"
        if not isinstance(entry, dict):
            raise problem(f"{where} 应为表")
        unknown = set(entry) - _YEAR_KEYS
        if unknown:
            raise problem(f"{where} 有不认识的项目 {'、'.join(sorted(unknown))}（是否拼错？）")
        year = entry.get("year")
        if isinstance(year, bool) or not isinstance(year, int) or not 1949 <= year <= 2200:
            raise problem(f"{where} 的 year 应为年份数字，如 2026（不加引号）")
        where = f"{year}年"
        if year in seen:
            raise problem(f"{where}出现了两次，请合并为一个 [[year]]")
        seen.add(year)
        source = entry.get("source")
        if not isinstance(source, str) or not source.strip():
            raise problem(f"{where} 的 source 应写明依据的通知名称和文号")
        checked = entry.get("checked", False)
        if not isinstance(checked, bool):
            raise problem(f"{where} 的 checked 应为 true 或 false（不加引号）")
        note = entry.get("note", "")
        if not isinstance(note, str):
            raise problem(f"{where} 的 note 应为文字（加引号）")
        festivals = entry.get("festival", [])
        if not isinstance(festivals, list) or not festivals:
            raise problem(f"{where} 没有任何 [[year.festival]] 节日")
        parsed = tuple(
            _festival_from(item, f"{where}第{n}个节日", problem)
            for n, item in enumerate(festivals, start=1)
        )
        years.append(HolidayYear(year, source.strip(), checked, parsed, note))
    _check_no_overlap(years, problem)
    return years


def _festival_from(entry: object, where: str, problem: Callable[[str], InvalidValue]) -> Festival:
    if not isinstance(entry, dict):
        raise problem(f"{where} 应为表")
    unknown = set(entry) - _FESTIVAL_KEYS
    if unknown:
        raise problem(f"{where} 有不认识的项目 {'、'.join(sorted(unknown))}（是否拼错？）")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise problem(f"{where} 的 name 应为节日名称")
    where = f"{where}（{name}）"
    first, last = entry.get("from"), entry.get("to")
    for key, value in (("from", first), ("to", last)):
        if not isinstance(value, date) or isinstance(value, datetime):
            raise problem(f"{where} 的 {key} 应为日期，写作 2026-02-15（不加引号）")
    assert isinstance(first, date) and isinstance(last, date)
    if last < first:
        raise problem(f"{where} 的 to 早于 from，请核对放假起止日期")
    if (last - first).days + 1 > MAX_FESTIVAL_DAYS:
        raise problem(f"{where} 放假超过{MAX_FESTIVAL_DAYS}天，请核对起止日期")
    working = entry.get("working_days", [])
    if not isinstance(working, list) or not all(
        isinstance(d, date) and not isinstance(d, datetime) for d in working
    ):
        raise problem(f"{where} 的 working_days 应为日期列表，如 [2026-02-14]，没有就写 []")
    for day in working:
        if day.weekday() < 5:
            raise problem(
                f"{where} 的调休上班日 {day.isoformat()} 不是周六或周日；"
                "周一至周五本来就是工作日，请核对"
            )
        if first <= day <= last:
            raise problem(f"{where} 的调休上班日 {day.isoformat()} 落在放假期间内，请核对")
    return Festival(name.strip(), first, last, tuple(working))


def _check_no_overlap(years: list[HolidayYear], problem: Callable[[str], InvalidValue]) -> None:
    off: dict[date, str] = {}
    work: dict[date, str] = {}
    for entry in years:
        for festival in entry.festivals:
            for day in festival.days_off():
                if day in off:
                    raise problem(
                        f"{day.isoformat()} 同时列在“{off[day]}”和“{festival.name}”的放假日期中"
                    )
                off[day] = festival.name
            for day in festival.working_days:
                work[day] = festival.name
    for day, name in work.items():
        if day in off:
            raise problem(
                f"{day.isoformat()} 既是“{off[day]}”的放假日，又是“{name}”的调休上班日，请核对"
            )
