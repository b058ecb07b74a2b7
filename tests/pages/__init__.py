"""What the page-access matrix is made of, shared by the per-app page tables in this package.

tests/test_page_access_matrix.py merges `PAGES`, `NOT_PAGES`, `PROBES` and the objects from
`world(objects, users)` of each module listed in `APP_TABLES`, so an app adds its pages here
without touching the other apps' tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SIGNED_IN = [
    "stranger",
    "guardian",
    "teacher",
    "office",
    "principal",
    "office_elsewhere",
    "project_leader",
    "steering_group",
    "superuser",
]
PUBLIC = ["anonymous", *SIGNED_IN]
SCHOOL_ADMINS = ("office", "principal", "superuser")
# A lesson: its group's teacher, and the office and principal of the school.
TEACHING = ("teacher", "office", "principal", "superuser")
REGIONAL = ("project_leader", "steering_group", "superuser")

# Modules of this package with their own tables; each defines world, PAGES, NOT_PAGES, PROBES.
APP_TABLES = ("tests.pages.billing", "tests.pages.regional", "tests.pages.gsi")


@dataclass(frozen=True)
class Page:
    kwargs: Callable[[dict[str, Any]], dict[str, Any]]
    allowed: tuple[str, ...]
    # Status for an allowed visitor; a few pages redirect some of them onwards.
    ok: Callable[[str], int] = lambda who: 200


def school_kwargs(**extra: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda o: {"school": o["school"].slug, **{k: o[v].pk for k, v in extra.items()}}
