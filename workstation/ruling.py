"""The termination ruling (终结本次执行程序 执行裁定书): made only when the law allows it.

Only from a case whose termination check passes (enforcement.readiness at the ruling date), by one
of the two routes of 民诉法解释 第五百一十七条 (2022; 第五百一十九条 before 2022-04-10): the
applicant's signed confirmation, or a collegial panel's review with the president's approval. The
route decides the signature block. The wording comes from resources/templates/ruling/
termination.toml; the facts from the case (amounts from THE outstanding function). An issued
ruling is a frozen journaled `document`; an error in it is put right by a 补正裁定 (a new document
pointing at it); serving it on the applicant closes the case and starts the after-termination
schedule.

No path produces a ruling for a case that is not ready: `draft_ruling`, `issue_ruling` and
`issue_batch` check readiness, and the store calls `guard_new_ruling` for every ruling document
created locally, whoever writes it.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .cases import ValidationFailed, load_case
from .documents import (
    Document,
    Para,
    RightLine,
    Signatures,
    Spacer,
    Title,
    content_hash,
    document_from_json,
    document_to_json,
    render_combined_pdf,
)
from .domain.address import county_level
from .domain.case import SEXES
from .domain.case_number import CaseNumber
from .domain.courts import CourtTable, load_courts
from .domain.dates import body_date, chinese_numeral_date
from .domain.errors import InvalidValue
from .domain.measures import AssetStatus, MeasureKind
from .domain.money import format_ruling_amount
from .domain.readiness import Readiness
from .domain.settings import default_legal_bases
from .enforcement import amount_outstanding, load_record, readiness
from .forms import text, typed_date
from .ids import uuid7
from .store.casefile import CaseFile, Edit
from .store.errors import ChangeRefused
from .templates import TemplateProblem, fill, load_template, template_path

log = logging.getLogger(__name__)

RULING = "ruling"
CORRECTION = "correction"
TEMPLATE_ID = "ruling.termination"
CORRECTION_TEMPLATE_ID = "ruling.correction"

# 民诉法解释 第五百一十七条: the two ways a termination may be approved.
ROUTES = {"applicant_confirmed": "申请执行人签字确认", "collegial": "合议庭审查并经院长批准"}
SOLE_TITLES = ("审判员", "执行员")
MAX_NAME = 20
MAX_PRIOR = 90  # 之一 .. 之九十九 in all, with the program's own rulings
MAX_CORRECTION_TEXT = 200
_NAME_SPLIT = re.compile(r"[、，,；;/\s]+")
_BASIS_COURT = re.compile(r"[（(]\d{4}[)）]([^\d\s]{1,2}\d{2,4})")


_templates: dict[str, tuple[int, dict[str, Any]]] = {}


def _template(template_id: str) -> dict[str, Any]:
    """The ruling template, read again only when its file changed (a batch reads it once)."""
    try:
        stamp = template_path("ruling", template_id).stat().st_mtime_ns
    except OSError:
        stamp = -1
    held = _templates.get(template_id)
    if held is None or held[0] != stamp:
        held = (stamp, load_template("ruling", template_id))
        _templates[template_id] = held
    return held[1]


@functools.cache
def _courts() -> CourtTable:
    return load_courts()


class NotReady(Exception):
    """The termination check does not pass at the ruling date: no ruling may be made.

    `message` (Chinese) lists the unmet conditions; `reasons` has one line per condition.
    """

    def __init__(self, reasons: list[str], readiness: Readiness | None = None) -> None:
        self.reasons = reasons
        self.readiness = readiness
        self.message = "本案尚不能终结本次执行程序，以下条件未满足：" + "".join(
            f"\n{n}．{reason}" for n, reason in enumerate(reasons, 1)
        )
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


def _not_ready(result: Readiness) -> NotReady:
    reasons = []
    for f in result.unmet:
        line = f.title
        if f.detail:
            line += f"：{f.detail}"
        if f.action:
            line += f"（应办：{f.action}）"
        reasons.append(line)
    return NotReady(reasons, result)


# -- the form ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class RulingForm:
    """What the officer chose for one ruling, checked."""

    route: str
    judges: tuple[str, ...]  # one, or the presiding judge and two judges
    judge_title: str  # 审判员 or 执行员 for a sole signatory; 审判长 heads a panel
    clerk: str
    assistant: str
    ruling_date: date
    prior_rulings: int

    def as_raw(self) -> dict[str, str]:
        return {
            "route": self.route,
            "judges": "、".join(self.judges),
            "judge_title": self.judge_title,
            "clerk": self.clerk,
            "assistant": self.assistant,
            "ruling_date": self.ruling_date.isoformat(),
            "prior_rulings": str(self.prior_rulings),
        }


def _case_values(cf: CaseFile, case_id: str) -> dict[str, Any]:
    case = cf.get("case", case_id)
    if case is None or case.values.get("deleted"):
        raise ChangeRefused("案件不存在。", f"no case {case_id}")
    return dict(case.values)


def _interview(cf: CaseFile, case_id: str) -> Any:
    from .interview import current_record  # interview builds on enforcement, as this does

    return current_record(cf, case_id)


def _agrees(held: Any) -> bool:
    return held is not None and held.opinion.startswith("同意")


def ruling_form_defaults(cf: CaseFile, case_id: str, today: date) -> dict[str, str]:
    """The form as first shown: the route the interview suggests, the officer as sole judge,
    today as the ruling date, no rulings made outside the program."""
    case = _case_values(cf, case_id)
    held = _interview(cf, case_id)
    confirmed = _agrees(held) or bool(case.get("applicant_asked_for_termination"))
    return {
        "route": "applicant_confirmed" if confirmed else "collegial",
        "judges": case.get("officer") or cf.officer or "",
        "judge_title": "审判员",
        "clerk": "",
        "assistant": "",
        "ruling_date": today.isoformat(),
        "prior_rulings": "0",
    }


def _names(raw: Mapping[str, Any], key: str) -> list[str]:
    return [n for n in _NAME_SPLIT.split(str(raw.get(key) or "").strip()) if n]


def _name_problem(name: str, what: str) -> str:
    if len(name) > MAX_NAME:
        return f"{what}“{name[:MAX_NAME]}…”过长，请只填写姓名。"
    if any(ch.isdigit() for ch in name):
        return f"{what}“{name}”含有数字，请只填写姓名。"
    return ""


def _read_form(
    cf: CaseFile, case_id: str, raw: Mapping[str, Any], today: date
) -> tuple[dict[str, str], RulingForm | None]:
    case = _case_values(cf, case_id)
    errors: dict[str, str] = {}
    route = text(raw, "route")
    if route not in ROUTES:
        errors["route"] = (
            "请选择终结本次执行程序的方式：申请执行人签字确认，或合议庭审查并经院长批准。"
        )
    judges = _names(raw, "judges")
    judge_title = text(raw, "judge_title") or "审判员"
    if route == "applicant_confirmed":
        if len(judges) != 1:
            errors["judges"] = (
                f"经申请执行人签字确认终本的，由一名审判员或执行员署名，现填写了{len(judges)}人。"
            )
        if judge_title not in SOLE_TITLES:
            errors["judge_title"] = "署名人的职务应为审判员或执行员。"
    elif route == "collegial":
        if len(judges) != 3:
            errors["judges"] = (
                "合议庭审查的，请依次填写审判长和两名审判员共三人，用顿号隔开，"
                f"如“张三、李四、王五”；现填写了{len(judges)}人。"
            )
        judge_title = "审判长"
    if len(set(judges)) != len(judges):
        errors["judges"] = "署名的审判人员有重名，请核对。"
    for name in judges:
        if problem := _name_problem(name, "审判人员姓名"):
            errors["judges"] = problem
    clerk = text(raw, "clerk")
    if not clerk:
        errors["clerk"] = "请填写书记员。"
    elif problem := _name_problem(clerk, "书记员姓名"):
        errors["clerk"] = problem
    elif clerk in judges:
        errors["clerk"] = f"书记员{clerk}不能同时署名为审判人员。"
    assistant = text(raw, "assistant")
    if assistant and (problem := _name_problem(assistant, "法官助理姓名")):
        errors["assistant"] = problem
    elif assistant and (assistant in judges or assistant == clerk):
        errors["assistant"] = f"法官助理{assistant}已作为审判人员或书记员署名，请核对。"
    filing = date.fromisoformat(case["filing_date"])
    ruling_date = typed_date(raw, "ruling_date", errors, today, what="裁定日期", not_before=filing)
    held = _interview(cf, case_id)
    if ruling_date is not None and held is not None and ruling_date < held.interview_date:
        errors["ruling_date"] = (
            f"裁定日期{ruling_date.isoformat()}早于约谈日期"
            f"{held.interview_date.isoformat()}，请核对。"
        )
    if route == "applicant_confirmed" and not case.get("applicant_asked_for_termination"):
        # 签字确认: the applicant agreed in the interview and signed the record.
        if held is None:
            errors["route"] = (
                "没有定稿的约谈笔录，不能以“申请执行人签字确认”的方式终本；"
                "请先约谈申请执行人，或由合议庭审查并经院长批准。"
            )
        elif not _agrees(held):
            errors["route"] = (
                "申请执行人在约谈中不同意终结本次执行程序，不能以“申请执行人签字确认”的方式终本；"
                "请由合议庭审查并经院长批准。"
            )
        elif held.signed_date is None:
            errors["route"] = (
                "约谈笔录尚未登记申请执行人签名日期，不能以“申请执行人签字确认”的方式终本；"
                "请在约谈笔录中登记签名日期，或由合议庭审查并经院长批准。"
            )
        elif (
            ruling_date is not None
            and "ruling_date" not in errors
            and held.signed_date > ruling_date
        ):
            errors["ruling_date"] = (
                f"裁定日期{ruling_date.isoformat()}早于申请执行人签字确认的日期"
                f"{held.signed_date.isoformat()}，请核对。"
            )
    prior_text = text(raw, "prior_rulings") or "0"
    prior = 0
    try:
        prior = int(prior_text)
        if not 0 <= prior <= MAX_PRIOR:
            raise ValueError(prior_text)
    except ValueError:
        errors["prior_rulings"] = (
            f"本案号在程序外已作出的裁定数应为0至{MAX_PRIOR}之间的整数（没有则填0）。"
        )
    court = _court_name(case)
    if not court:
        errors["court"] = (
            f"法院代字“{case.get('court_code') or ''}”不在法院代码表中，"
            "无法确定裁定书上的法院名称。"
            "请在案件信息中核对法院代字，或请法院信息技术人员补充 courts.toml。"
        )
    if errors:
        return errors, None
    assert ruling_date is not None
    form = RulingForm(route, tuple(judges), judge_title, clerk, assistant, ruling_date, prior)
    return {}, form


def check_form(cf: CaseFile, case_id: str, raw: Mapping[str, str], today: date) -> dict[str, str]:
    """Everything wrong with the form, as {field: Chinese message}; {} when it may be used."""
    return _read_form(cf, case_id, raw, today)[0]


# -- facts from the case ------------------------------------------------------------------------
def _court_name(case: Mapping[str, Any]) -> str:
    code = case.get("court_code") or ""
    if not code:
        try:
            code = CaseNumber.parse(case["case_number"]).court
        except InvalidValue:
            return ""
    court = _courts().get(code)
    return court.name if court else ""


def _basis_issuer(case: Mapping[str, Any], court_name: str, court_code: str) -> str:
    """Who made the judgment enforced: as recorded; 本院 when it is this court."""
    issuer = (case.get("basis_court") or "").strip()
    if issuer and issuer != court_name:
        return issuer
    if issuer == court_name:
        return "本院"
    match = _BASIS_COURT.search(case.get("basis_number") or "")
    if match and match.group(1) == court_code:
        return "本院"
    return ""


def _representative(text_: str) -> tuple[str, str]:
    """法定代表人 as recorded: "张三", "张三，总经理" or "张三（总经理）" -> (name, position)."""
    value = text_.strip()
    match = re.fullmatch(r"(.+?)[（(](.+)[)）]", value)
    if match:
        return match.group(1).strip(), match.group(2).strip()
    name, _, position = value.partition("，")
    return name.strip(), position.strip()


def _workplace(address: str) -> str:
    return address if re.search(r"(律师事务所|法律服务所|法律援助中心)$", address) else ""


def _party_facts(p: Mapping[str, Any], role: str) -> dict[str, Any]:
    address = (p.get("address") or "").strip()
    birth = p.get("birth_date")
    representative, position = _representative(p.get("legal_representative") or "")
    return {
        "role": role,
        "kind": p["kind"],
        "name": p["name"],
        "sex": SEXES.get(p.get("sex") or "", ""),
        "ethnicity": p.get("ethnicity") or "",
        "birth_date": body_date(date.fromisoformat(birth)) if birth else "",
        "residence": county_level(address) if p["kind"] == "person" else "",
        "seat": address if p["kind"] != "person" else "",
        "representative": representative,
        "position": position,
        "workplace": _workplace(address),
    }


def _parties(cf: CaseFile, case_id: str) -> list[dict[str, Any]]:
    """Applicants then debtors, each followed by its agents, as the paragraphs print."""
    detail = load_case(cf, case_id, _courts())
    assert detail is not None
    rows = [dict(p.values) | {"id": p.id} for p in detail.parties]
    out: list[dict[str, Any]] = []
    for role, label in (("applicant", "申请执行人"), ("debtor", "被执行人")):
        for p in rows:
            if p["role"] != role:
                continue
            out.append(_party_facts(p, label))
            for agent in rows:
                if agent["role"] == "agent" and agent.get("represents") == p["id"]:
                    out.append(_party_facts(agent, "委托诉讼代理人") | {"agent": True})
    return out


def _measure_items(record: Any, ruling_date: date, actions: Mapping[str, str]) -> list[dict]:
    """The measures up to the ruling date, in date order; one day's online inquiries of one
    debtor are one item (as the inquiry system sends them)."""
    names = {d.id: d.name for d in record.debtors}
    everyone = "被执行人" + "、".join(d.name for d in record.debtors)
    measures = sorted(
        (m for m in record.measures if m.date <= ruling_date), key=lambda m: (m.date, m.kind.value)
    )
    items: list[dict[str, Any]] = []
    inquiries: dict[tuple[date, str], dict[str, Any]] = {}
    for m in measures:
        debtor = f"被执行人{names[m.debtor_id]}" if m.debtor_id in names else everyone
        if m.kind is MeasureKind.ONLINE_INQUIRY:
            key = (m.date, m.debtor_id)
            group = inquiries.get(key)
            if group is None:
                group = {"date": m.date, "debtor": debtor, "measures": []}
                inquiries[key] = group
                items.append(group)
            group["measures"].append(m)
            continue
        items.append({"date": m.date, "debtor": debtor, "measure": m})
    out = []
    for n, item in enumerate(items, 1):
        if "measures" in item:
            group = item["measures"]
            channels = "、".join(dict.fromkeys(m.channel.label for m in group if m.channel))
            found = "、".join(
                dict.fromkeys(m.channel.label for m in group if m.channel and m.property_found)
            )
            if found:
                result = f"查询到{found}"
            elif all(m.property_found is False for m in group):
                result = "未发现可供执行的财产"
            else:
                result = "；".join(dict.fromkeys(m.result.strip("。 ") for m in group if m.result))
            kind = MeasureKind.ONLINE_INQUIRY.value
            names_ = {"debtor": item["debtor"], "channels": channels}
        else:
            m = item["measure"]
            result = m.result.strip().rstrip("。；;")
            kind = m.kind.value
            names_ = {"debtor": item["debtor"], "channels": ""}
        wording = actions.get(kind)
        action = fill(wording, names_, where=f"执行措施“{kind}”") if wording else kind
        if result.removeprefix("已") in action:
            result = ""  # 已发出限制消费令 after 发出限制消费令 says nothing new
        out.append(
            {
                "number": _chinese_ordinal(n),
                "date": body_date(item["date"]),
                "action": action,
                "result": result,
            }
        )
    return out


def _chinese_ordinal(n: int) -> str:
    from .domain.dates import chinese_number

    return chinese_number(n) if n < 100 else str(n)


def _pick_by_date(rows: Sequence[Mapping[str, Any]], day: date, where: str) -> str:
    """The code of the last row whose `from` is on or before `day` (a date table in a template)."""
    chosen = ""
    for row in sorted(rows, key=lambda r: r["from"]):
        if not isinstance(row.get("from"), date) or not isinstance(row.get("code"), str):
            raise TemplateProblem(
                f"裁定书模板中“{where}”的每一行应有日期 from 和条文编号 code。",
                f"ruling template {where}: bad row {row!r}",
            )
        if row["from"] <= day:
            chosen = row["code"]
    if not chosen:
        raise TemplateProblem(
            f"裁定书模板中“{where}”没有适用于{day.isoformat()}的条文。请联系法院信息技术人员。",
            f"ruling template {where}: nothing from before {day}",
        )
    return chosen


def _citation(code: str) -> str:
    basis = default_legal_bases().get(code)
    if basis is None:
        raise TemplateProblem(
            f"法律依据表 legal-bases.toml 中缺少条文“{code}”。请联系法院信息技术人员补充。",
            f"legal basis {code} missing",
        )
    return basis.citation


def ruling_facts(cf: CaseFile, case_id: str, form: RulingForm) -> dict[str, Any]:
    """Everything the ruling says about the case, as template names (amounts from THE
    outstanding function at the ruling date, dates in the body style 2020年11月30日)."""
    template = _template(TEMPLATE_ID)
    record = load_record(cf, case_id)
    c = record.case
    day = form.ruling_date
    owed = amount_outstanding(record, day)
    court_name = _court_name(c)
    court_code = c.get("court_code") or CaseNumber.parse(c["case_number"]).court
    held = _interview(cf, case_id)
    clues = ""
    if held is not None:
        data = json.loads(cf.get("document", held.id).values["data"] or "{}")
        clues = data.get("answers", {}).get("new_clues", "")
    basis_code = _pick_by_date(template.get("legal_basis", []), day, "legal_basis")
    remedy = template.get("remedy", {})
    remedy_code = (
        _pick_by_date(remedy.get("basis", []), day, "remedy.basis") if remedy.get("enabled") else ""
    )
    assets = [
        {"description": a.description, "status": a.status.label, "reason": a.cannot_dispose_reason}
        for a in record.assets
    ]
    return {
        "court_name": court_name,
        "case_number": c["case_number"],
        "number": str(_number(cf, case_id, form.prior_rulings)),
        "cause": c.get("cause") or "",
        "filing_date": body_date(date.fromisoformat(c["filing_date"])),
        "applicants": "、".join(p.name for p in record.applicants) or "申请执行人",
        "debtors": "、".join(p.name for p in record.debtors) or "被执行人",
        "parties": _parties(cf, case_id),
        "basis_issuer": _basis_issuer(c, court_name, court_code),
        "basis_number": c.get("basis_number") or "",
        "basis_kind": c.get("basis_kind") or "法律文书",
        "principal": format_ruling_amount(c["principal"]),
        "interest": format_ruling_amount(c["interest"]) if c["interest"] else "",
        "interest_terms": c.get("interest_terms") or "",
        "claim": format_ruling_amount(owed.claim),
        "enforcement_fee": format_ruling_amount(owed.enforcement_fee)
        if owed.enforcement_fee
        else "",
        "measures": _measure_items(record, day, template.get("actions", {})),
        "assets": assets,
        "cannot_dispose": any(a.status is AssetStatus.CANNOT_DISPOSE for a in record.assets),
        "recovered": format_ruling_amount(owed.recovered),
        "outstanding": format_ruling_amount(owed.amount),
        "outstanding_fen": owed.amount,
        "delay_interest": format_ruling_amount(owed.delay_interest),
        "delay_interest_fen": owed.delay_interest,
        "interview_date": body_date(held.interview_date) if held is not None else "",
        "opinion": (held.opinion if held is not None else ""),
        "clues": clues,
        "applicant_asked": bool(c.get("applicant_asked_for_termination")),
        "route": form.route,
        "route_text": template.get("routes", {}).get(form.route, ROUTES[form.route]),
        "basis_code": basis_code,
        "basis": _citation(basis_code),
        "remedy_basis": _citation(remedy_code) if remedy_code else "",
        "ruling_date": body_date(day),
        "signed_on": chinese_numeral_date(day),
    }


# -- numbering ----------------------------------------------------------------------------------
def _made_here(cf: CaseFile, case_id: str) -> int:
    return cf.conn.execute(
        "SELECT count(*) FROM documents WHERE case_id = ? AND kind IN (?, ?) AND deleted = 0",
        (case_id, RULING, CORRECTION),
    ).fetchone()[0]


def _number(cf: CaseFile, case_id: str, prior_rulings: int) -> CaseNumber:
    """The case number with 之一, 之二 … when rulings of this number were made before
    (by the program, or outside it as the officer tells)."""
    case = _case_values(cf, case_id)
    base = CaseNumber.parse(case["case_number"]).with_suffix(0)
    return base.with_suffix(_made_here(cf, case_id) + prior_rulings)


# -- the document ---------------------------------------------------------------------------------
def _signature_lines(template: Mapping[str, Any], form: RulingForm, day: date) -> list[tuple]:
    sig = template.get("signatures", {})
    titles = sig.get("titles", {})
    line = sig.get("line", "{{ title }}　{{ name }}")

    def one(title: str, name: str) -> str:
        return fill(line, {"title": titles.get(title, title), "name": name}, where="署名")

    if form.route == "collegial":
        judges = [one("审判长", form.judges[0]), *(one("审判员", n) for n in form.judges[1:])]
    else:
        judges = [one(form.judge_title, form.judges[0])]
    staff = []
    if form.assistant:
        staff.append(one("法官助理", form.assistant))
    staff.append(one("书记员", form.clerk))
    return [tuple(judges), (chinese_numeral_date(day),), tuple(staff)]


def _signature_blocks(template: Mapping[str, Any], form: RulingForm, day: date) -> list[Any]:
    """Judges and the date, the copy note at the left, then 法官助理 and 书记员 — the two
    right-aligned blocks padded to one width so their lines start at the same place."""
    judges, dated, staff = _signature_lines(template, form, day)
    note = template.get("signatures", {}).get("copy_note", "")
    first = (*judges, "", *dated)
    if not note:
        return [Spacer(1), Signatures((*first, "", *staff))]
    width = max(len(line) for line in (*first, *staff))
    pad = tuple(line + "　" * (width - len(line)) for line in staff)
    return [Spacer(1), Signatures(first), Para(note, indent=False), Signatures(pad)]


def _heading(template: Mapping[str, Any], facts: Mapping[str, Any], number: str) -> list[Any]:
    return [
        Title(facts["court_name"], template.get("court_name_size", "二号"), font="song"),
        Title(template.get("title", "执行裁定书"), template.get("title_size", "一号")),
        RightLine(number),
    ]


def _party_paras(template: Mapping[str, Any], parties: Iterable[Mapping[str, Any]]) -> list[Para]:
    t = template.get("parties", {})
    out = []
    for p in parties:
        if p.get("agent"):
            out.append(Para(fill(t["agent"], dict(p), where="委托诉讼代理人")))
        elif p["kind"] == "person":
            out.append(Para(fill(t["person"], dict(p), where="当事人（自然人）")))
        else:
            out.append(Para(fill(t["organisation"], dict(p), where="当事人（单位）")))
            if p.get("representative"):
                out.append(Para(fill(t["representative"], dict(p), where="法定代表人")))
    return out


def build_ruling(
    template: Mapping[str, Any], facts: Mapping[str, Any], form: RulingForm
) -> Document:
    """The ruling exactly as it prints, from the template and the facts."""
    texts = template.get("texts", {})

    def para(key: str) -> Para:
        return Para(fill(texts[key], dict(facts), where=key))

    blocks: list[Any] = [*_heading(template, facts, facts["number"])]
    blocks += _party_paras(template, facts["parties"])
    blocks += [para("judgment"), para("measures"), para("property"), para("amounts")]
    if facts["interview_date"]:
        blocks.append(para("interview"))
    elif facts["applicant_asked"]:
        blocks.append(para("applicant_request"))
    blocks += [para("reasoning"), para("order"), para("rights"), para("effect")]
    remedy = template.get("remedy", {})
    if remedy.get("enabled"):
        blocks.append(
            Para(fill(remedy["text"], dict(facts) | {"basis": facts["remedy_basis"]}, where="救济"))
        )
    blocks += _signature_blocks(template, form, form.ruling_date)
    return Document(
        blocks=tuple(blocks),
        kind=RULING,
        page_numbers=template.get("page_numbers", "- {page} -"),
    )


# -- drafting and issuing -----------------------------------------------------------------------
def _existing_ruling(cf: CaseFile, case_id: str) -> RulingRecord | None:
    found = [r for r in rulings(cf, case_id) if r.kind == RULING]
    return found[-1] if found else None


def _prepare(
    cf: CaseFile, case_id: str, raw: Mapping[str, Any], today: date
) -> tuple[RulingForm, Mapping[str, Any], dict[str, Any], Document]:
    """The checks every path makes, then the document: ValidationFailed, NotReady or
    ChangeRefused (a ruling is already issued), never a ruling for a case that is not ready."""
    case = _case_values(cf, case_id)
    held = _existing_ruling(cf, case_id)
    if held is not None:
        raise ChangeRefused(
            f"本案已于{body_date(held.ruling_date)}作出终结本次执行程序裁定（{held.number}），"
            "不能重复作出。裁定有误的，请作出补正裁定。",
            f"case {case_id} already has ruling {held.id}",
        )
    errors, form = _read_form(cf, case_id, raw, today)
    if case.get("status") == "closed":
        raise NotReady(
            [f"本案已结案（{case.get('closing_date') or '结案日期未登记'}），不能再作出终本裁定"]
        )
    # What the law still requires comes before what was mistyped: checked at the ruling date
    # when it could be read, else today.
    result = readiness(cf, case_id, form.ruling_date if form is not None else today)
    if not result.ready:
        raise _not_ready(result)
    if errors:
        raise ValidationFailed(errors)
    assert form is not None
    template = _template(TEMPLATE_ID)
    facts = ruling_facts(cf, case_id, form)
    return form, template, facts, build_ruling(template, facts, form)


def draft_ruling(cf: CaseFile, case_id: str, raw: Mapping[str, Any], today: date) -> Document:
    """The ruling as it would be issued now, for the preview. Raises NotReady when the termination
    check does not pass at the ruling date, ValidationFailed for bad form values."""
    return _prepare(cf, case_id, raw, today)[3]


def issue_ruling(cf: CaseFile, case_id: str, raw: Mapping[str, Any], today: date) -> str:
    """Check as `draft_ruling`, then save the ruling as a frozen journaled document; its id."""
    form, template, facts, document = _prepare(cf, case_id, raw, today)
    doc_id = uuid7()
    data = {
        "ruling_date": form.ruling_date.isoformat(),
        "route": form.route,
        "form": form.as_raw(),
        "facts": facts,
    }
    cf.save(
        [
            Edit(
                "document",
                {
                    "case_id": case_id,
                    "kind": RULING,
                    "number": facts["number"],
                    "route": form.route,
                    "template_id": template["id"],
                    "template_version": template["version"],
                    "content": document_to_json(document),
                    "content_hash": content_hash(document),
                    "data": json.dumps(data, ensure_ascii=False, sort_keys=True),
                    "finalised_at": datetime.now().strftime("%Y-%m-%d %H:%M"),
                },
                record_id=doc_id,
            )
        ]
    )
    log.info("ruling %s issued on case %s (%s)", doc_id, case_id, facts["number"])
    return doc_id


def guard_new_ruling(cf: CaseFile, record_id: str, values: Mapping[str, Any]) -> None:
    """Called by the store for every ruling document created locally, however it was written:
    refuses one that `issue_ruling` would not have made (no ruling date or route in its data,
    or a case the termination check does not pass at that date)."""
    if values.get("kind") != RULING:
        return
    case_id = values.get("case_id") or ""
    try:
        data = json.loads(values.get("data") or "{}")
        day = date.fromisoformat(data["ruling_date"])
        route = data["route"]
    except (ValueError, KeyError, TypeError):
        raise ChangeRefused(
            "终结本次执行程序裁定只能通过“作出终本裁定”功能制作，未保存。",
            f"ruling {record_id} without ruling_date/route in its data",
        ) from None
    if route not in ROUTES or values.get("route") != route:
        raise ChangeRefused(
            "终本裁定的审批方式不合规定，未保存。", f"ruling {record_id}: route {route!r}"
        )
    if day > date.today():
        raise ChangeRefused(
            f"裁定日期{day.isoformat()}晚于今天，未保存。", f"ruling {record_id} dated {day}"
        )
    case = cf.get("case", case_id)
    if case is None:
        raise ChangeRefused("案件不存在，裁定未保存。", f"ruling {record_id}: no case {case_id}")
    if case.values.get("status") == "closed":
        raise ChangeRefused(
            "本案已结案，不能再作出终本裁定，未保存。", f"ruling {record_id}: case closed"
        )
    result = readiness(cf, case_id, day)
    if not result.ready:
        refused = _not_ready(result)
        raise ChangeRefused(
            refused.message + "\n裁定未保存。", f"ruling {record_id}: case {case_id} not ready"
        )


# -- after issuing --------------------------------------------------------------------------------
@dataclass(frozen=True)
class RulingRecord:
    id: str
    case_id: str
    kind: str  # "ruling" or "correction"
    number: str
    route: str
    ruling_date: date
    served_date: date | None
    corrects: str | None
    document: Document


def ruling_record(cf: CaseFile, doc_id: str) -> RulingRecord:
    doc = cf.get("document", doc_id)
    if doc is None or doc.values["kind"] not in (RULING, CORRECTION):
        raise ChangeRefused("裁定书不存在。", f"no ruling {doc_id}")
    v = doc.values
    data = json.loads(v["data"] or "{}")
    return RulingRecord(
        id=doc_id,
        case_id=v["case_id"],
        kind=v["kind"],
        number=v["number"] or "",
        route=v["route"] or "",
        ruling_date=date.fromisoformat(data["ruling_date"]),
        served_date=date.fromisoformat(v["served_date"]) if v["served_date"] else None,
        corrects=v["corrects"],
        document=document_from_json(v["content"]),
    )


def rulings(cf: CaseFile, case_id: str) -> list[RulingRecord]:
    """The case's rulings and corrections, oldest first."""
    return [
        ruling_record(cf, doc_id)
        for (doc_id,) in cf.conn.execute(
            "SELECT id FROM documents WHERE case_id = ? AND kind IN (?, ?) AND deleted = 0 "
            "ORDER BY n",
            (case_id, RULING, CORRECTION),
        )
    ]


def record_served(cf: CaseFile, ruling_id: str, raw: Mapping[str, Any], today: date) -> None:
    """The ruling was served on the applicant on the day typed: recorded on the ruling, and the
    case closed as 终结本次执行程序 on that day (法〔2016〕373号: the case may be closed once the
    ruling is served), which starts the after-termination schedule — one save."""
    held = ruling_record(cf, ruling_id)
    if held.kind != RULING:
        raise ChangeRefused("补正裁定不单独登记送达结案。", f"{ruling_id} is a correction")
    if held.served_date is not None:
        raise ChangeRefused(
            f"该裁定已登记于{held.served_date.isoformat()}送达。", f"{ruling_id} already served"
        )
    errors: dict[str, str] = {}
    served = typed_date(
        raw,
        "served_date",
        errors,
        today,
        what="送达日期",
        not_before=held.ruling_date,
        not_before_what="裁定日期",
    )
    if errors:
        raise ValidationFailed(errors)
    assert served is not None
    day = served.isoformat()
    cf.save(
        [
            Edit("document", {"served_date": day}, record_id=ruling_id),
            Edit(
                "case",
                {
                    "status": "closed",
                    "closing_method": "termination",
                    "closing_date": day,
                    "termination_date": day,
                },
                record_id=held.case_id,
            ),
        ]
    )
    log.info("ruling %s served %s; case %s closed", ruling_id, day, held.case_id)


def issue_correction(cf: CaseFile, ruling_id: str, raw: Mapping[str, Any], today: date) -> str:
    """A 补正裁定 for a clerical error in an issued ruling: a new frozen document with its own
    number, pointing at the ruling. `raw`: wrong, right, ruling_date, and the signatories as for
    the ruling (missing ones are taken from the ruling). Returns its id."""
    held = ruling_record(cf, ruling_id)
    if held.kind != RULING:
        raise ChangeRefused("只能补正终本裁定本身。", f"{ruling_id} is not a ruling")
    old = json.loads(cf.get("document", ruling_id).values["data"])
    merged = dict(old["form"]) | {k: v for k, v in raw.items() if v not in (None, "")}
    errors: dict[str, str] = {}
    wrong = str(raw.get("wrong") or "").strip()
    right = str(raw.get("right") or "").strip()
    if not wrong:
        errors["wrong"] = "请填写原裁定中有误的文字。"
    elif wrong not in held.document.text():
        errors["wrong"] = f"原裁定中没有“{wrong[:30]}”这段文字，请按原裁定照录。"
    if not right:
        errors["right"] = "请填写更正后的文字。"
    elif right == wrong:
        errors["right"] = "更正后的文字与原文相同。"
    for key, value in (("wrong", wrong), ("right", right)):
        if len(value) > MAX_CORRECTION_TEXT:
            errors[key] = f"内容过长（{len(value)}字），请精简到{MAX_CORRECTION_TEXT}字以内。"
    form_errors, form = _read_form(cf, held.case_id, merged, today)
    # the case may be closed by now; only the signatories and the date matter here
    for key in ("route", "judges", "judge_title", "clerk", "assistant", "ruling_date"):
        if key in form_errors:
            errors[key] = form_errors[key]
    if form is not None and form.ruling_date < held.ruling_date:
        errors["ruling_date"] = (
            f"补正裁定的日期{form.ruling_date.isoformat()}早于原裁定日期"
            f"{held.ruling_date.isoformat()}，请核对。"
        )
    if errors or form is None:
        raise ValidationFailed(errors or form_errors)
    template = _template(CORRECTION_TEMPLATE_ID)
    prior = int(old["form"].get("prior_rulings") or 0)
    number = str(_number(cf, held.case_id, prior))
    facts = old["facts"]
    blocks: list[Any] = [*_heading(template, facts, number)]
    blocks += _party_paras(_template(TEMPLATE_ID), facts["parties"])
    names = {
        "ruling_date": body_date(held.ruling_date),
        "ruling_number": held.number,
        "wrong": wrong,
        "right": right,
    }
    blocks.append(Para(fill(template["text"], names, where="补正")))
    blocks += _signature_blocks(template, form, form.ruling_date)
    document = Document(
        blocks=tuple(blocks),
        kind=CORRECTION,
        page_numbers=template.get("page_numbers", "- {page} -"),
    )
    doc_id = uuid7()
    data = {
        "ruling_date": form.ruling_date.isoformat(),
        "route": form.route,
        "form": form.as_raw(),
        "wrong": wrong,
        "right": right,
    }
    cf.save(
        [
            Edit(
                "document",
                {
                    "case_id": held.case_id,
                    "kind": CORRECTION,
                    "number": number,
                    "route": form.route,
                    "template_id": template["id"],
                    "template_version": template["version"],
                    "content": document_to_json(document),
                    "content_hash": content_hash(document),
                    "data": json.dumps(data, ensure_ascii=False, sort_keys=True),
                    "finalised_at": datetime.now().strftime("%Y-%m-%d %H:%M"),
                    "corrects": ruling_id,
                },
                record_id=doc_id,
            )
        ]
    )
    log.info("correction %s of ruling %s (%s)", doc_id, ruling_id, number)
    return doc_id


# -- batch ----------------------------------------------------------------------------------------
@dataclass
class BatchResult:
    issued: list[tuple[str, str]] = field(default_factory=list)  # (case_id, doc_id)
    refused: list[tuple[str, str, str]] = field(default_factory=list)  # (case_id, number, why)
    # cases that already had a ruling: (case_id, doc_id of that ruling), to print it again
    already: list[tuple[str, str]] = field(default_factory=list)
    cancelled: bool = False


def issue_batch(
    cf: CaseFile,
    case_ids: Sequence[str],
    raw_defaults: Mapping[str, Any],
    today: date,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> BatchResult:
    """Issue the rulings of several cases with the same signatories and date. A case that is not
    ready, or whose form values do not fit it, is listed in `refused` with the reason (never
    skipped silently); one that already has a ruling is listed in `already`. Stops between
    cases when `cancelled()` says so."""
    result = BatchResult()
    total = len(case_ids)
    for n, case_id in enumerate(case_ids):
        if cancelled is not None and cancelled():
            result.cancelled = True
            break
        number = ""
        try:
            number = _case_values(cf, case_id)["case_number"]
            existing = _existing_ruling(cf, case_id)
            if existing is not None:
                result.already.append((case_id, existing.id))
            else:
                raw = ruling_form_defaults(cf, case_id, today) | dict(raw_defaults)
                result.issued.append((case_id, issue_ruling(cf, case_id, raw, today)))
        except NotReady as exc:
            result.refused.append((case_id, number, exc.message))
        except ValidationFailed as exc:
            result.refused.append((case_id, number, "填写有误：" + "；".join(exc.errors.values())))
        except (ChangeRefused, TemplateProblem) as exc:
            result.refused.append((case_id, number, exc.message))
        if progress is not None:
            progress(n + 1, total)
    return result


def combined_pdf(cf: CaseFile, doc_ids: Sequence[str], path: Path | None = None) -> bytes:
    """The rulings as one PDF for batch printing (each numbers its own pages)."""
    return render_combined_pdf([ruling_record(cf, d).document for d in doc_ids], path)


# -- for the publication copy ---------------------------------------------------------------------
def public_inputs(cf: CaseFile, case_id: str) -> dict[str, Any]:
    """What the publication copy (workstation.redaction.public_copy) needs to know about the
    case (法释〔2016〕19号):

    persons: natural persons named in the case [{name, ethnicity, foreign, role}] (role:
      applicant, debtor, agent, legal_representative);
    organisations: names of the organisations that are parties;
    sensitive: the case's exact ID numbers, phone numbers, bank accounts (funds.account) and
      asset identifiers other than certificates (plates, account numbers), longest first;
    addresses: natural persons' addresses on file (parties, field-visit places): the redaction
      keeps their county-level part (`county_level` here maps each to it);
    certificates: asset identifiers that are certificate numbers (权属证书 …);
    keep: what is never changed: the court's name, the officer, and the signatories of the
      case's rulings;
    sensitive_by_kind: every value above by kind (id_numbers, phones, accounts, identifiers,
      addresses, certificates), for review screens.
    """
    detail = load_case(cf, case_id, _courts())
    if detail is None:
        raise ChangeRefused("案件不存在。", f"no case {case_id}")
    persons: list[dict[str, Any]] = []
    organisations: list[str] = []
    by_kind: dict[str, list[str]] = {
        "id_numbers": [],
        "phones": [],
        "accounts": [],
        "identifiers": [],
        "addresses": [],
        "certificates": [],
    }
    for p in (dict(r.values) for r in detail.parties):
        if p["kind"] == "person":
            persons.append(
                {
                    "name": p["name"],
                    "ethnicity": p.get("ethnicity") or "",
                    "foreign": _foreign(p),
                    "role": p["role"],
                }
            )
        else:
            organisations.append(p["name"])
            representative = _representative(p.get("legal_representative") or "")[0]
            if representative:
                persons.append(
                    {
                        "name": representative,
                        "ethnicity": "",
                        "foreign": bool(re.search(r"[A-Za-z]", representative)),
                        "role": "legal_representative",
                    }
                )
        for key, kind in (("id_number", "id_numbers"), ("phone", "phones")):
            if value := (p.get(key) or "").strip():
                by_kind[kind].append(value)
        address = (p.get("address") or "").strip()
        # an organisation's seat and an agent's law firm are not personal addresses
        if address and p["kind"] == "person" and not _workplace(address):
            by_kind["addresses"].append(address)
    record = load_record(cf, case_id)
    for (account,) in cf.conn.execute(
        "SELECT account FROM funds WHERE case_id = ? AND deleted = 0 AND account != ''", (case_id,)
    ):
        by_kind["accounts"].append(account.strip())
    for asset in record.assets:
        for identifier in asset.identifiers:
            if value := identifier.value.strip():
                certificate = "证" in identifier.kind and "号" in identifier.kind
                by_kind["certificates" if certificate else "identifiers"].append(value)
    for visit in record.visits:
        if (place := (visit.get("place") or "").strip()) and county_level(place) != place:
            by_kind["addresses"].append(place)
    by_kind = {k: list(dict.fromkeys(v)) for k, v in by_kind.items()}
    sensitive = sorted(
        {v for k in ("id_numbers", "phones", "accounts", "identifiers") for v in by_kind[k]},
        key=lambda v: (-len(v), v),
    )
    case = detail.case.values
    keep = [_court_name(case), case.get("officer") or ""]
    for held in rulings(cf, case_id):
        form = json.loads(cf.get("document", held.id).values["data"] or "{}").get("form", {})
        keep += [*_names(form, "judges"), form.get("clerk", ""), form.get("assistant", "")]
    return {
        "persons": persons,
        "organisations": list(dict.fromkeys(organisations)),
        "sensitive": sensitive,
        "addresses": by_kind["addresses"],
        "certificates": by_kind["certificates"],
        "keep": [k for k in dict.fromkeys(keep) if k],
        "sensitive_by_kind": by_kind,
        "county_level": {a: county_level(a) for a in by_kind["addresses"]},
    }


def _foreign(p: Mapping[str, Any]) -> bool:
    """A foreign national: a name in Latin letters, or an ethnicity field naming a nationality."""
    ethnicity = p.get("ethnicity") or ""
    return (
        bool(re.search(r"[A-Za-z]", p["name"]))
        or ethnicity.endswith("国籍")
        or ("外国" in ethnicity and ethnicity != "外国血统中国籍人士")
    )
