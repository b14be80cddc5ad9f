"""Property-based fuzzing (hypothesis) of everything that reads what a person typed.

Every parser and form check, given any string, either accepts it or refuses it with a Chinese
message (InvalidValue / ValidationFailed / a {field: message} dict); nothing else escapes. What
a parser accepts, it accepts again in its canonical spelling. A form that refuses saves nothing.

Short by default; WORKSTATION_LONG_TESTS=1 tries many more examples.
"""

import contextlib
import os
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.conftest import fingerprint
from tests.test_interview import TODAY
from tests.test_interview import case as interview_case  # noqa: F401  (a fixture)
from tests.test_ruling import build_case
from workstation import cases, enforcement_more, forms, interview, ruling
from workstation.domain.address import county_level
from workstation.domain.case_number import CaseNumber, normalize_fragment
from workstation.domain.dates import (
    parse_chinese_number,
    parse_chinese_numeral_date,
    parse_date,
)
from workstation.domain.errors import InvalidValue
from workstation.domain.ethnicity import is_ethnicity
from workstation.domain.identity import CreditCode, ResidentId, parse_identity
from workstation.domain.money import format_money, parse_money
from workstation.domain.phone import parse_phone
from workstation.indicators import ReportPeriod
from workstation.store.casefile import CaseFile

LONG = os.environ.get("WORKSTATION_LONG_TESTS") == "1"
FEW = settings(
    max_examples=1500 if LONG else 120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SLOW = settings(FEW, max_examples=300 if LONG else 25)
CJK = re.compile(r"[\u4e00-\u9fff]")

# What people type into these fields, so that the parsers' deeper branches are reached too.
TYPED = (
    "0123456789０１２３４５６７８９"
    "〇零一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟"
    "年月日号执恢保异字第之元角分整圆块毛"
    "（）()〔〕[]【】［］-—－/.．、，,:：  \t\n"
    "豫京沪粤川鄂湘冀晋蒙辽吉黑苏浙皖闽赣鲁桂琼渝贵云藏陕甘青宁新"
    "XxZzABCDEFGHJKLMNPQRTUWY+族汉回蒙古"
)


def typed_text(max_size: int = 40) -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=max_size),
        st.text(alphabet=TYPED, max_size=max_size),
    )


def mutated(samples: list[str]) -> st.SearchStrategy[str]:
    """A valid value with a few characters inserted, deleted or replaced."""

    @st.composite
    def build(draw: st.DrawFn) -> str:
        text = draw(st.sampled_from(samples))
        for _ in range(draw(st.integers(0, 3))):
            at = draw(st.integers(0, len(text)))
            kind = draw(st.sampled_from(("insert", "delete", "replace")))
            char = draw(st.one_of(st.characters(), st.sampled_from(TYPED)))
            if kind == "insert":
                text = text[:at] + char + text[at:]
            elif kind == "delete":
                text = text[:at] + text[at + 1 :]
            else:
                text = text[:at] + char + text[at + 1 :]
        return text

    return build()


def refused_in_chinese(exc: InvalidValue) -> None:
    assert isinstance(exc.message, str) and CJK.search(exc.message), repr(exc.message)
    assert str(exc) == exc.message


def parses_or_refuses(parse: Callable[[str], Any], text: str) -> Any:
    try:
        return parse(text)
    except InvalidValue as exc:
        refused_in_chinese(exc)
        return None


CASE_NUMBERS = ["（2021）豫0302执123号", "(2024)京0105执恢12号之二", "（2019）沪01执异5号"]
RESIDENT_IDS = ["11010519491231002X", "410302198003150016", "440524188001010014"]
CREDIT_CODES = ["91350100M000100Y43", "91110000600037341L"]
AMOUNTS = ["400000", "40万", "4.5万元", "1,234.56", "壹万贰仟元整", "0.01元", "1亿"]
DATES = ["2024-03-01", "2024年3月1日", "二〇二四年三月一日", "2024.3.1", "20240301"]
PHONES = ["13800000000", "0379-63256789", "+86 138 0000 0000", "(0379)63256789"]


@FEW
@given(st.one_of(typed_text(), mutated(CASE_NUMBERS)))
def test_case_numbers_parse_or_are_refused_in_chinese(text: str) -> None:
    number = parses_or_refuses(CaseNumber.parse, text)
    if number is not None:
        assert CaseNumber.parse(str(number)) == number
    normalize_fragment(text)  # the search box's use: never raises


@FEW
@given(st.one_of(typed_text(), mutated(RESIDENT_IDS + CREDIT_CODES)))
def test_id_numbers_and_credit_codes_parse_or_are_refused_in_chinese(text: str) -> None:
    today = date(2026, 11, 26)
    rid = parses_or_refuses(lambda t: ResidentId.parse(t, today=today), text)
    if rid is not None:
        assert ResidentId.parse(str(rid), today=today) == rid
    code = parses_or_refuses(CreditCode.parse, text)
    if code is not None:
        assert CreditCode.parse(str(code)) == code
    parses_or_refuses(lambda t: parse_identity(t, today=today), text)


@FEW
@given(st.one_of(typed_text(), mutated(AMOUNTS)))
def test_money_parses_to_whole_fen_or_is_refused_in_chinese(text: str) -> None:
    fen = parses_or_refuses(parse_money, text)
    if fen is not None:
        assert type(fen) is int and fen >= 0
        assert parse_money(format_money(fen)) == fen


@FEW
@given(st.one_of(typed_text(), mutated(DATES)))
def test_dates_parse_or_are_refused_in_chinese(text: str) -> None:
    today = date(2026, 11, 26)
    found = parses_or_refuses(lambda t: parse_date(t, today=today), text)
    if found is not None:
        assert parse_date(found.isoformat(), today=today) == found
    parses_or_refuses(parse_chinese_numeral_date, text)
    with contextlib.suppress(ValueError):  # their helper: documented to raise ValueError
        assert 1 <= parse_chinese_number(text) <= 99


@FEW
@given(st.one_of(typed_text(), mutated(PHONES)))
def test_phones_parse_or_are_refused_in_chinese(text: str) -> None:
    phone = parses_or_refuses(parse_phone, text)
    if phone is not None:
        assert parse_phone(phone) == phone


@FEW
@given(typed_text(), typed_text(80))
def test_ethnicities_addresses_and_periods_never_raise_anything_else(
    name: str, address: str
) -> None:
    assert isinstance(is_ethnicity(name), bool)
    assert isinstance(county_level(address), str)
    parses_or_refuses(ReportPeriod.parse, name)


# -- the form readers ----------------------------------------------------------------------------

ANY_VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), typed_text(), st.lists(st.integers())
)


@FEW
@given(st.dictionaries(st.sampled_from(["a", "b"]), ANY_VALUE), st.integers(1, 50))
def test_the_form_readers_return_a_value_or_a_chinese_message_per_field(
    raw: dict[str, Any], limit: int
) -> None:
    today = date(2026, 11, 26)
    errors: dict[str, str] = {}
    assert isinstance(forms.text(raw, "a"), str)
    assert isinstance(forms.long_text(raw, "a", errors, limit), str)
    assert isinstance(forms.flag(raw, "a"), bool)
    got = forms.typed_date(raw, "a", errors, today, what="日期", not_before=date(2020, 1, 1))
    assert got is None or date(2020, 1, 1) <= got <= today
    money = forms.typed_money(raw, "b", errors, what="金额")
    assert money is None or type(money) is int
    assert all(CJK.search(m) for m in errors.values()), errors


def _form(keys: list[str]) -> st.SearchStrategy[dict[str, str]]:
    return st.dictionaries(st.sampled_from(keys), typed_text(), max_size=len(keys))


def refused_fields_in_chinese(errors: dict[str, str]) -> None:
    assert errors and all(isinstance(m, str) and CJK.search(m) for m in errors.values()), errors


CASE_KEYS = [
    "case_number",
    "filing_date",
    "officer",
    "cause",
    "basis_court",
    "basis_number",
    "basis_kind",
    "basis_effective_date",
    "principal",
    "interest",
    "enforcement_fee",
    "due_date",
    "claim_is_monetary",
    "status",
    "closing_date",
    "closing_method",
    "notes",
]
PARTY_KEYS = [
    "role",
    "kind",
    "name",
    "address",
    "phone",
    "sex",
    "ethnicity",
    "birth_date",
    "id_number",
    "credit_code",
    "legal_representative",
    "represents",
    "authority",
    "authority_document",
]


@FEW
@given(
    _form(CASE_KEYS),
    _form(PARTY_KEYS),
    st.sampled_from(["person", "organisation"]),
    st.sampled_from(["applicant", "debtor", "agent"]),
)
def test_case_and_party_forms_accept_or_refuse_in_chinese(
    case_raw: dict[str, str], party_raw: dict[str, str], kind: str, role: str
) -> None:
    today = date(2026, 11, 26)
    for raw, validate in (
        (case_raw, cases.validate_case),
        (party_raw, cases.validate_party),
        ({**party_raw, "kind": kind, "role": role}, cases.validate_party),
    ):
        try:
            values = validate(raw, today=today)
        except cases.ValidationFailed as exc:
            refused_fields_in_chinese(exc.errors)
        else:
            assert isinstance(values, dict)


RULING_KEYS = ["route", "judges", "judge_title", "clerk", "assistant", "ruling_date", "prior"]


@pytest.fixture
def ready_case(case_file: CaseFile) -> str:
    return build_case(case_file, 1)


@SLOW
@given(raw=_form(RULING_KEYS))
def test_the_ruling_form_check_answers_field_by_field_in_chinese(
    case_file: CaseFile, ready_case: str, raw: dict[str, str]
) -> None:
    errors = ruling.check_form(case_file, ready_case, raw, TODAY)
    assert isinstance(errors, dict)
    assert all(isinstance(m, str) and CJK.search(m) for m in errors.values()), errors


HEADER_KEYS = ["date", "start", "end", "method", "place", "officer", "recorder", "interviewee_id"]


@SLOW
@given(
    header=_form(HEADER_KEYS),
    answers=st.dictionaries(st.sampled_from(["understood", "new_clues", "other"]), typed_text()),
    turns=st.lists(st.fixed_dictionaries({"q": typed_text(), "a": typed_text()}), max_size=3),
    opinion=st.fixed_dictionaries(
        {"choice": st.one_of(typed_text(5), st.sampled_from(["agrees", "disagrees"]))},
        optional={"reasons": typed_text()},
    ),
    notices=st.lists(typed_text(10), max_size=3),
)
def test_the_interview_check_answers_field_by_field_in_chinese(
    case_file: CaseFile,
    interview_case: str,  # noqa: F811
    header: dict[str, str],
    answers: dict[str, str],
    turns: list[dict[str, str]],
    opinion: dict[str, str],
    notices: list[str],
) -> None:
    draft = interview.start_draft(case_file, interview_case, officer="张伟")
    draft.data["header"] |= header
    draft.data["answers"] = answers
    draft.data["turns"] = turns
    draft.data["opinion"] = opinion
    draft.data["notices_read"] = notices
    errors = interview.check(case_file, draft, TODAY)
    assert all(isinstance(m, str) and CJK.search(m) for m in errors.values()), errors
    if errors:
        before = fingerprint(case_file)
        with pytest.raises(cases.ValidationFailed) as refused:
            interview.finalise(case_file, draft, TODAY)
        refused_fields_in_chinese(refused.value.errors)
        assert fingerprint(case_file) == before
    interview.discard(case_file, draft.id)


FIELD_VISIT_KEYS = ["date", "place", "officers", "result", "as_measure", "debtor_id"]
RECEIPT_KEYS = ["date", "amount", "source", "cash", "officers", "payer", "note"]


@SLOW
@given(visit=_form(FIELD_VISIT_KEYS), receipt=_form(RECEIPT_KEYS))
def test_enforcement_entries_save_or_refuse_in_chinese_and_a_refusal_saves_nothing(
    case_file: CaseFile, ready_case: str, visit: dict[str, str], receipt: dict[str, str]
) -> None:
    assume(visit or receipt)
    for record, raw in (
        (enforcement_more.record_field_visit, visit),
        (enforcement_more.record_receipt, receipt),
    ):
        before = fingerprint(case_file)
        try:
            record(case_file, ready_case, raw, TODAY)
        except cases.ValidationFailed as exc:
            refused_fields_in_chinese(exc.errors)
            assert fingerprint(case_file) == before
