"""Reads for the GSI report (billing.gsi): one query each, whatever the number of pupils."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Min, Q
from django.utils import timezone

from billing import gsi
from billing.models import FeeSchedule, FreePlaceApplication
from enrollment.models import Application, Offer, Placement, School, Term


def held_places(school: School, day: dt.date) -> list[gsi.HeldPlace]:
    """Places at the school held on `day`, trial withdrawals (§6) left out. One query.

    Held means started on or before the day and not ended before it; the place's status
    today says nothing about that day, so it is not used."""
    rows = (
        Placement.objects.filter(offer__school=school, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .exclude(end_reason=Placement.EndReason.TRIAL_WITHDRAWAL)
        .order_by()
        .values_list(
            "pupil_id",
            "pupil__household_id",
            "offer__discipline",
            "offer__kind",
            "pupil__school_grade",
            "pupil__grade_school_year",
            "pupil__birth_date",
        )
    )
    return [
        gsi.HeldPlace(
            pupil_id=pupil_id,
            household_id=household_id,
            discipline=discipline,
            is_course=kind == Offer.Kind.COURSE,
            school_grade=grade,
            grade_school_year=grade_year,
            birth_date=birth_date,
        )
        for pupil_id, household_id, discipline, kind, grade, grade_year, birth_date in rows
    ]


def children_waiting_on(school: School, day: dt.date) -> int:
    """Distinct children waiting for a place at the school at the end of `day`. One query.

    The same count as `waitlist.statistics.school_count` (§5d: each child once, switch
    requests left out), but for a day that may have passed: an application counts when it was
    submitted by the end of the day and was still open then (open now, or closed after the
    day). A closed application without a closing time is not counted."""
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    open_then = Q(status__in=Application.OPEN_STATUSES, closed_at__isnull=True) | Q(
        closed_at__gte=end
    )
    return (
        Application.objects.filter(
            offer__school=school, offer__kind=Offer.Kind.PLACE, submitted_at__lt=end
        )
        .filter(open_then)
        .exclude(kind=Application.Kind.SWITCH)
        .aggregate(children=Count("pupil_id", distinct=True))["children"]
    )


def fees_for(school: School, school_year: int) -> gsi.Fees | None:
    schedule = FeeSchedule.objects.filter(school=school, school_year=school_year).first()
    if schedule is None:
        return None
    return gsi.Fees(
        per_term=schedule.place_fee_per_term,
        rental_per_term=schedule.instrument_rental_per_term,
        decided_by=schedule.decided_by,
    )


def free_place_households(school: School, school_year: int) -> list[int]:
    """Households of the school with a free place granted for the school year (§12d)."""
    return list(
        FreePlaceApplication.objects.filter(
            household__school=school,
            school_year=school_year,
            status=FreePlaceApplication.Status.GRANTED,
        )
        .order_by()
        .values_list("household_id", flat=True)
        .distinct()
    )


def first_year(school: School) -> int | None:
    """The first year the school has a term in: where the year choices start."""
    return Term.objects.filter(school=school).aggregate(first=Min("year"))["first"]


def report_for(school: School, school_year: int) -> gsi.Report:
    """The school's GSI report for the school year starting in `school_year`. Four queries."""
    day = gsi.counting_day(school_year)
    return gsi.report(
        school_year=school_year,
        places=held_places(school, day),
        children_waiting=children_waiting_on(school, day),
        fees=fees_for(school, school_year),
        free_place_household_ids=free_place_households(school, school_year),
    )
