"""The region home for the project leader and the steering group."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from enrollment import selectors
from enrollment.models import Discipline
from kulturskole.access import Role
from tests import factories
from tests.conftest import login


@pytest.fixture(autouse=True)
def _english(client: Client, settings: Any) -> Any:
    """Assertions read the English source text, whatever catalogues are compiled."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def region(school: Any, other_school: Any) -> Any:
    return factories.RegionFactory(
        name="Gjøvikregionen", slug="gjovikregionen", schools=[school, other_school]
    )


@pytest.fixture
def project_leader(region: Any) -> Any:
    user = factories.UserFactory(
        email="leder@example.org", first_name="Liv", last_name="Leder", totp=True
    )
    factories.RegionalRoleFactory(user=user, region=region, role=Role.PROJECT_LEADER)
    return user


@pytest.fixture
def steering_member(region: Any) -> Any:
    user = factories.UserFactory(email="styre@example.org")
    factories.RegionalRoleFactory(user=user, region=region, role=Role.STEERING_GROUP)
    return user


def home(region: Any) -> str:
    return reverse("regional:home", kwargs={"region": region.slug})


def test_project_leader_sees_partner_schools_with_contact_details(
    client: Client, project_leader: Any, region: Any, school: Any, other_school: Any
) -> None:
    page = login(client, project_leader).get(home(region)).content.decode()
    assert school.name in page
    assert other_school.name in page
    assert school.email in page
    assert school.phone in page


def test_region_home_counts_published_offers_per_discipline_per_school(
    client: Client, project_leader: Any, region: Any, school: Any, other_school: Any
) -> None:
    factories.OfferFactory.create_batch(2, school=school, discipline=Discipline.MUSIC)
    factories.OfferFactory(school=school, discipline=Discipline.DANCE)
    factories.OfferFactory(school=school, discipline=Discipline.DANCE, is_published=False)
    factories.OfferFactory(school=other_school, discipline=Discipline.DANCE)
    factories.OfferFactory(discipline=Discipline.CIRCUS)  # a school outside the region

    table = login(client, project_leader).get(home(region)).context["offers"]

    assert [value for value, _label in table.disciplines] == ["music", "dance"]
    rows = {row_school.slug: (cells, total) for row_school, cells, total in table.rows}
    assert rows[school.slug] == ([2, 1], 3)
    assert rows[other_school.slug] == ([0, 1], 1)
    assert (table.totals, table.total) == ([2, 2], 4)


def test_offers_per_discipline_are_counted_in_one_query(
    region: Any, school: Any, django_assert_num_queries: Any
) -> None:
    factories.OfferFactory.create_batch(3, school=school)
    schools = list(region.schools.all())
    with django_assert_num_queries(1):
        selectors.published_offers_by_discipline(schools)


def test_region_home_lists_the_people_with_regional_roles(
    client: Client, project_leader: Any, steering_member: Any, region: Any
) -> None:
    page = login(client, project_leader).get(home(region)).content.decode()
    assert "Liv Leder" in page
    assert "Project leader" in page
    assert "styre@example.org" in page
    assert "Steering group" in page


def test_steering_group_member_sees_the_region(
    client: Client, steering_member: Any, region: Any
) -> None:
    assert login(client, steering_member).get(home(region)).status_code == 200


def test_project_leader_of_another_region_gets_not_found(client: Client, region: Any) -> None:
    other_region = factories.RegionFactory(slug="vestfold")
    leader = factories.UserFactory(totp=True)
    factories.RegionalRoleFactory(user=leader, region=other_region, role=Role.PROJECT_LEADER)

    login(client, leader)

    assert client.get(home(region)).status_code == 404
    assert client.get(home(other_region)).status_code == 200


@pytest.mark.parametrize("who", ["office_user", "teacher_user", "stranger"])
def test_people_without_a_regional_role_get_not_found(
    client: Client, region: Any, who: str, request: Any
) -> None:
    user = request.getfixturevalue(who)
    assert login(client, user).get(home(region)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, region: Any) -> None:
    response = client.get(home(region))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_region_home_makes_the_same_number_of_queries_for_2_and_12_schools(
    client: Client, project_leader: Any, region: Any, django_assert_num_queries: Any
) -> None:
    login(client, project_leader)
    client.get(home(region))
    with CaptureQueriesContext(connection) as few:
        client.get(home(region))
    for _ in range(10):
        new_school = factories.SchoolFactory()
        factories.OfficeHoursFactory(school=new_school)
        factories.OfferFactory(school=new_school)
        region.schools.add(new_school)
        factories.RegionalRoleFactory(region=region, role=Role.STEERING_GROUP)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(home(region))
