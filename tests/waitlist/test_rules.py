"""The waiting-list order and main admission, rule by rule, without a database."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kulturskole.fields import MonthDay
from waitlist.rules import (
    AuditionRefusal,
    AuditionStanding,
    Candidate,
    Reason,
    Refusal,
    Seats,
    admit_courses,
    application_refusal,
    audition_quota,
    audition_request_refusal,
    deferred_acceptance,
    free_places,
    is_late,
    lottery_number,
    rank,
    reply_deadline,
    seniority_date_for_new_application,
    seniority_key,
    waiting_order,
)

MAY_1 = MonthDay(5, 1)
T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def candidate(app: int, *, pupil: int | None = None, offer: int = 1, **facts: object) -> Candidate:
    values: dict[str, object] = {
        "seniority_date": dt.date(2026, 1, 1),
        "submitted_at": T0 + dt.timedelta(minutes=app),
    }
    values.update(facts)
    return Candidate(
        application_id=app, pupil_id=pupil if pupil is not None else app, offer_id=offer, **values
    )


def order(candidates: list[Candidate], free: int = 100, **kwargs: object) -> list[int]:
    seats = Seats(1, free=free, **kwargs)  # type: ignore[arg-type]
    return [c.application_id for c, _ in waiting_order(seats, candidates)]


# --- §3a deadline ----------------------------------------------------------------------------


def test_s3a_late_applications_rank_after_on_time():
    late_but_older = candidate(1, seniority_date=dt.date(2025, 1, 1), late=True)
    on_time = candidate(2, seniority_date=dt.date(2026, 4, 30))
    assert order([late_but_older, on_time]) == [2, 1]


@pytest.mark.parametrize(
    ("submitted", "late"),
    [(dt.date(2026, 5, 1), False), (dt.date(2026, 5, 2), True), (dt.date(2026, 9, 1), True)],
)
def test_s3a_application_after_1_may_is_late_for_the_autumn_admission(submitted, late):
    assert (
        is_late(submitted, admission_season="autumn", admission_year=2026, deadline=MAY_1) is late
    )


def test_s3a_once_the_autumn_term_is_under_way_lateness_no_longer_counts():
    kwargs = {"admission_season": "autumn", "admission_year": 2026, "deadline": MAY_1}
    assert is_late(dt.date(2026, 6, 1), **kwargs)
    assert not is_late(dt.date(2026, 6, 1), term_under_way=True, **kwargs)


def test_s3a_the_yearly_deadline_does_not_make_anyone_late_for_a_spring_admission():
    assert not is_late(
        dt.date(2026, 11, 1), admission_season="spring", admission_year=2027, deadline=MAY_1
    )


def test_s3a_an_application_is_on_time_again_for_the_next_school_year():
    assert not is_late(
        dt.date(2026, 6, 1), admission_season="autumn", admission_year=2027, deadline=MAY_1
    )


def test_s3a_a_course_with_its_own_deadline_uses_it():
    kwargs = {"admission_season": "spring", "admission_year": 2027, "deadline": MAY_1}
    own = dt.date(2027, 1, 10)
    assert is_late(dt.date(2027, 1, 11), offer_deadline=own, **kwargs)
    assert not is_late(dt.date(2027, 1, 10), offer_deadline=own, **kwargs)


# --- §4a seniority ---------------------------------------------------------------------------


def test_s4a_earliest_seniority_date_ranks_first():
    newer = candidate(1, seniority_date=dt.date(2026, 2, 1))
    older = candidate(2, seniority_date=dt.date(2025, 9, 1))
    assert order([newer, older]) == [2, 1]


def test_s4a_equal_seniority_breaks_by_submission_time():
    later = candidate(1, submitted_at=T0 + dt.timedelta(hours=2))
    earlier = candidate(2, submitted_at=T0 + dt.timedelta(hours=1))
    assert order([later, earlier]) == [2, 1]


def test_s4a_equal_seniority_and_time_break_by_the_recorded_lottery():
    a = candidate(1, submitted_at=T0, lottery=lottery_number(7, 1))
    b = candidate(2, submitted_at=T0, lottery=lottery_number(7, 2))
    expected = [1, 2] if a.lottery < b.lottery else [2, 1]
    assert order([a, b]) == expected
    assert order([b, a]) == expected


def test_lottery_is_reproducible_from_its_seed_and_differs_between_seeds():
    assert lottery_number(42, 10) == lottery_number(42, 10)
    draws = {lottery_number(seed, 10) for seed in range(20)}
    assert len(draws) == 20


# --- §4e/f pupils who hold a place -----------------------------------------------------------


def test_s4e_pupils_without_a_place_rank_before_pupils_with_one():
    holder = candidate(1, seniority_date=dt.date(2024, 1, 1), holds_place=True)
    newcomer = candidate(2, seniority_date=dt.date(2026, 1, 1))
    assert order([holder, newcomer]) == [2, 1]


def test_s3a_before_s4e_a_late_newcomer_ranks_after_an_on_time_place_holder():
    # "Late applications rank after every on-time application" (§3a) is the outer rule.
    late_newcomer = candidate(1, late=True)
    on_time_holder = candidate(2, holds_place=True)
    assert order([late_newcomer, on_time_holder]) == [2, 1]


def test_s4f_a_full_course_takes_pupils_without_any_offer_first():
    seats = [Seats(5, free=1)]
    has_course = candidate(1, offer=5, holds_place=True, seniority_date=dt.date(2025, 1, 1))
    has_nothing = candidate(2, offer=5)
    result = admit_courses(seats, [has_course, has_nothing], audition_percent=50)
    assert result.outcomes[2].offered
    assert result.outcomes[1].reason == Reason.FULL


def test_s4f_courses_may_be_combined():
    seats = [Seats(5, free=2), Seats(6, free=2)]
    result = admit_courses(
        seats, [candidate(1, pupil=9, offer=5), candidate(2, pupil=9, offer=6)], audition_percent=50
    )
    assert result.outcomes[1].offered and result.outcomes[2].offered


# --- §14a returning from leave ---------------------------------------------------------------


def test_s14a_pupils_returning_from_leave_rank_ahead_of_the_waiting_list():
    old = candidate(1, seniority_date=dt.date(2020, 1, 1))
    passed = candidate(2, audition=AuditionStanding.PASSED, audition_score=10)
    returning = candidate(3, seniority_date=dt.date(2026, 6, 1), returning_from_leave=True)
    assert order([old, passed, returning]) == [3, 2, 1]


def test_s14a_returning_pupils_take_places_before_the_audition_quota_is_counted():
    seats = Seats(1, free=2)
    returning = candidate(1, returning_from_leave=True)
    passed = candidate(2, audition=AuditionStanding.PASSED, seniority_date=dt.date(2026, 6, 1))
    senior = candidate(3, seniority_date=dt.date(2025, 1, 1))
    chosen, _ = rank(seats, [returning, passed, senior], audition_percent=50)
    # One place left after the returning pupil: half of one, rounded down, is no audition place.
    assert [(c.application_id, r) for c, r in chosen] == [
        (1, Reason.RETURNING),
        (3, Reason.SENIORITY),
    ]


# --- §4c auditions ---------------------------------------------------------------------------


@pytest.mark.parametrize(("free", "quota"), [(0, 0), (1, 0), (2, 1), (3, 1), (4, 2), (7, 3)])
def test_s4c_at_most_half_the_free_places_rounded_down_go_by_audition(free, quota):
    assert audition_quota(free, 50) == quota


def test_s4c_main_admission_fills_the_audition_quota_then_seniority():
    seats = Seats(1, free=4)
    auditions = [
        candidate(
            i,
            audition=AuditionStanding.PASSED,
            audition_score=10 - i,
            seniority_date=dt.date(2026, 6, i),
        )
        for i in range(1, 5)
    ]
    seniors = [candidate(10 + i, seniority_date=dt.date(2024, 1, i)) for i in range(1, 5)]
    chosen, others = rank(seats, auditions + seniors, audition_percent=50)
    assert [(c.application_id, r) for c, r in chosen] == [
        (1, Reason.AUDITION),
        (2, Reason.AUDITION),
        (11, Reason.SENIORITY),
        (12, Reason.SENIORITY),
    ]
    assert all(r == Reason.FULL for _, r in others)


def test_s4c_a_passed_audition_outside_the_quota_keeps_its_seniority_place():
    seats = Seats(1, free=2)
    best = candidate(
        1, audition=AuditionStanding.PASSED, audition_score=9, seniority_date=dt.date(2026, 5, 1)
    )
    second = candidate(
        2, audition=AuditionStanding.PASSED, audition_score=5, seniority_date=dt.date(2024, 1, 1)
    )
    third = candidate(3, seniority_date=dt.date(2025, 1, 1))
    chosen, _ = rank(seats, [best, second, third], audition_percent=50)
    assert [(c.application_id, r) for c, r in chosen] == [
        (1, Reason.AUDITION),
        (2, Reason.SENIORITY),
    ]


def test_s4c_outside_main_admission_a_passed_audition_ranks_ahead_of_seniority():
    senior = candidate(1, seniority_date=dt.date(2020, 1, 1))
    passed = candidate(2, audition=AuditionStanding.PASSED, seniority_date=dt.date(2026, 6, 1))
    assert order([senior, passed]) == [2, 1]


def test_s4c_passed_auditions_are_ordered_by_score():
    low = candidate(1, audition=AuditionStanding.PASSED, audition_score=3)
    high = candidate(2, audition=AuditionStanding.PASSED, audition_score=8)
    assert order([low, high]) == [2, 1]


def test_s4d_an_offer_with_skill_requirements_admits_only_passed_auditions():
    seats = Seats(1, free=3, audition_required=True)
    passed = candidate(1, audition=AuditionStanding.PASSED)
    failed = candidate(2, audition=AuditionStanding.FAILED, seniority_date=dt.date(2020, 1, 1))
    none = candidate(3, seniority_date=dt.date(2020, 1, 1))
    chosen, others = rank(seats, [passed, failed, none], audition_percent=50)
    assert [c.application_id for c, _ in chosen] == [1]
    assert {(c.application_id, r) for c, r in others} == {
        (2, Reason.NEEDS_AUDITION),
        (3, Reason.NEEDS_AUDITION),
    }


def test_s4c_an_audition_may_be_demanded_within_one_year_of_applying():
    kwargs = {
        "offer_has_auditions": True,
        "applied_on": dt.date(2026, 1, 10),
        "demand_within_days": 365,
        "pending": False,
        "last_failed_on": None,
        "retry_years": 2,
    }
    assert audition_request_refusal(dt.date(2027, 1, 10), **kwargs) is None
    assert (
        audition_request_refusal(dt.date(2027, 1, 11), **kwargs)
        == AuditionRefusal.TOO_LONG_AFTER_APPLYING
    )


def test_s4c_after_a_failed_audition_a_new_one_may_be_demanded_every_second_year():
    kwargs = {
        "offer_has_auditions": True,
        "applied_on": dt.date(2024, 1, 10),
        "demand_within_days": 365,
        "pending": False,
        "last_failed_on": dt.date(2025, 3, 1),
        "retry_years": 2,
    }
    assert (
        audition_request_refusal(dt.date(2027, 2, 28), **kwargs)
        == AuditionRefusal.TOO_SOON_AFTER_FAILED
    )
    assert audition_request_refusal(dt.date(2027, 3, 1), **kwargs) is None


def test_s4c_one_audition_request_at_a_time_and_only_where_the_offer_has_auditions():
    kwargs = {
        "applied_on": dt.date(2026, 1, 10),
        "demand_within_days": 365,
        "last_failed_on": None,
        "retry_years": 2,
    }
    today = dt.date(2026, 2, 1)
    assert (
        audition_request_refusal(today, offer_has_auditions=True, pending=True, **kwargs)
        == AuditionRefusal.ALREADY_REQUESTED
    )
    assert (
        audition_request_refusal(today, offer_has_auditions=False, pending=False, **kwargs)
        == AuditionRefusal.NOT_OFFERED
    )


# --- Main admission: one offer per pupil, deferred acceptance ------------------------------


def test_s4e_main_admission_gives_a_pupil_at_most_one_place_offer():
    seats = [Seats(1, free=5), Seats(2, free=5)]
    first = candidate(1, pupil=7, offer=1, preference=1)
    second = candidate(2, pupil=7, offer=2, preference=2)
    result = deferred_acceptance(seats, [first, second], audition_percent=50)
    assert result.outcomes[1].reason == Reason.SENIORITY
    assert result.outcomes[2].reason == Reason.BETTER_CHOICE
    assert [o.application_id for o in result.offered] == [1]


def test_main_admission_gives_the_second_choice_when_the_first_is_full():
    seats = [Seats(1, free=1), Seats(2, free=1)]
    senior = candidate(1, pupil=1, offer=1, seniority_date=dt.date(2025, 1, 1))
    first = candidate(2, pupil=2, offer=1, preference=1)
    second = candidate(3, pupil=2, offer=2, preference=2)
    result = deferred_acceptance(seats, [senior, first, second], audition_percent=50)
    assert result.outcomes[2].reason == Reason.FULL
    assert result.outcomes[2].rank == 2
    assert result.outcomes[3].offered


def test_main_admission_lets_a_senior_pupil_displace_a_tentative_holder():
    # Anna (junior) proposes to violin first; Ola (senior) wants violin only as second choice
    # after cello, which is full. Ola displaces Anna from violin; Anna falls to her piano.
    seats = [Seats(1, free=1), Seats(2, free=0), Seats(3, free=1)]
    anna_violin = candidate(1, pupil=1, offer=1, preference=1, seniority_date=dt.date(2026, 3, 1))
    anna_piano = candidate(2, pupil=1, offer=3, preference=2, seniority_date=dt.date(2026, 3, 1))
    ola_cello = candidate(3, pupil=2, offer=2, preference=1, seniority_date=dt.date(2025, 1, 1))
    ola_violin = candidate(4, pupil=2, offer=1, preference=2, seniority_date=dt.date(2025, 1, 1))
    result = deferred_acceptance(
        seats, [anna_violin, anna_piano, ola_cello, ola_violin], audition_percent=50
    )
    assert {o.application_id for o in result.offered} == {4, 2}
    assert result.outcomes[1].reason == Reason.FULL
    assert result.outcomes[3].reason == Reason.FULL


def test_s4d_main_admission_passes_a_pupil_without_audition_on_to_the_next_choice():
    seats = [Seats(1, free=3, audition_required=True), Seats(2, free=3)]
    wants_performer = candidate(1, pupil=1, offer=1, preference=1)
    fallback = candidate(2, pupil=1, offer=2, preference=2)
    result = deferred_acceptance(seats, [wants_performer, fallback], audition_percent=50)
    assert result.outcomes[1].reason == Reason.NEEDS_AUDITION
    assert result.outcomes[2].offered


# --- Properties over random schools ----------------------------------------------------------


@st.composite
def schools(draw: st.DrawFn) -> tuple[list[Seats], list[Candidate]]:
    n_offers = draw(st.integers(1, 5))
    seats = [
        Seats(offer, free=draw(st.integers(0, 3)), audition_required=draw(st.booleans()))
        for offer in range(1, n_offers + 1)
    ]
    candidates = []
    app = 0
    for pupil in range(1, draw(st.integers(1, 12)) + 1):
        wanted = draw(st.lists(st.sampled_from(range(1, n_offers + 1)), unique=True, max_size=3))
        for preference, offer in enumerate(wanted, start=1):
            app += 1
            candidates.append(
                candidate(
                    app,
                    pupil=pupil,
                    offer=offer,
                    preference=preference,
                    seniority_date=dt.date(2025, 1, 1) + dt.timedelta(days=draw(st.integers(0, 5))),
                    late=draw(st.booleans()),
                    holds_place=draw(st.booleans()),
                    returning_from_leave=draw(st.integers(0, 9)) == 0,
                    audition=draw(st.sampled_from(list(AuditionStanding))),
                    audition_score=draw(st.none() | st.integers(0, 10)),
                    lottery=draw(st.integers(0, 3)),
                )
            )
    return seats, candidates


@settings(max_examples=300, deadline=None)
@given(schools(), st.randoms(use_true_random=False))
def test_main_admission_does_not_depend_on_the_order_of_offers_or_applications(school, rnd):
    seats, candidates = school
    expected = deferred_acceptance(seats, candidates, audition_percent=50).outcomes
    shuffled_seats, shuffled = list(seats), list(candidates)
    rnd.shuffle(shuffled_seats)
    rnd.shuffle(shuffled)
    assert deferred_acceptance(shuffled_seats, shuffled, audition_percent=50).outcomes == expected


@settings(max_examples=300, deadline=None)
@given(schools())
def test_main_admission_respects_capacity_one_offer_per_pupil_and_eligibility(school):
    seats, candidates = school
    result = deferred_acceptance(seats, candidates, audition_percent=50)
    by_id = {c.application_id: c for c in candidates}
    offered = result.offered
    for s in seats:
        assert sum(1 for o in offered if o.offer_id == s.offer_id) <= s.free
        if s.audition_required:
            assert all(
                by_id[o.application_id].audition == AuditionStanding.PASSED
                for o in offered
                if o.offer_id == s.offer_id
            )
    pupils = [o.pupil_id for o in offered]
    assert len(pupils) == len(set(pupils))
    assert set(result.outcomes) == set(by_id)


@settings(max_examples=300, deadline=None)
@given(schools())
def test_main_admission_is_stable_no_pupil_is_passed_over_for_a_lower_ranked_one(school):
    """No pupil prefers an offer that would choose them over one of the pupils it kept."""
    seats, candidates = school
    result = deferred_acceptance(seats, candidates, audition_percent=50)
    by_offer = {s.offer_id: s for s in seats}
    kept = {
        s.offer_id: [
            c
            for c in candidates
            if result.outcomes[c.application_id].offered and c.offer_id == s.offer_id
        ]
        for s in seats
    }
    got = {o.pupil_id: o for o in result.offered}
    for c in candidates:
        mine = got.get(c.pupil_id)
        prefers = mine is None or c.preference < next(
            x.preference for x in candidates if x.application_id == mine.application_id
        )
        if not prefers:
            continue
        chosen, _ = rank(by_offer[c.offer_id], [*kept[c.offer_id], c], audition_percent=50)
        assert c.application_id not in {x.application_id for x, _ in chosen}


def test_every_pupil_with_the_best_seniority_gets_their_first_choice_when_there_is_room():
    rnd = random.Random(3)
    seats = [Seats(o, free=2) for o in range(1, 4)]
    candidates = [
        candidate(i, pupil=i, offer=rnd.randint(1, 3), seniority_date=dt.date(2025, 1, i))
        for i in range(1, 7)
    ]
    result = deferred_acceptance(seats, candidates, audition_percent=50)
    for offer in (1, 2, 3):
        applicants = sorted((c for c in candidates if c.offer_id == offer), key=seniority_key)
        assert [result.outcomes[c.application_id].offered for c in applicants] == [
            i < 2 for i in range(len(applicants))
        ]


# --- Receiving applications --------------------------------------------------------------------


BASE = {
    "offer_open": True,
    "duplicate": False,
    "age_admitted": True,
    "age_exception": False,
    "is_place": True,
    "open_place_applications": 0,
    "max_open_place_applications": 2,
}


def test_an_application_that_breaks_no_rule_is_received():
    assert application_refusal(**BASE) is None


def test_s1a_offers_are_for_households_of_the_schools_municipality():
    assert application_refusal(**{**BASE, "resident": False}) == Refusal.NOT_RESIDENT


def test_an_offer_closed_for_applications_refuses_them():
    assert application_refusal(**{**BASE, "offer_open": False}) == Refusal.CLOSED


def test_a_second_open_application_to_the_same_offer_is_refused():
    assert application_refusal(**{**BASE, "duplicate": True}) == Refusal.DUPLICATE


def test_an_application_for_an_offer_the_pupil_has_a_place_in_is_refused():
    assert application_refusal(**{**BASE, "holds_place_in_offer": True}) == Refusal.HOLDS_PLACE


def test_s4a_a_child_outside_the_age_range_is_refused_unless_the_office_grants_an_exception():
    assert application_refusal(**{**BASE, "age_admitted": False}) == Refusal.AGE
    assert application_refusal(**{**BASE, "age_admitted": False, "age_exception": True}) is None


def test_s3b_a_third_open_application_for_places_is_refused():
    assert application_refusal(**{**BASE, "open_place_applications": 1}) is None
    assert application_refusal(**{**BASE, "open_place_applications": 2}) == Refusal.TOO_MANY


def test_s3b_courses_have_no_limit():
    assert application_refusal(**{**BASE, "is_place": False, "open_place_applications": 5}) is None


def test_s14b_reapplying_after_quitting_keeps_the_first_applications_seniority():
    today = dt.date(2027, 3, 1)
    assert seniority_date_for_new_application(today) == today
    assert seniority_date_for_new_application(
        today, earlier_admitted_to_same_offer=[dt.date(2023, 5, 2), dt.date(2024, 1, 1)]
    ) == dt.date(2023, 5, 2)


def test_s5c_applying_for_an_advertised_vacancy_keeps_the_seniority_earned_elsewhere():
    today = dt.date(2027, 3, 1)
    waiting = [dt.date(2025, 10, 1), dt.date(2026, 2, 1)]
    assert seniority_date_for_new_application(
        today, waiting_elsewhere=waiting, is_vacancy_application=True
    ) == dt.date(2025, 10, 1)
    # An ordinary application does not borrow seniority from other lists.
    assert seniority_date_for_new_application(today, waiting_elsewhere=waiting) == today


def test_s4b_the_reply_deadline_is_the_policys_number_of_days_after_the_offer():
    assert reply_deadline(dt.date(2026, 6, 1), 14) == dt.date(2026, 6, 15)


def test_free_places_count_current_pupils_and_pending_offers_and_never_go_negative():
    assert free_places(10, occupied=6, pending_offers=3) == 1
    assert free_places(10, occupied=9, pending_offers=3) == 0
