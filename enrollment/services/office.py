"""What office staff and principals change: offers, terms, the school profile, locations,
departments, the rule-book policy and staff roles.

Every function runs in one transaction, validates the model once more (the last line of
defence behind the forms) and records an audit event with who did it, what changed and, where
the rule book asks for it, why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from enrollment.models import (
    Department,
    Location,
    Offer,
    OfficeHours,
    School,
    SchoolPolicy,
    StaffRole,
    Term,
)
from enrollment.services import lifecycle
from kulturskole import audit
from kulturskole.access import Role, forget_roles


def _plain(value: Any) -> Any:
    """A value as the audit trail stores it (JSON): dates, times, money and days as text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)  # Decimal, MonthDay, a related object


def _apply(instance: models.Model, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Set `values` on `instance` and return the changes as {field: [old, new]}."""
    changes: dict[str, list[Any]] = {}
    for name, new in values.items():
        old = getattr(instance, name)
        if old != new:
            changes[name] = [_plain(old), _plain(new)]
        setattr(instance, name, new)
    return changes


def _save_checked(instance: models.Model, *, exclude: Iterable[str] = ()) -> None:
    instance.full_clean(exclude=list(exclude) or None)
    instance.save()


# --- Offers


@transaction.atomic
def offer_create(*, actor: Any, school: School, values: Mapping[str, Any]) -> Offer:
    offer = Offer(school=school)
    _apply(offer, values)
    _save_checked(offer)
    audit.record(
        actor=actor,
        action="offer.created",
        subject=offer,
        summary=_("Offer “%(offer)s” created") % {"offer": offer.name},
        data={"values": {name: _plain(getattr(offer, name)) for name in values}},
    )
    return offer


@transaction.atomic
def offer_update(*, actor: Any, offer: Offer, values: Mapping[str, Any]) -> Offer:
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    changes = _apply(offer, values)
    if not changes:
        return offer
    _save_checked(offer)
    audit.record(
        actor=actor,
        action="offer.changed",
        subject=offer,
        summary=_("Offer “%(offer)s” changed: %(fields)s")
        % {"offer": offer.name, "fields": ", ".join(changes)},
        data={"changes": changes},
    )
    if "effort_requirements" in changes:
        # §16a: changed effort requirements are told to the homes of the offer's pupils.
        lifecycle.effort_requirements_changed(offer=offer)
    return offer


# --- Terms


@transaction.atomic
def term_create(*, actor: Any, school: School, values: Mapping[str, Any]) -> Term:
    term = Term(school=school)
    _apply(term, values)
    _save_checked(term)
    audit.record(
        actor=actor,
        action="term.created",
        subject=term,
        summary=_("Term %(term)s created") % {"term": term},
        data={"values": {name: _plain(getattr(term, name)) for name in values}},
    )
    return term


@transaction.atomic
def term_update(*, actor: Any, term: Term, values: Mapping[str, Any]) -> Term:
    term = Term.objects.select_for_update().get(pk=term.pk)
    changes = _apply(term, values)
    if not changes:
        return term
    _save_checked(term)
    audit.record(
        actor=actor,
        action="term.changed",
        subject=term,
        summary=_("Term %(term)s changed: %(fields)s")
        % {"term": term, "fields": ", ".join(changes)},
        data={"changes": changes},
    )
    return term


# --- School profile and office hours


@dataclass(frozen=True)
class OfficeHoursSlot:
    weekday: int
    opens_at: dt.time
    closes_at: dt.time

    def __str__(self) -> str:
        return f"{self.weekday} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


@transaction.atomic
def school_profile_update(
    *,
    actor: Any,
    school: School,
    values: Mapping[str, Any],
    office_hours: Iterable[OfficeHoursSlot],
) -> School:
    """Save contact details and replace the office hours with `office_hours` (§1c)."""
    school = School.objects.select_for_update().get(pk=school.pk)
    changes = _apply(school, values)
    _save_checked(school)

    old_hours = sorted(
        OfficeHoursSlot(hours.weekday, hours.opens_at, hours.closes_at)
        for hours in school.office_hours.all()
    )
    new_hours = sorted(set(office_hours), key=lambda slot: (slot.weekday, slot.opens_at))
    if old_hours != new_hours:
        school.office_hours.all().delete()
        for slot in new_hours:
            _save_checked(
                OfficeHours(
                    school=school,
                    weekday=slot.weekday,
                    opens_at=slot.opens_at,
                    closes_at=slot.closes_at,
                )
            )
        changes["office_hours"] = [
            [str(slot) for slot in old_hours],
            [str(slot) for slot in new_hours],
        ]
    if changes:
        audit.record(
            actor=actor,
            action="school.profile_changed",
            subject=school,
            summary=_("School profile changed: %(fields)s") % {"fields": ", ".join(changes)},
            data={"changes": changes},
        )
    return school


# --- Locations and departments


def _owned_create(
    model: type[models.Model], *, actor: Any, school: School, values: Mapping[str, Any]
) -> Any:
    obj = model(school=school)
    _apply(obj, values)
    _save_checked(obj)
    label = model._meta.model_name
    audit.record(
        actor=actor,
        action=f"{label}.created",
        subject=obj,
        summary=_("%(kind)s “%(name)s” created")
        % {"kind": str(model._meta.verbose_name).capitalize(), "name": obj},
        data={"values": {name: _plain(getattr(obj, name)) for name in values}},
    )
    return obj


def _owned_update(obj: models.Model, *, actor: Any, values: Mapping[str, Any]) -> Any:
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    changes = _apply(obj, values)
    if not changes:
        return obj
    _save_checked(obj)
    audit.record(
        actor=actor,
        action=f"{obj._meta.model_name}.changed",
        subject=obj,
        summary=_("%(kind)s “%(name)s” changed: %(fields)s")
        % {
            "kind": str(obj._meta.verbose_name).capitalize(),
            "name": obj,
            "fields": ", ".join(changes),
        },
        data={"changes": changes},
    )
    return obj


@transaction.atomic
def location_create(*, actor: Any, school: School, values: Mapping[str, Any]) -> Location:
    return _owned_create(Location, actor=actor, school=school, values=values)


@transaction.atomic
def location_update(*, actor: Any, location: Location, values: Mapping[str, Any]) -> Location:
    return _owned_update(location, actor=actor, values=values)


@transaction.atomic
def department_create(*, actor: Any, school: School, values: Mapping[str, Any]) -> Department:
    return _owned_create(Department, actor=actor, school=school, values=values)


@transaction.atomic
def department_update(
    *, actor: Any, department: Department, values: Mapping[str, Any]
) -> Department:
    return _owned_update(department, actor=actor, values=values)


# --- Rule-book policy


@transaction.atomic
def school_policy_update(
    *, actor: Any, school: School, values: Mapping[str, Any], reason: str
) -> tuple[SchoolPolicy, dict[str, list[Any]]]:
    """Change the school's rule-book values. A decision by the principal, so it needs a reason.

    The school may still run on the defaults (no row yet); the first change saves them.
    Returns the policy and the changes, {field: [old, new]}; no changes record nothing.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the rules change.")})
    policy = SchoolPolicy.objects.select_for_update().filter(school=school).first()
    if policy is None:
        policy = SchoolPolicy(school=school)
    changes = _apply(policy, values)
    if not changes:
        return policy, changes
    _save_checked(policy)
    audit.record(
        actor=actor,
        action="school_policy.changed",
        subject=policy,
        summary=_("Rule-book policy changed: %(fields)s") % {"fields": ", ".join(changes)},
        reason=reason,
        data={"changes": changes},
    )
    return policy, changes


# --- Staff roles


@transaction.atomic
def staff_role_add(*, actor: Any, school: School, user: Any, role: str) -> StaffRole:
    if role not in StaffRole.SCHOOL_ROLES:
        raise ValidationError({"role": _("Not a school role.")})
    staff_role, created = StaffRole.objects.get_or_create(user=user, school=school, role=role)
    if not created:
        raise ValidationError({"role": _("This person already has this role at the school.")})
    audit.record(
        actor=actor,
        action="staff_role.added",
        subject=school,
        summary=_("%(user)s given the role %(role)s")
        % {"user": user.email, "role": staff_role.get_role_display()},
        data={"user": user.email, "user_id": user.pk, "role": role},
    )
    forget_roles(user)
    return staff_role


@transaction.atomic
def staff_role_remove(*, actor: Any, staff_role: StaffRole) -> None:
    """Remove a role. A principal cannot remove their own principal role, so a slip of the
    mouse never leaves a school without anyone who may decide; another principal or a
    superuser can do it.
    """
    if staff_role.user_id == getattr(actor, "pk", None) and staff_role.role == Role.PRINCIPAL:
        raise PermissionDenied(_("You cannot remove your own principal role."))
    user, school, role = staff_role.user, staff_role.school, staff_role.role
    label = staff_role.get_role_display()
    deleted, _rows = StaffRole.objects.filter(pk=staff_role.pk).delete()
    if not deleted:
        return  # removed by someone else a moment ago
    audit.record(
        actor=actor,
        action="staff_role.removed",
        subject=school,
        summary=_("%(user)s no longer has the role %(role)s") % {"user": user.email, "role": label},
        data={"user": user.email, "user_id": user.pk, "role": role},
    )
    forget_roles(user)
