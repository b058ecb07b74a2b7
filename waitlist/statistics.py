"""Waiting-list statistics (§5d): how many children wait for a place, per school and per offer.

A child counts once however many applications they have, and a pupil who holds a place and
only wants to switch (§11) is not counted at all. `selectors.children_waiting` counts one
school or offer; this module counts every offer of a school at once, in a fixed number of
queries, and keeps the daily counts (`WaitingListSnapshot`) behind the chart of waiting over
time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q

from enrollment.models import Application, Offer, School
from waitlist.models import WaitingListSnapshot


@dataclass(frozen=True)
class OfferCount:
    offer: Offer
    children: int  # distinct children waiting (§5d)
    applications: int  # open applications, switch requests included
    switching: int  # pupils with a place who only want to switch (§5d: not counted)


@dataclass(frozen=True)
class SchoolCount:
    school: School
    children: int  # distinct children waiting for a place at the school (§5d)
    applications: int
    offers: list[OfferCount]

    @property
    def any_waiting(self) -> bool:
        return self.children > 0


def place_offers(school: School) -> list[Offer]:
    return list(
        Offer.objects.filter(school=school, kind=Offer.Kind.PLACE)
        .select_related("location")
        .order_by("name", "pk")
    )


def school_count(school: School) -> SchoolCount:
    """Children waiting at the school and for each of its offers of places. Three queries."""
    offers = place_offers(school)
    open_for_places = Application.objects.filter(
        offer__school=school,
        offer__kind=Offer.Kind.PLACE,
        status__in=Application.OPEN_STATUSES,
    )
    not_switching = ~Q(kind=Application.Kind.SWITCH)
    by_offer = {
        row["offer_id"]: row
        for row in open_for_places.values("offer_id").annotate(
            children=Count("pupil_id", distinct=True, filter=not_switching),
            applications=Count("pk"),
            switching=Count("pupil_id", distinct=True, filter=~not_switching),
        )
    }
    totals = open_for_places.aggregate(
        children=Count("pupil_id", distinct=True, filter=not_switching),
        applications=Count("pk"),
    )
    rows = [
        OfferCount(
            offer=offer,
            children=by_offer.get(offer.pk, {}).get("children", 0),
            applications=by_offer.get(offer.pk, {}).get("applications", 0),
            switching=by_offer.get(offer.pk, {}).get("switching", 0),
        )
        for offer in offers
    ]
    return SchoolCount(
        school=school,
        children=totals["children"],
        applications=totals["applications"],
        offers=rows,
    )


@dataclass(frozen=True)
class DayCount:
    day: dt.date
    children: int


def waiting_over_time(
    school: School, *, since: dt.date | None = None, until: dt.date | None = None
) -> list[DayCount]:
    """The school's daily counts of children waiting, oldest first. One query."""
    snapshots = WaitingListSnapshot.objects.filter(school=school, offer__isnull=True)
    if since is not None:
        snapshots = snapshots.filter(day__gte=since)
    if until is not None:
        snapshots = snapshots.filter(day__lte=until)
    return [
        DayCount(day, children)
        for day, children in snapshots.order_by("day").values_list("day", "children")
    ]


@transaction.atomic
def snapshot_take(*, school: School, day: dt.date) -> int:
    """Record today's counts for the school and each offer of places; again the same day only
    updates them. Returns the number of rows written."""
    counts = school_count(school)
    rows = [(None, counts.children)] + [(row.offer, row.children) for row in counts.offers]
    for offer, children in rows:
        WaitingListSnapshot.objects.update_or_create(
            school=school, offer=offer, day=day, defaults={"children": children}
        )
    return len(rows)


def snapshots_take(*, day: dt.date) -> int:
    """The daily snapshot of every school that takes applications."""
    return sum(
        snapshot_take(school=school, day=day)
        for school in School.objects.filter(kind=School.Kind.CULTURE_SCHOOL).order_by("pk")
    )
