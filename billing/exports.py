"""Invoices and payments as CSV and XLSX: the office's filtered lists and the export for the
municipal accounting system.

CSV: UTF-8 with a byte-order mark and semicolons, as Excel with Norwegian settings reads it;
amounts with a decimal comma. XLSX: real numbers and dates, a bold header row and a filter.
Text a spreadsheet would run as a formula is kept as text (csv_safe).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from billing.models import Invoice, Payment
from waitlist.exports import csv_safe


def invoice_headers() -> list[str]:
    return [
        _("Invoice number"),
        _("Kind"),
        _("Invoice date"),
        _("Due date"),
        _("KID"),
        _("Payer"),
        _("Household"),
        _("Term"),
        _("Total"),
        _("Paid"),
        _("Owed"),
        _("Corrects invoice"),
    ]


INVOICE_WIDTHS = [14, 18, 12, 12, 14, 28, 20, 14, 12, 12, 12, 14]


def invoice_row(invoice: Invoice) -> list[Any]:
    """Needs `with_balance` and select_related("household", "term", "corrects")."""
    paid = getattr(invoice, "paid", None)
    owed = getattr(invoice, "owed", None)
    if invoice.kind == Invoice.Kind.CREDIT_NOTE:
        paid = owed = Decimal("0.00")  # a credit note lowers what its original owes
    return [
        invoice.number,
        invoice.get_kind_display(),
        invoice.issued_on,
        invoice.due_on,
        invoice.kid,
        invoice.payer_name,
        invoice.household.name,
        str(invoice.term),
        invoice.total,
        paid,
        owed,
        invoice.corrects.number if invoice.corrects_id else None,
    ]


def payment_headers() -> list[str]:
    return [
        _("Paid"),
        _("KID"),
        _("Amount"),
        _("Invoice number"),
        _("Source"),
        _("Bank reference"),
        _("Needs handling"),
        _("Note"),
    ]


PAYMENT_WIDTHS = [12, 14, 12, 14, 22, 36, 22, 40]


def payment_row(payment: Payment) -> list[Any]:
    """Needs select_related("invoice")."""
    return [
        payment.paid_on,
        payment.kid,
        payment.amount,
        payment.invoice.number if payment.invoice_id else None,
        payment.get_source_display(),
        "" if payment.source == Payment.Source.MANUAL else payment.external_id,
        payment.get_problem_display() if payment.problem else "",
        payment.note,
    ]


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    return csv_safe(value)


def table_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return out.getvalue()


def table_xlsx(
    sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]], Sequence[int]]],
) -> bytes:
    """One sheet per (title, headers, rows, column widths)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, rows, widths in sheets:
        sheet = workbook.create_sheet("".join(c for c in title if c not in "[]:*?/\\")[:31])
        sheet.append(list(headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        sheet.freeze_panes = "A2"
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        for number, row in enumerate(rows, start=2):
            for column, value in enumerate(row, start=1):
                cell = sheet.cell(row=number, column=column, value=value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # text, never a formula
                elif isinstance(value, dt.date):
                    cell.number_format = "dd.mm.yyyy"
                elif isinstance(value, Decimal):
                    cell.number_format = "#,##0.00"
        sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
