"""Payments: registered by hand or imported from the bank's file, matched to invoices by KID.

A payment is never dropped. One whose KID matches no invoice of the school, or whose amount is
not what the invoice owes, is kept with a `problem` and listed for the office to handle.
Importing the same file again registers nothing: the file's fingerprint is unique per school,
and so is each payment's bank reference (`external_id`), so overlapping files are safe too.

Reminders: after the due date (+ policy days) a first reminder, then a second, then the invoice
is flagged for termination for non-payment (§9d i) in the office's view; the office decides.
Each step is a conditional UPDATE, so a task that runs twice sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import bankfiles, rules, selectors
from billing.invoicing import school_policy
from billing.models import Invoice, Payment, PaymentImport
from enrollment.models import School
from kulturskole import audit
from kulturskole.messaging import absolute_url, notify

ORE = Decimal("0.01")


class PaymentError(Exception):
    """Bad input for a payment; the message is for the office user."""


def _owed(invoice: Invoice) -> Decimal:
    return selectors.with_balance(Invoice.objects.filter(pk=invoice.pk)).get().owed


def _settle(invoice: Invoice, *, now: dt.datetime) -> None:
    """Mark the invoice paid when nothing is owed any more (or unpaid again after a reversal)."""
    owed = _owed(invoice)
    if owed <= 0:
        Invoice.objects.filter(pk=invoice.pk, paid_at__isnull=True).update(paid_at=now)
    else:
        Invoice.objects.filter(pk=invoice.pk, paid_at__isnull=False).update(paid_at=None)


def _problem(invoice: Invoice | None, amount: Decimal) -> str:
    if invoice is None:
        return Payment.Problem.UNKNOWN_KID
    return "" if amount == _owed(invoice) else Payment.Problem.AMOUNT_MISMATCH


def invoice_by_kid(school: School, kid: str) -> Invoice | None:
    kid = (kid or "").strip()
    if not kid:
        return None
    return (
        Invoice.objects.filter(school=school, kid=kid)
        .exclude(kind=Invoice.Kind.CREDIT_NOTE)
        .first()
    )


def payment_register(
    *,
    school: School,
    kid: str,
    amount: Decimal,
    paid_on: dt.date,
    by: Any,
    note: str = "",
) -> Payment:
    """Register a payment by hand (e.g. paid at the counter or without KID)."""
    if amount == 0:
        raise PaymentError(_("The amount cannot be zero."))
    if paid_on > timezone.localdate():
        raise PaymentError(_("A payment cannot be dated in the future."))
    now = timezone.now()
    with transaction.atomic():
        invoice = invoice_by_kid(school, kid)
        if invoice is not None:
            Invoice.objects.select_for_update().filter(pk=invoice.pk).first()
        payment = Payment.objects.create(
            school=school,
            invoice=invoice,
            kid=kid.strip(),
            amount=amount,
            paid_on=paid_on,
            source=Payment.Source.MANUAL,
            external_id=f"manual:{uuid.uuid4()}",
            registered_by=by,
            registered_at=now,
            note=note,
            problem=_problem(invoice, amount),
        )
        if invoice is not None:
            _settle(invoice, now=now)
        audit.record(
            actor=by,
            action="billing.payment_registered",
            subject=payment,
            summary=f"{amount} to KID {kid}",
        )
    return payment


@dataclass
class ImportResult:
    payment_import: PaymentImport | None
    already_imported: PaymentImport | None = None
    registered: int = 0
    already_known: int = 0
    unmatched: int = 0
    mismatched: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


def payments_import(*, school: School, data: bytes, filename: str, by: Any) -> ImportResult:
    """Read a bank file (Nets OCR giro or CSV) and register its payments once."""
    parsed = bankfiles.parse_payment_file(data, filename)
    errors = [{"line": problem.line, "message": problem.message} for problem in parsed.errors]
    if parsed.file_format == bankfiles.FORMAT_UNKNOWN:
        raise PaymentError(
            _("The file is neither an OCR giro file from Nets nor a CSV file with KID numbers.")
        )
    if not parsed.payments and parsed.errors:
        # Nothing readable: keep no record of it, so a corrected file can be imported.
        problems = "; ".join(str(problem) for problem in parsed.errors[:3])
        raise PaymentError(
            _("No payments could be read from the file: %(problems)s") % {"problems": problems}
        )
    earlier = PaymentImport.objects.filter(school=school, fingerprint=parsed.fingerprint).first()
    if earlier is not None:
        return ImportResult(payment_import=None, already_imported=earlier)
    now = timezone.now()
    source = (
        Payment.Source.OCR if parsed.file_format == bankfiles.FORMAT_OCR else Payment.Source.CSV
    )
    try:
        with transaction.atomic():
            record = PaymentImport.objects.create(
                school=school,
                filename=filename[:200],
                file_format=parsed.file_format,
                fingerprint=parsed.fingerprint,
                imported_by=by,
                imported_at=now,
                errors=errors,
            )
            result = ImportResult(payment_import=record, errors=errors)
            known = set(
                Payment.objects.filter(
                    school=school, external_id__in=[p.external_id for p in parsed.payments]
                ).values_list("external_id", flat=True)
            )
            kids = {p.kid for p in parsed.payments if p.kid}
            invoices = {
                invoice.kid: invoice
                for invoice in Invoice.objects.select_for_update()
                .filter(school=school, kid__in=kids)
                .exclude(kind=Invoice.Kind.CREDIT_NOTE)
            }
            # What each invoice owes, read once and kept up to date as the file's payments
            # are applied: a fixed number of queries for a file of any length.
            owed = {
                invoice.pk: invoice.owed
                for invoice in selectors.with_balance(
                    Invoice.objects.filter(pk__in=[i.pk for i in invoices.values()])
                )
            }
            payments = []
            for incoming in parsed.payments:
                if incoming.external_id in known:
                    result.already_known += 1
                    continue
                known.add(incoming.external_id)
                invoice = invoices.get(incoming.kid)
                amount = (Decimal(incoming.amount_ore) * ORE).quantize(ORE)
                if incoming.reversal:
                    amount = -amount
                if invoice is None:
                    problem = Payment.Problem.UNKNOWN_KID
                elif incoming.reversal or amount != owed[invoice.pk]:
                    problem = Payment.Problem.AMOUNT_MISMATCH
                else:
                    problem = ""
                if invoice is not None:
                    owed[invoice.pk] -= amount
                payments.append(
                    Payment(
                        school=school,
                        invoice=invoice,
                        kid=incoming.kid,
                        amount=amount,
                        paid_on=incoming.paid_on,
                        source=source,
                        external_id=incoming.external_id,
                        payment_import=record,
                        registered_by=by,
                        registered_at=now,
                        note=(incoming.reference or incoming.text)[:300],
                        problem=problem,
                    )
                )
                result.registered += 1
                result.unmatched += problem == Payment.Problem.UNKNOWN_KID
                result.mismatched += problem == Payment.Problem.AMOUNT_MISMATCH
            Payment.objects.bulk_create(payments, batch_size=1000)
            settled = [pk for pk, left in owed.items() if left <= 0]
            Invoice.objects.filter(pk__in=settled, paid_at__isnull=True).update(paid_at=now)
            Invoice.objects.filter(pk__in=set(owed) - set(settled), paid_at__isnull=False).update(
                paid_at=None
            )
            PaymentImport.objects.filter(pk=record.pk).update(
                registered=result.registered, already_known=result.already_known
            )
            audit.record(
                actor=by,
                action="billing.payments_imported",
                subject=record,
                summary=(
                    f"{filename}: {result.registered} registered, {result.already_known} known, "
                    f"{result.unmatched} unknown KID, {result.mismatched} amount differs"
                ),
            )
    except IntegrityError:  # the same file imported at this very moment by someone else
        earlier = PaymentImport.objects.filter(
            school=school, fingerprint=parsed.fingerprint
        ).first()
        return ImportResult(payment_import=None, already_imported=earlier)
    record.refresh_from_db()
    return result


def payment_assign(*, payment: Payment, invoice: Invoice, by: Any, note: str) -> Payment:
    """Attach an unmatched payment to the invoice it was meant for."""
    if invoice.school_id != payment.school_id or invoice.kind == Invoice.Kind.CREDIT_NOTE:
        raise PaymentError(_("Choose an invoice of this school."))
    now = timezone.now()
    with transaction.atomic():
        Invoice.objects.select_for_update().filter(pk=invoice.pk).first()
        # Still a problem when the amount is not what the invoice owes: the office sees it.
        problem = "" if payment.amount == _owed(invoice) else Payment.Problem.AMOUNT_MISMATCH
        updated = Payment.objects.filter(pk=payment.pk, invoice__isnull=True).update(
            invoice=invoice,
            problem=problem,
            handled_by=by,
            handled_at=now,
            handling_note=note,
        )
        if updated != 1:
            raise PaymentError(_("This payment is already attached to an invoice."))
        _settle(invoice, now=now)
        audit.record(
            actor=by,
            action="billing.payment_assigned",
            subject=payment,
            summary=f"to invoice {invoice.number}",
            reason=note,
        )
    payment.refresh_from_db()
    return payment


def payment_mark_handled(*, payment: Payment, by: Any, note: str) -> Payment:
    """The office has dealt with a payment's problem (refunded, asked the payer, …)."""
    if not note.strip():
        raise PaymentError(_("Say how the payment was handled."))
    with transaction.atomic():
        updated = (
            Payment.objects.filter(pk=payment.pk)
            .exclude(problem="")
            .update(problem="", handled_by=by, handled_at=timezone.now(), handling_note=note)
        )
        if updated != 1:
            raise PaymentError(_("This payment needs no handling."))
        audit.record(
            actor=by,
            action="billing.payment_handled",
            subject=payment,
            summary=f"{payment.amount} KID {payment.kid}",
            reason=note,
        )
    payment.refresh_from_db()
    return payment


# --- Reminders and the §9d i flag ----------------------------------------------------------------


@dataclass
class ReminderRun:
    first: list[int] = field(default_factory=list)
    second: list[int] = field(default_factory=list)
    flagged: list[int] = field(default_factory=list)


def reminders_run(*, today: dt.date) -> ReminderRun:
    """Daily: remind about overdue invoices, twice, then flag them for the office (§9d i)."""
    run = ReminderRun()
    overdue = selectors.overdue(Invoice.objects.all(), today=today).select_related(
        "school__policy", "term"
    )
    for invoice in overdue:
        policy = school_policy(invoice.school)
        step = rules.reminder_step(
            due_on=invoice.due_on,
            first_reminder_on=invoice.first_reminder_on,
            second_reminder_on=invoice.second_reminder_on,
            flagged_on=invoice.termination_flag_on,
            today=today,
            reminder_after_days=policy.reminder_after_days,
            second_reminder_after_days=policy.second_reminder_after_days,
            flag_after_days=policy.termination_flag_after_days,
        )
        if step is None or not _step(invoice, step.value, today):
            continue
        if step == rules.ReminderStep.FIRST:
            _remind(invoice, 1)
            run.first.append(invoice.pk)
        elif step == rules.ReminderStep.SECOND:
            _remind(invoice, 2)
            run.second.append(invoice.pk)
        else:
            run.flagged.append(invoice.pk)
    return run


def _step(invoice: Invoice, column: str, today: dt.date) -> bool:
    """Take one reminder step if no other run took it: True for the run that did."""
    return (
        Invoice.objects.filter(pk=invoice.pk, **{f"{column}__isnull": True}).update(
            **{column: today}
        )
        == 1
    )


def _remind(invoice: Invoice, number: int) -> None:
    if not invoice.payer_email:
        return
    notify(
        key=f"invoice-reminder:{invoice.pk}:{number}",
        template="invoice_reminder",
        to_email=invoice.payer_email,
        language=invoice.language,
        context={
            "invoice": invoice,
            "school": invoice.school,
            "policy": school_policy(invoice.school),
            "owed": invoice.owed,
            "number": number,
            "portal_url": absolute_url("/family/invoices/"),
        },
    )
