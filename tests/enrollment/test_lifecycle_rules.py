"""The pupil life cycle, rule by rule (§6, §7, §9, §14, §15–16, §19), without a database."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enrollment.rules import (
    LeaveRefusal,
    Mark,
    TermRef,
    TrialClosed,
    absence_flags,
    closed_days,
    effective_upper_age,
    half_year,
    leave_refusal,
    lesson_dates,
    needs_effort_guidance,
    notice_outcome,
    terms_between,
    trial_state,
    upper_age_end,
)
from kulturskole.fields import MonthDay

DEC_1, JUN_1 = MonthDay(12, 1), MonthDay(6, 1)


def notice(day: str):
    return notice_outcome(
        dt.date.fromisoformat(day), deadline_for_spring=DEC_1, deadline_for_autumn=JUN_1
    )


# --- Lessons ------------------------------------------------------------------------------------


def test_lessons_fall_on_the_groups_weekday_every_week_of_the_term():
    dates = lesson_dates(
        first_day=dt.date(2026, 8, 17), last_day=dt.date(2026, 9, 8), weekday=1, closed=frozenset()
    )
    assert dates == [
        dt.date(2026, 8, 18),
        dt.date(2026, 8, 25),
        dt.date(2026, 9, 1),
        dt.date(2026, 9, 8),
    ]


def test_no_lessons_in_the_schools_breaks_or_on_public_holidays():
    closed = closed_days(
        [(dt.date(2026, 10, 5), dt.date(2026, 10, 9))], public_holidays=[dt.date(2027, 5, 17)]
    )
    autumn = lesson_dates(
        first_day=dt.date(2026, 9, 28), last_day=dt.date(2026, 10, 19), weekday=2, closed=closed
    )
    assert autumn == [dt.date(2026, 9, 30), dt.date(2026, 10, 14)]
    spring = lesson_dates(
        first_day=dt.date(2027, 5, 10), last_day=dt.date(2027, 5, 24), weekday=0, closed=closed
    )
    assert spring == [dt.date(2027, 5, 10), dt.date(2027, 5, 24)]


# --- §6 Trial ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attended", "left", "open_"), [(0, 2, True), (1, 1, True), (2, 0, True), (3, 0, False)]
)
def test_s6_withdrawal_is_free_until_the_third_attendance(attended, left, open_):
    state = trial_state(
        attended=attended, trial_lessons=2, in_first_term=True, attended_offer_before=False
    )
    assert (state.lessons_left, state.can_withdraw) == (left, open_)


def test_s6_the_trial_applies_only_in_the_first_term():
    state = trial_state(
        attended=0, trial_lessons=2, in_first_term=False, attended_offer_before=False
    )
    assert state.closed == TrialClosed.NOT_FIRST_TERM


def test_s6b_no_trial_for_an_offer_the_pupil_attended_before():
    state = trial_state(attended=0, trial_lessons=2, in_first_term=True, attended_offer_before=True)
    assert state.closed == TrialClosed.ATTENDED_BEFORE


# --- §7, §9d Absence ----------------------------------------------------------------------------


def marks(*codes: str) -> list[tuple[dt.date, Mark]]:
    table = {"P": Mark.PRESENT, "R": Mark.REPORTED, "U": Mark.UNREPORTED}
    return [(dt.date(2026, 9, 1) + dt.timedelta(weeks=i), table[c]) for i, c in enumerate(codes)]


def test_s9d_ii_three_unreported_absences_in_a_row_are_flagged_with_their_lessons():
    flags = absence_flags(marks("P", "U", "U", "U", "P"), consecutive_limit=3, total_limit=4)
    assert flags.consecutive == (dt.date(2026, 9, 8), dt.date(2026, 9, 15), dt.date(2026, 9, 22))
    assert not flags.total


def test_s7_a_reported_absence_breaks_the_row():
    flags = absence_flags(marks("U", "U", "R", "U"), consecutive_limit=3, total_limit=4)
    assert not flags.flagged


def test_s9d_iii_four_unreported_absences_in_a_term_are_flagged():
    flags = absence_flags(
        marks("U", "P", "U", "P", "U", "R", "U"), consecutive_limit=3, total_limit=4
    )
    assert len(flags.total) == 4 and not flags.consecutive


def test_s9d_the_order_of_registration_does_not_matter():
    given_marks = marks("U", "U", "U")
    assert absence_flags(
        list(reversed(given_marks)), consecutive_limit=3, total_limit=4
    ).consecutive


# --- §9 Notice ----------------------------------------------------------------------------------


def test_s9b_notice_by_1_december_ends_the_place_after_the_autumn_term():
    assert notice("2026-12-01") == notice("2026-11-15")
    assert notice("2026-12-01").last_term == TermRef(2026, "autumn")
    assert not notice("2026-12-01").binds_next_term


def test_s9b_notice_on_2_december_binds_spring_term():
    outcome = notice("2026-12-02")
    assert outcome.last_term == TermRef(2027, "spring")
    assert outcome.binds_next_term


def test_s9b_notice_by_1_june_ends_the_place_after_the_spring_term():
    assert notice("2027-06-01").last_term == TermRef(2027, "spring")
    assert notice("2027-01-10").last_term == TermRef(2027, "spring")


def test_s9c_notice_on_2_june_binds_the_autumn_term_in_full():
    outcome = notice("2027-06-02")
    assert outcome.last_term == TermRef(2027, "autumn") and outcome.binds_next_term


def test_s9b_notice_in_the_summer_ends_the_place_after_the_coming_autumn_term():
    outcome = notice("2027-07-15")
    assert outcome.last_term == TermRef(2027, "autumn") and not outcome.binds_next_term


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)))
def test_s9_a_later_notice_never_ends_the_place_earlier(day):
    assert (
        notice(day.isoformat()).last_term
        <= notice((day + dt.timedelta(days=1)).isoformat()).last_term
    )
    assert notice(day.isoformat()).last_term >= TermRef.of(day)


def test_terms_between_lists_every_term_in_order():
    assert terms_between(TermRef(2026, "autumn"), TermRef(2027, "autumn")) == [
        TermRef(2026, "autumn"),
        TermRef(2027, "spring"),
        TermRef(2027, "autumn"),
    ]


def test_spring_comes_before_autumn_in_the_same_year():
    assert TermRef(2027, "spring") < TermRef(2027, "autumn") < TermRef(2028, "spring")


# --- §14 Leave ----------------------------------------------------------------------------------


def test_s14b_leave_for_other_reasons_than_illness_is_refused():
    assert (
        leave_refusal(illness=False, expected_weeks=10, min_weeks=4, has_doctors_note=True)
        == LeaveRefusal.OTHER_REASON
    )


def test_s14a_illness_must_last_more_than_four_teaching_weeks():
    assert (
        leave_refusal(illness=True, expected_weeks=4, min_weeks=4, has_doctors_note=True)
        == LeaveRefusal.TOO_SHORT
    )
    assert leave_refusal(illness=True, expected_weeks=5, min_weeks=4, has_doctors_note=True) is None


def test_s14a_leave_for_illness_needs_a_doctors_note():
    assert (
        leave_refusal(illness=True, expected_weeks=8, min_weeks=4, has_doctors_note=False)
        == LeaveRefusal.NO_DOCTORS_NOTE
    )


# --- §15–16 ---------------------------------------------------------------------------------------


def test_s15_half_years_run_january_to_june_and_july_to_december():
    assert half_year(dt.date(2027, 6, 30)) == (2027, 1)
    assert half_year(dt.date(2027, 7, 1)) == (2027, 2)


@pytest.mark.parametrize(
    ("levels", "guidance"),
    [
        (["low"], False),
        (["low", "low"], True),
        (["low", "good", "low"], False),
        (["good", "low", "low"], True),
    ],
)
def test_s16b_low_effort_through_more_than_one_term_prompts_guidance(levels, guidance):
    assert needs_effort_guidance(levels, terms_before_guidance=1) is guidance


# --- §19 Upper age --------------------------------------------------------------------------------


def test_s19_a_place_ends_at_the_end_of_the_year_the_pupil_turns_19():
    assert upper_age_end(dt.date(2008, 3, 1), 19) == dt.date(2027, 12, 31)


def test_s19_an_offer_may_set_its_own_upper_age_or_none():
    assert effective_upper_age(offer_upper_age=None, no_upper_age=False, policy_upper_age=19) == 19
    assert effective_upper_age(offer_upper_age=25, no_upper_age=False, policy_upper_age=19) == 25
    assert effective_upper_age(offer_upper_age=None, no_upper_age=True, policy_upper_age=19) is None
    assert upper_age_end(dt.date(2008, 3, 1), None) is None
