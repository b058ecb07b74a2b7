"""The administration works for a superuser: every list, add page and change page renders,
lists make a fixed number of queries, and the audit trail cannot be changed."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enrollment.models import (
    Department,
    Guardian,
    Household,
    Location,
    Offer,
    Pupil,
    School,
    StaffRole,
    TeachingGroup,
    Term,
)
from kulturskole import audit
from kulturskole.access import Role
from kulturskole.models import AuditEvent
from regional.models import Region, RegionalRole
from tests import factories
from tests.conftest import login

MODELS = [
    School,
    Location,
    Department,
    Offer,
    Term,
    Household,
    Guardian,
    Pupil,
    StaffRole,
    TeachingGroup,
    Region,
    RegionalRole,
    AuditEvent,
]
ADDABLE = [model for model in MODELS if model is not AuditEvent]


@pytest.fixture
def admin_client(client: Client, db: Any) -> Client:
    user = factories.UserFactory(is_staff=True, is_superuser=True, totp=True)
    return login(client, user)


@pytest.fixture
def data(school: Any, office_user: Any) -> dict[str, Any]:
    """One of everything, linked together."""
    household = factories.HouseholdFactory(school=school)
    guardian = factories.GuardianFactory(household=household)
    household.payer = guardian
    household.save()
    pupil = factories.PupilFactory(household=household)
    group = factories.TeachingGroupFactory(offer=factories.OfferFactory(school=school))
    region = factories.RegionFactory(schools=[school])
    factories.RegionalRoleFactory(region=region)
    factories.DepartmentFactory(school=school)
    factories.OfficeHoursFactory(school=school)
    event = audit.record(actor=office_user, action="test", subject=pupil, summary="Tested")
    return {
        School: school,
        Location: group.offer.location,
        Department: Department.objects.first(),
        Offer: group.offer,
        Term: group.term,
        Household: household,
        Guardian: guardian,
        Pupil: pupil,
        StaffRole: StaffRole.objects.first(),
        TeachingGroup: group,
        Region: region,
        RegionalRole: RegionalRole.objects.first(),
        AuditEvent: event,
    }


def admin_url(model: type[Any], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_every_model_is_registered(model: type[Any]) -> None:
    assert admin.site.is_registered(model)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_changelist_renders(admin_client: Client, data: dict[Any, Any], model: type[Any]) -> None:
    response = admin_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_changelist_search_renders(
    admin_client: Client, data: dict[Any, Any], model: type[Any]
) -> None:
    assert admin_client.get(admin_url(model, "changelist"), {"q": "a"}).status_code == 200


@pytest.mark.parametrize("model", ADDABLE, ids=lambda model: model.__name__)
def test_add_page_renders(admin_client: Client, model: type[Any]) -> None:
    assert admin_client.get(admin_url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_change_page_renders(admin_client: Client, data: dict[Any, Any], model: type[Any]) -> None:
    response = admin_client.get(admin_url(model, "change", data[model].pk))
    assert response.status_code == 200


def test_school_change_page_has_policy_office_hours_locations_and_departments(
    admin_client: Client, data: dict[Any, Any], school: Any
) -> None:
    response = admin_client.get(admin_url(School, "change", school.pk))
    prefixes = {formset.formset.prefix for formset in response.context["inline_admin_formsets"]}
    assert prefixes == {"policy", "office_hours", "locations", "departments"}


def test_household_change_page_has_guardians_and_pupils(
    admin_client: Client, data: dict[Any, Any]
) -> None:
    response = admin_client.get(admin_url(Household, "change", data[Household].pk))
    prefixes = {formset.formset.prefix for formset in response.context["inline_admin_formsets"]}
    assert prefixes == {"guardians", "pupils"}


def test_superuser_adds_a_school_with_its_policy_in_the_admin(admin_client: Client) -> None:
    inline = {
        f"{prefix}-{key}": value
        for prefix in ("policy", "office_hours", "locations", "departments")
        for key, value in {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0"}.items()
    }
    response = admin_client.post(
        admin_url(School, "add"),
        {
            "name": "Gjøvik kulturskole",
            "slug": "gjovik",
            "kind": "culture_school",
            "municipality": "Gjøvik",
            "is_public": "on",
            **inline,
        },
    )
    assert response.status_code == 302, response.context["errors"]
    assert School.objects.filter(slug="gjovik").exists()


def test_the_audit_trail_cannot_be_added_changed_or_deleted(
    admin_client: Client, data: dict[Any, Any]
) -> None:
    event = data[AuditEvent]
    assert admin_client.get(admin_url(AuditEvent, "add")).status_code == 403
    assert admin_client.post(admin_url(AuditEvent, "delete", event.pk)).status_code == 403
    admin_client.post(admin_url(AuditEvent, "change", event.pk), {"summary": "Rewritten"})
    event.refresh_from_db()
    assert event.summary == "Tested"


@pytest.mark.parametrize(
    ("model", "make"),
    [
        (Offer, lambda school: factories.OfferFactory(school=school)),
        (Pupil, lambda school: factories.PupilFactory(household__school=school)),
        (Guardian, lambda school: factories.GuardianFactory(household__school=school)),
        (StaffRole, lambda school: factories.StaffRoleFactory(school=school, role=Role.TEACHER)),
        (
            TeachingGroup,
            lambda school: factories.TeachingGroupFactory(
                offer=factories.OfferFactory(school=school)
            ),
        ),
        (
            AuditEvent,
            lambda school: audit.record(
                actor=factories.UserFactory(), action="test", subject=school, summary="x"
            ),
        ),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_changelists_make_the_same_number_of_queries_for_3_and_30_rows(
    admin_client: Client, school: Any, django_assert_num_queries: Any, model: Any, make: Any
) -> None:
    for _ in range(3):
        make(school)
    path = admin_url(model, "changelist")
    admin_client.get(path)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(path)
    for _ in range(27):
        make(school)
    with django_assert_num_queries(len(few.captured_queries)):
        admin_client.get(path)
