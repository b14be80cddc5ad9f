import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.domain.errors import InvalidPhone
from workstation.domain.phone import parse_phone

CJK = re.compile(r"[\u4e00-\u9fff]")
FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def digit_text(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


mobiles = st.builds(lambda second, rest: "1" + second + rest, st.sampled_from("3456789"),
                    digit_text(9))  # fmt: skip
three_digit_areas = st.one_of(st.just("010"), st.builds(lambda d: "02" + d, digit_text(1)))
four_digit_areas = st.builds(lambda a, b: "0" + a + b, st.sampled_from("3456789"), digit_text(2))
locals_ = st.builds(lambda first, rest: first + rest, st.sampled_from("123456789"),
                    st.one_of(digit_text(6), digit_text(7)))  # fmt: skip
extensions = st.one_of(st.just(""), st.integers(1, 6).flatmap(digit_text))
landlines = st.builds(
    lambda area, local, ext: f"{area}-{local}" + (f"-{ext}" if ext else ""),
    st.one_of(three_digit_areas, four_digit_areas),
    locals_,
    extensions,
)


@pytest.mark.parametrize(
    "text",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+8613812345678",
        "008613812345678",
        "86-138-1234-5678",
        "１３８１２３４５６７８",
    ],
)
def test_mobile_spellings_read_as_eleven_digits(text):
    assert parse_phone(text) == "13812345678"


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("0379-12345678", "0379-12345678"),
        ("037912345678", "0379-12345678"),
        ("0379 12345678", "0379-12345678"),
        ("(0379)12345678", "0379-12345678"),
        ("（0379）1234567", "0379-1234567"),
        ("010-87654321", "010-87654321"),
        ("01087654321", "010-87654321"),
        ("02112345678", "021-12345678"),
        ("0379-12345678-123", "0379-12345678-123"),
        ("0379-12345678转123", "0379-12345678-123"),
        ("0379-12345678 分机 8", "0379-12345678-8"),
        ("037912345678-123", "0379-12345678-123"),
        ("０３７９－１２３４５６７８", "0379-12345678"),
    ],
)
def test_landline_spellings_read_as_area_dash_number(text, canonical):
    assert parse_phone(text) == canonical


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "电话号码为空"),
        ("12812345678", "第二位应为3至9"),
        ("1381234567", "应为11位，实际为10位"),
        ("138123456789", "应为11位，实际为12位"),
        ("0379-0123456", "应为7或8位且不以0开头"),
        ("0379-123456", "应为7或8位"),
        ("0379-123456789", "应为7或8位"),
        ("037-12345678", "区号“037”不对"),
        ("0211-12345678", "区号“0211”不对"),
        ("0123-1234567", "区号“0123”不对"),
        ("01231234567", "区号“0123”不对"),
        ("0379", "缺少号码"),
        ("12345678", "缺少区号"),
        ("1234567", "缺少区号"),
        ("123456789", "既不是手机号"),
        ("4001234567", "既不是手机号"),
        ("0379-12345678-1234567", "分机号“1234567”应为1至6位"),
        ("0379-1234-5678-12", "分段太多"),
        ("电话0379", "无法识别的字符"),
        ("+86 379 12345678", "无法识别的字符"),
    ],
)
def test_bad_phone_number_is_refused_with_the_reason(text, fragment):
    with pytest.raises(InvalidPhone) as caught:
        parse_phone(text)
    assert fragment in caught.value.message
    assert caught.value.field == "phone"


@given(st.one_of(mobiles, landlines))
def test_canonical_phone_number_reads_back_unchanged(number):
    assert parse_phone(number) == number


@given(st.one_of(mobiles, landlines))
def test_parsing_is_idempotent(number):
    assert parse_phone(parse_phone(number)) == parse_phone(number)


@given(mobiles, st.sampled_from(["", "+86", "+86 ", "0086", "86"]), st.data())
def test_mobile_with_prefix_spaces_and_dashes_reads_the_same(number, prefix, data):
    separators = data.draw(st.lists(st.sampled_from(["", " ", "-"]), min_size=11, max_size=11))
    text = prefix + "".join(d + s for d, s in zip(number, separators, strict=True))
    if data.draw(st.booleans()):
        text = text.translate(FULL_WIDTH_DIGITS)
    assert parse_phone(text) == number


@given(landlines, st.booleans())
def test_landline_written_without_the_first_dash_or_in_parentheses_reads_the_same(number, paren):
    area, rest = number.split("-", 1)
    text = f"({area}){rest}" if paren else area + rest
    assert parse_phone(text) == number


def _refused_in_chinese_or_round_trips(text: str) -> None:
    try:
        number = parse_phone(text)
    except InvalidPhone as exc:
        assert exc.message and CJK.search(exc.message), exc.message
    else:
        assert parse_phone(number) == number


@given(st.text())
def test_arbitrary_text_is_refused_in_chinese_or_round_trips(text):
    _refused_in_chinese_or_round_trips(text)


@given(st.text(alphabet="0123456789-+() 转x", max_size=20))
def test_near_miss_text_is_refused_in_chinese_or_round_trips(text):
    _refused_in_chinese_or_round_trips(text)
