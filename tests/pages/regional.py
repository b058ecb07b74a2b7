"""The regional app's pages in the page-access matrix (see tests/pages/__init__.py)."""

from __future__ import annotations

from typing import Any

from tests.pages import Page


def world(objects: dict[str, Any], users: dict[str, Any]) -> dict[str, Any]:
    """Objects the regional pages below need, added to the matrix's shared world."""
    return {}


PAGES: dict[str, Page] = {}
NOT_PAGES: dict[str, str] = {}
# (who, url name, kwargs from objects) — each must be a 404.
PROBES: list[tuple[str, str, Any]] = []
