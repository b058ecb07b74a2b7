"""Reads of invoices with what is paid and what is owed, in a fixed number of queries.

An invoice or additional invoice is owed its total, less the credit notes that correct it,
less the payments made to its KID. A credit note is never paid; it lowers what its original
invoice owes (and when the original is already paid, the difference is owed back to the
household: `owed` goes below zero and the office refunds it).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

from billing.models import Invoice, Payment

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=12, decimal_places=2)


def _sum(queryset: QuerySet[Any], group: str, field: str) -> Any:
    """The sum of `field` over `queryset` (filtered on an OuterRef by `group`), 0 when empty."""
    summed = queryset.order_by().values(group).annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(summed, output_field=MONEY), ZERO, output_field=MONEY)


def with_balance(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Annotate `paid`, `credited` and `owed` (total + credited - paid) on each invoice."""
    paid = _sum(Payment.objects.filter(invoice=OuterRef("pk")), "invoice", "amount")
    credited = _sum(
        Invoice.objects.filter(corrects=OuterRef("pk"), kind=Invoice.Kind.CREDIT_NOTE),
        "corrects",
        "total",
    )
    return invoices.annotate(paid=paid, credited=credited).annotate(
        owed=ExpressionWrapper(F("total") + F("credited") - F("paid"), output_field=MONEY)
    )


def payable(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Invoices and additional invoices: the documents a household pays to a KID."""
    return invoices.exclude(kind=Invoice.Kind.CREDIT_NOTE)


def overdue(invoices: QuerySet[Invoice], *, today: dt.date) -> QuerySet[Invoice]:
    return with_balance(payable(invoices)).filter(due_on__lt=today, owed__gt=0)


def status_of(invoice: Invoice, *, today: dt.date) -> str:
    """A word for the invoice's state, for lists and the guardian's page."""
    if invoice.kind == Invoice.Kind.CREDIT_NOTE:
        return "credit"
    owed = getattr(invoice, "owed", None)
    if owed is None:
        return "open"
    if owed <= 0:
        return "paid" if owed == 0 else "overpaid"
    if invoice.termination_flag_on:
        return "flagged"
    if invoice.due_on < today:
        return "overdue"
    return "partly_paid" if getattr(invoice, "paid", ZERO) > 0 else "open"


def household_filter(household_ids: Any) -> Q:
    return Q(household_id__in=household_ids)
