"""Date filters in the reader's language: {{ day|day_month }} → «27. november» / "27 November"."""

from django import template

from kulturskole import dates

register = template.Library()

for name in (
    "day_month",
    "day_month_year",
    "weekday_day_month",
    "weekday_day_month_year",
    "short_day_month",
    "short_weekday_day_month",
):
    register.filter(name, getattr(dates, name))
