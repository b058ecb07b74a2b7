"""Language choice: remembered in a cookie and, for signed-in users, on their account."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class UserLanguageMiddleware:
    """Shows a signed-in user's saved language on a device that has no language cookie yet.

    Runs after LocaleMiddleware and AuthenticationMiddleware: an explicit cookie (set by the
    language switch) wins; otherwise the language saved on the account is used and remembered.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        saved = (
            getattr(user, "language", None) if getattr(user, "is_authenticated", False) else None
        )
        has_cookie = settings.LANGUAGE_COOKIE_NAME in request.COOKIES
        if saved and not has_cookie and saved != request.LANGUAGE_CODE:
            translation.activate(saved)
            request.LANGUAGE_CODE = saved
        response = self.get_response(request)
        if saved and not has_cookie:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                saved,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
            )
        return response
