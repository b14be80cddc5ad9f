"""Cases and parties as the officer types them: validation with Chinese messages, then the journal.

The dialogs and the command line call these; they never build store values themselves.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .domain.case import AUTHORITIES, CLOSING_METHODS, PARTY_KINDS, PARTY_ROLES, SEXES
from .domain.case_number import CaseNumber
from .domain.courts import CourtTable, court_warning, load_courts
from .domain.dates import iso
from .domain.errors import InvalidValue
from .domain.ethnicity import is_ethnicity
from .domain.identity import CreditCode, ResidentId
from .domain.phone import parse_phone
from .forms import text as _text
from .forms import typed_date, typed_money
from .ids import uuid7
from .store import queries
from .store.casefile import CaseFile, Edit, Record

MAX_TEXT = 500
SEX_BY_CHINESE = {v: k for k, v in SEXES.items()}


class ValidationFailed(Exception):
    """What the officer typed cannot be saved. `errors` maps a field key to a Chinese message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("；".join(errors.values()))
        self.errors = errors


@dataclass
class PartyForm:
    """One party as typed in the dialog. `party_id` None: a new party."""

    values: Mapping[str, str]
    party_id: str | None = None
    seen: dict[str, str] | None = None


@dataclass
class CaseDetail:
    case: Record
    parties: list[Record]
    warnings: list[str] = field(default_factory=list)

    def of_role(self, role: str) -> list[Record]:
        return [p for p in self.parties if p.values["role"] == role]


def _date_or_none(
    raw: Mapping[str, str], key: str, errors: dict[str, str], prefix: str, today: date
) -> str | None:
    found: dict[str, str] = {}
    value = typed_date(raw, key, found, today, what="日期", required=False)
    if key in found:
        errors[prefix + key] = found[key]
    return iso(value) if value else None


def _money(raw: Mapping[str, str], key: str, errors: dict[str, str], prefix: str) -> int:
    found: dict[str, str] = {}
    value = typed_money(raw, key, found, what="金额", required=False)
    if key in found:
        errors[prefix + key] = found[key]
    return value or 0


def validate_case(raw: Mapping[str, str], *, today: date | None = None) -> dict[str, Any]:
    """Store values for the case fields the officer typed, or ValidationFailed."""
    today = today or date.today()
    errors: dict[str, str] = {}
    p = "case."
    values: dict[str, Any] = {}
    text = _text(raw, "case_number")
    if not text:
        errors[p + "case_number"] = "请填写案号，例如（2021）豫0302执123号。"
    else:
        try:
            number = CaseNumber.parse(text)
            values["case_number"] = str(number)
            values["court_code"] = number.court
        except InvalidValue as exc:
            errors[p + "case_number"] = exc.message
    filing = _date_or_none(raw, "filing_date", errors, p, today)
    if filing is None and p + "filing_date" not in errors:
        errors[p + "filing_date"] = "请填写立案日期。"
    values["filing_date"] = filing
    for key in (
        "officer",
        "cause",
        "basis_court",
        "basis_number",
        "basis_kind",
        "interest_terms",
        "notes",
    ):
        values[key] = _text(raw, key) if key != "notes" else str(raw.get(key) or "").strip()
        if len(values[key]) > (4000 if key == "notes" else MAX_TEXT):
            errors[p + key] = "内容过长，请精简。"
    effective = _date_or_none(raw, "basis_effective_date", errors, p, today)
    if effective and filing and effective > filing:
        errors[p + "basis_effective_date"] = "执行依据的生效日期晚于立案日期，请核对。"
    values["basis_effective_date"] = effective
    for key in ("principal", "interest", "enforcement_fee"):
        values[key] = _money(raw, key, errors, p)
    due = _date_or_none(raw, "due_date", errors, p, date.max)
    if due and effective and due < effective:
        errors[p + "due_date"] = "履行期限届满日早于执行依据生效日期，请核对。"
    values["due_date"] = due
    for key, default in (
        ("claim_is_monetary", "1"),
        ("applicant_asked_for_termination", "0"),
        ("obstruction", "0"),
    ):
        flag = _text(raw, key) or default
        if flag not in ("0", "1"):
            errors[p + key] = "请选择是或否。"
        values[key] = 1 if flag == "1" else 0
    status = _text(raw, "status") or "open"
    values["status"] = status
    if status == "closed":
        closing = _date_or_none(raw, "closing_date", errors, p, today)
        method = _text(raw, "closing_method")
        if not closing and p + "closing_date" not in errors:
            errors[p + "closing_date"] = "已结案的案件须填写结案日期。"
        if closing and filing and closing < filing:
            errors[p + "closing_date"] = "结案日期早于立案日期，请核对。"
        if method not in CLOSING_METHODS:
            errors[p + "closing_method"] = "已结案的案件须选择结案方式。"
        values["closing_date"] = closing
        values["closing_method"] = method if method in CLOSING_METHODS else None
    elif status == "open":
        values["closing_date"] = None
        values["closing_method"] = None
    else:
        errors[p + "status"] = "案件状态无效。"
    if errors:
        raise ValidationFailed(errors)
    return values


def validate_party(
    raw: Mapping[str, str], *, prefix: str = "party.", today: date | None = None
) -> dict[str, Any]:
    """Store values for one party as typed, or ValidationFailed (keys prefixed by `prefix`)."""
    today = today or date.today()
    errors: dict[str, str] = {}
    p = prefix
    role, kind = _text(raw, "role"), _text(raw, "kind")
    values: dict[str, Any] = {"role": role, "kind": kind}
    if role not in PARTY_ROLES:
        errors[p + "role"] = "请选择当事人身份（申请执行人、被执行人或委托代理人）。"
    if kind not in PARTY_KINDS:
        errors[p + "kind"] = "请选择自然人或法人、其他组织。"
    name = _text(raw, "name")
    if not name:
        errors[p + "name"] = "请填写姓名或名称。"
    elif len(name) > 100:
        errors[p + "name"] = "姓名或名称过长。"
    values["name"] = name
    values["address"] = _text(raw, "address")
    phone = _text(raw, "phone")
    values["phone"] = ""
    if phone:
        try:
            values["phone"] = parse_phone(phone)
        except InvalidValue as exc:
            errors[p + "phone"] = exc.message
    for key in (
        "sex",
        "ethnicity",
        "birth_date",
        "id_number",
        "credit_code",
        "legal_representative",
        "represents",
        "authority",
        "authority_document",
    ):
        values[key] = None if key in ("sex", "birth_date", "represents", "authority") else ""
    if kind == "person":
        sex_text = _text(raw, "sex")
        sex = SEX_BY_CHINESE.get(sex_text, sex_text) or None
        if sex is not None and sex not in SEXES:
            errors[p + "sex"] = "性别应为男或女。"
        ethnicity = _text(raw, "ethnicity")
        if ethnicity and not is_ethnicity(ethnicity):
            errors[p + "ethnicity"] = f"“{ethnicity}”不是规范的民族名称，例如：汉族、回族、蒙古族。"
        birth = _date_or_none(raw, "birth_date", errors, p, today)
        id_text = _text(raw, "id_number")
        if id_text:
            try:
                rid = ResidentId.parse(id_text, today=today)
                values["id_number"] = str(rid)
                id_sex = SEX_BY_CHINESE[rid.sex]
                if sex and sex != id_sex:
                    errors[p + "sex"] = f"性别与身份证号不符：按身份证号应为{rid.sex}。"
                sex = sex or id_sex
                if birth and birth != iso(rid.birth_date):
                    errors[p + "birth_date"] = (
                        f"出生日期与身份证号不符：按身份证号应为{iso(rid.birth_date)}。"
                    )
                birth = birth or iso(rid.birth_date)
            except InvalidValue as exc:
                errors[p + "id_number"] = exc.message
        values.update(sex=sex, ethnicity=ethnicity, birth_date=birth)
    elif kind == "organisation":
        code = _text(raw, "credit_code")
        if code:
            try:
                values["credit_code"] = str(CreditCode.parse(code))
            except InvalidValue as exc:
                errors[p + "credit_code"] = exc.message
        values["legal_representative"] = _text(raw, "legal_representative")
    if role == "agent":
        values["represents"] = _text(raw, "represents") or None
        authority = _text(raw, "authority")
        if not values["represents"]:
            errors[p + "represents"] = "请选择代理人所代理的当事人。"
        if authority not in AUTHORITIES:
            errors[p + "authority"] = "请选择一般授权或特别授权。"
        values["authority"] = authority if authority in AUTHORITIES else None
        values["authority_document"] = _text(raw, "authority_document")
        if not values["authority_document"]:
            errors[p + "authority_document"] = "请登记授权委托书（名称、日期或编号）。"
    if errors:
        raise ValidationFailed(errors)
    return values


def save_case(
    casefile: CaseFile,
    case_values: Mapping[str, str],
    parties: Sequence[PartyForm],
    *,
    case_id: str | None = None,
    seen: dict[str, str] | None = None,
    removed_party_ids: Sequence[str] = (),
    today: date | None = None,
) -> str:
    """Validate and save a case with its parties in one transaction. Returns the case id."""
    errors: dict[str, str] = {}
    try:
        values = validate_case(case_values, today=today)
    except ValidationFailed as exc:
        errors.update(exc.errors)
        values = {}
    party_values = []
    for i, form in enumerate(parties):
        try:
            party_values.append(validate_party(form.values, prefix=f"party[{i}].", today=today))
        except ValidationFailed as exc:
            errors.update(exc.errors)
            party_values.append({})
    if values.get("case_number"):
        other = queries.find_case_id(casefile.conn, values["case_number"])
        if other and other != case_id:
            errors["case.case_number"] = f"案号{values['case_number']}已存在，不能重复登记。"
    roles = [pv.get("role") for pv in party_values]
    if not errors and "applicant" not in roles:
        errors["parties"] = "至少需要一名申请执行人。"
    if not errors and "debtor" not in roles:
        errors["parties"] = "至少需要一名被执行人。"
    if errors:
        raise ValidationFailed(errors)
    case_id = case_id or uuid7()
    party_ids = [form.party_id or uuid7() for form in parties]
    edits = [Edit("case", values, case_id, seen)]
    for form, pid, pv in zip(parties, party_ids, party_values, strict=True):
        if pv.get("represents", "") and pv["represents"].startswith("#"):
            pv["represents"] = party_ids[int(pv["represents"][1:])]  # a party new in this form
        edits.append(Edit("party", pv | {"case_id": case_id}, pid, form.seen))
    edits.extend(Edit("party", {"deleted": 1}, pid) for pid in removed_party_ids)
    casefile.save(edits)
    return case_id


def load_case(
    casefile: CaseFile, case_id: str, courts: CourtTable | None = None
) -> CaseDetail | None:
    """The case and its (not deleted) parties, with non-blocking warnings (unknown court code)."""
    case = casefile.get("case", case_id)
    if case is None:
        return None
    parties = [casefile.get("party", pid) for pid in queries.party_ids(casefile.conn, case_id)]
    warnings = []
    try:
        number = CaseNumber.parse(case.values["case_number"])
        table = courts or load_courts()
        # Unconfirmed codes are court IT's business (courts.toml); an unknown one is the officer's.
        if not table.is_known(number.court):
            warnings.append(court_warning(number, table) or "")
    except InvalidValue:
        warnings.append("案号格式不规范，请核对。")
    return CaseDetail(case, [p for p in parties if p is not None], warnings)
