"""A teacher's own groups: this term and later ones, and nobody else's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from enrollment.models import Term
from kulturskole.access import Role
from tests import factories
from tests.conftest import login

TODAY = dt.datetime(2026, 10, 5, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _english(client: Client, settings: Any) -> Any:
    """Assertions read the English source text, whatever catalogues are compiled."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def teacher(client: Client, teacher_user: Any) -> Client:
    return login(client, teacher_user)


@pytest.fixture
def terms(school: Any) -> dict[str, Term]:
    return {
        "past": factories.TermFactory(school=school, year=2026, season=Term.Season.SPRING),
        "current": factories.TermFactory(school=school, year=2026, season=Term.Season.AUTUMN),
        "next": factories.TermFactory(school=school, year=2027, season=Term.Season.SPRING),
    }


def group(teacher: Any, term: Term, **kwargs: Any) -> Any:
    offer = kwargs.pop("offer", None) or factories.OfferFactory(school=term.school)
    return factories.TeachingGroupFactory(teacher=teacher, term=term, offer=offer, **kwargs)


@time_machine.travel(TODAY)
def test_teacher_sees_own_groups_this_term_and_next_but_not_past_ones(
    teacher: Client, teacher_user: Any, terms: dict[str, Term]
) -> None:
    group(teacher_user, terms["past"], name="Vårgruppe")
    group(teacher_user, terms["current"], name="Høstgruppe", room="Sal 2")
    group(teacher_user, terms["next"], name="Neste vår")
    group(factories.UserFactory(), terms["current"], name="Kollegas gruppe")

    page = teacher.get(reverse("teaching:groups")).content.decode()

    assert "Høstgruppe" in page
    assert "Sal 2" in page
    assert "Neste vår" in page
    assert "Vårgruppe" not in page
    assert "Kollegas gruppe" not in page


@time_machine.travel(TODAY)
def test_teacher_without_groups_is_told_so(teacher: Client) -> None:
    page = teacher.get(reverse("teaching:groups")).content.decode()
    assert "You have no teaching groups" in page


@time_machine.travel(TODAY)
def test_group_list_makes_the_same_number_of_queries_for_3_and_30_groups(
    teacher: Client, teacher_user: Any, terms: dict[str, Term], django_assert_num_queries: Any
) -> None:
    offer = factories.OfferFactory(school=terms["current"].school)
    for _ in range(3):
        group(teacher_user, terms["current"], offer=offer)
    path = reverse("teaching:groups")
    teacher.get(path)
    with CaptureQueriesContext(connection) as few:
        teacher.get(path)
    for index in range(27):
        group(
            teacher_user,
            terms["next"] if index % 2 else terms["current"],
            offer=factories.OfferFactory(school=terms["current"].school),
        )
    with django_assert_num_queries(len(few.captured_queries)):
        teacher.get(path)


def test_group_page_shows_the_offer_schedule_and_location(
    teacher: Client, teacher_user: Any, terms: dict[str, Term]
) -> None:
    offer = factories.OfferFactory(
        school=terms["current"].school, name="Fiolin", description="Suzuki-metoden."
    )
    own = group(teacher_user, terms["current"], offer=offer, room="Rom 12")

    page = teacher.get(reverse("teaching:group", args=[own.pk])).content.decode()

    assert "Fiolin" in page
    assert "Suzuki-metoden." in page
    assert "17:00–17:45" in page
    assert own.location.name in page
    assert "Rom 12" in page
    assert "pupil list is not available yet" in page


def test_another_teachers_group_is_not_found(teacher: Client, terms: dict[str, Term]) -> None:
    theirs = group(factories.UserFactory(), terms["current"])
    assert teacher.get(reverse("teaching:group", args=[theirs.pk])).status_code == 404


def test_own_group_at_a_school_where_the_user_no_longer_teaches_is_not_found(
    teacher: Client, teacher_user: Any, other_school: Any
) -> None:
    term = factories.TermFactory(school=other_school)
    old = group(teacher_user, term)
    assert teacher.get(reverse("teaching:group", args=[old.pk])).status_code == 404


def test_office_staff_who_do_not_teach_are_refused(client: Client, office_user: Any) -> None:
    login(client, office_user)
    assert client.get(reverse("teaching:groups")).status_code == 403


def test_office_staff_who_also_teach_see_their_groups(
    client: Client, office_user: Any, school: Any
) -> None:
    factories.StaffRoleFactory(user=office_user, school=school, role=Role.TEACHER)
    assert login(client, office_user).get(reverse("teaching:groups")).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("teaching:groups"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
