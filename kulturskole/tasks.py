"""Periodic tasks that keep the installation tidy. Each is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from kulturskole import services


@shared_task
def housekeeping() -> dict[str, int]:
    """Daily: drop expired sessions and sign-ups that were never verified."""
    return services.housekeeping_run()
