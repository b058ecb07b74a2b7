"""Daily housekeeping: the service, the beat schedule, and a real round trip through Redis."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
import time_machine
from allauth.socialaccount.models import SocialAccount
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connections
from django.utils import timezone

from kulturskole import services
from kulturskole.access import Role
from kulturskole.celery import app
from kulturskole.tasks import housekeeping
from tests import factories

NOW = dt.datetime(2026, 9, 1, 3, 15, tzinfo=dt.UTC)
LONG_AGO = NOW - dt.timedelta(days=30)
YESTERDAY = NOW - dt.timedelta(days=1)


def user(
    email: str, *, joined: dt.datetime = LONG_AGO, verified: bool = False, **extra: Any
) -> Any:
    created = factories.UserFactory(email=email, verified=verified, **extra)
    # date_joined is set on creation; move it back to simulate an old sign-up.
    get_user_model().objects.filter(pk=created.pk).update(date_joined=joined)
    return created


def session(expires: dt.datetime) -> str:
    store = SessionStore()
    store["hello"] = "world"
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=expires)
    return store.session_key


def emails() -> set[str]:
    return set(get_user_model().objects.values_list("email", flat=True))


@pytest.fixture
def mixed_accounts(db: Any) -> None:
    """One stale unverified sign-up among accounts that must all be kept."""
    user("stale@example.org")
    user("fresh@example.org", joined=YESTERDAY)
    user("verified@example.org", verified=True)
    user("staff@example.org", is_staff=True)
    user("logged-in@example.org", last_login=LONG_AGO)
    office = user("office@example.org")
    factories.StaffRoleFactory(user=office, role=Role.OFFICE)
    leader = user("leader@example.org")
    factories.RegionalRoleFactory(user=leader)
    guardian = user("guardian@example.org")
    factories.GuardianFactory(user=guardian)
    idporten = user("idporten@example.org")
    SocialAccount.objects.create(user=idporten, provider="idporten", uid="sub-1")


KEPT = {
    "fresh@example.org",
    "verified@example.org",
    "staff@example.org",
    "logged-in@example.org",
    "office@example.org",
    "leader@example.org",
    "guardian@example.org",
    "idporten@example.org",
}


def test_it_deletes_expired_sessions_and_keeps_live_ones(db: Any) -> None:
    expired = session(NOW - dt.timedelta(minutes=1))
    live = session(NOW + dt.timedelta(hours=1))
    result = services.housekeeping_run(now=NOW)
    assert result["expired_sessions"] == 1
    assert set(Session.objects.values_list("session_key", flat=True)) == {live}
    assert expired != live


def test_it_deletes_stale_unverified_sign_ups_only(mixed_accounts: None) -> None:
    result = services.housekeeping_run(now=NOW)
    assert result["unverified_accounts"] == 1
    assert "stale@example.org" not in emails()
    assert emails() >= KEPT


def test_it_keeps_guardians_with_their_households(mixed_accounts: None) -> None:
    services.housekeeping_run(now=NOW)
    guardian = get_user_model().objects.get(email="guardian@example.org")
    assert guardian.guardianships.count() == 1


def test_the_retention_period_comes_from_settings(mixed_accounts: None, settings: Any) -> None:
    settings.UNVERIFIED_ACCOUNT_RETENTION_DAYS = 60
    assert services.housekeeping_run(now=NOW)["unverified_accounts"] == 0
    assert "stale@example.org" in emails()


def test_running_it_twice_deletes_nothing_more(mixed_accounts: None) -> None:
    session(NOW - dt.timedelta(minutes=1))
    services.housekeeping_run(now=NOW)
    before = emails()
    assert services.housekeeping_run(now=NOW) == {"expired_sessions": 0, "unverified_accounts": 0}
    assert emails() == before


def test_the_task_runs_the_service(mixed_accounts: None) -> None:
    # Eager here (conftest); the Redis round trip is below.
    with time_machine.travel(NOW):
        result = housekeeping.delay().get(timeout=5)
    assert result["unverified_accounts"] == 1
    assert "stale@example.org" not in emails()


def test_the_beat_schedule_runs_housekeeping_daily() -> None:
    entries = [
        entry
        for entry in django_settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "kulturskole.tasks.housekeeping"
    ]
    assert len(entries) == 1
    schedule = entries[0]["schedule"]
    # A crontab with one fixed hour and minute fires once a day.
    assert len(schedule.hour) == 1 and len(schedule.minute) == 1
    assert len(schedule.day_of_week) == 7


def test_every_scheduled_task_name_resolves_in_the_celery_app() -> None:
    app.loader.import_default_modules()
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks
    assert app.tasks["kulturskole.tasks.housekeeping"] is housekeeping._get_current_object()


# --- A real worker and a real broker --------------------------------------------------------


@pytest.fixture
def redis_worker_queue() -> Iterator[str]:
    """A worker thread consuming a queue of its own on the Redis broker, with eager mode off.

    The queue name is unique so that parallel test runs on the same Redis (pytest-xdist,
    another checkout) never take each other's messages.
    """
    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set: the round trip needs a real Redis broker")
    queue = f"kulturskole-test-{uuid.uuid4().hex}"
    saved = {key: app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue

    def close_connections(**kwargs: Any) -> None:
        # The worker thread has its own database connection; close it after each task so the
        # test database can be dropped at the end of the session.
        connections.close_all()

    task_postrun.connect(close_connections, weak=False, dispatch_uid=queue)
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=30
        ):
            yield queue
    finally:
        task_postrun.disconnect(dispatch_uid=queue)
        # Leave no queue or exchange binding of this test behind in the shared Redis.
        client = redis.Redis.from_url(os.environ["REDIS_URL"])
        client.delete(*client.scan_iter(match=f"*{queue}*"), f"_kombu.binding.{queue}")
        client.close()
        for key, value in saved.items():
            app.conf[key] = value


@pytest.mark.redis
def test_housekeeping_runs_in_a_real_worker_through_redis(
    transactional_db: Any, redis_worker_queue: str
) -> None:
    stale = user("stale@example.org", joined=timezone.now() - dt.timedelta(days=30))
    kept = user("verified@example.org", verified=True, joined=stale.date_joined)
    result = housekeeping.delay()
    assert result.get(timeout=30) == {"expired_sessions": 0, "unverified_accounts": 1}
    assert emails() == {kept.email}
