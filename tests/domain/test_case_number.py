import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.domain.case_number import (
    CASE_KINDS,
    PROVINCE_CODES,
    CaseNumber,
    is_court_code,
    normalize_fragment,
)
from workstation.domain.errors import InvalidCaseNumber, InvalidValue

CJK = re.compile(r"[\u4e00-\u9fff]")
FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def digits(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


court_codes = st.one_of(
    st.just("最高法"),
    st.builds(
        lambda province, number: province + number,
        st.sampled_from(PROVINCE_CODES),
        st.one_of(st.just(""), digits(2), digits(4)),
    ),
)
case_numbers = st.builds(
    CaseNumber,
    year=st.integers(1949, 2100),
    court=court_codes,
    kind=st.sampled_from(list(CASE_KINDS)),
    serial=st.integers(1, 9_999_999),
    suffix=st.integers(0, 99),
)


def assert_rejected_in_chinese_or_round_trips(text: str) -> None:
    try:
        number = CaseNumber.parse(text)
    except InvalidCaseNumber as exc:
        assert exc.message and CJK.search(exc.message), exc.message
    else:
        assert CaseNumber.parse(str(number)) == number


# --- canonical examples -------------------------------------------------------------------


def test_luoyang_case_number_reads_into_its_parts():
    number = CaseNumber.parse("（2021）豫0302执123号")
    assert number == CaseNumber(2021, "豫0302", "执", 123)
    assert number.kind_name == "首次执行"


def test_suffix_from_the_zhengzhou_ruling_reads_and_prints_back_unchanged():
    number = CaseNumber.parse("（2020）豫0192执2437号之一")
    assert number == CaseNumber(2020, "豫0192", "执", 2437, suffix=1)
    assert str(number) == "（2020）豫0192执2437号之一"


def test_canonical_form_uses_full_width_parentheses():
    assert str(CaseNumber(2021, "豫03", "执恢", 7)) == "（2021）豫03执恢7号"


@pytest.mark.parametrize(
    ("suffix", "spelled"),
    [(1, "之一"), (9, "之九"), (10, "之十"), (11, "之十一"), (20, "之二十"), (21, "之二十一"),
     (99, "之九十九")],
)  # fmt: skip
def test_suffix_is_spelled_in_chinese_numerals(suffix, spelled):
    assert str(CaseNumber(2021, "豫0302", "执", 5).with_suffix(suffix)).endswith("5号" + spelled)


def test_with_suffix_zero_removes_the_suffix():
    number = CaseNumber(2021, "豫0302", "执", 5, suffix=3)
    assert str(number.with_suffix(0)) == "（2021）豫0302执5号"


def test_with_suffix_keeps_the_rest_of_the_case_number():
    number = CaseNumber(2021, "豫0302", "执保", 5)
    assert number.with_suffix(2) == CaseNumber(2021, "豫0302", "执保", 5, suffix=2)


def test_with_suffix_above_ninety_nine_is_refused():
    with pytest.raises(InvalidCaseNumber, match="之一至之九十九"):
        CaseNumber(2021, "豫0302", "执", 5).with_suffix(100)


@pytest.mark.parametrize(("kind", "meaning"), list(CASE_KINDS.items()))
def test_every_enforcement_kind_reads_and_has_its_meaning(kind, meaning):
    number = CaseNumber.parse(f"（2021）豫0302{kind}1号")
    assert number.kind == kind
    assert number.kind_name == meaning


def test_case_kinds_are_the_eight_enforcement_codes_of_the_standard():
    assert set(CASE_KINDS) == {"执", "执恢", "执保", "执异", "执复", "执监", "执协", "执他"}
    assert CASE_KINDS["执保"] == "财产保全执行"


@pytest.mark.parametrize(
    "text",
    [
        "(2021)豫0302执123号",
        "（２０２１）豫０３０２执１２３号",
        "[2021]豫0302执123号",
        "［2021］豫0302执123号",
        "〔2021〕豫0302执123号",
        "【2021】豫0302执123号",
        " ( 2021 ) 豫 0302 执 123 号 ",
        "（2021）\u3000豫0302执123号",
        "（2021）豫0302执0123号",
        "（2021）豫0302执123",
        "2021豫0302执123号",
    ],
)
def test_common_variants_read_as_the_same_case_number(text):
    assert CaseNumber.parse(text) == CaseNumber(2021, "豫0302", "执", 123)


def test_arabic_suffix_reads_as_the_chinese_one():
    assert CaseNumber.parse("(2020)豫0192执2437号之12").suffix == 12


@pytest.mark.parametrize(
    ("text", "court"),
    [
        ("（2019）最高法执监100号", "最高法"),
        ("（2019）豫执复3号", "豫"),
        ("（2019）内01执5号", "内01"),
        ("（2019）兵07执5号", "兵07"),
        ("（2019）军执他5号", "军"),
    ],
)
def test_supreme_high_and_special_court_codes_read(text, court):
    assert CaseNumber.parse(text).court == court


def test_unknown_court_code_of_the_right_shape_still_reads():
    assert CaseNumber.parse("（2021）豫0399执1号").court == "豫0399"


# --- rejections and their messages --------------------------------------------------------


def test_non_enforcement_kind_is_refused_naming_the_accepted_kinds():
    with pytest.raises(InvalidCaseNumber) as caught:
        CaseNumber.parse("（2021）豫0302民初123号")
    message = caught.value.message
    assert "民初" in message
    assert all(kind in message for kind in CASE_KINDS)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "案号为空"),
        ("   ", "案号为空"),
        ("豫0302执123号", "收案年度"),
        ("（21）豫0302执123号", "四位数字"),
        ("（2021豫0302执123号", "括号没有闭合"),
        ("（1948）豫0302执1号", "1949"),
        ("（2101）豫0302执1号", "2100"),
        ("（2021）", "缺少法院代字"),
        ("（2021）XX03执1号", "法院代字"),
        ("（2021）豫030执1号", "两位（中级法院）或四位（基层法院）"),
        ("（2021）最高法01执1号", "不带数字"),
        ("（2021）豫0302123号", "缺少类型代字"),
        ("（2021）豫0302执号", "缺少案件编号"),
        ("（2021）豫0302执", "缺少案件编号"),
        ("（2021）豫0302执0号", "1至9999999"),
        ("（2021）豫0302执12345678号", "1至9999999"),
        ("（2021）豫0302执12号之一百", "之一百"),
        ("（2021）豫0302执12号之100", "之一至之九十九"),
        ("（2021）豫0302执12号之", "无法识别"),
        ("（2021）豫0302执12号号", "无法识别"),
        ("（2021）豫0302执12之一", "无法识别"),
    ],
)
def test_malformed_case_number_is_refused_with_the_reason(text, fragment):
    with pytest.raises(InvalidCaseNumber) as caught:
        CaseNumber.parse(text)
    assert fragment in caught.value.message
    assert caught.value.field == "case_number"


@pytest.mark.parametrize(
    "fields",
    [
        (1948, "豫0302", "执", 1, 0),
        (2021, "豫030", "执", 1, 0),
        (2021, "豫0302", "民初", 1, 0),
        (2021, "豫0302", "执", 0, 0),
        (2021, "豫0302", "执", 1, -1),
    ],
)
def test_constructing_an_impossible_case_number_directly_is_refused(fields):
    with pytest.raises(InvalidCaseNumber):
        CaseNumber(*fields)


def test_is_court_code_checks_shape_only():
    assert is_court_code("豫0302") and is_court_code("最高法") and is_court_code("豫")
    assert not is_court_code("豫030") and not is_court_code("最高法01") and not is_court_code("")


def test_case_numbers_sort_by_year_then_court_then_kind_then_serial():
    texts = ["（2021）豫0302执12号", "（2020）豫0302执99号", "（2021）豫0302执3号"]
    ordered = sorted(CaseNumber.parse(t) for t in texts)
    assert [n.serial for n in ordered] == [99, 3, 12]


# --- normalize_fragment (what the search index compares) ---------------------------------


def test_fragment_of_full_width_and_half_width_spelling_is_the_same():
    assert normalize_fragment("（２０２１）豫0302") == normalize_fragment("(2021)豫0302")


def test_fragment_drops_all_spaces_and_unifies_brackets():
    assert normalize_fragment(" 〔2021〕 豫 0302\u3000执 ") == "(2021)豫0302执"


def test_fragment_is_case_insensitive_for_latin_letters():
    assert normalize_fragment("ＡbC") == normalize_fragment("abc") == "abc"


@pytest.mark.parametrize("query", ["豫0302执12", "(2021)豫0302", "〔2021〕 豫 0302", "执123号"])
def test_typed_fragment_is_found_in_the_indexed_case_number(query):
    stored = normalize_fragment(str(CaseNumber.parse("（2021）豫0302执123号")))
    assert normalize_fragment(query) in stored


def test_fragment_of_another_court_is_not_found():
    stored = normalize_fragment(str(CaseNumber.parse("（2021）豫0302执123号")))
    assert normalize_fragment("豫0303") not in stored


# --- properties ---------------------------------------------------------------------------


@given(case_numbers)
def test_parse_of_canonical_form_gives_the_same_case_number(number):
    assert CaseNumber.parse(str(number)) == number


@given(case_numbers)
def test_canonical_form_is_stable(number):
    text = str(number)
    assert str(CaseNumber.parse(text)) == text


@given(case_numbers, st.data())
def test_spelling_variants_read_as_the_same_case_number(number, data):
    opening, closing = data.draw(st.sampled_from(["()", "（）", "[]", "〔〕", "【】", "［］"]))
    text = f"{opening}{number.year}{closing}{number.court}{number.kind}{number.serial}号"
    if number.suffix:
        text += "之" + data.draw(st.sampled_from([str(number), str(number.suffix)])).split("之")[-1]
    if data.draw(st.booleans()):
        text = text.translate(FULL_WIDTH_DIGITS)
    spaces = data.draw(st.lists(st.sampled_from(["", " ", "\u3000", "\t"]), min_size=len(text),
                                max_size=len(text)))  # fmt: skip
    text = "".join(space + char for space, char in zip(spaces, text, strict=True))
    assert CaseNumber.parse(text) == number


@given(case_numbers)
def test_search_fragment_of_the_canonical_form_contains_the_court_and_serial(number):
    stored = normalize_fragment(str(number))
    assert normalize_fragment(f"{number.court}{number.kind}{number.serial}号") in stored


@given(st.text())
def test_arbitrary_text_is_refused_in_chinese_or_round_trips(text):
    assert_rejected_in_chinese_or_round_trips(text)


@given(
    st.text(
        alphabet="（）()[]〔〕 0123456789０１２豫京最高法执恢保异他民初号之一二十百X", max_size=30
    )
)
def test_near_miss_text_is_refused_in_chinese_or_round_trips(text):
    assert_rejected_in_chinese_or_round_trips(text)


@given(case_numbers, st.integers(0, 40), st.text(max_size=3))
def test_damaged_case_number_is_refused_in_chinese_or_round_trips(number, position, junk):
    text = str(number)
    position %= len(text) + 1
    assert_rejected_in_chinese_or_round_trips(text[:position] + junk + text[position + 1 :])


def test_refusals_are_invalid_values_so_a_form_can_catch_them_all():
    with pytest.raises(InvalidValue):
        CaseNumber.parse("not a case number")
