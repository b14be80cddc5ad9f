"""The record vocabulary: labels, and what each record refuses by itself or against the case."""

from datetime import date
from fractions import Fraction

import pytest

from workstation.domain.errors import InvalidDate, InvalidMoney, InvalidValue
from workstation.domain.measures import (
    Asset,
    AssetKind,
    AssetStatus,
    ClueStatus,
    Deferral,
    DeferralReason,
    Escrow,
    EscrowReason,
    InquiryChannel,
    Measure,
    MeasureKind,
    Payout,
    PropertyClue,
    Receipt,
    ReceiptSource,
    Release,
    Seizure,
    SeizureKind,
    ValueBasis,
    check_measure,
    check_seizure,
)

FILED = date(2025, 3, 1)
TODAY = date(2025, 9, 1)


def test_every_enum_member_has_a_chinese_label() -> None:
    for enum in (MeasureKind, InquiryChannel, AssetKind, SeizureKind, ClueStatus, ReceiptSource):
        for member in enum:
            assert member.label and not member.label.isascii(), member
    assert MeasureKind("field_visit") is MeasureKind.FIELD_VISIT
    assert InquiryChannel.MARKET_REGULATION.label.startswith("工商")
    assert str(SeizureKind.FREEZE) == "freeze"


def test_all_channels_of_the_issue_are_there() -> None:
    assert {c.value for c in InquiryChannel} == {
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
    }


def test_online_inquiry_needs_a_channel_and_other_measures_none() -> None:
    with pytest.raises(InvalidValue, match="财产项目"):
        Measure("m", MeasureKind.ONLINE_INQUIRY, TODAY, "张伟")
    with pytest.raises(InvalidValue, match="不是网络查控"):
        Measure("m", MeasureKind.FINE, TODAY, "张伟", channel=InquiryChannel.BANK)


def test_served_before_issued_is_refused() -> None:
    with pytest.raises(InvalidDate, match="送达日期"):
        Measure("m", MeasureKind.EXECUTION_NOTICE, TODAY, "张伟", served_date=date(2025, 8, 1))


def test_inquiry_in_the_future_is_refused() -> None:
    later = Measure(
        "m", MeasureKind.ONLINE_INQUIRY, date(2025, 9, 2), "张伟", channel=InquiryChannel.BANK
    )
    with pytest.raises(InvalidDate, match="晚于今天"):
        check_measure(later, filing_date=FILED, today=TODAY)
    check_measure(
        Measure("m", MeasureKind.ONLINE_INQUIRY, TODAY, "张伟", channel=InquiryChannel.BANK),
        filing_date=FILED,
        today=TODAY,
    )


def test_measure_before_filing_is_refused() -> None:
    with pytest.raises(InvalidDate, match="早于立案日期"):
        check_measure(
            Measure("m", MeasureKind.FIELD_VISIT, date(2025, 2, 28), "张伟"),
            filing_date=FILED,
            today=TODAY,
        )
    check_measure(
        Measure("m", MeasureKind.FIELD_VISIT, FILED, "张伟"), filing_date=FILED, today=TODAY
    )


def test_seizure_before_filing_is_refused_unless_from_preservation() -> None:
    early = Seizure("s", "a", SeizureKind.SEAL, date(2025, 2, 1))
    with pytest.raises(InvalidDate, match="保全转执行"):
        check_seizure(early, filing_date=FILED, today=TODAY)
    preserved = Seizure("s", "a", SeizureKind.SEAL, date(2025, 2, 1), from_preservation=True)
    check_seizure(preserved, filing_date=FILED, today=TODAY)
    with pytest.raises(InvalidDate, match="晚于今天"):
        check_seizure(
            Seizure("s", "a", SeizureKind.SEAL, date(2025, 9, 2)), filing_date=FILED, today=TODAY
        )


def test_cannot_dispose_needs_a_reason() -> None:
    with pytest.raises(InvalidValue, match="原因"):
        Asset("a", AssetKind.VEHICLE, "豫C12345", status=AssetStatus.CANNOT_DISPOSE)
    Asset(
        "a",
        AssetKind.VEHICLE,
        "豫C12345",
        status=AssetStatus.CANNOT_DISPOSE,
        cannot_dispose_reason="登记查封后未能实际扣押",
    )


def test_asset_value_needs_a_basis_and_is_whole_fen() -> None:
    with pytest.raises(InvalidValue, match="价值依据"):
        Asset("a", AssetKind.REAL_ESTATE, "房产", value=100)
    with pytest.raises(TypeError):
        Asset("a", AssetKind.REAL_ESTATE, "房产", value=1.5, value_basis=ValueBasis.APPRAISAL)  # type: ignore[arg-type]
    with pytest.raises(InvalidMoney):
        Asset("a", AssetKind.REAL_ESTATE, "房产", prior_encumbrances=-1)


def test_cash_needs_two_officers() -> None:
    with pytest.raises(InvalidValue, match="两名"):
        Receipt("r", TODAY, 100, ReceiptSource.DEBTOR_PAYMENT, cash=True, officers=("张伟",))
    with pytest.raises(InvalidValue, match="两名"):
        Receipt("r", TODAY, 100, ReceiptSource.DEBTOR_PAYMENT, cash=True, officers=("张伟", "张伟"))
    Receipt("r", TODAY, 100, ReceiptSource.DEBTOR_PAYMENT, cash=True, officers=("张伟", "李娜"))


def test_money_events_refuse_zero_and_negative_amounts() -> None:
    with pytest.raises(InvalidMoney):
        Receipt("r", TODAY, 0, ReceiptSource.TRANSFER)
    with pytest.raises(InvalidMoney):
        Payout("p", TODAY, -5, "王某")
    with pytest.raises(InvalidMoney):
        Escrow("e", TODAY, 0, EscrowReason.REFUSED)


def test_deferral_needs_an_approver_and_a_reason_for_other() -> None:
    with pytest.raises(InvalidValue, match="批准人"):
        Deferral("d", DeferralReason.DISTRIBUTION, " ", TODAY)
    with pytest.raises(InvalidValue, match="写明理由"):
        Deferral("d", DeferralReason.OTHER, "局长", TODAY)
    with pytest.raises(InvalidDate):
        Deferral("d", DeferralReason.DISTRIBUTION, "局长", TODAY, end=date(2025, 8, 1))


def test_partial_release_says_how_much() -> None:
    with pytest.raises(InvalidValue, match="部分解除"):
        Release(TODAY, whole=False)
    Release(TODAY, whole=False, share=Fraction(1, 2))


def test_seizure_dates_are_consistent() -> None:
    with pytest.raises(InvalidDate):
        Seizure("s", "a", SeizureKind.SEAL, TODAY, releases=(Release(date(2025, 8, 1)),))
    with pytest.raises(InvalidDate):
        Seizure("s", "a", SeizureKind.SEAL, TODAY, until=TODAY)


def test_clue_verified_before_given_is_refused() -> None:
    with pytest.raises(InvalidDate):
        PropertyClue("c", TODAY, "某银行账户", verified_date=date(2025, 8, 1))
    assert ClueStatus.VERIFYING.open and not ClueStatus.NOTHING_FOUND.open
