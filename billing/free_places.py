"""Free places (friplass, §12d): guardians apply in writing, the office decides.

A granted free place zeroes the place fee of every term of its school year for the household
(`billing.invoicing` reads the grant); a term invoiced before the decision is corrected by the
next invoice run with a credit note. Every decision records who, when and why, and the
household is told by e-mail.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import FreePlaceApplication
from billing.services import school_year_label
from enrollment.models import Household
from kulturskole import audit
from kulturskole.messaging import absolute_url, notify


def _already_message(school_year: int) -> str:
    return _(
        "There is already an application for a free place for %(year)s. You can apply again "
        "only if it is refused."
    ) % {"year": school_year_label(school_year)}


def free_place_apply(
    *,
    household: Household,
    school_year: int,
    household_income: Decimal,
    household_size: int,
    explanation: str,
    by: Any,
    attachment: UploadedFile | None = None,
    now: dt.datetime | None = None,
) -> FreePlaceApplication:
    """A household's written application for the school year (one open or granted at a time)."""
    if household_income < 0:
        raise ValidationError({"household_income": _("The income cannot be negative.")})
    open_or_granted = FreePlaceApplication.objects.filter(
        household=household, school_year=school_year
    ).exclude(status=FreePlaceApplication.Status.REFUSED)
    if open_or_granted.exists():
        raise ValidationError({"school_year": _already_message(school_year)})
    application = FreePlaceApplication(
        household=household,
        school_year=school_year,
        household_income=household_income,
        household_size=household_size,
        explanation=explanation.strip(),
        applied_by=by,
        applied_at=now or timezone.now(),
    )
    try:
        with transaction.atomic():
            if attachment is not None:
                application.attachment.save(attachment.name, attachment, save=False)
            application.save()
            audit.record(
                actor=by,
                action="billing.free_place_applied",
                subject=application,
                summary=(
                    f"Free place applied for {school_year_label(school_year)}, household "
                    f"{household.name}"
                ),
            )
    except IntegrityError:  # sent twice at the same moment
        raise ValidationError({"school_year": _already_message(school_year)}) from None
    return application


def free_place_decide(
    *,
    application: FreePlaceApplication,
    grant: bool,
    note: str,
    by: Any,
    now: dt.datetime | None = None,
) -> FreePlaceApplication:
    """Grant or refuse an open application, with a written justification (§12d)."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Write the justification for the decision.")})
    now = now or timezone.now()
    status = FreePlaceApplication.Status.GRANTED if grant else FreePlaceApplication.Status.REFUSED
    with transaction.atomic():
        # Decided once: a second click, or a colleague at the same time, changes nothing.
        decided = FreePlaceApplication.objects.filter(
            pk=application.pk, status=FreePlaceApplication.Status.APPLIED
        ).update(status=status, decided_by=by, decided_at=now, decision_note=note)
        if decided != 1:
            raise ValidationError(_("This application has been decided already."))
        application.refresh_from_db()
        audit.record(
            actor=by,
            action="billing.free_place_granted" if grant else "billing.free_place_refused",
            subject=application,
            summary=(
                f"Free place {'granted' if grant else 'refused'} for "
                f"{school_year_label(application.school_year)}, household "
                f"{application.household.name}"
            ),
            reason=note,
        )
        _tell_household(application)
    return application


def _tell_household(application: FreePlaceApplication) -> None:
    household = application.household
    school = household.school
    for guardian in household.guardians.select_related("user"):
        email = guardian.email or (guardian.user.email if guardian.user_id else "")
        if not email:
            continue
        notify(
            key=f"free-place-decision:{application.pk}:{guardian.pk}",
            template="free_place_decision",
            to_email=email,
            user=guardian.user,
            context={
                "application": application,
                "guardian": guardian,
                "school": school,
                "year": school_year_label(application.school_year),
                "granted": application.status == FreePlaceApplication.Status.GRANTED,
                "portal_url": absolute_url("/family/invoices/"),
            },
        )
