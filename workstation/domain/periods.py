"""Periods (期间): the one function that computes when a period of years, months or days ends.

《民法典》第二百零一条至第二百零三条; 《民事诉讼法》第八十五条 (reference section 10):
the day the period starts is not counted; a period in years or months ends on the corresponding
day of the last month, or that month's last day when it has none. Moving the last day off a
public holiday needs the holiday calendar, which is court data added with the deadlines work.
"""

from datetime import date, timedelta


def period_end(start: date, *, years: int = 0, months: int = 0, days: int = 0) -> date:
    """The last day of a period that begins on `start` (a day itself not counted)."""
    if days and (years or months):
        raise ValueError("a period is counted in days, or in months and years, not both")
    if days:
        return start + timedelta(days=days)
    total = start.year * 12 + (start.month - 1) + years * 12 + months
    year, month = divmod(total, 12)
    month += 1
    day = min(start.day, _days_in_month(year, month))
    return date(year, month, day)


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
