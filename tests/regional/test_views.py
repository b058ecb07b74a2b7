"""The programme's pages: who sees what, forms that refuse bad input, exports and documents."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar
from openpyxl import load_workbook

from regional.models import (
    ActivitySuggestion,
    BudgetLine,
    EvaluationNote,
    Gathering,
    Material,
    MentorPair,
    NetworkMeeting,
    Registration,
)
from tests import factories
from tests.conftest import login
from tests.regional.conftest import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupils(programme: Any, school: Any, partner: Any) -> dict[str, Any]:
    return {
        "ours": factories.InDepthPupilFactory(
            programme=programme, school=school, first_name="Oda", last_name="Vår"
        ),
        "theirs": factories.InDepthPupilFactory(
            programme=programme, school=partner, first_name="Selma", last_name="Deres"
        ),
    }


# --- Who sees what -----------------------------------------------------------------------------


def test_the_project_leader_and_steering_group_see_every_schools_pupils(
    client, programme, leader, steering, pupils
):
    for user in (leader, steering):
        page = login(client, user).get(url("pupils", programme)).content.decode()
        assert "Oda Vår" in page
        assert "Selma Deres" in page


def test_a_partner_schools_staff_see_only_their_own_pupils(
    client, programme, office_user, teacher_user, pupils
):
    for user in (office_user, teacher_user):
        page = login(client, user).get(url("pupils", programme)).content.decode()
        assert "Oda Vår" in page
        assert "Selma Deres" not in page
        response = client.get(url("pupil", programme, pk=pupils["theirs"].pk))
        assert response.status_code == 404


def test_a_school_outside_the_programme_sees_nothing_of_it(
    client, programme, outside_office, gathering, pupils
):
    login(client, outside_office)
    for name, kwargs in (
        ("programme", {}),
        ("pupils", {}),
        ("gathering", {"pk": gathering.pk}),
        ("pupil", {"pk": pupils["ours"].pk}),
        ("plan", {}),
        ("materials", {}),
    ):
        assert client.get(url(name, programme, **kwargs)).status_code == 404, name


def test_staff_register_only_their_own_schools_pupils(
    client, programme, office_user, partner, gathering, pupils, time_machine
):
    time_machine.move_to(dt.datetime(2026, 1, 20, 12, tzinfo=dt.UTC))
    login(client, office_user)
    assert (
        client.get(url("register", programme, pk=gathering.pk, school=partner.slug)).status_code
        == 404
    )
    own = url(
        "register", programme, pk=gathering.pk, school=office_user.staff_roles.get().school.slug
    )
    response = client.post(own, {"pupil": pupils["theirs"].pk})
    assert response.status_code == 200
    assert "Choose one of your school" in response.content.decode()
    assert not Registration.objects.exists()
    response = client.post(own, {"pupil": pupils["ours"].pk, "needs_transport": "on"})
    assert response.status_code == 302
    assert Registration.objects.get().pupil == pupils["ours"]


def test_teachers_do_not_register_but_give_feedback(
    client, programme, teacher_user, school, gathering, time_machine
):
    time_machine.move_to(dt.datetime(2026, 2, 8, 12, tzinfo=dt.UTC))
    session = factories.GatheringSessionFactory(gathering=gathering)
    login(client, teacher_user)
    assert (
        client.get(url("register", programme, pk=gathering.pk, school=school.slug)).status_code
        == 404
    )
    response = client.post(
        url("feedback", programme, pk=gathering.pk),
        {f"rating_{session.pk}": "4", f"comment_{session.pk}": "Kunne vart lengre"},
    )
    assert response.status_code == 302
    assert session.feedback.get().teacher == teacher_user


def test_the_steering_group_reads_but_cannot_change_the_status(client, programme, steering):
    gathering = factories.GatheringFactory(programme=programme)
    response = login(client, steering).post(
        url("gathering_status", programme, pk=gathering.pk), {"status": "open"}
    )
    assert response.status_code == 403
    gathering.refresh_from_db()
    assert gathering.status == "planned"


def test_the_project_leader_opens_a_gathering_for_registration(
    client, programme, leader, time_machine
):
    time_machine.move_to(dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC))
    gathering = factories.GatheringFactory(programme=programme)
    response = login(client, leader).post(
        url("gathering_status", programme, pk=gathering.pk), {"status": "open"}
    )
    assert response.status_code == 302
    gathering.refresh_from_db()
    assert gathering.status == "open"
    assert gathering.opened_at is not None


def test_a_registration_is_taken_back_only_by_the_pupils_own_school(
    client, programme, office_user, partner_office, gathering, pupils, time_machine
):
    time_machine.move_to(dt.datetime(2026, 1, 20, 12, tzinfo=dt.UTC))
    registration = factories.RegistrationFactory(gathering=gathering, pupil=pupils["ours"])
    cancel = url("registration_cancel", programme, pk=gathering.pk, registration=registration.pk)
    assert login(client, partner_office).post(cancel).status_code == 404
    assert Registration.objects.exists()
    assert login(client, office_user).post(cancel).status_code == 302
    assert not Registration.objects.exists()


def test_the_project_leader_plans_the_default_network_meetings(client, programme, leader):
    login(client, leader).post(url("meetings_plan", programme))
    assert NetworkMeeting.objects.filter(programme=programme).count() == 12


def test_the_project_leader_takes_a_suggestion_into_the_plan(client, programme, leader):
    suggestion = ActivitySuggestion.objects.create(
        programme=programme, title="Beatmaking", created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    login(client, leader).post(
        url("suggestion_status", programme, pk=suggestion.pk), {"status": "planned"}
    )
    suggestion.refresh_from_db()
    assert suggestion.status == "planned"


# --- Bad input is a message, never a 500 -------------------------------------------------------


def test_a_gathering_ending_before_it_starts_is_refused_with_a_message(client, programme, leader):
    response = login(client, leader).post(
        url("gathering_create", programme),
        {
            "title": "Samling",
            "date": "2026-02-07",
            "starts_at": "14:00",
            "ends_at": "10:00",
            "venue": "Gjøvik",
            "budget": "16000",
        },
    )
    assert response.status_code == 200
    assert "must end after it starts" in response.content.decode()
    assert not Gathering.objects.exists()


@pytest.mark.parametrize("planned", ["tusen", "-5", "1e400", "12.345"])
def test_a_budget_line_with_a_bad_amount_is_refused(client, programme, leader, planned):
    response = login(client, leader).post(
        url("budget_line_create", programme),
        {"category": "food", "description": "Lunsj", "planned": planned},
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not BudgetLine.objects.exists()


def test_a_clashing_session_is_refused_with_a_message(client, programme, leader, gathering):
    factories.GatheringSessionFactory(gathering=gathering, title="Oppvarming")
    response = login(client, leader).post(
        url("session_create", programme, pk=gathering.pk),
        {"starts_at": "10:30", "ends_at": "11:30", "title": "Samspill"},
    )
    assert response.status_code == 200
    assert "overlaps" in response.content.decode()


def test_unknown_ids_are_not_found(client, programme, leader):
    login(client, leader)
    assert client.get(url("gathering", programme, pk=999999)).status_code == 404
    assert client.get(url("budget_chart", programme, fmt="gif")).status_code == 404


# --- Lists make a fixed number of queries -----------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "pupils",
        "gatherings",
        "budget",
        "plan",
        "programme",
        "report",
        "materials",
        "mentors",
        "meetings",
        "instructors",
    ],
)
def test_list_pages_make_the_same_number_of_queries_for_n_and_2n_rows(
    client, programme, leader, school, partner, name
):
    def add_rows(count: int) -> None:
        for _ in range(count):
            pupil = factories.InDepthPupilFactory(programme=programme, school=partner)
            older = factories.InDepthPupilFactory(
                programme=programme, school=school, birth_date=dt.date(2007, 1, 1)
            )
            MentorPair.objects.create(
                programme=programme, mentor=older, mentee=pupil, starts_on=dt.date(2026, 1, 1)
            )
            EvaluationNote.objects.create(
                programme=programme, text="x", author=leader, created_at=dt.datetime.now(dt.UTC)
            )
            Material.objects.create(
                programme=programme,
                title="Lenke",
                url="https://example.org",
                shared_by=leader,
                shared_at=dt.datetime.now(dt.UTC),
            )
            NetworkMeeting.objects.create(
                programme=programme,
                date=dt.date(2026, 1, 1) + dt.timedelta(days=NetworkMeeting.objects.count()),
                minutes="Referat",
            )
            instructor = factories.InstructorFactory(programme=programme)
            gathering = factories.GatheringFactory(programme=programme, status="held")
            factories.GatheringSessionFactory(gathering=gathering, instructor=instructor)
            factories.RegistrationFactory(gathering=gathering, pupil=pupil, attendance="present")
            BudgetLine.objects.create(
                programme=programme,
                category="food",
                description="x",
                planned=Decimal("10.00"),
                actual=Decimal("9.50"),
            )

    login(client, leader)
    add_rows(3)
    client.get(url(name, programme))
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(name, programme)).status_code == 200
    add_rows(3)
    with CaptureQueriesContext(connection) as many:
        client.get(url(name, programme))
    assert len(many.captured_queries) == len(few.captured_queries), name


# --- Exports, chart, PDFs and calendars --------------------------------------------------------


@pytest.fixture
def budget(programme: Any) -> None:
    for planned, actual in (("3000.00", "2985.50"), ("2500.00", "2380.00"), ("180000.00", None)):
        BudgetLine.objects.create(
            programme=programme,
            category="food",
            description="Lunsj",
            planned=Decimal(planned),
            actual=None if actual is None else Decimal(actual),
        )


def test_the_budget_page_shows_exact_sums(client, programme, leader, budget):
    context = login(client, leader).get(url("budget", programme)).context
    summary = context["summary"]
    assert (summary.spent, summary.committed, summary.remaining) == (
        Decimal("5365.50"),
        Decimal("180000.00"),
        Decimal("479634.50"),
    )


def test_the_budget_chart_is_an_svg_and_a_png(client, programme, steering, budget):
    login(client, steering)
    svg = client.get(url("budget_chart", programme, fmt="svg"))
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content
    png = client.get(url("budget_chart", programme, fmt="png") + "?download=1")
    assert png.content.startswith(b"\x89PNG")
    assert "attachment" in png["Content-Disposition"]


def test_the_budget_csv_has_decimal_commas_and_the_sums(client, programme, leader, budget):
    content = login(client, leader).get(url("budget_csv", programme)).content.decode("utf-8-sig")
    assert "2985,50" in content
    assert "Remaining;;;479634,50" in content


def test_the_budget_xlsx_holds_exact_amounts(client, programme, leader, budget):
    response = login(client, leader).get(url("budget_xlsx", programme))
    sheet = load_workbook(io.BytesIO(response.content)).active
    amounts = [row[4] for row in sheet.iter_rows(min_row=2, max_row=4, values_only=True)]
    assert sum(Decimal(str(a)) for a in amounts if a is not None) == Decimal("5365.50")


def test_partner_staff_do_not_see_the_budget(client, programme, office_user, budget):
    login(client, office_user)
    assert client.get(url("budget", programme)).status_code == 403
    assert client.get(url("budget_csv", programme)).status_code == 403
    assert client.get(url("report_pdf", programme)).status_code == 403


def test_the_gathering_calendar_file_has_the_day_in_oslo_time(client, programme, office_user):
    gathering = factories.GatheringFactory(
        programme=programme, date=dt.date(2023, 2, 4), title="Samling"
    )
    factories.GatheringSessionFactory(gathering=gathering, title="Teateroppvarming")
    response = login(client, office_user).get(url("gathering_ics", programme, pk=gathering.pk))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    event = next(iter(calendar.walk("VEVENT")))
    start = event.decoded("dtstart")
    assert (start.date(), start.hour, str(start.tzinfo)) == (dt.date(2023, 2, 4), 10, "Europe/Oslo")
    assert "Teateroppvarming" in str(event.get("description"))
    assert calendar.walk("VTIMEZONE")


def test_the_calendar_feed_needs_its_secret_address_only(client, programme):
    factories.GatheringFactory(programme=programme, title="Samling")
    response = client.get(f"/regions/calendar/{programme.calendar_token}.ics")
    assert response.status_code == 200
    assert b"Samling" in response.content
    assert (
        client.get("/regions/calendar/00000000-0000-0000-0000-000000000000.ics").status_code == 404
    )


@pytest.mark.parametrize("name", ["gathering_pdf", "report_pdf"])
def test_the_documents_are_pdfs(client, programme, leader, name, gathering):
    kwargs = {"pk": gathering.pk} if name == "gathering_pdf" else {}
    response = login(client, leader).get(url(name, programme, **kwargs))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_gathering_pdf_lists_only_the_staffs_own_pupils(
    client, programme, office_user, gathering, pupils
):
    from regional.views import gatherings as views

    factories.RegistrationFactory(gathering=gathering, pupil=pupils["ours"])
    factories.RegistrationFactory(gathering=gathering, pupil=pupils["theirs"])
    captured: dict[str, Any] = {}

    def fake_render(template: str, context: dict[str, Any]) -> bytes:
        captured.update(context)
        return b"%PDF-1.7"

    original = views.render_pdf
    views.render_pdf = fake_render
    try:
        login(client, office_user).get(url("gathering_pdf", programme, pk=gathering.pk))
    finally:
        views.render_pdf = original
    assert [r.pupil for r in captured["registrations"]] == [pupils["ours"]]
