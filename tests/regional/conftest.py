"""A programme with two partner schools, a school outside it, and people in every role."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from kulturskole.access import Role
from tests import factories


@pytest.fixture(autouse=True)
def _english(client: Client, settings: Any) -> Any:
    """Assertions read the English source text, whatever catalogues are compiled."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def partner(db: Any) -> Any:
    """A second partner school (the matrix school `school` is the first)."""
    return factories.SchoolFactory(name="Fyrverkeriet Kulturskole", slug="fyrverkeriet")


@pytest.fixture
def outside(db: Any) -> Any:
    """A school in the region that is not a partner of the programme."""
    return factories.SchoolFactory(name="Hadeland kulturskole", slug="hadeland")


@pytest.fixture
def programme(school: Any, partner: Any, outside: Any) -> Any:
    programme = factories.ProgrammeFactory(
        region__slug="gjovikregionen", slug="kulturlopet", schools=[school, partner]
    )
    programme.region.schools.add(outside)
    return programme


@pytest.fixture
def leader(programme: Any) -> Any:
    user = factories.UserFactory(email="leder@example.org", totp=True)
    factories.RegionalRoleFactory(user=user, region=programme.region, role=Role.PROJECT_LEADER)
    programme.project_leader = user
    programme.save()
    return user


@pytest.fixture
def steering(programme: Any) -> Any:
    user = factories.UserFactory(email="styre@example.org")
    factories.RegionalRoleFactory(user=user, region=programme.region, role=Role.STEERING_GROUP)
    return user


@pytest.fixture
def partner_office(partner: Any) -> Any:
    user = factories.UserFactory(email="kontor@fyrverkeriet.example.org", totp=True)
    factories.StaffRoleFactory(user=user, school=partner, role=Role.OFFICE)
    return user


@pytest.fixture
def outside_office(outside: Any) -> Any:
    user = factories.UserFactory(email="kontor@hadeland.example.org", totp=True)
    factories.StaffRoleFactory(user=user, school=outside, role=Role.OFFICE)
    return user


@pytest.fixture
def gathering(programme: Any) -> Any:
    return factories.GatheringFactory(
        programme=programme,
        date=dt.date(2026, 2, 7),
        status="open",
        registration_deadline=dt.date(2026, 1, 30),
    )


def url(name: str, programme: Any, **kwargs: Any) -> str:
    from django.urls import reverse

    return reverse(
        f"regional:{name}",
        kwargs={"region": programme.region.slug, "programme": programme.slug, **kwargs},
    )
