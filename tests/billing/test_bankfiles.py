"""Reading the bank's payment files: Nets OCR giro and a simple CSV.

The OCR fixture `fixtures/ocr_example.txt` is one transmission with one assignment and a
transaction of every type 10–21 (types 20 and 21 with an amount item 3), written field by field
from Nets' "OCR giro – System manual", Latin-1 encoded with CRLF line ends as banks deliver
them. It was checked once against the `netsgiro` library, which reads it to the same values.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from django.utils import translation

from billing.bankfiles import (
    FORMAT_CSV,
    FORMAT_OCR,
    FORMAT_UNKNOWN,
    IncomingPayment,
    ParsedFile,
    parse_payment_file,
)

FIXTURE = Path(__file__).parent / "fixtures" / "ocr_example.txt"
SOURCE = "ocr:00123456:0170031:0000002"  # data recipient : transmission : assignment


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def ocr_bytes() -> bytes:
    return FIXTURE.read_bytes()


def ocr_lines() -> list[str]:
    return ocr_bytes().decode("latin-1").split("\r\n")[:-1]


def put(line: str, start: int, end: int, value: str) -> str:
    """Replace positions start–end (1-based, inclusive, as in Nets' manual)."""
    assert len(value) == end - start + 1
    return line[: start - 1] + value + line[end:]


def parse_lines(lines: list[str]) -> ParsedFile:
    return parse_payment_file(("\r\n".join(lines) + "\r\n").encode("latin-1"), "OCR.txt")


def messages(parsed: ParsedFile) -> list[str]:
    return [str(error) for error in parsed.errors]


# --- OCR giro: the example file -----------------------------------------------------------------


def test_the_fixture_is_a_well_formed_ocr_file() -> None:
    lines = ocr_lines()

    assert len(lines) == 30
    assert all(len(line) == 80 for line in lines)
    assert lines[0].startswith("NY000010") and lines[-1].startswith("NY000089")


def test_it_reads_kid_and_amount_from_an_ocr_amount_item_1_record() -> None:
    parsed = parse_payment_file(ocr_bytes(), "OCR.20250304.txt")

    first = parsed.payments[0]
    assert first.kid == "7000010012"
    assert first.amount_ore == 345000
    assert first.paid_on == date(2025, 3, 3)  # Nets date, positions 16–21, DDMMYY
    assert first.line == 3


def test_it_reads_the_example_file_without_errors() -> None:
    parsed = parse_payment_file(ocr_bytes(), "OCR.20250304.txt")

    assert parsed.file_format == FORMAT_OCR
    assert parsed.filename == "OCR.20250304.txt"
    assert parsed.errors == ()
    assert parsed.ok
    assert len(parsed.payments) == 12
    assert parsed.total_ore == 1940750  # as the end records say


def test_the_fingerprint_is_the_sha256_of_the_bytes() -> None:
    data = ocr_bytes()

    assert parse_payment_file(data, "a.txt").fingerprint == hashlib.sha256(data).hexdigest()


# Every field of every transaction in the fixture:
# (type, kid, amount, paid_on, reference, payer_account, bank_date, line, text, reversal)
EXPECTED = [
    (10, "7000010012", 345000, "2025-03-03", "099038562", "15035089761", "2025-02-28", 3, "", 0),
    (11, "7000010020", 172500, "2025-03-03", "600155380", "97101234561", "2025-03-03", 5, "", 0),
    (12, "7000010038", 258750, "2025-03-03", "001020169", "30001254789", "2025-03-03", 7, "", 0),
    (13, "7000010046", 345000, "2025-03-03", "220663800", "12074512362", "2025-03-03", 9, "", 0),
    (14, "7000010053", 90000, "2025-03-03", "097581675", None, "2025-03-01", 11, "", 0),
    (15, "7000010061", 345000, "2025-03-03", "", "63450222196", "2025-03-03", 13, "", 0),
    (16, "7000010079", 172500, "2025-03-04", "320663700", "28014770358", "2025-03-04", 15, "", 0),
    (17, "7000010087", 50000, "2025-03-04", "097591579", None, "2025-03-03", 17, "", 0),
    (18, "7000010095", 45000, "2025-03-04", "123456001", None, None, 19, "", 1),
    (19, "7000010103", 45000, "2025-03-04", "123456001", None, None, 21, "", 0),
    (20, "", 12000, "2025-03-04", "123456002", None, None, 23, "Refusjon notehefte", 1),
    (21, "", 60000, "2025-03-04", "123456002", None, None, 26, "Gavekort kulturskolen, Bjørn", 0),
]


@pytest.mark.parametrize(("index", "expected"), list(enumerate(EXPECTED)))
def test_it_reads_every_field_of_each_transaction_type(index: int, expected: tuple) -> None:
    ttype, kid, amount, paid_on, reference, account, bank_date, line, text, reversal = expected

    payment = parse_payment_file(ocr_bytes(), "OCR.txt").payments[index]

    assert payment == IncomingPayment(
        kid=kid,
        amount_ore=amount,
        paid_on=date.fromisoformat(paid_on),
        reference=reference,
        transaction_type=ttype,
        payer_account=account,
        line=line,
        external_id=f"{SOURCE}:{index + 1}",
        bank_date=date.fromisoformat(bank_date) if bank_date else None,
        text=text,
        reversal=bool(reversal),
    )


def test_it_reads_the_free_text_of_amount_item_3_in_latin_1() -> None:
    payments = parse_payment_file(ocr_bytes(), "OCR.txt").payments

    assert payments[-1].transaction_type == 21
    assert payments[-1].text == "Gavekort kulturskolen, Bjørn"


def test_reversals_keep_a_positive_amount_and_are_flagged() -> None:
    payments = parse_payment_file(ocr_bytes(), "OCR.txt").payments

    reversals = [p.transaction_type for p in payments if p.reversal]
    assert reversals == [18, 20]
    assert all(p.amount_ore > 0 for p in payments)


def test_external_ids_are_unique_and_the_same_on_every_read() -> None:
    first = parse_payment_file(ocr_bytes(), "OCR.txt")
    again_with_unix_line_ends = parse_payment_file(ocr_bytes().replace(b"\r\n", b"\n"), "x")

    ids = [p.external_id for p in first.payments]
    assert len(set(ids)) == 12
    assert [p.external_id for p in again_with_unix_line_ends.payments] == ids
    assert again_with_unix_line_ends.fingerprint != first.fingerprint


def test_records_written_without_line_breaks_are_read_as_80_character_records() -> None:
    parsed = parse_payment_file("".join(ocr_lines()).encode("latin-1"), "OCR.txt")

    assert parsed.errors == ()
    assert len(parsed.payments) == 12


def test_blank_lines_are_ignored_and_line_numbers_stay_those_of_the_file() -> None:
    lines = ocr_lines()
    lines.insert(2, "")

    parsed = parse_lines(lines)

    assert parsed.errors == ()
    assert parsed.payments[0].line == 4


@pytest.mark.parametrize(
    ("ddmmyy", "expected"),
    [("311299", date(1999, 12, 31)), ("010100", date(2000, 1, 1)), ("290224", date(2024, 2, 29))],
)
def test_ocr_dates_are_ddmmyy(ddmmyy: str, expected: date) -> None:
    lines = ocr_lines()
    lines[2] = put(lines[2], 16, 21, ddmmyy)

    assert parse_lines(lines).payments[0].paid_on == expected


# --- OCR giro: problems -------------------------------------------------------------------------


def test_a_malformed_amount_becomes_an_error_with_its_line_number() -> None:
    lines = ocr_lines()
    lines[4] = put(lines[4], 33, 49, "00000000000172.50")

    parsed = parse_lines(lines)

    # Its amount item 2 is then an orphan, and the end records no longer add up: every one of
    # these is said out loud, and the other payments are still read.
    assert messages(parsed) == [
        "Line 5: The amount (positions 33–49) must be digits, found “00000000000172.50”.",
        "Line 6: Amount item 2 of transaction 2 does not follow its amount item 1.",
        "Line 29: The end record of assignment 0000002 says 12 transactions, but the file has 11.",
        "Line 29: The end record of assignment 0000002 says a total of 19,407.50 kr, but the "
        "transactions add up to 17,682.50 kr.",
        "Line 30: The end-of-transmission record says 12 transactions, but the file has 11.",
        "Line 30: The end-of-transmission record says a total of 19,407.50 kr, but the "
        "transactions add up to 17,682.50 kr.",
    ]
    assert len(parsed.payments) == 11
    assert "7000010020" not in [p.kid for p in parsed.payments]


def test_a_line_of_the_wrong_length_is_reported_with_its_length() -> None:
    lines = ocr_lines()
    lines[3] = lines[3][:-1]

    parsed = parse_lines(lines)

    assert "Line 4: The record is 79 characters long; OCR giro records have 80." in (
        messages(parsed)
    )
    assert (
        "Line 3: Transaction 1 (3,450.00 kr) was not imported: amount item 1 has no amount "
        "item 2 after it."
    ) in messages(parsed)
    assert parsed.payments[0].kid == "7000010020"


def test_a_line_that_does_not_start_with_ny_is_reported() -> None:
    lines = ocr_lines()
    lines.insert(5, "X" * 80)

    parsed = parse_lines(lines)

    assert "Line 6: The record does not start with “NY”." in messages(parsed)


def test_a_wrong_total_in_the_end_of_assignment_record_is_reported() -> None:
    lines = ocr_lines()
    lines[28] = put(lines[28], 25, 41, "00000000001940751")

    parsed = parse_lines(lines)

    assert messages(parsed) == [
        "Line 29: The end record of assignment 0000002 says a total of 19,407.51 kr, but the "
        "transactions add up to 19,407.50 kr."
    ]
    assert len(parsed.payments) == 12  # the importer decides what to do with a doubtful file


def test_wrong_counts_in_the_end_of_assignment_record_are_reported() -> None:
    lines = ocr_lines()
    lines[28] = put(lines[28], 9, 24, "0000001300000029")

    assert messages(parse_lines(lines)) == [
        "Line 29: The end record of assignment 0000002 says 13 transactions, but the file has 12.",
        "Line 29: The end record of assignment 0000002 says 29 records, but the file has 28.",
    ]


def test_wrong_totals_in_the_end_of_transmission_record_are_reported() -> None:
    lines = ocr_lines()
    lines[29] = put(lines[29], 9, 41, "00000011" + "00000031" + "00000000001940700")

    assert messages(parse_lines(lines)) == [
        "Line 30: The end-of-transmission record says 11 transactions, but the file has 12.",
        "Line 30: The end-of-transmission record says 31 records, but the file has 30.",
        "Line 30: The end-of-transmission record says a total of 19,407.00 kr, but the "
        "transactions add up to 19,407.50 kr.",
    ]


def test_a_missing_transaction_changes_the_totals_and_is_reported() -> None:
    lines = ocr_lines()
    del lines[2:4]  # transaction 1, both amount items

    errors = messages(parse_lines(lines))

    assert errors[0] == (
        "Line 27: The end record of assignment 0000002 says 12 transactions, but the file has 11."
    )
    assert len(errors) == 6  # transactions, records and amount, in both end records


def test_a_file_cut_short_is_reported() -> None:
    parsed = parse_lines(ocr_lines()[:-2])

    assert messages(parsed) == [
        "Line 2: Assignment 0000002 has no end-of-assignment record.",
        "The file has no end-of-transmission record (NY000089); it may be incomplete.",
    ]
    assert len(parsed.payments) == 12


def test_a_file_without_its_start_record_is_reported() -> None:
    lines = ocr_lines()[1:]

    parsed = parse_lines(lines)

    assert "The file has no start-of-transmission record (NY000010)." in messages(parsed)
    assert parsed.payments[0].external_id.startswith("ocr:file-")


def test_records_after_the_end_of_transmission_are_reported() -> None:
    lines = ocr_lines()
    lines.append(lines[2])

    assert messages(parse_lines(lines)) == [
        "Line 31: A record after the end-of-transmission record."
    ]


def test_an_unknown_transaction_type_is_reported() -> None:
    lines = ocr_lines()
    lines[2] = put(lines[2], 5, 6, "22")
    lines[3] = put(lines[3], 5, 6, "22")

    errors = messages(parse_lines(lines))

    assert errors[0] == "Line 3: Unknown transaction type 22; OCR giro has types 10–21."


def test_an_impossible_date_is_reported() -> None:
    lines = ocr_lines()
    lines[2] = put(lines[2], 16, 21, "310225")

    errors = messages(parse_lines(lines))

    assert errors[0] == (
        "Line 3: The Nets date (positions 16–21) is not a date (DDMMYY): “310225”."
    )


def test_letters_in_the_kid_are_reported() -> None:
    lines = ocr_lines()
    lines[2] = put(lines[2], 65, 74, "70000A0012")

    assert messages(parse_lines(lines))[0] == (
        "Line 3: The KID (positions 50–74) must be digits, found “70000A0012”."
    )


def test_a_transaction_number_used_twice_in_an_assignment_is_not_imported_twice() -> None:
    lines = ocr_lines()
    lines[4] = put(lines[4], 9, 15, "0000001")
    lines[5] = put(lines[5], 9, 15, "0000001")

    parsed = parse_lines(lines)

    assert messages(parsed) == [
        "Line 6: Transaction 1 appears twice in assignment 0000002; the second was not imported."
    ]
    assert len(parsed.payments) == 11


def test_an_amount_item_3_out_of_place_is_reported() -> None:
    lines = ocr_lines()
    lines.insert(4, put(lines[24], 9, 15, "0000001"))  # a free text for transaction 1 (type 10)

    errors = messages(parse_lines(lines))

    assert errors[0] == (
        "Line 5: Amount item 3 of transaction 1 does not follow its amount items 1 and 2."
    )


def test_an_avtalegiro_assignment_is_reported_once_and_not_imported() -> None:
    lines = ocr_lines()
    agreements = [
        "NY212420" + "000000000" + "0000003" + "86011117947" + "0" * 45,
        "NY219470" + "0000001" + "1" + f"{'7000010012':>25}" + "J" + "0" * 38,
        "NY212488" + "00000001" + "00000003" + "0" * 56,
    ]
    lines[29:29] = agreements
    lines[-1] = put(lines[-1], 9, 24, "00000013" + "00000033")

    parsed = parse_lines(lines)

    assert messages(parsed) == [
        "Line 30: Assignment 0000003 is not OCR giro payments (service code 21); none of its "
        "records were imported."
    ]
    assert len(parsed.payments) == 12


# --- CSV ----------------------------------------------------------------------------------------


def test_it_reads_a_semicolon_csv_with_english_headers() -> None:
    data = b"kid;amount;paid_on;reference\n7000010012;3450.00;2025-03-03;ARK123\n"

    parsed = parse_payment_file(data, "payments.csv")

    assert parsed.file_format == FORMAT_CSV
    assert parsed.errors == ()
    (payment,) = parsed.payments
    assert (payment.kid, payment.amount_ore, payment.paid_on, payment.reference) == (
        "7000010012",
        345000,
        date(2025, 3, 3),
        "ARK123",
    )
    assert (payment.transaction_type, payment.payer_account, payment.line) == (None, None, 2)
    assert payment.external_id.startswith("csv:")


def test_it_reads_a_comma_csv_with_norwegian_headers_in_another_order() -> None:
    data = (
        'Dato,KID,Beløp,Arkivreferanse\r\n03.03.2025,7000010012,"1 234,50",A1\r\n'
        '4.3.2025,7000010020,"1.234,50",A2\r\n'
    ).encode()

    parsed = parse_payment_file(data, "innbetalinger.csv")

    assert parsed.errors == ()
    assert [(p.kid, p.amount_ore, p.paid_on, p.reference, p.line) for p in parsed.payments] == [
        ("7000010012", 123450, date(2025, 3, 3), "A1", 2),
        ("7000010020", 123450, date(2025, 3, 4), "A2", 3),
    ]


def test_it_reads_betalt_and_referanse_as_header_names() -> None:
    data = b"betalt;kid;bel\xf8p;referanse\n2025-03-03;7000010012;100;R\n"

    (payment,) = parse_payment_file(data, "x.csv").payments

    assert (payment.paid_on, payment.amount_ore, payment.reference) == (
        date(2025, 3, 3),
        10000,
        "R",
    )


def test_a_csv_without_a_header_is_read_in_the_standard_order() -> None:
    data = b"7000010012;3450;2025-03-03;ARK1\n7000010020;1725;2025-03-04\n"

    parsed = parse_payment_file(data, "x.csv")

    assert parsed.errors == ()
    assert [(p.kid, p.amount_ore, p.reference, p.line) for p in parsed.payments] == [
        ("7000010012", 345000, "ARK1", 1),
        ("7000010020", 172500, "", 2),
    ]


def test_a_latin_1_csv_with_norwegian_letters_is_read() -> None:
    text = "KID;Beløp;Dato;Referanse\n7000010012;1 234,50;03.03.2025;Bjørn Ødegård\n"

    (payment,) = parse_payment_file(text.encode("latin-1"), "x.csv").payments

    assert payment.reference == "Bjørn Ødegård"
    assert payment.amount_ore == 123450


def test_a_utf8_csv_with_a_byte_order_mark_is_read() -> None:
    text = "\ufeffKID;Beløp;Dato;Referanse\n7000010012;1 234,50;03.03.2025;Bjørn\n"

    parsed = parse_payment_file(text.encode("utf-8"), "x.csv")

    assert parsed.errors == ()
    assert parsed.payments[0].reference == "Bjørn"


@pytest.mark.parametrize(
    ("amount", "ore"),
    [
        ("1234.50", 123450),
        ("1234,50", 123450),
        ("1 234,50", 123450),
        ("1\u00a0234,50", 123450),  # no-break space, as spreadsheets write it
        ("1\u202f234,50", 123450),  # narrow no-break space
        ("1.234,50", 123450),
        ("1,234.50", 123450),
        ("1.234", 123400),  # three digits after one separator: thousands
        ("12,345", 1234500),
        ("1234", 123400),
        ("1234,5", 123450),
        ("1 234,-", 123400),
        ("kr 1 234,50", 123450),
        ("0,01", 1),
        ("12 345 678,90", 1234567890),
    ],
)
def test_csv_amounts_become_ore(amount: str, ore: int) -> None:
    data = f'kid;amount;paid_on\n7000010012;"{amount}";2025-03-03\n'.encode()

    assert parse_payment_file(data, "x.csv").payments[0].amount_ore == ore


@pytest.mark.parametrize("amount", ["", "abc", "1.2.3", "1,23,45", "12.345,678", "1,5e3"])
def test_unreadable_csv_amounts_are_errors(amount: str) -> None:
    data = f'kid;amount;paid_on\n7000010012;"{amount}";2025-03-03\n'.encode()

    parsed = parse_payment_file(data, "x.csv")

    assert parsed.payments == ()
    assert messages(parsed) == [f"Line 2: “{amount}” is not an amount."]


def test_a_negative_or_zero_csv_amount_is_an_error() -> None:
    data = b"kid;amount;paid_on\n7000010012;-100,00;2025-03-03\n7000010020;0;2025-03-03\n"

    assert messages(parse_payment_file(data, "x.csv")) == [
        "Line 2: The amount -100,00 is not a payment received.",
        "Line 3: The amount 0 is not a payment received.",
    ]


def test_a_malformed_csv_row_is_an_error_with_its_line_number() -> None:
    data = (
        b"kid;amount;paid_on;reference\n"
        b"7000010012;100;2025-03-03;A\n"
        b"70000X0012;ti kroner;31.02.2025;B\n"
        b"\n"
        b"7000010020;200;2025-03-04;C\n"
    )

    parsed = parse_payment_file(data, "x.csv")

    assert messages(parsed) == [
        "Line 3: The KID “70000X0012” is not digits. “ti kroner” is not an amount. "
        "“31.02.2025” is not a date (YYYY-MM-DD or DD.MM.YYYY)."
    ]
    assert [p.line for p in parsed.payments] == [2, 5]


def test_a_csv_row_with_too_few_columns_is_an_error() -> None:
    data = b"kid;amount;paid_on\n7000010012;100\n"

    parsed = parse_payment_file(data, "x.csv")

    assert parsed.payments == ()
    assert messages(parsed) == ["Line 2: “” is not a date (YYYY-MM-DD or DD.MM.YYYY)."]


def test_a_csv_header_without_the_needed_columns_is_one_error() -> None:
    data = b"kid;reference\n7000010012;A\n"

    parsed = parse_payment_file(data, "x.csv")

    assert parsed.payments == ()
    assert messages(parsed) == [
        "Line 1: The header must name the columns kid, amount and paid_on (or beløp and dato); "
        "found: kid, reference. No payments were read."
    ]


def test_a_payment_without_kid_is_kept_for_manual_handling() -> None:
    data = b"kid;amount;paid_on;reference\n;100;2025-03-03;Kari betaler for Ola\n"

    (payment,) = parse_payment_file(data, "x.csv").payments

    assert payment.kid == ""
    assert payment.reference == "Kari betaler for Ola"


def test_csv_external_ids_survive_a_re_export_and_keep_identical_rows_apart() -> None:
    first = parse_payment_file(
        b"kid;amount;paid_on;reference\n"
        b"7000010012;100,00;03.03.2025;A\n"
        b"7000010012;100,00;03.03.2025;A\n",
        "march.csv",
    )
    re_exported = parse_payment_file(
        b"reference,kid,amount,paid_on\nA,7000010012,100.00,2025-03-03\n", "march-again.csv"
    )

    ids = [p.external_id for p in first.payments]
    assert len(set(ids)) == 2
    assert [p.external_id for p in re_exported.payments] == ids[:1]


# --- files that are neither ---------------------------------------------------------------------


def test_an_empty_file_is_one_error() -> None:
    parsed = parse_payment_file(b"\r\n  \r\n", "empty.txt")

    assert parsed.file_format == FORMAT_UNKNOWN
    assert messages(parsed) == ["The file is empty."]


def test_a_binary_file_is_one_error() -> None:
    parsed = parse_payment_file(b"PK\x03\x04\x00\x00rest of a spreadsheet", "payments.xlsx")

    assert parsed.file_format == FORMAT_UNKNOWN
    assert parsed.payments == ()
    assert messages(parsed) == ["This is not a text file. Upload the OCR giro file or a CSV file."]


def test_the_content_not_the_file_name_decides_the_format() -> None:
    assert parse_payment_file(ocr_bytes(), "payments.csv").file_format == FORMAT_OCR
    assert parse_payment_file(b"7000010012;1;2025-03-03\n", "OCR.txt").file_format == FORMAT_CSV
