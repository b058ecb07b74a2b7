"""Sending invoices: every invoice once, a retried task never twice, a dead worker loses none."""

from __future__ import annotations

import datetime as dt
import smtplib
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from billing import delivery, invoicing, tasks
from billing.models import Invoice
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoices(django_capture_on_commit_callbacks: Any) -> list[Invoice]:
    """Three households invoiced; the sending tasks are not run yet."""
    school = factories.SchoolFactory()
    factories.FeeScheduleFactory(school=school, school_year=2026)
    term = factories.TermFactory(school=school)
    for name in ("Ada", "Bo", "Cy"):
        household = factories.HouseholdFactory(school=school)
        factories.GuardianFactory(household=household)
        pupil = factories.PupilFactory(household=household, first_name=name)
        factories.PlacementFactory(
            pupil=pupil, offer=factories.OfferFactory(school=school), starts_term=term
        )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invoicing.invoices_create(school=school, term=term)
    assert len(callbacks) == 1  # one batch of sending, queued on commit
    return list(Invoice.objects.order_by("pk"))


def test_each_invoice_is_sent_with_its_pdf_in_the_payers_language(invoices):
    tasks.send_invoices([invoice.pk for invoice in invoices])
    assert len(mail.outbox) == 3
    message = mail.outbox[0]
    invoice = invoices[0]
    assert message.to == [invoice.payer_email]
    assert str(invoice.number) in message.subject
    name, content, mimetype = message.attachments[0]
    # Named in the payer's language too.
    assert name == f"faktura-{invoice.number}.pdf" and mimetype == "application/pdf"
    assert content.startswith(b"%PDF")
    assert invoice.kid in message.body
    # The payer's language is Bokmål unless the account says otherwise.
    assert "Hei" in message.body
    assert set(Invoice.objects.values_list("delivery", flat=True)) == {Invoice.Delivery.SENT}


def test_a_task_run_twice_sends_nothing_twice(invoices):
    ids = [invoice.pk for invoice in invoices]
    tasks.send_invoices(ids)
    tasks.send_invoices(ids)
    assert len(mail.outbox) == 3


def test_an_invoice_claimed_by_another_worker_is_left_to_it(invoices):
    first = invoices[0]
    Invoice.objects.filter(pk=first.pk).update(
        delivery=Invoice.Delivery.SENDING, claimed_at=timezone.now()
    )
    assert delivery.invoice_send(first.pk) is False
    assert mail.outbox == []


def test_a_failed_smtp_send_is_released_for_the_retry(invoices, monkeypatch):
    first = invoices[0]

    def refuse(*args: Any, **kwargs: Any) -> int:
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        delivery.invoice_send(first.pk)
    first.refresh_from_db()
    assert first.delivery == Invoice.Delivery.PENDING
    monkeypatch.undo()
    assert delivery.invoice_send(first.pk) is True
    assert len(mail.outbox) == 1


def test_a_worker_killed_mid_send_loses_nothing_and_duplicates_at_most_that_one(invoices):
    first = invoices[0]
    # The worker claimed the invoice, the mail server took the message, and the worker died
    # before it could mark the invoice sent.
    claimed_at = timezone.now() - delivery.STUCK_AFTER - dt.timedelta(minutes=1)
    Invoice.objects.filter(pk=first.pk).update(
        delivery=Invoice.Delivery.SENDING, claimed_at=claimed_at
    )
    mail.outbox.append(mail.EmailMessage(subject="sent before the crash", to=["x@example.org"]))
    # Not yet stuck for a younger claim: a live worker may still be sending it.
    Invoice.objects.filter(pk=invoices[1].pk).update(
        delivery=Invoice.Delivery.SENDING, claimed_at=timezone.now()
    )
    sent = tasks.requeue_stuck_invoices()
    assert sent == 2  # the stuck one and the one never sent
    recipients = [message.to[0] for message in mail.outbox]
    assert recipients.count(first.payer_email) == 1  # once more after the crash copy
    assert invoices[1].payer_email not in recipients
    assert invoices[2].payer_email in recipients
    assert Invoice.objects.get(pk=first.pk).delivery == Invoice.Delivery.SENT


def test_a_payer_without_an_e_mail_address_is_not_sent_and_not_retried():
    school = factories.SchoolFactory()
    factories.FeeScheduleFactory(school=school, school_year=2026)
    term = factories.TermFactory(school=school)
    household = factories.HouseholdFactory(school=school)
    pupil = factories.PupilFactory(household=household)
    factories.PlacementFactory(
        pupil=pupil, offer=factories.OfferFactory(school=school), starts_term=term
    )
    invoicing.invoices_create(school=school, term=term)
    invoice = Invoice.objects.get()
    assert invoice.delivery == Invoice.Delivery.NO_ADDRESS
    assert invoice.total == Decimal("1850.00")
    assert tasks.requeue_stuck_invoices() == 0
    assert mail.outbox == []
