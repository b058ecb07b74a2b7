"""The fees a contract names, from the school year's fee schedule (§12a–b)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from billing.models import CoursePrice, FeeSchedule
from enrollment import rules as enrollment_rules
from enrollment.models import Offer, Term
from waitlist.contracts import FeeLine


def schedule_for(offer: Offer, term: Term) -> FeeSchedule | None:
    school_year = enrollment_rules.school_year_start(term.starts_on)
    return FeeSchedule.objects.filter(school_id=offer.school_id, school_year=school_year).first()


def contract_fee_lines(offer: Offer, term: Term) -> list[FeeLine]:
    schedule = schedule_for(offer, term)
    if schedule is None:
        return []
    if offer.kind == Offer.Kind.COURSE:
        price = CoursePrice.objects.filter(schedule=schedule, offer=offer).first()
        return [FeeLine(_("Price for the whole course"), price.price)] if price else []
    lines = [FeeLine(_("Fee per term"), schedule.place_fee_per_term)]
    if offer.instrument_rental and schedule.instrument_rental_per_term:
        lines.append(
            FeeLine(
                _("Instrument rental per term, if you rent"),
                schedule.instrument_rental_per_term,
                optional=True,
            )
        )
    return lines
