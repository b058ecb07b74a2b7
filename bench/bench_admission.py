"""Main admission at full size: 150 offers, 5,000 applications from 3,500 pupils.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kulturskole \
        .venv/bin/python bench/bench_admission.py

The script creates a throwaway database next to the one DATABASE_URL names (its name with
"_bench" appended), migrates it, fills it, times `admission_plan` and `admission_run` and drops
the database again (`--keep` leaves it for a look with psql; `--profile` prints where one run
spends its time). It is a benchmark, not a test: nothing asserts the time, see bench/README.md.

Each admission_run commits for real, like the office's button does; between repetitions the
run's place offers, rounds, e-mails and audit events are deleted and the applications put back
on the list, so every repetition admits the same 5,000 applications. Celery is not eager here:
the e-mails are written in the admission's transaction and their sending is queued (to an
in-memory broker nobody reads), as in production where a worker sends them.
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
OFFERS = 150
COURSES = 20
PUPILS = 3_500
TWO_CHOICES = 1_500  # pupils with a first and a second choice: 3,000 applications
HOUSEHOLDS = 2_400
HOLDING = 1_100  # pupils who hold a place already
# The admission is run for autumn 2026 on 10 June 2026, after the 1 May deadline.
NOW = dt.datetime(2026, 6, 10, 9, 0, tzinfo=OSLO)
SEED = 20260610


def populate() -> dict[str, object]:
    """The school, its terms, fees, offers, households, pupils, places and applications."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from billing.models import CoursePrice, FeeSchedule
    from enrollment.models import (
        Application,
        Discipline,
        Guardian,
        Household,
        Location,
        Offer,
        Placement,
        Pupil,
        School,
        SchoolPolicy,
        Term,
    )
    from waitlist.models import Audition

    rng = random.Random(SEED)
    school = School.objects.create(name="Bench kulturskole", slug="bench", municipality="Bench")
    SchoolPolicy.objects.create(school=school)
    locations = [
        Location.objects.create(school=school, name=name) for name in ("Bugården", "Sandar Øst")
    ]
    spring = Term.objects.create(
        school=school,
        year=2026,
        season=Term.Season.SPRING,
        starts_on=dt.date(2026, 1, 5),
        ends_on=dt.date(2026, 6, 19),
        teaching_weeks=20,
    )
    autumn = Term.objects.create(
        school=school,
        year=2026,
        season=Term.Season.AUTUMN,
        starts_on=dt.date(2026, 8, 24),
        ends_on=dt.date(2026, 12, 18),
        teaching_weeks=16,
    )
    last_autumn = Term.objects.create(
        school=school,
        year=2025,
        season=Term.Season.AUTUMN,
        starts_on=dt.date(2025, 8, 25),
        ends_on=dt.date(2025, 12, 19),
        teaching_weeks=16,
    )
    schedule = FeeSchedule.objects.create(
        school=school, school_year=2026, place_fee_per_term=Decimal("1850.00")
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
                capacity=rng.randint(10, 20) if i >= OFFERS - COURSES else rng.randint(8, 30),
                min_age=6,
                max_age=19,
                audition_available=i % 10 == 3,
                audition_required=i % 30 == 7,
                instrument_rental=i % 4 == 0,
            )
            for i in range(OFFERS)
        ]
    )
    places = [o for o in offers if o.kind == Offer.Kind.PLACE]
    courses = [o for o in offers if o.kind == Offer.Kind.COURSE]
    CoursePrice.objects.bulk_create(
        [CoursePrice(schedule=schedule, offer=o, price=Decimal("900.00")) for o in courses]
    )

    user_model = get_user_model()
    languages = ["nb"] * 7 + ["nn"] * 2 + ["en"]
    households = Household.objects.bulk_create(
        [Household(school=school, name=f"Family {i}") for i in range(HOUSEHOLDS)]
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
    Guardian.objects.bulk_create(
        [
            Guardian(
                household=household,
                user=(user := next(users_iter)),
                first_name=user.first_name,
                last_name=user.last_name,
                email=user.email,
            )
            for h, household in enumerate(households)
            for _ in range(guardian_count[h])
        ]
    )
    pupils = Pupil.objects.bulk_create(
        [
            Pupil(
                household=households[i % HOUSEHOLDS],
                first_name=f"Pupil{i}",
                last_name=f"Family {i % HOUSEHOLDS}",
                birth_date=dt.date(2008 + i % 12, 1 + i % 12, 1 + i % 28),
            )
            for i in range(PUPILS)
        ]
    )

    # Places held already: half of each offer of places on average.
    placements = []
    holders = rng.sample(pupils, HOLDING)
    held: dict[int, Placement] = {}
    free_in = {o.pk: o.capacity for o in places}
    for n, pupil in enumerate(holders):
        offer = rng.choice([o for o in places if free_in[o.pk] > o.capacity // 2] or places)
        free_in[offer.pk] -= 1
        status = Placement.Status.ACTIVE
        ends_on = None
        if n % 25 == 0:
            status = Placement.Status.ON_LEAVE  # §14a: frees the place
        elif n % 11 == 0:
            ends_on = dt.date(2026, 6, 19)  # notice given: the place is free in the autumn
        placement = Placement(
            pupil=pupil,
            offer=offer,
            starts_term=last_autumn,
            starts_on=last_autumn.starts_on,
            ends_on=ends_on,
            status=status,
        )
        placements.append(placement)
    placements = Placement.objects.bulk_create(placements)
    for placement in placements:
        held[placement.pupil_id] = placement

    # Popularity is uneven: a few offers are wanted by many.
    weights = [1 + 6 * (i % 13 == 0) + 2 * (i % 5 == 0) for i in range(len(places))]
    applications = []
    start = dt.datetime(2023, 1, 1, 8, tzinfo=OSLO)
    span = (dt.datetime(2026, 6, 1, 8, tzinfo=OSLO) - start).total_seconds()
    for i, pupil in enumerate(pupils):
        submitted = start + dt.timedelta(seconds=rng.random() * span)
        placement = held.get(pupil.pk)
        if placement is not None and placement.status == Placement.Status.ON_LEAVE and i % 2:
            applications.append(
                Application(
                    pupil=pupil,
                    offer_id=placement.offer_id,
                    kind=Application.Kind.RETURN,
                    preference=1,
                    submitted_at=submitted,
                    seniority_date=submitted.date(),
                )
            )
            continue
        if i < TWO_CHOICES:
            chosen = []
            while len(chosen) < 2:
                offer = rng.choices(places, weights)[0]
                if offer not in chosen and (not placement or offer.pk != placement.offer_id):
                    chosen.append(offer)
        elif i % 6 == 0:
            chosen = [rng.choice(courses)]
        else:
            chosen = [rng.choices(places, weights)[0]]
            if placement and chosen[0].pk == placement.offer_id:
                chosen = [courses[i % len(courses)]]
        for preference, offer in enumerate(chosen, start=1):
            switch = (
                placement is not None
                and placement.status == Placement.Status.ACTIVE
                and offer.kind == Offer.Kind.PLACE
                and i % 3 == 0
            )
            applications.append(
                Application(
                    pupil=pupil,
                    offer=offer,
                    kind=Application.Kind.SWITCH if switch else Application.Kind.NEW,
                    switch_from=placement if switch else None,
                    preference=preference if offer.kind == Offer.Kind.PLACE else None,
                    submitted_at=submitted,
                    seniority_date=submitted.date(),
                    audition_requested_at=submitted
                    if offer.audition_available or offer.audition_required
                    else None,
                )
            )
    # Top up to 5,000 with course applications from pupils with a single choice.
    extra = iter(p for i, p in enumerate(pupils) if i >= TWO_CHOICES and i % 6 != 0)
    while len(applications) < 5_000:
        pupil = next(extra)
        submitted = start + dt.timedelta(seconds=rng.random() * span)
        applications.append(
            Application(
                pupil=pupil,
                offer=rng.choice(courses),
                submitted_at=submitted,
                seniority_date=submitted.date(),
            )
        )
    applications = Application.objects.bulk_create(applications)

    auditions = []
    for application in applications:
        if application.audition_requested_at is None:
            continue
        result = rng.choice(["passed", "passed", "failed", "pending"])
        auditions.append(
            Audition(
                pupil_id=application.pupil_id,
                offer_id=application.offer_id,
                application=application,
                requested_at=application.submitted_at,
                result=result,
                score=rng.randint(40, 100) if result == "passed" else None,
                decided_at=None if result == "pending" else application.submitted_at,
            )
        )
    Audition.objects.bulk_create(auditions)
    late = sum(1 for a in applications if a.submitted_at.date() > dt.date(2026, 5, 1))
    return {
        "school": school,
        "term": autumn,
        "spring": spring,
        "offers": len(offers),
        "applications": len(applications),
        "pupils": len({a.pupil_id for a in applications}),
        "two_choices": TWO_CHOICES,
        "late": late,
        "placements": len(placements),
        "auditions": len(auditions),
    }


def reset(school: object) -> None:
    """Undo one admission_run, so the next repetition admits the same applications."""
    from enrollment.models import Application
    from kulturskole.models import AuditEvent, OutboundMessage
    from waitlist.models import AdmissionRound, PlaceOffer

    PlaceOffer.objects.filter(offer__school=school).delete()
    AdmissionRound.objects.filter(school=school).delete()
    OutboundMessage.objects.all().delete()
    AuditEvent.objects.filter(action__startswith="admission.").delete()
    Application.objects.filter(offer__school=school, status=Application.Status.OFFERED).update(
        status=Application.Status.WAITING
    )


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
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    parser.add_argument("--profile", action="store_true", help="profile one admission_run")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    bench, maintenance, name = bench_database_url(url, "_bench")
    create_database(maintenance, name)
    try:
        setup_django(bench)
        from django.db import connection
        from django.utils import translation

        from waitlist import services

        translation.activate("nb")
        started = time.perf_counter()
        data = populate()
        print(
            f"database {name}: {data['offers']} offers, {data['applications']} applications "
            f"from {data['pupils']} pupils ({data['two_choices']} with two choices, "
            f"{data['late']} late), {data['placements']} places held, "
            f"{data['auditions']} auditions; filled in {time.perf_counter() - started:.1f} s"
        )
        school, term = data["school"], data["term"]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

        plan_times, plan_queries, plan = timed(
            lambda: services.admission_plan(school=school, term=term, seed=SEED), args.repeat
        )

        def run() -> object:
            return services.admission_run(actor=None, school=school, term=term, seed=SEED, now=NOW)

        run_times, run_queries, _round = timed(run, args.repeat, between=lambda: reset(school))

        def report(label: str, times: list[float], queries: int) -> None:
            print(
                f"{label:<16} min {min(times):.3f} s  median {statistics.median(times):.3f} s  "
                f"max {max(times):.3f} s  queries {queries}"
            )

        print(f"{len(plan.offered)} place and course offers in the plan, seed {SEED}")
        report("admission_plan", plan_times, plan_queries)
        report("admission_run", run_times, run_queries)
        # What the worker does after the round commits: the e-mails, one task per round.
        from waitlist.models import PlaceOffer

        services.admission_run(actor=None, school=school, term=term, seed=SEED, now=NOW)
        ids = list(PlaceOffer.objects.filter(offer__school=school).values_list("pk", flat=True))
        notify_times, notify_queries, written = timed(
            lambda: services.place_offers_notify(place_offer_ids=ids), 1
        )
        print(
            f"notify_place_offers (the task after commit, once): {notify_times[0]:.3f} s, "
            f"queries {notify_queries}, {written} e-mails to the guardians of "
            f"{len(ids)} place offers"
        )
        reset(school)
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            services.admission_run(actor=None, school=school, term=term, seed=SEED, now=NOW)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
            print(out.getvalue())
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(maintenance, name)


if __name__ == "__main__":
    main()
