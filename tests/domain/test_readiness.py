"""The termination check: every condition met, and each one broken on its own."""

import dataclasses
import re
from datetime import date

import pytest

from workstation.domain.calendar import MissingHolidayData
from workstation.domain.measures import (
    Asset,
    AssetKind,
    AssetStatus,
    ClueStatus,
    InquiryChannel,
    Measure,
    MeasureKind,
    PropertyClue,
    ValueBasis,
)
from workstation.domain.outstanding import Recovery, RecoveryKind
from workstation.domain.periods import Period
from workstation.domain.readiness import (
    CaseSnapshot,
    FindingStatus,
    Party,
    Readiness,
    clue_verification_deadline,
    termination_readiness,
)
from workstation.domain.settings import CourtSettings

S = CourtSettings()
TODAY = date(2025, 6, 30)
FILED = date(2025, 1, 6)
DEBTOR = Party("d1", "王某", "person")
APPLICANT = Party("a1", "李某", "person")
INQUIRED = date(2025, 6, 1)

MET, NOT_MET, NA = FindingStatus.MET, FindingStatus.NOT_MET, FindingStatus.NOT_APPLICABLE


def m(kind: MeasureKind, day: date, mid: str = "", **kw: object) -> Measure:
    return Measure(mid or f"{kind.value}-{day.isoformat()}", kind, day, "张伟", **kw)  # type: ignore[arg-type]


def inquiry(channel: InquiryChannel, day: date = INQUIRED, debtor: str = "") -> Measure:
    return m(
        MeasureKind.ONLINE_INQUIRY,
        day,
        f"inq-{channel.value}-{day.isoformat()}-{debtor}",
        channel=channel,
        property_found=False,
        debtor_id=debtor,
    )


ALL_CHANNELS = [*S.online_inquiry_channels, *S.additional_inquiry_channels]

MEASURES = (
    m(MeasureKind.EXECUTION_NOTICE, date(2025, 1, 8), "notice"),
    m(MeasureKind.PROPERTY_REPORT_ORDER, date(2025, 1, 8), "order"),
    m(MeasureKind.PROPERTY_REPORT_RECEIVED, date(2025, 1, 15), "report"),
    m(MeasureKind.PROPERTY_REPORT_VERIFIED, date(2025, 1, 20), "verified"),
    m(MeasureKind.CONSUMPTION_RESTRICTION, date(2025, 1, 20), "restriction"),
    m(MeasureKind.DISHONEST_LIST_ENTRY, date(2025, 2, 1), "dishonest"),
    m(MeasureKind.FIELD_VISIT, date(2025, 3, 1), "visit"),
    *(inquiry(c) for c in ALL_CHANNELS),
)

READY = CaseSnapshot(
    case_number="（2025）豫0302执100号",
    filing_date=FILED,
    applicants=(APPLICANT,),
    debtors=(DEBTOR,),
    principal=10_000_000,
    measures=MEASURES,
    clues=(PropertyClue("clue", date(2025, 2, 1), "某银行账户", status=ClueStatus.NOTHING_FOUND),),
    assets=(
        Asset(
            "small", AssetKind.DEPOSIT, "某银行账户", value=50_000, value_basis=ValueBasis.BALANCE
        ),
        Asset(
            "car",
            AssetKind.VEHICLE,
            "豫C12345",
            AssetStatus.CANNOT_DISPOSE,
            cannot_dispose_reason="登记查封后未能实际扣押",
        ),
    ),
    interview_date=date(2025, 6, 20),
    interview_opinion="不同意终本，但未提供新的财产线索",
)


def check(case: CaseSnapshot = READY, today: date = TODAY, s: CourtSettings = S) -> Readiness:
    return termination_readiness(case, today, s)


def status(
    case: CaseSnapshot, code: str, today: date = TODAY, s: CourtSettings = S
) -> FindingStatus:
    return check(case, today, s).finding(code).status


def without(*ids: str) -> tuple[Measure, ...]:
    return tuple(x for x in MEASURES if x.id not in ids)


def with_measures(*extra: Measure, drop: tuple[str, ...] = ()) -> CaseSnapshot:
    return dataclasses.replace(READY, measures=(*without(*drop), *extra))


def test_a_complete_case_is_ready() -> None:
    result = check()
    assert result.ready, [(f.code, f.detail) for f in result.unmet]
    statuses = {f.code: f.status for f in result.findings}
    assert statuses["search"] is NA
    assert statuses["audit_or_reward"] is NA
    assert statuses["missing_and_obstruction"] is NA
    assert statuses["ruling"] is NA
    assert statuses["report_sanctioned"] is NA  # the debtor reported
    assert sum(s is MET for s in statuses.values()) == 14
    assert len(statuses) == 19


def test_every_finding_is_explained_in_chinese_with_a_marked_source() -> None:
    broken = dataclasses.replace(READY, measures=(), clues=(), interview_date=None)
    for finding in check(broken).findings:
        assert re.search(r"[\u4e00-\u9fff]", finding.title), finding.code
        assert re.search(r"\[[CPU]\]", finding.legal_source), finding.code
        assert "缺少" not in finding.legal_source, finding.code
        if finding.status is NOT_MET:
            assert re.search(r"[\u4e00-\u9fff]", finding.action), finding.code


def test_unmet_finding_makes_the_case_not_ready() -> None:
    result = check(with_measures(drop=("visit",)))
    assert not result.ready
    assert [f.code for f in result.unmet] == ["traditional_inquiry", "inquiry_exhausted"]


# --- 第一条(一), 第二条 ------------------------------------------------------------------------


def test_notice_and_report_order_must_be_issued() -> None:
    case = with_measures(drop=("order",))
    finding = check(case).finding("notice_and_report_order")
    assert finding.status is NOT_MET
    assert "报告财产令" in finding.detail
    assert "notice" in check().finding("notice_and_report_order").satisfied_by


def test_reported_property_must_be_verified() -> None:
    assert status(with_measures(drop=("verified",)), "report_verified") is NOT_MET


def test_debtor_who_did_not_report_must_be_fined_or_detained() -> None:
    silent = with_measures(drop=("report", "verified"))
    assert status(silent, "report_verified") is NA
    assert status(silent, "report_sanctioned") is NOT_MET
    fined = with_measures(m(MeasureKind.FINE, date(2025, 2, 10)), drop=("report", "verified"))
    assert status(fined, "report_sanctioned") is MET
    assert status(READY, "report_sanctioned") is NA


def test_false_report_must_be_sanctioned() -> None:
    liar = dataclasses.replace(READY, debtors=(dataclasses.replace(DEBTOR, false_report=True),))
    assert status(liar, "report_sanctioned") is NOT_MET


# --- 第一条(二), check 7 ---------------------------------------------------------------------


def test_lifted_restriction_is_not_in_force() -> None:
    lifted = with_measures(m(MeasureKind.CONSUMPTION_RESTRICTION_LIFTED, date(2025, 5, 1)))
    finding = check(lifted).finding("restriction_and_dishonest")
    assert finding.status is NOT_MET and "解除" in finding.detail
    again = with_measures(
        m(MeasureKind.CONSUMPTION_RESTRICTION_LIFTED, date(2025, 5, 1)),
        m(MeasureKind.CONSUMPTION_RESTRICTION, date(2025, 5, 2), "again"),
    )
    assert status(again, "restriction_and_dishonest") is MET


def test_dishonest_list_entry_needed_unless_a_reason_is_recorded() -> None:
    assert status(with_measures(drop=("dishonest",)), "restriction_and_dishonest") is NOT_MET
    removed = with_measures(m(MeasureKind.DISHONEST_LIST_REMOVAL, date(2025, 4, 1)))
    assert status(removed, "restriction_and_dishonest") is NOT_MET
    exempt = dataclasses.replace(
        with_measures(drop=("dishonest",)),
        debtors=(dataclasses.replace(DEBTOR, dishonest_exempt_reason="无履行能力，非拒不履行"),),
    )
    assert status(exempt, "restriction_and_dishonest") is MET


# --- online inquiry window (check 2) ---------------------------------------------------------


def moved_inquiries(day: date) -> CaseSnapshot:
    return dataclasses.replace(
        READY,
        measures=(
            *(x for x in MEASURES if x.kind is not MeasureKind.ONLINE_INQUIRY),
            *(inquiry(c, day) for c in ALL_CHANNELS),
        ),
    )


def test_inquiry_three_months_before_is_still_fresh_one_day_more_is_not() -> None:
    """Inquiry 2025-03-30: its 3 months end 2025-06-30 (checked that day: fresh; next day: not)."""
    case = moved_inquiries(date(2025, 3, 30))
    assert status(case, "online_inquiry", date(2025, 6, 30)) is MET
    stale = check(case, date(2025, 7, 1)).finding("online_inquiry")
    assert stale.status is NOT_MET
    assert "银行存款" in stale.detail and "不动产" in stale.detail


def test_window_counted_in_days_when_the_court_uses_91() -> None:
    s91 = dataclasses.replace(S, online_inquiry_window=Period(days=91))
    case = moved_inquiries(date(2025, 3, 31))  # + 91 days = 2025-06-30
    assert status(case, "online_inquiry", date(2025, 6, 30), s91) is MET
    assert status(case, "online_inquiry", date(2025, 7, 1), s91) is NOT_MET


def test_window_is_measured_to_the_closing_date_when_set() -> None:
    case = dataclasses.replace(moved_inquiries(date(2025, 3, 30)), closing_date=date(2025, 6, 30))
    assert status(case, "online_inquiry", date(2025, 8, 1)) is MET


def test_one_missing_channel_is_named() -> None:
    case = with_measures(drop=(inquiry(InquiryChannel.CENTRAL_BANK).id,))
    finding = check(case).finding("online_inquiry")
    assert finding.status is NOT_MET
    assert "人民银行" in finding.detail and "银行存款" not in finding.detail


def test_inquiry_after_the_closing_date_does_not_count() -> None:
    case = dataclasses.replace(moved_inquiries(date(2025, 7, 5)), closing_date=date(2025, 7, 1))
    assert status(case, "online_inquiry", date(2025, 7, 10)) is NOT_MET


def test_each_debtor_needs_its_own_inquiries() -> None:
    second = Party("d2", "赵某公司", "organisation")
    mine_only = dataclasses.replace(
        READY,
        debtors=(DEBTOR, second),
        measures=(
            *(x for x in MEASURES if x.kind is not MeasureKind.ONLINE_INQUIRY),
            *(inquiry(c, debtor="d1") for c in ALL_CHANNELS),
        ),
    )
    finding = check(mine_only).finding("online_inquiry")
    assert (
        finding.status is NOT_MET and "赵某公司" in finding.detail and "王某" not in finding.detail
    )


# --- checks 3 and 4, clues, assets -----------------------------------------------------------


def test_housing_fund_only_for_natural_persons() -> None:
    no_fund = with_measures(drop=(inquiry(InquiryChannel.HOUSING_FUND).id,))
    assert status(no_fund, "additional_inquiry") is NOT_MET
    company = dataclasses.replace(no_fund, debtors=(Party("d1", "某公司", "organisation"),))
    assert status(company, "additional_inquiry") is MET
    no_dividends = with_measures(drop=(inquiry(InquiryChannel.DIVIDENDS).id,))
    company2 = dataclasses.replace(no_dividends, debtors=(Party("d1", "某公司", "organisation"),))
    assert status(company2, "additional_inquiry") is NOT_MET


def test_any_one_traditional_inquiry_is_enough() -> None:
    for kind in (MeasureKind.SEARCH, MeasureKind.REWARD_NOTICE, MeasureKind.AUDIT):
        case = with_measures(m(kind, date(2025, 4, 1)), drop=("visit",))
        assert status(case, "traditional_inquiry") is MET


def test_clue_under_verification_blocks_and_shows_its_deadline() -> None:
    """Given 2025-06-25: 7 days end 2025-07-02; urgent 3 days end 2025-06-28 (a Saturday),
    moved to Monday 2025-06-30."""
    clue = PropertyClue("c2", date(2025, 6, 25), "某处房产", status=ClueStatus.VERIFYING)
    finding = check(dataclasses.replace(READY, clues=(clue,))).finding("clues_verified")
    assert finding.status is NOT_MET and "2025-07-02" in finding.detail
    urgent = dataclasses.replace(clue, urgent=True)
    assert (
        "2025-06-30"
        in check(dataclasses.replace(READY, clues=(urgent,))).finding("clues_verified").detail
    )
    assert status(READY, "inquiry_exhausted") is MET
    assert status(dataclasses.replace(READY, clues=(clue,)), "inquiry_exhausted") is NOT_MET


@pytest.mark.parametrize(
    ("given", "urgent", "due"),
    [
        (date(2025, 6, 2), False, date(2025, 6, 9)),  # Monday + 7 = Monday
        (date(2025, 6, 2), True, date(2025, 6, 5)),
        (date(2025, 9, 24), False, date(2025, 10, 9)),  # 10-01 falls in National Day
        (date(2025, 9, 26), True, date(2025, 9, 29)),  # 09-29 is a Monday
        (date(2025, 9, 25), True, date(2025, 9, 28)),  # 09-28 is a Sunday worked: stays
    ],
)
def test_clue_verification_deadline(given: date, urgent: bool, due: date) -> None:
    clue = PropertyClue("c", given, "某处房产", urgent=urgent)
    assert clue_verification_deadline(clue, S) == due


def balance(fen: int, principal: int = 10_000_000) -> CaseSnapshot:
    asset = Asset(
        "acct", AssetKind.INTERNET_ACCOUNT, "某支付账户", value=fen, value_basis=ValueBasis.BALANCE
    )
    return dataclasses.replace(READY, assets=(asset,), principal=principal)


def test_small_balance_must_be_under_1000_yuan() -> None:
    assert status(balance(99_999), "assets_cannot_be_enforced") is MET
    assert status(balance(100_000), "assets_cannot_be_enforced") is NOT_MET


def test_small_balance_must_be_at_most_five_percent_of_the_claim() -> None:
    """Claim 10,000元: 5% is 500元; 500元 may be ignored, 500.01元 may not."""
    assert status(balance(50_000, 1_000_000), "assets_cannot_be_enforced") is MET
    assert status(balance(50_001, 1_000_000), "assets_cannot_be_enforced") is NOT_MET


def test_found_property_without_a_reason_blocks() -> None:
    house = Asset("house", AssetKind.REAL_ESTATE, "某小区住宅", AssetStatus.SEIZED)
    case = dataclasses.replace(READY, assets=(*READY.assets, house))
    finding = check(case).finding("assets_cannot_be_enforced")
    assert finding.status is NOT_MET and "某小区住宅" in finding.detail
    assert status(case, "inquiry_exhausted") is NOT_MET


def test_search_and_audit_are_needed_only_when_the_facts_call_for_them() -> None:
    hiding = dataclasses.replace(READY, hiding_property=True)
    assert status(hiding, "search") is NOT_MET
    assert (
        status(
            dataclasses.replace(
                hiding, measures=(*MEASURES, m(MeasureKind.SEARCH, date(2025, 4, 1)))
            ),
            "search",
        )
        is MET
    )
    asked = dataclasses.replace(READY, applicant_asked_for_audit_or_reward=True)
    assert status(asked, "audit_or_reward") is NOT_MET
    rewarded = dataclasses.replace(
        asked, measures=(*MEASURES, m(MeasureKind.REWARD_NOTICE, date(2025, 4, 1)))
    )
    assert status(rewarded, "audit_or_reward") is MET


# --- 第一条(四): more than three months since filing ------------------------------------------


def test_three_months_boundary() -> None:
    """Filed 2025-03-30: three months end 2025-06-30 (a Monday): ready from 2025-07-01."""
    case = dataclasses.replace(READY, filing_date=date(2025, 3, 30))
    assert (
        status(dataclasses.replace(case, closing_date=date(2025, 6, 30)), "three_months") is NOT_MET
    )
    assert status(dataclasses.replace(case, closing_date=date(2025, 7, 1)), "three_months") is MET


def test_three_months_ending_on_national_day_run_past_the_holiday() -> None:
    """Filed 2025-07-01: three months end 2025-10-01, moved past 10-01..10-08 to 2025-10-09."""
    case = dataclasses.replace(READY, filing_date=date(2025, 7, 1))
    finding = check(dataclasses.replace(case, closing_date=date(2025, 10, 9))).finding(
        "three_months"
    )
    assert finding.status is NOT_MET and "2025-10-09" in finding.action
    assert status(dataclasses.replace(case, closing_date=date(2025, 10, 10)), "three_months") is MET


def test_missing_holiday_year_is_reported() -> None:
    case = dataclasses.replace(READY, filing_date=date(2029, 1, 5), closing_date=date(2029, 6, 1))
    with pytest.warns(MissingHolidayData):
        result = check(case)
    assert any("2029年" in w for w in result.warnings)
    assert check().warnings == ()


# --- 第一条(五) -------------------------------------------------------------------------------


def test_missing_debtor_must_be_searched_for() -> None:
    missing = dataclasses.replace(READY, debtors=(dataclasses.replace(DEBTOR, missing=True),))
    assert status(missing, "missing_and_obstruction") is NOT_MET
    searched = dataclasses.replace(
        missing, measures=(*MEASURES, m(MeasureKind.DEBTOR_SEARCH, date(2025, 3, 5)))
    )
    assert status(searched, "missing_and_obstruction") is MET


def test_obstruction_needs_coercion_and_a_crime_a_referral() -> None:
    obstructed = dataclasses.replace(READY, obstruction=True)
    assert status(obstructed, "missing_and_obstruction") is NOT_MET
    detained = dataclasses.replace(
        obstructed, measures=(*MEASURES, m(MeasureKind.DETENTION, date(2025, 3, 5)))
    )
    assert status(detained, "missing_and_obstruction") is MET
    crime = dataclasses.replace(detained, obstruction_is_crime=True)
    assert status(crime, "missing_and_obstruction") is NOT_MET


# --- interview (check 8) ---------------------------------------------------------------------


def test_interview_on_the_closing_day_counts_the_day_after_does_not() -> None:
    on_day = dataclasses.replace(READY, closing_date=date(2025, 6, 20))
    assert status(on_day, "interview") is MET
    before = dataclasses.replace(READY, closing_date=date(2025, 6, 19))
    finding = check(before).finding("interview")
    assert finding.status is NOT_MET and "晚于结案日期" in finding.detail


def test_interview_needs_the_opinion_recorded() -> None:
    assert status(dataclasses.replace(READY, interview_opinion=" "), "interview") is NOT_MET
    assert status(dataclasses.replace(READY, interview_date=None), "interview") is NOT_MET


@pytest.mark.parametrize(
    "change",
    [
        {"applicant_asked_for_termination": True},
        {"applicants": (Party("a1", "洛阳市老城区人民法院", "organisation"),)},
        {"cause_code": "9299"},
    ],
)
def test_interview_exemptions(change: dict) -> None:
    s = dataclasses.replace(S, interview_exempt_cause_codes=("9299",))
    case = dataclasses.replace(READY, interview_date=None, **change)
    finding = check(case, s=s).finding("interview")
    assert finding.status is NA and finding.detail
    assert check(case, s=s).ready


# --- checks 9, 11, 12 ------------------------------------------------------------------------


def test_nothing_outstanding_means_no_termination() -> None:
    paid = dataclasses.replace(
        READY, recoveries=(Recovery(date(2025, 5, 1), 10_000_000, RecoveryKind.TRANSFER),)
    )
    result = check(paid)
    assert result.finding("outstanding").status is NOT_MET
    assert result.outstanding.amount == 0
    one_fen_left = dataclasses.replace(paid, enforcement_fee=1)
    assert status(one_fen_left, "outstanding") is MET


def test_outstanding_includes_fee_and_delay_interest() -> None:
    case = dataclasses.replace(READY, enforcement_fee=100, delay_interest=200)
    assert check(case).outstanding.amount == 10_000_300


def test_all_debtors_deceased() -> None:
    dead = dataclasses.replace(READY, debtors=(dataclasses.replace(DEBTOR, deceased=True),))
    assert status(dead, "not_all_deceased") is NOT_MET
    one_alive = dataclasses.replace(
        READY, debtors=(DEBTOR, Party("d2", "王某某", "person", deceased=True))
    )
    # the deceased debtor is not checked for inquiries or restrictions
    assert check(one_alive).ready


def test_non_monetary_claim() -> None:
    assert status(dataclasses.replace(READY, claim_is_monetary=False), "monetary_claim") is NOT_MET
