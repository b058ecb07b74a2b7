"""Demo data of this app, added by `manage.py seed_demo` after enrollment's (safe to re-run).

Sandefjord gets a bank account and KID settings, extras in the fee schedule, a free place
granted and one applied for, the autumn term invoiced (as if sent by e-mail already), most
invoices paid, one paid short, one payment with an unknown KID, one overdue invoice with a
first reminder, and then a rental and a reduction registered after invoicing, so the second
run shows an additional invoice (the demo guardian's) and a credit note.

Every row is found by a natural key, and the invoice runs create nothing the second time, so
running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from billing import selectors
from billing.invoicing import invoices_create
from billing.models import (
    FeeExtra,
    FeeReduction,
    FeeSchedule,
    FreePlaceApplication,
    InstrumentRental,
    Invoice,
    Payment,
)
from enrollment.models import Offer, Placement, School, SchoolPolicy, StaffRole, Term
from kulturskole.access import Role

SANDEFJORD = "sandefjord"
TERM = (2026, Term.Season.AUTUMN)
POLICY = {"bank_account": "1503.12.34562", "kid_prefix": "7", "kid_length": 10}
# (name, amount per term, offer slugs)
EXTRAS = (
    ("Noter og materiell", Decimal("150.00"), ("fiolin", "cello")),
    ("Kostyme og rekvisitter", Decimal("200.00"), ("teater",)),
)
# Household names with a place in the autumn term.
FREE_PLACE_GRANTED = "Pettersen"
FREE_PLACE_APPLIED = "Nguyen"
UNPAID = "Karlsen"  # overdue, with a first reminder
PAID_SHORT = "Jensen"  # paid 500 kr too little: an amount mismatch to handle
SHORT_BY = Decimal("500.00")
UNKNOWN_KID = "7999999993"
# Registered after the invoices went out: an additional invoice and a credit note.
RENTAL = ("Hansen", "Emma", "fiolin", "Fiolin 3/4", "SKS-F-0142")
REDUCTION = ("Larsen", "Selma", "fiolin", 6)
# The first invoices are dated this long before the day of seeding (at the latest two weeks
# into the term), so they are due and the reminder has gone out.
INVOICED_DAYS_AGO = 45
INVOICED_WITHIN_DAYS = 14


def seed_demo(*, today: dt.date) -> Iterator[str]:
    """Create or update the billing demo data; yields one line of summary for the console."""
    school = School.objects.filter(slug=SANDEFJORD).first()
    if school is None:
        return
    term = Term.objects.get(school=school, year=TERM[0], season=TERM[1])
    office = _office_user(school)
    now = timezone.now()
    with transaction.atomic():
        # Sending is queued on commit; every demo invoice is marked sent before that, so the
        # console is not flooded with e-mails.
        SchoolPolicy.objects.update_or_create(school=school, defaults=POLICY)
        school.refresh_from_db()
        schedule = FeeSchedule.objects.get(school=school, school_year=TERM[0])
        _seed_extras(school, schedule)
        _seed_free_places(school, office, now)
        issued_on = min(
            term.starts_on + dt.timedelta(days=INVOICED_WITHIN_DAYS),
            today - dt.timedelta(days=INVOICED_DAYS_AGO),
        )
        first = invoices_create(school=school, term=term, by=office, issued_on=issued_on)
        _seed_payments(school, term, office, now)
        _seed_rental(school, term, office)
        _seed_reduction(school, term, office, now)
        later = invoices_create(
            school=school,
            term=term,
            by=office,
            issued_on=max(today - dt.timedelta(days=3), issued_on),
        )
        Invoice.objects.filter(school=school, term=term, delivery=Invoice.Delivery.PENDING).update(
            delivery=Invoice.Delivery.SENT, sent_at=now
        )
        reminded = _seed_reminder(school, term, today)
    invoices = Invoice.objects.filter(school=school, term=term)
    yield (
        f"Billing: {invoices.count()} invoices for {term} at {school.name} "
        f"({first.invoices + later.invoices + later.credit_notes + later.additional} new), "
        f"{Payment.objects.filter(school=school).count()} payments, "
        f"{reminded} overdue with a reminder."
    )


def _office_user(school: School) -> object | None:
    role = StaffRole.objects.filter(school=school, role=Role.OFFICE).select_related("user")
    first = role.order_by("pk").first()
    return first.user if first else None


def _seed_extras(school: School, schedule: FeeSchedule) -> None:
    for name, amount, slugs in EXTRAS:
        extra, _created = FeeExtra.objects.update_or_create(
            schedule=schedule, name=name, defaults={"amount": amount}
        )
        extra.offers.set(Offer.objects.filter(school=school, slug__in=slugs))


def _seed_free_places(school: School, office: object | None, now: dt.datetime) -> None:
    granted = school.households.get(name=FREE_PLACE_GRANTED)
    FreePlaceApplication.objects.get_or_create(
        household=granted,
        school_year=TERM[0],
        defaults={
            "household_income": Decimal("298000"),
            "household_size": 4,
            "explanation": "Alenemor med tre barn; inntekten er lav dette året.",
            "applied_at": now - dt.timedelta(days=70),
            "status": FreePlaceApplication.Status.GRANTED,
            "decided_by": office,
            "decided_at": now - dt.timedelta(days=60),
            "decision_note": "Inntekten er under grensen kommunestyret har satt for friplass.",
        },
    )
    FreePlaceApplication.objects.get_or_create(
        household=school.households.get(name=FREE_PLACE_APPLIED),
        school_year=TERM[0],
        defaults={
            "household_income": Decimal("341500"),
            "household_size": 5,
            "explanation": "Den ene av oss har vært sykmeldt store deler av året.",
            "applied_at": now - dt.timedelta(days=4),
        },
    )


def _seed_payments(school: School, term: Term, office: object | None, now: dt.datetime) -> None:
    """Every first invoice paid in full, except one unpaid and one paid short."""
    invoices = selectors.with_balance(
        Invoice.objects.filter(school=school, term=term, kind=Invoice.Kind.INVOICE, total__gt=0)
    ).select_related("household")
    for invoice in invoices:
        name = invoice.household.name
        if name == UNPAID:
            continue
        amount = invoice.total - SHORT_BY if name == PAID_SHORT else invoice.total
        _payment, created = Payment.objects.get_or_create(
            school=school,
            external_id=f"demo:{invoice.kid}",
            defaults={
                "invoice": invoice,
                "kid": invoice.kid,
                "amount": amount,
                "paid_on": invoice.issued_on + dt.timedelta(days=10),
                "source": Payment.Source.OCR,
                "registered_by": office,
                "registered_at": now,
                "problem": Payment.Problem.AMOUNT_MISMATCH if name == PAID_SHORT else "",
            },
        )
        if created and name != PAID_SHORT:
            Invoice.objects.filter(pk=invoice.pk, paid_at__isnull=True).update(paid_at=now)
    first = Invoice.objects.filter(school=school, term=term).order_by("issued_on").first()
    Payment.objects.get_or_create(
        school=school,
        external_id="demo:unknown-kid",
        defaults={
            "kid": UNKNOWN_KID,
            "amount": Decimal("1850.00"),
            "paid_on": (first.issued_on if first else term.starts_on) + dt.timedelta(days=12),
            "source": Payment.Source.OCR,
            "registered_by": office,
            "registered_at": now,
            "note": "Betaling for Selma",
            "problem": Payment.Problem.UNKNOWN_KID,
        },
    )


def _placement(school: School, household: str, pupil: str, offer: str) -> Placement | None:
    return Placement.objects.filter(
        pupil__household__school=school,
        pupil__household__name=household,
        pupil__first_name=pupil,
        offer__slug=offer,
    ).first()


def _seed_rental(school: School, term: Term, office: object | None) -> None:
    household, pupil, offer, instrument, serial = RENTAL
    placement = _placement(school, household, pupil, offer)
    if placement is None:
        return
    InstrumentRental.objects.get_or_create(
        placement=placement,
        serial_number=serial,
        defaults={"instrument": instrument, "starts_on": term.starts_on, "created_by": office},
    )


def _seed_reduction(school: School, term: Term, office: object | None, now: dt.datetime) -> None:
    household, pupil, offer, weeks = REDUCTION
    placement = _placement(school, household, pupil, offer)
    if placement is None or FeeReduction.objects.filter(placement=placement, term=term).exists():
        return
    reduction = FeeReduction(
        placement=placement,
        term=term,
        kind=FeeReduction.Kind.ILLNESS,
        weeks=weeks,
        justification="Brukket arm; legeerklæring viser seks uker uten spilling.",
        decided_by=office,
        decided_at=now,
    )
    reduction.doctors_note.save("legeerklaering.pdf", ContentFile(_DOCTORS_NOTE), save=False)
    reduction.save()


def _seed_reminder(school: School, term: Term, today: dt.date) -> int:
    """The reminder the daily task would have sent for the unpaid invoice."""
    overdue = selectors.overdue(Invoice.objects.filter(school=school, term=term), today=today)
    for invoice in overdue.filter(household__name=UNPAID, first_reminder_on__isnull=True):
        reminder_on = invoice.due_on + dt.timedelta(days=school.policy.reminder_after_days)
        if reminder_on <= today:
            Invoice.objects.filter(pk=invoice.pk).update(first_reminder_on=reminder_on)
    return overdue.filter(first_reminder_on__isnull=False).count()


# A one-page PDF saying what it is, so the office's link opens something.
_DOCTORS_NOTE = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
    b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length 58>>stream\nBT /F1 18 Tf 72 760 Td (Legeerklaering - eksempel) Tj ET\n"
    b"endstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
