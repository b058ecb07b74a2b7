"""The regional programme's rules as plain functions: values in, values out.

No ORM, no clock, no settings: budget sums, the default schedule of network meetings, the
in-depth pupil criteria, which sessions a pupil takes part in, when a gathering's reminders
are due. Money is `Decimal` with two places (øre) throughout; nothing here ever sees a float.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ORE = Decimal("0.01")
ZERO = Decimal("0.00")

# Discipline values (regional.models.InDepthDiscipline), repeated here to keep rules pure.
INSTRUMENT = "instrument"
SINGING = "singing"
OTHER = "other"
SAME_NAME = frozenset({"dance", "drama", "visual_art", "creative_writing", "film_media"})
SINGING_WORDS = ("sang", "song", "vokal", "vocal", "sing", "kor", "choir")


def money(value: Decimal | int | str) -> Decimal:
    """Kroner rounded to whole øre, half away from zero (as on an invoice)."""
    return Decimal(value).quantize(ORE, rounding=ROUND_HALF_UP)


# --- Budget --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineAmounts:
    """One budget line: what was planned, and what it cost once paid (None: not yet paid)."""

    planned: Decimal
    actual: Decimal | None = None
    category: str = ""


@dataclass(frozen=True)
class BudgetSummary:
    """Against a grant (or a gathering's budget):

    - spent: what has been paid (the actual amounts);
    - committed: what is planned but not paid yet (the planned amounts of unpaid lines);
    - remaining: grant - spent - committed; negative when the plans exceed the grant.
    """

    grant: Decimal
    planned: Decimal
    committed: Decimal
    spent: Decimal
    remaining: Decimal
    by_category: tuple[tuple[str, Decimal, Decimal | None], ...] = ()

    @property
    def overspent(self) -> bool:
        return self.remaining < 0

    @property
    def used(self) -> Decimal:
        return self.spent + self.committed

    @property
    def used_percent(self) -> int:
        """Share of the grant spent or committed, in whole per cent (0 without a grant)."""
        if self.grant <= 0:
            return 0
        return int((self.used * 100 / self.grant).to_integral_value(rounding=ROUND_HALF_UP))


def budget_summary(grant: Decimal, lines: Iterable[LineAmounts]) -> BudgetSummary:
    """Sum the lines exactly; per category: (category, planned, actual or None if none paid)."""
    planned = committed = spent = ZERO
    per_planned: dict[str, Decimal] = {}
    per_actual: dict[str, Decimal | None] = {}
    for line in lines:
        planned += line.planned
        per_planned[line.category] = per_planned.get(line.category, ZERO) + line.planned
        per_actual.setdefault(line.category, None)
        if line.actual is None:
            committed += line.planned
        else:
            spent += line.actual
            per_actual[line.category] = (per_actual[line.category] or ZERO) + line.actual
    grant = money(grant)
    return BudgetSummary(
        grant=grant,
        planned=money(planned),
        committed=money(committed),
        spent=money(spent),
        remaining=money(grant - spent - committed),
        by_category=tuple(
            (
                category,
                money(amount),
                None if per_actual[category] is None else per_actual[category],
            )
            for category, amount in per_planned.items()
        ),
    )


# --- Network meetings ----------------------------------------------------------------------

# Teachers meet on a weekday afternoon; the second Tuesday of the month keeps clear of the
# first week after a holiday. July is the summer holiday.
MEETING_WEEKDAY = calendar.TUESDAY
SUMMER_MONTH = 7


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + dt.timedelta(days=offset + 7 * (n - 1))


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def network_meeting_dates(starts_on: dt.date, ends_on: dt.date, per_year: int = 4) -> list[dt.date]:
    """The default schedule: `per_year` meetings a year, evenly spread from the first month of
    the period, each on the second Tuesday of its month; a meeting that would fall in July
    moves to August. Only dates within the period are kept."""
    if per_year <= 0 or ends_on < starts_on:
        return []
    step = max(1, 12 // per_year)
    dates: list[dt.date] = []
    year, month = starts_on.year, starts_on.month
    while (year, month) <= (ends_on.year, ends_on.month):
        meeting_year, meeting_month = year, month
        if meeting_month == SUMMER_MONTH:
            meeting_year, meeting_month = _add_months(year, month, 1)
        day = nth_weekday(meeting_year, meeting_month, MEETING_WEEKDAY, 2)
        if starts_on <= day <= ends_on and day not in dates:
            dates.append(day)
        year, month = _add_months(year, month, step)
    return dates


# --- Who is an in-depth pupil ---------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    discipline: str = ""  # "" for every discipline
    min_age: int | None = None
    max_age: int | None = None
    min_years: int | None = None


@dataclass(frozen=True)
class Candidate:
    discipline: str
    birth_date: dt.date
    started_year: int | None = None


@dataclass(frozen=True)
class Unmet:
    """A criterion a candidate does not meet: `kind` is "too_young", "too_old",
    "too_few_years" or "years_unknown"; `required` the limit, `actual` the candidate's value."""

    kind: str
    required: int
    actual: int | None


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def criteria_unmet(
    criteria: Iterable[Criterion], candidate: Candidate, *, today: dt.date
) -> list[Unmet]:
    """The programme's criteria for the candidate's discipline (and those for every
    discipline) that the candidate does not meet; empty when all are met."""
    age = age_on(candidate.birth_date, today)
    years = None if candidate.started_year is None else today.year - candidate.started_year
    unmet: list[Unmet] = []
    for criterion in criteria:
        if criterion.discipline and criterion.discipline != candidate.discipline:
            continue
        if criterion.min_age is not None and age < criterion.min_age:
            unmet.append(Unmet("too_young", criterion.min_age, age))
        if criterion.max_age is not None and age > criterion.max_age:
            unmet.append(Unmet("too_old", criterion.max_age, age))
        if criterion.min_years is not None:
            if years is None:
                unmet.append(Unmet("years_unknown", criterion.min_years, None))
            elif years < criterion.min_years:
                unmet.append(Unmet("too_few_years", criterion.min_years, years))
    return unmet


def discipline_for_offer(discipline: str, instrument: str = "", name: str = "") -> str:
    """The in-depth discipline a culture-school place suggests: music is an instrument unless
    the offer is about singing; other disciplines keep their name."""
    if discipline == "music":
        words = f"{instrument} {name}".lower()
        return SINGING if any(word in words for word in SINGING_WORDS) else INSTRUMENT
    return discipline if discipline in SAME_NAME else OTHER


# --- Gatherings ----------------------------------------------------------------------------

PLANNED, OPEN, HELD, EVALUATED = "planned", "open", "held", "evaluated"
TRANSITIONS = {
    PLANNED: (OPEN,),
    OPEN: (PLANNED, HELD),
    HELD: (EVALUATED,),
    EVALUATED: (HELD,),
}


def status_change_allowed(current: str, new: str, *, day: dt.date, today: dt.date) -> bool:
    """planned → open → held → evaluated; registration can be closed again (open → planned),
    an evaluation reopened (evaluated → held). A gathering is held on its day or later."""
    if new not in TRANSITIONS.get(current, ()):
        return False
    return not (new == HELD and today < day)


def registration_open(status: str, deadline: dt.date | None, day: dt.date, today: dt.date) -> bool:
    """Open for registration, and neither the deadline nor the day itself has passed."""
    last_day = deadline or day
    return status == OPEN and today <= last_day


def targets(
    target_schools: Sequence[Hashable],
    target_disciplines: Sequence[str],
    school: Hashable,
    discipline: str,
) -> bool:
    """Is a pupil of `school` in `discipline` invited? Empty targets invite everyone."""
    return (not target_schools or school in target_schools) and (
        not target_disciplines or discipline in target_disciplines
    )


@dataclass(frozen=True)
class Slot:
    key: Hashable
    starts_at: dt.time
    ends_at: dt.time
    disciplines: tuple[str, ...] = ()  # empty: for everyone


@dataclass(frozen=True)
class Conflict:
    """`kind` is "outside" (the session is not within the gathering's hours) or "overlap"
    (two sessions at the same time for the same pupils); `other` the other session's key."""

    kind: str
    key: Hashable
    other: Hashable = None


def _overlap(a: Slot, b: Slot) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def _same_pupils(a: Slot, b: Slot) -> bool:
    return not a.disciplines or not b.disciplines or bool(set(a.disciplines) & set(b.disciplines))


def session_conflicts(
    slot: Slot, others: Iterable[Slot], *, starts_at: dt.time, ends_at: dt.time
) -> list[Conflict]:
    """What is wrong with placing `slot` in a gathering from `starts_at` to `ends_at` beside
    `others`: sessions in parallel are fine only for different discipline groups."""
    conflicts = []
    if slot.starts_at < starts_at or slot.ends_at > ends_at:
        conflicts.append(Conflict("outside", slot.key))
    for other in others:
        if other.key != slot.key and _overlap(slot, other) and _same_pupils(slot, other):
            conflicts.append(Conflict("overlap", slot.key, other.key))
    return conflicts


def sessions_for(discipline: str, slots: Iterable[Slot]) -> list[Slot]:
    """The sessions a pupil of `discipline` takes part in: those for everyone and their group's."""
    return [slot for slot in slots if not slot.disciplines or discipline in slot.disciplines]


def minutes(starts_at: dt.time, ends_at: dt.time) -> int:
    return (ends_at.hour * 60 + ends_at.minute) - (starts_at.hour * 60 + starts_at.minute)


# --- Reminders -----------------------------------------------------------------------------

DEADLINE_REMINDER_DAYS = 3
FEEDBACK_WINDOW_DAYS = 14


def deadline_reminder_due(
    deadline: dt.date | None, today: dt.date, lead_days: int = DEADLINE_REMINDER_DAYS
) -> bool:
    """From `lead_days` before the registration deadline up to the deadline itself. Not only
    on one day: a beat that was down that day still reminds the next morning, and the
    occasion key keeps it to once."""
    if deadline is None:
        return False
    return deadline - dt.timedelta(days=lead_days) <= today <= deadline


def day_before_due(day: dt.date, today: dt.date) -> bool:
    """The day before the gathering (or its morning, if the beat missed the day before)."""
    return day - dt.timedelta(days=1) <= today <= day


def feedback_request_due(
    day: dt.date, today: dt.date, window_days: int = FEEDBACK_WINDOW_DAYS
) -> bool:
    """From the day after the gathering, for two weeks."""
    return day < today <= day + dt.timedelta(days=window_days)


# --- Feedback and participation -------------------------------------------------------------


def average_rating(ratings: Iterable[int]) -> Decimal | None:
    """The mean of 1–5 ratings with one decimal, or None without any."""
    values = list(ratings)
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CrossTable:
    """Counts per row (school) and column (discipline), with totals."""

    rows: list[Hashable]
    columns: list[Hashable]
    cells: dict[tuple[Hashable, Hashable], int] = field(default_factory=dict)

    def count(self, row: Hashable, column: Hashable) -> int:
        return self.cells.get((row, column), 0)

    def row_total(self, row: Hashable) -> int:
        return sum(self.count(row, column) for column in self.columns)

    def column_total(self, column: Hashable) -> int:
        return sum(self.count(row, column) for row in self.rows)

    @property
    def total(self) -> int:
        return sum(self.cells.values())

    def table(self) -> list[tuple[Hashable, list[int], int]]:
        return [
            (row, [self.count(row, column) for column in self.columns], self.row_total(row))
            for row in self.rows
        ]

    def totals(self) -> list[int]:
        return [self.column_total(column) for column in self.columns]


def cross_table(
    pairs: Iterable[tuple[Hashable, Hashable]],
    *,
    rows: Sequence[Hashable],
    columns: Sequence[Hashable],
) -> CrossTable:
    """Count (row, column) pairs; rows are kept in the given order (every partner school,
    even with no pupils), columns only where something was counted."""
    cells = Counter(pairs)
    used = [column for column in columns if any(key[1] == column for key in cells)]
    return CrossTable(rows=list(rows), columns=used, cells=dict(cells))


# --- Annual plan ---------------------------------------------------------------------------


def school_year_of(day: dt.date) -> int:
    """The school year a day belongs to, by its first calendar year (August–July)."""
    return day.year if day.month >= 8 else day.year - 1


def school_year_months(year: int) -> list[tuple[int, int]]:
    """(year, month) from August of `year` to July of the next."""
    return [_add_months(year, 8, offset) for offset in range(12)]


# --- Network meetings in the report ---------------------------------------------------------


@dataclass(frozen=True)
class MeetingCounts:
    planned: int
    held: int
    with_minutes: int  # of those held


def network_meeting_counts(
    meetings: Iterable[tuple[dt.date, bool]], *, today: dt.date
) -> MeetingCounts:
    """(date, has minutes) per meeting. A meeting counts as held once its day has passed: on
    the day itself it may not have taken place yet."""
    meetings = list(meetings)
    held = [has_minutes for day, has_minutes in meetings if day < today]
    return MeetingCounts(planned=len(meetings), held=len(held), with_minutes=sum(held))


def registration_cancel_allowed(
    status: str,
    deadline: dt.date | None,
    day: dt.date,
    today: dt.date,
    *,
    by_project_leader: bool,
) -> bool:
    """A school takes a registration back while registration is open; the project leader may
    also after it has closed, until the day before the gathering (afterwards attendance is
    recorded instead)."""
    if registration_open(status, deadline, day, today):
        return True
    return by_project_leader and today < day and status in ("planned", "open")
