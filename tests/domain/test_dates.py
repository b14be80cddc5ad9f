import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.domain.dates import (
    body_date,
    chinese_number,
    chinese_numeral_date,
    iso,
    parse_chinese_number,
    parse_chinese_numeral_date,
    parse_date,
)
from workstation.domain.errors import InvalidDate

CJK = re.compile(r"[\u4e00-\u9fff]")
TODAY = date(2025, 3, 1)
FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")

sane_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(TODAY.year + 50, 12, 31))


# --- reading typed dates ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2021-06-17",
        "2021-6-17",
        "2021/6/17",
        "2021/06/17",
        "2021.6.17",
        "2021年6月17日",
        "2021年06月17日",
        "2021年6月17",
        "20210617",
        "２０２１年６月１７日",
        " 2021 - 06 - 17 ",
        "二〇二一年六月十七日",
    ],
)
def test_usual_spellings_of_a_date_read_as_that_date(text):
    assert parse_date(text, today=TODAY) == date(2021, 6, 17)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("2021-02-30", "2021年2月没有30日"),
        ("2021-02-29", "2021年2月没有29日"),
        ("2021-13-01", "月份13不存在"),
        ("2021-00-10", "月份0不存在"),
        ("2021-06-00", "没有0日"),
        ("1899-12-31", "早于1900年"),
        ("2076-01-01", "晚于2075年"),
        ("", "日期为空"),
        ("明天", "无法识别日期"),
        ("2021-6/17", "无法识别日期"),
        ("21-6-17", "无法识别日期"),
        ("2021617", "无法识别日期"),
    ],
)
def test_impossible_or_unreadable_date_is_refused_with_the_reason(text, fragment):
    with pytest.raises(InvalidDate) as caught:
        parse_date(text, today=TODAY)
    assert fragment in caught.value.message


def test_leap_day_in_a_leap_year_reads():
    assert parse_date("2020-02-29", today=TODAY) == date(2020, 2, 29)


def test_upper_year_limit_follows_today():
    assert parse_date("2080-01-01", today=date(2030, 1, 1)) == date(2080, 1, 1)
    with pytest.raises(InvalidDate):
        parse_date("2080-01-01", today=date(2029, 12, 31))


def test_today_defaults_to_the_real_today():
    next_year = date.today().year + 1
    assert parse_date(f"{next_year}-01-01") == date(next_year, 1, 1)


# --- the spellings used in rulings --------------------------------------------------------


def test_iso_is_the_storage_spelling():
    assert iso(date(2021, 6, 7)) == "2021-06-07"


def test_body_date_has_no_leading_zeros():
    assert body_date(date(2020, 11, 30)) == "2020年11月30日"
    assert body_date(date(2021, 1, 5)) == "2021年1月5日"


@pytest.mark.parametrize(
    ("day", "spelled"),
    [
        (date(2021, 6, 17), "二〇二一年六月十七日"),
        (date(2021, 1, 25), "二〇二一年一月二十五日"),  # the Zhengzhou ruling (reference §2.2)
        (date(2017, 9, 16), "二〇一七年九月十六日"),  # the Linxia ruling (reference §2.3)
        (date(2020, 10, 10), "二〇二〇年十月十日"),
        (date(2000, 12, 31), "二〇〇〇年十二月三十一日"),
        (date(2019, 11, 20), "二〇一九年十一月二十日"),
        (date(2008, 2, 1), "二〇〇八年二月一日"),
    ],
)
def test_signature_date_is_written_in_chinese_numerals_with_ling_as_circle(day, spelled):
    assert chinese_numeral_date(day) == spelled


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("二〇二一年一月二十五日", date(2021, 1, 25)),
        ("二○二一年一月二十五日", date(2021, 1, 25)),  # U+25CB white circle, a common slip
        ("二零二一年一月二十五日", date(2021, 1, 25)),
        ("二〇二一年 十二月 三十一日", date(2021, 12, 31)),
        ("二〇二一年十月一十日", date(2021, 10, 10)),
    ],
)
def test_chinese_numeral_date_reads_back_including_common_zero_spellings(text, day):
    assert parse_chinese_numeral_date(text) == day


@pytest.mark.parametrize(
    "text",
    ["二〇二一年二月三十日", "二〇二一年十三月一日", "二〇二一年六月", "2021年6月17日",
     "二〇二一年六月十十日", "二〇二甲年六月一日", "一八九九年一月一日"],
)  # fmt: skip
def test_malformed_chinese_numeral_date_is_refused(text):
    with pytest.raises(InvalidDate) as caught:
        parse_chinese_numeral_date(text)
    assert CJK.search(caught.value.message)


@pytest.mark.parametrize(
    ("n", "spelled"),
    [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (19, "十九"), (20, "二十"), (31, "三十一"),
     (99, "九十九")],
)  # fmt: skip
def test_chinese_number_spells_months_days_and_suffixes(n, spelled):
    assert chinese_number(n) == spelled
    assert parse_chinese_number(spelled) == n


@pytest.mark.parametrize("n", [0, 100, -1])
def test_chinese_number_outside_one_to_ninety_nine_is_a_programming_error(n):
    with pytest.raises(ValueError):
        chinese_number(n)


@pytest.mark.parametrize("text", ["", "零", "十十", "一二", "百", "二十十"])
def test_malformed_chinese_number_is_refused(text):
    with pytest.raises(ValueError):
        parse_chinese_number(text)


# --- properties ---------------------------------------------------------------------------


@given(sane_dates)
def test_iso_reads_back_to_the_same_date(day):
    assert parse_date(iso(day), today=TODAY) == day


@given(sane_dates)
def test_body_date_reads_back_to_the_same_date(day):
    assert parse_date(body_date(day), today=TODAY) == day


@given(st.dates())
def test_chinese_numeral_date_reads_back_to_the_same_date(day):
    if day.year < 1900:
        with pytest.raises(InvalidDate):
            parse_chinese_numeral_date(chinese_numeral_date(day))
    else:
        assert parse_chinese_numeral_date(chinese_numeral_date(day)) == day


@given(sane_dates)
def test_chinese_numeral_date_is_also_read_by_parse_date(day):
    assert parse_date(chinese_numeral_date(day), today=TODAY) == day


SPELLINGS = ["{y}-{m}-{d}", "{y}/{m}/{d}", "{y}.{m}.{d}", "{y}年{m}月{d}日"]


@given(sane_dates, st.sampled_from(SPELLINGS), st.booleans(), st.booleans())
def test_spelling_variants_read_as_the_same_date(day, pattern, pad, full_width):
    m, d = (f"{day.month:02d}", f"{day.day:02d}") if pad else (day.month, day.day)
    text = pattern.format(y=day.year, m=m, d=d)
    if full_width:
        text = text.translate(FULL_WIDTH_DIGITS)
    assert parse_date(text, today=TODAY) == day


@given(st.integers(1, 99))
def test_chinese_number_round_trips(n):
    assert parse_chinese_number(chinese_number(n)) == n


def _refused_in_chinese_or_round_trips(text: str) -> None:
    try:
        day = parse_date(text, today=TODAY)
    except InvalidDate as exc:
        assert exc.message and CJK.search(exc.message), exc.message
    else:
        assert parse_date(iso(day), today=TODAY) == day


@given(st.text())
def test_arbitrary_text_is_refused_in_chinese_or_round_trips(text):
    _refused_in_chinese_or_round_trips(text)


@given(st.text(alphabet="0123456789-/.年月日〇一二三四五六七八九十 ", max_size=16))
def test_near_miss_text_is_refused_in_chinese_or_round_trips(text):
    _refused_in_chinese_or_round_trips(text)
