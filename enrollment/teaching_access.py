"""Who may open a lesson's register or change a lesson, and the read queries the teacher's
pages share (today's lessons, the register, a group's lessons and members).

`kulturskole.access.groups_for_teacher` covers a teacher's own groups. Lessons reach further:
- a substitute (`Lesson.substitute`) registers attendance for that one lesson, nothing else of
  the group;
- office staff and principals of the group's school change, cancel and register any lesson of
  their school, through the same pages (their own pages link here).
Anything outside that scope is simply not found (404), as everywhere else.

Every selector makes a fixed number of queries whatever the number of pupils or lessons.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from enrollment import rules
from enrollment.models import (
    AbsenceReport,
    Attendance,
    ConferenceSlot,
    EffortAssessment,
    GroupMember,
    Lesson,
    Placement,
    SchoolPolicy,
    StaffRole,
    TeachingGroup,
)
from kulturskole import audit
from kulturskole.access import SCHOOL_ADMIN_ROLES, Role, groups_for_teacher, roles_for

# --- Who may do what with a lesson ---------------------------------------------------------------


def office_school_ids(user: Any) -> frozenset[int] | None:
    """Schools where the user is office staff or principal; None means every school."""
    held = roles_for(user)
    if held.is_superuser:
        return None
    return held.school_ids(*SCHOOL_ADMIN_ROLES)


def may_open_lessons(user: Any) -> bool:
    """Whether the user holds any role that reaches lessons at all (else 403, not 404)."""
    held = roles_for(user)
    return held.is_superuser or held.has(Role.TEACHER, *SCHOOL_ADMIN_ROLES)


def _teaching_scope(user: Any) -> Q:
    """Lessons of the user's own groups, and those the user gives as a substitute."""
    teacher_schools = roles_for(user).school_ids(Role.TEACHER)
    return Q(group__in=groups_for_teacher(user)) | Q(
        substitute=user, group__offer__school_id__in=teacher_schools
    )


def lessons_for(user: Any) -> QuerySet[Lesson]:
    """Every lesson whose page the user may open: own groups, substitute lessons, and every
    lesson at a school where the user is office staff or principal."""
    if not getattr(user, "is_authenticated", False):
        return Lesson.objects.none()
    office = office_school_ids(user)
    if office is None:
        return Lesson.objects.all()
    return Lesson.objects.filter(_teaching_scope(user) | Q(group__offer__school_id__in=office))


def teacher_lessons(user: Any) -> QuerySet[Lesson]:
    """The lessons a person teaches: own groups and substitute lessons (not the office's)."""
    return Lesson.objects.filter(_teaching_scope(user))


def is_group_teacher(user: Any, group: TeachingGroup) -> bool:
    return group.teacher_id == user.pk and group.offer.school_id in roles_for(user).school_ids(
        Role.TEACHER
    )


def is_school_office(user: Any, school_id: int) -> bool:
    office = office_school_ids(user)
    return office is None or school_id in office


def may_change_lesson(user: Any, lesson: Lesson) -> bool:
    """Cancel, move, send a substitute (§8) or change the content (§17): the group's own
    teacher, or the office or principal of the group's school. Not a substitute."""
    group = lesson.group
    return is_group_teacher(user, group) or is_school_office(user, group.offer.school_id)


def may_register(user: Any, lesson: Lesson) -> bool:
    """Attendance and absence reports: the group's teacher, the lesson's substitute, and the
    school's office (§7: "recorded by office or teacher")."""
    if may_change_lesson(user, lesson):
        return True
    return lesson.substitute_id == user.pk and lesson.group.offer.school_id in roles_for(
        user
    ).school_ids(Role.TEACHER)


def school_teachers(school_id: int) -> QuerySet[Any]:
    """The users who teach at a school: the choices for a substitute (§8a)."""
    from django.contrib.auth import get_user_model

    ids = StaffRole.objects.filter(school_id=school_id, role=Role.TEACHER).values("user_id")
    return (
        get_user_model()
        .objects.filter(pk__in=ids, is_active=True)
        .order_by("first_name", "last_name", "email")
    )


def policy_for(school: Any) -> SchoolPolicy:
    try:
        return school.policy
    except SchoolPolicy.DoesNotExist:
        return SchoolPolicy(school=school)


# --- Lessons on the teacher's day ----------------------------------------------------------------


def _current_members(group_ref: Any) -> QuerySet[GroupMember]:
    return GroupMember.objects.filter(group=group_ref).exclude(
        placement__status=Placement.Status.ENDED
    )


def with_register_counts(lessons: QuerySet[Lesson]) -> QuerySet[Lesson]:
    """Adds `registered` (attendance rows) and `pupil_count` (current members) to each lesson."""
    members = (
        _current_members(OuterRef("group_id"))
        .order_by()
        .values("group_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return lessons.annotate(
        registered=Count("attendance", distinct=True),
        pupil_count=Coalesce(Subquery(members, output_field=IntegerField()), Value(0)),
    )


def lessons_between(user: Any, first: dt.date, last: dt.date) -> QuerySet[Lesson]:
    return with_register_counts(
        teacher_lessons(user)
        .filter(date__range=(first, last))
        .select_related("group__offer__school", "group__teacher", "location", "substitute")
        .order_by("date", "starts_at", "group__name")
    )


def unregistered_before(user: Any, today: dt.date, days: int = 14) -> list[Lesson]:
    """Lessons of the last `days` days nobody registered although the group has pupils."""
    lessons = lessons_between(user, today - dt.timedelta(days=days), today - dt.timedelta(days=1))
    return [
        lesson
        for lesson in lessons.filter(status=Lesson.Status.SCHEDULED).reverse()
        if lesson.registered == 0 and lesson.pupil_count
    ]


# --- The register of one lesson ------------------------------------------------------------------


@dataclass
class RegisterRow:
    """One pupil on a lesson's register, with everything the row shows."""

    member: GroupMember
    attendance: str  # "present", "absent" or "" (not registered)
    report: AbsenceReport | None  # the home's report of absence for this lesson (§7)
    trial: rules.TrialState | None  # set while the pupil is still in the trial (§6)
    missed: Lesson | None  # the previous lesson, missed without notice: a note may come (§7)
    error: str = ""  # why the last tap changed nothing (htmx answers)
    done: str = ""  # what the last action did, when the row alone does not show it

    @property
    def placement(self) -> Placement:
        return self.member.placement

    @property
    def pupil(self) -> Any:
        return self.member.placement.pupil

    @property
    def on_leave(self) -> bool:
        return self.placement.status == Placement.Status.ON_LEAVE

    @property
    def unreported(self) -> bool:
        return self.attendance == Attendance.Status.ABSENT and self.report is None

    @property
    def reported_in_advance(self) -> bool:
        return self.report is not None and self.report.via != AbsenceReport.Via.NOTE


def register_members(lesson: Lesson) -> QuerySet[GroupMember]:
    """The group's pupils on the lesson's day: places that had started and had not ended."""
    day = lesson.date
    present = Attendance.objects.filter(
        placement=OuterRef("placement_id"), status=Attendance.Status.PRESENT
    )
    earlier_place = Placement.objects.filter(
        pupil_id=OuterRef("placement__pupil_id"),
        offer_id=OuterRef("placement__offer_id"),
        starts_on__lt=OuterRef("placement__starts_on"),
    ).exclude(pk=OuterRef("placement_id"))
    return (
        GroupMember.objects.filter(group_id=lesson.group_id, placement__starts_on__lte=day)
        .filter(~Q(placement__status=Placement.Status.ENDED) | Q(placement__ends_on__gt=day))
        .select_related("placement__pupil", "placement__starts_term")
        .annotate(
            attended=Coalesce(
                Subquery(
                    present.order_by()
                    .values("placement_id")
                    .annotate(count=Count("pk"))
                    .values("count"),
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
            attended_before=Exists(earlier_place),
        )
        .order_by("placement__pupil__first_name", "placement__pupil__last_name", "pk")
    )


def previous_lesson(lesson: Lesson) -> Lesson | None:
    """The group's lesson before this one that was held (not cancelled)."""
    return (
        Lesson.objects.filter(group_id=lesson.group_id, status=Lesson.Status.SCHEDULED)
        .filter(Q(date__lt=lesson.date) | Q(date=lesson.date, starts_at__lt=lesson.starts_at))
        .order_by("-date", "-starts_at")
        .first()
    )


def register_rows(
    lesson: Lesson, *, today: dt.date, placement_ids: Iterable[int] | None = None
) -> list[RegisterRow]:
    """The register: one row per pupil. `placement_ids` narrows it to the rows to redraw.

    `lesson` must come with `group__offer__school__policy` selected (see `lesson_for_register`).
    Queries: members, this lesson's attendance, its reports, the previous lesson, and that
    lesson's absences and reports: six, for 3 pupils or 30.
    """
    members = register_members(lesson)
    if placement_ids is not None:
        members = members.filter(placement_id__in=list(placement_ids))
    members = list(members)
    placement_ids = [m.placement_id for m in members]
    pupil_ids = [m.placement.pupil_id for m in members]
    attendance = dict(
        Attendance.objects.filter(lesson=lesson, placement_id__in=placement_ids).values_list(
            "placement_id", "status"
        )
    )
    reports = {
        report.pupil_id: report
        for report in AbsenceReport.objects.filter(lesson=lesson, pupil_id__in=pupil_ids)
    }
    missed_by: set[int] = set()
    previous = previous_lesson(lesson) if members else None
    if previous is not None:
        absent = set(
            Attendance.objects.filter(
                lesson=previous,
                placement_id__in=placement_ids,
                status=Attendance.Status.ABSENT,
            ).values_list("placement_id", flat=True)
        )
        reported = set(
            AbsenceReport.objects.filter(lesson=previous, pupil_id__in=pupil_ids).values_list(
                "pupil_id", flat=True
            )
        )
        missed_by = {
            m.placement_id
            for m in members
            if m.placement_id in absent and m.placement.pupil_id not in reported
        }
    trial_lessons = policy_for(lesson.group.offer.school).trial_lessons
    rows = []
    for member in members:
        placement = member.placement
        trial = None
        if placement.status == Placement.Status.TRIAL:
            # The same reading as lifecycle.trial_state_of, from the annotations.
            state = rules.trial_state(
                attended=member.attended,  # type: ignore[attr-defined]
                trial_lessons=trial_lessons,
                in_first_term=today <= placement.starts_term.ends_on,
                attended_offer_before=member.attended_before,  # type: ignore[attr-defined]
            )
            trial = state if state.can_withdraw else None
        rows.append(
            RegisterRow(
                member=member,
                attendance=attendance.get(placement.pk, ""),
                report=reports.get(placement.pupil_id),
                trial=trial,
                missed=previous if placement.pk in missed_by else None,
            )
        )
    return rows


def lesson_for_register(queryset: QuerySet[Lesson]) -> QuerySet[Lesson]:
    return queryset.select_related(
        "group__offer__school__policy",
        "group__offer__department",
        "group__term",
        "group__teacher",
        "location",
        "substitute",
    )


@dataclass(frozen=True)
class RegisterSummary:
    pupils: int
    present: int
    absent: int
    unreported: int

    @property
    def not_registered(self) -> int:
        return max(self.pupils - self.present - self.absent, 0)


def register_summary(rows: list[RegisterRow]) -> RegisterSummary:
    counts = Counter(row.attendance for row in rows)
    return RegisterSummary(
        pupils=len(rows),
        present=counts[Attendance.Status.PRESENT],
        absent=counts[Attendance.Status.ABSENT],
        unreported=sum(row.unreported for row in rows),
    )


# --- A group's lessons and members ---------------------------------------------------------------


@dataclass(frozen=True)
class LessonTally:
    present: int = 0
    absent: int = 0
    unreported: int = 0


def lesson_tallies(lessons: list[Lesson]) -> dict[int, LessonTally]:
    """Present, absent and unreported absent per lesson, in two queries."""
    ids = [lesson.pk for lesson in lessons]
    marks = Attendance.objects.filter(lesson_id__in=ids).values_list(
        "lesson_id", "status", "placement__pupil_id"
    )
    reported = set(
        AbsenceReport.objects.filter(lesson_id__in=ids).values_list("lesson_id", "pupil_id")
    )
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for lesson_id, status, pupil_id in marks:
        counts[lesson_id][status] += 1
        if status == Attendance.Status.ABSENT and (lesson_id, pupil_id) not in reported:
            counts[lesson_id]["unreported"] += 1
    return {
        lesson_id: LessonTally(
            c[Attendance.Status.PRESENT], c[Attendance.Status.ABSENT], c["unreported"]
        )
        for lesson_id, c in counts.items()
    }


def effort_by_placement(placement_ids: list[int]) -> dict[int, list[EffortAssessment]]:
    """Each placement's effort assessments (§16b), oldest term first."""
    found: dict[int, list[EffortAssessment]] = defaultdict(list)
    for assessment in (
        EffortAssessment.objects.filter(placement_id__in=placement_ids)
        .select_related("term")
        .order_by("term__starts_on")
    ):
        found[assessment.placement_id].append(assessment)
    return found


# --- Conference hours (§15) ----------------------------------------------------------------------


def performer_track_schools(user: Any, today: dt.date) -> QuerySet[Any]:
    """Schools where the user teaches a performer-track («Utøver») group now or later (§15)."""
    from enrollment.models import School

    groups = groups_for_teacher(user).filter(
        offer__department__performer_track=True, term__ends_on__gte=today
    )
    return School.objects.filter(pk__in=groups.values("offer__school_id")).order_by("name")


def conference_slot_delete(*, actor: Any, slot: ConferenceSlot) -> bool:
    """Withdraw a published conference hour nobody has booked. False if a home booked it
    meanwhile: the conditional delete is the guard, so a booking is never lost."""
    with transaction.atomic():
        deleted, _rows = ConferenceSlot.objects.filter(pk=slot.pk, placement__isnull=True).delete()
        if not deleted:
            return False
        audit.record(
            actor=actor,
            action="conference.withdrawn",
            subject=slot.school,
            summary=f"Conference hour {slot.starts_at:%Y-%m-%d %H:%M} withdrawn by {actor}",
        )
    return True
