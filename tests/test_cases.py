"""What the officer types for a case and its parties: Chinese messages; on error nothing saved."""

from datetime import date

import pytest

from workstation.cases import (
    PartyForm,
    ValidationFailed,
    load_case,
    save_case,
    validate_case,
    validate_party,
)
from workstation.store.casefile import CaseFile
from workstation.store.journal import journal_changes

TODAY = date(2026, 11, 26)
MAN_ID = "410305198506121231"  # 1985-06-12, sequence 123 (odd: a man)
WOMAN_ID = "410302199001014567"  # 1990-01-01, sequence 456 (even: a woman)

CASE = {
    "case_number": "（2021）豫0302执12号",
    "filing_date": "2021-03-04",
    "basis_effective_date": "2020-12-01",
    "principal": "12,345.67",
    "interest": "1.5万",
    "officer": "张伟",
    "cause": "民间借贷纠纷",
}
APPLICANT = {
    "role": "applicant",
    "kind": "organisation",
    "name": "洛阳宏达商贸有限公司",
    "credit_code": "91410303MA44XQ7K10",
    "legal_representative": "赵磊",
}
DEBTOR = {
    "role": "debtor",
    "kind": "person",
    "name": "王五",
    "sex": "男",
    "birth_date": "1985-06-12",
    "id_number": MAN_ID,
    "phone": "138 1234 5678",
    "ethnicity": "汉族",
}
AGENT = {
    "role": "agent",
    "kind": "person",
    "name": "李娜",
    "represents": "#0",
    "authority": "special",
    "authority_document": "授权委托书（2021年3月1日）",
}


def errors_of(call, *args, **kwargs) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as failed:
        call(*args, today=TODAY, **kwargs)
    assert str(failed.value)  # the joined messages, for a status line
    return failed.value.errors


def forms(*parties: dict) -> list[PartyForm]:
    return [PartyForm(dict(p)) for p in parties]


# -- a valid case -----------------------------------------------------------------------------


def test_valid_case_is_saved_in_store_form(case_file: CaseFile) -> None:
    case_id = save_case(case_file, CASE, forms(APPLICANT, DEBTOR, AGENT), today=TODAY)
    detail = load_case(case_file, case_id)
    assert detail is not None
    case = detail.case.values
    assert case["case_number"] == "（2021）豫0302执12号"
    assert case["court_code"] == "豫0302"
    assert (case["principal"], case["interest"]) == (1_234_567, 1_500_000)
    assert case["status"] == "open"
    (applicant,) = detail.of_role("applicant")
    (debtor,) = detail.of_role("debtor")
    (agent,) = detail.of_role("agent")
    assert debtor.values["sex"] == "male"
    assert debtor.values["phone"] == "13812345678"
    assert applicant.values["credit_code"] == "91410303MA44XQ7K10"
    assert agent.values["represents"] == applicant.id  # "#0": the first party of the form


def test_case_number_typed_with_half_width_brackets_is_stored_canonically(
    case_file: CaseFile,
) -> None:
    values = validate_case(CASE | {"case_number": " (2021) 豫0302执12 "}, today=TODAY)
    assert values["case_number"] == "（2021）豫0302执12号"


def test_saving_the_same_form_again_writes_nothing(case_file: CaseFile) -> None:
    parties = [PartyForm(dict(APPLICANT), "a" * 8), PartyForm(dict(DEBTOR), "d" * 8)]
    case_id = save_case(case_file, CASE, parties, today=TODAY)
    before = len(list(journal_changes(case_file.conn)))
    save_case(case_file, CASE, parties, case_id=case_id, today=TODAY)
    assert len(list(journal_changes(case_file.conn))) == before == 3


def test_removed_party_is_no_longer_part_of_the_case(case_file: CaseFile) -> None:
    extra = DEBTOR | {"name": "李四", "id_number": WOMAN_ID, "sex": "", "birth_date": ""}
    parties = [
        PartyForm(dict(APPLICANT), "a" * 8),
        PartyForm(dict(DEBTOR), "d" * 8),
        PartyForm(extra, "e" * 8),
    ]
    case_id = save_case(case_file, CASE, parties, today=TODAY)
    save_case(
        case_file, CASE, parties[:2], case_id=case_id, removed_party_ids=["e" * 8], today=TODAY
    )
    names = [p.values["name"] for p in load_case(case_file, case_id).parties]
    assert names == ["洛阳宏达商贸有限公司", "王五"]


# -- the ID number --------------------------------------------------------------------------


def test_wrong_id_check_digit_is_refused() -> None:
    errors = errors_of(validate_party, DEBTOR | {"id_number": MAN_ID[:-1] + "2"})
    assert "校验位" in errors["party.id_number"]


def test_sex_inconsistent_with_id_number_is_refused() -> None:
    errors = errors_of(validate_party, DEBTOR | {"sex": "女"})
    assert "性别与身份证号不符" in errors["party.sex"]
    assert "男" in errors["party.sex"]


def test_birth_date_inconsistent_with_id_number_is_refused() -> None:
    errors = errors_of(validate_party, DEBTOR | {"birth_date": "1985-06-13"})
    assert "出生日期与身份证号不符" in errors["party.birth_date"]
    assert "1985-06-12" in errors["party.birth_date"]


@pytest.mark.parametrize(
    ("id_number", "sex", "birth"),
    [(MAN_ID, "male", "1985-06-12"), (WOMAN_ID, "female", "1990-01-01")],
)
def test_sex_and_birth_date_left_blank_are_taken_from_the_id_number(
    id_number: str, sex: str, birth: str
) -> None:
    values = validate_party(
        DEBTOR | {"id_number": id_number, "sex": "", "birth_date": ""}, today=TODAY
    )
    assert (values["sex"], values["birth_date"]) == (sex, birth)


def test_birth_date_typed_another_way_matches_the_id_number() -> None:
    values = validate_party(DEBTOR | {"birth_date": "1985年6月12日"}, today=TODAY)
    assert values["birth_date"] == "1985-06-12"


def test_bad_ethnicity_is_refused() -> None:
    errors = errors_of(validate_party, DEBTOR | {"ethnicity": "汉"})
    assert "不是规范的民族名称" in errors["party.ethnicity"]


def test_bad_phone_is_refused() -> None:
    errors = errors_of(validate_party, DEBTOR | {"phone": "1234"})
    assert "电话" in errors["party.phone"]


def test_party_without_role_kind_or_name_is_refused() -> None:
    errors = errors_of(validate_party, {"role": "", "kind": "", "name": " "})
    assert "当事人身份" in errors["party.role"]
    assert "自然人" in errors["party.kind"]
    assert "姓名或名称" in errors["party.name"]


# -- dates ------------------------------------------------------------------------------------


def test_future_filing_date_is_refused() -> None:
    errors = errors_of(validate_case, CASE | {"filing_date": "2026-11-27"})
    assert "晚于今天" in errors["case.filing_date"]


def test_todays_filing_date_is_accepted() -> None:
    assert validate_case(CASE | {"filing_date": "2026-11-26"}, today=TODAY)["filing_date"] == (
        "2026-11-26"
    )


def test_future_birth_date_is_refused() -> None:
    person = {"role": "debtor", "kind": "person", "name": "王五", "birth_date": "2030-01-01"}
    errors = errors_of(validate_party, person)
    assert "晚于今天" in errors["party.birth_date"]


def test_missing_filing_date_is_refused() -> None:
    errors = errors_of(validate_case, CASE | {"filing_date": ""})
    assert "请填写立案日期" in errors["case.filing_date"]


def test_impossible_filing_date_is_refused() -> None:
    errors = errors_of(validate_case, CASE | {"filing_date": "2021-02-30"})
    assert "不存在" in errors["case.filing_date"]


def test_effective_date_after_filing_date_is_refused() -> None:
    errors = errors_of(validate_case, CASE | {"basis_effective_date": "2021-03-05"})
    assert "生效日期晚于立案日期" in errors["case.basis_effective_date"]


def test_closed_case_needs_a_closing_date_and_method() -> None:
    errors = errors_of(validate_case, CASE | {"status": "closed"})
    assert "须填写结案日期" in errors["case.closing_date"]
    assert "须选择结案方式" in errors["case.closing_method"]


def test_closed_case_without_closing_method_is_refused() -> None:
    errors = errors_of(validate_case, CASE | {"status": "closed", "closing_date": "2022-01-01"})
    assert set(errors) == {"case.closing_method"}


def test_closing_before_filing_is_refused() -> None:
    closed = CASE | {
        "status": "closed",
        "closing_date": "2021-03-03",
        "closing_method": "completed",
    }
    errors = errors_of(validate_case, closed)
    assert "结案日期早于立案日期" in errors["case.closing_date"]


def test_properly_closed_case_is_accepted() -> None:
    closed = CASE | {
        "status": "closed",
        "closing_date": "2021-03-04",
        "closing_method": "completed",
    }
    values = validate_case(closed, today=TODAY)
    assert (values["closing_date"], values["closing_method"]) == ("2021-03-04", "completed")


def test_reopened_case_loses_its_closing_date_and_method() -> None:
    reopened = CASE | {
        "status": "open",
        "closing_date": "2022-01-01",
        "closing_method": "completed",
    }
    values = validate_case(reopened, today=TODAY)
    assert (values["closing_date"], values["closing_method"]) == (None, None)


# -- money and case numbers -------------------------------------------------------------------


@pytest.mark.parametrize("text", ["十二万", "12.345", "1,23,456", "-100", "12元5角"])
def test_bad_money_text_is_refused(text: str) -> None:
    errors = errors_of(validate_case, CASE | {"principal": text})
    assert "金额" in errors["case.principal"]


@pytest.mark.parametrize(("text", "fen"), [("", 0), ("0.01", 1), ("40万", 40_000_000)])
def test_money_text_is_read_as_whole_fen(text: str, fen: int) -> None:
    assert validate_case(CASE | {"enforcement_fee": text}, today=TODAY)["enforcement_fee"] == fen


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "请填写案号"),
        ("（2021）豫0302民初12号", "不是执行类案件"),
        ("豫0302执12号", "收案年度"),
    ],
)
def test_bad_case_number_is_refused(text: str, fragment: str) -> None:
    errors = errors_of(validate_case, CASE | {"case_number": text})
    assert fragment in errors["case.case_number"]


# -- agents -----------------------------------------------------------------------------------


def test_agent_without_authority_document_is_refused() -> None:
    errors = errors_of(validate_party, AGENT | {"authority_document": ""})
    assert "授权委托书" in errors["party.authority_document"]


def test_agent_without_the_party_they_represent_is_refused() -> None:
    errors = errors_of(validate_party, AGENT | {"represents": ""})
    assert "代理人所代理的当事人" in errors["party.represents"]


def test_agent_without_authority_is_refused() -> None:
    errors = errors_of(validate_party, AGENT | {"authority": ""})
    assert "一般授权或特别授权" in errors["party.authority"]


# -- save_case refuses and writes nothing -------------------------------------------------------

REFUSED_SAVES = {
    "wrong id check digit": (
        {},
        [APPLICANT, DEBTOR | {"id_number": MAN_ID[:-1] + "2"}],
        "party[1].id_number",
        "校验位",
    ),
    "sex against id": (
        {},
        [APPLICANT, DEBTOR | {"sex": "女"}],
        "party[1].sex",
        "性别与身份证号不符",
    ),
    "birth against id": (
        {},
        [APPLICANT, DEBTOR | {"birth_date": "1985-06-13"}],
        "party[1].birth_date",
        "出生日期",
    ),
    "future date": (
        {"filing_date": "2026-12-01"},
        [APPLICANT, DEBTOR],
        "case.filing_date",
        "晚于今天",
    ),
    "no filing date": ({"filing_date": ""}, [APPLICANT, DEBTOR], "case.filing_date", "立案日期"),
    "effective after filing": (
        {"basis_effective_date": "2021-04-01"},
        [APPLICANT, DEBTOR],
        "case.basis_effective_date",
        "晚于立案日期",
    ),
    "closed without date": (
        {"status": "closed", "closing_method": "completed"},
        [APPLICANT, DEBTOR],
        "case.closing_date",
        "结案日期",
    ),
    "closed without method": (
        {"status": "closed", "closing_date": "2022-01-01"},
        [APPLICANT, DEBTOR],
        "case.closing_method",
        "结案方式",
    ),
    "closing before filing": (
        {"status": "closed", "closing_date": "2020-01-01", "closing_method": "completed"},
        [APPLICANT, DEBTOR],
        "case.closing_date",
        "早于立案日期",
    ),
    "bad money": ({"principal": "一二三"}, [APPLICANT, DEBTOR], "case.principal", "金额"),
    "duplicate case number": (
        {"case_number": "(2021)豫0302执1号"},
        [APPLICANT, DEBTOR],
        "case.case_number",
        "已存在",
    ),
    "no applicant": ({}, [DEBTOR], "parties", "至少需要一名申请执行人"),
    "no debtor": ({}, [APPLICANT], "parties", "至少需要一名被执行人"),
    "agent without document": (
        {},
        [APPLICANT, DEBTOR, AGENT | {"authority_document": ""}],
        "party[2].authority_document",
        "授权委托书",
    ),
    "agent without principal": (
        {},
        [APPLICANT, DEBTOR, AGENT | {"represents": ""}],
        "party[2].represents",
        "所代理的当事人",
    ),
}


@pytest.mark.parametrize(
    ("case_changes", "parties", "key", "fragment"), REFUSED_SAVES.values(), ids=REFUSED_SAVES.keys()
)
def test_refused_save_says_why_and_leaves_the_case_file_unchanged(
    case_file: CaseFile, unchanged, case_changes: dict, parties: list, key: str, fragment: str
) -> None:
    save_case(
        case_file,
        CASE | {"case_number": "（2021）豫0302执1号"},
        forms(APPLICANT, DEBTOR),
        today=TODAY,
    )
    with unchanged(case_file):
        errors = errors_of(save_case, case_file, CASE | case_changes, forms(*parties))
    assert fragment in errors[key], errors


def test_editing_a_case_keeps_its_own_case_number(case_file: CaseFile) -> None:
    parties = [PartyForm(dict(APPLICANT), "a" * 8), PartyForm(dict(DEBTOR), "d" * 8)]
    case_id = save_case(case_file, CASE, parties, today=TODAY)
    save_case(case_file, CASE | {"notes": "已约谈"}, parties, case_id=case_id, today=TODAY)
    assert case_file.get("case", case_id).values["notes"] == "已约谈"


def test_all_errors_of_a_form_are_reported_together(case_file: CaseFile, unchanged) -> None:
    with unchanged(case_file):
        errors = errors_of(
            save_case,
            case_file,
            CASE | {"filing_date": "", "principal": "abc"},
            forms(APPLICANT, DEBTOR | {"sex": "女"}),
        )
    assert {"case.filing_date", "case.principal", "party[1].sex"} <= set(errors)


def test_termination_facts_and_due_date_are_saved_and_checked() -> None:
    values = validate_case(
        CASE
        | {
            "due_date": "2020年12月11日",
            "claim_is_monetary": "0",
            "applicant_asked_for_termination": "1",
            "obstruction": "1",
        },
        today=TODAY,
    )
    assert values["due_date"] == "2020-12-11"
    assert (values["claim_is_monetary"], values["applicant_asked_for_termination"]) == (0, 1)
    assert values["obstruction"] == 1
    defaults = validate_case(CASE, today=TODAY)
    assert (defaults["claim_is_monetary"], defaults["obstruction"], defaults["due_date"]) == (
        1,
        0,
        None,
    )
    errors = errors_of(validate_case, CASE | {"due_date": "2019-01-01"})
    assert "早于执行依据生效日期" in errors["case.due_date"]
