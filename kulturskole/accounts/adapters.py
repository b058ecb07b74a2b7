from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest

# ID-porten sends the national identity number (pid). This project never stores it.
IDPORTEN_CLAIMS_NOT_STORED = frozenset({"pid", "sub_legacy"})


class AccountAdapter(DefaultAccountAdapter):
    pass


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        sociallogin.account.extra_data = strip_identity_number(sociallogin.account.extra_data)
        super().pre_social_login(request, sociallogin)


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
