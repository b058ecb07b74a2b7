"""allauth's forms with this project's labels and hints.

allauth's own forms use placeholders that repeat the label, a bulleted list of password rules as
help text (which does not fit in our hint paragraph) and labels from allauth's catalogue, which
has no Nynorsk. The subclasses below only change wording and presentation; validation and
saving stay allauth's. They are wired up in ACCOUNT_FORMS, MFA_FORMS and SOCIALACCOUNT_FORMS.
"""

from __future__ import annotations

from typing import Any, ClassVar

from allauth.account import forms as account_forms
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from allauth.socialaccount import forms as social_forms
from django import forms
from django.contrib.auth.password_validation import (
    MinimumLengthValidator,
    get_default_password_validators,
)
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


def _new_password_hint() -> str:
    lengths = [
        validator.min_length
        for validator in get_default_password_validators()
        if isinstance(validator, MinimumLengthValidator)
    ]
    hint = gettext(
        "Avoid common passwords and your name. A few random words are easy to remember and "
        "hard to guess."
    )
    if lengths:
        length = max(lengths)
        hint = (
            ngettext(
                "At least %(count)d character.",
                "At least %(count)d characters.",
                length,
            )
            % {"count": length}
            + " "
            + hint
        )
    return hint


new_password_hint = lazy(_new_password_hint, str)

EMAIL = _("E-mail address")
NEW_PASSWORD = _("New password")
REPEAT_PASSWORD = _("Repeat the password")
AUTHENTICATOR_CODE = _("Code from the authenticator app")


class OurWording:
    """Sets `labels` and `help_texts` by field name and removes placeholders."""

    labels: ClassVar[dict[str, Any]] = {}
    help_texts: ClassVar[dict[str, Any]] = {}
    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            if name in self.labels:
                field.label = self.labels[name]
            if name in self.help_texts:
                field.help_text = self.help_texts[name]


class LoginForm(OurWording, account_forms.LoginForm):
    # The link to reset the password sits below the form, not between the two fields.
    labels = {
        "login": EMAIL,
        "password": _("Password"),
        "remember": _("Keep me signed in on this device"),
    }
    help_texts = {"password": ""}


class SignupForm(OurWording, account_forms.SignupForm):
    """Guardians sign up themselves: name, e-mail and password.

    The account adapter saves the names and the language the person is reading in.
    """

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )

    field_order = ["first_name", "last_name", "email", "password1", "password2"]
    labels = {"email": EMAIL, "password1": _("Password"), "password2": REPEAT_PASSWORD}
    help_texts = {
        "email": _("We send you a link to confirm the address."),
        "password1": new_password_hint(),
    }


class SocialSignupForm(OurWording, social_forms.SignupForm):
    """After ID-porten, which tells us neither the e-mail address nor the name."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )

    field_order = ["first_name", "last_name", "email"]
    labels = {"email": EMAIL}
    help_texts = {
        "email": _(
            "The school sends offers, contracts and invoices here. We send you a link to "
            "confirm the address."
        )
    }


class AddEmailForm(OurWording, account_forms.AddEmailForm):
    labels = {"email": EMAIL}


class ResetPasswordForm(OurWording, account_forms.ResetPasswordForm):
    labels = {"email": EMAIL}


class ResetPasswordKeyForm(OurWording, account_forms.ResetPasswordKeyForm):
    labels = {"password1": NEW_PASSWORD, "password2": REPEAT_PASSWORD}
    help_texts = {"password1": new_password_hint()}


class ChangePasswordForm(OurWording, account_forms.ChangePasswordForm):
    labels = {
        "oldpassword": _("Current password"),
        "password1": NEW_PASSWORD,
        "password2": REPEAT_PASSWORD,
    }
    help_texts = {"oldpassword": "", "password1": new_password_hint()}


class SetPasswordForm(OurWording, account_forms.SetPasswordForm):
    labels = {"password1": NEW_PASSWORD, "password2": REPEAT_PASSWORD}
    help_texts = {"password1": new_password_hint()}


class ReauthenticateForm(OurWording, account_forms.ReauthenticateForm):
    labels = {"password": _("Password")}
    help_texts = {"password": ""}


class AuthenticateForm(OurWording, mfa_forms.AuthenticateForm):
    labels = {"code": AUTHENTICATOR_CODE}
    help_texts = {
        "code": _("Lost your phone? Type one of your recovery codes instead."),
    }


class MFAReauthenticateForm(OurWording, mfa_forms.ReauthenticateForm):
    labels = {"code": AUTHENTICATOR_CODE}
    help_texts = {
        "code": _("Lost your phone? Type one of your recovery codes instead."),
    }


class ActivateTOTPForm(OurWording, totp_forms.ActivateTOTPForm):
    labels = {"code": pgettext_lazy("two-factor setup", "Code shown in the app")}
    help_texts = {"code": _("Six digits. A new code appears every 30 seconds.")}
