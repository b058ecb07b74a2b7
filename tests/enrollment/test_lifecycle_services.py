"""The pupil life cycle through its services, on the database (§6–§9, §14–§19).

Every rule these services apply is proven without a database in test_lifecycle_rules.py; here
we prove that the services apply it, write what they should, refuse what they should (and then
change nothing), tell the homes once, and free the place for the next in line.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from enrollment.models import (
    AbsenceReport,
    Application,
    Attendance,
    ConferenceSlot,
    Discipline,
    EffortAcknowledgement,
    GroupMember,
    Leave,
    Lesson,
    Notice,
    Offer,
    OfficeHours,
    ParentWorkGroupMember,
    Placement,
    SchoolHoliday,
    Term,
    Termination,
)
from enrollment.rules import TermRef
from enrollment.services import lifecycle
from enrollment.services.lifecycle import LifecycleError
from kulturskole.models import AuditEvent, OutboundMessage
from tests import factories
from waitlist import selectors
from waitlist.models import PlaceOffer

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
AUTUMN_2026 = TermRef(2026, "autumn")
SPRING_2027 = TermRef(2027, "spring")
AUTUMN_2027 = TermRef(2027, "autumn")


def at(day: str, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), tzinfo=OSLO)


def d(day: str) -> dt.date:
    return dt.date.fromisoformat(day)


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


# --- Data ---------------------------------------------------------------------------------------


@pytest.fixture
def autumn(school: Any) -> Term:
    """24 August – 18 December 2026."""
    return factories.TermFactory(school=school, year=2026, season=Term.Season.AUTUMN)


@pytest.fixture
def spring(school: Any) -> Term:
    """5 January – 19 June 2027."""
    return factories.TermFactory(school=school, year=2027, season=Term.Season.SPRING)


@pytest.fixture
def violin(school: Any) -> Offer:
    return factories.OfferFactory(school=school, name="Fiolin", capacity=1)


@pytest.fixture
def group(violin: Offer, autumn: Term, teacher_user: Any) -> Any:
    return factories.TeachingGroupFactory(
        offer=violin, term=autumn, teacher=teacher_user, weekday=OfficeHours.Weekday.TUESDAY
    )


@pytest.fixture
def placement(pupil: Any, violin: Offer, autumn: Term, guardian_user: Any) -> Placement:
    """Ola's violin place from autumn 2026, in his trial lessons (§6)."""
    return factories.PlacementFactory(
        pupil=pupil, offer=violin, starts_term=autumn, status=Placement.Status.TRIAL
    )


@pytest.fixture
def member(group: Any, placement: Placement, office_user: Any) -> GroupMember:
    return lifecycle.group_member_add(actor=office_user, group=group, placement=placement)


def family(school: Any, name: str, *emails: str) -> Any:
    household = factories.HouseholdFactory(school=school, name=name)
    for email in emails:
        factories.GuardianFactory(household=household, user__email=email, user__language="en")
    return household


def child_in(group: Any, household: Any, name: str, **kwargs: Any) -> Placement:
    """Another child with a place in the group's offer, in the group."""
    pupil = factories.PupilFactory(household=household, first_name=name)
    placement = factories.PlacementFactory(
        pupil=pupil, offer=group.offer, starts_term=group.term, **kwargs
    )
    GroupMember.objects.create(group=group, placement=placement)
    return placement


def lesson_on(group: Any, day: str, **kwargs: Any) -> Lesson:
    return Lesson.objects.create(
        group=group, date=d(day), starts_at=group.starts_at, ends_at=group.ends_at, **kwargs
    )


def messages(template: str) -> list[OutboundMessage]:
    return list(OutboundMessage.objects.filter(template=template).order_by("to_email"))


def register(teacher: Any, placement: Placement, marks: dict[str, str]) -> None:
    """Lessons of the placement's group on the days given, with present/absent marks."""
    group = GroupMember.objects.get(placement=placement).group
    for day, status in marks.items():
        lesson = Lesson.objects.filter(group=group, date=d(day)).first() or lesson_on(group, day)
        lifecycle.attendance_set(
            actor=teacher, lesson=lesson, placement=placement, status=status, now=at(day, 18)
        )


def tuesdays(first: str, last: str) -> list[dt.date]:
    day, end = d(first), d(last)
    day += dt.timedelta(days=(1 - day.weekday()) % 7)
    found = []
    while day <= end:
        found.append(day)
        day += dt.timedelta(days=7)
    return found


def pdf_text(pdf: bytes, tmp_path: Any) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    )
    return result.stdout


# --- Lessons --------------------------------------------------------------------------------------


def test_lessons_are_generated_on_the_group_weekday_through_the_term(group: Any, office_user: Any):
    made = lifecycle.lessons_generate(actor=office_user, group=group)
    dates = list(Lesson.objects.filter(group=group).values_list("date", flat=True))
    assert dates == tuesdays("2026-08-24", "2026-12-18")
    assert made == len(dates) == 17
    lesson = Lesson.objects.filter(group=group).first()
    assert (lesson.starts_at, lesson.ends_at) == (group.starts_at, group.ends_at)
    assert lesson.location_id == group.location_id
    assert AuditEvent.objects.filter(action="lessons.generated").count() == 1


def test_lessons_skip_norwegian_public_holidays_and_the_school_holidays(
    school: Any, violin: Offer, spring: Term, teacher_user: Any, office_user: Any
):
    # Mondays in spring 2027: Easter Monday is 29 March, Whit Monday and Constitution Day
    # both fall on 17 May; the school's winter break is week 8.
    monday = factories.TeachingGroupFactory(
        offer=violin, term=spring, teacher=teacher_user, weekday=OfficeHours.Weekday.MONDAY
    )
    SchoolHoliday.objects.create(
        school=school, name="Vinterferie", starts_on=d("2027-02-22"), ends_on=d("2027-02-26")
    )
    lifecycle.lessons_generate(actor=office_user, group=monday)
    dates = set(Lesson.objects.filter(group=monday).values_list("date", flat=True))
    assert not dates & {d("2027-02-22"), d("2027-03-29"), d("2027-05-17")}
    assert {d("2027-01-11"), d("2027-03-22"), d("2027-05-10"), d("2027-06-14")} <= dates
    assert len(dates) == 23 - 3


def test_another_schools_holidays_do_not_close_this_school(
    group: Any, other_school: Any, office_user: Any
):
    SchoolHoliday.objects.create(
        school=other_school, name="Høstferie", starts_on=d("2026-09-28"), ends_on=d("2026-10-02")
    )
    lifecycle.lessons_generate(actor=office_user, group=group)
    assert Lesson.objects.filter(group=group, date=d("2026-09-29")).exists()


def test_generating_lessons_twice_gives_the_same_lessons(group: Any, office_user: Any):
    first = lifecycle.lessons_generate(actor=office_user, group=group)
    assert lifecycle.lessons_generate(actor=office_user, group=group) == 0
    assert Lesson.objects.filter(group=group).count() == first
    assert AuditEvent.objects.filter(action="lessons.generated").count() == 1


def test_a_new_time_for_the_group_does_not_add_a_second_lesson_on_each_day(
    group: Any, office_user: Any
):
    first = lifecycle.lessons_generate(actor=office_user, group=group)
    group.starts_at, group.ends_at = dt.time(18), dt.time(18, 45)
    group.save()
    assert lifecycle.lessons_generate(actor=office_user, group=group) == 0
    assert Lesson.objects.filter(group=group).count() == first


def test_s8a_a_moved_lesson_is_not_generated_again_on_its_old_day(group: Any, office_user: Any):
    lifecycle.lessons_generate(actor=office_user, group=group)
    lesson = Lesson.objects.get(group=group, date=d("2026-09-08"))
    lifecycle.lesson_change(
        actor=office_user,
        lesson=lesson,
        date=d("2026-09-10"),
        starts_at=group.starts_at,
        ends_at=group.ends_at,
    )
    assert lifecycle.lessons_generate(actor=office_user, group=group) == 0
    assert not Lesson.objects.filter(group=group, date=d("2026-09-08")).exists()


# --- Group members ----------------------------------------------------------------------------


def test_a_place_in_the_groups_offer_joins_the_group_once(
    group: Any, placement: Placement, office_user: Any
):
    first = lifecycle.group_member_add(actor=office_user, group=group, placement=placement)
    again = lifecycle.group_member_add(actor=office_user, group=group, placement=placement)
    assert first == again
    assert AuditEvent.objects.filter(action="group.member_added").count() == 1


def test_a_place_in_another_offer_cannot_join_the_group(
    group: Any, school: Any, household: Any, office_user: Any
):
    cello = factories.OfferFactory(school=school, name="Cello")
    other = factories.PlacementFactory(
        pupil=factories.PupilFactory(household=household), offer=cello, starts_term=group.term
    )
    with pytest.raises(LifecycleError, match="another offer"):
        lifecycle.group_member_add(actor=office_user, group=group, placement=other)
    assert not GroupMember.objects.exists()


def test_an_ended_place_cannot_join_the_group(group: Any, placement: Placement, office_user: Any):
    placement.status = Placement.Status.ENDED
    placement.save()
    with pytest.raises(LifecycleError, match="ended"):
        lifecycle.group_member_add(actor=office_user, group=group, placement=placement)


def test_removing_a_member_is_recorded(member: GroupMember, office_user: Any):
    lifecycle.group_member_remove(actor=office_user, member=member)
    assert not GroupMember.objects.exists()
    assert AuditEvent.objects.filter(action="group.member_removed").count() == 1


# --- §8 Cancelled and changed lessons ---------------------------------------------------------


def test_s8_cancelling_a_lesson_tells_every_household_of_the_group_once(
    school: Any, group: Any, member: GroupMember, office_user: Any
):
    berg = family(school, "Berg", "berg1@example.org", "berg2@example.org")
    child_in(group, berg, "Nora")
    gone = child_in(group, family(school, "Dahl", "dahl@example.org"), "Iver")
    gone.status = Placement.Status.ENDED
    gone.save()
    lesson = lesson_on(group, "2026-09-08")

    lifecycle.lesson_cancel(
        actor=office_user, lesson=lesson, reason=" Teacher ill ", now=at("2026-09-08", 9)
    )

    lesson.refresh_from_db()
    assert lesson.is_cancelled and lesson.cancellation_reason == "Teacher ill"
    assert lesson.cancelled_at == at("2026-09-08", 9)
    sent = messages("lesson_cancelled")
    assert [m.to_email for m in sent] == [
        "berg1@example.org",
        "berg2@example.org",
        "guardian@example.org",
    ]
    assert "Teacher ill" in sent[0].context["body"]
    assert "/family/lessons/" in sent[0].context["body"]
    with pytest.raises(LifecycleError, match="already cancelled"):
        lifecycle.lesson_cancel(actor=office_user, lesson=lesson, reason="again")
    assert len(messages("lesson_cancelled")) == 3
    assert AuditEvent.objects.filter(action="lesson.cancelled").count() == 1


def test_s8a_moving_a_lesson_keeps_the_first_day_and_tells_the_homes(
    group: Any, member: GroupMember, office_user: Any, teacher_user: Any
):
    lesson = lesson_on(group, "2026-09-08")
    lifecycle.lesson_change(
        actor=office_user,
        lesson=lesson,
        date=d("2026-09-10"),
        starts_at=dt.time(16),
        ends_at=dt.time(16, 45),
        substitute=teacher_user,
        room=" Sal 2 ",
        kind=Lesson.Kind.REHEARSAL,
    )
    lesson.refresh_from_db()
    assert lesson.moved_from == d("2026-09-08")
    assert (lesson.date, lesson.starts_at, lesson.room) == (d("2026-09-10"), dt.time(16), "Sal 2")
    assert lesson.kind == Lesson.Kind.REHEARSAL and lesson.substitute == teacher_user
    assert len(messages("lesson_changed")) == 1

    # Moved once more: still moved from the day in the timetable, and told again.
    lifecycle.lesson_change(
        actor=office_user,
        lesson=lesson,
        date=d("2026-09-11"),
        starts_at=dt.time(16),
        ends_at=dt.time(16, 45),
        substitute=teacher_user,
    )
    lesson.refresh_from_db()
    assert lesson.moved_from == d("2026-09-08")
    assert len(messages("lesson_changed")) == 2


def test_s17_changing_only_the_room_or_kind_sends_nothing(
    group: Any, member: GroupMember, office_user: Any
):
    lesson = lesson_on(group, "2026-09-08")
    lifecycle.lesson_change(
        actor=office_user,
        lesson=lesson,
        date=lesson.date,
        starts_at=lesson.starts_at,
        ends_at=lesson.ends_at,
        room="Konsertsalen",
        kind=Lesson.Kind.PERFORMANCE,
    )
    lesson.refresh_from_db()
    assert lesson.kind == Lesson.Kind.PERFORMANCE and lesson.moved_from is None
    assert messages("lesson_changed") == []


def test_a_lesson_cannot_be_moved_onto_another_lesson_or_end_before_it_starts(
    group: Any, office_user: Any
):
    lesson = lesson_on(group, "2026-09-08")
    lesson_on(group, "2026-09-15")
    with pytest.raises(LifecycleError, match="already has a lesson"):
        lifecycle.lesson_change(
            actor=office_user,
            lesson=lesson,
            date=d("2026-09-15"),
            starts_at=group.starts_at,
            ends_at=group.ends_at,
        )
    with pytest.raises(LifecycleError, match="end after it starts"):
        lifecycle.lesson_change(
            actor=office_user,
            lesson=lesson,
            date=lesson.date,
            starts_at=dt.time(18),
            ends_at=dt.time(17),
        )
    lesson.refresh_from_db()
    assert lesson.date == d("2026-09-08") and lesson.moved_from is None


def test_a_cancelled_lesson_cannot_be_changed(group: Any, office_user: Any):
    lesson = lesson_on(group, "2026-09-08", status=Lesson.Status.CANCELLED)
    with pytest.raises(LifecycleError, match="cancelled"):
        lifecycle.lesson_change(
            actor=office_user,
            lesson=lesson,
            date=d("2026-09-09"),
            starts_at=group.starts_at,
            ends_at=group.ends_at,
        )


# --- §7 Attendance and absence ----------------------------------------------------------------


def test_attendance_is_registered_once_per_lesson_and_can_be_corrected(
    group: Any, member: GroupMember, placement: Placement, teacher_user: Any
):
    lesson = lesson_on(group, "2026-09-08")
    lifecycle.attendance_set(
        actor=teacher_user,
        lesson=lesson,
        placement=placement,
        status="absent",
        now=at("2026-09-08"),
    )
    lifecycle.attendance_set(
        actor=teacher_user, lesson=lesson, placement=placement, status="present"
    )
    assert Attendance.objects.get().status == Attendance.Status.PRESENT


def test_no_attendance_is_registered_for_a_cancelled_lesson(
    group: Any, member: GroupMember, placement: Placement, teacher_user: Any
):
    lesson = lesson_on(group, "2026-09-08", status=Lesson.Status.CANCELLED)
    with pytest.raises(LifecycleError, match="cancelled"):
        lifecycle.attendance_set(
            actor=teacher_user, lesson=lesson, placement=placement, status="present"
        )
    assert not Attendance.objects.exists()


def test_no_attendance_is_registered_for_a_pupil_outside_the_group(
    group: Any, placement: Placement, teacher_user: Any
):
    lesson = lesson_on(group, "2026-09-08")
    with pytest.raises(LifecycleError, match="not in this group"):
        lifecycle.attendance_set(
            actor=teacher_user, lesson=lesson, placement=placement, status="present"
        )
    assert not Attendance.objects.exists()


def test_values_outside_the_choices_are_refused(
    group: Any, member: GroupMember, placement: Placement, teacher_user: Any, autumn: Term
):
    lesson = lesson_on(group, "2026-09-15")
    with pytest.raises(LifecycleError, match="present or absent"):
        lifecycle.attendance_set(
            actor=teacher_user, lesson=lesson, placement=placement, status="late"
        )
    with pytest.raises(LifecycleError, match="how the absence"):
        lifecycle.absence_report(
            actor=teacher_user, pupil=placement.pupil, lessons=[lesson], via="pigeon"
        )
    with pytest.raises(LifecycleError, match="effort"):
        lifecycle.effort_assess(
            actor=teacher_user, placement=placement, term=autumn, level="superb"
        )
    assert not Attendance.objects.exists() and not AbsenceReport.objects.exists()


def test_s6_the_place_is_active_once_the_third_lesson_is_attended(
    member: GroupMember, placement: Placement, teacher_user: Any
):
    register(teacher_user, placement, {"2026-08-25": "present", "2026-09-01": "absent"})
    register(teacher_user, placement, {"2026-09-08": "present"})
    placement.refresh_from_db()
    assert placement.status == Placement.Status.TRIAL  # two attended: still the trial
    register(teacher_user, placement, {"2026-09-15": "present"})
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ACTIVE


def test_s7_the_home_reports_absence_online_for_coming_lessons_only(
    group: Any, member: GroupMember, pupil: Any, guardian_user: Any
):
    past, coming = lesson_on(group, "2026-09-08"), lesson_on(group, "2026-09-15")
    with pytest.raises(LifecycleError, match="bring a note"):
        lifecycle.absence_report(
            actor=guardian_user, pupil=pupil, lessons=[past], via="online", now=at("2026-09-10")
        )
    made = lifecycle.absence_report(
        actor=guardian_user,
        pupil=pupil,
        lessons=[coming],
        via="online",
        reason=" Sick ",
        now=at("2026-09-10"),
    )
    assert made == 1
    report = AbsenceReport.objects.get()
    assert (report.lesson, report.via, report.reason) == (coming, "online", "Sick")
    assert report.reported_by == guardian_user


def test_s7_a_refused_report_of_several_lessons_records_none_of_them(
    group: Any, member: GroupMember, pupil: Any, guardian_user: Any
):
    coming, past = lesson_on(group, "2026-09-15"), lesson_on(group, "2026-09-08")
    with pytest.raises(LifecycleError):
        lifecycle.absence_report(
            actor=guardian_user,
            pupil=pupil,
            lessons=[coming, past],
            via="online",
            now=at("2026-09-10"),
        )
    assert not AbsenceReport.objects.exists()
    assert not AuditEvent.objects.filter(action="absence.reported").exists()


@pytest.mark.parametrize("via", ["phone", "email", "teacher", "note"])
def test_s7_office_and_teacher_record_a_report_for_a_past_lesson(
    group: Any, member: GroupMember, pupil: Any, office_user: Any, via: str
):
    past = lesson_on(group, "2026-09-08")
    Attendance.objects.create(
        lesson=past,
        placement=member.placement,
        status=Attendance.Status.ABSENT,
        recorded_at=at("2026-09-08"),
    )
    assert (
        lifecycle.absence_report(
            actor=office_user, pupil=pupil, lessons=[past], via=via, now=at("2026-09-10")
        )
        == 1
    )
    assert AbsenceReport.objects.get().via == via


def test_s7_a_note_is_only_for_a_lesson_the_pupil_was_registered_absent_from(
    group: Any, member: GroupMember, pupil: Any, teacher_user: Any
):
    past = lesson_on(group, "2026-09-08")
    with pytest.raises(lifecycle.LifecycleError, match="registered absent"):
        lifecycle.absence_report(
            actor=teacher_user, pupil=pupil, lessons=[past], via="note", now=at("2026-09-10")
        )


def test_s7_reporting_the_same_absence_twice_records_it_once(
    group: Any, member: GroupMember, pupil: Any, guardian_user: Any
):
    lessons = [lesson_on(group, "2026-09-15"), lesson_on(group, "2026-09-22")]
    report = {"actor": guardian_user, "pupil": pupil, "via": "online", "now": at("2026-09-10")}
    assert lifecycle.absence_report(lessons=lessons, **report) == 2
    assert lifecycle.absence_report(lessons=lessons, **report) == 0
    assert AbsenceReport.objects.count() == 2
    assert AuditEvent.objects.filter(action="absence.reported").count() == 1


def test_s7_an_absence_is_reported_only_for_a_lesson_of_the_pupils_groups(
    group: Any, member: GroupMember, school: Any, guardian_user: Any, teacher_user: Any
):
    cello = factories.OfferFactory(school=school, name="Cello")
    other_group = factories.TeachingGroupFactory(offer=cello, term=group.term)
    stranger = factories.PupilFactory(household=family(school, "Berg"))
    with pytest.raises(LifecycleError, match="not in this group"):
        lifecycle.absence_report(
            actor=guardian_user,
            pupil=stranger,
            lessons=[lesson_on(group, "2026-09-15")],
            via="online",
            now=at("2026-09-10"),
        )
    with pytest.raises(LifecycleError, match="not in this group"):
        lifecycle.absence_report(
            actor=teacher_user,
            pupil=member.placement.pupil,
            lessons=[lesson_on(other_group, "2026-09-15")],
            via="teacher",
            now=at("2026-09-10"),
        )
    assert not AbsenceReport.objects.exists()


# --- §6 Trial and withdrawal --------------------------------------------------------------------


def test_s6_withdrawal_before_the_third_attendance_ends_the_place_without_charge(
    member: GroupMember, placement: Placement, guardian_user: Any, teacher_user: Any
):
    register(teacher_user, placement, {"2026-08-25": "present", "2026-09-01": "present"})
    assert lifecycle.trial_state_of(placement, today=d("2026-09-03")).lessons_left == 0
    lifecycle.trial_withdraw(actor=guardian_user, placement=placement, now=at("2026-09-03"))
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ENDED
    assert placement.end_reason == Placement.EndReason.TRIAL_WITHDRAWAL
    assert placement.ends_on == d("2026-09-03")
    assert [m.to_email for m in messages("trial_withdrawal")] == ["guardian@example.org"]
    assert AuditEvent.objects.filter(action="placement.trial_withdrawal").count() == 1
    with pytest.raises(LifecycleError, match="already ended"):
        lifecycle.trial_withdraw(actor=guardian_user, placement=placement, now=at("2026-09-04"))


def test_s6_a_withdrawal_before_the_first_lesson_ends_the_place_on_its_first_day(
    placement: Placement, guardian_user: Any
):
    assert lifecycle.trial_state_of(placement, today=d("2026-08-01")).lessons_left == 2
    lifecycle.trial_withdraw(actor=guardian_user, placement=placement, now=at("2026-08-01"))
    placement.refresh_from_db()
    assert placement.ends_on == placement.starts_on == d("2026-08-24")


def test_s6_withdrawal_is_refused_after_the_third_attendance(
    member: GroupMember, placement: Placement, guardian_user: Any, teacher_user: Any
):
    register(
        teacher_user,
        placement,
        {"2026-08-25": "present", "2026-09-01": "present", "2026-09-08": "present"},
    )
    with pytest.raises(LifecycleError, match="trial lessons are used"):
        lifecycle.trial_withdraw(actor=guardian_user, placement=placement, now=at("2026-09-09"))
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ACTIVE and placement.ends_on is None


def test_s6b_withdrawal_is_refused_in_a_later_term(placement: Placement, guardian_user: Any):
    with pytest.raises(LifecycleError, match="first term"):
        lifecycle.trial_withdraw(actor=guardian_user, placement=placement, now=at("2027-01-12"))
    placement.refresh_from_db()
    assert placement.status == Placement.Status.TRIAL


def test_s6b_withdrawal_is_refused_for_an_offer_the_pupil_attended_before(
    pupil: Any, violin: Offer, school: Any, autumn: Term, guardian_user: Any
):
    earlier_term = factories.TermFactory(school=school, year=2025, season=Term.Season.AUTUMN)
    factories.PlacementFactory(
        pupil=pupil,
        offer=violin,
        starts_term=earlier_term,
        status=Placement.Status.ENDED,
        ends_on=d("2025-12-19"),
    )
    again = factories.PlacementFactory(
        pupil=pupil, offer=violin, starts_term=autumn, status=Placement.Status.TRIAL
    )
    with pytest.raises(LifecycleError, match="not attended before"):
        lifecycle.trial_withdraw(actor=guardian_user, placement=again, now=at("2026-08-26"))


def test_s6_withdrawal_frees_the_place_and_the_next_in_line_is_offered_it(
    school: Any,
    violin: Offer,
    placement: Placement,
    guardian_user: Any,
    django_capture_on_commit_callbacks: Any,
):
    factories.FeeScheduleFactory(school=school, school_year=2026)
    waiting_pupil = factories.PupilFactory(
        household=family(school, "Berg", "berg@example.org"), first_name="Nora"
    )
    waiting = factories.ApplicationFactory(pupil=waiting_pupil, offer=violin)
    with (
        time_machine.travel(at("2026-09-03"), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        lifecycle.trial_withdraw(actor=guardian_user, placement=placement)
    assert PlaceOffer.objects.get().application == waiting
    waiting.refresh_from_db()
    assert waiting.status == Application.Status.OFFERED


# --- §9 Notice from the home ----------------------------------------------------------------------


@pytest.fixture
def active(placement: Placement, spring: Term) -> Placement:
    placement.status = Placement.Status.ACTIVE
    placement.save()
    return placement


def test_s9b_notice_on_15_november_ends_the_place_after_the_autumn_term(
    active: Placement, guardian_user: Any
):
    preview = lifecycle.notice_preview(active, today=d("2026-11-15"))
    assert preview.last_term == AUTUMN_2026
    assert preview.ends_on == d("2026-12-18")
    assert preview.billed == [AUTUMN_2026]
    assert not preview.binds_next_term and not preview.before_start

    notice = lifecycle.notice_give(
        actor=guardian_user, placement=active, reason=" Moving ", now=at("2026-11-15")
    )
    active.refresh_from_db()
    assert (notice.ends_on, notice.last_term.season, notice.reason) == (
        d("2026-12-18"),
        "autumn",
        "Moving",
    )
    assert active.ends_on == d("2026-12-18") and active.end_reason == Placement.EndReason.NOTICE
    assert active.status == Placement.Status.ACTIVE  # taught until the term ends
    assert [m.to_email for m in messages("notice_received")] == ["guardian@example.org"]


def test_s9b_notice_late_on_1_december_norwegian_time_still_counts_for_the_autumn_term(
    active: Placement, guardian_user: Any
):
    notice = lifecycle.notice_give(
        actor=guardian_user, placement=active, now=at("2026-12-01", 23, 30)
    )
    assert notice.ends_on == d("2026-12-18")


def test_s9c_notice_on_2_december_binds_the_spring_term(active: Placement, guardian_user: Any):
    preview = lifecycle.notice_preview(active, today=d("2026-12-02"))
    assert preview.last_term == SPRING_2027
    assert preview.billed == [AUTUMN_2026, SPRING_2027]
    assert preview.binds_next_term
    notice = lifecycle.notice_give(actor=guardian_user, placement=active, now=at("2026-12-02"))
    assert notice.ends_on == d("2027-06-19") and notice.last_term.year == 2027


def test_s9b_notice_on_1_june_ends_the_place_after_the_spring_term(
    active: Placement, guardian_user: Any
):
    preview = lifecycle.notice_preview(active, today=d("2027-06-01"))
    assert preview.last_term == SPRING_2027
    assert preview.billed == [SPRING_2027]
    assert not preview.binds_next_term
    assert lifecycle.notice_give(
        actor=guardian_user, placement=active, now=at("2027-06-01")
    ).ends_on == d("2027-06-19")


def test_s9c_notice_on_2_june_binds_the_autumn_term(active: Placement, guardian_user: Any):
    preview = lifecycle.notice_preview(active, today=d("2027-06-02"))
    assert preview.last_term == AUTUMN_2027
    assert preview.billed == [SPRING_2027, AUTUMN_2027]
    assert preview.binds_next_term
    # The school has not entered autumn 2027 yet: the place ends with the calendar half-year.
    assert preview.ends_on is None
    notice = lifecycle.notice_give(actor=guardian_user, placement=active, now=at("2027-06-02"))
    assert notice.ends_on == d("2027-12-31") and notice.last_term is None


def test_s9a_a_course_binds_for_the_whole_course(
    school: Any, pupil: Any, autumn: Term, guardian_user: Any
):
    course = factories.OfferFactory(
        school=school,
        kind=Offer.Kind.COURSE,
        course_starts_on=d("2026-09-09"),
        course_ends_on=d("2026-11-11"),
    )
    place = factories.PlacementFactory(
        pupil=pupil, offer=course, starts_term=autumn, starts_on=d("2026-09-09")
    )
    preview = lifecycle.notice_preview(place, today=d("2026-10-01"))
    assert preview.last_term is None and preview.ends_on == d("2026-11-11")
    assert preview.billed == [] and not preview.before_start
    notice = lifecycle.notice_give(actor=guardian_user, placement=place, now=at("2026-10-01"))
    place.refresh_from_db()
    assert notice.ends_on == place.ends_on == d("2026-11-11")
    assert place.status == Placement.Status.ACTIVE


def test_s9b_notice_for_a_place_that_has_not_started_ends_it_with_nothing_billed(
    school: Any,
    pupil: Any,
    violin: Offer,
    spring: Term,
    autumn: Term,
    guardian_user: Any,
    django_capture_on_commit_callbacks: Any,
):
    later = factories.PlacementFactory(
        pupil=pupil, offer=violin, starts_term=spring, status=Placement.Status.TRIAL
    )
    preview = lifecycle.notice_preview(later, today=d("2026-11-15"))
    assert preview.billed == [] and preview.before_start
    with django_capture_on_commit_callbacks() as callbacks:
        lifecycle.notice_give(actor=guardian_user, placement=later, now=at("2026-11-15"))
    later.refresh_from_db()
    assert later.status == Placement.Status.ENDED
    assert later.ends_on == later.starts_on  # it never ran
    assert len(callbacks) >= 1  # the place is freed after commit


def test_s19_notice_does_not_keep_a_place_past_the_upper_age(active: Placement, guardian_user: Any):
    active.ends_on, active.end_reason = d("2026-12-31"), Placement.EndReason.UPPER_AGE
    active.save()
    preview = lifecycle.notice_preview(active, today=d("2026-12-02"))
    assert preview.last_term == AUTUMN_2026 and preview.billed == [AUTUMN_2026]
    assert preview.ends_on == d("2026-12-31") and not preview.binds_next_term
    notice = lifecycle.notice_give(actor=guardian_user, placement=active, now=at("2026-12-02"))
    active.refresh_from_db()
    assert notice.ends_on == active.ends_on == d("2026-12-31")
    assert active.end_reason == Placement.EndReason.UPPER_AGE


def test_s9b_notice_is_given_once(active: Placement, guardian_user: Any):
    lifecycle.notice_give(actor=guardian_user, placement=active, now=at("2026-11-15"))
    with pytest.raises(LifecycleError, match="already been given"):
        lifecycle.notice_give(actor=guardian_user, placement=active, now=at("2026-11-16"))
    assert Notice.objects.count() == 1
    assert len(messages("notice_received")) == 1


# --- §9d–f Termination by the school ------------------------------------------------------------


@pytest.fixture
def terminable(active: Placement, member: GroupMember, guardian_user: Any) -> Placement:
    # Letters and e-mails go out in the household's language; this household reads English.
    guardian_user.language = "en"
    guardian_user.save()
    return active


def absences(teacher: Any, placement: Placement, pattern: str, first: str = "2026-08-25") -> None:
    """One Tuesday lesson per letter: P present, A absent without notice, R reported."""
    days = tuesdays(first, "2026-12-18")
    for day, mark in zip(days, pattern, strict=False):
        register(teacher, placement, {day.isoformat(): "present" if mark == "P" else "absent"})
        if mark == "R":
            lesson = Lesson.objects.get(date=day)
            lifecycle.absence_report(
                actor=teacher, pupil=placement.pupil, lessons=[lesson], via="phone"
            )


def decide(placement: Placement, actor: Any, reason: str, **kwargs: Any) -> Termination:
    arguments = {
        "justification": "Tre fravær uten melding.",
        "effective_on": d("2026-10-20"),
        "now": at("2026-10-20", 10),
        **kwargs,
    }
    return lifecycle.termination_decide(
        actor=actor, placement=placement, reason=reason, **arguments
    )


@pytest.mark.parametrize("reason", [choice for choice, _label in Termination.Reason.choices])
def test_s9f_a_termination_needs_a_written_justification(
    terminable: Placement, principal_user: Any, autumn: Term, reason: str
):
    with pytest.raises(LifecycleError, match="justification"):
        decide(terminable, principal_user, reason, justification="  ", term=autumn)
    assert not Termination.objects.exists()
    terminable.refresh_from_db()
    assert terminable.ends_on is None


@pytest.mark.parametrize(
    "reason", [Termination.Reason.CONSECUTIVE_ABSENCES, Termination.Reason.TOTAL_ABSENCES]
)
def test_s9d_termination_for_absences_needs_the_absences_in_the_term(
    terminable: Placement, principal_user: Any, teacher_user: Any, autumn: Term, reason: str
):
    # Two unreported in a row, then one reported, then one more: neither ii nor iii.
    absences(teacher_user, terminable, "PAARAP")
    with pytest.raises(LifecycleError, match="do not meet"):
        decide(terminable, principal_user, reason, term=autumn)
    with pytest.raises(LifecycleError, match="Choose the term"):
        decide(terminable, principal_user, reason)
    assert not Termination.objects.exists()


def test_s9d_ii_three_unreported_absences_in_a_row_allow_termination(
    terminable: Placement, principal_user: Any, teacher_user: Any, autumn: Term, tmp_path: Any
):
    absences(teacher_user, terminable, "PPAAAP")
    termination = decide(
        terminable, principal_user, Termination.Reason.CONSECUTIVE_ABSENCES, term=autumn
    )
    assert termination.appealable
    terminable.refresh_from_db()
    assert terminable.status == Placement.Status.ENDED
    assert terminable.ends_on == d("2026-10-20")
    assert terminable.end_reason == Placement.EndReason.TERMINATION
    event = AuditEvent.objects.get(action="placement.terminated")
    assert event.data["lessons"] == ["2026-09-08", "2026-09-15", "2026-09-22"]
    assert event.reason == "Tre fravær uten melding."
    text = pdf_text(termination.letter.read(), tmp_path)
    assert "§9d ii" in text and "Right to appeal" in text


def test_s9d_iii_four_unreported_absences_in_a_term_allow_termination(
    terminable: Placement, principal_user: Any, teacher_user: Any, autumn: Term
):
    absences(teacher_user, terminable, "APAPAPAP")
    termination = decide(terminable, principal_user, Termination.Reason.TOTAL_ABSENCES, term=autumn)
    assert termination.reason == "total"
    event = AuditEvent.objects.get(action="placement.terminated")
    assert len(event.data["lessons"]) == 4


def test_s9d_a_termination_from_a_later_day_keeps_the_place_until_then(
    terminable: Placement, principal_user: Any
):
    decide(
        terminable,
        principal_user,
        Termination.Reason.INTEREST_DISCIPLINE,
        effective_on=d("2026-11-01"),
    )
    terminable.refresh_from_db()
    assert terminable.status == Placement.Status.ACTIVE and terminable.ends_on == d("2026-11-01")
    with pytest.raises(LifecycleError, match="before the decision"):
        decide(
            factories.PlacementFactory(offer=terminable.offer, starts_term=terminable.starts_term),
            principal_user,
            Termination.Reason.INTEREST_DISCIPLINE,
            effective_on=d("2026-10-19"),
        )


def test_s9f_the_decision_letter_is_a_pdf_naming_pupil_rule_and_justification(
    terminable: Placement, principal_user: Any, school: Any, tmp_path: Any
):
    termination = decide(
        terminable,
        principal_user,
        Termination.Reason.NON_PAYMENT,
        justification="Fakturaene for høsten 2026 er ikke betalt etter to purringer.",
    )
    pdf = termination.letter.read()
    assert pdf.startswith(b"%PDF")
    assert len(termination.letter_sha256) == 64
    text = " ".join(pdf_text(pdf, tmp_path).split())
    assert terminable.pupil.full_name in text
    assert "§9d" in text
    assert "Fakturaene for høsten 2026 er ikke betalt etter to purringer." in text
    assert school.name in text
    assert "cannot be appealed" in text


def test_s9f_the_letter_is_e_mailed_home_with_the_pdf_attached(
    terminable: Placement,
    principal_user: Any,
    household: Any,
    django_capture_on_commit_callbacks: Any,
):
    factories.GuardianFactory(household=household, user__email="second@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        termination = decide(terminable, principal_user, Termination.Reason.INTEREST_DISCIPLINE)
    assert sorted(m.to[0] for m in mail.outbox) == ["guardian@example.org", "second@example.org"]
    for message in mail.outbox:
        [(name, content, mimetype)] = message.attachments
        # Each guardian's copy is stored apart, but arrives under the name the school chose.
        assert name == f"vedtak-{termination.pk}.pdf"
        assert content.startswith(b"%PDF") and mimetype == "application/pdf"
        # Each guardian reads it in their own language (the second one Bokmål).
        assert "appeal" in message.body or "klage" in message.body


def test_s9d_a_reason_outside_the_rule_is_refused(terminable: Placement, principal_user: Any):
    with pytest.raises(LifecycleError, match="reasons in §9d"):
        decide(terminable, principal_user, "bad_manners")
    assert not Termination.objects.exists()


def test_s9d_a_place_that_has_ended_cannot_be_terminated(
    terminable: Placement, principal_user: Any
):
    decide(terminable, principal_user, Termination.Reason.INTEREST_DISCIPLINE)
    with pytest.raises(LifecycleError, match="already ended"):
        decide(terminable, principal_user, Termination.Reason.NON_PAYMENT)
    assert Termination.objects.count() == 1


def test_s9f_a_decision_for_non_payment_cannot_be_appealed(
    terminable: Placement, principal_user: Any
):
    termination = decide(terminable, principal_user, Termination.Reason.NON_PAYMENT)
    with pytest.raises(LifecycleError, match="non-payment"):
        lifecycle.termination_appeal_register(
            actor=principal_user, termination=termination, received_on=d("2026-10-25"), text="x"
        )
    termination.refresh_from_db()
    assert termination.appeal == ""


def test_s9f_an_overturned_appeal_gives_the_place_back(terminable: Placement, principal_user: Any):
    termination = decide(terminable, principal_user, Termination.Reason.INTEREST_DISCIPLINE)
    lifecycle.termination_appeal_register(
        actor=principal_user,
        termination=termination,
        received_on=d("2026-10-25"),
        text=" Vi klager. ",
    )
    with pytest.raises(LifecycleError, match="already registered"):
        lifecycle.termination_appeal_register(
            actor=principal_user, termination=termination, received_on=d("2026-10-26"), text="x"
        )
    with pytest.raises(LifecycleError, match="appeal body decided"):
        lifecycle.termination_appeal_resolve(
            actor=principal_user, termination=termination, overturned=True, resolution=" "
        )
    lifecycle.termination_appeal_resolve(
        actor=principal_user,
        termination=termination,
        overturned=True,
        resolution="Skolesjefen opphever vedtaket.",
        now=at("2026-11-10"),
    )
    termination.refresh_from_db()
    terminable.refresh_from_db()
    assert termination.appeal == Termination.Appeal.OVERTURNED
    assert termination.appeal_text == "Vi klager."
    assert termination.appeal_resolved_by == principal_user
    assert terminable.status == Placement.Status.ACTIVE
    assert terminable.ends_on is None and terminable.end_reason == ""
    assert len(messages("termination_appeal")) == 1
    with pytest.raises(LifecycleError, match="no open appeal"):
        lifecycle.termination_appeal_resolve(
            actor=principal_user, termination=termination, overturned=False, resolution="x"
        )


def test_s9f_an_upheld_appeal_leaves_the_place_ended(terminable: Placement, principal_user: Any):
    termination = decide(terminable, principal_user, Termination.Reason.INTEREST_DISCIPLINE)
    lifecycle.termination_appeal_register(
        actor=principal_user, termination=termination, received_on=d("2026-10-25"), text="x"
    )
    lifecycle.termination_appeal_resolve(
        actor=principal_user, termination=termination, overturned=False, resolution="Står ved lag."
    )
    terminable.refresh_from_db()
    assert terminable.status == Placement.Status.ENDED


# --- §14 Leave ----------------------------------------------------------------------------------


def doctors_note() -> SimpleUploadedFile:
    return SimpleUploadedFile("legeerklaering.pdf", b"%PDF-1.4 note", "application/pdf")


def apply_for_leave(placement: Placement, actor: Any, **kwargs: Any) -> Leave:
    arguments = {
        "reason": Leave.Reason.ILLNESS,
        "starts_on": d("2026-10-01"),
        "expected_weeks": 8,
        "doctor_note": doctors_note(),
        "now": at("2026-09-28"),
        **kwargs,
    }
    return lifecycle.leave_apply(actor=actor, placement=placement, **arguments)


def test_s14b_leave_for_another_reason_is_saved_as_refused_with_the_explanation(
    active: Placement, guardian_user: Any
):
    leave = apply_for_leave(
        active, guardian_user, reason=Leave.Reason.OTHER, description="Reise", doctor_note=None
    )
    assert leave.status == Leave.Status.REFUSED
    assert "§14b" in leave.decision_note
    assert leave.decided_at == at("2026-09-28")
    active.refresh_from_db()
    assert active.status == Placement.Status.ACTIVE


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"expected_weeks": 4}, "longer than 4"),
        ({"doctor_note": None}, "doctor's note"),
    ],
)
def test_s14a_leave_for_illness_needs_more_than_four_weeks_and_a_doctors_note(
    active: Placement, guardian_user: Any, kwargs: dict[str, Any], message: str
):
    with pytest.raises(LifecycleError, match=message):
        apply_for_leave(active, guardian_user, **kwargs)
    assert not Leave.objects.exists()


def test_s14a_leave_for_illness_with_a_doctors_note_is_applied_for(
    active: Placement, guardian_user: Any
):
    leave = apply_for_leave(active, guardian_user)
    assert leave.status == Leave.Status.APPLIED
    assert leave.doctor_note.read() == b"%PDF-1.4 note"
    # The note keeps its kind of file, so the office can open it.
    assert leave.doctor_note.name.endswith(".pdf")
    with pytest.raises(LifecycleError, match="already a leave application"):
        apply_for_leave(active, guardian_user)


def test_s14_an_ended_place_gets_no_leave(active: Placement, guardian_user: Any, office_user: Any):
    leave = apply_for_leave(active, guardian_user)
    active.status = Placement.Status.ENDED
    active.save()
    with pytest.raises(LifecycleError, match="ended"):
        lifecycle.leave_decide(actor=office_user, leave=leave, approve=True)
    with pytest.raises(LifecycleError, match="ended"):
        apply_for_leave(active, guardian_user)
    active.refresh_from_db()
    assert active.status == Placement.Status.ENDED


def test_s14a_approved_leave_frees_the_place_for_the_next_in_line(
    school: Any,
    violin: Offer,
    active: Placement,
    guardian_user: Any,
    office_user: Any,
    django_capture_on_commit_callbacks: Any,
):
    factories.FeeScheduleFactory(school=school, school_year=2026)
    waiting = factories.ApplicationFactory(
        pupil=factories.PupilFactory(household=family(school, "Berg")), offer=violin
    )
    leave = apply_for_leave(active, guardian_user)
    with (
        time_machine.travel(at("2026-09-30"), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        lifecycle.leave_decide(actor=office_user, leave=leave, approve=True)
    leave.refresh_from_db()
    active.refresh_from_db()
    assert leave.status == Leave.Status.APPROVED and leave.decided_by == office_user
    assert active.status == Placement.Status.ON_LEAVE
    assert PlaceOffer.objects.get().application == waiting
    assert len(messages("leave_decision")) == 1
    with pytest.raises(LifecycleError, match="already decided"):
        lifecycle.leave_decide(actor=office_user, leave=leave, approve=False, note="x")


def test_s14_refusing_leave_needs_a_reason_and_keeps_the_place(
    active: Placement, guardian_user: Any, office_user: Any
):
    leave = apply_for_leave(active, guardian_user)
    with pytest.raises(LifecycleError, match="why"):
        lifecycle.leave_decide(actor=office_user, leave=leave, approve=False, note=" ")
    lifecycle.leave_decide(actor=office_user, leave=leave, approve=False, note="Kort sykdom.")
    active.refresh_from_db()
    assert active.status == Placement.Status.ACTIVE


def test_s14a_back_from_leave_the_pupil_is_first_in_line(
    school: Any, violin: Offer, active: Placement, guardian_user: Any, office_user: Any
):
    earlier = factories.ApplicationFactory(
        pupil=factories.PupilFactory(household=family(school, "Berg")),
        offer=violin,
        seniority_date=d("2020-01-01"),
    )
    leave = apply_for_leave(active, guardian_user)
    lifecycle.leave_decide(actor=office_user, leave=leave, approve=True, now=at("2026-09-30"))
    application = lifecycle.leave_return(
        actor=office_user, leave=leave, recovered_on=d("2026-11-20"), now=at("2026-11-20")
    )
    assert application.kind == Application.Kind.RETURN
    assert application.status == Application.Status.WAITING
    assert (application.pupil, application.offer) == (active.pupil, violin)
    leave.refresh_from_db()
    assert leave.status == Leave.Status.ENDED and leave.return_application == application
    entries = selectors.waiting_lists([violin], today=d("2026-11-20"))[violin.pk].entries
    assert [e.application for e in entries] == [application, earlier]
    with pytest.raises(LifecycleError, match="approved leave"):
        lifecycle.leave_return(actor=office_user, leave=leave, recovered_on=d("2026-11-21"))


def test_s14a_a_pupil_already_on_the_list_returns_with_that_application(
    active: Placement, violin: Offer, guardian_user: Any, office_user: Any
):
    leave = apply_for_leave(active, guardian_user)
    lifecycle.leave_decide(actor=office_user, leave=leave, approve=True, now=at("2026-09-30"))
    again = factories.ApplicationFactory(
        pupil=active.pupil, offer=violin, seniority_date=d("2026-10-15")
    )
    application = lifecycle.leave_return(
        actor=office_user, leave=leave, recovered_on=d("2026-11-20"), now=at("2026-11-20")
    )
    assert application == again
    assert application.kind == Application.Kind.RETURN
    assert application.seniority_date == active.starts_on
    assert Application.objects.filter(pupil=active.pupil).count() == 1


# --- §15 Conference hours ---------------------------------------------------------------------


@pytest.fixture
def performer(school: Any, pupil: Any, autumn: Term, guardian_user: Any) -> Placement:
    track = factories.DepartmentFactory(school=school, name="Utøver", performer_track=True)
    offer = factories.OfferFactory(
        school=school,
        name="Utøver",
        department=track,
        effort_requirements="Øv 30 minutter hver dag.",
    )
    return factories.PlacementFactory(pupil=pupil, offer=offer, starts_term=autumn)


def slots(school: Any, teacher: Any, first: dt.datetime, count: int = 3) -> list[ConferenceSlot]:
    return lifecycle.conference_slots_publish(
        teacher=teacher, school=school, first_start=first, minutes=20, count=count, place="Rom 4"
    )


def test_s15_published_hours_follow_each_other_and_publishing_again_adds_none(
    school: Any, teacher_user: Any
):
    published = slots(school, teacher_user, at("2026-11-03", 16))
    assert [s.starts_at for s in published] == [
        at("2026-11-03", 16),
        at("2026-11-03", 16, 20),
        at("2026-11-03", 16, 40),
    ]
    slots(school, teacher_user, at("2026-11-03", 16))
    assert ConferenceSlot.objects.count() == 3
    with pytest.raises(LifecycleError):
        slots(school, teacher_user, at("2026-11-03", 16), count=0)


def test_s15a_a_performer_track_home_books_one_hour_per_half_year(
    school: Any, teacher_user: Any, performer: Placement, guardian_user: Any
):
    autumn_hours = slots(school, teacher_user, at("2026-11-03", 16))
    booked = lifecycle.conference_book(
        user=guardian_user, slot=autumn_hours[0], placement=performer, now=at("2026-10-20")
    )
    assert booked.placement == performer and booked.booked_by == guardian_user
    with pytest.raises(LifecycleError, match="half-year"):
        lifecycle.conference_book(
            user=guardian_user, slot=autumn_hours[1], placement=performer, now=at("2026-10-20")
        )
    spring_hour = slots(school, teacher_user, at("2027-03-02", 16), count=1)[0]
    lifecycle.conference_book(
        user=guardian_user, slot=spring_hour, placement=performer, now=at("2026-10-20")
    )
    assert ConferenceSlot.objects.filter(placement=performer).count() == 2


def test_s15_conference_hours_are_only_for_the_performer_track(
    school: Any, teacher_user: Any, active: Placement, guardian_user: Any
):
    hour = slots(school, teacher_user, at("2026-11-03", 16), count=1)[0]
    with pytest.raises(LifecycleError, match="performer track"):
        lifecycle.conference_book(
            user=guardian_user, slot=hour, placement=active, now=at("2026-10-20")
        )
    hour.refresh_from_db()
    assert hour.placement is None


def test_s15_a_taken_or_past_hour_cannot_be_booked(
    school: Any, teacher_user: Any, performer: Placement, guardian_user: Any
):
    first, second = slots(school, teacher_user, at("2026-11-03", 16), count=2)
    other = factories.PlacementFactory(
        pupil=factories.PupilFactory(household=family(school, "Berg")),
        offer=performer.offer,
        starts_term=performer.starts_term,
    )
    lifecycle.conference_book(user=None, slot=first, placement=other, now=at("2026-10-20"))
    with pytest.raises(LifecycleError, match="booked by someone else"):
        lifecycle.conference_book(
            user=guardian_user, slot=first, placement=performer, now=at("2026-10-20")
        )
    with pytest.raises(LifecycleError, match="passed"):
        lifecycle.conference_book(
            user=guardian_user, slot=second, placement=performer, now=at("2026-11-04")
        )


def test_s15_an_hour_at_another_school_cannot_be_booked(
    other_school: Any, performer: Placement, guardian_user: Any
):
    elsewhere = slots(other_school, factories.UserFactory(), at("2026-11-03", 16), count=1)[0]
    with pytest.raises(LifecycleError, match="another school"):
        lifecycle.conference_book(
            user=guardian_user, slot=elsewhere, placement=performer, now=at("2026-10-20")
        )


def test_s15_a_cancelled_booking_frees_the_hour(
    school: Any, teacher_user: Any, performer: Placement, guardian_user: Any
):
    hour = slots(school, teacher_user, at("2026-11-03", 16), count=1)[0]
    lifecycle.conference_book(
        user=guardian_user, slot=hour, placement=performer, now=at("2026-10-20")
    )
    with pytest.raises(lifecycle.LifecycleError, match="begun or passed"):
        lifecycle.conference_unbook(user=guardian_user, slot=hour, now=at("2026-11-03", 17))
    lifecycle.conference_unbook(user=guardian_user, slot=hour, now=at("2026-10-21"))
    hour.refresh_from_db()
    assert hour.placement is None and hour.booked_by is None


def test_s15_the_reminder_is_sent_the_day_before_and_once(
    school: Any, teacher_user: Any, performer: Placement, guardian_user: Any
):
    hour = slots(school, teacher_user, at("2026-11-03", 16), count=1)[0]
    lifecycle.conference_book(
        user=guardian_user, slot=hour, placement=performer, now=at("2026-10-20")
    )
    assert lifecycle.conference_reminders(now=at("2026-11-01", 16)) == 0  # two days ahead
    assert lifecycle.conference_reminders(now=at("2026-11-02", 17)) == 1
    assert lifecycle.conference_reminders(now=at("2026-11-02", 18)) == 0
    assert [m.to_email for m in messages("conference_reminder")] == ["guardian@example.org"]


# --- §16 Effort ----------------------------------------------------------------------------------


def test_s16a_the_effort_requirements_wait_for_the_homes_acknowledgement(
    performer: Placement, guardian_user: Any
):
    assert lifecycle.effort_pending(performer)
    ack = lifecycle.effort_acknowledge(
        user=guardian_user, placement=performer, now=at("2026-09-01")
    )
    assert ack.requirements == "Øv 30 minutter hver dag."
    assert not lifecycle.effort_pending(performer)
    performer.offer.effort_requirements = "Øv 45 minutter hver dag."
    performer.offer.save()
    assert lifecycle.effort_pending(performer)


def test_s16a_acknowledging_twice_keeps_one_acknowledgement(
    performer: Placement, guardian_user: Any
):
    first = lifecycle.effort_acknowledge(user=guardian_user, placement=performer)
    again = lifecycle.effort_acknowledge(user=guardian_user, placement=performer)
    assert first == again
    assert EffortAcknowledgement.objects.count() == 1


def test_s16a_an_offer_without_requirements_asks_for_nothing(active: Placement):
    assert not lifecycle.effort_pending(active)
    assert lifecycle.effort_requirements_changed(offer=active.offer) == 0


def test_s16a_changed_requirements_are_told_once_per_text(
    school: Any, performer: Placement, guardian_user: Any
):
    offer = performer.offer
    ended = factories.PlacementFactory(
        pupil=factories.PupilFactory(household=family(school, "Berg", "berg@example.org")),
        offer=offer,
        starts_term=performer.starts_term,
        status=Placement.Status.ENDED,
        ends_on=d("2026-09-01"),
    )
    assert ended.status == Placement.Status.ENDED
    assert lifecycle.effort_requirements_changed(offer=offer) == 1
    assert lifecycle.effort_requirements_changed(offer=offer) == 0
    offer.effort_requirements = "Øv 45 minutter hver dag."
    offer.save()
    assert lifecycle.effort_requirements_changed(offer=offer) == 1
    assert [m.to_email for m in messages("effort_changed")] == ["guardian@example.org"] * 2


def test_s16b_low_effort_through_two_terms_prompts_guidance_once(
    school: Any, performer: Placement, teacher_user: Any, autumn: Term, spring: Term
):
    earlier = factories.TermFactory(school=school, year=2026, season=Term.Season.SPRING)
    lifecycle.effort_assess(actor=teacher_user, placement=performer, term=earlier, level="low")
    lifecycle.effort_assess(actor=teacher_user, placement=performer, term=autumn, level="good")
    lifecycle.effort_assess(actor=teacher_user, placement=performer, term=spring, level="low")
    assert messages("effort_guidance") == []  # low, good, low: one term at a time
    lifecycle.effort_assess(actor=teacher_user, placement=performer, term=autumn, level="low")
    assert len(messages("effort_guidance")) == 1
    lifecycle.effort_assess(
        actor=teacher_user, placement=performer, term=autumn, level="low", note="Still low"
    )
    assert len(messages("effort_guidance")) == 1


# --- §18 Parent work group ----------------------------------------------------------------------


@pytest.mark.parametrize("discipline", [Discipline.DRAMA, Discipline.MUSIC])
def test_s18_a_place_in_a_drama_or_orchestra_offer_enrols_the_guardians_once(
    school: Any, household: Any, guardian_user: Any, autumn: Term, discipline: str
):
    factories.GuardianFactory(household=household, user__email="second@example.org")
    offer = factories.OfferFactory(
        school=school, name="Teater", discipline=discipline, parent_work_group=True
    )
    place = factories.PlacementFactory(
        pupil=factories.PupilFactory(household=household), offer=offer, starts_term=autumn
    )
    assert lifecycle.work_group_enrol(place, now=at("2026-08-20")) == 2
    assert lifecycle.work_group_enrol(place, now=at("2026-08-21")) == 0
    members = ParentWorkGroupMember.objects.filter(offer=offer)
    assert members.count() == 2
    assert {m.joined_at for m in members} == {at("2026-08-20")}


def test_s18_other_offers_have_no_parent_work_group(active: Placement):
    assert lifecycle.work_group_enrol(active) == 0
    assert not ParentWorkGroupMember.objects.exists()


def test_s18_signing_the_contract_for_an_orchestra_place_enrols_the_guardians(
    school: Any,
    household: Any,
    guardian_user: Any,
    autumn: Term,
    office_user: Any,
    django_capture_on_commit_callbacks: Any,
):
    from waitlist import services as admission

    factories.FeeScheduleFactory(school=school, school_year=2026)
    orchestra = factories.OfferFactory(
        school=school, name="Strykeorkester", parent_work_group=True, capacity=5
    )
    pupil = factories.PupilFactory(household=household, first_name="Ola")
    march = at("2026-03-02", 10)
    admission.application_submit(actor=guardian_user, pupil=pupil, offer=orchestra, now=march)
    with django_capture_on_commit_callbacks(execute=True):
        admission.admission_run(actor=office_user, school=school, term=autumn, now=march)
    contract = admission.place_offer_accept(
        user=guardian_user,
        place_offer=PlaceOffer.objects.get(pupil=pupil),
        ip="192.0.2.1",
        now=march + dt.timedelta(days=1),
    )
    member = ParentWorkGroupMember.objects.get()
    assert (member.offer, member.placement) == (orchestra, contract.placement)
    assert member.guardian.user == guardian_user


# --- Places ending by date, §19 upper age ---------------------------------------------------------


def test_places_whose_last_day_has_passed_end_and_free_their_seat(
    school: Any, active: Placement, django_capture_on_commit_callbacks: Any
):
    active.ends_on = d("2026-12-18")
    active.save()
    assert lifecycle.placements_end_due(today=d("2026-12-18")) == 0
    with django_capture_on_commit_callbacks() as callbacks:
        assert lifecycle.placements_end_due(today=d("2026-12-19")) == 1
    active.refresh_from_db()
    assert active.status == Placement.Status.ENDED
    assert len(callbacks) == 1
    assert lifecycle.placements_end_due(today=d("2026-12-19")) == 0


def test_a_course_place_ends_with_the_course_and_says_so(school: Any, pupil: Any, autumn: Term):
    course = factories.OfferFactory(
        school=school,
        kind=Offer.Kind.COURSE,
        course_starts_on=d("2026-09-09"),
        course_ends_on=d("2026-11-11"),
    )
    place = factories.PlacementFactory(
        pupil=pupil,
        offer=course,
        starts_term=autumn,
        starts_on=d("2026-09-09"),
        ends_on=d("2026-11-11"),
    )
    lifecycle.placements_end_due(today=d("2026-11-12"))
    place.refresh_from_db()
    assert place.status == Placement.Status.ENDED
    assert place.end_reason == Placement.EndReason.COURSE_ENDED


def teenager(school: Any, autumn: Term, born: str, **offer: Any) -> Placement:
    household = family(school, f"H{born}", f"h{born}@example.org")
    return factories.PlacementFactory(
        pupil=factories.PupilFactory(household=household, birth_date=d(born)),
        offer=factories.OfferFactory(school=school, **offer),
        starts_term=autumn,
    )


def test_s19_a_place_ends_at_the_end_of_the_year_the_pupil_turns_19(school: Any, autumn: Term):
    nineteen = teenager(school, autumn, "2007-05-05")
    eighteen = teenager(school, autumn, "2008-05-05")
    assert lifecycle.upper_age_run(today=d("2026-10-01")) == 0  # more than 60 days ahead
    assert lifecycle.upper_age_run(today=d("2026-11-02")) == 1
    nineteen.refresh_from_db()
    eighteen.refresh_from_db()
    assert nineteen.ends_on == d("2026-12-31")
    assert nineteen.end_reason == Placement.EndReason.UPPER_AGE
    assert nineteen.status == Placement.Status.ACTIVE
    assert eighteen.ends_on is None
    assert [m.to_email for m in messages("upper_age")] == ["h2007-05-05@example.org"]
    # Run again (and again the next day): nothing changes, nobody is told twice.
    assert lifecycle.upper_age_run(today=d("2026-11-02")) == 0
    assert lifecycle.upper_age_run(today=d("2026-11-03")) == 0
    assert len(messages("upper_age")) == 1
    assert AuditEvent.objects.filter(action="placement.upper_age").count() == 1


def test_s19_an_offer_without_upper_age_keeps_the_place(school: Any, autumn: Term):
    adult = teenager(school, autumn, "2007-05-05", no_upper_age=True)
    assert lifecycle.upper_age_run(today=d("2026-11-02")) == 0
    adult.refresh_from_db()
    assert adult.ends_on is None


def test_s19_an_offer_with_its_own_upper_age_uses_it(school: Any, autumn: Term):
    older = teenager(school, autumn, "2007-05-05", upper_age=21)
    twenty_one = teenager(school, autumn, "2005-05-05", upper_age=21)
    assert lifecycle.upper_age_run(today=d("2026-11-02")) == 1
    older.refresh_from_db()
    twenty_one.refresh_from_db()
    assert older.ends_on is None
    assert twenty_one.ends_on == d("2026-12-31")


def test_s19_a_place_that_ends_earlier_anyway_is_left_alone(school: Any, autumn: Term):
    leaving = teenager(school, autumn, "2007-05-05")
    leaving.ends_on, leaving.end_reason = d("2026-12-18"), Placement.EndReason.NOTICE
    leaving.save()
    assert lifecycle.upper_age_run(today=d("2026-11-02")) == 0
    leaving.refresh_from_db()
    assert leaving.end_reason == Placement.EndReason.NOTICE


# --- §9b Notice deadline reminders --------------------------------------------------------------


def test_s9b_households_are_reminded_two_weeks_before_1_december_once(
    school: Any, autumn: Term, household: Any, guardian_user: Any, pupil: Any
):
    violin = factories.OfferFactory(school=school)
    cello = factories.OfferFactory(school=school)
    factories.PlacementFactory(pupil=pupil, offer=violin, starts_term=autumn)
    sister = factories.PupilFactory(household=household, first_name="Kari")
    factories.PlacementFactory(pupil=sister, offer=cello, starts_term=autumn)
    # Not reminded: a household whose only place ends before the deadline, one with only a
    # course, and one whose place has ended.
    leaving = teenager(school, autumn, "2012-01-01")
    leaving.ends_on = d("2026-11-30")
    leaving.save()
    teenager(school, autumn, "2012-01-02", kind=Offer.Kind.COURSE)
    gone = teenager(school, autumn, "2012-01-03")
    gone.status = Placement.Status.ENDED
    gone.save()

    assert lifecycle.notice_deadline_reminders(today=d("2026-11-16")) == 0
    assert lifecycle.notice_deadline_reminders(today=d("2026-11-17")) == 1
    assert lifecycle.notice_deadline_reminders(today=d("2026-11-17")) == 0
    assert lifecycle.notice_deadline_reminders(today=d("2026-11-18")) == 0
    assert lifecycle.notice_deadline_reminders(today=d("2026-12-01")) == 0
    assert [m.to_email for m in messages("notice_deadline")] == ["guardian@example.org"]


def test_s9b_households_are_reminded_two_weeks_before_1_june(
    school: Any, autumn: Term, active: Placement
):
    assert lifecycle.notice_deadline_reminders(today=d("2027-05-17")) == 0
    assert lifecycle.notice_deadline_reminders(today=d("2027-05-18")) == 1
    assert lifecycle.notice_deadline_reminders(today=d("2027-05-31")) == 0
    assert len(messages("notice_deadline")) == 1


def test_s9b_a_deadline_early_in_january_is_reminded_in_late_december(
    school: Any, autumn: Term, active: Placement
):
    from kulturskole.fields import MonthDay

    school.policy.notice_deadline_for_spring = MonthDay(1, 10)
    school.policy.save()
    assert lifecycle.notice_deadline_reminders(today=d("2026-12-26")) == 0
    assert lifecycle.notice_deadline_reminders(today=d("2026-12-27")) == 1
    assert lifecycle.notice_deadline_reminders(today=d("2027-01-09")) == 0
    [message] = OutboundMessage.objects.filter(template="notice_deadline")
    assert "20270110" in message.key


def test_s8_siblings_in_the_group_give_their_home_one_email_naming_both(
    school: Any, group: Any, member: GroupMember, office_user: Any
):
    berg = family(school, "Berg", "berg@example.org")
    child_in(group, berg, "Nora")
    child_in(group, berg, "Lukas")
    lesson_on_day = lesson_on(group, "2026-09-08")
    lifecycle.lesson_cancel(
        actor=office_user, lesson=lesson_on_day, reason="", now=at("2026-09-08", 9)
    )
    berg_mail = [m for m in messages("lesson_cancelled") if m.to_email == "berg@example.org"]
    assert len(berg_mail) == 1
    assert "Lukas, Nora" in berg_mail[0].context["body"]


def test_s8a_moving_a_lesson_back_again_is_told_to_the_homes_too(
    group: Any, member: GroupMember, office_user: Any
):
    lesson = lesson_on(group, "2026-09-08")
    original = (lesson.date, lesson.starts_at, lesson.ends_at)
    lifecycle.lesson_change(
        actor=office_user,
        lesson=lesson,
        date=d("2026-09-09"),
        starts_at=lesson.starts_at,
        ends_at=lesson.ends_at,
    )
    lifecycle.lesson_change(
        actor=office_user,
        lesson=lesson,
        date=original[0],
        starts_at=original[1],
        ends_at=original[2],
    )
    assert len(messages("lesson_changed")) == 2


def test_attendance_is_not_registered_before_the_day_of_the_lesson(
    group: Any, member: GroupMember, teacher_user: Any
):
    coming = lesson_on(group, "2026-09-15")
    with pytest.raises(LifecycleError, match="day of the lesson"):
        lifecycle.attendance_set(
            actor=teacher_user,
            lesson=coming,
            placement=member.placement,
            status="present",
            now=at("2026-09-14"),
        )


def test_s9d_a_place_the_school_has_decided_to_end_later_is_not_terminated_twice(
    terminable: Placement, principal_user: Any
):
    decide(
        terminable,
        principal_user,
        Termination.Reason.INTEREST_DISCIPLINE,
        effective_on=d("2026-12-18"),
    )
    with pytest.raises(LifecycleError, match="already decided"):
        decide(terminable, principal_user, Termination.Reason.NON_PAYMENT)
    assert Termination.objects.count() == 1


def test_s9f_an_overturned_appeal_gives_back_the_place_as_it_stood(
    terminable: Placement, principal_user: Any
):
    terminable.status = Placement.Status.TRIAL
    terminable.ends_on = d("2027-06-19")
    terminable.end_reason = Placement.EndReason.NOTICE
    terminable.save()
    termination = decide(terminable, principal_user, Termination.Reason.INTEREST_DISCIPLINE)
    lifecycle.termination_appeal_register(
        actor=principal_user, termination=termination, received_on=d("2026-10-25"), text="Klage"
    )
    lifecycle.termination_appeal_resolve(
        actor=principal_user,
        termination=termination,
        overturned=True,
        resolution="Opphevet.",
        now=at("2026-11-10"),
    )
    terminable.refresh_from_db()
    assert (terminable.status, terminable.ends_on, terminable.end_reason) == (
        Placement.Status.TRIAL,
        d("2027-06-19"),
        Placement.EndReason.NOTICE,
    )


def test_s9f_an_appeal_cannot_be_received_before_the_decision(
    terminable: Placement, principal_user: Any
):
    termination = decide(terminable, principal_user, Termination.Reason.INTEREST_DISCIPLINE)
    with pytest.raises(LifecycleError, match="after the decision"):
        lifecycle.termination_appeal_register(
            actor=principal_user, termination=termination, received_on=d("2026-10-01"), text="x"
        )
