"""Indicators against values counted by hand on the fixed case file (fixed_cases.py)."""

from datetime import date
from pathlib import Path

import pytest

from tests.indicators import fixed_cases
from workstation.domain.errors import InvalidValue
from workstation.indicators import (
    ReportPeriod,
    Scope,
    compute,
    load_definitions,
    recent_months,
    recent_weeks,
    trend,
)
from workstation.store.casefile import CaseFile

OCTOBER = ReportPeriod.month(2026, 10)


@pytest.fixture
def fixed(case_file: CaseFile) -> tuple[CaseFile, dict[str, str]]:
    return case_file, fixed_cases.build(case_file)


def ids_of(ids: dict[str, str], keys: str) -> tuple[str, ...]:
    return tuple(sorted(ids[k] for k in keys))


def test_court_october_counted_by_hand(fixed) -> None:
    cf, ids = fixed
    r = compute(cf.conn, OCTOBER, Scope(court="豫0302"))
    closure = r.get("closure_rate")
    # accepted: D closed before the period, F is 执保, J another court
    assert closure.denominator.case_ids == ids_of(ids, "ABCEGHIK")
    # A closed on the last day counts; B closed the day after does not
    assert closure.numerator.case_ids == ids_of(ids, "ACGHI")
    assert closure.value == pytest.approx(62.5)
    assert r.get("actual_closure_rate").numerator.case_ids == ids_of(ids, "AHI")
    assert r.get("actual_closure_rate").value == pytest.approx(60.0)
    assert r.get("completion_rate").numerator.case_ids == ids_of(ids, "AI")
    assert r.get("completion_rate").value == pytest.approx(40.0)
    # 终本率 counts 首执 only: the resumption case C is left out
    termination = r.get("termination_rate")
    assert termination.denominator.case_ids == ids_of(ids, "AGHI")
    assert termination.numerator.case_ids == ids_of(ids, "G")
    assert termination.value == pytest.approx(25.0)
    # the resumption case C has its ruling; G has none
    quality = r.get("termination_quality_rate")
    assert quality.denominator.case_ids == ids_of(ids, "CG")
    assert quality.numerator.case_ids == ids_of(ids, "C")
    assert quality.value == pytest.approx(50.0)
    # H closed on its six-month deadline (2026-10-20), I a day after its own (2026-10-19)
    legal = r.get("legal_period_rate")
    assert legal.denominator.case_ids == ids_of(ids, "AHI")
    assert legal.numerator.case_ids == ids_of(ids, "H")
    days = r.get("average_days")
    assert days.numerator.amount == 244 + 10 + 183 + 183 + 184
    assert days.value == pytest.approx(804 / 5)
    recovery = r.get("recovery_rate")
    assert recovery.denominator.amount == 100_000 + 200_000 + 300_000 + 400_000 + 500_000
    # D's receipt is D's: the resumption case C recovered nothing itself
    assert recovery.numerator.amount == 100_000
    assert recovery.numerator.case_ids == ids_of(ids, "A")
    over = r.get("open_over_one_year")
    assert over.denominator.case_ids == ids_of(ids, "BEK")
    assert over.numerator.case_ids == ids_of(ids, "E")


def test_funds_paid_on_day_30_is_on_time_and_day_31_late(fixed) -> None:
    cf, ids = fixed
    r = compute(cf.conn, OCTOBER, Scope(court="豫0302"))
    late = r.get("funds_paid_late")
    assert (late.denominator.count, late.denominator.amount) == (2, 180_000)
    assert late.denominator.case_ids == ids_of(ids, "AE")
    assert (late.numerator.count, late.numerator.amount) == (1, 80_000)
    assert late.numerator.case_ids == ids_of(ids, "E")
    assert late.value == pytest.approx(100 * 80_000 / 180_000)
    held = r.get("funds_overdue_held")
    # B's receipt of 09-20 (deadline 10-20), and D's of 2024 still held though D is closed
    assert (held.numerator.count, held.numerator.amount) == (2, 30_000 + 50_000)
    assert held.numerator.case_ids == ids_of(ids, "BD")
    assert held.display() == "2笔"


def test_officer_against_court(fixed) -> None:
    cf, ids = fixed
    zhang = compute(cf.conn, OCTOBER, Scope(court="豫0302", officer="张伟")).get("closure_rate")
    assert zhang.denominator.case_ids == ids_of(ids, "ABEGK")
    assert zhang.numerator.case_ids == ids_of(ids, "AG")
    li = compute(cf.conn, OCTOBER, Scope(officer="李娜")).get("closure_rate")
    assert li.numerator.case_ids == li.denominator.case_ids == ids_of(ids, "CHI")
    other = compute(cf.conn, OCTOBER, Scope(court="豫0303")).get("closure_rate")
    assert other.numerator.case_ids == ids_of(ids, "J")
    whole = compute(cf.conn, OCTOBER).get("closure_rate")
    assert whole.numerator.count == 6


def test_case_lists_read_when_asked_equal_those_read_at_once(fixed) -> None:
    cf, _ids = fixed
    for period in (OCTOBER, ReportPeriod.year(2026)):
        lazy = compute(cf.conn, period, Scope(court="豫0302"))
        eager = compute(cf.conn, period, Scope(court="豫0302"), lazy_ids=False)
        assert lazy.values[0].numerator.load is not None
        for a, b in zip(lazy.values, eager.values, strict=True):
            for fa, fb in ((a.numerator, b.numerator), (a.denominator, b.denominator)):
                if fb is None:
                    assert fa is None
                    continue
                assert (fa.count, fa.amount, fa.case_ids) == (fb.count, fb.amount, fb.case_ids)
        assert any(v.numerator.case_ids for v in lazy.values)


def test_kind_code_in_python_is_the_sql_one(case_file: CaseFile) -> None:
    """The server keeps the case type as a column (central/facts.py) computed in Python."""
    from workstation.indicators import SQLITE, kind_code

    for number in (
        "（2026）豫0302执1号",
        "（2026）豫0302执恢12号",
        "（2026）豫0302执保3号",
        "（2026）豫0302执异4号",
        "（2026）豫0302执",
        "豫0302",
        "",
    ):
        sql = SQLITE.kind_code(":n")
        assert case_file.conn.execute(f"SELECT {sql}", {"n": number}).fetchone()[0] == kind_code(
            number
        ), number


def test_week_holding_the_month_end(fixed) -> None:
    cf, ids = fixed
    week = ReportPeriod.week(date(2026, 10, 31))
    assert (week.start, week.end) == (date(2026, 10, 26), date(2026, 11, 1))
    r = compute(cf.conn, week, Scope(court="豫0302"))
    assert r.get("closure_rate").numerator.case_ids == ids_of(ids, "ABG")


def test_empty_period_has_no_value(fixed) -> None:
    cf, _ = fixed
    r = compute(cf.conn, ReportPeriod.month(2020, 1), Scope(court="豫0302"))
    assert r.get("closure_rate").value is None
    assert r.get("closure_rate").display() == "—"


def test_trend_by_week_and_month(fixed) -> None:
    cf, _ = fixed
    months = recent_months(date(2026, 11, 26), 3)
    assert [m.label for m in months] == ["2026年9月", "2026年10月", "2026年11月"]
    reports = trend(cf.conn, months, Scope(court="豫0302"))
    assert [r.get("closure_rate").numerator.count for r in reports] == [0, 5, 1]
    assert reports[1].get("closure_rate").numerator.case_ids == ()  # no lists for charts
    weeks = recent_weeks(date(2026, 11, 26), 4)
    assert weeks[-1].start == date(2026, 11, 23) and len(weeks) == 4


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-W44", date(2026, 10, 26), date(2026, 11, 1)),
        ("2026-10", date(2026, 10, 1), date(2026, 10, 31)),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("2026-10-05..2026-10-09", date(2026, 10, 5), date(2026, 10, 9)),
    ],
)
def test_period_spellings(text: str, start: date, end: date) -> None:
    p = ReportPeriod.parse(text)
    assert (p.start, p.end) == (start, end)


def test_bad_period_is_explained_in_chinese() -> None:
    with pytest.raises(InvalidValue, match="请写作"):
        ReportPeriod.parse("十月")


def test_definitions_file_names_source_and_confidence() -> None:
    defs = load_definitions()
    codes = {d.code for d in defs.indicators}
    assert {
        "closure_rate",
        "actual_closure_rate",
        "completion_rate",
        "recovery_rate",
        "average_days",
        "termination_rate",
        "termination_quality_rate",
        "legal_period_rate",
        "funds_paid_late",
        "funds_overdue_held",
        "open_over_one_year",
    } <= codes
    assert all(d.source and d.confidence in "CPU" for d in defs.indicators)


def test_a_misspelt_condition_names_the_indicator(tmp_path: Path) -> None:
    path = tmp_path / "indicators.toml"
    path.write_text(
        '[[indicator]]\ncode = "x"\nname = "某率"\nunit = "percent"\nkinds = ["执"]\n'
        'numerator = { cases = ["closd"] }\ndenominator = { cases = ["closed"] }\n',
        encoding="utf-8",
    )
    with pytest.raises(InvalidValue, match="closd"):
        load_definitions(path)


def test_an_edited_definition_changes_the_figure(fixed, tmp_path: Path) -> None:
    cf, ids = fixed
    path = tmp_path / "indicators.toml"
    path.write_text(
        '[[indicator]]\ncode = "closure_rate"\nname = "结案率（含执保）"\nunit = "percent"\n'
        'kinds = ["执", "执恢", "执保"]\n'
        'numerator = { cases = ["closed"] }\ndenominator = { cases = ["accepted"] }\n',
        encoding="utf-8",
    )
    r = compute(cf.conn, OCTOBER, Scope(court="豫0302"), definitions=load_definitions(path))
    assert r.get("closure_rate").denominator.case_ids == ids_of(ids, "ABCEFGHIK")
