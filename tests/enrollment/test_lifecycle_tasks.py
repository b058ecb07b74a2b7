"""The life cycle's scheduled tasks: on the beat schedule, registered, and safe to run twice."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.utils import translation

from enrollment import tasks
from enrollment.models import Offer, Placement, Term
from enrollment.services import lifecycle
from kulturskole.celery import app
from kulturskole.models import OutboundMessage
from tests import factories
from waitlist.models import PlaceOffer

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")


def at(day: str, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), tzinfo=OSLO)


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def autumn(school: Any) -> Term:
    return factories.TermFactory(school=school, year=2026, season=Term.Season.AUTUMN)


@pytest.fixture
def violin(school: Any) -> Offer:
    return factories.OfferFactory(school=school, name="Fiolin", capacity=1)


@pytest.fixture
def placement(pupil: Any, violin: Offer, autumn: Term, guardian_user: Any) -> Placement:
    return factories.PlacementFactory(pupil=pupil, offer=violin, starts_term=autumn)


def twice(task: Any) -> tuple[int, int]:
    """Run the task as the worker would (eagerly in tests), then once more."""
    return task.delay().get(), task.delay().get()


# --- The schedule -------------------------------------------------------------------------------


def test_the_beat_schedule_runs_every_life_cycle_task() -> None:
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["enrollment.tasks.placements_end_due"] == crontab(hour=0, minute=10)
    assert schedule["enrollment.tasks.upper_age_run"] == crontab(hour=2, minute=0)
    assert schedule["enrollment.tasks.notice_deadline_reminders"] == crontab(hour=8, minute=15)
    assert schedule["enrollment.tasks.conference_reminders"] == crontab(minute=25)


def test_every_life_cycle_task_is_registered_with_celery() -> None:
    app.loader.import_default_modules()
    for name in (
        "enrollment.tasks.placements_end_due",
        "enrollment.tasks.upper_age_run",
        "enrollment.tasks.notice_deadline_reminders",
        "enrollment.tasks.conference_reminders",
    ):
        assert name in app.tasks, name


def test_the_readme_lists_every_life_cycle_task() -> None:
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        if entry["task"].startswith("enrollment."):
            assert f"`{entry['task']}`" in readme, entry["task"]


# --- Each task, twice ---------------------------------------------------------------------------


def test_ending_due_places_twice_ends_each_once_and_offers_the_seat_once(
    school: Any, violin: Offer, placement: Placement, django_capture_on_commit_callbacks: Any
) -> None:
    factories.FeeScheduleFactory(school=school, school_year=2026)
    placement.ends_on = dt.date(2026, 10, 30)
    placement.save()
    waiting = factories.ApplicationFactory(
        pupil=factories.PupilFactory(household=factories.HouseholdFactory(school=school)),
        offer=violin,
    )
    with (
        time_machine.travel(at("2026-10-31", 0, 10), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert twice(tasks.placements_end_due) == (1, 0)
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ENDED
    assert list(PlaceOffer.objects.values_list("application", flat=True)) == [waiting.pk]


def test_the_upper_age_task_twice_sets_the_end_once_and_tells_the_home_once(
    placement: Placement, django_capture_on_commit_callbacks: Any
) -> None:
    placement.pupil.birth_date = dt.date(2007, 8, 1)
    placement.pupil.save()
    with (
        time_machine.travel(at("2026-11-15", 2), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert twice(tasks.upper_age_run) == (1, 0)
    placement.refresh_from_db()
    assert placement.ends_on == dt.date(2026, 12, 31)
    assert [m.to for m in mail.outbox] == [["guardian@example.org"]]


def test_the_notice_deadline_task_twice_reminds_each_home_once(
    placement: Placement, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        time_machine.travel(at("2026-11-17", 8, 15), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert twice(tasks.notice_deadline_reminders) == (1, 0)
    with time_machine.travel(at("2026-11-18", 8, 15), tick=False):
        assert tasks.notice_deadline_reminders.delay().get() == 0
    assert len(mail.outbox) == 1
    assert OutboundMessage.objects.filter(template="notice_deadline").count() == 1


def test_the_conference_reminder_task_twice_reminds_once(
    school: Any,
    pupil: Any,
    autumn: Term,
    guardian_user: Any,
    teacher_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    track = factories.DepartmentFactory(school=school, performer_track=True)
    performer = factories.PlacementFactory(
        pupil=pupil,
        offer=factories.OfferFactory(school=school, department=track),
        starts_term=autumn,
    )
    [slot] = lifecycle.conference_slots_publish(
        teacher=teacher_user, school=school, first_start=at("2026-11-03", 16), minutes=20, count=1
    )
    lifecycle.conference_book(
        user=guardian_user, slot=slot, placement=performer, now=at("2026-10-20", 12)
    )
    with (
        time_machine.travel(at("2026-11-02", 16, 25), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert twice(tasks.conference_reminders) == (1, 0)
    with time_machine.travel(at("2026-11-02", 17, 25), tick=False):
        assert tasks.conference_reminders.delay().get() == 0
    assert len(mail.outbox) == 1
