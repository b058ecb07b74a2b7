"""The contract a guardian signs to accept a place (§4b), and the fees it names.

Fees belong to the billing app, which depends on this one. So this module only declares what a
fee line is and keeps a list of providers; billing registers its provider when it loads
(billing/apps.py). Without a provider, or without a fee schedule for the school year, there is
no fee to print, and admission refuses to send place offers until the office has entered it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from enrollment.models import Guardian, Offer, Term
from kulturskole.pdf import render_pdf
from waitlist.selectors import policy_for


@dataclass(frozen=True)
class FeeLine:
    label: str
    amount: Decimal
    # Whether the line is owed, or only if chosen (such as instrument rental).
    optional: bool = False


FeeProvider = Callable[[Offer, Term], list[FeeLine]]
_providers: list[FeeProvider] = []


def register_fee_provider(provider: FeeProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def fee_lines(offer: Offer, term: Term) -> list[FeeLine]:
    return [line for provider in _providers for line in provider(offer, term)]


def has_fees(offer: Offer, term: Term) -> bool:
    return any(not line.optional for line in fee_lines(offer, term))


def contract_context(
    *,
    place_offer: Any,
    guardian: Guardian,
    signed_at: Any = None,
    signed_from_ip: str = "",
) -> dict[str, Any]:
    offer = place_offer.offer
    school = offer.school
    return {
        "school": school,
        "policy": policy_for(school),
        "offer": offer,
        "term": place_offer.term,
        "pupil": place_offer.pupil,
        "guardian": guardian,
        "household": guardian.household,
        "fees": fee_lines(offer, place_offer.term),
        "place_offer": place_offer,
        "signed_at": signed_at,
        "signed_from_ip": signed_from_ip,
        "today": timezone.localdate(),
    }


def render_contract(context: dict[str, Any]) -> tuple[bytes, str]:
    """The contract as PDF bytes, and their SHA-256 for the record."""
    pdf = render_pdf("pdf/contract.html", context)
    return pdf, hashlib.sha256(pdf).hexdigest()
