"""The words of an invoice line, written from its kind and values in the reader's language.

Lines are stored as a kind plus values (`billing.rules.Line`), so the same invoice reads in
Bokmål on the paper the family got, and in English for an office user who reads English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from billing.rules import RULE, LineKind

KINDS = frozenset(kind.value for kind in LineKind)


def line_description(kind: str, params: Mapping[str, Any]) -> str:
    values = {"pupil": "", "offer": "", **params}
    texts = {
        LineKind.PLACE_FEE: _("%(offer)s, %(pupil)s: fee for the term"),
        LineKind.COURSE: _("%(offer)s, %(pupil)s: the whole course"),
        LineKind.RENTAL: _("%(offer)s, %(pupil)s: instrument rental"),
        LineKind.EXTRA: _("%(offer)s, %(pupil)s: %(extra)s"),
        LineKind.FREE_PLACE: _("%(offer)s, %(pupil)s: free place"),
        LineKind.SIBLING_DISCOUNT: _("%(offer)s, %(pupil)s: sibling discount %(percent)s %%"),
        LineKind.CANCELLED_LESSONS: _("%(offer)s, %(pupil)s: lessons cancelled by the school"),
        LineKind.ILLNESS: _("%(offer)s, %(pupil)s: reduction for illness"),
        LineKind.MOVING: _("%(offer)s, %(pupil)s: reduction for moving away"),
        LineKind.LATE_START: _("%(offer)s, %(pupil)s: reduction for a late start"),
    }
    text = texts.get(LineKind(kind)) if kind in KINDS else None
    if text is None:
        return kind
    try:
        return text % values
    except (KeyError, ValueError):
        return text.split(":")[0] % {"offer": values["offer"], "pupil": values["pupil"]}


def line_explanation(kind: str, params: Mapping[str, Any]) -> str:
    values = {"weeks": "", "per_week": "", **params}
    texts = {
        LineKind.PLACE_FEE: _("One fee per place per term, as the municipal council decided."),
        LineKind.COURSE: _("A course is priced on its own and binds for the whole course."),
        LineKind.RENTAL: _("Rental of the school's instrument for the term."),
        LineKind.EXTRA: _("An extra for this offer, as the municipal council decided."),
        LineKind.FREE_PLACE: _("You were granted a free place: no fee for the place this term."),
        LineKind.SIBLING_DISCOUNT: _(
            "Siblings get a discount on one place each; the sibling whose place costs most pays "
            "in full."
        ),
        LineKind.CANCELLED_LESSONS: _(
            "The school cancelled more than 2 lessons this term: %(per_week)s kr for each of "
            "%(weeks)s teaching weeks."
        ),
        LineKind.ILLNESS: _(
            "Absent through illness for more than 4 weeks, with a doctor's note: %(per_week)s kr "
            "for each of %(weeks)s unused teaching weeks."
        ),
        LineKind.MOVING: _(
            "Moved from the municipality with more than 8 teaching weeks left: %(per_week)s kr "
            "for each of %(weeks)s unused teaching weeks."
        ),
        LineKind.LATE_START: _(
            "The place was offered after the offer had held more than 4 lessons: %(per_week)s kr "
            "for each of %(weeks)s teaching weeks before the start."
        ),
    }
    text = texts.get(LineKind(kind)) if kind in KINDS else None
    try:
        return text % values if text else ""
    except (KeyError, ValueError):
        return ""


def line_rule(kind: str) -> str:
    return RULE.get(LineKind(kind), "") if kind in KINDS else ""
