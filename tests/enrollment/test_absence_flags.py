"""§9d ii–iii: the office sees every place with 3 unreported absences in a row or 4 in a term,
with the lessons listed, computed with a fixed number of queries for a school of any size."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from enrollment import lifecycle_selectors as selectors
from enrollment import rules
from enrollment.models import (
    AbsenceReport,
    Attendance,
    GroupMember,
    Guardian,
    Household,
    Lesson,
    Placement,
    Pupil,
    SchoolPolicy,
)
from enrollment.services.lifecycle import absence_marks
from tests import factories
from tests.conftest import login
from tests.enrollment.test_office_lifecycle import (
    MONDAYS,
    TODAY,
    autumn,
    make_group,
    make_lessons,
    make_member,
    register,
    text,
    url,
)

ABSENT, PRESENT = Attendance.Status.ABSENT, Attendance.Status.PRESENT


@pytest.fixture(autouse=True)
def _english(client: Client, settings: Any) -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def office(client: Client, office_user: Any) -> Client:
    return login(client, office_user)


@pytest.fixture
def group(school: Any) -> Any:
    return make_group(school, teacher=factories.UserFactory())


@pytest.fixture
def lessons(group: Any) -> list[Lesson]:
    return make_lessons(group, MONDAYS)  # six Mondays from 24 August


def flags_of(school: Any) -> dict[int, selectors.FlaggedPlacement]:
    term = autumn(school)
    policy = selectors.policy_for(school)
    return {row.placement.pk: row for row in selectors.absence_flag_list(school, term, policy)}


def marks(placement: Placement, lessons: list[Lesson], pattern: str) -> None:
    """`pattern` per lesson: P present, A absent, R absent but reported, - not registered."""
    for lesson, mark in zip(lessons, pattern, strict=False):
        if mark == "-":
            continue
        register([lesson], placement, PRESENT if mark == "P" else ABSENT)
        if mark == "R":
            AbsenceReport.objects.create(
                lesson=lesson, pupil=placement.pupil, via="phone", reported_at=TODAY
            )


@time_machine.travel(TODAY)
def test_s9d_ii_three_unreported_absences_in_a_row_are_flagged_with_their_days(
    school: Any, group: Any, lessons: list[Lesson]
) -> None:
    placement = make_member(group)
    marks(placement, lessons, "PAAAP")
    row = flags_of(school)[placement.pk]
    assert row.flags.consecutive == tuple(MONDAYS[1:4])
    assert row.flags.total == ()
    assert row.reason == "consecutive"


@time_machine.travel(TODAY)
def test_s9d_iii_four_unreported_absences_in_a_term_are_flagged(
    school: Any, group: Any, lessons: list[Lesson]
) -> None:
    placement = make_member(group)
    marks(placement, lessons, "APAPAA")
    row = flags_of(school)[placement.pk]
    assert row.flags.consecutive == ()
    assert row.flags.total == (MONDAYS[0], MONDAYS[2], MONDAYS[4], MONDAYS[5])
    assert row.reason == "total"


@time_machine.travel(TODAY)
def test_s7_reported_absences_and_attendance_break_the_row_and_do_not_count(
    school: Any, group: Any, lessons: list[Lesson]
) -> None:
    reported = make_member(group)
    marks(reported, lessons, "AARAP")  # the report breaks the row; three unreported in all
    broken = make_member(group)
    marks(broken, lessons, "AAPAP")
    assert flags_of(school) == {}
    AbsenceReport.objects.filter(pupil=reported.pupil).delete()
    assert list(flags_of(school)) == [reported.pk]  # now A A A A P


@time_machine.travel(TODAY)
def test_s8_a_cancelled_lesson_neither_counts_nor_breaks_the_row(
    school: Any, group: Any, lessons: list[Lesson]
) -> None:
    placement = make_member(group)
    marks(placement, lessons, "AAAA")
    Lesson.objects.filter(pk=lessons[1].pk).update(status=Lesson.Status.CANCELLED)
    row = flags_of(school)[placement.pk]
    assert row.flags.consecutive == (MONDAYS[0], MONDAYS[2], MONDAYS[3])
    assert row.flags.total == ()  # three in the term, not four


@time_machine.travel(TODAY)
def test_s9d_absences_in_another_term_do_not_count(
    school: Any, group: Any, lessons: list[Lesson]
) -> None:
    marks(make_member(group), lessons, "AAAA")
    spring = factories.TermFactory(school=school, year=2026, season="spring")
    policy = selectors.policy_for(school)
    assert selectors.absence_flag_list(school, spring, policy) == []


@time_machine.travel(TODAY)
def test_s9d_ended_places_and_other_schools_are_not_flagged(
    school: Any, other_school: Any, group: Any, lessons: list[Lesson]
) -> None:
    ended = make_member(group)
    marks(ended, lessons, "AAAA")
    Placement.objects.filter(pk=ended.pk).update(status=Placement.Status.ENDED)
    theirs_group = make_group(other_school, teacher=factories.UserFactory())
    theirs = make_member(theirs_group)
    marks(theirs, make_lessons(theirs_group, MONDAYS), "AAAA")
    assert flags_of(school) == {}
    assert list(flags_of(other_school)) == [theirs.pk]


@time_machine.travel(TODAY)
def test_s9d_the_schools_own_numbers_are_used(
    school: Any, group: Any, lessons: list[Lesson]
) -> None:
    SchoolPolicy.objects.filter(school=school).update(
        consecutive_unreported_absences=2, total_unreported_absences=5
    )
    placement = make_member(group)
    marks(placement, lessons, "AAP")
    assert flags_of(school)[placement.pk].flags.consecutive == tuple(MONDAYS[:2])


@time_machine.travel(TODAY)
def test_the_bulk_selector_agrees_with_the_per_placement_reading_of_termination_decide(
    school: Any, group: Any, lessons: list[Lesson]
) -> None:
    """The flag list and termination_decide must never disagree about a place."""
    generator = random.Random(9)
    placements = [make_member(group) for _ in range(40)]
    for placement in placements:
        marks(placement, lessons, "".join(generator.choice("PAAR-") for _ in lessons))
    term = autumn(school)
    policy = selectors.policy_for(school)
    flagged = flags_of(school)
    assert flagged, "the random pattern should flag some places"
    for placement in placements:
        expected = rules.absence_flags(
            absence_marks(placement, term),
            consecutive_limit=policy.consecutive_unreported_absences,
            total_limit=policy.total_unreported_absences,
        )
        got = flagged[placement.pk].flags if placement.pk in flagged else rules.AbsenceFlags()
        assert got == expected, placement.pk


@time_machine.travel(TODAY)
def test_the_flag_page_lists_lessons_guardians_and_links_to_a_prefilled_termination(
    office: Client, school: Any, group: Any, lessons: list[Lesson]
) -> None:
    household = factories.HouseholdFactory(school=school, name="Berg")
    factories.GuardianFactory(
        household=household,
        user=None,
        first_name="Kari",
        last_name="Berg",
        email="kari@example.org",
        phone="900 11 222",
    )
    placement = make_member(group, household=household, first_name="Per")
    marks(placement, lessons, "PAAA")
    page = text(office.get(url("office:absence_flags", school)))
    assert "Per Berg" in page
    assert "§9d ii: 3 in a row" in page
    assert "Mon 31 Aug" in page and "Mon 14 Sep" in page
    assert "kari@example.org" in page and "900 11 222" in page
    term = group.term
    start = (
        url("office:termination_new", school, pk=placement.pupil_id)
        + f"?placement={placement.pk}&amp;reason=consecutive&amp;term={term.pk}"
    )
    assert start in page

    form_page = office.get(start.replace("&amp;", "&"))
    form = form_page.context["form"]
    assert form.initial["placement"] == placement.pk
    assert form.initial["reason"] == "consecutive"
    assert form.initial["term"] == term.pk


@time_machine.travel(TODAY)
def test_the_flag_page_says_so_when_nothing_is_flagged(office: Client, school: Any) -> None:
    autumn(school)
    assert "No place has enough unreported absences" in text(
        office.get(url("office:absence_flags", school))
    )


def add_flagged_places(group: Any, lessons: list[Lesson], count: int) -> None:
    """`count` pupils, each in their own household with two guardians, each flagged."""
    school = group.offer.school
    households = Household.objects.bulk_create(
        [Household(school=school, name=f"H{index}") for index in range(count)]
    )
    Guardian.objects.bulk_create(
        [
            Guardian(household=household, first_name="G", last_name=str(n), email=f"{n}@x.org")
            for household in households
            for n in (1, 2)
        ]
    )
    pupils = Pupil.objects.bulk_create(
        [
            Pupil(
                household=household,
                first_name="P",
                last_name=household.name,
                birth_date=dt.date(2015, 1, 1),
            )
            for household in households
        ]
    )
    placements = Placement.objects.bulk_create(
        [
            Placement(
                pupil=pupil,
                offer=group.offer,
                starts_term=group.term,
                starts_on=group.term.starts_on,
                status="active",
            )
            for pupil in pupils
        ]
    )
    GroupMember.objects.bulk_create(
        [GroupMember(group=group, placement=placement) for placement in placements]
    )
    Attendance.objects.bulk_create(
        [
            Attendance(lesson=lesson, placement=placement, status=ABSENT, recorded_at=TODAY)
            for placement in placements
            for lesson in lessons[:4]
        ]
    )


@time_machine.travel(TODAY)
def test_the_flag_page_makes_the_same_number_of_queries_for_3_and_60_flagged_places(
    office: Client, school: Any, group: Any, lessons: list[Lesson], django_assert_num_queries: Any
) -> None:
    add_flagged_places(group, lessons, 3)
    path = url("office:absence_flags", school)
    assert office.get(path).status_code == 200
    with CaptureQueriesContext(connection) as few:
        response = office.get(path)
    assert len(response.context["flagged"]) == 3
    add_flagged_places(group, lessons, 57)
    with django_assert_num_queries(len(few.captured_queries)):
        response = office.get(path)
    assert response.context["page_obj"].paginator.count == 60
    assert len(response.context["flagged"]) == 50  # one page


@time_machine.travel(TODAY)
def test_the_flags_of_a_school_of_2000_pupils_take_four_queries(
    school: Any, django_assert_num_queries: Any
) -> None:
    """A sanity check at the size the issue names: 2,000 places in 20 groups of 100, eight
    registered lessons each; every tenth pupil missed four lessons without notice."""
    term = autumn(school)
    teacher = factories.UserFactory()
    for index in range(20):
        group = make_group(school, teacher=teacher, name=f"G{index}")
        lessons = make_lessons(group, [term.starts_on + dt.timedelta(weeks=w) for w in range(8)])
        households = Household.objects.bulk_create(
            [Household(school=school, name=f"H{index}-{n}") for n in range(100)]
        )
        pupils = Pupil.objects.bulk_create(
            [
                Pupil(
                    household=household,
                    first_name="P",
                    last_name=household.name,
                    birth_date=dt.date(2015, 1, 1),
                )
                for household in households
            ]
        )
        placements = Placement.objects.bulk_create(
            [
                Placement(
                    pupil=pupil,
                    offer=group.offer,
                    starts_term=term,
                    starts_on=term.starts_on,
                    status="active",
                )
                for pupil in pupils
            ]
        )
        Attendance.objects.bulk_create(
            [
                Attendance(
                    lesson=lesson,
                    placement=placement,
                    status=ABSENT if n % 10 == 0 and w in (1, 3, 5, 7) else PRESENT,
                    recorded_at=TODAY,
                )
                for n, placement in enumerate(placements)
                for w, lesson in enumerate(lessons)
            ]
        )
    policy = selectors.policy_for(school)
    with django_assert_num_queries(4):
        flagged = selectors.absence_flag_list(school, term, policy)
        guardians = [row.guardians for row in flagged]
    assert len(flagged) == 200
    assert all(row.flags.total and not row.flags.consecutive for row in flagged)
    assert len(guardians) == 200
