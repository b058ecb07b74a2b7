"""Fee reductions the office decides (§13a i–ii), checked against the rules before they are kept.

The late start (§13a iii) and the school's cancelled lessons (§8b) are computed by the invoice
run from the lessons held; only illness and moving away are decided by a person. A reduction
changes the next invoice run's lines: a term invoiced already gets a credit note.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from billing import rules
from billing.invoicing import policy_facts
from billing.models import FeeReduction
from enrollment.lifecycle_selectors import policy_for
from enrollment.models import Offer, Placement, Term
from kulturskole import audit


def reduction_problems(
    *, placement: Placement, term: Term, kind: str, weeks: int, doctors_note: bool
) -> dict[str, str]:
    """What stands in the way of the reduction, by form field; empty when it may be given."""
    problems: dict[str, str] = {}
    school = term.school
    policy = policy_facts(policy_for(school))
    if placement.offer.school_id != term.school_id:
        problems["placement"] = _("Choose a place of this school.")
        return problems
    if placement.offer.kind == Offer.Kind.COURSE:
        problems["placement"] = _(
            "A course is priced as a whole; §13 reductions are for places that are billed by "
            "the term."
        )
    elif placement.starts_on > term.ends_on or (
        placement.ends_on is not None and placement.ends_on < term.starts_on
    ):
        problems["placement"] = _("The place is not held in %(term)s.") % {"term": term}
    elif placement.end_reason == Placement.EndReason.TERMINATION:
        problems["placement"] = _(
            "The school terminated this place: a termination gives no fee reduction (§9e)."
        )
    if weeks > term.teaching_weeks:
        problems["weeks"] = ngettext(
            "%(term)s has only %(count)s teaching week.",
            "%(term)s has only %(count)s teaching weeks.",
            term.teaching_weeks,
        ) % {"term": term, "count": term.teaching_weeks}
    elif kind == FeeReduction.Kind.ILLNESS:
        if not doctors_note:
            problems["doctors_note"] = _(
                "A reduction for illness needs a doctor's note (§13a i). Upload it."
            )
        if rules.s13_illness_weeks(weeks, doctors_note=True, policy=policy) == 0:
            problems["weeks"] = ngettext(
                "Illness must last more than %(count)s week to reduce the fee (§13a i).",
                "Illness must last more than %(count)s weeks to reduce the fee (§13a i).",
                policy.illness_reduction_min_weeks,
            ) % {"count": policy.illness_reduction_min_weeks}
    elif kind == FeeReduction.Kind.MOVING:
        if rules.s13_moving_weeks(weeks, policy) == 0:
            problems["weeks"] = ngettext(
                "Moving away reduces the fee only with more than %(count)s teaching week left "
                "(§13a ii).",
                "Moving away reduces the fee only with more than %(count)s teaching weeks left "
                "(§13a ii).",
                policy.moving_reduction_min_weeks_left,
            ) % {"count": policy.moving_reduction_min_weeks_left}
    else:
        problems["kind"] = _("Choose the reason for the reduction.")
    return problems


def fee_reduction_register(
    *,
    placement: Placement,
    term: Term,
    kind: str,
    weeks: int,
    justification: str,
    by: Any,
    doctors_note: UploadedFile | None = None,
    now: dt.datetime | None = None,
) -> FeeReduction:
    """Record a §13 reduction for one place and term: who, when and why."""
    justification = justification.strip()
    problems = reduction_problems(
        placement=placement, term=term, kind=kind, weeks=weeks, doctors_note=bool(doctors_note)
    )
    if not justification:
        problems["justification"] = _("Write why the reduction is given.")
    if problems:
        raise ValidationError(problems)
    duplicate = _("This place already has a reduction for this reason in %(term)s.") % {
        "term": term
    }
    if FeeReduction.objects.filter(placement=placement, term=term, kind=kind).exists():
        raise ValidationError({"kind": duplicate})
    reduction = FeeReduction(
        placement=placement,
        term=term,
        kind=kind,
        weeks=weeks,
        justification=justification,
        decided_by=by,
        decided_at=now or timezone.now(),
    )
    try:
        with transaction.atomic():
            if doctors_note is not None and kind == FeeReduction.Kind.ILLNESS:
                reduction.doctors_note.save(doctors_note.name, doctors_note, save=False)
            reduction.save()
            audit.record(
                actor=by,
                action="billing.fee_reduction_registered",
                subject=placement,
                summary=f"Fee reduction ({kind}, {weeks} weeks) for {term}",
                reason=justification,
                data={"reduction": reduction.pk, "term": term.pk, "kind": kind, "weeks": weeks},
            )
    except IntegrityError:
        raise ValidationError({"kind": duplicate}) from None
    return reduction
