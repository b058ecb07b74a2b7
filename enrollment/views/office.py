"""Pages for office staff and principals of one school, under /office/<school>/.

Every view resolves the school through `SchoolStaffMixin`, so another school's slug — and any
pupil, household, offer or term of another school — is a 404. Both roles see every page; a
few changes belong to one of them (`only_roles`), and the other gets a 403 page saying who may.
"""

from __future__ import annotations

import csv
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, ListView, TemplateView, View

from enrollment import selectors
from enrollment.forms.office import (
    POLICY_SECTIONS,
    DepartmentForm,
    LocationForm,
    OfferForm,
    OfficeHoursFormSet,
    PupilFilter,
    SchoolPolicyForm,
    SchoolProfileForm,
    StaffRoleAddForm,
    TermForm,
    split_reference,
)
from enrollment.models import (
    Department,
    Guardian,
    Household,
    Location,
    Offer,
    Pupil,
    SchoolPolicy,
    StaffRole,
    Term,
)
from enrollment.services import office as services
from kulturskole import audit
from kulturskole.access import Role, SchoolStaffMixin, get_in_scope, roles_for

PUPILS_PER_PAGE = 50


class OfficeMixin(SchoolStaffMixin):
    """The school from the URL, plus what the signed-in person may change there."""

    section = ""  # the tab of the school menu this page belongs to

    def holds(self, *roles: str) -> bool:
        held = roles_for(self.request.user)  # type: ignore[attr-defined]
        return held.is_superuser or self.school.pk in held.school_ids(*roles)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            section=self.section,
            may_edit_profile=self.holds(Role.OFFICE, Role.PRINCIPAL),
            may_edit_policy=self.holds(Role.PRINCIPAL),
            may_manage_staff=self.holds(Role.PRINCIPAL),
        )
        return context

    def school_url(self, name: str, **kwargs: Any) -> str:
        return reverse(name, kwargs={"school": self.school.slug, **kwargs})


class OnlyRolesMixin:
    """Lets only `only_roles` at this school through; others get a 403 page saying who may.

    List it *after* OfficeMixin: its dispatch runs once the school has been resolved (404
    outside the user's schools) and the office/principal role checked.
    """

    only_roles: tuple[str, ...] = ()
    forbidden_message: Any = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.holds(*self.only_roles):  # type: ignore[attr-defined]
            return forbidden(
                request,
                self.school,  # type: ignore[attr-defined]
                self.forbidden_message,
                section=getattr(self, "section", ""),
            )
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def forbidden(request: HttpRequest, school: Any, message: Any, section: str = "") -> HttpResponse:
    back = request.headers.get("referer", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    return TemplateResponse(
        request,
        "office/forbidden.html",
        {"school": school, "message": message, "back": back, "section": section},
        status=403,
    )


def _values(form: forms.ModelForm) -> dict[str, Any]:
    """The model fields of a valid form, for a service."""
    return {name: form.cleaned_data[name] for name in form._meta.fields}


class ServiceFormView(OfficeMixin, FormView):
    """Create or edit one object of the school through a service, then go back to the list.

    Subclasses set `form_class`, `model` (for edits), `success_url_name` and implement
    `perform(form) -> object`.
    """

    template_name = "office/form.html"
    model: type[Any] | None = None
    success_url_name = ""
    success_message: Any = gettext_lazy("Saved.")
    title: Any = ""
    intro: Any = ""
    list_title: Any = ""
    object: Any = None

    def get_object(self) -> Any:
        if self.model is None or "pk" not in self.kwargs:
            return None
        return get_in_scope(self.model.objects.filter(school=self.school), pk=self.kwargs["pk"])

    def get_form_kwargs(self) -> dict[str, Any]:
        self.object = self.get_object()
        kwargs = super().get_form_kwargs()
        kwargs["school"] = self.school
        if self.object is not None:
            kwargs["instance"] = self.object
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.object,
            title=self.title,
            intro=self.intro,
            list_title=self.list_title,
            cancel_url=self.school_url(self.success_url_name),
        )
        return context

    def perform(self, form: Any) -> Any:
        """Each page's own write: subclasses call their service (`offer_create`, …) here."""
        raise NotImplementedError(f"{type(self).__name__} must define perform()")

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            self.perform(form)
        except ValidationError as error:
            # Another request got there first (e.g. the same slug a moment ago).
            _attach_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.school_url(self.success_url_name))


def _attach_errors(form: forms.BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- 1. Overview


class OfficeHomeView(OfficeMixin, TemplateView):
    template_name = "office/home.html"
    section = "home"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context.update(
            today=today,
            counts=selectors.school_counts(self.school),
            terms=selectors.current_and_next_term(self.school, today),
            gaps=selectors.school_setup_gaps(self.school, today),
        )
        return context


# --- 2. Pupil register


class PupilListMixin(OfficeMixin):
    def filtered_pupils(self) -> tuple[PupilFilter, QuerySet[Pupil]]:
        self.today = timezone.localdate()
        queryset = selectors.pupils_of_school(self.school, self.today)
        data = self.request.GET if self.request.GET else None  # type: ignore[attr-defined]
        pupil_filter = PupilFilter(data, queryset=queryset)
        return pupil_filter, pupil_filter.qs


class PupilListView(PupilListMixin, ListView):
    template_name = "office/pupils.html"
    paginate_by = PUPILS_PER_PAGE
    section = "pupils"

    def get_queryset(self) -> QuerySet[Pupil]:
        self.filter, queryset = self.filtered_pupils()
        return queryset

    def paginate_queryset(self, queryset: Any, page_size: int) -> tuple[Any, Any, Any, bool]:
        # A page number past the end (the list got shorter) shows the last page, not a 404.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_template_names(self) -> list[str]:
        # Typing in the search box (htmx) swaps only the results.
        htmx = getattr(self.request, "htmx", None)
        if htmx and not htmx.boosted and htmx.target == "pupil-results":
            return ["office/includes/pupil_results.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        for pupil in context["object_list"]:
            pupil.age = pupil.age_on(self.today)
            pupil.grade_label = selectors.grade_label(pupil, self.today)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filter=self.filter, query_string=query.urlencode(), today=self.today)
        return context


def _csv_cell(value: Any) -> Any:
    """Text that Excel would run as a formula (=, +, -, @) is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class PupilExportView(PupilListMixin, View):
    """The filtered register as CSV for Excel.

    UTF-8 with a byte-order mark, or Excel reads æ, ø and å as two characters each; semicolons
    between columns, because Excel with Norwegian settings expects them (the comma is the
    decimal sign there).
    """

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _filter, pupils = self.filtered_pupils()
        filename = f"pupils-{self.school.slug}-{self.today.isoformat()}.csv"
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.write("\ufeff")
        writer = csv.writer(response, delimiter=";")
        writer.writerow(
            [
                _("Name"),
                _("Date of birth"),
                _("Age"),
                _("Grade"),
                _("Household"),
                _("Guardians' e-mail addresses"),
                _("Photo and film consent"),
            ]
        )
        for pupil in pupils:
            writer.writerow(
                [
                    _csv_cell(pupil.full_name),
                    pupil.birth_date.isoformat(),
                    pupil.age_on(self.today),
                    _csv_cell(str(selectors.grade_label(pupil, self.today))),
                    _csv_cell(pupil.household.name),
                    _csv_cell(", ".join(g.email for g in pupil.household.guardians.all())),
                    pupil.get_photo_consent_display(),
                ]
            )
        return response


class PupilDetailView(OfficeMixin, DetailView):
    template_name = "office/pupil.html"
    context_object_name = "pupil"
    section = "pupils"

    def get_object(self, queryset: Any = None) -> Pupil:
        pupils = Pupil.objects.filter(household__school=self.school).select_related(
            "household__payer"
        )
        return get_in_scope(pupils, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        pupil, today = self.object, timezone.localdate()
        context.update(
            today=today,
            age=pupil.age_on(today),
            grade_label=selectors.grade_label(pupil, today),
            guardians=Guardian.objects.filter(household=pupil.household).select_related("user"),
            siblings=pupil.household.pupils.exclude(pk=pupil.pk),
            history=audit.history(pupil)[:50],
        )
        return context


class HouseholdDetailView(OfficeMixin, DetailView):
    template_name = "office/household.html"
    context_object_name = "household"
    section = "pupils"

    def get_object(self, queryset: Any = None) -> Household:
        households = Household.objects.filter(school=self.school).select_related("payer")
        return get_in_scope(households, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        pupils = list(self.object.pupils.order_by("birth_date"))
        for pupil in pupils:
            pupil.age = pupil.age_on(today)
            pupil.grade_label = selectors.grade_label(pupil, today)
        context.update(
            pupils=pupils,
            guardians=self.object.guardians.select_related("user"),
            history=audit.history(self.object)[:50],
        )
        return context


# --- 3. Offers


class OfferListView(OfficeMixin, ListView):
    template_name = "office/offers.html"
    section = "offers"

    def get_queryset(self) -> QuerySet[Offer]:
        return (
            Offer.objects.filter(school=self.school)
            .select_related("location", "department")
            .order_by("-is_published", "name", "pk")
        )


class OfferFormView(ServiceFormView):
    list_title = gettext_lazy("Offers")
    template_name = "office/offer_form.html"
    form_class = OfferForm
    model = Offer
    success_url_name = "office:offers"
    success_message = gettext_lazy("The offer is saved.")
    section = "offers"

    def perform(self, form: OfferForm) -> Offer:
        if self.object is None:
            return services.offer_create(
                actor=self.request.user, school=self.school, values=_values(form)
            )
        return services.offer_update(
            actor=self.request.user, offer=self.object, values=_values(form)
        )


# --- 4. Terms


class TermListView(OfficeMixin, ListView):
    template_name = "office/terms.html"
    section = "terms"

    def get_queryset(self) -> QuerySet[Term]:
        return (
            Term.objects.filter(school=self.school)
            .annotate(group_count=Count("groups"))
            .order_by("-starts_on")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context


class TermFormView(ServiceFormView):
    list_title = gettext_lazy("Terms")
    form_class = TermForm
    model = Term
    success_url_name = "office:terms"
    success_message = gettext_lazy("The term is saved.")
    section = "terms"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = (
            _("Edit term %(term)s") % {"term": self.object} if self.object else _("New term")
        )
        return context

    def perform(self, form: TermForm) -> Term:
        if self.object is None:
            return services.term_create(
                actor=self.request.user, school=self.school, values=_values(form)
            )
        return services.term_update(actor=self.request.user, term=self.object, values=_values(form))


# --- 5. School profile, locations, departments


class SchoolProfileView(OfficeMixin, TemplateView):
    template_name = "office/profile.html"
    section = "profile"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["office_hours"] = self.school.office_hours.all()
        return context


class SchoolProfileEditView(OfficeMixin, TemplateView):
    """Office and principal keep the contact details and office hours (§1c) up to date."""

    template_name = "office/profile_form.html"
    section = "profile"

    def forms(self) -> tuple[SchoolProfileForm, Any]:
        data = self.request.POST if self.request.method == "POST" else None
        form = SchoolProfileForm(data, instance=self.school)
        formset = OfficeHoursFormSet(data, instance=self.school, prefix="hours")
        return form, formset

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form, formset = self.forms()
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form, formset = self.forms()
        if form.is_valid() and formset.is_valid():
            slots = [
                services.OfficeHoursSlot(
                    row.cleaned_data["weekday"],
                    row.cleaned_data["opens_at"],
                    row.cleaned_data["closes_at"],
                )
                for row in formset.forms
                if row.cleaned_data
                and not row.cleaned_data.get("DELETE")
                and row.cleaned_data.get("weekday") is not None
            ]
            try:
                services.school_profile_update(
                    actor=request.user, school=self.school, values=_values(form), office_hours=slots
                )
            except ValidationError as error:
                _attach_errors(form, error)
            else:
                messages.success(request, _("The school profile is saved."))
                return redirect(self.school_url("office:profile"))
        # The mixin resolved `school` from the database; the bound form may have changed it.
        self.school.refresh_from_db()
        return self.render_to_response(self.get_context_data(form=form, formset=formset))


class LocationListView(OfficeMixin, ListView):
    template_name = "office/locations.html"
    section = "locations"

    def get_queryset(self) -> QuerySet[Location]:
        return (
            Location.objects.filter(school=self.school)
            .annotate(
                offer_count=Count("offers", filter=Q(offers__is_published=True), distinct=True)
            )
            .order_by("name")
        )


class LocationFormView(ServiceFormView):
    list_title = gettext_lazy("Locations")
    form_class = LocationForm
    model = Location
    success_url_name = "office:locations"
    success_message = gettext_lazy("The location is saved.")
    section = "locations"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = (
            _("Edit location %(name)s") % {"name": self.object.name}
            if self.object
            else _("New teaching location")
        )
        context["intro"] = _("Where the school teaches (§20). Offers and groups name a location.")
        return context

    def perform(self, form: LocationForm) -> Location:
        if self.object is None:
            return services.location_create(
                actor=self.request.user, school=self.school, values=_values(form)
            )
        return services.location_update(
            actor=self.request.user, location=self.object, values=_values(form)
        )


class DepartmentListView(OfficeMixin, ListView):
    template_name = "office/departments.html"
    section = "departments"

    def get_queryset(self) -> QuerySet[Department]:
        return (
            Department.objects.filter(school=self.school)
            .annotate(offer_count=Count("offers", distinct=True))
            .order_by("name")
        )


class DepartmentFormView(ServiceFormView):
    list_title = gettext_lazy("Departments")
    form_class = DepartmentForm
    model = Department
    success_url_name = "office:departments"
    success_message = gettext_lazy("The department is saved.")
    section = "departments"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = (
            _("Edit department %(name)s") % {"name": self.object.name}
            if self.object
            else _("New department")
        )
        return context

    def perform(self, form: DepartmentForm) -> Department:
        if self.object is None:
            return services.department_create(
                actor=self.request.user, school=self.school, values=_values(form)
            )
        return services.department_update(
            actor=self.request.user, department=self.object, values=_values(form)
        )


# --- 6. Rule-book policy


def policy_of(school: Any) -> tuple[SchoolPolicy, bool]:
    """The school's policy, or the defaults (unsaved) when none has been saved yet."""
    policy = SchoolPolicy.objects.filter(school=school).first()
    if policy is None:
        return SchoolPolicy(school=school), False
    return policy, True


def _display(policy: SchoolPolicy, name: str) -> Any:
    field = SchoolPolicy._meta.get_field(name)
    value = getattr(policy, name)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if hasattr(value, "display"):  # MonthDay
        return value.display()
    if field.get_internal_type() == "DateField":
        return date_format(value)
    if field.get_internal_type() == "DecimalField":
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return value


class PolicyView(OfficeMixin, TemplateView):
    template_name = "office/policy.html"
    section = "policy"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        policy, saved = policy_of(self.school)
        sections = []
        for reference, title, names in POLICY_SECTIONS:
            rows = []
            for name in names:
                field = SchoolPolicy._meta.get_field(name)
                ref, explanation = split_reference(str(field.help_text), reference)
                rows.append(
                    {
                        "name": name,
                        "label": str(field.verbose_name),
                        "value": _display(policy, name),
                        "reference": ref,
                        "explanation": explanation,
                    }
                )
            sections.append({"reference": reference, "title": title, "rows": rows})
        context.update(
            policy=policy,
            saved=saved,
            sections=sections,
            history=audit.history(policy)[:20] if saved else [],
        )
        return context


class PolicyEditView(OfficeMixin, OnlyRolesMixin, FormView):
    template_name = "office/policy_form.html"
    form_class = SchoolPolicyForm
    section = "policy"
    only_roles = (Role.PRINCIPAL,)
    forbidden_message = gettext_lazy(
        "Only the principal may change the rule-book policy. The office can read it."
    )

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["instance"], _saved = policy_of(self.school)
        return kwargs

    def form_valid(self, form: SchoolPolicyForm) -> HttpResponse:
        try:
            _policy, changes = services.school_policy_update(
                actor=self.request.user,
                school=self.school,
                values=_values(form),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _attach_errors(form, error)
            return self.form_invalid(form)
        if changes:
            messages.success(self.request, _("The rule-book policy is saved."))
        else:
            messages.info(self.request, _("Nothing was changed."))
        return redirect(self.school_url("office:policy"))


# --- 7. Staff


class StaffListView(OfficeMixin, ListView):
    template_name = "office/staff.html"
    section = "staff"

    def get_queryset(self) -> QuerySet[StaffRole]:
        return (
            StaffRole.objects.filter(school=self.school)
            .select_related("user")
            .order_by("user__last_name", "user__first_name", "user__email", "role")
        )


class StaffAddView(OfficeMixin, OnlyRolesMixin, FormView):
    template_name = "office/form.html"
    form_class = StaffRoleAddForm
    section = "staff"
    only_roles = (Role.PRINCIPAL,)
    forbidden_message = gettext_lazy("Only the principal may add or remove staff roles.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "school": self.school}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=_("Add a staff role"),
            intro=_(
                "Office staff and the principal see every family of the school; teachers see "
                "their own groups."
            ),
            cancel_url=self.school_url("office:staff"),
            list_title=_("Staff"),
            submit_label=_("Add role"),
        )
        return context

    def form_valid(self, form: StaffRoleAddForm) -> HttpResponse:
        try:
            services.staff_role_add(
                actor=self.request.user,
                school=self.school,
                user=form.user,
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            _attach_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The role is added."))
        return redirect(self.school_url("office:staff"))


class StaffRemoveView(OfficeMixin, OnlyRolesMixin, TemplateView):
    """Asks first (GET), removes on POST."""

    template_name = "office/staff_remove.html"
    section = "staff"
    only_roles = (Role.PRINCIPAL,)
    forbidden_message = gettext_lazy("Only the principal may add or remove staff roles.")

    def get_role(self) -> StaffRole:
        roles = StaffRole.objects.filter(school=self.school).select_related("user")
        return get_in_scope(roles, pk=self.kwargs["pk"])

    def own_principal_role(self, staff_role: StaffRole) -> bool:
        return staff_role.user_id == self.request.user.pk and staff_role.role == Role.PRINCIPAL

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        staff_role = self.get_role()
        if self.own_principal_role(staff_role):
            return self.refuse_own()
        return self.render_to_response(self.get_context_data(staff_role=staff_role))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        staff_role = self.get_role()
        try:
            services.staff_role_remove(actor=request.user, staff_role=staff_role)
        except PermissionDenied:
            return self.refuse_own()
        messages.success(
            request,
            _("%(person)s no longer has the role %(role)s.")
            % {"person": staff_role.user, "role": staff_role.get_role_display()},
        )
        return HttpResponseRedirect(self.school_url("office:staff"))

    def refuse_own(self) -> HttpResponse:
        return forbidden(
            self.request,
            self.school,
            _(
                "You cannot remove your own principal role. Another principal or the "
                "administrator can do it."
            ),
            section=self.section,
        )
