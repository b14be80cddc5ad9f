"""Resumption (恢复执行): a 执恢 case made from a terminated case, linked to it, with its parties
and judgment, counting what the original recovered; the original is not changed."""

from datetime import date

import pytest

from tests.conftest import fingerprint
from workstation import enforcement, resumption
from workstation.cases import PartyForm, ValidationFailed, save_case
from workstation.enforcement_more import WorkItem, WorkKind, work_list
from workstation.store.casefile import CaseFile, Edit

TODAY = date(2026, 11, 26)
ORIGINAL = "（2024）豫0302执100号"
TERMINATED = "2025-03-10"


def terminated_case(cf: CaseFile, number: str = ORIGINAL, closing: str = TERMINATED) -> str:
    case_id = save_case(
        cf,
        {
            "case_number": number,
            "filing_date": "2024-05-06",
            "officer": "张伟",
            "cause": "民间借贷纠纷",
            "basis_court": "洛阳市西工区人民法院",
            "basis_number": "（2023）豫0303民初88号",
            "basis_kind": "民事判决书",
            "basis_effective_date": "2024-01-10",
            "principal": "10万",
            "interest": "5000",
            "interest_terms": "按年利率3.85%计至实际清偿之日",
            "enforcement_fee": "1500",
            "due_date": "2024-01-20",
            "status": "closed",
            "closing_date": closing,
            "closing_method": "termination",
        },
        [
            PartyForm({"role": "applicant", "kind": "person", "name": "王五"}),
            PartyForm({"role": "debtor", "kind": "person", "name": "李四"}),
            PartyForm(
                {
                    "role": "agent",
                    "kind": "person",
                    "name": "赵律师",
                    "represents": "#0",
                    "authority": "special",
                    "authority_document": "授权委托书2024-05-01",
                }
            ),
        ],
        today=TODAY,
    )
    cf.save(
        [
            Edit(
                "funds",
                {
                    "case_id": case_id,
                    "kind": "receipt",
                    "date": "2024-08-01",
                    "amount": 3_000_000,
                    "source": "transfer",
                },
            )
        ]
    )
    return case_id


def resume(cf: CaseFile, original: str, **raw: str) -> str:
    values = {"case_number": "（2026）豫0302执恢12号", "filing_date": "2026-11-20"} | raw
    return resumption.start_resumption(cf, original, values, today=TODAY)


def test_resumption_copies_parties_and_judgment_and_links_the_original(case_file):
    original = terminated_case(case_file)
    before = case_file.state_snapshot()["case"][original]
    new = resume(case_file, original)
    case = case_file.get("case", new).values
    assert case["case_number"] == "（2026）豫0302执恢12号"
    assert case["original_case_id"] == original
    assert case["status"] == "open" and case["filing_date"] == "2026-11-20"
    assert case["officer"] == "张伟"
    for key in resumption.COPIED_FIELDS:
        assert case[key] == before[key], key
    record = enforcement.load_record(case_file, new)
    assert [p.name for p in record.applicants] == ["王五"]
    assert [p.name for p in record.debtors] == ["李四"]
    agent = case_file.conn.execute(
        "SELECT represents FROM parties WHERE case_id = ? AND role = 'agent'", (new,)
    ).fetchone()[0]
    assert agent == record.applicants[0].id  # points at the copy, not the original's applicant
    assert case_file.state_snapshot()["case"][original] == before  # the original is unchanged
    links = resumption.case_links(case_file, original)
    assert [c.id for c in links.resumptions] == [new] and links.original is None
    back = resumption.case_links(case_file, new)
    assert back.original.id == original and back.original.status == "终结本次执行程序"


def test_resumption_counts_what_the_original_recovered(case_file):
    original = terminated_case(case_file)
    owed_on_original = enforcement.amount_outstanding(
        enforcement.load_record(case_file, original), TODAY
    )
    new = resume(case_file, original)
    record = enforcement.load_record(case_file, new)
    assert record.prior_recovered == 3_000_000
    assert record.funds.receipts == ()  # the ledger (deadlines, money held) is the case's own
    owed = enforcement.amount_outstanding(record, TODAY)
    assert owed.recovered == 3_000_000
    assert owed == owed_on_original  # same judgment, same payments, same day
    ready = enforcement.readiness(case_file, new, TODAY)
    assert ready.outstanding.amount == owed.amount
    assert enforcement.funds_status(case_file, new, TODAY).received == 0


@pytest.mark.parametrize(
    ("filing", "refused"),
    [("2025-03-09", True), ("2025-03-10", False), ("2026-11-27", True), ("2026-11-26", False)],
)
def test_filing_date_not_before_termination_nor_in_the_future(case_file, filing, refused):
    original = terminated_case(case_file)
    number = f"（{filing[:4]}）豫0302执恢12号"
    if refused:
        before = fingerprint(case_file)
        with pytest.raises(ValidationFailed) as exc:
            resume(case_file, original, filing_date=filing, case_number=number)
        message = exc.value.errors["filing_date"]
        assert "早于原案终结本次执行程序的日期2025-03-10" in message or "晚于今天" in message
        assert fingerprint(case_file) == before
    else:
        assert resume(case_file, original, filing_date=filing, case_number=number)


def test_termination_date_when_recorded_is_the_bound(case_file):
    original = terminated_case(case_file)
    case_file.save([Edit("case", {"termination_date": "2025-03-20"}, original)])
    with pytest.raises(ValidationFailed) as exc:
        resume(case_file, original, filing_date="2025-03-19", case_number="（2025）豫0302执恢1号")
    assert "2025-03-20" in exc.value.errors["filing_date"]


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("（2026）豫0302执12号", "类型代字应为“执恢”"),
        ("（2026）豫0303执恢12号", "法院代字应为“豫0302”"),
        ("（2025）豫0302执恢12号", "年度（2025）与立案日期2026-11-20"),
        ("（2026）豫0302民初12号", "不是执行类案件的代字"),
        ("", "请填写恢复执行案件的案号"),
    ],
)
def test_the_number_must_be_a_resumption_number_of_the_same_court(case_file, number, message):
    original = terminated_case(case_file)
    with pytest.raises(ValidationFailed) as exc:
        resume(case_file, original, case_number=number)
    assert message in exc.value.errors["case_number"]


def test_only_a_terminated_case_not_yet_resumed_can_be_resumed(case_file):
    original = terminated_case(case_file)
    open_case = terminated_case(case_file, "（2024）豫0302执101号")
    case_file.save(
        [Edit("case", {"status": "open", "closing_date": None, "closing_method": None}, open_case)]
    )
    assert "终结本次执行程序" in resumption.resumption_refusal(case_file, open_case)
    with pytest.raises(ValidationFailed) as exc:
        resume(case_file, open_case)
    assert "终结本次执行程序" in exc.value.errors["original"]
    assert resumption.resumption_refusal(case_file, original) is None
    resume(case_file, original)
    assert "已恢复执行（（2026）豫0302执恢12号）" in resumption.resumption_refusal(
        case_file, original
    )
    with pytest.raises(ValidationFailed):
        resume(case_file, original, case_number="（2026）豫0302执恢13号")


def test_a_number_already_registered_is_refused(case_file):
    first = terminated_case(case_file)
    second = terminated_case(case_file, "（2024）豫0302执101号")
    resume(case_file, first)
    with pytest.raises(ValidationFailed) as exc:
        resume(case_file, second)
    assert "已存在" in exc.value.errors["case_number"]


def test_the_form_proposes_court_and_year(case_file):
    original = terminated_case(case_file)
    assert resumption.proposed_number(case_file, original, TODAY) == "（2026）豫0302执恢"


def test_a_second_resumption_counts_the_whole_chain(case_file):
    original = terminated_case(case_file)
    first = resume(case_file, original)
    case_file.save(
        [
            Edit(
                "funds",
                {
                    "case_id": first,
                    "kind": "receipt",
                    "date": "2026-11-21",
                    "amount": 1_000_000,
                    "source": "debtor_payment",
                },
            ),
            Edit(
                "case",
                {"status": "closed", "closing_method": "termination", "closing_date": "2026-11-22"},
                first,
            ),
        ]
    )
    second = resume(
        case_file, first, case_number="（2026）豫0302执恢20号", filing_date="2026-11-25"
    )
    record = enforcement.load_record(case_file, second)
    assert record.prior_recovered == 4_000_000


def test_work_view_suggests_resumption_until_the_case_is_resumed(case_file):
    original = terminated_case(case_file)
    case_file.save([Edit("case", {"termination_date": TERMINATED}, original)])
    enforcement.record_measure(
        case_file,
        original,
        {"kind": "online_inquiry", "channel": "vehicle", "date": "2026-11-10", "found": "yes"},
        today=TODAY,
    )

    def aftercare_items() -> list[WorkItem]:
        items = work_list(case_file, TODAY).of_kind(WorkKind.AFTERCARE)
        return [i for i in items if i.case_id == original]

    (item,) = aftercare_items()
    assert "恢复执行…" in item.what
    resume(case_file, original)
    assert aftercare_items() == []  # resumed: enforced again under the 执恢 number
