"""After termination: six-monthly inquiries for five years, telling the applicant, and removal
of the dishonest-list entry after two inquiries that found nothing."""

import dataclasses
from datetime import date

import pytest

from workstation.domain.aftercare import (
    RoundStatus,
    aftercare,
    aftercare_due_dates,
    dishonest_removal,
)
from workstation.domain.measures import (
    ClueStatus,
    InquiryChannel,
    Measure,
    MeasureKind,
    PropertyClue,
)
from workstation.domain.periods import Period
from workstation.domain.settings import CourtSettings

# due dates run five years ahead, into years the bundled holiday file does not cover yet
pytestmark = pytest.mark.filterwarnings("ignore::workstation.domain.calendar.MissingHolidayData")

S = CourtSettings()
ENDED = date(2025, 1, 15)  # termination ruling
ENTRY = Measure("entry", MeasureKind.DISHONEST_LIST_ENTRY, date(2024, 10, 1), "张伟")


def inquiry(day: date, found: bool | None = False, told: date | None = None) -> Measure:
    return Measure(
        f"inq-{day.isoformat()}",
        MeasureKind.ONLINE_INQUIRY,
        day,
        "张伟",
        channel=InquiryChannel.BANK,
        property_found=found,
        told_applicant=told,
    )


def test_ten_rounds_every_six_months_for_five_years() -> None:
    dues = aftercare_due_dates(ENDED, S)
    assert len(dues) == 10
    assert dues[0] == date(2025, 7, 15)
    assert dues[1] == date(2026, 1, 15)
    assert dues[-1] == date(2030, 1, 15)


def test_due_dates_count_from_termination_so_month_ends_do_not_drift() -> None:
    """Ended 2025-08-31: 6 months → 2026-02-28 (a Saturday worked in 2026, so it stays);
    12 months → 2026-08-31, not 2026-08-28."""
    dues = aftercare_due_dates(date(2025, 8, 31), S)
    assert dues[:2] == [date(2026, 2, 28), date(2026, 8, 31)]


def test_due_date_on_national_day_moves_past_it() -> None:
    assert aftercare_due_dates(date(2025, 4, 1), S)[0] == date(2025, 10, 9)


def test_interval_and_duration_are_settings() -> None:
    s = dataclasses.replace(
        S, aftercare_interval=Period(months=3), aftercare_duration=Period(years=1)
    )
    assert len(aftercare_due_dates(ENDED, s)) == 4


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 6, 14), RoundStatus.UPCOMING),
        (date(2025, 6, 15), RoundStatus.DUE_SOON),  # 30 days before 2025-07-15
        (date(2025, 7, 15), RoundStatus.DUE_SOON),
        (date(2025, 7, 16), RoundStatus.OVERDUE),
    ],
)
def test_round_status_around_the_six_month_boundary(today: date, expected: RoundStatus) -> None:
    assert aftercare(ENDED, [], today, S).rounds[0].status is expected


def test_inquiry_on_the_due_day_belongs_to_that_round_the_day_after_to_the_next() -> None:
    on_time = aftercare(ENDED, [inquiry(date(2025, 7, 15))], date(2025, 8, 1), S)
    assert on_time.rounds[0].status is RoundStatus.DONE
    assert on_time.rounds[1].inquiries == ()  # the window of round 2 opens after 2025-07-15
    late = aftercare(ENDED, [inquiry(date(2025, 7, 16))], date(2025, 8, 1), S)
    assert late.rounds[0].status is RoundStatus.OVERDUE
    assert late.rounds[1].status is RoundStatus.DONE


def test_inquiry_on_the_termination_day_is_not_an_aftercare_inquiry() -> None:
    result = aftercare(ENDED, [inquiry(ENDED)], date(2025, 7, 16), S)
    assert result.rounds[0].status is RoundStatus.OVERDUE


def test_five_years_boundary() -> None:
    """The last round is due 2030-01-15; an inquiry the day after belongs to no round."""
    last = aftercare(ENDED, [inquiry(date(2030, 1, 15))], date(2030, 2, 1), S).rounds[-1]
    assert last.due == date(2030, 1, 15) and last.status is RoundStatus.DONE
    after = aftercare(ENDED, [inquiry(date(2030, 1, 16))], date(2030, 2, 1), S)
    assert all(not r.inquiries for r in after.rounds)
    assert after.ends == date(2030, 1, 15)


def test_result_must_be_told_to_the_applicant() -> None:
    untold = aftercare(ENDED, [inquiry(date(2025, 7, 1))], date(2025, 7, 10), S)
    assert any("告知申请执行人" in r for r in untold.reminders)
    told = aftercare(
        ENDED, [inquiry(date(2025, 7, 1), told=date(2025, 7, 3))], date(2025, 7, 10), S
    )
    assert told.rounds[0].told_applicant
    assert not any("告知" in r for r in told.reminders)


def test_property_found_calls_for_resumption() -> None:
    result = aftercare(ENDED, [inquiry(date(2025, 7, 1), found=True)], date(2025, 7, 10), S)
    assert result.rounds[0].property_found
    assert any("恢复执行" in r for r in result.reminders)


def test_uncovered_years_are_warned_about() -> None:
    assert "2027年" in (aftercare(ENDED, [], date(2025, 2, 1), S).warning or "")


# --- dishonest-list removal -------------------------------------------------------------------


def removal(
    measures: list[Measure], clues: tuple[PropertyClue, ...] = (), today: date = date(2026, 3, 1)
):
    return dishonest_removal(ENDED, [ENTRY, *measures], clues, today, S)


def test_two_inquiries_with_nothing_found_make_the_entry_removable() -> None:
    result = removal([inquiry(date(2025, 7, 1)), inquiry(date(2026, 1, 10))])
    assert result.removable
    assert result.inquiries_nothing_found == (date(2025, 7, 1), date(2026, 1, 10))
    assert "[P]" in result.legal_source


def test_one_inquiry_is_not_enough() -> None:
    result = removal([inquiry(date(2025, 7, 1))])
    assert not result.removable and "1次" in result.reason


def test_several_channels_on_one_day_are_one_inquiry() -> None:
    same_day = dataclasses.replace(
        inquiry(date(2025, 7, 1)), id="x", channel=InquiryChannel.VEHICLE
    )
    assert not removal([inquiry(date(2025, 7, 1)), same_day]).removable


def test_inquiry_before_termination_does_not_count() -> None:
    assert not removal([inquiry(date(2025, 1, 10)), inquiry(date(2025, 7, 1))]).removable


def test_property_found_blocks_removal() -> None:
    result = removal(
        [inquiry(date(2025, 7, 1)), inquiry(date(2025, 9, 1)), inquiry(date(2026, 1, 10), True)]
    )
    assert not result.removable and "发现了财产" in result.reason


def test_clue_from_the_applicant_blocks_until_found_worthless() -> None:
    inquiries = [inquiry(date(2025, 7, 1)), inquiry(date(2026, 1, 10))]
    pending = PropertyClue("c", date(2025, 8, 1), "某处房产", status=ClueStatus.PENDING)
    blocked = removal(inquiries, (pending,))
    assert not blocked.removable and blocked.blocking_clues == ("c",)
    assert "线索" in blocked.reason
    worthless = dataclasses.replace(pending, status=ClueStatus.NOTHING_FOUND)
    assert removal(inquiries, (worthless,)).removable
    before = dataclasses.replace(pending, given_date=date(2024, 12, 1))
    assert removal(inquiries, (before,)).removable


def test_debtor_not_on_the_list_has_nothing_to_remove() -> None:
    result = dishonest_removal(
        ENDED, [inquiry(date(2025, 7, 1)), inquiry(date(2026, 1, 10))], (), date(2026, 3, 1), S
    )
    assert not result.removable and "不在失信名单" in result.reason
    removed = Measure("rm", MeasureKind.DISHONEST_LIST_REMOVAL, date(2026, 2, 1), "张伟")
    assert not removal([inquiry(date(2025, 7, 1)), inquiry(date(2026, 1, 10)), removed]).removable


def test_pending_results_are_not_nothing_found() -> None:
    assert not removal([inquiry(date(2025, 7, 1)), inquiry(date(2026, 1, 10), None)]).removable
