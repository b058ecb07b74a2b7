"""The office's billing pages and the guardians' invoices: invoice runs with a dry run and a
progress bar, the invoice list (filters, search, exports, fixed queries), one invoice and its
PDF, payments by hand and from the bank's file (twice is once), payments to handle, overdue
invoices with the §9d i flag, the accounting export and the family's invoice page."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from billing.invoicing import invoices_create
from billing.models import FeeExtra, Invoice, Payment, PaymentImport
from billing.payments import payment_register
from enrollment.models import Offer, SchoolPolicy
from kulturskole.models import AuditEvent
from tests import factories
from tests.conftest import login

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 9, 15)
BASE = "/office/sandefjord/billing/"


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
def schedule(school: Any) -> Any:
    SchoolPolicy.objects.filter(school=school).update(bank_account="1503.12.34562")
    return factories.FeeScheduleFactory(school=school, school_year=2026)


def family(school: Any, term: Any, name: str, *children: str) -> Any:
    household = factories.HouseholdFactory(school=school, name=name)
    # A fixed name: a random one could be another family's name and spoil the searches.
    guardian = factories.GuardianFactory(
        household=household,
        user__email=f"{name.lower()}@ex.org",
        user__first_name="Kari",
        user__last_name=name,
    )
    household.payer = guardian
    household.save()
    for child in children:
        pupil = factories.PupilFactory(household=household, first_name=child)
        factories.PlacementFactory(
            pupil=pupil, offer=factories.OfferFactory(school=school), starts_term=term
        )
    return household


@pytest.fixture
def invoiced(school: Any, term: Any, schedule: Any) -> dict[str, Invoice]:
    """Two households invoiced on 24 August 2026 (due 23 September)."""
    family(school, term, "Hansen", "Emma", "Jonas")
    family(school, term, "Berg", "Nora")
    invoices_create(school=school, term=term, issued_on=dt.date(2026, 8, 24))
    return {i.household.name: i for i in Invoice.objects.select_related("household")}


# --- Creating invoices ------------------------------------------------------------------------


def test_the_dry_run_shows_what_would_be_created_and_writes_nothing(office, school, term, schedule):
    family(school, term, "Hansen", "Emma", "Jonas")
    page = office.get(f"{BASE}run/?term={term.pk}").content.decode()
    assert "new invoices" in page
    assert "Hansen" in page
    assert "sibling discount 25 %" in page
    assert "Create and send" in page
    assert not Invoice.objects.exists()


def test_a_term_without_fee_schedule_says_so_with_a_link_to_the_fees(office, school, term):
    SchoolPolicy.objects.filter(school=school).update(bank_account="1503.12.34562")
    page = office.get(f"{BASE}run/?term={term.pk}").content.decode()
    assert "There is no fee schedule for the school year 2026/27" in page
    assert "/office/sandefjord/fees/" in page
    response = office.post(f"{BASE}run/", {"term": term.pk})
    assert response.status_code == 200
    assert "There is no fee schedule" in response.content.decode()


def test_another_schools_term_is_refused_with_a_message(office, school, other_school):
    other_term = factories.TermFactory(school=other_school)
    page = office.get(f"{BASE}run/?term={other_term.pk}").content.decode()
    assert "Choose one of this school&#x27;s terms." in page


def test_confirming_runs_the_invoices_and_the_progress_page_shows_the_result(
    office, school, term, schedule, django_capture_on_commit_callbacks
):
    family(school, term, "Hansen", "Emma")
    family(school, term, "Berg", "Nora")
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(f"{BASE}run/", {"term": term.pk})
    assert response.status_code == 302
    assert Invoice.objects.count() == 2
    page = office.get(response["Location"]).content.decode()
    assert "Done." in page
    assert "<progress" in page
    assert "hx-trigger" not in page  # finished: no more polling
    partial = office.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith("{") is False and 'id="run-progress"' in partial
    assert "<html" not in partial
    # Twice is once: a second run creates nothing.
    with django_capture_on_commit_callbacks(execute=True):
        again = office.post(f"{BASE}run/", {"term": term.pk})
    assert Invoice.objects.count() == 2
    assert "Done." in office.get(again["Location"]).content.decode()


def test_a_running_run_polls_and_reloads_without_javascript(office, school):
    from django.core.cache import cache

    from billing import tasks
    from billing.office_views import _run_school_key

    cache.set(tasks.run_key("r1"), {"state": "running", "done": 3, "total": 12})
    cache.set(_run_school_key("r1"), school.pk)
    page = office.get(f"{BASE}run/r1/").content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert '<noscript><meta http-equiv="refresh"' in page
    assert 'value="3"' in page and "3 of 12 households (25 %)" in page


def test_invoices_wait_for_the_bank_account_in_the_rules(office, school, term, schedule):
    SchoolPolicy.objects.filter(school=school).update(bank_account="")
    family(school, term, "Hansen", "Emma")
    page = office.get(f"{BASE}run/?term={term.pk}").content.decode()
    assert "The school has no bank account for payments in its rules." in page
    assert "Create and send" not in page
    response = office.post(f"{BASE}run/", {"term": term.pk})
    assert response.status_code == 200
    assert not Invoice.objects.exists()


def test_a_school_without_saved_rules_is_told_to_save_them_not_a_500(office, school, term):
    SchoolPolicy.objects.filter(school=school).delete()
    page = office.get(f"{BASE}run/?term={term.pk}")
    assert page.status_code == 200
    assert "The school's rules are not saved yet" in page.content.decode()


def test_an_unknown_run_is_not_found(office):
    assert office.get(f"{BASE}run/nope/").status_code == 404


# --- The invoice list ---------------------------------------------------------------------------


def test_the_list_filters_by_status_and_searches_by_pupil_kid_and_number(office, invoiced):
    hansen, berg = invoiced["Hansen"], invoiced["Berg"]
    payment_register(
        school=hansen.school, kid=hansen.kid, amount=hansen.total, paid_on=TODAY, by=None
    )
    page = office.get(f"{BASE}invoices/?status=paid").content.decode()
    assert hansen.payer_name in page and berg.payer_name not in page
    page = office.get(f"{BASE}invoices/?status=open").content.decode()
    assert berg.payer_name in page and hansen.payer_name not in page
    for query in ("Jonas", hansen.kid, str(hansen.number)):
        page = office.get(f"{BASE}invoices/", {"q": query}).content.decode()
        assert hansen.payer_name in page and berg.payer_name not in page, query
    assert "No invoices match" in office.get(f"{BASE}invoices/?q=Zzyzx").content.decode()


def test_the_list_is_overdue_after_the_due_date(client, office_user, invoiced):
    with time_machine.travel(dt.datetime(2026, 10, 1, 10, tzinfo=dt.UTC), tick=False):
        page = login(client, office_user).get(f"{BASE}invoices/?status=overdue").content.decode()
    assert invoiced["Hansen"].payer_name in page and invoiced["Berg"].payer_name in page


def test_a_bad_filter_value_is_shown_next_to_its_field_not_a_500(office, invoiced):
    response = office.get(f"{BASE}invoices/?status=bogus&term=abc")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_the_invoice_list_makes_the_same_queries_for_n_and_2n_invoices(
    office, school, term, schedule
):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert office.get(f"{BASE}invoices/").status_code == 200
        return len(queries)

    for index in range(3):
        family(school, term, f"Familie{index}", f"Barn{index}")
    invoices_create(school=school, term=term, issued_on=dt.date(2026, 8, 24))
    few = count()
    for index in range(3, 6):
        family(school, term, f"Familie{index}", f"Barn{index}")
    invoices_create(school=school, term=term, issued_on=dt.date(2026, 8, 24))
    assert Invoice.objects.count() == 6
    assert count() == few


def test_the_csv_export_has_the_filtered_invoices_with_amounts(office, invoiced):
    response = office.get(f"{BASE}invoices.csv?q=Hansen")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Invoice number", "Kind", "Invoice date", "Due date", "KID"]
    assert len(rows) == 2
    hansen = invoiced["Hansen"]
    assert rows[1][0] == str(hansen.number) and rows[1][4] == hansen.kid
    assert rows[1][8] == f"{hansen.total:.2f}".replace(".", ",")


def test_the_xlsx_export_has_numbers_and_dates(office, invoiced):
    response = office.get(f"{BASE}invoices.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 3
    assert isinstance(values[1][2], dt.datetime)  # invoice date as a real date
    assert {values[1][8], values[2][8]} == {float(i.total) for i in invoiced.values()}


def test_an_unknown_export_format_is_not_found(office, invoiced):
    assert office.get(f"{BASE}invoices.pdf").status_code == 404


# --- One invoice --------------------------------------------------------------------------------


def test_the_invoice_page_explains_each_line_and_offers_both_pdf_languages(office, invoiced):
    hansen = invoiced["Hansen"]
    page = office.get(f"{BASE}invoices/{hansen.pk}/").content.decode()
    assert "sibling discount 25 %" in page
    assert "§12c" in page
    assert "the sibling whose place costs most pays in full" in page
    assert hansen.kid in page
    assert "?lang=en" in page and "?lang=nb" in page
    pdf = office.get(f"{BASE}invoices/{hansen.pk}/pdf/?lang=en")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_another_schools_invoice_is_not_found(office, other_school):
    other_term = factories.TermFactory(school=other_school)
    factories.FeeScheduleFactory(school=other_school, school_year=2026)
    family(other_school, other_term, "Annen", "Hemmelig")
    invoices_create(school=other_school, term=other_term)
    other = Invoice.objects.get()
    assert office.get(f"{BASE}invoices/{other.pk}/").status_code == 404
    assert office.get(f"{BASE}invoices/{other.pk}/pdf/").status_code == 404


# --- Payments -----------------------------------------------------------------------------------


def test_a_payment_by_hand_reads_norwegian_amounts(office, invoiced):
    berg = invoiced["Berg"]
    response = office.post(
        f"{BASE}payments/new/",
        {"kid": berg.kid, "amount": "1 234,50", "paid_on": "2026-09-10", "note": "Skranke"},
    )
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert payment.amount == Decimal("1234.50")
    assert payment.invoice == berg
    assert payment.problem == Payment.Problem.AMOUNT_MISMATCH
    page = office.get(response["Location"]).content.decode()
    assert "the amount is not what the invoice owed" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": "0"}, "The amount cannot be zero."),
        ({"amount": "tusen"}, "Enter an amount in kroner"),
        ({"amount": "-5"}, "The amount cannot be negative."),
        ({"kid": "12AB"}, "A KID number has digits only."),
        ({"paid_on": "2026-12-24"}, "A payment cannot be dated in the future."),
        ({"paid_on": "i går"}, "Enter the date the money came in"),
    ],
)
def test_a_bad_payment_gets_a_clear_message_and_registers_nothing(office, invoiced, data, message):
    form = {"kid": invoiced["Berg"].kid, "amount": "100", "paid_on": "2026-09-10", **data}
    response = office.post(f"{BASE}payments/new/", form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Payment.objects.exists()


def csv_file(*rows: str) -> SimpleUploadedFile:
    text = "kid;amount;paid_on;reference\n" + "\n".join(rows) + "\n"
    return SimpleUploadedFile("innbetalinger.csv", text.encode(), content_type="text/csv")


def test_importing_the_same_file_twice_through_the_page_registers_nothing_new(office, invoiced):
    hansen = invoiced["Hansen"]
    rows = (
        f"{hansen.kid};{hansen.total};2026-09-10;ref-1",
        "7777777777;500,00;2026-09-11;ref-2",
        "abc;nope;2026-99-99;ref-3",
    )
    page = office.post(f"{BASE}payments/import/", {"file": csv_file(*rows)}).content.decode()
    assert Payment.objects.count() == 2
    assert "payments registered" in page
    assert "with an unknown KID" in page
    assert "Lines that could not be read" in page
    assert '<td class="number">4</td>' in page  # the unreadable line's number
    again = office.post(f"{BASE}payments/import/", {"file": csv_file(*rows)}).content.decode()
    assert "This file was imported already" in again
    assert Payment.objects.count() == 2
    assert PaymentImport.objects.count() == 1


def test_a_file_that_is_no_bank_file_says_why_and_registers_nothing(office, invoiced):
    upload = SimpleUploadedFile("bilde.png", b"\x89PNG\r\n\x1a\nnot a bank file")
    response = office.post(f"{BASE}payments/import/", {"file": upload})
    assert response.status_code == 200
    assert "The header must name the columns kid, amount and paid_on" in (response.content.decode())
    assert not Payment.objects.exists()


def test_an_empty_upload_is_refused_next_to_the_field(office, invoiced):
    upload = SimpleUploadedFile("tom.csv", b"")
    response = office.post(f"{BASE}payments/import/", {"file": upload})
    assert "The submitted file is empty." in response.content.decode()
    assert not PaymentImport.objects.exists()


def test_assigning_a_payment_asks_for_confirmation_first(office, invoiced, office_user):
    berg = invoiced["Berg"]
    payment = payment_register(
        school=berg.school, kid="5555", amount=berg.total, paid_on=TODAY, by=None
    )
    url = f"{BASE}payments/{payment.pk}/assign/"
    step = office.post(url, {"invoice_number": berg.number, "note": "Feil KID"})
    assert "Yes, confirm" in step.content.decode()
    assert berg.payer_name in step.content.decode()
    payment.refresh_from_db()
    assert payment.invoice is None
    done = office.post(url, {"invoice_number": berg.number, "note": "Feil KID", "confirm": "yes"})
    assert done.status_code == 302
    payment.refresh_from_db()
    assert payment.invoice == berg and payment.problem == ""
    assert payment.handled_by == office_user
    berg.refresh_from_db()
    assert berg.paid_at is not None
    # Attached now: it is not offered for assigning again.
    assert office.get(url).status_code == 404


def test_assigning_to_an_unknown_invoice_number_says_so(office, invoiced):
    payment = payment_register(
        school=invoiced["Berg"].school, kid="5555", amount=Decimal(100), paid_on=TODAY, by=None
    )
    response = office.post(f"{BASE}payments/{payment.pk}/assign/", {"invoice_number": "999999"})
    assert "This school has no invoice number 999999 to pay." in response.content.decode()


def test_marking_a_payment_handled_needs_a_note_and_a_confirmation(office, invoiced):
    payment = payment_register(
        school=invoiced["Berg"].school, kid="5555", amount=Decimal(100), paid_on=TODAY, by=None
    )
    url = f"{BASE}payments/{payment.pk}/handled/"
    assert "Say how the payment was handled." in office.post(url, {"note": ""}).content.decode()
    assert "Yes, confirm" in office.post(url, {"note": "Refundert"}).content.decode()
    assert office.post(url, {"note": "Refundert", "confirm": "yes"}).status_code == 302
    payment.refresh_from_db()
    assert payment.problem == "" and payment.handling_note == "Refundert"
    assert AuditEvent.objects.filter(action="billing.payment_handled").exists()


def test_the_payment_list_filters_problems_and_searches_kid(office, invoiced):
    berg = invoiced["Berg"]
    payment_register(school=berg.school, kid=berg.kid, amount=berg.total, paid_on=TODAY, by=None)
    payment_register(school=berg.school, kid="5555", amount=Decimal(1), paid_on=TODAY, by=None)
    page = office.get(f"{BASE}payments/?problem=open").content.decode()
    assert "5555" in page and berg.kid not in page
    page = office.get(f"{BASE}payments/", {"q": berg.kid[:6]}).content.decode()
    assert berg.kid in page and "5555" not in page
    assert office.get(f"{BASE}payments/?paid_from=bad").status_code == 200


# --- Overdue and §9d i ----------------------------------------------------------------------------


def test_a_flagged_invoice_links_to_a_termination_for_non_payment(client, office_user, invoiced):
    hansen = invoiced["Hansen"]
    Invoice.objects.filter(pk=hansen.pk).update(
        first_reminder_on=dt.date(2026, 10, 7),
        second_reminder_on=dt.date(2026, 10, 21),
        termination_flag_on=dt.date(2026, 11, 4),
    )
    with time_machine.travel(dt.datetime(2026, 11, 5, 10, tzinfo=dt.UTC), tick=False):
        page = login(client, office_user).get(f"{BASE}overdue/?flagged=1").content.decode()
    assert hansen.payer_name in page and invoiced["Berg"].payer_name not in page
    assert "reason=non_payment" in page
    assert f"term={hansen.term_id}" in page
    assert "/terminate/" in page


# --- Accounting export ----------------------------------------------------------------------------


def test_the_accounting_export_covers_the_period(office, invoiced):
    berg = invoiced["Berg"]
    payment_register(school=berg.school, kid=berg.kid, amount=berg.total, paid_on=TODAY, by=None)
    url = f"{BASE}accounting/payments.csv?date_from=2026-09-01&date_to=2026-09-30"
    rows = list(csv.reader(io.StringIO(office.get(url).content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:6] == ["Paid", "KID", "Amount", "Invoice number", "Source", "Bank reference"]
    assert rows[1][1] == berg.kid and rows[1][3] == str(berg.number)
    url = f"{BASE}accounting/invoices.xlsx?date_from=2026-08-01&date_to=2026-08-31"
    sheet = load_workbook(io.BytesIO(office.get(url).content)).active
    assert sheet.max_row == 3
    empty = f"{BASE}accounting/invoices.csv?date_from=2026-09-01&date_to=2026-09-30"
    assert len(office.get(empty).content.decode("utf-8-sig").strip().splitlines()) == 1


def test_a_period_that_ends_before_it_starts_is_explained(office, invoiced):
    page = office.get(f"{BASE}accounting/?date_from=2026-09-30&date_to=2026-09-01")
    assert "The end of the period comes before its start." in page.content.decode()


# --- Home -----------------------------------------------------------------------------------------


def test_the_home_page_counts_the_terms_invoices(office, invoiced, term):
    berg = invoiced["Berg"]
    payment_register(
        school=berg.school, kid=berg.kid, amount=Decimal("1234.50"), paid_on=TODAY, by=None
    )
    page = office.get(f"{BASE}?term={term.pk}").content.decode()
    assert "1,234.50</strong> kr paid" in page
    assert "Invoices for Autumn 2026" in page
    assert "kr owed" in page
    assert "payments to handle" in page


# --- Guardians ----------------------------------------------------------------------------------


def test_guardians_see_their_invoices_with_kid_account_and_what_is_owed(client, invoiced, school):
    SchoolPolicy.objects.filter(school=school).update(bank_account="1503.12.34562")
    hansen = invoiced["Hansen"]
    guardian = hansen.household.guardians.get().user
    page = login(client, guardian).get("/family/invoices/").content.decode()
    assert hansen.kid in page
    assert "1503.12.34562" in page
    assert "Open" in page
    assert "sibling discount" in page
    assert invoiced["Berg"].kid not in page
    pdf = client.get(f"/family/invoices/{hansen.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert client.get(f"/family/invoices/{invoiced['Berg'].pk}/pdf/").status_code == 404


def test_the_guardians_invoice_page_makes_fixed_queries(client, school, term, schedule):
    household = family(school, term, "Hansen", "Emma")
    client = login(client, household.guardians.get().user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/family/invoices/").status_code == 200
        return len(queries)

    invoices_create(school=school, term=term, issued_on=dt.date(2026, 8, 24))
    one = count()
    spring = factories.TermFactory(school=school, year=2027, season="spring")
    factories.FeeScheduleFactory(school=school, school_year=2027)
    invoices_create(school=school, term=spring, issued_on=dt.date(2027, 1, 10))
    assert Invoice.objects.count() == 2
    assert count() == one


# --- The policy and fee schedule pages ------------------------------------------------------


def test_the_principal_sets_the_bank_account_and_kid_in_the_rules(client, principal_user, school):
    principal = login(client, principal_user)
    form = principal.get("/office/sandefjord/rules/edit/").context["form"]
    assert {"bank_account", "kid_prefix", "kid_length", "invoice_due_days"} <= set(form.fields)


def test_the_fee_schedule_takes_extras_for_chosen_offers(office, school):
    violin = factories.OfferFactory(school=school, name="Fiolin")
    factories.OfferFactory(school=school, name="Keramikk", kind=Offer.Kind.COURSE)
    data = {
        "school_year": "2027",
        "place_fee_per_term": "1 900",
        "instrument_rental_per_term": "400",
        "decided_by": "Bystyret",
        "note": "",
        "courses-TOTAL_FORMS": "0",
        "courses-INITIAL_FORMS": "0",
        "courses-MIN_NUM_FORMS": "0",
        "courses-MAX_NUM_FORMS": "1000",
        "extras-TOTAL_FORMS": "1",
        "extras-INITIAL_FORMS": "0",
        "extras-MIN_NUM_FORMS": "0",
        "extras-MAX_NUM_FORMS": "1000",
        "extras-0-name": "Noter",
        "extras-0-amount": "150,50",
        "extras-0-offers": [violin.pk],
    }
    assert office.post("/office/sandefjord/fees/new/", data).status_code == 302
    extra = FeeExtra.objects.get()
    assert extra.amount == Decimal("150.50")
    assert list(extra.offers.all()) == [violin]


@pytest.mark.parametrize("path", ["payments/", "overdue/", "free-places/", "home"])
def test_the_other_lists_make_the_same_queries_for_n_and_2n_rows(
    client, office_user, school, term, schedule, path
):
    from billing.models import FreePlaceApplication

    url = BASE if path == "home" else f"{BASE}{path}"

    def add(first: int, last: int) -> None:
        for index in range(first, last):
            household = family(school, term, f"Familie{index}", f"Barn{index}")
            FreePlaceApplication.objects.create(
                household=household,
                school_year=2026,
                household_income=Decimal(200000),
                household_size=3,
                applied_at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC),
            )
        invoices_create(school=school, term=term, issued_on=dt.date(2026, 8, 1))
        for invoice in Invoice.objects.filter(payments__isnull=True):
            payment_register(
                school=school, kid=invoice.kid, amount=Decimal(10), paid_on=TODAY, by=None
            )
            payment_register(school=school, kid="1", amount=Decimal(10), paid_on=TODAY, by=None)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert office.get(url).status_code == 200
        return len(queries)

    office = login(client, office_user)
    add(0, 3)
    few = count()
    add(3, 6)
    assert count() == few
