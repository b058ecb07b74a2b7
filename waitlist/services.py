"""Applications, auditions, admission and place offers: every write, inside a transaction.

Capacity is protected by row locks, taken in one order everywhere, so PostgreSQL never has two
of these transactions waiting for each other (tests/waitlist/test_concurrency.py):

  1. offer rows, by primary key (main admission and continuous admission of a place lock all of
     the school's offers of places; answering a place offer or withdrawing locks its one offer),
  2. the place offer row,
  3. the pupil row (everything that renumbers a pupil's preferences or counts their open
     applications for §3b),
  4. application and placement rows.

The locks are FOR NO KEY UPDATE of the row itself only (`of=("self",)`): they serialise these
services against each other but do not block the FOR KEY SHARE that PostgreSQL takes to check a
foreign key, so inserting an application, a place offer or a placement that points at a locked
offer or pupil never waits (with plain FOR UPDATE, a guardian applying while admission runs
could deadlock with it). Joined rows (school, household, term) are never locked.

Main admission locks all of a school's offers, so two office users admitting at once, or a
guardian accepting while staff re-run admission, are serialised; the unique constraints on
PlaceOffer (one live offer per application, one pending offer per pupil and offer) and on
Application (one open application per pupil and offer) are the last line of defence.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from enrollment import rules as enrollment_rules
from enrollment import selectors as enrollment_selectors
from enrollment.models import (
    Application,
    Contract,
    Guardian,
    Offer,
    Placement,
    Pupil,
    School,
    Term,
)
from enrollment.services import lifecycle
from kulturskole import audit
from kulturskole.messaging import absolute_url
from kulturskole.models import OutboundMessage
from waitlist import contracts, rules, selectors
from waitlist.models import AdmissionRound, Audition, PlaceOffer


class AdmissionError(Exception):
    """A request that cannot be carried out; the message is shown to the user as it is."""


class ApplicationRefusedError(AdmissionError):
    def __init__(self, code: rules.Refusal, message: str) -> None:
        super().__init__(message)
        self.code = code


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=ZoneInfo(settings.TIME_ZONE))


def _lock_offers(ids: Iterable[int]) -> dict[int, Offer]:
    """Lock the offers in primary-key order (step 1 of the lock order)."""
    return {
        offer.pk: offer
        for offer in Offer.objects.select_for_update(no_key=True, of=("self",))
        .filter(pk__in=sorted(set(ids)))
        .select_related("school")
        .order_by("pk")
    }


def _lock_pupil(pupil_id: int) -> Pupil:
    """Step 3 of the lock order: one change to a pupil's applications at a time."""
    return (
        Pupil.objects.select_for_update(no_key=True, of=("self",))
        .select_related("household")
        .get(pk=pupil_id)
    )


# --- Applications -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Submitted:
    application: Application
    late: bool
    intake_term: Term | None


def application_submit(
    *,
    actor: Any,
    pupil: Pupil,
    offer: Offer,
    kind: str = Application.Kind.NEW,
    audition_requested: bool = False,
    note: str = "",
    switch_from: Placement | None = None,
    age_exception_reason: str = "",
    now: dt.datetime | None = None,
) -> Submitted:
    """Receive an application, or raise ApplicationRefusedError saying why and what to do.

    `age_exception_reason` is for office staff only (§4a); the view decides who may give it.
    """
    now = _now(now)
    today = timezone.localdate(now)
    school = offer.school
    policy = selectors.policy_for(school)
    with transaction.atomic():
        # One submission at a time per pupil, so two tabs cannot both pass the §3b count.
        pupil = _lock_pupil(pupil.pk)
        open_applications = list(
            Application.objects.open().filter(pupil=pupil).select_related("offer")
        )
        age_day = enrollment_selectors.age_reference_date(school, today)
        age = enrollment_rules.age_on(pupil.birth_date, age_day)
        # Late or not is judged for the admission places are given in now, like the list.
        admission = selectors.admission_term(school, today)
        held_here = (
            Placement.objects.filter(pupil=pupil, offer=offer)
            .exclude(status=Placement.Status.ENDED)
            .values_list("status", flat=True)
            .first()
        )
        refusal = rules.application_refusal(
            resident=pupil.household.school_id == school.pk,
            offer_open=offer.accepting_applications and school.accepts_applications,
            duplicate=any(a.offer_id == offer.pk for a in open_applications),
            holds_place_in_offer=held_here is not None
            and not (held_here == Placement.Status.ON_LEAVE and kind == Application.Kind.RETURN),
            age_admitted=offer.age_range.admits(age),
            age_exception=bool(age_exception_reason.strip()),
            is_place=offer.kind == Offer.Kind.PLACE,
            open_place_applications=sum(
                1 for a in open_applications if a.offer.kind == Offer.Kind.PLACE
            ),
            max_open_place_applications=policy.max_open_place_applications,
        )
        if refusal is not None:
            raise ApplicationRefusedError(
                refusal,
                refusal_message(
                    refusal,
                    pupil=pupil,
                    offer=offer,
                    age=age,
                    age_day=age_day,
                    open_applications=open_applications,
                    policy=policy,
                ),
            )
        earlier = Application.objects.filter(
            pupil=pupil, offer=offer, status=Application.Status.ADMITTED
        ).values_list("seniority_date", flat=True)
        elsewhere = [
            a.seniority_date
            for a in open_applications
            if a.status == Application.Status.WAITING and a.offer.school_id == school.pk
        ]
        seniority = rules.seniority_date_for_new_application(
            today,
            earlier_admitted_to_same_offer=earlier,
            waiting_elsewhere=elsewhere,
            is_vacancy_application=kind == Application.Kind.VACANCY,
        )
        preference = None
        if offer.kind == Offer.Kind.PLACE:
            used = [
                a.preference or 0 for a in open_applications if a.offer.kind == Offer.Kind.PLACE
            ]
            preference = max(used, default=0) + 1
        wants_audition = offer.audition_required or (
            audition_requested and offer.audition_available
        )
        application = Application.objects.create(
            pupil=pupil,
            offer=offer,
            kind=kind,
            preference=preference,
            submitted_at=now,
            submitted_by=actor if getattr(actor, "pk", None) else None,
            seniority_date=seniority,
            switch_from=switch_from,
            note=note.strip(),
            age_exception_reason=age_exception_reason.strip(),
            age_exception_by=actor if age_exception_reason.strip() else None,
            audition_requested_at=now if wants_audition else None,
        )
        if (
            wants_audition
            and not Audition.objects.filter(
                pupil=pupil, offer=offer, result=Audition.Result.PENDING
            ).exists()
        ):
            Audition.objects.create(
                pupil=pupil, offer=offer, application=application, requested_at=now
            )
        late = admission is not None and rules.is_late(
            today,
            admission_season=admission.season,
            admission_year=admission.year,
            deadline=policy.application_deadline,
            offer_deadline=offer.application_deadline,
            term_under_way=admission.starts_on <= today,
        )
        audit.record(
            actor=actor,
            action="application.submitted",
            subject=application,
            summary=f"{pupil} applied for {offer}",
            reason=age_exception_reason.strip(),
            data={
                "kind": kind,
                "seniority_date": seniority.isoformat(),
                "late": late,
                "age_exception": bool(age_exception_reason.strip()),
            },
        )
    return Submitted(application, late, admission)


def refusal_message(
    refusal: rules.Refusal,
    *,
    pupil: Pupil,
    offer: Offer,
    age: int,
    age_day: dt.date,
    open_applications: list[Application],
    policy: Any,
) -> str:
    """Why the application was refused and what to do, in the active language."""
    if refusal == rules.Refusal.NOT_RESIDENT:
        return _(
            "%(school)s takes applications from households registered with it. Your household "
            "is registered with %(home)s; contact that school, or the office if you have moved."
        ) % {"school": offer.school, "home": pupil.household.school}
    if refusal == rules.Refusal.CLOSED:
        return _(
            "%(offer)s is not open for applications now. See the school's other offers, or "
            "contact the office."
        ) % {"offer": offer.name}
    if refusal == rules.Refusal.DUPLICATE:
        return _(
            "%(pupil)s has already applied for %(offer)s. See the application under My family."
        ) % {"pupil": pupil.first_name, "offer": offer.name}
    if refusal == rules.Refusal.HOLDS_PLACE:
        return _(
            "%(pupil)s already has a place in %(offer)s. To come back from leave, or if the "
            "place is ending and you want to keep it, contact the office."
        ) % {"pupil": pupil.first_name, "offer": offer.name}
    if refusal == rules.Refusal.AGE:
        return _(
            "The age limits of %(offer)s are %(range)s, and %(pupil)s will be %(age)s years "
            "old on %(day)s, when the next term starts (§4a). If you think an exception is "
            "right, contact the office: only the office can grant one."
        ) % {
            "offer": offer.name,
            "range": offer.age_range,
            "pupil": pupil.first_name,
            "age": age,
            "day": formats.date_format(age_day),
        }
    names = ", ".join(a.offer.name for a in open_applications if a.offer.kind == Offer.Kind.PLACE)
    return _(
        "%(pupil)s already has %(count)s open applications for places (%(names)s), which is "
        "the most allowed (§3b). Withdraw one of them first if you would rather have this "
        "one. Courses have no such limit."
    ) % {"pupil": pupil.first_name, "count": policy.max_open_place_applications, "names": names}


@transaction.atomic
def application_withdraw(
    *, actor: Any, application: Application, now: dt.datetime | None = None
) -> None:
    # The offer first: admission running on it must not offer a place to an application that
    # is being withdrawn, nor this withdrawal overwrite a place offer just made.
    _lock_offers([application.offer_id])
    _lock_pupil(application.pupil_id)
    application = Application.objects.select_for_update(no_key=True, of=("self",)).get(
        pk=application.pk
    )
    if application.status == Application.Status.OFFERED:
        raise AdmissionError(
            _("This application has a place offer waiting. Decline the offer instead.")
        )
    if application.status != Application.Status.WAITING:
        raise AdmissionError(_("This application is no longer on the waiting list."))
    application.status = Application.Status.WITHDRAWN
    application.closed_at = _now(now)
    application.preference = None
    application.save(update_fields=["status", "closed_at", "preference"])
    _renumber_preferences(application.pupil_id)
    Audition.objects.filter(application=application, result=Audition.Result.PENDING).delete()
    audit.record(
        actor=actor,
        action="application.withdrawn",
        subject=application,
        summary=f"Application for {application.offer} withdrawn",
    )


def _renumber_preferences(pupil_id: int) -> None:
    open_places = list(
        Application.objects.open()
        .for_places()
        .filter(pupil_id=pupil_id)
        .order_by("preference", "submitted_at", "pk")
    )
    for number, application in enumerate(open_places, start=1):
        if application.preference != number:
            application.preference = number
            application.save(update_fields=["preference"])


@transaction.atomic
def application_prefer(*, actor: Any, application: Application) -> None:
    """Make this application the pupil's first choice among their applications for places."""
    _lock_pupil(application.pupil_id)
    open_places = list(
        Application.objects.open()
        .for_places()
        .filter(pupil_id=application.pupil_id)
        .order_by("preference", "submitted_at", "pk")
    )
    if application.pk not in {a.pk for a in open_places}:
        raise AdmissionError(_("Only open applications for places have an order of preference."))
    ordered = [a for a in open_places if a.pk == application.pk] + [
        a for a in open_places if a.pk != application.pk
    ]
    for number, item in enumerate(ordered, start=1):
        if item.preference != number:
            item.preference = number
            item.save(update_fields=["preference"])
    audit.record(
        actor=actor,
        action="application.preferred",
        subject=application,
        summary=f"{application.offer} made first choice",
    )


# --- Auditions --------------------------------------------------------------------------------


@transaction.atomic
def audition_request(
    *, actor: Any, application: Application, now: dt.datetime | None = None
) -> Audition:
    now = _now(now)
    today = timezone.localdate(now)
    application = (
        Application.objects.select_for_update(no_key=True, of=("self",))
        .select_related("offer__school")
        .get(pk=application.pk)
    )
    offer = application.offer
    policy = selectors.policy_for(offer.school)
    previous = Audition.objects.filter(pupil_id=application.pupil_id, offer=offer)
    last_failed = previous.filter(result=Audition.Result.FAILED).order_by("-decided_at").first()
    refusal = rules.audition_request_refusal(
        today,
        offer_has_auditions=offer.audition_available or offer.audition_required,
        applied_on=timezone.localdate(application.submitted_at),
        demand_within_days=policy.audition_demand_within_days,
        pending=previous.filter(result=Audition.Result.PENDING).exists(),
        last_failed_on=timezone.localdate(last_failed.decided_at)
        if last_failed and last_failed.decided_at
        else None,
        retry_years=policy.audition_retry_years,
    )
    if refusal is not None:
        raise AdmissionError(
            audition_refusal_message(refusal, policy=policy, last_failed=last_failed)
        )
    audition = Audition.objects.create(
        pupil_id=application.pupil_id, offer=offer, application=application, requested_at=now
    )
    application.audition_requested_at = now
    application.save(update_fields=["audition_requested_at"])
    audit.record(
        actor=actor,
        action="audition.requested",
        subject=audition,
        summary=f"Audition requested for {application}",
    )
    return audition


def audition_refusal_message(
    refusal: rules.AuditionRefusal, *, policy: Any, last_failed: Any
) -> str:
    if refusal == rules.AuditionRefusal.NOT_OFFERED:
        return _("This offer does not admit by audition.")
    if refusal == rules.AuditionRefusal.ALREADY_REQUESTED:
        return _("An audition is already requested; the school will give you a time.")
    if refusal == rules.AuditionRefusal.TOO_SOON_AFTER_FAILED:
        allowed = rules.next_audition_allowed(
            timezone.localdate(last_failed.decided_at), policy.audition_retry_years
        )
        return _(
            "After an audition that was not passed, a new one can be requested every "
            "%(years)s years (§4c): from %(day)s."
        ) % {"years": policy.audition_retry_years, "day": formats.date_format(allowed)}
    return _(
        "An audition can be requested within %(days)s days of applying (§4c). Contact the "
        "office if you would like one now."
    ) % {"days": policy.audition_demand_within_days}


@transaction.atomic
def audition_schedule(
    *, actor: Any, audition: Audition, scheduled_at: dt.datetime, place: str
) -> Audition:
    audition = Audition.objects.select_for_update().get(pk=audition.pk)
    if audition.result != Audition.Result.PENDING:
        raise AdmissionError(_("This audition has a result already."))
    audition.scheduled_at = scheduled_at
    audition.place = place.strip()
    audition.save(update_fields=["scheduled_at", "place"])
    audit.record(
        actor=actor,
        action="audition.scheduled",
        subject=audition,
        summary=f"Audition for {audition.pupil} in {audition.offer} scheduled",
        data={"at": scheduled_at.isoformat(), "place": audition.place},
    )
    return audition


@transaction.atomic
def audition_record_result(
    *,
    actor: Any,
    audition: Audition,
    passed: bool,
    score: int | None,
    note: str,
    now: dt.datetime | None = None,
) -> Audition:
    audition = Audition.objects.select_for_update().get(pk=audition.pk)
    if audition.result != Audition.Result.PENDING:
        raise AdmissionError(_("This audition has a result already."))
    audition.result = Audition.Result.PASSED if passed else Audition.Result.FAILED
    audition.score = score
    audition.result_note = note.strip()
    audition.decided_at = _now(now)
    audition.decided_by = actor
    audition.save()
    audit.record(
        actor=actor,
        action="audition.decided",
        subject=audition,
        summary=f"Audition {audition.result} for {audition.pupil} in {audition.offer}",
        reason=audition.result_note,
        data={"passed": passed, "score": score},
    )
    return audition


# --- Admission --------------------------------------------------------------------------------


@dataclass
class Decision:
    application: Application
    outcome: rules.Outcome
    candidate: rules.Candidate

    @property
    def offered(self) -> bool:
        return self.outcome.offered


@dataclass
class AdmissionPlan:
    """What an admission would do, and why, before anything is written."""

    school: School
    term: Term
    seed: int
    seats: dict[int, rules.Seats]
    offers: dict[int, Offer]
    decisions: list[Decision] = field(default_factory=list)
    missing_fees: list[Offer] = field(default_factory=list)

    @property
    def offered(self) -> list[Decision]:
        return [d for d in self.decisions if d.offered]

    def as_records(self) -> list[dict[str, Any]]:
        return [
            {
                "application": d.application.pk,
                "pupil": d.application.pupil_id,
                "offer": d.outcome.offer_id,
                "preference": d.candidate.preference,
                "reason": str(d.outcome.reason),
                "rank": d.outcome.rank,
                "late": d.candidate.late,
                "holds_place": d.candidate.holds_place,
                "seniority_date": d.candidate.seniority_date.isoformat(),
                "lottery": d.candidate.lottery,
            }
            for d in self.decisions
        ]


def admission_plan(*, school: School, term: Term, seed: int) -> AdmissionPlan:
    """Main admission as a dry run: the same computation `admission_run` writes.

    Queries: a fixed number, plus the fee check of each offer that would get place offers
    (`contracts.has_fees`, one or two queries per offer), whatever the number of applications.
    """
    offers = {
        o.pk: o for o in Offer.objects.filter(school=school).select_related("school").order_by("pk")
    }
    return _plan(school=school, term=term, seed=seed, offers=offers)


def _plan(*, school: School, term: Term, seed: int, offers: dict[int, Offer]) -> AdmissionPlan:
    seats = selectors.seats_for(list(offers.values()), term)
    waiting = Application.objects.filter(
        offer_id__in=list(offers), status=Application.Status.WAITING
    )
    # The pupil for the names in the preview; the offers are those already loaded.
    applications = list(waiting.select_related("pupil").order_by("pk"))
    # A pupil with a place offer waiting for an answer is not offered another place now.
    busy = selectors.pupils_with_pending_place_offers(school)
    policy = selectors.policy_for(school)
    facts = selectors.pupil_facts(waiting.values("pupil_id"), school, term)
    places, courses = [], []
    by_id = {}
    for application in applications:
        offer = offers[application.offer_id]
        application.offer = offer
        if offer.kind == Offer.Kind.PLACE and application.pupil_id in busy:
            continue
        candidate = selectors.candidate_for(
            application, facts=facts, term=term, policy=policy, seed=seed
        )
        by_id[application.pk] = (application, candidate)
        (places if offer.kind == Offer.Kind.PLACE else courses).append(candidate)
    place_seats = [s for s in seats.values() if offers[s.offer_id].kind == Offer.Kind.PLACE]
    course_seats = [s for s in seats.values() if offers[s.offer_id].kind == Offer.Kind.COURSE]
    allocation = rules.deferred_acceptance(
        place_seats, places, audition_percent=policy.audition_quota_percent
    )
    allocation.outcomes.update(
        rules.admit_courses(
            course_seats, courses, audition_percent=policy.audition_quota_percent
        ).outcomes
    )
    plan = AdmissionPlan(school=school, term=term, seed=seed, seats=seats, offers=offers)
    for application_id, outcome in allocation.outcomes.items():
        application, candidate = by_id[application_id]
        plan.decisions.append(Decision(application, outcome, candidate))
    plan.decisions.sort(
        key=lambda d: (
            d.outcome.offer_id,
            d.outcome.rank is None,
            d.outcome.rank or 0,
            d.application.pk,
        )
    )
    offered_offers = {d.outcome.offer_id for d in plan.offered}
    plan.missing_fees = [
        offers[pk] for pk in sorted(offered_offers) if not contracts.has_fees(offers[pk], term)
    ]
    return plan


def admission_run(
    *,
    actor: Any,
    school: School,
    term: Term,
    seed: int | None = None,
    now: dt.datetime | None = None,
) -> AdmissionRound:
    """Main admission: place offers with reply deadlines; everybody else stays on the list.

    Queries: those of `admission_plan` plus a fixed number. The e-mails to the households are
    written after commit by one task for the round (`notify_place_offers`), so the transaction
    that holds the school's offers locked stays short.
    """
    now = _now(now)
    seed = seed if seed is not None else secrets.randbits(48)
    with transaction.atomic():
        offers = {
            offer.pk: offer
            for offer in Offer.objects.select_for_update(no_key=True, of=("self",))
            .filter(school=school)
            .select_related("school")
            .order_by("pk")
        }
        plan = _plan(school=school, term=term, seed=seed, offers=offers)
        if plan.missing_fees:
            raise AdmissionError(
                _(
                    "There is no fee schedule for %(year)s with a fee for: %(offers)s. The "
                    "contract must name the fee, so enter the fee schedule first."
                )
                % {
                    "year": school_year_label(term),
                    "offers": ", ".join(o.name for o in plan.missing_fees),
                }
            )
        round_ = AdmissionRound.objects.create(
            school=school,
            term=term,
            kind=AdmissionRound.Kind.MAIN,
            seed=seed,
            run_by=actor if getattr(actor, "pk", None) else None,
            run_at=now,
            applicants=len(plan.decisions),
            offers_made=len(plan.offered),
            decisions=plan.as_records(),
        )
        _make_place_offers(
            [(d.application, plan.offers[d.outcome.offer_id]) for d in plan.offered],
            term=term,
            round_=round_,
            now=now,
        )
        audit.record(
            actor=actor,
            action="admission.main",
            subject=round_,
            summary=f"Main admission for {term}: {round_.offers_made} place offers",
            data={"seed": seed, "applicants": round_.applicants},
        )
    return round_


def school_year_label(term: Term) -> str:
    start = enrollment_rules.school_year_start(term.starts_on)
    return f"{start}/{(start + 1) % 100:02d}"


def _make_place_offers(
    pairs: list[tuple[Application, Offer]],
    *,
    term: Term,
    round_: AdmissionRound | None,
    now: dt.datetime,
) -> list[PlaceOffer]:
    """Write the place offers of one round: three queries however many there are.

    The caller holds the offers' locks. The e-mails follow after commit, from one task.
    """
    if not pairs:
        return []
    policy = selectors.policy_for(pairs[0][1].school)
    reply_by = _end_of_day(
        rules.reply_deadline(timezone.localdate(now), policy.place_offer_reply_days)
    )
    created = PlaceOffer.objects.bulk_create(
        [
            PlaceOffer(
                application=application,
                offer=offer,
                pupil_id=application.pupil_id,
                term=term,
                round=round_,
                offered_at=now,
                reply_by=reply_by,
            )
            for application, offer in pairs
        ]
    )
    # Only applications still on the list get an offer. Withdrawing locks the offer too, so
    # this is a safety net: rather no round at all than an offer for a withdrawn application.
    # Selected by round, not by a list of ids: thousands of parameters cost more than the
    # subquery.
    if round_ is not None:
        chosen = Application.objects.filter(place_offers__round=round_)
    else:
        chosen = Application.objects.filter(pk__in=[a.pk for a, _offer in pairs])
    offered = chosen.filter(status=Application.Status.WAITING).update(
        status=Application.Status.OFFERED
    )
    if offered != len(pairs):
        raise AdmissionError(
            _("The waiting list changed while the admission ran. Please run it again.")
        )
    for application, _offer in pairs:
        application.status = Application.Status.OFFERED
    _notify_place_offers_after_commit([p.pk for p in created])
    return created


def _notify_place_offers_after_commit(place_offer_ids: list[int]) -> None:
    from waitlist.tasks import notify_place_offers

    transaction.on_commit(lambda: notify_place_offers.delay(place_offer_ids))


def place_offers_notify(*, place_offer_ids: Sequence[int]) -> int:
    """Write the "place offered" e-mail to each guardian, once per place offer and guardian.

    Run by the task `notify_place_offers` after the round commits. Offers answered or
    withdrawn meanwhile are left out. Returns the number of e-mails written; a second run
    writes none. Queries: a fixed number, whatever the number of place offers.
    """
    place_offers = list(
        PlaceOffer.objects.pending()
        .filter(pk__in=list(place_offer_ids))
        .select_related("pupil", "offer__school", "offer__location", "term")
        .order_by("pk")
    )
    with transaction.atomic():
        return _notify_households(
            [
                Notice(
                    household_id=p.pupil.household_id,
                    key=f"place-offered-{p.pk}",
                    template="place_offered",
                    context=_place_offer_context(p),
                )
                for p in place_offers
            ]
        )


def _place_offer_context(place_offer: PlaceOffer) -> dict[str, Any]:
    """Objects, not text: the e-mail is rendered in each recipient's language."""
    return {
        "pupil": place_offer.pupil,
        "offer": place_offer.offer,
        "school": place_offer.offer.school,
        "term": place_offer.term,
        "reply_by": timezone.localtime(place_offer.reply_by).date(),
        "url": absolute_url(reverse("applications:place_offer", args=[place_offer.pk])),
    }


@dataclass(frozen=True)
class Notice:
    """One occasion to tell a household about: each guardian gets their own copy."""

    household_id: int
    key: str
    template: str
    context: dict[str, Any]


def _notify_household(pupil: Pupil, *, key: str, template: str, context: dict[str, Any]) -> None:
    """Every guardian of the pupil's household who has an e-mail address, in their language."""
    _notify_households([Notice(pupil.household_id, key, template, context)])


def _notify_households(notices: Sequence[Notice]) -> int:
    """`messaging.notify` for many recipients at once, in four queries.

    Same guarantee: the e-mail of an occasion (key) is written once, in the recipient's
    language, and sent by `send_message` after commit. A key already written is skipped; two
    runs racing on the same key are settled by the key's unique index (ignore_conflicts), and
    a message queued twice is sent once (`message_send` claims it with a conditional UPDATE).
    """
    if not notices:
        return 0
    guardians: dict[int, list[Guardian]] = defaultdict(list)
    for guardian in (
        Guardian.objects.filter(household_id__in={n.household_id for n in notices})
        .select_related("user")
        .order_by("pk")
    ):
        guardians[guardian.household_id].append(guardian)
    wanted = []
    for notice in notices:
        for guardian in guardians[notice.household_id]:
            user = guardian.user
            email = (user.email if user else "") or guardian.email
            if email:
                wanted.append((f"{notice.key}-guardian-{guardian.pk}", notice, guardian, email))
    written = set(
        OutboundMessage.objects.filter(key__in=[key for key, *_ in wanted]).values_list(
            "key", flat=True
        )
    )
    new = []
    # Grouped by language, so each language is switched on once.
    by_language: dict[str, list[tuple[str, Notice, Guardian, str]]] = defaultdict(list)
    for key, notice, guardian, email in wanted:
        if key not in written:
            user = guardian.user
            language = getattr(user, "language", None) or settings.LANGUAGE_CODE
            by_language[language].append((key, notice, guardian, email))
    for language, items in by_language.items():
        with translation.override(language):
            for key, notice, guardian, email in items:
                context = {"site_url": settings.SITE_URL, **notice.context, "guardian": guardian}
                subject = " ".join(
                    render_to_string(f"emails/{notice.template}_subject.txt", context).split()
                )
                body = render_to_string(f"emails/{notice.template}.txt", context)
                new.append(
                    OutboundMessage(
                        key=key,
                        template=notice.template,
                        to_email=email,
                        user=guardian.user,
                        language=language,
                        context={"subject": subject, "body": body},
                    )
                )
    if not new:
        return 0
    OutboundMessage.objects.bulk_create(new, ignore_conflicts=True)
    queued = list(
        OutboundMessage.objects.filter(
            key__in=[m.key for m in new], status=OutboundMessage.Status.PENDING
        ).values_list("pk", flat=True)
    )
    from kulturskole.tasks import send_message

    transaction.on_commit(lambda: [send_message.delay(pk) for pk in queued])
    return len(new)


def continuous_admission(
    *, offer_id: int, actor: Any = None, now: dt.datetime | None = None
) -> list[PlaceOffer]:
    """Offer the free places of one offer to the next in line (§4b, §5a).

    For an offer of places, all the school's offers of places are locked: a pupil waiting for
    two of them must not be offered both by two continuous admissions running at once.
    """
    now = _now(now)
    today = timezone.localdate(now)
    with transaction.atomic():
        found = Offer.objects.filter(pk=offer_id).values_list("school_id", "kind").first()
        if found is None:
            return []
        school_id, kind = found
        if kind == Offer.Kind.PLACE:
            _lock_offers(
                Offer.objects.filter(school_id=school_id, kind=Offer.Kind.PLACE).values_list(
                    "pk", flat=True
                )
            )
        offer = _lock_offers([offer_id]).get(offer_id)
        if offer is None:
            return []
        term = selectors.admission_term(offer.school, today)
        if term is None or not contracts.has_fees(offer, term):
            return []
        seats = selectors.seats_for([offer], term)[offer.pk]
        if seats.free == 0:
            return []
        waiting = selectors.waiting_lists([offer], today=today)[offer.pk]
        busy: set[int] = set()
        if offer.kind == Offer.Kind.PLACE:
            busy = selectors.pupils_with_pending_place_offers(offer.school)
        chosen = [
            entry.application
            for entry in waiting.entries
            if entry.position is not None and entry.application.pupil_id not in busy
        ][: seats.free]
        if not chosen:
            return []
        chosen_ids = {a.pk for a in chosen}
        seed = secrets.randbits(48)
        round_ = AdmissionRound.objects.create(
            school=offer.school,
            term=term,
            kind=AdmissionRound.Kind.CONTINUOUS,
            seed=seed,
            run_by=actor if getattr(actor, "pk", None) else None,
            run_at=now,
            applicants=len(waiting.entries),
            offers_made=len(chosen),
            decisions=[
                {
                    "application": e.application.pk,
                    "offer": offer.pk,
                    "rank": e.position,
                    "reason": str(e.reason),
                    "offered": e.application.pk in chosen_ids,
                }
                for e in waiting.entries
            ],
        )
        made = _make_place_offers([(a, offer) for a in chosen], term=term, round_=round_, now=now)
        audit.record(
            actor=actor,
            action="admission.continuous",
            subject=round_,
            summary=f"{len(made)} free places in {offer} offered to the next in line",
        )
    return made


def waiting_list_for(
    offer: Offer, *, term: Term | None = None, today: dt.date | None = None
) -> selectors.WaitingList:
    today = today or timezone.localdate()
    return selectors.waiting_lists([offer], today=today)[offer.pk]


# --- Answering a place offer ------------------------------------------------------------------


def _lock_place_offer(place_offer_id: int) -> PlaceOffer:
    """Its offer, then the place offer, then the pupil (steps 1–3 of the lock order)."""
    offer_id, pupil_id = PlaceOffer.objects.values_list("offer_id", "pupil_id").get(
        pk=place_offer_id
    )
    _lock_offers([offer_id])
    place_offer = (
        PlaceOffer.objects.select_for_update(no_key=True, of=("self",))
        .select_related("application", "offer__school", "offer__location", "pupil__household")
        .select_related("term")
        .get(pk=place_offer_id)
    )
    _lock_pupil(pupil_id)
    return place_offer


def guardian_of(user: Any, pupil: Pupil) -> Guardian:
    guardian = Guardian.objects.filter(household_id=pupil.household_id, user=user).first()
    if guardian is None:
        raise PermissionDenied
    return guardian


def place_offer_accept(
    *,
    user: Any,
    place_offer: PlaceOffer,
    ip: str,
    user_agent: str = "",
    now: dt.datetime | None = None,
) -> Contract:
    """The guardian signs the contract (§4b): a placement starts and the PDF is kept.

    The PDF (the slow part) is rendered before the offer is locked, so a guardian signing does
    not hold up an admission running on the same offer; the checks are made again under the
    lock.
    """
    now = _now(now)
    today = timezone.localdate(now)
    unlocked = PlaceOffer.objects.select_related(
        "application", "offer__school", "offer__location", "pupil__household", "term"
    ).get(pk=place_offer.pk)
    guardian = guardian_of(user, unlocked.pupil)
    _check_answerable(unlocked, now)
    pdf, digest = contracts.render_contract(
        contracts.contract_context(
            place_offer=unlocked, guardian=guardian, signed_at=now, signed_from_ip=ip
        )
    )
    with transaction.atomic():
        place_offer = _lock_place_offer(place_offer.pk)
        _check_answerable(place_offer, now)
        offer, term = place_offer.offer, place_offer.term
        occupied = selectors.occupied_places([offer.pk], term).get(offer.pk, 0)
        if occupied >= offer.capacity:
            raise AdmissionError(
                _("The offer is full at the moment. Contact the office about your place offer.")
            )
        application = place_offer.application
        starts_on = max(term.starts_on, today)
        earlier = list(
            Placement.objects.select_for_update(no_key=True, of=("self",))
            .filter(pupil=place_offer.pupil, offer=offer)
            .order_by("pk")
        )
        current = [p for p in earlier if p.status != Placement.Status.ENDED]
        if any(p.status != Placement.Status.ON_LEAVE for p in current):
            raise AdmissionError(
                _(
                    "%(pupil)s already has a place in %(offer)s. Contact the office about "
                    "this place offer."
                )
                % {"pupil": place_offer.pupil.first_name, "offer": offer.name}
            )
        for on_leave in current:
            # §14a: back from leave. The place held on leave ends as the new one starts.
            on_leave.status = Placement.Status.ENDED
            on_leave.ends_on = max(starts_on - dt.timedelta(days=1), on_leave.starts_on)
            on_leave.save(update_fields=["status", "ends_on"])
        ends_on = None
        if offer.kind == Offer.Kind.COURSE and offer.course_ends_on:
            # §2a: a course is short; its place ends with it and frees its seat.
            ends_on = max(offer.course_ends_on, starts_on)
        placement = Placement.objects.create(
            pupil=place_offer.pupil,
            offer=offer,
            application=application,
            starts_term=term,
            starts_on=starts_on,
            ends_on=ends_on,
            # §6b: trial lessons only in an offer the pupil has not attended before.
            status=Placement.Status.ACTIVE if earlier else Placement.Status.TRIAL,
        )
        if application.kind == Application.Kind.SWITCH and application.switch_from_id:
            _end_switched_placement(application.switch_from_id, new_start=starts_on, today=today)
        # §18: a place in a drama or orchestra offer enrols the guardians in the work group.
        lifecycle.work_group_enrol(placement, now=now)
        place_offer.status = PlaceOffer.Status.ACCEPTED
        place_offer.answered_at = now
        place_offer.answered_by = user
        place_offer.save(update_fields=["status", "answered_at", "answered_by"])
        application.status = Application.Status.ADMITTED
        application.closed_at = now
        application.preference = None
        application.save(update_fields=["status", "closed_at", "preference"])
        _renumber_preferences(application.pupil_id)
        policy = selectors.policy_for(offer.school)
        contract = Contract(
            placement=placement,
            guardian=guardian,
            signed_by=user,
            signed_at=now,
            signed_from_ip=ip,
            user_agent=user_agent[:300],
            rule_book_version=policy.rule_book_version,
            sha256=digest,
        )
        contract.document.save(f"contract-{placement.pk}.pdf", ContentFile(pdf), save=False)
        contract.save()
        audit.record(
            actor=user,
            action="place_offer.accepted",
            subject=place_offer,
            summary=f"{guardian} signed the contract for {place_offer.pupil} in {offer}",
            data={"ip": ip, "sha256": digest, "contract": contract.pk},
        )
    return contract


def _end_switched_placement(placement_id: int, *, new_start: dt.date, today: dt.date) -> None:
    """§11: the old place ends when the new one starts.

    When it ends at once (a switch during the term), the place it frees passes to the next in
    line of the old offer after commit (§5a), as a declined offer's place does.
    """
    old = Placement.objects.select_for_update(no_key=True, of=("self",)).get(pk=placement_id)
    if old.status == Placement.Status.ENDED:
        return
    old.ends_on = max(new_start - dt.timedelta(days=1), old.starts_on)
    if old.ends_on < today:
        old.status = Placement.Status.ENDED
    old.save(update_fields=["ends_on", "status"])
    if old.status == Placement.Status.ENDED:
        _pass_on_after_commit(old.offer_id)


def _check_answerable(place_offer: PlaceOffer, now: dt.datetime) -> None:
    if place_offer.status != PlaceOffer.Status.PENDING:
        raise AdmissionError(
            _("This place offer is already answered or no longer open (%(status)s).")
            % {"status": place_offer.get_status_display().lower()}
        )
    if now > place_offer.reply_by:
        raise AdmissionError(
            _("The deadline to answer this place offer has passed. Contact the office.")
        )


def place_offer_decline(
    *, user: Any, place_offer: PlaceOffer, now: dt.datetime | None = None
) -> None:
    """The guardian says no: the application leaves the list and the place passes on."""
    now = _now(now)
    with transaction.atomic():
        place_offer = _lock_place_offer(place_offer.pk)
        guardian_of(user, place_offer.pupil)
        _check_answerable(place_offer, now)
        _close(place_offer, PlaceOffer.Status.DECLINED, Application.Status.DECLINED, now, user)
        audit.record(
            actor=user,
            action="place_offer.declined",
            subject=place_offer,
            summary=f"Place offer for {place_offer.pupil} in {place_offer.offer} declined",
        )
        _pass_on_after_commit(place_offer.offer_id)


def _close(
    place_offer: PlaceOffer, status: str, application_status: str, now: dt.datetime, user: Any
) -> None:
    place_offer.status = status
    place_offer.answered_at = now
    place_offer.answered_by = user if getattr(user, "pk", None) else None
    place_offer.save(update_fields=["status", "answered_at", "answered_by"])
    application = place_offer.application
    application.status = application_status
    application.closed_at = now
    application.preference = None
    application.save(update_fields=["status", "closed_at", "preference"])
    _renumber_preferences(application.pupil_id)


def _pass_on_after_commit(offer_id: int) -> None:
    from waitlist.tasks import admit_next_in_line

    transaction.on_commit(lambda: admit_next_in_line.delay(offer_id))


def place_offers_expire(*, now: dt.datetime | None = None) -> list[int]:
    """Beat: unanswered offers past their deadline lapse and pass to the next in line (§4b)."""
    now = _now(now)
    expired = list(
        PlaceOffer.objects.pending().filter(reply_by__lt=now).values_list("pk", flat=True)
    )
    lapsed = []
    for place_offer_id in expired:
        with transaction.atomic():
            place_offer = _lock_place_offer(place_offer_id)
            if place_offer.status != PlaceOffer.Status.PENDING or place_offer.reply_by >= now:
                continue  # answered meanwhile
            _close(place_offer, PlaceOffer.Status.LAPSED, Application.Status.LAPSED, now, None)
            audit.record(
                actor=None,
                action="place_offer.lapsed",
                subject=place_offer,
                summary=f"Place offer for {place_offer.pupil} in {place_offer.offer} lapsed",
            )
            _notify_household(
                place_offer.pupil,
                key=f"place-offer-lapsed-{place_offer.pk}",
                template="place_offer_lapsed",
                context=_place_offer_context(place_offer),
            )
            _pass_on_after_commit(place_offer.offer_id)
            lapsed.append(place_offer.pk)
    return lapsed


def place_offer_reminders(
    *, now: dt.datetime | None = None, before: dt.timedelta = dt.timedelta(days=3)
) -> int:
    """Beat: one reminder per place offer, a few days before its deadline."""
    now = _now(now)
    due = (
        PlaceOffer.objects.pending()
        .filter(reminder_sent_at__isnull=True, reply_by__gt=now, reply_by__lte=now + before)
        .select_related("pupil__household", "offer__school", "term")
    )
    sent = 0
    for place_offer in due:
        if (
            PlaceOffer.objects.filter(pk=place_offer.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            != 1
        ):
            continue
        _notify_household(
            place_offer.pupil,
            key=f"place-offer-reminder-{place_offer.pk}",
            template="place_offer_reminder",
            context=_place_offer_context(place_offer),
        )
        sent += 1
    return sent
