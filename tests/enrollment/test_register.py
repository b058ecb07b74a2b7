"""The teacher's register: who may open it, one tap per pupil, absence reports (§7), the trial
badge (§6), and a fixed number of queries for a group of any size."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enrollment.models import AbsenceReport, Attendance, Lesson, Placement, Term
from enrollment.services import lifecycle
from kulturskole.access import Role
from tests import factories
from tests.conftest import login

# Tuesday 6 October 2026, in the afternoon in Norway; the groups meet on Tuesdays.
NOW = dt.datetime(2026, 10, 6, 13, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 10, 6)
LAST_WEEK = dt.date(2026, 9, 29)
NEXT_WEEK = dt.date(2026, 10, 13)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


# --- Helpers, also used by test_lesson_changes.py and test_teaching_pages.py ----------------------


def make_group(teacher: Any, school: Any, **kwargs: Any) -> Any:
    term = factories.TermFactory(school=school, year=2026, season=Term.Season.AUTUMN)
    offer = kwargs.pop("offer", None) or factories.OfferFactory(school=school)
    return factories.TeachingGroupFactory(teacher=teacher, term=term, offer=offer, **kwargs)


def make_lesson(group: Any, day: dt.date, **kwargs: Any) -> Lesson:
    values = {
        "starts_at": group.starts_at,
        "ends_at": group.ends_at,
        "location": group.location,
        "room": group.room,
        **kwargs,
    }
    return Lesson.objects.create(group=group, date=day, **values)


def add_pupil(
    group: Any, first_name: str, *, status: str = "active", email: str | None = None
) -> Placement:
    """A pupil with a place in the group's offer, in the group, with a guardian to e-mail."""
    household = factories.HouseholdFactory(school=group.offer.school)
    if email:
        factories.GuardianFactory(household=household, user__email=email)
    else:
        factories.GuardianFactory(household=household)
    pupil = factories.PupilFactory(household=household, first_name=first_name)
    placement = factories.PlacementFactory(
        pupil=pupil, offer=group.offer, starts_term=group.term, status=status
    )
    lifecycle.group_member_add(actor=None, group=group, placement=placement)
    return placement


def other_teacher(school: Any, email: str = "colleague@example.org") -> Any:
    user = factories.UserFactory(email=email)
    factories.StaffRoleFactory(user=user, school=school, role=Role.TEACHER)
    return user


def hx(client: Client, path: str, data: dict[str, Any]) -> Any:
    return client.post(path, data, headers={"HX-Request": "true"})


# --- Fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def group(teacher_user: Any, school: Any) -> Any:
    return make_group(teacher_user, school, name="Fiolin 1")


@pytest.fixture
def lesson(group: Any) -> Lesson:
    return make_lesson(group, TODAY)


@pytest.fixture
def ola(group: Any) -> Placement:
    return add_pupil(group, "Ola")


@pytest.fixture
def teacher(client: Client, teacher_user: Any) -> Client:
    return login(client, teacher_user)


def register(lesson: Lesson) -> str:
    return reverse("teaching:lesson", args=[lesson.pk])


def tap(lesson: Lesson, placement: Placement) -> str:
    return reverse("teaching:attendance", args=[lesson.pk, placement.pk])


# --- Who may open the register -------------------------------------------------------------------


def test_the_groups_teacher_sees_one_row_per_pupil(
    teacher: Client, lesson: Lesson, ola: Placement, group: Any
) -> None:
    add_pupil(group, "Kari")
    page = teacher.get(register(lesson)).content.decode()
    assert "Ola" in page
    assert "Kari" in page
    assert page.count('class="tap tap-present"') == 2


def test_pupils_whose_place_ended_before_the_lesson_are_not_on_the_register(
    teacher: Client, lesson: Lesson, group: Any
) -> None:
    gone = add_pupil(group, "Borte")
    Placement.objects.filter(pk=gone.pk).update(status="ended", ends_on=LAST_WEEK)
    assert "Borte" not in teacher.get(register(lesson)).content.decode()


def test_another_teachers_lesson_is_not_found(teacher: Client, school: Any, ola: Placement) -> None:
    theirs = make_lesson(make_group(other_teacher(school), school), TODAY)
    assert teacher.get(register(theirs)).status_code == 404
    assert teacher.post(tap(theirs, ola), {"status": "present"}).status_code == 404


def test_a_substitute_registers_that_one_lesson_and_no_other(
    client: Client, school: Any, group: Any, ola: Placement
) -> None:
    substitute = other_teacher(school, "vikar@example.org")
    given = make_lesson(group, TODAY, substitute=substitute)
    other = make_lesson(group, NEXT_WEEK)
    login(client, substitute)

    assert client.get(register(given)).status_code == 200
    assert client.post(tap(given, ola), {"status": "present"}).status_code == 302
    assert Attendance.objects.get(lesson=given, placement=ola).status == "present"
    assert client.get(register(other)).status_code == 404
    assert client.get(reverse("teaching:group", args=[group.pk])).status_code == 404


def test_a_substitute_without_a_teacher_role_at_the_school_is_not_let_in(
    client: Client, group: Any, other_school: Any
) -> None:
    elsewhere = other_teacher(other_school, "elsewhere@example.org")
    given = make_lesson(group, TODAY, substitute=elsewhere)
    assert login(client, elsewhere).get(register(given)).status_code == 404


def test_office_of_the_school_opens_the_register_and_office_elsewhere_does_not(
    client: Client, office_user: Any, other_school: Any, lesson: Lesson
) -> None:
    assert login(client, office_user).get(register(lesson)).status_code == 200
    elsewhere = factories.UserFactory(email="office2@example.org", totp=True)
    factories.StaffRoleFactory(user=elsewhere, school=other_school, role=Role.OFFICE)
    assert login(Client(), elsewhere).get(register(lesson)).status_code == 404


def test_guardians_and_people_without_a_role_are_refused(
    client: Client, guardian_user: Any, stranger: Any, lesson: Lesson, ola: Placement
) -> None:
    assert login(client, guardian_user).get(register(lesson)).status_code == 403
    assert client.post(tap(lesson, ola), {"status": "present"}).status_code == 403
    assert login(Client(), stranger).get(register(lesson)).status_code == 403
    assert not Attendance.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, lesson: Lesson) -> None:
    response = client.get(register(lesson))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_tap_after_the_session_ran_out_sends_the_whole_page_to_sign_in(
    client: Client, lesson: Lesson, ola: Placement
) -> None:
    response = hx(client, tap(lesson, ola), {"status": "present"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("account_login"))
    assert not Attendance.objects.exists()


def test_a_pupil_of_another_group_is_not_found(
    teacher: Client, lesson: Lesson, school: Any, teacher_user: Any
) -> None:
    elsewhere = add_pupil(make_group(teacher_user, school, name="Cello"), "Per")
    assert teacher.post(tap(lesson, elsewhere), {"status": "present"}).status_code == 404


def test_malformed_ids_are_not_found(teacher: Client) -> None:
    assert teacher.get("/teaching/lessons/99999999/").status_code == 404


# --- One tap -------------------------------------------------------------------------------------


def test_one_tap_with_htmx_answers_with_just_the_row_and_the_counts(
    teacher: Client, lesson: Lesson, ola: Placement, group: Any
) -> None:
    add_pupil(group, "Kari")
    response = hx(teacher, tap(lesson, ola), {"status": "present"})

    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="pupil-{ola.pk}"' in html
    assert html.count('class="register-row') == 1
    assert "<html" not in html
    assert 'aria-pressed="true"' in html
    assert 'hx-swap-oob="true"' in html
    assert "1 present" in html
    assert "1 not registered" in html
    assert Attendance.objects.get(lesson=lesson, placement=ola).status == "present"


def test_a_plain_post_without_javascript_redirects_back_to_the_row(
    teacher: Client, lesson: Lesson, ola: Placement
) -> None:
    response = teacher.post(tap(lesson, ola), {"status": "absent"})

    assert response.status_code == 302
    assert response["Location"] == f"{register(lesson)}#pupil-{ola.pk}"
    assert Attendance.objects.get(lesson=lesson, placement=ola).status == "absent"
    page = teacher.get(register(lesson)).content.decode()
    assert "Absent, unreported" in page


def test_tapping_again_changes_the_mark(teacher: Client, lesson: Lesson, ola: Placement) -> None:
    hx(teacher, tap(lesson, ola), {"status": "absent"})
    hx(teacher, tap(lesson, ola), {"status": "present"})
    assert Attendance.objects.get(lesson=lesson, placement=ola).status == "present"


def test_a_bad_status_changes_nothing_and_says_why(
    teacher: Client, lesson: Lesson, ola: Placement
) -> None:
    response = hx(teacher, tap(lesson, ola), {"status": "late"})
    assert response.status_code == 200
    assert "Choose present or absent." in response.content.decode()
    assert not Attendance.objects.exists()


def test_get_on_a_tap_address_is_not_allowed(
    teacher: Client, lesson: Lesson, ola: Placement
) -> None:
    assert teacher.get(tap(lesson, ola)).status_code == 405


def test_a_future_lesson_shows_reports_but_takes_no_attendance(
    teacher: Client, group: Any, ola: Placement
) -> None:
    later = make_lesson(group, NEXT_WEEK)
    page = teacher.get(register(later)).content.decode()
    assert "Attendance is registered from the day of the lesson" in page
    assert 'class="tap tap-present"' not in page
    response = teacher.post(tap(later, ola), {"status": "present"}, follow=True)
    assert "registered from the day of the lesson" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_cancelled_lesson_takes_no_attendance(
    teacher: Client, group: Any, ola: Placement
) -> None:
    cancelled = make_lesson(group, TODAY, status=Lesson.Status.CANCELLED)
    page = teacher.get(register(cancelled)).content.decode()
    assert "This lesson is cancelled" in page
    assert 'class="tap tap-present"' not in page
    response = hx(teacher, tap(cancelled, ola), {"status": "present"})
    assert "cancelled" in response.content.decode()
    assert not Attendance.objects.exists()


def test_everyone_not_registered_is_marked_present_except_reported_and_on_leave(
    teacher: Client, teacher_user: Any, lesson: Lesson, group: Any, ola: Placement
) -> None:
    kari = add_pupil(group, "Kari")
    per = add_pupil(group, "Per")
    away = add_pupil(group, "Lise", status="on_leave")
    lifecycle.attendance_set(actor=teacher_user, lesson=lesson, placement=kari, status="absent")
    lifecycle.absence_report(actor=None, pupil=per.pupil, lessons=[lesson], via="online")

    teacher.post(reverse("teaching:all_present", args=[lesson.pk]))

    marks = dict(Attendance.objects.values_list("placement_id", "status"))
    assert marks == {ola.pk: "present", kari.pk: "absent"}
    assert away.pk not in marks


def test_a_pupil_on_leave_has_no_buttons(teacher: Client, lesson: Lesson, group: Any) -> None:
    add_pupil(group, "Lise", status="on_leave")
    page = teacher.get(register(lesson)).content.decode()
    assert "On leave (§14)" in page
    assert 'class="tap tap-present"' not in page


# --- Absence reports (§7) ------------------------------------------------------------------------


def test_s7_absence_reported_online_in_advance_is_marked(
    teacher: Client, lesson: Lesson, ola: Placement
) -> None:
    lifecycle.absence_report(
        actor=None, pupil=ola.pupil, lessons=[lesson], via="online", reason="Bursdag"
    )
    page = teacher.get(register(lesson)).content.decode()
    assert "Reported absent in advance" in page
    assert "Bursdag" in page

    html = hx(teacher, tap(lesson, ola), {"status": "absent"}).content.decode()
    assert "Absent, reported" in html
    assert "Absent, unreported" not in html


def test_s7_a_report_by_phone_is_recorded_by_the_teacher(
    teacher: Client, teacher_user: Any, lesson: Lesson, ola: Placement
) -> None:
    lifecycle.attendance_set(actor=teacher_user, lesson=lesson, placement=ola, status="absent")
    path = reverse("teaching:absence_report", args=[lesson.pk, ola.pk])
    assert "How did the home report the absence?" in teacher.get(path).content.decode()

    response = teacher.post(path, {"via": "phone", "reason": "Syk"})

    assert response.status_code == 302
    report = AbsenceReport.objects.get(lesson=lesson, pupil=ola.pupil)
    assert (report.via, report.reason, report.reported_by) == ("phone", "Syk", teacher_user)
    page = teacher.get(register(lesson)).content.decode()
    assert "Absent, reported" in page
    assert "Reported by phone" in page


def test_s7_a_report_needs_a_way_it_came_and_online_is_not_one_of_them(
    teacher: Client, lesson: Lesson, ola: Placement
) -> None:
    path = reverse("teaching:absence_report", args=[lesson.pk, ola.pk])
    for via in ("", "online", "note"):
        response = teacher.post(path, {"via": via})
        assert response.status_code == 200
        assert "errorlist" in response.content.decode()
    assert not AbsenceReport.objects.exists()


def test_s7_a_second_report_for_the_same_lesson_is_not_recorded(
    teacher: Client, lesson: Lesson, ola: Placement
) -> None:
    lifecycle.absence_report(actor=None, pupil=ola.pupil, lessons=[lesson], via="online")
    path = reverse("teaching:absence_report", args=[lesson.pk, ola.pk])
    response = teacher.post(path, {"via": "phone"}, follow=True)
    assert "already reported" in response.content.decode()
    assert AbsenceReport.objects.get().via == "online"


def test_s7_note_brought_looking_back_at_the_missed_lesson(
    teacher: Client, teacher_user: Any, group: Any, ola: Placement
) -> None:
    missed = make_lesson(group, LAST_WEEK)
    lesson = make_lesson(group, TODAY)
    lifecycle.attendance_set(actor=teacher_user, lesson=missed, placement=ola, status="absent")
    lifecycle.attendance_set(actor=teacher_user, lesson=lesson, placement=ola, status="absent")
    # Today the note cannot have come yet: the button is on the page of the missed lesson.
    note_button = ">Note brought<"
    assert note_button not in teacher.get(register(lesson)).content.decode()
    assert note_button in teacher.get(register(missed)).content.decode()

    path = reverse("teaching:note_brought", args=[missed.pk, ola.pk])
    html = hx(teacher, path, {"missed": missed.pk}).content.decode()

    assert AbsenceReport.objects.get(lesson=missed, pupil=ola.pupil).via == "note"
    assert "Absent, reported" in html
    assert "The note is recorded" in html


def test_s7_the_next_lesson_asks_for_the_note_and_marks_it_brought(
    teacher: Client, teacher_user: Any, group: Any, ola: Placement
) -> None:
    missed = make_lesson(group, LAST_WEEK)
    lesson = make_lesson(group, TODAY)
    lifecycle.attendance_set(actor=teacher_user, lesson=missed, placement=ola, status="absent")

    page = teacher.get(register(lesson)).content.decode()
    assert "Absent last time" in page
    assert "Mark note brought" in page

    path = reverse("teaching:note_brought", args=[lesson.pk, ola.pk])
    response = teacher.post(path, {"missed": missed.pk})

    assert response.status_code == 302
    report = AbsenceReport.objects.get(pupil=ola.pupil)
    assert (report.lesson, report.via) == (missed, "note")
    assert "Absent last time" not in teacher.get(register(lesson)).content.decode()


def test_s7_no_note_is_asked_for_an_absence_the_home_reported(
    teacher: Client, teacher_user: Any, group: Any, ola: Placement
) -> None:
    missed = make_lesson(group, LAST_WEEK)
    lesson = make_lesson(group, TODAY)
    lifecycle.attendance_set(actor=teacher_user, lesson=missed, placement=ola, status="absent")
    lifecycle.absence_report(actor=None, pupil=ola.pupil, lessons=[missed], via="phone")
    assert "Absent last time" not in teacher.get(register(lesson)).content.decode()


def test_s7_a_note_for_a_lesson_the_pupil_attended_is_refused(
    teacher: Client, teacher_user: Any, group: Any, ola: Placement
) -> None:
    attended = make_lesson(group, LAST_WEEK)
    lesson = make_lesson(group, TODAY)
    lifecycle.attendance_set(actor=teacher_user, lesson=attended, placement=ola, status="present")
    path = reverse("teaching:note_brought", args=[lesson.pk, ola.pk])
    html = hx(teacher, path, {"missed": attended.pk}).content.decode()
    assert "not registered absent" in html
    assert not AbsenceReport.objects.exists()


def test_s7_a_note_for_another_groups_lesson_is_refused(
    teacher: Client, teacher_user: Any, school: Any, lesson: Lesson, ola: Placement
) -> None:
    elsewhere = make_lesson(make_group(teacher_user, school, name="Cello"), LAST_WEEK)
    path = reverse("teaching:note_brought", args=[lesson.pk, ola.pk])
    hx(teacher, path, {"missed": elsewhere.pk})
    assert not AbsenceReport.objects.exists()


# --- Trial (§6) ----------------------------------------------------------------------------------


def test_s6_a_pupil_in_the_trial_shows_the_lessons_left(
    teacher: Client, teacher_user: Any, group: Any
) -> None:
    first = make_lesson(group, LAST_WEEK)
    lesson = make_lesson(group, TODAY)
    ny = add_pupil(group, "Nora", status="trial")
    page = teacher.get(register(lesson)).content.decode()
    assert "Trial (§6): 2 lessons left" in page

    lifecycle.attendance_set(actor=teacher_user, lesson=first, placement=ny, status="present")
    page = teacher.get(register(lesson)).content.decode()
    assert "Trial (§6): 1 lesson left" in page
    assert lifecycle.trial_state_of(ny, today=TODAY).lessons_left == 1


def test_s6_no_trial_badge_after_the_first_term_or_for_an_active_place(
    teacher: Client, lesson: Lesson, group: Any, school: Any
) -> None:
    add_pupil(group, "Aktiv")
    old = add_pupil(group, "Gammel", status="trial")
    spring = factories.TermFactory(school=school, year=2026, season=Term.Season.SPRING)
    Placement.objects.filter(pk=old.pk).update(starts_term=spring, starts_on=spring.starts_on)
    assert "Trial (§6)" not in teacher.get(register(lesson)).content.decode()


# --- A fixed number of queries -------------------------------------------------------------------


def _fill(group: Any, lesson: Lesson, previous: Lesson, teacher_user: Any, count: int) -> None:
    """Pupils of every kind: in the trial, absent last time, reported, registered."""
    for index in range(count):
        placement = add_pupil(group, f"Elev{index}", status="trial" if index % 3 else "active")
        if index % 2:
            lifecycle.attendance_set(
                actor=teacher_user, lesson=previous, placement=placement, status="absent"
            )
        if index % 4 == 0:
            lifecycle.attendance_set(
                actor=teacher_user, lesson=lesson, placement=placement, status="present"
            )
        if index % 5 == 1:
            lifecycle.absence_report(
                actor=None, pupil=placement.pupil, lessons=[lesson], via="online"
            )


def test_the_register_makes_the_same_number_of_queries_for_3_and_30_pupils(
    teacher: Client, teacher_user: Any, group: Any, django_assert_num_queries: Any
) -> None:
    previous = make_lesson(group, LAST_WEEK)
    lesson = make_lesson(group, TODAY)
    _fill(group, lesson, previous, teacher_user, 3)
    teacher.get(register(lesson))
    with CaptureQueriesContext(connection) as few:
        assert teacher.get(register(lesson)).status_code == 200

    Attendance.objects.all().delete()
    AbsenceReport.objects.all().delete()
    group.members.all().delete()
    _fill(group, lesson, previous, teacher_user, 30)
    with django_assert_num_queries(len(few.captured_queries)):
        page = teacher.get(register(lesson)).content.decode()
    assert page.count('class="tap tap-present"') == 30


def test_a_tap_makes_the_same_number_of_queries_for_3_and_30_pupils(
    teacher: Client, teacher_user: Any, group: Any
) -> None:
    previous = make_lesson(group, LAST_WEEK)
    lesson = make_lesson(group, TODAY)
    _fill(group, lesson, previous, teacher_user, 3)
    target = group.members.first().placement
    hx(teacher, tap(lesson, target), {"status": "absent"})
    with CaptureQueriesContext(connection) as few:
        hx(teacher, tap(lesson, target), {"status": "present"})
    _fill(group, lesson, previous, teacher_user, 0)
    for index in range(27):
        add_pupil(group, f"Flere{index}")
    with CaptureQueriesContext(connection) as many:
        hx(teacher, tap(lesson, target), {"status": "absent"})
    assert len(many.captured_queries) == len(few.captured_queries)
