"""Writes of the regional programme: `<entity>_<action>(*, ...)`, each in a transaction.

The rules come from `regional.rules`; a request the rules refuse raises `RegionalError` with a
message for the user, and nothing is changed. Services do not check who is asking: the views
find every object through the asking user's scope first (kulturskole.access) and then call
the service. E-mails go through `kulturskole.messaging.notify` under one key per occasion, so
running any of the notification services twice sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from enrollment.models import Guardian, Placement, School, StaffRole
from kulturskole import audit
from kulturskole.access import PARTNER_STAFF_ROLES, Role
from kulturskole.messaging import absolute_url, notify
from regional import rules
from regional.models import (
    ActivitySuggestion,
    AnnualPlanItem,
    BudgetLine,
    EvaluationNote,
    Feedback,
    Gathering,
    GatheringSession,
    InDepthCriterion,
    InDepthPupil,
    Instructor,
    Material,
    MentorPair,
    NetworkMeeting,
    Programme,
    ProgressNote,
    Registration,
    SuggestionVote,
)


class RegionalError(Exception):
    """A request the programme's rules do not allow; the message says why, for the user."""


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _set(instance: Any, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(instance, name, value)


# --- Programme -----------------------------------------------------------------------------


@transaction.atomic
def programme_save(
    *,
    actor: Any,
    region: Any,
    values: dict[str, Any],
    schools: Iterable[School],
    steering_group: Iterable[Any] = (),
    programme: Programme | None = None,
) -> Programme:
    """Create or update a programme; its partner schools must be schools of the region."""
    schools = list(schools)
    region_school_ids = set(region.schools.values_list("pk", flat=True))
    outside = [school for school in schools if school.pk not in region_school_ids]
    if outside:
        raise RegionalError(
            _("%(school)s is not a school of the region.") % {"school": outside[0].name}
        )
    programme = programme or Programme(region=region)
    _set(programme, values)
    programme.full_clean(exclude=["schools", "steering_group", "calendar_token"])
    programme.save()
    programme.schools.set(schools)
    programme.steering_group.set(list(steering_group))
    return programme


@transaction.atomic
def criterion_save(
    *, programme: Programme, values: dict[str, Any], criterion: InDepthCriterion | None = None
) -> InDepthCriterion:
    criterion = criterion or InDepthCriterion(programme=programme)
    _set(criterion, values)
    criterion.save()
    return criterion


def criteria_of(programme: Programme) -> list[rules.Criterion]:
    return [
        rules.Criterion(c.discipline, c.min_age, c.max_age, c.min_years)
        for c in programme.criteria.all()
    ]


# --- In-depth pupils -----------------------------------------------------------------------


def _check_criteria(
    programme: Programme,
    *,
    discipline: str,
    birth_date: dt.date,
    started_year: int | None,
    exception: str,
    today: dt.date,
) -> list[rules.Unmet]:
    unmet = rules.criteria_unmet(
        criteria_of(programme),
        rules.Candidate(discipline, birth_date, started_year),
        today=today,
    )
    if unmet and not exception.strip():
        raise RegionalError(
            _(
                "The pupil does not meet the programme's criteria. Explain why you nominate "
                "the pupil anyway, or choose another pupil."
            )
        )
    return unmet


@transaction.atomic
def in_depth_pupil_nominate(
    *,
    actor: Any,
    programme: Programme,
    school: School,
    placement: Placement,
    discipline: str,
    instrument: str = "",
    started_year: int | None = None,
    criteria_exception: str = "",
    today: dt.date,
    now: dt.datetime | None = None,
) -> InDepthPupil:
    """A culture school nominates one of its own pupils, from a current place at the school."""
    if not programme.schools.filter(pk=school.pk).exists():
        raise RegionalError(_("The school is not a partner in this programme."))
    if placement.offer.school_id != school.pk or placement.status == Placement.Status.ENDED:
        raise RegionalError(_("Choose a current place at your own school."))
    pupil = placement.pupil
    if InDepthPupil.objects.filter(programme=programme, pupil=pupil).exists():
        raise RegionalError(_("%(pupil)s is in the programme already.") % {"pupil": pupil})
    _check_criteria(
        programme,
        discipline=discipline,
        birth_date=pupil.birth_date,
        started_year=started_year,
        exception=criteria_exception,
        today=today,
    )
    in_depth = InDepthPupil.objects.create(
        programme=programme,
        school=school,
        pupil=pupil,
        placement=placement,
        first_name=pupil.first_name,
        last_name=pupil.last_name,
        birth_date=pupil.birth_date,
        discipline=discipline,
        instrument=instrument,
        started_year=started_year,
        criteria_exception=criteria_exception.strip(),
        nominated_by=actor,
        nominated_at=_now(now),
    )
    audit.record(
        actor=actor,
        action="regional.nominate",
        subject=pupil,
        summary=f"Nominated for {programme.name} by {school.name}",
        reason=criteria_exception,
    )
    return in_depth


@transaction.atomic
def in_depth_pupil_enter(
    *,
    actor: Any,
    programme: Programme,
    school: School,
    values: dict[str, Any],
    today: dt.date,
    now: dt.datetime | None = None,
) -> InDepthPupil:
    """A school enters a pupil who has no place in this system (an upper secondary pupil)."""
    if not programme.schools.filter(pk=school.pk).exists():
        raise RegionalError(_("The school is not a partner in this programme."))
    _check_criteria(
        programme,
        discipline=values["discipline"],
        birth_date=values["birth_date"],
        started_year=values.get("started_year"),
        exception=values.get("criteria_exception", ""),
        today=today,
    )
    return InDepthPupil.objects.create(
        programme=programme,
        school=school,
        nominated_by=actor,
        nominated_at=_now(now),
        **values,
    )


@transaction.atomic
def in_depth_pupil_update(
    *, actor: Any, in_depth: InDepthPupil, values: dict[str, Any], today: dt.date
) -> InDepthPupil:
    facts = {**{"started_year": in_depth.started_year}, **values}
    _check_criteria(
        in_depth.programme,
        discipline=facts.get("discipline", in_depth.discipline),
        birth_date=facts.get("birth_date", in_depth.birth_date),
        started_year=facts.get("started_year"),
        exception=facts.get("criteria_exception", in_depth.criteria_exception),
        today=today,
    )
    _set(in_depth, values)
    in_depth.save()
    return in_depth


# --- Instructors, gatherings and sessions ---------------------------------------------------


@transaction.atomic
def instructor_save(
    *, programme: Programme, values: dict[str, Any], instructor: Instructor | None = None
) -> Instructor:
    instructor = instructor or Instructor(programme=programme)
    _set(instructor, values)
    instructor.save()
    return instructor


def _sync_plan_item(gathering: Gathering) -> None:
    AnnualPlanItem.objects.update_or_create(
        gathering=gathering,
        defaults={
            "programme": gathering.programme,
            "kind": AnnualPlanItem.Kind.GATHERING,
            "title": gathering.title,
            "starts_on": gathering.date,
            "ends_on": None,
            "description": gathering.venue,
        },
    )


@transaction.atomic
def gathering_save(
    *,
    programme: Programme,
    values: dict[str, Any],
    target_schools: Iterable[School] = (),
    gathering: Gathering | None = None,
) -> Gathering:
    """Create or change a gathering; its entry in the annual plan follows it."""
    target_schools = list(target_schools)
    partner_ids = set(programme.schools.values_list("pk", flat=True))
    if any(school.pk not in partner_ids for school in target_schools):
        raise RegionalError(_("Choose only the programme's partner schools."))
    gathering = gathering or Gathering(programme=programme)
    _set(gathering, values)
    gathering.save()
    gathering.target_schools.set(target_schools)
    _sync_plan_item(gathering)
    return gathering


@transaction.atomic
def gathering_set_status(
    *,
    actor: Any,
    gathering: Gathering,
    status: str,
    today: dt.date,
    now: dt.datetime | None = None,
) -> Gathering:
    """planned → open → held → evaluated. Opening sends the invitations (after commit)."""
    locked = Gathering.objects.select_for_update().get(pk=gathering.pk)
    if not rules.status_change_allowed(locked.status, status, day=locked.date, today=today):
        if status == Gathering.Status.HELD and today < locked.date:
            raise RegionalError(_("A gathering can be marked as held on its day or later."))
        raise RegionalError(
            _("A gathering that is %(current)s cannot be marked as %(new)s.")
            % {
                "current": locked.get_status_display().lower(),
                "new": Gathering.Status(status).label.lower(),
            }
        )
    if (
        status == Gathering.Status.OPEN
        and locked.registration_deadline
        and (locked.registration_deadline < today)
    ):
        raise RegionalError(_("Move the registration deadline to today or later first."))
    locked.status = status
    fields = ["status"]
    if status == Gathering.Status.OPEN and locked.opened_at is None:
        locked.opened_at = _now(now)
        fields.append("opened_at")
    locked.save(update_fields=fields)
    if status == Gathering.Status.OPEN:
        from regional.tasks import send_gathering_invitations

        gathering_id = locked.pk
        transaction.on_commit(lambda: send_gathering_invitations.delay(gathering_id))
    audit.record(
        actor=actor,
        action="regional.gathering_status",
        subject=locked,
        summary=f"{locked.title}: {status}",
    )
    return locked


def _slot(session: GatheringSession) -> rules.Slot:
    return rules.Slot(
        key=session.pk,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        disciplines=tuple(session.disciplines),
    )


def session_problems(gathering: Gathering, session: GatheringSession) -> list[str]:
    """Messages for a session outside the gathering's hours or clashing with another."""
    others = {s.pk: s for s in gathering.sessions.exclude(pk=session.pk or 0)}
    problems = []
    for conflict in rules.session_conflicts(
        _slot(session),
        [_slot(other) for other in others.values()],
        starts_at=gathering.starts_at,
        ends_at=gathering.ends_at,
    ):
        if conflict.kind == "outside":
            problems.append(
                _("The session must lie within the gathering, %(start)s–%(end)s.")
                % {
                    "start": gathering.starts_at.strftime("%H:%M"),
                    "end": gathering.ends_at.strftime("%H:%M"),
                }
            )
        else:
            problems.append(
                _(
                    "It overlaps «%(other)s» for the same pupils. Parallel sessions need "
                    "different discipline groups."
                )
                % {"other": others[conflict.other].title}
            )
    return problems


@transaction.atomic
def session_save(
    *,
    gathering: Gathering,
    values: dict[str, Any],
    session: GatheringSession | None = None,
) -> GatheringSession:
    """Create or change a session. Its instructor's fee is a budget line of the gathering."""
    session = session or GatheringSession(gathering=gathering)
    _set(session, values)
    problems = session_problems(gathering, session)
    if problems:
        raise RegionalError(" ".join(problems))
    session.save()
    _sync_fee_line(session)
    return session


def _sync_fee_line(session: GatheringSession) -> None:
    """The fee of a session's instructor, planned in the budget; the amount paid is kept."""
    if session.instructor_id is None or not session.instructor_fee:
        BudgetLine.objects.filter(session=session, actual__isnull=True).delete()
        return
    gathering = session.gathering
    activity = AnnualPlanItem.objects.filter(gathering=gathering).first()
    BudgetLine.objects.update_or_create(
        session=session,
        defaults={
            "programme_id": gathering.programme_id,
            "activity": activity,
            "category": BudgetLine.Category.INSTRUCTOR_FEES,
            "description": f"{session.instructor.name}: {session.title}",
            "planned": session.instructor_fee,
        },
    )


def session_delete_refusal(session: GatheringSession) -> str | None:
    if session.feedback.exists():
        return _("The session has feedback and cannot be deleted.")
    if BudgetLine.objects.filter(session=session, actual__isnull=False).exists():
        return _("The instructor has been paid for this session; keep it.")
    return None


@transaction.atomic
def session_delete(*, actor: Any = None, session: GatheringSession) -> None:
    """Delete a session; the planned (unpaid) fee of its instructor leaves the budget with it."""
    _refuse(session_delete_refusal(session))
    _record_delete(
        actor,
        session.gathering,
        "session",
        f"Session «{session.title}» of {session.gathering.title} deleted",
    )
    _delete(session)


# --- Registration and attendance -----------------------------------------------------------


def registration_refusal(
    gathering: Gathering,
    in_depth: InDepthPupil,
    *,
    target_school_ids: Iterable[int],
    today: dt.date,
) -> str | None:
    """Why the pupil cannot be registered now, or None."""
    if not rules.registration_open(
        gathering.status, gathering.registration_deadline, gathering.date, today
    ):
        return _("Registration for this gathering is not open.")
    if in_depth.programme_id != gathering.programme_id or not in_depth.is_active:
        return _("The pupil does not take part in this programme.")
    if not rules.targets(
        list(target_school_ids),
        gathering.target_disciplines,
        in_depth.school_id,
        in_depth.discipline,
    ):
        return _("This gathering is not for the pupil's school or discipline.")
    return None


@transaction.atomic
def registration_create(
    *,
    actor: Any,
    gathering: Gathering,
    in_depth: InDepthPupil,
    dietary_needs: str = "",
    needs_transport: bool = False,
    travels_from: School | None = None,
    guardian_consent: bool = False,
    by_guardian: bool = False,
    today: dt.date,
    now: dt.datetime | None = None,
) -> Registration:
    """Register a pupil: by the school, or by a guardian, who must give consent."""
    locked = Gathering.objects.select_for_update().get(pk=gathering.pk)
    refusal = registration_refusal(
        locked,
        in_depth,
        target_school_ids=locked.target_schools.values_list("pk", flat=True),
        today=today,
    )
    if refusal:
        raise RegionalError(refusal)
    if by_guardian and not guardian_consent:
        raise RegionalError(_("A guardian must consent to the registration."))
    if Registration.objects.filter(gathering=locked, pupil=in_depth).exists():
        raise RegionalError(_("%(pupil)s is registered already.") % {"pupil": in_depth})
    if needs_transport and travels_from is None:
        travels_from = in_depth.school
    now = _now(now)
    return Registration.objects.create(
        gathering=locked,
        pupil=in_depth,
        dietary_needs=dietary_needs.strip(),
        needs_transport=needs_transport,
        travels_from=travels_from if needs_transport else None,
        registered_by=actor if getattr(actor, "is_authenticated", False) else None,
        registered_at=now,
        guardian_consent_at=now if guardian_consent else None,
    )


def registration_cancel_allowed(
    registration: Registration, *, today: dt.date, by_project_leader: bool
) -> bool:
    gathering = registration.gathering
    return rules.registration_cancel_allowed(
        gathering.status,
        gathering.registration_deadline,
        gathering.date,
        today,
        by_project_leader=by_project_leader,
    )


@transaction.atomic
def registration_cancel(
    *,
    registration: Registration,
    today: dt.date,
    actor: Any = None,
    by_project_leader: bool = False,
) -> None:
    """A school takes its pupil off the list while registration is open; the project leader
    may do it until the day before the gathering."""
    if not registration_cancel_allowed(
        registration, today=today, by_project_leader=by_project_leader
    ):
        if by_project_leader:
            raise RegionalError(
                _("The gathering has taken place; record the pupil as absent instead.")
            )
        raise RegionalError(
            _("Registration has closed; ask the project leader to take the pupil off the list.")
        )
    if by_project_leader:
        audit.record(
            actor=actor,
            action="regional.registration_cancel",
            subject=registration.gathering,
            summary=f"{registration.pupil} taken off the list of {registration.gathering.title}",
        )
    registration.delete()


@transaction.atomic
def attendance_record(*, gathering: Gathering, attendance: dict[int, str], today: dt.date) -> int:
    """Record who came, by registration id. Only on the gathering's day or later."""
    if today < gathering.date:
        raise RegionalError(_("Attendance can be recorded on the day of the gathering or later."))
    valid = set(Registration.Attendance.values)
    changed = 0
    for registration_id, value in attendance.items():
        if value not in valid:
            continue
        changed += Registration.objects.filter(gathering=gathering, pk=registration_id).update(
            attendance=value
        )
    return changed


# --- Budget and annual plan -----------------------------------------------------------------


@transaction.atomic
def budget_line_save(
    *, programme: Programme, values: dict[str, Any], line: BudgetLine | None = None
) -> BudgetLine:
    activity = values.get("activity")
    if activity is not None and activity.programme_id != programme.pk:
        raise RegionalError(_("Choose one of the programme's activities."))
    line = line or BudgetLine(programme=programme)
    if line.session_id and "planned" in values and values["planned"] != line.planned:
        raise RegionalError(
            _("This line is the fee of a session: change the fee on the session instead.")
        )
    _set(line, values)
    line.save()
    return line


def programme_budget(programme: Programme, lines: Iterable[BudgetLine]) -> rules.BudgetSummary:
    return rules.budget_summary(
        programme.grant_amount,
        [rules.LineAmounts(line.planned, line.actual, line.category) for line in lines],
    )


@transaction.atomic
def plan_item_save(
    *, programme: Programme, values: dict[str, Any], item: AnnualPlanItem | None = None
) -> AnnualPlanItem:
    if item is not None and (item.gathering_id or item.network_meeting_id):
        raise RegionalError(
            _("This activity follows its gathering or network meeting: change it there.")
        )
    if values.get("kind") == AnnualPlanItem.Kind.GATHERING:
        raise RegionalError(_("Plan a gathering on the gatherings page; it appears here."))
    item = item or AnnualPlanItem(programme=programme)
    _set(item, values)
    item.save()
    return item


# --- Pupil participation, feedback and evaluation -------------------------------------------


@transaction.atomic
def suggestion_create(
    *,
    programme: Programme,
    title: str,
    description: str = "",
    suggested_by: InDepthPupil | None = None,
    now: dt.datetime | None = None,
) -> ActivitySuggestion:
    suggestion = ActivitySuggestion.objects.create(
        programme=programme,
        title=title.strip(),
        description=description.strip(),
        suggested_by=suggested_by,
        created_at=_now(now),
    )
    if suggested_by is not None:
        SuggestionVote.objects.create(
            suggestion=suggestion, pupil=suggested_by, created_at=suggestion.created_at
        )
    return suggestion


@transaction.atomic
def suggestion_vote(
    *, suggestion: ActivitySuggestion, pupil: InDepthPupil, now: dt.datetime | None = None
) -> bool:
    """Vote for a suggestion, or take the vote back; True when the pupil now votes for it."""
    if suggestion.status != ActivitySuggestion.Status.OPEN:
        raise RegionalError(_("Voting on this suggestion has closed."))
    if pupil.programme_id != suggestion.programme_id:
        raise RegionalError(_("The pupil does not take part in this programme."))
    deleted, _rows = SuggestionVote.objects.filter(suggestion=suggestion, pupil=pupil).delete()
    if deleted:
        return False
    SuggestionVote.objects.create(suggestion=suggestion, pupil=pupil, created_at=_now(now))
    return True


@transaction.atomic
def suggestion_set_status(*, suggestion: ActivitySuggestion, status: str) -> ActivitySuggestion:
    suggestion.status = status
    suggestion.save(update_fields=["status"])
    return suggestion


def feedback_open(gathering: Gathering, today: dt.date) -> bool:
    return today >= gathering.date and gathering.status in (
        Gathering.Status.HELD,
        Gathering.Status.EVALUATED,
        Gathering.Status.OPEN,
    )


@transaction.atomic
def feedback_give(
    *,
    gathering: Gathering,
    ratings: dict[int, tuple[int, str]],
    pupil: InDepthPupil | None = None,
    teacher: Any = None,
    today: dt.date,
    now: dt.datetime | None = None,
) -> int:
    """Ratings (1–5) and comments per session id, by a pupil or a teacher; given again, they
    replace the earlier ones. A pupil rates only the sessions of their own group."""
    if (pupil is None) == (teacher is None):
        raise ValueError("feedback is by a pupil or by a teacher")
    if not feedback_open(gathering, today):
        raise RegionalError(_("Feedback opens on the day of the gathering."))
    sessions = {s.pk: s for s in gathering.sessions.all()}
    if pupil is not None:
        allowed = {
            slot.key for slot in rules.sessions_for(pupil.discipline, map(_slot, sessions.values()))
        }
    else:
        allowed = set(sessions)
    saved = 0
    for session_id, (rating, comment) in ratings.items():
        if session_id not in allowed:
            continue
        if not 1 <= rating <= 5:
            raise RegionalError(_("Give each session from 1 to 5."))
        who = {"pupil": pupil} if pupil is not None else {"teacher": teacher}
        Feedback.objects.update_or_create(
            session_id=session_id,
            **who,
            defaults={"rating": rating, "comment": comment.strip(), "created_at": _now(now)},
        )
        saved += 1
    return saved


@transaction.atomic
def evaluation_note_add(
    *,
    actor: Any,
    programme: Programme,
    text: str,
    gathering: Gathering | None = None,
    now: dt.datetime | None = None,
) -> EvaluationNote:
    return EvaluationNote.objects.create(
        programme=programme,
        gathering=gathering,
        text=text.strip(),
        author=actor,
        created_at=_now(now),
    )


@transaction.atomic
def progress_note_add(
    *, actor: Any, in_depth: InDepthPupil, values: dict[str, Any], now: dt.datetime | None = None
) -> ProgressNote:
    if not (values.get("goals", "").strip() or values.get("feedback", "").strip()):
        raise RegionalError(_("Write a goal or some feedback."))
    return ProgressNote.objects.create(pupil=in_depth, author=actor, created_at=_now(now), **values)


def _check_mentor_pair(
    programme: Programme, mentor: InDepthPupil, mentee: InDepthPupil, *, pair_id: int | None
) -> None:
    if mentor.pk == mentee.pk:
        raise RegionalError(_("A pupil cannot mentor themselves."))
    if mentor.programme_id != programme.pk or mentee.programme_id != programme.pk:
        raise RegionalError(_("Both pupils must take part in the programme."))
    if mentor.birth_date >= mentee.birth_date:
        raise RegionalError(_("The mentor should be older than the pupil they mentor."))
    if MentorPair.objects.filter(mentor=mentor, mentee=mentee).exclude(pk=pair_id or 0).exists():
        raise RegionalError(_("These two are a pair already."))


@transaction.atomic
def mentor_pair_create(
    *, programme: Programme, mentor: InDepthPupil, mentee: InDepthPupil, values: dict[str, Any]
) -> MentorPair:
    _check_mentor_pair(programme, mentor, mentee, pair_id=None)
    return MentorPair.objects.create(programme=programme, mentor=mentor, mentee=mentee, **values)


@transaction.atomic
def mentor_pair_update(
    *, pair: MentorPair, mentor: InDepthPupil, mentee: InDepthPupil, values: dict[str, Any]
) -> MentorPair:
    _check_mentor_pair(pair.programme, mentor, mentee, pair_id=pair.pk)
    pair.mentor, pair.mentee = mentor, mentee
    _set(pair, values)
    pair.save()
    return pair


# --- Network meetings and materials ---------------------------------------------------------


def _sync_meeting_item(meeting: NetworkMeeting) -> None:
    AnnualPlanItem.objects.update_or_create(
        network_meeting=meeting,
        defaults={
            "programme": meeting.programme,
            "kind": AnnualPlanItem.Kind.NETWORK_MEETING,
            "title": str(_("Network meeting")),
            "starts_on": meeting.date,
            "description": meeting.venue,
        },
    )


@transaction.atomic
def network_meeting_save(
    *, programme: Programme, values: dict[str, Any], meeting: NetworkMeeting | None = None
) -> NetworkMeeting:
    meeting = meeting or NetworkMeeting(programme=programme)
    _set(meeting, values)
    clash = NetworkMeeting.objects.filter(programme=programme, date=meeting.date)
    if clash.exclude(pk=meeting.pk or 0).exists():
        raise RegionalError(_("There is a network meeting that day already."))
    meeting.save()
    _sync_meeting_item(meeting)
    return meeting


@transaction.atomic
def network_meetings_plan(*, programme: Programme) -> list[NetworkMeeting]:
    """Add the default schedule (four a year unless the programme says otherwise); days that
    have a meeting already are left alone, so running it again adds nothing."""
    created = []
    for day in rules.network_meeting_dates(
        programme.starts_on, programme.ends_on, programme.network_meetings_per_year
    ):
        meeting, new = NetworkMeeting.objects.get_or_create(
            programme=programme,
            date=day,
            defaults={"starts_at": dt.time(14, 0), "ends_at": dt.time(15, 30)},
        )
        if new:
            _sync_meeting_item(meeting)
            created.append(meeting)
    return created


@transaction.atomic
def material_share(
    *, actor: Any, programme: Programme, values: dict[str, Any], now: dt.datetime | None = None
) -> Material:
    if bool(values.get("file")) == bool(values.get("url")):
        raise RegionalError(_("Add either a file or a link."))
    return Material.objects.create(
        programme=programme, shared_by=actor, shared_at=_now(now), **values
    )


# --- Changing and deleting -----------------------------------------------------------------
#
# Each `<entity>_delete` first asks its `<entity>_delete_refusal` (also shown on the
# confirmation page), so a deletion that would lose records other things depend on is refused
# with a message, never a ProtectedError. What goes with a deletion is listed by
# `<entity>_delete_consequences` on the same page. Every deletion is in the audit trail.


def _refuse(refusal: str | None) -> None:
    if refusal:
        raise RegionalError(refusal)


def _record_delete(actor: Any, subject: Any, what: str, summary: str) -> None:
    """Audit a deletion; `subject` is the deleted row, or the row it belonged to."""
    audit.record(actor=actor, action=f"regional.{what}_delete", subject=subject, summary=summary)


def _delete(instance: Any) -> None:
    """Delete `instance`. A protected row added meanwhile (by someone else) refuses it."""
    try:
        with transaction.atomic():
            instance.delete()
    except ProtectedError as error:
        raise RegionalError(
            _("Something else has come to depend on it meanwhile. Reload the page and try again.")
        ) from error


def _kr(amount: Any) -> str:
    return number_format(amount, 2, force_grouping=True)


@transaction.atomic
def criterion_delete(*, actor: Any, criterion: InDepthCriterion) -> None:
    _record_delete(
        actor,
        criterion.programme,
        "criterion",
        f"Criterion for {criterion} deleted from {criterion.programme.name}",
    )
    _delete(criterion)


def instructor_delete_refusal(instructor: Instructor) -> str | None:
    sessions = list(instructor.sessions.select_related("gathering").order_by("gathering__date"))
    if not sessions:
        return None
    return ngettext(
        "%(name)s leads %(count)s session (%(sessions)s). Choose another instructor, or none, "
        "for it first.",
        "%(name)s leads %(count)s sessions (%(sessions)s). Choose another instructor, or none, "
        "for them first.",
        len(sessions),
    ) % {
        "name": instructor.name,
        "count": len(sessions),
        "sessions": ", ".join(f"{s.gathering.title}: {s.title}" for s in sessions),
    }


@transaction.atomic
def instructor_delete(*, actor: Any, instructor: Instructor) -> None:
    _refuse(instructor_delete_refusal(instructor))
    _record_delete(actor, instructor, "instructor", f"Instructor {instructor.name} deleted")
    _delete(instructor)


def _gathering_lines(gathering: Gathering) -> QuerySet[BudgetLine]:
    """Budget lines of the gathering: its own activity's, and its sessions' fees."""
    return BudgetLine.objects.filter(
        Q(activity__gathering=gathering) | Q(session__gathering=gathering)
    )


def gathering_delete_refusal(gathering: Gathering, *, today: dt.date) -> str | None:
    if gathering.status in (Gathering.Status.HELD, Gathering.Status.EVALUATED) or (
        gathering.date < today
    ):
        return _(
            "The gathering has taken place: it is part of the programme's history and report, "
            "and cannot be deleted."
        )
    registered = gathering.registrations.count()
    if registered:
        return ngettext(
            "%(count)s pupil is registered for the gathering. Take the pupil off the list "
            "first (the schools' registration pages), and tell the home it is cancelled.",
            "%(count)s pupils are registered for the gathering. Take them off the list first "
            "(the schools' registration pages), and tell the homes it is cancelled.",
            registered,
        ) % {"count": registered}
    if _gathering_lines(gathering).filter(actual__isnull=False).exists():
        return _(
            "Expenses of the gathering have been paid. Keep the gathering, or move the paid "
            "budget lines to another activity first."
        )
    return None


def gathering_delete_consequences(gathering: Gathering) -> list[str]:
    consequences = [_("It leaves the annual plan and the calendars.")]
    sessions = gathering.sessions.count()
    if sessions:
        consequences.append(
            ngettext(
                "Its %(count)s session is deleted with it.",
                "Its %(count)s sessions are deleted with it.",
                sessions,
            )
            % {"count": sessions}
        )
    lines = _gathering_lines(gathering).aggregate(total=Sum("planned"))
    count = _gathering_lines(gathering).count()
    if count:
        consequences.append(
            ngettext(
                "Its %(count)s planned budget line (%(amount)s kr) is deleted with it.",
                "Its %(count)s planned budget lines (%(amount)s kr) are deleted with it.",
                count,
            )
            % {"count": count, "amount": _kr(lines["total"])}
        )
    notes = gathering.evaluation_notes.count()
    if notes:
        consequences.append(
            ngettext(
                "Its %(count)s evaluation note is deleted with it.",
                "Its %(count)s evaluation notes are deleted with it.",
                notes,
            )
            % {"count": notes}
        )
    if gathering.opened_at:
        consequences.append(
            _("Invitations were sent when it opened: tell the schools that it is cancelled.")
        )
    return consequences


@transaction.atomic
def gathering_delete(*, actor: Any, gathering: Gathering, today: dt.date) -> None:
    """Delete a gathering that has not taken place and has nobody registered, with its
    sessions, its planned (unpaid) budget lines, its evaluation notes and its plan entry."""
    locked = Gathering.objects.select_for_update().get(pk=gathering.pk)
    _refuse(gathering_delete_refusal(locked, today=today))
    _record_delete(
        actor,
        locked.programme,
        "gathering",
        f"Gathering «{locked.title}» of {locked.date:%d.%m.%Y} deleted",
    )
    # Lines of the plan entry are protected from a cascade (a session's fee line is one too),
    # so the gathering's lines, all unpaid (see the refusal), are deleted first.
    _gathering_lines(locked).delete()
    _delete(locked)


def network_meeting_delete_refusal(meeting: NetworkMeeting) -> str | None:
    lines = BudgetLine.objects.filter(activity__network_meeting=meeting).count()
    if lines:
        return ngettext(
            "%(count)s budget line belongs to this meeting. Move it to another activity or "
            "delete it first.",
            "%(count)s budget lines belong to this meeting. Move them to another activity or "
            "delete them first.",
            lines,
        ) % {"count": lines}
    return None


def network_meeting_delete_consequences(meeting: NetworkMeeting) -> list[str]:
    consequences = [_("It leaves the annual plan and the calendars.")]
    if meeting.minutes.strip():
        consequences.append(_("Its minutes are deleted with it."))
    if meeting.agenda.strip():
        consequences.append(_("Its agenda is deleted with it."))
    return consequences


@transaction.atomic
def network_meeting_delete(*, actor: Any, meeting: NetworkMeeting) -> None:
    _refuse(network_meeting_delete_refusal(meeting))
    _record_delete(
        actor, meeting.programme, "network_meeting", f"Network meeting of {meeting.date} deleted"
    )
    _delete(meeting)


def budget_line_delete_refusal(line: BudgetLine) -> str | None:
    if line.session_id:
        return _(
            "This line is the fee of a session. Remove the instructor from the session, or "
            "delete the session, instead."
        )
    return None


def budget_line_delete_consequences(line: BudgetLine) -> list[str]:
    if line.actual is None:
        return [_("%(amount)s kr planned leaves the budget.") % {"amount": _kr(line.planned)}]
    return [
        _("It has been paid: %(amount)s kr leaves what is spent of the grant.")
        % {"amount": _kr(line.actual)}
    ]


@transaction.atomic
def budget_line_delete(*, actor: Any, line: BudgetLine) -> None:
    _refuse(budget_line_delete_refusal(line))
    _record_delete(
        actor,
        line.programme,
        "budget_line",
        f"Budget line «{line.description}» deleted (planned {line.planned}, "
        f"actual {line.actual if line.actual is not None else '-'})",
    )
    _delete(line)


def plan_item_delete_refusal(item: AnnualPlanItem) -> str | None:
    if item.gathering_id:
        return _("This activity is a gathering: delete the gathering instead.")
    if item.network_meeting_id:
        return _("This activity is a network meeting: delete the meeting instead.")
    lines = item.budget_lines.count()
    if lines:
        return ngettext(
            "%(count)s budget line belongs to this activity. Move it to another activity or "
            "delete it first.",
            "%(count)s budget lines belong to this activity. Move them to another activity or "
            "delete them first.",
            lines,
        ) % {"count": lines}
    return None


@transaction.atomic
def plan_item_delete(*, actor: Any, item: AnnualPlanItem) -> None:
    _refuse(plan_item_delete_refusal(item))
    _record_delete(actor, item.programme, "plan_item", f"Activity «{item.title}» deleted")
    _delete(item)


@transaction.atomic
def mentor_pair_delete(*, actor: Any, pair: MentorPair) -> None:
    _record_delete(actor, pair.mentee, "mentor_pair", f"Mentor pair {pair} ended and deleted")
    _delete(pair)


@transaction.atomic
def progress_note_update(*, actor: Any, note: ProgressNote, values: dict[str, Any]) -> ProgressNote:
    if not (values.get("goals", "").strip() or values.get("feedback", "").strip()):
        raise RegionalError(_("Write a goal or some feedback."))
    _set(note, values)
    note.save()
    audit.record(
        actor=actor,
        action="regional.progress_note_change",
        subject=note.pupil,
        summary=f"Progress note of {note.written_on} changed",
    )
    return note


@transaction.atomic
def progress_note_delete(*, actor: Any, note: ProgressNote) -> None:
    _record_delete(
        actor, note.pupil, "progress_note", f"Progress note of {note.written_on} deleted"
    )
    _delete(note)


@transaction.atomic
def evaluation_note_update(
    *, note: EvaluationNote, text: str, gathering: Gathering | None
) -> EvaluationNote:
    if gathering is not None and gathering.programme_id != note.programme_id:
        raise RegionalError(_("Choose one of the programme's gatherings."))
    note.text = text.strip()
    note.gathering = gathering
    note.save(update_fields=["text", "gathering"])
    return note


@transaction.atomic
def evaluation_note_delete(*, actor: Any, note: EvaluationNote) -> None:
    _record_delete(actor, note.programme, "evaluation_note", f"Evaluation note deleted: {note}")
    _delete(note)


def _forget_file(name: str) -> None:
    """Remove a stored file once the change that dropped it is committed."""
    if not name:
        return
    storage = Material._meta.get_field("file").storage
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def material_update(*, material: Material, values: dict[str, Any]) -> Material:
    """Change a shared material; a replaced or removed file is deleted from storage."""
    old_file = material.file.name if material.file else ""
    _set(material, {**values, "file": values.get("file") or ""})
    if bool(material.file) == bool(material.url):
        raise RegionalError(_("Add either a file or a link."))
    material.save()
    if old_file and material.file.name != old_file:
        _forget_file(old_file)
    return material


@transaction.atomic
def material_delete(*, actor: Any, material: Material) -> None:
    name = material.file.name if material.file else ""
    _record_delete(actor, material.programme, "material", f"Material «{material.title}» deleted")
    _delete(material)
    _forget_file(name)


@transaction.atomic
def programme_calendar_renew(*, actor: Any, programme: Programme) -> Programme:
    """A new secret calendar address; the old one stops working at once."""
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    locked.calendar_token = uuid.uuid4()
    locked.save(update_fields=["calendar_token"])
    audit.record(
        actor=actor,
        action="regional.calendar_renew",
        subject=locked,
        summary="New calendar subscription address issued; the old one no longer works",
    )
    return locked


# --- Notifications -------------------------------------------------------------------------


def _gathering_context(gathering: Gathering) -> dict[str, Any]:
    programme = gathering.programme
    kwargs = {"region": programme.region.slug, "programme": programme.slug, "pk": gathering.pk}
    return {
        "gathering": gathering,
        "programme": programme,
        "gathering_url": absolute_url(reverse("regional:gathering", kwargs=kwargs)),
        "family_url": absolute_url(reverse("regional:family")),
    }


def _invited_pupils(gathering: Gathering) -> list[InDepthPupil]:
    target_ids = list(gathering.target_schools.values_list("pk", flat=True))
    pupils = gathering.programme.pupils.filter(is_active=True).select_related("school")
    return [
        pupil
        for pupil in pupils
        if rules.targets(
            target_ids, gathering.target_disciplines, pupil.school_id, pupil.discipline
        )
    ]


def _mail_guardians(
    pupils: Iterable[InDepthPupil], *, key: str, template: str, context: dict[str, Any]
) -> int:
    """Each pupil's guardians (in their language) and, for pupils entered with an e-mail
    address of their own (upper secondary), the pupil."""
    pupils = list(pupils)
    by_household: dict[int, list[Guardian]] = {}
    household_ids = {p.pupil.household_id for p in pupils if p.pupil_id}
    for guardian in Guardian.objects.filter(household_id__in=household_ids).select_related("user"):
        by_household.setdefault(guardian.household_id, []).append(guardian)
    sent = 0
    for in_depth in pupils:
        recipients: list[tuple[str, str, Any, str]] = []
        if in_depth.pupil_id:
            for guardian in by_household.get(in_depth.pupil.household_id, []):
                user = guardian.user
                email = (user.email if user else "") or guardian.email
                if email:
                    recipients.append((f"guardian-{guardian.pk}", email, user, guardian.first_name))
        if in_depth.email:
            recipients.append(("pupil", in_depth.email, None, in_depth.first_name))
        for who, email, user, name in recipients:
            message = notify(
                key=f"{key}-{in_depth.pk}-{who}",
                template=template,
                to_email=email,
                user=user,
                language=getattr(user, "language", None) or settings.LANGUAGE_CODE,
                context={**context, "in_depth": in_depth, "name": name, "to_pupil": who == "pupil"},
            )
            sent += message is not None
    return sent


def _mail_staff(
    school_ids: Iterable[int],
    *,
    key: str,
    template: str,
    context: dict[str, Any],
    roles: Iterable[str] = PARTNER_STAFF_ROLES,
) -> int:
    """Office, principal and teachers (or `roles`) of the given schools, once per person."""
    sent = 0
    seen: set[int] = set()
    staff = (
        StaffRole.objects.filter(school_id__in=list(school_ids), role__in=list(roles))
        .select_related("user", "school")
        .order_by("user_id", "school__name")
    )
    for role in staff:
        if role.user_id in seen or not role.user.email:
            continue
        seen.add(role.user_id)
        message = notify(
            key=f"{key}-staff-{role.user_id}",
            template=template,
            to_email=role.user.email,
            user=role.user,
            context={
                **context,
                "school": role.school,
                "staff": True,
                "name": role.user.first_name or role.user.email,
            },
        )
        sent += message is not None
    return sent


def gathering_invitations_send(*, gathering: Gathering) -> int:
    """When registration opens: the invited pupils' homes and the partner schools' staff."""
    if gathering.status != Gathering.Status.OPEN:
        return 0
    context = _gathering_context(gathering)
    pupils = _invited_pupils(gathering)
    key = f"regional-invitation-{gathering.pk}"
    sent = _mail_guardians(pupils, key=key, template="regional_invitation", context=context)
    schools = set(gathering.target_schools.values_list("pk", flat=True)) or set(
        gathering.programme.schools.values_list("pk", flat=True)
    )
    sent += _mail_staff(schools, key=key, template="regional_invitation", context=context)
    return sent


def _gatherings(status: Iterable[str]) -> Any:
    return Gathering.objects.filter(status__in=list(status)).select_related("programme__region")


def deadline_reminders_send(*, today: dt.date) -> int:
    """A few days before the registration deadline: the homes of invited pupils who are not
    registered yet, and the partner schools' staff."""
    sent = 0
    for gathering in _gatherings([Gathering.Status.OPEN]).filter(registration_deadline__gte=today):
        if not rules.deadline_reminder_due(gathering.registration_deadline, today):
            continue
        registered = set(gathering.registrations.values_list("pupil_id", flat=True))
        pupils = [p for p in _invited_pupils(gathering) if p.pk not in registered]
        context = _gathering_context(gathering)
        key = f"regional-deadline-{gathering.pk}"
        sent += _mail_guardians(pupils, key=key, template="regional_deadline", context=context)
        schools = {p.school_id for p in _invited_pupils(gathering)}
        sent += _mail_staff(schools, key=key, template="regional_deadline", context=context)
    return sent


def day_before_reminders_send(*, today: dt.date) -> int:
    """The day before: the registered pupils' homes (time, place, transport) and the staff of
    the schools they travel from."""
    sent = 0
    gatherings = _gatherings([Gathering.Status.OPEN, Gathering.Status.PLANNED]).filter(
        date__gte=today, date__lte=today + dt.timedelta(days=1)
    )
    for gathering in gatherings:
        if not rules.day_before_due(gathering.date, today):
            continue
        registrations = list(
            gathering.registrations.select_related("pupil__pupil", "pupil__school", "travels_from")
        )
        if not registrations:
            continue
        context = _gathering_context(gathering)
        key = f"regional-daybefore-{gathering.pk}"
        sent += _mail_guardians(
            [r.pupil for r in registrations],
            key=key,
            template="regional_day_before",
            context=context,
        )
        sent += _mail_staff(
            {r.pupil.school_id for r in registrations},
            key=key,
            template="regional_day_before",
            context=context,
        )
    return sent


def feedback_requests_send(*, today: dt.date) -> int:
    """After the gathering: the homes of pupils who came (or were registered, when attendance
    was not recorded) and the teachers of the partner schools are asked for feedback."""
    sent = 0
    gatherings = _gatherings(
        [Gathering.Status.OPEN, Gathering.Status.HELD, Gathering.Status.EVALUATED]
    ).filter(date__lt=today, date__gte=today - dt.timedelta(days=rules.FEEDBACK_WINDOW_DAYS))
    for gathering in gatherings:
        if not rules.feedback_request_due(gathering.date, today):
            continue
        registrations = list(
            gathering.registrations.exclude(
                attendance=Registration.Attendance.ABSENT
            ).select_related("pupil__pupil", "pupil__school")
        )
        if not registrations:
            continue
        context = _gathering_context(gathering)
        key = f"regional-feedback-{gathering.pk}"
        sent += _mail_guardians(
            [r.pupil for r in registrations], key=key, template="regional_feedback", context=context
        )
        sent += _mail_staff(
            {r.pupil.school_id for r in registrations},
            key=key,
            template="regional_feedback",
            context=context,
            roles=[Role.TEACHER],
        )
    return sent
