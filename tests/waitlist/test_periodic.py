"""The daily waiting-list tasks: each runs from the beat schedule and is safe to run twice."""

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

from enrollment.models import Application, Offer, Term
from kulturskole.celery import app
from kulturskole.models import OutboundMessage
from tests import factories
from waitlist import periodic
from waitlist.models import PlaceOffer, WaitingListSnapshot

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def autumn(school: Any) -> Term:
    return factories.TermFactory(school=school, year=2026, season=Term.Season.AUTUMN)


def family(school: Any, name: str, *emails: str, language: str = "en") -> Any:
    household = factories.HouseholdFactory(school=school, name=name)
    for email in emails:
        factories.GuardianFactory(household=household, user__email=email, user__language=language)
    return household


def waiting_child(household: Any, offer: Offer, name: str = "Ola", **kwargs: Any) -> Application:
    pupil = factories.PupilFactory(household=household, first_name=name)
    return factories.ApplicationFactory(pupil=pupil, offer=offer, **kwargs)


def messages(prefix: str) -> int:
    return OutboundMessage.objects.filter(key__startswith=prefix).count()


# --- The schedule -----------------------------------------------------------------------------


def test_the_beat_schedule_runs_every_waiting_list_task() -> None:
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["waitlist.periodic.snapshot_waiting_lists"] == crontab(hour=23, minute=50)
    assert schedule["waitlist.periodic.admit_to_vacancies"] == crontab(hour=6, minute=0)
    assert schedule["waitlist.periodic.notify_vacancies"] == crontab(hour=7, minute=0)
    assert schedule["waitlist.periodic.application_deadline_reminders"] == crontab(hour=8, minute=0)
    assert schedule["kulturskole.tasks.requeue_stuck_messages"] == crontab(minute="*/5")
    assert schedule["waitlist.tasks.expire_place_offers"] == crontab(minute="*/15")
    assert schedule["waitlist.tasks.remind_place_offers"] == crontab(minute=5)


def test_every_scheduled_task_is_registered_with_celery() -> None:
    assert "waitlist.periodic" in settings.CELERY_IMPORTS
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]


# --- Snapshot ---------------------------------------------------------------------------------


@time_machine.travel(dt.datetime(2026, 9, 10, 23, 50, tzinfo=OSLO), tick=False)
def test_the_snapshot_task_run_twice_writes_each_row_once(school: Any) -> None:
    violin = factories.OfferFactory(school=school, name="Fiolin")
    waiting_child(family(school, "Berg"), violin)
    assert periodic.snapshot_waiting_lists() == 2
    assert periodic.snapshot_waiting_lists() == 2
    assert WaitingListSnapshot.objects.count() == 2
    assert WaitingListSnapshot.objects.get(offer=None).day == dt.date(2026, 9, 10)
    assert WaitingListSnapshot.objects.get(offer=None).children == 1


def test_upper_secondary_schools_are_not_counted(db: Any) -> None:
    factories.SchoolFactory(kind="upper_secondary")
    assert periodic.snapshot_waiting_lists() == 0


# --- Admission into free places ---------------------------------------------------------------


@time_machine.travel(dt.datetime(2026, 9, 10, 6, 0, tzinfo=OSLO), tick=False)
def test_admit_to_vacancies_run_twice_offers_each_place_once(school: Any, autumn: Term) -> None:
    factories.FeeScheduleFactory(school=school, school_year=2026)
    violin = factories.OfferFactory(school=school, name="Fiolin", capacity=2)
    factories.PlacementFactory(
        pupil__household__school=school, offer=violin, starts_term=autumn, status="active"
    )
    household = family(school, "Berg", "berg@example.org")
    first = waiting_child(household, violin, "Nora")
    waiting_child(family(school, "Dahl"), violin, "Iver")
    with translation.override("en"):
        assert periodic.admit_to_vacancies() == 1
        assert periodic.admit_to_vacancies() == 0
    assert list(PlaceOffer.objects.values_list("application_id", flat=True)) == [first.pk]


@time_machine.travel(dt.datetime(2026, 9, 10, 6, 0, tzinfo=OSLO), tick=False)
def test_admit_to_vacancies_needs_a_fee_schedule_for_the_contract(
    school: Any, autumn: Term
) -> None:
    violin = factories.OfferFactory(school=school, name="Fiolin", capacity=2)
    waiting_child(family(school, "Berg"), violin)
    assert periodic.admit_to_vacancies() == 0


# --- Vacancy notices --------------------------------------------------------------------------


@time_machine.travel(dt.datetime(2026, 9, 10, 7, 0, tzinfo=OSLO), tick=False)
def test_notify_vacancies_run_twice_sends_each_guardian_one_email(
    school: Any, autumn: Term, django_capture_on_commit_callbacks: Any
) -> None:
    piano = factories.OfferFactory(school=school, name="Piano", capacity=1)
    factories.PlacementFactory(
        pupil__household__school=school, offer=piano, starts_term=autumn, status="active"
    )
    household = family(school, "Berg", "a@example.org", "b@example.org")
    waiting_child(household, piano, "Nora")
    waiting_child(household, piano, "Lukas")
    factories.OfferFactory(school=school, name="Fiolin", capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert periodic.notify_vacancies() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert periodic.notify_vacancies() == 0
    assert messages("vacancy-") == 2
    assert len(mail.outbox) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    assert "Vacancy in Fiolin" in mail.outbox[0].subject
    assert "Lukas, Nora" in mail.outbox[0].body


@time_machine.travel(dt.datetime(2026, 9, 10, 7, 0, tzinfo=OSLO), tick=False)
def test_a_vacancy_notice_is_written_in_the_guardians_language(school: Any, autumn: Term) -> None:
    piano = factories.OfferFactory(school=school, name="Piano", capacity=0)
    waiting_child(family(school, "Berg", "nb@example.org", language="nb"), piano)
    factories.OfferFactory(school=school, name="Fiolin", capacity=1)
    periodic.notify_vacancies()
    message = OutboundMessage.objects.get(key__startswith="vacancy-")
    assert message.language == "nb"


# --- The application deadline reminder (§3a) --------------------------------------------------


@pytest.fixture
def on_the_list(school: Any) -> Application:
    violin = factories.OfferFactory(school=school, name="Fiolin")
    household = family(school, "Berg", "a@example.org", "b@example.org")
    return waiting_child(household, violin, "Nora")


def remind_on(day: dt.date) -> int:
    with time_machine.travel(dt.datetime.combine(day, dt.time(8), tzinfo=OSLO), tick=False):
        return periodic.application_deadline_reminders()


def test_s3a_two_weeks_before_the_deadline_households_on_a_list_are_reminded_once(
    on_the_list: Application, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_on(dt.date(2026, 4, 17)) == 2
    assert remind_on(dt.date(2026, 4, 17)) == 0
    assert remind_on(dt.date(2026, 4, 18)) == 0
    assert messages("deadline-reminder-") == 2
    school_id, household_id = on_the_list.offer.school_id, on_the_list.pupil.household_id
    assert (
        OutboundMessage.objects.filter(
            key__startswith=f"deadline-reminder-{school_id}-2026-{household_id}"
        ).count()
        == 2
    )
    body = mail.outbox[0].body
    assert "§3a" in body and "Nora: Fiolin" in body and "rank after" in body
    assert "1 May" in mail.outbox[0].subject


def test_s3a_no_reminder_outside_the_two_weeks_before_the_deadline(
    on_the_list: Application,
) -> None:
    assert remind_on(dt.date(2026, 4, 16)) == 0
    assert remind_on(dt.date(2026, 5, 1)) == 0
    assert messages("deadline-reminder-") == 0


def test_s3a_a_missed_morning_is_made_up_the_next_day(on_the_list: Application) -> None:
    assert remind_on(dt.date(2026, 4, 20)) == 2


def test_s3a_the_reminder_comes_again_the_next_year(on_the_list: Application) -> None:
    assert remind_on(dt.date(2026, 4, 17)) == 2
    assert remind_on(dt.date(2027, 4, 17)) == 2


def test_s3a_the_reminder_follows_the_schools_own_deadline(
    school: Any, on_the_list: Application
) -> None:
    from kulturskole.fields import MonthDay

    school.policy.application_deadline = MonthDay(3, 15)
    school.policy.save()
    assert remind_on(dt.date(2026, 4, 17)) == 0
    assert remind_on(dt.date(2026, 3, 1)) == 2


def test_s3a_households_without_a_waiting_child_get_no_reminder(
    school: Any, on_the_list: Application
) -> None:
    on_the_list.status = Application.Status.WITHDRAWN
    on_the_list.save()
    course = factories.OfferFactory(school=school, kind=Offer.Kind.COURSE)
    waiting_child(family(school, "Dahl", "c@example.org"), course, preference=None)
    assert remind_on(dt.date(2026, 4, 17)) == 0


def test_s3a_a_guardian_without_an_email_address_is_skipped(school: Any) -> None:
    household = factories.HouseholdFactory(school=school)
    factories.GuardianFactory(
        household=household, user=None, first_name="Ada", last_name="Lie", email=""
    )
    waiting_child(household, factories.OfferFactory(school=school))
    assert remind_on(dt.date(2026, 4, 17)) == 0
