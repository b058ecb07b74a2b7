"""`manage.py run_admission`: the same admission as the office's page, from the command line."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from enrollment.models import Application, Term
from kulturskole.models import AuditEvent
from tests import factories
from waitlist import services
from waitlist.management.commands.run_admission import parse_term
from waitlist.models import AdmissionRound, PlaceOffer

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
MARCH = dt.datetime(2026, 3, 2, 10, 0, tzinfo=OSLO)


@pytest.fixture(autouse=True)
def _march() -> Any:
    with time_machine.travel(MARCH, tick=False):
        yield


@pytest.fixture
def autumn(school: Any) -> Term:
    return factories.TermFactory(school=school, year=2026, season=Term.Season.AUTUMN)


@pytest.fixture
def applicants(school: Any) -> list[Application]:
    violin = factories.OfferFactory(school=school, name="Fiolin", capacity=2)
    cello = factories.OfferFactory(school=school, name="Cello", capacity=1)
    result = []
    for i in range(4):
        pupil = factories.PupilFactory(
            household=factories.HouseholdFactory(school=school), first_name=f"B{i}"
        )
        seniority = dt.date(2025, 1, i + 1)
        result.append(
            factories.ApplicationFactory(
                pupil=pupil, offer=violin, preference=1, seniority_date=seniority
            )
        )
        result.append(
            factories.ApplicationFactory(
                pupil=pupil, offer=cello, preference=2, seniority_date=seniority
            )
        )
    return result


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("run_admission", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_prints_the_summary_and_writes_nothing(
    school: Any, autumn: Any, applicants: list
) -> None:
    events = AuditEvent.objects.count()

    output = run("--school", "sandefjord", "--term", "autumn-2026", "--dry-run", "--seed", "5")

    assert not PlaceOffer.objects.exists()
    assert not AdmissionRound.objects.exists()
    assert AuditEvent.objects.count() == events
    assert "DRY RUN" in output
    assert "Seed: 5" in output
    lines = {line.split()[0]: line.split()[1:] for line in output.splitlines() if line}
    # Free, offered, waiting, elsewhere, needs audition.
    assert lines["Fiolin"] == ["2", "2", "2", "0", "0"]
    assert lines["Cello"] == ["1", "1", "1", "2", "0"]
    assert "3 free places, 8 applications considered, 3 place offers." in output
    # No fee schedule: a real run would be refused, and the dry run says so.
    assert "A real run would be refused" in output


def test_the_run_makes_the_place_offers_of_the_dry_run(
    school: Any, autumn: Any, applicants: list
) -> None:
    factories.FeeScheduleFactory(school=school, school_year=2026)
    plan = services.admission_plan(school=school, term=autumn, seed=5)

    output = run("--school", "sandefjord", "--term", "2026-autumn", "--seed", "5")

    round_ = AdmissionRound.objects.get()
    assert (round_.seed, round_.offers_made, round_.run_by) == (5, 3, None)
    assert set(PlaceOffer.objects.values_list("application_id", flat=True)) == {
        d.application.pk for d in plan.offered
    }
    assert f"round {round_.pk}" in output
    assert "3 place offers sent; 5 applications stay waiting." in output
    assert "Seed: 5" in output


def test_a_run_without_a_seed_draws_one_and_prints_it(
    school: Any, autumn: Any, applicants: list
) -> None:
    factories.FeeScheduleFactory(school=school, school_year=2026)
    output = run("--school", "sandefjord", "--term", "autumn-2026")
    assert f"Seed: {AdmissionRound.objects.get().seed}" in output


def test_a_refused_run_is_a_clear_error_and_writes_nothing(
    school: Any, autumn: Any, applicants: list
) -> None:
    with pytest.raises(CommandError, match="no fee schedule for 2026/27"):
        run("--school", "sandefjord", "--term", "autumn-2026")
    assert not AdmissionRound.objects.exists()


def test_an_unknown_school_or_term_is_a_clear_error(school: Any, autumn: Any) -> None:
    with pytest.raises(
        CommandError, match=re.escape("No school with the slug 'nowhere'. Schools: sandefjord")
    ):
        run("--school", "nowhere", "--term", "autumn-2026")
    with pytest.raises(
        CommandError, match=re.escape("has no term spring-2030. Its terms: autumn-2026")
    ):
        run("--school", "sandefjord", "--term", "spring-2030")
    with pytest.raises(CommandError, match="like autumn-2027 or 2027-spring"):
        run("--school", "sandefjord", "--term", "next")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("autumn-2027", ("autumn", 2027)),
        ("2027-autumn", ("autumn", 2027)),
        ("Spring 2028", ("spring", 2028)),
        ("høst-2027", ("autumn", 2027)),
        ("2028-vår", ("spring", 2028)),
    ],
)
def test_the_term_is_read_with_the_season_before_or_after_the_year(
    text: str, expected: tuple
) -> None:
    assert parse_term(text) == expected


@pytest.mark.parametrize("text", ["winter-2027", "2027", "autumn", "27-autumn"])
def test_a_term_that_cannot_be_read_is_refused(text: str) -> None:
    with pytest.raises(CommandError):
        parse_term(text)
