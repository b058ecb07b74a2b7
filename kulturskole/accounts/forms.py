from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class SignupForm(AllauthSignupForm):
    """Guardians sign up themselves: name, e-mail and password; the language they see is kept."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def save(self, request: HttpRequest) -> Any:
        user = super().save(request)
        user.first_name = self.cleaned_data["first_name"].strip()
        user.last_name = self.cleaned_data["last_name"].strip()
        user.language = (get_language() or "nb")[:2]
        user.save(update_fields=["first_name", "last_name", "language"])
        return user
