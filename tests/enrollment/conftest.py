"""Fixtures for the public catalogue and the family pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from enrollment.models import Discipline, Offer
from tests import factories
from tests.conftest import login


@pytest.fixture
def guardian_client(client: Client, guardian_user: Any) -> Client:
    return login(client, guardian_user)


@pytest.fixture
def pupil(household: Any) -> Any:
    return factories.PupilFactory(
        household=household, first_name="Ola", birth_date=dt.date(2016, 3, 14)
    )


@pytest.fixture
def other_household(other_school: Any) -> Any:
    household = factories.HouseholdFactory(school=other_school, name="Berg")
    guardian = factories.GuardianFactory(household=household, user__email="berg@example.org")
    household.payer = guardian
    household.save()
    return household


@pytest.fixture
def other_pupil(other_household: Any) -> Any:
    return factories.PupilFactory(household=other_household, first_name="Kari")


@pytest.fixture
def locations(school: Any) -> dict[str, Any]:
    return {
        "bugarden": factories.LocationFactory(
            school=school,
            name="Bugården",
            street_address="Bugårdsbakken 1",
            postal_code="3213",
            city="Sandefjord",
        ),
        "sandar": factories.LocationFactory(school=school, name="Sandar Øst"),
    }


@pytest.fixture
def catalogue(school: Any, locations: dict[str, Any]) -> dict[str, Offer]:
    """Four published offers that differ in every filtered property, and one unpublished."""
    return {
        "violin": factories.OfferFactory(
            school=school,
            location=locations["bugarden"],
            name="Fiolin",
            slug="fiolin",
            discipline=Discipline.MUSIC,
            instrument="Fiolin",
            min_age=6,
            max_age=12,
            description="Suzuki-metoden for de yngste.",
        ),
        "ballet": factories.OfferFactory(
            school=school,
            location=locations["sandar"],
            name="Ballett",
            slug="ballett",
            discipline=Discipline.DANCE,
            min_age=4,
            max_age=8,
            description="Klassisk ballett i gruppe.",
        ),
        "theatre": factories.OfferFactory(
            school=school,
            location=locations["bugarden"],
            name="Teaterkurs",
            slug="teaterkurs",
            kind=Offer.Kind.COURSE,
            discipline=Discipline.DRAMA,
            min_age=13,
            max_age=None,
            description="Improvisasjon og scenearbeid.",
        ),
        "band": factories.OfferFactory(
            school=school,
            location=locations["sandar"],
            name="Band",
            slug="band",
            discipline=Discipline.MUSIC,
            instrument="El-gitar",
            min_age=None,
            max_age=None,
            audition_required=True,
            accepting_applications=False,
        ),
        "hidden": factories.OfferFactory(
            school=school,
            location=locations["sandar"],
            name="Skjult fiolinkurs",
            slug="skjult",
            is_published=False,
        ),
    }
