"""How django-allauth behaves in this project.

- Sign-up stores the language the person was reading in, and every e-mail allauth sends goes out
  in the recipient's saved language.
- Error messages are worded here, so they are in this project's catalogues (Bokmål, Nynorsk and
  English are kept complete; allauth itself ships no Nynorsk).
- ID-porten sends the national identity number (`pid`); it never reaches the database or the
  session.
- Staff roles must keep two-factor authentication on.
"""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kulturskole.access import roles_for

logger = logging.getLogger(__name__)

# ID-porten sends the national identity number (pid). This project never stores it.
IDPORTEN_CLAIMS_NOT_STORED = frozenset({"pid", "sub_legacy"})


def current_language() -> str:
    """The active language if the project offers it, otherwise the default (Bokmål)."""
    language = (translation.get_language() or "").split("-")[0]
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": _(
            "This account has been closed. Contact the school office if you need it again."
        ),
        "email_password_mismatch": _("The e-mail address or the password is not correct."),
        "email_taken": _(
            "An account with this e-mail address already exists. Sign in, or reset the "
            "password if you have forgotten it."
        ),
        "enter_current_password": _("Type your current password."),
        "incorrect_password": _("The password is not correct."),
        "invalid_password_reset": _("The link to reset your password is no longer valid."),
        "too_many_login_attempts": _(
            "Too many failed sign-in attempts for this account. To protect it, sign-in is "
            "paused for a few minutes. Try again later, or reset your password."
        ),
        "unknown_email": _("No account uses this e-mail address."),
        "unverified_primary_email": _("Confirm your main e-mail address first."),
        "rate_limited": _("Too many attempts in a short time. Wait a little and try again."),
    }

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        """Both sign-up forms (password and ID-porten) end here: remember the language."""
        user.language = current_language()
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Send in the language the recipient chose for the account, if there is an account."""
        language = recipient_language(email, context.get("user"))
        if language is None:
            super().send_mail(template_prefix, email, context)
            return
        with translation.override(language):
            super().send_mail(template_prefix, email, context)


def recipient_language(email: str, user: Any = None) -> str | None:
    if user is None or not getattr(user, "pk", None):
        address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
        user = address.user if address else None
    language = getattr(user, "language", None)
    return language if language in dict(settings.LANGUAGES) else None


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    error_messages = {
        **DefaultSocialAccountAdapter.error_messages,
        "email_taken": _(
            "An account with this e-mail address already exists. Sign in to it with your "
            "password first; you can then connect %s under your account settings."
        ),
        "no_password": _("Your account has no password yet. Set a password before you disconnect."),
        "no_verified_email": _("Your account has no confirmed e-mail address."),
    }

    def populate_user(self, request: HttpRequest, sociallogin: Any, data: dict[str, Any]) -> Any:
        # The identity number is removed here and not in `pre_social_login`: for a returning
        # user allauth copies the new claims onto the stored SocialAccount and saves it
        # (SocialLogin.lookup) *before* `pre_social_login` runs. `populate_user` runs for
        # every callback, new and returning users alike, right after the claims are read and
        # before anything is saved or put in the session.
        sociallogin.account.extra_data = strip_identity_number(sociallogin.account.extra_data)
        return super().populate_user(request, sociallogin, data)

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: BaseException | None = None,
        extra_context: dict[str, Any] | None = None,
    ) -> None:
        # Only the kind of failure: the exception text may quote the provider's response.
        logger.warning(
            "Sign-in with %s failed: %s (%s)",
            getattr(provider, "sub_id", provider),
            error,
            type(exception).__name__ if exception else "no exception",
        )
        super().on_authentication_error(
            request, provider, error=error, exception=exception, extra_context=extra_context
        )


def strip_identity_number(data: Any) -> Any:
    """Remove the national identity number from the claims, at any depth."""
    if isinstance(data, dict):
        return {
            key: strip_identity_number(value)
            for key, value in data.items()
            if key not in IDPORTEN_CLAIMS_NOT_STORED
        }
    if isinstance(data, list):
        return [strip_identity_number(value) for value in data]
    return data


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "add_email_blocked": _(
            "While two-factor authentication is on, new e-mail addresses cannot be added "
            "here. Ask the school office for help."
        ),
        "cannot_delete_authenticator": _(
            "Your role gives access to other families' information, so two-factor "
            "authentication must stay on."
        ),
        "incorrect_code": _(
            "The code is not correct. Use the newest code in the app, and check that the "
            "phone's clock is right."
        ),
        "unverified_email": _(
            "Confirm your e-mail address before you turn on two-factor authentication."
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if (
            settings.MFA_REQUIRED_FOR_STAFF
            and authenticator.type == Authenticator.Type.TOTP
            and roles_for(authenticator.user).requires_mfa
        ):
            return False
        return super().can_delete_authenticator(authenticator)
