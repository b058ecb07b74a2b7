"""List filters (django-filter) for the office's invoices and payments.

The querysets are annotated with `selectors.with_balance` before filtering, so the status filter
reads what is owed in the same query as the rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from billing.models import Invoice, Payment
from enrollment.models import Pupil, School, Term
from kulturskole.forms import FilterForm

MAX_SEARCH_LENGTH = 100
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BillingFilterForm(FilterForm):
    def clean_q(self) -> str:
        return " ".join(self.cleaned_data.get("q", "").split())


INVOICE_STATUSES = [
    ("open", _("Open, not due yet")),
    ("overdue", _("Overdue")),
    ("flagged", _("Flagged for termination (§9d i)")),
    ("paid", _("Paid")),
    ("credit", _("Credit notes")),
]


class InvoiceFilter(django_filters.FilterSet):
    term = django_filters.ModelChoiceFilter(
        label=_("Term"),
        queryset=Term.objects.none(),
        empty_label=_("All terms"),
        error_messages={"invalid_choice": _("Choose one of this school's terms.")},
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Invoice.Kind.choices, empty_label=_("All kinds")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=INVOICE_STATUSES,
        empty_label=_("Any status"),
        method="filter_status",
    )
    delivery = django_filters.ChoiceFilter(
        label=_("Sending"), choices=Invoice.Delivery.choices, empty_label=_("Any")
    )
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=MAX_SEARCH_LENGTH,
        help_text=_("Payer, household, pupil, KID or invoice number."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    class Meta:
        model = Invoice
        fields: list[str] = []
        form = BillingFilterForm

    def __init__(self, *args: Any, school: School, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.filters["term"].queryset = Term.objects.filter(school=school).order_by("-starts_on")

    def filter_status(self, queryset: QuerySet[Invoice], name: str, value: str) -> QuerySet:
        payable = queryset.exclude(kind=Invoice.Kind.CREDIT_NOTE)
        if value == "open":
            return payable.filter(owed__gt=0, due_on__gte=self.today)
        if value == "overdue":
            return payable.filter(owed__gt=0, due_on__lt=self.today)
        if value == "flagged":
            return payable.filter(owed__gt=0, termination_flag_on__isnull=False)
        if value == "paid":
            return payable.filter(owed__lte=0)
        if value == "credit":
            return queryset.filter(kind=Invoice.Kind.CREDIT_NOTE)
        return queryset

    def filter_search(self, queryset: QuerySet[Invoice], name: str, value: str) -> QuerySet:
        for word in value.split():
            pupils = Pupil.objects.filter(
                Q(first_name__icontains=word) | Q(last_name__icontains=word)
            ).values("household_id")
            match = (
                Q(payer_name__icontains=word)
                | Q(household__name__icontains=word)
                | Q(kid__startswith=word)
                | Q(household_id__in=pupils)
            )
            if word.isdigit() and len(word) < 19:
                match |= Q(number=int(word))
            queryset = queryset.filter(match)
        return queryset


PAYMENT_PROBLEMS = [
    ("open", _("Needs handling")),
    (Payment.Problem.UNKNOWN_KID, _("Unknown KID")),
    (Payment.Problem.AMOUNT_MISMATCH, _("Amount does not match")),
    ("handled", _("Handled by hand")),
    ("matched", _("Matched to an invoice")),
]


class PaymentFilter(django_filters.FilterSet):
    problem = django_filters.ChoiceFilter(
        label=_("Problem"), choices=PAYMENT_PROBLEMS, empty_label=_("All"), method="filter_problem"
    )
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=Payment.Source.choices, empty_label=_("All sources")
    )
    paid_from = django_filters.DateFilter(
        label=_("Paid from"),
        field_name="paid_on",
        lookup_expr="gte",
        widget=DATE_INPUT,
        error_messages={"invalid": _("Enter a date, such as 01.09.2026.")},
    )
    paid_to = django_filters.DateFilter(
        label=_("Paid to"),
        field_name="paid_on",
        lookup_expr="lte",
        widget=DATE_INPUT,
        error_messages={"invalid": _("Enter a date, such as 30.09.2026.")},
    )
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=MAX_SEARCH_LENGTH,
        help_text=_("KID, bank reference or note."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    class Meta:
        model = Payment
        fields: list[str] = []
        form = BillingFilterForm

    def filter_problem(self, queryset: QuerySet[Payment], name: str, value: str) -> QuerySet:
        if value == "open":
            return queryset.exclude(problem="")
        if value == "handled":
            return queryset.filter(problem="", handled_at__isnull=False)
        if value == "matched":
            return queryset.filter(problem="", invoice__isnull=False)
        return queryset.filter(problem=value)

    def filter_search(self, queryset: QuerySet[Payment], name: str, value: str) -> QuerySet:
        for word in value.split():
            queryset = queryset.filter(
                Q(kid__startswith=word)
                | Q(external_id__icontains=word)
                | Q(note__icontains=word)
                | Q(invoice__payer_name__icontains=word)
            )
        return queryset
