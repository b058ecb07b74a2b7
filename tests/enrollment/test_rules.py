"""Pure rules about ages, grades and terms: no database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from enrollment import rules


@pytest.mark.parametrize(
    ("birth", "day", "expected"),
    [
        (dt.date(2016, 3, 14), dt.date(2026, 3, 13), 9),
        (dt.date(2016, 3, 14), dt.date(2026, 3, 14), 10),
        (dt.date(2016, 3, 14), dt.date(2026, 12, 31), 10),
        # Born on 29 February: a year older from 1 March in years without that day.
        (dt.date(2016, 2, 29), dt.date(2027, 2, 28), 10),
        (dt.date(2016, 2, 29), dt.date(2027, 3, 1), 11),
        (dt.date(2016, 2, 29), dt.date(2028, 2, 29), 12),
    ],
)
def test_age_on_counts_whole_years(birth, day, expected):
    assert rules.age_on(birth, day) == expected


@pytest.mark.parametrize(
    ("minimum", "maximum", "age", "admitted"),
    [
        (6, 19, 5, False),
        (6, 19, 6, True),
        (6, 19, 19, True),
        (6, 19, 20, False),
        (None, 12, 0, True),
        (None, 12, 13, False),
        (16, None, 40, True),
        (16, None, 15, False),
        (None, None, 3, True),
    ],
)
def test_s4a_age_range_admits_only_qualifying_ages(minimum, maximum, age, admitted):
    assert rules.AgeRange(minimum, maximum).admits(age) is admitted


def test_age_range_reads_naturally():
    with translation.override("en"):
        assert str(rules.AgeRange(6, 19)) == "6–19 years"
        assert str(rules.AgeRange(16, None)) == "From 16 years"
        assert str(rules.AgeRange(None, 12)) == "Up to 12 years"
        assert str(rules.AgeRange()) == "All ages"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 7, 31), 2025),
        (dt.date(2026, 8, 1), 2026),
        (dt.date(2026, 12, 31), 2026),
        (dt.date(2027, 1, 1), 2026),
    ],
)
def test_school_year_starts_in_august(day, expected):
    assert rules.school_year_start(day) == expected


def test_grade_moves_up_each_august():
    # Recorded as grade 5 in the school year 2026/27.
    assert rules.grade_on(5, 2026, dt.date(2027, 6, 1)) == 5
    assert rules.grade_on(5, 2026, dt.date(2027, 8, 15)) == 6
    assert rules.grade_on(5, 2026, dt.date(2030, 9, 1)) == 9


def test_grade_is_none_after_upper_secondary():
    assert rules.grade_on(13, 2026, dt.date(2027, 5, 1)) == 13
    assert rules.grade_on(13, 2026, dt.date(2027, 8, 1)) is None


def test_grade_never_goes_below_kindergarten():
    assert rules.grade_on(0, 2026, dt.date(2025, 9, 1)) == rules.KINDERGARTEN


def test_term_label_names_season_and_year():
    with translation.override("en"):
        assert rules.term_label("autumn", 2026) == "Autumn 2026"
        assert rules.term_label("spring", 2027) == "Spring 2027"
