"""Deferral and escrow of case funds, the excessive-seizure exception and the after-termination
inquiry told to the applicant, through the service layer: checked, journaled, read back."""

import json
from datetime import date

import pytest

from tests.conftest import fingerprint
from workstation import enforcement, enforcement_entries
from workstation.cases import ValidationFailed
from workstation.domain.aftercare import RoundStatus
from workstation.domain.seizures import ExcessStatus
from workstation.enforcement_more import WorkKind, record_asset, work_list
from workstation.store.casefile import CaseFile, Edit

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


def receipt(cf: CaseFile, case_id: str, day: str = "2026-10-01", amount: int = 5_000_000) -> str:
    (rid,) = cf.save(
        [
            Edit(
                "funds",
                {
                    "case_id": case_id,
                    "kind": "receipt",
                    "date": day,
                    "amount": amount,
                    "source": "transfer",
                },
            )
        ]
    )
    return rid


def refused(cf: CaseFile, call, field: str) -> str:
    """The message for `field` when `call` is refused; nothing is written."""
    before = fingerprint(cf)
    with pytest.raises(ValidationFailed) as exc:
        call()
    assert fingerprint(cf) == before
    return exc.value.errors[field]


# -- deferral ------------------------------------------------------------------------------
def deferral(**raw: str) -> dict[str, str]:
    return {"reason": "distribution", "approver": "执行局长", "date": "2026-10-20"} | raw


def test_a_deferral_moves_the_deadline_by_its_days(case_file, case):
    rid = receipt(case_file, case)
    plain = enforcement.funds_status(case_file, case, TODAY).receipts[0]
    assert plain.deadline == date(2026, 10, 31) and plain.overdue_days == 26
    did = enforcement_entries.record_deferral(
        case_file, case, deferral(receipt_id=rid, end_date="2026-11-08"), today=TODAY
    )
    status = enforcement.funds_status(case_file, case, TODAY).receipts[0]
    assert status.deferred_days == 20  # 2026-10-20 .. 2026-11-08
    assert status.deadline == date(2026, 11, 20)
    (stored,) = enforcement.load_record(case_file, case).funds.deferrals
    assert stored.id == did and stored.approver == "执行局长" and stored.receipt_id == rid


def test_a_running_deferral_is_ended_later(case_file, case):
    rid = receipt(case_file, case)
    did = enforcement_entries.record_deferral(
        case_file, case, deferral(receipt_id=rid), today=TODAY
    )
    assert enforcement.funds_status(case_file, case, TODAY).receipts[0].deferred_now
    message = refused(
        case_file,
        lambda: enforcement_entries.end_deferral(
            case_file, did, {"end_date": "2026-10-19"}, today=TODAY
        ),
        "end_date",
    )
    assert "早于延缓开始日期2026-10-20" in message
    enforcement_entries.end_deferral(case_file, did, {"end_date": "2026-10-20"}, today=TODAY)
    status = enforcement.funds_status(case_file, case, TODAY).receipts[0]
    assert not status.deferred_now and status.deferred_days == 1


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        ({"approver": ""}, "approver", "须经批准"),
        ({"reason": "because"}, "reason", "请从列表中选择"),
        ({"reason": ""}, "reason", "请从列表中选择"),
        ({"end_date": "2026-10-19"}, "end_date", "结束日期早于开始日期"),
        ({"date": "2026-09-30"}, "date", "早于到账日期2026-10-01"),
        ({"date": "2026-11-27"}, "date", "晚于今天"),
        ({"reason": "other"}, "note", "写明理由"),
        ({"receipt_id": ""}, "receipt_id", "选择一笔到账款"),
    ],
)
def test_a_deferral_is_refused_without_what_the_rules_need(case_file, case, raw, field, message):
    rid = receipt(case_file, case)
    values = deferral(receipt_id=rid) | raw
    got = refused(
        case_file,
        lambda: enforcement_entries.record_deferral(case_file, case, values, today=TODAY),
        field,
    )
    assert message in got


def test_no_deferral_of_a_receipt_already_paid_out(case_file, case):
    rid = receipt(case_file, case)
    enforcement.record_payout(
        case_file,
        case,
        {"date": "2026-10-10", "amount": 5_000_000, "payee": "王五", "receipt_id": rid},
        today=TODAY,
    )
    message = refused(
        case_file,
        lambda: enforcement_entries.record_deferral(
            case_file, case, deferral(receipt_id=rid), today=TODAY
        ),
        "receipt_id",
    )
    assert "已发放完毕" in message
    # deferred before it was paid: still possible to record afterwards
    enforcement_entries.record_deferral(
        case_file, case, deferral(receipt_id=rid, date="2026-10-05", end_date="2026-10-09"), TODAY
    )


def test_overlapping_deferrals_of_one_receipt_are_refused(case_file, case):
    rid = receipt(case_file, case)
    enforcement_entries.record_deferral(
        case_file, case, deferral(receipt_id=rid, end_date="2026-10-25"), today=TODAY
    )
    message = refused(
        case_file,
        lambda: enforcement_entries.record_deferral(
            case_file, case, deferral(receipt_id=rid, date="2026-10-25"), today=TODAY
        ),
        "date",
    )
    assert "自2026-10-20起" in message
    enforcement_entries.record_deferral(
        case_file, case, deferral(receipt_id=rid, date="2026-10-26"), today=TODAY
    )


# -- escrow --------------------------------------------------------------------------------
def test_escrow_counts_as_paid_out_and_cannot_exceed_the_receipt(case_file, case):
    rid = receipt(case_file, case)
    raw = {
        "receipt_id": rid,
        "date": "2026-10-15",
        "amount": "5.5万",
        "reason": "refused",
        "approver": "院长",
    }
    message = refused(
        case_file,
        lambda: enforcement_entries.record_escrow(case_file, case, raw, today=TODAY),
        "amount",
    )
    assert "超过该笔到账款尚未发放的50,000.00元" in message
    enforcement_entries.record_escrow(case_file, case, raw | {"amount": "5万"}, today=TODAY)
    funds = enforcement.funds_status(case_file, case, TODAY)
    assert funds.held == 0 and funds.paid_out == 5_000_000 and funds.overdue_amount == 0
    (escrow,) = enforcement.load_record(case_file, case).funds.escrows
    assert escrow.reason.label == "申请执行人无正当理由拒绝领取"


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        ({"approver": ""}, "approver", "提存须经批准"),
        ({"reason": "whim"}, "reason", "请从列表中选择"),
        ({"reason": "other"}, "note", "写明情形"),
        ({"date": "2026-09-30"}, "date", "早于到账日期"),
        ({"amount": ""}, "amount", "请填写提存金额"),
    ],
)
def test_escrow_is_refused_without_what_the_rules_need(case_file, case, raw, field, message):
    rid = receipt(case_file, case)
    values = {
        "receipt_id": rid,
        "date": "2026-10-15",
        "amount": "1万",
        "reason": "missing",
        "approver": "院长",
    } | raw
    got = refused(
        case_file,
        lambda: enforcement_entries.record_escrow(case_file, case, values, today=TODAY),
        field,
    )
    assert message in got


# -- excessive seizure exception -----------------------------------------------------------
def seized_house(cf: CaseFile, case_id: str, value: str = "80万") -> str:
    asset = record_asset(
        cf,
        case_id,
        {
            "kind": "real_estate",
            "description": "住宅一套",
            "value": value,
            "value_basis": "appraisal",
        },
        today=TODAY,
    )
    (seizure,) = cf.save(
        [
            Edit(
                "seizure",
                {"case_id": case_id, "asset_id": asset, "kind": "seal", "date": "2026-06-01"},
            )
        ]
    )
    return seizure


def exception(**raw: str) -> dict[str, str]:
    return {
        "indivisible": "1",
        "no_other_property": "1",
        "reason": "住宅为单一产权证，无法分割查封；被执行人无其他财产",
        "officer": "张伟",
        "date": "2026-11-20",
    } | raw


def test_recorded_exception_turns_the_warning_into_above_with_exception(case_file, case):
    seizure = seized_house(case_file, case)
    check = enforcement.excessive_seizure(enforcement.load_record(case_file, case), TODAY)
    assert check.status is ExcessStatus.ABOVE
    enforcement_entries.record_excess_exception(case_file, seizure, exception(), today=TODAY)
    stored = json.loads(case_file.get("seizure", seizure).values["excess_exception"])
    assert stored == {
        "indivisible": True,
        "no_other_property": True,
        "reason": "住宅为单一产权证，无法分割查封；被执行人无其他财产",
        "officer": "张伟",
        "date": "2026-11-20",
    }
    check = enforcement.excessive_seizure(enforcement.load_record(case_file, case), TODAY)
    assert check.status is ExcessStatus.ABOVE_WITH_EXCEPTION
    assert "住宅为单一产权证" in check.warning
    enforcement_entries.withdraw_excess_exception(case_file, seizure)
    check = enforcement.excessive_seizure(enforcement.load_record(case_file, case), TODAY)
    assert check.status is ExcessStatus.ABOVE


def test_an_exception_does_not_cover_other_seizures_held_above_the_debt(case_file, case):
    house = seized_house(case_file, case)
    enforcement_entries.record_excess_exception(case_file, house, exception(), today=TODAY)
    seized_house(case_file, case, value="50万")  # a second property, itself above the debt
    check = enforcement.excessive_seizure(enforcement.load_record(case_file, case), TODAY)
    assert check.status is ExcessStatus.ABOVE


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        ({"indivisible": ""}, "exception", "同时具备"),
        ({"no_other_property": "0"}, "exception", "同时具备"),
        ({"reason": " "}, "reason", "具体理由"),
        ({"officer": ""}, "officer", "承办人"),
        ({"date": "2026-05-31"}, "date", "早于查封日期2026-06-01"),
        ({"date": "2026-11-27"}, "date", "晚于今天"),
    ],
)
def test_an_exception_lacking_a_condition_is_refused(case_file, case, raw, field, message):
    seizure = seized_house(case_file, case)
    got = refused(
        case_file,
        lambda: enforcement_entries.record_excess_exception(
            case_file, seizure, exception(**raw), today=TODAY
        ),
        field,
    )
    assert message in got


# -- the after-termination inquiry told to the applicant -----------------------------------
def terminate(cf: CaseFile, case_id: str, day: str = "2026-03-01") -> None:
    cf.save([Edit("case", {"termination_date": day, "filing_date": "2025-10-01"}, case_id)])


def inquiry(cf: CaseFile, case_id: str, day: str = "2026-08-20") -> str:
    return enforcement.record_measure(
        cf,
        case_id,
        {"kind": "online_inquiry", "channel": "bank", "date": day, "found": "no"},
        today=TODAY,
    )


def test_telling_the_applicant_clears_the_reminder(case_file, case):
    terminate(case_file, case)
    measure = inquiry(case_file, case)
    care = enforcement.after_termination(case_file, case, TODAY)
    (first,) = [r for r in care.rounds if r.status is RoundStatus.DONE]
    assert not first.told_applicant
    assert any("尚未告知申请执行人" in r for r in care.reminders)
    (item,) = [i for i in work_list(case_file, TODAY).of_kind(WorkKind.AFTERCARE)]
    assert "尚未告知申请执行人" in item.what
    enforcement_entries.record_told_applicant(
        case_file, measure, {"told_applicant": "2026-08-20"}, today=TODAY
    )
    care = enforcement.after_termination(case_file, case, TODAY)
    assert not any("尚未告知" in r for r in care.reminders)
    assert not work_list(case_file, TODAY).of_kind(WorkKind.AFTERCARE)
    (m,) = enforcement.load_record(case_file, case).measures
    assert m.told_applicant == date(2026, 8, 20)


def test_one_told_date_covers_the_other_inquiries_of_its_round(case_file, case):
    terminate(case_file, case)
    bank = inquiry(case_file, case)
    vehicle = enforcement.record_measure(
        case_file,
        case,
        {"kind": "online_inquiry", "channel": "vehicle", "date": "2026-08-21", "found": "no"},
        today=TODAY,
    )
    record = enforcement.load_record(case_file, case)
    assert enforcement_entries.told_applicant(record, TODAY) == {bank: None, vehicle: None}
    enforcement_entries.record_told_applicant(
        case_file, vehicle, {"told_applicant": "2026-08-25"}, today=TODAY
    )
    record = enforcement.load_record(case_file, case)
    told = date(2026, 8, 25)
    assert enforcement_entries.told_applicant(record, TODAY) == {bank: told, vehicle: told}


@pytest.mark.parametrize(
    ("day", "message"),
    [("2026-08-19", "早于查询日期2026-08-20"), ("2026-11-27", "晚于今天"), ("", "请填写告知日期")],
)
def test_told_date_not_before_the_inquiry_nor_in_the_future(case_file, case, day, message):
    terminate(case_file, case)
    measure = inquiry(case_file, case)
    got = refused(
        case_file,
        lambda: enforcement_entries.record_told_applicant(
            case_file, measure, {"told_applicant": day}, today=TODAY
        ),
        "told_applicant",
    )
    assert message in got


def test_only_inquiries_after_termination_are_told(case_file, case):
    measure = inquiry(case_file, case)  # the case is not terminated
    got = refused(
        case_file,
        lambda: enforcement_entries.record_told_applicant(
            case_file, measure, {"told_applicant": "2026-11-20"}, today=TODAY
        ),
        "told_applicant",
    )
    assert "终本后的网络查控" in got
    terminate(case_file, case, "2026-08-20")  # on the termination day itself: not after it
    record = enforcement.load_record(case_file, case)
    assert not enforcement_entries.inquiry_after_termination(record, record.measures[0])
    terminate(case_file, case, "2026-08-19")
    record = enforcement.load_record(case_file, case)
    assert enforcement_entries.inquiry_after_termination(record, record.measures[0])


def test_a_case_closed_by_termination_counts_from_its_closing_date(case_file, case):
    case_file.save(
        [
            Edit(
                "case",
                {"status": "closed", "closing_method": "termination", "closing_date": "2026-08-01"},
                case,
            )
        ]
    )
    record = enforcement.load_record(case_file, case)
    assert enforcement_entries.termination_day(record.case) == date(2026, 8, 1)
