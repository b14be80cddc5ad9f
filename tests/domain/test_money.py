import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.domain.errors import InvalidMoney
from workstation.domain.money import (
    MAX_FEN,
    format_money,
    format_ruling_amount,
    format_yuan,
    parse_money,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")

amounts = st.integers(0, MAX_FEN)


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("400000", 40_000_000),
        ("400,000.50", 40_000_050),
        ("400，000", 40_000_000),
        ("400，000元", 40_000_000),
        ("40万", 40_000_000),
        ("40万元", 40_000_000),
        ("4.5万元", 4_500_000),
        ("1.23456万", 1_234_560),
        ("1.234567万", 1_234_567),  # 12345.67元: six decimals in 万 are still whole fen
        ("¥1,234.5", 123_450),
        ("￥1234", 123_400),
        ("1234元", 123_400),
        ("人民币1234元", 123_400),
        ("RMB 1234", 123_400),
        ("0.01", 1),
        ("0", 0),
        ("0.500", 50),
        ("１２３４．５６", 123_456),
        (" 1 234 567 ", 123_456_700),
        ("1,234,567.89", 123_456_789),
        ("10000000000000", MAX_FEN),
    ],
)
def test_usual_spellings_of_an_amount_read_as_whole_fen(text, fen):
    assert parse_money(text) == fen


def test_point_one_plus_point_two_is_exact_in_fen():
    assert parse_money("0.1") + parse_money("0.2") == parse_money("0.3") == 30


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "金额为空"),
        ("  ", "金额为空"),
        ("-100", "负"),
        ("－100", "负"),
        ("¥-5", "负"),
        ("1.234", "两位小数"),
        ("1.2345678万", "两位小数"),
        ("0.001", "两位小数"),
        ("1.2.3", "多个小数点"),
        ("1,23", "千分位逗号位置不对"),
        ("12,345,67", "千分位逗号位置不对"),
        ("1234,567", "千分位逗号位置不对"),
        (",123", "千分位逗号位置不对"),
        (".5", "小数点前后都应有数字"),
        ("5.", "小数点前后都应有数字"),
        ("abc", "无法识别的字符"),
        ("12a", "无法识别的字符"),
        ("四十万元", "无法识别的字符"),
        ("1e5", "无法识别的字符"),
        ("元", "没有数字"),
        ("万元", "没有数字"),
        ("10000000000000.01", "超过上限"),
        ("1000000001万", "超过上限"),
    ],
)
def test_bad_amount_is_refused_with_the_reason(text, fragment):
    with pytest.raises(InvalidMoney) as caught:
        parse_money(text)
    assert fragment in caught.value.message
    assert caught.value.field == "money"


def test_fraction_of_a_fen_message_shows_the_amount_in_yuan():
    with pytest.raises(InvalidMoney, match=re.escape("12345.678元")):
        parse_money("1.2345678万")


@pytest.mark.parametrize(
    ("fen", "money", "yuan", "ruling"),
    [
        (40_000_000, "400,000.00元", "400,000.00", "400，000元"),
        (40_000_050, "400,000.50元", "400,000.50", "400，000.50元"),
        (5, "0.05元", "0.05", "0.05元"),
        (0, "0.00元", "0.00", "0元"),
        (99_999, "999.99元", "999.99", "999.99元"),
        (123_456_789_00, "123,456,789.00元", "123,456,789.00", "123，456，789元"),
    ],
)
def test_formats_for_screen_table_and_ruling(fen, money, yuan, ruling):
    assert format_money(fen) == money
    assert format_yuan(fen) == yuan
    assert format_ruling_amount(fen) == ruling


def test_negative_balance_is_shown_with_a_minus_sign():
    assert format_money(-150) == "-1.50元"
    assert format_ruling_amount(-150) == "-1.50元"


@pytest.mark.parametrize("value", [1.5, "100", True, None])
@pytest.mark.parametrize("formatter", [format_money, format_yuan, format_ruling_amount])
def test_formatting_anything_but_int_fen_is_a_programming_error(formatter, value):
    with pytest.raises(TypeError):
        formatter(value)


# --- properties ---------------------------------------------------------------------------


@given(amounts)
def test_screen_format_reads_back_to_the_same_fen(fen):
    assert parse_money(format_money(fen)) == fen


@given(amounts)
def test_table_and_ruling_formats_read_back_to_the_same_fen(fen):
    assert parse_money(format_yuan(fen)) == fen
    assert parse_money(format_ruling_amount(fen)) == fen


@given(amounts, st.booleans(), st.sampled_from(["", "¥", "￥", "人民币"]), st.booleans())
def test_spelling_variants_read_as_the_same_fen(fen, full_width, prefix, unit):
    yuan, cents = divmod(fen, 100)
    text = prefix + (f"{yuan}.{cents:02d}" if cents else str(yuan)) + ("元" if unit else "")
    if full_width:
        text = text.translate(FULL_WIDTH_DIGITS)
    assert parse_money(text) == fen


@given(st.integers(0, 10**12), st.integers(0, 6))
def test_wan_scales_by_ten_thousand(fen, zeros):
    # n万 with six decimals is n×10^6 fen exactly; trailing zeros in the decimals change nothing
    fen = fen // 10**zeros * 10**zeros
    text = f"{fen // 10**6}.{fen % 10**6:06d}万"
    assert parse_money(text) == fen


def _refused_in_chinese_or_round_trips(text: str) -> None:
    try:
        fen = parse_money(text)
    except InvalidMoney as exc:
        assert exc.message and CJK.search(exc.message), exc.message
    else:
        assert isinstance(fen, int) and 0 <= fen <= MAX_FEN
        assert parse_money(format_money(fen)) == fen


@given(st.text())
def test_arbitrary_text_is_refused_in_chinese_or_round_trips(text):
    _refused_in_chinese_or_round_trips(text)


@given(st.text(alphabet="0123456789.,，万元¥￥- ", max_size=24))
def test_near_miss_text_is_refused_in_chinese_or_round_trips(text):
    _refused_in_chinese_or_round_trips(text)
