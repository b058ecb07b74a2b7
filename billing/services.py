"""Writes of the fee schedules (§12a) and course prices (§12b), each in one transaction with an
audit event saying who changed what.

Signed contracts keep the fee they were signed with (their PDF); a changed schedule concerns
contracts and invoices made afterwards.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from billing.models import CoursePrice, FeeExtra, FeeSchedule
from enrollment.models import Offer, School
from kulturskole import audit

FIELDS = ("school_year", "place_fee_per_term", "instrument_rental_per_term", "decided_by", "note")


def school_year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, int | str) else str(value)


def _apply(schedule: FeeSchedule, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for name in FIELDS:
        if name not in values:
            continue
        old, new = getattr(schedule, name), values[name]
        if old != new:
            changes[name] = [_plain(old), _plain(new)]
        setattr(schedule, name, new)
    return changes


def _save(schedule: FeeSchedule) -> None:
    schedule.full_clean(validate_unique=False, validate_constraints=False)
    duplicate = (
        FeeSchedule.objects.filter(school_id=schedule.school_id, school_year=schedule.school_year)
        .exclude(pk=schedule.pk)
        .exists()
    )
    if duplicate:
        raise ValidationError({"school_year": duplicate_message(schedule.school_year)})
    try:
        with transaction.atomic():
            schedule.save()
    except IntegrityError:  # saved by someone else a moment ago
        raise ValidationError({"school_year": duplicate_message(schedule.school_year)}) from None


def duplicate_message(year: int) -> str:
    return _(
        "There is already a fee schedule for %(year)s. Open it from the list and change it "
        "there instead."
    ) % {"year": school_year_label(year)}


def _sync_course_prices(
    schedule: FeeSchedule, prices: Mapping[Offer, Decimal]
) -> dict[str, list[Any]]:
    """Make the schedule's course prices exactly `prices`; return the changes by course."""
    for offer, price in prices.items():
        if offer.school_id != schedule.school_id or offer.kind != Offer.Kind.COURSE:
            raise ValidationError(
                _("%(offer)s is not a course of this school.") % {"offer": offer.name}
            )
        if price < 0:
            raise ValidationError(_("A price cannot be negative."))
    existing = {p.offer_id: p for p in CoursePrice.objects.filter(schedule=schedule)}
    wanted = {offer.pk: (offer, price) for offer, price in prices.items()}
    changes: dict[str, list[Any]] = {}
    for offer_id, course_price in existing.items():
        if offer_id not in wanted:
            changes[str(course_price.offer)] = [str(course_price.price), None]
            course_price.delete()
    for offer_id, (offer, price) in wanted.items():
        current = existing.get(offer_id)
        if current is None:
            CoursePrice.objects.create(schedule=schedule, offer=offer, price=price)
            changes[offer.name] = [None, str(price)]
        elif current.price != price:
            changes[offer.name] = [str(current.price), str(price)]
            current.price = price
            current.save(update_fields=["price"])
    return changes


Extras = Sequence[tuple[str, Decimal, Sequence[Offer]]]


def _sync_extras(schedule: FeeSchedule, extras: Extras) -> dict[str, list[Any]]:
    """Make the schedule's extras exactly `extras` (by name); return the changes by name."""
    for name, amount, offers in extras:
        if amount < 0:
            raise ValidationError(_("An amount cannot be negative."))
        if any(offer.school_id != schedule.school_id for offer in offers):
            raise ValidationError(
                _("%(extra)s names an offer of another school.") % {"extra": name}
            )
    existing = {extra.name: extra for extra in schedule.extras.prefetch_related("offers")}
    wanted = {name: (amount, list(offers)) for name, amount, offers in extras}
    changes: dict[str, list[Any]] = {}
    for name, extra in existing.items():
        if name not in wanted:
            changes[name] = [str(extra.amount), None]
            extra.delete()
    for name, (amount, offers) in wanted.items():
        current = existing.get(name)
        offer_ids = sorted(offer.pk for offer in offers)
        if current is None:
            current = FeeExtra.objects.create(schedule=schedule, name=name, amount=amount)
            current.offers.set(offers)
            changes[name] = [None, str(amount)]
            continue
        before = sorted(offer.pk for offer in current.offers.all())
        if current.amount != amount or before != offer_ids:
            changes[name] = [str(current.amount), str(amount)]
            if current.amount != amount:
                current.amount = amount
                current.save(update_fields=["amount"])
            current.offers.set(offers)
    return changes


@transaction.atomic
def fee_schedule_create(
    *,
    actor: Any,
    school: School,
    values: Mapping[str, Any],
    course_prices: Mapping[Offer, Decimal] | None = None,
    extras: Extras | None = None,
) -> FeeSchedule:
    schedule = FeeSchedule(school=school)
    _apply(schedule, values)
    _save(schedule)
    prices = _sync_course_prices(schedule, course_prices or {})
    extra_changes = _sync_extras(schedule, extras or [])
    audit.record(
        actor=actor,
        action="fee_schedule.created",
        subject=schedule,
        summary=f"Fee schedule {school_year_label(schedule.school_year)} created",
        data={
            "values": {name: _plain(getattr(schedule, name)) for name in FIELDS},
            "course_prices": prices,
            "extras": extra_changes,
        },
    )
    return schedule


@transaction.atomic
def fee_schedule_update(
    *,
    actor: Any,
    schedule: FeeSchedule,
    values: Mapping[str, Any],
    course_prices: Mapping[Offer, Decimal] | None = None,
    extras: Extras | None = None,
) -> tuple[FeeSchedule, bool]:
    """Returns the schedule and whether anything changed."""
    schedule = FeeSchedule.objects.select_for_update().get(pk=schedule.pk)
    changes = _apply(schedule, values)
    if changes:
        _save(schedule)
    prices = _sync_course_prices(schedule, course_prices) if course_prices is not None else {}
    extra_changes = _sync_extras(schedule, extras) if extras is not None else {}
    if not changes and not prices and not extra_changes:
        return schedule, False
    audit.record(
        actor=actor,
        action="fee_schedule.changed",
        subject=schedule,
        summary=f"Fee schedule {school_year_label(schedule.school_year)} changed: "
        + ", ".join(
            [
                *changes,
                *(f"price of {name}" for name in prices),
                *(f"extra {n}" for n in extra_changes),
            ]
        ),
        data={"changes": changes, "course_prices": prices, "extras": extra_changes},
    )
    return schedule, True
