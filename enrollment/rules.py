"""Pure rules about pupils, ages, grades and terms: values in, values out, no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Norwegian school grades: 1–10 in primary and lower secondary school, then VG1–VG3.
KINDERGARTEN = 0
LAST_GRADE = 13
GRADE_CHOICES = [
    (KINDERGARTEN, _("Kindergarten")),
    *[(grade, format_lazy(_("Grade {grade}"), grade=grade)) for grade in range(1, 11)],
    (11, _("Upper secondary, year 1 (VG1)")),
    (12, _("Upper secondary, year 2 (VG2)")),
    (13, _("Upper secondary, year 3 (VG3)")),
]

# The Norwegian school year starts in August.
SCHOOL_YEAR_FIRST_MONTH = 8


@dataclass(frozen=True)
class AgeRange:
    """An offer's age limits (§4a); either end may be open."""

    minimum: int | None = None
    maximum: int | None = None

    def admits(self, age: int) -> bool:
        if self.minimum is not None and age < self.minimum:
            return False
        return not (self.maximum is not None and age > self.maximum)

    def __str__(self) -> str:
        if self.minimum is not None and self.maximum is not None:
            return gettext("%(min)d–%(max)d years") % {"min": self.minimum, "max": self.maximum}
        if self.minimum is not None:
            return gettext("From %(min)d years") % {"min": self.minimum}
        if self.maximum is not None:
            return gettext("Up to %(max)d years") % {"max": self.maximum}
        return gettext("All ages")


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Whole years of age on a given day; a child born on 29 February ages on 1 March."""
    had_birthday = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if had_birthday else 1)


def school_year_start(day: dt.date) -> int:
    """The calendar year in which the school year containing `day` started."""
    return day.year if day.month >= SCHOOL_YEAR_FIRST_MONTH else day.year - 1


def grade_on(grade: int, recorded_for_school_year: int, day: dt.date) -> int | None:
    """The grade a pupil is in on `day`, moving up each August; None after upper secondary."""
    current = grade + school_year_start(day) - recorded_for_school_year
    if current > LAST_GRADE:
        return None
    return max(current, KINDERGARTEN)


def term_label(season: str, year: int) -> str:
    if season == "spring":
        return gettext("Spring %(year)d") % {"year": year}
    return gettext("Autumn %(year)d") % {"year": year}
