"""Instrument rentals (§12a): a pupil rents the school's instrument, billed each term it runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from billing.models import InstrumentRental
from enrollment.models import Offer, Placement
from kulturskole import audit


def rental_start(
    *,
    placement: Placement,
    instrument: str,
    serial_number: str,
    starts_on: dt.date,
    by: Any,
) -> InstrumentRental:
    problems: dict[str, str] = {}
    if placement.offer.kind == Offer.Kind.COURSE:
        problems["placement"] = _("Instruments are rented with a place, not with a course.")
    elif not placement.offer.instrument_rental:
        problems["placement"] = _(
            "%(offer)s has no instruments for rent. Tick «instrument for rent» on the offer first."
        ) % {"offer": placement.offer.name}
    if placement.ends_on is not None and starts_on > placement.ends_on:
        problems["starts_on"] = _("The place ends before this date.")
    instrument = instrument.strip()
    if not instrument:
        problems["instrument"] = _("Name the instrument.")
    running = InstrumentRental.objects.filter(placement=placement, ends_on__isnull=True)
    if serial_number.strip() and running.filter(serial_number=serial_number.strip()).exists():
        problems["serial_number"] = _("This instrument is already rented out with this place.")
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        rental = InstrumentRental.objects.create(
            placement=placement,
            instrument=instrument,
            serial_number=serial_number.strip(),
            starts_on=starts_on,
            created_by=by,
        )
        audit.record(
            actor=by,
            action="billing.rental_started",
            subject=placement,
            summary=f"Instrument rental: {instrument} from {starts_on.isoformat()}",
            data={"rental": rental.pk},
        )
    return rental


def rental_return(*, rental: InstrumentRental, ends_on: dt.date, by: Any) -> InstrumentRental:
    """The instrument came back: billing stops after the term that holds `ends_on`."""
    if ends_on < rental.starts_on:
        raise ValidationError({"ends_on": _("The instrument cannot come back before it was lent.")})
    with transaction.atomic():
        returned = InstrumentRental.objects.filter(pk=rental.pk, ends_on__isnull=True).update(
            ends_on=ends_on
        )
        if returned != 1:
            raise ValidationError(_("This instrument has been returned already."))
        audit.record(
            actor=by,
            action="billing.rental_returned",
            subject=rental.placement,
            summary=f"Instrument returned: {rental.instrument} on {ends_on.isoformat()}",
            data={"rental": rental.pk},
        )
    rental.refresh_from_db()
    return rental
