"""Words and badges for an invoice's state (`selectors.status_of`): office and guardians."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from billing import selectors, texts
from billing.models import Invoice


def status_label(status: str) -> str:
    return {
        "credit": _("Credit note"),
        "open": _("Open"),
        "partly_paid": _("Partly paid"),
        "paid": _("Paid"),
        "overpaid": _("Paid too much"),
        "overdue": _("Overdue"),
        "flagged": _("Overdue, flagged (§9d i)"),
    }.get(status, status)


BADGES = {
    "paid": "badge-ok",
    "credit": "badge-muted",
    "overpaid": "badge-warn",
    "overdue": "badge-warn",
    "flagged": "badge-unreported",
    "partly_paid": "badge-trial",
}


def mark(invoices: Iterable[Invoice], *, today: dt.date) -> None:
    """Put `status`, `status_label` and `status_badge` on invoices annotated by with_balance."""
    for invoice in invoices:
        status = selectors.status_of(invoice, today=today)
        invoice.status = status  # type: ignore[attr-defined]
        invoice.status_label = status_label(status)  # type: ignore[attr-defined]
        invoice.status_badge = BADGES.get(status, "")  # type: ignore[attr-defined]


def invoice_lines(invoice: Invoice) -> list[dict[str, Any]]:
    """The lines in the reader's language (needs the prefetched `lines`)."""
    return [
        {
            "description": texts.line_description(line.kind, line.params),
            "explanation": texts.line_explanation(line.kind, line.params),
            "rule": texts.line_rule(line.kind),
            "amount": line.amount,
            "correction": line.correction,
        }
        for line in invoice.lines.all()
    ]
