"""What guardians do: register a household, keep its address and their children up to date,
and invite a second guardian by e-mail.

Every function runs in a transaction and records an audit event (who, when, what).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from enrollment import rules
from enrollment.models import Guardian, GuardianInvitation, Household, Pupil, School
from kulturskole import audit
from kulturskole.access import forget_roles
from kulturskole.messaging import absolute_url, notify


class HouseholdAlreadyRegisteredError(Exception):
    """The user is already a guardian in a household."""


class SchoolNotOpenForHouseholdsError(Exception):
    """Households register only with a public culture school."""


@transaction.atomic
def household_register(
    *,
    user: Any,
    school: School,
    name: str,
    street_address: str,
    postal_code: str,
    city: str,
    first_name: str,
    last_name: str,
    phone: str = "",
) -> Household:
    """Creates a household with the user as its first guardian, who pays its invoices."""
    if not (school.is_public and school.kind == School.Kind.CULTURE_SCHOOL):
        raise SchoolNotOpenForHouseholdsError(school.slug)
    # Lock the user's row so a double-clicked form cannot register two households.
    get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
    if Guardian.objects.filter(user=user).exists():
        raise HouseholdAlreadyRegisteredError
    household = Household.objects.create(
        school=school,
        name=name,
        street_address=street_address,
        postal_code=postal_code,
        city=city,
    )
    guardian = Guardian.objects.create(
        household=household,
        user=user,
        first_name=first_name,
        last_name=last_name,
        email=user.email,
        phone=phone,
    )
    household.payer = guardian
    household.save(update_fields=["payer"])
    audit.record(
        actor=user,
        action="household.register",
        subject=household,
        summary=f"Household {household.name} registered with {school.name} by {guardian}",
        data={"school": school.pk, "guardian": guardian.pk},
    )
    # The user is a guardian from now on, also for the rest of this request.
    forget_roles(user)
    return household


@transaction.atomic
def household_address_update(
    *, actor: Any, household: Household, street_address: str, postal_code: str, city: str
) -> Household:
    """Changes where the household lives; the address is printed on invoices."""
    new = {"street_address": street_address, "postal_code": postal_code, "city": city}
    changed = [field for field, value in new.items() if getattr(household, field) != value]
    if not changed:
        return household
    old = {field: getattr(household, field) for field in changed}
    for field in changed:
        setattr(household, field, new[field])
    household.save(update_fields=changed)
    audit.record(
        actor=actor,
        action="household.address_update",
        subject=household,
        summary=f"Address of household {household.name} changed",
        data={"changed": changed, "old": old},
    )
    return household


@transaction.atomic
def pupil_add(
    *,
    actor: Any,
    household: Household,
    first_name: str,
    last_name: str,
    birth_date: dt.date,
    school_grade: int | None,
    photo_consent: str,
    now: dt.datetime | None = None,
) -> Pupil:
    """Registers a child in a household. The grade is recorded for the current school year."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    pupil = Pupil.objects.create(
        household=household,
        first_name=first_name,
        last_name=last_name,
        birth_date=birth_date,
        school_grade=school_grade,
        grade_school_year=None if school_grade is None else rules.school_year_start(today),
        photo_consent=photo_consent,
        photo_consent_recorded_at=(
            None if photo_consent == Pupil.PhotoConsent.NOT_ANSWERED else now
        ),
    )
    audit.record(
        actor=actor,
        action="pupil.add",
        subject=pupil,
        summary=f"{pupil} added to household {household.name}",
        data={"household": household.pk, "photo_consent": photo_consent},
    )
    return pupil


@transaction.atomic
def pupil_update(
    *,
    actor: Any,
    pupil: Pupil,
    first_name: str,
    last_name: str,
    birth_date: dt.date,
    school_grade: int | None,
    photo_consent: str,
    now: dt.datetime | None = None,
) -> Pupil:
    """Changes a child's details; a changed photo/film answer (§10a) is timed and audited."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    changed: list[str] = []
    for field, value in (
        ("first_name", first_name),
        ("last_name", last_name),
        ("birth_date", birth_date),
    ):
        if getattr(pupil, field) != value:
            setattr(pupil, field, value)
            changed.append(field)
    # The form shows the grade the child is in today; only a different answer is a change.
    if school_grade != pupil.grade_on(today):
        pupil.school_grade = school_grade
        pupil.grade_school_year = None if school_grade is None else rules.school_year_start(today)
        changed += ["school_grade", "grade_school_year"]
    consent_changed = pupil.photo_consent != photo_consent
    if consent_changed:
        pupil.photo_consent = photo_consent
        pupil.photo_consent_recorded_at = now
        changed += ["photo_consent", "photo_consent_recorded_at"]
    if not changed:
        return pupil
    pupil.save(update_fields=changed)
    details = [field for field in changed if not field.startswith(("photo_", "grade_school"))]
    if details:
        audit.record(
            actor=actor,
            action="pupil.update",
            subject=pupil,
            summary=f"Details of {pupil} changed",
            data={"changed": details},
        )
    if consent_changed:
        audit.record(
            actor=actor,
            action="pupil.photo_consent",
            subject=pupil,
            summary=f"Photo and film consent for {pupil}: {photo_consent}",
            data={"photo_consent": photo_consent},
        )
    return pupil


# --- A second guardian, invited by e-mail ------------------------------------------------------

INVITATION_SALT = "guardian-invitation"
INVITATION_MAX_AGE = dt.timedelta(days=14)


class InvitationError(Exception):
    """An invitation that cannot be sent, accepted or cancelled; the message says why."""


def invitation_token(invitation: GuardianInvitation) -> str:
    return signing.dumps(invitation.pk, salt=INVITATION_SALT)


def invitation_expires_at(invitation: GuardianInvitation) -> dt.datetime:
    return invitation.created_at + INVITATION_MAX_AGE


def invitation_is_pending(invitation: GuardianInvitation) -> bool:
    return invitation.accepted_at is None and invitation.cancelled_at is None


def invitation_from_token(token: str) -> GuardianInvitation:
    """The invitation a link stands for, or InvitationError saying why the link does not work.

    The signature expires after 14 days; a link to a cancelled or used invitation is refused
    even while its signature is still valid.
    """
    try:
        pk = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired:
        raise InvitationError(
            _(
                "This invitation has expired: invitations are valid for 14 days. Ask the "
                "guardian who invited you to send a new one."
            )
        ) from None
    except signing.BadSignature:
        raise InvitationError(
            _(
                "This invitation link is not valid. Check that you copied the whole address "
                "from the e-mail."
            )
        ) from None
    invitation = (
        GuardianInvitation.objects.select_related("household", "invited_by").filter(pk=pk).first()
    )
    if invitation is None or invitation.cancelled_at is not None:
        raise InvitationError(
            _(
                "This invitation was cancelled by the household. Ask the guardian who invited "
                "you to send a new one if it was a mistake."
            )
        )
    if invitation.accepted_at is not None:
        raise InvitationError(
            _(
                "This invitation has already been used. If it was you who accepted it, you find "
                "the household under My family."
            )
        )
    return invitation


def _inviter_name(user: Any, household: Household) -> str:
    if not getattr(user, "pk", None):
        return ""
    guardian = Guardian.objects.filter(user=user, household=household).first()
    if guardian is not None:
        return str(guardian)
    return user.get_full_name() or user.email


@transaction.atomic
def guardian_invite(
    *,
    actor: Any,
    household: Household,
    first_name: str,
    last_name: str,
    email: str,
    now: dt.datetime | None = None,
) -> GuardianInvitation:
    """Invite a second guardian by e-mail; the link is valid for 14 days.

    Refused when the address already belongs to a guardian of the household, or has an
    invitation still waiting. An invitation that expired unanswered is cancelled and replaced.
    """
    now = now or timezone.now()
    email = email.strip()
    # One invitation at a time per household: lock it, so a double click sends one.
    Household.objects.select_for_update().filter(pk=household.pk).exists()
    already = Guardian.objects.filter(household=household).filter(
        Q(email__iexact=email) | Q(user__email__iexact=email)
    )
    if already.exists():
        raise InvitationError(
            _("%(email)s is already a guardian in household %(household)s.")
            % {"email": email, "household": household.name}
        )
    waiting = GuardianInvitation.objects.filter(
        household=household, email__iexact=email, accepted_at=None, cancelled_at=None
    ).first()
    if waiting is not None:
        if invitation_expires_at(waiting) > now:
            raise InvitationError(
                _(
                    "An invitation to %(email)s was sent on %(day)s and is still waiting. Cancel "
                    "it first if you want to send a new one."
                )
                % {
                    "email": email,
                    "day": formats.date_format(timezone.localdate(waiting.created_at)),
                }
            )
        waiting.cancelled_at = now
        waiting.save(update_fields=["cancelled_at"])
    invitation = GuardianInvitation.objects.create(
        household=household,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        invited_by=actor if getattr(actor, "pk", None) else None,
    )
    url = absolute_url(reverse("family:invitation_accept", args=[invitation_token(invitation)]))
    notify(
        key=f"guardian-invitation-{invitation.pk}",
        template="guardian_invitation",
        to_email=email,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        context={
            "invitation": invitation,
            "household": household,
            "school": household.school,
            "inviter": _inviter_name(actor, household),
            "url": url,
            "expires_on": timezone.localdate(now + INVITATION_MAX_AGE),
        },
    )
    audit.record(
        actor=actor,
        action="guardian.invited",
        subject=household,
        summary=f"{first_name} {last_name} <{email}> invited as a guardian of {household.name}",
        data={"invitation": invitation.pk, "email": email},
    )
    return invitation


@transaction.atomic
def guardian_invitation_accept(
    *, user: Any, invitation: GuardianInvitation, now: dt.datetime | None = None
) -> tuple[Guardian, bool]:
    """The invited person, signed in with any e-mail address, joins the household.

    Returns the guardian and whether it was created (False: the user already was one).
    """
    now = now or timezone.now()
    invitation = (
        GuardianInvitation.objects.select_for_update()
        .select_related("household")
        .get(pk=invitation.pk)
    )
    if invitation.cancelled_at is not None:
        raise InvitationError(_("This invitation was cancelled by the household."))
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been used."))
    household = invitation.household
    guardian = Guardian.objects.filter(household=household, user=user).first()
    created = guardian is None
    if guardian is None:
        guardian = Guardian.objects.create(
            household=household,
            user=user,
            first_name=invitation.first_name or user.first_name,
            last_name=invitation.last_name or user.last_name,
            email=user.email or invitation.email,
        )
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(
        actor=user,
        action="guardian.invitation_accepted",
        subject=household,
        summary=f"{guardian} accepted the invitation to household {household.name}",
        data={"invitation": invitation.pk, "guardian": guardian.pk, "created": created},
    )
    forget_roles(user)
    return guardian, created


@transaction.atomic
def guardian_invitation_cancel(
    *, actor: Any, invitation: GuardianInvitation, now: dt.datetime | None = None
) -> GuardianInvitation:
    """The household takes an invitation back; its link stops working at once."""
    now = now or timezone.now()
    invitation = GuardianInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationError(
            _("The invitation has already been accepted, so it can no longer be cancelled.")
        )
    if invitation.cancelled_at is not None:
        return invitation
    invitation.cancelled_at = now
    invitation.save(update_fields=["cancelled_at"])
    audit.record(
        actor=actor,
        action="guardian.invitation_cancelled",
        subject=invitation.household,
        summary=f"Invitation to {invitation.email} cancelled",
        data={"invitation": invitation.pk},
    )
    return invitation
