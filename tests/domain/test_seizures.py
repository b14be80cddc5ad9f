"""Seizure terms, renewals, reminders ahead of expiry, and the excessive seizure check."""

import dataclasses
from datetime import date
from fractions import Fraction

import pytest

from workstation.domain.errors import InvalidDate, InvalidValue
from workstation.domain.measures import (
    Asset,
    AssetKind,
    AssetStatus,
    Release,
    Renewal,
    Seizure,
    SeizureKind,
    ValueBasis,
)
from workstation.domain.outstanding import outstanding
from workstation.domain.periods import Period
from workstation.domain.seizures import (
    ExcessiveSeizureException,
    ExcessStatus,
    check_seizure_term,
    excessive_seizure_check,
    expiry_reminders,
    seizure_expiry,
)
from workstation.domain.settings import CourtSettings

S = CourtSettings()
SEIZED = date(2025, 3, 10)


def seal(kind: SeizureKind = SeizureKind.SEAL, **kw: object) -> Seizure:
    return Seizure("s1", "a1", kind, SEIZED, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "expiry"),
    [
        (AssetKind.DEPOSIT, date(2026, 3, 9)),  # 1 year
        (AssetKind.INTERNET_ACCOUNT, date(2026, 3, 9)),
        (AssetKind.VEHICLE, date(2027, 3, 9)),  # 2 years
        (AssetKind.MOVABLE, date(2027, 3, 9)),
        (AssetKind.REAL_ESTATE, date(2028, 3, 9)),  # 3 years
        (AssetKind.EQUITY, date(2028, 3, 9)),
    ],
)
def test_terms_by_kind_count_the_seizure_day(kind: AssetKind, expiry: date) -> None:
    assert seizure_expiry(seal(), kind, S) == expiry


def test_seizure_day_not_counted_when_the_court_says_so() -> None:
    s = dataclasses.replace(S, seizure_count_start_day=False)
    assert seizure_expiry(seal(), AssetKind.DEPOSIT, s) == date(2026, 3, 10)


def test_expiry_is_not_moved_off_a_holiday() -> None:
    """A freeze from 2024-10-02 counting that day ends 2025-10-01, National Day: it stays."""
    freeze = Seizure("s", "a", SeizureKind.FREEZE, date(2024, 10, 2))
    assert seizure_expiry(freeze, AssetKind.DEPOSIT, S) == date(2025, 10, 1)


def test_stated_expiry_wins() -> None:
    assert seizure_expiry(seal(until=date(2025, 12, 31)), AssetKind.DEPOSIT, S) == date(
        2025, 12, 31
    )


def test_renewal_runs_a_full_term_from_its_date_by_default() -> None:
    renewed = seal(renewals=(Renewal(date(2026, 3, 1)),))
    assert seizure_expiry(renewed, AssetKind.DEPOSIT, S) == date(2027, 2, 28)


def test_renewal_may_run_from_the_previous_expiry() -> None:
    s = dataclasses.replace(S, renewal_runs_from="previous_expiry")
    renewed = seal(renewals=(Renewal(date(2026, 3, 1)),))
    assert seizure_expiry(renewed, AssetKind.DEPOSIT, s) == date(2027, 3, 9)


def test_two_renewals_of_real_estate() -> None:
    renewed = seal(renewals=(Renewal(date(2028, 3, 1)), Renewal(date(2031, 2, 20))))
    assert seizure_expiry(renewed, AssetKind.REAL_ESTATE, S) == date(2034, 2, 19)


def test_renewal_term_is_its_own_setting() -> None:
    shorter = {**S.renewal_terms, "deposit": Period(months=6)}
    s = dataclasses.replace(S, renewal_terms=shorter)
    renewed = seal(renewals=(Renewal(date(2026, 3, 1)),))
    assert seizure_expiry(renewed, AssetKind.DEPOSIT, s) == date(2026, 8, 31)
    with pytest.raises(InvalidDate, match="续行期限不得超过6个月"):
        check_seizure_term(
            seal(renewals=(Renewal(date(2026, 3, 1), until=date(2026, 9, 1)),)),
            AssetKind.DEPOSIT,
            s,
        )


def test_stated_expiry_beyond_the_legal_term_is_refused() -> None:
    check_seizure_term(seal(until=date(2026, 3, 9)), AssetKind.DEPOSIT, S)
    with pytest.raises(InvalidDate, match="不得超过1年"):
        check_seizure_term(seal(until=date(2026, 3, 10)), AssetKind.DEPOSIT, S)


def test_renewal_after_the_seizure_lapsed_is_refused() -> None:
    check_seizure_term(seal(renewals=(Renewal(date(2026, 3, 9)),)), AssetKind.DEPOSIT, S)
    with pytest.raises(InvalidDate, match="已失效"):
        check_seizure_term(seal(renewals=(Renewal(date(2026, 3, 10)),)), AssetKind.DEPOSIT, S)


def test_renewal_stated_beyond_its_term_is_refused() -> None:
    too_long = seal(renewals=(Renewal(date(2026, 3, 1), until=date(2027, 3, 1)),))
    with pytest.raises(InvalidDate, match="续行期限"):
        check_seizure_term(too_long, AssetKind.DEPOSIT, S)


ACCOUNT = Asset("a1", AssetKind.DEPOSIT, "某银行账户", AssetStatus.SEIZED)


def reminders(today: date, seizure: Seizure | None = None) -> list:
    return expiry_reminders([seizure or seal(SeizureKind.FREEZE)], {"a1": ACCOUNT}, today, S)


def test_reminder_starts_thirty_days_ahead() -> None:
    """Expiry 2026-03-09; 30 days ahead is 2026-02-07."""
    assert reminders(date(2026, 2, 6)) == []
    [due] = reminders(date(2026, 2, 7))
    assert due.expiry == date(2026, 3, 9) and due.days_left == 30 and not due.expired
    assert "2026-03-09" in due.message()


def test_reminder_turns_into_expired_the_day_after() -> None:
    assert not reminders(date(2026, 3, 9))[0].expired
    gone = reminders(date(2026, 3, 10))[0]
    assert gone.expired and "失效" in gone.message()


def test_released_seizure_needs_no_reminder() -> None:
    released = seal(SeizureKind.FREEZE, releases=(Release(date(2025, 6, 1)),))
    assert reminders(date(2026, 3, 1), released) == []


def test_lead_days_are_a_setting() -> None:
    s = dataclasses.replace(S, reminder_lead_days=10)
    assert expiry_reminders([seal()], {"a1": ACCOUNT}, date(2026, 2, 26), s) == []
    assert expiry_reminders([seal()], {"a1": ACCOUNT}, date(2026, 2, 27), s)


# --- excessive seizure -----------------------------------------------------------------------

HOUSE = Asset(
    "house",
    AssetKind.REAL_ESTATE,
    "某小区住宅",
    AssetStatus.SEIZED,
    value=100_000_000,  # 1,000,000元 appraisal
    value_basis=ValueBasis.APPRAISAL,
    prior_encumbrances=40_000_000,  # 400,000元 mortgage
)
DEPOSIT = Asset(
    "dep", AssetKind.DEPOSIT, "某银行账户", AssetStatus.SEIZED, 9_000_000, ValueBasis.BALANCE
)
ASSETS = {"house": HOUSE, "dep": DEPOSIT}
SEIZURES = [
    Seizure("s-house", "house", SeizureKind.SEAL, SEIZED),
    Seizure("s-dep", "dep", SeizureKind.FREEZE, SEIZED, amount=5_000_000),  # 50,000元 frozen
]
# 500,000元 claim + 8,800元 fee + 10,000元 delay interest
DEBT = outstanding(principal=50_000_000, enforcement_fee=880_000, delay_interest=1_000_000)
TODAY = date(2025, 6, 1)


def test_value_held_is_value_less_prior_rights_plus_amount_frozen() -> None:
    """(1,000,000 − 400,000) + 50,000 = 650,000元 against 500,000 + 8,800 + 10,000 = 518,800元."""
    check = excessive_seizure_check(SEIZURES, ASSETS, DEBT, TODAY, S)
    assert check.value_held == 65_000_000
    assert check.comparison == 51_880_000
    assert check.excess == 13_120_000
    assert check.status is ExcessStatus.ABOVE
    assert check.warning is not None
    for figure in ("650,000.00元", "518,800.00元", "131,200.00元", "由承办人判断"):
        assert figure in check.warning
    assert "第19条" in check.legal_source and check.legal_source.endswith("[C]")
    assert "不可分物" in check.legal_text


def test_delay_interest_left_out_when_the_court_says_so() -> None:
    s = dataclasses.replace(S, excessive_seizure_includes_delay_interest=False)
    check = excessive_seizure_check(SEIZURES, ASSETS, DEBT, TODAY, s)
    assert check.comparison == 50_880_000
    assert "不含迟延履行利息" in (check.warning or "")


def test_boundary_equal_is_within_one_fen_more_is_above() -> None:
    equal = outstanding(principal=65_000_000)
    assert excessive_seizure_check(SEIZURES, ASSETS, equal, TODAY, S).status is ExcessStatus.WITHIN
    less = outstanding(principal=64_999_999)
    assert excessive_seizure_check(SEIZURES, ASSETS, less, TODAY, S).status is ExcessStatus.ABOVE


def test_recovered_money_lowers_what_the_seizures_must_cover() -> None:
    from workstation.domain.outstanding import Recovery, RecoveryKind

    paid = outstanding(
        principal=80_000_000, recoveries=[Recovery(TODAY, 20_000_000, RecoveryKind.TRANSFER)]
    )
    check = excessive_seizure_check(SEIZURES, ASSETS, paid, TODAY, S)
    assert check.comparison == 60_000_000
    assert check.status is ExcessStatus.ABOVE


def test_recorded_exception_is_kept_with_the_figures() -> None:
    exception = ExcessiveSeizureException(True, True, "住宅不可分割，且无其他财产", "张伟", TODAY)
    check = excessive_seizure_check(SEIZURES, ASSETS, DEBT, TODAY, S, exception=exception)
    assert check.status is ExcessStatus.ABOVE_WITH_EXCEPTION
    assert "650,000.00元" in (check.warning or "")
    assert "住宅不可分割" in (check.warning or "")


def test_exception_needs_both_conditions_and_a_reason() -> None:
    with pytest.raises(InvalidValue, match="同时具备"):
        ExcessiveSeizureException(True, False, "理由", "张伟", TODAY)
    with pytest.raises(InvalidValue, match="理由"):
        ExcessiveSeizureException(True, True, " ", "张伟", TODAY)


def test_asset_without_value_is_listed_not_counted() -> None:
    car = Asset("car", AssetKind.VEHICLE, "豫C12345", AssetStatus.SEIZED)
    seizures = [*SEIZURES, Seizure("s-car", "car", SeizureKind.SEAL, SEIZED)]
    check = excessive_seizure_check(seizures, {**ASSETS, "car": car}, DEBT, TODAY, S)
    assert check.value_held == 65_000_000
    assert [p.asset_id for p in check.unvalued] == ["car"]
    assert "豫C12345" in (check.warning or "")


def test_released_and_partly_released_seizures() -> None:
    seizures = [
        Seizure(
            "s-house", "house", SeizureKind.SEAL, SEIZED, releases=(Release(date(2025, 5, 1)),)
        ),
        Seizure(
            "s-dep",
            "dep",
            SeizureKind.FREEZE,
            SEIZED,
            amount=5_000_000,
            releases=(Release(date(2025, 5, 1), whole=False, amount=2_000_000),),
        ),
    ]
    check = excessive_seizure_check(seizures, ASSETS, DEBT, TODAY, S)
    assert check.value_held == 3_000_000
    # before the releases everything counted
    before = excessive_seizure_check(seizures, ASSETS, DEBT, date(2025, 4, 30), S)
    assert before.value_held == 65_000_000


def test_a_seized_share_counts_its_share() -> None:
    half = [Seizure("s-house", "house", SeizureKind.SEAL, SEIZED, share=Fraction(1, 2))]
    check = excessive_seizure_check(half, ASSETS, DEBT, TODAY, S)
    assert check.value_held == 30_000_000


def test_frozen_amount_above_the_balance_counts_the_balance() -> None:
    big = [Seizure("s-dep", "dep", SeizureKind.FREEZE, SEIZED, amount=20_000_000)]
    assert excessive_seizure_check(big, ASSETS, DEBT, TODAY, S).value_held == 9_000_000


def test_encumbrance_larger_than_the_value_counts_nothing() -> None:
    house = dataclasses.replace(HOUSE, prior_encumbrances=200_000_000)
    seizures = [SEIZURES[0]]
    assert excessive_seizure_check(seizures, {"house": house}, DEBT, TODAY, S).value_held == 0
