"""`manage.py create_invoices --school SLUG --term TERM [--dry-run]`: the term's invoices."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from billing.invoicing import NoFeeScheduleError, invoices_create
from enrollment.models import School, Term


def find_term(school: School, value: str) -> Term:
    """A term by id, or by name such as "autumn-2026", "2026-autumn" or "høst 2026"."""
    value = value.strip().lower()
    if value.isdigit():
        term = Term.objects.filter(school=school, pk=int(value)).first()
        if term:
            return term
    words = value.replace("-", " ").replace("/", " ").split()
    seasons = {
        "autumn": "autumn",
        "høst": "autumn",
        "haust": "autumn",
        "spring": "spring",
        "vår": "spring",
    }
    season = next((seasons[w] for w in words if w in seasons), None)
    year = next((int(w) for w in words if w.isdigit() and len(w) == 4), None)
    term = Term.objects.filter(school=school, season=season, year=year).first()
    if term is None:
        known = ", ".join(f"{t.season}-{t.year}" for t in Term.objects.filter(school=school))
        raise CommandError(f"No term {value!r} at {school.slug}. Terms: {known or 'none'}.")
    return term


class Command(BaseCommand):
    help = (
        "Create the invoices of a term for every household of a school, with credit notes and "
        "additional invoices where something changed since the last run. Running it twice "
        "creates nothing new. E-mails go out through Celery after each batch is saved."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="The school's short name (slug).")
        parser.add_argument("--term", required=True, help='E.g. "autumn-2026", or the term id.')
        parser.add_argument(
            "--dry-run", action="store_true", help="Only tell what would be created."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.select_related("policy").filter(slug=options["school"]).first()
        if school is None:
            raise CommandError(f"No school with the short name {options['school']!r}.")
        term = find_term(school, options["term"])
        try:
            result = invoices_create(school=school, term=term, dry_run=options["dry_run"])
        except NoFeeScheduleError as error:
            raise CommandError(
                f"There is no fee schedule for the school year {error.args[0]}: add it first."
            ) from None
        verb = "Would create" if options["dry_run"] else "Created"
        self.stdout.write(
            f"{verb} {result.invoices} invoices, {result.credit_notes} credit notes and "
            f"{result.additional} additional invoices for {school.slug} {term.season} "
            f"{term.year}: {result.total} NOK in all; {result.unchanged} households unchanged "
            f"of {result.households}."
        )
