"""Dates written as Norwegians write them ("27. november", "fredag 27. november 2026") and
as English readers expect ("27 November"), whatever the page's language."""

from __future__ import annotations

import datetime as dt

from django.utils import formats
from django.utils.translation import get_language


def _norwegian() -> bool:
    return (get_language() or "nb").startswith(("nb", "nn", "no"))


def _format(value: dt.date | None, norwegian: str, english: str) -> str:
    if value is None or value == "":
        return ""
    return formats.date_format(value, norwegian if _norwegian() else english)


def day_month(value: dt.date | None) -> str:
    return _format(value, "j. F", "j F")


def day_month_year(value: dt.date | None) -> str:
    return _format(value, "j. F Y", "j F Y")


def weekday_day_month(value: dt.date | None) -> str:
    return _format(value, "l j. F", "l j F")


def weekday_day_month_year(value: dt.date | None) -> str:
    return _format(value, "l j. F Y", "l j F Y")


def short_day_month(value: dt.date | None) -> str:
    return _format(value, "j. M", "j M")


def short_weekday_day_month(value: dt.date | None) -> str:
    return _format(value, "D j. M", "D j M")
