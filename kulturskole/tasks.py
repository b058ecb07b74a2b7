"""Cross-cutting tasks. Each loads by id, calls a service, and is safe to run twice."""

from __future__ import annotations

import smtplib

from celery import shared_task

from kulturskole import messaging, services


@shared_task
def housekeeping() -> dict[str, int]:
    """Daily: drop expired sessions and sign-ups that were never verified."""
    return services.housekeeping_run()


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=60,
    retry_kwargs={"max_retries": 6},
)
def send_message(message_id: int) -> bool:
    """Send one stored e-mail; a second run finds it sent and does nothing."""
    return messaging.message_send(message_id)


@shared_task
def requeue_stuck_messages() -> int:
    """Every few minutes: messages whose worker died mid-send are queued again."""
    ids = messaging.requeue_stuck_messages()
    for message_id in ids:
        send_message.delay(message_id)
    return len(ids)
