"""What guardians do: register a household, keep its address and their children up to date.

Every function runs in a transaction and records an audit event (who, when, what).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from enrollment import rules
from enrollment.models import Guardian, Household, Pupil, School
from kulturskole import audit
from kulturskole.access import forget_roles


class HouseholdAlreadyRegisteredError(Exception):
    """The user is already a guardian in a household."""


class SchoolNotOpenForHouseholdsError(Exception):
    """Households register only with a public culture school."""


@transaction.atomic
def household_register(
    *,
    user: Any,
    school: School,
    name: str,
    street_address: str,
    postal_code: str,
    city: str,
    first_name: str,
    last_name: str,
    phone: str = "",
) -> Household:
    """Creates a household with the user as its first guardian, who pays its invoices."""
    if not (school.is_public and school.kind == School.Kind.CULTURE_SCHOOL):
        raise SchoolNotOpenForHouseholdsError(school.slug)
    # Lock the user's row so a double-clicked form cannot register two households.
    get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
    if Guardian.objects.filter(user=user).exists():
        raise HouseholdAlreadyRegisteredError
    household = Household.objects.create(
        school=school,
        name=name,
        street_address=street_address,
        postal_code=postal_code,
        city=city,
    )
    guardian = Guardian.objects.create(
        household=household,
        user=user,
        first_name=first_name,
        last_name=last_name,
        email=user.email,
        phone=phone,
    )
    household.payer = guardian
    household.save(update_fields=["payer"])
    audit.record(
        actor=user,
        action="household.register",
        subject=household,
        summary=f"Household {household.name} registered with {school.name} by {guardian}",
        data={"school": school.pk, "guardian": guardian.pk},
    )
    # The user is a guardian from now on, also for the rest of this request.
    forget_roles(user)
    return household


@transaction.atomic
def household_address_update(
    *, actor: Any, household: Household, street_address: str, postal_code: str, city: str
) -> Household:
    """Changes where the household lives; the address is printed on invoices."""
    new = {"street_address": street_address, "postal_code": postal_code, "city": city}
    changed = [field for field, value in new.items() if getattr(household, field) != value]
    if not changed:
        return household
    old = {field: getattr(household, field) for field in changed}
    for field in changed:
        setattr(household, field, new[field])
    household.save(update_fields=changed)
    audit.record(
        actor=actor,
        action="household.address_update",
        subject=household,
        summary=f"Address of household {household.name} changed",
        data={"changed": changed, "old": old},
    )
    return household


@transaction.atomic
def pupil_add(
    *,
    actor: Any,
    household: Household,
    first_name: str,
    last_name: str,
    birth_date: dt.date,
    school_grade: int | None,
    photo_consent: str,
    now: dt.datetime | None = None,
) -> Pupil:
    """Registers a child in a household. The grade is recorded for the current school year."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    pupil = Pupil.objects.create(
        household=household,
        first_name=first_name,
        last_name=last_name,
        birth_date=birth_date,
        school_grade=school_grade,
        grade_school_year=None if school_grade is None else rules.school_year_start(today),
        photo_consent=photo_consent,
        photo_consent_recorded_at=(
            None if photo_consent == Pupil.PhotoConsent.NOT_ANSWERED else now
        ),
    )
    audit.record(
        actor=actor,
        action="pupil.add",
        subject=pupil,
        summary=f"{pupil} added to household {household.name}",
        data={"household": household.pk, "photo_consent": photo_consent},
    )
    return pupil


@transaction.atomic
def pupil_update(
    *,
    actor: Any,
    pupil: Pupil,
    first_name: str,
    last_name: str,
    birth_date: dt.date,
    school_grade: int | None,
    photo_consent: str,
    now: dt.datetime | None = None,
) -> Pupil:
    """Changes a child's details; a changed photo/film answer (§10a) is timed and audited."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    changed: list[str] = []
    for field, value in (
        ("first_name", first_name),
        ("last_name", last_name),
        ("birth_date", birth_date),
    ):
        if getattr(pupil, field) != value:
            setattr(pupil, field, value)
            changed.append(field)
    # The form shows the grade the child is in today; only a different answer is a change.
    if school_grade != pupil.grade_on(today):
        pupil.school_grade = school_grade
        pupil.grade_school_year = None if school_grade is None else rules.school_year_start(today)
        changed += ["school_grade", "grade_school_year"]
    consent_changed = pupil.photo_consent != photo_consent
    if consent_changed:
        pupil.photo_consent = photo_consent
        pupil.photo_consent_recorded_at = now
        changed += ["photo_consent", "photo_consent_recorded_at"]
    if not changed:
        return pupil
    pupil.save(update_fields=changed)
    details = [field for field in changed if not field.startswith(("photo_", "grade_school"))]
    if details:
        audit.record(
            actor=actor,
            action="pupil.update",
            subject=pupil,
            summary=f"Details of {pupil} changed",
            data={"changed": details},
        )
    if consent_changed:
        audit.record(
            actor=actor,
            action="pupil.photo_consent",
            subject=pupil,
            summary=f"Photo and film consent for {pupil}: {photo_consent}",
            data={"photo_consent": photo_consent},
        )
    return pupil
