"""Main admission makes the same number of queries for 20 applications as for 200.

What is fixed: `admission_plan` and `admission_run` make a fixed number of queries for a given
set of offers, whatever the number of applications, pupils, auditions or places held. The one
thing that grows with the school is per offer, not per application: the fee check of the
contract (`contracts.has_fees`, one query per offer of places that gets place offers, two for a
course). The e-mails are written after commit by one task per round, in a fixed number of
queries whatever the number of place offers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import CoursePrice
from enrollment.models import Offer, Placement, Term
from kulturskole.models import OutboundMessage
from tests import factories
from waitlist import services
from waitlist.models import Audition, PlaceOffer

pytestmark = pytest.mark.django_db
MARCH = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def school_with(applications: int) -> tuple[Any, Term]:
    """Three offers of places (one with auditions) and a course, each with five free places,
    and `applications` applications: some with two choices, some late, some from pupils
    holding a place, some with an audition."""
    school = factories.SchoolFactory()
    factories.TermFactory(school=school, year=2025, season=Term.Season.AUTUMN)
    autumn = factories.TermFactory(school=school, year=2026, season=Term.Season.AUTUMN)
    schedule = factories.FeeScheduleFactory(school=school, school_year=2026)
    places = [
        factories.OfferFactory(school=school, capacity=6, audition_available=i == 0)
        for i in range(3)
    ]
    course = factories.OfferFactory(school=school, kind=Offer.Kind.COURSE, capacity=5)
    CoursePrice.objects.create(schedule=schedule, offer=course, price=Decimal("900"))
    holder = factories.PupilFactory(household=factories.HouseholdFactory(school=school))
    for offer in places:  # one place taken in each: five free
        factories.PlacementFactory(pupil=holder, offer=offer, status=Placement.Status.ACTIVE)
    made = 0
    i = 0
    while made < applications:
        household = factories.HouseholdFactory(school=school)
        factories.GuardianFactory(household=household)
        pupil = factories.PupilFactory(household=household)
        late = i % 7 == 0
        submitted = dt.datetime(2026, 5, 20 if late else 1, tzinfo=dt.UTC)
        if i % 3 == 0:
            chosen = [places[i % 3], places[(i + 1) % 3]]
        elif i % 5 == 0:
            chosen = [course]
        else:
            chosen = [places[i % 3]]
        for preference, offer in enumerate(chosen, start=1):
            application = factories.ApplicationFactory(
                pupil=pupil,
                offer=offer,
                preference=preference if offer.kind == Offer.Kind.PLACE else None,
                submitted_at=submitted,
                seniority_date=dt.date(2024, 1, 1) + dt.timedelta(days=i),
            )
            if offer.audition_available and i % 2:
                Audition.objects.create(
                    pupil=pupil,
                    offer=offer,
                    application=application,
                    requested_at=submitted,
                    result=Audition.Result.PASSED,
                    score=i,
                )
            made += 1
        i += 1
    return school, autumn


def queries(function: Any) -> tuple[int, Any]:
    ContentType.objects.clear_cache()  # the audit record looks its content type up once
    with CaptureQueriesContext(connection) as captured:
        result = function()
    return len(captured.captured_queries), result


def test_the_preview_makes_as_many_queries_for_200_applications_as_for_20():
    few, few_term = school_with(20)
    many, many_term = school_with(200)

    counted_few, plan_few = queries(
        lambda: services.admission_plan(school=few, term=few_term, seed=1)
    )
    counted_many, plan_many = queries(
        lambda: services.admission_plan(school=many, term=many_term, seed=1)
    )

    assert (len(plan_few.decisions), len(plan_many.decisions)) == (20, 200)
    # Every offer gets place offers in both, so the fee check runs for each of them.
    for plan in (plan_few, plan_many):
        assert {d.outcome.offer_id for d in plan.offered} == set(plan.offers)
    assert len(plan_many.offered) == 20  # all five places of each of the four offers
    assert counted_many == counted_few


def test_main_admission_makes_as_many_queries_for_200_applications_as_for_20(
    django_capture_on_commit_callbacks,
):
    few, few_term = school_with(20)
    many, many_term = school_with(200)

    with django_capture_on_commit_callbacks() as few_callbacks:
        counted_few, round_few = queries(
            lambda: services.admission_run(actor=None, school=few, term=few_term, now=MARCH)
        )
    with django_capture_on_commit_callbacks() as many_callbacks:
        counted_many, round_many = queries(
            lambda: services.admission_run(actor=None, school=many, term=many_term, now=MARCH)
        )

    assert (round_few.applicants, round_many.applicants) == (20, 200)
    for school in (few, many):
        assert (
            PlaceOffer.objects.filter(offer__school=school).values("offer").distinct().count() == 4
        )
    assert round_many.offers_made == 20
    assert counted_many == counted_few
    # The e-mails wait for the commit: one task for the whole round.
    assert len(few_callbacks) == len(many_callbacks) == 1
    assert not OutboundMessage.objects.exists()


def test_the_place_offer_emails_of_a_round_are_written_in_a_fixed_number_of_queries(
    django_capture_on_commit_callbacks,
):
    few, few_term = school_with(8)
    many, many_term = school_with(100)
    for school, term in ((few, few_term), (many, many_term)):
        Offer.objects.filter(school=school).update(capacity=30)
        with django_capture_on_commit_callbacks():  # the task is not run
            services.admission_run(actor=None, school=school, term=term, now=MARCH)
    few_ids = list(PlaceOffer.objects.filter(offer__school=few).values_list("pk", flat=True))
    many_ids = list(PlaceOffer.objects.filter(offer__school=many).values_list("pk", flat=True))
    assert len(few_ids) < 10 < 50 < len(many_ids)

    with django_capture_on_commit_callbacks() as sending:
        counted_few, written_few = queries(
            lambda: services.place_offers_notify(place_offer_ids=few_ids)
        )
    counted_many, written_many = queries(
        lambda: services.place_offers_notify(place_offer_ids=many_ids)
    )

    # One guardian in each household.
    assert (written_few, written_many) == (len(few_ids), len(many_ids))
    assert counted_many == counted_few
    assert len(sending) == 1  # sending is queued after commit, one task per message
    # Once per occasion: a second run writes nothing.
    assert services.place_offers_notify(place_offer_ids=many_ids) == 0
