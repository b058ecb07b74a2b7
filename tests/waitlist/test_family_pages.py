"""The guardian's side of admission: applying, positions, place offers and contracts."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enrollment.models import Application, Contract, Offer, Placement, Term
from tests import factories
from tests.conftest import login
from waitlist import services
from waitlist.models import Audition, PlaceOffer

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
# Spring 2026, before the 1 May deadline for the autumn 2026 intake.
MARCH = dt.datetime(2026, 3, 2, 10, 0, tzinfo=OSLO)
MAY = dt.datetime(2026, 5, 2, 9, 0, tzinfo=OSLO)


@pytest.fixture(autouse=True)
def in_march():
    with time_machine.travel(MARCH, tick=False):
        yield


@pytest.fixture
def autumn(school):
    return factories.TermFactory(school=school, year=2026, season=Term.Season.AUTUMN)


@pytest.fixture
def fees(school):
    return factories.FeeScheduleFactory(school=school, school_year=2026)


@pytest.fixture
def bugarden(school):
    return factories.LocationFactory(school=school, name="Bugården")


@pytest.fixture
def violin(school, bugarden):
    return factories.OfferFactory(
        school=school, name="Fiolin", location=bugarden, capacity=2, min_age=6, max_age=19
    )


@pytest.fixture
def cello(school, bugarden):
    return factories.OfferFactory(
        school=school, name="Cello", location=bugarden, capacity=1, min_age=6, max_age=19
    )


@pytest.fixture
def ola(household):
    return factories.PupilFactory(
        household=household, first_name="Ola", birth_date=dt.date(2016, 3, 14)
    )


@pytest.fixture
def guardian_client(client, guardian_user):
    return login(client, guardian_user)


@pytest.fixture
def other_household(school):
    household = factories.HouseholdFactory(school=school, name="Berg")
    guardian = factories.GuardianFactory(household=household, user__email="berg@example.org")
    household.payer = guardian
    household.save()
    return household


@pytest.fixture
def other_client(other_household):
    from django.test import Client

    other = Client()
    other.cookies["django_language"] = "en"
    return login(other, other_household.guardians.get().user)


@pytest.fixture
def office(school):
    user = factories.UserFactory(totp=True)
    factories.StaffRoleFactory(user=user, school=school, role="office")
    return user


def apply(user, pupil, offer, **kwargs):
    return services.application_submit(actor=user, pupil=pupil, offer=offer, **kwargs).application


def waiting_child(school, offer, name, seniority):
    pupil = factories.PupilFactory(
        household=factories.HouseholdFactory(school=school), first_name=name
    )
    return factories.ApplicationFactory(pupil=pupil, offer=offer, seniority_date=seniority)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def offered(guardian_user, ola, violin, autumn, fees, office, school):
    apply(guardian_user, ola, violin)
    services.admission_run(actor=office, school=school, term=autumn)
    return PlaceOffer.objects.get(pupil=ola)


@pytest.fixture
def contract(guardian_user, offered):
    return services.place_offer_accept(user=guardian_user, place_offer=offered, ip="192.0.2.1")


# --- Who may see the pages --------------------------------------------------------------------


@pytest.fixture
def world(guardian_user, ola, violin, cello, autumn, fees, office, school):
    """An open application, a place offer, and a signed contract, all of the Hansen household."""
    per = factories.PupilFactory(household=ola.household, first_name="Per")
    apply(guardian_user, per, violin)
    services.admission_run(actor=office, school=school, term=autumn)
    waiting = apply(guardian_user, ola, cello)
    place_offer = PlaceOffer.objects.get(pupil=per)
    placement = factories.PlacementFactory(pupil=ola, offer=violin)
    signed = Contract.objects.create(
        placement=placement,
        guardian=ola.household.guardians.get(),
        signed_by=guardian_user,
        signed_at=MARCH,
        signed_from_ip="192.0.2.1",
        rule_book_version="2013-03-20",
        sha256="0" * 64,
    )
    from django.core.files.base import ContentFile

    signed.document.save("contract.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    return {
        "application": waiting.pk,
        "place_offer": place_offer.pk,
        "placement": placement.pk,
        "contract": signed.pk,
    }


GET_PAGES = [
    "/family/applications/",
    "/family/applications/positions/",
    "/family/applications/new/",
    "/family/applications/{application}/withdraw/",
    "/family/placements/{placement}/switch/",
    "/family/place-offers/{place_offer}/",
    "/family/place-offers/{place_offer}/decline/",
    "/family/place-offers/{place_offer}/contract.pdf",
    "/family/contracts/{contract}/",
    "/family/contracts/{contract}.pdf",
]
POST_PAGES = [
    "/family/applications/{application}/prefer/",
    "/family/applications/{application}/audition/",
    "/family/applications/{application}/withdraw/",
    "/family/place-offers/{place_offer}/",
    "/family/place-offers/{place_offer}/decline/",
]
OBJECT_PAGES = [page for page in GET_PAGES if "{" in page]


def test_the_household_sees_every_page(guardian_client, world):
    for page in GET_PAGES:
        response = guardian_client.get(page.format(**world))
        assert response.status_code == 200, page


@pytest.mark.parametrize("page", GET_PAGES + POST_PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, world, page):
    url = page.format(**world)
    response = client.post(url) if page in POST_PAGES else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("page", GET_PAGES)
def test_office_staff_without_a_household_get_403(client, office, world, page):
    assert login(client, office).get(page.format(**world)).status_code == 403


@pytest.mark.parametrize("page", OBJECT_PAGES)
def test_another_household_gets_404_for_every_object(other_client, world, page):
    assert other_client.get(page.format(**world)).status_code == 404


@pytest.mark.parametrize("page", POST_PAGES)
def test_another_household_cannot_act_on_the_objects(other_client, world, page):
    assert other_client.post(page.format(**world), {"accept": "on"}).status_code == 404
    assert not Contract.objects.filter(placement__pupil__household__name="Berg").exists()
    assert PlaceOffer.objects.get(pk=world["place_offer"]).status == PlaceOffer.Status.PENDING


def test_an_applications_nav_item_is_shown_to_guardians(guardian_client, ola):
    response = guardian_client.get("/family/")
    labels = [item.label for item in response.context["nav_items"]]
    assert "Applications" in labels


# --- The overview -----------------------------------------------------------------------------


def test_the_overview_shows_the_position_as_staff_rank_it(
    guardian_client, guardian_user, ola, school, violin, autumn
):
    waiting_child(school, violin, "Eldre", dt.date(2025, 1, 1))
    waiting_child(school, violin, "Yngre", dt.date(2026, 12, 1))
    apply(guardian_user, ola, violin)
    content = guardian_client.get("/family/applications/").content.decode()
    assert "Number 2 of 3 for Fiolin, Bugården" in content
    assert "1st choice" in content


def test_the_second_application_is_the_second_choice_and_can_be_made_first(
    guardian_client, guardian_user, ola, violin, cello, autumn
):
    first = apply(guardian_user, ola, violin)
    second = apply(guardian_user, ola, cello)
    content = guardian_client.get("/family/applications/").content.decode()
    assert "2nd choice" in content
    assert f"/family/applications/{second.pk}/prefer/" in content
    assert f"/family/applications/{first.pk}/prefer/" not in content
    response = guardian_client.post(f"/family/applications/{second.pk}/prefer/", follow=True)
    assert "Cello, Bugården is now Ola's first choice." in messages_of(response)
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.preference, first.preference) == (1, 2)


def test_the_positions_refresh_every_minute_through_a_partial(
    guardian_client, guardian_user, ola, violin, autumn
):
    apply(guardian_user, ola, violin)
    page = guardian_client.get("/family/applications/").content.decode()
    assert 'hx-get="/family/applications/positions/"' in page
    assert 'hx-trigger="every 60s"' in page
    response = guardian_client.get(
        "/family/applications/positions/", headers={"HX-Request": "true"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert content.strip().startswith('<section id="open-applications"')
    assert "Number 1 of 1 for Fiolin, Bugården" in content


def test_a_signed_out_browser_polling_the_positions_is_sent_to_the_login_page(client):
    response = client.get("/family/applications/positions/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/?next=/family/applications/"


def overview_queries(client, url="/family/applications/") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("url", ["/family/applications/", "/family/applications/positions/"])
def test_the_overview_makes_a_fixed_number_of_queries(
    guardian_client,
    guardian_user,
    household,
    school,
    violin,
    cello,
    autumn,
    url,
    django_assert_num_queries,
):
    course = factories.OfferFactory(school=school, kind=Offer.Kind.COURSE, name="Keramikk")
    children = [
        factories.PupilFactory(household=household, first_name=f"Barn{i}") for i in range(2)
    ]
    for pupil in children:
        apply(guardian_user, pupil, violin)
        apply(guardian_user, pupil, course)
    few = overview_queries(guardian_client, url)

    drums = factories.OfferFactory(school=school, name="Trommer", audition_available=True)
    more = [factories.PupilFactory(household=household, first_name=f"Flere{i}") for i in range(4)]
    for pupil in [*children, *more]:
        if pupil in more:
            apply(guardian_user, pupil, violin)
            apply(guardian_user, pupil, course)
        apply(guardian_user, pupil, drums, audition_requested=True)
    withdrawn = Application.objects.get(pupil=more[0], offer=violin)
    services.application_withdraw(actor=guardian_user, application=withdrawn)
    factories.PlacementFactory(pupil=more[1], offer=cello)
    for i in range(5):
        waiting_child(school, violin, f"Annen{i}", dt.date(2025, 1, i + 1))
    with django_assert_num_queries(few):
        guardian_client.get(url)


def test_without_applications_the_overview_points_to_the_offers(guardian_client, ola, school):
    content = guardian_client.get("/family/applications/").content.decode()
    assert "Ola has no open applications." in content
    assert f'href="/schools/{school.slug}/#offers"' in content
    assert f"/family/applications/new/?pupil={ola.pk}" in content


def test_without_children_the_overview_asks_to_add_one(guardian_client):
    content = guardian_client.get("/family/applications/").content.decode()
    assert "No children registered yet" in content
    assert 'href="/family/children/add/"' in content


def test_s3a_a_late_application_is_marked_with_the_reason(
    client, guardian_user, ola, violin, autumn
):
    with time_machine.travel(MAY, tick=False):
        apply(guardian_user, ola, violin)
        content = login(client, guardian_user).get("/family/applications/").content.decode()
    assert "Late" in content
    assert (
        "Received after 1 May 2026: it ranks after all applications received in time for the "
        "admission to Autumn 2026" in content
    )


def test_closed_applications_are_kept_in_the_history(
    guardian_client, guardian_user, ola, violin, autumn
):
    application = apply(guardian_user, ola, violin)
    services.application_withdraw(actor=guardian_user, application=application)
    content = guardian_client.get("/family/applications/").content.decode()
    assert "Earlier applications" in content
    assert "Withdrawn" in content
    assert "Ola has no open applications." in content


# --- Applying ---------------------------------------------------------------------------------


def test_the_form_is_prefilled_and_lists_only_open_offers_grouped_by_discipline(
    guardian_client, ola, violin, school, autumn
):
    closed = factories.OfferFactory(school=school, name="Harpe", accepting_applications=False)
    elsewhere = factories.OfferFactory(name="Langt unna")
    dance = factories.OfferFactory(school=school, name="Ballett", discipline="dance")
    response = guardian_client.get(f"/family/applications/new/?offer={violin.pk}&pupil={ola.pk}")
    content = response.content.decode()
    form = response.context["form"]
    assert form.initial == {"offer": violin.pk, "pupil": ola.pk, "vacancy": False}
    assert f'<option value="{violin.pk}" selected>' in content
    assert '<optgroup label="Music">' in content and '<optgroup label="Dance">' in content
    assert str(dance.pk) in content
    assert "Harpe" not in content and "Langt unna" not in content
    assert closed.pk and elsewhere.pk


def test_an_application_is_sent_and_its_position_is_shown(guardian_client, ola, violin, autumn):
    response = guardian_client.post(
        "/family/applications/new/",
        {"pupil": ola.pk, "offer": violin.pk, "note": "Spilt i to år"},
        follow=True,
    )
    application = Application.objects.get(pupil=ola, offer=violin)
    assert application.note == "Spilt i to år"
    assert application.kind == Application.Kind.NEW
    assert response.redirect_chain[-1][0] == f"/family/applications/#application-{application.pk}"
    assert (
        "The application is received. Ola is number 1 of 1 on the waiting list for "
        "Fiolin, Bugården." in messages_of(response)
    )


def test_s3a_a_late_application_is_received_and_the_guardian_is_told_what_it_means(
    client, guardian_user, ola, violin, autumn
):
    with time_machine.travel(MAY, tick=False):
        response = login(client, guardian_user).post(
            "/family/applications/new/", {"pupil": ola.pk, "offer": violin.pk}, follow=True
        )
    assert Application.objects.filter(pupil=ola, offer=violin).exists()
    assert (
        "The application was received after May 1, 2026. It ranks after all applications "
        "received in time for the admission to Autumn 2026, and by seniority among the late "
        "ones (§3a)." in messages_of(response)
    )


def refused(client, data):
    before = Application.objects.count()
    response = client.post("/family/applications/new/", data)
    assert response.status_code == 200
    assert Application.objects.count() == before
    return response.context["form"].errors["offer"][0]


def test_s4a_a_child_outside_the_age_range_is_refused_with_the_reason(
    guardian_client, household, violin, autumn
):
    young = factories.PupilFactory(
        household=household, first_name="Lille", birth_date=dt.date(2020, 9, 1)
    )
    error = refused(guardian_client, {"pupil": young.pk, "offer": violin.pk})
    assert "age limits of Fiolin are 6–19 years" in error and "Lille will be 5" in error
    assert "contact the office" in error


def test_s3b_a_third_application_for_places_is_refused_and_courses_are_not(
    guardian_client, guardian_user, ola, violin, cello, school, autumn
):
    apply(guardian_user, ola, violin)
    apply(guardian_user, ola, cello)
    piano = factories.OfferFactory(school=school, name="Piano")
    error = refused(guardian_client, {"pupil": ola.pk, "offer": piano.pk})
    assert "Ola already has 2 open applications for places" in error
    assert "Withdraw one of them first" in error
    course = factories.OfferFactory(school=school, name="Keramikk", kind=Offer.Kind.COURSE)
    guardian_client.post("/family/applications/new/", {"pupil": ola.pk, "offer": course.pk})
    assert Application.objects.filter(pupil=ola, offer=course).exists()


def test_a_duplicate_application_is_refused(guardian_client, guardian_user, ola, violin, autumn):
    apply(guardian_user, ola, violin)
    error = refused(guardian_client, {"pupil": ola.pk, "offer": violin.pk})
    assert "Ola has already applied for Fiolin" in error


def test_an_offer_that_closed_while_the_form_was_open_is_refused(
    guardian_client, ola, violin, autumn
):
    violin.accepting_applications = False
    violin.save()
    error = refused(guardian_client, {"pupil": ola.pk, "offer": violin.pk})
    assert "Fiolin is not open for applications now" in error


def test_s1a_a_child_registered_with_another_school_is_refused(
    guardian_client, guardian_user, ola, other_school
):
    elsewhere = factories.HouseholdFactory(school=other_school)
    factories.GuardianFactory(household=elsewhere, user=guardian_user)
    offer = factories.OfferFactory(school=other_school, name="Gitar")
    factories.TermFactory(school=other_school)
    error = refused(guardian_client, {"pupil": ola.pk, "offer": offer.pk})
    assert "takes applications from households registered with it" in error


def test_another_households_child_or_an_unknown_offer_is_not_a_choice(
    guardian_client, other_household, violin, ola, autumn
):
    stranger_child = factories.PupilFactory(household=other_household)
    response = guardian_client.post(
        "/family/applications/new/", {"pupil": stranger_child.pk, "offer": violin.pk}
    )
    assert "Choose one of your children in the list." in response.context["form"].errors["pupil"]
    response = guardian_client.post(
        "/family/applications/new/", {"pupil": ola.pk, "offer": "999999"}
    )
    assert "Choose one of the offers in the list." in response.context["form"].errors["offer"]
    assert not Application.objects.exists()


def test_s4c_the_audition_question_appears_only_for_offers_with_auditions(
    guardian_client, ola, school, violin, autumn
):
    available = factories.OfferFactory(school=school, name="Trompet", audition_available=True)
    required = factories.OfferFactory(school=school, name="Talent", audition_required=True)
    assert (
        "audition_requested"
        not in guardian_client.get(f"/family/applications/new/?offer={violin.pk}").content.decode()
    )
    assert (
        'name="audition_requested"'
        in guardian_client.get(f"/family/applications/new/?offer={available.pk}").content.decode()
    )
    content = guardian_client.get(f"/family/applications/new/?offer={required.pk}").content.decode()
    assert "an audition is booked automatically" in content
    assert 'name="audition_requested"' not in content
    # The offer list asks htmx for the audition part again when the offer changes.
    assert 'hx-select="#audition-choice-content"' in content


def test_s4c_an_audition_requested_with_the_application_is_booked(
    guardian_client, ola, school, autumn
):
    available = factories.OfferFactory(school=school, name="Trompet", audition_available=True)
    response = guardian_client.post(
        "/family/applications/new/",
        {"pupil": ola.pk, "offer": available.pk, "audition_requested": "on"},
        follow=True,
    )
    assert Audition.objects.filter(pupil=ola, offer=available, result="pending").exists()
    assert "An audition is requested for Ola. The school will give you a time." in messages_of(
        response
    )
    assert "Requested; the school will give you a time." in response.content.decode()


def test_s5c_a_vacancy_application_keeps_the_seniority_earned_elsewhere(
    guardian_client, guardian_user, ola, violin, cello, autumn
):
    factories.ApplicationFactory(pupil=ola, offer=violin, seniority_date=dt.date(2025, 9, 1))
    page = guardian_client.get(
        f"/family/applications/new/?offer={cello.pk}&vacancy=1"
    ).content.decode()
    assert "You are applying for an advertised vacancy" in page
    response = guardian_client.post(
        f"/family/applications/new/?offer={cello.pk}&vacancy=1",
        {"pupil": ola.pk, "offer": cello.pk, "vacancy": "True"},
        follow=True,
    )
    application = Application.objects.get(pupil=ola, offer=cello)
    assert application.kind == Application.Kind.VACANCY
    assert application.seniority_date == dt.date(2025, 9, 1)
    assert any(
        "seniority Ola earned on another waiting list is kept" in m for m in messages_of(response)
    )


def test_s5c_without_a_vacancy_the_flag_is_ignored(
    guardian_client, ola, violin, cello, school, autumn
):
    factories.ApplicationFactory(pupil=ola, offer=violin, seniority_date=dt.date(2025, 9, 1))
    factories.PlacementFactory(pupil=factories.PupilFactory(household=ola.household), offer=cello)
    page = guardian_client.get(
        f"/family/applications/new/?offer={cello.pk}&vacancy=1"
    ).content.decode()
    assert "has no advertised vacancy at the moment" in page
    guardian_client.post(
        "/family/applications/new/", {"pupil": ola.pk, "offer": cello.pk, "vacancy": "True"}
    )
    application = Application.objects.get(pupil=ola, offer=cello)
    assert application.kind == Application.Kind.NEW
    assert application.seniority_date == dt.date(2026, 3, 2)


def test_s11_a_switch_is_requested_from_a_current_place(
    guardian_client, ola, violin, cello, autumn
):
    placement = factories.PlacementFactory(pupil=ola, offer=cello)
    page = guardian_client.get("/family/applications/").content.decode()
    assert f"/family/placements/{placement.pk}/switch/" in page
    form_page = guardian_client.get(f"/family/placements/{placement.pk}/switch/").content.decode()
    assert f'<option value="{cello.pk}"' not in form_page
    response = guardian_client.post(
        f"/family/placements/{placement.pk}/switch/", {"offer": violin.pk}, follow=True
    )
    application = Application.objects.get(pupil=ola, offer=violin)
    assert application.kind == Application.Kind.SWITCH
    assert application.switch_from == placement
    assert any("keeps the place in Cello, Bugården" in m for m in messages_of(response))
    assert "Switch requested to Fiolin, Bugården." in response.content.decode()


def test_s11_an_ended_place_cannot_be_switched_from(guardian_client, ola, cello, autumn):
    placement = factories.PlacementFactory(pupil=ola, offer=cello, status=Placement.Status.ENDED)
    assert guardian_client.get(f"/family/placements/{placement.pk}/switch/").status_code == 404


# --- Withdrawing and auditions ----------------------------------------------------------------


def test_withdrawing_asks_first_and_then_withdraws(
    guardian_client, guardian_user, ola, violin, autumn
):
    application = apply(guardian_user, ola, violin)
    page = guardian_client.get(f"/family/applications/{application.pk}/withdraw/")
    assert "Withdraw the application?" in page.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.WAITING
    response = guardian_client.post(f"/family/applications/{application.pk}/withdraw/", follow=True)
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert "The application for Ola to Fiolin, Bugården is withdrawn." in messages_of(response)


def test_an_offered_application_cannot_be_withdrawn_the_offer_is_declined_instead(
    guardian_client, offered
):
    url = f"/family/applications/{offered.application_id}/withdraw/"
    response = guardian_client.post(url, follow=True)
    assert "This application has a place offer waiting. Decline the offer instead." in messages_of(
        response
    )
    offered.application.refresh_from_db()
    assert offered.application.status == Application.Status.OFFERED


def test_s4c_an_audition_can_be_requested_from_the_overview(
    guardian_client, guardian_user, ola, school, autumn
):
    offer = factories.OfferFactory(school=school, name="Trompet", audition_available=True)
    application = apply(guardian_user, ola, offer)
    page = guardian_client.get("/family/applications/").content.decode()
    assert f"/family/applications/{application.pk}/audition/" in page
    response = guardian_client.post(f"/family/applications/{application.pk}/audition/", follow=True)
    assert Audition.objects.filter(application=application).exists()
    assert any("An audition is requested for Ola" in m for m in messages_of(response))
    # Asking twice is refused with the service's reason, and nothing more is booked.
    response = guardian_client.post(f"/family/applications/{application.pk}/audition/", follow=True)
    assert "An audition is already requested; the school will give you a time." in messages_of(
        response
    )
    assert Audition.objects.filter(application=application).count() == 1


def test_s4c_an_offer_without_auditions_shows_no_button_and_refuses(
    guardian_client, guardian_user, ola, violin, autumn
):
    application = apply(guardian_user, ola, violin)
    assert (
        f"/applications/{application.pk}/audition/"
        not in guardian_client.get("/family/applications/").content.decode()
    )
    response = guardian_client.post(f"/family/applications/{application.pk}/audition/", follow=True)
    assert "This offer does not admit by audition." in messages_of(response)


def test_s4c_after_a_failed_audition_the_next_possible_day_is_shown(
    guardian_client, guardian_user, ola, school, office, autumn
):
    offer = factories.OfferFactory(school=school, name="Trompet", audition_available=True)
    application = apply(guardian_user, ola, offer, audition_requested=True)
    services.audition_record_result(
        actor=office,
        audition=Audition.objects.get(application=application),
        passed=False,
        score=None,
        note="",
    )
    content = guardian_client.get("/family/applications/").content.decode()
    assert "Not passed" in content
    assert "A new audition can be requested from 2 March 2028 (§4c)." in content
    assert f"/family/applications/{application.pk}/audition/" not in content


def test_a_scheduled_audition_shows_its_time_and_place(
    guardian_client, guardian_user, ola, school, office, autumn
):
    offer = factories.OfferFactory(school=school, name="Talent", audition_required=True)
    application = apply(guardian_user, ola, offer)
    services.audition_schedule(
        actor=office,
        audition=Audition.objects.get(application=application),
        scheduled_at=dt.datetime(2026, 3, 20, 17, 0, tzinfo=OSLO),
        place="Sal 2",
    )
    content = guardian_client.get("/family/applications/").content.decode()
    assert "On Friday 20 March 2026, 17:00, Sal 2" in content
    assert (
        "Not ranked yet: this offer admits only applicants who pass an audition (§4d)." in content
    )


# --- Place offers and contracts ---------------------------------------------------------------


def test_a_place_offer_is_shown_first_with_its_deadline(guardian_client, offered):
    content = guardian_client.get("/family/applications/").content.decode()
    assert "A place offer is waiting for your answer" in content
    assert "Answer by 16 March 2026." in content
    assert f'href="/family/place-offers/{offered.pk}/"' in content
    assert content.index("A place offer is waiting") < content.index("On the waiting lists")


def test_the_place_offer_page_shows_the_offer_fees_and_contract(guardian_client, offered):
    content = guardian_client.get(f"/family/place-offers/{offered.pk}/").content.decode()
    assert "A place for Ola in Fiolin, Bugården" in content
    assert "Autumn 2026, from 24 August 2026" in content
    assert "Fee per term" in content and "NOK 1,850.00" in content
    assert "The parties" in content and "What you agree to" in content
    assert "I have read the contract and accept it on behalf of the household" in content
    assert f"/family/place-offers/{offered.pk}/contract.pdf" in content


def test_the_contract_preview_is_an_unsigned_pdf(guardian_client, offered):
    response = guardian_client.get(f"/family/place-offers/{offered.pk}/contract.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response.content.startswith(b"%PDF")
    offered.refresh_from_db()
    assert offered.status == PlaceOffer.Status.PENDING


def test_s4b_signing_requires_the_box_to_be_ticked(guardian_client, offered):
    response = guardian_client.post(f"/family/place-offers/{offered.pk}/", {})
    assert response.status_code == 200
    assert "Tick the box to confirm" in response.content.decode()
    offered.refresh_from_db()
    assert offered.status == PlaceOffer.Status.PENDING
    assert not Contract.objects.exists()


def test_s4b_signing_accepts_the_place_and_the_pdf_is_for_the_household_only(
    guardian_client, other_client, client, office, offered
):
    response = guardian_client.post(
        f"/family/place-offers/{offered.pk}/",
        {"accept": "on"},
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="Testleser/1.0",
        follow=True,
    )
    contract = Contract.objects.get()
    assert response.redirect_chain[-1][0] == f"/family/contracts/{contract.pk}/"
    assert any(
        "The contract is signed: Ola has a place in Fiolin, Bugården" in m
        for m in messages_of(response)
    )
    assert (contract.signed_from_ip, contract.user_agent) == ("203.0.113.7", "Testleser/1.0")
    pdf = guardian_client.get(f"/family/contracts/{contract.pk}.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("inline;")
    assert "contract-ola-hansen-fiolin.pdf" in pdf["Content-Disposition"]
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    overview = guardian_client.get("/family/applications/").content.decode()
    assert f"/family/contracts/{contract.pk}.pdf" in overview
    assert other_client.get(f"/family/contracts/{contract.pk}.pdf").status_code == 404
    # The same browser, signed in as office staff instead: staff have no household here.
    assert login(client, office).get(f"/family/contracts/{contract.pk}.pdf").status_code == 403


def test_an_answered_offer_shows_its_state_and_answering_again_gives_a_message(
    guardian_client, offered, contract
):
    page = guardian_client.get(f"/family/place-offers/{offered.pk}/").content.decode()
    assert "Accepted" in page
    assert 'name="accept"' not in page
    assert f"/family/place-offers/{offered.pk}/decline/" not in page
    response = guardian_client.post(
        f"/family/place-offers/{offered.pk}/", {"accept": "on"}, follow=True
    )
    assert "This place offer is already answered or no longer open (accepted)." in messages_of(
        response
    )
    response = guardian_client.post(f"/family/place-offers/{offered.pk}/decline/", follow=True)
    assert "This place offer is already answered or no longer open (accepted)." in messages_of(
        response
    )
    assert Contract.objects.count() == 1
    offered.refresh_from_db()
    assert offered.status == PlaceOffer.Status.ACCEPTED


def test_an_offer_past_its_deadline_cannot_be_signed(client, guardian_user, offered):
    with time_machine.travel(offered.reply_by + dt.timedelta(minutes=1), tick=False):
        guardian_client = login(client, guardian_user)
        page = guardian_client.get(f"/family/place-offers/{offered.pk}/").content.decode()
        assert "The deadline to answer has passed" in page
        response = guardian_client.post(
            f"/family/place-offers/{offered.pk}/", {"accept": "on"}, follow=True
        )
    assert "The deadline to answer this place offer has passed. Contact the office." in messages_of(
        response
    )
    assert not Contract.objects.exists()


def test_declining_asks_first_and_then_declines(guardian_client, offered):
    page = guardian_client.get(f"/family/place-offers/{offered.pk}/decline/").content.decode()
    assert "Decline the place?" in page
    offered.refresh_from_db()
    assert offered.status == PlaceOffer.Status.PENDING
    response = guardian_client.post(f"/family/place-offers/{offered.pk}/decline/", follow=True)
    offered.refresh_from_db()
    assert offered.status == PlaceOffer.Status.DECLINED
    assert (
        "You declined the place in Fiolin, Bugården for Ola. The place goes to the next in line."
        in messages_of(response)
    )
    page = guardian_client.get(f"/family/place-offers/{offered.pk}/").content.decode()
    assert "Declined" in page and 'name="accept"' not in page


def test_the_contract_page_shows_the_signature_record(guardian_client, contract):
    content = guardian_client.get(f"/family/contracts/{contract.pk}/").content.decode()
    assert "192.0.2.1" in content
    assert contract.sha256 in content
    assert "2013-03-20" in content


# --- Links from other pages -------------------------------------------------------------------


def test_the_offer_page_links_each_fitting_child_to_the_form(
    guardian_client, household, ola, violin
):
    young = factories.PupilFactory(
        household=household, first_name="Lille", birth_date=dt.date(2022, 1, 1)
    )
    content = guardian_client.get(violin.get_absolute_url()).content.decode()
    assert f"/family/applications/new/?offer={violin.pk}&amp;pupil={ola.pk}" in content
    assert "Apply for Ola" in content
    assert f"pupil={young.pk}" not in content
    assert "Contact the office for an exception." in content


def test_the_family_page_links_to_applying_and_the_applications(guardian_client, ola):
    content = guardian_client.get("/family/").content.decode()
    assert f"/family/applications/new/?pupil={ola.pk}" in content
    assert 'href="/family/applications/"' in content
