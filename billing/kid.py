"""Norwegian KID numbers (kundeidentifikasjon) for invoices.

A KID is the reference a payer types (or scans) when paying an invoice; the bank's payment file
(OCR giro) reports it back so a payment can be matched to its invoice without anyone reading the
payment message. Nets accepts KIDs of 2–25 digits whose last digit is a check digit computed with
either MOD10 (Luhn) or MOD11; the payee chooses one method in its OCR agreement.

We issue MOD10 KIDs only: ``prefix + zero-padded invoice number + Luhn check digit``, always of
the school's fixed length, so the invoice number can be read back out of a paid KID. MOD11 is
checked (``is_valid_kid(value, accept_mod11=True)``) only so that KIDs from elsewhere, e.g. a
payment file shared with another municipal service, are recognised as well-formed rather than
reported as typing errors.

Both algorithms are described in Nets' "OCR giro – System manual", chapter 5.
"""

from __future__ import annotations

import re

from stdnum import luhn

__all__ = [
    "MAX_LENGTH",
    "MIN_LENGTH",
    "invoice_number_from_kid",
    "is_valid_kid",
    "is_valid_kid_mod10",
    "is_valid_kid_mod11",
    "kid_for",
    "mod11_check_digit",
]

# Nets' KID field is 25 positions; a KID needs at least one digit besides its check digit.
MIN_LENGTH = 2
MAX_LENGTH = 25

# ASCII digits only: str.isdigit() would also accept "²" or Arabic-Indic digits.
_DIGITS = re.compile(r"[0-9]*")


def kid_for(*, prefix: str, number: int, length: int) -> str:
    """Return the MOD10 KID for invoice `number`: `prefix`, the number zero-padded, a check digit.

    The KID has exactly `length` digits including the check digit, e.g.
    ``kid_for(prefix="12", number=345, length=8) == "12003455"``.

    Raises ValueError when the prefix is not digits, the length is outside 2–25, or the number
    is negative or has more digits than the length leaves room for.
    """
    if not _DIGITS.fullmatch(prefix):
        raise ValueError(f"KID prefix must be digits only, got {prefix!r}")
    if isinstance(length, bool) or not isinstance(length, int):
        raise ValueError(f"KID length must be an integer, got {length!r}")
    if not MIN_LENGTH <= length <= MAX_LENGTH:
        raise ValueError(f"KID length must be {MIN_LENGTH}–{MAX_LENGTH} digits, got {length}")
    if isinstance(number, bool) or not isinstance(number, int):
        raise ValueError(f"Invoice number must be an integer, got {number!r}")
    if number < 0:
        raise ValueError(f"Invoice number must not be negative, got {number}")
    room = length - 1 - len(prefix)  # digits left for the number after prefix and check digit
    if room < 1:
        raise ValueError(
            f"KID prefix {prefix!r} leaves no room for the invoice number in {length} digits"
        )
    digits = str(number)
    if len(digits) > room:
        raise ValueError(
            f"Invoice number {number} has {len(digits)} digits, but a {length}-digit KID with "
            f"prefix {prefix!r} has room for {room}"
        )
    body = prefix + digits.zfill(room)
    return body + luhn.calc_check_digit(body)


def is_valid_kid_mod10(value: str) -> bool:
    """True when `value` is 2–25 digits whose last digit is the MOD10 (Luhn) check digit."""
    return _well_formed(value) and luhn.is_valid(value)


def mod11_check_digit(body: str) -> str:
    """The MOD11 check digit Nets defines for KIDs: "0"–"9", or "-" when the remainder is 1.

    Weights 2, 3, 4, 5, 6, 7, 2, 3, … from the right; check digit = 11 - (sum mod 11), with 11
    written as "0" and 10 as "-". (python-stdnum has no variable-length version of this: its
    ISO 7064 MOD 11-2 is a different algorithm, and stdnum.no.mva/orgnr fix the length.)
    """
    if not body or not _DIGITS.fullmatch(body):
        raise ValueError(f"MOD11 body must be digits, got {body!r}")
    total = sum(int(d) * (2 + i % 6) for i, d in enumerate(reversed(body)))
    remainder = total % 11
    if remainder == 0:
        return "0"
    if remainder == 1:
        return "-"
    return str(11 - remainder)


def is_valid_kid_mod11(value: str) -> bool:
    """True when `value` is a 2–25 character MOD11 KID (digits; the last may be "-")."""
    if not isinstance(value, str) or not MIN_LENGTH <= len(value) <= MAX_LENGTH:
        return False
    body, check = value[:-1], value[-1]
    if not _DIGITS.fullmatch(body) or not (check == "-" or _DIGITS.fullmatch(check)):
        return False
    return mod11_check_digit(body) == check


def is_valid_kid(value: str, *, accept_mod11: bool = False) -> bool:
    """True when `value` is a well-formed KID: MOD10, or with `accept_mod11` also MOD11.

    We issue MOD10 KIDs only (see the module docstring); pass `accept_mod11=True` where any KID a
    Norwegian bank would accept should count as well-formed.
    """
    if is_valid_kid_mod10(value):
        return True
    return accept_mod11 and is_valid_kid_mod11(value)


def invoice_number_from_kid(kid: str, *, prefix: str, length: int) -> int | None:
    """The invoice number inside a KID made by `kid_for` with this prefix and length, else None.

    None when the KID has another length or prefix, is not digits, or fails the MOD10 check —
    such a payment goes to manual handling.
    """
    if not isinstance(kid, str) or len(kid) != length or not kid.startswith(prefix):
        return None
    if not is_valid_kid_mod10(kid):
        return None
    number_digits = kid[len(prefix) : -1]
    if not number_digits:
        return None
    return int(number_digits)


def _well_formed(value: object) -> bool:
    return (
        isinstance(value, str)
        and MIN_LENGTH <= len(value) <= MAX_LENGTH
        and _DIGITS.fullmatch(value) is not None
    )
