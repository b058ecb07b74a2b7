"""Pure rules about pupils, ages, grades and terms: values in, values out, no database."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kulturskole.fields import MonthDay

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


# --- Lessons ----------------------------------------------------------------------------------


def closed_days(
    breaks: Iterable[tuple[dt.date, dt.date]], public_holidays: Iterable[dt.date] = ()
) -> frozenset[dt.date]:
    """Every day the school does not teach: its own breaks and the public holidays."""
    days = set(public_holidays)
    for first, last in breaks:
        day = first
        while day <= last:
            days.add(day)
            day += dt.timedelta(days=1)
    return frozenset(days)


def lesson_dates(
    *, first_day: dt.date, last_day: dt.date, weekday: int, closed: frozenset[dt.date]
) -> list[dt.date]:
    """The group's weekday in every teaching week of the term, skipping closed days."""
    day = first_day + dt.timedelta(days=(weekday - first_day.weekday()) % 7)
    dates = []
    while day <= last_day:
        if day not in closed:
            dates.append(day)
        day += dt.timedelta(days=7)
    return dates


# --- §6 Trial lessons -------------------------------------------------------------------------


class TrialClosed(StrEnum):
    USED = "used"  # the trial lessons have been attended
    NOT_FIRST_TERM = "not_first_term"  # only in the first term of the place
    ATTENDED_BEFORE = "attended_before"  # only for an offer the pupil has not attended before


@dataclass(frozen=True)
class TrialState:
    lessons_left: int
    closed: TrialClosed | None

    @property
    def can_withdraw(self) -> bool:
        return self.closed is None


def trial_state(
    *, attended: int, trial_lessons: int, in_first_term: bool, attended_offer_before: bool
) -> TrialState:
    """§6: the first `trial_lessons` attendances are a trial; notice before the next one costs
    nothing. Only in the first term, and only for an offer the pupil has not attended before."""
    left = max(trial_lessons - attended, 0)
    if attended_offer_before:
        return TrialState(0, TrialClosed.ATTENDED_BEFORE)
    if not in_first_term:
        return TrialState(0, TrialClosed.NOT_FIRST_TERM)
    if attended > trial_lessons:
        return TrialState(0, TrialClosed.USED)
    return TrialState(left, None)


# --- §7, §9d Absence ----------------------------------------------------------------------------


class Mark(StrEnum):
    PRESENT = "present"
    REPORTED = "reported"  # absent, with notice from the home (§7)
    UNREPORTED = "unreported"  # absent, no notice


@dataclass(frozen=True)
class AbsenceFlags:
    """Unreported absences that allow the school to terminate (§9d ii–iii), with their days."""

    consecutive: tuple[dt.date, ...] = ()
    total: tuple[dt.date, ...] = ()

    @property
    def flagged(self) -> bool:
        return bool(self.consecutive or self.total)


def absence_flags(
    marks: Sequence[tuple[dt.date, Mark]], *, consecutive_limit: int, total_limit: int
) -> AbsenceFlags:
    """`marks` are one placement's registered lessons in one term (cancelled lessons left out).

    §9d ii: `consecutive_limit` unreported absences in a row (a lesson attended, or an absence
    the home reported, breaks the row). §9d iii: `total_limit` unreported absences in the term.
    """
    ordered = sorted(marks)
    unreported = tuple(day for day, mark in ordered if mark == Mark.UNREPORTED)
    run: list[dt.date] = []
    longest: list[dt.date] = []
    for day, mark in ordered:
        run = [*run, day] if mark == Mark.UNREPORTED else []
        if len(run) > len(longest):
            longest = run
    return AbsenceFlags(
        consecutive=tuple(longest) if len(longest) >= consecutive_limit else (),
        total=unreported if len(unreported) >= total_limit else (),
    )


# --- §9 Notice from the home ----------------------------------------------------------------


@functools.total_ordering
@dataclass(frozen=True)
class TermRef:
    """A term named by year and season, whether or not the school has entered its dates."""

    year: int
    season: str  # "spring" or "autumn"

    def __post_init__(self) -> None:
        if self.season not in {"spring", "autumn"}:
            raise ValueError(self.season)

    def __lt__(self, other: TermRef) -> bool:
        # Spring comes before autumn in the same year.
        return (self.year, self.season == "autumn") < (other.year, other.season == "autumn")

    @classmethod
    def of(cls, day: dt.date) -> TermRef:
        """The term a day belongs to: January–June spring, July–December autumn."""
        return cls(day.year, "spring" if day.month <= 6 else "autumn")

    def next(self) -> TermRef:
        if self.season == "spring":
            return TermRef(self.year, "autumn")
        return TermRef(self.year + 1, "spring")

    def __str__(self) -> str:
        return term_label(self.season, self.year)


@dataclass(frozen=True)
class NoticeOutcome:
    last_term: TermRef  # the place ends when this term ends; it is the last one paid
    binds_next_term: bool  # §9c: received after the deadline, so a further term is bound


def notice_outcome(
    received_on: dt.date, *, deadline_for_spring: MonthDay, deadline_for_autumn: MonthDay
) -> NoticeOutcome:
    """§9b–c: notice by 1 December ends the place after the autumn term, by 1 June after the
    spring term; later notice binds the following term in full.

    The place ends after the term that comes before the first deadline on or after the day
    the notice is received.
    """
    year = received_on.year
    deadlines = sorted(
        [
            (deadline_for_autumn.in_year(year), TermRef(year, "spring")),
            (deadline_for_spring.in_year(year), TermRef(year, "autumn")),
            (deadline_for_autumn.in_year(year + 1), TermRef(year + 1, "spring")),
        ]
    )
    last = next(term for deadline, term in deadlines if received_on <= deadline)
    return NoticeOutcome(last, binds_next_term=last > TermRef.of(received_on))


def terms_between(first: TermRef, last: TermRef) -> list[TermRef]:
    terms = []
    term = first
    while term <= last:
        terms.append(term)
        term = term.next()
    return terms


# --- §14 Leave ----------------------------------------------------------------------------------


class LeaveRefusal(StrEnum):
    OTHER_REASON = "other_reason"  # §14b: only illness
    TOO_SHORT = "too_short"  # §14a: more than four teaching weeks
    NO_DOCTORS_NOTE = "no_doctors_note"


def leave_refusal(
    *, illness: bool, expected_weeks: int, min_weeks: int, has_doctors_note: bool
) -> LeaveRefusal | None:
    """§14: leave only for illness longer than `min_weeks` teaching weeks, with a doctor's note."""
    if not illness:
        return LeaveRefusal.OTHER_REASON
    if expected_weeks <= min_weeks:
        return LeaveRefusal.TOO_SHORT
    if not has_doctors_note:
        return LeaveRefusal.NO_DOCTORS_NOTE
    return None


# --- §15–16 Performer track -----------------------------------------------------------------


def half_year(day: dt.date) -> tuple[int, int]:
    """(year, 1) for January–June, (year, 2) for July–December (§15: once per half-year)."""
    return (day.year, 1 if day.month <= 6 else 2)


def needs_effort_guidance(levels: Sequence[str], *, terms_before_guidance: int) -> bool:
    """§16b: effort assessed as too low through more terms than `terms_before_guidance` in a
    row (the latest terms) means guidance towards another offer."""
    trailing = 0
    for level in reversed(levels):
        if level != "low":
            break
        trailing += 1
    return trailing > terms_before_guidance


# --- §19 Upper age ----------------------------------------------------------------------------


def effective_upper_age(
    *, offer_upper_age: int | None, no_upper_age: bool, policy_upper_age: int
) -> int | None:
    """The offer's own upper age, none at all, or the school's rule (§19)."""
    if no_upper_age:
        return None
    return offer_upper_age if offer_upper_age is not None else policy_upper_age


def upper_age_end(birth_date: dt.date, upper_age: int | None) -> dt.date | None:
    """§19: the place ends at the end of the calendar year the pupil turns `upper_age`."""
    if upper_age is None:
        return None
    return dt.date(birth_date.year + upper_age, 12, 31)
