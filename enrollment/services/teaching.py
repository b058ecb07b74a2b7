"""What office staff change about teaching: groups and the school's holidays.

Lessons, members, attendance and absence are written by enrollment.services.lifecycle; this
module keeps the group schedule and the breaks that lesson generation reads. Every function
runs in one transaction, validates the model once more behind the form and records an audit
event with who did it and what changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from enrollment.models import School, SchoolHoliday, TeachingGroup
from enrollment.services.office import _apply, _plain, _save_checked
from kulturskole import audit

# Fields that place the group's lessons in time: once lessons exist they may not change, or
# generating again would add a second set of lessons beside the first (lessons_generate
# recognises existing lessons by date and start time).
SCHEDULE_FIELDS = ("offer", "term", "weekday", "starts_at")


def _check_group_school(group: TeachingGroup, school: School) -> None:
    """The last line of defence: offer, term and location belong to the school."""
    errors = {}
    if group.offer.school_id != school.pk:
        errors["offer"] = _("Choose an offer of this school.")
    if group.term.school_id != school.pk:
        errors["term"] = _("Choose a term of this school.")
    if group.location_id and group.location.school_id != school.pk:
        errors["location"] = _("Choose a location of this school.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def group_create(*, actor: Any, school: School, values: Mapping[str, Any]) -> TeachingGroup:
    group = TeachingGroup(**values)
    _check_group_school(group, school)
    _save_checked(group)
    audit.record(
        actor=actor,
        action="group.created",
        subject=group,
        summary=_("Teaching group “%(group)s” created") % {"group": group.name},
        data={"values": {name: _plain(getattr(group, name)) for name in values}},
    )
    return group


@transaction.atomic
def group_update(*, actor: Any, group: TeachingGroup, values: Mapping[str, Any]) -> TeachingGroup:
    group = TeachingGroup.objects.select_for_update().select_related("offer").get(pk=group.pk)
    school = group.offer.school
    changes = _apply(group, values)
    if not changes:
        return group
    moved = [name for name in SCHEDULE_FIELDS if name in changes]
    if moved and group.lessons.exists():
        raise ValidationError(
            {
                name: _(
                    "Lessons have been generated for this group, so this can no longer change. "
                    "Change single lessons in the lesson list instead."
                )
                for name in moved
            }
        )
    if "offer" in changes and group.members.exists():
        raise ValidationError(
            {"offer": _("The group has members from this offer; remove them first.")}
        )
    _check_group_school(group, school)
    _save_checked(group)
    audit.record(
        actor=actor,
        action="group.changed",
        subject=group,
        summary=_("Teaching group “%(group)s” changed: %(fields)s")
        % {"group": group.name, "fields": ", ".join(changes)},
        data={"changes": changes},
    )
    return group


# --- School holidays (no lessons are generated in them)


@transaction.atomic
def holiday_create(*, actor: Any, school: School, values: Mapping[str, Any]) -> SchoolHoliday:
    holiday = SchoolHoliday(school=school)
    _apply(holiday, values)
    _save_checked(holiday)
    audit.record(
        actor=actor,
        action="holiday.created",
        subject=holiday,
        summary=_("Holiday “%(name)s” %(first)s–%(last)s added")
        % {"name": holiday.name, "first": holiday.starts_on, "last": holiday.ends_on},
    )
    return holiday


@transaction.atomic
def holiday_update(
    *, actor: Any, holiday: SchoolHoliday, values: Mapping[str, Any]
) -> SchoolHoliday:
    holiday = SchoolHoliday.objects.select_for_update().get(pk=holiday.pk)
    changes = _apply(holiday, values)
    if not changes:
        return holiday
    _save_checked(holiday)
    audit.record(
        actor=actor,
        action="holiday.changed",
        subject=holiday,
        summary=_("Holiday “%(name)s” changed: %(fields)s")
        % {"name": holiday.name, "fields": ", ".join(changes)},
        data={"changes": changes},
    )
    return holiday


@transaction.atomic
def holiday_delete(*, actor: Any, holiday: SchoolHoliday) -> None:
    audit.record(
        actor=actor,
        action="holiday.deleted",
        subject=holiday,
        summary=_("Holiday “%(name)s” %(first)s–%(last)s removed")
        % {"name": holiday.name, "first": holiday.starts_on, "last": holiday.ends_on},
    )
    holiday.delete()
