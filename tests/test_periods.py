"""Periods (期间): when a period of days, months or years ends, and "open over one year"."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.domain.periods import open_longer_than_cutoff, period_end


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2021, 1, 31), 1, date(2021, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2021, 3, 31), 1, date(2021, 4, 30)),
        (date(2021, 1, 15), 1, date(2021, 2, 15)),
        (date(2021, 11, 30), 3, date(2022, 2, 28)),
        (date(2021, 12, 31), 1, date(2022, 1, 31)),
        (date(2021, 8, 31), 6, date(2022, 2, 28)),
        (date(2021, 3, 31), -1, date(2021, 2, 28)),
    ],
)
def test_period_in_months_ends_on_the_same_day_or_the_months_last_day(
    start: date, months: int, end: date
) -> None:
    assert period_end(start, months=months) == end


@pytest.mark.parametrize(
    ("start", "years", "end"),
    [
        (date(2024, 2, 29), 1, date(2025, 2, 28)),
        (date(2024, 2, 29), 4, date(2028, 2, 29)),
        (date(2021, 6, 17), 1, date(2022, 6, 17)),
        (date(2021, 6, 17), 3, date(2024, 6, 17)),
        (date(2025, 2, 28), -1, date(2024, 2, 28)),
    ],
)
def test_period_in_years_ends_on_the_same_day_or_the_months_last_day(
    start: date, years: int, end: date
) -> None:
    assert period_end(start, years=years) == end


def test_years_and_months_add_up() -> None:
    assert period_end(date(2021, 1, 31), years=1, months=1) == date(2022, 2, 28)


@pytest.mark.parametrize(
    ("start", "days", "end"),
    [
        (date(2021, 1, 1), 10, date(2021, 1, 11)),
        (date(2021, 2, 20), 15, date(2021, 3, 7)),
        (date(2024, 2, 20), 15, date(2024, 3, 6)),
        (date(2021, 12, 25), 7, date(2022, 1, 1)),
    ],
)
def test_period_in_days_does_not_count_the_first_day(start: date, days: int, end: date) -> None:
    assert period_end(start, days=days) == end


def test_period_in_days_and_months_at_once_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        period_end(date(2021, 1, 1), months=1, days=1)


TODAY = date(2026, 11, 26)


def test_case_filed_exactly_one_year_ago_is_not_over_one_year() -> None:
    assert not date(2025, 11, 26) < open_longer_than_cutoff(TODAY)


def test_case_filed_one_year_and_one_day_ago_is_over_one_year() -> None:
    assert date(2025, 11, 25) < open_longer_than_cutoff(TODAY)


@pytest.mark.parametrize(
    ("today", "cutoff"),
    [
        (date(2026, 11, 26), date(2025, 11, 26)),
        (date(2025, 2, 28), date(2024, 2, 28)),
        (date(2024, 2, 29), date(2023, 3, 1)),
        (date(2025, 3, 1), date(2024, 3, 1)),
        (date(2026, 1, 1), date(2025, 1, 1)),
    ],
)
def test_cutoff_around_month_ends_and_leap_days(today: date, cutoff: date) -> None:
    assert open_longer_than_cutoff(today) == cutoff


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31)), st.integers(1, 5))
def test_cutoff_is_the_first_filing_date_whose_period_has_not_ended(
    today: date, years: int
) -> None:
    cutoff = open_longer_than_cutoff(today, years=years)
    assert period_end(cutoff, years=years) >= today
    assert period_end(cutoff - timedelta(days=1), years=years) < today
