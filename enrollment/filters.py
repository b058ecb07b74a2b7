"""List filters (django-filter) for the public catalogue of a school's offers."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from enrollment.models import Discipline, Location, Offer, School
from kulturskole.forms import FilterForm

# Oldest age a visitor can filter by; offers for adults have no upper age at all.
MAX_FILTER_AGE = 99
MAX_SEARCH_LENGTH = 100


class OfferFilterForm(FilterForm):
    """The filter form; invalid values are shown next to their field and left out."""

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data.get("q", "").split())


class AgeFilter(django_filters.Filter):
    """A whole number of years; offers whose age range admits it."""

    field_class = forms.IntegerField


class OfferFilter(django_filters.FilterSet):
    """Discipline, a child's age, location, kind and free text over a school's offers.

    Pass `school` so the location choices are limited to that school's teaching locations: a
    location of another school is an invalid choice, not an empty result.
    """

    discipline = django_filters.ChoiceFilter(
        label=_("Discipline"), choices=Discipline.choices, empty_label=_("All disciplines")
    )
    age = AgeFilter(
        label=_("Child's age in years"),
        method="filter_age",
        min_value=0,
        max_value=MAX_FILTER_AGE,
        error_messages={
            "invalid": _("Enter the age as a whole number of years, such as 8."),
            "min_value": _("The age cannot be negative."),
            "max_value": _("Enter an age of %(limit_value)s years or less."),
        },
        widget=forms.NumberInput(attrs={"min": 0, "max": MAX_FILTER_AGE, "inputmode": "numeric"}),
    )
    location = django_filters.ModelChoiceFilter(
        label=_("Teaching location"),
        queryset=Location.objects.none(),
        empty_label=_("All locations"),
        error_messages={"invalid_choice": _("Choose one of this school's teaching locations.")},
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=[
            (Offer.Kind.PLACE, _("Long-term places")),
            (Offer.Kind.COURSE, _("Courses")),
        ],
        empty_label=_("Places and courses"),
    )
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=MAX_SEARCH_LENGTH,
        help_text=_("Name, instrument or description."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    class Meta:
        model = Offer
        fields: list[str] = []
        form = OfferFilterForm

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["location"].queryset = school.locations.order_by("name")

    def filter_age(self, queryset: QuerySet[Offer], name: str, value: int | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.for_age(value)  # type: ignore[attr-defined]

    def filter_search(self, queryset: QuerySet[Offer], name: str, value: str) -> QuerySet:
        for word in value.split():
            queryset = queryset.filter(
                Q(name__icontains=word)
                | Q(instrument__icontains=word)
                | Q(description__icontains=word)
            )
        return queryset
