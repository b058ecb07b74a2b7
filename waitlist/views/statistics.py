"""Waiting-list statistics for office staff and the principal: /office/<school>/statistics/…

The numbers (§5d: distinct children, switch requests left out) are shown as tables, as charts
drawn on the server (an <img> of an SVG, since an inline <svg> with style attributes would
break the Content-Security-Policy) and as CSV. Charts and CSV can be downloaded for a report.
"""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from csp.constants import NONE, UNSAFE_INLINE
from csp.decorators import csp_replace
from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from kulturskole.access import SchoolStaffMixin
from kulturskole.forms import FilterForm
from waitlist import charts
from waitlist.statistics import DayCount, SchoolCount, school_count, waiting_over_time

PERIODS = [
    ("30", gettext_lazy("Last 30 days")),
    ("90", gettext_lazy("Last 90 days")),
    ("365", gettext_lazy("Last 12 months")),
    ("all", gettext_lazy("All recorded days")),
]
DEFAULT_PERIOD = "365"
CHARTS = ("offers", "over-time")
TABLES = ("offers", "over-time")

# matplotlib's SVG carries a <style> element and style attributes. The image has no scripts,
# so its own response may allow inline styles; the pages themselves keep the strict policy.
svg_policy = csp_replace({"default-src": [NONE], "style-src": [UNSAFE_INLINE]})


class PeriodForm(FilterForm):
    period = forms.ChoiceField(
        label=gettext_lazy("Period"), choices=PERIODS, required=False, initial=DEFAULT_PERIOD
    )


class StatisticsMixin(SchoolStaffMixin):
    section = "statistics"

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)  # type: ignore[misc]
        self.today = timezone.localdate()
        data = request.GET if "period" in request.GET else None
        self.period_form = PeriodForm(data)
        period = DEFAULT_PERIOD
        if self.period_form.is_bound and self.period_form.is_valid():
            period = self.period_form.cleaned_data["period"] or DEFAULT_PERIOD
        self.period = period

    @property
    def since(self) -> dt.date | None:
        if self.period == "all":
            return None
        return self.today - dt.timedelta(days=int(self.period) - 1)

    def counts(self) -> SchoolCount:
        return school_count(self.school)

    def over_time(self) -> list[DayCount]:
        return waiting_over_time(self.school, since=self.since, until=self.today)

    def offer_labels(self) -> charts.Labels:
        return charts.Labels(
            title=_("Children waiting for a place, by offer"),
            subtitle=_("%(school)s, %(day)s") % self._where_and_when(),
            value_axis=_("Children waiting"),
            empty=_("Nobody is waiting for a place."),
        )

    def over_time_labels(self) -> charts.Labels:
        return charts.Labels(
            title=_("Children waiting for a place over time"),
            subtitle=_("%(school)s, until %(day)s") % self._where_and_when(),
            value_axis=_("Children waiting"),
            empty=_("No daily counts recorded in this period yet."),
        )

    def _where_and_when(self) -> dict[str, str]:
        return {"school": self.school.name, "day": formats.date_format(self.today)}

    def period_query(self) -> str:
        return "" if self.period == DEFAULT_PERIOD else f"?period={self.period}"

    def filename(self, name: str, extension: str) -> str:
        return f"waiting-{name}-{self.school.slug}-{self.today.isoformat()}.{extension}"


class StatisticsView(StatisticsMixin, TemplateView):
    template_name = "statistics/waiting.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        counts = self.counts()
        points = self.over_time()
        slug = self.school.slug
        query = self.period_query()
        joiner = "&" if query else "?"

        def chart_url(name: str, fmt: str, download: bool = False) -> str:
            url = reverse("statistics:chart", args=[slug, name, fmt]) + query
            return f"{url}{joiner}download=1" if download else url

        context.update(
            section=self.section,
            today=self.today,
            counts=counts,
            waiting_offers=[row for row in counts.offers if row.applications],
            points=points,
            recent_points=list(reversed(points)),
            form=self.period_form,
            period=self.period,
            offer_labels=self.offer_labels(),
            over_time_labels=self.over_time_labels(),
            offers_svg=chart_url("offers", "svg"),
            offers_png=chart_url("offers", "png", download=True),
            offers_svg_download=chart_url("offers", "svg", download=True),
            over_time_svg=chart_url("over-time", "svg"),
            over_time_png=chart_url("over-time", "png", download=True),
            over_time_svg_download=chart_url("over-time", "svg", download=True),
            offers_csv=reverse("statistics:csv", args=[slug, "offers"]),
            over_time_csv=reverse("statistics:csv", args=[slug, "over-time"]) + query,
        )
        return context


@method_decorator(svg_policy, name="dispatch")
class ChartView(StatisticsMixin, View):
    """One chart as SVG (for the page) or PNG (for a report); `?download=1` saves it."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        name, fmt = kwargs["chart"], kwargs["fmt"]
        if name not in CHARTS or fmt not in charts.FORMATS:
            raise Http404
        if name == "offers":
            # Offers nobody waits for are in the table; the chart shows those with a list.
            rows = [(row.offer.name, row.children) for row in self.counts().offers if row.children]
            image = charts.bar_chart(rows, self.offer_labels(), fmt)
        else:
            image = charts.line_chart(self.over_time(), self.over_time_labels(), fmt)
        response = HttpResponse(image, content_type=charts.FORMATS[fmt])
        if request.GET.get("download"):
            response["Content-Disposition"] = f'attachment; filename="{self.filename(name, fmt)}"'
        # Names of offers and counts of children: for this browser only, always fresh.
        patch_cache_control(response, private=True, no_cache=True)
        return response


class CsvView(StatisticsMixin, View):
    """The numbers behind a chart, for Excel: UTF-8 with a byte-order mark, semicolons."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        table = kwargs["table"]
        if table not in TABLES:
            raise Http404
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.filename(table, "csv")}"'
        patch_cache_control(response, private=True, no_cache=True)
        response.write("\ufeff")
        writer = csv.writer(response, delimiter=";")
        if table == "offers":
            counts = self.counts()
            writer.writerow(
                [
                    _("Offer"),
                    _("Location"),
                    _("Children waiting"),
                    _("Open applications"),
                    _("Switch requests (not counted)"),
                ]
            )
            for row in counts.offers:
                writer.writerow(
                    [
                        _csv_cell(row.offer.name),
                        _csv_cell(row.offer.location.name if row.offer.location else ""),
                        row.children,
                        row.applications,
                        row.switching,
                    ]
                )
            writer.writerow(
                [_("Whole school (each child once)"), "", counts.children, counts.applications, ""]
            )
        else:
            writer.writerow([_("Day"), _("Children waiting")])
            for point in self.over_time():
                writer.writerow([point.day.isoformat(), point.children])
        return response


def _csv_cell(value: Any) -> Any:
    """Text that Excel would run as a formula (=, +, -, @) is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
