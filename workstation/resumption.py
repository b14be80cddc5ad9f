"""Resumption (恢复执行): a new case with a 执恢 number that enforces the same judgment as a case
whose current enforcement procedure was ended (终结本次执行程序).

法〔2016〕373号 第九条 [C]: after termination, when the debtor is found to have property, the
applicant may apply to the enforcing court for resumption (not subject to the limitation period);
the court resumes when the facts are confirmed. The original case is not changed: the new case
points at it (`original_case_id`), copies its parties and the judgment enforced, and counts what
was recovered on it (enforcement.load_record: `prior_receipts`).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .cases import ValidationFailed
from .domain.case import status_label
from .domain.case_number import CaseNumber
from .domain.errors import InvalidValue
from .enforcement_entries import termination_day
from .forms import text, typed_date
from .ids import uuid7
from .store import queries
from .store.casefile import CaseFile, Edit

RESUMPTION_KIND = "执恢"
# The judgment enforced and the claim, as the original case has them.
COPIED_FIELDS = (
    "cause",
    "basis_court",
    "basis_number",
    "basis_kind",
    "basis_effective_date",
    "principal",
    "interest",
    "interest_terms",
    "enforcement_fee",
    "due_date",
    "claim_is_monetary",
)
PARTY_FIELDS = (
    "role",
    "kind",
    "name",
    "sex",
    "ethnicity",
    "birth_date",
    "id_number",
    "address",
    "phone",
    "credit_code",
    "legal_representative",
    "represents",
    "authority",
    "authority_document",
    "deceased",
)


@dataclass(frozen=True)
class LinkedCase:
    id: str
    case_number: str
    filing_date: str
    status: str  # Chinese: 执行中, 终结本次执行程序 ...


@dataclass(frozen=True)
class CaseLinks:
    original: LinkedCase | None  # the case this one resumes
    resumptions: tuple[LinkedCase, ...]  # the cases that resume this one


def _linked(row: Mapping[str, Any]) -> LinkedCase:
    return LinkedCase(
        row["id"],
        row["case_number"],
        row["filing_date"],
        status_label(row["status"], row["closing_method"]),
    )


def case_links(cf: CaseFile, case_id: str) -> CaseLinks:
    """The case a resumption case resumes, and the resumption cases of a case."""
    cols = "id, case_number, filing_date, status, closing_method"
    conn = cf.conn
    conn_rows = conn.execute(
        f"SELECT {cols} FROM cases WHERE id = "
        "(SELECT original_case_id FROM cases WHERE id = ?) AND deleted = 0",
        (case_id,),
    )
    names = ("id", "case_number", "filing_date", "status", "closing_method")
    original = next((_linked(dict(zip(names, r, strict=True))) for r in conn_rows), None)
    resumptions = tuple(
        _linked(dict(zip(names, r, strict=True)))
        for r in conn.execute(
            f"SELECT {cols} FROM cases WHERE original_case_id = ? AND deleted = 0 ORDER BY n",
            (case_id,),
        )
    )
    return CaseLinks(original, resumptions)


def resumption_refusal(cf: CaseFile, case_id: str) -> str | None:
    """Why this case cannot be resumed now (Chinese), or None when it can."""
    row = cf.get("case", case_id)
    if row is None or row.values["deleted"]:
        return "案件不存在。"
    c = row.values
    if not (c["status"] == "closed" and c["closing_method"] == "termination"):
        return "只有以“终结本次执行程序”方式结案的案件才能恢复执行。"
    resumed = case_links(cf, case_id).resumptions
    if resumed:
        return (
            f"本案已恢复执行（{resumed[-1].case_number}），不能重复立案；"
            "该案再次终本后，请从该案恢复执行。"
        )
    return None


def _court(case: Mapping[str, Any]) -> str:
    """The court code (法院代字) of a case, as its number spells it."""
    try:
        return CaseNumber.parse(case["case_number"]).court
    except InvalidValue:
        return case["court_code"] or ""


def proposed_number(cf: CaseFile, original_case_id: str, today: date | None = None) -> str:
    """The court and year part of the resumption case's number, for the officer to complete with
    the serial the court's case registry gives: "（2026）豫0302执恢"."""
    today = today or date.today()
    row = cf.get("case", original_case_id)
    if row is None:
        raise KeyError(original_case_id)
    return f"（{today.year}）{_court(row.values)}{RESUMPTION_KIND}"


def start_resumption(
    cf: CaseFile, original_case_id: str, raw: Mapping[str, Any], today: date | None = None
) -> str:
    """Make the resumption case of a terminated case: the 执恢 number as typed, the filing date
    (not before the termination), the officer; parties and judgment copied. Returns its id."""
    today = today or date.today()
    refusal = resumption_refusal(cf, original_case_id)
    if refusal is not None:
        raise ValidationFailed({"original": refusal})
    original = cf.get("case", original_case_id)
    assert original is not None
    o = original.values
    errors: dict[str, str] = {}
    ended = termination_day(o)
    filing = typed_date(
        raw,
        "filing_date",
        errors,
        today,
        what="立案日期",
        not_before=ended,
        not_before_what="原案终结本次执行程序的日期",
    )
    number_text = text(raw, "case_number")
    number = None
    if not number_text:
        errors["case_number"] = "请填写恢复执行案件的案号，如（2026）豫0302执恢12号。"
    else:
        try:
            number = CaseNumber.parse(number_text)
        except InvalidValue as exc:
            errors["case_number"] = exc.message
    if number is not None:
        original_court = _court(o)
        if number.kind != RESUMPTION_KIND:
            errors["case_number"] = (
                f"恢复执行案件的类型代字应为“{RESUMPTION_KIND}”，"
                f"如（{today.year}）{original_court}{RESUMPTION_KIND}12号。"
            )
        elif original_court and number.court != original_court:
            errors["case_number"] = (
                f"恢复执行由原执行法院立案：法院代字应为“{original_court}”，"
                f"现为“{number.court}”，请核对。"
            )
        elif filing is not None and number.year != filing.year:
            errors["case_number"] = (
                f"案号年度（{number.year}）与立案日期{filing.isoformat()}的年度不符，请核对。"
            )
        elif queries.find_case_id(cf.conn, str(number)):
            errors["case_number"] = f"案号{number}已存在，不能重复登记。"
    officer = text(raw, "officer") or o["officer"] or cf.officer
    if errors:
        raise ValidationFailed(errors)
    case_id = uuid7()
    values = {key: o[key] for key in COPIED_FIELDS} | {
        "case_number": str(number),
        "court_code": number.court,
        "officer": officer,
        "filing_date": filing.isoformat(),
        "status": "open",
        "original_case_id": original_case_id,
        "notes": text(raw, "notes"),
    }
    edits = [Edit("case", values, case_id)]
    parties = [cf.get("party", pid) for pid in queries.party_ids(cf.conn, original_case_id)]
    new_ids = {p.id: uuid7() for p in parties if p is not None}
    for p in parties:
        if p is None:
            continue
        copied = {key: p.values[key] for key in PARTY_FIELDS}
        if copied["represents"]:
            copied["represents"] = new_ids.get(copied["represents"])
        edits.append(Edit("party", copied | {"case_id": case_id}, new_ids[p.id]))
    cf.save(edits)
    return case_id
