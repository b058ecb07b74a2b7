"""The GSI report for office staff and the principal: /office/<school>/billing/gsi/…

The yearly statistics a culture school reports to the national school information system as
of 1 October (issue 5): a page with the numbers to type in, and the same numbers as CSV and
XLSX. The counting is in `billing.gsi`, the reads in `billing.gsi_selectors`; the school
comes from the URL through `SchoolStaffMixin`, so another school's report is a 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from billing import gsi, gsi_selectors
from kulturskole.access import SchoolStaffMixin
from kulturskole.forms import FilterForm

# How far back the year choices go when the school has no terms yet.
YEARS_WITHOUT_TERMS = 5
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class YearForm(FilterForm):
    year = forms.TypedChoiceField(
        label=gettext_lazy("School year"),
        coerce=int,
        required=False,
        help_text=gettext_lazy("Counted as of 1 October of the school year."),
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, f"{y}/{(y + 1) % 100:02d}") for y in years]


class GsiMixin(SchoolStaffMixin):
    section = "statistics"

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)  # type: ignore[misc]
        self.latest = gsi.latest_counting_year(timezone.localdate())

    def choose_year(self) -> tuple[YearForm, int]:
        """The year asked for, or the latest 1 October passed; a bad year gets a message."""
        first = gsi_selectors.first_year(self.school)
        first = min(first, self.latest) if first else self.latest - YEARS_WITHOUT_TERMS
        years = list(range(self.latest, first - 1, -1))
        data = self.request.GET if "year" in self.request.GET else None  # type: ignore[attr-defined]
        form = YearForm(data, years=years, initial={"year": self.latest})
        year = self.latest
        if form.is_bound and form.is_valid() and form.cleaned_data["year"]:
            year = form.cleaned_data["year"]
        return form, year


class GsiReportView(GsiMixin, TemplateView):
    template_name = "billing/gsi.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form, year = self.choose_year()
        query = f"?year={year}"
        context.update(
            section=self.section,
            form=form,
            report=gsi_selectors.report_for(self.school, year),
            csv_url=reverse("gsi:csv", args=[self.school.slug]) + query,
            xlsx_url=reverse("gsi:xlsx", args=[self.school.slug]) + query,
        )
        return context


class GsiExportView(GsiMixin, View):
    """The report as CSV (UTF-8 with a byte-order mark, semicolons) or XLSX."""

    kind = "csv"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _form, year = self.choose_year()
        report = gsi_selectors.report_for(self.school, year)
        name = f"gsi-{self.school.slug}-{year}.{self.kind}"
        if self.kind == "xlsx":
            response = HttpResponse(
                gsi.report_xlsx(report, school_name=self.school.name), content_type=XLSX
            )
        else:
            response = HttpResponse(
                gsi.report_csv(report, school_name=self.school.name),
                content_type="text/csv; charset=utf-8",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        # Counts of the school's children: for this browser only, always fresh.
        patch_cache_control(response, private=True, no_cache=True)
        return response
