"""KID numbers: MOD10 (Luhn) KIDs we issue, MOD11 KIDs we recognise."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing.kid import (
    invoice_number_from_kid,
    is_valid_kid,
    is_valid_kid_mod10,
    is_valid_kid_mod11,
    kid_for,
    mod11_check_digit,
)


def luhn_check_digit(body: str) -> str:
    """MOD10 as Nets' OCR giro manual (chapter 5) describes it, written out independently:
    weights 2, 1, 2, 1, … from the right, add the digits of the products, 10 minus the last
    digit of the sum (0 stays 0)."""
    total = 0
    for position, char in enumerate(reversed(body)):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    return str((10 - total % 10) % 10)


# (body, check digit): worked examples whose check digits are known from outside this project.
KNOWN_MOD10 = [
    ("12345678", "2"),  # Nets' OCR giro manual, chapter 5, "Modulus 10 – Example"
    ("123456789", "7"),  # the much-quoted "1234567897"
    ("7992739871", "3"),  # the Luhn example on Wikipedia, "79927398713"
    ("0", "0"),
]
# MOD11 examples: the manual's worked example, and KIDs from the approved sample transmission
# printed in the same manual (chapter 4), which turn out to be MOD11.
KNOWN_MOD11 = ["123456785", "0000531", "0036633", "02212291038306", "000149012", "01211291038306"]


@pytest.mark.parametrize(("body", "check"), KNOWN_MOD10)
def test_the_hand_written_luhn_agrees_with_the_known_examples(body: str, check: str) -> None:
    assert luhn_check_digit(body) == check


@pytest.mark.parametrize(("body", "check"), KNOWN_MOD10)
def test_known_mod10_kids_are_valid(body: str, check: str) -> None:
    assert is_valid_kid(body + check)
    assert is_valid_kid_mod10(body + check)


@pytest.mark.parametrize(
    ("prefix", "number", "length", "expected"),
    [
        ("12", 345, 8, "12003455"),
        ("", 1, 10, "0000000018"),
        ("", 12345678, 9, "123456782"),  # the manual's MOD10 example
        ("", 123456789, 10, "1234567897"),
        ("7", 1001, 10, "7000010012"),
        ("", 0, 2, "00"),
        ("9" * 23, 5, 25, "9" * 23 + "5" + luhn_check_digit("9" * 23 + "5")),
    ],
)
def test_kid_for_pads_the_invoice_number_between_prefix_and_check_digit(
    prefix: str, number: int, length: int, expected: str
) -> None:
    kid = kid_for(prefix=prefix, number=number, length=length)

    assert kid == expected
    assert len(kid) == length
    assert kid[-1] == luhn_check_digit(kid[:-1])


@pytest.mark.parametrize(
    ("kwargs", "complaint"),
    [
        ({"prefix": "12", "number": 1_000_000, "length": 8}, "has room for 5"),
        ({"prefix": "1a", "number": 1, "length": 8}, "digits only"),
        ({"prefix": " 1", "number": 1, "length": 8}, "digits only"),
        ({"prefix": "\u0661", "number": 1, "length": 8}, "digits only"),  # an Arabic-Indic one
        ({"prefix": "", "number": 1, "length": 1}, "2–25"),
        ({"prefix": "", "number": 1, "length": 26}, "2–25"),
        ({"prefix": "1234567", "number": 1, "length": 8}, "leaves no room"),
        ({"prefix": "", "number": -1, "length": 8}, "negative"),
        ({"prefix": "", "number": True, "length": 8}, "integer"),
        ({"prefix": "", "number": 1.0, "length": 8}, "integer"),
        ({"prefix": "", "number": 1, "length": 8.0}, "integer"),
    ],
)
def test_kid_for_refuses_what_does_not_fit(kwargs: dict, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        kid_for(**kwargs)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "0",  # a check digit alone
        "1234567890",  # wrong check digit
        "1234567897 ",
        " 1234567897",
        "12345-67897",
        # "1234567897" in Arabic-Indic digits: digits to str.isdigit(), not to a bank
        "".join(chr(0x0660 + int(d)) for d in "1234567897"),
        "0" * 26,  # longer than Nets' 25-position KID field
    ],
)
def test_malformed_kids_are_not_valid(value: str) -> None:
    assert not is_valid_kid(value)
    assert not is_valid_kid(value, accept_mod11=True)


def test_the_longest_kid_nets_accepts_is_25_digits() -> None:
    assert is_valid_kid("0" * 25)
    assert not is_valid_kid("0" * 26)


@pytest.mark.parametrize("kid", KNOWN_MOD11)
def test_mod11_kids_are_valid_only_when_asked_for(kid: str) -> None:
    assert is_valid_kid_mod11(kid)
    assert is_valid_kid(kid, accept_mod11=True)
    assert not is_valid_kid(kid)  # none of these happens to be MOD10 as well


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ("12345678", "5"),  # the manual: sum 138, remainder 6, 11 - 6 = 5
        ("0", "0"),  # remainder 0 gives 0
        ("5", "1"),  # 5 * 2 = 10, 11 - 10 = 1
        ("1", "9"),  # 1 * 2 = 2, 11 - 2 = 9
        ("6", "-"),  # 6 * 2 = 12, remainder 1, check 10 is written "-"
    ],
)
def test_mod11_check_digit_follows_the_nets_manual(body: str, check: str) -> None:
    assert mod11_check_digit(body) == check
    assert is_valid_kid_mod11(body + check)


def test_a_mod11_kid_ending_in_a_dash_is_recognised() -> None:
    assert is_valid_kid_mod11("6-")
    assert is_valid_kid("6-", accept_mod11=True)
    assert not is_valid_kid("6-")
    assert not is_valid_kid_mod11("7-")


def test_invoice_number_from_kid_reads_back_the_number() -> None:
    assert invoice_number_from_kid("12003455", prefix="12", length=8) == 345
    assert invoice_number_from_kid("7000010012", prefix="7", length=10) == 1001


@pytest.mark.parametrize(
    ("kid", "prefix", "length"),
    [
        ("12003456", "12", 8),  # check digit wrong
        ("12003455", "13", 8),  # another prefix
        ("12003455", "12", 9),  # another length
        ("1200345", "12", 8),
        ("", "", 8),
        ("1200345-", "12", 8),
        ("123456785", "", 9),  # a MOD11 KID is not one of ours
    ],
)
def test_invoice_number_from_kid_is_none_for_kids_that_are_not_ours(
    kid: str, prefix: str, length: int
) -> None:
    assert invoice_number_from_kid(kid, prefix=prefix, length=length) is None


@st.composite
def kid_settings(draw: st.DrawFn) -> tuple[str, int, int]:
    length = draw(st.integers(min_value=2, max_value=25))
    prefix = draw(st.text(alphabet="0123456789", max_size=length - 2))
    room = length - 1 - len(prefix)
    number = draw(st.integers(min_value=0, max_value=10**room - 1))
    return prefix, number, length


@given(kid_settings())
def test_any_invoice_number_survives_the_round_trip_through_its_kid(
    settings: tuple[str, int, int],
) -> None:
    prefix, number, length = settings

    kid = kid_for(prefix=prefix, number=number, length=length)

    assert len(kid) == length
    assert kid.startswith(prefix)
    assert invoice_number_from_kid(kid, prefix=prefix, length=length) == number


@given(kid_settings())
def test_every_kid_we_make_is_valid_mod10(settings: tuple[str, int, int]) -> None:
    prefix, number, length = settings

    kid = kid_for(prefix=prefix, number=number, length=length)

    assert is_valid_kid(kid)
    assert kid[-1] == luhn_check_digit(kid[:-1])


@given(kid_settings(), st.data())
def test_changing_any_single_digit_makes_a_kid_invalid(
    settings: tuple[str, int, int], data: st.DataObject
) -> None:
    prefix, number, length = settings
    kid = kid_for(prefix=prefix, number=number, length=length)
    position = data.draw(st.integers(min_value=0, max_value=length - 1))
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != kid[position]]))

    typo = kid[:position] + digit + kid[position + 1 :]

    assert not is_valid_kid(typo)
    assert invoice_number_from_kid(typo, prefix=prefix, length=length) is None


@given(st.text(alphabet="0123456789", min_size=1, max_size=24), st.data())
def test_changing_any_single_digit_makes_a_mod11_kid_invalid(
    body: str, data: st.DataObject
) -> None:
    kid = body + mod11_check_digit(body)
    position = data.draw(st.integers(min_value=0, max_value=len(body) - 1))
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != kid[position]]))

    typo = kid[:position] + digit + kid[position + 1 :]

    assert is_valid_kid_mod11(kid)
    assert not is_valid_kid_mod11(typo)
