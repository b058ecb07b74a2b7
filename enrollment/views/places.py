"""Guardian pages for a child's place: lessons and absence (§7), the trial (§6), notice (§9),
leave (§14), effort requirements (§16), conference hours (§15), the parent work group (§18)
and the school's decision letters (§9f).

Every placement, lesson, conference hour and letter is reached through the children of the
signed-in guardian's households (`GuardianMixin.pupils()`), so another family's is a 404
whatever id is typed into the address. Views only check scope, validate and call
`enrollment.services.lifecycle`; a refusal comes back as a `LifecycleError` whose message is
shown as it is. The doctor's note of a leave application is for the office only: it is never
linked or served here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from enrollment import rules
from enrollment.forms.places import (
    AbsenceReportForm,
    LeaveForm,
    LeaveReturnForm,
    NoticeForm,
    lesson_started,
)
from enrollment.models import (
    AbsenceReport,
    Attendance,
    ConferenceSlot,
    GroupMember,
    Leave,
    Lesson,
    Notice,
    Offer,
    ParentWorkGroupMember,
    Placement,
    Pupil,
    TeachingGroup,
    Termination,
)
from enrollment.services import lifecycle
from enrollment.services.lifecycle import LifecycleError
from enrollment.views import family
from kulturskole import dates
from kulturskole.access import GuardianMixin, get_in_scope

# How far ahead the lessons page shows lessons that can be reported absent.
LESSON_WEEKS = 6
# Free conference hours shown on a place page; a teacher publishes at most 40 at a time.
CONFERENCE_SLOTS_SHOWN = 40


def long_date(day: dt.date) -> str:
    return dates.day_month_year(day)


def half_year_start(day: dt.date) -> dt.date:
    """The first day of the term a day belongs to, as §9b and §15 count terms."""
    return dt.date(day.year, 1 if day.month <= 6 else 7, 1)


# --- Lessons and absence (§7) -----------------------------------------------------------------


@dataclass
class LessonRow:
    """A coming lesson of one child, and whether the home can still report absence online."""

    lesson: Lesson
    report: AbsenceReport | None = None
    started: bool = False

    @property
    def group(self) -> TeachingGroup:
        return self.lesson.group

    @property
    def can_report(self) -> bool:
        return not self.lesson.is_cancelled and not self.started and self.report is None


@dataclass
class HistoryRow:
    """A lesson this term as registered: present, absent with notice, or absent without."""

    PRESENT = "present"
    REPORTED = "reported"
    UNREPORTED = "unreported"
    REPORTED_NOT_REGISTERED = "reported_only"

    lesson: Lesson
    attendance: Attendance | None
    report: AbsenceReport | None

    @property
    def state(self) -> str:
        if self.attendance is None:
            return self.REPORTED_NOT_REGISTERED
        if self.attendance.status == Attendance.Status.PRESENT:
            return self.PRESENT
        return self.REPORTED if self.report else self.UNREPORTED


@dataclass
class ChildLessons:
    pupil: Pupil
    groups: list[TeachingGroup] = field(default_factory=list)
    upcoming: list[LessonRow] = field(default_factory=list)
    history: list[HistoryRow] = field(default_factory=list)
    form: AbsenceReportForm | None = None

    @property
    def reportable(self) -> bool:
        return any(row.can_report for row in self.upcoming)

    def count(self, state: str) -> int:
        return sum(1 for row in self.history if row.state == state)

    @property
    def present(self) -> int:
        return self.count(HistoryRow.PRESENT)

    @property
    def reported(self) -> int:
        return self.count(HistoryRow.REPORTED)

    @property
    def unreported(self) -> int:
        return self.count(HistoryRow.UNREPORTED)

    @property
    def last_unreported(self) -> HistoryRow | None:
        rows = [row for row in self.history if row.state == HistoryRow.UNREPORTED]
        return rows[-1] if rows else None


def lessons_of(pupil_ids: list[int]) -> QuerySet[Lesson]:
    """Every lesson of the groups the children are in with a current place."""
    return Lesson.objects.filter(
        group__members__placement__pupil_id__in=pupil_ids,
        group__members__placement__status__in=Placement.OCCUPYING,
    ).distinct()


def family_lessons(pupils: list[Pupil], *, now: dt.datetime) -> list[ChildLessons]:
    """The coming lessons and this term's attendance of each child, in four queries
    whatever the number of children, groups and lessons."""
    today = timezone.localdate(now)
    first_day, last_day = half_year_start(today), today + dt.timedelta(weeks=LESSON_WEEKS)
    children = {pupil.pk: ChildLessons(pupil) for pupil in pupils}
    members = list(
        GroupMember.objects.filter(
            placement__pupil_id__in=children, placement__status__in=Placement.OCCUPYING
        )
        .select_related(
            "group__offer", "group__location", "group__teacher", "group__term", "placement"
        )
        .order_by("group__term__starts_on", "group__weekday", "group__starts_at", "pk")
    )
    groups: dict[int, TeachingGroup] = {}
    members_of: dict[int, list[Placement]] = defaultdict(list)
    for member in members:
        groups.setdefault(member.group_id, member.group)
        members_of[member.group_id].append(member.placement)
        child = children[member.placement.pupil_id]
        if member.group.term.ends_on >= today and member.group not in child.groups:
            child.groups.append(member.group)
    lessons = list(
        Lesson.objects.filter(group_id__in=groups, date__range=(first_day, last_day))
        .select_related("location", "substitute")
        .order_by("date", "starts_at", "pk")
    )
    lesson_ids = [lesson.pk for lesson in lessons]
    reports = {
        (report.lesson_id, report.pupil_id): report
        for report in AbsenceReport.objects.filter(pupil_id__in=children, lesson_id__in=lesson_ids)
    }
    attendance = {
        (row.lesson_id, row.placement_id): row
        for row in Attendance.objects.filter(
            placement_id__in=[member.placement_id for member in members],
            lesson_id__in=lesson_ids,
        )
    }
    for lesson in lessons:
        lesson.group = groups[lesson.group_id]
        started = lesson_started(lesson, now)
        for placement in members_of[lesson.group_id]:
            if lesson.date < placement.starts_on or (
                placement.ends_on and lesson.date > placement.ends_on
            ):
                continue
            child = children[placement.pupil_id]
            report = reports.get((lesson.pk, placement.pupil_id))
            if not started:
                child.upcoming.append(LessonRow(lesson, report, started=False))
                continue
            if lesson.is_cancelled:
                continue
            registered = attendance.get((lesson.pk, placement.pk))
            if registered or report:
                child.history.append(HistoryRow(lesson, registered, report))
            elif lesson.date == today:
                # Under way or just held, not registered yet: still in the list of today.
                child.upcoming.append(LessonRow(lesson, report, started=True))
    return list(children.values())


class LessonsView(GuardianMixin, TemplateView):
    """Each child's lessons for the coming weeks, absence reported ahead (§7), this term's
    attendance."""

    template_name = "family/lessons.html"

    @cached_property
    def now(self) -> dt.datetime:
        return timezone.now()

    def children(self) -> list[ChildLessons]:
        pupils = list(self.pupils().order_by("birth_date", "pk"))
        return family_lessons(pupils, now=self.now)

    def form_for(self, child: ChildLessons, data: Any = None) -> AbsenceReportForm:
        return AbsenceReportForm(
            data,
            lessons=lessons_of([child.pupil.pk]),
            reported=[row.lesson.pk for row in child.upcoming if row.report],
            now=self.now,
            auto_id=f"id_child{child.pupil.pk}_%s",
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        children = kwargs.get("children") or self.children()
        for child in children:
            if child.form is None:
                child.form = self.form_for(child)
        context.update(
            children=children,
            today=timezone.localdate(self.now),
            weeks=LESSON_WEEKS,
            term_start=half_year_start(timezone.localdate(self.now)),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        pupil = get_in_scope(self.pupils(), pk=request.POST.get("pupil"))
        children = self.children()
        child = next(child for child in children if child.pupil.pk == pupil.pk)
        form = child.form = self.form_for(child, request.POST)
        if not form.is_valid():
            wrong = form.errors.as_data().get("lessons", [])
            if any(error.code in ("invalid_choice", "invalid_pk_value") for error in wrong):
                raise Http404  # a lesson that is not this child's
            return self.render_to_response(self.get_context_data(children=children))
        lessons = form.cleaned_data["lessons"]
        try:
            lifecycle.absence_report(
                actor=request.user,
                pupil=pupil,
                lessons=lessons,
                via=AbsenceReport.Via.ONLINE,
                reason=form.cleaned_data["reason"],
                now=self.now,
            )
        except LifecycleError as refused:
            form.add_error("lessons", str(refused))
            return self.render_to_response(self.get_context_data(children=children))
        messages.success(
            request,
            _("Absence is reported for %(name)s: %(days)s. The teacher sees it in the register.")
            % {
                "name": pupil.first_name,
                "days": ", ".join(dates.day_month(lesson.date) for lesson in lessons),
            },
        )
        return HttpResponseRedirect(reverse("family:lessons") + f"#child-{pupil.pk}")


# --- The family home page, with each child's current places ----------------------------------


class FamilyHomeView(family.FamilyHomeView):
    """The family page, and for each child a link to each current place (one more query)."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        pupils = {
            pupil.pk: pupil
            for household in context["households"]
            for pupil in household.pupils.all()
        }
        for pupil in pupils.values():
            pupil.current_placements = []  # type: ignore[attr-defined]
        for placement in (
            Placement.objects.filter(pupil_id__in=pupils)
            .exclude(status=Placement.Status.ENDED)
            .select_related("offer__location")
            .order_by("starts_on", "pk")
        ):
            pupils[placement.pupil_id].current_placements.append(placement)  # type: ignore[attr-defined]
        context["has_places"] = any(
            pupil.current_placements  # type: ignore[attr-defined]
            for pupil in pupils.values()
        )
        return context


# --- One place ----------------------------------------------------------------------------------


class PlacementMixin(GuardianMixin):
    """The placement from the URL, among the guardian's own children's."""

    @cached_property
    def now(self) -> dt.datetime:
        return timezone.now()

    @cached_property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)

    @cached_property
    def placement(self) -> Placement:
        placements = Placement.objects.filter(pupil__in=self.pupils()).select_related(
            "pupil__household",
            "offer__school__policy",
            "offer__department",
            "offer__location",
            "starts_term",
        )
        return get_in_scope(placements, pk=self.kwargs["pk"])

    @property
    def place_url(self) -> str:
        return reverse("family:place", kwargs={"pk": self.placement.pk})

    def ended(self) -> HttpResponse | None:
        """Actions on a place that has ended go back to its page with a word why."""
        if self.placement.status == Placement.Status.ENDED:
            messages.info(self.request, _("This place has ended."))  # type: ignore[attr-defined]
            return HttpResponseRedirect(self.place_url)
        return None

    def teacher_ids(self) -> list[int]:
        return list(
            GroupMember.objects.filter(placement=self.placement, group__teacher__isnull=False)
            .values_list("group__teacher_id", flat=True)
            .distinct()
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context.update(placement=self.placement, pupil=self.placement.pupil, today=self.today)
        return context


def _notice_key(preview: lifecycle.NoticePreview) -> str:
    """What the notice page promised, to compare when the guardian confirms."""
    if preview.last_term is None:
        return "course"
    return f"{preview.last_term.year}-{preview.last_term.season}-{int(preview.binds_next_term)}"


def notice_ends_sooner(placement: Placement, preview: lifecycle.NoticePreview) -> bool:
    """Whether notice would end a place that already has an end (the school's decision, the
    upper age) any sooner. `notice_give` would otherwise move that end to the notice's."""
    if placement.ends_on is None:
        return True
    if preview.last_term is None:
        ends = placement.offer.course_ends_on
    elif preview.ends_on:
        ends = preview.ends_on
    else:
        last = preview.last_term
        ends = dt.date(last.year, 6, 30) if last.season == "spring" else dt.date(last.year, 12, 31)
    return ends is not None and ends < placement.ends_on


def notice_deadline(preview: lifecycle.NoticePreview, policy: Any) -> dt.date | None:
    """The §9b deadline the notice met, or, when it binds the next term, the one it missed."""
    last = preview.last_term
    if last is None:
        return None
    if preview.binds_next_term:
        if last.season == "spring":
            return policy.notice_deadline_for_spring.in_year(last.year - 1)
        return policy.notice_deadline_for_autumn.in_year(last.year)
    if last.season == "autumn":
        return policy.notice_deadline_for_spring.in_year(last.year)
    return policy.notice_deadline_for_autumn.in_year(last.year)


class PlaceView(PlacementMixin, TemplateView):
    """Everything about one place, and what the home can do about it, rule by rule."""

    template_name = "family/place.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        placement = self.placement
        offer = placement.offer
        ended = placement.status == Placement.Status.ENDED
        memberships = list(
            GroupMember.objects.filter(placement=placement)
            .select_related("group__teacher", "group__location", "group__term")
            .order_by("group__term__starts_on", "group__weekday", "group__starts_at")
        )
        groups = [member.group for member in memberships]
        notice = Notice.objects.filter(placement=placement).first()
        trial = None
        if not ended and notice is None:
            trial = lifecycle.trial_state_of(placement, today=self.today)
        leaves = list(placement.leaves.select_related("return_application").order_by("-applied_at"))
        open_leave = next(
            (
                leave
                for leave in leaves
                if leave.status in (Leave.Status.APPLIED, Leave.Status.APPROVED)
            ),
            None,
        )
        effort_text = offer.effort_requirements.strip()
        effort_ack = placement.effort_acknowledgements.select_related("acknowledged_by").first()
        performer = lifecycle.is_performer_track(offer)
        booked: list[ConferenceSlot] = []
        free: list[ConferenceSlot] = []
        if performer:
            booked = list(
                ConferenceSlot.objects.filter(placement=placement)
                .select_related("teacher")
                .order_by("starts_at")
            )
            if not ended:
                free = list(
                    ConferenceSlot.objects.filter(
                        school_id=offer.school_id,
                        teacher_id__in=[g.teacher_id for g in groups if g.teacher_id],
                        placement__isnull=True,
                        starts_at__gt=self.now,
                    )
                    .select_related("teacher")
                    .order_by("starts_at")[:CONFERENCE_SLOTS_SHOWN]
                )
        policy = lifecycle.policy_of(placement)
        # §15a: a half-year that already has its conference hours offers no more to book.
        per_half_year: dict[tuple[int, int], int] = defaultdict(int)
        for slot in booked:
            per_half_year[rules.half_year(timezone.localdate(slot.starts_at))] += 1
        for slot in free:
            slot.bookable = (  # type: ignore[attr-defined]
                per_half_year[rules.half_year(timezone.localdate(slot.starts_at))]
                < policy.conferences_per_half_year
            )
        # On leave or ended, the group's lessons are not the child's.
        taking_part = placement.status in Placement.OCCUPYING
        next_lessons = list(
            Lesson.objects.filter(group__in=groups if taking_part else [], date__gte=self.today)
            .filter(Q(date__gt=self.today) | Q(starts_at__gte=timezone.localtime(self.now).time()))
            .filter(date__lte=placement.ends_on or dt.date.max)
            .select_related("location", "substitute")
            .order_by("date", "starts_at")[:3]
        )
        context.update(
            offer=offer,
            policy=policy,
            ended=ended,
            groups=groups,
            notice=notice,
            can_give_notice=not ended
            and notice is None
            and notice_ends_sooner(
                placement, lifecycle.notice_preview(placement, today=self.today)
            ),
            trial=trial,
            trial_message=lifecycle.trial_closed_message(trial.closed)
            if trial and not trial.can_withdraw
            else "",
            leaves=leaves,
            open_leave=open_leave,
            can_apply_leave=not ended
            and open_leave is None
            and placement.status in Placement.OCCUPYING
            and placement.ends_on is None,
            effort_text=effort_text,
            effort_pending=not ended and lifecycle.effort_pending(placement),
            effort_ack=effort_ack,
            performer=performer,
            booked=[slot for slot in booked if slot.starts_at > self.now],
            held=[slot for slot in booked if slot.starts_at <= self.now],
            free_slots=free,
            work_group=list(
                ParentWorkGroupMember.objects.filter(placement=placement)
                .select_related("guardian")
                .order_by("guardian__first_name")
            ),
            terminations=list(
                placement.terminations.select_related("decided_by").order_by("-decided_at")
            ),
            next_lessons=next_lessons,
            is_course=offer.kind == Offer.Kind.COURSE,
        )
        return context


class TrialWithdrawView(PlacementMixin, TemplateView):
    """§6: asks first (GET), withdraws on POST. The place ends now and nothing is paid."""

    template_name = "family/trial_withdraw.html"

    def state(self) -> rules.TrialState:
        return lifecycle.trial_state_of(self.placement, today=self.today)

    def refused(self, state: rules.TrialState) -> HttpResponse | None:
        if Notice.objects.filter(placement=self.placement).exists():
            messages.info(self.request, _("Notice has already been given for this place."))
            return HttpResponseRedirect(self.place_url)
        if not state.can_withdraw:
            messages.error(self.request, lifecycle.trial_closed_message(state.closed))
            return HttpResponseRedirect(self.place_url)
        return None

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if response := self.ended():
            return response
        state = self.state()
        if response := self.refused(state):
            return response
        return self.render_to_response(self.get_context_data(trial=state))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if response := self.ended():
            return response
        placement = self.placement
        try:
            lifecycle.trial_withdraw(actor=request.user, placement=placement, now=self.now)
        except LifecycleError as refused:
            messages.error(request, str(refused))
            return HttpResponseRedirect(self.place_url)
        messages.success(
            request,
            _(
                "%(name)s has withdrawn from %(offer)s. The place has ended and nothing is paid "
                "for it (§6). A confirmation is sent by e-mail."
            )
            % {"name": placement.pupil.first_name, "offer": placement.offer},
        )
        return HttpResponseRedirect(self.place_url)


class NoticeView(PlacementMixin, FormView):
    """§9b–c: states when the place ends and which terms are paid, then takes the notice."""

    template_name = "family/notice.html"
    form_class = NoticeForm

    @cached_property
    def preview(self) -> lifecycle.NoticePreview:
        return lifecycle.notice_preview(self.placement, today=self.today)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.closed() or super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.closed() or super().post(request, *args, **kwargs)

    def closed(self) -> HttpResponse | None:
        if response := self.ended():
            return response
        if Notice.objects.filter(placement=self.placement).exists():
            messages.info(self.request, _("Notice has already been given for this place."))
            return HttpResponseRedirect(self.place_url)
        if not notice_ends_sooner(self.placement, self.preview):
            messages.info(
                self.request,
                _("The place already ends on %(day)s; notice would not end it sooner.")
                % {"day": long_date(self.placement.ends_on)},  # type: ignore[arg-type]
            )
            return HttpResponseRedirect(self.place_url)
        return None

    def get_initial(self) -> dict[str, Any]:
        return {"expected": _notice_key(self.preview)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        placement = self.placement
        policy = lifecycle.policy_of(placement)
        context.update(
            preview=self.preview,
            deadline=notice_deadline(self.preview, policy),
            policy=policy,
            offer=placement.offer,
            is_course=placement.offer.kind == Offer.Kind.COURSE,
            trial=lifecycle.trial_state_of(placement, today=self.today),
        )
        return context

    def form_valid(self, form: NoticeForm) -> HttpResponse:
        if form.cleaned_data["expected"] != _notice_key(self.preview):
            # The deadline passed while the page was open: show what notice means now.
            form.data = form.data.copy()
            form.data["expected"] = _notice_key(self.preview)
            form.add_error(
                None,
                _(
                    "What notice means has changed since the page was opened, because a "
                    "deadline has passed. Read it again below before you confirm."
                ),
            )
            return self.form_invalid(form)
        placement = self.placement
        try:
            notice = lifecycle.notice_give(
                actor=self.request.user,
                placement=placement,
                reason=form.cleaned_data["reason"],
                now=self.now,
            )
        except LifecycleError as refused:
            messages.error(self.request, str(refused))
            return HttpResponseRedirect(self.place_url)
        messages.success(
            self.request,
            _(
                "The notice is received. The place of %(name)s in %(offer)s ends on %(day)s. "
                "A confirmation is sent by e-mail."
            )
            % {
                "name": placement.pupil.first_name,
                "offer": placement.offer,
                "day": long_date(notice.ends_on),
            },
        )
        return HttpResponseRedirect(self.place_url)


class LeaveApplyView(PlacementMixin, FormView):
    """§14: apply for leave for illness; other reasons are refused with the reason why."""

    template_name = "family/leave_apply.html"
    form_class = LeaveForm

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.closed() or super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.closed() or super().post(request, *args, **kwargs)

    def closed(self) -> HttpResponse | None:
        if response := self.ended():
            return response
        placement = self.placement
        if placement.leaves.filter(status__in=[Leave.Status.APPLIED, Leave.Status.APPROVED]):
            messages.info(self.request, _("There is already a leave application for this place."))
            return HttpResponseRedirect(self.place_url)
        return None

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["today"] = self.today
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        return {"starts_on": self.today}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["policy"] = lifecycle.policy_of(self.placement)
        return context

    def form_valid(self, form: LeaveForm) -> HttpResponse:
        placement = self.placement
        data = form.cleaned_data
        try:
            leave = lifecycle.leave_apply(
                actor=self.request.user,
                placement=placement,
                reason=data["reason"],
                starts_on=data["starts_on"],
                expected_weeks=data["expected_weeks"],
                description=data["description"],
                doctor_note=data["doctor_note"],
                now=self.now,
            )
        except LifecycleError as refused:
            form.add_error(self.field_for(data), str(refused))
            return self.form_invalid(form)
        if leave.status == Leave.Status.REFUSED:
            messages.warning(self.request, leave.decision_note)
        else:
            messages.success(
                self.request,
                _(
                    "The application for leave is sent. The office decides and you get the "
                    "answer by e-mail."
                ),
            )
        return HttpResponseRedirect(self.place_url + "#leave")

    def field_for(self, data: dict[str, Any]) -> str | None:
        """The field a refusal is about, so the message stands next to it."""
        refusal = rules.leave_refusal(
            illness=data["reason"] == Leave.Reason.ILLNESS,
            expected_weeks=data["expected_weeks"],
            min_weeks=lifecycle.policy_of(self.placement).leave_min_illness_weeks,
            has_doctors_note=bool(data["doctor_note"]),
        )
        return {
            rules.LeaveRefusal.TOO_SHORT: "expected_weeks",
            rules.LeaveRefusal.NO_DOCTORS_NOTE: "doctor_note",
        }.get(refusal)  # type: ignore[arg-type]


class LeaveReturnView(PlacementMixin, FormView):
    """§14a: well again; the child gets the first free place in the offer, ahead of the list."""

    template_name = "family/leave_return.html"
    form_class = LeaveReturnForm

    @cached_property
    def leave(self) -> Leave | None:
        return self.placement.leaves.filter(status=Leave.Status.APPROVED).first()

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.closed() or super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.closed() or super().post(request, *args, **kwargs)

    def closed(self) -> HttpResponse | None:
        if response := self.ended():
            return response
        if self.leave is None:
            messages.info(self.request, _("There is no approved leave for this place."))
            return HttpResponseRedirect(self.place_url)
        return None

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.update(leave=self.leave, today=self.today)
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        return {"recovered_on": self.today}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["leave"] = self.leave
        return context

    def form_valid(self, form: LeaveReturnForm) -> HttpResponse:
        placement = self.placement
        try:
            lifecycle.leave_return(
                actor=self.request.user,
                leave=self.leave,  # type: ignore[arg-type]
                recovered_on=form.cleaned_data["recovered_on"],
                now=self.now,
            )
        except LifecycleError as refused:
            form.add_error(None, str(refused))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Good to hear. %(name)s is now first in line for the next free place in "
                "%(offer)s, ahead of the waiting list (§14a). You get a place offer by e-mail."
            )
            % {"name": placement.pupil.first_name, "offer": placement.offer},
        )
        return HttpResponseRedirect(self.place_url + "#leave")


class EffortAcknowledgeView(PlacementMixin, View):
    """§16a: the home confirms it has read the offer's effort requirements."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if response := self.ended():
            return response
        placement = self.placement
        if not lifecycle.effort_pending(placement):
            messages.info(request, _("The effort requirements are already acknowledged."))
        else:
            lifecycle.effort_acknowledge(user=request.user, placement=placement, now=self.now)
            messages.success(request, _("Thank you. The school can see that you have read them."))
        return HttpResponseRedirect(self.place_url + "#effort")


class ConferenceBookView(PlacementMixin, View):
    """§15: book one of the teacher's free conference hours."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if response := self.ended():
            return response
        placement = self.placement
        slots = ConferenceSlot.objects.filter(
            school_id=placement.offer.school_id, teacher_id__in=self.teacher_ids()
        )
        slot = get_in_scope(slots, pk=kwargs["slot"])
        try:
            slot = lifecycle.conference_book(
                user=request.user, slot=slot, placement=placement, now=self.now
            )
        except LifecycleError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                _("The conference hour on %(when)s is booked. You get a reminder the day before.")
                % {"when": formats.date_format(timezone.localtime(slot.starts_at), "j F H:i")},
            )
        return HttpResponseRedirect(self.place_url + "#conference")


class ConferenceCancelView(PlacementMixin, TemplateView):
    """Asks first (GET), cancels the booking on POST; the hour is free for others again."""

    template_name = "family/conference_cancel.html"

    def slot(self) -> ConferenceSlot:
        booked = ConferenceSlot.objects.filter(placement=self.placement).select_related("teacher")
        return get_in_scope(booked, pk=self.kwargs["slot"])

    def passed(self, slot: ConferenceSlot) -> HttpResponse | None:
        if slot.starts_at <= self.now:
            messages.error(self.request, _("This conference hour has passed."))
            return HttpResponseRedirect(self.place_url + "#conference")
        return None

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        slot = self.slot()
        return self.passed(slot) or self.render_to_response(self.get_context_data(slot=slot))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        slot = self.slot()
        if response := self.passed(slot):
            return response
        lifecycle.conference_unbook(user=request.user, slot=slot)
        messages.success(request, _("The conference hour is cancelled. You can book another."))
        return HttpResponseRedirect(self.place_url + "#conference")


class LetterPDFView(GuardianMixin, View):
    """The school's decision letter (§9f) exactly as it was stored, for the household only."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        letters = (
            Termination.objects.filter(placement__pupil__in=self.pupils())
            .exclude(letter="")
            .select_related("placement__pupil", "placement__offer")
        )
        termination = get_in_scope(letters, pk=kwargs["pk"])
        try:
            document = termination.letter.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        placement = termination.placement
        name = slugify(f"{_('decision')} {placement.pupil.full_name} {placement.offer.name}")
        return FileResponse(
            document, content_type="application/pdf", as_attachment=False, filename=f"{name}.pdf"
        )
