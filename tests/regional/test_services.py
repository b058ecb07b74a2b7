"""Writes of the regional programme: nominations, registration, the budget, notifications."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail

from enrollment.models import Placement
from kulturskole.models import OutboundMessage
from regional import selectors, services, tasks
from regional.models import (
    BudgetLine,
    Gathering,
    InDepthCriterion,
    InDepthPupil,
    NetworkMeeting,
    Registration,
)
from regional.services import RegionalError
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 1, 20)


def placement_at(school: Any, **pupil: Any) -> Placement:
    household = factories.HouseholdFactory(school=school)
    return factories.PlacementFactory(
        pupil=factories.PupilFactory(household=household, **pupil),
        offer=factories.OfferFactory(school=school, name="Fiolin", instrument="Fiolin"),
    )


# --- Nominations ------------------------------------------------------------------------------


def test_a_partner_school_nominates_its_own_pupil_from_a_place(programme, school, office_user):
    placement = placement_at(school, birth_date=dt.date(2010, 4, 1))
    pupil = services.in_depth_pupil_nominate(
        actor=office_user,
        programme=programme,
        school=school,
        placement=placement,
        discipline="instrument",
        today=TODAY,
    )
    assert (pupil.pupil, pupil.school, pupil.first_name) == (
        placement.pupil,
        school,
        placement.pupil.first_name,
    )


def test_a_school_cannot_nominate_another_schools_pupil(programme, school, partner, office_user):
    placement = placement_at(partner)
    with pytest.raises(RegionalError, match="own school"):
        services.in_depth_pupil_nominate(
            actor=office_user,
            programme=programme,
            school=school,
            placement=placement,
            discipline="instrument",
            today=TODAY,
        )


def test_a_school_outside_the_programme_cannot_nominate(programme, outside, outside_office):
    with pytest.raises(RegionalError, match="not a partner"):
        services.in_depth_pupil_nominate(
            actor=outside_office,
            programme=programme,
            school=outside,
            placement=placement_at(outside),
            discipline="instrument",
            today=TODAY,
        )


def test_a_pupil_not_meeting_the_criteria_needs_a_reason(programme, school, office_user):
    InDepthCriterion.objects.create(programme=programme, min_age=13)
    placement = placement_at(school, birth_date=dt.date(2015, 1, 1))
    kwargs = {
        "actor": office_user,
        "programme": programme,
        "school": school,
        "placement": placement,
        "discipline": "instrument",
        "today": TODAY,
    }
    with pytest.raises(RegionalError, match="criteria"):
        services.in_depth_pupil_nominate(**kwargs)
    assert not InDepthPupil.objects.exists()
    pupil = services.in_depth_pupil_nominate(**kwargs, criteria_exception="Usually gifted.")
    assert pupil.criteria_exception == "Usually gifted."


def test_a_pupil_is_nominated_only_once(programme, school, office_user):
    placement = placement_at(school)
    kwargs = {
        "actor": office_user,
        "programme": programme,
        "school": school,
        "placement": placement,
        "discipline": "instrument",
        "today": TODAY,
    }
    services.in_depth_pupil_nominate(**kwargs)
    with pytest.raises(RegionalError, match="already"):
        services.in_depth_pupil_nominate(**kwargs)


# --- Registration -----------------------------------------------------------------------------


def test_a_school_registers_its_pupil_with_transport_from_the_school(programme, gathering, school):
    pupil = factories.InDepthPupilFactory(programme=programme, school=school)
    registration = services.registration_create(
        actor=None,
        gathering=gathering,
        in_depth=pupil,
        dietary_needs=" Vegetar ",
        needs_transport=True,
        today=TODAY,
    )
    assert (registration.travels_from, registration.dietary_needs) == (school, "Vegetar")
    assert registration.guardian_consent_at is None


def test_registration_closes_after_the_deadline(programme, gathering, school):
    pupil = factories.InDepthPupilFactory(programme=programme, school=school)
    with pytest.raises(RegionalError, match="not open"):
        services.registration_create(
            actor=None, gathering=gathering, in_depth=pupil, today=dt.date(2026, 1, 31)
        )


def test_a_guardian_registers_only_with_consent(programme, gathering, school, guardian_user):
    pupil = factories.InDepthPupilFactory(programme=programme, school=school)
    with pytest.raises(RegionalError, match="consent"):
        services.registration_create(
            actor=guardian_user, gathering=gathering, in_depth=pupil, by_guardian=True, today=TODAY
        )
    registration = services.registration_create(
        actor=guardian_user,
        gathering=gathering,
        in_depth=pupil,
        by_guardian=True,
        guardian_consent=True,
        today=TODAY,
    )
    assert registration.guardian_consent_at is not None


def test_a_gathering_for_some_schools_refuses_pupils_of_others(
    programme, gathering, school, partner
):
    gathering.target_schools.set([partner])
    pupil = factories.InDepthPupilFactory(programme=programme, school=school)
    with pytest.raises(RegionalError, match="not for the pupil"):
        services.registration_create(actor=None, gathering=gathering, in_depth=pupil, today=TODAY)


def test_a_pupil_is_registered_once(programme, gathering, school):
    pupil = factories.InDepthPupilFactory(programme=programme, school=school)
    services.registration_create(actor=None, gathering=gathering, in_depth=pupil, today=TODAY)
    with pytest.raises(RegionalError, match="already"):
        services.registration_create(actor=None, gathering=gathering, in_depth=pupil, today=TODAY)
    assert Registration.objects.count() == 1


def test_attendance_is_recorded_from_the_day_of_the_gathering(programme, gathering):
    registration = factories.RegistrationFactory(gathering=gathering)
    with pytest.raises(RegionalError):
        services.attendance_record(
            gathering=gathering, attendance={registration.pk: "present"}, today=TODAY
        )
    services.attendance_record(
        gathering=gathering, attendance={registration.pk: "present"}, today=gathering.date
    )
    registration.refresh_from_db()
    assert registration.attendance == "present"


# --- Sessions feed the budget ----------------------------------------------------------------


def test_an_instructors_fee_is_planned_in_the_gatherings_budget(programme):
    gathering = services.gathering_save(
        programme=programme,
        values={
            "title": "Samling",
            "date": dt.date(2023, 2, 4),
            "starts_at": dt.time(10),
            "ends_at": dt.time(14),
            "venue": "Gjøvik vgs",
            "budget": Decimal("16000.00"),
        },
    )
    instructor = factories.InstructorFactory(programme=programme, name="Anethe Alfsvåg")
    session = services.session_save(
        gathering=gathering,
        values={
            "starts_at": dt.time(10),
            "ends_at": dt.time(11, 30),
            "title": "Teateroppvarming",
            "instructor": instructor,
            "instructor_fee": Decimal("3000.00"),
        },
    )
    line = BudgetLine.objects.get(session=session)
    assert (line.planned, line.category, line.activity.gathering) == (
        Decimal("3000.00"),
        "instructor_fees",
        gathering,
    )
    services.session_save(
        gathering=gathering, values={"instructor_fee": Decimal("3500.50")}, session=session
    )
    line.refresh_from_db()
    assert line.planned == Decimal("3500.50")


def test_sessions_for_the_same_pupils_at_the_same_time_are_refused(programme, gathering):
    services.session_save(
        gathering=gathering,
        values={"starts_at": dt.time(10), "ends_at": dt.time(11), "title": "Oppvarming"},
    )
    with pytest.raises(RegionalError, match="overlaps"):
        services.session_save(
            gathering=gathering,
            values={
                "starts_at": dt.time(10, 30),
                "ends_at": dt.time(12),
                "title": "Samspill",
                "disciplines": ["instrument"],
            },
        )


def test_the_programme_budget_sums_exactly(programme):
    for planned, actual in (("0.10", "0.10"), ("0.20", "0.20"), ("180000.00", None)):
        BudgetLine.objects.create(
            programme=programme,
            category="other",
            description="x",
            planned=Decimal(planned),
            actual=None if actual is None else Decimal(actual),
        )
    summary = selectors.budget_summary(programme, selectors.budget_lines(programme))
    assert (summary.spent, summary.committed, summary.remaining) == (
        Decimal("0.30"),
        Decimal("180000.00"),
        Decimal("484999.70"),
    )


# --- Status and notifications ---------------------------------------------------------------


def recipients(prefix: str) -> list[str]:
    """Who the stored e-mails of an occasion go to (sent by a task after commit)."""
    return sorted(
        OutboundMessage.objects.filter(key__startswith=prefix).values_list("to_email", flat=True)
    )


def guardian_of(
    pupil_school: Any, programme: Any, email: str = "mor@example.org"
) -> tuple[Any, InDepthPupil]:
    household = factories.HouseholdFactory(school=pupil_school)
    guardian = factories.GuardianFactory(household=household, user__email=email)
    child = factories.PupilFactory(household=household)
    in_depth = factories.InDepthPupilFactory(programme=programme, school=pupil_school, pupil=child)
    return guardian, in_depth


def test_opening_a_gathering_invites_homes_and_staff_once_after_commit(
    programme, school, office_user, leader, django_capture_on_commit_callbacks
):
    guardian_of(school, programme)
    gathering = factories.GatheringFactory(programme=programme, date=dt.date(2026, 2, 7))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.gathering_set_status(actor=leader, gathering=gathering, status="open", today=TODAY)
    assert callbacks, "the invitations are queued after commit"
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["mor@example.org", "office@example.org"]
    # Each in the recipient's own language (a guardian's is Bokmål unless chosen otherwise),
    # so the test looks for the gathering rather than for the English word.
    assert all(gathering.title in message.subject for message in mail.outbox)
    # The task again (a retry) sends nothing twice.
    tasks.send_gathering_invitations(gathering.pk)
    assert len(mail.outbox) == 2


def test_a_planned_gathering_cannot_be_marked_held_before_its_day(programme, leader):
    gathering = factories.GatheringFactory(programme=programme, status="open")
    with pytest.raises(RegionalError, match="on its day"):
        services.gathering_set_status(
            actor=leader, gathering=gathering, status="held", today=gathering.date - dt.timedelta(1)
        )
    gathering.refresh_from_db()
    assert gathering.status == "open"


def test_deadline_reminders_go_to_homes_of_unregistered_pupils_once(
    programme, gathering, school, time_machine
):
    guardian_of(school, programme)
    _registered_guardian, registered = guardian_of(school, programme, "far@example.org")
    factories.RegistrationFactory(gathering=gathering, pupil=registered)
    assert services.deadline_reminders_send(today=dt.date(2026, 1, 26)) == 0  # too early
    sent = services.deadline_reminders_send(today=dt.date(2026, 1, 28))
    assert sent == 1
    assert services.deadline_reminders_send(today=dt.date(2026, 1, 29)) == 0
    assert recipients("regional-deadline-") == ["mor@example.org"]


def test_the_day_before_the_registered_homes_and_their_schools_staff_are_reminded(
    programme, gathering, school, office_user
):
    _guardian, child = guardian_of(school, programme)
    factories.RegistrationFactory(gathering=gathering, pupil=child)
    day_before = gathering.date - dt.timedelta(days=1)
    assert services.day_before_reminders_send(today=day_before) == 2
    assert services.day_before_reminders_send(today=gathering.date) == 0
    assert recipients("regional-daybefore-") == ["mor@example.org", "office@example.org"]


def test_feedback_is_requested_from_those_who_came_and_the_teachers_once(
    programme, gathering, school, teacher_user
):
    _guardian, child = guardian_of(school, programme)
    factories.RegistrationFactory(gathering=gathering, pupil=child, attendance="present")
    absent = factories.InDepthPupilFactory(
        programme=programme, school=school, email="borte@example.org"
    )
    factories.RegistrationFactory(gathering=gathering, pupil=absent, attendance="absent")
    after = gathering.date + dt.timedelta(days=1)
    assert services.feedback_requests_send(today=after) == 2
    assert services.feedback_requests_send(today=after + dt.timedelta(days=1)) == 0
    assert recipients("regional-feedback-") == ["mor@example.org", "teacher@example.org"]


def test_the_beat_tasks_can_run_twice_without_sending_twice(
    programme, gathering, school, time_machine
):
    _guardian, child = guardian_of(school, programme)
    factories.RegistrationFactory(gathering=gathering, pupil=child)
    time_machine.move_to(dt.datetime(2026, 2, 6, 9, tzinfo=dt.UTC))
    first = tasks.remind_day_before()
    assert first == tasks.remind_day_before() + first  # the second run sends nothing
    assert OutboundMessage.objects.filter(key__startswith="regional-daybefore-").count() == first


# --- Network meetings and the evaluation ------------------------------------------------------


def test_the_default_network_meetings_are_added_once(programme):
    first = services.network_meetings_plan(programme=programme)
    assert len(first) == 12  # three school years, four a year
    assert services.network_meetings_plan(programme=programme) == []
    assert NetworkMeeting.objects.filter(programme=programme).count() == 12
    assert programme.plan_items.filter(kind="network_meeting").count() == 12


def test_feedback_replaces_the_earlier_rating_and_only_for_the_pupils_sessions(
    programme, gathering
):
    everyone = factories.GatheringSessionFactory(gathering=gathering)
    dance = factories.GatheringSessionFactory(
        gathering=gathering, starts_at=dt.time(12), ends_at=dt.time(14), disciplines=["dance"]
    )
    pupil = factories.InDepthPupilFactory(programme=programme, discipline="instrument")
    ratings = {everyone.pk: (3, ""), dance.pk: (5, "")}
    assert (
        services.feedback_give(
            gathering=gathering, ratings=ratings, pupil=pupil, today=gathering.date
        )
        == 1
    )
    services.feedback_give(
        gathering=gathering,
        ratings={everyone.pk: (5, "Kunne vart lengre")},
        pupil=pupil,
        today=gathering.date,
    )
    assert list(everyone.feedback.values_list("rating", "comment")) == [(5, "Kunne vart lengre")]
    assert not dance.feedback.exists()


def test_the_report_counts_participation_per_school_and_discipline(programme, school, partner):
    held = factories.GatheringFactory(programme=programme, status=Gathering.Status.HELD)
    for school_, discipline, attendance in (
        (school, "instrument", "present"),
        (school, "dance", "absent"),
        (partner, "dance", "present"),
    ):
        pupil = factories.InDepthPupilFactory(
            programme=programme, school=school_, discipline=discipline
        )
        factories.RegistrationFactory(gathering=held, pupil=pupil, attendance=attendance)
    report = selectors.report(programme, today=held.date)
    assert report.pupils.total == 3
    assert report.participation.count(school.pk, "instrument") == 1
    assert report.participation.count(school.pk, "dance") == 0
    assert report.participation.count(partner.pk, "dance") == 1
    assert [(row.registered, row.attended) for row in report.gatherings] == [(3, 2)]


def test_the_report_counts_the_network_meetings_held_and_those_with_minutes(programme):
    for day, minutes in (
        (dt.date(2025, 9, 9), "Felles kriterier"),
        (dt.date(2025, 12, 9), ""),
        (dt.date(2026, 1, 20), "Skrevet på forhånd"),  # today: not yet held
        (dt.date(2026, 3, 10), ""),
    ):
        NetworkMeeting.objects.create(programme=programme, date=day, minutes=minutes)
    counts = selectors.report(programme, today=TODAY).network_meetings
    assert (counts.planned, counts.held, counts.with_minutes) == (4, 2, 1)


def test_the_report_keeps_programme_wide_notes_apart_from_the_gatherings(programme):
    gathering = factories.GatheringFactory(programme=programme)
    services.evaluation_note_add(actor=None, programme=programme, text="For hele året")
    services.evaluation_note_add(
        actor=None, programme=programme, gathering=gathering, text="For samlingen"
    )
    report = selectors.report(programme, today=TODAY)
    assert [n.text for n in report.programme_notes] == ["For hele året"]
    assert [n.text for n in report.gathering_notes] == ["For samlingen"]
