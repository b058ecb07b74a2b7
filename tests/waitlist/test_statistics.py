"""Waiting-list statistics (§5d): distinct children, switchers left out; the page, its charts
(SVG and PNG drawn on the server) and CSV, and who may see them."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from enrollment.models import Application, Offer, Placement
from kulturskole.access import Role
from tests import factories
from tests.conftest import login
from waitlist import selectors, statistics
from waitlist.models import WaitingListSnapshot

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
NOW = dt.datetime(2026, 9, 10, 12, 0, tzinfo=OSLO)
TODAY = NOW.date()
PAGE = "/office/sandefjord/statistics/"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def offer(school: Any, name: str, **kwargs: Any) -> Offer:
    return factories.OfferFactory(school=school, name=name, **kwargs)


def child(school: Any, name: str = "Ola") -> Any:
    return factories.PupilFactory(household__school=school, first_name=name)


def apply(pupil: Any, offer: Offer, **kwargs: Any) -> Application:
    return factories.ApplicationFactory(pupil=pupil, offer=offer, **kwargs)


@pytest.fixture
def lists(school: Any) -> dict[str, Any]:
    """Fiolin: Ola and Kari; Piano: Ola (second choice) and Per, who holds a place in Gitar and
    only wants to switch; Gitar: nobody. Keramikk is a course."""
    violin, piano, guitar = (offer(school, name) for name in ("Fiolin", "Piano", "Gitar"))
    ceramics = offer(school, "Keramikk", kind=Offer.Kind.COURSE)
    ola, kari, per = child(school, "Ola"), child(school, "Kari"), child(school, "Per")
    apply(ola, violin)
    apply(ola, piano, preference=2)
    apply(kari, violin)
    apply(kari, ceramics, preference=None)
    place = factories.PlacementFactory(pupil=per, offer=guitar, status=Placement.Status.ACTIVE)
    apply(per, piano, kind=Application.Kind.SWITCH, switch_from=place)
    return {"violin": violin, "piano": piano, "guitar": guitar, "per": per}


# --- Counting (§5d) ---------------------------------------------------------------------------


def by_name(count: statistics.SchoolCount) -> dict[str, tuple[int, int, int]]:
    return {row.offer.name: (row.children, row.applications, row.switching) for row in count.offers}


def test_s5d_a_child_with_two_applications_counts_once_for_the_school(
    school: Any, lists: dict[str, Any]
) -> None:
    count = statistics.school_count(school)
    assert count.children == 2  # Ola and Kari; Per only wants to switch
    assert count.applications == 4


def test_s5d_pupils_who_hold_a_place_and_only_want_to_switch_are_left_out(
    school: Any, lists: dict[str, Any]
) -> None:
    assert by_name(statistics.school_count(school)) == {
        "Fiolin": (2, 2, 0),
        "Gitar": (0, 0, 0),
        "Piano": (1, 2, 1),
    }


def test_s5d_a_switcher_who_also_applies_for_a_new_place_counts(
    school: Any, lists: dict[str, Any]
) -> None:
    apply(lists["per"], lists["violin"], preference=2)
    count = statistics.school_count(school)
    assert count.children == 3
    assert by_name(count)["Fiolin"] == (3, 3, 0)


def test_s5d_closed_applications_and_courses_do_not_count(
    school: Any, lists: dict[str, Any]
) -> None:
    Application.objects.filter(offer=lists["violin"]).update(status=Application.Status.WITHDRAWN)
    count = statistics.school_count(school)
    assert count.children == 1
    assert "Keramikk" not in by_name(count)


def test_s5d_offered_applicants_still_wait_until_they_sign(
    school: Any, lists: dict[str, Any]
) -> None:
    Application.objects.filter(offer=lists["violin"]).update(status=Application.Status.OFFERED)
    assert by_name(statistics.school_count(school))["Fiolin"] == (2, 2, 0)


def test_s5d_the_counts_agree_with_children_waiting_for_each_offer(
    school: Any, lists: dict[str, Any], other_school: Any
) -> None:
    apply(child(other_school), offer(other_school, "Fiolin"))
    count = statistics.school_count(school)
    assert count.children == selectors.children_waiting(school)
    for row in count.offers:
        assert row.children == selectors.children_waiting(school, offer=row.offer)


def test_s5d_counting_every_offer_takes_a_fixed_number_of_queries(school: Any) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            statistics.school_count(school)
        return len(captured.captured_queries)

    apply(child(school), offer(school, "Fiolin"))
    few = queries()
    for index in range(8):
        more = offer(school, f"Tilbud {index}")
        for _ in range(3):
            apply(child(school), more)
    assert queries() == few == 3


def test_the_snapshot_is_taken_once_a_day_and_updated_when_taken_again(
    school: Any, lists: dict[str, Any]
) -> None:
    assert statistics.snapshot_take(school=school, day=TODAY) == 4  # school + 3 offers
    apply(child(school, "Eva"), lists["guitar"])
    statistics.snapshot_take(school=school, day=TODAY)
    assert WaitingListSnapshot.objects.count() == 4
    total = WaitingListSnapshot.objects.get(offer__isnull=True, day=TODAY)
    assert total.children == 3
    assert WaitingListSnapshot.objects.get(offer=lists["guitar"]).children == 1


def test_waiting_over_time_reads_the_school_totals_in_a_period(school: Any) -> None:
    for days_ago, children in ((40, 5), (10, 7), (0, 9)):
        WaitingListSnapshot.objects.create(
            school=school, day=TODAY - dt.timedelta(days=days_ago), children=children
        )
    points = statistics.waiting_over_time(school, since=TODAY - dt.timedelta(days=29))
    assert [(p.day, p.children) for p in points] == [
        (TODAY - dt.timedelta(days=10), 7),
        (TODAY, 9),
    ]


# --- Who may see the statistics ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["office_user", "principal_user", "superuser"])
def test_office_staff_and_the_principal_see_the_statistics(
    client: Client, school: Any, who: str, request: pytest.FixtureRequest
) -> None:
    login(client, request.getfixturevalue(who))
    assert client.get(PAGE).status_code == 200
    assert client.get(PAGE + "charts/offers.svg").status_code == 200
    assert client.get(PAGE + "offers.csv").status_code == 200


@pytest.mark.parametrize("who", ["guardian_user", "teacher_user", "stranger"])
def test_guardians_teachers_and_strangers_are_turned_away(
    client: Client, school: Any, who: str, request: pytest.FixtureRequest
) -> None:
    login(client, request.getfixturevalue(who))
    for url in (PAGE, PAGE + "charts/offers.png", PAGE + "over-time.csv"):
        assert client.get(url).status_code in (403, 404)


def test_another_schools_statistics_are_not_found(
    client: Client, other_school: Any, office_user: Any
) -> None:
    login(client, office_user)
    for url in ("/office/sondre-land/statistics/", "/office/sondre-land/statistics/offers.csv"):
        assert client.get(url).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client: Client, school: Any) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- The page, the charts and the CSV ---------------------------------------------------------


@pytest.fixture
def office(client: Client, office_user: Any) -> Client:
    return login(client, office_user)


@time_machine.travel(NOW, tick=False)
def test_the_page_shows_the_numbers_in_tables_next_to_the_charts(
    office: Client, lists: dict[str, Any], school: Any
) -> None:
    statistics.snapshot_take(school=school, day=TODAY - dt.timedelta(days=1))
    page = office.get(PAGE).content.decode()
    assert "children waiting" in page
    assert '<img src="/office/sandefjord/statistics/charts/offers.svg"' in page
    assert '<img src="/office/sandefjord/statistics/charts/over-time.svg"' in page
    assert "/office/sandefjord/statistics/charts/offers.png?download=1" in page
    assert "<caption>" in page and "Fiolin" in page
    assert "/office/sandefjord/fees/" in page
    assert "<svg" not in page  # charts are images: inline SVG styles would break the CSP


@time_machine.travel(NOW, tick=False)
def test_the_page_has_an_empty_state(office: Client, school: Any) -> None:
    page = office.get(PAGE).content.decode()
    assert "Nobody is waiting for a place right now." in page
    assert "No daily counts recorded in this period yet." in page


@time_machine.travel(NOW, tick=False)
def test_a_bad_period_is_explained_and_the_default_used(office: Client, school: Any) -> None:
    response = office.get(PAGE + "?period=forever")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_the_page_makes_a_fixed_number_of_queries(
    office: Client, school: Any, lists: dict[str, Any]
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert office.get(PAGE).status_code == 200
        return len(captured.captured_queries)

    few = queries()
    for index in range(5):
        more = offer(school, f"Tilbud {index}")
        apply(child(school), more)
    for days_ago in range(30):
        WaitingListSnapshot.objects.create(
            school=school, day=TODAY - dt.timedelta(days=days_ago), children=days_ago
        )
    assert queries() == few


@pytest.mark.parametrize("chart", ["offers", "over-time"])
@time_machine.travel(NOW, tick=False)
def test_each_chart_is_a_valid_svg_and_png(
    office: Client, lists: dict[str, Any], school: Any, chart: str
) -> None:
    statistics.snapshot_take(school=school, day=TODAY - dt.timedelta(days=2))
    statistics.snapshot_take(school=school, day=TODAY)
    svg = office.get(f"{PAGE}charts/{chart}.svg")
    assert svg.status_code == 200
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b"<?xml") and b"<svg" in svg.content[:600]
    assert "Content-Disposition" not in svg
    assert "private" in svg["Cache-Control"]
    assert "style-src 'unsafe-inline'" in svg["Content-Security-Policy"]
    png = office.get(f"{PAGE}charts/{chart}.png?download=1")
    assert png["Content-Type"] == "image/png"
    assert png.content.startswith(PNG_MAGIC)
    assert png["Content-Disposition"] == (
        f'attachment; filename="waiting-{chart}-sandefjord-2026-09-10.png"'
    )


@time_machine.travel(NOW, tick=False)
def test_charts_without_data_are_still_valid_images(office: Client, school: Any) -> None:
    assert office.get(PAGE + "charts/offers.png").content.startswith(PNG_MAGIC)
    assert b"<svg" in office.get(PAGE + "charts/over-time.svg").content[:600]


def test_unknown_charts_and_formats_are_not_found(office: Client, school: Any) -> None:
    assert office.get(PAGE + "charts/pie.svg").status_code == 404
    assert office.get(PAGE + "charts/offers.gif").status_code == 404
    assert office.get(PAGE + "secrets.csv").status_code == 404


def test_the_page_itself_keeps_the_strict_policy(office: Client, school: Any) -> None:
    policy = office.get(PAGE)["Content-Security-Policy"]
    assert "unsafe-inline" not in policy


@time_machine.travel(NOW, tick=False)
def test_the_csv_has_the_numbers_for_excel(
    office: Client, lists: dict[str, Any], school: Any
) -> None:
    response = office.get(PAGE + "offers.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Offer;Location;Children waiting")
    assert any(line.startswith("Piano;") and line.endswith(";1;2;1") for line in lines)
    assert lines[-1].startswith("Whole school (each child once);;2;4")
    WaitingListSnapshot.objects.create(school=school, day=TODAY, children=2)
    over_time = office.get(PAGE + "over-time.csv").content.decode("utf-8")
    assert "2026-09-10;2" in over_time


def test_csv_cells_that_look_like_formulas_are_kept_as_text(office: Client, school: Any) -> None:
    apply(child(school), offer(school, "=HYPERLINK(1)"))
    assert "'=HYPERLINK(1)" in office.get(PAGE + "offers.csv").content.decode()


def test_a_teacher_who_is_also_office_staff_elsewhere_sees_only_that_school(
    client: Client, school: Any, other_school: Any
) -> None:
    user = factories.UserFactory(totp=True)
    factories.StaffRoleFactory(user=user, school=school, role=Role.TEACHER)
    factories.StaffRoleFactory(user=user, school=other_school, role=Role.OFFICE)
    login(client, user)
    assert client.get(PAGE).status_code == 404
    assert client.get("/office/sondre-land/statistics/").status_code == 200
