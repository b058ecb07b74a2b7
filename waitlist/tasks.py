"""Admission tasks. Each loads by id (or scans by date), calls a service, and is safe to run
twice: place offers are unique per application, and each e-mail has its own occasion key."""

from __future__ import annotations

from celery import shared_task

from waitlist import services


@shared_task
def admit_next_in_line(offer_id: int) -> int:
    """A place freed up (declined, lapsed, ended): offer it to the next on the list."""
    return len(services.continuous_admission(offer_id=offer_id))


@shared_task
def expire_place_offers() -> int:
    """Every quarter of an hour: unanswered offers past their deadline lapse (§4b)."""
    return len(services.place_offers_expire())


@shared_task
def remind_place_offers() -> int:
    """Hourly: a reminder a few days before a place offer's deadline, once per offer."""
    return services.place_offer_reminders()


@shared_task
def notify_place_offers(place_offer_ids: list[int]) -> int:
    """After an admission round commits: the "place offered" e-mails, one per guardian.

    One task per round. Safe to run twice: each e-mail has its occasion key.
    """
    return services.place_offers_notify(place_offer_ids=place_offer_ids)
