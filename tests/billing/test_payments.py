"""Payments by hand and from bank files, and reminders for what is not paid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone, translation

from billing import bankfiles, payments, selectors
from billing.models import Invoice, Payment, PaymentImport
from tests import factories

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "ocr_example.txt"


@pytest.fixture(autouse=True)
def english() -> Any:
    """Messages in English, whatever an earlier test in this process left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def school() -> Any:
    return factories.SchoolFactory()


def invoice(school: Any, *, kid: str, total: str, number: int, **values: Any) -> Invoice:
    household = values.pop("household", None) or factories.HouseholdFactory(school=school)
    term = values.pop("term", None) or factories.TermFactory(school=school)
    defaults: dict[str, Any] = {
        "school": school,
        "household": household,
        "term": term,
        "number": number,
        "kid": kid,
        "issued_on": dt.date(2026, 9, 1),
        "due_on": dt.date(2026, 10, 1),
        "total": Decimal(total),
        "payer_name": "Kari Nordmann",
        "payer_email": "kari@example.org",
        "delivery": Invoice.Delivery.SENT,
    }
    defaults.update(values)
    return Invoice.objects.create(**defaults)


def owed(item: Invoice) -> Decimal:
    return selectors.with_balance(Invoice.objects.filter(pk=item.pk)).get().owed


def fixture_payments() -> list[bankfiles.IncomingPayment]:
    parsed = bankfiles.parse_payment_file(FIXTURE.read_bytes(), FIXTURE.name)
    return [p for p in parsed.payments if p.kid and not p.reversal]


def test_importing_an_ocr_file_matches_kids_and_lists_the_rest(school):
    incoming = fixture_payments()
    exact, short = incoming[0], incoming[1]
    paid = invoice(school, kid=exact.kid, total=str(Decimal(exact.amount_ore) / 100), number=1)
    partly = invoice(
        school, kid=short.kid, total=str(Decimal(short.amount_ore) / 100 + 100), number=2
    )
    result = payments.payments_import(
        school=school, data=FIXTURE.read_bytes(), filename="ocr.txt", by=None
    )
    parsed = bankfiles.parse_payment_file(FIXTURE.read_bytes(), "ocr.txt")
    assert result.registered == len(parsed.payments) == Payment.objects.count()
    assert result.mismatched >= 1
    assert result.unmatched == len(parsed.payments) - 2 - (result.mismatched - 1)
    paid.refresh_from_db()
    assert paid.paid_at is not None and owed(paid) == 0
    assert Payment.objects.get(invoice=partly).problem == Payment.Problem.AMOUNT_MISMATCH
    assert owed(partly) == Decimal("100.00")
    # Never dropped: every payment without an invoice is kept and listed.
    assert Payment.objects.filter(
        invoice__isnull=True, problem=Payment.Problem.UNKNOWN_KID
    ).count() == (result.unmatched)


def test_importing_the_same_ocr_file_twice_registers_nothing_new(school):
    data = FIXTURE.read_bytes()
    first = payments.payments_import(school=school, data=data, filename="ocr.txt", by=None)
    count = Payment.objects.count()
    again = payments.payments_import(school=school, data=data, filename="copy.txt", by=None)
    assert again.payment_import is None
    assert again.already_imported == first.payment_import
    assert Payment.objects.count() == count > 0


def test_an_overlapping_file_registers_only_the_new_payments(school):
    lines = FIXTURE.read_bytes().replace(b"\r\n", b"\n")
    payments.payments_import(school=school, data=lines, filename="a.txt", by=None)
    count = Payment.objects.count()
    # The same transmission with other line endings: another file, the same payments.
    again = payments.payments_import(
        school=school, data=lines.replace(b"\n", b"\r\n"), filename="b.txt", by=None
    )
    assert again.registered == 0 and again.already_known == count
    assert Payment.objects.count() == count


def test_a_csv_file_is_imported_with_norwegian_amounts(school):
    target = invoice(school, kid="000000018", total="1850.00", number=1)
    data = "kid;beløp;dato;referanse\n000000018;1 850,00;15.09.2026;ARK1\n".encode("latin-1")
    result = payments.payments_import(school=school, data=data, filename="bank.csv", by=None)
    assert result.registered == 1 and result.unmatched == 0
    assert owed(target) == 0


def test_a_file_that_is_not_a_bank_file_is_refused_with_a_reason(school):
    with pytest.raises(payments.PaymentError, match="neither"):
        payments.payments_import(school=school, data=b"", filename="x.pdf", by=None)
    assert not Payment.objects.exists()


def test_a_payment_registered_by_hand_settles_the_invoice(school):
    target = invoice(school, kid="000000018", total="1850.00", number=1)
    office = factories.UserFactory()
    payment = payments.payment_register(
        school=school,
        kid="000000018",
        amount=Decimal("1850.00"),
        paid_on=dt.date(2026, 9, 20),
        by=office,
        note="Betalt i skranken",
    )
    assert payment.invoice == target and payment.problem == ""
    target.refresh_from_db()
    assert target.paid_at is not None


@pytest.mark.parametrize(
    ("amount", "paid_on", "message"),
    [
        (Decimal("0"), dt.date(2026, 9, 1), "zero"),
        (Decimal("10"), dt.date(2099, 1, 1), "future"),
    ],
)
def test_a_bad_payment_is_refused_and_nothing_is_registered(school, amount, paid_on, message):
    with pytest.raises(payments.PaymentError, match=message):
        payments.payment_register(school=school, kid="1", amount=amount, paid_on=paid_on, by=None)
    assert not Payment.objects.exists()


def test_an_unknown_kid_payment_can_be_assigned_and_another_schools_invoice_cannot(school):
    payment = payments.payment_register(
        school=school, kid="999", amount=Decimal("1850"), paid_on=dt.date(2026, 9, 2), by=None
    )
    assert payment.problem == Payment.Problem.UNKNOWN_KID
    elsewhere = factories.SchoolFactory()
    foreign = invoice(elsewhere, kid="000000018", total="1850.00", number=1)
    with pytest.raises(payments.PaymentError):
        payments.payment_assign(payment=payment, invoice=foreign, by=None, note="")
    target = invoice(school, kid="000000026", total="1850.00", number=2)
    payments.payment_assign(payment=payment, invoice=target, by=None, note="Feil KID")
    payment.refresh_from_db()
    assert payment.invoice == target and payment.problem == ""
    assert owed(target) == 0


def test_a_problem_is_marked_handled_only_with_a_note(school):
    payment = payments.payment_register(
        school=school, kid="999", amount=Decimal("50"), paid_on=dt.date(2026, 9, 2), by=None
    )
    with pytest.raises(payments.PaymentError):
        payments.payment_mark_handled(payment=payment, by=None, note=" ")
    payments.payment_mark_handled(payment=payment, by=None, note="Betalt tilbake")
    payment.refresh_from_db()
    assert payment.problem == "" and payment.handling_note == "Betalt tilbake"


def test_a_credit_note_lowers_what_the_original_owes(school):
    original = invoice(school, kid="000000018", total="1850.00", number=1)
    invoice(
        school,
        kid="000000026",
        total="-462.50",
        number=2,
        kind=Invoice.Kind.CREDIT_NOTE,
        corrects=original,
        household=original.household,
        term=original.term,
    )
    assert owed(original) == Decimal("1387.50")


# --- Reminders --------------------------------------------------------------------------------


def test_reminders_come_twice_then_the_invoice_is_flagged_for_termination(
    school, django_capture_on_commit_callbacks
):
    late = invoice(school, kid="000000018", total="1850.00", number=1)
    paid = invoice(school, kid="000000026", total="1850.00", number=2)
    payments.payment_register(
        school=school, kid=paid.kid, amount=Decimal("1850"), paid_on=dt.date(2026, 9, 20), by=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert payments.reminders_run(today=dt.date(2026, 10, 14)).first == []
        assert payments.reminders_run(today=dt.date(2026, 10, 15)).first == [late.pk]
        # The same day again: nothing more is sent.
        assert payments.reminders_run(today=dt.date(2026, 10, 15)).first == []
        assert payments.reminders_run(today=dt.date(2026, 10, 29)).second == [late.pk]
        assert payments.reminders_run(today=dt.date(2026, 11, 12)).flagged == [late.pk]
        assert payments.reminders_run(today=dt.date(2026, 12, 1)).flagged == []
    late.refresh_from_db()
    assert late.termination_flag_on == dt.date(2026, 11, 12)
    assert len(mail.outbox) == 2
    assert "1\xa0850,00 kr" in mail.outbox[0].body  # in the payer's language, Bokmål
    assert "§9d" in mail.outbox[1].body


def test_a_paid_invoice_is_never_reminded(school, django_capture_on_commit_callbacks):
    paid = invoice(school, kid="000000018", total="100.00", number=1, paid_at=timezone.now())
    payments.payment_register(
        school=school, kid=paid.kid, amount=Decimal("100"), paid_on=dt.date(2026, 9, 20), by=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = payments.reminders_run(today=dt.date(2027, 1, 1))
    assert (run.first, run.second, run.flagged) == ([], [], [])
    assert mail.outbox == []


def test_a_file_with_nothing_readable_is_refused_and_leaves_no_record(school):
    with pytest.raises(payments.PaymentError, match="No payments could be read"):
        payments.payments_import(
            school=school, data=b"\x89PNG not a bank file", filename="x.png", by=None
        )
    assert not PaymentImport.objects.exists()


def test_a_payment_assigned_with_the_wrong_amount_stays_listed(school):
    payment = payments.payment_register(
        school=school, kid="999", amount=Decimal("500"), paid_on=dt.date(2026, 9, 2), by=None
    )
    target = invoice(school, kid="000000018", total="1850.00", number=1)
    payments.payment_assign(payment=payment, invoice=target, by=None, note="Feil KID")
    payment.refresh_from_db()
    assert payment.invoice == target
    assert payment.problem == Payment.Problem.AMOUNT_MISMATCH
    assert owed(target) == Decimal("1350.00")


def test_importing_a_bank_file_makes_the_same_queries_for_n_and_2n_payments(school):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def csv_of(count: int, start: int) -> bytes:
        rows = ["kid;beløp;dato;referanse"]
        for n in range(start, start + count):
            kid = f"{n:09d}"
            invoice(school, kid=kid, total="100.00", number=n)
            rows.append(f"{kid};100,00;15.09.2026;ARK{n}")
        rows.append(f"99999999{start % 10};5,00;15.09.2026;UKJENT{start}")  # an unknown KID
        return "\n".join(rows).encode()

    def queries(data: bytes) -> int:
        with CaptureQueriesContext(connection) as captured:
            result = payments.payments_import(school=school, data=data, filename="b.csv", by=None)
        assert result.unmatched == 1 and result.mismatched == 0
        return len(captured)

    few = queries(csv_of(3, 1))
    assert queries(csv_of(6, 100)) == few
    assert Invoice.objects.filter(paid_at__isnull=True).count() == 0
