"""Fixtures and helpers for the sign-in, two-factor and ID-porten tests."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.test import Client

from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """allauth keeps rate limits and used TOTP codes in the cache; start every test clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def steady_clock() -> Iterator[None]:
    """Start just after a 30-second TOTP period begins, so a code cannot expire mid-test."""
    start = dt.datetime(2026, 3, 2, 9, 0, 1, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=True):
        yield


@pytest.fixture
def english(client: Client) -> Client:
    """Pages in English whatever the catalogues say, so assertions read the source strings."""
    client.cookies["django_language"] = "en"
    return client


def sign_in(client: Client, email: str, password: str = PASSWORD, **extra: str) -> Any:
    """Posts the sign-in form as a browser would."""
    return client.post("/accounts/login/", {"login": email, "password": password, **extra})


def totp_code_for(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def link_in(message: Any, path_pattern: str) -> str:
    """The path of the first link in an e-mail whose path matches `path_pattern`."""
    match = re.search(r"https?://[^/\s]+(" + path_pattern + r")", message.body)
    assert match, f"no link matching {path_pattern!r} in:\n{message.body}"
    return match.group(1)
