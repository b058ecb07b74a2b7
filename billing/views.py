"""Fee schedules of one school for office staff and the principal: /office/<school>/fees/…

Each school year has one schedule (§12a): the fee per place and term, instrument rental, who
decided it, and the school's course prices (§12b). The school comes from the URL through
`SchoolStaffMixin`, so another school's schedule is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from billing import services
from billing.forms import FeeScheduleForm, course_price_formset, fee_extra_formset
from billing.models import CoursePrice, FeeExtra, FeeSchedule
from enrollment import rules as enrollment_rules
from enrollment.models import Offer
from kulturskole.access import SchoolStaffMixin, get_in_scope

SCHEDULES_PER_PAGE = 20


class FeesMixin(SchoolStaffMixin):
    section = "fees"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["section"] = self.section
        return context


class FeeScheduleListView(FeesMixin, ListView):
    template_name = "fees/schedules.html"
    paginate_by = SCHEDULES_PER_PAGE

    def get_queryset(self) -> QuerySet[FeeSchedule]:
        return (
            FeeSchedule.objects.filter(school=self.school)
            .annotate(course_count=Count("courses"))
            .order_by("-school_year")
        )

    def paginate_queryset(self, queryset: Any, page_size: int) -> tuple[Any, Any, Any, bool]:
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        for schedule in context["object_list"]:
            schedule.label = services.school_year_label(schedule.school_year)
        context["current_year"] = enrollment_rules.school_year_start(timezone.localdate())
        return context


class FeeScheduleFormView(FeesMixin, TemplateView):
    """Create (no pk) or edit a schedule with its course prices on one page."""

    template_name = "fees/schedule_form.html"
    schedule: FeeSchedule | None = None

    def load(self) -> None:
        self.courses = Offer.objects.filter(school=self.school, kind=Offer.Kind.COURSE).order_by(
            "name", "pk"
        )
        if "pk" in self.kwargs:
            self.schedule = get_in_scope(
                FeeSchedule.objects.filter(school=self.school), pk=self.kwargs["pk"]
            )

    def forms(self) -> tuple[FeeScheduleForm, Any, Any]:
        self.load()
        data = self.request.POST if self.request.method == "POST" else None
        instance = self.schedule or FeeSchedule(school=self.school)
        initial = {}
        if self.schedule is None:
            initial["school_year"] = self.suggested_year()
        form = FeeScheduleForm(data, instance=instance, school=self.school, initial=initial)
        course_count = len(self.courses)
        priced = CoursePrice.objects.filter(schedule=self.schedule).count() if self.schedule else 0
        formset_class = course_price_formset(extra=max(course_count - priced, 0))
        formset = formset_class(data, instance=instance, prefix="courses", courses=self.courses)
        if course_count == 0:
            formset.extra = 0
        # Extras (§12a) apply to places: the school's long-term offers. One empty row to add.
        place_offers = Offer.objects.filter(school=self.school, kind=Offer.Kind.PLACE).order_by(
            "name", "pk"
        )
        extras_class = fee_extra_formset(extra=1)
        # A form without the extras rows (an older page, a script) leaves the extras as they are.
        self.extras_posted = data is not None and "extras-TOTAL_FORMS" in data
        extras = extras_class(
            data if self.extras_posted else None,
            instance=instance,
            prefix="extras",
            offers=place_offers,
            queryset=FeeExtra.objects.filter(schedule=self.schedule).order_by("name")
            if self.schedule
            else FeeExtra.objects.none(),
        )
        return form, formset, extras

    def suggested_year(self) -> int:
        year = enrollment_rules.school_year_start(timezone.localdate())
        taken = set(
            FeeSchedule.objects.filter(school=self.school).values_list("school_year", flat=True)
        )
        while year in taken:
            year += 1
        return year

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        schedule = self.schedule
        context.update(
            schedule=schedule,
            has_courses=bool(self.courses),
            title=(
                _("Fee schedule %(year)s")
                % {"year": services.school_year_label(schedule.school_year)}
                if schedule
                else _("New fee schedule")
            ),
            cancel_url=reverse("fees:schedules", args=[self.school.slug]),
        )
        return context

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form, formset, extras = self.forms()
        return self.render_to_response(
            self.get_context_data(form=form, formset=formset, extras=extras)
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form, formset, extras = self.forms()
        extras_valid = extras.is_valid() if self.extras_posted else True
        if all([form.is_valid(), formset.is_valid(), extras_valid]):
            values = {name: form.cleaned_data[name] for name in services.FIELDS}
            try:
                if self.schedule is None:
                    schedule = services.fee_schedule_create(
                        actor=request.user,
                        school=self.school,
                        values=values,
                        course_prices=formset.prices(),
                        extras=extras.extras() if self.extras_posted else None,
                    )
                    changed = True
                else:
                    schedule, changed = services.fee_schedule_update(
                        actor=request.user,
                        schedule=self.schedule,
                        values=values,
                        course_prices=formset.prices(),
                        extras=extras.extras() if self.extras_posted else None,
                    )
            except ValidationError as error:
                _attach_errors(form, error)
            else:
                year = services.school_year_label(schedule.school_year)
                if changed:
                    messages.success(
                        request, _("The fee schedule for %(year)s is saved.") % {"year": year}
                    )
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect("fees:schedules", school=self.school.slug)
        return self.render_to_response(
            self.get_context_data(form=form, formset=formset, extras=extras)
        )


def _attach_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
