"""Invoice runs against the database: facts gathered right, twice is once, changes corrected."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing import delivery, invoicing, selectors
from billing.kid import is_valid_kid
from billing.models import (
    FeeExtra,
    FeeReduction,
    FreePlaceApplication,
    InstrumentRental,
    Invoice,
)
from enrollment.models import GroupMember, Lesson, Offer, Placement
from tests import factories

pytestmark = pytest.mark.django_db

FEE = Decimal("1850.00")


@pytest.fixture
def school() -> Any:
    school = factories.SchoolFactory(slug="sandefjord")
    policy = school.policy
    policy.kid_prefix = "7"
    policy.kid_length = 9
    policy.bank_account = "8601.11.17947"
    policy.save()
    return school


@pytest.fixture
def term(school: Any) -> Any:
    factories.FeeScheduleFactory(school=school, school_year=2026, place_fee_per_term=FEE)
    return factories.TermFactory(school=school, year=2026, season="autumn")


def family(school: Any, *children: str) -> tuple[Any, list[Any]]:
    household = factories.HouseholdFactory(school=school)
    factories.GuardianFactory(household=household)
    return household, [factories.PupilFactory(household=household, first_name=c) for c in children]


def place(pupil: Any, term: Any, **values: Any) -> Placement:
    offer = values.pop("offer", None) or factories.OfferFactory(school=term.school)
    return factories.PlacementFactory(pupil=pupil, offer=offer, starts_term=term, **values)


def run(school: Any, term: Any, capture: Any, **options: Any) -> invoicing.RunResult:
    with capture(execute=True):
        return invoicing.invoices_create(school=school, term=term, **options)


def test_each_household_gets_one_invoice_with_a_valid_kid_and_the_due_date(
    school, term, django_capture_on_commit_callbacks
):
    household, (ada, bo) = family(school, "Ada", "Bo")
    place(ada, term)
    place(bo, term)
    _, (cy,) = family(school, "Cy")
    place(cy, term)
    result = run(school, term, django_capture_on_commit_callbacks, issued_on=dt.date(2026, 9, 1))
    assert result.invoices == 2
    invoice = Invoice.objects.get(household=household)
    assert invoice.total == FEE * 2 - Decimal("462.50")
    assert invoice.kid.startswith("7") and len(invoice.kid) == 9 and is_valid_kid(invoice.kid)
    assert invoice.due_on == dt.date(2026, 10, 1)
    assert [line.kind for line in invoice.lines.all()] == [
        "place_fee",
        "place_fee",
        "sibling_discount",
    ]


def test_running_twice_creates_no_second_invoice(school, term, django_capture_on_commit_callbacks):
    _, (ada,) = family(school, "Ada")
    place(ada, term)
    run(school, term, django_capture_on_commit_callbacks)
    again = run(school, term, django_capture_on_commit_callbacks)
    assert (again.invoices, again.credit_notes, again.additional, again.unchanged) == (0, 0, 0, 1)
    assert Invoice.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_database_refuses_a_second_invoice_for_the_same_household_and_term(
    school, term, django_capture_on_commit_callbacks
):
    _, (ada,) = family(school, "Ada")
    place(ada, term)
    run(school, term, django_capture_on_commit_callbacks)
    first = Invoice.objects.get()
    first.pk = None
    first.number += 1
    first.kid = "700000000"
    with pytest.raises(IntegrityError), transaction.atomic():
        first.save()


def test_a_dry_run_writes_nothing_and_tells_what_would_be_created(
    school, term, django_capture_on_commit_callbacks
):
    _, (ada,) = family(school, "Ada")
    place(ada, term)
    result = run(school, term, django_capture_on_commit_callbacks, dry_run=True)
    assert result.invoices == 1 and result.total == FEE
    assert result.planned[0].lines[0].amount == FEE
    assert not Invoice.objects.exists()
    assert mail.outbox == []


def test_s6_trial_withdrawal_and_places_outside_the_term_are_not_invoiced(
    school, term, django_capture_on_commit_callbacks
):
    _, (ada,) = family(school, "Ada")
    place(
        ada,
        term,
        status=Placement.Status.ENDED,
        ends_on=term.starts_on + dt.timedelta(days=7),
        end_reason=Placement.EndReason.TRIAL_WITHDRAWAL,
    )
    spring = factories.TermFactory(school=school, year=2027, season="spring")
    place(ada, spring)
    result = run(school, term, django_capture_on_commit_callbacks)
    assert result.invoices == 0
    assert not Invoice.objects.exists()


def test_the_facts_reach_the_rules_rental_extras_free_place_reduction_and_cancellations(
    school, term, django_capture_on_commit_callbacks
):
    household, (ada,) = family(school, "Ada")
    schedule = school.fee_schedules.get()
    offer = factories.OfferFactory(school=school, instrument_rental=True)
    placement = place(ada, term, offer=offer)
    InstrumentRental.objects.create(
        placement=placement, instrument="Fiolin 1/2", starts_on=term.starts_on
    )
    extra = FeeExtra.objects.create(schedule=schedule, name="Noter", amount=Decimal("150"))
    extra.offers.add(offer)
    FreePlaceApplication.objects.create(
        household=household,
        school_year=2026,
        household_income=Decimal("250000"),
        household_size=3,
        applied_at=timezone.now(),
        status=FreePlaceApplication.Status.GRANTED,
    )
    FeeReduction.objects.create(
        placement=placement,
        term=term,
        kind=FeeReduction.Kind.MOVING,
        weeks=9,
        justification="Flytter til Bergen.",
        decided_at=timezone.now(),
    )
    group = factories.TeachingGroupFactory(offer=offer, term=term)
    GroupMember.objects.create(group=group, placement=placement)
    for week in range(3):
        Lesson.objects.create(
            group=group,
            date=term.starts_on + dt.timedelta(weeks=week),
            starts_at=group.starts_at,
            ends_at=group.ends_at,
            status=Lesson.Status.CANCELLED,
        )
    run(school, term, django_capture_on_commit_callbacks)
    lines = {line.kind: line.amount for line in Invoice.objects.get().lines.all()}
    # The free place took the fee, so the reductions have nothing left to reduce.
    assert lines == {
        "place_fee": FEE,
        "free_place": -FEE,
        "rental": Decimal("400.00"),
        "extra": Decimal("150.00"),
    }


def test_s13a_iii_a_late_start_after_more_than_4_lessons_is_reduced(
    school, term, django_capture_on_commit_callbacks
):
    _, (ada,) = family(school, "Ada")
    offer = factories.OfferFactory(school=school)
    group = factories.TeachingGroupFactory(offer=offer, term=term)
    for week in range(5):
        Lesson.objects.create(
            group=group,
            date=term.starts_on + dt.timedelta(weeks=week),
            starts_at=group.starts_at,
            ends_at=group.ends_at,
        )
    place(ada, term, offer=offer, starts_on=term.starts_on + dt.timedelta(weeks=5))
    run(school, term, django_capture_on_commit_callbacks)
    lines = {line.kind: line.amount for line in Invoice.objects.get().lines.all()}
    assert lines["late_start"] == Decimal("-250.00")


def test_a_course_is_invoiced_in_the_term_it_starts_only(
    school, term, django_capture_on_commit_callbacks
):
    from billing.models import CoursePrice

    _, (ada,) = family(school, "Ada")
    course = factories.OfferFactory(
        school=school,
        kind=Offer.Kind.COURSE,
        course_starts_on=term.starts_on + dt.timedelta(days=14),
        course_ends_on=term.starts_on + dt.timedelta(days=60),
    )
    CoursePrice.objects.create(schedule=school.fee_schedules.get(), offer=course, price=900)
    place(ada, term, offer=course, starts_on=course.course_starts_on)
    run(school, term, django_capture_on_commit_callbacks)
    assert Invoice.objects.get().total == Decimal("900.00")
    spring = factories.TermFactory(school=school, year=2027, season="spring")
    assert run(school, spring, django_capture_on_commit_callbacks).invoices == 0


def test_a_change_after_invoicing_gives_a_credit_note_and_the_sent_invoice_is_unchanged(
    school, term, django_capture_on_commit_callbacks
):
    _, (ada, bo) = family(school, "Ada", "Bo")
    place(ada, term)
    late = place(bo, term)
    run(school, term, django_capture_on_commit_callbacks)
    original = Invoice.objects.get()
    lines_before = list(original.lines.values_list("kind", "amount"))
    late.status = Placement.Status.ENDED
    late.end_reason = Placement.EndReason.TRIAL_WITHDRAWAL
    late.ends_on = term.starts_on + dt.timedelta(days=7)
    late.save()
    result = run(school, term, django_capture_on_commit_callbacks)
    assert result.credit_notes == 1
    credit = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE)
    assert credit.corrects == original
    assert credit.total == -(FEE - Decimal("462.50"))
    assert all(line.correction for line in credit.lines.all())
    original.refresh_from_db()
    assert list(original.lines.values_list("kind", "amount")) == lines_before
    owed = selectors.with_balance(Invoice.objects.filter(pk=original.pk)).get().owed
    assert owed == FEE
    # The credit note reached the payer too; a third run changes nothing.
    assert len(mail.outbox) == 2
    assert run(school, term, django_capture_on_commit_callbacks).credit_notes == 0


def test_a_new_place_after_invoicing_gives_an_additional_invoice(
    school, term, django_capture_on_commit_callbacks
):
    _, (ada, bo) = family(school, "Ada", "Bo")
    place(ada, term)
    run(school, term, django_capture_on_commit_callbacks)
    place(bo, term, starts_on=term.starts_on + dt.timedelta(weeks=2))
    result = run(school, term, django_capture_on_commit_callbacks)
    assert result.additional == 1
    extra = Invoice.objects.get(kind=Invoice.Kind.ADDITIONAL)
    assert extra.total == FEE - Decimal("462.50")
    assert extra.kid != Invoice.objects.get(kind=Invoice.Kind.INVOICE).kid


def test_no_fee_schedule_stops_the_run_with_a_reason(school, django_capture_on_commit_callbacks):
    term = factories.TermFactory(school=school, year=2030, season="autumn")
    with pytest.raises(invoicing.NoFeeScheduleError):
        run(school, term, django_capture_on_commit_callbacks)


def test_the_run_makes_a_fixed_number_of_queries_whatever_the_number_of_households(
    school, term, django_capture_on_commit_callbacks
):
    def households(count: int) -> None:
        for _ in range(count):
            _, (ada, bo) = family(school, "Ada", "Bo")
            place(ada, term)
            place(bo, term)

    def queries() -> int:
        Invoice.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            invoicing.invoices_create(school=school, term=term)
        return len(captured)

    households(3)
    queries()  # the first run also creates the school's invoice counter
    few = queries()
    households(9)
    assert queries() == few


def test_create_invoices_command_runs_and_dry_runs(school, term):
    _, (ada,) = family(school, "Ada")
    place(ada, term)
    out = io.StringIO()
    call_command(
        "create_invoices",
        "--school",
        "sandefjord",
        "--term",
        "autumn-2026",
        "--dry-run",
        stdout=out,
    )
    assert "Would create 1 invoices" in out.getvalue()
    assert not Invoice.objects.exists()
    call_command("create_invoices", "--school", "sandefjord", "--term", "høst 2026", stdout=out)
    assert Invoice.objects.count() == 1
    call_command("create_invoices", "--school", "sandefjord", "--term", str(term.pk), stdout=out)
    assert Invoice.objects.count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--school", "nowhere", "--term", "autumn-2026"], "No school"),
        (["--school", "sandefjord", "--term", "summer-1999"], "No term"),
        (["--school", "sandefjord", "--term", "autumn-2027"], "No term"),
    ],
)
def test_create_invoices_command_explains_bad_arguments(school, term, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_invoices", *args, stdout=io.StringIO())


def test_the_invoice_pdf_names_sender_payer_lines_kid_account_and_due_date(
    school, term, django_capture_on_commit_callbacks
):
    _, (ada,) = family(school, "Ada")
    place(ada, term)
    run(school, term, django_capture_on_commit_callbacks)
    invoice = delivery.invoice_for_document(Invoice.objects.get().pk)
    pdf = delivery.invoice_pdf(invoice, language="en")
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    for expected in (
        school.name,
        invoice.payer_name,
        invoice.kid,
        "8601.11.17947",
        "Ada",
        "Due date",
        "1,850.00",
    ):
        assert expected in text, expected


def pdf_text(pdf: bytes) -> str:
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; CI installs it")
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode()


def test_a_school_that_never_saved_its_rules_is_invoiced_by_the_rule_books_defaults(
    django_capture_on_commit_callbacks,
):
    from enrollment.models import SchoolPolicy

    school = factories.SchoolFactory()
    SchoolPolicy.objects.filter(school=school).delete()
    school = type(school).objects.get(pk=school.pk)
    factories.FeeScheduleFactory(school=school, school_year=2026)
    term = factories.TermFactory(school=school)
    _, (ada, bo) = family(school, "Ada", "Bo")
    place(ada, term)
    place(bo, term)
    run(school, term, django_capture_on_commit_callbacks)
    invoice = Invoice.objects.get()
    assert invoice.total == FEE * 2 - Decimal("462.50")  # §12c at the default 25 %
    assert len(invoice.kid) == 10 and len(mail.outbox) == 1


def test_s12a_rental_is_charged_per_instrument_rented_during_the_term(
    school, term, django_capture_on_commit_callbacks
):
    _, (ada,) = family(school, "Ada")
    placement = place(
        ada, term, offer=factories.OfferFactory(school=school, instrument_rental=True)
    )
    for instrument in ("Fiolin 1/2", "Bratsj"):
        InstrumentRental.objects.create(
            placement=placement, instrument=instrument, starts_on=term.starts_on
        )
    # Returned before the term began: not charged.
    InstrumentRental.objects.create(
        placement=placement,
        instrument="Fiolin 1/4",
        starts_on=term.starts_on - dt.timedelta(days=200),
        ends_on=term.starts_on - dt.timedelta(days=30),
    )
    run(school, term, django_capture_on_commit_callbacks)
    lines = {line.kind: line.amount for line in Invoice.objects.get().lines.all()}
    assert lines["rental"] == Decimal("800.00")
