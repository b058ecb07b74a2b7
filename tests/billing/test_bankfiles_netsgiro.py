"""Our OCR giro reader agrees with netsgiro, the reference implementation of Nets' format.

We read the bank file ourselves (billing/bankfiles.py) because the office needs every problem
with its line number and the end records' counts and sums checked, where netsgiro stops at
the first bad line; netsgiro is kept as a test dependency to check our reading against.
"""

from __future__ import annotations

from pathlib import Path

import netsgiro

from billing import bankfiles

FIXTURE = Path(__file__).parent / "fixtures" / "ocr_example.txt"


def test_every_transaction_reads_as_netsgiro_reads_it():
    data = FIXTURE.read_bytes()
    ours = bankfiles.parse_payment_file(data, FIXTURE.name)
    theirs = [
        transaction
        for assignment in netsgiro.parse(data.decode("latin-1")).assignments
        for transaction in assignment.transactions
    ]
    assert ours.errors == ()
    assert len(ours.payments) == len(theirs) > 5
    for payment, transaction in zip(ours.payments, theirs, strict=True):
        assert payment.kid == (transaction.kid or "")
        assert payment.amount_ore == transaction.amount_in_cents
        assert payment.paid_on == transaction.date
        assert payment.transaction_type == transaction.type.value
        assert payment.bank_date == transaction.bank_date
