"""The Kulturløpet demo data: the seed's gathering, and running it twice changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import authenticate

from enrollment import demo as enrollment_demo
from kulturskole.access import Role, in_depth_pupils_for_guardian, roles_for
from regional import demo, selectors
from regional.models import Gathering, Programme

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 27)


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in apps.get_app_config("regional").get_models()
    }


def test_the_demo_has_the_seed_gathering_and_running_it_twice_changes_nothing():
    enrollment_demo.seed_demo(today=TODAY)
    list(demo.seed_demo(today=TODAY))
    first = counts()
    list(demo.seed_demo(today=TODAY))
    assert counts() == first

    programme = Programme.objects.get(slug="kulturlopet")
    assert programme.grant_amount == Decimal("665000.00")
    assert programme.schools.count() == 6
    seed = programme.gatherings.get(date=dt.date(2023, 2, 4))
    assert (seed.starts_at, seed.ends_at, seed.budget) == (
        dt.time(10),
        dt.time(14),
        Decimal("16000.00"),
    )
    assert "Gjøvik videregående skole" in seed.venue
    sessions = list(seed.sessions.order_by("starts_at", "title"))
    assert sessions[0].title == "Felles teateroppvarming" and sessions[0].for_everyone
    assert {tuple(s.disciplines) for s in sessions if not s.for_everyone} == {
        ("instrument",),
        ("singing",),
        ("dance",),
        ("drama",),
    }
    assert "kunne vart mye lengre" in seed.evaluation_notes.get().text
    assert seed.registrations.filter(needs_transport=True).exists()
    upcoming = programme.gatherings.get(status=Gathering.Status.OPEN)
    assert upcoming.date > TODAY >= upcoming.registration_deadline - dt.timedelta(days=30)
    seed_budget = next(
        b
        for b in selectors.budget_by_activity(programme, selectors.budget_lines(programme))
        if b.activity and b.activity.gathering_id == seed.pk
    )
    assert seed_budget.summary.spent == Decimal("15865.50")
    assert programme.network_meetings.count() >= 4


def test_the_demo_guardian_at_gjovik_has_an_in_depth_child_registered_for_the_coming_gathering():
    enrollment_demo.seed_demo(today=TODAY)
    list(demo.seed_demo(today=TODAY))
    list(demo.seed_demo(today=TODAY))
    login = enrollment_demo.GJOVIK_GUARDIAN
    assert login in enrollment_demo.DEMO_LOGINS
    assert login.email in enrollment_demo.logins_table()
    user = authenticate(email=login.email, password=enrollment_demo.DEMO_PASSWORD)
    assert user is not None
    assert roles_for(user).has(Role.GUARDIAN)
    assert user.guardianships.get().household.school.slug == "gjovik"
    children = list(in_depth_pupils_for_guardian(user))
    assert [child.first_name for child in children] == ["Ida"]
    upcoming = Gathering.objects.get(status=Gathering.Status.OPEN)
    assert children[0].registrations.filter(gathering=upcoming).exists()
