import re
from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from workstation.domain.errors import InvalidIdNumber
from workstation.domain.identity import (
    CREDIT_ALPHABET,
    PROVINCE_PREFIXES,
    CreditCode,
    ResidentId,
    check_digit,
    credit_check_char,
    parse_identity,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
TODAY = date(2025, 3, 1)
# The worked example of GB 11643-1999: a woman born 1949-12-31 in 北京市朝阳区.
STANDARD_EXAMPLE = "11010519491231002X"
# A credit code widely used as the example of GB 32100-2015.
CREDIT_EXAMPLE = "91350100M000100Y43"


def resident_number(region: str, birth: date, sequence: int) -> str:
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)


regions = st.builds(
    lambda prefix, rest: prefix + rest,
    st.sampled_from(sorted(PROVINCE_PREFIXES)),
    st.text(alphabet="0123456789", min_size=4, max_size=4),
)
births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
resident_numbers = st.builds(resident_number, regions, births, st.integers(0, 999))
credit_bodies = st.builds(
    lambda head, region, tail: head + region + tail,
    st.text(alphabet=CREDIT_ALPHABET, min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=CREDIT_ALPHABET, min_size=9, max_size=9),
)
credit_codes = credit_bodies.map(lambda first17: first17 + credit_check_char(first17))


# --- resident ID: known examples ----------------------------------------------------------


def test_standard_example_reads_birth_date_sex_and_region():
    person = ResidentId.parse(STANDARD_EXAMPLE, today=TODAY)
    assert person.birth_date == date(1949, 12, 31)
    assert person.sex == "女"  # sequence 002 is even
    assert person.region == "110105"
    assert str(person) == STANDARD_EXAMPLE


def test_check_digit_of_the_standard_example_is_x():
    assert check_digit(STANDARD_EXAMPLE[:17]) == "X"


def test_lowercase_x_and_spaces_read_and_print_as_uppercase():
    person = ResidentId.parse(" 110105 19491231 002x ", today=TODAY)
    assert str(person) == STANDARD_EXAMPLE


def test_full_width_digits_read():
    assert (
        str(ResidentId.parse("１１０１０５１９４９１２３１００２Ｘ", today=TODAY))
        == STANDARD_EXAMPLE
    )


def test_odd_sequence_code_is_a_man():
    number = resident_number("410302", date(1982, 5, 24), 123)
    assert ResidentId.parse(number, today=TODAY).sex == "男"


def test_wrong_check_digit_says_expected_digit():
    with pytest.raises(InvalidIdNumber) as caught:
        ResidentId.parse("110105194912310025", today=TODAY)
    assert caught.value.message == "身份证号校验位错误：按前17位应为X，实际为5，请核对号码"
    assert caught.value.field == "id_number"


def test_legacy_fifteen_digit_number_reads_with_nineteen_hundreds_birth_year():
    person = ResidentId.parse("110105491231002", today=TODAY)
    assert (person.birth_date, person.sex, person.region) == (date(1949, 12, 31), "女", "110105")
    assert person.is_legacy
    assert str(person) == "110105491231002"


def test_legacy_number_converts_to_the_eighteen_digit_form():
    assert str(ResidentId.parse("110105491231002", today=TODAY).to_18()) == STANDARD_EXAMPLE


def test_to_18_of_an_eighteen_digit_number_is_itself():
    person = ResidentId.parse(STANDARD_EXAMPLE, today=TODAY)
    assert person.to_18() is person
    assert not person.is_legacy


def test_masked_keeps_region_and_last_four_only():
    assert ResidentId.parse(STANDARD_EXAMPLE, today=TODAY).masked() == "110105********002X"
    assert ResidentId.parse("110105491231002", today=TODAY).masked() == "110105*****1002"


def test_birth_date_after_today_is_refused():
    number = resident_number("410302", date(2025, 3, 2), 11)
    with pytest.raises(InvalidIdNumber, match="晚于今天"):
        ResidentId.parse(number, today=TODAY)
    assert ResidentId.parse(number, today=date(2025, 3, 2)).birth_date == date(2025, 3, 2)


def test_birth_before_1900_is_refused_even_with_a_right_check_digit():
    # the second worked example of GB 11643-1999 (born 1880) has a right check digit
    assert check_digit("44052418800101001") == "4"
    with pytest.raises(InvalidIdNumber, match="早于1900年"):
        ResidentId.parse("440524188001010014", today=TODAY)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "身份证号为空"),
        ("1101051949123100", "应为18位（旧式为15位），实际为16位"),
        ("11010519491231002X1", "实际为19位"),
        ("1101051949A231002X", "第11位“A”不是数字"),
        ("11010519491231002Y", "最后一位“Y”只能是数字或X"),
        ("11010549123100X", "第15位“X”不是数字"),
        ("110105491331002", "不存在"),
        ("110105490229002", "不存在"),  # 1949 was not a leap year
    ],
)
def test_malformed_resident_id_is_refused_with_the_reason(text, fragment):
    with pytest.raises(InvalidIdNumber) as caught:
        ResidentId.parse(text, today=TODAY)
    assert fragment in caught.value.message


def test_impossible_birth_date_is_refused_even_with_a_right_check_digit():
    first17 = "41030219820230001"  # 30 February
    with pytest.raises(InvalidIdNumber, match="出生日期“19820230”不存在"):
        ResidentId.parse(first17 + check_digit(first17), today=TODAY)


def test_unknown_province_code_is_refused():
    first17 = "00030219820101001"
    with pytest.raises(InvalidIdNumber, match="前两位“00”"):
        ResidentId.parse(first17 + check_digit(first17), today=TODAY)


def test_building_a_resident_id_with_fields_that_contradict_the_number_is_refused():
    with pytest.raises(InvalidIdNumber):
        ResidentId(STANDARD_EXAMPLE, date(1949, 12, 31), "男", "110105")


@pytest.mark.parametrize("bad", ["1234", "1101051949123100X", "11010519491231002a"])
def test_check_digit_helper_needs_seventeen_digits(bad):
    with pytest.raises(ValueError):
        check_digit(bad)


# --- credit code: known examples ----------------------------------------------------------


def test_credit_code_example_reads():
    code = CreditCode.parse(CREDIT_EXAMPLE)
    assert str(code) == CREDIT_EXAMPLE
    assert code.region == "350100"


def test_credit_code_in_lowercase_with_spaces_reads_as_uppercase():
    assert str(CreditCode.parse(" 91350100m000100y43 ")) == CREDIT_EXAMPLE


def test_credit_check_of_all_zeros_wraps_thirty_one_to_zero():
    assert credit_check_char("0" * 17) == "0"


def test_wrong_credit_check_character_says_expected_character():
    with pytest.raises(InvalidIdNumber) as caught:
        CreditCode.parse("91350100M000100Y44")
    assert "按前17位应为3，实际为4" in caught.value.message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "为空"),
        ("91350100M000100Y4", "应为18位，实际为17位"),
        ("91350100O000100Y43", "第9位“O”不是有效字符（代码中不使用字母I、O、S、V、Z）"),
        ("91350100M000100-43", "第16位“-”不是有效字符"),
        ("9135010AM000100Y43", "第3至8位“35010A”应为行政区划代码"),
    ],
)
def test_malformed_credit_code_is_refused_with_the_reason(text, fragment):
    with pytest.raises(InvalidIdNumber) as caught:
        CreditCode.parse(text)
    assert fragment in caught.value.message


def test_credit_check_helper_refuses_letters_outside_the_alphabet():
    with pytest.raises(ValueError):
        credit_check_char("91350100O000100Y4")


# --- telling the two apart ----------------------------------------------------------------


def test_parse_identity_reads_a_person():
    assert parse_identity(STANDARD_EXAMPLE, today=TODAY) == ResidentId.parse(STANDARD_EXAMPLE)


def test_parse_identity_reads_a_legacy_person():
    assert isinstance(parse_identity("110105491231002", today=TODAY), ResidentId)


def test_parse_identity_reads_an_organisation():
    assert parse_identity(CREDIT_EXAMPLE) == CreditCode(CREDIT_EXAMPLE)


def test_all_digit_credit_code_that_is_no_valid_resident_id_reads_as_organisation():
    code = "12410000415800792"
    code += credit_check_char(code)
    assert code[-1].isdigit()  # so it has the shape of a resident ID
    assert parse_identity(code, today=TODAY) == CreditCode(code)


def test_mistyped_resident_id_is_not_taken_for_a_credit_code():
    first17 = next(
        f"110105194913{n:05d}"  # month 13: not a person; a birth year 1949: looks like one
        for n in range(100_000)
        if credit_check_char(f"110105194913{n:05d}") in "0123456789X"
    )
    text = first17 + credit_check_char(first17)
    CreditCode.parse(text)  # a valid credit code by the check character alone
    with pytest.raises(InvalidIdNumber) as caught:
        parse_identity(text, today=TODAY)
    assert caught.value.message.startswith("身份证号")
    assert "如果这是单位的统一社会信用代码" in caught.value.message


def test_digits_failing_both_checks_say_why_for_each():
    with pytest.raises(InvalidIdNumber) as caught:
        parse_identity("124100004158007960", today=TODAY)
    assert "既不是有效的身份证号" in caught.value.message
    assert "统一社会信用代码校验位错误" in caught.value.message


@pytest.mark.parametrize("text", ["", "12345", "ABC-DEF", "1101051949123100"])
def test_parse_identity_explains_the_two_accepted_shapes(text):
    with pytest.raises(InvalidIdNumber) as caught:
        parse_identity(text, today=TODAY)
    assert "身份证号" in caught.value.message


# --- properties ---------------------------------------------------------------------------


@given(regions, births, st.integers(0, 999))
def test_constructed_resident_id_reads_back_its_birth_sex_and_region(region, birth, sequence):
    person = ResidentId.parse(resident_number(region, birth, sequence), today=TODAY)
    assert person.birth_date == birth
    assert person.sex == ("男" if sequence % 2 else "女")
    assert person.region == region


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_digit_satisfies_iso_7064_mod_11_2(first17):
    # ISO 7064 MOD 11-2 stated the other way round: over all 18 characters (X = 10), with the
    # weight of the i-th character from the right being 2^(i-1) mod 11, the sum is 1 mod 11.
    number = first17 + check_digit(first17)
    values = [10 if c == "X" else int(c) for c in number]
    assert sum(v * pow(2, 17 - i, 11) for i, v in enumerate(values)) % 11 == 1


@given(credit_bodies)
def test_credit_check_char_makes_the_weighted_sum_a_multiple_of_31(first17):
    # GB 32100-2015: weights are 3^(i-1) mod 31; with the check character (weight 1) added the
    # weighted sum is 0 mod 31.
    code = first17 + credit_check_char(first17)
    values = [CREDIT_ALPHABET.index(c) for c in code]
    weights = [pow(3, i, 31) for i in range(17)] + [1]
    assert sum(v * w for v, w in zip(values, weights, strict=True)) % 31 == 0


@given(resident_numbers)
def test_resident_id_round_trips_and_its_canonical_form_is_stable(number):
    person = ResidentId.parse(number, today=TODAY)
    assert ResidentId.parse(str(person), today=TODAY) == person
    assert str(ResidentId.parse(str(person), today=TODAY)) == number


@given(resident_numbers, st.data())
def test_spaces_and_lowercase_x_give_the_same_resident_id(number, data):
    spaced = "".join(c + data.draw(st.sampled_from(["", " ", "\u3000"])) for c in number.lower())
    assert ResidentId.parse(spaced, today=TODAY) == ResidentId.parse(number, today=TODAY)


@given(resident_numbers, st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_character_typo_in_a_resident_id_is_caught(number, position, char):
    assume(number[position] != char)
    typo = number[:position] + char + number[position + 1 :]
    with pytest.raises(InvalidIdNumber):
        ResidentId.parse(typo, today=TODAY)


@given(resident_numbers, st.integers(0, 15))
def test_swapping_two_adjacent_digits_of_a_resident_id_is_caught(number, position):
    assume(number[position] != number[position + 1])
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    with pytest.raises(InvalidIdNumber):
        ResidentId.parse(swapped, today=TODAY)


@given(regions, st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)),
       st.integers(0, 999))  # fmt: skip
def test_legacy_number_and_its_eighteen_digit_form_describe_the_same_person(
    region, birth, sequence
):
    legacy = ResidentId.parse(f"{region}{birth:%y%m%d}{sequence:03d}", today=TODAY)
    modern = legacy.to_18()
    assert str(modern) == resident_number(region, birth, sequence)
    assert (modern.birth_date, modern.sex, modern.region) == (
        legacy.birth_date,
        legacy.sex,
        legacy.region,
    )


@given(credit_codes)
def test_credit_code_round_trips_and_its_canonical_form_is_stable(code):
    parsed = CreditCode.parse(code)
    assert CreditCode.parse(str(parsed)) == parsed
    assert str(CreditCode.parse(code.lower())) == code


@given(credit_codes, st.integers(0, 17), st.sampled_from(CREDIT_ALPHABET))
def test_any_single_character_typo_in_a_credit_code_is_caught(code, position, char):
    assume(code[position] != char)
    with pytest.raises(InvalidIdNumber):
        CreditCode.parse(code[:position] + char + code[position + 1 :])


@given(resident_numbers)
def test_parse_identity_accepts_every_valid_resident_id(text):
    assert parse_identity(text, today=TODAY) == ResidentId.parse(text, today=TODAY)


@given(credit_codes)
def test_parse_identity_accepts_a_valid_credit_code_or_asks_to_enter_it_as_one(code):
    try:
        parsed = parse_identity(code, today=TODAY)
    except InvalidIdNumber as exc:
        # only an all-digit code shaped like a person's number (province, then 19xx or 20xx)
        assert code[:2] in PROVINCE_PREFIXES and code[6:8] in ("19", "20")
        assert "如果这是单位的统一社会信用代码" in exc.message
    else:
        assert str(parsed) == code


def _refused_in_chinese_or_round_trips(text: str) -> None:
    try:
        parsed = parse_identity(text, today=TODAY)
    except InvalidIdNumber as exc:
        assert exc.message and CJK.search(exc.message), exc.message
    else:
        assert parse_identity(str(parsed), today=TODAY) == parsed


@given(st.text())
def test_arbitrary_text_is_refused_in_chinese_or_round_trips(text):
    _refused_in_chinese_or_round_trips(text)


@given(st.text(alphabet="0123456789Xx ABCY", min_size=14, max_size=19))
def test_near_miss_text_is_refused_in_chinese_or_round_trips(text):
    _refused_in_chinese_or_round_trips(text)
