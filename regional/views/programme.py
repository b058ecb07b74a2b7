"""The programme itself, its criteria, its in-depth pupils with their progress notes and
mentors, and each partner school's page for nominating and registering its own pupils."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from enrollment.models import Placement, School
from kulturskole.access import RegionalMixin, Role, get_in_scope
from kulturskole.dates import day_month_year
from regional import rules, selectors, services
from regional.forms import (
    CriterionForm,
    InDepthPupilForm,
    MentorPairForm,
    NominateForm,
    ProgrammeEvaluationNoteForm,
    ProgrammeForm,
    ProgressNoteForm,
    PupilFilterForm,
)
from regional.models import (
    EvaluationNote,
    InDepthCriterion,
    InDepthPupil,
    MentorPair,
    Programme,
    ProgressNote,
)
from regional.services import RegionalError
from regional.views.base import (
    EDIT,
    ProgrammeConfirmView,
    ProgrammeFormView,
    ProgrammeMixin,
    attach_error,
    values_of,
)

PROGRAMME_FIELDS = (
    "name",
    "slug",
    "description",
    "goals",
    "grant_funder",
    "grant_amount",
    "starts_on",
    "ends_on",
    "project_leader",
    "network_meetings_per_year",
)


# --- The programme -------------------------------------------------------------------------


class ProgrammeCreateView(RegionalMixin, TemplateView):
    """A new programme of the region, by its project leader."""

    roles = (Role.PROJECT_LEADER,)
    template_name = "regional/programme_form.html"

    def form(self) -> ProgrammeForm:
        data = self.request.POST if self.request.method == "POST" else None
        return ProgrammeForm(data, region=self.region, initial={"grant_funder": ""})

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.form())
        context["title"] = _("New programme")
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.form()
        if form.is_valid():
            try:
                programme = services.programme_save(
                    actor=request.user,
                    region=self.region,
                    values=values_of(form, *PROGRAMME_FIELDS),
                    schools=form.cleaned_data["schools"],
                    steering_group=form.cleaned_data["steering_group"],
                )
            except RegionalError as error:
                attach_error(form, error)
            else:
                messages.success(request, _("The programme is created."))
                return HttpResponseRedirect(programme.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form))


class ProgrammeView(ProgrammeMixin, TemplateView):
    template_name = "regional/programme.html"
    section = "programme"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        gatherings = list(selectors.gatherings(self.programme, school_ids=self.scope_ids()))
        upcoming = [g for g in gatherings if g.date >= self.today][:3]
        context.update(
            upcoming=upcoming,
            gathering_count=len(gatherings),
            pupil_count=self.visible_pupils().filter(is_active=True).count(),
            steering_group=list(self.programme.steering_group.order_by("last_name", "first_name")),
            criteria=list(self.programme.criteria.all()),
        )
        if self.access.sees_all:
            lines = selectors.budget_lines(self.programme)
            context["budget"] = selectors.budget_summary(self.programme, lines)
            context["notes"] = list(
                self.programme.evaluation_notes.filter(gathering__isnull=True)
                .select_related("author")
                .order_by("-created_at", "-pk")
            )
        return context


class ProgrammeEditView(ProgrammeFormView):
    need = EDIT
    form_class = ProgrammeForm
    template_name = "regional/programme_form.html"
    section = "programme"
    success_message = ""

    def get_title(self) -> str:
        return _("Edit %(programme)s") % {"programme": self.programme.name}

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.update(region=self.region, instance=self.programme)
        return kwargs

    def save(self, form: ProgrammeForm) -> Programme:
        programme = services.programme_save(
            actor=self.request.user,
            region=self.region,
            values=values_of(form, *PROGRAMME_FIELDS),
            schools=form.cleaned_data["schools"],
            steering_group=form.cleaned_data["steering_group"],
            programme=Programme.objects.get(pk=self.programme.pk),
        )
        messages.success(self.request, _("The programme is saved."))
        return programme

    def success_url(self, result: Programme) -> str:
        return result.get_absolute_url()


# --- Criteria ------------------------------------------------------------------------------


class CriteriaView(ProgrammeMixin, TemplateView):
    template_name = "regional/criteria.html"
    section = "pupils"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["criteria"] = list(self.programme.criteria.all())
        return context


class CriterionFormView(ProgrammeFormView):
    need = EDIT
    form_class = CriterionForm
    section = "pupils"
    criterion: InDepthCriterion | None = None

    def get_title(self) -> str:
        return _("Change criterion") if self.criterion else _("New criterion")

    def get_form_kwargs(self) -> dict[str, Any]:
        if "pk" in self.kwargs:
            self.criterion = get_in_scope(self.programme.criteria.all(), pk=self.kwargs["pk"])
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.criterion
        return kwargs

    def save(self, form: CriterionForm) -> InDepthCriterion:
        return services.criterion_save(
            programme=self.programme,
            values=values_of(form, *CriterionForm.Meta.fields),
            criterion=self.criterion,
        )

    def delete_url(self) -> str | None:
        return self.url("criterion_delete", pk=self.criterion.pk) if self.criterion else None

    def success_url(self, result: Any) -> str:
        return self.url("criteria")

    def cancel_url(self) -> str:
        return self.url("criteria")


class CriterionDeleteView(ProgrammeConfirmView):
    section = "pupils"

    @cached_property
    def criterion(self) -> InDepthCriterion:
        return get_in_scope(
            self.programme.criteria.select_related("programme"), pk=self.kwargs["pk"]
        )

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Delete criterion")

    def question(self) -> str:
        return _("Delete the criterion for %(what)s?") % {"what": self.criterion}

    def consequences(self) -> list[str]:
        return [_("Pupils nominated later are no longer checked against it.")]

    def perform(self) -> str:
        services.criterion_delete(actor=self.request.user, criterion=self.criterion)
        return _("The criterion is deleted.")

    def cancel_url(self) -> str:
        return self.url("criteria")


# --- In-depth pupils -----------------------------------------------------------------------


class PupilListView(ProgrammeMixin, TemplateView):
    """All pupils for the project leader and steering group; a school's staff see their own."""

    template_name = "regional/pupils.html"
    section = "pupils"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        visible = [s for s in self.partners if self.access.sees_school(s.pk)]
        form = PupilFilterForm(
            self.request.GET or None,
            schools=School.objects.filter(pk__in=[s.pk for s in visible]).order_by("name"),
        )
        pupils = selectors.in_depth_pupils(self.programme, school_ids=self.scope_ids())
        if form.is_valid():
            if form.cleaned_data.get("school"):
                pupils = pupils.filter(school=form.cleaned_data["school"])
            if form.cleaned_data.get("discipline"):
                pupils = pupils.filter(discipline=form.cleaned_data["discipline"])
        context.update(form=form, pupils=list(pupils), schools=visible)
        return context


class PupilView(ProgrammeMixin, TemplateView):
    template_name = "regional/pupil.html"
    section = "pupils"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        pupil = get_in_scope(
            self.visible_pupils().select_related("school", "pupil"), pk=self.kwargs["pk"]
        )
        context.update(
            pupil=pupil,
            unmet=services_unmet(self.programme, pupil, self.today),
            notes=list(pupil.progress_notes.select_related("author")),
            registrations=list(
                pupil.registrations.select_related("gathering", "travels_from").order_by(
                    "gathering__date"
                )
            ),
            mentors=list(pupil.mentored_by.select_related("mentor__school")),
            mentees=list(pupil.mentoring.select_related("mentee__school")),
            can_edit=self.access.edits or pupil.school_id in self.access.admin_school_ids,
            can_note=self.access.edits or pupil.school_id in self.access.school_ids,
        )
        context["changeable_notes"] = {
            note.pk for note in context["notes"] if may_change_note(self, note, pupil)
        }
        return context


def may_change_note(view: ProgrammeMixin, note: ProgressNote, pupil: InDepthPupil) -> bool:
    """The project leader, or the note's author while working at the pupil's school."""
    return view.access.edits or (
        note.author_id == view.request.user.pk and pupil.school_id in view.access.school_ids
    )


def services_unmet(programme: Programme, pupil: InDepthPupil, today: Any) -> list[str]:
    from regional.forms import unmet_messages

    return unmet_messages(
        rules.criteria_unmet(
            services.criteria_of(programme),
            rules.Candidate(pupil.discipline, pupil.birth_date, pupil.started_year),
            today=today,
        )
    )


class PupilEditView(ProgrammeFormView):
    form_class = InDepthPupilForm
    section = "pupils"

    def allowed(self) -> bool:
        self.object = get_in_scope(
            self.visible_pupils().select_related("school"), pk=self.kwargs["pk"]
        )
        return self.access.edits or self.object.school_id in self.access.admin_school_ids

    def get_title(self) -> str:
        return _("Change %(pupil)s") % {"pupil": self.object.full_name}

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.update(
            instance=self.object,
            criteria=services.criteria_of(self.programme),
            today=self.today,
        )
        return kwargs

    def save(self, form: InDepthPupilForm) -> InDepthPupil:
        values = {name: form.cleaned_data[name] for name in form.fields}
        pupil = InDepthPupil.objects.get(pk=self.object.pk)
        return services.in_depth_pupil_update(
            actor=self.request.user, in_depth=pupil, values=values, today=self.today
        )

    def success_url(self, result: Any) -> str:
        return self.url("pupil", pk=self.object.pk)

    def cancel_url(self) -> str:
        return self.url("pupil", pk=self.object.pk)


class ProgressNoteView(ProgrammeFormView):
    """Goals and feedback on a pupil: the project leader, or the pupil's own school's staff
    (teachers too)."""

    form_class = ProgressNoteForm
    section = "pupils"
    success_message = ""

    def allowed(self) -> bool:
        self.object = get_in_scope(self.visible_pupils(), pk=self.kwargs["pk"])
        return self.access.edits or self.object.school_id in self.access.school_ids

    def get_title(self) -> str:
        return _("Progress note for %(pupil)s") % {"pupil": self.object.full_name}

    def get_initial(self) -> dict[str, Any]:
        return {"written_on": self.today}

    def save(self, form: ProgressNoteForm) -> ProgressNote:
        note = services.progress_note_add(
            actor=self.request.user,
            in_depth=self.object,
            values=values_of(form, "written_on", "goals", "feedback"),
        )
        messages.success(self.request, _("The progress note is saved."))
        return note

    def success_url(self, result: Any) -> str:
        return self.url("pupil", pk=self.object.pk)

    def cancel_url(self) -> str:
        return self.url("pupil", pk=self.object.pk)


class ProgressNoteMixin(ProgrammeMixin):
    """A progress note on a pupil the user sees; changed by its author or the project leader.
    The steering group reads (403); staff of another school do not see the pupil (404)."""

    section = "pupils"

    def allowed(self) -> bool:
        self.pupil = get_in_scope(self.visible_pupils(), pk=self.kwargs["pk"])
        self.note = get_in_scope(
            self.pupil.progress_notes.select_related("pupil"), pk=self.kwargs["note"]
        )
        return may_change_note(self, self.note, self.pupil)

    def cancel_url(self) -> str:
        return self.url("pupil", pk=self.pupil.pk)


class ProgressNoteEditView(ProgressNoteMixin, ProgrammeFormView):
    form_class = ProgressNoteForm

    def get_title(self) -> str:
        return _("Change progress note for %(pupil)s") % {"pupil": self.pupil.full_name}

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.note
        return kwargs

    def save(self, form: ProgressNoteForm) -> ProgressNote:
        note = services.progress_note_update(
            actor=self.request.user,
            note=ProgressNote.objects.select_related("pupil").get(pk=self.note.pk),
            values=values_of(form, "written_on", "goals", "feedback"),
        )
        messages.success(self.request, _("The progress note is saved."))
        return note

    def success_url(self, result: Any) -> str:
        return self.cancel_url()

    def delete_url(self) -> str | None:
        return self.url("progress_note_delete", pk=self.pupil.pk, note=self.note.pk)


class ProgressNoteDeleteView(ProgressNoteMixin, ProgrammeConfirmView):
    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Delete progress note")

    def question(self) -> str:
        return _("Delete the progress note of %(day)s on %(pupil)s?") % {
            "day": day_month_year(self.note.written_on),
            "pupil": self.pupil.full_name,
        }

    def consequences(self) -> list[str]:
        return [_("Its goals and feedback cannot be brought back.")]

    def perform(self) -> str:
        services.progress_note_delete(actor=self.request.user, note=self.note)
        return _("The progress note is deleted.")


# --- A partner school's page ----------------------------------------------------------------


class SchoolView(ProgrammeMixin, TemplateView):
    """One partner school in the programme: its pupils and its registrations."""

    template_name = "regional/school.html"
    section = "pupils"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        school = self.partner(self.kwargs["school"])
        pupils = list(selectors.in_depth_pupils(self.programme, school_ids=[school.pk]))
        gatherings = list(
            self.programme.gatherings.filter(date__gte=self.today)
            .annotate(
                school_count=Count(
                    "registrations", filter=Q(registrations__pupil__school=school), distinct=True
                )
            )
            .order_by("date")
        )
        context.update(
            school=school,
            pupils=pupils,
            gatherings=gatherings,
            can_register=self.access.registers_for(school.pk),
            culture_school=school.kind == School.Kind.CULTURE_SCHOOL,
        )
        return context


class NominateView(ProgrammeFormView):
    """A culture school nominates one of its pupils, from a current place at the school."""

    form_class = NominateForm
    section = "pupils"
    template_name = "regional/nominate.html"

    def allowed(self) -> bool:
        self.school = self.partner(self.kwargs["school"], register=True)
        return True

    def get_title(self) -> str:
        return _("Nominate a pupil of %(school)s") % {"school": self.school.name}

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        taken = self.programme.pupils.filter(pupil__isnull=False).values("pupil_id")
        kwargs.update(
            placements=Placement.objects.filter(offer__school=self.school)
            .exclude(status=Placement.Status.ENDED)
            .exclude(pupil_id__in=taken)
            .select_related("pupil", "offer")
            .order_by("pupil__last_name", "pupil__first_name", "offer__name"),
            criteria=services.criteria_of(self.programme),
            today=self.today,
        )
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["criteria"] = list(self.programme.criteria.all())
        context["school"] = self.school
        return context

    def save(self, form: NominateForm) -> InDepthPupil:
        data = form.cleaned_data
        pupil = services.in_depth_pupil_nominate(
            actor=self.request.user,
            programme=self.programme,
            school=self.school,
            placement=data["placement"],
            discipline=data["discipline"],
            instrument=data["instrument"],
            started_year=data["started_year"],
            criteria_exception=data["criteria_exception"],
            today=self.today,
        )
        messages.success(self.request, _("%(pupil)s is nominated.") % {"pupil": pupil.full_name})
        return pupil

    def success_url(self, result: Any) -> str:
        return self.url("school", school=self.school.slug)

    def cancel_url(self) -> str:
        return self.url("school", school=self.school.slug)


class PupilEnterView(NominateView):
    """An upper secondary school (whose pupils have no place here) enters a pupil by name."""

    form_class = InDepthPupilForm  # type: ignore[assignment]

    def get_title(self) -> str:
        return _("Enter a pupil of %(school)s") % {"school": self.school.name}

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = ProgrammeFormView.get_form_kwargs(self)
        kwargs.update(criteria=services.criteria_of(self.programme), today=self.today)
        return kwargs

    def save(self, form: InDepthPupilForm) -> InDepthPupil:  # type: ignore[override]
        values = {name: form.cleaned_data[name] for name in form.fields}
        pupil = services.in_depth_pupil_enter(
            actor=self.request.user,
            programme=self.programme,
            school=self.school,
            values=values,
            today=self.today,
        )
        messages.success(self.request, _("%(pupil)s is entered.") % {"pupil": pupil.full_name})
        return pupil


# --- Mentor pairs --------------------------------------------------------------------------


class MentorListView(ProgrammeMixin, TemplateView):
    template_name = "regional/mentors.html"
    section = "pupils"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        pairs = self.programme.mentor_pairs.select_related("mentor__school", "mentee__school")
        ids = self.scope_ids()
        if ids is not None:
            pairs = pairs.filter(Q(mentor__school_id__in=ids) | Q(mentee__school_id__in=ids))
        context["pairs"] = list(pairs)
        return context


class MentorCreateView(ProgrammeFormView):
    need = EDIT
    form_class = MentorPairForm
    section = "pupils"
    title = ""

    def get_title(self) -> str:
        return _("New mentor pair")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["pupils"] = self.programme.pupils.filter(is_active=True).order_by(
            "last_name", "first_name"
        )
        kwargs["instance"] = MentorPair(programme=self.programme)
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        return {"starts_on": self.today}

    def save(self, form: MentorPairForm) -> MentorPair:
        data = form.cleaned_data
        return services.mentor_pair_create(
            programme=self.programme,
            mentor=data["mentor"],
            mentee=data["mentee"],
            values=values_of(form, "starts_on", "ends_on", "note"),
        )

    def success_url(self, result: Any) -> str:
        return self.url("mentors")

    def cancel_url(self) -> str:
        return self.url("mentors")


class MentorPairMixin(ProgrammeMixin):
    need = EDIT
    section = "pupils"

    @cached_property
    def pair(self) -> MentorPair:
        return get_in_scope(
            self.programme.mentor_pairs.select_related("mentor", "mentee", "programme"),
            pk=self.kwargs["pk"],
        )

    def cancel_url(self) -> str:
        return self.url("mentors")


class MentorEditView(MentorPairMixin, MentorCreateView):
    def get_title(self) -> str:
        return _("Change mentor pair")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.pair
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        return {}

    def save(self, form: MentorPairForm) -> MentorPair:
        data = form.cleaned_data
        pair = services.mentor_pair_update(
            pair=MentorPair.objects.select_related("programme").get(pk=self.pair.pk),
            mentor=data["mentor"],
            mentee=data["mentee"],
            values=values_of(form, "starts_on", "ends_on", "note"),
        )
        messages.success(self.request, _("The mentor pair is saved."))
        return pair

    def delete_url(self) -> str | None:
        return self.url("mentor_delete", pk=self.pair.pk)


class MentorDeleteView(MentorPairMixin, ProgrammeConfirmView):
    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Delete mentor pair")

    def question(self) -> str:
        return _("Delete the pair %(mentor)s → %(mentee)s?") % {
            "mentor": self.pair.mentor.full_name,
            "mentee": self.pair.mentee.full_name,
        }

    def consequences(self) -> list[str]:
        return [
            _(
                "If the mentoring has only ended, you may instead keep the pair and give the "
                "day it ended."
            )
        ]

    def perform(self) -> str:
        services.mentor_pair_delete(actor=self.request.user, pair=self.pair)
        return _("The mentor pair is deleted.")


# --- Programme-wide evaluation and the calendar address -------------------------------------


class ProgrammeEvaluationView(ProgrammeFormView):
    """An evaluation note on the programme as a whole (or on one of its gatherings)."""

    need = EDIT
    form_class = ProgrammeEvaluationNoteForm
    section = "programme"

    def get_title(self) -> str:
        return _("Evaluation note")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["gatherings"] = self.programme.gatherings.order_by("-date")
        return kwargs

    def save(self, form: ProgrammeEvaluationNoteForm) -> EvaluationNote:
        note = services.evaluation_note_add(
            actor=self.request.user,
            programme=self.programme,
            gathering=form.cleaned_data["gathering"],
            text=form.cleaned_data["text"],
        )
        messages.success(self.request, _("The evaluation note is saved."))
        return note

    def success_url(self, result: Any) -> str:
        return self.url("programme") + "#evaluation-heading"


class EvaluationNoteMixin(ProgrammeMixin):
    need = EDIT
    section = "programme"

    @cached_property
    def note(self) -> EvaluationNote:
        return get_in_scope(
            self.programme.evaluation_notes.select_related("gathering", "programme"),
            pk=self.kwargs["pk"],
        )

    def cancel_url(self) -> str:
        if self.note.gathering_id:
            return self.url("gathering", pk=self.note.gathering_id)
        return self.url("programme") + "#evaluation-heading"


class EvaluationNoteEditView(EvaluationNoteMixin, ProgrammeEvaluationView):
    def get_title(self) -> str:
        return _("Change evaluation note")

    def get_initial(self) -> dict[str, Any]:
        return {"text": self.note.text, "gathering": self.note.gathering_id}

    def save(self, form: ProgrammeEvaluationNoteForm) -> EvaluationNote:
        note = services.evaluation_note_update(
            note=EvaluationNote.objects.get(pk=self.note.pk),
            text=form.cleaned_data["text"],
            gathering=form.cleaned_data["gathering"],
        )
        messages.success(self.request, _("The evaluation note is saved."))
        return note

    def success_url(self, result: EvaluationNote) -> str:
        if result.gathering_id:
            return self.url("gathering", pk=result.gathering_id)
        return self.url("programme") + "#evaluation-heading"

    def delete_url(self) -> str | None:
        return self.url("evaluation_note_delete", pk=self.note.pk)


class EvaluationNoteDeleteView(EvaluationNoteMixin, ProgrammeConfirmView):
    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Delete evaluation note")

    def question(self) -> str:
        return _("Delete this evaluation note? «%(text)s»") % {
            "text": Truncator(self.note.text).words(20)
        }

    def consequences(self) -> list[str]:
        return [_("It leaves the programme report.")]

    def perform(self) -> str:
        services.evaluation_note_delete(actor=self.request.user, note=self.note)
        return _("The evaluation note is deleted.")


class CalendarAddressView(ProgrammeConfirmView):
    """Issue a new secret address for calendar subscriptions; the old one stops working."""

    section = "programme"
    danger = False

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("New calendar address")

    @property
    def submit_label(self) -> str:  # type: ignore[override]
        return _("Issue a new address")

    def question(self) -> str:
        return _(
            "Issue a new address for subscribing to the programme's calendar? Do this if the "
            "address has come into the wrong hands."
        )

    def consequences(self) -> list[str]:
        return [
            _(
                "The current address stops working at once; calendars subscribed to it stop "
                "updating."
            ),
            _("Give the new address to those who should subscribe again."),
        ]

    def perform(self) -> str:
        services.programme_calendar_renew(actor=self.request.user, programme=self.programme)
        return _(
            "A new calendar address is issued; the old one no longer works. It is shown below."
        )

    def cancel_url(self) -> str:
        return self.url("programme") + "#calendar-address"
