"""Invoices for a term: facts from the database → `rules.invoice_lines` → invoices with KID.

`invoices_create` works through the school's households in chunks. Each chunk is one
transaction that first locks the school's invoice counter, so two runs for the same term (or a
run and a retry) take turns: the second sees what the first created and adds nothing. A
household already invoiced for the term is compared line by line with what it owes now, and
any difference becomes a credit note or an additional invoice — a sent invoice is never edited.
The unique constraint on (household, term) for invoices is the last line of defence.

Queries are fixed per chunk, not per household (tested), so 10,000 places are a few dozen
queries (bench/bench_invoices.py).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from billing import rules
from billing.kid import kid_for
from billing.models import (
    CoursePrice,
    FeeExtra,
    FeeReduction,
    FeeSchedule,
    FreePlaceApplication,
    InstrumentRental,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
)
from enrollment import rules as enrollment_rules
from enrollment.models import (
    Household,
    Lesson,
    Offer,
    Placement,
    School,
    SchoolPolicy,
    Term,
)
from kulturskole import audit

CHUNK = 500


def school_policy(school: School) -> SchoolPolicy:
    """The school's saved rules, or the rule book's defaults when none are saved yet."""
    try:
        return school.policy
    except SchoolPolicy.DoesNotExist:
        return SchoolPolicy(school=school)


def policy_facts(policy: SchoolPolicy) -> rules.Policy:
    return rules.Policy(
        sibling_discount_percent=policy.sibling_discount_percent,
        sibling_discount_places_per_sibling=policy.sibling_discount_places_per_sibling,
        sibling_discount_on_rental=policy.sibling_discount_on_rental,
        sibling_discount_on_courses=policy.sibling_discount_on_courses,
        cancellation_threshold=policy.cancellation_threshold,
        cancellation_reduction_per_week=policy.cancellation_reduction_per_week,
        cancellation_only_weeks_beyond_threshold=policy.cancellation_only_weeks_beyond_threshold,
        reduction_per_week=policy.reduction_per_week,
        illness_reduction_min_weeks=policy.illness_reduction_min_weeks,
        moving_reduction_min_weeks_left=policy.moving_reduction_min_weeks_left,
        late_start_reduction_min_lessons=policy.late_start_reduction_min_lessons,
    )


def term_facts(term: Term) -> rules.TermFacts:
    return rules.TermFacts(
        starts_on=term.starts_on, ends_on=term.ends_on, teaching_weeks=term.teaching_weeks
    )


class NoFeeScheduleError(Exception):
    """The school year has no fee schedule: nothing can be invoiced (§12a)."""


def schedule_for_term(school: School, term: Term) -> FeeSchedule:
    school_year = enrollment_rules.school_year_start(term.starts_on)
    schedule = FeeSchedule.objects.filter(school=school, school_year=school_year).first()
    if schedule is None:
        raise NoFeeScheduleError(school_year)
    return schedule


def _placements_in_term(school: School, term: Term) -> Any:
    """Places of the school that may be billed for the term (the rules decide which are)."""
    overlaps = Q(starts_on__lte=term.ends_on) & (
        Q(ends_on__isnull=True) | Q(ends_on__gte=term.starts_on)
    )
    course_starts = Q(offer__kind=Offer.Kind.COURSE) & (
        Q(offer__course_starts_on__range=(term.starts_on, term.ends_on))
        | Q(offer__course_starts_on__isnull=True, starts_on__range=(term.starts_on, term.ends_on))
    )
    return Placement.objects.filter(offer__school=school).filter(overlaps | course_starts)


def households_to_consider(school: School, term: Term) -> list[int]:
    """Households with a place that may be billed, or with an invoice for the term already."""
    with_places = _placements_in_term(school, term).values_list("pupil__household_id", flat=True)
    invoiced = Invoice.objects.filter(school=school, term=term).values_list(
        "household_id", flat=True
    )
    return sorted(set(with_places) | set(invoiced))


@dataclass
class HouseholdBill:
    household: Household
    facts: rules.HouseholdFacts
    lines: list[rules.Line]

    @property
    def total(self) -> Decimal:
        return rules.total(self.lines)


def collect(
    school: School, term: Term, household_ids: Sequence[int], schedule: FeeSchedule
) -> list[HouseholdBill]:
    """The facts and lines of each household: a fixed number of queries for any number."""
    placements = list(
        _placements_in_term(school, term)
        .filter(pupil__household_id__in=household_ids)
        .select_related("pupil", "offer")
        .order_by("pk")
    )
    ids = [p.pk for p in placements]
    offer_ids = {p.offer_id for p in placements}
    course_prices = dict(
        CoursePrice.objects.filter(schedule=schedule, offer_id__in=offer_ids).values_list(
            "offer_id", "price"
        )
    )
    extras: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    for extra in FeeExtra.objects.filter(schedule=schedule).prefetch_related("offers"):
        for offer in extra.offers.all():
            extras[offer.pk].append((extra.name, extra.amount))
    # Instruments rented during the term, per place: the rental is charged per instrument.
    renting = Counter(
        InstrumentRental.objects.filter(placement_id__in=ids, starts_on__lte=term.ends_on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=term.starts_on))
        .values_list("placement_id", flat=True)
    )
    free_place = set(
        FreePlaceApplication.objects.filter(
            household_id__in=household_ids,
            school_year=schedule.school_year,
            status=FreePlaceApplication.Status.GRANTED,
        ).values_list("household_id", flat=True)
    )
    reductions: dict[int, list[rules.Reduction]] = defaultdict(list)
    for reduction in FeeReduction.objects.filter(placement_id__in=ids, term=term):
        reductions[reduction.placement_id].append(
            rules.Reduction(
                kind=rules.LineKind(reduction.kind),
                weeks=reduction.weeks,
                doctors_note=bool(reduction.doctors_note),
            )
        )
    cancelled_weeks = _cancelled_weeks(term, ids)
    held = _held_lesson_dates(term, offer_ids)
    households = {
        h.pk: h
        for h in Household.objects.filter(pk__in=household_ids)
        .select_related("payer__user")
        .prefetch_related("guardians__user")
    }
    by_household: dict[int, list[rules.PlaceFacts]] = defaultdict(list)
    for placement in placements:
        by_household[placement.pupil.household_id].append(
            _place_facts(
                placement,
                term,
                schedule=schedule,
                course_price=course_prices.get(placement.offer_id, rules.ZERO),
                extras=extras.get(placement.offer_id, ()),
                instruments=renting[placement.pk],
                reductions=reductions.get(placement.pk, ()),
                cancelled_weeks=cancelled_weeks.get(placement.pk, 0),
                held_dates=held.get(placement.offer_id, ()),
            )
        )
    policy = policy_facts(school_policy(school))
    facts_term = term_facts(term)
    bills = []
    for household_id in household_ids:
        facts = rules.HouseholdFacts(
            term=facts_term,
            places=tuple(by_household.get(household_id, ())),
            free_place=household_id in free_place,
        )
        bills.append(
            HouseholdBill(
                household=households[household_id],
                facts=facts,
                lines=rules.invoice_lines(facts, policy),
            )
        )
    return bills


def _cancelled_weeks(term: Term, placement_ids: Sequence[int]) -> dict[int, int]:
    """§8b: per place, the teaching weeks in which the school cancelled one of its lessons."""
    weeks: dict[int, set[tuple[int, int]]] = defaultdict(set)
    rows = Lesson.objects.filter(
        status=Lesson.Status.CANCELLED,
        date__range=(term.starts_on, term.ends_on),
        group__members__placement_id__in=placement_ids,
    ).values_list("group__members__placement_id", "date")
    for placement_id, day in rows:
        weeks[placement_id].add(day.isocalendar()[:2])
    return {placement_id: len(found) for placement_id, found in weeks.items()}


def _held_lesson_dates(term: Term, offer_ids: Iterable[int]) -> dict[int, list[dt.date]]:
    """§13a iii: the days each offer held lessons this term (not cancelled)."""
    dates: dict[int, set[dt.date]] = defaultdict(set)
    rows = Lesson.objects.filter(
        group__offer_id__in=offer_ids,
        status=Lesson.Status.SCHEDULED,
        date__range=(term.starts_on, term.ends_on),
    ).values_list("group__offer_id", "date")
    for offer_id, day in rows:
        dates[offer_id].add(day)
    return {offer_id: sorted(days) for offer_id, days in dates.items()}


def _place_facts(
    placement: Placement,
    term: Term,
    *,
    schedule: FeeSchedule,
    course_price: Decimal,
    extras: Iterable[tuple[str, Decimal]],
    instruments: int,
    reductions: Iterable[rules.Reduction],
    cancelled_weeks: int,
    held_dates: Sequence[dt.date],
) -> rules.PlaceFacts:
    offer = placement.offer
    is_course = offer.kind == Offer.Kind.COURSE
    started_late = placement.starts_on > term.starts_on
    return rules.PlaceFacts(
        placement_id=placement.pk,
        pupil_id=placement.pupil_id,
        pupil_name=placement.pupil.first_name,
        offer_name=offer.name,
        is_course=is_course,
        starts_on=placement.starts_on,
        ends_on=placement.ends_on,
        end_reason=_end_reason(placement.end_reason),
        fee=course_price if is_course else schedule.place_fee_per_term,
        rental=rules.ZERO if is_course else schedule.instrument_rental_per_term * instruments,
        extras=() if is_course else tuple(extras),
        cancelled_weeks=cancelled_weeks,
        lessons_before_start=(
            sum(1 for day in held_dates if day < placement.starts_on) if started_late else 0
        ),
        weeks_before_start=(
            rules.teaching_weeks_between(term.starts_on, placement.starts_on) if started_late else 0
        ),
        reductions=tuple(reductions),
        course_starts_on=offer.course_starts_on,
    )


def _end_reason(value: str) -> rules.EndReason:
    known = {reason.value for reason in rules.EndReason}
    return rules.EndReason(value) if value in known else rules.EndReason.OTHER


# --- Writing invoices ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedLine:
    key: str
    kind: str
    params: dict[str, str]
    placement_id: int | None
    amount: Decimal
    correction: bool = False

    @classmethod
    def of(cls, line: rules.Line, amount: Decimal | None = None) -> PlannedLine:
        return cls(
            key=line.key,
            kind=line.kind.value,
            params=dict(line.params),
            placement_id=line.placement_id,
            amount=line.amount if amount is None else amount,
            correction=amount is not None,
        )


@dataclass
class Planned:
    """What one household gets this run: a new invoice or a correction of the first one."""

    bill: HouseholdBill
    kind: str  # Invoice.Kind value
    lines: list[PlannedLine]
    corrects: Invoice | None = None

    @property
    def total(self) -> Decimal:
        return rules.money(sum((line.amount for line in self.lines), rules.ZERO))


@dataclass
class RunResult:
    households: int = 0
    invoices: int = 0
    credit_notes: int = 0
    additional: int = 0
    unchanged: int = 0
    nothing_to_bill: int = 0
    total: Decimal = rules.ZERO
    planned: list[Planned] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)


def plan(bills: Sequence[HouseholdBill], term: Term) -> list[Planned]:
    """Compare each household's lines with what was invoiced for the term already."""
    household_ids = [bill.household.pk for bill in bills]
    originals = {
        invoice.household_id: invoice
        for invoice in Invoice.objects.filter(
            household_id__in=household_ids, term=term, kind=Invoice.Kind.INVOICE
        )
    }
    invoiced: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    earlier: dict[int, dict[str, InvoiceLine]] = defaultdict(dict)
    for row in InvoiceLine.objects.filter(
        invoice__household_id__in=household_ids, invoice__term=term
    ).select_related("invoice"):
        invoiced[row.invoice.household_id][row.key] += row.amount
        earlier[row.invoice.household_id][row.key] = row
    planned = []
    for bill in bills:
        household_id = bill.household.pk
        original = originals.get(household_id)
        if original is None:
            if bill.lines:
                lines = [PlannedLine.of(line) for line in bill.lines]
                planned.append(Planned(bill=bill, kind=Invoice.Kind.INVOICE, lines=lines))
            continue
        changes = rules.differences(dict(invoiced[household_id]), bill.lines)
        if not changes:
            continue
        lines = [
            PlannedLine.of(change.line, change.amount)
            if change.line is not None
            else _gone(earlier[household_id][change.key], change.amount)
            for change in changes
        ]
        change_total = sum((line.amount for line in lines), rules.ZERO)
        planned.append(
            Planned(
                bill=bill,
                kind=Invoice.Kind.ADDITIONAL if change_total > 0 else Invoice.Kind.CREDIT_NOTE,
                lines=lines,
                corrects=original,
            )
        )
    return planned


def _gone(earlier: InvoiceLine, amount: Decimal) -> PlannedLine:
    """A line that no longer applies: the correction repeats the earlier line's words."""
    return PlannedLine(
        key=earlier.key,
        kind=earlier.kind,
        params=dict(earlier.params),
        placement_id=earlier.placement_id,
        amount=amount,
        correction=True,
    )


def payer_of(household: Household) -> tuple[str, str, str]:
    """Name, e-mail and language of the guardian who receives the household's invoices."""
    guardians = list(household.guardians.all())
    payer = household.payer or (guardians[0] if guardians else None)
    if payer is None:
        return household.name, "", settings.LANGUAGE_CODE
    language = getattr(payer.user, "language", "") if payer.user_id else ""
    email = payer.email or (payer.user.email if payer.user_id else "")
    return f"{payer.first_name} {payer.last_name}", email, language or settings.LANGUAGE_CODE


def _address(household: Household) -> str:
    place = " ".join(part for part in (household.postal_code, household.city) if part)
    return "\n".join(part for part in (household.street_address, place) if part)


def invoices_create(
    *,
    school: School,
    term: Term,
    by: Any = None,
    dry_run: bool = False,
    issued_on: dt.date | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Create the term's invoices, credit notes and additional invoices (safe to run twice).

    Raises NoFeeScheduleError when the school year has no fees. With `dry_run` nothing is written
    and `result.planned` tells what a real run would create.
    """
    from billing import tasks  # the tasks module imports this one

    schedule = schedule_for_term(school, term)
    issued_on = issued_on or timezone.localdate()
    due_on = rules.due_date(issued_on, school_policy(school).invoice_due_days)
    household_ids = households_to_consider(school, term)
    result = RunResult(households=len(household_ids))
    done = 0
    for start in range(0, len(household_ids), CHUNK):
        chunk = household_ids[start : start + CHUNK]
        with transaction.atomic():
            if not dry_run:
                # Runs for the same school take turns here; the plan below sees what the
                # previous run wrote.
                InvoiceCounter.objects.get_or_create(school=school)
                counter = InvoiceCounter.objects.select_for_update().get(school=school)
            planned = plan(collect(school, term, chunk, schedule), term)
            if dry_run:
                result.planned.extend(planned)
            else:
                created = _write(school, term, planned, counter, issued_on, due_on, by)
                result.created_ids.extend(created)
                transaction.on_commit(lambda ids=created: tasks.queue_sending(ids))
        _count(result, planned, len(chunk))
        done += len(chunk)
        if on_progress:
            on_progress(done, len(household_ids))
    if not dry_run and result.created_ids:
        audit.record(
            actor=by,
            action="billing.invoices_created",
            subject=term,
            summary=(
                f"{result.invoices} invoices, {result.credit_notes} credit notes, "
                f"{result.additional} additional invoices, total {result.total}"
            ),
            data={"school": school.slug, "invoice_ids": len(result.created_ids)},
        )
    return result


def _count(result: RunResult, planned: Sequence[Planned], households: int) -> None:
    for item in planned:
        if item.kind == Invoice.Kind.INVOICE:
            result.invoices += 1
        elif item.kind == Invoice.Kind.CREDIT_NOTE:
            result.credit_notes += 1
        else:
            result.additional += 1
        result.total += item.total
    result.unchanged += households - len(planned)


def _write(
    school: School,
    term: Term,
    planned: Sequence[Planned],
    counter: InvoiceCounter,
    issued_on: dt.date,
    due_on: dt.date,
    by: Any,
) -> list[int]:
    if not planned:
        return []
    policy = school_policy(school)
    first = counter.last_number + 1
    counter.last_number += len(planned)
    counter.save(update_fields=["last_number"])
    now = timezone.now()
    invoices = []
    for offset, item in enumerate(planned):
        number = first + offset
        name, email, language = payer_of(item.bill.household)
        total = item.total
        invoices.append(
            Invoice(
                school=school,
                household=item.bill.household,
                term=term,
                kind=item.kind,
                corrects=item.corrects,
                number=number,
                kid=kid_for(prefix=policy.kid_prefix, number=number, length=policy.kid_length),
                issued_on=issued_on,
                due_on=due_on,
                total=total,
                payer_name=name,
                payer_email=email,
                payer_address=_address(item.bill.household),
                language=language,
                created_by=by,
                delivery=Invoice.Delivery.PENDING if email else Invoice.Delivery.NO_ADDRESS,
                # Nothing to pay (a free place, a credit note) is settled when it is issued.
                paid_at=now if total <= 0 and item.kind != Invoice.Kind.CREDIT_NOTE else None,
            )
        )
    Invoice.objects.bulk_create(invoices)
    if not all(invoice.pk for invoice in invoices):  # backends that return no ids
        by_number = dict(
            Invoice.objects.filter(
                school=school, number__range=(first, counter.last_number)
            ).values_list("number", "pk")
        )
        for invoice in invoices:
            invoice.pk = by_number[invoice.number]
    lines = []
    for invoice, item in zip(invoices, planned, strict=True):
        for position, line in enumerate(item.lines, start=1):
            lines.append(
                InvoiceLine(
                    invoice_id=invoice.pk,
                    position=position,
                    key=line.key,
                    kind=line.kind,
                    placement_id=line.placement_id,
                    params=line.params,
                    amount=line.amount,
                    correction=line.correction,
                )
            )
    InvoiceLine.objects.bulk_create(lines, batch_size=2000)
    return [invoice.pk for invoice in invoices]
