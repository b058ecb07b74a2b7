"""The programme itself, its criteria, its in-depth pupils with their progress notes and
mentors, and each partner school's page for nominating and registering its own pupils."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from enrollment.models import Placement, School
from kulturskole.access import RegionalMixin, Role, get_in_scope
from regional import rules, selectors, services
from regional.forms import (
    CriterionForm,
    InDepthPupilForm,
    MentorPairForm,
    NominateForm,
    ProgrammeForm,
    ProgressNoteForm,
    PupilFilterForm,
)
from regional.models import (
    InDepthCriterion,
    InDepthPupil,
    MentorPair,
    Programme,
    ProgressNote,
)
from regional.services import RegionalError
from regional.views.base import (
    EDIT,
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

    def success_url(self, result: Any) -> str:
        return self.url("criteria")

    def cancel_url(self) -> str:
        return self.url("criteria")


class CriterionDeleteView(ProgrammeMixin, TemplateView):
    need = EDIT
    template_name = "regional/confirm.html"
    section = "pupils"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        criterion = get_in_scope(self.programme.criteria.all(), pk=self.kwargs["pk"])
        context.update(
            title=_("Delete criterion"),
            question=_("Delete the criterion for %(what)s?") % {"what": criterion},
            submit_label=_("Delete"),
            cancel_url=self.url("criteria"),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        get_in_scope(self.programme.criteria.all(), pk=kwargs["pk"]).delete()
        messages.success(request, _("The criterion is deleted."))
        return HttpResponseRedirect(self.url("criteria"))


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
        return context


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
