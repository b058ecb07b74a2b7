"""Billing tasks: thin, load by id, safe to run twice (see billing.delivery for the guarantee)."""

from __future__ import annotations

import smtplib
import uuid
from collections.abc import Sequence
from typing import Any

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from billing import delivery, payments

# Invoices per sending task: small enough that a retry repeats little work.
SEND_BATCH = 25
# How long the progress of an invoice run is kept for its page.
RUN_STATE_SECONDS = 6 * 3600


def queue_sending(invoice_ids: Sequence[int]) -> None:
    """Queue the sending of new invoices (called on commit by billing.invoicing)."""
    ids = list(invoice_ids)
    for start in range(0, len(ids), SEND_BATCH):
        send_invoices.delay(ids[start : start + SEND_BATCH])


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=60,
    retry_kwargs={"max_retries": 6},
)
def send_invoices(invoice_ids: list[int]) -> int:
    """Send each invoice that is still waiting; those sent already are skipped."""
    return sum(delivery.invoice_send(invoice_id) for invoice_id in invoice_ids)


@shared_task
def requeue_stuck_invoices() -> int:
    """Every few minutes: invoices whose worker died mid-send, and any left waiting, are queued."""
    delivery.invoices_requeue_stuck()
    pending = delivery.invoices_pending()
    queue_sending(pending)
    return len(pending)


@shared_task
def invoice_reminders() -> dict[str, int]:
    """Daily: reminders for overdue invoices and the §9d i flag."""
    run = payments.reminders_run(today=timezone.localdate())
    return {"first": len(run.first), "second": len(run.second), "flagged": len(run.flagged)}


def run_key(run_id: str) -> str:
    return f"billing:invoice-run:{run_id}"


def run_state(run_id: str) -> dict[str, Any] | None:
    """Progress of an invoice run started from the office page, for its progress bar."""
    return cache.get(run_key(run_id))


def start_invoice_run(*, school_id: int, term_id: int, user_id: int | None) -> str:
    """Queue an invoice run after commit; returns the id its progress is read by."""
    run_id = uuid.uuid4().hex
    cache.set(run_key(run_id), {"state": "queued", "done": 0, "total": 0}, RUN_STATE_SECONDS)
    transaction.on_commit(
        lambda: create_invoices.delay(
            school_id=school_id, term_id=term_id, user_id=user_id, run_id=run_id
        )
    )
    return run_id


@shared_task
def create_invoices(
    *, school_id: int, term_id: int, user_id: int | None, run_id: str = ""
) -> dict[str, Any]:
    """Create a term's invoices (the office's button); running it twice creates nothing new."""
    from billing.invoicing import NoFeeScheduleError, invoices_create
    from enrollment.models import School, Term

    school = School.objects.select_related("policy").get(pk=school_id)
    term = Term.objects.get(pk=term_id, school=school)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None

    def progress(done: int, total: int) -> None:
        if run_id:
            state = {"state": "running", "done": done, "total": total}
            cache.set(run_key(run_id), state, RUN_STATE_SECONDS)

    try:
        result = invoices_create(school=school, term=term, by=user, on_progress=progress)
    except NoFeeScheduleError:
        summary = {"state": "failed", "error": "no_fee_schedule", "done": 0, "total": 0}
    else:
        summary = {
            "state": "finished",
            "done": result.households,
            "total": result.households,
            "invoices": result.invoices,
            "credit_notes": result.credit_notes,
            "additional": result.additional,
            "unchanged": result.unchanged,
            "amount": str(result.total),
        }
    if run_id:
        cache.set(run_key(run_id), summary, RUN_STATE_SECONDS)
    return summary
