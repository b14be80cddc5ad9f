"""The enforcement record through the service layer: checked by the rules, journaled, answered."""

import json
from datetime import date

import pytest

from tests.conftest import fingerprint
from workstation import enforcement
from workstation.cases import ValidationFailed
from workstation.cli import main
from workstation.enforcement_more import record_seizure_as_typed
from workstation.store.casefile import CaseFile, Edit

TODAY = date(2026, 11, 26)
CHANNELS = (
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


@pytest.fixture
def case(case_file: CaseFile) -> str:
    (case_id,) = case_file.save(
        [
            Edit(
                "case",
                {
                    "case_number": "（2026）豫0302执300号",
                    "filing_date": "2026-05-06",
                    "principal": 10_000_000,
                    "enforcement_fee": 100_000,
                    "court_code": "豫0302",
                },
            )
        ]
    )
    case_file.save(
        [
            Edit(
                "party", {"case_id": case_id, "role": "applicant", "kind": "person", "name": "王五"}
            ),
            Edit("party", {"case_id": case_id, "role": "debtor", "kind": "person", "name": "李四"}),
        ]
    )
    return case_id


def test_an_inquiry_dated_in_the_future_is_refused_and_nothing_written(case_file, case):
    before = fingerprint(case_file)
    with pytest.raises(ValidationFailed) as refused:
        enforcement.record_measure(
            case_file,
            case,
            {"kind": "online_inquiry", "channel": "bank", "date": "2026-12-01"},
            today=TODAY,
        )
    assert "晚于今天" in refused.value.errors["date"]
    assert fingerprint(case_file) == before


def test_an_online_inquiry_must_name_its_channel(case_file, case):
    with pytest.raises(ValidationFailed) as refused:
        enforcement.record_measure(
            case_file, case, {"kind": "online_inquiry", "date": "2026-11-01"}, today=TODAY
        )
    assert "财产项目" in refused.value.errors["channel"]


def test_a_measure_before_filing_is_refused(case_file, case):
    with pytest.raises(ValidationFailed) as refused:
        enforcement.record_measure(
            case_file, case, {"kind": "execution_notice", "date": "2026-05-01"}, today=TODAY
        )
    assert "立案" in refused.value.errors["date"]


def test_inquiries_of_every_channel_meet_the_online_inquiry_condition(case_file, case):
    before = enforcement.readiness(case_file, case, TODAY)
    assert before.finding("online_inquiry").status.value == "not_met"
    assert before.finding("additional_inquiry").status.value == "not_met"
    ids = [
        enforcement.record_measure(
            case_file,
            case,
            {"kind": "online_inquiry", "channel": ch, "date": "2026-11-20", "found": "no"},
            today=TODAY,
        )
        for ch in CHANNELS
    ]
    after = enforcement.readiness(case_file, case, TODAY)
    for code in ("online_inquiry", "additional_inquiry"):
        finding = after.finding(code)
        assert finding.status.value == "met", finding.detail
        assert set(finding.satisfied_by) <= set(ids)


def test_a_payout_larger_than_the_funds_held_is_refused(case_file, case):
    case_file.save(
        [
            Edit(
                "funds",
                {
                    "case_id": case,
                    "kind": "receipt",
                    "date": "2026-11-01",
                    "amount": 300_000,
                    "source": "transfer",
                },
            )
        ]
    )
    before = fingerprint(case_file)
    with pytest.raises(ValidationFailed) as refused:
        enforcement.record_payout(
            case_file, case, {"date": "2026-11-10", "amount": 300_001, "payee": "王五"}, today=TODAY
        )
    assert refused.value.errors["amount"]
    assert fingerprint(case_file) == before
    enforcement.record_payout(
        case_file, case, {"date": "2026-11-10", "amount": 300_000, "payee": "王五"}, today=TODAY
    )
    assert enforcement.funds_status(case_file, case, TODAY).held == 0


def test_a_seizure_dated_before_filing_is_refused(case_file, case):
    (asset,) = case_file.save(
        [Edit("asset", {"case_id": case, "kind": "vehicle", "description": "小型轿车一辆"})]
    )
    before = fingerprint(case_file)
    with pytest.raises(ValidationFailed) as refused:
        record_seizure_as_typed(
            case_file, case, {"asset_id": asset, "kind": "seal", "date": "2026-04-01"}, today=TODAY
        )
    assert "立案" in refused.value.errors["date"]
    assert fingerprint(case_file) == before


def test_the_outstanding_amount_counts_receipts_and_delay_interest(case_file, case):
    case_file.save([Edit("case", {"due_date": "2026-06-01"}, case)])
    record = enforcement.load_record(case_file, case)
    before = enforcement.amount_outstanding(record, TODAY)
    # 100,000.00 yuan unpaid x 1.75/10000 a day from 2026-06-02 to 2026-11-26 (178 days)
    assert before.delay_interest == 10_000_000 * 175 * 178 // 1_000_000
    case_file.save(
        [
            Edit(
                "funds",
                {
                    "case_id": case,
                    "kind": "receipt",
                    "date": "2026-11-01",
                    "amount": 2_000_000,
                    "source": "transfer",
                },
            )
        ]
    )
    after = enforcement.amount_outstanding(enforcement.load_record(case_file, case), TODAY)
    assert after.recovered == 2_000_000
    assert after.amount < before.amount - 2_000_000 + 1


def test_readiness_command_exits_1_until_ready_and_explains_in_chinese(case_file, case, capsys):
    case_file.close()
    data_dir = str(case_file.path.parent)
    code = main(
        ["readiness", "(2026)豫0302执300号", "--data-dir", data_dir, "--today", "2026-11-26"]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "尚不能终结本次执行程序" in out
    assert "应办：" in out and "依据：" in out
    code = main(["readiness", "（2026）豫0302执300号", "--json", "--data-dir", data_dir])
    data = json.loads(capsys.readouterr().out)
    assert code == 1 and data["ready"] is False
    assert {f["status"] for f in data["findings"]} >= {"met", "not_met"}
    assert main(["readiness", "(2026)豫0302执999号", "--data-dir", data_dir]) == 2
    assert "没有找到" in capsys.readouterr().err
