"""An offer's waiting list as CSV and XLSX: the filtered rows, in the list's order."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from enrollment.models import Application, Offer, Term
from kulturskole.access import Role
from tests import factories
from tests.conftest import login
from waitlist import exports

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
JUNE = dt.datetime(2026, 6, 25, 10, 0, tzinfo=OSLO)  # places offered now start in the autumn


@pytest.fixture(autouse=True)
def _english(client: Client, settings: Any) -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"), time_machine.travel(JUNE, tick=False):
        yield


@pytest.fixture
def office(client: Client, office_user: Any) -> Client:
    return login(client, office_user)


@pytest.fixture
def offer(school: Any) -> Offer:
    factories.TermFactory(school=school, year=2026, season=Term.Season.AUTUMN)
    return factories.OfferFactory(school=school, name="Fiolin", slug="fiolin", capacity=2)


def apply(offer: Offer, first_name: str, submitted: dt.datetime, **kwargs: Any) -> Application:
    household = factories.HouseholdFactory(school=offer.school, name="Hansen")
    pupil = factories.PupilFactory(
        household=household,
        first_name=first_name,
        last_name="Hansen",
        birth_date=dt.date(2015, 4, 30),
    )
    return factories.ApplicationFactory(
        pupil=pupil,
        offer=offer,
        submitted_at=submitted,
        seniority_date=submitted.date(),
        **kwargs,
    )


@pytest.fixture
def applicants(offer: Offer) -> list[Application]:
    return [
        apply(offer, "Åse", dt.datetime(2026, 1, 10, 9, 30, tzinfo=OSLO)),
        # A name that a spreadsheet would run as a formula.
        apply(offer, "=HYPERLINK(1)", dt.datetime(2026, 2, 1, 9, 0, tzinfo=OSLO)),
        apply(offer, "Sen", dt.datetime(2026, 5, 20, 9, 0, tzinfo=OSLO)),  # after 1 May (§3a)
    ]


def url(name: str, school: Any, **kwargs: Any) -> str:
    return reverse(name, kwargs={"school": school.slug, **kwargs})


def test_the_csv_has_a_bom_semicolons_a_header_and_the_rows_in_rank_order(
    office: Client, school: Any, offer: Offer, applicants: list
) -> None:
    response = office.get(url("admission:waiting_list_csv", school, pk=offer.pk))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        'filename="waiting-list-sandefjord-fiolin-2026-06-25.csv"'
        in response["Content-Disposition"]
    )
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert rows[0][:3] == ["Position", "Pupil", "Date of birth"]
    assert [row[0] for row in rows[1:]] == ["1", "2", "3"]
    assert rows[1][1] == "Åse Hansen"
    assert rows[1][2] == "2015-04-30"
    assert rows[1][4] == "2026-01-10 09:30"
    # Formula injection: the cell starts with a quote, so Excel shows it as text.
    assert rows[2][1] == "'=HYPERLINK(1) Hansen"
    assert rows[3][7] == "Yes"  # late
    assert "Late application (§3a)" in rows[3][10]


def test_the_csv_follows_the_filters(
    office: Client, school: Any, offer: Offer, applicants: list
) -> None:
    response = office.get(url("admission:waiting_list_csv", school, pk=offer.pk) + "?late=on")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:]), delimiter=";"))
    assert len(rows) == 2
    assert (rows[1][0], rows[1][1]) == ("3", "Sen Hansen")


def test_the_xlsx_opens_with_a_header_real_dates_widths_and_every_row(
    office: Client, school: Any, offer: Offer, applicants: list
) -> None:
    response = office.get(url("admission:waiting_list_xlsx", school, pk=offer.pk))

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert ".xlsx" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    assert sheet.title == "Fiolin"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Position", "Pupil")
    assert sheet["A1"].font.bold
    assert len(rows) == 4
    assert rows[1][0] == 1
    assert rows[1][1] == "Åse Hansen"
    # Real dates, not text (Excel's dates have no time zone: local time is written).
    assert rows[1][2].date() == dt.date(2015, 4, 30)
    assert rows[1][4].replace(tzinfo=OSLO) == dt.datetime(2026, 1, 10, 9, 30, tzinfo=OSLO)
    assert rows[1][5].date() == dt.date(2026, 1, 10)
    assert sheet["C2"].is_date and sheet["C2"].number_format == "dd.mm.yyyy"
    # Never a formula.
    assert sheet["B3"].data_type == "s"
    assert rows[2][1] == "=HYPERLINK(1) Hansen"
    assert sheet.column_dimensions["K"].width >= 40
    assert sheet.freeze_panes == "A2"


def test_an_empty_list_exports_just_the_header(office: Client, school: Any, offer: Offer) -> None:
    response = office.get(url("admission:waiting_list_xlsx", school, pk=offer.pk))
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert len(rows) == 1


def test_another_school_cannot_export_the_list(
    client: Client, school: Any, other_school: Any, offer: Offer, applicants: list
) -> None:
    elsewhere = factories.StaffRoleFactory(
        school=other_school, role=Role.OFFICE, user__totp=True
    ).user
    login(client, elsewhere)
    for name in ("admission:waiting_list_csv", "admission:waiting_list_xlsx"):
        assert client.get(url(name, school, pk=offer.pk)).status_code == 404
        assert client.get(url(name, other_school, pk=offer.pk)).status_code == 404


def test_csv_safe_keeps_formulas_as_text() -> None:
    assert exports.csv_safe("=1+1") == "'=1+1"
    assert exports.csv_safe("+47 900 00 000") == "'+47 900 00 000"
    assert exports.csv_safe("-") == "'-"
    assert exports.csv_safe("@SUM") == "'@SUM"
    assert exports.csv_safe("Åse") == "Åse"
    assert exports.csv_safe(3) == 3
