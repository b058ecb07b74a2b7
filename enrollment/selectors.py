"""Read queries that more than one page needs: overviews, registers and counts.

Every function returns either a queryset the caller may narrow further or plain values, and
each makes a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Prefetch,
    QuerySet,
    Sum,
    Value,
)
from django.utils.translation import gettext_lazy as _

from enrollment import rules
from enrollment.models import (
    Discipline,
    Guardian,
    Household,
    Offer,
    OfficeHours,
    Pupil,
    School,
    SchoolPolicy,
    StaffRole,
    TeachingGroup,
    Term,
)

# --- School overview


@dataclass(frozen=True)
class SchoolCounts:
    published_offers: int
    total_capacity: int
    households: int
    pupils: int
    staff: int


def school_counts(school: School) -> SchoolCounts:
    offers = Offer.objects.filter(school=school, is_published=True).aggregate(
        count=Count("pk"), capacity=Sum("capacity")
    )
    return SchoolCounts(
        published_offers=offers["count"],
        total_capacity=offers["capacity"] or 0,
        households=Household.objects.filter(school=school).count(),
        pupils=Pupil.objects.filter(household__school=school).count(),
        staff=StaffRole.objects.filter(school=school).values("user").distinct().count(),
    )


@dataclass(frozen=True)
class TermPair:
    current: Term | None
    next: Term | None


def current_and_next_term(school: School, today: dt.date) -> TermPair:
    """The term running today (if any) and the first one that starts after today."""
    terms = list(Term.objects.filter(school=school, ends_on__gte=today).order_by("starts_on")[:2])
    current = terms[0] if terms and terms[0].starts_on <= today else None
    upcoming = [term for term in terms if term.starts_on > today]
    return TermPair(current=current, next=upcoming[0] if upcoming else None)


@dataclass(frozen=True)
class SetupGap:
    """Something the school has not set up yet, with the page where it is fixed."""

    message: Any
    url_name: str


def school_setup_gaps(school: School, today: dt.date) -> list[SetupGap]:
    """What is missing before guardians can find the school and apply (one query per check)."""
    gaps: list[SetupGap] = []
    if not (school.email or school.phone):
        gaps.append(SetupGap(_("No contact e-mail or telephone (§1c)."), "office:profile_edit"))
    if not OfficeHours.objects.filter(school=school).exists():
        gaps.append(SetupGap(_("No office hours (§1c)."), "office:profile_edit"))
    if not school.organisation_number:
        gaps.append(SetupGap(_("No organisation number."), "office:profile_edit"))
    if not school.locations.exists():
        gaps.append(SetupGap(_("No teaching locations (§20)."), "office:location_create"))
    if not Term.objects.filter(school=school).exists():
        gaps.append(SetupGap(_("No terms."), "office:term_create"))
    elif not Term.objects.filter(school=school, starts_on__gt=today).exists():
        gaps.append(SetupGap(_("No upcoming term."), "office:term_create"))
    if not Offer.objects.filter(school=school, is_published=True).exists():
        gaps.append(SetupGap(_("No published offers."), "office:offer_create"))
    if not SchoolPolicy.objects.filter(school=school).exists():
        gaps.append(
            SetupGap(_("Rule-book policy not confirmed (default values in use)."), "office:policy")
        )
    return gaps


# --- Pupil register


def current_grade_expression(today: dt.date) -> ExpressionWrapper:
    """A pupil's grade today in SQL: the recorded grade moves up each August (rules.grade_on)."""
    return ExpressionWrapper(
        F("school_grade") + Value(rules.school_year_start(today)) - F("grade_school_year"),
        output_field=IntegerField(),
    )


def pupils_of_school(school: School, today: dt.date) -> QuerySet[Pupil]:
    """The school's pupils with their household, guardians and today's grade (`current_grade`).

    A pupil belongs to the school of its household. Guardians are prefetched in one query.
    """
    return (
        Pupil.objects.filter(household__school=school)
        .select_related("household")
        .annotate(current_grade=current_grade_expression(today))
        .prefetch_related(
            Prefetch("household__guardians", queryset=Guardian.objects.order_by("pk"))
        )
    )


GRADE_LABELS: dict[int, Any] = dict(rules.GRADE_CHOICES)


def grade_label(pupil: Pupil, today: dt.date) -> Any:
    """The grade a pupil is in today, as text; empty when not recorded."""
    if pupil.school_grade is None or pupil.grade_school_year is None:
        return ""
    grade = pupil.grade_on(today)
    if grade is None:
        return _("Finished upper secondary")
    return GRADE_LABELS[grade]


# --- Teaching


def teacher_groups_from(groups: QuerySet[TeachingGroup], today: dt.date) -> QuerySet[TeachingGroup]:
    """Groups of terms that have not ended, earliest term first, with what a card shows."""
    return (
        groups.filter(term__ends_on__gte=today)
        .select_related("offer__school", "term", "location")
        .order_by("term__starts_on", "weekday", "starts_at", "name")
    )


# --- Regional


@dataclass(frozen=True)
class DisciplineTable:
    """Published offers per discipline (columns) per school (rows), with totals."""

    disciplines: list[tuple[str, Any]]
    rows: list[tuple[School, list[int], int]]
    totals: list[int]
    total: int


def published_offers_by_discipline(schools: Iterable[School]) -> DisciplineTable:
    """One aggregated query; only disciplines some school offers become columns."""
    schools = list(schools)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Offer.objects.filter(school__in=schools, is_published=True)
        .values("school_id", "discipline")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["school_id"]][row["discipline"]] = row["count"]
    used = {discipline for per_school in counts.values() for discipline in per_school}
    disciplines = [(value, label) for value, label in Discipline.choices if value in used]
    table_rows = []
    for school in schools:
        cells = [counts[school.pk].get(value, 0) for value, _label in disciplines]
        table_rows.append((school, cells, sum(cells)))
    totals = [sum(row[1][index] for row in table_rows) for index in range(len(disciplines))]
    return DisciplineTable(
        disciplines=disciplines, rows=table_rows, totals=totals, total=sum(totals)
    )


def age_reference_date(school: School, today: dt.date) -> dt.date:
    """The day an applicant's age is checked on (§4a): when the school's next term starts.

    A child who turns 6 in the summer may apply in spring for a place from the age of 6. With
    no term entered yet, today is used.
    """
    starts_on = (
        Term.objects.filter(school=school, starts_on__gt=today)
        .order_by("starts_on")
        .values_list("starts_on", flat=True)
        .first()
    )
    return starts_on or today
