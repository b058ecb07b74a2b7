"""The family pages: who may see them, registering, children and the household address."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from enrollment.models import Guardian, Household, Pupil, School
from kulturskole.models import AuditEvent
from tests import factories
from tests.conftest import login

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
SEPTEMBER_2026 = dt.datetime(2026, 9, 1, 12, tzinfo=OSLO)


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Who may see the family pages.

GUARDIAN_PAGES = [
    "/family/",
    "/family/children/add/",
    "/family/children/{pupil}/",
    "/family/children/{pupil}/edit/",
    "/family/households/{household}/edit/",
]


@pytest.mark.parametrize("page", [*GUARDIAN_PAGES, "/family/register/"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, pupil, household, page):
    url = page.format(pupil=pupil.pk, household=household.pk)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert client.post(url).status_code == 302


@pytest.mark.parametrize("page", GUARDIAN_PAGES)
def test_an_office_user_without_a_household_gets_403(client, office_user, pupil, household, page):
    url = page.format(pupil=pupil.pk, household=household.pk)
    assert login(client, office_user).get(url).status_code == 403


def test_an_office_user_without_a_household_may_register_one(client, office_user):
    assert login(client, office_user).get("/family/register/").status_code == 200


def test_the_guardian_sees_the_family_pages(guardian_client, pupil, household):
    for page in GUARDIAN_PAGES:
        url = page.format(pupil=pupil.pk, household=household.pk)
        assert guardian_client.get(url).status_code == 200, url


@pytest.mark.parametrize("page", ["/family/children/{other}/", "/family/children/{other}/edit/"])
def test_another_households_child_is_404(guardian_client, other_pupil, page):
    assert guardian_client.get(page.format(other=other_pupil.pk)).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/family/children/99999999999999999999999/",
        "/family/children/99999999999999999999999/edit/",
        "/family/children/0/",
        "/family/children/abc/",
        "/family/children/-1/",
        "/family/households/99999999999999999999999/edit/",
        "/family/households/abc/edit/",
    ],
)
def test_a_malformed_or_huge_id_is_404(guardian_client, pupil, url):
    assert guardian_client.get(url).status_code == 404


def test_editing_another_households_child_is_404_and_changes_nothing(guardian_client, other_pupil):
    response = guardian_client.post(
        f"/family/children/{other_pupil.pk}/edit/",
        {
            "first_name": "Hacked",
            "last_name": "Hacked",
            "birth_date": "2015-01-01",
            "school_grade": "3",
            "photo_consent": "refused",
        },
    )
    assert response.status_code == 404
    other_pupil.refresh_from_db()
    assert other_pupil.first_name == "Kari"
    assert not AuditEvent.objects.exists()


def test_editing_another_households_address_is_404_and_changes_nothing(
    guardian_client, other_household
):
    response = guardian_client.post(
        f"/family/households/{other_household.pk}/edit/",
        {"street_address": "Hacked 1", "postal_code": "0001", "city": "Oslo"},
    )
    assert response.status_code == 404
    other_household.refresh_from_db()
    assert other_household.street_address == "Storgata 1"


# --- Registering a household.


def registration(chosen_school, **overrides):
    return {
        "school": chosen_school.pk,
        "name": "Nordmann",
        "street_address": "Kirkegata 3",
        "postal_code": "3211",
        "city": "Sandefjord",
        "first_name": "Kari",
        "last_name": "Nordmann",
        "phone": "",
        **overrides,
    }


def test_the_registration_form_is_prefilled_from_the_account(client, school):
    user = factories.UserFactory(first_name="Kari", last_name="Nordmann")
    response = english(login(client, user)).get("/family/register/")
    form = response.context["form"]
    assert form.initial["first_name"] == "Kari"
    assert form.initial["name"] == "Nordmann"
    # The only culture school is chosen already.
    assert form.initial["school"] == school
    assert user.email in response.content.decode()


def test_registering_a_household_makes_the_user_its_guardian(client, stranger, school):
    client = login(client, stranger)
    response = client.post("/family/register/", registration(school), follow=True)
    assert response.redirect_chain == [("/family/", 302)]
    assert response.status_code == 200
    household = Household.objects.get()
    guardian = Guardian.objects.get(household=household)
    assert (guardian.user, guardian.email, household.payer) == (stranger, stranger.email, guardian)
    assert any("is registered" in message for message in messages_of(response))
    # The next request knows the user is a guardian now.
    assert client.get("/family/children/add/").status_code == 200


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"postal_code": "321"}, "postal_code", "exactly four digits"),
        ({"postal_code": "32100"}, "postal_code", "exactly four digits"),
        ({"postal_code": "32a0"}, "postal_code", "exactly four digits"),
        ({"phone": "call me"}, "phone", "digits only"),
        ({"name": ""}, "name", "This field is required."),
        ({"school": "abc"}, "school", "Choose one of the culture schools in the list."),
        ({"school": "99999999999999999999999"}, "school", "Choose one of the culture schools"),
    ],
)
def test_registering_with_bad_input_shows_a_message_and_creates_nothing(
    client, stranger, school, overrides, field, message
):
    response = english(login(client, stranger)).post(
        "/family/register/", registration(school, **overrides)
    )
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert "Please correct the errors marked below." in response.content.decode()
    assert not Household.objects.exists()
    assert not Guardian.objects.exists()


def test_households_cannot_register_with_an_upper_secondary_school(client, stranger, school):
    upper = factories.SchoolFactory(kind=School.Kind.UPPER_SECONDARY, slug="gjovik-vgs")
    response = login(client, stranger).post("/family/register/", registration(upper))
    assert response.status_code == 200
    assert "school" in response.context["form"].errors
    assert not Household.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_user_with_a_household_is_sent_to_the_family_page(guardian_client, school, method):
    response = getattr(guardian_client, method)(
        "/family/register/", registration(school), follow=True
    )
    assert response.redirect_chain == [("/family/", 302)]
    assert any("already registered" in message for message in messages_of(response))
    assert Household.objects.count() == 1


# --- The family page.


@time_machine.travel(SEPTEMBER_2026, tick=False)
def test_the_family_page_shows_the_household_and_children(guardian_client, household, pupil):
    factories.GuardianFactory(
        household=household, user=None, first_name="Per", last_name="Hansen", email="per@x.no"
    )
    content = english(guardian_client).get("/family/").content.decode()
    assert "Household Hansen" in content
    assert "Storgata 1" in content
    assert "3210 Sandefjord" in content
    assert "Payer" in content
    assert "per@x.no" in content
    # Ola, born 14 March 2016, is 10; recorded in grade 5 for 2026–27.
    assert "Ola Hansen" in content
    assert "10 years" in content
    assert "Grade 5" in content
    assert "Consent granted" not in content  # the factory leaves consent unanswered
    assert "Not answered" in content
    assert f'href="/family/children/{pupil.pk}/edit/"' in content
    assert f'href="/family/households/{household.pk}/edit/"' in content


def test_the_family_page_has_an_empty_state_without_children(guardian_client):
    content = english(guardian_client).get("/family/").content.decode()
    assert "No children registered yet." in content
    assert 'href="/family/children/add/"' in content


def test_the_family_page_makes_a_fixed_number_of_queries(
    guardian_client, household, django_assert_max_num_queries
):
    for _ in range(8):
        factories.PupilFactory(household=household)
    with django_assert_max_num_queries(12):
        assert guardian_client.get("/family/").status_code == 200


# --- The child's page.


@time_machine.travel(SEPTEMBER_2026, tick=False)
def test_the_childs_page_shows_age_grade_and_consent(guardian_client, pupil):
    pupil.photo_consent = Pupil.PhotoConsent.REFUSED
    pupil.photo_consent_recorded_at = SEPTEMBER_2026
    pupil.save()
    content = english(guardian_client).get(f"/family/children/{pupil.pk}/").content.decode()
    assert "<h1>Ola Hansen</h1>" in content
    assert "14 March 2016" in content
    assert "10 years" in content
    assert "Grade 5" in content
    assert "Consent refused" in content
    assert "since 1 September 2026" in content
    assert 'href="/schools/sandefjord/?age=10#offers"' in content


# --- Adding and editing a child.


def child_form(**overrides):
    return {
        "first_name": "Sofie",
        "last_name": "Hansen",
        "birth_date": "2018-05-02",
        "school_grade": "2",
        "photo_consent": "granted",
        **overrides,
    }


@time_machine.travel(SEPTEMBER_2026, tick=False)
def test_adding_a_child(guardian_client, household):
    response = guardian_client.post("/family/children/add/", child_form(), follow=True)
    pupil = Pupil.objects.get()
    assert response.redirect_chain == [(f"/family/children/{pupil.pk}/", 302)]
    assert (pupil.household, pupil.first_name, pupil.birth_date) == (
        household,
        "Sofie",
        dt.date(2018, 5, 2),
    )
    assert (pupil.school_grade, pupil.grade_school_year) == (2, 2026)
    assert pupil.photo_consent == Pupil.PhotoConsent.GRANTED
    assert pupil.photo_consent_recorded_at == SEPTEMBER_2026
    assert messages_of(response)


def test_the_add_form_suggests_the_household_name(guardian_client):
    response = guardian_client.get("/family/children/add/")
    assert response.context["form"].initial["last_name"] == "Hansen"
    assert "household" not in response.context["form"].fields


@time_machine.travel(SEPTEMBER_2026, tick=False)
@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"birth_date": "2026-09-01"}, "birth_date", "must be in the past"),
        ({"birth_date": "2030-01-01"}, "birth_date", "must be in the past"),
        ({"birth_date": "1990-01-01"}, "birth_date", "25 or younger"),
        ({"birth_date": "0001-01-01"}, "birth_date", "25 or younger"),
        ({"birth_date": "31.02.2016"}, "birth_date", "Enter a date such as"),
        ({"birth_date": ""}, "birth_date", "This field is required."),
        ({"school_grade": "14"}, "school_grade", "Select a valid choice."),
        ({"school_grade": "x"}, "school_grade", "Select a valid choice."),
        ({"photo_consent": ""}, "photo_consent", "Answer whether you consent"),
        ({"photo_consent": "not_answered"}, "photo_consent", "Select a valid choice."),
        ({"first_name": "x" * 101}, "first_name", "at most 100 characters"),
    ],
)
def test_adding_a_child_with_bad_input_shows_a_message_and_adds_nothing(
    guardian_client, overrides, field, message
):
    response = english(guardian_client).post("/family/children/add/", child_form(**overrides))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not Pupil.objects.exists()


@time_machine.travel(SEPTEMBER_2026, tick=False)
def test_a_newborn_may_be_registered(guardian_client):
    response = guardian_client.post(
        "/family/children/add/", child_form(birth_date="2026-08-31", school_grade="")
    )
    assert response.status_code == 302
    assert Pupil.objects.get().school_grade is None


def test_a_guardian_of_two_households_chooses_and_cannot_pick_another(
    guardian_client, guardian_user, other_household
):
    second = factories.HouseholdFactory(school=other_household.school, name="Hytta")
    factories.GuardianFactory(household=second, user=guardian_user)
    form = guardian_client.get("/family/children/add/").context["form"]
    assert set(form.fields["household"].queryset) == {
        guardian_user.guardianships.first().household,
        second,
    }
    response = guardian_client.post(
        "/family/children/add/", child_form(household=other_household.pk)
    )
    assert response.status_code == 200
    assert "household" in response.context["form"].errors
    assert not Pupil.objects.exists()
    guardian_client.post("/family/children/add/", child_form(household=second.pk))
    assert Pupil.objects.get().household == second


@time_machine.travel(SEPTEMBER_2026, tick=False)
def test_the_edit_form_shows_the_current_grade(guardian_client, pupil):
    pupil.school_grade, pupil.grade_school_year = 4, 2025
    pupil.save()
    form = guardian_client.get(f"/family/children/{pupil.pk}/edit/").context["form"]
    assert form.initial["school_grade"] == 5
    # Unanswered consent is not preselected.
    assert form.initial["photo_consent"] is None


@time_machine.travel(SEPTEMBER_2026, tick=False)
def test_s10a_changing_a_childs_consent_records_when(guardian_client, pupil):
    response = guardian_client.post(
        f"/family/children/{pupil.pk}/edit/",
        child_form(
            first_name="Ola", birth_date="2016-03-14", school_grade="5", photo_consent="refused"
        ),
        follow=True,
    )
    assert response.redirect_chain == [(f"/family/children/{pupil.pk}/", 302)]
    pupil.refresh_from_db()
    assert pupil.photo_consent == Pupil.PhotoConsent.REFUSED
    assert pupil.photo_consent_recorded_at == SEPTEMBER_2026
    assert messages_of(response)


def test_editing_a_child_with_bad_input_changes_nothing(guardian_client, pupil):
    response = guardian_client.post(
        f"/family/children/{pupil.pk}/edit/",
        child_form(first_name="Changed", birth_date="2099-01-01"),
    )
    assert response.status_code == 200
    assert "birth_date" in response.context["form"].errors
    pupil.refresh_from_db()
    assert pupil.first_name == "Ola"
    assert not AuditEvent.objects.exists()


# --- The household address.


def test_changing_the_household_address(guardian_client, household):
    response = guardian_client.post(
        f"/family/households/{household.pk}/edit/",
        {"street_address": "Kirkegata 2", "postal_code": "3211", "city": "Sandefjord"},
        follow=True,
    )
    assert response.redirect_chain == [("/family/", 302)]
    household.refresh_from_db()
    assert (household.street_address, household.postal_code) == ("Kirkegata 2", "3211")
    assert messages_of(response)


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"postal_code": "12345"}, "postal_code"),
        ({"postal_code": "12"}, "postal_code"),
        ({"city": ""}, "city"),
        ({"street_address": ""}, "street_address"),
    ],
)
def test_a_bad_address_shows_a_message_and_changes_nothing(
    guardian_client, household, overrides, field
):
    data = {"street_address": "Kirkegata 2", "postal_code": "3211", "city": "Sandefjord"}
    response = guardian_client.post(
        f"/family/households/{household.pk}/edit/", {**data, **overrides}
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    household.refresh_from_db()
    assert household.street_address == "Storgata 1"
