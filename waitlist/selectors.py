"""Reads that turn the database into the plain values the rules rank.

Each function makes a fixed number of queries, whatever the number of applications.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from enrollment.models import Application, Offer, Placement, School, SchoolPolicy, Term
from waitlist import rules
from waitlist.models import Audition, PlaceOffer


def policy_for(school: School) -> SchoolPolicy:
    try:
        return school.policy
    except SchoolPolicy.DoesNotExist:
        return SchoolPolicy(school=school)


def admission_term(school: School, today: dt.date) -> Term | None:
    """The term a place offered today starts in: the one under way, else the next one."""
    return Term.objects.filter(school=school, ends_on__gte=today).order_by("starts_on").first()


def occupied_places(offers: Iterable[int], term: Term) -> dict[int, int]:
    """Places in each offer taken during `term` or after it (on leave does not count, §14a).

    A place lasts until it ends: one offered for `term` is still held in the terms after it.
    So a place that starts later (accepted for the next term) is taken now too; otherwise
    the seat would be given twice, once now and once when that pupil starts.
    """
    rows = (
        Placement.objects.filter(offer_id__in=list(offers), status__in=Placement.OCCUPYING)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=term.starts_on))
        .values("offer_id")
        .annotate(n=Count("pk"))
    )
    return {row["offer_id"]: row["n"] for row in rows}


def pending_offers(offers: Iterable[int]) -> dict[int, int]:
    rows = (
        PlaceOffer.objects.pending()
        .filter(offer_id__in=list(offers))
        .values("offer_id")
        .annotate(n=Count("pk"))
    )
    return {row["offer_id"]: row["n"] for row in rows}


def pupils_with_pending_place_offers(school: School) -> set[int]:
    """Pupils with a place offer (of a place, not a course) waiting for an answer."""
    return set(
        PlaceOffer.objects.pending()
        .filter(offer__school=school, offer__kind=Offer.Kind.PLACE)
        .values_list("pupil_id", flat=True)
    )


def seats_for(offers: Sequence[Offer], term: Term) -> dict[int, rules.Seats]:
    ids = [offer.pk for offer in offers]
    occupied = occupied_places(ids, term)
    pending = pending_offers(ids)
    return {
        offer.pk: rules.Seats(
            offer.pk,
            free=rules.free_places(
                offer.capacity,
                occupied=occupied.get(offer.pk, 0),
                pending_offers=pending.get(offer.pk, 0),
            ),
            audition_required=offer.audition_required,
        )
        for offer in offers
    }


@dataclass(frozen=True)
class PupilFacts:
    """What the order needs to know about the pupils behind a set of applications."""

    holds_place: frozenset[int]  # pupils with a place in an offer of places
    holds_anything: frozenset[int]  # pupils with any place or course (§4f)
    auditions: dict[tuple[int, int], tuple[rules.AuditionStanding, int | None]]


def pupil_facts(pupil_ids: Iterable[int] | QuerySet[Any], school: School, term: Term) -> PupilFacts:
    """Two queries. `pupil_ids` may be a queryset of ids, used as a subquery: for thousands
    of pupils that is much cheaper than a list of parameters."""
    ids: list[int] | QuerySet[Any] = (
        pupil_ids if isinstance(pupil_ids, QuerySet) else list(set(pupil_ids))
    )
    current = (
        Placement.objects.filter(pupil_id__in=ids, offer__school=school)
        .filter(status__in=[*Placement.OCCUPYING, Placement.Status.ON_LEAVE])
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=term.starts_on))
        .values_list("pupil_id", "offer__kind")
    )
    holds_place: set[int] = set()
    holds_anything: set[int] = set()
    for pupil_id, kind in current:
        holds_anything.add(pupil_id)
        if kind == Offer.Kind.PLACE:
            holds_place.add(pupil_id)
    auditions: dict[tuple[int, int], tuple[rules.AuditionStanding, int | None]] = {}
    # Latest audition per pupil and offer decides; newest first, keep the first seen.
    for pupil_id, offer_id, result, score in (
        Audition.objects.filter(pupil_id__in=ids, offer__school=school)
        .order_by("-requested_at", "-pk")
        .values_list("pupil_id", "offer_id", "result", "score")
    ):
        auditions.setdefault((pupil_id, offer_id), (rules.AuditionStanding(result), score))
    return PupilFacts(frozenset(holds_place), frozenset(holds_anything), auditions)


def candidate_for(
    application: Application,
    *,
    facts: PupilFacts,
    term: Term,
    policy: SchoolPolicy,
    seed: int = 0,
    today: dt.date | None = None,
) -> rules.Candidate:
    """`today` is given for the list as it stands now (continuous admission): lateness no
    longer counts once the term is under way. Main admission leaves it out."""
    offer = application.offer
    standing, score = facts.auditions.get(
        (application.pupil_id, application.offer_id), (rules.AuditionStanding.NONE, None)
    )
    holds = facts.holds_place if offer.kind == Offer.Kind.PLACE else facts.holds_anything
    return rules.Candidate(
        application_id=application.pk,
        pupil_id=application.pupil_id,
        offer_id=application.offer_id,
        seniority_date=application.seniority_date,
        submitted_at=application.submitted_at,
        preference=application.preference or 1,
        late=rules.is_late(
            timezone.localdate(application.submitted_at),
            admission_season=term.season,
            admission_year=term.year,
            deadline=policy.application_deadline,
            offer_deadline=offer.application_deadline,
            term_under_way=today is not None and term.starts_on <= today,
        ),
        # A pupil asking to switch holds the place they want to leave (§11).
        holds_place=application.pupil_id in holds,
        returning_from_leave=application.kind == Application.Kind.RETURN,
        audition=standing,
        audition_score=score,
        lottery=rules.lottery_number(seed, application.pk) if seed else 0,
    )


def waiting_applications(offers: Iterable[int]) -> QuerySet[Application]:
    return (
        Application.objects.filter(offer_id__in=list(offers), status=Application.Status.WAITING)
        .select_related("offer", "pupil")
        .order_by("pk")
    )


@dataclass(frozen=True)
class ListEntry:
    """One line of a waiting list: who, where they stand, and why."""

    application: Application
    candidate: rules.Candidate
    position: int | None  # None: cannot be admitted without a passed audition (§4d)
    reason: rules.Reason


@dataclass(frozen=True)
class WaitingList:
    offer: Offer
    term: Term | None
    entries: list[ListEntry]

    @property
    def ranked(self) -> int:
        return sum(1 for e in self.entries if e.position is not None)


def waiting_lists(offers: Sequence[Offer], *, today: dt.date) -> dict[int, WaitingList]:
    """The ranked waiting list of each offer, as staff and guardians both see it.

    The order is that of continuous admission into the term a place would start in now.
    Queries: five per school (its term, its policy, the applications with their pupils, and
    the pupils' places and auditions), whatever the number of applicants
    (tests/waitlist/test_selectors.py); one more per school when the offers come without it.
    """
    by_school: dict[int, list[Offer]] = defaultdict(list)
    for offer in offers:
        by_school[offer.school_id].append(offer)
    result: dict[int, WaitingList] = {}
    for school_offers in by_school.values():
        school = school_offers[0].school
        term = admission_term(school, today)
        waiting = waiting_applications(o.pk for o in school_offers)
        applications = list(waiting)
        if term is None:
            # No term to admit to yet: by seniority alone (§4a).
            for offer in school_offers:
                plain = [(_plain_candidate(a), a) for a in applications if a.offer_id == offer.pk]
                plain.sort(key=lambda pair: rules.seniority_key(pair[0]))
                entries = [
                    ListEntry(a, candidate, position, rules.Reason.SENIORITY)
                    for position, (candidate, a) in enumerate(plain, start=1)
                ]
                result[offer.pk] = WaitingList(offer, None, entries)
            continue
        policy = policy_for(school)
        facts = pupil_facts(waiting.values("pupil_id"), school, term)
        by_offer: dict[int, list[Application]] = defaultdict(list)
        for application in applications:
            by_offer[application.offer_id].append(application)
        for offer in school_offers:
            candidates = {
                a.pk: (a, candidate_for(a, facts=facts, term=term, policy=policy, today=today))
                for a in by_offer[offer.pk]
            }
            ordered = rules.waiting_order(
                rules.Seats(offer.pk, free=0, audition_required=offer.audition_required),
                (c for _, c in candidates.values()),
            )
            entries = []
            position = 0
            for candidate, reason in ordered:
                ranked = reason != rules.Reason.NEEDS_AUDITION
                position += ranked
                entries.append(
                    ListEntry(
                        candidates[candidate.application_id][0],
                        candidate,
                        position if ranked else None,
                        reason,
                    )
                )
            result[offer.pk] = WaitingList(offer, term, entries)
    return result


def _plain_candidate(application: Application) -> rules.Candidate:
    return rules.Candidate(
        application_id=application.pk,
        pupil_id=application.pupil_id,
        offer_id=application.offer_id,
        seniority_date=application.seniority_date,
        submitted_at=application.submitted_at,
    )


def positions(applications: Iterable[Application], *, today: dt.date) -> dict[int, tuple[int, int]]:
    """(position, total) on its offer's waiting list for each waiting application.

    A fixed number of queries: the offers are loaded here, in one query, so applications
    fetched without their offer do not cost one query each.
    """
    waiting = [a for a in applications if a.status == Application.Status.WAITING]
    if not waiting:
        return {}
    offers = Offer.objects.filter(pk__in={a.offer_id for a in waiting}).select_related("school")
    lists = waiting_lists(list(offers), today=today)
    result: dict[int, tuple[int, int]] = {}
    for waiting_list in lists.values():
        for entry in waiting_list.entries:
            if entry.position is not None:
                result[entry.application.pk] = (entry.position, waiting_list.ranked)
    return result


def children_waiting(school: School, *, offer: Offer | None = None) -> int:
    """§5d: distinct children waiting for a place, leaving out pupils who only want to switch.

    A pupil counts once however many applications they have. Courses are not places.
    """
    applications = Application.objects.filter(
        offer__school=school,
        offer__kind=Offer.Kind.PLACE,
        status__in=Application.OPEN_STATUSES,
    ).exclude(kind=Application.Kind.SWITCH)
    if offer is not None:
        applications = applications.filter(offer=offer)
    return applications.values("pupil_id").distinct().count()
