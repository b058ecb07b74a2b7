"""The pupil life cycle: lessons, attendance and absence, trial, notice, termination, leave,
conference hours, effort and the parent work group (§6–§19).

Every write runs in a transaction, checks the rule it applies (enrollment/rules.py) and
records who did it, when and why (kulturskole.audit). E-mails go through
kulturskole.messaging.notify, once per occasion, in each guardian's language.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import holidays
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from enrollment import rules
from enrollment.models import (
    AbsenceReport,
    Application,
    Attendance,
    ConferenceSlot,
    EffortAcknowledgement,
    EffortAssessment,
    GroupMember,
    Guardian,
    Leave,
    Lesson,
    Notice,
    Offer,
    ParentWorkGroupMember,
    Placement,
    Pupil,
    SchoolHoliday,
    SchoolPolicy,
    TeachingGroup,
    Term,
    Termination,
)
from enrollment.signals import place_freed
from kulturskole import audit
from kulturskole.messaging import absolute_url, notify
from kulturskole.pdf import render_pdf


class LifecycleError(Exception):
    """A request the rules do not allow; the message says why, for the user."""


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def policy_of(placement: Placement) -> SchoolPolicy:
    school = placement.offer.school
    try:
        return school.policy
    except SchoolPolicy.DoesNotExist:
        return SchoolPolicy(school=school)


def notify_household(
    pupil: Pupil,
    *,
    key: str,
    template: str,
    context: dict[str, Any],
    attachment: tuple[str, bytes] | None = None,
) -> int:
    """E-mail every guardian of the pupil's household with an address, in their language."""
    sent = 0
    for guardian in Guardian.objects.filter(household_id=pupil.household_id).select_related("user"):
        user = guardian.user
        email = (user.email if user else "") or guardian.email
        if not email:
            continue
        message = notify(
            key=f"{key}-guardian-{guardian.pk}",
            template=template,
            to_email=email,
            user=user,
            language=getattr(user, "language", None) or settings.LANGUAGE_CODE,
            context={**context, "guardian": guardian, "pupil": pupil},
            attachment=attachment,
        )
        sent += message is not None
    return sent


def household_language(pupil: Pupil) -> str:
    """The language a letter to the home is written in: the first guardian's own choice."""
    for guardian in (
        Guardian.objects.filter(household_id=pupil.household_id)
        .select_related("user")
        .order_by("pk")
    ):
        if guardian.user and guardian.user.language:
            return guardian.user.language
    return settings.LANGUAGE_CODE


def _free_after_commit(offer_id: int) -> None:
    """Tell whoever admits pupils (the waitlist app) that a place in the offer is free."""
    transaction.on_commit(lambda: place_freed.send(sender=Placement, offer_id=offer_id))


# --- Teaching groups and lessons ------------------------------------------------------------


def closed_days_for(group: TeachingGroup) -> frozenset[dt.date]:
    term = group.term
    breaks = SchoolHoliday.objects.filter(
        school_id=term.school_id, ends_on__gte=term.starts_on, starts_on__lte=term.ends_on
    ).values_list("starts_on", "ends_on")
    public = holidays.country_holidays(
        "NO", years=range(term.starts_on.year, term.ends_on.year + 1)
    )
    return rules.closed_days(breaks, public_holidays=public.keys())


@transaction.atomic
def lessons_generate(*, actor: Any, group: TeachingGroup) -> int:
    """Create the group's lessons for its term; running it again adds only what is missing."""
    term = group.term
    dates = rules.lesson_dates(
        first_day=term.starts_on,
        last_day=term.ends_on,
        weekday=group.weekday,
        closed=closed_days_for(group),
    )
    # A day that already has a lesson is done, whatever its time: the group's time may have
    # changed since, and a second lesson that day would be a duplicate, not a missing one.
    existing = set(Lesson.objects.filter(group=group).values_list("date", flat=True))
    moved = set(
        Lesson.objects.filter(group=group, moved_from__isnull=False).values_list(
            "moved_from", flat=True
        )
    )
    new = [
        Lesson(
            group=group,
            date=day,
            starts_at=group.starts_at,
            ends_at=group.ends_at,
            location_id=group.location_id,
            room=group.room,
        )
        for day in dates
        if day not in existing and day not in moved
    ]
    Lesson.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        audit.record(
            actor=actor,
            action="lessons.generated",
            subject=group,
            summary=f"{len(new)} lessons generated for {group}",
        )
    return len(new)


@transaction.atomic
def group_member_add(*, actor: Any, group: TeachingGroup, placement: Placement) -> GroupMember:
    if placement.offer_id != group.offer_id:
        raise LifecycleError(_("The pupil's place is in another offer than this group's."))
    if placement.status == Placement.Status.ENDED:
        raise LifecycleError(_("This place has ended."))
    if placement.ends_on and placement.ends_on < group.term.starts_on:
        raise LifecycleError(_("The place ends before this group's term starts."))
    member, created = GroupMember.objects.get_or_create(group=group, placement=placement)
    if created:
        audit.record(
            actor=actor,
            action="group.member_added",
            subject=group,
            summary=f"{placement.pupil} added to {group}",
        )
    return member


@transaction.atomic
def group_member_remove(*, actor: Any, member: GroupMember) -> None:
    audit.record(
        actor=actor,
        action="group.member_removed",
        subject=member.group,
        summary=f"{member.placement.pupil} removed from {member.group}",
    )
    member.delete()


def _group_households(group: TeachingGroup) -> list[list[Pupil]]:
    """The group's current pupils, household by household (siblings together)."""
    households: dict[int, list[Pupil]] = {}
    for member in (
        GroupMember.objects.filter(group=group)
        .exclude(placement__status=Placement.Status.ENDED)
        .select_related("placement__pupil")
        .order_by("placement__pupil__first_name")
    ):
        pupil = member.placement.pupil
        households.setdefault(pupil.household_id, []).append(pupil)
    return list(households.values())


def _notify_group(lesson: Lesson, *, key: str, template: str, context: dict[str, Any]) -> None:
    """One e-mail per guardian of each household, naming all its children in the group."""
    for children in _group_households(lesson.group):
        notify_household(
            children[0],
            key=f"{key}-household-{children[0].household_id}",
            template=template,
            context={**context, "children": ", ".join(p.first_name for p in children)},
        )


def _lesson_context(lesson: Lesson) -> dict[str, Any]:
    return {
        "lesson": lesson,
        "group": lesson.group,
        "offer": lesson.group.offer,
        "school": lesson.group.offer.school,
        "url": absolute_url(reverse("family:lessons")),
    }


@transaction.atomic
def lesson_cancel(
    *, actor: Any, lesson: Lesson, reason: str, now: dt.datetime | None = None
) -> Lesson:
    """The school cancels a lesson (§8); the homes are told. Counted for the §8b reduction."""
    lesson = (
        Lesson.objects.select_for_update().select_related("group__offer__school").get(pk=lesson.pk)
    )
    if lesson.is_cancelled:
        raise LifecycleError(_("This lesson is already cancelled."))
    lesson.status = Lesson.Status.CANCELLED
    lesson.cancellation_reason = reason.strip()
    lesson.cancelled_at = _now(now)
    lesson.save(update_fields=["status", "cancellation_reason", "cancelled_at"])
    audit.record(
        actor=actor,
        action="lesson.cancelled",
        subject=lesson,
        summary=f"Lesson {lesson} cancelled",
        reason=lesson.cancellation_reason,
    )
    _notify_group(
        lesson,
        key=f"lesson-cancelled-{lesson.pk}",
        template="lesson_cancelled",
        context=_lesson_context(lesson),
    )
    return lesson


@transaction.atomic
def lesson_change(
    *,
    actor: Any,
    lesson: Lesson,
    date: dt.date,
    starts_at: dt.time,
    ends_at: dt.time,
    substitute: Any = None,
    room: str = "",
    kind: str = Lesson.Kind.ORDINARY,
    note: str = "",
) -> Lesson:
    """A substitute, another day or time (§8a), or another kind of lesson (§17)."""
    lesson = (
        Lesson.objects.select_for_update().select_related("group__offer__school").get(pk=lesson.pk)
    )
    if lesson.is_cancelled:
        raise LifecycleError(_("A cancelled lesson cannot be changed."))
    if starts_at >= ends_at:
        raise LifecycleError(_("The lesson must end after it starts."))
    moved = (date, starts_at) != (lesson.date, lesson.starts_at)
    if (
        moved
        and Lesson.objects.filter(group=lesson.group, date=date, starts_at=starts_at)
        .exclude(pk=lesson.pk)
        .exists()
    ):
        raise LifecycleError(_("The group already has a lesson at that time."))
    substitute_changed = (substitute.pk if substitute else None) != lesson.substitute_id
    if moved and lesson.moved_from is None:
        lesson.moved_from = lesson.date
    lesson.date, lesson.starts_at, lesson.ends_at = date, starts_at, ends_at
    lesson.substitute = substitute
    lesson.room = room.strip()
    lesson.kind = kind
    lesson.note = note.strip()
    lesson.save()
    audit.record(
        actor=actor,
        action="lesson.changed",
        subject=lesson,
        summary=f"Lesson {lesson} changed",
        data={"moved": moved, "substitute": substitute.pk if substitute else None},
    )
    if moved or substitute_changed:
        # Numbered by the changes made so far: a lesson moved back is told about too.
        change = audit.history(lesson).filter(action="lesson.changed").count()
        _notify_group(
            lesson,
            key=f"lesson-changed-{lesson.pk}-{change}",
            template="lesson_changed",
            context={**_lesson_context(lesson), "moved": moved, "substitute": substitute},
        )
    return lesson


# --- Attendance and absence (§7) -------------------------------------------------------------


@transaction.atomic
def attendance_set(
    *,
    actor: Any,
    lesson: Lesson,
    placement: Placement,
    status: str,
    now: dt.datetime | None = None,
) -> Attendance:
    if status not in Attendance.Status.values:
        raise LifecycleError(_("Mark the pupil present or absent."))
    if lesson.is_cancelled:
        raise LifecycleError(_("The lesson was cancelled; there is no attendance to register."))
    if lesson.date > timezone.localdate(_now(now)):
        raise LifecycleError(_("Attendance is registered on the day of the lesson or after."))
    if placement.ends_on and lesson.date > placement.ends_on:
        raise LifecycleError(_("The place had ended by the day of this lesson."))
    if (
        placement.status == Placement.Status.ON_LEAVE
        and placement.leaves.filter(
            status=Leave.Status.APPROVED, starts_on__lte=lesson.date
        ).exists()
    ):
        raise LifecycleError(_("The pupil is on leave from this lesson's day."))
    if not GroupMember.objects.filter(group_id=lesson.group_id, placement=placement).exists():
        raise LifecycleError(_("The pupil is not in this group."))
    attendance, _created = Attendance.objects.update_or_create(
        lesson=lesson,
        placement=placement,
        defaults={"status": status, "recorded_by": actor, "recorded_at": _now(now)},
    )
    if status == Attendance.Status.PRESENT and placement.status == Placement.Status.TRIAL:
        _end_trial_if_used(placement)
    return attendance


def _end_trial_if_used(placement: Placement) -> None:
    """After the trial lessons are attended the place is simply active (§6)."""
    attended = Attendance.objects.filter(
        placement=placement, status=Attendance.Status.PRESENT
    ).count()
    if attended > policy_of(placement).trial_lessons:
        Placement.objects.filter(pk=placement.pk, status=Placement.Status.TRIAL).update(
            status=Placement.Status.ACTIVE
        )


@transaction.atomic
def absence_report(
    *,
    actor: Any,
    pupil: Pupil,
    lessons: Iterable[Lesson],
    via: str,
    reason: str = "",
    now: dt.datetime | None = None,
) -> int:
    """Record that the home reported an absence (§7); guardians report future lessons only."""
    if via not in AbsenceReport.Via.values:
        raise LifecycleError(_("Say how the absence was reported."))
    now = _now(now)
    today = timezone.localdate(now)
    lessons = list(lessons)
    own_groups = set(
        GroupMember.objects.filter(
            placement__pupil=pupil, group_id__in={lesson.group_id for lesson in lessons}
        ).values_list("group_id", flat=True)
    )
    created = 0
    for lesson in lessons:
        if lesson.group_id not in own_groups:
            raise LifecycleError(_("The pupil is not in this group."))
        if lesson.is_cancelled:
            raise LifecycleError(_("The lesson is cancelled; there is no absence to report."))
        starts = dt.datetime.combine(
            lesson.date, lesson.starts_at, tzinfo=timezone.get_current_timezone()
        )
        if via == AbsenceReport.Via.ONLINE and (lesson.date < today or starts <= now):
            raise LifecycleError(
                _("Absence is reported online before the lesson. Afterwards, bring a note.")
            )
        if (
            via == AbsenceReport.Via.NOTE
            and not Attendance.objects.filter(
                lesson=lesson, placement__pupil=pupil, status=Attendance.Status.ABSENT
            ).exists()
        ):
            raise LifecycleError(_("A note is for a lesson the pupil was registered absent from."))
        _report, made = AbsenceReport.objects.get_or_create(
            lesson=lesson,
            pupil=pupil,
            defaults={
                "via": via,
                "reason": reason.strip(),
                "reported_by": actor,
                "reported_at": now,
            },
        )
        created += made
    if created:
        audit.record(
            actor=actor,
            action="absence.reported",
            subject=pupil,
            summary=f"{created} absences reported for {pupil} ({via})",
            reason=reason.strip(),
        )
    return created


# --- §6 Trial and withdrawal ------------------------------------------------------------------


def trial_state_of(placement: Placement, *, today: dt.date) -> rules.TrialState:
    attended = Attendance.objects.filter(
        placement=placement, status=Attendance.Status.PRESENT
    ).count()
    attended_before = (
        Placement.objects.filter(pupil_id=placement.pupil_id, offer_id=placement.offer_id)
        .exclude(pk=placement.pk)
        .filter(starts_on__lt=placement.starts_on)
        .exists()
    )
    return rules.trial_state(
        attended=attended,
        trial_lessons=policy_of(placement).trial_lessons,
        in_first_term=today <= placement.starts_term.ends_on,
        attended_offer_before=attended_before,
    )


def trial_closed_message(closed: rules.TrialClosed) -> str:
    if closed == rules.TrialClosed.USED:
        return _("The trial lessons are used, so the place ends only by notice (§6, §9).")
    if closed == rules.TrialClosed.NOT_FIRST_TERM:
        return _("The trial applies only in the first term of a place (§6b). Give notice instead.")
    return _(
        "The trial applies only to an offer the pupil has not attended before (§6b). "
        "Give notice instead."
    )


def trial_withdraw(*, actor: Any, placement: Placement, now: dt.datetime | None = None) -> None:
    """§6: written withdrawal before the attendance after the trial: the place ends, no charge."""
    now = _now(now)
    today = timezone.localdate(now)
    with transaction.atomic():
        placement = (
            Placement.objects.select_for_update(of=("self",))
            .select_related("offer__school", "starts_term", "pupil")
            .get(pk=placement.pk)
        )
        if placement.status == Placement.Status.ENDED:
            raise LifecycleError(_("This place has already ended."))
        state = trial_state_of(placement, today=today)
        if not state.can_withdraw:
            raise LifecycleError(trial_closed_message(state.closed))
        placement.status = Placement.Status.ENDED
        placement.ends_on = max(today, placement.starts_on)
        placement.end_reason = Placement.EndReason.TRIAL_WITHDRAWAL
        placement.save(update_fields=["status", "ends_on", "end_reason"])
        audit.record(
            actor=actor,
            action="placement.trial_withdrawal",
            subject=placement,
            summary=f"{placement} withdrawn during the trial (§6), no charge",
        )
        notify_household(
            placement.pupil,
            key=f"trial-withdrawal-{placement.pk}",
            template="trial_withdrawal",
            context={
                "placement": placement,
                "offer": placement.offer,
                "school": placement.offer.school,
            },
        )
        _free_after_commit(placement.offer_id)


# --- §9 Notice from the home ------------------------------------------------------------------


@dataclass(frozen=True)
class NoticePreview:
    """What notice given today means, stated before the guardian confirms."""

    last_term: rules.TermRef | None  # None: a course, which binds for the whole course
    ends_on: dt.date | None  # the last day, when the school has entered the term's dates
    billed: list[rules.TermRef]  # terms still to be paid, from the current one
    binds_next_term: bool
    before_start: bool  # the place ends before it starts: nothing to pay


def _last_day(ref: rules.TermRef) -> dt.date:
    return dt.date(ref.year, 6, 30) if ref.season == "spring" else dt.date(ref.year, 12, 31)


def notice_preview(placement: Placement, *, today: dt.date) -> NoticePreview:
    offer = placement.offer
    if offer.kind == Offer.Kind.COURSE:
        return NoticePreview(None, offer.course_ends_on, [], False, False)
    policy = policy_of(placement)
    outcome = rules.notice_outcome(
        today,
        deadline_for_spring=policy.notice_deadline_for_spring,
        deadline_for_autumn=policy.notice_deadline_for_autumn,
    )
    first = max(
        rules.TermRef.of(today),
        rules.TermRef(placement.starts_term.year, placement.starts_term.season),
    )
    last_term = outcome.last_term
    term = Term.objects.filter(
        school_id=offer.school_id, year=last_term.year, season=last_term.season
    ).first()
    ends_on = term.ends_on if term else None
    # Notice never keeps a place longer than it already runs: one that ends earlier by the
    # upper age (§19) or by a decision from a later day (§9d) still ends then, and no term
    # after that is billed.
    already = placement.ends_on
    if already is not None and already < (ends_on or _last_day(last_term)):
        last_term = min(last_term, rules.TermRef.of(already))
        ends_on = already
    billed = rules.terms_between(first, last_term)
    return NoticePreview(
        last_term=last_term,
        ends_on=ends_on,
        billed=billed,
        binds_next_term=last_term > rules.TermRef.of(today),
        before_start=not billed,
    )


def notice_give(
    *, actor: Any, placement: Placement, reason: str = "", now: dt.datetime | None = None
) -> Notice:
    """Written notice from the home, received now (§9b); the place ends as the preview said."""
    now = _now(now)
    today = timezone.localdate(now)
    with transaction.atomic():
        placement = (
            Placement.objects.select_for_update(of=("self",))
            .select_related("offer__school", "starts_term", "pupil")
            .get(pk=placement.pk)
        )
        if (
            placement.status == Placement.Status.ENDED
            or Notice.objects.filter(placement=placement).exists()
        ):
            raise LifecycleError(_("Notice has already been given for this place."))
        preview = notice_preview(placement, today=today)
        if preview.last_term is None:
            ends_on = placement.offer.course_ends_on or today
            last_term = None
        else:
            ends_on = preview.ends_on or _last_day(preview.last_term)
            last_term = Term.objects.filter(
                school_id=placement.offer.school_id,
                year=preview.last_term.year,
                season=preview.last_term.season,
            ).first()
        ends_on = max(ends_on, placement.starts_on)
        if placement.ends_on is not None and placement.ends_on <= ends_on:
            ends_on = placement.ends_on  # it ends by then anyway, for the reason it has
        else:
            placement.ends_on = ends_on
            placement.end_reason = Placement.EndReason.NOTICE
        notice = Notice.objects.create(
            placement=placement,
            given_at=now,
            given_by=actor,
            ends_on=ends_on,
            last_term=last_term,
            reason=reason.strip(),
        )
        if preview.before_start or ends_on < today:
            placement.status = Placement.Status.ENDED
        placement.save(update_fields=["ends_on", "end_reason", "status"])
        audit.record(
            actor=actor,
            action="placement.notice",
            subject=placement,
            summary=f"Notice given for {placement}; ends {ends_on:%Y-%m-%d}",
            data={
                "last_term": str(preview.last_term) if preview.last_term else None,
                "billed": [str(t) for t in preview.billed],
                "binds_next_term": preview.binds_next_term,
            },
        )
        notify_household(
            placement.pupil,
            key=f"notice-{placement.pk}",
            template="notice_received",
            context={
                "placement": placement,
                "offer": placement.offer,
                "school": placement.offer.school,
                "ends_on": ends_on,
                "billed": [str(term) for term in preview.billed],
                "binds_next_term": preview.binds_next_term,
            },
        )
        if placement.status == Placement.Status.ENDED:
            _free_after_commit(placement.offer_id)
    return notice


# --- §9d–f Termination by the school ---------------------------------------------------------


def absence_marks(placement: Placement, term: Term) -> list[tuple[dt.date, rules.Mark]]:
    """The placement's registered lessons in a term, as the §9d rule reads them."""
    reported = set(
        AbsenceReport.objects.filter(
            pupil_id=placement.pupil_id, lesson__date__range=(term.starts_on, term.ends_on)
        ).values_list("lesson_id", flat=True)
    )
    marks = []
    for lesson_id, day, status in Attendance.objects.filter(
        placement=placement,
        lesson__date__range=(term.starts_on, term.ends_on),
        lesson__status=Lesson.Status.SCHEDULED,
    ).values_list("lesson_id", "lesson__date", "status"):
        if status == Attendance.Status.PRESENT:
            marks.append((day, rules.Mark.PRESENT))
        elif lesson_id in reported:
            marks.append((day, rules.Mark.REPORTED))
        else:
            marks.append((day, rules.Mark.UNREPORTED))
    return marks


def termination_decide(
    *,
    actor: Any,
    placement: Placement,
    reason: str,
    justification: str,
    effective_on: dt.date,
    term: Term | None = None,
    now: dt.datetime | None = None,
) -> Termination:
    """The school ends a place (§9d) with a written justification; the letter goes home (§9f)."""
    now = _now(now)
    today = timezone.localdate(now)
    if reason not in Termination.Reason.values:
        raise LifecycleError(_("Choose one of the reasons in §9d."))
    if not justification.strip():
        raise LifecycleError(_("Write the justification: the letter must give the reasons (§9f)."))
    with transaction.atomic():
        placement = (
            Placement.objects.select_for_update(of=("self",))
            .select_related("offer__school", "pupil__household", "starts_term")
            .get(pk=placement.pk)
        )
        if placement.status == Placement.Status.ENDED:
            raise LifecycleError(_("This place has already ended."))
        if (
            Termination.objects.filter(placement=placement)
            .exclude(appeal=Termination.Appeal.OVERTURNED)
            .exists()
        ):
            raise LifecycleError(_("The school has already decided to end this place."))
        if effective_on < today:
            raise LifecycleError(_("The place cannot end before the decision is made."))
        policy = policy_of(placement)
        lessons: tuple[dt.date, ...] = ()
        if reason in (Termination.Reason.CONSECUTIVE_ABSENCES, Termination.Reason.TOTAL_ABSENCES):
            if term is None:
                raise LifecycleError(_("Choose the term the absences were in."))
            flags = rules.absence_flags(
                absence_marks(placement, term),
                consecutive_limit=policy.consecutive_unreported_absences,
                total_limit=policy.total_unreported_absences,
            )
            lessons = (
                flags.consecutive
                if reason == Termination.Reason.CONSECUTIVE_ABSENCES
                else flags.total
            )
            if not lessons:
                raise LifecycleError(
                    _("The registered absences do not meet §9d ii–iii for this term.")
                )
        termination = Termination.objects.create(
            placement=placement,
            reason=reason,
            justification=justification.strip(),
            decided_by=actor,
            decided_at=now,
            effective_on=effective_on,
            previous_state={
                "status": placement.status,
                "ends_on": placement.ends_on.isoformat() if placement.ends_on else None,
                "end_reason": placement.end_reason,
            },
        )
        with translation.override(household_language(placement.pupil)):
            pdf = render_pdf(
                "pdf/termination_letter.html",
                {
                    "termination": termination,
                    "placement": placement,
                    "pupil": placement.pupil,
                    "household": placement.pupil.household,
                    "guardians": list(placement.pupil.household.guardians.all()),
                    "school": placement.offer.school,
                    "policy": policy,
                    "lessons": lessons,
                    "term": term,
                    "today": today,
                },
            )
        termination.letter.save(f"termination-{termination.pk}.pdf", ContentFile(pdf), save=False)
        termination.letter_sha256 = hashlib.sha256(pdf).hexdigest()
        termination.save(update_fields=["letter", "letter_sha256"])
        placement.ends_on = max(effective_on, placement.starts_on)
        placement.end_reason = Placement.EndReason.TERMINATION
        if effective_on <= today:
            placement.status = Placement.Status.ENDED
        placement.save(update_fields=["ends_on", "end_reason", "status"])
        audit.record(
            actor=actor,
            action="placement.terminated",
            subject=placement,
            summary=f"{placement} terminated ({termination.get_reason_display()})",
            reason=termination.justification,
            data={"termination": termination.pk, "lessons": [d.isoformat() for d in lessons]},
        )
        notify_household(
            placement.pupil,
            key=f"termination-{termination.pk}",
            template="termination_decision",
            context={
                "termination": termination,
                "offer": placement.offer,
                "school": placement.offer.school,
                "policy": policy,
            },
            attachment=(f"vedtak-{termination.pk}.pdf", pdf),
        )
        if placement.status == Placement.Status.ENDED:
            _free_after_commit(placement.offer_id)
    return termination


@transaction.atomic
def termination_appeal_register(
    *, actor: Any, termination: Termination, received_on: dt.date, text: str
) -> Termination:
    termination = Termination.objects.select_for_update().get(pk=termination.pk)
    if not termination.appealable:
        raise LifecycleError(
            _("A decision for non-payment cannot be appealed under the rules (§9f).")
        )
    if termination.appeal:
        raise LifecycleError(_("An appeal is already registered for this decision."))
    if received_on > timezone.localdate() or received_on < timezone.localdate(
        termination.decided_at
    ):
        raise LifecycleError(
            _("The appeal must be received after the decision and not later than today.")
        )
    termination.appeal = Termination.Appeal.PENDING
    termination.appeal_received_on = received_on
    termination.appeal_text = text.strip()
    termination.save(update_fields=["appeal", "appeal_received_on", "appeal_text"])
    audit.record(
        actor=actor,
        action="termination.appealed",
        subject=termination,
        summary=f"Appeal registered against {termination}",
        reason=termination.appeal_text,
    )
    return termination


def termination_appeal_resolve(
    *,
    actor: Any,
    termination: Termination,
    overturned: bool,
    resolution: str,
    now: dt.datetime | None = None,
) -> Termination:
    """Record the appeal body's decision; an overturned termination gives the place back."""
    now = _now(now)
    if not resolution.strip():
        raise LifecycleError(_("Write what the appeal body decided and why."))
    with transaction.atomic():
        termination = (
            Termination.objects.select_for_update(of=("self",))
            .select_related("placement__offer__school", "placement__pupil")
            .get(pk=termination.pk)
        )
        if termination.appeal != Termination.Appeal.PENDING:
            raise LifecycleError(_("There is no open appeal for this decision."))
        termination.appeal = (
            Termination.Appeal.OVERTURNED if overturned else Termination.Appeal.UPHELD
        )
        termination.appeal_resolution = resolution.strip()
        termination.appeal_resolved_at = now
        termination.appeal_resolved_by = actor
        termination.save()
        placement = termination.placement
        if overturned:
            if (
                Placement.objects.filter(pupil_id=placement.pupil_id, offer_id=placement.offer_id)
                .exclude(status=Placement.Status.ENDED)
                .exclude(pk=placement.pk)
                .exists()
            ):
                raise LifecycleError(
                    _(
                        "The pupil has a new place in this offer already; the old one is not "
                        "restored."
                    )
                )
            # The place goes back to how it stood before the decision (trial, leave, an earlier
            # end by notice or the upper age).
            before = termination.previous_state or {}
            ends_on = before.get("ends_on")
            placement.ends_on = dt.date.fromisoformat(ends_on) if ends_on else None
            placement.end_reason = before.get("end_reason", "")
            placement.status = before.get("status", Placement.Status.ACTIVE)
            placement.save(update_fields=["ends_on", "end_reason", "status"])
        audit.record(
            actor=actor,
            action="termination.appeal_resolved",
            subject=termination,
            summary=f"Appeal {termination.appeal} for {termination}",
            reason=termination.appeal_resolution,
        )
        notify_household(
            placement.pupil,
            key=f"termination-appeal-{termination.pk}",
            template="termination_appeal",
            context={
                "termination": termination,
                "offer": placement.offer,
                "school": placement.offer.school,
                "overturned": overturned,
            },
        )
    return termination


# --- §14 Leave -----------------------------------------------------------------------------------


def leave_refusal_message(refusal: rules.LeaveRefusal, *, min_weeks: int) -> str:
    if refusal == rules.LeaveRefusal.OTHER_REASON:
        return _(
            "Leave is given only for illness (§14b). For other reasons the home may give "
            "notice, and apply again later keeping the seniority of the first application."
        )
    if refusal == rules.LeaveRefusal.TOO_SHORT:
        return _(
            "Leave is for illness longer than %(weeks)s teaching weeks (§14a). For a shorter "
            "illness, report the absences instead."
        ) % {"weeks": min_weeks}
    return _("Attach a doctor's note: leave for illness needs one (§14a).")


def leave_apply(
    *,
    actor: Any,
    placement: Placement,
    reason: str,
    starts_on: dt.date,
    expected_weeks: int,
    description: str = "",
    doctor_note: Any = None,
    now: dt.datetime | None = None,
) -> Leave:
    """Apply for leave. Leave for other reasons than illness is refused at once, with the
    reason recorded (§14b); an incomplete application for illness raises LifecycleError."""
    now = _now(now)
    if placement.status == Placement.Status.ENDED:
        raise LifecycleError(_("This place has ended."))
    policy = policy_of(placement)
    refusal = rules.leave_refusal(
        illness=reason == Leave.Reason.ILLNESS,
        expected_weeks=expected_weeks,
        min_weeks=policy.leave_min_illness_weeks,
        has_doctors_note=bool(doctor_note),
    )
    if refusal not in (None, rules.LeaveRefusal.OTHER_REASON):
        raise LifecycleError(
            leave_refusal_message(refusal, min_weeks=policy.leave_min_illness_weeks)
        )
    with transaction.atomic():
        # One application at a time: a double submit waits here and then finds the first.
        Placement.objects.select_for_update(of=("self",)).filter(pk=placement.pk).first()
        if Leave.objects.filter(
            placement=placement, status__in=[Leave.Status.APPLIED, Leave.Status.APPROVED]
        ).exists():
            raise LifecycleError(_("There is already a leave application for this place."))
        leave = Leave(
            placement=placement,
            reason=reason,
            description=description.strip(),
            starts_on=starts_on,
            expected_weeks=expected_weeks,
            applied_by=actor,
            applied_at=now,
        )
        if refusal == rules.LeaveRefusal.OTHER_REASON:
            leave.status = Leave.Status.REFUSED
            leave.decided_at = now
            leave.decision_note = leave_refusal_message(
                refusal, min_weeks=policy.leave_min_illness_weeks
            )
        if doctor_note and leave.status != Leave.Status.REFUSED:
            # Keep the kind of file (.pdf, .jpg …), so the office's browser can open it.
            suffix = Path(getattr(doctor_note, "name", "") or "").suffix.lower()[:10]
            leave.doctor_note.save(
                f"doctor-note-{placement.pk}-{now:%Y%m%d%H%M%S}{suffix}", doctor_note, save=False
            )
        leave.save()
        audit.record(
            actor=actor,
            action="leave.applied",
            subject=leave,
            summary=f"Leave applied for {placement} ({reason})",
            data={"refused": leave.status == Leave.Status.REFUSED},
        )
    return leave


def leave_decide(
    *, actor: Any, leave: Leave, approve: bool, note: str = "", now: dt.datetime | None = None
) -> Leave:
    now = _now(now)
    with transaction.atomic():
        leave = (
            Leave.objects.select_for_update(of=("self",))
            .select_related("placement__offer__school", "placement__pupil")
            .get(pk=leave.pk)
        )
        if leave.status != Leave.Status.APPLIED:
            raise LifecycleError(_("This leave application is already decided."))
        if not approve and not note.strip():
            raise LifecycleError(_("Say why the leave is refused."))
        if approve and leave.placement.status == Placement.Status.ENDED:
            raise LifecycleError(_("The place has ended since the application; refuse it instead."))
        leave.status = Leave.Status.APPROVED if approve else Leave.Status.REFUSED
        leave.decided_by = actor
        leave.decided_at = now
        leave.decision_note = note.strip()
        leave.save()
        placement = leave.placement
        if approve:
            # §14a: the place is freed while the pupil is away; they come back ahead of the list.
            placement.status = Placement.Status.ON_LEAVE
            placement.save(update_fields=["status"])
            _free_after_commit(placement.offer_id)
        audit.record(
            actor=actor,
            action="leave.decided",
            subject=leave,
            summary=f"Leave {'approved' if approve else 'refused'} for {placement}",
            reason=leave.decision_note,
        )
        notify_household(
            placement.pupil,
            key=f"leave-decided-{leave.pk}",
            template="leave_decision",
            context={"leave": leave, "offer": placement.offer, "school": placement.offer.school},
        )
    return leave


def leave_return(
    *, actor: Any, leave: Leave, recovered_on: dt.date, now: dt.datetime | None = None
) -> Application:
    """The pupil is well again (§14a): a return application, first on the list for the offer."""
    now = _now(now)
    with transaction.atomic():
        leave = (
            Leave.objects.select_for_update(of=("self",))
            .select_related("placement__offer", "placement__application")
            .get(pk=leave.pk)
        )
        if leave.status != Leave.Status.APPROVED:
            raise LifecycleError(_("Only approved leave can end with a return."))
        if recovered_on < leave.starts_on:
            raise LifecycleError(_("The pupil cannot be well again before the leave started."))
        placement = leave.placement
        seniority = (
            placement.application.seniority_date if placement.application else placement.starts_on
        )
        # A pupil has one open application per offer: one already on the list becomes the
        # return (keeping the earlier seniority) rather than a second one beside it.
        application = (
            Application.objects.select_for_update()
            .filter(
                pupil_id=placement.pupil_id,
                offer_id=placement.offer_id,
                status__in=Application.OPEN_STATUSES,
            )
            .first()
        )
        if application is None:
            application = Application.objects.create(
                pupil_id=placement.pupil_id,
                offer_id=placement.offer_id,
                kind=Application.Kind.RETURN,
                submitted_at=now,
                submitted_by=actor,
                seniority_date=seniority,
                note=_("Back from leave (§14a)."),
            )
        else:
            application.kind = Application.Kind.RETURN
            application.seniority_date = min(application.seniority_date, seniority)
            application.save(update_fields=["kind", "seniority_date"])
        leave.status = Leave.Status.ENDED
        leave.recovered_on = recovered_on
        leave.return_application = application
        leave.save(update_fields=["status", "recovered_on", "return_application"])
        audit.record(
            actor=actor,
            action="leave.return",
            subject=leave,
            summary=f"{placement.pupil} back from leave; first in line for {placement.offer}",
        )
        _free_after_commit(placement.offer_id)
    return application


# --- §15 Conference hours -----------------------------------------------------------------------


def is_performer_track(offer: Offer) -> bool:
    return bool(offer.department_id and offer.department.performer_track)


@transaction.atomic
def conference_slots_publish(
    *,
    teacher: Any,
    school: Any,
    first_start: dt.datetime,
    minutes: int,
    count: int,
    place: str = "",
) -> list[ConferenceSlot]:
    if not 1 <= count <= 40 or not 5 <= minutes <= 120:
        raise LifecycleError(_("Publish between 1 and 40 hours of 5 to 120 minutes each."))
    starts = [first_start + dt.timedelta(minutes=minutes * i) for i in range(count)]
    last_end = starts[-1] + dt.timedelta(minutes=minutes)
    # Publishing the same series again adds nothing; another series may not overlap it.
    if (
        ConferenceSlot.objects.filter(
            teacher=teacher, starts_at__lt=last_end, ends_at__gt=first_start
        )
        .exclude(starts_at__in=starts)
        .exists()
    ):
        raise LifecycleError(_("These hours overlap conference hours you have published."))
    slots = []
    made = 0
    for index in range(count):
        starts = first_start + dt.timedelta(minutes=minutes * index)
        slot, created = ConferenceSlot.objects.get_or_create(
            teacher=teacher,
            starts_at=starts,
            defaults={
                "school": school,
                "ends_at": starts + dt.timedelta(minutes=minutes),
                "place": place.strip(),
            },
        )
        slots.append(slot)
        made += created
    if not made:
        return slots
    audit.record(
        actor=teacher,
        action="conference.published",
        subject=slots[0],
        summary=f"{made} conference hours published from {first_start:%Y-%m-%d %H:%M}",
    )
    return slots


def conference_book(
    *, user: Any, slot: ConferenceSlot, placement: Placement, now: dt.datetime | None = None
) -> ConferenceSlot:
    """A home books one conference hour per half-year for a performer-track pupil (§15a)."""
    now = _now(now)
    with transaction.atomic():
        slot = ConferenceSlot.objects.select_for_update().get(pk=slot.pk)
        if slot.placement_id is not None:
            raise LifecycleError(_("This time was just booked by someone else. Choose another."))
        if slot.starts_at <= now:
            raise LifecycleError(_("This time has passed."))
        if slot.school_id != placement.offer.school_id:
            raise LifecycleError(_("This conference hour is at another school."))
        if not is_performer_track(placement.offer):
            raise LifecycleError(_("Conference hours are for pupils of the performer track (§15)."))
        year, half = rules.half_year(timezone.localdate(slot.starts_at))
        booked = ConferenceSlot.objects.filter(placement=placement).values_list(
            "starts_at", flat=True
        )
        per_half_year = policy_of(placement).conferences_per_half_year
        if (
            sum(1 for s in booked if rules.half_year(timezone.localdate(s)) == (year, half))
            >= per_half_year
        ):
            raise LifecycleError(
                _("A conference hour is already booked for this half-year (§15a).")
            )
        slot.placement = placement
        slot.booked_by = user
        slot.booked_at = now
        slot.save(update_fields=["placement", "booked_by", "booked_at"])
        audit.record(
            actor=user,
            action="conference.booked",
            subject=slot,
            summary=f"Conference hour booked for {placement}",
        )
    return slot


@transaction.atomic
def conference_unbook(*, user: Any, slot: ConferenceSlot, now: dt.datetime | None = None) -> None:
    slot = ConferenceSlot.objects.select_for_update().get(pk=slot.pk)
    if slot.starts_at <= _now(now):
        raise LifecycleError(_("This conference hour has begun or passed."))
    audit.record(
        actor=user, action="conference.unbooked", subject=slot, summary="Conference hour cancelled"
    )
    slot.placement = None
    slot.booked_by = None
    slot.booked_at = None
    slot.save(update_fields=["placement", "booked_by", "booked_at"])


def conference_reminders(*, now: dt.datetime | None = None) -> int:
    """Beat: a reminder the day before each booked conference hour, once."""
    now = _now(now)
    sent = 0
    for slot in ConferenceSlot.objects.filter(
        placement__isnull=False, starts_at__gt=now, starts_at__lte=now + dt.timedelta(days=1)
    ).select_related("placement__pupil", "placement__offer__school", "teacher"):
        sent += notify_household(
            slot.placement.pupil,
            key=f"conference-reminder-{slot.pk}-{slot.placement_id}",
            template="conference_reminder",
            context={"slot": slot, "offer": slot.placement.offer, "school": slot.school},
        )
    return sent


# --- §16 Effort ----------------------------------------------------------------------------------


def effort_pending(placement: Placement) -> bool:
    """The offer states effort requirements the home has not acknowledged as they stand now."""
    text = placement.offer.effort_requirements.strip()
    if not text:
        return False
    latest = placement.effort_acknowledgements.order_by("-acknowledged_at").first()
    return latest is None or latest.requirements != text


@transaction.atomic
def effort_acknowledge(
    *, user: Any, placement: Placement, now: dt.datetime | None = None
) -> EffortAcknowledgement:
    """The home has read the requirements as they stand; acknowledging them again (a second
    click, a second guardian) keeps the first acknowledgement of the same text."""
    text = placement.offer.effort_requirements.strip()
    latest = placement.effort_acknowledgements.order_by("-acknowledged_at", "-pk").first()
    if latest is not None and latest.requirements == text:
        return latest
    ack = EffortAcknowledgement.objects.create(
        placement=placement,
        requirements=text,
        acknowledged_by=user,
        acknowledged_at=_now(now),
    )
    audit.record(
        actor=user,
        action="effort.acknowledged",
        subject=placement,
        summary=f"Effort requirements acknowledged for {placement}",
    )
    return ack


def effort_requirements_changed(*, offer: Offer) -> int:
    """§16a: changed requirements are told to every home with a current place in the offer."""
    text = offer.effort_requirements.strip()
    if not text:
        return 0
    stamp = hashlib.sha256(text.encode()).hexdigest()[:12]
    sent = 0
    for placement in (
        Placement.objects.filter(offer=offer)
        .exclude(status=Placement.Status.ENDED)
        .select_related("pupil")
    ):
        sent += notify_household(
            placement.pupil,
            key=f"effort-changed-{offer.pk}-{stamp}-{placement.pk}",
            template="effort_changed",
            context={"offer": offer, "school": offer.school, "requirements": text},
        )
    return sent


def effort_assess(
    *,
    actor: Any,
    placement: Placement,
    term: Term,
    level: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> EffortAssessment:
    """A teacher's assessment (§16b); low effort through more than one term prompts guidance."""
    if level not in EffortAssessment.Level.values:
        raise LifecycleError(_("Choose how the pupil's effort was."))
    now = _now(now)
    with transaction.atomic():
        assessment, _created = EffortAssessment.objects.update_or_create(
            placement=placement,
            term=term,
            defaults={
                "level": level,
                "note": note.strip(),
                "assessed_by": actor,
                "assessed_at": now,
            },
        )
        levels = list(
            EffortAssessment.objects.filter(placement=placement)
            .order_by("term__starts_on")
            .values_list("level", flat=True)
        )
        if rules.needs_effort_guidance(
            levels, terms_before_guidance=policy_of(placement).low_effort_terms_before_guidance
        ):
            notify_household(
                placement.pupil,
                key=f"effort-guidance-{placement.pk}-{term.pk}",
                template="effort_guidance",
                context={"offer": placement.offer, "school": placement.offer.school},
            )
        audit.record(
            actor=actor,
            action="effort.assessed",
            subject=placement,
            summary=f"Effort {level} in {term} for {placement}",
            reason=assessment.note,
        )
    return assessment


# --- §18 Parent work group -------------------------------------------------------------------


def work_group_enrol(placement: Placement, *, now: dt.datetime | None = None) -> int:
    """A place in an offer with a parent work group enrols the household's guardians (§18)."""
    if not placement.offer.parent_work_group:
        return 0
    now = _now(now)
    created = 0
    for guardian in Guardian.objects.filter(household_id=placement.pupil.household_id):
        _member, made = ParentWorkGroupMember.objects.get_or_create(
            placement=placement,
            guardian=guardian,
            defaults={"offer_id": placement.offer_id, "joined_at": now},
        )
        created += made
    return created


# --- Placements ending by date, and §19 ---------------------------------------------------------


def placements_end_due(*, today: dt.date | None = None) -> int:
    """Beat: places whose last day has passed are ended (idempotent)."""
    today = today or timezone.localdate()
    due = list(
        Placement.objects.filter(ends_on__lt=today)
        .exclude(status=Placement.Status.ENDED)
        .values_list("pk", "offer_id")
    )
    ending = Placement.objects.filter(pk__in=[pk for pk, _offer in due]).exclude(
        status=Placement.Status.ENDED
    )
    # A course place ends with the course; it has no other reason recorded (§2a).
    ending.filter(end_reason="", offer__kind=Offer.Kind.COURSE).update(
        end_reason=Placement.EndReason.COURSE_ENDED
    )
    ending.update(status=Placement.Status.ENDED)
    for offer_id in {offer for _pk, offer in due}:
        _free_after_commit(offer_id)
    return len(due)


def upper_age_run(*, today: dt.date | None = None, notice_days: int = 60) -> int:
    """Beat (§19): places end at the end of the year the pupil reaches the upper age, unless
    the offer says otherwise; the home is told `notice_days` before. Safe to run again."""
    today = today or timezone.localdate()
    changed = 0
    current = (
        Placement.objects.exclude(status=Placement.Status.ENDED)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=dt.date(today.year, 12, 31)))
        .select_related("pupil", "offer__school__policy")
    )
    for placement in current:
        offer = placement.offer
        end = rules.upper_age_end(
            placement.pupil.birth_date,
            rules.effective_upper_age(
                offer_upper_age=offer.upper_age,
                no_upper_age=offer.no_upper_age,
                policy_upper_age=policy_of(placement).upper_age,
            ),
        )
        if end is None or today < end - dt.timedelta(days=notice_days):
            continue
        with transaction.atomic():
            updated = (
                Placement.objects.filter(pk=placement.pk)
                .exclude(end_reason=Placement.EndReason.UPPER_AGE)
                .update(
                    ends_on=max(end, placement.starts_on), end_reason=Placement.EndReason.UPPER_AGE
                )
            )
            if not updated:
                continue
            audit.record(
                actor=None,
                action="placement.upper_age",
                subject=placement,
                summary=f"{placement} ends {end:%Y-%m-%d} by the upper age (§19)",
            )
            notify_household(
                placement.pupil,
                key=f"upper-age-{placement.pk}-{end.year}",
                template="upper_age",
                context={
                    "placement": placement,
                    "offer": offer,
                    "school": offer.school,
                    "ends_on": end,
                },
            )
            changed += 1
    return changed


def notice_deadline_reminders(*, today: dt.date | None = None, before_days: int = 14) -> int:
    """Beat: two weeks before 1 December and 1 June, every household with a current place is
    reminded of the notice deadline (§9b), once per school, deadline and household."""
    today = today or timezone.localdate()
    sent = 0
    for policy in SchoolPolicy.objects.select_related("school"):
        for deadline in (policy.notice_deadline_for_spring, policy.notice_deadline_for_autumn):
            # The next time the deadline comes, which may be in the next calendar year.
            day = deadline.in_year(today.year)
            if day <= today:
                day = deadline.in_year(today.year + 1)
            if not day - dt.timedelta(days=before_days) <= today < day:
                continue
            placements = (
                Placement.objects.filter(offer__school=policy.school, offer__kind=Offer.Kind.PLACE)
                .exclude(status=Placement.Status.ENDED)
                .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=day))
                .select_related("pupil")
            )
            households: dict[int, Pupil] = {}
            for placement in placements:
                households.setdefault(placement.pupil.household_id, placement.pupil)
            for household_id, pupil in households.items():
                sent += notify_household(
                    pupil,
                    key=f"notice-deadline-{policy.school_id}-{day:%Y%m%d}-{household_id}",
                    template="notice_deadline",
                    context={"school": policy.school, "deadline": day},
                )
    return sent
