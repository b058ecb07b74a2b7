"""The waiting-list order and the admission algorithm, as pure functions of plain values.

No database, no clock, no settings: everything comes in as arguments, so each rule of the rule
book is tested on its own (tests/waitlist/test_rules.py).

The order of a waiting list (one offer)
  1. pupils returning from leave (§14a),
  2. pupils who passed an audition, best score first (§4c) — at main admission only up to
     the audition quota, half the free places rounded down; the others keep their seniority
     place,
  3. everybody else by `seniority_key`: applications received in time before late ones
     (§3a), pupils without a place before pupils who hold one (§4e/f), then the seniority
     date (§4a), the submission time, and a recorded lottery.
  Offers with skill requirements admit only pupils who passed an audition (§4d).

Main admission gives each pupil at most one place offer, the most preferred one the order
allows, by applicant-proposing deferred acceptance over all the school's offers of places:
all pupils without a tentative place propose at once, round by round, so the result does not
depend on the order in which offers or applications are read. Courses may be combined (§4f):
each course admits on its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from kulturskole.fields import MonthDay


class AuditionStanding(StrEnum):
    NONE = "none"
    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"


class Reason(StrEnum):
    """Why an applicant got, or did not get, a place offer in an admission."""

    RETURNING = "returning"  # §14a: back from leave, ahead of the list
    AUDITION = "audition"  # §4c: within the audition quota
    SENIORITY = "seniority"  # §4a: by seniority
    FULL = "full"  # the offer's places went to applicants ranked higher
    BETTER_CHOICE = "better_choice"  # got a place offer the pupil preferred
    NEEDS_AUDITION = "needs_audition"  # §4d: skill requirements, no passed audition


OFFERED_REASONS = frozenset({Reason.RETURNING, Reason.AUDITION, Reason.SENIORITY})


@dataclass(frozen=True)
class Candidate:
    """One open application, with the facts the order depends on."""

    application_id: int
    pupil_id: int
    offer_id: int
    seniority_date: dt.date
    submitted_at: dt.datetime
    preference: int = 1
    late: bool = False
    holds_place: bool = False
    returning_from_leave: bool = False
    audition: AuditionStanding = AuditionStanding.NONE
    audition_score: int | None = None
    lottery: int = 0


@dataclass(frozen=True)
class Seats:
    """The places of one offer that an admission may fill."""

    offer_id: int
    free: int
    audition_required: bool = False


@dataclass(frozen=True)
class Outcome:
    application_id: int
    pupil_id: int
    offer_id: int
    reason: Reason
    # Position on the offer's list in this admission (1 = first), when the pupil was ranked.
    rank: int | None = None

    @property
    def offered(self) -> bool:
        return self.reason in OFFERED_REASONS


@dataclass
class Allocation:
    """The result of an admission: one outcome per application considered."""

    outcomes: dict[int, Outcome] = field(default_factory=dict)

    @property
    def offered(self) -> list[Outcome]:
        return sorted(
            (o for o in self.outcomes.values() if o.offered),
            key=lambda o: (o.offer_id, o.rank or 0, o.application_id),
        )

    def for_offer(self, offer_id: int) -> list[Outcome]:
        return sorted(
            (o for o in self.outcomes.values() if o.offer_id == offer_id),
            key=lambda o: (o.rank is None, o.rank or 0, o.application_id),
        )


# --- Keys ------------------------------------------------------------------------------------


def seniority_key(candidate: Candidate) -> tuple[object, ...]:
    """The seniority order (§3a, §4e/f, §4a), ties broken by submission time, then lottery."""
    return (
        candidate.late,
        candidate.holds_place,
        candidate.seniority_date,
        candidate.submitted_at,
        candidate.lottery,
        candidate.application_id,
    )


def audition_key(candidate: Candidate) -> tuple[object, ...]:
    """Among passed auditions: the best score first, then seniority."""
    score = candidate.audition_score if candidate.audition_score is not None else -1
    return (-score, *seniority_key(candidate))


def lottery_number(seed: int, application_id: int) -> int:
    """A reproducible draw for one application: the same seed gives the same order."""
    digest = hashlib.sha256(f"{seed}:{application_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def audition_quota(free: int, percent: int) -> int:
    """§4c: at most `percent` of the free places, rounded down, may go by audition."""
    return (free * percent) // 100


def is_eligible(candidate: Candidate, seats: Seats) -> bool:
    """§4d: an offer with skill requirements admits only pupils who passed an audition."""
    return not seats.audition_required or candidate.audition == AuditionStanding.PASSED


# --- One offer --------------------------------------------------------------------------------


def rank(
    seats: Seats, candidates: Iterable[Candidate], *, audition_percent: int | None
) -> tuple[list[tuple[Candidate, Reason]], list[tuple[Candidate, Reason]]]:
    """Orders one offer's candidates and says who fits in its free places.

    Returns (chosen, others), each a list of (candidate, reason) in rank order. With
    `audition_percent` (main admission) the audition places are limited to the quota; without
    it (continuous admission) a passed audition always ranks ahead of seniority (§4c).
    """
    pool = list(candidates)
    eligible = [c for c in pool if is_eligible(c, seats)]
    ineligible = sorted((c for c in pool if not is_eligible(c, seats)), key=seniority_key)

    returning = sorted((c for c in eligible if c.returning_from_leave), key=seniority_key)
    rest = [c for c in eligible if not c.returning_from_leave]
    ordered: list[tuple[Candidate, Reason]] = [(c, Reason.RETURNING) for c in returning]

    places_after_returning = max(seats.free - len(returning), 0)
    passed = sorted((c for c in rest if c.audition == AuditionStanding.PASSED), key=audition_key)
    if audition_percent is None:
        by_audition = passed
    else:
        by_audition = passed[: audition_quota(places_after_returning, audition_percent)]
    ordered += [(c, Reason.AUDITION) for c in by_audition]
    picked = {c.application_id for c in by_audition}
    ordered += [
        (c, Reason.SENIORITY)
        for c in sorted((c for c in rest if c.application_id not in picked), key=seniority_key)
    ]

    chosen = ordered[: seats.free]
    others = [(c, Reason.FULL) for c, _ in ordered[seats.free :]]
    others += [(c, Reason.NEEDS_AUDITION) for c in ineligible]
    return chosen, others


def waiting_order(seats: Seats, candidates: Iterable[Candidate]) -> list[tuple[Candidate, Reason]]:
    """The waiting list as shown to staff and guardians: the continuous-admission order."""
    chosen, others = rank(
        Seats(seats.offer_id, free=10**9, audition_required=seats.audition_required),
        candidates,
        audition_percent=None,
    )
    return chosen + others


# --- Main admission ---------------------------------------------------------------------------


def deferred_acceptance(
    seats: Sequence[Seats], candidates: Iterable[Candidate], *, audition_percent: int
) -> Allocation:
    """Main admission over a school's offers of places: at most one offer per pupil.

    Applicant-proposing deferred acceptance: in each round every pupil without a tentative
    place proposes to their most preferred offer not yet tried; each offer keeps the best of
    its held and new proposers by `rank` and turns the rest away. It ends when nobody has an
    offer left to try. The pupils' preferences are their applications' `preference` numbers.
    """
    seats_by_offer = {s.offer_id: s for s in seats}
    choices: dict[int, list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        if candidate.offer_id in seats_by_offer:
            choices[candidate.pupil_id].append(candidate)
    for pupil_choices in choices.values():
        pupil_choices.sort(key=lambda c: (c.preference, c.application_id))

    tried: dict[int, int] = dict.fromkeys(choices, 0)
    held: dict[int, list[Candidate]] = defaultdict(list)
    proposers: dict[int, list[Candidate]] = defaultdict(list)
    unplaced = set(choices)
    while True:
        proposals: dict[int, list[Candidate]] = defaultdict(list)
        for pupil in unplaced:
            if tried[pupil] < len(choices[pupil]):
                candidate = choices[pupil][tried[pupil]]
                tried[pupil] += 1
                proposals[candidate.offer_id].append(candidate)
        if not proposals:
            break
        unplaced = set()
        for offer_id, new in proposals.items():
            proposers[offer_id] += new
            chosen, others = rank(
                seats_by_offer[offer_id], held[offer_id] + new, audition_percent=audition_percent
            )
            held[offer_id] = [c for c, _ in chosen]
            unplaced.update(c.pupil_id for c, _ in others)

    # Explain: each offer ranks everybody who ever proposed to it. With this choice rule an
    # offer's final holders are exactly the ones it chooses from all its proposers.
    allocation = Allocation()
    for offer_id, pool in proposers.items():
        chosen, others = rank(seats_by_offer[offer_id], pool, audition_percent=audition_percent)
        for position, (candidate, reason) in enumerate(chosen + others, start=1):
            allocation.outcomes[candidate.application_id] = Outcome(
                candidate.application_id,
                candidate.pupil_id,
                offer_id,
                reason,
                rank=None if reason == Reason.NEEDS_AUDITION else position,
            )
    for pupil_choices in choices.values():
        for candidate in pupil_choices:
            allocation.outcomes.setdefault(
                candidate.application_id,
                Outcome(
                    candidate.application_id,
                    candidate.pupil_id,
                    candidate.offer_id,
                    Reason.BETTER_CHOICE,
                ),
            )
    return allocation


def admit_courses(
    seats: Sequence[Seats], candidates: Iterable[Candidate], *, audition_percent: int
) -> Allocation:
    """Courses admit each on their own: a pupil may get several (§4f)."""
    allocation = Allocation()
    by_offer: dict[int, list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        by_offer[candidate.offer_id].append(candidate)
    for course in seats:
        chosen, others = rank(course, by_offer[course.offer_id], audition_percent=audition_percent)
        for position, (candidate, reason) in enumerate(chosen + others, start=1):
            allocation.outcomes[candidate.application_id] = Outcome(
                candidate.application_id,
                candidate.pupil_id,
                course.offer_id,
                reason,
                rank=None if reason == Reason.NEEDS_AUDITION else position,
            )
    return allocation


# --- Dates and limits -------------------------------------------------------------------------


def is_late(
    submitted_on: dt.date,
    *,
    admission_season: str,
    admission_year: int,
    deadline: MonthDay,
    offer_deadline: dt.date | None = None,
    term_under_way: bool = False,
) -> bool:
    """§3a: received after the deadline for the school year the admission starts.

    The yearly deadline (1 May) concerns teaching that starts in the autumn: late applications
    rank lower at the admission to that term ("ved opptak til påfølgende semester"). Once the
    term is under way, places freeing up during it go by seniority alone, and an admission to
    a spring term has no late applications. An offer with its own deadline (a course) uses it.
    """
    if offer_deadline is not None:
        return submitted_on > offer_deadline
    if admission_season != "autumn" or term_under_way:
        return False
    return submitted_on > deadline.in_year(admission_year)


def seniority_date_for_new_application(
    today: dt.date,
    *,
    earlier_admitted_to_same_offer: Iterable[dt.date] = (),
    waiting_elsewhere: Iterable[dt.date] = (),
    is_vacancy_application: bool = False,
) -> dt.date:
    """The seniority date a new application starts with.

    §14b: a pupil who quit an offer and applies again keeps the seniority of the first
    application to that offer. §5c: a pupil on a waiting list who applies for an advertised
    vacancy keeps the seniority already earned.
    """
    dates = [today, *earlier_admitted_to_same_offer]
    if is_vacancy_application:
        dates += list(waiting_elsewhere)
    return min(dates)


class Refusal(StrEnum):
    NOT_RESIDENT = "not_resident"
    CLOSED = "closed"
    DUPLICATE = "duplicate"
    HOLDS_PLACE = "holds_place"
    AGE = "age"
    TOO_MANY = "too_many"


def application_refusal(
    *,
    resident: bool = True,
    offer_open: bool,
    duplicate: bool,
    age_admitted: bool,
    age_exception: bool,
    is_place: bool,
    open_place_applications: int,
    max_open_place_applications: int,
    holds_place_in_offer: bool = False,
) -> Refusal | None:
    """Why an application cannot be received, or None (§1a, §3b, §4a).

    `resident`: the household belongs to the school's municipality (§1a).
    `holds_place_in_offer`: the pupil already has a place in this very offer (one that has
    not ended; a place on leave counts unless this is the application to come back, §14a).
    """
    if not resident:
        return Refusal.NOT_RESIDENT
    if not offer_open:
        return Refusal.CLOSED
    if duplicate:
        return Refusal.DUPLICATE
    if holds_place_in_offer:
        return Refusal.HOLDS_PLACE
    if not age_admitted and not age_exception:
        return Refusal.AGE
    if is_place and open_place_applications >= max_open_place_applications:
        return Refusal.TOO_MANY
    return None


class AuditionRefusal(StrEnum):
    ALREADY_REQUESTED = "already_requested"
    TOO_SOON_AFTER_FAILED = "too_soon_after_failed"
    TOO_LONG_AFTER_APPLYING = "too_long_after_applying"
    NOT_OFFERED = "not_offered"


def audition_request_refusal(
    today: dt.date,
    *,
    offer_has_auditions: bool,
    applied_on: dt.date,
    demand_within_days: int,
    pending: bool,
    last_failed_on: dt.date | None,
    retry_years: int,
) -> AuditionRefusal | None:
    """§4c: an audition may be demanded within one year of applying; after one that was not
    passed, a new one may be demanded every second year."""
    if not offer_has_auditions:
        return AuditionRefusal.NOT_OFFERED
    if pending:
        return AuditionRefusal.ALREADY_REQUESTED
    if last_failed_on is not None and today < next_audition_allowed(last_failed_on, retry_years):
        return AuditionRefusal.TOO_SOON_AFTER_FAILED
    if last_failed_on is None and (today - applied_on).days > demand_within_days:
        return AuditionRefusal.TOO_LONG_AFTER_APPLYING
    return None


def next_audition_allowed(failed_on: dt.date, retry_years: int) -> dt.date:
    try:
        return failed_on.replace(year=failed_on.year + retry_years)
    except ValueError:  # 29 February
        return failed_on.replace(year=failed_on.year + retry_years, day=28)


def free_places(capacity: int, *, occupied: int, pending_offers: int) -> int:
    return max(capacity - occupied - pending_offers, 0)


def reply_deadline(offered_on: dt.date, days: int) -> dt.date:
    """§4b: the last day to answer a place offer."""
    return offered_on + dt.timedelta(days=days)
