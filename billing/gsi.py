"""The yearly GSI report (Grunnskolens informasjonssystem) of a culture school, as of 1 October.

Pure computation: values in, values out, no ORM and no clock. `billing.gsi_selectors` reads
the facts (a fixed number of queries whatever the number of pupils) and `report` counts them:

- pupils by discipline and by grade on the counting day: distinct children and places, where a
  place counts when it is held on that day (started on or before it, not ended before it) and
  was not withdrawn in the trial (§6). A child with places in two disciplines counts once in
  each and once in the total;
- the grade on the counting day from the grade recorded for the pupil (it moves up each
  August); without a recorded grade it is estimated from the year of birth (Norwegian children
  start school in the calendar year they turn six) and the estimate is counted and shown;
  grades are grouped as GSI groups them: 1–4, 5–7, 8–10, upper secondary (Vg1–3), other or
  unknown (before school, after upper secondary);
- distinct children waiting for a place on the counting day, switch requests left out (§5d);
- the fee for a place per term and per year (two terms) and the instrument rental, from the
  fee schedule of the school year;
- free places (§12d): households with a granted free place for the school year, and their
  children holding a place on the counting day.

`rows` turns the report into the rows of the CSV and XLSX exports.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enrollment import rules as enrollment_rules
from enrollment.models import Discipline

COUNTING_MONTH = 10
COUNTING_DAY = 1
# Children start school in August of the calendar year they turn six.
SCHOOL_START_AGE = 6

GRADE_GROUPS: list[tuple[str, Promise]] = [
    ("1-4", gettext_lazy("Grades 1–4")),
    ("5-7", gettext_lazy("Grades 5–7")),
    ("8-10", gettext_lazy("Grades 8–10")),
    ("upper", gettext_lazy("Upper secondary (Vg1–3)")),
    ("other", gettext_lazy("Other or unknown")),
]
UNKNOWN_GRADE = "unknown"


def counting_day(year: int) -> dt.date:
    """GSI counts as of 1 October of the school year's first calendar year."""
    return dt.date(year, COUNTING_MONTH, COUNTING_DAY)


def latest_counting_year(today: dt.date) -> int:
    """The year of the latest 1 October that has come (today included)."""
    return today.year if today >= counting_day(today.year) else today.year - 1


def grade_of(
    *,
    school_grade: int | None,
    grade_school_year: int | None,
    birth_date: dt.date | None,
    day: dt.date,
) -> tuple[int | None, bool]:
    """(grade on `day`, whether it is estimated from the year of birth).

    None: after upper secondary, or neither a grade nor a birth date to go by. 0: not at
    school yet (kindergarten)."""
    if school_grade is not None and grade_school_year is not None:
        return enrollment_rules.grade_on(school_grade, grade_school_year, day), False
    if birth_date is None:
        return None, False
    first_grade_year = birth_date.year + SCHOOL_START_AGE
    estimated = enrollment_rules.school_year_start(day) - first_grade_year + 1
    if estimated > enrollment_rules.LAST_GRADE:
        return None, True
    return max(estimated, enrollment_rules.KINDERGARTEN), True


def grade_group(grade: int | None) -> str:
    if grade is None or grade < 1:
        return "other"
    if grade <= 4:
        return "1-4"
    if grade <= 7:
        return "5-7"
    if grade <= 10:
        return "8-10"
    return "upper"


def grade_key(grade: int | None) -> str:
    return UNKNOWN_GRADE if grade is None else str(grade)


def grade_rows() -> list[tuple[str, Any]]:
    """Every single grade, kindergarten to Vg3, and unknown."""
    return [(str(value), label) for value, label in enrollment_rules.GRADE_CHOICES] + [
        (UNKNOWN_GRADE, gettext_lazy("Unknown or after upper secondary"))
    ]


@dataclass(frozen=True)
class HeldPlace:
    """A place held on the counting day, with the pupil facts the report needs."""

    pupil_id: int
    household_id: int
    discipline: str
    is_course: bool
    school_grade: int | None
    grade_school_year: int | None
    birth_date: dt.date | None


@dataclass(frozen=True)
class Fees:
    per_term: Decimal
    rental_per_term: Decimal
    decided_by: str = ""
    terms_per_year: int = 2

    @property
    def per_year(self) -> Decimal:
        return self.per_term * self.terms_per_year

    @property
    def rental_per_year(self) -> Decimal:
        return self.rental_per_term * self.terms_per_year


@dataclass(frozen=True)
class Count:
    key: str
    label: Any
    children: int  # distinct children
    places: int
    course_places: int = 0


@dataclass(frozen=True)
class Report:
    school_year: int
    day: dt.date
    total: Count
    by_discipline: list[Count]
    by_grade_group: list[Count]
    by_grade: list[Count]
    estimated_grades: int  # children whose grade is estimated from their year of birth
    children_waiting: int
    fees: Fees | None
    free_place_households: int
    free_place_pupils: int

    @property
    def school_year_label(self) -> str:
        return f"{self.school_year}/{(self.school_year + 1) % 100:02d}"


def _counts(
    keys: Sequence[tuple[str, Any]], places: Iterable[tuple[str, HeldPlace]]
) -> list[Count]:
    children: dict[str, set[int]] = defaultdict(set)
    held: dict[str, int] = defaultdict(int)
    courses: dict[str, int] = defaultdict(int)
    for key, place in places:
        children[key].add(place.pupil_id)
        held[key] += 1
        courses[key] += place.is_course
    return [Count(key, label, len(children[key]), held[key], courses[key]) for key, label in keys]


def report(
    *,
    school_year: int,
    places: Iterable[HeldPlace],
    children_waiting: int,
    fees: Fees | None,
    free_place_household_ids: Iterable[int],
) -> Report:
    """Count the places held on the counting day of `school_year` (see the module doc)."""
    day = counting_day(school_year)
    places = list(places)
    grades: dict[int, tuple[int | None, bool]] = {}
    for place in places:
        if place.pupil_id not in grades:
            grades[place.pupil_id] = grade_of(
                school_grade=place.school_grade,
                grade_school_year=place.grade_school_year,
                birth_date=place.birth_date,
                day=day,
            )
    disciplines = list(Discipline.choices)
    known = {value for value, _label in disciplines}
    by_discipline = _counts(
        disciplines,
        ((p.discipline if p.discipline in known else Discipline.OTHER, p) for p in places),
    )
    by_grade_group = _counts(
        GRADE_GROUPS, ((grade_group(grades[p.pupil_id][0]), p) for p in places)
    )
    by_grade = _counts(grade_rows(), ((grade_key(grades[p.pupil_id][0]), p) for p in places))
    total = _counts([("total", gettext_lazy("All pupils"))], (("total", p) for p in places))[0]
    granted = set(free_place_household_ids)
    return Report(
        school_year=school_year,
        day=day,
        total=total,
        by_discipline=by_discipline,
        by_grade_group=by_grade_group,
        by_grade=by_grade,
        estimated_grades=sum(1 for _grade, estimated in grades.values() if estimated),
        children_waiting=children_waiting,
        fees=fees,
        free_place_households=len(granted),
        free_place_pupils=len({p.pupil_id for p in places if p.household_id in granted}),
    )


# --- Exports ----------------------------------------------------------------------------------


def _money(value: Decimal | None) -> Decimal | str:
    return "" if value is None else value


def rows(report: Report, *, school_name: str) -> list[list[Any]]:
    """The report as rows: a title row per section, then its table. Money stays Decimal."""
    count_header = [_("Children"), _("Places"), _("Of which course places")]
    out: list[list[Any]] = [
        [_("GSI statistics"), school_name],
        [_("School year"), report.school_year_label],
        [_("Counted as of"), report.day],
        [],
        [_("Pupils by discipline"), *count_header],
    ]
    for count in report.by_discipline:
        out.append([str(count.label), count.children, count.places, count.course_places])
    out.append(
        [
            _("All pupils (each child once)"),
            report.total.children,
            report.total.places,
            report.total.course_places,
        ]
    )
    out += [[], [_("Pupils by grade group"), *count_header]]
    for count in report.by_grade_group:
        out.append([str(count.label), count.children, count.places, count.course_places])
    out += [[], [_("Pupils by grade"), *count_header]]
    for count in report.by_grade:
        out.append([str(count.label), count.children, count.places, count.course_places])
    out.append([_("Grades estimated from the year of birth (children)"), report.estimated_grades])
    out += [
        [],
        [_("Waiting list")],
        [
            _("Children waiting for a place (each child once, not switch requests)"),
            report.children_waiting,
        ],
        [],
        [_("Fees (NOK)")],
    ]
    fees = report.fees
    out += [
        [_("Fee per place per term"), _money(fees.per_term if fees else None)],
        [_("Fee per place per year"), _money(fees.per_year if fees else None)],
        [_("Instrument rental per term"), _money(fees.rental_per_term if fees else None)],
        [_("Instrument rental per year"), _money(fees.rental_per_year if fees else None)],
        [],
        [_("Free places")],
        [_("Households with a free place granted"), report.free_place_households],
        [_("Pupils in those households holding a place"), report.free_place_pupils],
    ]
    return out


def csv_safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula (=, +, -, @) is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        # In the reader's language: a decimal comma in Norwegian, as Excel there expects.
        return formats.number_format(value, decimal_pos=2)
    if isinstance(value, dt.date):
        return value.isoformat()
    return csv_safe(value)


def report_csv(report: Report, *, school_name: str) -> str:
    """UTF-8 with a byte-order mark and semicolons, as Excel with Norwegian settings reads it."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    for row in rows(report, school_name=school_name):
        writer.writerow([_csv_value(value) for value in row])
    return out.getvalue()


def report_xlsx(report: Report, *, school_name: str) -> bytes:
    """The same rows in one sheet, section titles in bold, real numbers and dates."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"GSI {report.school_year_label}".replace("/", "-")
    sheet.column_dimensions["A"].width = 60
    for letter in "BCD":
        sheet.column_dimensions[letter].width = 16
    previous_empty = True
    for number, row in enumerate(rows(report, school_name=school_name), start=1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=number, column=column, value=csv_safe(value))
            if isinstance(value, Decimal):
                cell.number_format = "#,##0.00"
            elif isinstance(value, dt.date):
                cell.number_format = "dd.mm.yyyy"
        if row and previous_empty:
            for cell in sheet[number]:
                cell.font = Font(bold=True)
        previous_empty = not row
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
