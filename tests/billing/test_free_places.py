"""Free places (§12d), reductions (§13a i–ii) and instrument rentals (§12a): the guardians'
application, the office's decisions with who, when and why, and the messages for bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from billing.invoicing import invoices_create
from billing.models import FeeReduction, FreePlaceApplication, InstrumentRental, Invoice
from enrollment.models import Placement
from kulturskole.models import AuditEvent, OutboundMessage
from tests import factories
from tests.conftest import login

pytestmark = pytest.mark.django_db
BASE = "/office/sandefjord/billing/"
PDF = b"%PDF-1.7 note"


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(dt.datetime(2026, 9, 15, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def office(client: Client, office_user: Any) -> Client:
    return login(client, office_user)


@pytest.fixture
def term(school: Any) -> Any:
    return factories.TermFactory(school=school)


@pytest.fixture
def placement(household: Any, term: Any) -> Placement:
    pupil = factories.PupilFactory(household=household, first_name="Emma")
    offer = factories.OfferFactory(school=household.school, name="Fiolin", instrument_rental=True)
    return factories.PlacementFactory(pupil=pupil, offer=offer, starts_term=term)


def application_data(**overrides: Any) -> dict[str, Any]:
    return {
        "school_year": "2026",
        "household_income": "312 500",
        "household_size": "4",
        "explanation": "Lav inntekt i år.",
        **overrides,
    }


# --- The guardian's application ----------------------------------------------------------------


def test_s12d_a_guardian_applies_for_a_free_place_with_a_document(client, guardian_user, household):
    guardian = login(client, guardian_user)
    document = SimpleUploadedFile("skatt.pdf", PDF, content_type="application/pdf")
    response = guardian.post("/family/free-place/", application_data(attachment=document))
    assert response.status_code == 302
    application = FreePlaceApplication.objects.get()
    assert application.household == household
    assert application.household_income == Decimal("312500.00")
    assert application.applied_by == guardian_user
    assert application.attachment.name.startswith("free-place/")
    page = guardian.get("/family/free-place/").content.decode()
    assert "Waiting for a decision" in page
    assert AuditEvent.objects.filter(action="billing.free_place_applied").exists()


def test_s12d_a_second_open_application_for_the_year_is_refused(client, guardian_user, household):
    guardian = login(client, guardian_user)
    guardian.post("/family/free-place/", application_data())
    response = guardian.post("/family/free-place/", application_data())
    assert response.status_code == 200
    assert "There is already an application for a free place for 2026/27" in (
        response.content.decode()
    )
    assert FreePlaceApplication.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"household_income": "mye"}, "Enter an amount in kroner"),
        ({"household_size": "0"}, "Count at least yourself."),
        ({"school_year": "2031"}, "Choose this school year or the next."),
        (
            {"attachment": SimpleUploadedFile("virus.exe", b"MZ\x90\x00")},
            "Upload a PDF or a photo",
        ),
    ],
)
def test_a_bad_application_is_explained_and_saves_nothing(
    client, guardian_user, household, data, message
):
    response = login(client, guardian_user).post("/family/free-place/", application_data(**data))
    assert message in response.content.decode()
    assert not FreePlaceApplication.objects.exists()


def test_a_guardian_cannot_apply_for_another_household(client, guardian_user, other_school):
    other = factories.HouseholdFactory(school=other_school)
    response = login(client, guardian_user).post(
        "/family/free-place/", application_data(household=other.pk)
    )
    assert "Choose one of your households." in response.content.decode()
    assert not FreePlaceApplication.objects.exists()


# --- The office's decision ------------------------------------------------------------------------


@pytest.fixture
def application(household: Any, guardian_user: Any) -> FreePlaceApplication:
    return FreePlaceApplication.objects.create(
        household=household,
        school_year=2026,
        household_income=Decimal(250000),
        household_size=4,
        applied_by=guardian_user,
        applied_at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC),
    )


def test_s12d_the_office_grants_with_a_justification_and_the_home_is_told(
    office, office_user, application, django_capture_on_commit_callbacks
):
    url = f"{BASE}free-places/{application.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(url, {"decision": "grant", "note": "Under inntektsgrensen."})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == FreePlaceApplication.Status.GRANTED
    assert application.decided_by == office_user
    assert application.decided_at is not None
    assert application.decision_note == "Under inntektsgrensen."
    event = AuditEvent.objects.get(action="billing.free_place_granted")
    assert event.actor == office_user and event.reason == "Under inntektsgrensen."
    message = OutboundMessage.objects.get(template="free_place_decision")
    assert message.to_email == "guardian@example.org"
    assert "Under inntektsgrensen." in message.context["body"]
    assert "/family/invoices/" in message.context["body"]
    # Decided once: the form is gone and a second post changes nothing.
    again = office.post(url, {"decision": "refuse", "note": "Nei."})
    assert "decided already" in again.content.decode()
    application.refresh_from_db()
    assert application.status == FreePlaceApplication.Status.GRANTED


def test_s12d_a_decision_without_justification_is_refused(office, application):
    response = office.post(f"{BASE}free-places/{application.pk}/", {"decision": "refuse"})
    assert "Write the justification for the decision." in response.content.decode()
    application.refresh_from_db()
    assert application.status == FreePlaceApplication.Status.APPLIED


def test_s12d_a_granted_free_place_is_credited_on_the_next_invoice_run(
    office, application, placement, term
):
    factories.FeeScheduleFactory(school=term.school, school_year=2026)
    invoices_create(school=term.school, term=term)
    office.post(f"{BASE}free-places/{application.pk}/", {"decision": "grant", "note": "Ja."})
    invoices_create(school=term.school, term=term)
    credit = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE)
    assert credit.total == Decimal("-1850.00")


def test_the_office_opens_the_document_of_its_own_schools_application(office, application):
    application.attachment.save("skatt.pdf", SimpleUploadedFile("skatt.pdf", PDF))
    response = office.get(f"{BASE}free-places/{application.pk}/document/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


# --- §13 reductions -------------------------------------------------------------------------------


def reduction_data(placement: Any, term: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "term": term.pk,
        "placement": placement.pk,
        "kind": "illness",
        "weeks": "6",
        "justification": "Brukket arm.",
        "doctors_note": SimpleUploadedFile("note.pdf", PDF),
        **overrides,
    }


def test_s13a_i_illness_with_a_note_is_registered_with_who_and_why(
    office, office_user, placement, term
):
    response = office.post(f"{BASE}reductions/new/", reduction_data(placement, term))
    assert response.status_code == 302
    reduction = FeeReduction.objects.get()
    assert reduction.weeks == 6 and reduction.decided_by == office_user
    assert reduction.doctors_note
    assert AuditEvent.objects.filter(action="billing.fee_reduction_registered").exists()
    page = office.get(f"{BASE}reductions/?term={term.pk}").content.decode()
    assert "Emma" in page and "Brukket arm." in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"weeks": "4"}, "Illness must last more than 4 weeks to reduce the fee (§13a i)."),
        ({"doctors_note": ""}, "A reduction for illness needs a doctor&#x27;s note (§13a i)."),
        (
            {"kind": "moving", "weeks": "8", "doctors_note": ""},
            "Moving away reduces the fee only with more than 8 teaching weeks left (§13a ii).",
        ),
        ({"weeks": "17"}, "Autumn 2026 has only 16 teaching weeks."),
        ({"justification": ""}, "Write why the reduction is given."),
    ],
)
def test_s13_a_reduction_the_rules_do_not_give_is_explained(
    office, placement, term, overrides, message
):
    response = office.post(f"{BASE}reductions/new/", reduction_data(placement, term, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not FeeReduction.objects.exists()


def test_s13_the_numbers_come_from_the_schools_policy(office, placement, term, school):
    school.policy.illness_reduction_min_weeks = 2
    school.policy.save()
    response = office.post(f"{BASE}reductions/new/", reduction_data(placement, term, weeks="2"))
    assert "Illness must last more than 2 weeks" in response.content.decode()
    assert office.post(
        f"{BASE}reductions/new/", reduction_data(placement, term, weeks="3")
    ).status_code == (302)


def test_s9e_a_place_the_school_terminated_gets_no_reduction(office, placement, term):
    Placement.objects.filter(pk=placement.pk).update(
        end_reason=Placement.EndReason.TERMINATION, ends_on=dt.date(2026, 10, 1)
    )
    response = office.post(f"{BASE}reductions/new/", reduction_data(placement, term))
    assert "a termination gives no fee reduction (§9e)" in response.content.decode()


def test_s13_the_same_reduction_twice_is_refused(office, placement, term):
    office.post(f"{BASE}reductions/new/", reduction_data(placement, term))
    response = office.post(f"{BASE}reductions/new/", reduction_data(placement, term))
    assert "already has a reduction for this reason" in response.content.decode()
    assert FeeReduction.objects.count() == 1


# --- Instrument rentals -----------------------------------------------------------------------


def test_s12a_an_instrument_is_lent_and_returned(office, placement, term):
    response = office.post(
        f"{BASE}rentals/new/",
        {
            "placement": placement.pk,
            "instrument": "Fiolin 3/4",
            "serial_number": "F-1",
            "starts_on": "2026-09-01",
        },
    )
    assert response.status_code == 302
    rental = InstrumentRental.objects.get()
    assert "Fiolin 3/4" in office.get(f"{BASE}rentals/").content.decode()
    url = f"{BASE}rentals/{rental.pk}/return/"
    bad = office.post(url, {"ends_on": "2026-08-01"})
    assert "cannot come back before it was lent" in bad.content.decode()
    assert office.post(url, {"ends_on": "2026-09-14"}).status_code == 302
    rental.refresh_from_db()
    assert rental.ends_on == dt.date(2026, 9, 14)
    assert office.get(url).status_code == 404  # returned: nothing more to return


def test_s12a_only_offers_with_instruments_for_rent_are_offered(office, household, term):
    pupil = factories.PupilFactory(household=household)
    dance = factories.PlacementFactory(
        pupil=pupil, offer=factories.OfferFactory(school=household.school), starts_term=term
    )
    response = office.post(
        f"{BASE}rentals/new/",
        {"placement": dance.pk, "instrument": "Fiolin", "starts_on": "2026-09-01"},
    )
    assert "Choose a place in an offer with instruments." in response.content.decode()
