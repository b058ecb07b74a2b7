"""Public pages: a school's contact details, office hours and catalogue of offers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.text import capfirst
from django_htmx.http import push_url

from enrollment import rules, selectors
from enrollment.filters import OfferFilter
from enrollment.models import Offer, OfficeHours, School
from kulturskole.access import pupils_for_guardian, roles_for
from kulturskole.pdf import render_pdf

CATALOGUE_PAGE_SIZE = 24
# A printed catalogue longer than this is a book, not a handout.
CATALOGUE_PDF_LIMIT = 300
# The element the filter form updates with htmx; its id is also how the view recognises the
# request for the results alone.
RESULTS_TARGET = "offer-results"


@dataclass(frozen=True)
class OfficeHoursRow:
    """One line of the office hours table: "Monday–Thursday 09:00–15:00"."""

    days: str
    hours: tuple[str, ...]


def group_office_hours(entries: Iterable[tuple[int, dt.time, dt.time]]) -> list[OfficeHoursRow]:
    """Joins consecutive weekdays with the same opening hours into one row (§1c).

    `entries` are (weekday, opens, closes) with Monday as 0; a day may have several intervals,
    such as a lunch break. Days are named in the active language.
    """
    by_day: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for weekday, opens, closes in entries:
        by_day.setdefault(weekday, []).append((opens, closes))
    runs: list[tuple[int, int, tuple[tuple[dt.time, dt.time], ...]]] = []
    for weekday in sorted(by_day):
        intervals = tuple(sorted(by_day[weekday]))
        if runs and runs[-1][1] == weekday - 1 and runs[-1][2] == intervals:
            runs[-1] = (runs[-1][0], weekday, intervals)
        else:
            runs.append((weekday, weekday, intervals))
    rows = []
    for first, last, intervals in runs:
        first_name = capfirst(str(OfficeHours.Weekday(first).label))
        days = first_name if first == last else f"{first_name}–{OfficeHours.Weekday(last).label}"
        hours = tuple(f"{opens:%H:%M}–{closes:%H:%M}" for opens, closes in intervals)
        rows.append(OfficeHoursRow(days=days, hours=hours))
    return rows


def _filter_query_string(params: Any) -> str:
    """The request's filters without empty values, the page number or unknown keys, for links."""
    names = OfferFilter.base_filters.keys()
    return urlencode(
        [
            (key, value)
            for key, values in params.lists()
            if key in names
            for value in values
            if value
        ]
    )


def school_detail(request: HttpRequest, school: str) -> HttpResponse:
    """A school's page: introduction, contact, office hours, locations and its catalogue.

    The catalogue's filter form works as a plain GET form and, with htmx, replaces only the
    results (the request targets #offer-results), so the page keeps focus while filtering.
    """
    school_obj = get_object_or_404(School.objects.filter(is_public=True), slug=school)
    offers = (
        Offer.objects.published()
        .filter(school=school_obj)
        .select_related("location")
        .order_by("name", "pk")
    )
    filterset = OfferFilter(request.GET, queryset=offers, school=school_obj)
    page_obj = Paginator(filterset.qs, CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
    query_string = _filter_query_string(request.GET)
    context: dict[str, Any] = {
        "school": school_obj,
        "filter": filterset,
        "form": filterset.form,
        "page_obj": page_obj,
        "offers": page_obj.object_list,
        "query_string": query_string,
        "is_filtered": bool(query_string),
    }
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.target == RESULTS_TARGET and not htmx.history_restore_request:
        context["is_partial"] = True
        response = render(request, "public/_offer_results_htmx.html", context)
        # The address bar shows the filters without the empty fields, ready to share.
        push_url(response, f"{request.path}?{query_string}" if query_string else request.path)
    else:
        context.update(
            office_hours=group_office_hours(
                school_obj.office_hours.values_list("weekday", "opens_at", "closes_at")
            ),
            locations=school_obj.locations.order_by("name"),
            departments=school_obj.departments.order_by("name"),
            total_offers=offers.count(),
        )
        response = render(request, "public/school.html", context)
    # The same address answers with a whole page or the results only.
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def catalogue_pdf(request: HttpRequest, school: str) -> HttpResponse:
    """The school's catalogue, with the same filters as the page, as a printable PDF.

    Offices hand it out at schools and libraries; parents print the offers for one age.
    """
    school_obj = get_object_or_404(School.objects.filter(is_public=True), slug=school)
    offers = (
        Offer.objects.published()
        .filter(school=school_obj)
        .select_related("location", "department")
        .order_by("discipline", "name", "pk")
    )
    filterset = OfferFilter(request.GET, queryset=offers, school=school_obj)
    context = {
        "school": school_obj,
        "offers": filterset.qs[:CATALOGUE_PDF_LIMIT],
        "filters": [
            (field.label, _describe_choice(field))
            for field in filterset.form
            if filterset.form.cleaned_data.get(field.name)
        ],
        "office_hours": group_office_hours(
            school_obj.office_hours.values_list("weekday", "opens_at", "closes_at")
        ),
        "printed_on": timezone.localdate(),
    }
    response = HttpResponse(
        render_pdf("pdf/catalogue.html", context), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{school_obj.slug}-catalogue.pdf"'
    return response


def _describe_choice(field: Any) -> str:
    """The chosen value of a filter as the visitor saw it (the label of a choice)."""
    value = field.form.cleaned_data[field.name]
    choices = dict(getattr(field.field, "choices", []) or [])
    if hasattr(value, "pk"):
        return str(value)
    return str(choices.get(value, value))


def offer_detail(request: HttpRequest, school: str, offer: str) -> HttpResponse:
    """Everything a parent needs to decide about one offer, and how to apply."""
    offer_obj = get_object_or_404(
        Offer.objects.published().select_related("school__policy", "location", "department"),
        school__slug=school,
        slug=offer,
    )
    school_obj = offer_obj.school
    policy = getattr(school_obj, "policy", None)
    today = timezone.localdate()
    # Ages are checked on the day the next term starts, as when the application is received.
    age_day = selectors.age_reference_date(school_obj, today)
    context: dict[str, Any] = {
        "school": school_obj,
        "offer": offer_obj,
        "policy": policy,
        "today": today,
        "age_day": age_day,
        "deadline": offer_obj.application_deadline,
        "yearly_deadline": policy.application_deadline.display() if policy else "",
        "upper_age": _upper_age(offer_obj, policy),
        "login_url": f"{reverse('account_login')}?{urlencode({'next': request.path})}",
        "signup_url": f"{reverse('account_signup')}?{urlencode({'next': request.path})}",
    }
    if request.user.is_authenticated:
        held = roles_for(request.user)
        context["has_household"] = bool(held.household_ids)
        context["children"] = [
            {
                "pupil": pupil,
                "age": (age := rules.age_on(pupil.birth_date, age_day)),
                "fits": offer_obj.age_range.admits(age),
                "other_school": pupil.household.school_id != school_obj.pk,
            }
            for pupil in pupils_for_guardian(request.user)
            .select_related("household__school")
            .order_by("birth_date", "pk")
        ]
    return render(request, "public/offer.html", context)


def _upper_age(offer: Offer, policy: Any) -> int | None:
    """The age whose calendar year ends the place (§19); None when the offer has no limit."""
    if offer.no_upper_age:
        return None
    if offer.upper_age is not None:
        return offer.upper_age
    return policy.upper_age if policy else None
