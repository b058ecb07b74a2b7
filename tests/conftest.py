from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from kulturskole.access import Role
from tests import factories


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: Any, tmp_path: Any) -> None:
    """Fast password hashing, files under a temporary directory, tasks in-process, and a cache
    of its own for each test, so rate-limit counters never leak between tests or between
    parallel workers sharing one Redis."""
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for name, config in settings.CACHES.items()
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from kulturskole.celery import app

    app.conf.task_always_eager = True


@pytest.fixture
def client() -> Client:
    """A browser that asked for English, so assertions read the source strings.

    Bokmål is the default language; tests of the default use a Client() of their own.
    """
    english = Client()
    english.cookies["django_language"] = "en"
    return english


@pytest.fixture
def school(db: Any) -> Any:
    return factories.SchoolFactory(name="Sandefjord kulturskole", slug="sandefjord")


@pytest.fixture
def other_school(db: Any) -> Any:
    return factories.SchoolFactory(name="Søndre Land Kulturskole", slug="sondre-land")


@pytest.fixture
def office_user(school: Any) -> Any:
    user = factories.UserFactory(email="office@example.org", totp=True)
    factories.StaffRoleFactory(user=user, school=school, role=Role.OFFICE)
    return user


@pytest.fixture
def principal_user(school: Any) -> Any:
    user = factories.UserFactory(email="principal@example.org", totp=True)
    factories.StaffRoleFactory(user=user, school=school, role=Role.PRINCIPAL)
    return user


@pytest.fixture
def teacher_user(school: Any) -> Any:
    user = factories.UserFactory(email="teacher@example.org")
    factories.StaffRoleFactory(user=user, school=school, role=Role.TEACHER)
    return user


@pytest.fixture
def household(school: Any) -> Any:
    return factories.HouseholdFactory(school=school, name="Hansen")


@pytest.fixture
def guardian_user(household: Any) -> Any:
    guardian = factories.GuardianFactory(household=household, user__email="guardian@example.org")
    household.payer = guardian
    household.save()
    return guardian.user


@pytest.fixture
def superuser(db: Any) -> Any:
    return factories.UserFactory(
        email="admin@example.org", is_staff=True, is_superuser=True, totp=True
    )


@pytest.fixture
def stranger(db: Any) -> Any:
    """Signed in, verified, but with no role anywhere."""
    return factories.UserFactory(email="stranger@example.org")


def login(client: Client, user: Any) -> Client:
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client
