"""Dates: reading what an officer types, and the two spellings used in a ruling.

Source for the spellings (legal reference §2.4 and §8 "日期转换规则"): the 签发日期 at the foot
of a ruling is written in Chinese numerals with 〇 for zero (二〇二一年一月二十五日); dates in the
body text use Arabic numerals (2020年11月30日).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime

from .errors import InvalidDate

CHINESE_DIGITS = "〇一二三四五六七八九"

# Spellings of zero seen in typed or OCR'd rulings: 〇 (U+3007) is correct, the others are common.
_ZERO_LOOKALIKES = "〇○零Oo0"

EARLIEST_YEAR = 1900
FUTURE_YEARS = 50  # a deadline may lie years ahead (查封 3 years), but not decades

_NUMERIC_DATE = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})")
_CHINESE_STYLE_DATE = re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日?")
_COMPACT_DATE = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_CHINESE_NUMERAL_DATE = re.compile(r"(.{4})年(.{1,3})月(.{1,3})日")
_CHINESE_NUMBER = re.compile(r"([一二三四五六七八九])?(十)?([一二三四五六七八九])?")


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals as used for months, days and 之N: 一, 十, 十一, 二十, 九十九."""
    if not 1 <= n <= 99:
        raise ValueError(f"chinese_number covers 1..99, got {n}")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CHINESE_DIGITS[ones]
    return (
        ("" if tens == 1 else CHINESE_DIGITS[tens]) + "十" + (CHINESE_DIGITS[ones] if ones else "")
    )


def parse_chinese_number(text: str) -> int:
    """Inverse of `chinese_number` (also reads 一十一). Raises ValueError if not 1..99."""
    match = _CHINESE_NUMBER.fullmatch(text)
    if not text or match is None:
        raise ValueError(f"not a Chinese number 1..99: {text!r}")
    tens_digit, ten, ones_digit = match.groups()
    if ten is None:
        if tens_digit is None or ones_digit is not None:
            raise ValueError(f"not a Chinese number 1..99: {text!r}")
        return CHINESE_DIGITS.index(tens_digit)
    tens = CHINESE_DIGITS.index(tens_digit) if tens_digit else 1
    ones = CHINESE_DIGITS.index(ones_digit) if ones_digit else 0
    return tens * 10 + ones


def iso(d: date) -> str:
    """The storage and exchange spelling: 2021-06-17."""
    return d.isoformat()


def body_date(d: date) -> str:
    """A date in the body of a ruling: 2021年6月17日 (Arabic numerals, no leading zeros)."""
    return f"{d.year}年{d.month}月{d.day}日"


def chinese_numeral_date(d: date) -> str:
    """The 签发日期 at the foot of a ruling: 二〇二一年六月十七日 (reference §2.4, §8)."""
    year = "".join(CHINESE_DIGITS[int(c)] for c in str(d.year))
    return f"{year}年{chinese_number(d.month)}月{chinese_number(d.day)}日"


def parse_chinese_numeral_date(text: str) -> date:
    """Read back a date written by `chinese_numeral_date` (e.g. from a generated PDF).

    Zero may be written 〇, ○, 零 or O, as OCR and hand typing produce.
    """
    compact = "".join(text.split())
    match = _CHINESE_NUMERAL_DATE.fullmatch(compact)
    if match is None:
        raise InvalidDate(f"无法识别汉字日期“{text.strip()}”，应写作如“二〇二一年六月十七日”的形式")
    year_text, month_text, day_text = match.groups()
    digits = []
    for char in year_text:
        if char in _ZERO_LOOKALIKES:
            digits.append("0")
        elif char in CHINESE_DIGITS:
            digits.append(str(CHINESE_DIGITS.index(char)))
        else:
            raise InvalidDate(f"汉字日期的年份“{year_text}”应逐位用〇一二三四五六七八九书写")
    try:
        month = parse_chinese_number(month_text)
        day = parse_chinese_number(day_text)
    except ValueError:
        raise InvalidDate(
            f"汉字日期的月或日“{month_text}月{day_text}日”写法不对，应如“六月十七日”“十二月三十一日”"
        ) from None
    return _checked_date(int("".join(digits)), month, day, text.strip())


def parse_date(text: str, *, today: date | None = None) -> date:
    """Read a date as officers type it.

    Accepts 2021-06-17, 2021/6/17, 2021.6.17, 2021年6月17日, 20210617 and 二〇二一年六月十七日,
    with full-width digits and stray spaces. Rejects impossible dates (2021-02-30) and years
    before 1900 or more than 50 years after `today` (default: the real today), which are typos.
    """
    if today is None:
        today = date.today()
    compact = "".join(unicodedata.normalize("NFKC", text).split())
    if not compact:
        raise InvalidDate("日期为空，请填写日期，例如2021-06-17或2021年6月17日")
    for pattern in (_NUMERIC_DATE, _CHINESE_STYLE_DATE, _COMPACT_DATE):
        match = pattern.fullmatch(compact)
        if match is not None:
            numbers = [g for g in match.groups() if g.isdigit()]
            year, month, day = (int(n) for n in numbers)
            value = _checked_date(year, month, day, text.strip())
            break
    else:
        if _CHINESE_NUMERAL_DATE.fullmatch(compact):
            value = parse_chinese_numeral_date(compact)
        else:
            raise InvalidDate(
                f"无法识别日期“{text.strip()}”，请写作2021-06-17、2021/6/17、2021年6月17日"
                "或20210617"
            )
    latest = today.year + FUTURE_YEARS
    if value.year > latest:
        raise InvalidDate(f"日期“{text.strip()}”的年份{value.year}晚于{latest}年，请核对年份")
    return value


def _checked_date(year: int, month: int, day: int, shown: str) -> date:
    if year < EARLIEST_YEAR:
        raise InvalidDate(f"日期“{shown}”的年份{year}早于{EARLIEST_YEAR}年，请核对年份")
    if not 1 <= month <= 12:
        raise InvalidDate(f"日期“{shown}”的月份{month}不存在，月份应为1至12")
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidDate(
            f"日期“{shown}”不存在：{year}年{month}月没有{day}日，请核对日期"
        ) from None


def local_time_text(utc_iso: str) -> str:
    """A UTC timestamp as the officer reads it: local time, to the minute (2026-11-26 20:54)."""
    if not utc_iso:
        return ""
    moment = datetime.fromisoformat(utc_iso.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
