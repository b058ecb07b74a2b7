"""Main admission from the command line: the same plan and run as the office's pages.

python manage.py run_admission --school sandefjord --term autumn-2027 --dry-run
python manage.py run_admission --school sandefjord --term 2027-autumn --seed 42
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from enrollment.models import Application, Offer, School, Term
from waitlist import exports, services

SEASONS = {
    "autumn": Term.Season.AUTUMN,
    "fall": Term.Season.AUTUMN,
    "høst": Term.Season.AUTUMN,
    "host": Term.Season.AUTUMN,
    "haust": Term.Season.AUTUMN,
    "spring": Term.Season.SPRING,
    "vår": Term.Season.SPRING,
    "var": Term.Season.SPRING,
}
_TERM = re.compile(
    r"^\s*(?:(?P<s1>[^\W\d_]+)[-_ /]?(?P<y1>\d{4})|(?P<y2>\d{4})[-_ /]?(?P<s2>[^\W\d_]+))\s*$"
)


def parse_term(text: str) -> tuple[str, int]:
    """'autumn-2027' or '2027-autumn' (also høst/haust/vår) → (season, year)."""
    match = _TERM.match(text)
    season = None
    if match:
        word = (match["s1"] or match["s2"]).lower()
        season = SEASONS.get(word)
    if not match or season is None:
        raise CommandError(
            f"Cannot read the term {text!r}: write the season and year, like autumn-2027 or "
            "2027-spring."
        )
    return season, int(match["y1"] or match["y2"])


def term_code(term: Term) -> str:
    return f"{term.season}-{term.year}"


class Command(BaseCommand):
    help = (
        "Run main admission for a school and term (or preview it with --dry-run) and print a "
        "summary: free places, place offers and who stays waiting per offer, and the seed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="The school's slug, e.g. sandefjord.")
        parser.add_argument(
            "--term", required=True, help="The term, e.g. autumn-2027 or 2027-autumn."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only show what admission would do; nothing is written and nobody is told.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=None,
            help="The lottery seed that breaks ties; the same seed reproduces a preview.",
        )

    @no_translations
    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(slug=options["school"]).first()
        if school is None:
            known = ", ".join(School.objects.order_by("slug").values_list("slug", flat=True)[:20])
            raise CommandError(f"No school with the slug {options['school']!r}. Schools: {known}.")
        season, year = parse_term(options["term"])
        term = Term.objects.filter(school=school, season=season, year=year).first()
        if term is None:
            known = ", ".join(term_code(t) for t in Term.objects.filter(school=school)) or "none"
            raise CommandError(f"{school.name} has no term {season}-{year}. Its terms: {known}.")
        seed = options["seed"]
        if seed is not None and not 0 <= seed < 2**63:
            raise CommandError("The seed must be a whole number from 0 to 2**63 - 1.")
        if seed is None:
            seed = secrets.randbits(48)

        plan = services.admission_plan(school=school, term=term, seed=seed)
        if options["dry_run"]:
            self.stdout.write(
                f"Main admission for {school.name}, {term} — DRY RUN, nothing is written."
            )
            self.summary(exports.plan_groups(plan), seed=seed)
            if plan.missing_fees:
                names = ", ".join(o.name for o in plan.missing_fees)
                self.stdout.write(
                    self.style.WARNING(
                        f"A real run would be refused: no fee in the fee schedule for {names}."
                    )
                )
            return

        try:
            round_ = services.admission_run(actor=None, school=school, term=term, seed=seed)
        except services.AdmissionError as error:
            raise CommandError(str(error)) from error
        offers = {o.pk: o for o in Offer.objects.filter(school=school)}
        facts = exports.facts_from_records(round_.decisions)
        groups = {g.offer_id: g for g in exports.explain(facts, applications={}, offers=offers)}
        for offer_id, offer in offers.items():
            group = groups.setdefault(offer_id, exports.OfferGroup(offer=offer, offer_id=offer_id))
            group.free = plan.seats[offer_id].free
        self.stdout.write(f"Main admission for {school.name}, {term}: round {round_.pk}.")
        self.summary(sorted(groups.values(), key=exports.offer_order), seed=seed)
        still = Application.objects.filter(
            offer__school=school, status=Application.Status.WAITING
        ).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"{round_.offers_made} place offers sent; {still} applications stay waiting."
            )
        )

    def summary(self, groups: list[exports.OfferGroup], *, seed: int) -> None:
        width = max([len(str(g.offer.name)) for g in groups if g.offer] + [5])
        header = (
            f"{'Offer':<{width}}  {'Free':>5}  {'Offered':>7}  {'Waiting':>7}  "
            f"{'Elsewhere':>9}  {'Needs audition':>14}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for group in groups:
            name = group.offer.name if group.offer else f"#{group.offer_id}"
            self.stdout.write(
                f"{name:<{width}}  {group.free if group.free is not None else '-':>5}  "
                f"{group.offered:>7}  {group.waiting:>7}  {group.elsewhere:>9}  "
                f"{group.needs_audition:>14}"
            )
        self.stdout.write("-" * len(header))
        offers = len(groups)
        free = sum(g.free or 0 for g in groups)
        offered = sum(g.offered for g in groups)
        considered = sum(len(g.lines) for g in groups)
        self.stdout.write(
            f"{offers} offers, {free} free places, {considered} applications considered, "
            f"{offered} place offers."
        )
        self.stdout.write(f"Seed: {seed}")
