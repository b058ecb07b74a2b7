"""Vacancies (§5b): places nobody on a waiting list is about to get, on a public page, and the
daily admission and notices that follow from them (§5a–c)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from enrollment.models import Application, Discipline, Offer, Placement, Term
from kulturskole.models import OutboundMessage
from tests import factories
from tests.conftest import login
from waitlist import vacancies
from waitlist.models import AdmissionRound, Audition, PlaceOffer

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
# Autumn 2026 runs from 24 August to 18 December (TermFactory): the term is under way.
TODAY = dt.date(2026, 9, 10)
NOW = dt.datetime(2026, 9, 10, 7, 0, tzinfo=OSLO)


@pytest.fixture
def autumn(school: Any) -> Term:
    return factories.TermFactory(school=school, year=2026, season=Term.Season.AUTUMN)


@pytest.fixture
def fees(school: Any) -> Any:
    return factories.FeeScheduleFactory(school=school, school_year=2026)


def offer(school: Any, name: str = "Fiolin", capacity: int = 2, **kwargs: Any) -> Offer:
    return factories.OfferFactory(school=school, name=name, capacity=capacity, **kwargs)


def placed(offer: Offer, term: Term, n: int = 1) -> list[Placement]:
    return [
        factories.PlacementFactory(
            pupil__household__school=offer.school,
            offer=offer,
            starts_term=term,
            status=Placement.Status.ACTIVE,
        )
        for _ in range(n)
    ]


def waiting(offer: Offer, n: int = 1, **kwargs: Any) -> list[Application]:
    return [
        factories.ApplicationFactory(pupil__household__school=offer.school, offer=offer, **kwargs)
        for _ in range(n)
    ]


def found(school: Any) -> dict[str, int]:
    return {
        v.offer.name: v.places for v in vacancies.public_vacancies(school, today=TODAY).vacancies
    }


# --- Which places are vacancies ---------------------------------------------------------------


def test_s5b_free_places_with_nobody_waiting_are_vacancies(school: Any, autumn: Term) -> None:
    violin = offer(school, capacity=3)
    placed(violin, autumn)
    assert found(school) == {"Fiolin": 2}


def test_s5b_free_places_the_waiting_list_will_fill_are_not_vacancies(
    school: Any, autumn: Term
) -> None:
    violin = offer(school, capacity=3)
    placed(violin, autumn)
    waiting(violin, 2)
    assert found(school) == {}
    cello = offer(school, "Cello", capacity=3)
    waiting(cello, 1)
    assert found(school) == {"Cello": 2}


def test_s5b_a_pending_place_offer_takes_its_place(school: Any, autumn: Term) -> None:
    violin = offer(school, capacity=2)
    application = waiting(violin)[0]
    application.status = Application.Status.OFFERED
    application.save()
    PlaceOffer.objects.create(
        application=application,
        offer=violin,
        pupil=application.pupil,
        term=autumn,
        offered_at=NOW,
        reply_by=NOW + dt.timedelta(days=14),
    )
    assert found(school) == {"Fiolin": 1}


def test_s4d_applicants_without_a_passed_audition_do_not_hold_back_a_vacancy(
    school: Any, autumn: Term
) -> None:
    performer = offer(school, "Utøver", capacity=2, audition_required=True)
    first, _second = waiting(performer, 2)
    assert found(school) == {"Utøver": 2}
    Audition.objects.create(
        pupil=first.pupil,
        offer=performer,
        application=first,
        requested_at=NOW,
        result=Audition.Result.PASSED,
        score=8,
    )
    assert found(school) == {"Utøver": 1}


def test_s14a_a_pupil_on_leave_frees_the_place(school: Any, autumn: Term) -> None:
    violin = offer(school, capacity=1)
    [placement] = placed(violin, autumn)
    assert found(school) == {}
    placement.status = Placement.Status.ON_LEAVE
    placement.save()
    assert found(school) == {"Fiolin": 1}


def test_closed_unpublished_and_ended_offers_are_not_advertised(school: Any, autumn: Term) -> None:
    offer(school, "Stengt", accepting_applications=False)
    offer(school, "Skjult", is_published=False)
    offer(
        school,
        "Sommerkurs",
        kind=Offer.Kind.COURSE,
        course_starts_on=dt.date(2026, 6, 1),
        course_ends_on=dt.date(2026, 6, 30),
    )
    offer(school, "Åpen")
    assert found(school) == {"Åpen": 2}


def test_a_school_without_a_coming_term_has_no_vacancies(school: Any) -> None:
    offer(school)
    result = vacancies.public_vacancies(school, today=TODAY)
    assert result.term is None and result.vacancies == []


def test_the_vacancies_take_a_fixed_number_of_queries(school: Any, autumn: Term) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            vacancies.public_vacancies(school, today=TODAY)
        return len(queries.captured_queries)

    violin = offer(school, capacity=5)
    waiting(violin, 1)
    placed(violin, autumn)
    few = count()
    for index in range(6):
        more = offer(school, f"Tilbud {index}", capacity=8)
        waiting(more, 3)
        placed(more, autumn, 2)
    assert count() == few


# --- The public page --------------------------------------------------------------------------


@pytest.fixture
def violin(school: Any, autumn: Term) -> Offer:
    location = factories.LocationFactory(school=school, name="Bugården")
    violin = offer(school, capacity=3, location=location, min_age=7, max_age=19)
    placed(violin, autumn)
    return violin


@time_machine.travel(NOW, tick=False)
def test_anyone_sees_the_vacancies_with_places_age_and_location(
    client: Client, violin: Offer
) -> None:
    response = client.get("/schools/sandefjord/vacancies/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Fiolin" in page
    assert "2 free places" in page
    assert "7–19" in page
    assert "Bugården" in page
    assert "§5c" in page
    assert "Sign in to apply" in page
    assert f"/accounts/login/?next=%2Ffamily%2Fapplications%2Fnew%2F%3Foffer%3D{violin.pk}" in page


@time_machine.travel(NOW, tick=False)
def test_s5c_a_guardian_gets_an_apply_link_for_a_vacancy_application(
    client: Client, guardian_user: Any, violin: Offer
) -> None:
    page = login(client, guardian_user).get("/schools/sandefjord/vacancies/").content.decode()
    assert f"/family/applications/new/?offer={violin.pk}&amp;vacancy=1" in page
    assert "Sign in to apply" not in page


@time_machine.travel(NOW, tick=False)
def test_staff_see_the_page_without_an_apply_link(
    client: Client, office_user: Any, violin: Offer
) -> None:
    page = login(client, office_user).get("/schools/sandefjord/vacancies/").content.decode()
    assert "Fiolin" in page
    assert "vacancy=1" not in page


@time_machine.travel(NOW, tick=False)
def test_s5b_the_page_changes_as_soon_as_a_place_frees_up(
    client: Client, school: Any, autumn: Term
) -> None:
    violin = offer(school, capacity=1)
    [placement] = placed(violin, autumn)
    page = client.get("/schools/sandefjord/vacancies/").content.decode()
    assert "No vacancies right now" in page
    placement.status = Placement.Status.ENDED
    placement.ends_on = dt.date(2026, 9, 1)
    placement.save()
    page = client.get("/schools/sandefjord/vacancies/").content.decode()
    assert "1 free place" in page


@time_machine.travel(NOW, tick=False)
def test_the_page_has_an_empty_state(client: Client, school: Any, autumn: Term) -> None:
    response = client.get("/schools/sandefjord/vacancies/")
    assert response.status_code == 200
    assert "No vacancies right now" in response.content.decode()


def test_a_school_that_is_not_public_has_no_vacancies_page(client: Client, school: Any) -> None:
    school.is_public = False
    school.save()
    assert client.get("/schools/sandefjord/vacancies/").status_code == 404
    assert client.get("/schools/no-such-school/vacancies/").status_code == 404


def test_the_school_page_links_to_its_vacancies(client: Client, school: Any) -> None:
    page = client.get("/schools/sandefjord/").content.decode()
    assert 'href="/schools/sandefjord/vacancies/"' in page


def test_the_apply_link_falls_back_to_the_plain_path(school: Any) -> None:
    violin = offer(school)
    assert vacancies.apply_url(violin).endswith(f"/applications/new/?offer={violin.pk}&vacancy=1")


# --- Daily admission into free places ---------------------------------------------------------


def test_s5a_free_places_go_to_the_next_in_line_once_the_term_is_under_way(
    school: Any, autumn: Term, fees: Any
) -> None:
    violin = offer(school, capacity=2)
    waiting(violin, 3)
    assert vacancies.free_places_admit(now=NOW) == 2
    assert vacancies.free_places_admit(now=NOW) == 0
    assert PlaceOffer.objects.filter(offer=violin).count() == 2


def test_s4c_before_the_term_starts_places_wait_for_main_admission(
    school: Any, autumn: Term, fees: Any
) -> None:
    violin = offer(school, capacity=2)
    waiting(violin, 1)
    june = dt.datetime(2026, 6, 10, 7, 0, tzinfo=OSLO)
    assert vacancies.free_places_admit(now=june) == 0
    AdmissionRound.objects.create(
        school=school, term=autumn, kind=AdmissionRound.Kind.MAIN, seed=1, run_at=june
    )
    assert vacancies.free_places_admit(now=june) == 1


# --- Telling waiting households about a vacancy -----------------------------------------------


@pytest.fixture
def piano_waiter(school: Any, autumn: Term) -> Application:
    """A child on the piano list, in a household with two guardians."""
    piano = offer(school, "Piano", capacity=1)
    placed(piano, autumn)
    household = factories.HouseholdFactory(school=school, name="Berg")
    factories.GuardianFactory(household=household, user__email="a@example.org")
    factories.GuardianFactory(household=household, user__email="b@example.org")
    pupil = factories.PupilFactory(household=household, first_name="Nora")
    return factories.ApplicationFactory(pupil=pupil, offer=piano)


def vacancy_messages() -> int:
    return OutboundMessage.objects.filter(key__startswith="vacancy-").count()


def test_s5a_households_waiting_in_the_same_field_hear_of_a_vacancy_once(
    school: Any, autumn: Term, piano_waiter: Application
) -> None:
    violin = offer(school, "Fiolin", capacity=1)
    assert vacancies.vacancy_notices_send(now=NOW) == 2
    assert vacancies.vacancy_notices_send(now=NOW) == 0
    assert vacancy_messages() == 2
    message = OutboundMessage.objects.filter(key__startswith="vacancy-").first()
    key = f"vacancy-{violin.pk}-{autumn.pk}-{piano_waiter.pupil.household_id}"
    assert message.key.startswith(key)
    body = message.context["body"]
    assert "Fiolin" in body and "Nora" in body and "§5c" in body
    assert f"offer={violin.pk}&vacancy=1" in body


def test_s5a_a_vacancy_in_another_field_is_not_announced(
    school: Any, autumn: Term, piano_waiter: Application
) -> None:
    offer(school, "Hip hop", capacity=1, discipline=Discipline.DANCE)
    assert vacancies.vacancy_notices_send(now=NOW) == 0


def test_s5a_a_child_too_young_for_the_vacancy_is_not_told(
    school: Any, autumn: Term, piano_waiter: Application
) -> None:
    offer(school, "Band", capacity=1, min_age=13, max_age=19)
    assert vacancies.vacancy_notices_send(now=NOW) == 0


def test_s5a_a_child_already_applying_for_the_offer_is_not_told(
    school: Any, autumn: Term, piano_waiter: Application
) -> None:
    performer = offer(school, "Utøver", capacity=1, audition_required=True)
    # Needs an audition: still a vacancy, but the child is on its list already.
    factories.ApplicationFactory(pupil=piano_waiter.pupil, offer=performer, preference=2)
    assert [v.offer for v in vacancies.public_vacancies(school, today=TODAY).vacancies] == [
        performer
    ]
    assert vacancies.vacancy_notices_send(now=NOW) == 0
