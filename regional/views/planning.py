"""The budget against the grant, the annual plan (årshjul), pupils' suggestions, network
meetings, the shared materials and the programme report."""

from __future__ import annotations

import base64
import mimetypes
from typing import Any

from csp.constants import NONE, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib import messages
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from kulturskole.access import get_in_scope
from kulturskole.dates import day_month_year
from kulturskole.pdf import render_pdf
from regional import charts, exports, rules, selectors, services
from regional.forms import (
    BudgetLineForm,
    MaterialForm,
    NetworkMeetingForm,
    PlanFilterForm,
    PlanItemForm,
    SuggestionStatusForm,
)
from regional.models import (
    ActivitySuggestion,
    AnnualPlanItem,
    BudgetLine,
    Material,
    NetworkMeeting,
)
from regional.views.base import (
    CONTRIBUTE,
    EDIT,
    OVERVIEW,
    ProgrammeConfirmView,
    ProgrammeFormView,
    ProgrammeMixin,
    values_of,
)
from regional.views.gatherings import pdf_response

# matplotlib's SVG carries a <style> element; the image has no scripts, so its own response
# may allow inline styles while the pages keep the strict policy (as waitlist's charts do).
svg_policy = csp_replace({"default-src": [NONE], "style-src": [UNSAFE_INLINE]})


# --- Budget --------------------------------------------------------------------------------


class BudgetMixin(ProgrammeMixin):
    need = OVERVIEW
    section = "budget"

    def lines(self) -> list[BudgetLine]:
        return selectors.budget_lines(self.programme)

    def chart_labels(self) -> charts.Labels:
        return charts.Labels(
            title=_("Budget of %(programme)s") % {"programme": self.programme.name},
            subtitle=_("Grant from %(funder)s")
            % {"funder": self.programme.grant_funder or _("the funder")},
            grant=_("Grant"),
            spent=_("Spent"),
            committed=_("Committed"),
            remaining=_("Remaining"),
            by_category=_("Planned and spent by category"),
            planned=_("Planned"),
            use=_("Use"),
            currency="kr",
        )

    def filename(self, extension: str) -> str:
        return f"budsjett-{self.programme.slug}-{timezone.localdate():%Y-%m-%d}.{extension}"


class BudgetView(BudgetMixin, TemplateView):
    template_name = "regional/budget.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        lines = self.lines()
        summary = selectors.budget_summary(self.programme, lines)
        context.update(
            summary=summary,
            categories=selectors.category_rows(summary),
            activities=selectors.budget_by_activity(self.programme, lines),
            labels=self.chart_labels(),
        )
        return context


@method_decorator(svg_policy, name="dispatch")
class BudgetChartView(BudgetMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        fmt = kwargs["fmt"]
        if fmt not in charts.FORMATS:
            raise Http404
        summary = selectors.budget_summary(self.programme, self.lines())
        image = charts.budget_chart(
            summary, selectors.category_rows(summary), self.chart_labels(), fmt
        )
        response = HttpResponse(image, content_type=charts.FORMATS[fmt])
        if request.GET.get("download"):
            response["Content-Disposition"] = f'attachment; filename="{self.filename(fmt)}"'
        patch_cache_control(response, private=True, no_cache=True)
        return response


class BudgetCsvView(BudgetMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        lines = self.lines()
        content = exports.budget_csv(lines, selectors.budget_summary(self.programme, lines))
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.filename("csv")}"'
        patch_cache_control(response, private=True, no_cache=True)
        return response


class BudgetXlsxView(BudgetMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        lines = self.lines()
        content = exports.budget_xlsx(
            lines, selectors.budget_summary(self.programme, lines), title=self.programme.name
        )
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{self.filename("xlsx")}"'
        patch_cache_control(response, private=True, no_cache=True)
        return response


class BudgetLineFormView(ProgrammeFormView):
    need = EDIT
    form_class = BudgetLineForm
    section = "budget"
    object: BudgetLine | None = None

    def get_title(self) -> str:
        return _("Change budget line") if self.object else _("New budget line")

    def get_form_kwargs(self) -> dict[str, Any]:
        if "pk" in self.kwargs:
            self.object = get_in_scope(self.programme.budget_lines.all(), pk=self.kwargs["pk"])
        kwargs = super().get_form_kwargs()
        kwargs.update(
            activities=self.programme.plan_items.order_by("starts_on", "title"),
            instance=self.object,
        )
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        raw = self.request.GET.get("activity", "")
        return {"activity": int(raw)} if raw.isdigit() else {}

    def save(self, form: BudgetLineForm) -> BudgetLine:
        values = values_of(form, *BudgetLineForm.Meta.fields)
        if self.object is not None and self.object.session_id:
            values.pop("planned", None)
        line = services.budget_line_save(
            programme=self.programme,
            values=values,
            line=BudgetLine.objects.get(pk=self.object.pk) if self.object else None,
        )
        messages.success(self.request, _("The budget line is saved."))
        return line

    def success_url(self, result: Any) -> str:
        return self.url("budget")

    def cancel_url(self) -> str:
        return self.url("budget")

    def delete_url(self) -> str | None:
        if self.object is None or self.object.session_id:
            return None
        return self.url("budget_line_delete", pk=self.object.pk)


class BudgetLineDeleteView(ProgrammeConfirmView):
    section = "budget"

    @cached_property
    def line(self) -> BudgetLine:
        return get_in_scope(
            self.programme.budget_lines.select_related("programme"), pk=self.kwargs["pk"]
        )

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Delete budget line")

    def question(self) -> str:
        return _("Delete the budget line «%(description)s»?") % {
            "description": self.line.description
        }

    def refusal(self) -> str | None:
        return services.budget_line_delete_refusal(self.line)

    def consequences(self) -> list[str]:
        return services.budget_line_delete_consequences(self.line)

    def perform(self) -> str:
        services.budget_line_delete(actor=self.request.user, line=self.line)
        return _("The budget line is deleted.")

    def cancel_url(self) -> str:
        return self.url("budget")


# --- Annual plan ---------------------------------------------------------------------------


class PlanView(ProgrammeMixin, TemplateView):
    """The year as a month grid (a wheel read as twelve cards) or as a list."""

    template_name = "regional/plan.html"
    section = "plan"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        years = selectors.school_years(self.programme)
        form = PlanFilterForm(self.request.GET or None)
        year = rules.school_year_of(
            min(max(self.today, self.programme.starts_on), self.programme.ends_on)
        )
        kind = ""
        if form.is_valid():
            if form.cleaned_data.get("year") in years:
                year = form.cleaned_data["year"]
            kind = form.cleaned_data.get("kind") or ""
        items = list(selectors.plan_items(self.programme, kind=kind))
        months = selectors.plan_months(items, year)
        in_year = [item for month in months for item in month.items]
        context.update(
            form=form,
            years=years,
            year=year,
            year_label=f"{year}/{(year + 1) % 100:02d}",
            months=months,
            items=in_year,
            as_list=self.request.GET.get("view") == "list",
            kind=kind,
            kinds=AnnualPlanItem.Kind.choices,
        )
        return context


class PlanItemFormView(ProgrammeFormView):
    need = EDIT
    form_class = PlanItemForm
    section = "plan"
    object: AnnualPlanItem | None = None

    def get_title(self) -> str:
        return _("Change activity") if self.object else _("New activity")

    def get_form_kwargs(self) -> dict[str, Any]:
        if "pk" in self.kwargs:
            self.object = get_in_scope(self.programme.plan_items.all(), pk=self.kwargs["pk"])
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.object
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.object is not None and (self.object.gathering_id or self.object.network_meeting_id):
            context["intro"] = _(
                "This activity follows its gathering or network meeting: change it there."
            )
        return context

    def save(self, form: PlanItemForm) -> AnnualPlanItem:
        item = services.plan_item_save(
            programme=self.programme,
            values=values_of(form, *PlanItemForm.Meta.fields),
            item=AnnualPlanItem.objects.get(pk=self.object.pk) if self.object else None,
        )
        messages.success(self.request, _("The activity is saved."))
        return item

    def success_url(self, result: Any) -> str:
        return self.url("plan")

    def cancel_url(self) -> str:
        return self.url("plan")

    def delete_url(self) -> str | None:
        if self.object is None or self.object.gathering_id or self.object.network_meeting_id:
            return None
        return self.url("plan_item_delete", pk=self.object.pk)


class PlanItemDeleteView(ProgrammeConfirmView):
    section = "plan"

    @cached_property
    def item(self) -> AnnualPlanItem:
        return get_in_scope(
            self.programme.plan_items.select_related("programme"), pk=self.kwargs["pk"]
        )

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Delete activity")

    def question(self) -> str:
        return _("Delete «%(title)s» from the annual plan?") % {"title": self.item.title}

    def refusal(self) -> str | None:
        return services.plan_item_delete_refusal(self.item)

    def perform(self) -> str:
        services.plan_item_delete(actor=self.request.user, item=self.item)
        return _("The activity is deleted.")

    def cancel_url(self) -> str:
        return self.url("plan")


# --- Pupils' suggestions -------------------------------------------------------------------


class SuggestionListView(ProgrammeMixin, TemplateView):
    template_name = "regional/suggestions.html"
    section = "plan"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["suggestions"] = list(
            self.programme.suggestions.select_related("suggested_by__school")
            .annotate(vote_count=Count("votes"))
            .order_by("status", "-vote_count", "-created_at")
        )
        context["statuses"] = ActivitySuggestion.Status.choices
        return context


class SuggestionStatusView(ProgrammeMixin, View):
    need = EDIT

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        suggestion = get_in_scope(self.programme.suggestions.all(), pk=kwargs["pk"])
        form = SuggestionStatusForm(request.POST)
        if form.is_valid():
            services.suggestion_set_status(
                suggestion=suggestion, status=form.cleaned_data["status"]
            )
            messages.success(request, _("The suggestion is updated."))
        else:
            messages.error(request, _("Choose a status."))
        return HttpResponseRedirect(self.url("suggestions"))


# --- Network meetings ----------------------------------------------------------------------


class MeetingListView(ProgrammeMixin, TemplateView):
    template_name = "regional/meetings.html"
    section = "network"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["meetings"] = list(self.programme.network_meetings.all())
        context["default_dates"] = rules.network_meeting_dates(
            self.programme.starts_on,
            self.programme.ends_on,
            self.programme.network_meetings_per_year,
        )
        return context


class MeetingView(ProgrammeMixin, TemplateView):
    template_name = "regional/meeting.html"
    section = "network"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["meeting"] = get_in_scope(
            self.programme.network_meetings.all(), pk=self.kwargs["pk"]
        )
        return context


class MeetingFormView(ProgrammeFormView):
    need = EDIT
    form_class = NetworkMeetingForm
    section = "network"
    object: NetworkMeeting | None = None

    def get_title(self) -> str:
        return _("Change network meeting") if self.object else _("New network meeting")

    def get_form_kwargs(self) -> dict[str, Any]:
        if "pk" in self.kwargs:
            self.object = get_in_scope(self.programme.network_meetings.all(), pk=self.kwargs["pk"])
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.object
        return kwargs

    def save(self, form: NetworkMeetingForm) -> NetworkMeeting:
        meeting = services.network_meeting_save(
            programme=self.programme,
            values=values_of(form, *NetworkMeetingForm.Meta.fields),
            meeting=NetworkMeeting.objects.get(pk=self.object.pk) if self.object else None,
        )
        messages.success(self.request, _("The network meeting is saved."))
        return meeting

    def success_url(self, result: NetworkMeeting) -> str:
        return self.url("meeting", pk=result.pk)

    def cancel_url(self) -> str:
        return self.url("meeting", pk=self.object.pk) if self.object else self.url("meetings")

    def delete_url(self) -> str | None:
        return self.url("meeting_delete", pk=self.object.pk) if self.object else None


class MeetingDeleteView(ProgrammeConfirmView):
    section = "network"

    @cached_property
    def meeting(self) -> NetworkMeeting:
        return get_in_scope(
            self.programme.network_meetings.select_related("programme"), pk=self.kwargs["pk"]
        )

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Delete network meeting")

    def question(self) -> str:
        return _("Delete the network meeting of %(day)s?") % {
            "day": day_month_year(self.meeting.date)
        }

    def refusal(self) -> str | None:
        return services.network_meeting_delete_refusal(self.meeting)

    def consequences(self) -> list[str]:
        return services.network_meeting_delete_consequences(self.meeting)

    def perform(self) -> str:
        services.network_meeting_delete(actor=self.request.user, meeting=self.meeting)
        return _("The network meeting is deleted.")

    def success_url(self) -> str:
        return self.url("meetings")

    def cancel_url(self) -> str:
        return self.url("meeting", pk=self.meeting.pk)


class MeetingsPlanView(ProgrammeMixin, View):
    """POST: add the default schedule of network meetings (four a year)."""

    need = EDIT

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        created = services.network_meetings_plan(programme=self.programme)
        messages.success(
            request,
            _("%(count)s network meetings added to the plan.") % {"count": len(created)}
            if created
            else _("The default meetings are in the plan already."),
        )
        return HttpResponseRedirect(self.url("meetings"))


# --- Materials -----------------------------------------------------------------------------


class MaterialListView(ProgrammeMixin, TemplateView):
    template_name = "regional/materials.html"
    section = "network"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["materials"] = list(self.programme.materials.select_related("shared_by"))
        context["can_share"] = self.access.edits or bool(self.access.school_ids)
        context["changeable"] = {
            material.pk
            for material in context["materials"]
            if may_change_material(self.access, self.request.user, material)
        }
        return context


def may_change_material(access: Any, user: Any, material: Material) -> bool:
    """The project leader, or the partner-school staff member who shared it."""
    return access.edits or (bool(access.school_ids) and material.shared_by_id == user.pk)


class MaterialMixin(ProgrammeMixin):
    section = "network"

    def allowed(self) -> bool:
        self.material = get_in_scope(
            self.programme.materials.select_related("programme"), pk=self.kwargs["pk"]
        )
        return may_change_material(self.access, self.request.user, self.material)

    def cancel_url(self) -> str:
        return self.url("materials")


class MaterialCreateView(ProgrammeFormView):
    need = CONTRIBUTE
    form_class = MaterialForm
    section = "network"
    multipart = True

    def get_title(self) -> str:
        return _("Share material")

    def save(self, form: MaterialForm) -> Material:
        material = services.material_share(
            actor=self.request.user,
            programme=self.programme,
            values=values_of(form, *MaterialForm.Meta.fields),
        )
        messages.success(self.request, _("The material is shared with the programme."))
        return material

    def success_url(self, result: Any) -> str:
        return self.url("materials")

    def cancel_url(self) -> str:
        return self.url("materials")


class MaterialEditView(MaterialMixin, ProgrammeFormView):
    form_class = MaterialForm
    multipart = True

    def get_title(self) -> str:
        return _("Change material")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.material
        return kwargs

    def save(self, form: MaterialForm) -> Material:
        material = services.material_update(
            material=Material.objects.get(pk=self.material.pk),
            values=values_of(form, *MaterialForm.Meta.fields),
        )
        messages.success(self.request, _("The material is saved."))
        return material

    def success_url(self, result: Any) -> str:
        return self.url("materials")

    def delete_url(self) -> str | None:
        return self.url("material_delete", pk=self.material.pk)


class MaterialDeleteView(MaterialMixin, ProgrammeConfirmView):
    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Delete material")

    def question(self) -> str:
        return _("Delete «%(title)s» from the shared materials?") % {"title": self.material.title}

    def consequences(self) -> list[str]:
        if self.material.file:
            return [_("The file %(name)s is deleted too.") % {"name": self.material.file_name}]
        return []

    def perform(self) -> str:
        services.material_delete(actor=self.request.user, material=self.material)
        return _("The material is deleted.")


class MaterialDownloadView(ProgrammeMixin, View):
    """A shared file, streamed from private storage to those in the programme."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        material = get_in_scope(self.programme.materials.exclude(file=""), pk=kwargs["pk"])
        try:
            handle = material.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        content_type = mimetypes.guess_type(material.file_name)[0] or "application/octet-stream"
        response = FileResponse(
            handle, as_attachment=True, filename=material.file_name, content_type=content_type
        )
        patch_cache_control(response, private=True, no_cache=True)
        return response


# --- The report ----------------------------------------------------------------------------


class ReportView(ProgrammeMixin, TemplateView):
    need = OVERVIEW
    template_name = "regional/report.html"
    section = "report"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        report = selectors.report(self.programme, today=self.today)
        context.update(report=report, report_tables=report_tables(report))
        return context


def report_tables(report: selectors.Report) -> list[tuple[str, rules.CrossTable]]:
    return [
        (_("In-depth pupils in the programme"), report.pupils),
        (_("Pupils who came to a gathering"), report.participation),
    ]


class ReportPdfView(BudgetMixin, View):
    section = "report"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        report = selectors.report(self.programme, today=self.today)
        summary = report.budget
        chart = charts.budget_chart(summary, report.categories, self.chart_labels(), "png")
        content = render_pdf(
            "pdf/regional_report.html",
            {
                "programme": self.programme,
                "report": report,
                "report_tables": report_tables(report),
                "chart": "data:image/png;base64," + base64.b64encode(chart).decode(),
                "printed_at": timezone.localtime(),
                "today": self.today,
            },
        )
        return pdf_response(content, f"rapport-{self.programme.slug}-{self.today:%Y-%m-%d}.pdf")
