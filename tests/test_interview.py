"""The termination interview through the service layer: drafts, checks, the record, finalising."""

import json
from datetime import date
from pathlib import Path

import pytest

from workstation import enforcement, interview
from workstation.cases import ValidationFailed
from workstation.documents import content_hash, render_pdf
from workstation.store.casefile import CaseFile, Edit
from workstation.store.errors import ChangeRefused

TODAY = date(2026, 11, 26)


@pytest.fixture
def case(case_file: CaseFile) -> str:
    (case_id,) = case_file.save(
        [
            Edit(
                "case",
                {
                    "case_number": "（2026）豫0302执300号",
                    "filing_date": "2026-05-06",
                    "court_code": "豫0302",
                    "cause": "民间借贷纠纷",
                    "basis_court": "河南省洛阳市老城区人民法院",
                    "basis_number": "（2025）豫0302民初88号",
                    "basis_kind": "民事判决书",
                    "principal": 10_000_000,
                    "enforcement_fee": 100_000,
                },
            )
        ]
    )
    applicant, _debtor = case_file.save(
        [
            Edit(
                "party", {"case_id": case_id, "role": "applicant", "kind": "person", "name": "王五"}
            ),
            Edit("party", {"case_id": case_id, "role": "debtor", "kind": "person", "name": "李四"}),
        ]
    )
    case_file.save(
        [
            Edit(
                "party",
                {
                    "case_id": case_id,
                    "role": "agent",
                    "kind": "person",
                    "name": "赵律师",
                    "represents": applicant,
                    "authority": "special",
                    "authority_document": "授权委托书（2026年5月1日）",
                },
                record_id="agent-special",
            ),
            Edit(
                "party",
                {
                    "case_id": case_id,
                    "role": "agent",
                    "kind": "person",
                    "name": "钱某",
                    "represents": applicant,
                    "authority": "general",
                },
                record_id="agent-general",
            ),
            Edit(
                "measure",
                {
                    "case_id": case_id,
                    "kind": "online_inquiry",
                    "channel": "bank",
                    "date": "2026-05-10",
                    "found": "no",
                    "result": "未查询到存款",
                },
            ),
            Edit(
                "measure",
                {
                    "case_id": case_id,
                    "kind": "field_visit",
                    "date": "2026-06-02",
                    "result": "住所无人",
                },
            ),
            Edit(
                "asset",
                {
                    "case_id": case_id,
                    "kind": "vehicle",
                    "description": "2009年产桑塔纳轿车一辆",
                    "status": "cannot_dispose",
                    "cannot_dispose_reason": "车辆下落不明，无法扣押",
                },
            ),
        ]
    )
    return case_id


def complete(draft, *, interviewee: str, clues=(), opinion="agrees") -> None:
    template = draft.data["template"]
    draft.data["header"] |= {
        "date": "2026-11-20",
        "start": "09:30",
        "end": "10:05",
        "place": "本院执行局第三约谈室",
        "method": "in_person",
        "officer": "张伟",
        "recorder": "李娜",
        "interviewee_id": interviewee,
    }
    draft.data["notices_read"] = [n["id"] for n in template["notices"]]
    draft.data["answers"] = {
        "understood": "听清楚了，没有异议。",
        "new_clues": "yes" if clues else "no",
    }
    draft.data["clues"] = [{"description": c, "urgent": False} for c in clues]
    draft.data["opinion"] = {
        "choice": opinion,
        "reasons": "" if opinion == "agrees" else "被执行人有车",
    }


def applicant_id(cf: CaseFile, case_id: str) -> str:
    return next(pid for pid, label in interview.interviewees(cf, case_id) if "申请执行人" in label)


def test_the_notices_are_filled_with_the_cases_own_facts(case_file, case):
    draft = interview.start_draft(case_file, case, officer="张伟")
    complete(draft, interviewee=applicant_id(case_file, case))
    facts = interview.interview_facts(case_file, case, TODAY)
    text = interview.build_document(case_file, draft, facts).text()
    assert "（2026）豫0302执300号" in text
    assert "河南省洛阳市老城区人民法院（2025）豫0302民初88号民事判决书" in text
    assert "王五申请执行李四民间借贷纠纷一案" in text
    assert "100，000元" in text  # the claim
    assert "2026年5月10日，网络查控（银行存款），未查询到存款" in text
    assert "2026年6月2日，现场调查，住所无人" in text
    assert "2009年产桑塔纳轿车一辆（不能处置，车辆下落不明，无法扣押）" in text
    assert "尚欠101，000元" in text or "尚欠" in text
    assert "可以随时向本院申请恢复执行" in text
    assert "以上笔录已阅（已向我宣读），与我所说一致。" in text
    assert "我同意终结本次执行程序。" in text


def test_an_agent_without_special_authority_is_refused(case_file, case):
    draft = interview.start_draft(case_file, case)
    complete(draft, interviewee="agent-general")
    with pytest.raises(ValidationFailed) as refused:
        interview.finalise(case_file, draft, TODAY)
    assert "未经特别授权" in refused.value.errors["interviewee_id"]
    assert interview.records(case_file, case) == []
    complete(draft, interviewee="agent-special")
    doc_id = interview.finalise(case_file, draft, TODAY)
    text = interview.record(case_file, doc_id).document.text()
    assert "赵律师，申请执行人王五的委托代理人（特别授权，授权委托书（2026年5月1日））" in text


def test_nothing_missing_may_be_finalised(case_file, case):
    draft = interview.start_draft(case_file, case)
    errors = interview.check(case_file, draft, TODAY)
    assert {"date", "start", "end", "recorder", "interviewee_id", "notices", "opinion"} <= set(
        errors
    )
    assert "q.understood" in errors and "q.new_clues" in errors
    complete(draft, interviewee=applicant_id(case_file, case), opinion="disagrees")
    draft.data["opinion"]["reasons"] = ""
    draft.data["header"]["end"] = "09:00"
    draft.data["header"]["date"] = "2026-12-01"
    errors = interview.check(case_file, draft, TODAY)
    assert "理由" in errors["opinion"]
    assert "晚于今天" in errors["date"]
    assert "早于开始时间" in errors["end"]


def test_new_clues_are_listed_and_become_clues_to_verify(case_file, case):
    draft = interview.start_draft(case_file, case)
    complete(
        draft,
        interviewee=applicant_id(case_file, case),
        clues=("被执行人在洛阳市老城区有一间门面房", "被执行人在建设银行有工资账户"),
    )
    doc_id = interview.finalise(case_file, draft, TODAY)
    text = interview.record(case_file, doc_id).document.text()
    assert "1．被执行人在洛阳市老城区有一间门面房；2．被执行人在建设银行有工资账户" in text
    assert "核实完毕前不终结本次执行程序" in text
    clues = enforcement.load_record(case_file, case).clues
    assert sorted(c.description for c in clues) == [
        "被执行人在建设银行有工资账户",
        "被执行人在洛阳市老城区有一间门面房",
    ]
    readiness = enforcement.readiness(case_file, case, TODAY)
    clue_finding = next(f for f in readiness.findings if f.code == "clues_verified")
    assert clue_finding.status.value == "not_met"


def test_a_yes_without_a_clue_is_refused(case_file, case):
    draft = interview.start_draft(case_file, case)
    complete(draft, interviewee=applicant_id(case_file, case))
    draft.data["answers"]["new_clues"] = "yes"
    assert "逐条记录" in interview.check(case_file, draft, TODAY)["q.new_clues"]


def test_finalising_records_the_interview_for_the_termination_check(case_file, case):
    before = enforcement.readiness(case_file, case, TODAY)
    assert next(f for f in before.findings if f.code == "interview").status.value == "not_met"
    draft = interview.start_draft(case_file, case)
    complete(draft, interviewee=applicant_id(case_file, case))
    doc_id = interview.finalise(case_file, draft, TODAY)
    after = enforcement.readiness(case_file, case, TODAY)
    finding = next(f for f in after.findings if f.code == "interview")
    assert finding.status.value == "met"
    assert "2026-11-20" in " ".join(finding.satisfied_by)
    held = interview.record(case_file, doc_id)
    assert held.opinion == "同意终结本次执行程序"
    assert interview.open_draft(case_file, case) is None  # the draft went with finalising


def test_the_stored_content_matches_its_hash_and_prints(case_file, case, tmp_path):
    draft = interview.start_draft(case_file, case)
    complete(draft, interviewee=applicant_id(case_file, case))
    doc_id = interview.finalise(case_file, draft, TODAY)
    stored = case_file.get("document", doc_id).values
    held = interview.record(case_file, doc_id)
    assert content_hash(held.document) == stored["content_hash"]
    assert json.loads(stored["data"])["template"] if "template" in stored["data"] else True
    pdf = render_pdf(held.document)
    assert pdf.startswith(b"%PDF")


def test_a_finalised_record_cannot_be_changed_and_a_correction_points_at_it(case_file, case):
    draft = interview.start_draft(case_file, case)
    complete(draft, interviewee=applicant_id(case_file, case))
    first = interview.finalise(case_file, draft, TODAY)
    with pytest.raises(ChangeRefused):
        case_file.save([Edit("document", {"content": '{"blocks": []}'}, record_id=first)])
    correction = interview.start_correction(case_file, first, officer="张伟")
    assert correction.data["header"]["recorder"] == "李娜"  # the answers carried over
    correction.data["turns"] = [{"q": "还有什么补充？", "a": "被执行人的妻子名下有房产。"}]
    second = interview.finalise(case_file, correction, TODAY)
    assert interview.record(case_file, second).corrects == first
    assert interview.current_record(case_file, case).id == second
    assert interview.record(case_file, first).document  # the old one stays, unchanged


def test_signing_on_paper_is_recorded_but_not_before_the_interview(case_file, case):
    draft = interview.start_draft(case_file, case)
    complete(draft, interviewee=applicant_id(case_file, case))
    doc_id = interview.finalise(case_file, draft, TODAY)
    with pytest.raises(ValidationFailed) as refused:
        interview.confirm_signed(case_file, doc_id, {"signed_date": "2026-11-19"}, TODAY)
    assert "早于约谈日期" in refused.value.errors["signed_date"]
    interview.confirm_signed(case_file, doc_id, {"signed_date": "2026-11-21"}, TODAY)
    assert interview.record(case_file, doc_id).signed_date == date(2026, 11, 21)


def test_a_draft_keeps_its_template_copy_when_the_file_changes(case_file, case):
    draft = interview.start_draft(case_file, case)
    draft.data["template"]["notices"][0]["text"] = "旧版本模板的告知：{{ case_number }}"
    interview.save(case_file, draft)
    again = interview.open_draft(case_file, case)
    assert again.id == draft.id
    assert again.data["template"]["notices"][0]["text"].startswith("旧版本模板")
    complete(again, interviewee=applicant_id(case_file, case))
    facts = interview.interview_facts(case_file, case, TODAY)
    text = interview.build_document(case_file, again, facts).text()
    assert "旧版本模板的告知：（2026）豫0302执300号" in text


def test_a_template_with_an_unknown_name_is_reported_not_printed_blank(case_file, case):
    from workstation.templates import TemplateProblem

    draft = interview.start_draft(case_file, case)
    draft.data["template"]["notices"][0]["text"] = "{{ debtor_nmae }}"
    complete(draft, interviewee=applicant_id(case_file, case))
    with pytest.raises(TemplateProblem) as problem:
        interview.finalise(case_file, draft, TODAY)
    assert "无法填写" in problem.value.message
    assert interview.records(case_file, case) == []


def test_the_command_line_prints_the_record_to_a_pdf(case_file, case, tmp_path, capsys):
    from pypdf import PdfReader

    from workstation.cli import main

    draft = interview.start_draft(case_file, case)
    complete(draft, interviewee=applicant_id(case_file, case))
    doc_id = interview.finalise(case_file, draft, TODAY)
    case_file.close()
    data_dir = str(case_file.path.parent)
    out = tmp_path / "record.pdf"
    assert main(["interview-record", doc_id, "-o", str(out), "--data-dir", data_dir]) == 0
    pages = PdfReader(out).pages
    assert "已生成约谈笔录" in capsys.readouterr().out
    assert "（2026）豫0302执300号" in pages[0].extract_text()
    by_number = tmp_path / "by-number.pdf"
    code = main(
        ["interview-record", "(2026)豫0302执300号", "-o", str(by_number), "--data-dir", data_dir]
    )
    assert code == 0 and by_number.read_bytes()[:4] == b"%PDF"
    assert main(["interview-record", "no-such-id", "-o", str(out), "--data-dir", data_dir]) == 2
    assert "没有编号为no-such-id的约谈笔录" in capsys.readouterr().err
    missing = tmp_path / "no-dir" / "x.pdf"
    assert main(["interview-record", doc_id, "-o", str(missing), "--data-dir", data_dir]) == 2
    assert "无法写入文件" in capsys.readouterr().err


def test_the_header_table_follows_the_template(case_file, case):
    from workstation.templates import TemplateProblem

    draft = interview.start_draft(case_file, case)
    complete(draft, interviewee=applicant_id(case_file, case))
    draft.data["template"]["header"] = [
        {"key": "interviewee", "label": "谈话对象"},
        {"key": "time", "label": "时间"},
        {"key": "others", "label": "在场人员"},  # nobody else: the row is left out
    ]
    facts = interview.interview_facts(case_file, case, TODAY)
    (table,) = [
        b for b in interview.build_document(case_file, draft, facts).blocks if hasattr(b, "rows")
    ]
    assert table.rows == (
        ("谈话对象", "王五，申请执行人"),
        ("时间", "2026年11月20日9时30分至10时05分"),
    )
    draft.data["template"]["header"] = [{"key": "weather", "label": "天气"}]
    with pytest.raises(TemplateProblem) as problem:
        interview.build_document(case_file, draft, facts)
    assert "weather" in problem.value.message


def test_the_printed_pages_render_with_ink_in_the_body_and_the_footer(case_file, case, tmp_path):
    """The record's pages as images (also kept for looking at, in SNAPSHOT_DIR when set): each
    page has text in its body and in its signature footer, none is blank."""
    import os

    from PySide6.QtGui import QImage

    from workstation.documents import render_png_pages

    draft = interview.start_draft(case_file, case)
    complete(
        draft, interviewee=applicant_id(case_file, case), clues=("被执行人在建设银行有工资账户",)
    )
    doc_id = interview.finalise(case_file, draft, TODAY)
    pdf = render_pdf(interview.record(case_file, doc_id).document)
    out = Path(os.environ.get("SNAPSHOT_DIR") or tmp_path)
    pages = render_png_pages(pdf, out, dpi=50, prefix="interview-record")
    assert len(pages) >= 2
    for page in pages:
        image = QImage(str(page))
        assert _inked(image, 0.12, 0.8) > 200, f"{page.name}: empty body"
        assert _inked(image, 0.86, 0.97) > 20, f"{page.name}: no footer"


def _inked(image, top: float, bottom: float) -> int:
    """Dark pixels (every second one) between two heights given as fractions of the page."""
    width, height = image.width(), image.height()
    return sum(
        1
        for y in range(int(height * top), int(height * bottom), 2)
        for x in range(0, width, 2)
        if image.pixelColor(x, y).lightness() < 128
    )
