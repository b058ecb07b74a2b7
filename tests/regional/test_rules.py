"""The regional programme's pure rules, without a database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from regional import rules
from regional.rules import Candidate, Criterion, LineAmounts, Slot

D = Decimal


# --- Budget: exact sums in Decimal -------------------------------------------------------------


@pytest.mark.parametrize(
    ("grant", "lines", "spent", "committed", "remaining"),
    [
        ("665000.00", [], "0.00", "0.00", "665000.00"),
        # The seed gathering: fees paid, lunch slightly under, minibus under.
        (
            "16000.00",
            [
                ("10500.00", "10500.00"),
                ("3000.00", "2985.50"),
                ("2500.00", "2380.00"),
            ],
            "15865.50",
            "0.00",
            "134.50",
        ),
        # Unpaid lines are committed at their planned amount.
        (
            "665000.00",
            [("180000.00", None), ("175000.00", "175000.00")],
            "175000.00",
            "180000.00",
            "310000.00",
        ),
        # Øre add up exactly where floats would not (0.1 + 0.2).
        ("1.00", [("0.10", "0.10"), ("0.20", "0.20")], "0.30", "0.00", "0.70"),
        # Plans beyond the grant leave a negative remainder.
        ("1000.00", [("800.00", "900.00"), ("300.00", None)], "900.00", "300.00", "-200.00"),
    ],
)
def test_budget_summary_sums_spent_committed_and_remaining_exactly(
    grant, lines, spent, committed, remaining
):
    summary = rules.budget_summary(
        D(grant), [LineAmounts(D(p), None if a is None else D(a), "x") for p, a in lines]
    )
    assert (summary.spent, summary.committed, summary.remaining) == (
        D(spent),
        D(committed),
        D(remaining),
    )
    assert summary.spent + summary.committed + summary.remaining == summary.grant
    assert all(isinstance(value, Decimal) for value in (summary.spent, summary.remaining))


def test_budget_summary_flags_plans_beyond_the_grant():
    summary = rules.budget_summary(D("100.00"), [LineAmounts(D("150.00"))])
    assert summary.overspent
    assert summary.used_percent == 150


def test_budget_summary_totals_each_category_planned_and_paid():
    summary = rules.budget_summary(
        D("10000.00"),
        [
            LineAmounts(D("2500.00"), D("2500.00"), "instructor_fees"),
            LineAmounts(D("3000.00"), None, "instructor_fees"),
            LineAmounts(D("500.00"), None, "food"),
        ],
    )
    assert {c: (p, a) for c, p, a in summary.by_category} == {
        "instructor_fees": (D("5500.00"), D("2500.00")),
        "food": (D("500.00"), None),
    }
    assert summary.planned == D("6000.00")


def test_money_rounds_half_away_from_zero_to_whole_ore():
    assert rules.money("2.345") == D("2.35")
    assert rules.money(7) == D("7.00")


def test_used_percent_is_zero_without_a_grant():
    assert rules.budget_summary(D("0.00"), [LineAmounts(D("10.00"))]).used_percent == 0


# --- Network meetings: four a year by default ---------------------------------------------------


def test_network_meetings_default_to_four_a_year_on_the_second_tuesday():
    dates = rules.network_meeting_dates(dt.date(2022, 8, 1), dt.date(2023, 7, 31))
    assert dates == [
        dt.date(2022, 8, 9),
        dt.date(2022, 11, 8),
        dt.date(2023, 2, 14),
        dt.date(2023, 5, 9),
    ]
    assert all(day.weekday() == 1 and 8 <= day.day <= 14 for day in dates)


def test_a_network_meeting_in_july_moves_to_august():
    dates = rules.network_meeting_dates(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert [day.month for day in dates] == [1, 4, 8, 10]


def test_network_meetings_follow_the_programmes_own_number_a_year():
    assert len(rules.network_meeting_dates(dt.date(2024, 8, 1), dt.date(2025, 7, 31), 6)) == 6
    assert rules.network_meeting_dates(dt.date(2024, 8, 1), dt.date(2025, 7, 31), 0) == []


def test_network_meetings_stay_within_the_period():
    dates = rules.network_meeting_dates(dt.date(2022, 8, 20), dt.date(2022, 11, 1))
    assert dates == []


# --- Who is an in-depth pupil -------------------------------------------------------------------

TODAY = dt.date(2026, 2, 1)


def test_a_pupil_meeting_every_criterion_has_nothing_unmet():
    criteria = [Criterion(min_age=12, max_age=19), Criterion("instrument", min_years=3)]
    pupil = Candidate("instrument", dt.date(2010, 5, 5), started_year=2018)
    assert rules.criteria_unmet(criteria, pupil, today=TODAY) == []


def test_criteria_name_the_age_and_years_not_met():
    criteria = [Criterion(min_age=14), Criterion("instrument", min_years=3)]
    pupil = Candidate("instrument", dt.date(2013, 6, 1), started_year=2024)
    unmet = rules.criteria_unmet(criteria, pupil, today=TODAY)
    assert [(u.kind, u.required, u.actual) for u in unmet] == [
        ("too_young", 14, 12),
        ("too_few_years", 3, 2),
    ]


def test_criteria_for_another_discipline_do_not_apply():
    criteria = [Criterion("dance", min_age=16)]
    assert (
        rules.criteria_unmet(criteria, Candidate("drama", dt.date(2014, 1, 1)), today=TODAY) == []
    )


def test_unknown_years_of_tuition_are_asked_for_when_the_programme_requires_them():
    unmet = rules.criteria_unmet(
        [Criterion(min_years=2)], Candidate("singing", dt.date(2010, 1, 1)), today=TODAY
    )
    assert [u.kind for u in unmet] == ["years_unknown"]


def test_an_upper_age_limit_is_checked_on_the_day():
    pupil = Candidate("drama", dt.date(2006, 2, 2))
    turns_20 = dt.date(2026, 2, 2)
    unmet = rules.criteria_unmet([Criterion(max_age=19)], pupil, today=turns_20)
    assert [u.kind for u in unmet] == ["too_old"]
    assert rules.criteria_unmet([Criterion(max_age=19)], pupil, today=TODAY) == []


@pytest.mark.parametrize(
    ("discipline", "instrument", "name", "expected"),
    [
        ("music", "Fiolin", "Fiolin", "instrument"),
        ("music", "", "Sang", "singing"),
        ("music", "", "Vokalgruppe", "singing"),
        ("dance", "", "Hiphop", "dance"),
        ("drama", "", "Teater", "drama"),
        ("circus", "", "Sirkus", "other"),
    ],
)
def test_the_in_depth_discipline_is_suggested_from_the_place(
    discipline, instrument, name, expected
):
    assert rules.discipline_for_offer(discipline, instrument, name) == expected


# --- Gatherings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "new", "today", "allowed"),
    [
        ("planned", "open", dt.date(2023, 1, 1), True),
        ("open", "held", dt.date(2023, 2, 4), True),
        ("open", "held", dt.date(2023, 2, 3), False),  # not before the day
        ("held", "evaluated", dt.date(2023, 2, 6), True),
        ("planned", "evaluated", dt.date(2023, 3, 1), False),
        ("open", "planned", dt.date(2023, 1, 20), True),  # registration closed again
        ("evaluated", "open", dt.date(2023, 3, 1), False),
    ],
)
def test_a_gathering_moves_from_planned_to_open_to_held_to_evaluated(current, new, today, allowed):
    assert (
        rules.status_change_allowed(current, new, day=dt.date(2023, 2, 4), today=today) is allowed
    )


@pytest.mark.parametrize(
    ("status", "deadline", "today", "open_"),
    [
        ("open", dt.date(2023, 1, 27), dt.date(2023, 1, 27), True),
        ("open", dt.date(2023, 1, 27), dt.date(2023, 1, 28), False),
        ("open", None, dt.date(2023, 2, 4), True),  # no deadline: until the day
        ("open", None, dt.date(2023, 2, 5), False),
        ("planned", None, dt.date(2023, 1, 1), False),
    ],
)
def test_registration_is_open_until_the_deadline(status, deadline, today, open_):
    assert rules.registration_open(status, deadline, dt.date(2023, 2, 4), today) is open_


def test_empty_targets_invite_every_school_and_discipline():
    assert rules.targets([], [], 7, "dance")
    assert rules.targets([7], ["dance"], 7, "dance")
    assert not rules.targets([8], [], 7, "dance")
    assert not rules.targets([], ["drama"], 7, "dance")


def _t(hour: int, minute: int = 0) -> dt.time:
    return dt.time(hour, minute)


def test_parallel_sessions_for_different_discipline_groups_do_not_clash():
    music = Slot("music", _t(12, 15), _t(14), ("instrument",))
    dance = Slot("dance", _t(12, 15), _t(14), ("dance",))
    assert rules.session_conflicts(dance, [music], starts_at=_t(10), ends_at=_t(14)) == []


def test_a_session_for_everyone_clashes_with_any_session_at_the_same_time():
    warm_up = Slot("warm-up", _t(10), _t(11), ())
    music = Slot("music", _t(10, 30), _t(12), ("instrument",))
    conflicts = rules.session_conflicts(music, [warm_up], starts_at=_t(10), ends_at=_t(14))
    assert [(c.kind, c.other) for c in conflicts] == [("overlap", "warm-up")]


def test_sessions_back_to_back_do_not_overlap():
    first = Slot("a", _t(10), _t(11), ())
    second = Slot("b", _t(11), _t(12), ())
    assert rules.session_conflicts(second, [first], starts_at=_t(10), ends_at=_t(14)) == []


def test_a_session_outside_the_gatherings_hours_is_refused():
    late = Slot("late", _t(13), _t(15), ())
    assert [
        c.kind for c in rules.session_conflicts(late, [], starts_at=_t(10), ends_at=_t(14))
    ] == ["outside"]


def test_a_pupil_takes_part_in_the_sessions_for_everyone_and_for_their_group():
    slots = [
        Slot("warm-up", _t(10), _t(11), ()),
        Slot("music", _t(12), _t(14), ("instrument",)),
        Slot("song", _t(12), _t(14), ("singing",)),
    ]
    assert [s.key for s in rules.sessions_for("singing", slots)] == ["warm-up", "song"]


# --- Reminders ----------------------------------------------------------------------------------

DEADLINE = dt.date(2023, 1, 27)
DAY = dt.date(2023, 2, 4)


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (dt.date(2023, 1, 23), False),
        (dt.date(2023, 1, 24), True),
        (dt.date(2023, 1, 27), True),
        (dt.date(2023, 1, 28), False),
    ],
)
def test_the_deadline_reminder_is_due_three_days_before_until_the_deadline(today, due):
    assert rules.deadline_reminder_due(DEADLINE, today) is due


def test_no_deadline_no_deadline_reminder():
    assert not rules.deadline_reminder_due(None, DAY)


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (dt.date(2023, 2, 2), False),
        (dt.date(2023, 2, 3), True),
        (DAY, True),
        (dt.date(2023, 2, 5), False),
    ],
)
def test_the_day_before_reminder_is_due_the_day_before(today, due):
    assert rules.day_before_due(DAY, today) is due


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (DAY, False),
        (dt.date(2023, 2, 5), True),
        (dt.date(2023, 2, 18), True),
        (dt.date(2023, 2, 19), False),
    ],
)
def test_feedback_is_asked_for_during_two_weeks_after_the_gathering(today, due):
    assert rules.feedback_request_due(DAY, today) is due


# --- Feedback, participation, annual plan -------------------------------------------------------


def test_average_rating_has_one_decimal_and_none_without_ratings():
    assert rules.average_rating([5, 4, 4]) == D("4.3")
    assert rules.average_rating([4, 5]) == D("4.5")
    assert rules.average_rating([]) is None


def test_cross_table_counts_per_school_and_discipline_with_totals():
    table = rules.cross_table(
        [(1, "dance"), (1, "dance"), (2, "drama")],
        rows=[1, 2, 3],
        columns=["instrument", "dance", "drama"],
    )
    assert table.columns == ["dance", "drama"]
    assert table.table() == [(1, [2, 0], 2), (2, [0, 1], 1), (3, [0, 0], 0)]
    assert (table.totals(), table.total) == ([2, 1], 3)


def test_the_school_year_runs_from_august_to_july():
    assert rules.school_year_of(dt.date(2023, 2, 4)) == 2022
    assert rules.school_year_of(dt.date(2022, 8, 1)) == 2022
    months = rules.school_year_months(2022)
    assert (months[0], months[-1], len(months)) == ((2022, 8), (2023, 7), 12)


# --- Network meetings in the report, taking pupils off the list -----------------------------------


def test_a_network_meeting_counts_as_held_once_its_day_has_passed():
    today = dt.date(2026, 3, 10)
    counts = rules.network_meeting_counts(
        [
            (dt.date(2025, 9, 9), True),
            (dt.date(2025, 12, 9), False),
            (today, True),  # today: perhaps not yet
            (dt.date(2026, 6, 9), True),  # minutes written ahead count for nothing yet
        ],
        today=today,
    )
    assert counts == rules.MeetingCounts(planned=4, held=2, with_minutes=1)


def test_no_network_meetings_count_as_none_held():
    counts = rules.network_meeting_counts([], today=dt.date(2026, 3, 10))
    assert counts == rules.MeetingCounts(planned=0, held=0, with_minutes=0)


@pytest.mark.parametrize(
    ("status", "deadline", "today", "by_project_leader", "allowed"),
    [
        ("open", dt.date(2026, 2, 1), dt.date(2026, 1, 30), False, True),
        ("open", dt.date(2026, 2, 1), dt.date(2026, 2, 2), False, False),
        ("open", dt.date(2026, 2, 1), dt.date(2026, 2, 2), True, True),
        ("planned", None, dt.date(2026, 2, 6), True, True),
        ("planned", None, dt.date(2026, 2, 7), True, False),  # the day: record attendance
        ("held", None, dt.date(2026, 2, 6), True, False),
    ],
)
def test_the_project_leader_takes_a_pupil_off_the_list_until_the_day_before(
    status, deadline, today, by_project_leader, allowed
):
    day = dt.date(2026, 2, 7)
    assert (
        rules.registration_cancel_allowed(
            status, deadline, day, today, by_project_leader=by_project_leader
        )
        is allowed
    )
