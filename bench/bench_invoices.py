"""Invoices for a term at full size: 10,000 placements in about 6,500 households.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kulturskole \
        .venv/bin/python bench/bench_invoices.py [--repeat 3] [--pdfs 50] [--keep] [--profile]

The script creates a throwaway database next to the one DATABASE_URL names (its name with
"_bench_invoices" appended), migrates it, fills it, times `billing.invoicing.invoices_create`
and drops the database again (`--keep` leaves it for a look with psql; `--profile` prints
where one run spends its time). It is a benchmark, not a test: nothing asserts the time, see
bench/README.md.

Each run commits for real, like the office's button does. Sending is not part of the
measurement: `billing.tasks.queue_sending` (called on commit) is replaced by a no-op. Between
repetitions the run's invoices and lines are deleted and the school's invoice counter reset,
so every repetition invoices the same 10,000 places. After the repetitions one more run
follows a real run without deleting anything: it must create nothing (issue 5: running twice
creates no duplicates), and its time is reported. Then the PDFs of `--pdfs` invoices are
rendered one after another with WeasyPrint, as a sending worker does.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._database import (  # noqa: E402 (after the path is set)
    bench_database_url,
    create_database,
    drop_database,
    setup_django,
)

OSLO = ZoneInfo("Europe/Oslo")
PLACEMENTS = 10_000
HOUSEHOLDS = 6_500
OFFERS = 120
COURSES = 20
GROUP_SIZE = 8
FREE_PLACE_SHARE = 0.03
SEED = 20260915
# The autumn term is invoiced on 15 September 2026.
ISSUED_ON = dt.date(2026, 9, 15)


def populate() -> dict[str, object]:
    """The school, fees, offers, households with siblings, places, groups and lessons."""
    from django.contrib.auth import get_user_model

    from billing.models import (
        CoursePrice,
        FeeExtra,
        FeeReduction,
        FeeSchedule,
        FreePlaceApplication,
        InstrumentRental,
    )
    from enrollment.models import (
        Discipline,
        GroupMember,
        Guardian,
        Household,
        Lesson,
        Location,
        Offer,
        Placement,
        Pupil,
        School,
        SchoolPolicy,
        TeachingGroup,
        Term,
    )

    rng = random.Random(SEED)
    now = dt.datetime(2026, 9, 1, 9, tzinfo=OSLO)
    school = School.objects.create(name="Bench kulturskole", slug="bench", municipality="Bench")
    SchoolPolicy.objects.create(school=school, bank_account="12345678903")
    locations = [
        Location.objects.create(school=school, name=name) for name in ("Bugården", "Sandar Øst")
    ]
    last_spring = Term.objects.create(
        school=school,
        year=2026,
        season=Term.Season.SPRING,
        starts_on=dt.date(2026, 1, 5),
        ends_on=dt.date(2026, 6, 19),
        teaching_weeks=20,
    )
    term = Term.objects.create(
        school=school,
        year=2026,
        season=Term.Season.AUTUMN,
        starts_on=dt.date(2026, 8, 24),
        ends_on=dt.date(2026, 12, 18),
        teaching_weeks=16,
    )
    schedule = FeeSchedule.objects.create(
        school=school,
        school_year=2026,
        place_fee_per_term=Decimal("1850.00"),
        instrument_rental_per_term=Decimal("400.00"),
        decided_by="Bystyret 11.12.2025",
    )
    disciplines = [d for d, _ in Discipline.choices]
    offers = Offer.objects.bulk_create(
        [
            Offer(
                school=school,
                location=locations[i % 2],
                name=f"Offer {i:03d}",
                slug=f"offer-{i:03d}",
                kind=Offer.Kind.COURSE if i >= OFFERS - COURSES else Offer.Kind.PLACE,
                discipline=disciplines[i % len(disciplines)],
                capacity=200,
                min_age=6,
                max_age=19,
                instrument_rental=i % 4 == 0,
                course_starts_on=dt.date(2026, 9, 1) if i >= OFFERS - COURSES else None,
                course_ends_on=dt.date(2026, 11, 30) if i >= OFFERS - COURSES else None,
            )
            for i in range(OFFERS)
        ]
    )
    places = [o for o in offers if o.kind == Offer.Kind.PLACE]
    courses = [o for o in offers if o.kind == Offer.Kind.COURSE]
    CoursePrice.objects.bulk_create(
        [CoursePrice(schedule=schedule, offer=o, price=Decimal("900.00")) for o in courses]
    )
    materials = FeeExtra.objects.create(
        schedule=schedule, name="Materials", amount=Decimal("250.00")
    )
    materials.offers.set([o for o in places if o.discipline == Discipline.VISUAL_ART])
    costume = FeeExtra.objects.create(schedule=schedule, name="Costume", amount=Decimal("150.00"))
    costume.offers.set([o for o in places if o.discipline == Discipline.DANCE])

    user_model = get_user_model()
    languages = ["nb"] * 7 + ["nn"] * 2 + ["en"]
    households = Household.objects.bulk_create(
        [
            Household(
                school=school,
                name=f"Family {i}",
                street_address=f"Storgata {i % 200 + 1}",
                postal_code="3210",
                city="Sandefjord",
            )
            for i in range(HOUSEHOLDS)
        ]
    )
    guardian_count = [1 + (i % 3 != 0) for i in range(HOUSEHOLDS)]
    users = user_model.objects.bulk_create(
        [
            user_model(
                email=f"guardian{h}-{g}@example.org",
                first_name=f"Guardian{g}",
                last_name=f"Family {h}",
                language=rng.choice(languages),
                password="!",  # noqa: S106 - an unusable password, nobody signs in
            )
            for h in range(HOUSEHOLDS)
            for g in range(guardian_count[h])
        ]
    )
    users_iter = iter(users)
    guardians = Guardian.objects.bulk_create(
        [
            Guardian(
                household=household,
                user=(user := next(users_iter)),
                first_name=user.first_name,
                last_name=user.last_name,
                # Every 50th household has no e-mail on the guardian (a paper invoice).
                email="" if h % 50 == 7 else user.email,
            )
            for h, household in enumerate(households)
            for _ in range(guardian_count[h])
        ]
    )
    # Two thirds of the households name their payer; the rest fall back to the first guardian.
    first_guardian: dict[int, Guardian] = {}
    for guardian in guardians:
        first_guardian.setdefault(guardian.household_id, guardian)
    for i, household in enumerate(households):
        if i % 3:
            household.payer = first_guardian[household.pk]
    Household.objects.bulk_update(households, ["payer"], batch_size=2000)

    # 1–3 children per household: 70 % one, 24 % two, 6 % three.
    pupils = []
    for h, household in enumerate(households):
        roll = rng.random()
        children = 1 if roll < 0.70 else 2 if roll < 0.94 else 3
        for c in range(children):
            pupils.append(
                Pupil(
                    household=household,
                    first_name=f"Child{c}",
                    last_name=f"Family {h}",
                    birth_date=dt.date(2008 + rng.randrange(12), 1 + rng.randrange(12), 15),
                    school_grade=rng.randrange(1, 14),
                    grade_school_year=2026,
                )
            )
    pupils = Pupil.objects.bulk_create(pupils, batch_size=2000)

    # Every pupil holds a place; the rest of the 10,000 are second places and courses.
    placements: list[Placement] = []
    taken: set[tuple[int, int]] = set()

    def place(pupil: Pupil, offer: Offer) -> None:
        if (pupil.pk, offer.pk) in taken:
            return
        taken.add((pupil.pk, offer.pk))
        roll = rng.random()
        starts_term, starts_on, ends_on, status, end_reason = (
            last_spring,
            last_spring.starts_on,
            None,
            Placement.Status.ACTIVE,
            "",
        )
        if offer.kind == Offer.Kind.COURSE:
            starts_term, starts_on = term, offer.course_starts_on
        elif roll < 0.25:  # new this autumn
            starts_term, starts_on = term, term.starts_on
            status = Placement.Status.TRIAL
        elif roll < 0.27:  # offered the place after more than 4 lessons (§13a iii)
            starts_term, starts_on = term, dt.date(2026, 10, 5)
        elif roll < 0.29:  # withdrew in the trial (§6): no charge
            starts_term, starts_on = term, term.starts_on
            ends_on, status, end_reason = (
                dt.date(2026, 9, 4),
                Placement.Status.ENDED,
                Placement.EndReason.TRIAL_WITHDRAWAL,
            )
        elif roll < 0.31:  # notice: the place ends with the autumn term
            ends_on, end_reason = term.ends_on, Placement.EndReason.NOTICE
        elif roll < 0.33:  # on leave (§14)
            status = Placement.Status.ON_LEAVE
        placements.append(
            Placement(
                pupil=pupil,
                offer=offer,
                starts_term=starts_term,
                starts_on=starts_on,
                ends_on=ends_on,
                status=status,
                end_reason=end_reason,
            )
        )

    for pupil in pupils:
        place(pupil, rng.choice(places))
    while len(placements) < PLACEMENTS:
        pupil = rng.choice(pupils)
        place(pupil, rng.choice(courses) if rng.random() < 0.4 else rng.choice(places))
    placements = Placement.objects.bulk_create(placements[:PLACEMENTS], batch_size=2000)

    # Rentals: a third of the places in offers that rent instruments.
    rentals = InstrumentRental.objects.bulk_create(
        [
            InstrumentRental(
                placement=p,
                instrument="Fiolin 3/4",
                starts_on=dt.date(2026, 1, 5),
            )
            for p in placements
            if p.offer.instrument_rental and p.offer.kind == Offer.Kind.PLACE and p.pk % 3 == 0
        ],
        batch_size=2000,
    )
    granted = rng.sample(households, int(HOUSEHOLDS * FREE_PLACE_SHARE))
    FreePlaceApplication.objects.bulk_create(
        [
            FreePlaceApplication(
                household=h,
                school_year=2026,
                household_income=Decimal("210000.00"),
                household_size=3,
                applied_at=now,
                status=FreePlaceApplication.Status.GRANTED,
                decided_at=now,
                decision_note="Under the income limit.",
            )
            for h in granted
        ]
    )
    active = [p for p in placements if p.end_reason == "" and p.offer.kind == Offer.Kind.PLACE]
    reductions = FeeReduction.objects.bulk_create(
        [
            FeeReduction(
                placement=p,
                term=term,
                kind=FeeReduction.Kind.ILLNESS if n % 2 else FeeReduction.Kind.MOVING,
                weeks=5 + n % 6,
                justification="Doctor's note seen." if n % 2 else "Moved to Larvik.",
                decided_at=now,
            )
            for n, p in enumerate(rng.sample(active, 80))
        ]
    )

    # Teaching groups of about 8 for each offer, 16 weekly lessons; some cancelled (§8b).
    by_offer: dict[int, list[Placement]] = {}
    for p in placements:
        by_offer.setdefault(p.offer_id, []).append(p)
    groups, members = [], []
    for offer in offers:
        held = by_offer.get(offer.pk, [])
        for n in range(0, len(held), GROUP_SIZE):
            group = TeachingGroup(
                offer=offer,
                term=term,
                name=f"{offer.name} group {n // GROUP_SIZE + 1}",
                weekday=n // GROUP_SIZE % 5,
                starts_at=dt.time(16 + n // GROUP_SIZE % 4, 0),
                ends_at=dt.time(16 + n // GROUP_SIZE % 4, 45),
                location=offer.location,
            )
            groups.append(group)
            members.extend((group, p) for p in held[n : n + GROUP_SIZE])
    groups = TeachingGroup.objects.bulk_create(groups, batch_size=2000)
    GroupMember.objects.bulk_create(
        [GroupMember(group=g, placement=p) for g, p in members], batch_size=5000
    )
    lessons = []
    cancelled = 0
    for n, group in enumerate(groups):
        first = term.starts_on + dt.timedelta(days=(group.weekday - term.starts_on.weekday()) % 7)
        # Every 10th group has 3 cancelled lessons (above the §8b threshold), every 7th one.
        cancel = {2, 6, 9} if n % 10 == 0 else {4} if n % 7 == 0 else set()
        for week in range(16):
            is_cancelled = week in cancel
            cancelled += is_cancelled
            lessons.append(
                Lesson(
                    group=group,
                    date=first + dt.timedelta(weeks=week),
                    starts_at=group.starts_at,
                    ends_at=group.ends_at,
                    location=group.location,
                    status=Lesson.Status.CANCELLED if is_cancelled else Lesson.Status.SCHEDULED,
                    cancellation_reason="Teacher ill" if is_cancelled else "",
                    cancelled_at=now if is_cancelled else None,
                )
            )
    Lesson.objects.bulk_create(lessons, batch_size=5000)
    household_sizes: dict[int, int] = {}
    for pupil in pupils:
        household_sizes[pupil.household_id] = household_sizes.get(pupil.household_id, 0) + 1
    return {
        "school": school,
        "term": term,
        "households": len(households),
        "with_siblings": sum(1 for n in household_sizes.values() if n > 1),
        "pupils": len(pupils),
        "placements": len(placements),
        "courses": sum(1 for p in placements if p.offer.kind == Offer.Kind.COURSE),
        "rentals": len(rentals),
        "free_places": len(granted),
        "reductions": len(reductions),
        "groups": len(groups),
        "lessons": len(lessons),
        "cancelled": cancelled,
    }


def reset(school: object, term: object) -> None:
    """Undo one run, so the next repetition invoices the same places again."""
    from billing.models import Invoice, InvoiceCounter, InvoiceLine
    from kulturskole.models import AuditEvent

    InvoiceLine.objects.filter(invoice__school=school, invoice__term=term).delete()
    # Credit notes and additional invoices refer to the originals: delete them first.
    Invoice.objects.filter(school=school, term=term, corrects__isnull=False).delete()
    Invoice.objects.filter(school=school, term=term).delete()
    InvoiceCounter.objects.filter(school=school).update(last_number=0)
    AuditEvent.objects.filter(action="billing.invoices_created").delete()


def timed(function, repeat: int, *, between=None) -> tuple[list[float], int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries, result = [], 0, None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            result = function()
            times.append(time.perf_counter() - start)
        queries = len(captured)
        if between is not None:
            between()
    return times, queries, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pdfs", type=int, default=50, help="invoice PDFs to render")
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    parser.add_argument("--profile", action="store_true", help="profile one invoices_create")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    bench, maintenance, name = bench_database_url(url, "_bench_invoices")
    create_database(maintenance, name)
    try:
        setup_django(bench)
        from django.db import connection
        from django.utils import translation

        from billing import delivery, invoicing, tasks
        from billing.models import Invoice, InvoiceLine

        # Sending is not measured: nothing is queued when the invoices commit.
        tasks.queue_sending = lambda invoice_ids: None

        translation.activate("nb")
        started = time.perf_counter()
        data = populate()
        print(
            f"database {name}: {data['placements']} placements ({data['courses']} in courses) "
            f"of {data['pupils']} pupils in {data['households']} households "
            f"({data['with_siblings']} with siblings); {data['rentals']} rentals, "
            f"{data['free_places']} free places, {data['reductions']} reductions, "
            f"{data['groups']} groups with {data['lessons']} lessons "
            f"({data['cancelled']} cancelled); filled in {time.perf_counter() - started:.1f} s"
        )
        school, term = data["school"], data["term"]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

        def run() -> invoicing.RunResult:
            return invoicing.invoices_create(school=school, term=term, issued_on=ISSUED_ON)

        def report(label: str, times: list[float], queries: int) -> None:
            print(
                f"{label:<24} min {min(times):.3f} s  median {statistics.median(times):.3f} s  "
                f"max {max(times):.3f} s  queries {queries}"
            )

        dry_times, dry_queries, dry = timed(
            lambda: invoicing.invoices_create(
                school=school, term=term, issued_on=ISSUED_ON, dry_run=True
            ),
            1,
        )
        report("invoices_create dry run", dry_times, dry_queries)
        print(f"  the dry run plans {len(dry.planned)} invoices")
        run_times, run_queries, result = timed(
            run, args.repeat, between=lambda: reset(school, term)
        )
        print(
            f"{result.households} households: {result.invoices} invoices, "
            f"{result.unchanged} with nothing to bill; total {result.total} kr"
        )
        report("invoices_create", run_times, run_queries)

        first_times, _q, first = timed(run, 1)
        lines = InvoiceLine.objects.filter(invoice__term=term).count()
        again_times, again_queries, again = timed(run, 1)
        print(
            f"first run {first_times[0]:.3f} s: {first.invoices} invoices with {lines} lines; "
            f"second run {again_times[0]:.3f} s, queries {again_queries}: "
            f"{again.invoices} invoices, {again.credit_notes} credit notes, "
            f"{again.additional} additional invoices created"
        )

        if args.profile:
            reset(school, term)
            profiler = cProfile.Profile()
            profiler.enable()
            run()
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
            print(out.getvalue())
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
            print(out.getvalue())

        if args.pdfs:
            # Invoices with the most lines first: the slowest pages to lay out.
            ids = list(
                Invoice.objects.filter(term=term)
                .order_by("-total", "pk")
                .values_list("pk", flat=True)[: args.pdfs]
            )
            delivery.invoice_pdf(delivery.invoice_for_document(ids[0]))  # fonts, caches
            sizes = []
            start = time.perf_counter()
            for invoice_id in ids:
                sizes.append(len(delivery.invoice_pdf(delivery.invoice_for_document(invoice_id))))
            seconds = time.perf_counter() - start
            print(
                f"PDFs: {len(ids)} invoices in {seconds:.2f} s = {len(ids) / seconds:.1f} "
                f"per second in one process ({seconds / len(ids) * 1000:.0f} ms each, "
                f"{statistics.median(sizes) / 1024:.0f} KiB median)"
            )
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(maintenance, name)


if __name__ == "__main__":
    main()
