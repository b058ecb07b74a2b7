"""Read queries for the office's teaching and follow-up pages (§7–§9, §14, §18, §19).

Each function makes a fixed number of queries whatever the number of rows: the absence flags
of a school of 2,000 pupils are computed from three bulk queries and the pure rule
`rules.absence_flags`, applied per placement in Python.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from enrollment import rules
from enrollment.models import (
    AbsenceReport,
    Attendance,
    GroupMember,
    Guardian,
    Lesson,
    Notice,
    Offer,
    ParentWorkGroupMember,
    Placement,
    School,
    SchoolPolicy,
    TeachingGroup,
    Term,
    Termination,
)


def policy_for(school: School) -> SchoolPolicy:
    """The school's saved policy, or the rule book's defaults when none is saved."""
    return SchoolPolicy.objects.filter(school=school).first() or SchoolPolicy(school=school)


# --- Terms


def default_term(terms: list[Term], today: dt.date) -> Term | None:
    """The term running today; between terms the last one that started; else the first."""
    running = [term for term in terms if term.starts_on <= today <= term.ends_on]
    if running:
        return running[0]
    started = [term for term in terms if term.starts_on <= today]
    if started:
        return max(started, key=lambda term: term.starts_on)
    return min(terms, key=lambda term: term.starts_on) if terms else None


def chosen_term(school: School, raw: str | None, today: dt.date) -> tuple[list[Term], Term | None]:
    """The school's terms (newest first) and the one asked for by id, or the default."""
    terms = list(Term.objects.filter(school=school).order_by("-starts_on"))
    if raw and raw.isdigit():
        for term in terms:
            if term.pk == int(raw):
                return terms, term
    return terms, default_term(terms, today)


# --- Teaching groups


def _count(queryset: QuerySet[Any], outer: str) -> Coalesce:
    """A correlated COUNT(*) subquery on `queryset` filtered by `outer` = the row's pk."""
    counted = (
        queryset.filter(**{outer: OuterRef("pk")})
        .order_by()
        .values(outer)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def groups_of_term(school: School, term: Term) -> QuerySet[TeachingGroup]:
    """The school's groups in a term with their current member and scheduled lesson counts."""
    return (
        TeachingGroup.objects.filter(offer__school=school, term=term)
        .select_related("offer", "teacher", "location", "term")
        .annotate(
            member_count=_count(
                GroupMember.objects.exclude(placement__status=Placement.Status.ENDED), "group"
            ),
            lesson_count=_count(Lesson.objects.filter(status=Lesson.Status.SCHEDULED), "group"),
            cancelled_count=_count(Lesson.objects.filter(status=Lesson.Status.CANCELLED), "group"),
        )
        .order_by("weekday", "starts_at", "name", "pk")
    )


def lessons_of_group(group: TeachingGroup) -> QuerySet[Lesson]:
    """The group's lessons with how many were registered present and absent."""
    return (
        Lesson.objects.filter(group=group)
        .select_related("substitute", "location")
        .annotate(
            present_count=Count("attendance", filter=Q(attendance__status="present")),
            absent_count=Count("attendance", filter=Q(attendance__status="absent")),
        )
        .order_by("date", "starts_at", "pk")
    )


def addable_placements(group: TeachingGroup) -> QuerySet[Placement]:
    """Current places in the group's offer that are not in the group yet."""
    return (
        Placement.objects.filter(offer_id=group.offer_id)
        .exclude(status=Placement.Status.ENDED)
        .exclude(group_memberships__group=group)
        .select_related("pupil")
        .order_by("pupil__last_name", "pupil__first_name", "pk")
    )


# --- §9d ii–iii Absence flags


@dataclass(frozen=True)
class FlaggedPlacement:
    """A current place with enough unreported absences in a term to terminate (§9d ii–iii)."""

    placement: Placement
    flags: rules.AbsenceFlags
    unreported: tuple[dt.date, ...] = field(default=())

    @property
    def reason(self) -> str:
        """The §9d reason the flag suggests: ii when the row is long enough, otherwise iii."""
        if self.flags.consecutive:
            return Termination.Reason.CONSECUTIVE_ABSENCES
        return Termination.Reason.TOTAL_ABSENCES

    @property
    def guardians(self) -> list[Guardian]:
        return list(self.placement.pupil.household.guardians.all())


def _marks_by_placement(
    school: School, term: Term, min_absences: int
) -> tuple[dict[int, list[tuple[dt.date, rules.Mark]]], Any]:
    """Two queries: every registered lesson in the term of the places with at least
    `min_absences` absences, and the homes' absence reports for those pupils' lessons.

    The candidate places are a subquery, so no list of ids is ever sent to the database.
    """
    span = (term.starts_on, term.ends_on)
    candidates = (
        Attendance.objects.filter(
            placement__offer__school=school,
            lesson__date__range=span,
            lesson__status=Lesson.Status.SCHEDULED,
            status=Attendance.Status.ABSENT,
        )
        .exclude(placement__status=Placement.Status.ENDED)
        .order_by()
        .values("placement_id")
        .annotate(absences=Count("pk"))
        .filter(absences__gte=min_absences)
        .values("placement_id")
    )
    rows = list(
        Attendance.objects.filter(
            placement_id__in=Subquery(candidates),
            lesson__date__range=span,
            lesson__status=Lesson.Status.SCHEDULED,
        ).values_list("placement_id", "placement__pupil_id", "lesson_id", "lesson__date", "status")
    )
    reported = set(
        AbsenceReport.objects.filter(
            lesson__date__range=span,
            pupil_id__in=Subquery(
                Placement.objects.filter(pk__in=Subquery(candidates)).values("pupil_id")
            ),
        ).values_list("pupil_id", "lesson_id")
    )
    marks: dict[int, list[tuple[dt.date, rules.Mark]]] = defaultdict(list)
    for placement_id, pupil_id, lesson_id, day, status in rows:
        if status == Attendance.Status.PRESENT:
            mark = rules.Mark.PRESENT
        elif (pupil_id, lesson_id) in reported:
            mark = rules.Mark.REPORTED
        else:
            mark = rules.Mark.UNREPORTED
        marks[placement_id].append((day, mark))
    return marks, candidates


def absence_flag_list(school: School, term: Term, policy: SchoolPolicy) -> list[FlaggedPlacement]:
    """Every current place of the school that §9d ii or iii allows the school to terminate
    for absences in `term`, ordered by pupil name. Four queries, whatever the school's size."""
    consecutive_limit = policy.consecutive_unreported_absences
    total_limit = policy.total_unreported_absences
    marks, candidates = _marks_by_placement(
        school, term, max(1, min(consecutive_limit, total_limit))
    )
    flagged: dict[int, tuple[rules.AbsenceFlags, tuple[dt.date, ...]]] = {}
    for placement_id, placement_marks in marks.items():
        flags = rules.absence_flags(
            placement_marks, consecutive_limit=consecutive_limit, total_limit=total_limit
        )
        if flags.flagged:
            unreported = tuple(
                sorted(day for day, mark in placement_marks if mark == rules.Mark.UNREPORTED)
            )
            flagged[placement_id] = (flags, unreported)
    if not flagged:
        return []
    placements = (
        Placement.objects.filter(pk__in=Subquery(candidates))
        .select_related("pupil__household", "offer")
        .prefetch_related(
            Prefetch("pupil__household__guardians", queryset=Guardian.objects.order_by("pk"))
        )
        .order_by("pupil__last_name", "pupil__first_name", "pk")
    )
    return [
        FlaggedPlacement(placement, *flagged[placement.pk])
        for placement in placements
        if placement.pk in flagged
    ]


def placement_absence_flags(
    placement: Placement, term: Term, policy: SchoolPolicy
) -> rules.AbsenceFlags:
    """The §9d ii–iii flags of one place in one term, read as termination_decide reads them."""
    from enrollment.services.lifecycle import absence_marks

    return rules.absence_flags(
        absence_marks(placement, term),
        consecutive_limit=policy.consecutive_unreported_absences,
        total_limit=policy.total_unreported_absences,
    )


# --- §7 Absence reported by phone or e-mail


def pupil_lessons(school: School, pupil_id: int, term: Term) -> list[Lesson]:
    """The scheduled lessons in `term` of the groups the pupil is in, each with `report` (the
    home's report for it, if any) and `attendance_status` ("present", "absent" or "")."""
    groups = (
        GroupMember.objects.filter(placement__pupil_id=pupil_id, placement__offer__school=school)
        .exclude(placement__status=Placement.Status.ENDED)
        .values("group_id")
    )
    lessons = list(
        Lesson.objects.filter(
            group_id__in=Subquery(groups),
            date__range=(term.starts_on, term.ends_on),
            status=Lesson.Status.SCHEDULED,
        )
        .select_related("group__offer")
        .order_by("date", "starts_at", "pk")
    )
    reports = {
        report.lesson_id: report
        for report in AbsenceReport.objects.filter(
            pupil_id=pupil_id, lesson__in=[lesson.pk for lesson in lessons]
        )
    }
    attendance = dict(
        Attendance.objects.filter(
            placement__pupil_id=pupil_id, lesson__in=[lesson.pk for lesson in lessons]
        ).values_list("lesson_id", "status")
    )
    for lesson in lessons:
        lesson.report = reports.get(lesson.pk)
        lesson.attendance_status = attendance.get(lesson.pk, "")
    return lessons


# --- §9b Notices and places ending


def notices_of_school(school: School) -> QuerySet[Notice]:
    return (
        Notice.objects.filter(placement__offer__school=school)
        .select_related("placement__pupil", "placement__offer", "last_term")
        .order_by("-given_at", "-pk")
    )


ENDING_REASONS = (
    Placement.EndReason.NOTICE,
    Placement.EndReason.TERMINATION,
    Placement.EndReason.UPPER_AGE,
)


def places_ending(school: School, *, first: dt.date, last: dt.date) -> QuerySet[Placement]:
    """Current places that end between two days by notice, termination or upper age (§19)."""
    return (
        Placement.objects.filter(
            offer__school=school, ends_on__range=(first, last), end_reason__in=ENDING_REASONS
        )
        .exclude(status=Placement.Status.ENDED)
        .select_related("pupil", "offer")
        .order_by("ends_on", "pupil__last_name", "pupil__first_name", "pk")
    )


# --- §18 Parent work groups


def work_group_offers(school: School) -> QuerySet[Offer]:
    """The school's offers with a parent work group and how many guardians are in each."""
    current = ParentWorkGroupMember.objects.exclude(placement__status=Placement.Status.ENDED)
    return (
        Offer.objects.filter(school=school, parent_work_group=True)
        .annotate(
            member_count=_count(current, "offer"),
            pupil_count=Coalesce(
                Subquery(
                    current.filter(offer=OuterRef("pk"))
                    .order_by()
                    .values("offer")
                    .annotate(n=Count("placement", distinct=True))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
        )
        .order_by("name", "pk")
    )


def work_group_members(offer: Offer) -> QuerySet[ParentWorkGroupMember]:
    """The guardians of pupils with a current place in the offer, with the pupil."""
    return (
        ParentWorkGroupMember.objects.filter(offer=offer)
        .exclude(placement__status=Placement.Status.ENDED)
        .select_related("guardian", "placement__pupil")
        .order_by("guardian__last_name", "guardian__first_name", "placement__pupil__first_name")
    )
