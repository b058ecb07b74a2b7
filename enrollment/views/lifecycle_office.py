"""Office pages for teaching and for following pupils up (§7–§9, §14, §18, §19).

Under /office/<school>/…: teaching groups, their members and lessons, the school's holidays,
the §9d absence flags, terminations with their letters and appeals, leave, notices, places
ending and the parent work groups. `OfficeMixin` resolves the school among the user's schools,
and every object is looked up through a queryset of that school, so another school's object
is a 404. Views stay thin: form → service → redirect with a message; a service's refusal
(LifecycleError, ValidationError) becomes a message next to the field and changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, ListView, TemplateView, View

from enrollment import lifecycle_selectors as selectors
from enrollment import rules
from enrollment.forms.lifecycle_office import (
    AppealRegisterForm,
    AppealResolveForm,
    GroupMemberAddForm,
    HolidayForm,
    LeaveDecideForm,
    LeaveFilterForm,
    LeaveReturnForm,
    OfficeAbsenceReportForm,
    PlacesEndingForm,
    TeachingGroupForm,
    TerminationFilterForm,
    TerminationForm,
)
from enrollment.models import (
    GroupMember,
    Guardian,
    Leave,
    Offer,
    Placement,
    Pupil,
    SchoolHoliday,
    TeachingGroup,
    Termination,
)
from enrollment.services import lifecycle
from enrollment.services import teaching as teaching_services
from enrollment.services.lifecycle import LifecycleError
from enrollment.views.office import OfficeMixin, _attach_errors, _csv_cell, _values
from kulturskole import audit
from kulturskole.access import get_in_scope
from kulturskole.models import AuditEvent, OutboundMessage

PER_PAGE = 50


class LifecycleMixin(OfficeMixin):
    """A page of the Teaching or Follow-up tab; `subpage` marks its sub-navigation entry."""

    subpage = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["subpage"] = self.subpage
        return context

    def today(self) -> dt.date:
        return timezone.localdate()

    def groups(self) -> QuerySet[TeachingGroup]:
        return TeachingGroup.objects.filter(offer__school=self.school)

    def pupils(self) -> QuerySet[Pupil]:
        return Pupil.objects.filter(household__school=self.school)

    def terminations(self) -> QuerySet[Termination]:
        return Termination.objects.filter(placement__offer__school=self.school)

    def leaves(self) -> QuerySet[Leave]:
        return Leave.objects.filter(placement__offer__school=self.school)

    def refuse(self, form: Any, error: Exception, field: str | None = None) -> None:
        """Put a service's refusal on the form, next to `field` or at the top."""
        if isinstance(error, ValidationError):
            _attach_errors(form, error)
        else:
            form.add_error(field, str(error))


def paginate(request: HttpRequest, rows: Any, per_page: int = PER_PAGE) -> Any:
    """A page of `rows`; a page number past the end shows the last page, not a 404."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def lesson_link(name: str, lesson_pk: int) -> str:
    """The teacher pages' address for a lesson, or "" while that page does not exist."""
    for kwargs in ({"pk": lesson_pk}, {"lesson": lesson_pk}):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return ""


# === Teaching ==================================================================================


class GroupListView(LifecycleMixin, TemplateView):
    template_name = "office/lifecycle/groups.html"
    section = "teaching"
    subpage = "groups"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        terms, term = selectors.chosen_term(self.school, self.request.GET.get("term"), self.today())
        page = paginate(self.request, selectors.groups_of_term(self.school, term)) if term else None
        context.update(
            terms=terms,
            term=term,
            page_obj=page,
            groups=page.object_list if page else [],
            query_string=query_without_page(self.request),
        )
        return context


class GroupFormView(LifecycleMixin, FormView):
    """Create a group (no pk) or edit one."""

    template_name = "office/lifecycle/group_form.html"
    form_class = TeachingGroupForm
    section = "teaching"
    subpage = "groups"
    object: TeachingGroup | None = None

    def get_form_kwargs(self) -> dict[str, Any]:
        if "pk" in self.kwargs:
            self.object = get_in_scope(self.groups(), pk=self.kwargs["pk"])
        kwargs = super().get_form_kwargs()
        kwargs["school"] = self.school
        if self.object is not None:
            kwargs["instance"] = self.object
        elif self.request.method == "GET":
            kwargs["initial"] = self.initial_values()
        return kwargs

    def initial_values(self) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for name in ("offer", "term"):
            raw = self.request.GET.get(name, "")
            if raw.isdigit():
                initial[name] = int(raw)
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["has_lessons"] = bool(self.object and self.object.lessons.exists())
        return context

    def form_valid(self, form: TeachingGroupForm) -> HttpResponse:
        values = _values(form)
        try:
            if self.object is None:
                group = teaching_services.group_create(
                    actor=self.request.user, school=self.school, values=values
                )
                messages.success(self.request, _("The group is created. Add its pupils next."))
            else:
                group = teaching_services.group_update(
                    actor=self.request.user, group=self.object, values=values
                )
                messages.success(
                    self.request, _("The group is saved. Lessons already generated are unchanged.")
                )
        except ValidationError as error:
            _attach_errors(form, error)
            return self.form_invalid(form)
        return redirect(self.school_url("office:group", pk=group.pk))


class GroupMixin(LifecycleMixin):
    section = "teaching"
    subpage = "groups"

    def get_group(self) -> TeachingGroup:
        groups = self.groups().select_related("offer", "term", "teacher", "location")
        return get_in_scope(groups, pk=self.kwargs["pk"])


class GroupDetailView(GroupMixin, TemplateView):
    template_name = "office/lifecycle/group.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        group = kwargs.get("group") or self.get_group()
        members = list(
            GroupMember.objects.filter(group=group)
            .exclude(placement__status=Placement.Status.ENDED)
            .select_related("placement__pupil")
            .order_by("placement__pupil__last_name", "placement__pupil__first_name", "pk")
        )
        lessons = list(selectors.lessons_of_group(group))
        for lesson in lessons:
            lesson.register_url = lesson_link("teaching:lesson", lesson.pk)
            lesson.change_url = lesson_link("teaching:lesson_change", lesson.pk)
            lesson.cancel_url = lesson_link("teaching:lesson_cancel", lesson.pk)
        context.update(
            group=group,
            members=members,
            lessons=lessons,
            add_form=kwargs.get("add_form") or GroupMemberAddForm(group=group),
            today=self.today(),
        )
        return context


class GroupMemberAddView(GroupMixin, TemplateView):
    """POST from the group page; a bad choice shows the group page with the message."""

    template_name = "office/lifecycle/group.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect(self.school_url("office:group", pk=self.kwargs["pk"]))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        group = self.get_group()
        form = GroupMemberAddForm(request.POST, group=group)
        if form.is_valid():
            placement = form.cleaned_data["placement"]
            try:
                lifecycle.group_member_add(actor=request.user, group=group, placement=placement)
            except LifecycleError as error:
                form.add_error("placement", str(error))
            else:
                messages.success(
                    request,
                    _("%(pupil)s is added to the group.") % {"pupil": placement.pupil},
                )
                return redirect(self.school_url("office:group", pk=group.pk) + "#members")
        return self.render_to_response(self.get_context_data(group=group, add_form=form))


class GroupMemberRemoveView(GroupMixin, TemplateView):
    template_name = "office/lifecycle/group_member_remove.html"

    def get_member(self) -> GroupMember:
        group = self.get_group()
        members = GroupMember.objects.filter(group=group).select_related(
            "placement__pupil", "group"
        )
        return get_in_scope(members, pk=self.kwargs["member"])

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        member = self.get_member()
        return self.render_to_response(self.get_context_data(member=member, group=member.group))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        member = self.get_member()
        pupil, group = member.placement.pupil, member.group
        lifecycle.group_member_remove(actor=request.user, member=member)
        messages.success(
            request,
            _("%(pupil)s is removed from the group. The place itself is unchanged.")
            % {"pupil": pupil},
        )
        return redirect(self.school_url("office:group", pk=group.pk) + "#members")


class LessonsGenerateView(GroupMixin, TemplateView):
    """GET shows what will be generated; POST generates. Running it again adds only what is
    missing, so a holiday entered later does not remove lessons already generated."""

    template_name = "office/lifecycle/lessons_generate.html"

    def preview(self, group: TeachingGroup) -> dict[str, Any]:
        term = group.term
        closed = lifecycle.closed_days_for(group)
        dates = rules.lesson_dates(
            first_day=term.starts_on, last_day=term.ends_on, weekday=group.weekday, closed=closed
        )
        all_weekdays = rules.lesson_dates(
            first_day=term.starts_on,
            last_day=term.ends_on,
            weekday=group.weekday,
            closed=frozenset(),
        )
        existing = set(group.lessons.values_list("date", flat=True))
        existing |= set(
            group.lessons.filter(moved_from__isnull=False).values_list("moved_from", flat=True)
        )
        return {
            "dates": dates,
            "new_dates": [day for day in dates if day not in existing],
            "skipped": [day for day in all_weekdays if day in closed],
            "existing_count": group.lessons.count(),
        }

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        group = self.get_group()
        return self.render_to_response(self.get_context_data(group=group, **self.preview(group)))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        group = self.get_group()
        made = lifecycle.lessons_generate(actor=request.user, group=group)
        if made:
            messages.success(
                request,
                ngettext(
                    "%(count)d lesson was generated for %(term)s.",
                    "%(count)d lessons were generated for %(term)s.",
                    made,
                )
                % {"count": made, "term": group.term},
            )
        else:
            messages.info(request, _("Every lesson of the term already exists; none were added."))
        return redirect(self.school_url("office:group", pk=group.pk) + "#lessons")


# --- School holidays


class HolidayListView(LifecycleMixin, ListView):
    template_name = "office/lifecycle/holidays.html"
    section = "teaching"
    subpage = "holidays"
    paginate_by = PER_PAGE
    context_object_name = "holidays"

    def get_queryset(self) -> QuerySet[SchoolHoliday]:
        return SchoolHoliday.objects.filter(school=self.school).order_by("-starts_on", "pk")

    def paginate_queryset(self, queryset: Any, page_size: int) -> tuple[Any, Any, Any, bool]:
        page = paginate(self.request, queryset, page_size)
        return page.paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["today"] = self.today()
        return context


class HolidayFormView(LifecycleMixin, FormView):
    template_name = "office/lifecycle/holiday_form.html"
    form_class = HolidayForm
    section = "teaching"
    subpage = "holidays"
    object: SchoolHoliday | None = None

    def get_form_kwargs(self) -> dict[str, Any]:
        if "pk" in self.kwargs:
            self.object = get_in_scope(
                SchoolHoliday.objects.filter(school=self.school), pk=self.kwargs["pk"]
            )
        kwargs = super().get_form_kwargs()
        kwargs["school"] = self.school
        if self.object is not None:
            kwargs["instance"] = self.object
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        return context

    def form_valid(self, form: HolidayForm) -> HttpResponse:
        try:
            if self.object is None:
                teaching_services.holiday_create(
                    actor=self.request.user, school=self.school, values=_values(form)
                )
            else:
                teaching_services.holiday_update(
                    actor=self.request.user, holiday=self.object, values=_values(form)
                )
        except ValidationError as error:
            _attach_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "The holiday is saved. Lessons generated from now on skip it; lessons already "
                "generated are unchanged."
            ),
        )
        return redirect(self.school_url("office:holidays"))


class HolidayDeleteView(LifecycleMixin, TemplateView):
    template_name = "office/lifecycle/holiday_delete.html"
    section = "teaching"
    subpage = "holidays"

    def get_holiday(self) -> SchoolHoliday:
        return get_in_scope(SchoolHoliday.objects.filter(school=self.school), pk=self.kwargs["pk"])

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(holiday=self.get_holiday()))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        holiday = self.get_holiday()
        teaching_services.holiday_delete(actor=request.user, holiday=holiday)
        messages.success(request, _("The holiday “%(name)s” is removed.") % {"name": holiday.name})
        return redirect(self.school_url("office:holidays"))


# === Follow-up =================================================================================


class AbsenceFlagListView(LifecycleMixin, TemplateView):
    """§9d ii–iii: the places the school may terminate for unreported absences in a term."""

    template_name = "office/lifecycle/absence_flags.html"
    section = "followup"
    subpage = "absence_flags"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        terms, term = selectors.chosen_term(self.school, self.request.GET.get("term"), self.today())
        policy = selectors.policy_for(self.school)
        flagged = selectors.absence_flag_list(self.school, term, policy) if term else []
        page = paginate(self.request, flagged)
        context.update(
            terms=terms,
            term=term,
            policy=policy,
            page_obj=page,
            flagged=page.object_list,
            query_string=query_without_page(self.request),
            this_url=self.request.get_full_path(),
        )
        return context


class AbsenceReportView(LifecycleMixin, FormView):
    """§7: the office records an absence the home reported by phone or e-mail."""

    template_name = "office/lifecycle/absence_report.html"
    form_class = OfficeAbsenceReportForm
    section = "followup"
    subpage = "absence_flags"

    def setup_pupil(self) -> None:
        self.pupil = get_in_scope(self.pupils(), pk=self.kwargs["pk"])
        raw = self.request.POST.get("term") or self.request.GET.get("term")
        self.terms, self.term = selectors.chosen_term(self.school, raw, self.today())
        self.lessons = (
            selectors.pupil_lessons(self.school, self.pupil.pk, self.term) if self.term else []
        )

    def get_form_kwargs(self) -> dict[str, Any]:
        self.setup_pupil()
        kwargs = super().get_form_kwargs()
        kwargs.update(lessons=self.lessons, today=self.today())
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            pupil=self.pupil,
            terms=self.terms,
            term=self.term,
            lessons=self.lessons,
            next=safe_next(self.request, ""),
        )
        return context

    def form_valid(self, form: OfficeAbsenceReportForm) -> HttpResponse:
        received = form.cleaned_data["received_on"]
        now = timezone.now()
        if received != timezone.localdate(now):
            now = timezone.make_aware(dt.datetime.combine(received, dt.time(12, 0)))
        try:
            count = lifecycle.absence_report(
                actor=self.request.user,
                pupil=self.pupil,
                lessons=form.chosen_lessons(),
                via=form.cleaned_data["via"],
                reason=form.cleaned_data["reason"],
                now=now,
            )
        except LifecycleError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext(
                "%(count)d absence is recorded as reported by the home.",
                "%(count)d absences are recorded as reported by the home.",
                count,
            )
            % {"count": count},
        )
        fallback = self.school_url("office:absence_report", pk=self.pupil.pk)
        if self.term:
            fallback += f"?term={self.term.pk}"
        return redirect(safe_next(self.request, fallback))


# --- §9d–f Terminations


TERMINATION_FILTERS: dict[str, Q] = {
    "decided": Q(appeal=Termination.Appeal.NONE),
    "pending": Q(appeal=Termination.Appeal.PENDING),
    "upheld": Q(appeal=Termination.Appeal.UPHELD),
    "overturned": Q(appeal=Termination.Appeal.OVERTURNED),
}


class TerminationListView(LifecycleMixin, TemplateView):
    template_name = "office/lifecycle/terminations.html"
    section = "followup"
    subpage = "terminations"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = TerminationFilterForm(self.request.GET or None)
        status = form.cleaned_data.get("status", "") if form.is_valid() else ""
        rows = self.terminations().select_related(
            "placement__pupil", "placement__offer", "decided_by"
        )
        if status:
            rows = rows.filter(TERMINATION_FILTERS[status])
        page = paginate(self.request, rows.order_by("-decided_at", "-pk"))
        context.update(
            filter_form=form,
            filtered=bool(status),
            page_obj=page,
            terminations=page.object_list,
            query_string=query_without_page(self.request),
        )
        return context


class TerminationNewView(LifecycleMixin, FormView):
    """Step 1: the decision as entered; a valid form shows the confirmation with the facts of
    the letter. Step 2 (TerminationDecideView) makes the decision and sends the letter."""

    template_name = "office/lifecycle/termination_form.html"
    form_class = TerminationForm
    section = "followup"
    subpage = "terminations"

    def get_pupil(self) -> Pupil:
        if not hasattr(self, "pupil"):
            self.pupil = get_in_scope(
                self.pupils().select_related("household"), pk=self.kwargs["pk"]
            )
        return self.pupil

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        self.policy = selectors.policy_for(self.school)
        kwargs.update(
            school=self.school, pupil=self.get_pupil(), policy=self.policy, today=self.today()
        )
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        # No default end date: the office chooses it knowingly (today or later).
        initial: dict[str, Any] = {}
        for name in ("placement", "term"):
            raw = self.request.GET.get(name, "")
            if raw.isdigit():
                initial[name] = int(raw)
        if self.request.GET.get("reason") in Termination.Reason.values:
            initial["reason"] = self.request.GET["reason"]
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        pupil = self.get_pupil()
        form = context["form"]
        context.update(
            pupil=pupil,
            policy=self.policy,
            has_places=form.fields["placement"].queryset.exists(),
            absences=self.absence_facts(form),
        )
        return context

    def absence_facts(self, form: TerminationForm) -> dict[str, Any] | None:
        """The unreported absences of the chosen place and term, to write the reasons from."""
        placement_id = form["placement"].value()
        term_id = form["term"].value()
        if not (str(placement_id).isdigit() and str(term_id).isdigit()):
            return None
        placement = form.fields["placement"].queryset.filter(pk=placement_id).first()
        term = form.fields["term"].queryset.filter(pk=term_id).first()
        if placement is None or term is None:
            return None
        marks = lifecycle.absence_marks(placement, term)
        return {
            "placement": placement,
            "term": term,
            "unreported": sorted(day for day, mark in marks if mark == rules.Mark.UNREPORTED),
            "flags": selectors.placement_absence_flags(placement, term, self.policy),
        }

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form()
        if not form.is_valid() or "edit" in request.POST:
            return self.form_invalid(form)
        return self.render_confirmation(form)

    def render_confirmation(self, form: TerminationForm) -> HttpResponse:
        pupil = self.get_pupil()
        guardians = list(Guardian.objects.filter(household_id=pupil.household_id).order_by("pk"))
        self.template_name = "office/lifecycle/termination_confirm.html"
        return self.render_to_response(
            self.get_context_data(
                form=form,
                data=form.cleaned_data,
                reason=Termination.Reason(form.cleaned_data["reason"]),
                appealable=form.cleaned_data["reason"] in Termination.APPEALABLE,
                lessons=form.lessons(),
                guardians=guardians,
                recipients=[g for g in guardians if g.email],
            )
        )


class TerminationDecideView(TerminationNewView):
    """Step 2: POST only. Decides, renders the letter PDF and e-mails it to the home."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect(self.school_url("office:termination_new", pk=self.kwargs["pk"]))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form()
        if not form.is_valid():
            return self.form_invalid(form)
        data = form.cleaned_data
        try:
            termination = lifecycle.termination_decide(
                actor=request.user,
                placement=data["placement"],
                reason=data["reason"],
                justification=data["justification"],
                effective_on=data["effective_on"],
                term=data["term"],
            )
        except LifecycleError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            request,
            _(
                "The place is terminated. The decision letter is stored and sent to the "
                "home by e-mail."
            ),
        )
        return redirect(self.school_url("office:termination", pk=termination.pk))


class TerminationMixin(LifecycleMixin):
    section = "followup"
    subpage = "terminations"

    def get_termination(self) -> Termination:
        rows = self.terminations().select_related(
            "placement__pupil__household",
            "placement__offer",
            "decided_by",
            "appeal_resolved_by",
        )
        return get_in_scope(rows, pk=self.kwargs["pk"])


def termination_history(termination: Termination) -> QuerySet[AuditEvent]:
    """The decision (recorded on the place) and everything recorded on the termination."""
    return (
        AuditEvent.objects.filter(
            Q(
                content_type=ContentType.objects.get_for_model(Termination),
                object_id=str(termination.pk),
            )
            | Q(
                content_type=ContentType.objects.get_for_model(Placement),
                object_id=str(termination.placement_id),
                at__gte=termination.decided_at,
            )
        )
        .select_related("actor")
        .order_by("-at", "-pk")
    )


class TerminationDetailView(TerminationMixin, TemplateView):
    template_name = "office/lifecycle/termination.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        termination = self.get_termination()
        context.update(
            termination=termination,
            placement=termination.placement,
            pupil=termination.placement.pupil,
            guardians=Guardian.objects.filter(
                household_id=termination.placement.pupil.household_id
            ).order_by("pk"),
            letters=OutboundMessage.objects.filter(
                key__startswith=f"termination-{termination.pk}-guardian-"
            ).order_by("pk"),
            history=termination_history(termination)[:50],
            policy=selectors.policy_for(self.school),
        )
        return context


class TerminationLetterView(TerminationMixin, View):
    """The decision letter, streamed from private storage to office staff of the school."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        termination = self.get_termination()
        if not termination.letter:
            raise Http404("No letter")
        try:
            handle = termination.letter.open("rb")
        except FileNotFoundError:
            raise Http404("Letter file missing") from None
        return FileResponse(
            handle,
            content_type="application/pdf",
            filename=f"vedtak-{termination.pk}.pdf",
        )


class AppealRegisterView(TerminationMixin, FormView):
    template_name = "office/lifecycle/appeal_register.html"
    form_class = AppealRegisterForm

    def get_form_kwargs(self) -> dict[str, Any]:
        self.termination = self.get_termination()
        kwargs = super().get_form_kwargs()
        kwargs.update(termination=self.termination, today=self.today())
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(termination=self.termination, policy=selectors.policy_for(self.school))
        return context

    def form_valid(self, form: AppealRegisterForm) -> HttpResponse:
        try:
            lifecycle.termination_appeal_register(
                actor=self.request.user,
                termination=self.termination,
                received_on=form.cleaned_data["received_on"],
                text=form.cleaned_data["text"],
            )
        except LifecycleError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("The appeal is registered."))
        return redirect(self.school_url("office:termination", pk=self.termination.pk))


class AppealResolveView(TerminationMixin, FormView):
    """The appeal body's decision: form, then a confirmation that says what follows."""

    template_name = "office/lifecycle/appeal_resolve.html"
    form_class = AppealResolveForm

    def get_form_kwargs(self) -> dict[str, Any]:
        self.termination = self.get_termination()
        return super().get_form_kwargs()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["termination"] = self.termination
        return context

    def form_valid(self, form: AppealResolveForm) -> HttpResponse:
        if "confirm" not in self.request.POST:
            return self.render_to_response(self.get_context_data(form=form, confirming=True))
        overturned = form.cleaned_data["outcome"] == "overturned"
        try:
            lifecycle.termination_appeal_resolve(
                actor=self.request.user,
                termination=self.termination,
                overturned=overturned,
                resolution=form.cleaned_data["resolution"],
            )
        except LifecycleError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        if overturned:
            message = _("The appeal is recorded as overturned: the pupil keeps the place.")
        else:
            message = _("The appeal is recorded as upheld: the decision stands.")
        messages.success(self.request, message)
        return redirect(self.school_url("office:termination", pk=self.termination.pk))


# --- §14 Leave


class LeaveListView(LifecycleMixin, TemplateView):
    template_name = "office/lifecycle/leaves.html"
    section = "followup"
    subpage = "leaves"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = LeaveFilterForm(self.request.GET or None)
        status = form.cleaned_data.get("status", "") if form.is_valid() else ""
        rows = self.leaves().select_related("placement__pupil", "placement__offer")
        if status:
            rows = rows.filter(status=status)
        page = paginate(self.request, rows.order_by("-applied_at", "-pk"))
        context.update(
            filter_form=form,
            filtered=bool(status),
            page_obj=page,
            leaves=page.object_list,
            query_string=query_without_page(self.request),
        )
        return context


class LeaveMixin(LifecycleMixin):
    section = "followup"
    subpage = "leaves"

    def get_leave(self) -> Leave:
        rows = self.leaves().select_related(
            "placement__pupil__household",
            "placement__offer",
            "applied_by",
            "decided_by",
            "return_application",
        )
        return get_in_scope(rows, pk=self.kwargs["pk"])

    def leave_context(self, leave: Leave, **forms: Any) -> dict[str, Any]:
        policy = selectors.policy_for(self.school)
        return {
            "leave": leave,
            "pupil": leave.placement.pupil,
            "policy": policy,
            "decide_form": forms.get("decide_form") or LeaveDecideForm(),
            "return_form": forms.get("return_form")
            or LeaveReturnForm(starts_on=leave.starts_on, today=self.today()),
            "history": audit.history(leave)[:30],
            "guardians": Guardian.objects.filter(
                household_id=leave.placement.pupil.household_id
            ).order_by("pk"),
        }


class LeaveDetailView(LeaveMixin, TemplateView):
    template_name = "office/lifecycle/leave.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.leave_context(self.get_leave()))
        return context


def _sniff(head: bytes) -> tuple[str, str]:
    """Content type and extension of an uploaded note from its first bytes."""
    if head.startswith(b"%PDF"):
        return "application/pdf", ".pdf"
    if head.startswith(b"\x89PNG"):
        return "image/png", ".png"
    if head.startswith(b"\xff\xd8"):
        return "image/jpeg", ".jpg"
    return "application/octet-stream", ""


class LeaveNoteView(LeaveMixin, View):
    """The doctor's note, only for the school's office staff; always as a download."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        leave = self.get_leave()
        if not leave.doctor_note:
            raise Http404("No doctor's note")
        try:
            handle = leave.doctor_note.open("rb")
        except FileNotFoundError:
            raise Http404("Note file missing") from None
        head = handle.read(8)
        handle.seek(0)
        content_type, extension = _sniff(head)
        name = leave.doctor_note.name.rsplit("/", 1)[-1]
        if extension and not name.lower().endswith(extension):
            guessed = mimetypes.guess_type(name)[0]
            if guessed != content_type:
                name += extension
        return FileResponse(handle, content_type=content_type, as_attachment=True, filename=name)


class LeaveDecideView(LeaveMixin, TemplateView):
    template_name = "office/lifecycle/leave.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect(self.school_url("office:leave", pk=self.kwargs["pk"]))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        leave = self.get_leave()
        form = LeaveDecideForm(request.POST)
        if form.is_valid():
            approve = form.cleaned_data["decision"] == "approve"
            try:
                lifecycle.leave_decide(
                    actor=request.user, leave=leave, approve=approve, note=form.cleaned_data["note"]
                )
            except LifecycleError as error:
                form.add_error(None, str(error))
            else:
                if approve:
                    message = _(
                        "The leave is approved. The place is freed while the pupil is away, "
                        "and the home is told."
                    )
                else:
                    message = _("The leave is refused, and the home is told why.")
                messages.success(request, message)
                return redirect(self.school_url("office:leave", pk=leave.pk))
        return self.render_to_response(
            self.get_context_data(**self.leave_context(leave, decide_form=form))
        )


class LeaveReturnView(LeaveMixin, TemplateView):
    template_name = "office/lifecycle/leave.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect(self.school_url("office:leave", pk=self.kwargs["pk"]) + "#return")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        leave = self.get_leave()
        form = LeaveReturnForm(request.POST, starts_on=leave.starts_on, today=self.today())
        if form.is_valid():
            try:
                lifecycle.leave_return(
                    actor=request.user,
                    leave=leave,
                    recovered_on=form.cleaned_data["recovered_on"],
                )
            except LifecycleError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _(
                        "The return is registered. %(pupil)s is now first in line for "
                        "%(offer)s and gets the first free place (§14a)."
                    )
                    % {"pupil": leave.placement.pupil, "offer": leave.placement.offer.name},
                )
                return redirect(self.school_url("office:leave", pk=leave.pk))
        return self.render_to_response(
            self.get_context_data(**self.leave_context(leave, return_form=form))
        )


# --- §9b Notices and places ending


class NoticeListView(LifecycleMixin, TemplateView):
    template_name = "office/lifecycle/notices.html"
    section = "followup"
    subpage = "notices"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = paginate(self.request, selectors.notices_of_school(self.school))
        context.update(page_obj=page, notices=page.object_list, today=self.today())
        return context


class PlacesEndingView(LifecycleMixin, TemplateView):
    template_name = "office/lifecycle/places_ending.html"
    section = "followup"
    subpage = "places_ending"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = PlacesEndingForm(self.request.GET or None)
        months = (form.cleaned_data.get("months") if form.is_valid() else None) or 3
        today = self.today()
        last = today + dt.timedelta(days=round(months * 30.44))
        page = paginate(self.request, selectors.places_ending(self.school, first=today, last=last))
        context.update(
            filter_form=form,
            months=months,
            last=last,
            page_obj=page,
            placements=page.object_list,
            query_string=query_without_page(self.request),
            today=today,
        )
        return context


# --- §18 Parent work groups


class WorkGroupListView(LifecycleMixin, ListView):
    template_name = "office/lifecycle/work_groups.html"
    section = "followup"
    subpage = "work_groups"
    context_object_name = "offers"
    paginate_by = PER_PAGE

    def get_queryset(self) -> QuerySet[Offer]:
        return selectors.work_group_offers(self.school)

    def paginate_queryset(self, queryset: Any, page_size: int) -> tuple[Any, Any, Any, bool]:
        page = paginate(self.request, queryset, page_size)
        return page.paginator, page, page.object_list, page.has_other_pages()


class WorkGroupMixin(LifecycleMixin):
    section = "followup"
    subpage = "work_groups"

    def get_offer(self) -> Offer:
        offers = Offer.objects.filter(school=self.school, parent_work_group=True)
        return get_in_scope(offers, pk=self.kwargs["pk"])


class WorkGroupDetailView(WorkGroupMixin, TemplateView):
    template_name = "office/lifecycle/work_group.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        offer = self.get_offer()
        page = paginate(self.request, selectors.work_group_members(offer), 100)
        context.update(offer=offer, page_obj=page, members=page.object_list)
        return context


class WorkGroupExportView(WorkGroupMixin, View):
    """The work group as CSV for Excel: UTF-8 with a byte-order mark and semicolons, like the
    pupil register (see PupilExportView), with text that Excel would run as a formula kept as
    text."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        offer = self.get_offer()
        today = timezone.localdate()
        filename = f"work-group-{self.school.slug}-{offer.slug}-{today.isoformat()}.csv"
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.write("\ufeff")
        writer = csv.writer(response, delimiter=";")
        writer.writerow([_("Guardian"), _("E-mail"), _("Mobile phone"), _("Pupil"), _("Joined")])
        for member in selectors.work_group_members(offer):
            guardian = member.guardian
            writer.writerow(
                [
                    _csv_cell(f"{guardian.first_name} {guardian.last_name}"),
                    _csv_cell(guardian.email),
                    _csv_cell(guardian.phone),
                    _csv_cell(member.placement.pupil.full_name),
                    timezone.localdate(member.joined_at).isoformat(),
                ]
            )
        return response
