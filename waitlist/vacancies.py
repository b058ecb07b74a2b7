"""Vacancies (§5): places nobody on the waiting list is about to get, and what follows from them.

A *public vacancy* is a free place in the term a place offered today starts in (see
`selectors.admission_term`) that no eligible applicant on the offer's own waiting list is ahead
for: free places minus the applicants ranked on that list. It is computed when asked, never
stored, so the public page changes the moment a place frees up or is taken.

- `public_vacancies`: the vacancies of one school, for the public page (§5b).
- `free_places_admit`: the daily run of continuous admission for offers with free places and
  applicants waiting (§4b, §5a).
- `vacancy_notices_send`: tells households with a child waiting on another offer of the same
  school and discipline about a vacancy (§5a–c), once per offer, term and household.

Each makes a fixed number of queries per school (the notices: per school and vacancy), whatever
the number of applications.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode

from enrollment import rules as enrollment_rules
from enrollment.models import Application, Guardian, Offer, School, Term
from kulturskole.messaging import absolute_url, notify
from waitlist import selectors
from waitlist.models import AdmissionRound

# Where guardians apply. Another part of the project names it `applications:new`; until it
# exists the plain path is used, so the vacancies page works either way.
APPLY_PATH = "/family/applications/new/"


@dataclass(frozen=True)
class Vacancy:
    offer: Offer
    places: int  # free places nobody on the waiting list is about to get
    free: int  # free places in the term, before the waiting list
    waiting: int  # applicants ranked on the offer's waiting list

    @property
    def apply_url(self) -> str:
        return apply_url(self.offer)


@dataclass(frozen=True)
class Vacancies:
    school: School
    term: Term | None
    vacancies: list[Vacancy]


def apply_url(offer: Offer) -> str:
    """The application form for `offer`, as an application for an advertised vacancy (§5c)."""
    try:
        base = reverse("applications:new")
    except NoReverseMatch:
        base = APPLY_PATH
    return f"{base}?{urlencode({'offer': offer.pk, 'vacancy': 1})}"


def open_offers(school: School, today: dt.date) -> list[Offer]:
    """The school's published offers that take applications; courses that have ended do not."""
    return list(
        Offer.objects.published()
        .filter(school=school, accepting_applications=True)
        .filter(Q(course_ends_on__isnull=True) | Q(course_ends_on__gte=today))
        .select_related("school", "location", "department")
        .order_by("name", "pk")
    )


def vacancies_among(offers: Sequence[Offer], term: Term, *, today: dt.date) -> list[Vacancy]:
    """The vacancies of `offers` (all of one school) in `term`, in the order given."""
    if not offers:
        return []
    seats = selectors.seats_for(offers, term)
    with_room = [offer for offer in offers if seats[offer.pk].free > 0]
    if not with_room:
        return []
    lists = selectors.waiting_lists(with_room, today=today)
    result = []
    for offer in with_room:
        free = seats[offer.pk].free
        waiting = lists[offer.pk].ranked if offer.pk in lists else 0
        if free - waiting > 0:
            result.append(Vacancy(offer=offer, places=free - waiting, free=free, waiting=waiting))
    return result


def public_vacancies(school: School, *, today: dt.date) -> Vacancies:
    """§5b: the vacancies published on the school's page, computed now."""
    if not school.accepts_applications:
        return Vacancies(school, None, [])
    term = selectors.admission_term(school, today)
    if term is None:
        return Vacancies(school, None, [])
    return Vacancies(school, term, vacancies_among(open_offers(school, today), term, today=today))


# --- Continuous admission every morning -------------------------------------------------------


def admission_open(school: School, term: Term, today: dt.date) -> bool:
    """Whether free places may go to the next in line now.

    Before a term starts, its places go out at main admission (with the audition quota, §4c);
    continuous admission into it would get there first. So only once the term is under way, or
    once main admission for it has been run.
    """
    if term.starts_on <= today:
        return True
    return AdmissionRound.objects.filter(
        school=school, term=term, kind=AdmissionRound.Kind.MAIN
    ).exists()


def free_places_admit(*, now: dt.datetime | None = None) -> int:
    """Offer free places to the next in line, in every school where admission is open.

    Safe to run twice: a place offered is a pending place offer, which `seats_for` counts as
    taken, so the second run finds no free place for the same applicants.
    """
    from waitlist import services

    now = now or timezone.now()
    today = timezone.localdate(now)
    made = 0
    for school in School.objects.filter(kind=School.Kind.CULTURE_SCHOOL).order_by("pk"):
        term = selectors.admission_term(school, today)
        if term is None or not admission_open(school, term, today):
            continue
        offers = list(
            Offer.objects.filter(school=school, accepting_applications=True).select_related(
                "school"
            )
        )
        seats = selectors.seats_for(offers, term)
        waiting = set(
            Application.objects.filter(
                offer__in=[o for o in offers if seats[o.pk].free > 0],
                status=Application.Status.WAITING,
            ).values_list("offer_id", flat=True)
        )
        for offer_id in sorted(waiting):
            made += len(services.continuous_admission(offer_id=offer_id, now=now))
    return made


# --- Telling households about a vacancy -------------------------------------------------------


def vacancy_key(offer: Offer, term: Term, household_id: int) -> str:
    """The occasion: one notice per offer, term and household (each guardian gets a copy)."""
    return f"vacancy-{offer.pk}-{term.pk}-{household_id}"


def vacancy_notices_send(*, now: dt.datetime | None = None) -> int:
    """§5a–c: for each public vacancy, tell households with a child of the right age waiting on
    another offer of the same school and discipline. Returns the number of e-mails queued.

    A child already applying for the offer is left out: the list's own order decides for them.
    The occasion key makes a second run (or a second day with the same vacancy) send nothing.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for school in School.objects.filter(kind=School.Kind.CULTURE_SCHOOL).order_by("pk"):
        found = public_vacancies(school, today=today)
        if not found.vacancies or found.term is None:
            continue
        term = found.term
        disciplines = {v.offer.discipline for v in found.vacancies}
        waiting = list(
            Application.objects.filter(
                offer__school=school,
                offer__discipline__in=disciplines,
                status=Application.Status.WAITING,
            ).select_related("pupil", "offer")
        )
        applying_for: dict[int, set[int]] = defaultdict(set)
        for offer_id, pupil_id in (
            Application.objects.open()
            .filter(offer__school=school)
            .values_list("offer_id", "pupil_id")
        ):
            applying_for[offer_id].add(pupil_id)
        guardians: dict[int, list[Guardian]] = defaultdict(list)
        for guardian in Guardian.objects.filter(
            household_id__in={a.pupil.household_id for a in waiting}
        ).select_related("user"):
            guardians[guardian.household_id].append(guardian)
        for vacancy in found.vacancies:
            offer = vacancy.offer
            children: dict[int, dict[int, Any]] = defaultdict(dict)
            for application in waiting:
                pupil = application.pupil
                if (
                    application.offer_id == offer.pk
                    or application.offer.discipline != offer.discipline
                    or pupil.pk in applying_for[offer.pk]
                    or not offer.age_range.admits(
                        enrollment_rules.age_on(pupil.birth_date, max(term.starts_on, today))
                    )
                ):
                    continue
                children[pupil.household_id][pupil.pk] = pupil
            for household_id, pupils in children.items():
                sent += _notify_vacancy(
                    vacancy,
                    term=term,
                    household_id=household_id,
                    pupils=sorted(pupils.values(), key=lambda p: (p.first_name, p.pk)),
                    guardians=guardians[household_id],
                )
    return sent


def _notify_vacancy(
    vacancy: Vacancy,
    *,
    term: Term,
    household_id: int,
    pupils: list[Any],
    guardians: list[Guardian],
) -> int:
    offer = vacancy.offer
    key = vacancy_key(offer, term, household_id)
    context = {
        "school": offer.school,
        "offer": offer,
        "term": term,
        "places": vacancy.places,
        "pupils": pupils,
        "children": ", ".join(pupil.first_name for pupil in pupils),
        "apply_url": absolute_url(apply_url(offer)),
        "vacancies_url": absolute_url(
            reverse("vacancies:list", kwargs={"school": offer.school.slug})
        ),
    }
    sent = 0
    for guardian in guardians:
        user = guardian.user
        email = (user.email if user else "") or guardian.email
        if not email:
            continue
        message = notify(
            key=f"{key}-guardian-{guardian.pk}",
            template="vacancy",
            to_email=email,
            user=user,
            language=getattr(user, "language", None) or settings.LANGUAGE_CODE,
            context={**context, "guardian": guardian},
        )
        sent += message is not None
    return sent
