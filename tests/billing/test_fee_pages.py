"""Fee schedules (§12a) and course prices (§12b) for office staff: who may see them, the forms
and their messages, the services and their audit trail, and the administration."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from billing import services
from billing.forms import KronerField
from billing.models import CoursePrice, FeeSchedule
from enrollment.models import Offer
from kulturskole.models import AuditEvent
from tests import factories
from tests.conftest import login

pytestmark = pytest.mark.django_db
LIST = "/office/sandefjord/fees/"
NEW = "/office/sandefjord/fees/new/"


@pytest.fixture
def office(client: Client, office_user: Any) -> Client:
    return login(client, office_user)


@pytest.fixture
def ceramics(school: Any) -> Offer:
    return factories.OfferFactory(school=school, name="Keramikk", kind=Offer.Kind.COURSE)


@pytest.fixture
def schedule(school: Any) -> FeeSchedule:
    return factories.FeeScheduleFactory(school=school, school_year=2026)


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "school_year": "2027",
        "place_fee_per_term": "1 900",
        "instrument_rental_per_term": "400",
        "decided_by": "Bystyret 10.12.2026",
        "note": "",
        "courses-TOTAL_FORMS": "0",
        "courses-INITIAL_FORMS": "0",
        "courses-MIN_NUM_FORMS": "0",
        "courses-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def with_course(data: dict[str, Any], *rows: tuple[Any, ...]) -> dict[str, Any]:
    """Rows of (offer id, price[, existing id, delete])."""
    data = dict(data)
    data["courses-TOTAL_FORMS"] = str(len(rows))
    initial = 0
    for index, row in enumerate(rows):
        data[f"courses-{index}-offer"] = str(row[0])
        data[f"courses-{index}-price"] = row[1]
        if len(row) > 2:
            initial += 1
            data[f"courses-{index}-id"] = str(row[2])
            if len(row) > 3 and row[3]:
                data[f"courses-{index}-DELETE"] = "on"
    data["courses-INITIAL_FORMS"] = str(initial)
    return data


# --- Who may see the fee pages ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["office_user", "principal_user", "superuser"])
def test_office_staff_and_the_principal_see_the_fee_pages(
    client: Client, schedule: FeeSchedule, who: str, request: pytest.FixtureRequest
) -> None:
    login(client, request.getfixturevalue(who))
    assert client.get(LIST).status_code == 200
    assert client.get(NEW).status_code == 200
    assert client.get(f"{LIST}{schedule.pk}/").status_code == 200


@pytest.mark.parametrize("who", ["guardian_user", "teacher_user", "stranger"])
def test_guardians_teachers_and_strangers_are_turned_away(
    client: Client, schedule: FeeSchedule, who: str, request: pytest.FixtureRequest
) -> None:
    login(client, request.getfixturevalue(who))
    for url in (LIST, NEW, f"{LIST}{schedule.pk}/"):
        assert client.get(url).status_code in (403, 404)
    assert client.post(NEW, form_data()).status_code in (403, 404)
    assert FeeSchedule.objects.count() == 1


def test_another_schools_schedules_are_not_found(
    office: Client, other_school: Any, school: Any
) -> None:
    theirs = factories.FeeScheduleFactory(school=other_school, school_year=2026)
    assert office.get("/office/sondre-land/fees/").status_code == 404
    assert office.get(f"{LIST}{theirs.pk}/").status_code == 404
    assert office.post(f"{LIST}{theirs.pk}/", form_data()).status_code == 404
    theirs.refresh_from_db()
    assert theirs.school_year == 2026


def test_signed_out_visitors_are_sent_to_sign_in(client: Client, school: Any) -> None:
    assert "/accounts/login/" in client.get(LIST)["Location"]


# --- The list ---------------------------------------------------------------------------------


def test_the_list_shows_each_school_year_with_its_fees(
    office: Client, schedule: FeeSchedule, ceramics: Offer
) -> None:
    CoursePrice.objects.create(schedule=schedule, offer=ceramics, price=Decimal("1200"))
    page = office.get(LIST).content.decode()
    assert "2026/27" in page
    assert "1,850.00 kr" in page and "400.00 kr" in page
    assert "Bystyret 11.12.2025" in page
    assert "/office/sandefjord/statistics/" in page


def test_the_list_has_an_empty_state(office: Client, school: Any) -> None:
    assert "No fee schedules yet" in office.get(LIST).content.decode()


def test_the_list_makes_a_fixed_number_of_queries(
    office: Client, school: Any, ceramics: Offer
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert office.get(LIST).status_code == 200
        return len(captured.captured_queries)

    factories.FeeScheduleFactory(school=school, school_year=2020)
    few = queries()
    for year in range(2021, 2030):
        schedule = factories.FeeScheduleFactory(school=school, school_year=year)
        CoursePrice.objects.create(schedule=schedule, offer=ceramics, price=Decimal(100))
    assert queries() == few


# --- Creating and changing a schedule ---------------------------------------------------------


def test_office_staff_enter_a_schedule_with_a_course_price(
    office: Client, school: Any, office_user: Any, ceramics: Offer
) -> None:
    response = office.post(NEW, with_course(form_data(), (ceramics.pk, "1 250,50")))
    assert response.status_code == 302
    assert response["Location"] == LIST
    schedule = FeeSchedule.objects.get(school=school, school_year=2027)
    assert schedule.place_fee_per_term == Decimal("1900.00")
    assert schedule.instrument_rental_per_term == Decimal("400.00")
    assert CoursePrice.objects.get(schedule=schedule).price == Decimal("1250.50")
    event = AuditEvent.objects.get(action="fee_schedule.created")
    assert event.actor == office_user
    assert event.data["course_prices"] == {"Keramikk": [None, "1250.50"]}
    assert "The fee schedule for 2027/28 is saved." in office.get(LIST).content.decode()


def test_the_form_suggests_the_first_school_year_without_a_schedule(
    office: Client, schedule: FeeSchedule, ceramics: Offer
) -> None:
    factories.FeeScheduleFactory(school=schedule.school, school_year=2025)
    page = office.get(NEW).content.decode()
    assert 'value="2027"' in page
    assert "Keramikk" in page


def test_a_second_schedule_for_the_same_year_is_refused_with_a_clear_message(
    office: Client, schedule: FeeSchedule
) -> None:
    response = office.post(NEW, form_data(school_year="2026"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is already a fee schedule for 2026/27." in page
    assert FeeSchedule.objects.count() == 1


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("place_fee_per_term", "-1", "The amount cannot be negative."),
        ("place_fee_per_term", "abc", "Enter an amount in kroner"),
        ("place_fee_per_term", "", "This field is required."),
        ("place_fee_per_term", "12.345", "Ensure that there are no more than 2 decimal places."),
        ("instrument_rental_per_term", "-400", "The amount cannot be negative."),
        ("school_year", "1999", "Enter a year from 2000."),
        ("school_year", "twenty", "Enter a whole number."),
    ],
)
def test_bad_amounts_and_years_get_a_message_next_to_the_field_and_change_nothing(
    office: Client, school: Any, field: str, value: str, message: str
) -> None:
    response = office.post(NEW, form_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not FeeSchedule.objects.exists()


def test_an_empty_rental_means_no_rental(office: Client, school: Any) -> None:
    office.post(NEW, form_data(instrument_rental_per_term=""))
    assert FeeSchedule.objects.get().instrument_rental_per_term == Decimal(0)


def test_only_this_schools_courses_can_be_priced(
    office: Client, school: Any, other_school: Any
) -> None:
    theirs = factories.OfferFactory(school=other_school, kind=Offer.Kind.COURSE)
    place = factories.OfferFactory(school=school, kind=Offer.Kind.PLACE)
    for offer in (theirs, place):
        response = office.post(NEW, with_course(form_data(), (offer.pk, "100")))
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    assert not FeeSchedule.objects.exists()


def test_a_course_priced_twice_is_refused(office: Client, ceramics: Offer) -> None:
    response = office.post(
        NEW, with_course(form_data(), (ceramics.pk, "100"), (ceramics.pk, "200"))
    )
    assert "This course already has a price above." in response.content.decode()
    assert not FeeSchedule.objects.exists()


def test_a_course_row_without_a_price_is_refused(office: Client, ceramics: Offer) -> None:
    response = office.post(NEW, with_course(form_data(), (ceramics.pk, "")))
    assert "Enter the course&#x27;s price, or remove the row." in response.content.decode()


def test_changing_a_schedule_updates_it_and_its_course_prices(
    office: Client, schedule: FeeSchedule, ceramics: Offer, office_user: Any
) -> None:
    price = CoursePrice.objects.create(schedule=schedule, offer=ceramics, price=Decimal("1000"))
    url = f"{LIST}{schedule.pk}/"
    data = with_course(
        form_data(school_year="2026", place_fee_per_term="1 950"),
        (ceramics.pk, "1100", price.pk),
    )
    assert office.post(url, data).status_code == 302
    schedule.refresh_from_db()
    assert schedule.place_fee_per_term == Decimal("1950")
    assert CoursePrice.objects.get().price == Decimal("1100")
    event = AuditEvent.objects.get(action="fee_schedule.changed")
    assert event.data["changes"]["place_fee_per_term"] == ["1850.00", "1950"]
    assert event.data["course_prices"] == {"Keramikk": ["1000.00", "1100"]}


def test_a_course_price_can_be_removed(
    office: Client, schedule: FeeSchedule, ceramics: Offer
) -> None:
    price = CoursePrice.objects.create(schedule=schedule, offer=ceramics, price=Decimal("1000"))
    data = with_course(
        form_data(school_year="2026", place_fee_per_term="1850"),
        (ceramics.pk, "1000", price.pk, True),
    )
    assert office.post(f"{LIST}{schedule.pk}/", data).status_code == 302
    assert not CoursePrice.objects.exists()


def test_saving_without_changes_says_so(office: Client, schedule: FeeSchedule) -> None:
    data = form_data(
        school_year="2026",
        place_fee_per_term="1850",
        instrument_rental_per_term="400",
        decided_by=schedule.decided_by,
    )
    office.post(f"{LIST}{schedule.pk}/", data)
    assert "Nothing was changed." in office.get(LIST).content.decode()
    assert not AuditEvent.objects.filter(action="fee_schedule.changed").exists()


def test_a_school_without_courses_says_there_is_nothing_to_price(
    office: Client, school: Any
) -> None:
    page = office.get(NEW).content.decode()
    assert "The school has no courses" in page
    assert office.post(NEW, form_data()).status_code == 302


# --- Services and fields ----------------------------------------------------------------------


def test_the_service_refuses_a_duplicate_year_and_another_schools_course(
    schedule: FeeSchedule, other_school: Any
) -> None:
    from django.core.exceptions import ValidationError

    values = {"school_year": 2026, "place_fee_per_term": Decimal(1)}
    with pytest.raises(ValidationError, match="already a fee schedule"):
        services.fee_schedule_create(actor=None, school=schedule.school, values=values)
    theirs = factories.OfferFactory(school=other_school, kind=Offer.Kind.COURSE)
    with pytest.raises(ValidationError, match="not a course of this school"):
        services.fee_schedule_update(
            actor=None, schedule=schedule, values={}, course_prices={theirs: Decimal(1)}
        )


@pytest.mark.parametrize(
    "text,amount",
    [
        ("1850", Decimal("1850")),
        ("1 850", Decimal("1850")),
        ("1\u00a0850,50", Decimal("1850.50")),
        ("1.850,50 kr", Decimal("1850.50")),
        ("1850.5", Decimal("1850.5")),
        ("NOK 400", Decimal("400")),
    ],
)
def test_amounts_are_read_as_norwegians_write_them(text: str, amount: Decimal) -> None:
    assert KronerField().clean(text) == amount


def test_the_fee_schedule_is_in_the_admin(client: Client, superuser: Any, schedule: Any) -> None:
    login(client, superuser)
    assert client.get("/admin/billing/feeschedule/").status_code == 200
    assert client.get(f"/admin/billing/feeschedule/{schedule.pk}/change/").status_code == 200
    assert client.get("/admin/billing/courseprice/").status_code == 200
