"""Demo data of this app, added by `manage.py seed_demo` after enrollment's (safe to re-run)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator


def seed_demo(*, today: dt.date) -> Iterator[str]:
    """Create or update the billing demo data; yields one line of summary for the console."""
    yield from ()
