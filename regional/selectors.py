"""Read queries of the regional programme used by several pages and documents.

Each makes a fixed number of queries whatever the number of rows: lists are fetched with
`select_related`/`prefetch_related` or annotated counts, and sums are made in Python with the
pure rules (exact Decimal), never per row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from enrollment.models import School
from regional import rules
from regional.models import (
    AnnualPlanItem,
    BudgetLine,
    EvaluationNote,
    Feedback,
    Gathering,
    GatheringSession,
    InDepthDiscipline,
    InDepthPupil,
    Programme,
    Registration,
)


def partners(programme: Programme) -> QuerySet[School]:
    return programme.schools.order_by("kind", "name")


def in_depth_pupils(
    programme: Programme, *, school_ids: Iterable[int] | None = None
) -> QuerySet[InDepthPupil]:
    """The programme's pupils; `school_ids` limits them to those schools' own."""
    pupils = programme.pupils.select_related("school")
    if school_ids is not None:
        pupils = pupils.filter(school_id__in=list(school_ids))
    return pupils.annotate(
        registration_count=Count("registrations", distinct=True),
    ).order_by("school__name", "last_name", "first_name", "pk")


def gatherings(programme: Programme, *, school_ids: Iterable[int] | None = None) -> Any:
    """The programme's gatherings with counts of sessions and registrations (of the given
    schools' pupils only, for partner-school staff)."""
    registered = Q()
    if school_ids is not None:
        registered = Q(registrations__pupil__school_id__in=list(school_ids))
    return (
        programme.gatherings.select_related("host_school")
        .annotate(
            session_count=Count("sessions", distinct=True),
            registration_count=Count("registrations", filter=registered, distinct=True),
        )
        .order_by("date", "starts_at", "pk")
    )


def sessions(gathering: Gathering) -> list[GatheringSession]:
    return list(gathering.sessions.select_related("instructor").order_by("starts_at", "pk"))


def registrations(
    gathering: Gathering, *, school_ids: Iterable[int] | None = None
) -> list[Registration]:
    rows = gathering.registrations.select_related("pupil__school", "travels_from")
    if school_ids is not None:
        rows = rows.filter(pupil__school_id__in=list(school_ids))
    return list(rows.order_by("pupil__school__name", "pupil__last_name", "pupil__first_name"))


@dataclass(frozen=True)
class TransportGroup:
    school: School | None
    registrations: list[Registration]


def transport_groups(rows: Iterable[Registration]) -> list[TransportGroup]:
    """Pupils who need transport, by the school they travel from (long distances)."""
    groups: dict[int | None, list[Registration]] = defaultdict(list)
    schools: dict[int | None, School | None] = {}
    for registration in rows:
        if not registration.needs_transport:
            continue
        origin = registration.travels_from or registration.pupil.school
        groups[origin.pk].append(registration)
        schools[origin.pk] = origin
    return [
        TransportGroup(schools[key], groups[key])
        for key in sorted(groups, key=lambda k: schools[k].name if schools[k] else "")
    ]


# --- Feedback -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionFeedback:
    session: GatheringSession
    pupil_average: Decimal | None
    teacher_average: Decimal | None
    pupil_count: int
    teacher_count: int
    comments: list[Feedback]


def feedback_summary(
    gathering_sessions: list[GatheringSession],
) -> list[SessionFeedback]:
    """Per session: average pupil and teacher rating and the comments (one query)."""
    by_session: dict[int, list[Feedback]] = defaultdict(list)
    for item in Feedback.objects.filter(session__in=gathering_sessions).order_by("created_at"):
        by_session[item.session_id].append(item)
    summary = []
    for session in gathering_sessions:
        items = by_session[session.pk]
        pupils = [f.rating for f in items if f.pupil_id]
        teachers = [f.rating for f in items if f.teacher_id]
        summary.append(
            SessionFeedback(
                session=session,
                pupil_average=rules.average_rating(pupils),
                teacher_average=rules.average_rating(teachers),
                pupil_count=len(pupils),
                teacher_count=len(teachers),
                comments=[f for f in items if f.comment],
            )
        )
    return summary


# --- Budget ---------------------------------------------------------------------------------


def budget_lines(programme: Programme) -> list[BudgetLine]:
    return list(
        programme.budget_lines.select_related("activity", "session").order_by(
            "activity__starts_on", "activity_id", "category", "pk"
        )
    )


@dataclass(frozen=True)
class ActivityBudget:
    activity: AnnualPlanItem | None
    budget: Decimal | None  # the gathering's own budget, where it has one
    summary: rules.BudgetSummary
    lines: list[BudgetLine]


def budget_by_activity(programme: Programme, lines: list[BudgetLine]) -> list[ActivityBudget]:
    """The lines grouped by activity (programme-wide lines first), each with its sums; a
    gathering's sums are against its own budget."""
    grouped: dict[int | None, list[BudgetLine]] = defaultdict(list)
    for line in lines:
        grouped[line.activity_id].append(line)
    budgets = dict(
        Gathering.objects.filter(programme=programme, plan_item__isnull=False).values_list(
            "plan_item__pk", "budget"
        )
    )
    activities = {line.activity_id: line.activity for line in lines}
    result = []
    for key in sorted(
        grouped, key=lambda k: (k is not None, activities[k].starts_on if k else dt.date.min)
    ):
        budget = budgets.get(key)
        result.append(
            ActivityBudget(
                activity=activities[key],
                budget=budget,
                summary=rules.budget_summary(
                    budget if budget is not None else rules.ZERO,
                    [rules.LineAmounts(x.planned, x.actual, x.category) for x in grouped[key]],
                ),
                lines=grouped[key],
            )
        )
    return result


def budget_summary(programme: Programme, lines: list[BudgetLine]) -> rules.BudgetSummary:
    return rules.budget_summary(
        programme.grant_amount,
        [rules.LineAmounts(line.planned, line.actual, line.category) for line in lines],
    )


def category_rows(summary: rules.BudgetSummary) -> list[tuple[str, Decimal, Decimal | None]]:
    labels = dict(BudgetLine.Category.choices)
    order = list(labels)
    return [
        (str(labels.get(category, category)), planned, actual)
        for category, planned, actual in sorted(
            summary.by_category, key=lambda row: order.index(row[0]) if row[0] in order else 99
        )
    ]


# --- Annual plan ----------------------------------------------------------------------------


@dataclass
class Month:
    year: int
    month: int
    items: list[AnnualPlanItem] = field(default_factory=list)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)


def plan_items(programme: Programme, *, kind: str = "") -> QuerySet[AnnualPlanItem]:
    items = programme.plan_items.select_related("gathering", "network_meeting")
    if kind:
        items = items.filter(kind=kind)
    return items.order_by("starts_on", "title", "pk")


def plan_months(items: Iterable[AnnualPlanItem], school_year: int) -> list[Month]:
    """The twelve months of a school year (August–July), each with its activities."""
    months = [Month(year, month) for year, month in rules.school_year_months(school_year)]
    index = {(m.year, m.month): m for m in months}
    for item in items:
        month = index.get((item.starts_on.year, item.starts_on.month))
        if month is not None:
            month.items.append(item)
    return months


def school_years(programme: Programme) -> list[int]:
    first = rules.school_year_of(programme.starts_on)
    last = rules.school_year_of(programme.ends_on)
    return list(range(first, last + 1))


# --- The report for the grant funder and steering group -------------------------------------


@dataclass(frozen=True)
class GatheringRow:
    gathering: Gathering
    registered: int
    attended: int
    pupil_average: Decimal | None
    teacher_average: Decimal | None


@dataclass(frozen=True)
class Report:
    programme: Programme
    schools: list[School]
    pupils: rules.CrossTable
    participation: rules.CrossTable
    gatherings: list[GatheringRow]
    budget: rules.BudgetSummary
    categories: list[tuple[str, Decimal, Decimal | None]]
    notes: list[EvaluationNote]
    discipline_labels: dict[str, str]
    network_meetings: rules.MeetingCounts

    @property
    def programme_notes(self) -> list[EvaluationNote]:
        """Notes on the programme as a whole, not on one gathering."""
        return [note for note in self.notes if note.gathering_id is None]

    @property
    def gathering_notes(self) -> list[EvaluationNote]:
        return [note for note in self.notes if note.gathering_id is not None]


def report(programme: Programme, *, today: dt.date) -> Report:
    """Everything the programme report shows, in a fixed number of queries."""
    schools = list(partners(programme))
    columns = list(InDepthDiscipline.values)
    pupils = list(programme.pupils.filter(is_active=True).values_list("school_id", "discipline"))
    # A pupil counts as taking part once they came to a gathering (or were registered for a
    # gathering whose attendance was never recorded).
    came = (
        Registration.objects.filter(gathering__programme=programme)
        .exclude(attendance=Registration.Attendance.ABSENT)
        .filter(gathering__date__lte=today)
        .values_list("pupil__school_id", "pupil__discipline", "pupil_id")
        .distinct()
    )
    participation_pairs = [(school, discipline) for school, discipline, _pupil in came]
    rows = [school.pk for school in schools]
    held = list(
        programme.gatherings.filter(status__in=[Gathering.Status.HELD, Gathering.Status.EVALUATED])
        .annotate(
            registered=Count("registrations", distinct=True),
            attended=Count(
                "registrations",
                filter=Q(registrations__attendance=Registration.Attendance.PRESENT),
                distinct=True,
            ),
        )
        .order_by("date")
    )
    ratings: dict[int, dict[str, list[int]]] = defaultdict(lambda: {"pupil": [], "teacher": []})
    for gathering_id, rating, pupil_id in Feedback.objects.filter(
        session__gathering__in=held
    ).values_list("session__gathering_id", "rating", "pupil_id"):
        ratings[gathering_id]["pupil" if pupil_id else "teacher"].append(rating)
    lines = budget_lines(programme)
    summary = budget_summary(programme, lines)
    meetings = [
        (day, bool(minutes.strip()))
        for day, minutes in programme.network_meetings.values_list("date", "minutes")
    ]
    return Report(
        programme=programme,
        schools=schools,
        pupils=rules.cross_table(pupils, rows=rows, columns=columns),
        participation=rules.cross_table(participation_pairs, rows=rows, columns=columns),
        gatherings=[
            GatheringRow(
                gathering=g,
                registered=g.registered,
                attended=g.attended,
                pupil_average=rules.average_rating(ratings[g.pk]["pupil"]),
                teacher_average=rules.average_rating(ratings[g.pk]["teacher"]),
            )
            for g in held
        ],
        budget=summary,
        categories=category_rows(summary),
        notes=list(
            programme.evaluation_notes.select_related("gathering", "author").order_by(
                "gathering__date", "created_at", "pk"
            )
        ),
        discipline_labels={k: str(v) for k, v in InDepthDiscipline.choices},
        network_meetings=rules.network_meeting_counts(meetings, today=today),
    )


def prefetch_sessions() -> Prefetch:
    return Prefetch(
        "sessions",
        queryset=GatheringSession.objects.select_related("instructor").order_by("starts_at", "pk"),
    )
