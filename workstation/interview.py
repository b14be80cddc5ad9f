"""The termination interview (终本约谈): a guided record, printed for signature.

Before the procedure may be ended the officer tells the applicant what was done and found, the
basis and consequences of ending it, and records the applicant's opinion (法〔2016〕373号 第五条;
reference §2.5). The wording comes from a template in resources/templates/interview/; the facts
from the case. Work in progress is a draft (store/drafts.py) saved on every change; finalising it
makes a journaled `document` whose content is fixed, with its hash; new property clues given in
the interview become clues to verify in the case.
"""

import functools
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .cases import ValidationFailed, load_case
from .documents import (
    Document,
    KeyValueTable,
    Para,
    Signatures,
    Spacer,
    Title,
    content_hash,
    document_from_json,
    document_to_json,
)
from .domain.case import PARTY_ROLES
from .domain.courts import load_courts
from .domain.dates import body_date
from .domain.measures import TRADITIONAL_INQUIRIES, ClueStatus, MeasureKind
from .domain.money import format_ruling_amount
from .enforcement import amount_outstanding, load_record
from .forms import long_text, text, typed_date
from .ids import uuid7
from .store.casefile import CaseFile, Edit
from .store.drafts import Draft, delete_draft, drafts, load_draft, save_draft
from .store.errors import ChangeRefused
from .templates import TemplateProblem, fill, load_template

log = logging.getLogger(__name__)

KIND = "interview_record"
DEFAULT_TEMPLATE = "interview.default"
MAX_TEXT = 2000

# 约谈方式: face to face in principle; phone, video and messages allowed (reference §2.5 [P]).
METHODS = {
    "in_person": "当面约谈",
    "phone": "电话约谈",
    "video": "视频约谈",
    "message": "短信、微信等",
}
OPINIONS = {"agrees": "同意终结本次执行程序", "disagrees": "不同意终结本次执行程序"}
PAGES = ("header", "notices", "questions", "turns", "opinion", "review")
PAGE_LABELS = {
    "header": "首部",
    "notices": "告知事项",
    "questions": "询问",
    "turns": "其他问答",
    "opinion": "申请执行人意见",
    "review": "核对全文",
}
_TIME = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)$")


# -- facts from the case ----------------------------------------------------------------------
def interview_facts(cf: CaseFile, case_id: str, today: date) -> dict[str, Any]:
    """What the notices say about this case, as template names (amounts from THE outstanding
    function, dates in the body style 2026年3月5日)."""
    record = load_record(cf, case_id)
    c = record.case
    owed = amount_outstanding(record, today)
    online = [m for m in record.measures if m.kind is MeasureKind.ONLINE_INQUIRY]
    channels = list(dict.fromkeys(m.channel.label for m in online if m.channel))
    found = list(dict.fromkeys(m.channel.label for m in online if m.channel and m.property_found))
    traditional = list(
        dict.fromkeys(m.kind.label for m in record.measures if m.kind in TRADITIONAL_INQUIRIES)
    )
    basis = "".join(
        part for part in (c.get("basis_court"), c.get("basis_number"), c.get("basis_kind")) if part
    )
    return {
        "court_name": load_courts().name(c.get("court_code") or ""),
        "case_number": c["case_number"],
        "cause": c.get("cause") or "",
        "filing_date": body_date(date.fromisoformat(c["filing_date"])),
        "basis": basis or "生效法律文书",
        "applicants": "、".join(p.name for p in record.applicants) or "申请执行人",
        "debtors": "、".join(p.name for p in record.debtors) or "被执行人",
        "claim": format_ruling_amount(owed.claim),
        "enforcement_fee": format_ruling_amount(owed.enforcement_fee)
        if owed.enforcement_fee
        else "",
        "measures": [
            {
                "date": body_date(m.date),
                "label": m.kind.label + (f"（{m.channel.label}）" if m.channel else ""),
                "result": m.result,
            }
            for m in sorted(record.measures, key=lambda m: m.date)
        ],
        "online_channels": "、".join(channels) or "财产",
        "online_found": "、".join(found),
        "traditional": "、".join(traditional),
        "assets": [
            {
                "description": a.description,
                "status": a.status.label,
                "reason": a.cannot_dispose_reason,
            }
            for a in record.assets
        ],
        "recovered": format_ruling_amount(owed.recovered),
        "outstanding": format_ruling_amount(owed.amount),
        "delay_interest": format_ruling_amount(owed.delay_interest),
        "today": body_date(today),
    }


# -- drafts -----------------------------------------------------------------------------------
def start_draft(
    cf: CaseFile,
    case_id: str,
    *,
    template_id: str = DEFAULT_TEMPLATE,
    officer: str = "",
    corrects: str = "",
    data: Mapping[str, Any] | None = None,
) -> Draft:
    """A new interview draft on the case, holding a copy of the template it starts with."""
    if cf.get("case", case_id) is None:
        raise ChangeRefused("案件不存在，无法开始约谈。", f"no case {case_id}")
    template = load_template("interview", template_id)
    answers = {
        "header": {"officer": officer, "method": "in_person"},
        "notices_read": [],
        "answers": {},
        "clues": [],
        "turns": [],
        "opinion": {"choice": "", "reasons": ""},
        "corrects": corrects,
    } | dict(data or {})
    draft = Draft(
        id=uuid7(),
        case_id=case_id,
        kind=KIND,
        template_id=template["id"],
        template_version=template["version"],
        page=PAGES[0],
        data=answers | {"template": template},
    )
    save_draft(cf.conn, draft)
    return draft


def save(cf: CaseFile, draft: Draft) -> None:
    """Save the draft as it is now (called on every change in the wizard)."""
    save_draft(cf.conn, draft)


def open_draft(cf: CaseFile, case_id: str) -> Draft | None:
    """The case's interview draft in progress, if any (newest)."""
    found = drafts(cf.conn, case_id, KIND)
    return found[0] if found else None


def reload_draft(cf: CaseFile, draft_id: str) -> Draft | None:
    return load_draft(cf.conn, draft_id)


def discard(cf: CaseFile, draft_id: str) -> None:
    """Throw a draft away (the officer chose to start again)."""
    with cf.transaction() as conn:
        delete_draft(conn, draft_id)


# -- checking ---------------------------------------------------------------------------------
def _parties(cf: CaseFile, case_id: str) -> dict[str, dict[str, Any]]:
    detail = load_case(cf, case_id)
    if detail is None:
        raise ChangeRefused("案件不存在。", f"no case {case_id}")
    return {p.id: dict(p.values) for p in detail.parties}


def interviewees(cf: CaseFile, case_id: str) -> list[tuple[str, str]]:
    """Who may be chosen as the interviewee: (party id, label) for applicants and their agents."""
    parties = _parties(cf, case_id)
    out = []
    for pid, p in parties.items():
        if p["role"] == "applicant":
            out.append((pid, f"{p['name']}（申请执行人）"))
        elif (
            p["role"] == "agent"
            and parties.get(p.get("represents") or "", {}).get("role") == "applicant"
        ):
            out.append((pid, f"{p['name']}（委托代理人）"))
    return out


def interviewee_problem(party: Mapping[str, Any], parties: Mapping[str, Mapping[str, Any]]) -> str:
    """Why this party cannot be the interviewee, or "" (the applicant, or an agent with special
    authority whose authority document is recorded)."""
    role = party.get("role")
    if role == "applicant":
        return ""
    if role != "agent":
        return (
            f"{party.get('name')}是{PARTY_ROLES.get(role, role)}，"
            "约谈对象应为申请执行人或其特别授权的委托代理人。"
        )
    principal = parties.get(party.get("represents") or "", {})
    if principal.get("role") != "applicant":
        return f"委托代理人{party.get('name')}不是申请执行人的代理人，不能作为约谈对象。"
    if party.get("authority") != "special" or not (party.get("authority_document") or "").strip():
        return (
            f"委托代理人{party.get('name')}未经特别授权或未登记授权委托书，不能代表申请执行人"
            "接受终本约谈。请在当事人信息中登记特别授权的授权委托书，或约谈申请执行人本人。"
        )
    return ""


def _time(raw: Mapping[str, Any], key: str, errors: dict[str, str], what: str) -> str:
    value = text(raw, key)
    match = _TIME.match(value)
    if not match:
        errors[key] = f"请按“时:分”填写{what}，如 09:30。"
        return ""
    return f"{int(match[1]):02d}:{match[2]}"


def check(cf: CaseFile, draft: Draft, today: date) -> dict[str, str]:
    """Everything that stops the draft being finalised, as {field key: Chinese message}."""
    data = draft.data
    header = data.get("header", {})
    errors: dict[str, str] = {}
    case = cf.get("case", draft.case_id)
    filing = date.fromisoformat(case.values["filing_date"])
    day = typed_date(header, "date", errors, today, what="约谈日期", not_before=filing)
    start = _time(header, "start", errors, "开始时间")
    end = _time(header, "end", errors, "结束时间")
    if start and end and end < start:
        errors["end"] = f"结束时间{end}早于开始时间{start}，请核对。"
    if day == today and start and start > datetime.now().strftime("%H:%M"):
        errors["start"] = f"开始时间{start}晚于现在，请核对。"
    if text(header, "method") not in METHODS:
        errors["method"] = "请选择约谈方式。"
    if text(header, "method") == "in_person" and not text(header, "place"):
        errors["place"] = "当面约谈请填写约谈地点。"
    for key, what in (("officer", "约谈人"), ("recorder", "记录人")):
        if not text(header, key):
            errors[key] = f"请填写{what}。"
    parties = _parties(cf, draft.case_id)
    chosen = parties.get(text(header, "interviewee_id"))
    if chosen is None:
        errors["interviewee_id"] = "请选择被约谈人（申请执行人或其特别授权的委托代理人）。"
    elif problem := interviewee_problem(chosen, parties):
        errors["interviewee_id"] = problem
    template = data["template"]
    read = set(data.get("notices_read", []))
    unread = [n["title"] for n in template.get("notices", []) if n["id"] not in read]
    if unread:
        errors["notices"] = "以下告知事项尚未勾选为已告知：" + "、".join(unread) + "。"
    answers = data.get("answers", {})
    for q in template.get("questions", []):
        answer = answers.get(q["id"], "")
        if q.get("kind") == "yes_no":
            if answer not in ("yes", "no"):
                errors[f"q.{q['id']}"] = f"请记录对“{q['text']}”的回答。"
            elif answer == "yes" and q.get("on_yes_clues") and not _clues(data):
                errors[f"q.{q['id']}"] = "申请执行人表示能提供新的财产线索，请逐条记录线索内容。"
        elif not str(answer).strip():
            errors[f"q.{q['id']}"] = f"请记录对“{q['text']}”的回答。"
        else:
            long_text(answers, q["id"], errors, MAX_TEXT)
    for i, turn in enumerate(data.get("turns", [])):
        if not str(turn.get("q", "")).strip() or not str(turn.get("a", "")).strip():
            errors[f"turn.{i}"] = f"第{i + 1}组问答的问或答为空，请补全或删除。"
    opinion = data.get("opinion", {})
    if opinion.get("choice") not in OPINIONS:
        errors["opinion"] = "请记录申请执行人是否同意终结本次执行程序。"
    elif opinion["choice"] == "disagrees" and not str(opinion.get("reasons", "")).strip():
        errors["opinion"] = "申请执行人不同意终本的，请记录其理由。"
    return errors


def _clues(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [c for c in data.get("clues", []) if str(c.get("description", "")).strip()]


# -- the record as printed --------------------------------------------------------------------
HEADER_KEYS = (
    "case_number",
    "time",
    "place",
    "method",
    "officer",
    "recorder",
    "interviewee",
    "others",
)
_DEFAULT_HEADER = (
    ("case_number", "案号"),
    ("time", "约谈时间"),
    ("place", "约谈地点"),
    ("method", "约谈方式"),
    ("officer", "约谈人"),
    ("recorder", "记录人"),
    ("interviewee", "被约谈人"),
    ("others", "其他在场人员"),
)


def _header_rows(
    template: Mapping[str, Any], data: Mapping[str, Any], facts: Mapping[str, Any], who: str
) -> tuple:
    """The header table as the template lays it out; rows with nothing to show are left out."""
    h = data.get("header", {})
    day = h.get("date", "")
    when = body_date(date.fromisoformat(day)) if day else ""
    values = {
        "case_number": facts["case_number"],
        "time": f"{when}{_clock(h.get('start', ''))}至{_clock(h.get('end', ''))}",
        "place": h.get("place", ""),
        "method": METHODS.get(h.get("method", ""), ""),
        "officer": h.get("officer", ""),
        "recorder": h.get("recorder", ""),
        "interviewee": who,
        "others": h.get("others", ""),
    }
    layout = [(row["key"], row["label"]) for row in template.get("header", [])] or _DEFAULT_HEADER
    unknown = [key for key, _ in layout if key not in values]
    if unknown:
        raise TemplateProblem(
            f"约谈笔录模板的首部有程序不认识的项目：{'、'.join(unknown)}。"
            f"可用的项目：{'、'.join(HEADER_KEYS)}。请联系法院信息技术人员修改模板。",
            f"interview template header keys {unknown}",
        )
    return tuple((label, values[key]) for key, label in layout if values[key])


def _clock(hh_mm: str) -> str:
    """09:30 -> 9时30分, as a record writes the time."""
    match = _TIME.match(hh_mm or "")
    return f"{int(match[1])}时{match[2]}分" if match else hh_mm


def _who(cf: CaseFile, case_id: str, header: Mapping[str, Any]) -> str:
    parties = _parties(cf, case_id)
    p = parties.get(header.get("interviewee_id") or "")
    if p is None:
        return ""
    if p["role"] == "agent":
        principal = parties.get(p.get("represents") or "", {}).get("name", "")
        document = p.get("authority_document", "")
        return f"{p['name']}，申请执行人{principal}的委托代理人（特别授权，{document}）"
    return f"{p['name']}，申请执行人"


def build_document(cf: CaseFile, draft: Draft, facts: Mapping[str, Any]) -> Document:
    """The record exactly as it prints, from the draft's template copy, answers and facts."""
    data = draft.data
    template = data["template"]
    h = data.get("header", {})
    names = dict(facts) | {"officer": h.get("officer", ""), "recorder": h.get("recorder", "")}
    blocks: list[Any] = [
        Title(template.get("title", "终本约谈笔录")),
        Spacer(0.5),
        KeyValueTable(_header_rows(template, data, facts, _who(cf, draft.case_id, h))),
        Spacer(0.5),
    ]
    for n in template.get("notices", []):
        body = fill(n["text"], names, where=f"告知事项“{n['title']}”")
        blocks.append(Para(body, bold_prefix="告知："))
    answers = data.get("answers", {})
    for q in template.get("questions", []):
        blocks.append(Para(q["text"], bold_prefix="问："))
        answer = answers.get(q["id"], "")
        if q.get("kind") == "yes_no":
            clues = _clues(data) if answer == "yes" and q.get("on_yes_clues") else []
            said = "能。" if answer == "yes" else "不能。"
            if clues:
                said = (
                    "能。新的财产线索如下："
                    + "；".join(
                        f"{i}．{c['description'].strip()}"
                        + ("（情况紧急）" if c.get("urgent") else "")
                        for i, c in enumerate(clues, 1)
                    )
                    + "。"
                )
            blocks.append(Para(said, bold_prefix="答："))
            if clues and q.get("yes_statement"):
                blocks.append(Para(fill(q["yes_statement"], names, where=q["id"])))
        else:
            blocks.append(Para(str(answer).strip(), bold_prefix="答："))
    for turn in data.get("turns", []):
        blocks.append(Para(str(turn.get("q", "")).strip(), bold_prefix="问："))
        blocks.append(Para(str(turn.get("a", "")).strip(), bold_prefix="答："))
    opinion_t = template.get("opinion", {})
    opinion = data.get("opinion", {})
    blocks.append(
        Para(opinion_t.get("question", "你对本案终结本次执行程序有何意见？"), bold_prefix="问：")
    )
    said = opinion_t.get(opinion.get("choice", ""), OPINIONS.get(opinion.get("choice", ""), ""))
    if opinion.get("reasons", "").strip():
        said += "理由：" + opinion["reasons"].strip()
    blocks.append(Para(said, bold_prefix="答："))
    closing = template.get("closing", {})
    blocks.append(Para(closing.get("statement", "以上笔录已阅（已向我宣读），与我所说一致。")))
    blocks.append(Spacer(1))
    blocks.append(
        Signatures(
            (
                "被约谈人（签名）：＿＿＿＿＿＿＿＿",
                "　　　　　年　　月　　日",
                "约谈人（签名）：＿＿＿＿＿＿＿＿",
                "记录人（签名）：＿＿＿＿＿＿＿＿",
            )
        )
    )
    return Document(
        blocks=tuple(blocks),
        kind=KIND,
        page_footer=closing.get("page_footer", "被约谈人签名：＿＿＿＿＿＿＿＿"),
    )


# -- finalising -------------------------------------------------------------------------------
def finalise(cf: CaseFile, draft: Draft, today: date | None = None) -> str:
    """Make the draft an immutable, journaled record; returns the document id.

    Refused (ValidationFailed, nothing saved) while anything is missing. New clues become clues
    to verify in the case, in the same transaction; the draft is deleted in it too.
    """
    today = today or date.today()
    errors = check(cf, draft, today)
    if errors:
        raise ValidationFailed(errors)
    facts = interview_facts(cf, draft.case_id, today)
    document = build_document(cf, draft, facts)
    content = document_to_json(document)
    header = draft.data["header"]
    opinion = draft.data["opinion"]
    data = {k: v for k, v in draft.data.items() if k != "template"} | {
        "facts": facts,
        "interview_date": header["date"],
        "opinion_text": OPINIONS[opinion["choice"]]
        + (f"（理由：{opinion['reasons'].strip()}）" if opinion.get("reasons", "").strip() else ""),
    }
    doc_id = uuid7()
    edits = [
        Edit(
            "document",
            {
                "case_id": draft.case_id,
                "kind": KIND,
                "template_id": draft.template_id,
                "template_version": draft.template_version,
                "content": content,
                "content_hash": content_hash(document),
                "data": json.dumps(data, ensure_ascii=False, sort_keys=True),
                "finalised_at": datetime.now().strftime("%Y-%m-%d %H:%M"),
                "corrects": draft.data.get("corrects") or None,
            },
            record_id=doc_id,
        )
    ]
    who = _who(cf, draft.case_id, header).split("，")[0]
    for clue in _clues(draft.data):
        edits.append(
            Edit(
                "clue",
                {
                    "case_id": draft.case_id,
                    "given_date": header["date"],
                    "description": clue["description"].strip(),
                    "urgent": 1 if clue.get("urgent") else 0,
                    "status": ClueStatus.PENDING.value,
                    "given_by": f"{who}（终本约谈）",
                },
            )
        )
    cf.save(edits, discard_draft=draft.id)
    log.info("interview record %s finalised on case %s", doc_id, draft.case_id)
    return doc_id


def confirm_signed(cf: CaseFile, document_id: str, raw: Mapping[str, Any], today: date) -> None:
    """The printed record was signed on paper on the day typed."""
    doc = cf.get("document", document_id)
    if doc is None or doc.values["kind"] != KIND:
        raise ChangeRefused("约谈笔录不存在。", f"no interview record {document_id}")
    errors: dict[str, str] = {}
    finalised = date.fromisoformat(json.loads(doc.values["data"])["interview_date"])
    signed = typed_date(
        raw,
        "signed_date",
        errors,
        today,
        what="签名日期",
        not_before=finalised,
        not_before_what="约谈日期",
    )
    if errors:
        raise ValidationFailed(errors)
    cf.save([Edit("document", {"signed_date": signed.isoformat()}, record_id=document_id)])


def start_correction(cf: CaseFile, document_id: str, officer: str = "") -> Draft:
    """A new draft carrying the old record's answers, pointing at it; the old one stays."""
    doc = cf.get("document", document_id)
    if doc is None or doc.values["kind"] != KIND:
        raise ChangeRefused("约谈笔录不存在。", f"no interview record {document_id}")
    old = json.loads(doc.values["data"])
    keep = {
        k: old[k] for k in ("header", "notices_read", "answers", "turns", "opinion") if k in old
    }
    return start_draft(
        cf,
        doc.values["case_id"],
        template_id=doc.values["template_id"] or DEFAULT_TEMPLATE,
        officer=officer,
        corrects=document_id,
        data=keep | {"clues": []},
    )


@dataclass(frozen=True)
class InterviewRecord:
    id: str
    case_id: str
    interview_date: date
    opinion: str
    signed_date: date | None
    corrects: str | None
    content: str  # the document as stored (JSON)

    @functools.cached_property
    def document(self) -> Document:
        """The record as printed; parsed only when asked for (the termination check, which reads
        every case's current record, needs only the date and the opinion)."""
        return document_from_json(self.content)


def records(cf: CaseFile, case_id: str) -> list[InterviewRecord]:
    """The case's finalised interview records, oldest first."""
    out = []
    for (doc_id,) in cf.conn.execute(
        "SELECT id FROM documents WHERE case_id = ? AND kind = ? AND deleted = 0 ORDER BY n",
        (case_id, KIND),
    ):
        out.append(record(cf, doc_id))
    return out


def record(cf: CaseFile, document_id: str) -> InterviewRecord:
    doc = cf.get("document", document_id)
    if doc is None or doc.values["kind"] != KIND:
        raise ChangeRefused("约谈笔录不存在。", f"no interview record {document_id}")
    v = doc.values
    data = json.loads(v["data"])
    return InterviewRecord(
        id=document_id,
        case_id=v["case_id"],
        interview_date=date.fromisoformat(data["interview_date"]),
        opinion=data.get("opinion_text", ""),
        signed_date=date.fromisoformat(v["signed_date"]) if v["signed_date"] else None,
        corrects=v["corrects"],
        content=v["content"],
    )


def current_record(cf: CaseFile, case_id: str) -> InterviewRecord | None:
    """The interview that counts for the termination check: the latest not corrected by another."""
    found = records(cf, case_id)
    corrected = {r.corrects for r in found if r.corrects}
    live = [r for r in found if r.id not in corrected]
    return max(live, key=lambda r: r.interview_date, default=None)
