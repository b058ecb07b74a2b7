"""Outbound e-mail: written once per occasion, sent after commit by a task, never twice.

`notify()` renders the message in the recipient's language and stores it under a unique key
(the occasion). A second call with the same key changes nothing. The row is sent by
`kulturskole.tasks.send_message` once the transaction commits; the task claims the row with a
conditional UPDATE, so a retried or duplicated task does not send it again.

Delivery guarantee: exactly-once over SMTP is impossible. If a worker dies after the SMTP
server accepted the message but before the row is marked sent, the row stays "sending" and
`requeue_stuck_messages` sends it again after a while: at most one extra copy per worker crash,
and no message is lost.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from kulturskole.models import OutboundMessage

# A message claimed this long ago and still not sent is taken to be lost with its worker.
STUCK_AFTER = dt.timedelta(minutes=15)


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def notify(
    *,
    key: str,
    template: str,
    to_email: str,
    context: dict[str, Any],
    user: Any = None,
    language: str | None = None,
    attachment: tuple[str, bytes] | None = None,
) -> OutboundMessage | None:
    """Queue `templates/emails/<template>_subject.txt` and `<template>.txt` for one recipient.

    `attachment` is (file name, PDF bytes), kept privately with the message. Returns the new
    message, or None when this occasion was already notified.
    """
    language = language or getattr(user, "language", None) or settings.LANGUAGE_CODE
    if OutboundMessage.objects.filter(key=key).exists():
        return None
    with translation.override(language):
        full_context = {"site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"emails/{template}_subject.txt", full_context).split())
        body = render_to_string(f"emails/{template}.txt", full_context)
    with transaction.atomic():
        message, created = OutboundMessage.objects.get_or_create(
            key=key,
            defaults={
                "template": template,
                "to_email": to_email,
                "user": user if getattr(user, "pk", None) else None,
                "language": language,
                "context": {
                    "subject": subject,
                    "body": body,
                    "attachment_name": attachment[0] if attachment else "",
                },
            },
        )
    if not created:
        return None
    if attachment is not None:
        name, content = attachment
        message.attachment.save(name, ContentFile(content), save=True)
    from kulturskole.tasks import send_message

    transaction.on_commit(lambda: send_message.delay(message.pk))
    return message


def message_send(message_id: int, *, now: dt.datetime | None = None) -> bool:
    """Send one stored message if nobody else has; True when this call sent it."""
    now = now or timezone.now()
    claimed = OutboundMessage.objects.filter(
        pk=message_id, status__in=[OutboundMessage.Status.PENDING, OutboundMessage.Status.FAILED]
    ).update(status=OutboundMessage.Status.SENDING, sent_at=now)
    if claimed != 1:
        return False  # sent, or being sent by another worker
    message = OutboundMessage.objects.get(pk=message_id)
    try:
        email = EmailMessage(
            subject=message.context["subject"],
            body=message.context["body"],
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to_email],
        )
        if message.attachment:
            with message.attachment.open("rb") as handle:
                # The name the sender chose, not the storage's (which adds a suffix to copies).
                name = message.context.get("attachment_name") or message.attachment.name
                email.attach(name.rsplit("/", 1)[-1], handle.read(), "application/pdf")
        email.send()
    except Exception as error:
        OutboundMessage.objects.filter(pk=message_id).update(
            status=OutboundMessage.Status.FAILED,
            attempts=message.attempts + 1,
            last_error=str(error)[:2000],
        )
        raise
    OutboundMessage.objects.filter(pk=message_id).update(
        status=OutboundMessage.Status.SENT, attempts=message.attempts + 1, sent_at=timezone.now()
    )
    return True


def requeue_stuck_messages(*, now: dt.datetime | None = None) -> list[int]:
    """Messages claimed by a worker that died: back to pending, to be sent again."""
    now = now or timezone.now()
    stuck = list(
        OutboundMessage.objects.filter(
            status=OutboundMessage.Status.SENDING, sent_at__lt=now - STUCK_AFTER
        ).values_list("pk", flat=True)
    )
    OutboundMessage.objects.filter(pk__in=stuck, status=OutboundMessage.Status.SENDING).update(
        status=OutboundMessage.Status.PENDING
    )
    return stuck
