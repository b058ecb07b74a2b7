"""The public school page and offer page, seen by visitors, signed-in users and guardians."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import translation

from enrollment.models import OfficeHours
from enrollment.views.public import OfficeHoursRow, group_office_hours
from kulturskole.fields import MonthDay
from tests import factories
from tests.conftest import login

SCHOOL_URL = "/schools/sandefjord/"
OSLO = ZoneInfo("Europe/Oslo")


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- Office hours, grouped without a database (§1c).


def hours(weekday: int, opens: str, closes: str) -> tuple[int, dt.time, dt.time]:
    return weekday, dt.time.fromisoformat(opens), dt.time.fromisoformat(closes)


def test_s1c_consecutive_days_with_the_same_hours_share_a_row():
    with translation.override("en"):
        rows = group_office_hours(
            [
                hours(0, "09:00", "15:00"),
                hours(1, "09:00", "15:00"),
                hours(2, "09:00", "15:00"),
                hours(3, "09:00", "15:00"),
                hours(4, "09:00", "12:00"),
            ]
        )
    assert rows == [
        OfficeHoursRow("Monday–Thursday", ("09:00–15:00",)),
        OfficeHoursRow("Friday", ("09:00–12:00",)),
    ]


def test_s1c_a_day_with_a_break_and_a_gap_between_days_stay_apart():
    with translation.override("en"):
        rows = group_office_hours(
            [
                hours(2, "12:00", "15:00"),
                hours(0, "09:00", "11:00"),
                hours(2, "09:00", "11:00"),
                hours(0, "12:00", "15:00"),
            ]
        )
    assert rows == [
        OfficeHoursRow("Monday", ("09:00–11:00", "12:00–15:00")),
        OfficeHoursRow("Wednesday", ("09:00–11:00", "12:00–15:00")),
    ]


def test_no_office_hours_give_no_rows():
    assert group_office_hours([]) == []


# --- The school page.


@pytest.mark.django_db
def test_the_school_page_shows_contact_details_as_links(client, school):
    school.introduction = "Velkommen til kulturskolen!"
    school.website = "https://www.sandefjord.kommune.no/kulturskolen"
    school.street_address = "Bugårdsbakken 1"
    school.postal_code = "3213"
    school.city = "Sandefjord"
    school.save()
    content = client.get(SCHOOL_URL).content.decode()
    assert "<h1>Sandefjord kulturskole</h1>" in content
    assert "Velkommen til kulturskolen!" in content
    assert 'href="mailto:post@example.org"' in content
    assert 'href="tel:33488670">33 48 86 70</a>' in content
    assert 'href="https://www.sandefjord.kommune.no/kulturskolen"' in content
    assert "3213 Sandefjord" in content


@pytest.mark.django_db
def test_s1c_the_school_page_shows_office_hours_with_weekday_names(client, school):
    for weekday in (OfficeHours.Weekday.MONDAY, OfficeHours.Weekday.TUESDAY):
        factories.OfficeHoursFactory(school=school, weekday=weekday)
    factories.OfficeHoursFactory(
        school=school,
        weekday=OfficeHours.Weekday.FRIDAY,
        opens_at=dt.time(10, 0),
        closes_at=dt.time(12, 0),
    )
    content = english(client).get(SCHOOL_URL).content.decode()
    assert "<dt>Monday–Tuesday</dt>" in content
    assert '<dd><span class="nowrap">09:00–15:00</span></dd>' in content
    assert "<dt>Friday</dt>" in content
    assert '<dd><span class="nowrap">10:00–12:00</span></dd>' in content
    assert "Office hours are not published." not in content


@pytest.mark.django_db
def test_s1c_the_school_page_names_weekdays_in_bokmal_by_default(school):
    factories.OfficeHoursFactory(school=school, weekday=OfficeHours.Weekday.MONDAY)
    content = Client().get(SCHOOL_URL).content.decode()
    assert "<dt>Mandag</dt>" in content


@pytest.mark.django_db
def test_s1c_the_school_page_says_when_office_hours_are_not_published(client, school):
    content = english(client).get(SCHOOL_URL).content.decode()
    assert "Office hours are not published." in content


@pytest.mark.django_db
def test_s20_the_school_page_lists_teaching_locations_with_addresses(client, school, locations):
    content = client.get(SCHOOL_URL).content.decode()
    assert "Bugården" in content
    assert "Bugårdsbakken 1, 3213 Sandefjord" in content
    assert "Sandar Øst" in content


@pytest.mark.django_db
def test_the_school_page_lists_departments(client, school):
    factories.DepartmentFactory(
        school=school, name="Utøver", description="For de ivrigste.", performer_track=True
    )
    content = english(client).get(SCHOOL_URL).content.decode()
    assert "Utøver" in content
    assert "For de ivrigste." in content
    assert "Performer track" in content


@pytest.mark.django_db
def test_the_school_page_links_prominently_to_its_offers(client, catalogue):
    content = english(client).get(SCHOOL_URL).content.decode()
    assert 'href="#offers">' in content
    assert "See all 4 offers" in content
    assert 'id="offers"' in content


@pytest.mark.django_db
def test_an_unknown_school_is_404(client, school):
    assert client.get("/schools/nowhere/").status_code == 404


@pytest.mark.django_db
def test_a_school_that_is_not_public_is_404(client, school):
    school.is_public = False
    school.save()
    assert client.get(SCHOOL_URL).status_code == 404


# --- The offer page.


@pytest.fixture
def violin(catalogue):
    offer = catalogue["violin"]
    offer.lesson_minutes = 30
    offer.instrument_rental = True
    offer.department = factories.DepartmentFactory(school=offer.school, name="Musikk")
    offer.save()
    return offer


@pytest.mark.django_db
def test_the_offer_page_tells_a_parent_what_they_need(client, violin):
    response = english(client).get("/schools/sandefjord/offers/fiolin/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Fiolin</h1>" in content
    assert "Suzuki-metoden for de yngste." in content
    assert "6–12 years" in content
    assert "Bugårdsbakken 1, 3213 Sandefjord" in content
    assert "30 minutes" in content
    assert "Musikk" in content
    assert "You can rent an instrument from the school." in content
    # §19: the school's upper age applies.
    assert "the end of the year the pupil turns 19" in content


@pytest.mark.django_db
def test_s3a_the_offer_page_shows_the_schools_yearly_deadline_and_late_applications(client, violin):
    content = english(client).get("/schools/sandefjord/offers/fiolin/").content.decode()
    assert "Apply by 1 May for teaching that starts the following school year." in content
    assert "rank after all applications received in time" in content


@pytest.mark.django_db
def test_s3a_a_school_with_another_deadline_shows_it(client, violin):
    policy = violin.school.policy
    policy.application_deadline = MonthDay(3, 15)
    policy.save()
    content = english(client).get("/schools/sandefjord/offers/fiolin/").content.decode()
    assert "Apply by 15 March" in content


@pytest.mark.django_db
def test_s3a_an_offer_with_its_own_deadline_shows_it(client, violin):
    violin.application_deadline = dt.date(2026, 10, 1)
    violin.save()
    content = english(client).get("/schools/sandefjord/offers/fiolin/").content.decode()
    assert "Apply by 1 October 2026." in content
    assert "rank after all applications received in time" in content


@pytest.mark.django_db
def test_s4d_an_offer_with_skill_requirements_explains_the_audition(client, catalogue):
    content = english(client).get("/schools/sandefjord/offers/band/").content.decode()
    assert "only applicants" in content
    assert "who pass an audition are admitted" in content
    assert "This offer is closed for applications at the moment." in content


@pytest.mark.django_db
def test_s4c_an_offer_with_an_optional_audition_explains_the_quota(client, violin):
    violin.audition_available = True
    violin.save()
    content = english(client).get("/schools/sandefjord/offers/fiolin/").content.decode()
    assert "up to 50 % of the places can go to applicants admitted by audition" in content
    assert "within 365 days of applying" in content
    assert "every 2 years" in content


@pytest.mark.django_db
def test_s10b_an_offer_that_cannot_respect_a_photo_refusal_says_so(client, violin):
    violin.photo_restrictions_possible = False
    violin.save()
    content = english(client).get("/schools/sandefjord/offers/fiolin/").content.decode()
    assert "This offer cannot respect a refusal of photo and film" in content


@pytest.mark.django_db
def test_s18_and_s16a_parent_work_group_and_effort_requirements_are_shown(client, violin):
    violin.parent_work_group = True
    violin.effort_requirements = "Øv 20 minutter hver dag."
    violin.save()
    content = english(client).get("/schools/sandefjord/offers/fiolin/").content.decode()
    assert "parent work group" in content
    assert "Effort requirements" in content
    assert "Øv 20 minutter hver dag." in content


@pytest.mark.django_db
def test_effort_requirements_are_left_out_when_not_set(client, violin):
    content = english(client).get("/schools/sandefjord/offers/fiolin/").content.decode()
    assert "Effort requirements" not in content


@pytest.mark.django_db
def test_s19_an_offer_without_upper_age_says_so(client, catalogue):
    offer = catalogue["theatre"]
    offer.no_upper_age = True
    offer.save()
    content = english(client).get("/schools/sandefjord/offers/teaterkurs/").content.decode()
    assert "No upper age" in content


@pytest.mark.django_db
def test_an_unpublished_offer_is_404(client, catalogue):
    assert client.get("/schools/sandefjord/offers/skjult/").status_code == 404


@pytest.mark.django_db
def test_an_offer_of_a_school_that_is_not_public_is_404(client, catalogue, school):
    school.is_public = False
    school.save()
    assert client.get("/schools/sandefjord/offers/fiolin/").status_code == 404


@pytest.mark.django_db
def test_an_offer_under_another_schools_address_is_404(client, catalogue, other_school):
    assert client.get("/schools/sondre-land/offers/fiolin/").status_code == 404


@pytest.mark.django_db
def test_an_anonymous_visitor_is_told_how_to_apply_without_an_apply_button(client, violin):
    content = english(client).get("/schools/sandefjord/offers/fiolin/").content.decode()
    assert "To apply, sign in or create an account and register your household." in content
    assert "/accounts/login/?next=%2Fschools%2Fsandefjord%2Foffers%2Ffiolin%2F" in content
    assert ">Apply<" not in content


@pytest.mark.django_db
def test_a_signed_in_user_without_a_household_is_asked_to_register(client, stranger, violin):
    content = english(login(client, stranger)).get(violin.get_absolute_url()).content.decode()
    assert "To apply, register your household and your children." in content
    assert 'href="/family/register/"' in content


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 9, 1, 12, tzinfo=OSLO), tick=False)
def test_s4a_a_guardian_sees_whether_each_childs_age_fits(
    client, guardian_user, household, violin, other_pupil
):
    factories.PupilFactory(household=household, first_name="Ola", birth_date=dt.date(2016, 3, 14))
    factories.PupilFactory(household=household, first_name="Per", birth_date=dt.date(2012, 9, 2))
    response = english(login(client, guardian_user)).get(violin.get_absolute_url())
    children = {child["pupil"].first_name: child for child in response.context["children"]}
    # Ola is 10; Per turns 14 tomorrow, so he is 13 and too old for 6–12.
    assert (children["Ola"]["age"], children["Ola"]["fits"]) == (10, True)
    assert (children["Per"]["age"], children["Per"]["fits"]) == (13, False)
    # Another household's child is never listed.
    assert "Kari" not in children
    content = response.content.decode()
    assert "Age fits" in content
    assert "Outside the age range" in content
    assert ">Apply<" not in content
