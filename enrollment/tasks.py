"""The pupil life cycle's scheduled tasks (CELERY_BEAT_SCHEDULE in the settings).

Each calls one service and is safe to run twice: a place already ended or already given its
upper-age end is left alone, and every e-mail is stored once under its occasion key.
"""

from __future__ import annotations

from celery import shared_task

from enrollment.services import lifecycle


@shared_task
def placements_end_due() -> int:
    """Daily just after midnight: places whose last day has passed end and free their seat."""
    return lifecycle.placements_end_due()


@shared_task
def upper_age_run() -> int:
    """Daily: places end at the end of the year the pupil turns 19, with notice home (§19)."""
    return lifecycle.upper_age_run()


@shared_task
def notice_deadline_reminders() -> int:
    """Daily: two weeks before 1 December and 1 June, homes are reminded of the deadline (§9b)."""
    return lifecycle.notice_deadline_reminders()


@shared_task
def conference_reminders() -> int:
    """Hourly: a reminder the day before each booked conference hour (§15)."""
    return lifecycle.conference_reminders()
