"""The GSI report's pages in the page-access matrix (see tests/pages/__init__.py)."""

from __future__ import annotations

from typing import Any

from tests.pages import SCHOOL_ADMINS, Page, school_kwargs


def world(objects: dict[str, Any], users: dict[str, Any]) -> dict[str, Any]:
    """The shared world has a school with places and a fee schedule; nothing more is needed."""
    return {}


PAGES: dict[str, Page] = {
    "gsi:report": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "gsi:csv": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "gsi:xlsx": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
}
NOT_PAGES: dict[str, str] = {}
# (who, url name, kwargs from objects) — each must be a 404.
PROBES: list[tuple[str, str, Any]] = [
    ("office", "gsi:report", lambda o: {"school": o["elsewhere"].slug}),
    ("office", "gsi:csv", lambda o: {"school": o["elsewhere"].slug}),
    ("office_elsewhere", "gsi:xlsx", lambda o: {"school": o["school"].slug}),
]
