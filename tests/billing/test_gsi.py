"""The yearly GSI report as of 1 October: the counting rules (no database), the reads behind
them, the page and its CSV/XLSX exports, who may see them, and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from billing import gsi, gsi_selectors
from billing.models import FreePlaceApplication
from enrollment.models import Application, Discipline, Offer, Placement
from tests import factories
from tests.conftest import login

DAY = dt.date(2026, 10, 1)
PAGE = "/office/sandefjord/billing/gsi/"
CSV = "/office/sandefjord/billing/gsi/gsi.csv"
XLSX = "/office/sandefjord/billing/gsi/gsi.xlsx"
NOW = dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC)  # the latest 1 October passed: 2026


def held(pupil_id: int, discipline: str = Discipline.MUSIC, **facts: Any) -> gsi.HeldPlace:
    values = {
        "household_id": pupil_id,
        "is_course": False,
        "school_grade": 5,
        "grade_school_year": 2026,
        "birth_date": dt.date(2016, 3, 14),
        **facts,
    }
    return gsi.HeldPlace(pupil_id=pupil_id, discipline=discipline, **values)


def by_key(counts: list[gsi.Count]) -> dict[str, tuple[int, int]]:
    return {count.key: (count.children, count.places) for count in counts}


# --- The counting rules, no database ----------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (dt.date(2026, 9, 30), 2025),
        (dt.date(2026, 10, 1), 2026),
        (dt.date(2027, 3, 1), 2026),
        (dt.date(2026, 12, 31), 2026),
    ],
)
def test_the_default_year_is_the_latest_1_october_passed(today, year):
    assert gsi.latest_counting_year(today) == year


@pytest.mark.parametrize(
    ("grade", "recorded_for", "birth", "expected"),
    [
        (5, 2026, None, (5, False)),
        (5, 2025, None, (6, False)),  # moves up each August
        (13, 2024, None, (None, False)),  # after upper secondary
        (None, None, dt.date(2016, 3, 14), (5, True)),  # started school in 2022, the year of six
        (None, None, dt.date(2016, 12, 31), (5, True)),
        (None, None, dt.date(2021, 5, 1), (0, True)),  # not at school yet
        (None, None, dt.date(2000, 1, 1), (None, True)),
        (None, None, None, (None, False)),
    ],
)
def test_grade_on_the_counting_day_is_recorded_or_estimated_from_the_year_of_birth(
    grade, recorded_for, birth, expected
):
    assert (
        gsi.grade_of(school_grade=grade, grade_school_year=recorded_for, birth_date=birth, day=DAY)
        == expected
    )


@pytest.mark.parametrize(
    ("grade", "group"),
    [
        (None, "other"),
        (0, "other"),
        (1, "1-4"),
        (4, "1-4"),
        (5, "5-7"),
        (7, "5-7"),
        (8, "8-10"),
        (10, "8-10"),
        (11, "upper"),
        (13, "upper"),
    ],
)
def test_grades_are_grouped_as_gsi_groups_them(grade, group):
    assert gsi.grade_group(grade) == group


def test_a_child_with_places_in_two_disciplines_counts_once_in_each_and_once_in_total():
    report = gsi.report(
        school_year=2026,
        places=[
            held(1, Discipline.MUSIC),
            held(1, Discipline.DANCE),
            held(1, Discipline.MUSIC, is_course=True),
            held(2, Discipline.MUSIC, school_grade=9),
            held(3, Discipline.VISUAL_ART, school_grade=12),
            held(4, Discipline.DRAMA, school_grade=None, grade_school_year=None),
        ],
        children_waiting=0,
        fees=None,
        free_place_household_ids=[],
    )
    disciplines = by_key(report.by_discipline)
    assert disciplines[Discipline.MUSIC] == (2, 3)
    assert disciplines[Discipline.DANCE] == (1, 1)
    assert disciplines[Discipline.CIRCUS] == (0, 0)  # every discipline is listed
    assert report.by_discipline[0].course_places == 1
    assert (report.total.children, report.total.places) == (4, 6)
    assert by_key(report.by_grade_group) == {
        "1-4": (0, 0),
        "5-7": (2, 4),  # child 1 (three places) and child 4, estimated from 2016
        "8-10": (1, 1),
        "upper": (1, 1),
        "other": (0, 0),
    }
    grades = by_key(report.by_grade)
    assert grades["5"] == (2, 4)
    assert grades["9"] == (1, 1)
    assert grades["12"] == (1, 1)
    assert report.estimated_grades == 1


def test_the_fee_per_year_is_two_terms():
    fees = gsi.Fees(per_term=Decimal("1850.00"), rental_per_term=Decimal("400.00"))
    assert fees.per_year == Decimal("3700.00")
    assert fees.rental_per_year == Decimal("800.00")


def test_free_places_count_granted_households_and_their_children_holding_a_place():
    report = gsi.report(
        school_year=2026,
        places=[held(1, household_id=10), held(2, household_id=10), held(3, household_id=11)],
        children_waiting=0,
        fees=None,
        free_place_household_ids=[10, 12],
    )
    assert report.free_place_households == 2
    assert report.free_place_pupils == 2


# --- The reads --------------------------------------------------------------------------------


@pytest.fixture
def offers(school: Any) -> dict[str, Offer]:
    return {
        "violin": factories.OfferFactory(school=school, discipline=Discipline.MUSIC),
        "ballet": factories.OfferFactory(school=school, discipline=Discipline.DANCE),
        "ceramics": factories.OfferFactory(
            school=school, discipline=Discipline.VISUAL_ART, kind=Offer.Kind.COURSE
        ),
    }


def place(pupil: Any, offer: Offer, **fields: Any) -> Placement:
    fields.setdefault("starts_on", dt.date(2026, 8, 24))
    return factories.PlacementFactory(pupil=pupil, offer=offer, **fields)


@pytest.mark.django_db
def test_places_held_on_1_october_are_counted_by_discipline_and_grade(school, offers):
    household = factories.HouseholdFactory(school=school)
    anna = factories.PupilFactory(household=household, school_grade=3, grade_school_year=2025)
    ola = factories.PupilFactory(household=household, school_grade=11, grade_school_year=2026)
    place(anna, offers["violin"])
    place(anna, offers["ceramics"])
    place(ola, offers["ballet"], ends_on=DAY)  # ends on the counting day: still held
    place(ola, offers["violin"], starts_on=dt.date(2024, 8, 20))

    report = gsi_selectors.report_for(school, 2026)

    disciplines = by_key(report.by_discipline)
    assert disciplines[Discipline.MUSIC] == (2, 2)
    assert disciplines[Discipline.DANCE] == (1, 1)
    assert disciplines[Discipline.VISUAL_ART] == (1, 1)
    assert (report.total.children, report.total.places) == (2, 4)
    assert report.total.course_places == 1
    groups = by_key(report.by_grade_group)
    assert groups["1-4"] == (1, 2)  # grade 3 recorded last year: grade 4 now
    assert groups["upper"] == (1, 2)
    assert by_key(report.by_grade)["4"] == (1, 2)


@pytest.mark.django_db
def test_a_placement_ended_before_1_october_is_not_counted(school, offers):
    pupil = factories.PupilFactory(household=factories.HouseholdFactory(school=school))
    place(pupil, offers["violin"], ends_on=dt.date(2026, 9, 30), status="ended")
    place(pupil, offers["ballet"], starts_on=dt.date(2026, 10, 2))  # not started yet
    other = factories.PupilFactory(household=factories.HouseholdFactory(school=school))
    place(other, offers["violin"])

    report = gsi_selectors.report_for(school, 2026)

    assert (report.total.children, report.total.places) == (1, 1)


@pytest.mark.django_db
def test_s6_a_place_withdrawn_in_the_trial_is_not_counted(school, offers):
    pupil = factories.PupilFactory(household=factories.HouseholdFactory(school=school))
    place(
        pupil,
        offers["violin"],
        ends_on=dt.date(2026, 10, 15),
        status="ended",
        end_reason=Placement.EndReason.TRIAL_WITHDRAWAL,
    )
    assert gsi_selectors.report_for(school, 2026).total.places == 0


@pytest.mark.django_db
def test_another_schools_places_are_not_counted(school, other_school, offers):
    pupil = factories.PupilFactory(household=factories.HouseholdFactory(school=other_school))
    place(pupil, factories.OfferFactory(school=other_school))
    assert gsi_selectors.report_for(school, 2026).total.places == 0


def apply(pupil: Any, offer: Offer, **fields: Any) -> Application:
    fields.setdefault("submitted_at", dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC))
    return factories.ApplicationFactory(pupil=pupil, offer=offer, **fields)


@pytest.mark.django_db
def test_s5d_children_waiting_on_1_october_count_each_child_once_and_leave_out_switchers(
    school, offers
):
    household = factories.HouseholdFactory(school=school)
    twice = factories.PupilFactory(household=household)
    apply(twice, offers["violin"])
    apply(twice, offers["ballet"], preference=2)
    switcher = factories.PupilFactory(household=household)
    current = place(switcher, offers["violin"])
    apply(switcher, offers["ballet"], kind=Application.Kind.SWITCH, switch_from=current)
    admitted_after = factories.PupilFactory(household=household)
    apply(
        admitted_after,
        offers["ballet"],
        status=Application.Status.ADMITTED,
        closed_at=dt.datetime(2026, 10, 20, 12, tzinfo=dt.UTC),
    )
    withdrawn_before = factories.PupilFactory(household=household)
    apply(
        withdrawn_before,
        offers["ballet"],
        status=Application.Status.WITHDRAWN,
        closed_at=dt.datetime(2026, 9, 20, 12, tzinfo=dt.UTC),
    )
    applied_after = factories.PupilFactory(household=household)
    apply(applied_after, offers["ballet"], submitted_at=dt.datetime(2026, 10, 2, 8, tzinfo=dt.UTC))
    course_only = factories.PupilFactory(household=household)
    apply(course_only, offers["ceramics"], preference=None)

    # `twice` once, and the one admitted after the counting day; nobody else.
    assert gsi_selectors.children_waiting_on(school, DAY) == 2


@pytest.mark.django_db
def test_free_places_granted_for_the_school_year_are_counted(school, offers):
    granted = factories.HouseholdFactory(school=school)
    for _ in range(2):
        place(factories.PupilFactory(household=granted), offers["violin"])
    factories.PupilFactory(household=granted)  # a sibling without a place
    refused = factories.HouseholdFactory(school=school)
    place(factories.PupilFactory(household=refused), offers["violin"])
    last_year = factories.HouseholdFactory(school=school)

    def free_place(household: Any, status: str, year: int = 2026) -> None:
        FreePlaceApplication.objects.create(
            household=household,
            school_year=year,
            household_income=Decimal("200000.00"),
            household_size=3,
            applied_at=dt.datetime(2026, 8, 1, tzinfo=dt.UTC),
            status=status,
        )

    free_place(granted, FreePlaceApplication.Status.GRANTED)
    free_place(refused, FreePlaceApplication.Status.REFUSED)
    free_place(last_year, FreePlaceApplication.Status.GRANTED, year=2025)

    report = gsi_selectors.report_for(school, 2026)

    assert report.free_place_households == 1
    assert report.free_place_pupils == 2


@pytest.mark.django_db
def test_the_fee_comes_from_the_school_years_fee_schedule(school):
    factories.FeeScheduleFactory(school=school, school_year=2025, place_fee_per_term="1700.00")
    factories.FeeScheduleFactory(school=school, school_year=2026)

    fees = gsi_selectors.report_for(school, 2026).fees

    assert fees is not None
    assert (fees.per_term, fees.per_year) == (Decimal("1850.00"), Decimal("3700.00"))
    assert (fees.rental_per_term, fees.rental_per_year) == (Decimal("400.00"), Decimal("800.00"))
    assert gsi_selectors.report_for(school, 2024).fees is None


# --- The page and the exports -----------------------------------------------------------------


@pytest.fixture
def frozen() -> Any:
    """March 2027, before anyone signs in: the latest 1 October passed is in 2026."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def office(frozen: Any, client: Client, office_user: Any) -> Client:
    return login(client, office_user)


@pytest.fixture
def pupils(school: Any, offers: dict[str, Offer]) -> None:
    factories.TermFactory(school=school, year=2024)
    factories.FeeScheduleFactory(school=school, school_year=2026)
    household = factories.HouseholdFactory(school=school)
    for n in range(3):
        pupil = factories.PupilFactory(household=household, first_name=f"Barn{n}")
        place(pupil, offers["violin"])
    apply(factories.PupilFactory(household=household), offers["ballet"])


@pytest.mark.django_db
def test_the_page_shows_the_latest_1_october_passed(office, pupils):
    response = office.get(PAGE)

    assert response.status_code == 200
    report = response.context["report"]
    assert report.day == DAY
    assert report.total.children == 3
    assert report.children_waiting == 1
    assert "GSI statistics 2026/27" in response.content.decode()
    assert "3,700.00 kr" in response.content.decode()
    # The school's first term is in 2024: its years can be chosen, newest first.
    assert [value for value, _ in response.context["form"].fields["year"].choices] == [
        2026,
        2025,
        2024,
    ]


@pytest.mark.django_db
def test_another_year_can_be_chosen_and_a_bad_one_gets_a_message(office, pupils):
    assert office.get(PAGE, {"year": "2025"}).context["report"].school_year == 2025

    response = office.get(PAGE, {"year": "1999"})

    assert response.status_code == 200
    assert response.context["form"].errors["year"]
    assert response.context["report"].school_year == 2026
    assert office.get(PAGE, {"year": "x"}).status_code == 200
    assert office.get(CSV, {"year": "x"}).status_code == 200


@pytest.mark.django_db
def test_the_csv_has_every_section_for_excel(office, pupils):
    response = office.get(CSV, {"year": "2026"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="gsi-sandefjord-2026.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.removeprefix("\ufeff").splitlines()
    assert "Counted as of;2026-10-01" in lines
    assert "Pupils by discipline;Children;Places;Of which course places" in lines
    assert "Music;3;3;0" in lines
    assert "Dance;0;0;0" in lines
    assert "All pupils (each child once);3;3;0" in lines
    assert "Grades 5–7;3;3;0" in lines
    assert "Grade 5;3;3;0" in lines
    assert "Children waiting for a place (each child once, not switch requests);1" in lines
    assert "Fee per place per term;1850.00" in lines
    assert "Fee per place per year;3700.00" in lines
    assert "Instrument rental per year;800.00" in lines
    assert "Households with a free place granted;0" in lines


@pytest.mark.django_db
def test_the_csv_in_norwegian_has_a_decimal_comma(frozen, office_user, pupils):
    norwegian = login(Client(), office_user)  # Bokmål is the default language

    text = norwegian.get(CSV).content.decode("utf-8")

    assert "3700,00" in text


@pytest.mark.django_db
def test_the_xlsx_has_the_same_numbers(office, pupils):
    response = office.get(XLSX, {"year": "2026"})

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert values["Music"][:3] == (3, 3, 0)
    assert values["Fee per place per year"][0] == 3700


@pytest.mark.django_db
def test_the_principal_sees_the_report(client, principal_user, pupils):
    assert login(client, principal_user).get(PAGE).status_code == 200


@pytest.mark.django_db
def test_another_schools_office_gets_404(client, other_school, pupils):
    user = factories.StaffRoleFactory(school=other_school, user__totp=True).user
    assert login(client, user).get(PAGE).status_code == 404
    assert login(client, user).get(CSV).status_code == 404


@pytest.mark.django_db
def test_a_teacher_and_a_guardian_may_not_see_it(client, teacher_user, guardian_user, pupils):
    # The school is looked up among the user's schools as office or principal: not found.
    assert login(client, teacher_user).get(PAGE).status_code in (403, 404)
    assert login(Client(), guardian_user).get(CSV).status_code in (403, 404)
    assert Client().get(PAGE).status_code == 302


@pytest.mark.django_db
def test_the_page_and_csv_make_a_fixed_number_of_queries(office, school, offers, pupils):
    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert office.get(url).status_code == 200
        return len(captured)

    few = (count(PAGE), count(CSV))
    for n in range(15):
        household = factories.HouseholdFactory(school=school)
        pupil = factories.PupilFactory(household=household, school_grade=n % 13 + 1)
        place(pupil, offers["violin" if n % 2 else "ballet"])
        place(pupil, offers["ceramics"])
        apply(factories.PupilFactory(household=household), offers["violin"])
        FreePlaceApplication.objects.create(
            household=household,
            school_year=2026,
            household_income=Decimal("200000.00"),
            household_size=2,
            applied_at=NOW,
            status=FreePlaceApplication.Status.GRANTED,
        )

    assert (count(PAGE), count(CSV)) == few
