"""The office services: each change in one transaction, checked once more, and recorded."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from enrollment.models import OfficeHours, SchoolPolicy, StaffRole
from enrollment.services import office as services
from kulturskole import audit
from kulturskole.access import Role
from kulturskole.fields import MonthDay
from kulturskole.models import AuditEvent
from tests import factories


def test_offer_create_records_who_created_it(school: Any, office_user: Any) -> None:
    offer = services.offer_create(
        actor=office_user,
        school=school,
        values={"name": "Fiolin", "slug": "fiolin", "discipline": "music", "capacity": 8},
    )
    event = audit.history(offer).get()
    assert event.actor == office_user
    assert event.action == "offer.created"
    assert event.data["values"]["capacity"] == 8


def test_offer_update_records_only_the_fields_that_changed(school: Any, office_user: Any) -> None:
    offer = factories.OfferFactory(school=school, capacity=8, name="Fiolin")

    services.offer_update(actor=office_user, offer=offer, values={"name": "Fiolin", "capacity": 10})

    event = AuditEvent.objects.get(action="offer.changed")
    assert event.data["changes"] == {"capacity": [8, 10]}


def test_offer_update_without_changes_records_nothing(school: Any, office_user: Any) -> None:
    offer = factories.OfferFactory(school=school, capacity=8)
    services.offer_update(actor=office_user, offer=offer, values={"capacity": 8})
    assert not AuditEvent.objects.exists()


def test_offer_update_refuses_an_unordered_age_range_even_without_the_form(
    school: Any, office_user: Any
) -> None:
    offer = factories.OfferFactory(school=school, min_age=6, max_age=12)
    with pytest.raises(ValidationError):
        services.offer_update(actor=office_user, offer=offer, values={"min_age": 14})
    offer.refresh_from_db()
    assert offer.min_age == 6


def test_term_create_refuses_a_second_autumn_term_of_the_same_year(
    school: Any, office_user: Any
) -> None:
    factories.TermFactory(school=school, year=2026, season="autumn")
    with pytest.raises(ValidationError):
        services.term_create(
            actor=office_user,
            school=school,
            values={
                "season": "autumn",
                "year": 2026,
                "starts_on": dt.date(2026, 8, 20),
                "ends_on": dt.date(2026, 12, 18),
                "teaching_weeks": 16,
            },
        )


def test_school_profile_update_replaces_the_office_hours_and_records_both(
    school: Any, office_user: Any
) -> None:
    factories.OfficeHoursFactory(school=school, weekday=0)
    slots = [
        services.OfficeHoursSlot(2, dt.time(9), dt.time(12)),
        services.OfficeHoursSlot(1, dt.time(12), dt.time(15)),
    ]

    services.school_profile_update(
        actor=office_user, school=school, values={"city": "Sandefjord"}, office_hours=slots
    )

    assert list(OfficeHours.objects.values_list("weekday", flat=True)) == [1, 2]
    event = AuditEvent.objects.get(action="school.profile_changed")
    assert event.data["changes"]["city"] == ["", "Sandefjord"]
    assert event.data["changes"]["office_hours"] == [
        ["0 09:00-15:00"],
        ["1 12:00-15:00", "2 09:00-12:00"],
    ]


def test_school_profile_update_with_the_same_office_hours_keeps_them(
    school: Any, office_user: Any
) -> None:
    hours = factories.OfficeHoursFactory(school=school)
    slot = services.OfficeHoursSlot(hours.weekday, hours.opens_at, hours.closes_at)

    services.school_profile_update(actor=office_user, school=school, values={}, office_hours=[slot])

    assert OfficeHours.objects.get().pk == hours.pk
    assert not AuditEvent.objects.exists()


def test_school_policy_update_needs_a_reason(school: Any, principal_user: Any) -> None:
    with pytest.raises(ValidationError):
        services.school_policy_update(
            actor=principal_user, school=school, values={"trial_lessons": 3}, reason=" "
        )
    school.policy.refresh_from_db()
    assert school.policy.trial_lessons == 2


def test_school_policy_update_records_old_and_new_values_and_the_reason(
    school: Any, principal_user: Any
) -> None:
    policy, changes = services.school_policy_update(
        actor=principal_user,
        school=school,
        values={"trial_lessons": 3, "application_deadline": MonthDay(4, 15)},
        reason="Board decision 2026-03-03",
    )

    assert changes == {"trial_lessons": [2, 3], "application_deadline": ["05-01", "04-15"]}
    event = audit.history(policy).get()
    assert event.reason == "Board decision 2026-03-03"
    assert event.actor == principal_user


def test_school_policy_update_saves_the_defaults_of_a_school_without_rules(
    principal_user: Any,
) -> None:
    school = factories.SchoolFactory(policy=None)
    assert not SchoolPolicy.objects.filter(school=school).exists()

    services.school_policy_update(
        actor=principal_user, school=school, values={"upper_age": 20}, reason="New rules"
    )

    assert SchoolPolicy.objects.get(school=school).upper_age == 20


def test_staff_role_add_gives_the_role_once(
    school: Any, principal_user: Any, stranger: Any
) -> None:
    services.staff_role_add(actor=principal_user, school=school, user=stranger, role=Role.TEACHER)
    with pytest.raises(ValidationError):
        services.staff_role_add(
            actor=principal_user, school=school, user=stranger, role=Role.TEACHER
        )
    assert StaffRole.objects.filter(user=stranger).count() == 1


def test_staff_role_add_refuses_a_regional_role(
    school: Any, principal_user: Any, stranger: Any
) -> None:
    with pytest.raises(ValidationError):
        services.staff_role_add(
            actor=principal_user, school=school, user=stranger, role=Role.PROJECT_LEADER
        )


def test_staff_role_remove_refuses_the_principals_own_principal_role(
    principal_user: Any,
) -> None:
    role = StaffRole.objects.get(user=principal_user)
    with pytest.raises(PermissionDenied):
        services.staff_role_remove(actor=principal_user, staff_role=role)
    assert StaffRole.objects.filter(pk=role.pk).exists()


def test_another_principal_may_remove_a_principal_role(school: Any, principal_user: Any) -> None:
    other = factories.StaffRoleFactory(school=school, role=Role.PRINCIPAL).user
    role = StaffRole.objects.get(user=principal_user)

    services.staff_role_remove(actor=other, staff_role=role)

    assert not StaffRole.objects.filter(pk=role.pk).exists()
    event = audit.history(school).get()
    assert (event.action, event.actor) == ("staff_role.removed", other)
