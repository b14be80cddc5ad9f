"""Court settings and the legal-basis table: defaults, the bundled files, malformed files."""

import dataclasses
import re
from datetime import date
from pathlib import Path

import pytest

from workstation.domain.errors import InvalidValue
from workstation.domain.measures import AssetKind, InquiryChannel
from workstation.domain.periods import Period
from workstation.domain.settings import (
    _READERS,
    SETTING_SOURCES,
    CourtSettings,
    load_legal_bases,
    load_settings,
)
from workstation.resources import resource


def test_defaults_are_the_reference_values() -> None:
    s = CourtSettings()
    assert s.disbursement_days == 30
    assert s.reminder_lead_days == 30
    assert s.online_inquiry_window == Period(months=3)
    assert s.small_balance_below == 100_000  # 1000 yuan in fen
    assert s.small_balance_max_percent == 5
    assert s.clue_verification_days == 7
    assert s.clue_urgent_verification_days == 3
    assert s.seizure_term(AssetKind.DEPOSIT) == Period(years=1)
    assert s.seizure_term(AssetKind.VEHICLE) == Period(years=2)
    assert s.seizure_term(AssetKind.REAL_ESTATE) == Period(years=3)
    assert s.seizure_term(AssetKind.EQUITY) == Period(years=3)
    assert s.aftercare_interval == Period(months=6)
    assert s.aftercare_duration == Period(years=5)
    assert s.dishonest_removal_inquiries == 2
    assert not s.count_start_day
    assert s.legal_periods_skip_holidays


def test_bundled_file_holds_the_defaults() -> None:
    assert load_settings() == CourtSettings()


def test_every_setting_has_a_reader_and_a_source() -> None:
    assert {(i.section, i.key) for i in SETTING_SOURCES.values()} == set(_READERS)
    attrs = {attr for attr, _ in _READERS.values()}
    assert attrs == {f.name for f in dataclasses.fields(CourtSettings)}
    text = resource("court-settings.toml").read_text(encoding="utf-8")
    for section, key in _READERS:
        assert f"[{section}" in text and key in text, (section, key)


def test_legal_period_end_moves_off_holidays_by_default() -> None:
    s = CourtSettings()
    assert s.legal_period_end(date(2024, 9, 1), Period(days=30)) == date(2024, 10, 8)
    no_move = dataclasses.replace(s, legal_periods_skip_holidays=False)
    assert no_move.legal_period_end(date(2024, 9, 1), Period(days=30)) == date(2024, 10, 1)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "court-settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_court_may_set_five_day_disbursement_and_a_91_day_window(tmp_path: Path) -> None:
    s = load_settings(
        write(
            tmp_path,
            "[funds]\ndisbursement_days = 5\n[termination]\nonline_inquiry_window = { days = 91 }\n"
            "small_balance_below_yuan = 500\n[seizure.terms]\ndeposit = { months = 6 }\n",
        )
    )
    assert s.disbursement_days == 5
    assert s.online_inquiry_window == Period(days=91)
    assert s.small_balance_below == 50_000
    assert s.seizure_term(AssetKind.DEPOSIT) == Period(months=6)
    assert s.renewal_term(AssetKind.DEPOSIT) == Period(months=6)  # follows the term
    assert s.seizure_term(AssetKind.REAL_ESTATE) == Period(years=3)  # the rest keep defaults
    assert s.reminder_lead_days == 30


def test_channel_lists_are_read(tmp_path: Path) -> None:
    s = load_settings(
        write(tmp_path, '[termination]\nonline_inquiry_channels = ["bank", "vehicle"]\n')
    )
    assert s.online_inquiry_channels == (InquiryChannel.BANK, InquiryChannel.VEHICLE)


@pytest.mark.parametrize(
    ("text", "key", "fragment"),
    [
        ('[funds]\ndisbursement_days = "30"\n', "disbursement_days", "整数"),
        ("[funds]\ndisbursement_days = 0\n", "disbursement_days", "1 至 365"),
        ("[funds]\ndisbursment_days = 30\n", "disbursment_days", "不认识"),
        ("[fund]\ndisbursement_days = 30\n", "[fund]", "不认识的部分"),
        ('[interest]\ndue_day_counts = "yes"\n', "due_day_counts", "true 或 false"),
        ("[termination]\nonline_inquiry_window = 3\n", "online_inquiry_window", "months = 3"),
        (
            "[termination]\nonline_inquiry_window = { months = 1, days = 2 }\n",
            "online_inquiry_window",
            "不能同时",
        ),
        ("[termination]\nonline_inquiry_window = { weeks = 2 }\n", "online_inquiry_window", ""),
        (
            '[termination]\nonline_inquiry_channels = ["banks"]\n',
            "online_inquiry_channels",
            "banks",
        ),
        ('[seizure]\nrenewal_runs_from = "expiry"\n', "renewal_runs_from", "renewal_date"),
        ("[seizure.terms]\nships = { years = 2 }\n", "ships", "期限种类"),
        ('[seizure.term_class]\nvehicle = "car"\n', "vehicle", "期限种类"),
        ('[seizure.term_class]\nboat = "movable"\n', "boat", "财产种类"),
        ("[clues]\nurgent_verification_days = 10\n", "urgent_verification_days", "不应长于"),
        ("[seizure.renewal_terms]\ndeposit = { years = 2 }\n", "deposit", "不得超过查封期限"),
        ("[funds\n", "", "格式错误"),
    ],
)
def test_malformed_settings_name_the_file_and_key(
    tmp_path: Path, text: str, key: str, fragment: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InvalidValue) as caught:
        load_settings(path)
    message = str(caught.value)
    assert str(path) in message
    assert key in message
    assert fragment in message


def test_missing_settings_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidValue, match="找不到法院设置文件"):
        load_settings(tmp_path / "none.toml")


# --- legal bases -----------------------------------------------------------------------------


def test_legal_bases_keep_their_confidence_marks() -> None:
    bases = load_legal_bases()
    assert bases.cite("termination.1.4") == "法〔2016〕373号 第一条第（四）项 [C]"
    assert bases.cite("termination.interview").endswith("[U]")
    assert bases.cite("check.2").endswith("[P]")


def test_a_missing_basis_is_shown_not_raised() -> None:
    assert "缺少 nothing.here" in load_legal_bases().cite("nothing.here")


def test_every_basis_the_rules_cite_is_in_the_table() -> None:
    codes = load_legal_bases().codes()
    root = Path(__file__).resolve().parents[2] / "workstation" / "domain"
    cited: set[str] = set()
    for name in ("readiness.py", "seizures.py", "aftercare.py"):
        text = (root / name).read_text(encoding="utf-8")
        cited |= set(re.findall(r'"((?:termination|check|seizure|dishonest)\.[\w.]+)"', text))
    assert cited, "the pattern found no citations"
    assert cited <= codes, cited - codes


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('[[basis]]\ncode = "a"\ncitation = "x"\ntext = "t"\nconfidence = "X"\n', "confidence"),
        ('[[basis]]\ncode = "a"\ncitation = "x"\nconfidence = "C"\n', "text"),
        (
            '[[basis]]\ncode = "a"\ncitation = "x"\ntext = "t"\nconfidence = "C"\n' * 2,
            "出现了两次",
        ),
        ('[[basis]]\ncode = "a"\ncitation = "x"\ntext = "t"\nconfidence = "C"\nurl = 1\n', "url"),
        ("", "没有任何"),
    ],
)
def test_malformed_legal_bases_are_refused(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "legal-bases.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidValue) as caught:
        load_legal_bases(path)
    assert str(path) in str(caught.value)
    assert fragment in str(caught.value)
