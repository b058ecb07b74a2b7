"""Invoice PDFs, and sending each invoice by e-mail once.

Delivery guarantee (README, "Invoices by e-mail"): every invoice with an e-mail address is
sent, and a retried or duplicated task never sends it twice: the task claims the invoice with a
conditional UPDATE of its `delivery` column (pending → sending) and only the claimant sends.
Exactly-once over SMTP is impossible: if a worker process is killed after the mail server
accepted the message but before the invoice is marked sent, the invoice stays "sending" and
`invoices_requeue_stuck` sends it again after `STUCK_AFTER`. A worker process holds at most
one claimed invoice at a time, so duplicates are bounded by the number of worker processes that
die mid-send, and nothing is lost.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation

from billing import texts
from billing.invoicing import school_policy
from billing.models import Invoice, InvoiceLine
from kulturskole.messaging import absolute_url
from kulturskole.pdf import render_pdf

STUCK_AFTER = dt.timedelta(minutes=15)


def invoice_context(invoice: Invoice) -> dict[str, Any]:
    lines = [
        {
            "description": texts.line_description(line.kind, line.params),
            "explanation": texts.line_explanation(line.kind, line.params),
            "rule": texts.line_rule(line.kind),
            "amount": line.amount,
            "correction": line.correction,
        }
        for line in invoice.lines.all()
    ]
    school = invoice.school
    return {
        "invoice": invoice,
        "school": school,
        "policy": school_policy(school),
        "lines": lines,
        "term": invoice.term,
    }


def invoice_for_document(invoice_id: int) -> Invoice:
    return (
        Invoice.objects.select_related("school__policy", "term", "household", "corrects")
        .prefetch_related(Prefetch("lines", queryset=InvoiceLine.objects.order_by("position")))
        .get(pk=invoice_id)
    )


def invoice_pdf(invoice: Invoice, *, language: str | None = None) -> bytes:
    """The invoice as the payer gets it, in the payer's language unless told otherwise."""
    with translation.override(language or invoice.language):
        return render_pdf("pdf/invoice.html", invoice_context(invoice))


def invoice_filename(invoice: Invoice) -> str:
    return f"{invoice.get_kind_display().lower().replace(' ', '-')}-{invoice.number}.pdf"


def invoice_send(invoice_id: int, *, now: dt.datetime | None = None) -> bool:
    """Send one invoice if nobody else has; True when this call sent it."""
    now = now or timezone.now()
    claimed = Invoice.objects.filter(pk=invoice_id, delivery=Invoice.Delivery.PENDING).update(
        delivery=Invoice.Delivery.SENDING, claimed_at=now
    )
    if claimed != 1:
        return False  # sent already, being sent by another worker, or no address
    invoice = invoice_for_document(invoice_id)
    try:
        with translation.override(invoice.language):
            context = {
                **invoice_context(invoice),
                "portal_url": absolute_url("/family/invoices/"),
            }
            subject = " ".join(render_to_string("emails/invoice_subject.txt", context).split())
            body = render_to_string("emails/invoice.txt", context)
            filename = invoice_filename(invoice)
        pdf = invoice_pdf(invoice)
        email = EmailMessage(
            subject=subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[invoice.payer_email],
        )
        email.attach(filename, pdf, "application/pdf")
        email.send()
    except Exception:
        # Not sent: free it for the retry.
        Invoice.objects.filter(pk=invoice_id, delivery=Invoice.Delivery.SENDING).update(
            delivery=Invoice.Delivery.PENDING, claimed_at=None
        )
        raise
    Invoice.objects.filter(pk=invoice_id, delivery=Invoice.Delivery.SENDING).update(
        delivery=Invoice.Delivery.SENT, sent_at=timezone.now()
    )
    return True


def invoices_requeue_stuck(*, now: dt.datetime | None = None) -> list[int]:
    """Invoices claimed by a worker that died: back to pending, to be sent (again)."""
    now = now or timezone.now()
    stuck = list(
        Invoice.objects.filter(
            delivery=Invoice.Delivery.SENDING, claimed_at__lt=now - STUCK_AFTER
        ).values_list("pk", flat=True)
    )
    Invoice.objects.filter(pk__in=stuck, delivery=Invoice.Delivery.SENDING).update(
        delivery=Invoice.Delivery.PENDING, claimed_at=None
    )
    return stuck


def invoices_pending() -> list[int]:
    return list(
        Invoice.objects.filter(delivery=Invoice.Delivery.PENDING).values_list("pk", flat=True)
    )
