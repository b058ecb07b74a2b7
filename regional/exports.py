"""The programme budget as CSV (for Excel with Norwegian settings) and as XLSX (openpyxl).

Amounts stay Decimal: CSV cells are written with a decimal comma as Norwegian Excel reads
them, and XLSX cells hold the number with a kroner format, so sums in the sheet are exact.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from regional.models import BudgetLine
from regional.rules import BudgetSummary

MONEY_FORMAT = "#,##0.00"
WIDTHS = (34, 18, 40, 14, 14, 12)


def headers() -> list[str]:
    return [
        _("Activity"),
        _("Category"),
        _("Description"),
        _("Planned (kr)"),
        _("Actual (kr)"),
        _("Paid on"),
    ]


def line_values(line: BudgetLine) -> list[Any]:
    activity = line.activity
    return [
        f"{activity.title} ({activity.starts_on:%d.%m.%Y})" if activity else _("Whole programme"),
        line.get_category_display(),
        line.description,
        line.planned,
        line.actual,
        line.paid_on,
    ]


def summary_rows(summary: BudgetSummary) -> list[tuple[str, Decimal]]:
    return [
        (_("Grant"), summary.grant),
        (_("Planned in all"), summary.planned),
        (_("Spent"), summary.spent),
        (_("Committed, not yet spent"), summary.committed),
        (_("Remaining"), summary.remaining),
    ]


def _csv_cell(value: Any) -> Any:
    """Amounts with a decimal comma; text that Excel would run as a formula kept as text."""
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def budget_csv(lines: Sequence[BudgetLine], summary: BudgetSummary) -> str:
    """UTF-8 with a byte-order mark and semicolons, as Excel in Norway expects."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(headers())
    for line in lines:
        writer.writerow([_csv_cell(value) for value in line_values(line)])
    writer.writerow([])
    for label, amount in summary_rows(summary):
        writer.writerow([label, "", "", _csv_cell(amount), "", ""])
    return out.getvalue()


def budget_xlsx(lines: Sequence[BudgetLine], summary: BudgetSummary, *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Budget"
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    row = 2
    for line in lines:
        for column, value in enumerate(line_values(line), start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            if isinstance(value, Decimal):
                cell.number_format = MONEY_FORMAT
            elif hasattr(value, "isoformat"):
                cell.number_format = "dd.mm.yyyy"
            elif isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text, never a formula
        row += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(WIDTHS))}{max(row - 1, 1)}"
    row += 1
    for label, amount in summary_rows(summary):
        sheet.cell(row=row, column=1, value=label).font = Font(bold=True)
        cell = sheet.cell(row=row, column=4, value=amount)
        cell.number_format = MONEY_FORMAT
        row += 1
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
