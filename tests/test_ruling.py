"""The termination ruling: made only for a ready case, complete, in order, printed and served."""

import json
import random
import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader

from workstation import enforcement, interview, ruling
from workstation.cases import ValidationFailed
from workstation.documents import Para, Signatures, Title, content_hash, render_pdf
from workstation.domain.dates import body_date, chinese_numeral_date, parse_chinese_numeral_date
from workstation.domain.money import format_ruling_amount
from workstation.store.casefile import CaseFile, Edit
from workstation.store.errors import ChangeRefused

TODAY = date(2026, 11, 26)
ONLINE = (
    "bank",
    "securities",
    "internet_bank",
    "vehicle",
    "real_estate",
    "market_regulation",
    "central_bank",
    "housing_fund",
    "wealth_management",
    "income_insurance",
    "dividends",
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
PLACES = (
    ("河南省洛阳市西工区", "王城大道{n}号{m}号楼"),
    ("河南省新郑市", "梨河镇某村{n}组"),
    ("北京市朝阳区", "建国路{n}号院{m}号楼"),
    ("河南省洛阳市涧西区", "长安路{n}号"),
    ("新疆维吾尔自治区乌鲁木齐市天山区", "解放北路{n}号"),
)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _address(rng: random.Random) -> tuple[str, str]:
    county, rest = rng.choice(PLACES)
    return county + rest.format(n=rng.randint(1, 300), m=rng.randint(1, 20)), county


def build_case(
    cf: CaseFile,
    serial: int,
    rng: random.Random | None = None,
    *,
    interview_opinion: str = "agrees",
    sign: bool = True,
    asked: bool = False,
    ready: bool = True,
) -> str:
    """A case that passes the termination check on TODAY (unless `ready` is False: then it
    lacks the consumption restriction), with parties, measures, assets and funds varied by
    `rng`, and (unless `asked`) a finalised interview record."""
    rng = rng or random.Random(serial)
    filed = date(2026, 1, 5) + timedelta(days=rng.randint(0, 200))
    principal = rng.randint(5, 5000) * 100_000 + rng.choice((0, 0, 50))
    interest = rng.choice((0, principal // 20))
    (case_id,) = cf.save(
        [
            Edit(
                "case",
                {
                    "case_number": f"（2026）豫0302执{serial}号",
                    "filing_date": filed.isoformat(),
                    "court_code": "豫0302",
                    "officer": "张伟",
                    "cause": rng.choice(("民间借贷纠纷", "买卖合同纠纷", "劳务合同纠纷")),
                    "basis_court": rng.choice(("", "河南省洛阳市中级人民法院")),
                    "basis_number": f"（2025）豫0302民初{rng.randint(10, 9999)}号",
                    "basis_kind": rng.choice(("民事判决书", "民事调解书")),
                    "principal": principal,
                    "interest": interest,
                    "interest_terms": "" if interest else rng.choice(("", "按年利率3.85%计算")),
                    "enforcement_fee": principal // 100,
                    "applicant_asked_for_termination": 1 if asked else 0,
                },
            )
        ]
    )
    parties = []
    for role, count in (("applicant", rng.choice((1, 1, 2))), ("debtor", rng.choice((1, 2, 3)))):
        for _ in range(count):
            address, _county = _address(rng)
            if rng.random() < 0.3:
                values = {
                    "kind": "organisation",
                    "name": f"洛阳{rng.choice('金鼎瑞丰嘉禾天元')}{rng.choice(('商贸', '物流'))}"
                    f"有限公司{serial}{len(parties)}",
                    "address": address,
                    "legal_representative": _name(rng)
                    + rng.choice(("", "（总经理）", "，执行董事")),
                }
            else:
                birth = date(1950, 1, 1) + timedelta(days=rng.randint(0, 18000))
                values = {
                    "kind": "person",
                    "name": _name(rng),
                    "sex": rng.choice(("male", "female")),
                    "ethnicity": rng.choice(("汉族", "汉族", "回族")),
                    "birth_date": birth.isoformat(),
                    "address": address,
                    "phone": f"13{rng.randrange(10**9):09d}",
                }
            parties.append(Edit("party", {"case_id": case_id, "role": role, **values}))
    ids = cf.save(parties)
    applicants = [i for i, e in zip(ids, parties, strict=True) if e.values["role"] == "applicant"]
    debtors = [i for i, e in zip(ids, parties, strict=True) if e.values["role"] == "debtor"]
    edits = []
    if rng.random() < 0.4:
        edits.append(
            Edit(
                "party",
                {
                    "case_id": case_id,
                    "role": "agent",
                    "kind": "person",
                    "name": _name(rng),
                    "represents": applicants[0],
                    "authority": "special",
                    "authority_document": "授权委托书",
                    "address": rng.choice(("河南天明律师事务所", "河南省洛阳市老城区邙山镇某村")),
                },
            )
        )

    def on(days: int) -> str:
        return min(TODAY - timedelta(days=7), filed + timedelta(days=days)).isoformat()

    def measure(kind: str, when: str, result: str = "", **more: object) -> None:
        edits.append(
            Edit("measure", {"case_id": case_id, "kind": kind, "date": when, "result": result})
            if not more
            else Edit(
                "measure",
                {"case_id": case_id, "kind": kind, "date": when, "result": result, **more},
            )
        )

    measure("execution_notice", on(2), "已送达")
    measure("property_report_order", on(2), "已送达")
    for debtor in debtors:
        if rng.random() < 0.5:
            measure("property_report_received", on(10), "申报无财产", debtor_id=debtor)
            measure("property_report_verified", on(12), "经核查，申报属实", debtor_id=debtor)
        else:
            measure("fine", on(15), "逾期不报告财产，决定罚款5000元", debtor_id=debtor)
    if ready:
        measure("consumption_restriction", on(16), "已发出限制消费令")
    measure("dishonest_list_entry", on(18), "已纳入失信被执行人名单")
    asked_on = (TODAY - timedelta(days=rng.randint(8, 60))).isoformat()
    for channel in ONLINE:
        measure("online_inquiry", asked_on, "未发现", channel=channel, found="no")
    measure("field_visit", on(40), "前往被执行人住所地调查，未发现可供执行的财产")
    if rng.random() < 0.3:
        measure("reward_notice", on(50), "悬赏期满，无人举报")
    if rng.random() < 0.5:
        edits.append(
            Edit(
                "asset",
                {
                    "case_id": case_id,
                    "kind": "vehicle",
                    "description": f"{rng.randint(2005, 2015)}年产轿车一辆",
                    "status": "cannot_dispose",
                    "cannot_dispose_reason": "车辆下落不明，无法扣押",
                    "identifiers": json.dumps(
                        [{"kind": "车牌号", "value": f"豫C{rng.randint(10000, 99999)}"}],
                        ensure_ascii=False,
                    ),
                    "debtor_id": debtors[0],
                },
            )
        )
    if rng.random() < 0.4:
        edits.append(
            Edit(
                "funds",
                {
                    "case_id": case_id,
                    "kind": "receipt",
                    "date": on(30),
                    "amount": min(principal // 3, rng.randint(1, 50) * 100_000),
                    "source": "transfer",
                    "payer": "被执行人",
                },
            )
        )
    cf.save(edits)
    if not asked:
        hold_interview(cf, case_id, applicants[0], opinion=interview_opinion, sign=sign)
    return case_id


def hold_interview(
    cf: CaseFile, case_id: str, who: str, *, opinion: str = "agrees", sign: bool = True
) -> str:
    draft = interview.start_draft(cf, case_id, officer="张伟")
    draft.data["header"] |= {
        "date": "2026-11-20",
        "start": "09:30",
        "end": "10:05",
        "place": "本院执行局约谈室",
        "method": "in_person",
        "officer": "张伟",
        "recorder": "李娜",
        "interviewee_id": who,
    }
    draft.data["notices_read"] = [n["id"] for n in draft.data["template"]["notices"]]
    draft.data["answers"] = {"understood": "听清楚了。", "new_clues": "no"}
    draft.data["opinion"] = {
        "choice": opinion,
        "reasons": "" if opinion == "agrees" else "被执行人仍在经营",
    }
    doc_id = interview.finalise(cf, draft, TODAY)
    if sign:
        interview.confirm_signed(cf, doc_id, {"signed_date": "2026-11-20"}, TODAY)
    return doc_id


SOLE = {"judges": "张伟", "judge_title": "审判员", "clerk": "李娜", "ruling_date": "2026-11-26"}
PANEL = {
    "route": "collegial",
    "judges": "崔纪国、田野、周勇增",
    "clerk": "张艳涛",
    "assistant": "刘晓露",
    "ruling_date": "2026-11-26",
}


def form(cf: CaseFile, case_id: str, **more: str) -> dict[str, str]:
    return ruling.ruling_form_defaults(cf, case_id, TODAY) | SOLE | more


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    flat = "".join(text.split())
    return reader, re.sub(r"-\d+-", "", flat)


def squash(text: str) -> str:
    return "".join(text.split())


def assert_in_order(text: str, parts: list[str]) -> None:
    at = 0
    for part in parts:
        found = text.find(squash(part), at)
        assert found >= 0, f"missing or out of order: {part!r} after position {at}"
        at = found + len(squash(part))


# -- content ----------------------------------------------------------------------------------
def test_every_element_prints_in_order_with_the_cases_own_data(case_file):
    case_id = build_case(case_file, 101, random.Random(3))
    doc_id = ruling.issue_ruling(
        case_file, case_id, form(case_file, case_id, assistant="刘晓露"), TODAY
    )
    held = ruling.ruling_record(case_file, doc_id)
    reader, text = pdf_text(render_pdf(held.document))
    record = enforcement.load_record(case_file, case_id)
    owed = enforcement.amount_outstanding(record, TODAY)
    first_applicant = record.applicants[0].name
    first_debtor = record.debtors[0].name
    measures = sorted(record.measures, key=lambda m: m.date)
    assert_in_order(
        text,
        [
            "河南省洛阳市老城区人民法院",
            "执行裁定书",
            "（2026）豫0302执101号",
            f"申请执行人：{first_applicant}",
            f"被执行人：{first_debtor}",
            f"关于{first_applicant}",
            f"本院于{body_date(date.fromisoformat(record.case['filing_date']))}立案执行",
            f"执行标的为{format_ruling_amount(owed.claim)}",
            "本院在执行过程中，实施了以下执行行为：一、",
            f"{body_date(measures[0].date)}，",
            "二、",
            "网络执行查控系统",
            f"已执行到位{format_ruling_amount(owed.recovered)}",
            f"尚有{format_ruling_amount(owed.amount)}未执行到位",
            "2026年11月20日，本院约谈申请执行人",
            "同意终结本次执行程序",
            "本院认为",
            "第五百一十七条",
            "裁定如下：",
            "终结本次执行程序。",
            "申请恢复执行",
            "本裁定送达后立即生效。",
            "审　判　员　张伟",
            "二〇二六年十一月二十六日",
            "法官助理　刘晓露",
            "书　记　员　李娜",
        ],
    )
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    fonts = [f.get_object() for p in reader.pages for f in p["/Resources"]["/Font"].values()]
    assert fonts and all(
        "/FontFile2" in f["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        for f in fonts
        if "/DescendantFonts" in f
    )
    assert parse_chinese_numeral_date("二〇二六年十一月二十六日") == TODAY
    assert "- 1 -" in reader.pages[0].extract_text()


def test_the_heading_uses_the_court_styles(case_file):
    case_id = build_case(case_file, 102)
    doc = ruling.draft_ruling(case_file, case_id, form(case_file, case_id), TODAY)
    court, title = doc.blocks[0], doc.blocks[1]
    assert court == Title("河南省洛阳市老城区人民法院", "二号", font="song")
    assert title == Title("执行裁定书", "一号", font="heading")
    assert doc.page_numbers == "- {page} -"


def test_a_natural_persons_residence_prints_to_county_level_only(case_file):
    case_id = build_case(case_file, 104, random.Random(11))
    doc = ruling.draft_ruling(case_file, case_id, form(case_file, case_id), TODAY)
    people = [
        p.values
        for p in (case_file.get("party", i) for i in _party_ids(case_file, case_id))
        if p.values["kind"] == "person" and p.values["role"] != "agent"
    ]
    text = doc.text()
    for p in people:
        assert p["address"] not in text
        county = next(c for c, _ in PLACES if p["address"].startswith(c))
        assert f"住{county}。" in text
        assert body_date(date.fromisoformat(p["birth_date"])) + "出生" in text


def _party_ids(cf: CaseFile, case_id: str) -> list[str]:
    return [r[0] for r in cf.conn.execute("SELECT id FROM parties WHERE case_id = ?", (case_id,))]


FIVE_CONTENTS = {
    "申请执行的债权情况": ("申请执行", "执行标的为"),
    "执行经过及采取的执行措施": ("实施了以下执行行为：一、",),
    "查明的被执行人财产情况": ("被执行人有以下财产", "未发现被执行人有可供执行的财产"),
    "实现的债权情况": ("已执行到位",),
    "权利义务告知": ("申请恢复执行的权利", "继续向申请执行人履行债务的义务"),
}


def test_the_five_mandatory_contents_are_in_every_ruling_of_many_varied_cases(case_file):
    rng = random.Random(2026)
    seen_routes, seen_assets, seen_agents = set(), set(), set()
    for serial in range(200, 234):
        asked = rng.random() < 0.15
        opinion = "disagrees" if rng.random() < 0.2 else "agrees"
        case_id = build_case(
            case_file, serial, random.Random(rng.random()), interview_opinion=opinion, asked=asked
        )
        raw = ruling.ruling_form_defaults(case_file, case_id, TODAY) | {
            "clerk": "李娜",
            "ruling_date": "2026-11-26",
        }
        if raw["route"] == "collegial":
            raw |= {"judges": "崔纪国、田野、周勇增"}
        doc_id = ruling.issue_ruling(case_file, case_id, raw, TODAY)
        text = ruling.ruling_record(case_file, doc_id).document.text()
        for what, markers in FIVE_CONTENTS.items():
            if what == "查明的被执行人财产情况":
                assert any(m in text for m in markers), (serial, what)
            else:
                assert all(m in text for m in markers), (serial, what)
        owed = enforcement.amount_outstanding(enforcement.load_record(case_file, case_id), TODAY)
        assert f"已执行到位{format_ruling_amount(owed.recovered)}" in text
        seen_routes.add(raw["route"])
        seen_assets.add("被执行人有以下财产" in text)
        seen_agents.add("委托诉讼代理人" in text)
    assert seen_routes == set(ruling.ROUTES) and seen_assets == {True, False}
    assert seen_agents == {True, False}


def test_the_route_decides_the_signature_block(case_file):
    sole = build_case(case_file, 301)
    doc = ruling.draft_ruling(case_file, sole, form(case_file, sole, judge_title="执行员"), TODAY)
    (judges, *_rest) = [b for b in doc.blocks if isinstance(b, Signatures)]
    assert judges.lines[0] == "执　行　员　张伟"
    assert "经申请执行人签字确认" in doc.text()
    panel = build_case(case_file, 302)
    doc = ruling.draft_ruling(case_file, panel, form(case_file, panel) | PANEL, TODAY)
    signatures = [b for b in doc.blocks if isinstance(b, Signatures)]
    assert signatures[0].lines[:3] == (
        "审　判　长　崔纪国",
        "审　判　员　田野",
        "审　判　员　周勇增",
    )
    assert [line.rstrip("　") for line in signatures[1].lines] == [
        "法官助理　刘晓露",
        "书　记　员　张艳涛",
    ]
    assert "经本院组成合议庭审查核实并报经院长批准" in doc.text()


def test_an_applicant_who_disagreed_or_has_not_signed_cannot_confirm(case_file):
    against = build_case(case_file, 303, interview_opinion="disagrees")
    assert ruling.ruling_form_defaults(case_file, against, TODAY)["route"] == "collegial"
    errors = ruling.check_form(
        case_file, against, form(case_file, against, route="applicant_confirmed"), TODAY
    )
    assert "不同意终结本次执行程序" in errors["route"]
    unsigned = build_case(case_file, 304, sign=False)
    errors = ruling.check_form(
        case_file, unsigned, form(case_file, unsigned, route="applicant_confirmed"), TODAY
    )
    assert "签名日期" in errors["route"]
    asked = build_case(case_file, 305, asked=True)
    assert ruling.check_form(case_file, asked, form(case_file, asked), TODAY) == {}
    assert (
        "申请执行人向本院申请终结本次执行程序。"
        in ruling.draft_ruling(case_file, asked, form(case_file, asked), TODAY).text()
    )


def test_the_basis_article_follows_the_ruling_date(case_file, tmp_path):
    case_id = build_case(case_file, 306)
    old = ruling.RulingForm("collegial", ("甲", "乙", "丙"), "审判长", "丁", "", TODAY, 0)
    template = ruling.load_template("ruling", ruling.TEMPLATE_ID)
    for day, article in (
        (date(2022, 4, 9), "第五百一十九条"),
        (date(2022, 4, 10), "第五百一十七条"),
    ):
        facts = ruling.ruling_facts(
            case_file, case_id, ruling.RulingForm(**{**old.__dict__, "ruling_date": day})
        )
        assert article in facts["basis"], day
        text = ruling.build_ruling(template, facts, old).text()
        assert article in text


def test_a_remedy_paragraph_only_when_the_template_enables_it(case_file):
    case_id = build_case(case_file, 307)
    f = ruling.RulingForm("collegial", ("甲某", "乙某", "丙某"), "审判长", "丁某", "", TODAY, 0)
    template = ruling.load_template("ruling", ruling.TEMPLATE_ID)
    facts = ruling.ruling_facts(case_file, case_id, f)
    assert "执行异议" not in ruling.build_ruling(template, facts, f).text()
    template["remedy"]["enabled"] = True
    facts = facts | {"remedy_basis": ruling._citation("civil_procedure.236")}
    assert (
        "第二百三十六条规定，向本院提出执行异议" in ruling.build_ruling(template, facts, f).text()
    )


# -- numbering --------------------------------------------------------------------------------
def test_rulings_made_before_give_the_suffix(case_file):
    first = build_case(case_file, 401)
    held = ruling.ruling_record(
        case_file, ruling.issue_ruling(case_file, first, form(case_file, first), TODAY)
    )
    assert held.number == "（2026）豫0302执401号"
    second = build_case(case_file, 402)
    doc_id = ruling.issue_ruling(
        case_file, second, form(case_file, second, prior_rulings="2"), TODAY
    )
    held = ruling.ruling_record(case_file, doc_id)
    assert held.number == "（2026）豫0302执402号之二"
    assert "（2026）豫0302执402号之二" in held.document.text()
    correction = ruling.issue_correction(
        case_file,
        doc_id,
        {
            "wrong": "本裁定送达后立即生效",
            "right": "本裁定送达后即发生法律效力",
            "ruling_date": "2026-11-26",
        },
        TODAY,
    )
    fixed = ruling.ruling_record(case_file, correction)
    assert fixed.number == "（2026）豫0302执402号之三"
    assert fixed.corrects == doc_id and fixed.kind == "correction"
    text = fixed.document.text()
    assert "本院于2026年11月26日作出的（2026）豫0302执402号之二执行裁定书中" in text
    assert "“本裁定送达后立即生效”有误，应为“本裁定送达后即发生法律效力”" in text


def test_a_second_ruling_on_the_same_case_is_refused(case_file):
    case_id = build_case(case_file, 403)
    ruling.issue_ruling(case_file, case_id, form(case_file, case_id), TODAY)
    with pytest.raises(ChangeRefused) as refused:
        ruling.issue_ruling(case_file, case_id, form(case_file, case_id), TODAY)
    assert "不能重复作出" in refused.value.message


# -- not ready: every path ----------------------------------------------------------------------
def test_a_case_that_is_not_ready_gets_no_ruling_from_draft_or_issue(case_file, unchanged):
    case_id = build_case(case_file, 501, ready=False)
    with unchanged(case_file), pytest.raises(ruling.NotReady) as refused:
        ruling.issue_ruling(case_file, case_id, form(case_file, case_id), TODAY)
    assert "限制消费令" in refused.value.message
    assert refused.value.reasons and not refused.value.readiness.ready
    with pytest.raises(ruling.NotReady):
        ruling.draft_ruling(case_file, case_id, form(case_file, case_id), TODAY)


def test_the_store_refuses_a_ruling_document_written_around_issue(case_file, unchanged):
    ready = build_case(case_file, 502)
    doc_id = ruling.issue_ruling(case_file, ready, form(case_file, ready), TODAY)
    stored = dict(case_file.get("document", doc_id).values)
    not_ready = build_case(case_file, 503, ready=False)
    forged = stored | {"case_id": not_ready, "served_date": None, "signed_date": None}
    with unchanged(case_file), pytest.raises(ChangeRefused) as refused:
        case_file.save([Edit("document", forged)])
    assert "以下条件未满足" in refused.value.message
    bare = {
        "case_id": ready,
        "kind": "ruling",
        "content": stored["content"],
        "content_hash": stored["content_hash"],
    }
    with unchanged(case_file), pytest.raises(ChangeRefused) as refused:
        case_file.save([Edit("document", bare)])
    assert "只能通过" in refused.value.message


def test_a_batch_lists_the_cases_that_are_not_ready_with_the_reason(case_file):
    ready = [build_case(case_file, n) for n in (601, 602)]
    not_ready = build_case(case_file, 603, ready=False)
    steps = []
    result = ruling.issue_batch(
        case_file,
        [ready[0], not_ready, ready[1]],
        {"clerk": "李娜", "judges": "张伟"},
        TODAY,
        progress=lambda done, total: steps.append((done, total)),
    )
    assert [c for c, _ in result.issued] == ready
    ((case_id, number, why),) = result.refused
    assert case_id == not_ready and number == "（2026）豫0302执603号"
    assert "限制消费令" in why
    assert steps == [(1, 3), (2, 3), (3, 3)]
    again = ruling.issue_batch(case_file, ready, {"clerk": "李娜", "judges": "张伟"}, TODAY)
    assert again.issued == [] and [c for c, _ in again.already] == ready
    pdf = ruling.combined_pdf(case_file, [d for _, d in result.issued])
    assert len(PdfReader(BytesIO(pdf)).pages) >= 2


def test_a_cancelled_batch_stops_between_cases(case_file):
    cases = [build_case(case_file, n) for n in (611, 612, 613)]
    calls = iter([False, True])
    result = ruling.issue_batch(
        case_file, cases, {"clerk": "李娜", "judges": "张伟"}, TODAY, cancelled=lambda: next(calls)
    )
    assert len(result.issued) == 1 and result.cancelled
    assert ruling.rulings(case_file, cases[1]) == []


# -- bad input ------------------------------------------------------------------------------------
def test_bad_form_values_are_refused_in_chinese_and_nothing_is_written(case_file, unchanged):
    case_id = build_case(case_file, 701)
    bad = form(
        case_file,
        case_id,
        route="collegial",
        judges="张三、李四",
        clerk="",
        ruling_date="2026-12-01",
        prior_rulings="-1",
    )
    with unchanged(case_file), pytest.raises(ValidationFailed) as refused:
        ruling.issue_ruling(case_file, case_id, bad, TODAY)
    errors = refused.value.errors
    assert "共三人" in errors["judges"]
    assert errors["clerk"] == "请填写书记员。"
    assert "晚于今天" in errors["ruling_date"]
    assert "整数" in errors["prior_rulings"]
    errors = ruling.check_form(
        case_file,
        case_id,
        form(case_file, case_id, judges="张三、李四", ruling_date="2026-11-19"),
        TODAY,
    )
    assert "一名审判员或执行员" in errors["judges"]
    assert "早于约谈日期" in errors["ruling_date"]
    errors = ruling.check_form(case_file, case_id, form(case_file, case_id, route="x"), TODAY)
    assert "请选择" in errors["route"]
    errors = ruling.check_form(case_file, case_id, form(case_file, case_id, clerk="张伟"), TODAY)
    assert "不能同时署名" in errors["clerk"]


# -- after issuing --------------------------------------------------------------------------------
def test_an_issued_ruling_is_frozen(case_file):
    case_id = build_case(case_file, 801)
    doc_id = ruling.issue_ruling(case_file, case_id, form(case_file, case_id), TODAY)
    stored = case_file.get("document", doc_id).values
    held = ruling.ruling_record(case_file, doc_id)
    assert content_hash(held.document) == stored["content_hash"]
    assert stored["route"] == "applicant_confirmed" and stored["kind"] == "ruling"
    data = json.loads(stored["data"])
    assert data["ruling_date"] == "2026-11-26" and data["form"]["clerk"] == "李娜"
    for values in ({"content": "{}"}, {"number": "（2026）豫0302执1号"}, {"route": "collegial"}):
        with pytest.raises(ChangeRefused):
            case_file.save([Edit("document", values, record_id=doc_id)])
    assert ruling.ruling_record(case_file, doc_id) == held


@pytest.mark.filterwarnings("ignore::workstation.domain.calendar.MissingHolidayData")
def test_serving_closes_the_case_and_starts_the_after_termination_schedule(case_file, unchanged):
    case_id = build_case(case_file, 802)
    doc_id = ruling.issue_ruling(
        case_file, case_id, form(case_file, case_id, ruling_date="2026-11-24"), TODAY
    )
    with unchanged(case_file), pytest.raises(ValidationFailed) as refused:
        ruling.record_served(case_file, doc_id, {"served_date": "2026-11-23"}, TODAY)
    assert "早于裁定日期" in refused.value.errors["served_date"]
    with unchanged(case_file), pytest.raises(ValidationFailed) as refused:
        ruling.record_served(case_file, doc_id, {"served_date": "2026-11-27"}, TODAY)
    assert "晚于今天" in refused.value.errors["served_date"]
    journal_before = case_file.conn.execute("SELECT count(*) FROM journal").fetchone()[0]
    ruling.record_served(case_file, doc_id, {"served_date": "2026-11-25"}, TODAY)
    journal_after = case_file.conn.execute("SELECT count(*) FROM journal").fetchone()[0]
    assert journal_after - journal_before == 2  # the document and the case, in one save
    case = case_file.get("case", case_id).values
    assert (case["status"], case["closing_method"]) == ("closed", "termination")
    assert case["closing_date"] == case["termination_date"] == "2026-11-25"
    assert ruling.ruling_record(case_file, doc_id).served_date == date(2026, 11, 25)
    care = enforcement.after_termination(case_file, case_id, TODAY)
    assert care is not None and care.termination_date == date(2026, 11, 25)
    assert care.rounds[0].due == date(2027, 5, 25)
    with pytest.raises(ChangeRefused):
        ruling.record_served(case_file, doc_id, {"served_date": "2026-11-26"}, TODAY)
    completed = build_case(case_file, 803)
    case_file.save(
        [
            Edit(
                "case",
                {"status": "closed", "closing_method": "completed", "closing_date": "2026-11-25"},
                record_id=completed,
            )
        ]
    )
    with pytest.raises(ruling.NotReady) as refused:  # a closed case gets no termination
        ruling.issue_ruling(case_file, completed, form(case_file, completed), TODAY)
    assert "已结案" in refused.value.message


def test_a_correction_quotes_only_what_the_ruling_says(case_file, unchanged):
    case_id = build_case(case_file, 804)
    doc_id = ruling.issue_ruling(case_file, case_id, form(case_file, case_id), TODAY)
    with unchanged(case_file), pytest.raises(ValidationFailed) as refused:
        ruling.issue_correction(
            case_file,
            doc_id,
            {"wrong": "不存在的文字", "right": "x", "ruling_date": "2026-11-26"},
            TODAY,
        )
    assert "没有" in refused.value.errors["wrong"]
    with unchanged(case_file), pytest.raises(ValidationFailed) as refused:
        ruling.issue_correction(
            case_file,
            doc_id,
            {"wrong": "张伟", "right": "张炜", "ruling_date": "2026-11-25"},
            TODAY,
        )
    assert "早于原裁定日期" in refused.value.errors["ruling_date"]
    fixed = ruling.issue_correction(
        case_file, doc_id, {"wrong": "张伟", "right": "张炜", "ruling_date": "2026-11-26"}, TODAY
    )
    assert [r.kind for r in ruling.rulings(case_file, case_id)] == ["ruling", "correction"]
    assert ruling.ruling_record(case_file, fixed).corrects == doc_id
    assert ruling.ruling_record(case_file, doc_id).document  # the ruling stays as it was


def test_public_inputs_name_the_cases_people_and_sensitive_values(case_file):
    case_id = build_case(case_file, 901, random.Random(5))
    ruling.issue_ruling(case_file, case_id, form(case_file, case_id, assistant="刘晓露"), TODAY)
    inputs = ruling.public_inputs(case_file, case_id)
    parties = [case_file.get("party", i).values for i in _party_ids(case_file, case_id)]
    people = {p["name"] for p in parties if p["kind"] == "person"}
    assert people <= {p["name"] for p in inputs["persons"]}
    assert {p["name"] for p in parties if p["kind"] == "organisation"} == set(
        inputs["organisations"]
    )
    for p in parties:
        if p["kind"] == "person" and p.get("phone"):
            assert p["phone"] in inputs["sensitive"]
        if p["kind"] == "person" and p["role"] != "agent":
            assert p["address"] in inputs["addresses"]
    assert {"河南省洛阳市老城区人民法院", "张伟", "李娜", "刘晓露"} <= set(inputs["keep"])
    for asset in enforcement.load_record(case_file, case_id).assets:
        for identifier in asset.identifiers:
            assert identifier.value in inputs["sensitive"]


# -- the command line ------------------------------------------------------------------------------
def test_the_command_line_issues_only_when_ready_and_prints_the_ruling(case_file, tmp_path, capsys):
    from workstation.cli import main

    ready = build_case(case_file, 1001)
    build_case(case_file, 1002, ready=False)
    case_file.close()
    data_dir = str(case_file.path.parent)
    out = tmp_path / "ruling.pdf"
    common = ["-o", str(out), "--data-dir", data_dir, "--today", "2026-11-26"]
    code = main(["ruling", "(2026)豫0302执1002号", *common, "--clerk", "李娜"])
    assert code == 1 and not out.exists()
    assert "以下条件未满足" in capsys.readouterr().err
    code = main(["ruling", "(2026)豫0302执1001号", *common, "--judges", "张三、李四"])
    assert code == 2 and "一名审判员或执行员" in capsys.readouterr().err
    code = main(
        ["ruling", "(2026)豫0302执1001号", *common, "--clerk", "李娜", "--date", "2026-11-26"]
    )
    assert code == 0 and "已作出并输出终本裁定" in capsys.readouterr().out
    _, text = pdf_text(out.read_bytes())
    assert "（2026）豫0302执1001号" in text and "书记员李娜" in text
    again = tmp_path / "again.pdf"
    assert main(["ruling", "(2026)豫0302执1001号", "-o", str(again), "--data-dir", data_dir]) == 0
    assert capsys.readouterr().out.startswith("已输出终本裁定")
    with CaseFile.open(case_file.path) as cf:
        assert len(ruling.rulings(cf, ready)) == 1


def test_the_date_at_the_foot_is_in_chinese_numerals(case_file):
    case_id = build_case(case_file, 1101)
    doc = ruling.draft_ruling(
        case_file, case_id, form(case_file, case_id, ruling_date="2026-11-21"), TODAY
    )
    (judges, *_rest) = [b for b in doc.blocks if isinstance(b, Signatures)]
    assert (
        judges.lines[-1] == chinese_numeral_date(date(2026, 11, 21)) == "二〇二六年十一月二十一日"
    )
    assert not any(isinstance(b, Para) and "2026-11-21" in b.text for b in doc.blocks)


def test_the_command_line_writes_the_publication_copy(case_file, tmp_path, capsys):
    pytest.importorskip("workstation.redaction")
    from workstation.cli import main

    case_id = build_case(case_file, 1201, random.Random(8))
    inputs_before = ruling.public_inputs(case_file, case_id)
    case_file.close()
    out = tmp_path / "public.pdf"
    args = ["-o", str(out), "--data-dir", str(case_file.path.parent), "--today", "2026-11-26"]
    code = main(["ruling", "(2026)豫0302执1201号", *args, "--clerk", "李娜", "--public"])
    assert code == 0 and "上网公开版" in capsys.readouterr().out
    _, text = pdf_text(out.read_bytes())
    for value in inputs_before["sensitive"] + inputs_before["addresses"]:
        assert squash(value) not in text
    assert "本件与原本核对无异" not in text and "书记员李娜" in text
