"""Admission under concurrency, on PostgreSQL: real threads, each with its own connection.

The "Must hold" of issue 3: two office users admitting at the same time, or a guardian
accepting while staff re-run admission, never push an offer over capacity nor give one pupil
two offers for the same place. Each scenario starts its threads together on a barrier and is
repeated several times to make a race likely. A deadlock or serialization failure reported by
PostgreSQL in any thread fails the test, as does any other unexpected error.

The row-lock tests need PostgreSQL (SQLite has no row locks and one writer at a time); they
skip with a reason elsewhere. The constraint tests at the end run on any database.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q

from enrollment.models import Application, Offer, Placement, Term
from tests import factories
from waitlist import selectors, services
from waitlist.models import PlaceOffer
from waitlist.rules import Refusal

OSLO = ZoneInfo("Europe/Oslo")
# Spring 2026 is under way: continuous admission fills places in it; main admission is for
# the autumn.
MARCH = dt.datetime(2026, 3, 2, 10, 0, tzinfo=OSLO)
LIVE = Q(status__in=[PlaceOffer.Status.PENDING, PlaceOffer.Status.ACCEPTED])
# How often each race is run; the slower ones (signing renders a PDF) half as often.
ITERATIONS = 10

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL row locks: set DATABASE_URL=postgres://…",
)


# --- Helpers ---------------------------------------------------------------------------------


def together(*functions: Callable[[], Any], timeout: float = 60) -> list[Any]:
    """Run the functions in threads released at once by a barrier; results or exceptions.

    Each thread opens its connection before the barrier, so the calls really start together,
    and closes it at the end.
    """
    barrier = threading.Barrier(len(functions))
    outcomes: list[Any] = [None] * len(functions)

    def work(index: int, function: Callable[[], Any]) -> None:
        try:
            connection.ensure_connection()
            barrier.wait(timeout=timeout)
            outcomes[index] = function()
        except BaseException as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=work, args=(i, f), daemon=True) for i, f in enumerate(functions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a thread hung: a lock was never released"
    return outcomes


def unexpected(outcomes: list[Any], *allowed: type[BaseException]) -> list[BaseException]:
    return [o for o in outcomes if isinstance(o, BaseException) and not isinstance(o, allowed)]


def make_school(capacity: int = 3, offers: int = 2) -> tuple[Any, list[Offer], Any, Any]:
    school = factories.SchoolFactory()
    spring = factories.TermFactory(school=school, year=2026, season=Term.Season.SPRING)
    autumn = factories.TermFactory(school=school, year=2026, season=Term.Season.AUTUMN)
    factories.FeeScheduleFactory(school=school, school_year=2025)
    factories.FeeScheduleFactory(school=school, school_year=2026)
    made = [
        factories.OfferFactory(school=school, name=f"Offer {i}", capacity=capacity)
        for i in range(offers)
    ]
    return school, made, spring, autumn


def applicants(
    school: Any, offers: list[Offer], count: int, *, both: bool = True
) -> list[Application]:
    """`count` pupils, each applying for every offer (first choice rotating) or for one."""
    made = []
    for i in range(count):
        pupil = factories.PupilFactory(household=factories.HouseholdFactory(school=school))
        chosen = offers[i % len(offers) :] + offers[: i % len(offers)] if both else [offers[0]]
        for preference, offer in enumerate(chosen, start=1):
            made.append(
                factories.ApplicationFactory(
                    pupil=pupil,
                    offer=offer,
                    preference=preference,
                    seniority_date=dt.date(2025, 1, 1) + dt.timedelta(days=i),
                )
            )
    return made


def assert_capacity_and_one_offer_each(school: Any) -> None:
    """No offer over capacity; no application with two live offers; no pupil with two
    pending place offers for places, nor two for the same offer."""
    for offer in Offer.objects.filter(school=school):
        live = PlaceOffer.objects.filter(LIVE, offer=offer).count()
        held = Placement.objects.filter(offer=offer, status__in=Placement.OCCUPYING).exclude(
            application__place_offers__status=PlaceOffer.Status.ACCEPTED
        )
        assert live + held.count() <= offer.capacity, f"{offer} over capacity"
    twice = (
        PlaceOffer.objects.filter(LIVE, offer__school=school)
        .values("application")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not twice.exists(), "an application has two live place offers"
    pending = Counter(
        PlaceOffer.objects.pending()
        .filter(offer__school=school, offer__kind=Offer.Kind.PLACE)
        .values_list("pupil_id", flat=True)
    )
    assert all(n == 1 for n in pending.values()), "a pupil has two pending place offers"
    offered = Application.objects.filter(
        offer__school=school, status=Application.Status.OFFERED
    ).count()
    assert offered == PlaceOffer.objects.pending().filter(offer__school=school).count()


# --- (a) Two office users run main admission at once ------------------------------------------


def race_two_main_admissions() -> None:
    school, offers, _spring, autumn = make_school(capacity=3, offers=3)
    applicants(school, offers, 12)
    office = factories.UserFactory()

    def run() -> Any:
        return services.admission_run(actor=office, school=school, term=autumn, now=MARCH)

    outcomes = together(run, run)

    assert unexpected(outcomes) == []
    assert sorted(r.offers_made for r in outcomes) == [0, 9]  # one ran after the other
    assert_capacity_and_one_offer_each(school)


@postgres_only
def test_two_main_admissions_at_once_stay_within_capacity(transactional_db):
    for _ in range(ITERATIONS):
        race_two_main_admissions()


# --- (b) Continuous admission from several threads at once -------------------------------------


def race_continuous_admissions_of_one_offer() -> None:
    school, offers, _spring, _autumn = make_school(capacity=3, offers=1)
    applicants(school, offers, 8, both=False)

    def run() -> Any:
        return services.continuous_admission(offer_id=offers[0].pk, now=MARCH)

    outcomes = together(run, run, run, run)

    assert unexpected(outcomes) == []
    assert sorted(len(made) for made in outcomes) == [0, 0, 0, 3]
    assert_capacity_and_one_offer_each(school)


@postgres_only
def test_continuous_admission_of_one_offer_from_four_threads_offers_each_place_once(
    transactional_db,
):
    for _ in range(ITERATIONS):
        race_continuous_admissions_of_one_offer()


def race_continuous_admissions_of_two_offers() -> None:
    # Everybody waits for both offers: each run must see the other's pending offers.
    school, offers, _spring, _autumn = make_school(capacity=2, offers=2)
    applicants(school, offers, 4)

    def first() -> Any:
        return services.continuous_admission(offer_id=offers[0].pk, now=MARCH)

    def second() -> Any:
        return services.continuous_admission(offer_id=offers[1].pk, now=MARCH)

    outcomes = together(first, second, first, second)

    assert unexpected(outcomes) == []
    assert sum(len(made) for made in outcomes) == 4
    assert_capacity_and_one_offer_each(school)


@postgres_only
def test_continuous_admissions_of_two_offers_at_once_give_a_pupil_one_place_offer(
    transactional_db,
):
    for _ in range(ITERATIONS):
        race_continuous_admissions_of_two_offers()


# --- (c) A guardian answers while staff admit again -------------------------------------------


def race_accepting_against_admissions() -> None:
    school, offers, _spring, autumn = make_school(capacity=2, offers=2)
    waiting = applicants(school, offers, 8)
    guardian = factories.GuardianFactory(household=waiting[0].pupil.household)
    office = factories.UserFactory()
    services.admission_run(actor=office, school=school, term=autumn, now=MARCH)
    place_offer = PlaceOffer.objects.get(pupil=waiting[0].pupil)
    # One more place, so the re-runs have something to fill while the guardian signs.
    Offer.objects.filter(pk=offers[1].pk).update(capacity=3)

    outcomes = together(
        lambda: services.place_offer_accept(
            user=guardian.user, place_offer=place_offer, ip="127.0.0.1", now=MARCH
        ),
        lambda: services.admission_run(actor=office, school=school, term=autumn, now=MARCH),
        lambda: services.continuous_admission(offer_id=place_offer.offer_id, now=MARCH),
        lambda: services.continuous_admission(offer_id=offers[1].pk, now=MARCH),
    )

    assert unexpected(outcomes) == []
    place_offer.refresh_from_db()
    assert place_offer.status == PlaceOffer.Status.ACCEPTED
    assert Placement.objects.filter(pupil=waiting[0].pupil).count() == 1
    # 2 + 3 places: the accepted one, and the place it starts in the autumn is not offered
    # again for the spring.
    assert PlaceOffer.objects.filter(LIVE, offer__school=school).count() == 5
    assert_capacity_and_one_offer_each(school)


@postgres_only
def test_accepting_while_admission_and_continuous_admission_run_stays_within_capacity(
    transactional_db,
):
    for _ in range(ITERATIONS // 2):
        race_accepting_against_admissions()


def race_declining_against_admissions() -> None:
    school, offers, _spring, autumn = make_school(capacity=2, offers=1)
    waiting = applicants(school, offers, 5, both=False)
    guardian = factories.GuardianFactory(household=waiting[0].pupil.household)
    office = factories.UserFactory()
    services.admission_run(actor=office, school=school, term=autumn, now=MARCH)
    place_offer = PlaceOffer.objects.get(pupil=waiting[0].pupil)

    outcomes = together(
        lambda: services.place_offer_decline(
            user=guardian.user, place_offer=place_offer, now=MARCH
        ),
        lambda: services.admission_run(actor=office, school=school, term=autumn, now=MARCH),
        lambda: services.continuous_admission(offer_id=offers[0].pk, now=MARCH),
    )

    assert unexpected(outcomes) == []
    assert PlaceOffer.objects.filter(LIVE, offer__school=school).count() == 2
    assert_capacity_and_one_offer_each(school)


@postgres_only
def test_declining_while_staff_admit_again_passes_the_place_on_once(transactional_db):
    for _ in range(ITERATIONS // 2):
        race_declining_against_admissions()


# --- (d) The same guardian applies twice at once ----------------------------------------------


def race_two_applications_for_the_last_slot() -> None:
    school, offers, _spring, _autumn = make_school(capacity=3, offers=3)
    guardian = factories.GuardianFactory(household=factories.HouseholdFactory(school=school))
    pupil = factories.PupilFactory(household=guardian.household, birth_date=dt.date(2016, 3, 1))
    services.application_submit(actor=guardian.user, pupil=pupil, offer=offers[0], now=MARCH)

    def submit(offer: Offer) -> Callable[[], Any]:
        return lambda: services.application_submit(
            actor=guardian.user, pupil=pupil, offer=offer, now=MARCH
        )

    outcomes = together(submit(offers[1]), submit(offers[2]))

    assert unexpected(outcomes, services.ApplicationRefusedError) == []
    refused = [o for o in outcomes if isinstance(o, services.ApplicationRefusedError)]
    assert len(refused) == 1 and refused[0].code == Refusal.TOO_MANY
    assert Application.objects.open().filter(pupil=pupil).count() == 2
    preferences = Application.objects.filter(pupil=pupil).values_list("preference", flat=True)
    assert sorted(preferences) == [1, 2]


@postgres_only
def test_s3b_two_applications_at_once_for_the_last_place_slot_one_is_refused(transactional_db):
    for _ in range(ITERATIONS):
        race_two_applications_for_the_last_slot()


def race_the_same_application_three_times() -> None:
    school, offers, _spring, _autumn = make_school(capacity=3, offers=1)
    guardian = factories.GuardianFactory(household=factories.HouseholdFactory(school=school))
    pupil = factories.PupilFactory(household=guardian.household, birth_date=dt.date(2016, 3, 1))

    def submit() -> Any:
        return services.application_submit(
            actor=guardian.user, pupil=pupil, offer=offers[0], now=MARCH
        )

    outcomes = together(submit, submit, submit)

    assert unexpected(outcomes, services.ApplicationRefusedError) == []
    refused = [o for o in outcomes if isinstance(o, services.ApplicationRefusedError)]
    assert [r.code for r in refused] == [Refusal.DUPLICATE] * 2
    assert Application.objects.filter(pupil=pupil).count() == 1


@postgres_only
def test_the_same_application_three_times_at_once_is_received_once(transactional_db):
    for _ in range(ITERATIONS // 2):
        race_the_same_application_three_times()


# --- Applying and withdrawing while admission runs --------------------------------------------


def race_applying_withdrawing_and_admitting() -> None:
    school, offers, _spring, autumn = make_school(capacity=4, offers=3)
    guardian = factories.GuardianFactory(household=factories.HouseholdFactory(school=school))
    first = factories.PupilFactory(household=guardian.household, birth_date=dt.date(2016, 3, 1))
    second = factories.PupilFactory(household=guardian.household, birth_date=dt.date(2015, 3, 1))
    services.application_submit(actor=guardian.user, pupil=first, offer=offers[0], now=MARCH)
    leaving = services.application_submit(
        actor=guardian.user, pupil=second, offer=offers[1], now=MARCH
    ).application
    applicants(school, offers, 6)
    office = factories.UserFactory()

    outcomes = together(
        lambda: services.application_submit(
            actor=guardian.user, pupil=first, offer=offers[2], now=MARCH
        ),
        lambda: services.application_withdraw(actor=guardian.user, application=leaving, now=MARCH),
        lambda: services.admission_run(actor=office, school=school, term=autumn, now=MARCH),
    )

    assert unexpected(outcomes, services.AdmissionError) == []
    leaving.refresh_from_db()
    if isinstance(outcomes[1], services.AdmissionError):  # admission offered it a place first
        assert leaving.status == Application.Status.OFFERED
    else:
        assert leaving.status == Application.Status.WITHDRAWN
        assert not PlaceOffer.objects.filter(application=leaving).exists()
    assert_capacity_and_one_offer_each(school)


@postgres_only
def test_applying_withdrawing_and_admitting_at_once_never_deadlock(transactional_db):
    """A guardian applies for one child and withdraws another's application while the office
    runs main admission, which offers both children places: no deadlock, and no place offer
    for a withdrawn application."""
    for _ in range(ITERATIONS // 2):
        race_applying_withdrawing_and_admitting()


@postgres_only
def test_an_application_is_received_while_admission_holds_the_offers_locked(transactional_db):
    """The locks are FOR NO KEY UPDATE: the foreign-key check of a new application does not
    wait for the admission holding its offer (with FOR UPDATE it would, and could deadlock)."""
    school, offers, _spring, _autumn = make_school(capacity=3, offers=1)
    guardian = factories.GuardianFactory(household=factories.HouseholdFactory(school=school))
    pupil = factories.PupilFactory(household=guardian.household, birth_date=dt.date(2016, 3, 1))

    with transaction.atomic():
        services._lock_offers([offers[0].pk])
        (outcome,) = together(
            lambda: services.application_submit(
                actor=guardian.user, pupil=pupil, offer=offers[0], now=MARCH
            ),
            timeout=10,
        )

    assert isinstance(outcome, services.Submitted), outcome


@postgres_only
def test_a_place_offer_is_made_while_the_pupil_is_locked_by_an_application(transactional_db):
    """The other half: admission inserting a place offer for a pupil does not wait for the
    guardian's submission holding that pupil's row."""
    school, offers, _spring, autumn = make_school(capacity=3, offers=2)
    (application,) = applicants(school, offers[:1], 1, both=False)

    with transaction.atomic():
        services._lock_pupil(application.pupil_id)
        (outcome,) = together(
            lambda: services.admission_run(actor=None, school=school, term=autumn, now=MARCH),
            timeout=10,
        )

    assert not isinstance(outcome, BaseException), outcome
    assert outcome.offers_made == 1


# --- The database backs the locks up ----------------------------------------------------------


@pytest.fixture
def offered(school):
    term = factories.TermFactory(school=school, year=2026, season=Term.Season.AUTUMN)
    offer = factories.OfferFactory(school=school, capacity=2)
    application = factories.ApplicationFactory(
        pupil=factories.PupilFactory(household=factories.HouseholdFactory(school=school)),
        offer=offer,
        status=Application.Status.OFFERED,
    )
    place_offer = PlaceOffer.objects.create(
        application=application,
        offer=offer,
        pupil=application.pupil,
        term=term,
        offered_at=MARCH,
        reply_by=MARCH + dt.timedelta(days=14),
    )
    return place_offer


def copy_of(place_offer: PlaceOffer, **changes: Any) -> PlaceOffer:
    fields = {
        "application": place_offer.application,
        "offer": place_offer.offer,
        "pupil": place_offer.pupil,
        "term": place_offer.term,
        "offered_at": MARCH,
        "reply_by": place_offer.reply_by,
    }
    return PlaceOffer(**{**fields, **changes})


@pytest.mark.django_db
def test_a_second_pending_place_offer_for_the_same_pupil_and_offer_is_refused(offered):
    other = factories.ApplicationFactory(
        pupil=offered.pupil, offer=offered.offer, status=Application.Status.WITHDRAWN
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        copy_of(offered, application=other).save()


@pytest.mark.django_db
def test_an_application_cannot_have_two_live_place_offers(offered):
    offered.status = PlaceOffer.Status.ACCEPTED
    offered.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        copy_of(offered).save()


@pytest.mark.django_db
def test_a_declined_place_offer_does_not_block_a_new_one(offered):
    offered.status = PlaceOffer.Status.DECLINED
    offered.save()
    copy_of(offered).save()
    assert PlaceOffer.objects.filter(application=offered.application).count() == 2


@pytest.mark.django_db
def test_a_pupil_has_one_open_application_per_offer_in_the_database(offered):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ApplicationFactory(pupil=offered.pupil, offer=offered.offer)


@pytest.mark.django_db
def test_the_busy_pupils_are_those_with_a_pending_offer_of_a_place(offered, school):
    assert selectors.pupils_with_pending_place_offers(school) == {offered.pupil_id}
