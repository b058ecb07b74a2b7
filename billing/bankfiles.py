"""Read the bank's incoming payment files into plain values.

Two formats:

- Nets OCR giro ("OCR konteringsdata"): fixed-width records of 80 characters. Field positions
  follow Nets' "OCR giro – System manual" (version 2.0, 2003, chapter 2); the python library
  `netsgiro` reads the same positions. Positions below are 1-based and inclusive as in the
  manual; the code slices them 0-based (`line[start - 1 : end]`).
- A simple CSV with the columns kid;amount;paid_on;reference, for banks and accounting systems
  that export payments that way.

`parse_payment_file` tells them apart and returns a `ParsedFile`: the payments it could read, a
problem for every line it could not (never a line dropped without a word), a fingerprint of the
content, and an `external_id` per payment so an importer can make a second import of the same
file register nothing new. Nothing here touches the database.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

__all__ = [
    "FORMAT_CSV",
    "FORMAT_OCR",
    "FORMAT_UNKNOWN",
    "REVERSAL_TRANSACTION_TYPES",
    "TRANSACTION_TYPES",
    "FileProblem",
    "IncomingPayment",
    "ParsedFile",
    "parse_payment_file",
]

FORMAT_OCR = "ocr"
FORMAT_CSV = "csv"
FORMAT_UNKNOWN = "unknown"

OCR_RECORD_LENGTH = 80

# The OCR giro transaction types, named as in Nets' manual (section 2.4 A, field 3).
TRANSACTION_TYPES = {
    10: gettext_lazy("Giro debited account"),
    11: gettext_lazy("Standing order"),
    12: gettext_lazy("Direct remittance"),
    13: gettext_lazy("Business terminal giro (BTG)"),
    14: gettext_lazy("Counter giro"),
    15: gettext_lazy("AvtaleGiro"),
    16: gettext_lazy("Telegiro"),
    17: gettext_lazy("Giro paid in cash"),
    18: gettext_lazy("Reversal with KID (terminal or internet payment)"),
    19: gettext_lazy("Purchase with KID (terminal or internet payment)"),
    20: gettext_lazy("Reversal with free text (terminal or internet payment)"),
    21: gettext_lazy("Purchase with free text (terminal or internet payment)"),
}
# Money taken back. Nets adds their amounts to the end-record totals like any other
# transaction ("is not deducted"), so a reversal is reported with a positive amount and
# `reversal=True`; what to do with it is for a person to decide.
REVERSAL_TRANSACTION_TYPES = frozenset({18, 20})
# Only these carry an amount item 3 with a free-text message.
FREE_TEXT_TRANSACTION_TYPES = frozenset({20, 21})


@dataclass(frozen=True)
class IncomingPayment:
    """One payment as the bank reported it."""

    kid: str  # digits as written in the file; "" when the payer gave none
    amount_ore: int
    paid_on: date  # OCR: Nets' processing date (the date on the bank statement)
    reference: str  # OCR: archive reference (or agreement id / BAX + session); "" when none
    transaction_type: int | None  # OCR giro transaction type 10–21; None for CSV
    payer_account: str | None  # the payer's 11-digit account when the bank reports it
    line: int  # 1-based line in the file where the payment starts
    external_id: str  # stable across re-imports of the same file
    bank_date: date | None = None  # OCR: the payer's bank's date, when reported
    text: str = ""  # OCR types 20–21: the free-text message of amount item 3
    reversal: bool = False  # OCR types 18 and 20, or a record signed "-"


@dataclass(frozen=True)
class FileProblem:
    """Something in the file that needs a person's eye; `line` is 1-based, None for the file."""

    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("Line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass(frozen=True)
class ParsedFile:
    filename: str
    file_format: str  # FORMAT_OCR, FORMAT_CSV or FORMAT_UNKNOWN
    fingerprint: str  # sha256 of the bytes as received, hex
    payments: tuple[IncomingPayment, ...]
    errors: tuple[FileProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total_ore(self) -> int:
        return sum(payment.amount_ore for payment in self.payments)


def parse_payment_file(data: bytes, filename: str) -> ParsedFile:
    """Read an OCR giro file or a payments CSV; the content decides which, not the name."""
    fingerprint = hashlib.sha256(data).hexdigest()

    def result(
        file_format: str, payments: list[IncomingPayment], errors: list[FileProblem]
    ) -> ParsedFile:
        return ParsedFile(
            filename=filename,
            file_format=file_format,
            fingerprint=fingerprint,
            payments=tuple(payments),
            errors=tuple(errors),
        )

    if b"\x00" in data:
        message = _("This is not a text file. Upload the OCR giro file or a CSV file.")
        return result(FORMAT_UNKNOWN, [], [FileProblem(None, message)])
    text = _decode(data)
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    if not first:
        return result(FORMAT_UNKNOWN, [], [FileProblem(None, _("The file is empty."))])
    if first.startswith("NY"):
        payments, errors = _OcrReader(fingerprint).read(text)
        return result(FORMAT_OCR, payments, errors)
    payments, errors = _read_csv(text)
    return result(FORMAT_CSV, payments, errors)


def _decode(data: bytes) -> str:
    # UTF-8 first (a BOM is dropped); bank and Excel exports in Norway are often Windows-1252,
    # and Latin-1 decodes any byte, so nothing fails here: a wrong guess shows up as an odd
    # character in a reference, never as a lost payment.
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _kroner(ore: int) -> str:
    return number_format(Decimal(ore).scaleb(-2), decimal_pos=2, force_grouping=True)


# --- OCR giro -----------------------------------------------------------------------------------


class _RecordError(ValueError):
    """A record that cannot be read; the message is for office staff."""


def _field(line: str, start: int, end: int) -> str:
    """Positions `start`–`end`, 1-based and inclusive, as in Nets' manual."""
    return line[start - 1 : end]


def _number(line: str, start: int, end: int, name: str) -> int:
    value = _field(line, start, end)
    if not value.isascii() or not value.isdigit():
        raise _RecordError(
            _("The %(field)s (positions %(start)d–%(end)d) must be digits, found “%(value)s”.")
            % {"field": name, "start": start, "end": end, "value": value}
        )
    return int(value)


def _ocr_date(line: str, start: int, end: int, name: str) -> date:
    """A DDMMYY date. Two-digit years 69–99 are 1969–1999 and 00–68 are 2000–2068, as Python's
    %y reads them (Nets' own example file is dated 1992)."""
    value = _field(line, start, end)
    problem = _RecordError(
        _("The %(field)s (positions %(start)d–%(end)d) is not a date (DDMMYY): “%(value)s”.")
        % {"field": name, "start": start, "end": end, "value": value}
    )
    if not value.isascii() or not value.isdigit():
        raise problem
    day, month, year = int(value[0:2]), int(value[2:4]), int(value[4:6])
    try:
        return date(year + (1900 if year >= 69 else 2000), month, day)
    except ValueError:
        raise problem from None


def _optional_ocr_date(line: str, start: int, end: int, name: str) -> date | None:
    if _field(line, start, end) == "000000":
        return None
    return _ocr_date(line, start, end, name)


@dataclass
class _Assignment:
    number: str
    line: int
    skipped: bool = False  # not OCR giro payments (e.g. AvtaleGiro agreements)
    records: int = 1  # its start record
    transactions: int = 0
    amount_ore: int = 0
    seen: set[int] = field(default_factory=set)


@dataclass
class _Item1:
    line: int
    transaction_type: int
    number: int
    nets_date: date
    amount_ore: int
    kid: str
    negative: bool


class _OcrReader:
    """Reads one transmission record by record, keeping the running counts the end records
    are checked against."""

    def __init__(self, fingerprint: str) -> None:
        self.fingerprint = fingerprint
        self.payments: list[IncomingPayment] = []
        self.errors: list[FileProblem] = []
        self.source = f"file-{fingerprint[:16]}"  # until a start record names the transmission
        self.started_on_line: int | None = None
        self.ended_on_line: int | None = None
        self.assignment: _Assignment | None = None
        self.item1: _Item1 | None = None
        # (index in payments, transaction number) of a type 20/21 payment awaiting its item 3
        self.awaiting_text: tuple[int, int] | None = None
        # Running totals for the end-of-transmission record.
        self.records = 0
        self.transactions = 0
        self.amount_ore = 0

    def read(self, text: str) -> tuple[list[IncomingPayment], list[FileProblem]]:
        for number, line in self._lines(text):
            try:
                self._record(number, line)
            except _RecordError as error:
                self.errors.append(FileProblem(number, str(error)))
        self._end_of_file()
        return self.payments, sorted(self.errors, key=lambda e: (e.line is None, e.line or 0))

    @staticmethod
    def _lines(text: str) -> list[tuple[int, str]]:
        # Split on line feeds only: str.splitlines() would also break a line at characters such
        # as \x85 or \x1c that Latin-1 text can hold.
        lines = [line.rstrip("\r") for line in text.split("\n")]
        numbered = [(i, line) for i, line in enumerate(lines, start=1) if line.strip()]
        if (
            len(numbered) == 1
            and len(numbered[0][1]) > OCR_RECORD_LENGTH
            and len(numbered[0][1]) % OCR_RECORD_LENGTH == 0
        ):
            # Records written back to back without line breaks; number them as records.
            blob = numbered[0][1]
            return [
                (i, blob[start : start + OCR_RECORD_LENGTH])
                for i, start in enumerate(range(0, len(blob), OCR_RECORD_LENGTH), start=1)
            ]
        return numbered

    def _error(self, line: int | None, message: str) -> None:
        self.errors.append(FileProblem(line, message))

    # Every non-blank line counts as a record, readable or not: the bank counted it, and a
    # record left out of the count would hide which one went missing.
    def _record(self, number: int, line: str) -> None:
        if self.ended_on_line is not None:
            raise _RecordError(_("A record after the end-of-transmission record."))
        self.records += 1
        if self.assignment is not None:
            self.assignment.records += 1
        if len(line) != OCR_RECORD_LENGTH:
            raise _RecordError(
                _("The record is %(length)d characters long; OCR giro records have 80.")
                % {"length": len(line)}
            )
        if not line.startswith("NY"):
            raise _RecordError(_("The record does not start with “NY”."))
        record_type = _field(line, 7, 8)
        service_code = _field(line, 3, 4)
        if record_type == "10":
            self._transmission_start(number, line)
        elif record_type == "89":
            self._transmission_end(number, line)
        elif record_type == "20":
            self._assignment_start(number, line, service_code)
        elif record_type == "88":
            self._assignment_end(number, line)
        elif self.assignment is not None and self.assignment.skipped:
            return  # a record of an assignment already reported as not imported
        elif record_type in {"30", "31", "32"}:
            assignment = self.assignment
            if service_code != "09":
                raise _RecordError(
                    _("Service code %(code)s where OCR giro transactions have 09.")
                    % {"code": service_code}
                )
            if assignment is None:
                raise _RecordError(
                    _("A transaction record outside an assignment (no start record before it).")
                )
            if record_type == "30":
                self._amount_item_1(number, line, assignment)
            elif record_type == "31":
                self._amount_item_2(line, assignment)
            else:
                self._amount_item_3(line)
        else:
            raise _RecordError(_("Unknown record type “%(type)s”.") % {"type": record_type})

    # Start record for transmission: NY 00 00 10, data transmitter 9–16, transmission number
    # 17–23, data recipient (customer unit id) 24–31, filler 32–80.
    def _transmission_start(self, number: int, line: str) -> None:
        if self.started_on_line is not None:
            raise _RecordError(
                _("A second start-of-transmission record; the one on line %(line)d came first.")
                % {"line": self.started_on_line}
            )
        transmission = _number(line, 17, 23, _("transmission number"))
        recipient = _number(line, 24, 31, _("data recipient"))
        self.started_on_line = number
        self.source = f"{recipient:08d}:{transmission:07d}"

    # End record for transmission: NY 00 00 89, number of transactions 9–16, number of records
    # 17–24 (all, including both start and end records), total amount in øre 25–41, Nets date
    # 42–47, filler 48–80.
    def _transmission_end(self, number: int, line: str) -> None:
        self._close_assignment_without_end()
        self.ended_on_line = number
        transactions = _number(line, 9, 16, _("number of transactions"))
        records = _number(line, 17, 24, _("number of records"))
        amount = _number(line, 25, 41, _("total amount"))
        self._compare_counts(
            number,
            _("The end-of-transmission record"),
            (transactions, records, amount),
            (self.transactions, self.records, self.amount_ore),
        )

    # Start record for assignment: NY 09 00 20, agreement id 9–17, assignment number 18–24,
    # assignment account 25–35, filler 36–80.
    def _assignment_start(self, number: int, line: str, service_code: str) -> None:
        self._close_assignment_without_end()
        assignment_number = _field(line, 18, 24)
        self.assignment = _Assignment(number=assignment_number, line=number)
        if service_code != "09":
            self.assignment.skipped = True
            raise _RecordError(
                _(
                    "Assignment %(number)s is not OCR giro payments (service code %(code)s); "
                    "none of its records were imported."
                )
                % {"number": assignment_number, "code": service_code}
            )
        _number(line, 18, 24, _("assignment number"))

    # End record for assignment: NY 09 00 88, number of transactions 9–16, number of records
    # 17–24 (including its start and end records), total amount in øre 25–41 (reversals are
    # added, not deducted), Nets date 42–47, earliest 48–53 and latest 54–59 Nets date.
    def _assignment_end(self, number: int, line: str) -> None:
        self._flush_item1()
        assignment = self.assignment
        self.assignment = None
        if assignment is None:
            raise _RecordError(_("An end-of-assignment record without a start record."))
        transactions = _number(line, 9, 16, _("number of transactions"))
        records = _number(line, 17, 24, _("number of records"))
        amount = _number(line, 25, 41, _("total amount"))
        if assignment.skipped:
            # Not ours to check; take its word so the transmission totals still add up.
            assignment.transactions, assignment.amount_ore = transactions, amount
        else:
            self._compare_counts(
                number,
                _("The end record of assignment %(number)s") % {"number": assignment.number},
                (transactions, records, amount),
                (assignment.transactions, assignment.records, assignment.amount_ore),
            )
        self.transactions += assignment.transactions
        self.amount_ore += assignment.amount_ore

    # Amount item 1: NY 09 <type> 30, transaction number 9–15, Nets date 16–21 (DDMMYY),
    # centre id 22–23, day code 24–25, partial settlement number 26, serial number 27–31,
    # sign 32 ("-" or "0"), amount in øre 33–49, KID 50–74 (right-aligned, blank-padded),
    # filler 75–80.
    def _amount_item_1(self, number: int, line: str, assignment: _Assignment) -> None:
        self._flush_item1()
        self.awaiting_text = None
        transaction_type = _number(line, 5, 6, _("transaction type"))
        if transaction_type not in TRANSACTION_TYPES:
            raise _RecordError(
                _("Unknown transaction type %(type)d; OCR giro has types 10–21.")
                % {"type": transaction_type}
            )
        transaction = _number(line, 9, 15, _("transaction number"))
        nets_date = _ocr_date(line, 16, 21, _("Nets date"))
        amount = _number(line, 33, 49, _("amount"))
        kid = _field(line, 50, 74).strip()
        if not re.fullmatch(r"[0-9]*-?", kid):
            raise _RecordError(
                _("The KID (positions 50–74) must be digits, found “%(value)s”.") % {"value": kid}
            )
        # Counted as soon as the amount is read: the bank's totals include it even if the
        # rest of the transaction turns out unreadable.
        assignment.transactions += 1
        assignment.amount_ore += amount
        self.item1 = _Item1(
            line=number,
            transaction_type=transaction_type,
            number=transaction,
            nets_date=nets_date,
            amount_ore=amount,
            kid=kid,
            negative=_field(line, 32, 32) == "-",
        )

    # Amount item 2: NY 09 <type> 31, transaction number 9–15, form number 16–25, agreement
    # id / archive reference 26–34 (types 18–21: BAX number and session number), filler 35–41,
    # bank date 42–47 (DDMMYY), debit account 48–58 (zeros when unknown), filler 59–80.
    def _amount_item_2(self, line: str, assignment: _Assignment) -> None:
        item1, self.item1 = self.item1, None
        transaction_type = _number(line, 5, 6, _("transaction type"))
        transaction = _number(line, 9, 15, _("transaction number"))
        if item1 is None or (item1.number, item1.transaction_type) != (
            transaction,
            transaction_type,
        ):
            if item1 is not None:
                self._missing_item_2(item1)
            raise _RecordError(
                _("Amount item 2 of transaction %(number)d does not follow its amount item 1.")
                % {"number": transaction}
            )
        try:
            reference = _field(line, 26, 34)
            if not reference.isascii() or not reference.isdigit():
                reference = reference.strip()
            elif not int(reference):
                reference = ""
            bank_date = _optional_ocr_date(line, 42, 47, _("bank date"))
            account = _number(line, 48, 58, _("debit account"))
        except _RecordError:
            self._missing_item_2(item1, reported=True)
            raise
        if item1.number in assignment.seen:
            raise _RecordError(
                _(
                    "Transaction %(number)d appears twice in assignment %(assignment)s; "
                    "the second was not imported."
                )
                % {"number": item1.number, "assignment": assignment.number}
            )
        assignment.seen.add(item1.number)
        self.payments.append(
            IncomingPayment(
                kid=item1.kid,
                amount_ore=item1.amount_ore,
                paid_on=item1.nets_date,
                reference=reference,
                transaction_type=item1.transaction_type,
                payer_account=f"{account:011d}" if account else None,
                line=item1.line,
                external_id=f"ocr:{self.source}:{assignment.number}:{item1.number}",
                bank_date=bank_date,
                reversal=item1.negative or item1.transaction_type in REVERSAL_TRANSACTION_TYPES,
            )
        )
        if item1.transaction_type in FREE_TEXT_TRANSACTION_TYPES:
            self.awaiting_text = (len(self.payments) - 1, item1.number)

    # Amount item 3 (types 20 and 21 only): NY 09 <type> 32, transaction number 9–15, free
    # text 16–55, filler 56–80.
    def _amount_item_3(self, line: str) -> None:
        self._flush_item1()
        awaiting, self.awaiting_text = self.awaiting_text, None
        transaction = _number(line, 9, 15, _("transaction number"))
        if awaiting is None or awaiting[1] != transaction:
            raise _RecordError(
                _(
                    "Amount item 3 of transaction %(number)d does not follow its amount "
                    "items 1 and 2."
                )
                % {"number": transaction}
            )
        index = awaiting[0]
        self.payments[index] = replace(self.payments[index], text=_field(line, 16, 55).strip())

    def _flush_item1(self) -> None:
        if self.item1 is not None:
            self._missing_item_2(self.item1)
            self.item1 = None

    def _missing_item_2(self, item1: _Item1, *, reported: bool = False) -> None:
        if reported:
            message = _(
                "Transaction %(number)d (%(amount)s kr) was not imported: its amount item 2 "
                "could not be read."
            )
        else:
            message = _(
                "Transaction %(number)d (%(amount)s kr) was not imported: amount item 1 has no "
                "amount item 2 after it."
            )
        self._error(
            item1.line,
            message % {"number": item1.number, "amount": _kroner(item1.amount_ore)},
        )

    def _close_assignment_without_end(self) -> None:
        self._flush_item1()
        assignment = self.assignment
        if assignment is None:
            return
        self.assignment = None
        self._error(
            assignment.line,
            _("Assignment %(number)s has no end-of-assignment record.")
            % {"number": assignment.number},
        )
        self.transactions += assignment.transactions
        self.amount_ore += assignment.amount_ore

    def _compare_counts(
        self,
        line: int,
        what: str,
        stated: tuple[int, int, int],
        found: tuple[int, int, int],
    ) -> None:
        (stated_transactions, stated_records, stated_amount) = stated
        (found_transactions, found_records, found_amount) = found
        if stated_transactions != found_transactions:
            self._error(
                line,
                _("%(what)s says %(stated)d transactions, but the file has %(found)d.")
                % {"what": what, "stated": stated_transactions, "found": found_transactions},
            )
        if stated_records != found_records:
            self._error(
                line,
                _("%(what)s says %(stated)d records, but the file has %(found)d.")
                % {"what": what, "stated": stated_records, "found": found_records},
            )
        if stated_amount != found_amount:
            self._error(
                line,
                _(
                    "%(what)s says a total of %(stated)s kr, but the transactions add up to "
                    "%(found)s kr."
                )
                % {"what": what, "stated": _kroner(stated_amount), "found": _kroner(found_amount)},
            )

    def _end_of_file(self) -> None:
        if self.ended_on_line is None:
            self._close_assignment_without_end()
        if self.started_on_line is None:
            self._error(None, _("The file has no start-of-transmission record (NY000010)."))
        if self.ended_on_line is None:
            self._error(
                None,
                _("The file has no end-of-transmission record (NY000089); it may be incomplete."),
            )


# --- CSV ----------------------------------------------------------------------------------------

# Header names, compared in lower case with everything but letters and digits removed.
_COLUMNS = {
    "kid": {"kid", "kidnr", "kidnummer"},
    "amount": {"amount", "beløp", "belop"},
    "paid_on": {"paidon", "date", "paymentdate", "dato", "betalt", "betaltdato", "betalingsdato"},
    "reference": {"reference", "ref", "referanse", "arkivreferanse", "arkivref"},
}
_REQUIRED = ("kid", "amount", "paid_on")
_POSITIONAL = ("kid", "amount", "paid_on", "reference")

_SPACES = re.compile(r"[\s\u00a0\u202f']+")  # thousands separators: spaces, NBSP, apostrophe
_PLAIN_AMOUNT = re.compile(r"(\d+)(?:[.,](\d{1,2}))?")
_DOT_GROUPED = re.compile(r"(\d{1,3}(?:\.\d{3})+)(?:,(\d{1,2}))?")  # 1.234,50
_COMMA_GROUPED = re.compile(r"(\d{1,3}(?:,\d{3})+)(?:\.(\d{1,2}))?")  # 1,234.50
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_NORWEGIAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def _read_csv(text: str) -> tuple[list[IncomingPayment], list[FileProblem]]:
    payments: list[IncomingPayment] = []
    errors: list[FileProblem] = []
    first = next(line for line in text.split("\n") if line.strip())
    delimiter = ";" if ";" in first else "\t" if "\t" in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns: dict[str, int] | None = None
    occurrences: Counter[str] = Counter()
    start = 1  # the line a row starts on; reader.line_num is the line it ends on
    for row in reader:
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if columns is None:
            columns, is_header = _columns(row)
            if columns is None:
                names = ", ".join(cell.strip() for cell in row)
                errors.append(
                    FileProblem(
                        line,
                        _(
                            "The header must name the columns kid, amount and paid_on (or "
                            "beløp and dato); found: %(names)s. No payments were read."
                        )
                        % {"names": names},
                    )
                )
                return payments, errors
            if is_header:
                continue
        payment_or_problems = _csv_payment(row, columns, line)
        if isinstance(payment_or_problems, list):
            message = " ".join(payment_or_problems)
            errors.append(FileProblem(line, message))
            continue
        payment = payment_or_problems
        key = "|".join(
            (payment.kid, str(payment.amount_ore), payment.paid_on.isoformat(), payment.reference)
        )
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        occurrences[digest] += 1
        # The same payment twice in one file is two payments; the same payment in a later file
        # (a re-export, an overlapping period) gets the same id and is not registered again.
        payments.append(replace(payment, external_id=f"csv:{digest}:{occurrences[digest]}"))
    return payments, errors


def _columns(row: list[str]) -> tuple[dict[str, int] | None, bool]:
    """Column positions from a header row, or the standard order when the row is data."""
    names = [re.sub(r"[^0-9a-zæøå]", "", cell.strip().lower()) for cell in row]
    found: dict[str, int] = {}
    for index, name in enumerate(names):
        for column, aliases in _COLUMNS.items():
            if name in aliases and column not in found:
                found[column] = index
    if all(column in found for column in _REQUIRED):
        return found, True
    if not found and names and re.fullmatch(r"[0-9]*", names[0]):
        # No header: the first cell is a KID, so the row is data in the standard order.
        return {column: index for index, column in enumerate(_POSITIONAL)}, False
    return None, True


def _csv_payment(row: list[str], columns: dict[str, int], line: int) -> IncomingPayment | list[str]:
    def cell(column: str) -> str:
        index = columns.get(column)
        return row[index].strip() if index is not None and index < len(row) else ""

    problems: list[str] = []
    kid = re.sub(r"\s+", "", cell("kid"))
    if not re.fullmatch(r"[0-9]*-?", kid):
        problems.append(_("The KID “%(value)s” is not digits.") % {"value": cell("kid")})
    amount_ore = _csv_amount(cell("amount"))
    if amount_ore is None:
        problems.append(_("“%(value)s” is not an amount.") % {"value": cell("amount")})
    elif amount_ore <= 0:
        problems.append(
            _("The amount %(value)s is not a payment received.") % {"value": cell("amount")}
        )
    paid_on = _csv_date(cell("paid_on"))
    if paid_on is None:
        problems.append(
            _("“%(value)s” is not a date (YYYY-MM-DD or DD.MM.YYYY).") % {"value": cell("paid_on")}
        )
    if problems or amount_ore is None or paid_on is None:
        return problems
    return IncomingPayment(
        kid=kid,
        amount_ore=amount_ore,
        paid_on=paid_on,
        reference=cell("reference"),
        transaction_type=None,
        payer_account=None,
        line=line,
        external_id="",
    )


def _csv_amount(value: str) -> int | None:
    """Øre from "1 234,50", "1234.50", "1.234,50", "1,234.50", "1234", "1 234,-"; else None."""
    text = _SPACES.sub("", value)
    text = re.sub(r"^(?:kr\.?|nok)|(?:kr\.?|nok)$", "", text, flags=re.IGNORECASE)
    sign = 1
    if text.startswith("-"):
        sign, text = -1, text[1:]
    if text.endswith((",-", ".-")):  # "1 234,-" is whole kroner
        text = text[:-2]
    for pattern, group_separator in (
        (_PLAIN_AMOUNT, ""),
        (_DOT_GROUPED, "."),
        (_COMMA_GROUPED, ","),
    ):
        match = pattern.fullmatch(text)
        if match:
            kroner = int(match[1].replace(group_separator, "") if group_separator else match[1])
            fraction = int((match[2] or "").ljust(2, "0"))
            return sign * (kroner * 100 + fraction)
    return None


def _csv_date(value: str) -> date | None:
    if match := _ISO_DATE.fullmatch(value):
        year, month, day = (int(part) for part in match.groups())
    elif match := _NORWEGIAN_DATE.fullmatch(value):
        day, month, year = (int(part) for part in match.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None
