"""The office and principal pages of one school: scope, roles, validation, lists, export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from enrollment.forms.office import POLICY_FIELDS, POLICY_SECTIONS
from enrollment.models import (
    Department,
    Location,
    Offer,
    OfficeHours,
    Pupil,
    SchoolPolicy,
    StaffRole,
    Term,
)
from kulturskole.access import Role
from kulturskole.models import AuditEvent
from tests import factories
from tests.conftest import login

TODAY = dt.datetime(2026, 10, 5, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _english(client: Client, settings: Any) -> Any:
    """Assertions read the English source text, whatever catalogues are compiled."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def office(client: Client, office_user: Any) -> Client:
    return login(client, office_user)


@pytest.fixture
def principal(client: Client, principal_user: Any) -> Client:
    return login(client, principal_user)


def guardian_without_account(household: Any, email: str = "") -> Any:
    return factories.GuardianFactory(
        household=household,
        user=None,
        first_name="Kari",
        last_name=household.name,
        email=email or f"{household.pk}@example.org",
        phone="900 00 000",
    )


def url(name: str, school: Any, **kwargs: Any) -> str:
    return reverse(name, kwargs={"school": school.slug, **kwargs})


def text(response: Any) -> str:
    return response.content.decode()


def assert_constant_queries(
    client: Client, path: str, add_rows: Callable[[], None], django_assert_num_queries: Any
) -> None:
    """The page makes as many queries with 30 rows as with 3."""
    assert client.get(path).status_code == 200  # warm up the content-type and session caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    add_rows()
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(path).status_code == 200


# --- Who may see the pages


ALL_PAGES = [
    ("office:home", {}),
    ("office:pupils", {}),
    ("office:pupils_csv", {}),
    ("office:offers", {}),
    ("office:offer_create", {}),
    ("office:terms", {}),
    ("office:term_create", {}),
    ("office:profile", {}),
    ("office:locations", {}),
    ("office:location_create", {}),
    ("office:departments", {}),
    ("office:department_create", {}),
    ("office:policy", {}),
    ("office:staff", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), ALL_PAGES)
def test_office_staff_open_every_page(office: Client, school: Any, name: str, kwargs: Any) -> None:
    assert office.get(url(name, school, **kwargs)).status_code == 200


@pytest.mark.parametrize(("name", "kwargs"), ALL_PAGES)
def test_principal_opens_every_page(principal: Client, school: Any, name: str, kwargs: Any) -> None:
    assert principal.get(url(name, school, **kwargs)).status_code == 200


@pytest.mark.parametrize(("name", "kwargs"), ALL_PAGES)
def test_another_schools_pages_are_not_found(
    office: Client, other_school: Any, name: str, kwargs: Any
) -> None:
    assert office.get(url(name, other_school, **kwargs)).status_code == 404


def test_a_teacher_of_the_school_does_not_find_the_office_pages(
    client: Client, teacher_user: Any, school: Any
) -> None:
    assert login(client, teacher_user).get(url("office:home", school)).status_code == 404


def test_a_stranger_does_not_find_the_office_pages(
    client: Client, stranger: Any, school: Any
) -> None:
    assert login(client, stranger).get(url("office:pupils", school)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, school: Any) -> None:
    response = client.get(url("office:pupils", school))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_superuser_opens_any_school(client: Client, superuser: Any, school: Any) -> None:
    assert login(client, superuser).get(url("office:home", school)).status_code == 200


# --- 1. Overview


@time_machine.travel(TODAY)
def test_home_counts_offers_places_households_pupils_and_staff(
    office: Client, school: Any, other_school: Any, office_user: Any
) -> None:
    factories.OfferFactory(school=school, capacity=10)
    factories.OfferFactory(school=school, capacity=5)
    factories.OfferFactory(school=school, capacity=99, is_published=False)
    factories.OfferFactory(school=other_school, capacity=50)
    household = factories.HouseholdFactory(school=school)
    factories.PupilFactory.create_batch(3, household=household)
    factories.PupilFactory(household__school=other_school)
    factories.StaffRoleFactory(user=office_user, school=school, role=Role.TEACHER)

    response = office.get(url("office:home", school))

    counts = response.context["counts"]
    assert (counts.published_offers, counts.total_capacity) == (2, 15)
    assert (counts.households, counts.pupils, counts.staff) == (1, 3, 1)


@time_machine.travel(TODAY)
def test_home_shows_the_current_and_the_next_term(office: Client, school: Any) -> None:
    factories.TermFactory(school=school, year=2026, season=Term.Season.SPRING)
    factories.TermFactory(school=school, year=2026, season=Term.Season.AUTUMN)
    factories.TermFactory(school=school, year=2027, season=Term.Season.SPRING)

    response = office.get(url("office:home", school))

    assert str(response.context["terms"].current) == "Autumn 2026"
    assert str(response.context["terms"].next) == "Spring 2027"


@time_machine.travel(TODAY)
def test_home_lists_what_is_missing_from_the_setup(office: Client, school: Any) -> None:
    page = text(office.get(url("office:home", school)))
    assert "No office hours" in page
    assert "No terms." in page
    assert "No teaching locations" in page
    assert "No published offers" in page


@time_machine.travel(TODAY)
def test_home_checklist_is_empty_when_everything_is_set_up(office: Client, school: Any) -> None:
    school.organisation_number = "974760673"
    school.save()
    factories.OfficeHoursFactory(school=school)
    factories.TermFactory(school=school, year=2027, season=Term.Season.SPRING)
    factories.OfferFactory(school=school)  # and its location

    response = office.get(url("office:home", school))

    assert response.context["gaps"] == []
    assert "Everything is set up" in text(response)


# --- 2. Pupil register


@pytest.fixture
def register(school: Any, other_school: Any) -> dict[str, Any]:
    hansen = factories.HouseholdFactory(school=school, name="Hansen")
    guardian_without_account(hansen, "mor@example.org")
    guardian_without_account(hansen, "far@example.org")
    berg = factories.HouseholdFactory(school=other_school, name="Berg")
    return {
        "hansen": hansen,
        "ola": factories.PupilFactory(
            household=hansen,
            first_name="Ola",
            last_name="Hansen",
            birth_date=dt.date(2016, 3, 14),
            school_grade=5,
            grade_school_year=2026,
            photo_consent=Pupil.PhotoConsent.GRANTED,
        ),
        "ase": factories.PupilFactory(
            household=hansen,
            first_name="Åse",
            last_name="Hansen",
            birth_date=dt.date(2019, 6, 1),
            school_grade=2,
            grade_school_year=2026,
        ),
        "kari": factories.PupilFactory(household=berg, first_name="Kari", last_name="Berg"),
    }


@time_machine.travel(TODAY)
def test_pupil_register_lists_only_the_schools_pupils(
    office: Client, school: Any, register: dict[str, Any]
) -> None:
    page = text(office.get(url("office:pupils", school)))
    assert "Hansen, Ola" in page
    assert "Hansen, Åse" in page
    assert "Berg, Kari" not in page  # not just "Kari": Faker may name the office user so


@time_machine.travel(TODAY)
def test_pupil_register_searches_by_name(
    office: Client, school: Any, register: dict[str, Any]
) -> None:
    response = office.get(url("office:pupils", school), {"q": "ola hans"})
    assert list(response.context["object_list"]) == [register["ola"]]


@time_machine.travel(TODAY)
def test_pupil_register_filters_by_todays_grade(
    office: Client, school: Any, register: dict[str, Any]
) -> None:
    response = office.get(url("office:pupils", school), {"grade": "2"})
    assert list(response.context["object_list"]) == [register["ase"]]


def test_pupil_register_grade_moves_up_each_august(
    client: Client, office_user: Any, school: Any, register: dict[str, Any]
) -> None:
    with time_machine.travel(dt.datetime(2027, 9, 1, 12, 0, tzinfo=dt.UTC)):
        response = login(client, office_user).get(url("office:pupils", school), {"grade": "6"})
    assert list(response.context["object_list"]) == [register["ola"]]


@time_machine.travel(TODAY)
def test_pupil_register_sorts_youngest_first(
    office: Client, school: Any, register: dict[str, Any]
) -> None:
    response = office.get(url("office:pupils", school), {"sort": "age"})
    assert list(response.context["object_list"]) == [register["ase"], register["ola"]]


@time_machine.travel(TODAY)
def test_pupil_register_shows_fifty_pupils_a_page(office: Client, school: Any) -> None:
    household = factories.HouseholdFactory(school=school)
    factories.PupilFactory.create_batch(51, household=household)

    first = office.get(url("office:pupils", school))
    second = office.get(url("office:pupils", school), {"page": 2})

    assert len(first.context["object_list"]) == 50
    assert len(second.context["object_list"]) == 1
    assert "Page 1 of 2" in text(first)


@time_machine.travel(TODAY)
@pytest.mark.parametrize("query", [{"grade": "abc"}, {"sort": "nonsense"}, {"page": "999"}])
def test_pupil_register_survives_bad_parameters(
    office: Client, school: Any, register: dict[str, Any], query: dict[str, str]
) -> None:
    response = office.get(url("office:pupils", school), query)
    assert response.status_code == 200
    assert "Hansen, Ola" in text(response)


@time_machine.travel(TODAY)
def test_pupil_register_search_by_htmx_returns_only_the_results(
    office: Client, school: Any, register: dict[str, Any]
) -> None:
    response = office.get(
        url("office:pupils", school),
        {"q": "Åse"},
        headers={"HX-Request": "true", "HX-Target": "pupil-results"},
    )
    page = text(response)
    assert "Hansen, Åse" in page
    assert "<html" not in page


@time_machine.travel(TODAY)
def test_pupil_register_makes_the_same_number_of_queries_for_3_and_30_pupils(
    office: Client, school: Any, django_assert_num_queries: Any
) -> None:
    household = factories.HouseholdFactory(school=school)
    guardian_without_account(household)
    factories.PupilFactory.create_batch(3, household=household)

    def add_rows() -> None:
        for _ in range(9):
            other = factories.HouseholdFactory(school=school)
            guardian_without_account(other)
            factories.PupilFactory.create_batch(3, household=other)

    assert_constant_queries(
        office, url("office:pupils", school), add_rows, django_assert_num_queries
    )


def read_csv(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"\xef\xbb\xbf"), "Excel needs the byte-order mark"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


@time_machine.travel(TODAY)
def test_csv_export_has_the_columns_and_norwegian_letters_for_excel(
    office: Client, school: Any, register: dict[str, Any]
) -> None:
    response = office.get(url("office:pupils_csv", school))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == [
        "Name",
        "Date of birth",
        "Age",
        "Grade",
        "Household",
        "Guardians' e-mail addresses",
        "Photo and film consent",
    ]
    assert rows[1] == [
        "Ola Hansen",
        "2016-03-14",
        "10",
        "Grade 5",
        "Hansen",
        "mor@example.org, far@example.org",
        "Granted",
    ]
    assert rows[2][0] == "Åse Hansen"
    assert len(rows) == 3  # Kari belongs to another school


@time_machine.travel(TODAY)
def test_csv_export_follows_the_filter(
    office: Client, school: Any, register: dict[str, Any]
) -> None:
    rows = read_csv(office.get(url("office:pupils_csv", school), {"grade": "2"}))
    assert [row[0] for row in rows[1:]] == ["Åse Hansen"]


@time_machine.travel(TODAY)
def test_csv_export_keeps_formulas_as_text(office: Client, school: Any) -> None:
    factories.PupilFactory(household__school=school, first_name="=HYPERLINK(1)", last_name="X")
    rows = read_csv(office.get(url("office:pupils_csv", school)))
    assert rows[1][0] == "'=HYPERLINK(1) X"


@time_machine.travel(TODAY)
def test_pupil_page_shows_guardians_household_consent_and_history(
    office: Client, school: Any, register: dict[str, Any], office_user: Any
) -> None:
    from kulturskole import audit

    ola = register["ola"]
    audit.record(
        actor=office_user, action="test", subject=ola, summary="Age exception", reason="Talent"
    )

    page = text(office.get(url("office:pupil", school, pk=ola.pk)))

    assert "mor@example.org" in page
    assert "far@example.org" in page
    assert "Granted" in page
    assert "Age exception" in page
    assert "Talent" in page
    assert "Åse Hansen" in page  # sibling


def test_pupil_of_another_school_is_not_found(
    office: Client, school: Any, register: dict[str, Any]
) -> None:
    response = office.get(url("office:pupil", school, pk=register["kari"].pk))
    assert response.status_code == 404


def test_household_page_shows_children_and_guardians(
    office: Client, school: Any, register: dict[str, Any]
) -> None:
    page = text(office.get(url("office:household", school, pk=register["hansen"].pk)))
    assert "Ola Hansen" in page
    assert "mor@example.org" in page


def test_household_of_another_school_is_not_found(
    office: Client, school: Any, register: dict[str, Any]
) -> None:
    berg = register["kari"].household
    assert office.get(url("office:household", school, pk=berg.pk)).status_code == 404


# --- 3. Offers


def offer_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Fiolin for nybegynnere",
        "slug": "fiolin",
        "kind": "place",
        "discipline": "music",
        "min_age": "6",
        "max_age": "12",
        "capacity": "8",
        "photo_restrictions_possible": "on",
        "accepting_applications": "on",
        "is_published": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_offer_list_says_offers_are_never_deleted(office: Client, school: Any) -> None:
    factories.OfferFactory(school=school, name="Fiolin")
    page = text(office.get(url("office:offers", school)))
    assert "Fiolin" in page
    assert "never deleted" in page


def test_offer_list_makes_the_same_number_of_queries_for_3_and_30_offers(
    office: Client, school: Any, django_assert_num_queries: Any
) -> None:
    department = factories.DepartmentFactory(school=school)
    factories.OfferFactory.create_batch(3, school=school, department=department)
    assert_constant_queries(
        office,
        url("office:offers", school),
        lambda: factories.OfferFactory.create_batch(27, school=school, department=department),
        django_assert_num_queries,
    )


def test_office_creates_an_offer(office: Client, school: Any) -> None:
    location = factories.LocationFactory(school=school)

    response = office.post(url("office:offer_create", school), offer_data(location=location.pk))

    assert response.status_code == 302
    offer = Offer.objects.get(school=school, slug="fiolin")
    assert offer.location == location
    assert AuditEvent.objects.filter(action="offer.created", object_id=str(offer.pk)).exists()


def test_principal_may_create_offers_too(principal: Client, school: Any) -> None:
    response = principal.post(url("office:offer_create", school), offer_data())
    assert response.status_code == 302
    assert Offer.objects.filter(school=school).count() == 1


def test_offer_short_name_is_made_from_the_name_with_norwegian_letters(
    office: Client, school: Any
) -> None:
    office.post(
        url("office:offer_create", school), offer_data(name="Kor for små og store", slug="")
    )
    assert Offer.objects.get(school=school).slug == "kor-for-sma-og-store"


def test_offer_short_name_taken_at_the_school_is_refused_next_to_the_field(
    office: Client, school: Any
) -> None:
    factories.OfferFactory(school=school, slug="fiolin")

    response = office.post(url("office:offer_create", school), offer_data())

    assert response.status_code == 200
    assert "already uses the short name" in str(response.context["form"]["slug"].errors)
    assert Offer.objects.filter(school=school).count() == 1


def test_offer_short_name_may_repeat_at_another_school(
    office: Client, school: Any, other_school: Any
) -> None:
    factories.OfferFactory(school=other_school, slug="fiolin")
    assert office.post(url("office:offer_create", school), offer_data()).status_code == 302


def test_offer_age_range_must_be_ordered(office: Client, school: Any) -> None:
    response = office.post(
        url("office:offer_create", school), offer_data(min_age="12", max_age="6")
    )
    assert "must not be below" in str(response.context["form"]["max_age"].errors)
    assert not Offer.objects.exists()


def test_offer_course_dates_must_be_ordered(office: Client, school: Any) -> None:
    response = office.post(
        url("office:offer_create", school),
        offer_data(kind="course", course_starts_on="2026-10-01", course_ends_on="2026-09-01"),
    )
    assert "cannot end before it starts" in str(response.context["form"]["course_ends_on"].errors)
    assert not Offer.objects.exists()


def test_offer_location_of_another_school_is_refused(
    office: Client, school: Any, other_school: Any
) -> None:
    foreign = factories.LocationFactory(school=other_school)
    foreign_department = factories.DepartmentFactory(school=other_school)

    response = office.post(
        url("office:offer_create", school),
        offer_data(location=foreign.pk, department=foreign_department.pk),
    )

    form = response.context["form"]
    assert form["location"].errors
    assert form["department"].errors
    assert not Offer.objects.exists()


def test_offer_form_offers_only_the_schools_locations(
    office: Client, school: Any, other_school: Any
) -> None:
    factories.LocationFactory(school=school, name="Bugården")
    factories.LocationFactory(school=other_school, name="Fremmed sted")
    page = text(office.get(url("office:offer_create", school)))
    assert "Bugården" in page
    assert "Fremmed sted" not in page


def test_office_edits_an_offer_and_unpublishes_it(office: Client, school: Any) -> None:
    offer = factories.OfferFactory(school=school, slug="fiolin", name="Fiolin")
    data = offer_data(name="Fiolin", is_published=None, location=offer.location_id)

    response = office.post(url("office:offer_edit", school, pk=offer.pk), data)

    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.is_published is False
    event = AuditEvent.objects.get(action="offer.changed")
    assert event.data["changes"]["is_published"] == [True, False]


def test_offer_of_another_school_cannot_be_edited(
    office: Client, school: Any, other_school: Any
) -> None:
    offer = factories.OfferFactory(school=other_school)
    assert office.get(url("office:offer_edit", school, pk=offer.pk)).status_code == 404
    assert (
        office.post(url("office:offer_edit", school, pk=offer.pk), offer_data()).status_code == 404
    )


# --- 4. Terms


def term_data(**overrides: Any) -> dict[str, Any]:
    return {
        "season": "autumn",
        "year": "2026",
        "starts_on": "2026-08-24",
        "ends_on": "2026-12-18",
        "teaching_weeks": "16",
        **overrides,
    }


def test_office_creates_a_term(office: Client, school: Any) -> None:
    response = office.post(url("office:term_create", school), term_data())
    assert response.status_code == 302
    assert str(Term.objects.get(school=school)) == "Autumn 2026"


def test_the_same_term_twice_is_refused_with_a_clear_message(office: Client, school: Any) -> None:
    factories.TermFactory(school=school, year=2026, season="autumn")

    response = office.post(url("office:term_create", school), term_data())

    assert "already has a Autumn 2026 term" in str(response.context["form"]["year"].errors)
    assert Term.objects.filter(school=school).count() == 1


def test_the_same_term_at_another_school_is_fine(
    office: Client, school: Any, other_school: Any
) -> None:
    factories.TermFactory(school=other_school, year=2026, season="autumn")
    assert office.post(url("office:term_create", school), term_data()).status_code == 302


def test_a_term_must_start_before_it_ends(office: Client, school: Any) -> None:
    response = office.post(url("office:term_create", school), term_data(ends_on="2026-08-01"))
    assert "must come after the first" in str(response.context["form"]["ends_on"].errors)
    assert not Term.objects.exists()


@pytest.mark.parametrize("weeks", ["0", "31"])
def test_teaching_weeks_are_between_1_and_30(office: Client, school: Any, weeks: str) -> None:
    response = office.post(url("office:term_create", school), term_data(teaching_weeks=weeks))
    assert response.context["form"]["teaching_weeks"].errors
    assert not Term.objects.exists()


def test_office_edits_a_term(office: Client, school: Any) -> None:
    term = factories.TermFactory(school=school, year=2026, season="autumn")
    office.post(url("office:term_edit", school, pk=term.pk), term_data(teaching_weeks="17"))
    term.refresh_from_db()
    assert term.teaching_weeks == 17


def test_term_of_another_school_cannot_be_edited(
    office: Client, school: Any, other_school: Any
) -> None:
    term = factories.TermFactory(school=other_school)
    assert office.get(url("office:term_edit", school, pk=term.pk)).status_code == 404


def test_term_list_makes_the_same_number_of_queries_for_3_and_30_terms(
    office: Client, school: Any, django_assert_num_queries: Any
) -> None:
    def make(years: range) -> None:
        for year in years:
            factories.TermFactory(school=school, year=year, season="spring")

    make(range(2001, 2004))
    assert_constant_queries(
        office,
        url("office:terms", school),
        lambda: make(range(2004, 2031)),
        django_assert_num_queries,
    )


# --- 5. School profile, locations and departments


def profile_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "email": "kulturskolen@sandefjord.kommune.no",
        "phone": "33 48 86 70",
        "website": "https://www.sandefjord.kommune.no/kulturskolen",
        "street_address": "Bugårdsbakken 1",
        "postal_code": "3213",
        "city": "Sandefjord",
        "organisation_number": "NO 974 760 673 MVA",
        "introduction": "Velkommen!",
        "hours-TOTAL_FORMS": "1",
        "hours-INITIAL_FORMS": "0",
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "21",
        "hours-0-weekday": "0",
        "hours-0-opens_at": "09:00",
        "hours-0-closes_at": "15:00",
    }
    data.update(overrides)
    return data


def test_office_edits_the_profile_and_office_hours(office: Client, school: Any) -> None:
    response = office.post(url("office:profile_edit", school), profile_data())

    assert response.status_code == 302
    school.refresh_from_db()
    assert school.organisation_number == "974760673"
    assert school.city == "Sandefjord"
    assert list(school.office_hours.values_list("weekday", "opens_at", "closes_at")) == [
        (0, dt.time(9, 0), dt.time(15, 0))
    ]
    assert AuditEvent.objects.filter(action="school.profile_changed").exists()


def test_office_removes_office_hours(office: Client, school: Any) -> None:
    hours = factories.OfficeHoursFactory(school=school)
    data = profile_data(
        **{
            "hours-TOTAL_FORMS": "1",
            "hours-INITIAL_FORMS": "1",
            "hours-0-id": str(hours.pk),
            "hours-0-school": str(school.pk),
            "hours-0-DELETE": "on",
        }
    )
    assert office.post(url("office:profile_edit", school), data).status_code == 302
    assert not OfficeHours.objects.exists()


def test_an_invalid_organisation_number_is_refused_and_nothing_changes(
    office: Client, school: Any
) -> None:
    response = office.post(
        url("office:profile_edit", school), profile_data(organisation_number="123456789")
    )

    assert response.status_code == 200
    assert "valid Norwegian organisation number" in str(
        response.context["form"]["organisation_number"].errors
    )
    school.refresh_from_db()
    assert school.city == ""
    assert not OfficeHours.objects.exists()


def test_office_hours_must_close_after_they_open(office: Client, school: Any) -> None:
    response = office.post(
        url("office:profile_edit", school), profile_data(**{"hours-0-closes_at": "08:00"})
    )

    assert response.status_code == 200
    errors = response.context["formset"].forms[0]["closes_at"].errors
    assert "Closing time must be after opening time." in str(errors)
    assert "Closing time must be after opening time." in text(response)
    school.refresh_from_db()
    assert school.city == ""


def test_principal_may_edit_the_profile_too(principal: Client, school: Any) -> None:
    page = text(principal.get(url("office:profile", school)))
    assert url("office:profile_edit", school) in page
    response = principal.post(url("office:profile_edit", school), profile_data())
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.city != ""


def test_office_creates_and_edits_a_location(office: Client, school: Any) -> None:
    office.post(url("office:location_create", school), {"name": "Bugården", "postal_code": "3213"})
    location = Location.objects.get(school=school)
    office.post(url("office:location_edit", school, pk=location.pk), {"name": "Sandar Øst"})
    location.refresh_from_db()
    assert location.name == "Sandar Øst"


def test_a_location_name_is_unique_within_the_school(office: Client, school: Any) -> None:
    factories.LocationFactory(school=school, name="Bugården")
    response = office.post(url("office:location_create", school), {"name": "bugården"})
    assert "already has a location" in str(response.context["form"]["name"].errors)
    assert Location.objects.count() == 1


def test_a_location_postal_code_has_four_digits(office: Client, school: Any) -> None:
    response = office.post(
        url("office:location_create", school), {"name": "Bugården", "postal_code": "32"}
    )
    assert "four digits" in str(response.context["form"]["postal_code"].errors)
    assert not Location.objects.exists()


def test_location_of_another_school_cannot_be_edited(
    office: Client, school: Any, other_school: Any
) -> None:
    location = factories.LocationFactory(school=other_school)
    assert office.get(url("office:location_edit", school, pk=location.pk)).status_code == 404


def test_office_creates_a_department(office: Client, school: Any) -> None:
    office.post(
        url("office:department_create", school), {"name": "Utøver", "performer_track": "on"}
    )
    assert Department.objects.get(school=school).performer_track is True


def test_a_department_name_is_unique_within_the_school(office: Client, school: Any) -> None:
    factories.DepartmentFactory(school=school, name="Utøver")
    response = office.post(url("office:department_create", school), {"name": "Utøver"})
    assert "already has a department" in str(response.context["form"]["name"].errors)
    assert Department.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "factory"),
    [
        ("office:locations", factories.LocationFactory),
        ("office:departments", factories.DepartmentFactory),
    ],
)
def test_location_and_department_lists_make_a_fixed_number_of_queries(
    office: Client, school: Any, django_assert_num_queries: Any, name: str, factory: Any
) -> None:
    factory.create_batch(3, school=school)
    assert_constant_queries(
        office,
        url(name, school),
        lambda: factory.create_batch(27, school=school),
        django_assert_num_queries,
    )


# --- 6. Rule-book policy


def test_every_policy_field_is_in_exactly_one_rule_book_section() -> None:
    fields = [field.name for field in SchoolPolicy._meta.concrete_fields if field.name != "school"]
    assert sorted(POLICY_FIELDS) == sorted(fields)
    assert len(POLICY_FIELDS) == len(set(POLICY_FIELDS))


def test_policy_page_lists_every_value_with_its_section(office: Client, school: Any) -> None:
    page = text(office.get(url("office:policy", school)))
    for reference, title, names in POLICY_SECTIONS:
        assert str(title) in page
        if reference:
            assert reference in page
        for name in names:
            label = str(SchoolPolicy._meta.get_field(name).verbose_name)
            assert label[:1].upper() + label[1:] in page
    assert "§9d ii" in page
    assert "1 December" in page or "1. desember" in page


def test_policy_page_hides_the_edit_button_from_the_office(office: Client, school: Any) -> None:
    page = text(office.get(url("office:policy", school)))
    assert url("office:policy_edit", school) not in page
    assert "Only the principal may change these values" in page


def test_policy_page_shows_the_edit_button_to_the_principal(principal: Client, school: Any) -> None:
    assert url("office:policy_edit", school) in text(principal.get(url("office:policy", school)))


def policy_data(policy: SchoolPolicy, **overrides: Any) -> dict[str, Any]:
    from django.forms.models import model_to_dict

    from enrollment.forms.office import SchoolPolicyForm

    form = SchoolPolicyForm(instance=policy)
    data: dict[str, Any] = {}
    for name, value in model_to_dict(policy, fields=POLICY_FIELDS).items():
        value = form[name].field.prepare_value(value)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else str(value)
    data.update(overrides)
    return data


def test_office_may_not_open_the_policy_form(office: Client, school: Any) -> None:
    response = office.get(url("office:policy_edit", school))
    assert response.status_code == 403
    assert "Only the principal may change the rule-book policy" in text(response)


def test_office_may_not_change_the_policy(office: Client, school: Any) -> None:
    data = policy_data(school.policy, place_offer_reply_days="21", reason="Because")
    assert office.post(url("office:policy_edit", school), data).status_code == 403
    school.policy.refresh_from_db()
    assert school.policy.place_offer_reply_days == 14


def test_principal_changes_the_policy_with_a_reason(
    principal: Client, school: Any, principal_user: Any
) -> None:
    data = policy_data(
        school.policy,
        place_offer_reply_days="21",
        notice_deadline_for_spring="15.11",
        reason="Decided by the board on 3 March.",
    )

    response = principal.post(url("office:policy_edit", school), data)

    assert response.status_code == 302
    school.policy.refresh_from_db()
    assert school.policy.place_offer_reply_days == 21
    assert str(school.policy.notice_deadline_for_spring) == "11-15"
    event = AuditEvent.objects.get(action="school_policy.changed")
    assert event.actor == principal_user
    assert event.reason == "Decided by the board on 3 March."
    assert event.data["changes"] == {
        "place_offer_reply_days": [14, 21],
        "notice_deadline_for_spring": ["12-01", "11-15"],
    }
    assert "Decided by the board" in text(principal.get(url("office:policy", school)))


def test_a_policy_change_without_a_reason_changes_nothing(principal: Client, school: Any) -> None:
    data = policy_data(school.policy, place_offer_reply_days="21", reason="   ")

    response = principal.post(url("office:policy_edit", school), data)

    assert response.status_code == 200
    assert response.context["form"]["reason"].errors
    school.policy.refresh_from_db()
    assert school.policy.place_offer_reply_days == 14
    assert not AuditEvent.objects.exists()


def test_a_policy_value_out_of_range_is_refused_next_to_the_field(
    principal: Client, school: Any
) -> None:
    data = policy_data(school.policy, audition_quota_percent="150", reason="Test")
    response = principal.post(url("office:policy_edit", school), data)
    assert response.context["form"]["audition_quota_percent"].errors
    school.policy.refresh_from_db()
    assert school.policy.audition_quota_percent == 50


def test_a_school_without_saved_rules_shows_the_defaults_and_saves_on_first_change(
    principal: Client, school: Any
) -> None:
    SchoolPolicy.objects.filter(school=school).delete()
    page = text(principal.get(url("office:policy", school)))
    assert "values below are the defaults" in page
    assert not SchoolPolicy.objects.exists()

    data = policy_data(SchoolPolicy(school=school), trial_lessons="3", reason="New rules")
    principal.post(url("office:policy_edit", school), data)

    assert SchoolPolicy.objects.get(school=school).trial_lessons == 3


# --- 7. Staff


def test_staff_list_shows_the_schools_roles_read_only_for_office(
    office: Client, school: Any, other_school: Any, principal_user: Any
) -> None:
    factories.StaffRoleFactory(school=other_school, user__email="elsewhere@example.org")

    page = text(office.get(url("office:staff", school)))

    assert "principal@example.org" in page
    assert "elsewhere@example.org" not in page
    assert url("office:staff_add", school) not in page
    assert "/remove/" not in page


def test_staff_list_makes_the_same_number_of_queries_for_3_and_30_roles(
    office: Client, school: Any, django_assert_num_queries: Any
) -> None:
    factories.StaffRoleFactory.create_batch(2, school=school, role=Role.TEACHER)
    assert_constant_queries(
        office,
        url("office:staff", school),
        lambda: factories.StaffRoleFactory.create_batch(27, school=school, role=Role.TEACHER),
        django_assert_num_queries,
    )


def test_office_may_not_add_staff(office: Client, school: Any, stranger: Any) -> None:
    response = office.post(
        url("office:staff_add", school), {"email": stranger.email, "role": "teacher"}
    )
    assert response.status_code == 403
    assert not StaffRole.objects.filter(user=stranger).exists()


def test_principal_adds_a_role_by_email(principal: Client, school: Any, stranger: Any) -> None:
    response = principal.post(
        url("office:staff_add", school), {"email": "STRANGER@example.org", "role": "teacher"}
    )
    assert response.status_code == 302
    assert StaffRole.objects.filter(user=stranger, school=school, role="teacher").exists()
    assert AuditEvent.objects.filter(action="staff_role.added").exists()


def test_adding_an_unknown_email_is_refused_next_to_the_field(
    principal: Client, school: Any
) -> None:
    count = StaffRole.objects.count()
    response = principal.post(
        url("office:staff_add", school), {"email": "nobody@example.org", "role": "teacher"}
    )
    assert "Nobody has an account" in str(response.context["form"]["email"].errors)
    assert StaffRole.objects.count() == count


def test_adding_a_role_the_person_has_is_refused(
    principal: Client, school: Any, office_user: Any
) -> None:
    response = principal.post(
        url("office:staff_add", school), {"email": office_user.email, "role": "office"}
    )
    assert "already has this role" in str(response.context["form"]["role"].errors)


def test_removing_a_role_asks_first(principal: Client, school: Any, office_user: Any) -> None:
    role = StaffRole.objects.get(user=office_user)

    response = principal.get(url("office:staff_remove", school, pk=role.pk))

    assert response.status_code == 200
    assert "Remove role?" in text(response)
    assert StaffRole.objects.filter(pk=role.pk).exists()


def test_principal_removes_a_role_after_confirming(
    principal: Client, school: Any, office_user: Any
) -> None:
    role = StaffRole.objects.get(user=office_user)

    response = principal.post(url("office:staff_remove", school, pk=role.pk))

    assert response.status_code == 302
    assert not StaffRole.objects.filter(pk=role.pk).exists()
    event = AuditEvent.objects.get(action="staff_role.removed")
    assert event.data["user"] == office_user.email


def test_principal_cannot_remove_their_own_principal_role(
    principal: Client, school: Any, principal_user: Any
) -> None:
    role = StaffRole.objects.get(user=principal_user)

    assert principal.get(url("office:staff_remove", school, pk=role.pk)).status_code == 403
    response = principal.post(url("office:staff_remove", school, pk=role.pk))

    assert response.status_code == 403
    assert "cannot remove your own principal role" in text(response)
    assert StaffRole.objects.filter(pk=role.pk).exists()


def test_office_may_not_remove_roles(office: Client, school: Any, principal_user: Any) -> None:
    role = StaffRole.objects.get(user=principal_user)
    assert office.post(url("office:staff_remove", school, pk=role.pk)).status_code == 403
    assert StaffRole.objects.filter(pk=role.pk).exists()


def test_a_role_at_another_school_cannot_be_removed(
    principal: Client, school: Any, other_school: Any
) -> None:
    role = factories.StaffRoleFactory(school=other_school)
    assert principal.post(url("office:staff_remove", school, pk=role.pk)).status_code == 404
    assert StaffRole.objects.filter(pk=role.pk).exists()
