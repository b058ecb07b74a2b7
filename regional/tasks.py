"""The regional programme's e-mails, sent by Celery. Each task loads by id or date and calls a
service in regional/services.py; every e-mail has an occasion key, so a task that runs twice
(a retry, or beat catching up) sends nothing twice."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from regional import services
from regional.models import Gathering


@shared_task
def send_gathering_invitations(gathering_id: int) -> int:
    """Queued (after commit) when a gathering opens for registration."""
    gathering = (
        Gathering.objects.select_related("programme__region").filter(pk=gathering_id).first()
    )
    if gathering is None:
        return 0
    return services.gathering_invitations_send(gathering=gathering)


@shared_task
def remind_registration_deadlines() -> int:
    """Daily: a few days before a gathering's registration deadline."""
    return services.deadline_reminders_send(today=timezone.localdate())


@shared_task
def remind_day_before() -> int:
    """Daily: the day before a gathering, to the registered pupils' homes and schools."""
    return services.day_before_reminders_send(today=timezone.localdate())


@shared_task
def request_feedback() -> int:
    """Daily: after a gathering, ask the pupils and teachers how the sessions were."""
    return services.feedback_requests_send(today=timezone.localdate())
