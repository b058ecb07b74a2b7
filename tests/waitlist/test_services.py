"""Applications, admission and place offers through the services, on the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import translation

from billing.models import CoursePrice
from enrollment.models import Application, Discipline, Offer, Placement, Term
from kulturskole.access import Role
from kulturskole.models import AuditEvent, OutboundMessage
from tests import factories
from waitlist import selectors, services
from waitlist.models import AdmissionRound, Audition, PlaceOffer
from waitlist.rules import Refusal

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
# Spring 2026, before the 1 May deadline for the autumn 2026 intake.
MARCH = dt.datetime(2026, 3, 2, 10, 0, tzinfo=OSLO)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def autumn(school):
    return factories.TermFactory(school=school, year=2026, season=Term.Season.AUTUMN)


@pytest.fixture
def fees(school):
    return factories.FeeScheduleFactory(school=school, school_year=2026)


@pytest.fixture
def office(school):
    user = factories.UserFactory(totp=True)
    factories.StaffRoleFactory(user=user, school=school, role=Role.OFFICE)
    return user


@pytest.fixture
def violin(school):
    return factories.OfferFactory(school=school, name="Fiolin", capacity=2, min_age=6, max_age=19)


@pytest.fixture
def cello(school):
    return factories.OfferFactory(school=school, name="Cello", capacity=1, min_age=6, max_age=19)


def child(household, name="Ola", born=dt.date(2016, 3, 14)):
    return factories.PupilFactory(household=household, first_name=name, birth_date=born)


def apply(guardian_user, pupil, offer, when=MARCH, **kwargs):
    return services.application_submit(
        actor=guardian_user, pupil=pupil, offer=offer, now=when, **kwargs
    ).application


# --- Receiving applications -------------------------------------------------------------------


def test_an_application_joins_the_waiting_list_with_todays_seniority(
    guardian_user, household, violin, autumn
):
    result = services.application_submit(
        actor=guardian_user, pupil=child(household), offer=violin, now=MARCH
    )
    application = result.application
    assert application.status == Application.Status.WAITING
    assert application.seniority_date == dt.date(2026, 3, 2)
    assert application.preference == 1
    assert not result.late
    assert AuditEvent.objects.filter(action="application.submitted").count() == 1


def test_s3b_the_second_place_application_is_second_choice_and_a_third_is_refused(
    guardian_user, household, violin, cello, school, autumn
):
    pupil = child(household)
    piano = factories.OfferFactory(school=school, name="Piano")
    assert apply(guardian_user, pupil, violin).preference == 1
    assert apply(guardian_user, pupil, cello).preference == 2
    with pytest.raises(services.ApplicationRefusedError) as refused:
        apply(guardian_user, pupil, piano)
    assert refused.value.code == Refusal.TOO_MANY
    assert "Fiolin" in str(refused.value) and "Withdraw one" in str(refused.value)
    assert not Application.objects.filter(offer=piano).exists()


def test_s3b_courses_do_not_count_against_the_limit(
    guardian_user, household, violin, cello, school, autumn
):
    pupil = child(household)
    apply(guardian_user, pupil, violin)
    apply(guardian_user, pupil, cello)
    course = factories.OfferFactory(school=school, kind=Offer.Kind.COURSE, name="Keramikk")
    application = apply(guardian_user, pupil, course)
    assert application.preference is None


def test_s4a_a_child_too_young_on_the_first_day_of_the_term_is_refused_with_the_reason(
    guardian_user, household, violin, autumn
):
    # Born 1 September 2020: 5 when autumn 2026 starts on 24 August.
    pupil = child(household, born=dt.date(2020, 9, 1))
    with pytest.raises(services.ApplicationRefusedError) as refused:
        apply(guardian_user, pupil, violin)
    assert refused.value.code == Refusal.AGE
    assert "6–19 years" in str(refused.value) and "will be 5" in str(refused.value)


def test_s4a_the_office_may_admit_a_child_outside_the_age_range_with_a_reason(
    office, household, violin, autumn
):
    pupil = child(household, born=dt.date(2020, 9, 1))
    application = apply(office, pupil, violin, age_exception_reason="Played for three years")
    assert application.age_exception_by == office
    event = AuditEvent.objects.get(action="application.submitted")
    assert event.reason == "Played for three years"


def test_a_duplicate_application_and_a_closed_offer_are_refused(
    guardian_user, household, violin, cello, autumn
):
    pupil = child(household)
    apply(guardian_user, pupil, violin)
    with pytest.raises(services.ApplicationRefusedError) as duplicate:
        apply(guardian_user, pupil, violin)
    assert duplicate.value.code == Refusal.DUPLICATE
    cello.accepting_applications = False
    cello.save()
    with pytest.raises(services.ApplicationRefusedError) as closed:
        apply(guardian_user, pupil, cello)
    assert closed.value.code == Refusal.CLOSED


def test_s1a_a_household_of_another_municipality_is_refused(guardian_user, household, other_school):
    offer = factories.OfferFactory(school=other_school)
    factories.TermFactory(school=other_school)
    with pytest.raises(services.ApplicationRefusedError) as refused:
        apply(guardian_user, child(household), offer)
    assert refused.value.code == Refusal.NOT_RESIDENT


def test_s3a_an_application_after_1_may_is_received_and_marked_late(
    guardian_user, household, violin, autumn
):
    result = services.application_submit(
        actor=guardian_user,
        pupil=child(household),
        offer=violin,
        now=dt.datetime(2026, 5, 2, 9, tzinfo=OSLO),
    )
    assert result.late
    assert result.application.status == Application.Status.WAITING


def test_s14b_applying_again_after_quitting_keeps_the_first_seniority_date(
    guardian_user, household, violin, autumn
):
    pupil = child(household)
    factories.ApplicationFactory(
        pupil=pupil,
        offer=violin,
        status=Application.Status.ADMITTED,
        seniority_date=dt.date(2023, 4, 1),
        preference=None,
    )
    assert apply(guardian_user, pupil, violin).seniority_date == dt.date(2023, 4, 1)


def test_s5c_a_vacancy_application_keeps_seniority_earned_on_another_list(
    guardian_user, household, violin, cello, autumn
):
    pupil = child(household)
    factories.ApplicationFactory(pupil=pupil, offer=violin, seniority_date=dt.date(2025, 9, 1))
    application = apply(guardian_user, pupil, cello, kind=Application.Kind.VACANCY)
    assert application.seniority_date == dt.date(2025, 9, 1)


def test_withdrawing_renumbers_the_remaining_preferences(
    guardian_user, household, violin, cello, autumn
):
    pupil = child(household)
    first = apply(guardian_user, pupil, violin)
    second = apply(guardian_user, pupil, cello)
    services.application_withdraw(actor=guardian_user, application=first)
    second.refresh_from_db()
    assert second.preference == 1


def test_a_second_choice_can_be_made_the_first(guardian_user, household, violin, cello, autumn):
    pupil = child(household)
    first = apply(guardian_user, pupil, violin)
    second = apply(guardian_user, pupil, cello)
    services.application_prefer(actor=guardian_user, application=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.preference, first.preference) == (1, 2)


# --- Auditions --------------------------------------------------------------------------------


def test_s4d_an_offer_with_skill_requirements_books_an_audition_with_the_application(
    guardian_user, household, school, autumn
):
    performer = factories.OfferFactory(school=school, audition_required=True)
    application = apply(guardian_user, child(household), performer)
    assert Audition.objects.get(application=application).result == Audition.Result.PENDING


def test_s4c_a_new_audition_is_refused_within_two_years_of_a_failed_one(
    guardian_user, office, household, school, autumn
):
    offer = factories.OfferFactory(school=school, audition_available=True)
    application = apply(guardian_user, child(household), offer, audition_requested=True)
    audition = Audition.objects.get(application=application)
    services.audition_record_result(
        actor=office, audition=audition, passed=False, score=None, note="", now=MARCH
    )
    with pytest.raises(services.AdmissionError, match="every 2 years"):
        services.audition_request(
            actor=guardian_user, application=application, now=MARCH + dt.timedelta(days=30)
        )


# --- Main admission ---------------------------------------------------------------------------


def test_main_admission_offers_places_by_seniority_and_leaves_the_rest_waiting(
    office, school, violin, autumn, fees
):
    households = [factories.HouseholdFactory(school=school) for _ in range(3)]
    applications = [
        factories.ApplicationFactory(
            pupil=child(h, name=f"Barn{i}"), offer=violin, seniority_date=dt.date(2025, 1, i + 1)
        )
        for i, h in enumerate(households)
    ]
    round_ = services.admission_run(actor=office, school=school, term=autumn, seed=11, now=MARCH)
    assert round_.offers_made == 2
    offered = set(PlaceOffer.objects.values_list("application_id", flat=True))
    assert offered == {applications[0].pk, applications[1].pk}
    applications[2].refresh_from_db()
    assert applications[2].status == Application.Status.WAITING
    decision = next(d for d in round_.decisions if d["application"] == applications[2].pk)
    assert (decision["reason"], decision["rank"]) == ("full", 3)
    place_offer = PlaceOffer.objects.get(application=applications[0])
    # §4b: 14 days to answer, to the end of that day.
    assert place_offer.reply_by.astimezone(OSLO).date() == dt.date(2026, 3, 16)


def test_main_admission_refuses_to_run_without_a_fee_for_the_contract(
    office, school, violin, autumn
):
    factories.ApplicationFactory(
        pupil=child(factories.HouseholdFactory(school=school)), offer=violin
    )
    with pytest.raises(services.AdmissionError, match="no fee schedule for 2026/27"):
        services.admission_run(actor=office, school=school, term=autumn, now=MARCH)
    assert not PlaceOffer.objects.exists()
    assert not AdmissionRound.objects.exists()


def test_the_preview_writes_nothing_and_matches_the_run(
    office, school, violin, cello, autumn, fees
):
    for i in range(4):
        pupil = child(factories.HouseholdFactory(school=school), name=f"B{i}")
        factories.ApplicationFactory(pupil=pupil, offer=violin, preference=1)
        factories.ApplicationFactory(pupil=pupil, offer=cello, preference=2)
    plan = services.admission_plan(school=school, term=autumn, seed=5)
    assert not PlaceOffer.objects.exists()
    round_ = services.admission_run(actor=office, school=school, term=autumn, seed=5, now=MARCH)
    assert {d.application.pk for d in plan.offered} == set(
        PlaceOffer.objects.values_list("application_id", flat=True)
    )
    assert round_.decisions == plan.as_records()


def test_running_admission_twice_gives_no_pupil_a_second_offer(
    office, school, violin, autumn, fees
):
    for i in range(3):
        factories.ApplicationFactory(
            pupil=child(factories.HouseholdFactory(school=school), name=f"B{i}"), offer=violin
        )
    services.admission_run(actor=office, school=school, term=autumn, now=MARCH)
    second = services.admission_run(actor=office, school=school, term=autumn, now=MARCH)
    assert second.offers_made == 0
    assert PlaceOffer.objects.count() == violin.capacity


# --- Answering -------------------------------------------------------------------------------


@pytest.fixture
def offered(
    guardian_user,
    household,
    school,
    violin,
    autumn,
    fees,
    office,
    django_capture_on_commit_callbacks,
):
    pupil = child(household)
    apply(guardian_user, pupil, violin)
    # The e-mails are written by a task queued when the round commits.
    with django_capture_on_commit_callbacks(execute=True):
        services.admission_run(actor=office, school=school, term=autumn, now=MARCH)
    return PlaceOffer.objects.get(pupil=pupil)


def test_s4b_signing_the_contract_admits_the_pupil_and_keeps_the_signed_pdf(guardian_user, offered):
    contract = services.place_offer_accept(
        user=guardian_user, place_offer=offered, ip="203.0.113.9", now=MARCH + dt.timedelta(days=1)
    )
    offered.refresh_from_db()
    assert offered.status == PlaceOffer.Status.ACCEPTED
    placement = contract.placement
    assert placement.status == Placement.Status.TRIAL
    assert placement.application.status == Application.Status.ADMITTED
    assert contract.signed_from_ip == "203.0.113.9"
    assert contract.rule_book_version == "2013-03-20"
    pdf = contract.document.read()
    assert pdf.startswith(b"%PDF") and len(contract.sha256) == 64


def test_another_household_cannot_answer_the_place_offer(offered, school):
    stranger = factories.GuardianFactory(household=factories.HouseholdFactory(school=school)).user
    with pytest.raises(services.PermissionDenied):
        services.place_offer_accept(user=stranger, place_offer=offered, ip="127.0.0.1")


def test_an_offer_can_be_answered_only_once(guardian_user, offered):
    services.place_offer_accept(user=guardian_user, place_offer=offered, ip="127.0.0.1", now=MARCH)
    with pytest.raises(services.AdmissionError, match="already answered"):
        services.place_offer_decline(user=guardian_user, place_offer=offered, now=MARCH)


def test_declining_passes_the_place_to_the_next_in_line(
    guardian_user, offered, school, violin, django_capture_on_commit_callbacks
):
    waiting = factories.ApplicationFactory(
        pupil=child(factories.HouseholdFactory(school=school), name="Neste"), offer=violin
    )
    # Fill the other place so only the declined one frees up.
    violin.capacity = 1
    violin.save()
    with time_machine.travel(MARCH, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.place_offer_decline(user=guardian_user, place_offer=offered, now=MARCH)
    offered.refresh_from_db()
    assert offered.status == PlaceOffer.Status.DECLINED
    assert PlaceOffer.objects.get(application=waiting).status == PlaceOffer.Status.PENDING


def test_s4b_an_unanswered_offer_lapses_after_the_deadline_and_the_home_is_told(
    offered, django_capture_on_commit_callbacks
):
    late = offered.reply_by + dt.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.place_offers_expire(now=late) == [offered.pk]
    offered.refresh_from_db()
    assert offered.status == PlaceOffer.Status.LAPSED
    assert offered.application.status == Application.Status.LAPSED
    lapsed = OutboundMessage.objects.get(template="place_offer_lapsed")
    assert lapsed.status == OutboundMessage.Status.SENT
    assert any(m.subject == lapsed.context["subject"] for m in mail.outbox)
    # Running the beat task again changes nothing and sends nothing more.
    sent = len(mail.outbox)
    assert services.place_offers_expire(now=late) == []
    assert len(mail.outbox) == sent


def test_the_reminder_is_sent_once(offered, django_capture_on_commit_callbacks):
    soon = offered.reply_by - dt.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.place_offer_reminders(now=soon) == 1
        assert services.place_offer_reminders(now=soon) == 0
    reminder = OutboundMessage.objects.get(template="place_offer_reminder")
    assert sum(m.subject == reminder.context["subject"] for m in mail.outbox) == 1


def test_the_place_offer_email_is_written_once_per_guardian_and_sent_after_commit(offered):
    messages = OutboundMessage.objects.filter(template="place_offered")
    assert messages.count() == 1
    message = messages.get()
    assert "Fiolin" in message.context["subject"]
    assert "/family/place-offers/" in message.context["body"]


def test_s11_a_switch_ends_the_old_place_when_the_new_one_starts(
    guardian_user, household, school, violin, cello, autumn, fees, office
):
    pupil = child(household)
    old = factories.PlacementFactory(pupil=pupil, offer=cello)
    application = apply(guardian_user, pupil, violin, kind=Application.Kind.SWITCH, switch_from=old)
    services.admission_run(actor=office, school=school, term=autumn, now=MARCH)
    place_offer = PlaceOffer.objects.get(application=application)
    contract = services.place_offer_accept(
        user=guardian_user, place_offer=place_offer, ip="127.0.0.1", now=MARCH
    )
    old.refresh_from_db()
    assert old.ends_on == contract.placement.starts_on - dt.timedelta(days=1)


# --- Positions and statistics -----------------------------------------------------------------


def test_positions_follow_the_same_ranking_staff_use(school, violin, autumn):
    apps = [
        factories.ApplicationFactory(
            pupil=child(factories.HouseholdFactory(school=school), name=f"B{i}"),
            offer=violin,
            seniority_date=dt.date(2025, 1, 10 - i),
        )
        for i in range(3)
    ]
    positions = selectors.positions(apps, today=dt.date(2026, 3, 2))
    assert positions == {apps[2].pk: (1, 3), apps[1].pk: (2, 3), apps[0].pk: (3, 3)}


def test_s5d_statistics_count_children_not_applications_and_leave_out_switchers(
    school, violin, cello
):
    household = factories.HouseholdFactory(school=school)
    twice = child(household, name="To")
    factories.ApplicationFactory(pupil=twice, offer=violin)
    factories.ApplicationFactory(pupil=twice, offer=cello, preference=2)
    switcher = child(household, name="Bytter")
    factories.ApplicationFactory(pupil=switcher, offer=violin, kind=Application.Kind.SWITCH)
    course = factories.OfferFactory(
        school=school, kind=Offer.Kind.COURSE, discipline=Discipline.DANCE
    )
    factories.ApplicationFactory(pupil=child(household, name="Kurs"), offer=course)
    assert selectors.children_waiting(school) == 1
    assert selectors.children_waiting(school, offer=violin) == 1


# --- Bugs found in review (issue 3, "Must hold") ----------------------------------------------


@pytest.fixture
def spring(school):
    return factories.TermFactory(school=school, year=2026, season=Term.Season.SPRING)


@pytest.fixture
def spring_fees(school):
    # Spring 2026 belongs to the school year 2025/26.
    return factories.FeeScheduleFactory(school=school, school_year=2025)


def test_a_place_accepted_for_the_autumn_is_not_offered_again_in_the_spring(
    guardian_user, offered, school, violin, spring, spring_fees
):
    """A place lasts from its first term on: one that starts in the autumn is taken in the
    spring too, or continuous admission would give the seat a second time."""
    services.place_offer_accept(user=guardian_user, place_offer=offered, ip="127.0.0.1", now=MARCH)
    violin.capacity = 1
    violin.save()
    factories.ApplicationFactory(
        pupil=child(factories.HouseholdFactory(school=school), name="Neste"), offer=violin
    )

    assert selectors.seats_for([violin], spring)[violin.pk].free == 0
    assert services.continuous_admission(offer_id=violin.pk, now=MARCH) == []


def test_s14a_signing_after_leave_ends_the_place_on_leave_and_gives_no_new_trial(
    guardian_user, household, school, violin, autumn, fees, office
):
    pupil = child(household)
    on_leave = factories.PlacementFactory(
        pupil=pupil, offer=violin, status=Placement.Status.ON_LEAVE
    )
    back = apply(guardian_user, pupil, violin, kind=Application.Kind.RETURN)
    services.admission_run(actor=office, school=school, term=autumn, now=MARCH)
    place_offer = PlaceOffer.objects.get(application=back)

    contract = services.place_offer_accept(
        user=guardian_user, place_offer=place_offer, ip="127.0.0.1", now=MARCH
    )

    on_leave.refresh_from_db()
    assert on_leave.status == Placement.Status.ENDED
    assert on_leave.ends_on == contract.placement.starts_on - dt.timedelta(days=1)
    # §6b: the right of withdrawal is for an offer the pupil has not attended before.
    assert contract.placement.status == Placement.Status.ACTIVE


def test_an_application_for_an_offer_the_pupil_already_has_a_place_in_is_refused(
    guardian_user, household, violin, autumn
):
    pupil = child(household)
    factories.PlacementFactory(pupil=pupil, offer=violin)
    with pytest.raises(services.ApplicationRefusedError) as refused:
        apply(guardian_user, pupil, violin)
    assert refused.value.code == Refusal.HOLDS_PLACE
    assert "already has a place in Fiolin" in str(refused.value)


def test_s14a_a_pupil_on_leave_may_apply_to_come_back_to_the_same_offer(
    guardian_user, household, violin, autumn
):
    pupil = child(household)
    factories.PlacementFactory(pupil=pupil, offer=violin, status=Placement.Status.ON_LEAVE)
    with pytest.raises(services.ApplicationRefusedError):
        apply(guardian_user, pupil, violin)
    assert apply(guardian_user, pupil, violin, kind=Application.Kind.RETURN).is_open


def test_signing_for_an_offer_the_pupil_already_has_a_place_in_is_refused_not_a_crash(
    guardian_user, offered, violin
):
    factories.PlacementFactory(pupil=offered.pupil, offer=violin)
    with pytest.raises(services.AdmissionError, match="already has a place"):
        services.place_offer_accept(
            user=guardian_user, place_offer=offered, ip="127.0.0.1", now=MARCH
        )


def test_s11_a_switch_during_the_term_passes_the_freed_place_to_the_next_in_line(
    guardian_user,
    household,
    school,
    violin,
    cello,
    spring,
    spring_fees,
    django_capture_on_commit_callbacks,
):
    pupil = child(household)
    old = factories.PlacementFactory(pupil=pupil, offer=cello, starts_term=spring)
    switch = apply(guardian_user, pupil, violin, kind=Application.Kind.SWITCH, switch_from=old)
    next_in_line = factories.ApplicationFactory(
        pupil=child(factories.HouseholdFactory(school=school), name="Neste"), offer=cello
    )
    with time_machine.travel(MARCH, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.continuous_admission(offer_id=violin.pk, now=MARCH)
        place_offer = PlaceOffer.objects.get(application=switch)
        services.place_offer_accept(
            user=guardian_user, place_offer=place_offer, ip="127.0.0.1", now=MARCH
        )

    old.refresh_from_db()
    assert old.status == Placement.Status.ENDED
    assert PlaceOffer.objects.get(application=next_in_line).status == PlaceOffer.Status.PENDING


def test_continuous_admission_ranks_for_the_term_of_the_date_it_is_given(
    school, violin, spring, autumn, spring_fees
):
    """§4e in the spring: a pupil whose place ends in June still holds it now, and ranks after
    a pupil without any, even when the clock says it is already autumn."""
    violin.capacity = 1
    violin.save()
    leaving = child(factories.HouseholdFactory(school=school), name="Slutter")
    factories.PlacementFactory(
        pupil=leaving,
        offer=factories.OfferFactory(school=school, name="Gitar"),
        starts_term=spring,
        ends_on=spring.ends_on,
    )
    factories.ApplicationFactory(pupil=leaving, offer=violin, seniority_date=dt.date(2024, 1, 1))
    without = factories.ApplicationFactory(
        pupil=child(factories.HouseholdFactory(school=school), name="Uten"),
        offer=violin,
        seniority_date=dt.date(2025, 1, 1),
    )
    with time_machine.travel(dt.datetime(2026, 9, 1, 12, tzinfo=OSLO), tick=False):
        made = services.continuous_admission(offer_id=violin.pk, now=MARCH)
    assert [p.application_id for p in made] == [without.pk]


def test_no_place_offer_is_made_for_an_application_that_left_the_list_meanwhile(
    school, violin, autumn
):
    application = factories.ApplicationFactory(
        pupil=child(factories.HouseholdFactory(school=school)),
        offer=violin,
        status=Application.Status.WITHDRAWN,
    )
    round_ = AdmissionRound.objects.create(
        school=school, term=autumn, kind=AdmissionRound.Kind.MAIN, seed=1, run_at=MARCH
    )
    with pytest.raises(services.AdmissionError, match="changed while the admission ran"):
        services._make_place_offers([(application, violin)], term=autumn, round_=round_, now=MARCH)


def test_s2_a_course_place_ends_when_the_course_ends_and_frees_its_seat(
    guardian_user, household, school, autumn, fees, office
):
    course = factories.OfferFactory(
        school=school,
        kind=Offer.Kind.COURSE,
        name="Keramikk",
        capacity=1,
        course_starts_on=dt.date(2026, 8, 24),
        course_ends_on=dt.date(2026, 10, 30),
    )
    CoursePrice.objects.create(schedule=fees, offer=course, price=Decimal("900"))
    pupil = child(household)
    apply(guardian_user, pupil, course)
    services.admission_run(actor=office, school=school, term=autumn, now=MARCH)
    contract = services.place_offer_accept(
        user=guardian_user,
        place_offer=PlaceOffer.objects.get(pupil=pupil),
        ip="127.0.0.1",
        now=MARCH,
    )

    assert contract.placement.ends_on == dt.date(2026, 10, 30)
    spring_2027 = factories.TermFactory(school=school, year=2027, season=Term.Season.SPRING)
    assert selectors.seats_for([course], spring_2027)[course.pk].free == 1


def test_the_place_offer_email_is_written_in_each_guardians_own_language(
    guardian_user,
    household,
    school,
    violin,
    autumn,
    fees,
    office,
    django_capture_on_commit_callbacks,
):
    guardian_user.language = "nn"
    guardian_user.save()
    english = factories.GuardianFactory(household=household, user__language="en").user
    apply(guardian_user, child(household), violin)
    with django_capture_on_commit_callbacks(execute=True):
        services.admission_run(actor=office, school=school, term=autumn, now=MARCH)
    subjects = {
        m.user_id: m.context["subject"]
        for m in OutboundMessage.objects.filter(template="place_offered")
    }
    assert subjects[guardian_user.pk].startswith("Tilbod om plass")
    assert subjects[english.pk].startswith("Place offered")
