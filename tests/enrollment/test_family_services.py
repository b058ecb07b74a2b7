"""Services guardians use: registering a household, its address, and their children."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from enrollment.models import Guardian, Household, Pupil, School
from enrollment.services.family import (
    HouseholdAlreadyRegisteredError,
    SchoolNotOpenForHouseholdsError,
    household_address_update,
    household_register,
    pupil_add,
    pupil_update,
)
from kulturskole.access import roles_for
from kulturskole.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
OCTOBER_2026 = dt.datetime(2026, 10, 5, 12, tzinfo=OSLO)
MARCH_2027 = dt.datetime(2027, 3, 5, 12, tzinfo=OSLO)


def register(user, school, **overrides):
    values = {
        "user": user,
        "school": school,
        "name": "Hansen",
        "street_address": "Storgata 1",
        "postal_code": "3210",
        "city": "Sandefjord",
        "first_name": "Kari",
        "last_name": "Hansen",
        "phone": "912 34 567",
    }
    return household_register(**{**values, **overrides})


def test_registering_makes_the_user_first_guardian_and_payer(school, stranger):
    assert not roles_for(stranger).household_ids
    household = register(stranger, school)
    guardian = Guardian.objects.get(household=household)
    assert guardian.user == stranger
    assert guardian.email == stranger.email
    assert (guardian.first_name, guardian.phone) == ("Kari", "912 34 567")
    assert household.payer == guardian
    assert (household.school, household.postal_code) == (school, "3210")
    # The cached roles are forgotten, so the rest of the request sees the household.
    assert roles_for(stranger).household_ids == {household.pk}


def test_registering_records_an_audit_event(school, stranger):
    household = register(stranger, school)
    event = AuditEvent.objects.get(action="household.register")
    assert event.actor == stranger
    assert event.object_id == str(household.pk)


def test_a_user_cannot_register_a_second_household(school, guardian_user):
    with pytest.raises(HouseholdAlreadyRegisteredError):
        register(guardian_user, school)
    assert Household.objects.count() == 1


@pytest.mark.parametrize(
    "kind,is_public",
    [(School.Kind.UPPER_SECONDARY, True), (School.Kind.CULTURE_SCHOOL, False)],
)
def test_households_register_only_with_a_public_culture_school(stranger, kind, is_public):
    school = factories.SchoolFactory(kind=kind, is_public=is_public)
    with pytest.raises(SchoolNotOpenForHouseholdsError):
        register(stranger, school)
    assert not Household.objects.exists()
    assert not AuditEvent.objects.exists()


def child(household, **overrides):
    values = {
        "first_name": "Ola",
        "last_name": "Hansen",
        "birth_date": dt.date(2016, 3, 14),
        "school_grade": 5,
        "photo_consent": Pupil.PhotoConsent.GRANTED,
    }
    return {"household": household, **values, **overrides}


@pytest.mark.parametrize("now,school_year", [(OCTOBER_2026, 2026), (MARCH_2027, 2026)])
def test_a_childs_grade_is_recorded_for_the_current_school_year(
    guardian_user, household, now, school_year
):
    pupil = pupil_add(actor=guardian_user, now=now, **child(household))
    assert (pupil.school_grade, pupil.grade_school_year) == (5, school_year)
    assert pupil.grade_on(now.date()) == 5


def test_s10a_adding_a_child_records_when_consent_was_given(guardian_user, household):
    pupil = pupil_add(actor=guardian_user, now=OCTOBER_2026, **child(household))
    assert pupil.photo_consent == Pupil.PhotoConsent.GRANTED
    assert pupil.photo_consent_recorded_at == OCTOBER_2026
    event = AuditEvent.objects.get(action="pupil.add")
    assert (event.actor, event.object_id) == (guardian_user, str(pupil.pk))


def test_a_child_without_a_grade_has_no_grade_year(guardian_user, household):
    pupil = pupil_add(
        actor=guardian_user,
        now=OCTOBER_2026,
        **child(household, school_grade=None, photo_consent=Pupil.PhotoConsent.NOT_ANSWERED),
    )
    assert (pupil.school_grade, pupil.grade_school_year) == (None, None)
    assert pupil.photo_consent_recorded_at is None


def update(pupil, actor, now, **overrides):
    values = {
        "first_name": pupil.first_name,
        "last_name": pupil.last_name,
        "birth_date": pupil.birth_date,
        "school_grade": pupil.grade_on(now.date()),
        "photo_consent": pupil.photo_consent,
    }
    return pupil_update(actor=actor, pupil=pupil, now=now, **{**values, **overrides})


def test_s10a_changing_consent_records_when_and_audits_it(guardian_user, household):
    pupil = pupil_add(actor=guardian_user, now=OCTOBER_2026, **child(household))
    update(pupil, guardian_user, MARCH_2027, photo_consent=Pupil.PhotoConsent.REFUSED)
    pupil.refresh_from_db()
    assert pupil.photo_consent == Pupil.PhotoConsent.REFUSED
    assert pupil.photo_consent_recorded_at == MARCH_2027
    event = AuditEvent.objects.get(action="pupil.photo_consent")
    assert event.data == {"photo_consent": "refused"}


def test_an_unchanged_form_changes_nothing_and_records_nothing(guardian_user, household):
    pupil = pupil_add(actor=guardian_user, now=OCTOBER_2026, **child(household))
    # A year later the child is in grade 6; the form shows 6 and is sent unchanged.
    later = dt.datetime(2027, 9, 1, 12, tzinfo=OSLO)
    update(pupil, guardian_user, later)
    pupil.refresh_from_db()
    assert (pupil.school_grade, pupil.grade_school_year) == (5, 2026)
    assert pupil.photo_consent_recorded_at == OCTOBER_2026
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["pupil.add"]


def test_a_corrected_grade_is_stored_for_the_current_school_year(guardian_user, household):
    pupil = pupil_add(actor=guardian_user, now=OCTOBER_2026, **child(household))
    later = dt.datetime(2027, 9, 1, 12, tzinfo=OSLO)
    update(pupil, guardian_user, later, school_grade=7, first_name="Ole")
    pupil.refresh_from_db()
    assert (pupil.school_grade, pupil.grade_school_year, pupil.first_name) == (7, 2027, "Ole")
    event = AuditEvent.objects.get(action="pupil.update")
    assert event.data == {"changed": ["first_name", "school_grade"]}


def test_changing_the_address_is_audited(guardian_user, household):
    household_address_update(
        actor=guardian_user,
        household=household,
        street_address="Kirkegata 2",
        postal_code="3211",
        city="Sandefjord",
    )
    household.refresh_from_db()
    assert (household.street_address, household.postal_code) == ("Kirkegata 2", "3211")
    event = AuditEvent.objects.get(action="household.address_update")
    assert event.data["old"] == {"street_address": "Storgata 1", "postal_code": "3210"}


def test_an_unchanged_address_records_nothing(guardian_user, household):
    household_address_update(
        actor=guardian_user,
        household=household,
        street_address=household.street_address,
        postal_code=household.postal_code,
        city=household.city,
    )
    assert not AuditEvent.objects.exists()
