"""The holiday calendar and the period function's holiday, start-day and working-day options."""

import warnings
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.domain.calendar import (
    HolidayCalendar,
    MissingHolidayData,
    default_calendar,
    load_holidays,
)
from workstation.domain.errors import InvalidValue
from workstation.domain.periods import Period, period_end, working_days_after

CAL = default_calendar()
WEEKENDS = HolidayCalendar.weekends_only()


def test_bundled_calendar_covers_2024_to_2026_with_sources() -> None:
    for year in (2024, 2025, 2026):
        assert CAL.covers(year)
        assert "国务院办公厅" in CAL.years[year].source
    assert not CAL.covers(2027)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2024, 10, 1), False),  # 国庆
        (date(2024, 10, 7), False),
        (date(2024, 10, 8), True),
        (date(2024, 10, 12), True),  # Saturday worked (调休)
        (date(2024, 9, 29), True),  # Sunday worked
        (date(2025, 1, 26), True),  # Sunday worked before 春节
        (date(2025, 2, 4), False),  # last day of 春节 2025 (a Tuesday)
        (date(2025, 5, 30), True),  # Friday before 端午
        (date(2025, 5, 31), False),
        (date(2025, 6, 2), False),  # 端午 Monday
        (date(2026, 2, 23), False),  # last day of 春节 2026 (a Monday)
        (date(2026, 2, 28), True),  # Saturday worked
        (date(2026, 1, 4), True),  # Sunday worked after 元旦
        (date(2026, 3, 7), False),  # an ordinary Saturday
        (date(2026, 3, 9), True),  # an ordinary Monday
    ],
)
def test_working_days_follow_the_state_council_schedule(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


def test_holiday_name_is_known() -> None:
    assert CAL.holiday_name(date(2026, 2, 17)) == "春节"
    assert CAL.holiday_name(date(2026, 2, 24)) is None


def test_legal_period_ending_in_national_day_moves_to_the_first_working_day() -> None:
    start = date(2024, 9, 1)
    assert period_end(start, days=30) == date(2024, 10, 1)
    assert period_end(start, days=30, skip_holidays=True, calendar=CAL) == date(2024, 10, 8)


def test_period_ending_on_spring_festival_2026_moves_past_it() -> None:
    end = period_end(date(2025, 11, 15), months=3, skip_holidays=True, calendar=CAL)
    assert end == date(2026, 2, 24)


def test_period_ending_the_day_before_a_holiday_does_not_move() -> None:
    assert period_end(date(2024, 8, 31), days=30, skip_holidays=True, calendar=CAL) == date(
        2024, 9, 30
    )


def test_period_ending_on_an_adjusted_working_saturday_stays() -> None:
    start = date(2024, 10, 2)
    assert period_end(start, days=10, skip_holidays=True, calendar=CAL) == date(2024, 10, 12)
    # a calendar that does not know the adjustment treats the Saturday as a rest day
    with pytest.warns(MissingHolidayData):
        end = period_end(start, days=10, skip_holidays=True, calendar=WEEKENDS)
    assert end == date(2024, 10, 14)


def test_period_ending_on_an_ordinary_saturday_moves_to_monday() -> None:
    assert period_end(date(2025, 2, 1), days=28, skip_holidays=True, calendar=CAL) == date(
        2025, 3, 3
    )


def test_start_day_counted_ends_one_day_earlier() -> None:
    assert period_end(date(2024, 3, 1), days=30, count_start_day=True) == date(2024, 3, 30)
    assert period_end(date(2024, 3, 1), months=1, count_start_day=True) == date(2024, 3, 31)
    assert period_end(date(2024, 3, 1), years=1, count_start_day=True) == date(2025, 2, 28)


def test_default_options_keep_the_old_results() -> None:
    # existing callers pass neither option: no holiday moves, start day not counted
    assert period_end(date(2024, 9, 1), days=30) == date(2024, 10, 1)
    assert period_end(date(2021, 1, 31), months=1) == date(2021, 2, 28)


def test_period_value_type_reads_like_the_law() -> None:
    assert str(Period(months=3)) == "3个月"
    assert str(Period(years=1)) == "1年"
    assert str(Period(days=91)) == "91日"
    assert Period(months=3).end(date(2024, 1, 15)) == date(2024, 4, 15)
    with pytest.raises(ValueError):
        Period(months=1, days=2)


@pytest.mark.parametrize(
    ("start", "n", "end"),
    [
        (date(2025, 3, 6), 1, date(2025, 3, 7)),  # Thursday -> Friday
        (date(2025, 3, 7), 1, date(2025, 3, 10)),  # Friday -> Monday
        (date(2025, 3, 8), 1, date(2025, 3, 10)),  # taken on a Saturday -> Monday
        (date(2024, 9, 30), 1, date(2024, 10, 8)),  # before National Day
        (date(2024, 10, 11), 1, date(2024, 10, 12)),  # Friday -> the Saturday worked
        (date(2025, 1, 24), 1, date(2025, 1, 26)),  # Friday -> the Sunday worked
        (date(2025, 1, 27), 1, date(2025, 2, 5)),  # eve of 春节 2025
        (date(2025, 3, 7), 3, date(2025, 3, 12)),
        (date(2025, 3, 8), 0, date(2025, 3, 8)),
    ],
)
def test_working_days_after(start: date, n: int, end: date) -> None:
    assert working_days_after(start, n, calendar=CAL) == end


def test_negative_working_days_are_a_programming_error() -> None:
    with pytest.raises(ValueError):
        working_days_after(date(2025, 3, 7), -1, calendar=CAL)


def test_year_missing_from_the_calendar_counts_weekends_and_warns() -> None:
    # 2030-10-01 is a Tuesday: without data it is an ordinary working day
    with pytest.warns(MissingHolidayData, match="2030年"):
        end = period_end(date(2030, 9, 1), days=30, skip_holidays=True, calendar=CAL)
    assert end == date(2030, 10, 1)
    with pytest.warns(MissingHolidayData, match="2030年"):
        assert working_days_after(date(2030, 3, 8), 1, calendar=CAL) == date(2030, 3, 11)
    assert "2030年" in (CAL.warning(date(2030, 1, 1), date(2030, 1, 1)) or "")


def test_covered_year_does_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        period_end(date(2025, 9, 1), days=30, skip_holidays=True, calendar=CAL)
        working_days_after(date(2025, 9, 30), 1, calendar=CAL)
    assert CAL.warning(date(2024, 1, 1), date(2026, 12, 31)) is None


def test_period_without_holiday_moves_never_consults_the_calendar() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert period_end(date(2040, 9, 1), days=30) == date(2040, 10, 1)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 10, 1)), st.integers(1, 90))
def test_moved_end_is_the_first_working_day_on_or_after_the_plain_end(
    start: date, days: int
) -> None:
    plain = period_end(start, days=days)
    moved = period_end(start, days=days, skip_holidays=True, calendar=CAL)
    assert moved >= plain
    assert CAL.is_working_day(moved)
    day = plain
    while day < moved:
        assert not CAL.is_working_day(day)
        day += timedelta(days=1)


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 1)), st.integers(1, 10))
def test_working_days_after_counts_exactly_n_working_days(start: date, n: int) -> None:
    end = working_days_after(start, n, calendar=CAL)
    counted = sum(
        CAL.is_working_day(start + timedelta(days=k)) for k in range(1, (end - start).days + 1)
    )
    assert counted == n
    assert CAL.is_working_day(end)


# --- the file --------------------------------------------------------------------------------

GOOD = """
[[year]]
year = 2030
source = "某通知"
checked = false

[[year.festival]]
name = "国庆节"
from = 2030-10-01
to = 2030-10-07
working_days = [2030-09-29]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "holidays.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_added_year_is_used(tmp_path: Path) -> None:
    cal = load_holidays(write(tmp_path, GOOD))
    assert period_end(date(2030, 9, 1), days=30, skip_holidays=True, calendar=cal) == date(
        2030, 10, 8
    )
    assert cal.is_working_day(date(2030, 9, 29))  # a Sunday worked


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (GOOD.replace("from = 2030-10-01", 'from = "2030-10-01"'), "from 应为日期"),
        (GOOD.replace("to = 2030-10-07", "to = 2030-09-07"), "to 早于 from"),
        (GOOD.replace("to = 2030-10-07", "to = 2030-10-07T08:00:00"), "to 应为日期"),
        (GOOD.replace("[2030-09-29]", "[2030-09-30]"), "不是周六或周日"),
        (GOOD.replace("year = 2030", "year = 30"), "year 应为年份"),
        (GOOD.replace('source = "某通知"', ""), "source"),
        (GOOD.replace("checked = false", 'checked = "no"'), "checked"),
        (GOOD.replace('name = "国庆节"', 'nmae = "国庆节"'), "nmae"),
        (GOOD + GOOD, "出现了两次"),
        (GOOD.replace("to = 2030-10-07", "to = 2030-11-07"), "超过15天"),
        (GOOD.replace("working_days = [2030-09-29]", "working_days = [2030-10-05]"), "放假期间内"),
        ("[[year]\n", "格式错误"),
        ("holidays = 1\n", "不认识的项目"),
    ],
)
def test_malformed_file_is_refused_naming_the_file_and_entry(
    tmp_path: Path, text: str, fragment: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InvalidValue) as caught:
        load_holidays(path)
    assert str(path) in str(caught.value)
    assert fragment in str(caught.value)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidValue, match="找不到节假日日历文件"):
        load_holidays(tmp_path / "none.toml")


def test_overlapping_working_day_and_holiday_across_festivals_is_refused(tmp_path: Path) -> None:
    text = GOOD + (
        '\n[[year.festival]]\nname = "补"\nfrom = 2030-10-08\nto = 2030-10-08\n'
        "working_days = [2030-10-05]\n"
    )
    with pytest.raises(InvalidValue, match="既是"):
        load_holidays(write(tmp_path, text))
