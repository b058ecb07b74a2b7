"""Daily waiting-list tasks run by Celery beat (see CELERY_BEAT_SCHEDULE in the settings).

Celery finds `tasks.py` modules by itself; this module is listed in CELERY_IMPORTS instead,
so the admission tasks in `waitlist/tasks.py` and these daily ones stay apart. Each task only
calls a function that does the work and is safe to run twice:

- snapshot_waiting_lists: one row per school, offer and day, updated in place;
- admit_to_vacancies: a place offered is a pending place offer, which counts as taken;
- notify_vacancies and application_deadline_reminders: every e-mail has an occasion key, and
  `kulturskole.messaging.notify` writes each key once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from enrollment.models import Application, Guardian, Offer, School
from kulturskole.messaging import absolute_url, notify
from waitlist import selectors, statistics, vacancies

# §3a: households with a child on a waiting list hear about the deadline this long before it.
REMINDER_LEAD = dt.timedelta(days=14)


@shared_task
def snapshot_waiting_lists() -> int:
    """Daily at 23:50: today's count of children waiting (§5d), for the chart over time."""
    return statistics.snapshots_take(day=timezone.localdate())


@shared_task
def admit_to_vacancies() -> int:
    """Daily at 06:00: free places go to the next in line where admission is open (§4b, §5a)."""
    return vacancies.free_places_admit()


@shared_task
def notify_vacancies() -> int:
    """Daily at 07:00: households waiting elsewhere in the discipline hear of a vacancy (§5a–c)."""
    return vacancies.vacancy_notices_send()


@shared_task
def application_deadline_reminders() -> int:
    """Daily at 08:00: two weeks before the deadline, remind households on a list (§3a)."""
    return deadline_reminders_send()


# --- The application deadline reminder -------------------------------------------------------


def deadline_key(school: School, year: int, household_id: int) -> str:
    return f"deadline-reminder-{school.pk}-{year}-{household_id}"


def reminder_due(deadline: dt.date, today: dt.date) -> bool:
    """From two weeks before the deadline until the day before it.

    Not only on the one day: a beat that was down that day still sends the reminder the next
    morning, and the occasion key keeps it to once per school, year and household.
    """
    return deadline - REMINDER_LEAD <= today < deadline


def deadline_reminders_send(*, now: dt.datetime | None = None) -> int:
    """§3a: remind households with a child on a waiting list at a school that the deadline for
    the next school year is coming. Returns the number of e-mails queued."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for school in School.objects.filter(kind=School.Kind.CULTURE_SCHOOL).order_by("pk"):
        policy = selectors.policy_for(school)
        deadline = policy.application_deadline.in_year(today.year)
        if not reminder_due(deadline, today):
            continue
        waiting = (
            Application.objects.filter(
                offer__school=school,
                offer__kind=Offer.Kind.PLACE,
                status=Application.Status.WAITING,
            )
            .select_related("pupil", "offer")
            .order_by("pupil__first_name", "pupil_id", "preference", "pk")
        )
        by_household: dict[int, list[Application]] = defaultdict(list)
        for application in waiting:
            by_household[application.pupil.household_id].append(application)
        if not by_household:
            continue
        guardians: dict[int, list[Guardian]] = defaultdict(list)
        for guardian in Guardian.objects.filter(household_id__in=by_household).select_related(
            "user"
        ):
            guardians[guardian.household_id].append(guardian)
        context: dict[str, Any] = {
            "school": school,
            "deadline": deadline,
            "school_year": f"{today.year}/{(today.year + 1) % 100:02d}",
            "family_url": absolute_url(reverse("family:home")),
            "vacancies_url": absolute_url(
                reverse("vacancies:list", kwargs={"school": school.slug})
            ),
        }
        for household_id, applications in by_household.items():
            key = deadline_key(school, today.year, household_id)
            for guardian in guardians[household_id]:
                user = guardian.user
                email = (user.email if user else "") or guardian.email
                if not email:
                    continue
                message = notify(
                    key=f"{key}-guardian-{guardian.pk}",
                    template="deadline_reminder",
                    to_email=email,
                    user=user,
                    language=getattr(user, "language", None) or settings.LANGUAGE_CODE,
                    context={**context, "guardian": guardian, "applications": applications},
                )
                sent += message is not None
    return sent
