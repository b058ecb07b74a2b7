"""The billing app's pages in the page-access matrix (see tests/pages/__init__.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone

from billing import tasks
from billing.invoicing import invoices_create
from billing.models import FeeReduction, FreePlaceApplication, InstrumentRental, Invoice, Payment
from billing.office_views import _run_school_key
from tests import factories
from tests.pages import SCHOOL_ADMINS, Page, school_kwargs

GUARDIAN = ("guardian",)


def _run(run_id: str, school: Any) -> str:
    """A finished invoice run of `school`, as the progress page reads it."""
    cache.set(
        tasks.run_key(run_id),
        {
            "state": "finished",
            "done": 1,
            "total": 1,
            "invoices": 1,
            "credit_notes": 0,
            "additional": 0,
            "unchanged": 0,
            "amount": "1850.00",
        },
    )
    cache.set(_run_school_key(run_id), school.pk)
    return run_id


def world(objects: dict[str, Any], users: dict[str, Any]) -> dict[str, Any]:
    """Objects the billing pages below need, added to the matrix's shared world."""
    now = timezone.now()
    school, term, household = objects["school"], objects["term"], objects["household"]
    elsewhere = objects["elsewhere"]
    invoices_create(school=school, term=term, issued_on=dt.date(2026, 8, 24))
    invoice = Invoice.objects.get(household=household, term=term)
    other_term = factories.TermFactory(school=elsewhere)
    factories.FeeScheduleFactory(school=elsewhere, school_year=2026)
    invoices_create(school=elsewhere, term=other_term, issued_on=dt.date(2026, 8, 24))
    other_invoice = Invoice.objects.get(household=objects["other_household"])
    unknown = Payment.objects.create(
        school=school,
        kid="99999999",
        amount=Decimal("100.00"),
        paid_on=dt.date(2026, 9, 1),
        source=Payment.Source.MANUAL,
        external_id="manual:matrix",
        registered_at=now,
        problem=Payment.Problem.UNKNOWN_KID,
    )
    other_payment = Payment.objects.create(
        school=elsewhere,
        kid="88888888",
        amount=Decimal("100.00"),
        paid_on=dt.date(2026, 9, 1),
        source=Payment.Source.MANUAL,
        external_id="manual:matrix-elsewhere",
        registered_at=now,
        problem=Payment.Problem.UNKNOWN_KID,
    )
    application = FreePlaceApplication(
        household=household,
        school_year=2026,
        household_income=Decimal("250000"),
        household_size=4,
        applied_by=users["guardian"],
        applied_at=now,
    )
    application.attachment.save("tax.pdf", ContentFile(b"%PDF-1.7 tax"), save=False)
    application.save()
    other_application = FreePlaceApplication.objects.create(
        household=objects["other_household"],
        school_year=2026,
        household_income=Decimal("250000"),
        household_size=3,
        applied_at=now,
    )
    reduction = FeeReduction(
        placement=objects["placement"],
        term=term,
        kind=FeeReduction.Kind.ILLNESS,
        weeks=6,
        justification="Legeerklæring.",
        decided_by=users["office"],
        decided_at=now,
    )
    reduction.doctors_note.save("note.pdf", ContentFile(b"%PDF-1.7 note"), save=False)
    reduction.save()
    rental = InstrumentRental.objects.create(
        placement=objects["placement"], instrument="Fiolin 3/4", starts_on=term.starts_on
    )
    return {
        "invoice": invoice,
        "other_invoice": other_invoice,
        "unknown_payment": unknown,
        "other_payment": other_payment,
        "free_place_application": application,
        "other_free_place_application": other_application,
        "reduction": reduction,
        "rental": rental,
        "run_id": _run("matrix-run", school),
        "other_run_id": _run("matrix-run-elsewhere", elsewhere),
    }


ADMINS = tuple(SCHOOL_ADMINS)

PAGES: dict[str, Page] = {
    "billing:home": Page(school_kwargs(), ADMINS),
    "billing:run": Page(school_kwargs(), ADMINS),
    "billing:run_progress": Page(
        lambda o: {"school": o["school"].slug, "run_id": o["run_id"]}, ADMINS
    ),
    "billing:invoices": Page(school_kwargs(), ADMINS),
    "billing:invoices_export": Page(lambda o: {"school": o["school"].slug, "fmt": "xlsx"}, ADMINS),
    "billing:invoice": Page(school_kwargs(pk="invoice"), ADMINS),
    "billing:invoice_pdf": Page(school_kwargs(pk="invoice"), ADMINS),
    "billing:payments": Page(school_kwargs(), ADMINS),
    "billing:payment_new": Page(school_kwargs(), ADMINS),
    "billing:payment_import": Page(school_kwargs(), ADMINS),
    "billing:payment_assign": Page(school_kwargs(pk="unknown_payment"), ADMINS),
    "billing:payment_handled": Page(school_kwargs(pk="unknown_payment"), ADMINS),
    "billing:overdue": Page(school_kwargs(), ADMINS),
    "billing:free_places": Page(school_kwargs(), ADMINS),
    "billing:free_place": Page(school_kwargs(pk="free_place_application"), ADMINS),
    "billing:free_place_document": Page(school_kwargs(pk="free_place_application"), ADMINS),
    "billing:reductions": Page(school_kwargs(), ADMINS),
    "billing:reduction_new": Page(school_kwargs(), ADMINS),
    "billing:reduction_note": Page(school_kwargs(pk="reduction"), ADMINS),
    "billing:rentals": Page(school_kwargs(), ADMINS),
    "billing:rental_new": Page(school_kwargs(), ADMINS),
    "billing:rental_return": Page(school_kwargs(pk="rental"), ADMINS),
    "billing:accounting": Page(school_kwargs(), ADMINS),
    "billing:accounting_export": Page(
        lambda o: {"school": o["school"].slug, "what": "payments", "fmt": "csv"}, ADMINS
    ),
    "family_billing:invoices": Page(lambda o: {}, GUARDIAN),
    "family_billing:invoice_pdf": Page(lambda o: {"pk": o["invoice"].pk}, GUARDIAN),
    "family_billing:free_place": Page(lambda o: {}, GUARDIAN),
}
NOT_PAGES: dict[str, str] = {}


def _at_school(**extra: str) -> Any:
    return lambda o: {"school": o["school"].slug, **{k: o[v].pk for k, v in extra.items()}}


# (who, url name, kwargs from objects) — each must be a 404.
PROBES: list[tuple[str, str, Any]] = [
    ("guardian", "family_billing:invoice_pdf", lambda o: {"pk": o["other_invoice"].pk}),
    ("office", "billing:home", lambda o: {"school": o["elsewhere"].slug}),
    ("office", "billing:invoices", lambda o: {"school": o["elsewhere"].slug}),
    ("office", "billing:invoice", _at_school(pk="other_invoice")),
    ("office", "billing:invoice_pdf", _at_school(pk="other_invoice")),
    ("office", "billing:payment_assign", _at_school(pk="other_payment")),
    ("office", "billing:payment_handled", _at_school(pk="other_payment")),
    ("office", "billing:free_place", _at_school(pk="other_free_place_application")),
    ("office", "billing:free_place_document", _at_school(pk="other_free_place_application")),
    (
        "office",
        "billing:run_progress",
        lambda o: {"school": o["school"].slug, "run_id": o["other_run_id"]},
    ),
    (
        "office_elsewhere",
        "billing:invoice",
        lambda o: {"school": o["elsewhere"].slug, "pk": o["invoice"].pk},
    ),
    (
        "office_elsewhere",
        "billing:reduction_note",
        lambda o: {"school": o["elsewhere"].slug, "pk": o["reduction"].pk},
    ),
    (
        "office_elsewhere",
        "billing:rental_return",
        lambda o: {"school": o["elsewhere"].slug, "pk": o["rental"].pk},
    ),
]
