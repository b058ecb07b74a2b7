"""Gatherings (samlinger): their sessions, instructors, registration by the schools, the
participant and transport lists, attendance, feedback, evaluation, PDFs and calendar files."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from kulturskole.access import get_in_scope
from kulturskole.dates import day_month_year
from kulturskole.messaging import absolute_url
from kulturskole.pdf import render_pdf
from regional import ics, rules, selectors, services
from regional.forms import (
    AttendanceForm,
    EvaluationNoteForm,
    FeedbackForm,
    GatheringForm,
    InstructorForm,
    RegistrationForm,
    SessionForm,
    StatusForm,
)
from regional.models import (
    BudgetLine,
    Feedback,
    Gathering,
    GatheringSession,
    Instructor,
    Programme,
    Registration,
)
from regional.services import RegionalError
from regional.views.base import (
    EDIT,
    OVERVIEW,
    PARTNER_STAFF,
    ProgrammeConfirmView,
    ProgrammeFormView,
    ProgrammeMixin,
    values_of,
)

GATHERING_FIELDS = (
    "title",
    "date",
    "starts_at",
    "ends_at",
    "venue",
    "host_school",
    "description",
    "target_disciplines",
    "budget",
    "registration_deadline",
)
SESSION_FIELDS = (
    "starts_at",
    "ends_at",
    "title",
    "description",
    "disciplines",
    "room",
    "instructor",
    "instructor_fee",
)


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    patch_cache_control(response, private=True, no_cache=True)
    return response


def ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Gatherings ----------------------------------------------------------------------------


class GatheringListView(ProgrammeMixin, TemplateView):
    template_name = "regional/gatherings.html"
    section = "gatherings"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        gatherings = list(selectors.gatherings(self.programme, school_ids=self.scope_ids()))
        context.update(
            upcoming=[g for g in gatherings if g.date >= self.today],
            past=[g for g in gatherings if g.date < self.today][::-1],
        )
        return context


class GatheringView(ProgrammeMixin, TemplateView):
    template_name = "regional/gathering.html"
    section = "gatherings"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        gathering = get_in_scope(
            self.programme.gatherings.select_related("host_school"), pk=self.kwargs["pk"]
        )
        sessions = selectors.sessions(gathering)
        registrations = selectors.registrations(gathering, school_ids=self.scope_ids())
        target_schools = list(gathering.target_schools.order_by("name"))
        context.update(
            gathering=gathering,
            sessions=sessions,
            registrations=registrations,
            target_schools=target_schools,
            registration_open=rules.registration_open(
                gathering.status, gathering.registration_deadline, gathering.date, self.today
            ),
            feedback_open=services.feedback_open(gathering, self.today),
            next_statuses=[
                (value, label)
                for value, label in Gathering.Status.choices
                if rules.status_change_allowed(
                    gathering.status, value, day=gathering.date, today=self.today
                )
            ],
            school_counts=_school_counts(registrations),
        )
        if self.access.sees_all:
            lines = list(
                BudgetLine.objects.filter(activity__gathering=gathering).order_by("category", "pk")
            )
            context.update(
                budget=rules.budget_summary(
                    gathering.budget,
                    [rules.LineAmounts(x.planned, x.actual, x.category) for x in lines],
                ),
                budget_lines=lines,
                feedback=selectors.feedback_summary(sessions),
                notes=list(gathering.evaluation_notes.select_related("author")),
            )
        return context


def _school_counts(registrations: list[Registration]) -> list[tuple[Any, int, int]]:
    """(school, registered, needing transport) per school, in the list's order."""
    counts: dict[int, list[Any]] = {}
    for registration in registrations:
        school = registration.pupil.school
        row = counts.setdefault(school.pk, [school, 0, 0])
        row[1] += 1
        row[2] += registration.needs_transport
    return [tuple(row) for row in counts.values()]  # type: ignore[misc]


class GatheringFormView(ProgrammeFormView):
    need = EDIT
    form_class = GatheringForm
    section = "gatherings"
    object: Gathering | None = None

    def get_title(self) -> str:
        return _("Change gathering") if self.object else _("New gathering")

    def get_form_kwargs(self) -> dict[str, Any]:
        if "pk" in self.kwargs:
            self.object = self.gathering(self.kwargs["pk"])
        kwargs = super().get_form_kwargs()
        kwargs.update(partners=self.programme.schools.order_by("name"), instance=self.object)
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        return {"starts_at": dt.time(10), "ends_at": dt.time(14)}

    def save(self, form: GatheringForm) -> Gathering:
        gathering = services.gathering_save(
            programme=self.programme,
            values=values_of(form, *GATHERING_FIELDS),
            target_schools=form.cleaned_data["target_schools"],
            gathering=Gathering.objects.get(pk=self.object.pk) if self.object else None,
        )
        messages.success(self.request, _("The gathering is saved."))
        return gathering

    def success_url(self, result: Gathering) -> str:
        return self.url("gathering", pk=result.pk)

    def cancel_url(self) -> str:
        return self.url("gathering", pk=self.object.pk) if self.object else self.url("gatherings")

    def delete_url(self) -> str | None:
        return self.url("gathering_delete", pk=self.object.pk) if self.object else None


class GatheringDeleteView(ProgrammeConfirmView):
    """Only a gathering that has not taken place and has nobody registered; its sessions,
    planned budget lines, evaluation notes and plan entry go with it."""

    section = "gatherings"

    @cached_property
    def parent(self) -> Gathering:
        return self.gathering(self.kwargs["pk"])

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Delete gathering")

    def question(self) -> str:
        return _("Delete the gathering «%(title)s» of %(day)s?") % {
            "title": self.parent.title,
            "day": day_month_year(self.parent.date),
        }

    def refusal(self) -> str | None:
        return services.gathering_delete_refusal(self.parent, today=self.today)

    def consequences(self) -> list[str]:
        return services.gathering_delete_consequences(self.parent)

    def perform(self) -> str:
        services.gathering_delete(actor=self.request.user, gathering=self.parent, today=self.today)
        return _("The gathering «%(title)s» is deleted.") % {"title": self.parent.title}

    def success_url(self) -> str:
        return self.url("gatherings")

    def cancel_url(self) -> str:
        return self.url("gathering", pk=self.parent.pk)


class GatheringStatusView(ProgrammeMixin, View):
    """POST: move a gathering on (open for registration, held, evaluated)."""

    need = EDIT

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        gathering = self.gathering(kwargs["pk"])
        form = StatusForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a status."))
        else:
            try:
                gathering = services.gathering_set_status(
                    actor=request.user,
                    gathering=gathering,
                    status=form.cleaned_data["status"],
                    today=self.today,
                )
            except RegionalError as error:
                messages.error(request, str(error))
            else:
                if gathering.status == Gathering.Status.OPEN:
                    messages.success(
                        request,
                        _("Registration is open. Invitations are sent to the schools and homes."),
                    )
                else:
                    messages.success(
                        request,
                        _("The gathering is now %(status)s.")
                        % {"status": gathering.get_status_display().lower()},
                    )
        return HttpResponseRedirect(self.url("gathering", pk=gathering.pk))


# --- Sessions and instructors --------------------------------------------------------------


class SessionFormView(ProgrammeFormView):
    need = EDIT
    form_class = SessionForm
    section = "gatherings"
    object: GatheringSession | None = None

    def get_title(self) -> str:
        return (
            _("Change session") if self.object else _("New session")
        ) + f" – {self.parent.title}"

    def get_form_kwargs(self) -> dict[str, Any]:
        self.parent = self.gathering(self.kwargs["pk"])
        if "session" in self.kwargs:
            self.object = get_in_scope(self.parent.sessions.all(), pk=self.kwargs["session"])
        kwargs = super().get_form_kwargs()
        kwargs.update(instructors=self.programme.instructors.all(), instance=self.object)
        return kwargs

    def save(self, form: SessionForm) -> GatheringSession:
        session = services.session_save(
            gathering=self.parent,
            values=values_of(form, *SESSION_FIELDS),
            session=GatheringSession.objects.get(pk=self.object.pk) if self.object else None,
        )
        messages.success(self.request, _("The session is saved."))
        return session

    def success_url(self, result: Any) -> str:
        return self.url("gathering", pk=self.parent.pk)

    def cancel_url(self) -> str:
        return self.url("gathering", pk=self.parent.pk)

    def delete_url(self) -> str | None:
        if self.object is None:
            return None
        return self.url("session_delete", pk=self.parent.pk, session=self.object.pk)


class SessionDeleteView(ProgrammeConfirmView):
    section = "gatherings"

    @cached_property
    def session(self) -> GatheringSession:
        gathering = self.gathering(self.kwargs["pk"])
        return get_in_scope(
            gathering.sessions.select_related("gathering", "budget_line"),
            pk=self.kwargs["session"],
        )

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Delete session")

    def question(self) -> str:
        return _("Delete the session «%(title)s»?") % {"title": self.session.title}

    def refusal(self) -> str | None:
        return services.session_delete_refusal(self.session)

    def consequences(self) -> list[str]:
        line = getattr(self.session, "budget_line", None)
        if line is None:
            return []
        return [
            _("The instructor's planned fee (%(amount)s kr) leaves the gathering's budget.")
            % {"amount": number_format(line.planned, 2, force_grouping=True)}
        ]

    def perform(self) -> str:
        services.session_delete(actor=self.request.user, session=self.session)
        return _("The session is deleted.")

    def cancel_url(self) -> str:
        return self.url("gathering", pk=self.kwargs["pk"])


class InstructorListView(ProgrammeMixin, TemplateView):
    need = OVERVIEW
    template_name = "regional/instructors.html"
    section = "gatherings"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["instructors"] = list(
            self.programme.instructors.prefetch_related("sessions__gathering")
        )
        return context


class InstructorFormView(ProgrammeFormView):
    need = EDIT
    form_class = InstructorForm
    section = "gatherings"
    object: Instructor | None = None

    def get_title(self) -> str:
        return _("Change instructor") if self.object else _("New instructor")

    def get_form_kwargs(self) -> dict[str, Any]:
        if "pk" in self.kwargs:
            self.object = get_in_scope(self.programme.instructors.all(), pk=self.kwargs["pk"])
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.object
        return kwargs

    def save(self, form: InstructorForm) -> Instructor:
        return services.instructor_save(
            programme=self.programme,
            values=values_of(form, *InstructorForm.Meta.fields),
            instructor=Instructor.objects.get(pk=self.object.pk) if self.object else None,
        )

    def success_url(self, result: Any) -> str:
        return self.url("instructors")

    def cancel_url(self) -> str:
        return self.url("instructors")

    def delete_url(self) -> str | None:
        return self.url("instructor_delete", pk=self.object.pk) if self.object else None


class InstructorDeleteView(ProgrammeConfirmView):
    section = "gatherings"

    @cached_property
    def instructor(self) -> Instructor:
        return get_in_scope(self.programme.instructors.all(), pk=self.kwargs["pk"])

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Delete instructor")

    def question(self) -> str:
        return _("Delete %(name)s from the programme's instructors?") % {
            "name": self.instructor.name
        }

    def refusal(self) -> str | None:
        return services.instructor_delete_refusal(self.instructor)

    def perform(self) -> str:
        services.instructor_delete(actor=self.request.user, instructor=self.instructor)
        return _("%(name)s is deleted.") % {"name": self.instructor.name}

    def cancel_url(self) -> str:
        return self.url("instructors")


# --- Registration --------------------------------------------------------------------------


class RegisterView(ProgrammeFormView):
    """A school registers its own pupils for a gathering; the project leader may do it for
    any school. The school's registrations are listed beside the form."""

    form_class = RegistrationForm
    section = "gatherings"
    template_name = "regional/register.html"

    def allowed(self) -> bool:
        self.school = self.partner(self.kwargs["school"], register=True)
        self.parent = self.gathering(self.kwargs["pk"])
        return True

    def get_title(self) -> str:
        return _("Register pupils of %(school)s") % {"school": self.school.name}

    def candidates(self) -> Any:
        registered = self.parent.registrations.values("pupil_id")
        pupils = self.programme.pupils.filter(school=self.school, is_active=True).exclude(
            pk__in=registered
        )
        targets = list(self.parent.target_schools.values_list("pk", flat=True))
        if targets and self.school.pk not in targets:
            return pupils.none()
        if self.parent.target_disciplines:
            pupils = pupils.filter(discipline__in=self.parent.target_disciplines)
        return pupils.select_related("school").order_by("last_name", "first_name")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.update(pupils=self.candidates(), partners=self.programme.schools.order_by("name"))
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            gathering=self.parent,
            school=self.school,
            registrations=selectors.registrations(self.parent, school_ids=[self.school.pk]),
            registration_open=rules.registration_open(
                self.parent.status,
                self.parent.registration_deadline,
                self.parent.date,
                self.today,
            ),
            can_cancel=rules.registration_cancel_allowed(
                self.parent.status,
                self.parent.registration_deadline,
                self.parent.date,
                self.today,
                by_project_leader=self.access.edits,
            ),
        )
        return context

    def save(self, form: RegistrationForm) -> Registration:
        data = form.cleaned_data
        registration = services.registration_create(
            actor=self.request.user,
            gathering=self.parent,
            in_depth=data["pupil"],
            dietary_needs=data["dietary_needs"],
            needs_transport=data["needs_transport"],
            travels_from=data["travels_from"],
            today=self.today,
        )
        messages.success(
            self.request, _("%(pupil)s is registered.") % {"pupil": registration.pupil.full_name}
        )
        return registration

    def success_url(self, result: Any) -> str:
        return self.url("register", pk=self.parent.pk, school=self.school.slug)

    def cancel_url(self) -> str:
        return self.url("gathering", pk=self.parent.pk)


class RegistrationCancelView(ProgrammeMixin, View):
    """POST: take a registration back, while registration is open (own school only)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        gathering = self.gathering(kwargs["pk"])
        rows = gathering.registrations.select_related("pupil", "gathering")
        if not self.access.edits:
            rows = rows.filter(pupil__school_id__in=self.access.admin_school_ids)
        registration = get_in_scope(rows, pk=kwargs["registration"])
        school = registration.pupil.school
        try:
            services.registration_cancel(
                registration=registration,
                today=self.today,
                actor=request.user,
                by_project_leader=self.access.edits,
            )
        except RegionalError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(pupil)s is no longer registered.") % {"pupil": registration.pupil.full_name},
            )
        return HttpResponseRedirect(self.url("register", pk=gathering.pk, school=school.slug))


class ParticipantsView(ProgrammeMixin, TemplateView):
    """Who is coming, with dietary needs and transport; the project leader records who came."""

    template_name = "regional/participants.html"
    section = "gatherings"

    def setup_rows(self) -> None:
        self.parent = self.gathering(self.kwargs["pk"])
        self.rows = selectors.registrations(self.parent, school_ids=self.scope_ids())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if not hasattr(self, "rows"):
            self.setup_rows()
        can_record = self.access.edits and self.today >= self.parent.date
        form = kwargs.get("attendance_form") or (
            AttendanceForm(registrations=self.rows) if can_record else None
        )
        context.update(
            gathering=self.parent,
            registrations=self.rows,
            rows=[(r, form[f"r{r.pk}"] if form else None) for r in self.rows],
            transport=selectors.transport_groups(self.rows),
            attendance_form=form,
            can_record=can_record,
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.access.edits:
            raise Http404
        self.setup_rows()
        form = AttendanceForm(request.POST, registrations=self.rows)
        if form.is_valid():
            try:
                services.attendance_record(
                    gathering=self.parent, attendance=form.attendance(), today=self.today
                )
            except RegionalError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Attendance is saved."))
                return HttpResponseRedirect(self.url("participants", pk=self.parent.pk))
        return self.render_to_response(self.get_context_data(attendance_form=form))


# --- Feedback and evaluation ---------------------------------------------------------------


class TeacherFeedbackView(ProgrammeFormView):
    """A partner school's teacher (or office, principal) rates each session."""

    need = PARTNER_STAFF
    form_class = FeedbackForm
    section = "gatherings"
    submit_label = ""

    def get_title(self) -> str:
        return _("Feedback on %(title)s") % {"title": self.parent.title}

    def get_form_kwargs(self) -> dict[str, Any]:
        self.parent = self.gathering(self.kwargs["pk"])
        sessions = selectors.sessions(self.parent)
        existing = {
            f.session_id: f
            for f in Feedback.objects.filter(session__in=sessions, teacher=self.request.user)
        }
        kwargs = super().get_form_kwargs()
        kwargs.update(sessions=sessions, existing=existing)
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if not services.feedback_open(self.parent, self.today):
            context["intro"] = _("Feedback opens on the day of the gathering.")
        return context

    def save(self, form: FeedbackForm) -> int:
        saved = services.feedback_give(
            gathering=self.parent,
            ratings=form.ratings(),
            teacher=self.request.user,
            today=self.today,
        )
        messages.success(self.request, _("Thank you for your feedback."))
        return saved

    def success_url(self, result: Any) -> str:
        return self.url("gathering", pk=self.parent.pk)

    def cancel_url(self) -> str:
        return self.url("gathering", pk=self.parent.pk)


class EvaluationNoteView(ProgrammeFormView):
    need = EDIT
    form_class = EvaluationNoteForm
    section = "gatherings"

    def get_title(self) -> str:
        return _("Evaluation note on %(title)s") % {"title": self.parent.title}

    def get_form_kwargs(self) -> dict[str, Any]:
        self.parent = self.gathering(self.kwargs["pk"])
        return super().get_form_kwargs()

    def save(self, form: EvaluationNoteForm) -> Any:
        note = services.evaluation_note_add(
            actor=self.request.user,
            programme=self.programme,
            gathering=self.parent,
            text=form.cleaned_data["text"],
        )
        messages.success(self.request, _("The evaluation note is saved."))
        return note

    def success_url(self, result: Any) -> str:
        return self.url("gathering", pk=self.parent.pk)

    def cancel_url(self) -> str:
        return self.url("gathering", pk=self.parent.pk)


# --- Documents and calendars ---------------------------------------------------------------


class GatheringPdfView(ProgrammeMixin, View):
    """The printable programme of the day with the participant list (own school's pupils for
    partner-school staff)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        gathering = get_in_scope(
            self.programme.gatherings.select_related("host_school"), pk=kwargs["pk"]
        )
        registrations = selectors.registrations(gathering, school_ids=self.scope_ids())
        content = render_pdf(
            "pdf/regional_gathering.html",
            {
                "programme": self.programme,
                "gathering": gathering,
                "sessions": selectors.sessions(gathering),
                "registrations": registrations,
                "school_counts": _school_counts(registrations),
                "printed_at": timezone.localtime(),
            },
        )
        return pdf_response(content, f"samling-{gathering.date:%Y-%m-%d}.pdf")


class TransportPdfView(ProgrammeMixin, View):
    """One school's transport list for a gathering: who travels from where."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        school = self.partner(kwargs["school"])
        gathering = self.gathering(kwargs["pk"])
        registrations = [
            r
            for r in selectors.registrations(gathering)
            if r.pupil.school_id == school.pk
            or (r.needs_transport and r.travels_from_id == school.pk)
        ]
        content = render_pdf(
            "pdf/regional_transport.html",
            {
                "programme": self.programme,
                "gathering": gathering,
                "school": school,
                "groups": selectors.transport_groups(registrations),
                "without_transport": [r for r in registrations if not r.needs_transport],
                "printed_at": timezone.localtime(),
            },
        )
        return pdf_response(content, f"transport-{school.slug}-{gathering.date:%Y-%m-%d}.pdf")


def _gathering_urls(programme: Programme, gatherings: list[Gathering]) -> dict[int, str]:
    from django.urls import reverse

    return {
        g.pk: absolute_url(
            reverse(
                "regional:gathering",
                kwargs={"region": programme.region.slug, "programme": programme.slug, "pk": g.pk},
            )
        )
        for g in gatherings
    }


class GatheringIcsView(ProgrammeMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        gathering = get_in_scope(
            self.programme.gatherings.prefetch_related(selectors.prefetch_sessions()),
            pk=kwargs["pk"],
        )
        content = ics.calendar_bytes(
            name=ics.programme_name(self.programme),
            gatherings=[gathering],
            urls=_gathering_urls(self.programme, [gathering]),
            stamp=timezone.now(),
        )
        return ics_response(content, f"samling-{gathering.date:%Y-%m-%d}.ics")


def programme_calendar(programme: Programme) -> bytes:
    gatherings = list(
        programme.gatherings.select_related("programme").prefetch_related(
            selectors.prefetch_sessions()
        )
    )
    return ics.calendar_bytes(
        name=ics.programme_name(programme),
        gatherings=gatherings,
        meetings=programme.network_meetings.select_related("programme"),
        meeting_title=_("Network meeting"),
        urls=_gathering_urls(programme, gatherings),
        stamp=timezone.now(),
    )


class ProgrammeIcsView(ProgrammeMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return ics_response(programme_calendar(self.programme), f"{self.programme.slug}.ics")


def calendar_feed(request: HttpRequest, token: Any) -> HttpResponse:
    """The programme's calendar for a calendar app to subscribe to, by its secret address.

    It holds what every partner sees on the programme page (titles, times, places), never a
    pupil. If the address leaks, a new `Programme.calendar_token` gives a new one (there is no
    page for that yet)."""
    programme = get_object_or_404(Programme.objects.select_related("region"), calendar_token=token)
    response = HttpResponse(
        programme_calendar(programme), content_type="text/calendar; charset=utf-8"
    )
    patch_cache_control(response, private=True, max_age=3600)
    return response
