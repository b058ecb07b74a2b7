"""The MonthDay value used for the yearly deadlines of the rule book (§3a, §9b)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kulturskole.fields import MonthDay, MonthDayField, MonthDayFormField


def test_s9b_notice_deadline_is_1_december_in_any_year():
    deadline = MonthDay(12, 1)
    assert deadline.in_year(2026) == dt.date(2026, 12, 1)
    assert deadline.in_year(2027) == dt.date(2027, 12, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12-01", MonthDay(12, 1)), ("01.12", MonthDay(12, 1)), ("1.5.", MonthDay(5, 1))],
)
def test_month_day_reads_stored_and_norwegian_forms(text, expected):
    assert MonthDay.parse(text) == expected


@pytest.mark.parametrize("text", ["", "31.02", "13-01", "first of may", "1.2.3"])
def test_month_day_rejects_days_that_do_not_exist(text):
    with pytest.raises(ValueError, match="not a day of the year"):
        MonthDay.parse(text)


def test_29_february_falls_back_to_28_february_in_other_years():
    assert MonthDay(2, 29).in_year(2027) == dt.date(2027, 2, 28)
    assert MonthDay(2, 29).in_year(2028) == dt.date(2028, 2, 29)


def test_month_day_displays_in_the_active_language():
    with translation.override("en"):
        assert MonthDay(12, 1).display() == "1 December"


def test_month_day_field_round_trips_through_the_database_form():
    field = MonthDayField()
    assert field.get_prep_value(MonthDay(5, 1)) == "05-01"
    assert field.from_db_value("05-01", None, None) == MonthDay(5, 1)
    assert field.to_python("12-01") == MonthDay(12, 1)


def test_month_day_form_field_explains_bad_input():
    form_field = MonthDayFormField()
    assert form_field.clean("01.06") == MonthDay(6, 1)
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            form_field.clean("40.40")
        assert "such as 01.12" in str(error.value)
