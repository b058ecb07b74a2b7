"""The waiting-list reads make a fixed number of queries, whatever the number of applicants."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enrollment.models import Application, Household, Offer, Placement, Pupil, Term
from tests import factories
from waitlist import selectors
from waitlist.models import Audition
from waitlist.rules import Reason

pytestmark = pytest.mark.django_db
JUNE = dt.date(2026, 6, 10)


@pytest.fixture
def terms(school: Any) -> tuple[Term, Term]:
    spring = factories.TermFactory(school=school, year=2026, season=Term.Season.SPRING)
    autumn = factories.TermFactory(school=school, year=2026, season=Term.Season.AUTUMN)
    return spring, autumn


def waiting_for(offer: Offer, count: int) -> list[Application]:
    """`count` applicants, in bulk: some late, some holding a place elsewhere, some with a
    passed or failed audition, one back from leave."""
    school = offer.school
    elsewhere = factories.OfferFactory(school=school, name="Elsewhere", capacity=count)
    households = Household.objects.bulk_create(
        [Household(school=school, name=f"H{i}") for i in range(max(count // 3, 1))]
    )
    pupils = Pupil.objects.bulk_create(
        [
            Pupil(
                household=households[i % len(households)],
                first_name=f"P{i}",
                last_name="Test",
                birth_date=dt.date(2015, 1, 1),
            )
            for i in range(count)
        ]
    )
    term = Term.objects.get(school=school, season=Term.Season.SPRING)
    Placement.objects.bulk_create(
        [
            Placement(pupil=p, offer=elsewhere, starts_term=term, starts_on=term.starts_on)
            for p in pupils[::5]
        ]
    )
    applications = Application.objects.bulk_create(
        [
            Application(
                pupil=pupil,
                offer=offer,
                kind=Application.Kind.RETURN if i == count - 1 else Application.Kind.NEW,
                preference=1,
                submitted_at=dt.datetime(2026, 5, 20 if i % 4 == 0 else 2, 12, tzinfo=dt.UTC),
                seniority_date=dt.date(2023, 1, 1) + dt.timedelta(days=i % 900),
            )
            for i, pupil in enumerate(pupils)
        ]
    )
    Audition.objects.bulk_create(
        [
            Audition(
                pupil_id=a.pupil_id,
                offer=offer,
                application=a,
                requested_at=a.submitted_at,
                result=Audition.Result.PASSED if i % 2 else Audition.Result.FAILED,
                score=i % 10,
            )
            for i, a in enumerate(applications[::7])
        ]
    )
    return applications


def counted(function: Any) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        result = function()
    return len(captured.captured_queries), result


def fresh(applications: list[Application]) -> list[Application]:
    """As a page would load them: without their offers."""
    return list(Application.objects.filter(pk__in=[a.pk for a in applications]))


def test_the_waiting_list_of_an_offer_with_1000_applicants_makes_a_fixed_number_of_queries(
    school, terms
):
    small = factories.OfferFactory(school=school, name="Small", audition_available=True)
    large = factories.OfferFactory(school=school, name="Large", audition_available=True)
    waiting_for(small, 10)
    waiting_for(large, 1000)
    small = Offer.objects.select_related("school").get(pk=small.pk)
    large = Offer.objects.select_related("school").get(pk=large.pk)

    few, _small_lists = counted(lambda: selectors.waiting_lists([small], today=JUNE))
    many, large_lists = counted(lambda: selectors.waiting_lists([large], today=JUNE))

    assert len(large_lists[large.pk].entries) == 1000
    assert many == few <= 6
    # The names on the page come with the list.
    with CaptureQueriesContext(connection) as names:
        assert all(e.application.pupil.first_name for e in large_lists[large.pk].entries)
    assert len(names.captured_queries) == 0
    # The order holds the rules: back from leave first, then passed auditions (§14a, §4c).
    entries = large_lists[large.pk].entries
    assert entries[0].reason == Reason.RETURNING
    assert entries[1].reason == Reason.AUDITION


def test_positions_for_1000_applications_make_a_fixed_number_of_queries(school, terms):
    small = factories.OfferFactory(school=school, name="Small")
    large = factories.OfferFactory(school=school, name="Large")
    few_applications = fresh(waiting_for(small, 10))
    many_applications = fresh(waiting_for(large, 1000))

    few, _few_positions = counted(lambda: selectors.positions(few_applications, today=JUNE))
    many, many_positions = counted(lambda: selectors.positions(many_applications, today=JUNE))

    assert many == few <= 7
    assert len(many_positions) == 1000
    assert sorted(p for p, _total in many_positions.values()) == list(range(1, 1001))
    assert {total for _p, total in many_positions.values()} == {1000}


def test_positions_across_several_offers_make_one_list_per_school(school, terms):
    offers = [factories.OfferFactory(school=school, name=f"O{i}") for i in range(3)]
    applications = []
    for offer in offers:
        applications += fresh(waiting_for(offer, 5 * (1 + offers.index(offer))))

    queries, positions = counted(lambda: selectors.positions(applications, today=JUNE))

    assert len(positions) == 30
    assert queries <= 7


def test_positions_of_no_waiting_application_make_no_query(school, terms):
    offer = factories.OfferFactory(school=school)
    application = factories.ApplicationFactory(
        pupil=factories.PupilFactory(household=factories.HouseholdFactory(school=school)),
        offer=offer,
        status=Application.Status.ADMITTED,
    )
    queries, positions = counted(lambda: selectors.positions([application], today=JUNE))
    assert (queries, positions) == (0, {})


def test_s4a_without_a_term_to_admit_to_the_list_is_in_seniority_order(school):
    offer = factories.OfferFactory(school=school)
    applications = [
        factories.ApplicationFactory(
            pupil=factories.PupilFactory(household=factories.HouseholdFactory(school=school)),
            offer=offer,
            seniority_date=seniority,
        )
        for seniority in (dt.date(2025, 3, 1), dt.date(2024, 1, 1), dt.date(2025, 1, 1))
    ]

    positions = selectors.positions(applications, today=JUNE)

    assert [positions[a.pk] for a in applications] == [(3, 3), (1, 3), (2, 3)]
