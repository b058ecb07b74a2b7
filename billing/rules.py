"""What a household pays for a term: one pure function from plain facts to invoice lines.

No ORM, no clock, no settings: `invoice_lines(household, policy)` takes frozen dataclasses and
returns lines, each with the rule it applies and the values its explanation needs (the words
themselves come from `billing.texts`, in the reader's language). The
services collect the facts from the database; the tests feed them by hand, rule by rule.

Order of application for each place (DESIGN.md §12–§13):
1. the fee for the place (§12a) or the price of the course (§12b), instrument rental and
   extras (§12a);
2. a free place zeroes the place fee for the terms it covers (§12d);
3. the sibling discount, 25 % on at most one place for each sibling after the first; the first
   sibling is the one whose place costs most and pays in full (§12c);
4. reductions of 50 kr per unused teaching week: the school cancelled more than 2 lessons
   (§8b), illness over 4 weeks with a doctor's note (§13a i), moving away with more than
   8 weeks left (§13a ii), offered the place after more than 4 lessons (§13a iii). A reduction
   never takes a place below zero.
A place withdrawn in the trial costs nothing (§6); a place the school terminated is billed
without reduction (§9e); late notice binds the next term in full (§9c, by the place's end date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def money(value: Decimal | int | str) -> Decimal:
    """Two decimal places, rounded half up as Norwegian invoices are."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class LineKind(StrEnum):
    PLACE_FEE = "place_fee"
    COURSE = "course"
    RENTAL = "rental"
    EXTRA = "extra"
    FREE_PLACE = "free_place"
    SIBLING_DISCOUNT = "sibling_discount"
    CANCELLED_LESSONS = "cancelled_lessons"
    ILLNESS = "illness"
    MOVING = "moving"
    LATE_START = "late_start"


# The rule each kind of line applies, as printed on the invoice.
RULE = {
    LineKind.PLACE_FEE: "§12a",
    LineKind.COURSE: "§12b",
    LineKind.RENTAL: "§12a",
    LineKind.EXTRA: "§12a",
    LineKind.FREE_PLACE: "§12d",
    LineKind.SIBLING_DISCOUNT: "§12c",
    LineKind.CANCELLED_LESSONS: "§8b",
    LineKind.ILLNESS: "§13a i",
    LineKind.MOVING: "§13a ii",
    LineKind.LATE_START: "§13a iii",
}
REDUCTIONS = (LineKind.ILLNESS, LineKind.MOVING, LineKind.LATE_START)


class EndReason(StrEnum):
    """Why a place ended, as far as billing cares (the rest bill like an ordinary end)."""

    NONE = ""
    TRIAL_WITHDRAWAL = "trial_withdrawal"
    TERMINATION = "termination"
    SWITCH = "switch"
    OTHER = "other"


@dataclass(frozen=True)
class TermFacts:
    starts_on: dt.date
    ends_on: dt.date
    teaching_weeks: int


@dataclass(frozen=True)
class Policy:
    """The SchoolPolicy fields billing reads (§8b, §12c, §13)."""

    sibling_discount_percent: Decimal = Decimal("25")
    sibling_discount_places_per_sibling: int = 1
    sibling_discount_on_rental: bool = False
    sibling_discount_on_courses: bool = False
    cancellation_threshold: int = 2
    cancellation_reduction_per_week: Decimal = Decimal("50")
    cancellation_only_weeks_beyond_threshold: bool = False
    reduction_per_week: Decimal = Decimal("50")
    illness_reduction_min_weeks: int = 4
    moving_reduction_min_weeks_left: int = 8
    late_start_reduction_min_lessons: int = 4


@dataclass(frozen=True)
class Reduction:
    """A §13 reduction the office decided: `weeks` unused teaching weeks of the place."""

    kind: LineKind  # ILLNESS or MOVING (LATE_START is computed from the lessons held)
    weeks: int
    doctors_note: bool = False


@dataclass(frozen=True)
class PlaceFacts:
    placement_id: int
    pupil_id: int
    pupil_name: str
    offer_name: str
    is_course: bool
    starts_on: dt.date
    ends_on: dt.date | None = None
    end_reason: EndReason = EndReason.NONE
    # The fee for a place per term, or the price of the whole course (§12a–b).
    fee: Decimal = ZERO
    rental: Decimal = ZERO  # instrument rental for the term, when the pupil rents one
    extras: tuple[tuple[str, Decimal], ...] = ()
    # Teaching weeks in which the school cancelled a lesson of this place this term (§8b).
    cancelled_weeks: int = 0
    # Lessons the offer had held this term before the pupil's first day (§13a iii).
    lessons_before_start: int = 0
    # Teaching weeks of the term gone before the pupil's first day (§13a iii).
    weeks_before_start: int = 0
    reductions: tuple[Reduction, ...] = ()
    # The course's first day, when it is billed in the term it starts (§9a binds the course).
    course_starts_on: dt.date | None = None


@dataclass(frozen=True)
class HouseholdFacts:
    term: TermFacts
    places: tuple[PlaceFacts, ...]
    # Pupils whose place fees a free place covers this term (§12d); None means every pupil.
    free_place_pupils: frozenset[int] | None = None
    free_place: bool = False


@dataclass(frozen=True)
class Line:
    """One line; its words come from `billing.texts` in the reader's language."""

    kind: LineKind
    amount: Decimal
    placement_id: int | None = None
    pupil_id: int | None = None
    params: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def rule(self) -> str:
        return RULE[self.kind]

    @property
    def key(self) -> str:
        """What a later run compares: one line of each kind per place (and per extra)."""
        extra = self.params.get("extra", "")
        return f"{self.placement_id}:{self.kind}:{extra}".rstrip(":")


# --- Which places a term bills ------------------------------------------------------------------


class Billing(StrEnum):
    BILLED = "billed"
    NOT_STARTED = "not_started"
    ENDED_BEFORE = "ended_before"
    TRIAL_WITHDRAWAL = "trial_withdrawal"  # §6
    SWITCHED = "switched"  # §11: the new place is billed for this term instead
    COURSE_BILLED_ELSEWHERE = "course_billed_elsewhere"  # §9a: a course is billed once


def billing_of(place: PlaceFacts, term: TermFacts) -> Billing:
    """Whether the place is billed for the term, and if not, why.

    §9a binds a semester at a time: a place held on any day of the term pays the term in full,
    whenever in it the place ends (including termination by the school, §9e, and the term
    that late notice binds, §9c — the notice moves the place's end date into that term).
    """
    if place.end_reason == EndReason.TRIAL_WITHDRAWAL:
        return Billing.TRIAL_WITHDRAWAL
    if place.is_course:
        first_day = place.course_starts_on or place.starts_on
        if not term.starts_on <= first_day <= term.ends_on:
            return Billing.COURSE_BILLED_ELSEWHERE
        return Billing.BILLED
    if place.starts_on > term.ends_on:
        return Billing.NOT_STARTED
    if place.ends_on is not None and place.ends_on < term.starts_on:
        return Billing.ENDED_BEFORE
    if (
        place.end_reason == EndReason.SWITCH
        and place.ends_on is not None
        and place.ends_on < term.ends_on
    ):
        return Billing.SWITCHED
    return Billing.BILLED


# --- §8b, §13 ------------------------------------------------------------------------------------


def s8b_cancellation_weeks(cancelled_weeks: int, policy: Policy) -> int:
    """§8b: more than `threshold` cancelled lessons reduce the fee per cancelled teaching week
    (or, where the policy says so, only per week beyond the threshold)."""
    if cancelled_weeks <= policy.cancellation_threshold:
        return 0
    if policy.cancellation_only_weeks_beyond_threshold:
        return cancelled_weeks - policy.cancellation_threshold
    return cancelled_weeks


def s13_illness_weeks(weeks: int, *, doctors_note: bool, policy: Policy) -> int:
    """§13a i: more than 4 weeks of absence through illness, with a doctor's note."""
    return weeks if doctors_note and weeks > policy.illness_reduction_min_weeks else 0


def s13_moving_weeks(weeks_left: int, policy: Policy) -> int:
    """§13a ii: moving from the municipality with more than 8 teaching weeks left."""
    return weeks_left if weeks_left > policy.moving_reduction_min_weeks_left else 0


def s13_late_start_weeks(lessons_before_start: int, weeks_before_start: int, policy: Policy) -> int:
    """§13a iii: offered the place after the offer had held more than 4 lessons."""
    if lessons_before_start > policy.late_start_reduction_min_lessons:
        return weeks_before_start
    return 0


# --- §12c ----------------------------------------------------------------------------------------


def discounted_amount(place: PlaceFacts, policy: Policy) -> Decimal:
    """The part of a place's price the sibling discount may apply to."""
    if place.is_course:
        return place.fee if policy.sibling_discount_on_courses else ZERO
    base = place.fee
    if policy.sibling_discount_on_rental:
        base += place.rental
    return base


def sibling_discounts(
    places: Sequence[PlaceFacts], base: dict[int, Decimal], policy: Policy
) -> dict[int, Decimal]:
    """§12c: 25 % on at most one place for each sibling after the first.

    `base` is what each place's discount may apply to (after a free place). The first sibling
    is the pupil whose most expensive place costs most (ties: the lower pupil id, so the result
    does not depend on the order of the input); that pupil pays in full. Every other sibling
    gets the discount on their most expensive places, up to the policy's number per sibling.
    Returns the discount per placement id.
    """
    by_pupil: dict[int, list[PlaceFacts]] = {}
    for place in places:
        by_pupil.setdefault(place.pupil_id, []).append(place)
    if len(by_pupil) < 2:
        return {}

    def dearest(pupil_id: int) -> Decimal:
        return max(base[p.placement_id] for p in by_pupil[pupil_id])

    order = sorted(by_pupil, key=lambda pupil_id: (-dearest(pupil_id), pupil_id))
    discounts: dict[int, Decimal] = {}
    rate = policy.sibling_discount_percent / Decimal(100)
    for pupil_id in order[1:]:
        candidates = sorted(
            (p for p in by_pupil[pupil_id] if base[p.placement_id] > 0),
            key=lambda p: (-base[p.placement_id], p.placement_id),
        )
        for place in candidates[: policy.sibling_discount_places_per_sibling]:
            discounts[place.placement_id] = money(base[place.placement_id] * rate)
    return discounts


# --- The invoice ---------------------------------------------------------------------------------


def billed_places(household: HouseholdFacts) -> list[PlaceFacts]:
    return [p for p in household.places if billing_of(p, household.term) == Billing.BILLED]


def _covered_by_free_place(household: HouseholdFacts, place: PlaceFacts) -> bool:
    if not household.free_place or place.is_course:
        return False
    return household.free_place_pupils is None or place.pupil_id in household.free_place_pupils


def _discount_base(household: HouseholdFacts, place: PlaceFacts, policy: Policy) -> Decimal:
    base = discounted_amount(place, policy)
    if _covered_by_free_place(household, place):
        base -= place.fee  # the free place already took the fee away
    return base


def invoice_lines(household: HouseholdFacts, policy: Policy) -> list[Line]:
    """All lines of one household's invoice for one term, in a stable order."""
    places = sorted(billed_places(household), key=lambda p: (p.pupil_name, p.placement_id))
    base = {p.placement_id: _discount_base(household, p, policy) for p in places}
    discounts = sibling_discounts(places, base, policy)
    lines: list[Line] = []
    for place in places:
        lines.extend(_place_lines(household, place, discounts.get(place.placement_id), policy))
    return lines


def _place_lines(
    household: HouseholdFacts, place: PlaceFacts, discount: Decimal | None, policy: Policy
) -> Iterable[Line]:
    who = {"pupil": place.pupil_name, "offer": place.offer_name}

    def line(kind: LineKind, amount: Decimal, **params: str) -> Line:
        return Line(
            kind=kind,
            amount=money(amount),
            placement_id=place.placement_id,
            pupil_id=place.pupil_id,
            params={**who, **params},
        )

    if place.is_course:
        yield line(LineKind.COURSE, place.fee)
        remaining = place.fee
    else:
        yield line(LineKind.PLACE_FEE, place.fee)
        remaining = place.fee
        if _covered_by_free_place(household, place) and place.fee:
            yield line(LineKind.FREE_PLACE, -place.fee)
            remaining = ZERO
    if place.rental:
        yield line(LineKind.RENTAL, place.rental)
        if policy.sibling_discount_on_rental:
            remaining += place.rental
    for name, amount in place.extras:
        yield line(LineKind.EXTRA, amount, extra=name)
    if discount:
        percent = f"{policy.sibling_discount_percent.normalize():f}"
        yield line(LineKind.SIBLING_DISCOUNT, -discount, percent=percent)
        remaining -= discount
    if place.end_reason == EndReason.TERMINATION:
        return  # §9e: no reduction when the school terminates the place
    for kind, weeks, per_week in _reduction_weeks(place, household.term, policy):
        amount = min(money(per_week * weeks), remaining)
        if amount > 0:
            yield line(kind, -amount, weeks=str(weeks), per_week=f"{money(per_week)}")
            remaining -= amount


def _reduction_weeks(
    place: PlaceFacts, term: TermFacts, policy: Policy
) -> Iterable[tuple[LineKind, int, Decimal]]:
    if place.is_course:
        return
    limit = term.teaching_weeks
    cancelled = min(s8b_cancellation_weeks(place.cancelled_weeks, policy), limit)
    if cancelled:
        yield LineKind.CANCELLED_LESSONS, cancelled, policy.cancellation_reduction_per_week
    late = min(
        s13_late_start_weeks(place.lessons_before_start, place.weeks_before_start, policy), limit
    )
    if late:
        yield LineKind.LATE_START, late, policy.reduction_per_week
    for reduction in place.reductions:
        if reduction.kind == LineKind.ILLNESS:
            weeks = s13_illness_weeks(
                reduction.weeks, doctors_note=reduction.doctors_note, policy=policy
            )
        elif reduction.kind == LineKind.MOVING:
            weeks = s13_moving_weeks(reduction.weeks, policy)
        else:
            continue
        if weeks:
            yield reduction.kind, min(weeks, limit), policy.reduction_per_week


def total(lines: Iterable[Line]) -> Decimal:
    return money(sum((line.amount for line in lines), ZERO))


# --- Changes after invoicing ---------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    key: str
    kind: LineKind
    amount: Decimal  # what the new lines add (negative: what they take away)
    line: Line | None  # the new line, or None when the old one is gone


def differences(invoiced: dict[str, Decimal], lines: Sequence[Line]) -> list[Difference]:
    """Compare what was invoiced (sum per line key over invoices and adjustments) with the
    lines as they are now; each difference becomes a line of a credit note or an additional
    invoice, and the invoice already sent is never edited."""
    now: dict[str, Line] = {}
    for line in lines:
        now[line.key] = line
    result = []
    for key in sorted(set(invoiced) | set(now)):
        new = now.get(key)
        change = money((new.amount if new else ZERO) - invoiced.get(key, ZERO))
        if change:
            kind = new.kind if new else LineKind(key.split(":")[1])
            result.append(Difference(key=key, kind=kind, amount=change, line=new))
    return result


# --- Reminders and §9d i -----------------------------------------------------------------------


class ReminderStep(StrEnum):
    # Values are the invoice's columns that record each step.
    FIRST = "first_reminder_on"
    SECOND = "second_reminder_on"
    FLAG = "termination_flag_on"


def reminder_step(
    *,
    due_on: dt.date,
    first_reminder_on: dt.date | None,
    second_reminder_on: dt.date | None,
    flagged_on: dt.date | None,
    today: dt.date,
    reminder_after_days: int,
    second_reminder_after_days: int,
    flag_after_days: int,
) -> ReminderStep | None:
    """The step an unpaid invoice is due for today: a first reminder some days after the due
    date, a second some days after that, then a flag for termination for non-payment (§9d i)
    that the office decides on. None when nothing is due yet or everything is done."""
    if first_reminder_on is None:
        due = due_on + dt.timedelta(days=reminder_after_days)
        return ReminderStep.FIRST if today >= due else None
    if second_reminder_on is None:
        due = first_reminder_on + dt.timedelta(days=second_reminder_after_days)
        return ReminderStep.SECOND if today >= due else None
    if flagged_on is None:
        due = second_reminder_on + dt.timedelta(days=flag_after_days)
        return ReminderStep.FLAG if today >= due else None
    return None


# --- KID and dates ------------------------------------------------------------------------------


def due_date(issued_on: dt.date, days: int) -> dt.date:
    return issued_on + dt.timedelta(days=days)


def teaching_weeks_between(start: dt.date, end: dt.date) -> int:
    """Whole weeks from `start` up to (not including) `end`; 0 when `end` is not later."""
    return max((end - start).days // 7, 0)
