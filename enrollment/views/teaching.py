"""Pages for teachers, made for a phone between lessons: today's lessons, the one-tap register,
their groups, lesson changes, effort assessments and conference hours.

Scope (enrollment/teaching_access.py): a teacher reaches only their own groups (another
teacher's group is a 404); a substitute reaches the one lesson they give; office staff and
principals reach the lessons of their school, to change, cancel or register them through the
same pages. Users with none of these roles get 403; anonymous visitors go to the login page.

Every write goes through enrollment.services.lifecycle; a rule it refuses (LifecycleError) is
shown as a message and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from enrollment import rules, selectors
from enrollment.forms.teaching import (
    AbsenceReportForm,
    AttendanceForm,
    ConferencePublishForm,
    EffortForm,
    LessonCancelForm,
    LessonChangeForm,
    NoteBroughtForm,
)
from enrollment.models import (
    AbsenceReport,
    Attendance,
    ConferenceSlot,
    EffortAssessment,
    GroupMember,
    Lesson,
    Placement,
    TeachingGroup,
)
from enrollment.services import lifecycle
from enrollment.services.lifecycle import LifecycleError
from enrollment.teaching_access import (
    conference_slot_delete,
    effort_by_placement,
    is_group_teacher,
    is_school_office,
    lesson_for_register,
    lesson_tallies,
    lessons_between,
    lessons_for,
    may_change_lesson,
    may_open_lessons,
    performer_track_schools,
    policy_for,
    register_members,
    register_rows,
    register_summary,
    school_teachers,
    unregistered_before,
    with_register_counts,
)
from kulturskole.access import Role, TeacherMixin, get_in_scope, roles_for

# --- Today ---------------------------------------------------------------------------------------

DAYS_AHEAD = 7


class TodayView(TeacherMixin, TemplateView):
    """The teacher's landing page: today's lessons with a big Register button, then the week."""

    template_name = "teaching/today.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        lessons = list(lessons_between(self.request.user, today, today + dt.timedelta(DAYS_AHEAD)))
        days = [
            (day, list(day_lessons))
            for day, day_lessons in groupby(
                (lesson for lesson in lessons if lesson.date > today), key=lambda x: x.date
            )
        ]
        context.update(
            section="today",
            today=today,
            today_lessons=[lesson for lesson in lessons if lesson.date == today],
            days=days,
            overdue=unregistered_before(self.request.user, today),
            show_teacher_tabs=True,
        )
        return context


# --- Groups --------------------------------------------------------------------------------------


class GroupListView(TeacherMixin, ListView):
    template_name = "teaching/groups.html"
    context_object_name = "groups"

    def get_queryset(self) -> QuerySet[TeachingGroup]:
        return selectors.teacher_groups_from(self.groups(), timezone.localdate())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        # Cards grouped by term; the queryset is ordered by term already.
        terms: list[tuple[Any, list[TeachingGroup]]] = []
        for group in context["groups"]:
            if not terms or terms[-1][0] != group.term:
                terms.append((group.term, []))
            terms[-1][1].append(group)
        context.update(terms=terms, today=today, section="groups", show_teacher_tabs=True)
        return context


class GroupDetailView(TeacherMixin, DetailView):
    """Members and their places, the lessons to come, attendance so far and effort (§16b)."""

    template_name = "teaching/group.html"
    context_object_name = "group"

    def get_object(self, queryset: Any = None) -> TeachingGroup:
        groups = self.groups().select_related(
            "offer__school__policy", "offer__department", "term", "location"
        )
        return get_in_scope(groups, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        group: TeachingGroup = self.object
        today = timezone.localdate()
        members = list(
            GroupMember.objects.filter(group=group)
            .select_related("placement__pupil")
            .order_by("placement__pupil__first_name", "placement__pupil__last_name", "pk")
        )
        current = [m for m in members if m.placement.status != Placement.Status.ENDED]
        lessons = list(
            with_register_counts(Lesson.objects.filter(group=group))
            .select_related("substitute", "location")
            .order_by("date", "starts_at")
        )
        upcoming = [lesson for lesson in lessons if lesson.date >= today]
        past = [lesson for lesson in reversed(lessons) if lesson.date < today]
        tallies = lesson_tallies(past)
        for lesson in past:
            lesson.tally = tallies.get(lesson.pk)  # type: ignore[attr-defined]
        effort_rows = []
        if lifecycle.is_performer_track(group.offer) or group.offer.effort_requirements.strip():
            policy = policy_for(group.offer.school)
            history = effort_by_placement([m.placement_id for m in current])
            for member in current:
                assessments = history.get(member.placement_id, [])
                this_term = next((a for a in assessments if a.term_id == group.term_id), None)
                effort_rows.append(
                    {
                        "member": member,
                        "assessments": assessments,
                        "this_term": this_term,
                        "guidance": rules.needs_effort_guidance(
                            [a.level for a in assessments],
                            terms_before_guidance=policy.low_effort_terms_before_guidance,
                        ),
                        "form": EffortForm(
                            prefix=f"effort-{member.placement_id}",
                            initial={
                                "level": this_term.level if this_term else None,
                                "note": this_term.note if this_term else "",
                            },
                        ),
                    }
                )
        context.update(
            section="groups",
            show_teacher_tabs=True,
            today=today,
            members=members,
            current_count=len(current),
            upcoming=upcoming,
            past=past,
            effort_rows=effort_rows,
            shows_effort=bool(effort_rows)
            or lifecycle.is_performer_track(group.offer)
            or bool(group.offer.effort_requirements.strip()),
        )
        return context


class EffortView(TeacherMixin, FormView):
    """§16b: the teacher assesses a pupil's own effort in the group's term."""

    template_name = "teaching/effort.html"
    form_class = EffortForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and roles_for(request.user).has(Role.TEACHER):
            self.group = get_in_scope(
                self.groups().select_related("offer__school__policy", "term"), pk=kwargs["pk"]
            )
            self.member = get_in_scope(
                GroupMember.objects.filter(group=self.group)
                .exclude(placement__status=Placement.Status.ENDED)
                .select_related("placement__pupil"),
                placement_id=kwargs["placement"],
            )
        return super().dispatch(request, *args, **kwargs)

    def get_prefix(self) -> str:
        return f"effort-{self.member.placement_id}"

    def get_initial(self) -> dict[str, Any]:
        current = EffortAssessment.objects.filter(
            placement=self.member.placement, term=self.group.term
        ).first()
        return {"level": current.level, "note": current.note} if current else {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        assessments = effort_by_placement([self.member.placement_id])[self.member.placement_id]
        context.update(
            section="groups",
            show_teacher_tabs=True,
            group=self.group,
            member=self.member,
            assessments=assessments,
            guidance=rules.needs_effort_guidance(
                [a.level for a in assessments],
                terms_before_guidance=policy_for(
                    self.group.offer.school
                ).low_effort_terms_before_guidance,
            ),
        )
        return context

    def form_valid(self, form: EffortForm) -> HttpResponse:
        placement = self.member.placement
        lifecycle.effort_assess(
            actor=self.request.user,
            placement=placement,
            term=self.group.term,
            level=form.cleaned_data["level"],
            note=form.cleaned_data["note"],
        )
        levels = list(
            EffortAssessment.objects.filter(placement=placement)
            .order_by("term__starts_on")
            .values_list("level", flat=True)
        )
        messages.success(
            self.request,
            _("Effort for %(pupil)s in %(term)s is saved.")
            % {"pupil": placement.pupil.full_name, "term": self.group.term},
        )
        policy = policy_for(self.group.offer.school)
        if rules.needs_effort_guidance(
            levels, terms_before_guidance=policy.low_effort_terms_before_guidance
        ):
            messages.warning(
                self.request,
                _(
                    "Effort has been too low for more than one term: guidance towards another "
                    "offer is suggested at the conference hour (§16b). The home has been told."
                ),
            )
        url = reverse("teaching:group", args=[self.group.pk])
        return redirect(f"{url}#effort-{placement.pk}")


# --- One lesson: the register --------------------------------------------------------------------


def _safe_next(request: HttpRequest, default: str) -> str:
    """The `next` address the office's own links pass, if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class LessonMixin(LoginRequiredMixin):
    """Resolves `self.lesson` among the lessons the user may open (404 outside them)."""

    lesson: Lesson
    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            if getattr(request, "htmx", False):
                # A tap after the session ran out: the whole page goes to the login, not the row.
                response = HttpResponse(status=204)
                response["HX-Redirect"] = redirect_to_login(self.lesson_path(kwargs)).url
                return response
            return self.handle_no_permission()
        if not may_open_lessons(request.user):
            raise PermissionDenied
        self.lesson = get_in_scope(lesson_for_register(lessons_for(request.user)), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    @staticmethod
    def lesson_path(kwargs: dict[str, Any]) -> str:
        return reverse("teaching:lesson", args=[kwargs["pk"]])

    @property
    def lesson_url(self) -> str:
        return reverse("teaching:lesson", args=[self.lesson.pk])

    def registrable(self, today: dt.date) -> bool:
        return not self.lesson.is_cancelled and self.lesson.date <= today

    def lesson_context(self) -> dict[str, Any]:
        user = self.request.user
        school = self.lesson.group.offer.school
        return {
            "lesson": self.lesson,
            "group": self.lesson.group,
            "office_school": school if is_school_office(user, school.pk) else None,
            "own_group": is_group_teacher(user, self.lesson.group),
            "can_change": may_change_lesson(user, self.lesson),
            "show_teacher_tabs": roles_for(user).has(Role.TEACHER),
            "section": "today",
        }


class LessonView(LessonMixin, TemplateView):
    """The register: one row per pupil, Present / Absent with one tap."""

    template_name = "teaching/lesson.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        rows = register_rows(self.lesson, today=today)
        context.update(
            self.lesson_context(),
            today=today,
            rows=rows,
            summary=register_summary(rows),
            registrable=self.registrable(today),
        )
        return context


class RowActionView(LessonMixin, View):
    """A POST on one row of the register. With htmx the answer is the redrawn row (and the
    counts, out of band); without JavaScript, a redirect back to the row with a message."""

    http_method_names = ["post"]
    # Whether the redrawn row repeats the success message (the pressed button says enough).
    announce = False

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        today = timezone.localdate()
        member = get_in_scope(register_members(self.lesson), placement_id=kwargs["placement"])
        error = ""
        done = ""
        try:
            done = self.act(member, today)
        except LifecycleError as problem:
            error = str(problem)
        if getattr(request, "htmx", False):
            rows = register_rows(self.lesson, today=today)
            row = next(r for r in rows if r.placement.pk == member.placement_id)
            row.error = error
            row.done = done if self.announce else ""
            return render(
                request,
                "teaching/_register_row_htmx.html",
                {
                    **self.lesson_context(),
                    "row": row,
                    "summary": register_summary(rows),
                    "registrable": self.registrable(today),
                    "today": today,
                },
            )
        if error:
            messages.error(request, error)
        elif done:
            messages.success(request, done)
        return HttpResponseRedirect(f"{self.lesson_url}#pupil-{member.placement_id}")

    def act(self, member: GroupMember, today: dt.date) -> str:
        raise NotImplementedError


class AttendanceView(RowActionView):
    def act(self, member: GroupMember, today: dt.date) -> str:
        form = AttendanceForm(self.request.POST)
        if not form.is_valid():
            raise LifecycleError(_("Choose present or absent."))
        if self.lesson.date > today and not self.lesson.is_cancelled:
            raise LifecycleError(_("Attendance is registered from the day of the lesson."))
        if member.placement.status == Placement.Status.ON_LEAVE:
            raise LifecycleError(_("The pupil is on leave (§14); no attendance is registered."))
        status = form.cleaned_data["status"]
        lifecycle.attendance_set(
            actor=self.request.user,
            lesson=self.lesson,
            placement=member.placement,
            status=status,
        )
        return _("%(pupil)s: %(status)s.") % {
            "pupil": member.placement.pupil.full_name,
            "status": Attendance.Status(status).label,
        }


class NoteBroughtView(RowActionView):
    """§7: the pupil brought a note for an absence without notice; it counts as reported."""

    announce = True

    def act(self, member: GroupMember, today: dt.date) -> str:
        earlier = Lesson.objects.filter(
            group_id=self.lesson.group_id,
            status=Lesson.Status.SCHEDULED,
            date__lte=self.lesson.date,
        )
        form = NoteBroughtForm(self.request.POST, lessons=earlier)
        if not form.is_valid():
            raise LifecycleError(_("Choose one of the group's earlier lessons."))
        missed: Lesson = form.cleaned_data["missed"]
        placement = member.placement
        if not Attendance.objects.filter(
            lesson=missed, placement=placement, status=Attendance.Status.ABSENT
        ).exists():
            raise LifecycleError(_("The pupil is not registered absent at that lesson."))
        if not lifecycle.absence_report(
            actor=self.request.user,
            pupil=placement.pupil,
            lessons=[missed],
            via=AbsenceReport.Via.NOTE,
        ):
            raise LifecycleError(_("That absence is already reported."))
        return _("The note is recorded: the absence on %(day)s is reported (§7).") % {
            "day": f"{missed.date:%d.%m.%Y}"
        }


class AllPresentView(LessonMixin, View):
    """Everyone not yet registered, not reported absent and not on leave is present."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        today = timezone.localdate()
        if not self.registrable(today):
            messages.error(request, _("This lesson cannot be registered now."))
            return redirect(self.lesson_url)
        count = 0
        try:
            for row in register_rows(self.lesson, today=today):
                if row.attendance or row.report is not None or row.on_leave:
                    continue
                lifecycle.attendance_set(
                    actor=request.user,
                    lesson=self.lesson,
                    placement=row.placement,
                    status=Attendance.Status.PRESENT,
                )
                count += 1
        except LifecycleError as problem:
            messages.error(request, str(problem))
            return redirect(self.lesson_url)
        if count:
            messages.success(
                request,
                _("%(count)s pupils registered present.") % {"count": count},
            )
        else:
            messages.info(request, _("Everyone was registered already."))
        return redirect(self.lesson_url)


class AbsenceReportView(LessonMixin, FormView):
    """§7: the home reported the absence by phone, by e-mail or to the teacher."""

    template_name = "teaching/absence_report.html"
    form_class = AbsenceReportForm

    def get_member(self) -> GroupMember:
        if not hasattr(self, "_member"):
            self._member = get_in_scope(
                register_members(self.lesson), placement_id=self.kwargs["placement"]
            )
        return self._member

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if response := self.refused():
            return response
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if response := self.refused():
            return response
        return super().post(request, *args, **kwargs)

    def refused(self) -> HttpResponse | None:
        member = self.get_member()
        if self.lesson.is_cancelled:
            messages.error(self.request, _("The lesson was cancelled; no absence to report."))
            return redirect(self.lesson_url)
        report = AbsenceReport.objects.filter(
            lesson=self.lesson, pupil_id=member.placement.pupil_id
        ).first()
        if report is not None:
            messages.info(
                self.request,
                _("The absence is already reported: %(via)s.") % {"via": report.get_via_display()},
            )
            return redirect(f"{self.lesson_url}#pupil-{member.placement_id}")
        return None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.lesson_context(), member=self.get_member())
        return context

    def form_valid(self, form: AbsenceReportForm) -> HttpResponse:
        member = self.get_member()
        try:
            lifecycle.absence_report(
                actor=self.request.user,
                pupil=member.placement.pupil,
                lessons=[self.lesson],
                via=form.cleaned_data["via"],
                reason=form.cleaned_data["reason"],
            )
        except LifecycleError as problem:
            form.add_error(None, str(problem))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The absence of %(pupil)s is recorded as reported (§7).")
            % {"pupil": member.placement.pupil.full_name},
        )
        return redirect(f"{self.lesson_url}#pupil-{member.placement_id}")


# --- Changing a lesson (§8, §17): the group's teacher or the school's office ---------------------


class LessonChangeMixin(LessonMixin):
    """Only the group's teacher and the school's office or principal (not a substitute)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.guarded(super().get, request, *args, **kwargs)  # type: ignore[misc]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.guarded(super().post, request, *args, **kwargs)  # type: ignore[misc]

    def guarded(self, handler: Any, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not may_change_lesson(request.user, self.lesson):
            raise PermissionDenied
        if self.lesson.is_cancelled:
            messages.info(request, _("This lesson is cancelled; it can no longer be changed."))
            return redirect(self.lesson_url)
        return handler(request, *args, **kwargs)

    def done_url(self) -> str:
        return _safe_next(self.request, self.lesson_url)


class LessonCancelView(LessonChangeMixin, FormView):
    """§8: the school cancels a lesson; the homes of the group are e-mailed. A confirmation
    page, since it cannot be undone here."""

    template_name = "teaching/lesson_cancel.html"
    form_class = LessonCancelForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        households = (
            register_members(self.lesson)
            .values("placement__pupil__household_id")
            .distinct()
            .count()
        )
        context.update(
            self.lesson_context(),
            households=households,
            next=_safe_next(self.request, ""),
            cancel_url=self.done_url(),
        )
        return context

    def form_valid(self, form: LessonCancelForm) -> HttpResponse:
        try:
            lifecycle.lesson_cancel(
                actor=self.request.user, lesson=self.lesson, reason=form.cleaned_data["reason"]
            )
        except LifecycleError as problem:
            form.add_error(None, str(problem))
            return self.form_invalid(form)
        messages.success(
            self.request, _("The lesson is cancelled and the homes are told by e-mail.")
        )
        return redirect(self.done_url())


class LessonChangeView(LessonChangeMixin, FormView):
    """§8a another day or time, or a substitute; §17 the content. Homes are told of a move or
    a substitute."""

    template_name = "teaching/lesson_change.html"
    form_class = LessonChangeForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        group = self.lesson.group
        kwargs["teachers"] = school_teachers(group.offer.school_id).exclude(pk=group.teacher_id)
        kwargs["term"] = group.term
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        lesson = self.lesson
        return {
            "date": lesson.date,
            "starts_at": lesson.starts_at,
            "ends_at": lesson.ends_at,
            "substitute": lesson.substitute_id,
            "room": lesson.room,
            "kind": lesson.kind,
            "note": lesson.note,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            self.lesson_context(), next=_safe_next(self.request, ""), cancel_url=self.done_url()
        )
        return context

    def form_valid(self, form: LessonChangeForm) -> HttpResponse:
        data = form.cleaned_data
        lesson = self.lesson
        moved = (data["date"], data["starts_at"]) != (lesson.date, lesson.starts_at)
        substitute = data["substitute"]
        new_substitute = (substitute.pk if substitute else None) != lesson.substitute_id
        try:
            lifecycle.lesson_change(
                actor=self.request.user,
                lesson=lesson,
                date=data["date"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                substitute=substitute,
                room=data["room"],
                kind=data["kind"],
                note=data["note"],
            )
        except LifecycleError as problem:
            form.add_error(None, str(problem))
            return self.form_invalid(form)
        if moved or new_substitute:
            messages.success(
                self.request, _("The lesson is changed and the homes are told by e-mail.")
            )
        else:
            messages.success(self.request, _("The lesson is changed."))
        return redirect(self.done_url())


# --- Conference hours (§15) ----------------------------------------------------------------------


class ConferenceListView(TeacherMixin, ListView):
    """The teacher's conference hours to come, and who booked them."""

    template_name = "teaching/conferences.html"
    context_object_name = "slots"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[ConferenceSlot]:
        start_of_today = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
        return (
            ConferenceSlot.objects.filter(teacher=self.request.user, starts_at__gte=start_of_today)
            .select_related("school", "placement__pupil", "placement__offer", "booked_by")
            .order_by("starts_at")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            section="conferences",
            show_teacher_tabs=True,
            can_publish=performer_track_schools(self.request.user, timezone.localdate()).exists(),
        )
        return context


class ConferencePublishView(TeacherMixin, FormView):
    template_name = "teaching/conference_publish.html"
    form_class = ConferencePublishForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["schools"] = performer_track_schools(self.request.user, timezone.localdate())
        kwargs["now"] = timezone.now()
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            section="conferences",
            show_teacher_tabs=True,
            can_publish=bool(context["form"].fields["school"].queryset),
        )
        return context

    def form_valid(self, form: ConferencePublishForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            slots = lifecycle.conference_slots_publish(
                teacher=self.request.user,
                school=data["school"],
                first_start=data["first"],
                minutes=data["minutes"],
                count=data["count"],
                place=data["place"],
            )
        except LifecycleError as problem:
            form.add_error(None, str(problem))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(count)s conference hours are published; the homes can book them now.")
            % {"count": len(slots)},
        )
        return redirect("teaching:conferences")


class ConferenceDeleteView(TeacherMixin, TemplateView):
    """Withdraw a conference hour nobody has booked (confirmation first)."""

    template_name = "teaching/conference_delete.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and roles_for(request.user).has(Role.TEACHER):
            self.slot = get_in_scope(
                ConferenceSlot.objects.filter(teacher=request.user).select_related(
                    "school", "placement__pupil"
                ),
                pk=kwargs["pk"],
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.slot.placement_id is not None:
            messages.error(request, _("This hour is booked; only the home can cancel the booking."))
            return redirect("teaching:conferences")
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if conference_slot_delete(actor=request.user, slot=self.slot):
            messages.success(request, _("The conference hour is withdrawn."))
        else:
            messages.error(request, _("This hour is booked; only the home can cancel the booking."))
        return redirect("teaching:conferences")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(slot=self.slot, section="conferences", show_teacher_tabs=True)
        return context
