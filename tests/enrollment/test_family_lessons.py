"""The guardian's lessons page: coming lessons, absence reported ahead (§7), this term's
attendance, and who may see it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enrollment.models import AbsenceReport, Attendance, Lesson, OfficeHours
from enrollment.services import lifecycle
from tests import factories
from tests.conftest import login

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
# Tuesday 15 September 2026 at noon: the group's lesson today at 17:00 has not started.
NOW = dt.datetime(2026, 9, 15, 12, tzinfo=OSLO)
URL = "/family/lessons/"


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def term(school):
    return factories.TermFactory(school=school, year=2026, season="autumn")


@pytest.fixture
def offer(school):
    return factories.OfferFactory(school=school, name="Fiolin")


@pytest.fixture
def placement(pupil, offer, term):
    return factories.PlacementFactory(pupil=pupil, offer=offer, starts_term=term)


@pytest.fixture
def group(offer, term, teacher_user):
    return factories.TeachingGroupFactory(
        offer=offer, term=term, teacher=teacher_user, weekday=OfficeHours.Weekday.TUESDAY
    )


def with_lessons(group, placement, actor) -> dict[dt.date, Lesson]:
    lifecycle.group_member_add(actor=actor, group=group, placement=placement)
    lifecycle.lessons_generate(actor=actor, group=group)
    return {lesson.date: lesson for lesson in Lesson.objects.filter(group=group)}


@pytest.fixture
def lessons(group, placement, teacher_user) -> dict[dt.date, Lesson]:
    return with_lessons(group, placement, teacher_user)


def day(month: int, number: int) -> dt.date:
    return dt.date(2026, month, number)


# --- Who may see it.


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert client.post(URL, {"pupil": 1}).status_code == 302


@pytest.mark.parametrize("who", ["office_user", "teacher_user", "superuser", "stranger"])
def test_users_without_a_household_get_403(client, request, who):
    user = request.getfixturevalue(who)
    assert login(client, user).get(URL).status_code == 403


@time_machine.travel(NOW, tick=False)
def test_the_guardian_sees_each_childs_coming_lessons(guardian_client, pupil, lessons):
    response = guardian_client.get(URL)
    assert response.status_code == 200
    text = response.content.decode()
    assert pupil.full_name in text
    # Today's lesson (17:00) and the next six weeks; not the lessons already held.
    assert f'value="{lessons[day(9, 15)].pk}"' in text
    assert f'value="{lessons[day(10, 27)].pk}"' in text
    assert f'value="{lessons[day(11, 3)].pk}"' not in text
    assert f'value="{lessons[day(9, 8)].pk}"' not in text
    assert "Fiolin" in text


@time_machine.travel(NOW, tick=False)
def test_another_households_children_and_lessons_are_not_shown(
    guardian_client, lessons, other_pupil, other_school, teacher_user
):
    term = factories.TermFactory(school=other_school, year=2026, season="autumn")
    offer = factories.OfferFactory(school=other_school, name="Trommer")
    theirs = factories.PlacementFactory(pupil=other_pupil, offer=offer, starts_term=term)
    group = factories.TeachingGroupFactory(offer=offer, term=term)
    with_lessons(group, theirs, teacher_user)
    text = guardian_client.get(URL).content.decode()
    assert other_pupil.full_name not in text
    assert "Trommer" not in text


@time_machine.travel(NOW, tick=False)
def test_a_child_without_a_group_has_an_empty_state(guardian_client, pupil):
    response = guardian_client.get(URL)
    assert "has no lessons yet" in response.content.decode()


# --- What a lesson says: cancelled, moved, substitute (§8a).


@time_machine.travel(NOW, tick=False)
def test_s8a_cancelled_moved_and_substitute_lessons_are_shown(
    guardian_client, lessons, teacher_user
):
    cancelled = lessons[day(9, 22)]
    lifecycle.lesson_cancel(actor=teacher_user, lesson=cancelled, reason="Læreren er på kurs")
    moved = lessons[day(9, 29)]
    substitute = factories.UserFactory(first_name="Vera", last_name="Vikar")
    lifecycle.lesson_change(
        actor=teacher_user,
        lesson=moved,
        date=day(9, 30),
        starts_at=dt.time(18, 0),
        ends_at=dt.time(18, 45),
        substitute=substitute,
    )
    text = guardian_client.get(URL).content.decode()
    assert "Cancelled by the school" in text
    assert "Læreren er på kurs" in text
    # A cancelled lesson cannot be reported absent.
    assert f'value="{cancelled.pk}"' not in text
    assert "Moved from 29 September" in text
    assert "Substitute: Vera Vikar" in text
    assert "Wednesday 30 September, 18:00–18:45" in text


# --- Reporting absence ahead (§7).


@time_machine.travel(NOW, tick=False)
def test_s7_reporting_two_future_lessons_creates_two_online_reports(
    guardian_client, guardian_user, pupil, lessons
):
    chosen = [lessons[day(9, 15)], lessons[day(9, 22)]]
    response = guardian_client.post(
        URL, {"pupil": pupil.pk, "lessons": [lesson.pk for lesson in chosen], "reason": "Syk"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/family/lessons/#child-{pupil.pk}"
    reports = AbsenceReport.objects.filter(pupil=pupil).order_by("lesson__date")
    assert [report.lesson for report in reports] == chosen
    assert {report.via for report in reports} == {AbsenceReport.Via.ONLINE}
    assert {report.reason for report in reports} == {"Syk"}
    assert {report.reported_by for report in reports} == {guardian_user}
    message = messages_of(guardian_client.get(URL))[0]
    assert "15 September, 22 September" in message


@time_machine.travel(NOW, tick=False)
def test_s7_past_lessons_are_refused_and_nothing_is_saved(guardian_client, pupil, lessons):
    response = guardian_client.post(
        URL, {"pupil": pupil.pk, "lessons": [lessons[day(9, 8)].pk, lessons[day(9, 22)].pk]}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "has already started or been held" in text
    assert "send a note with the child" in text
    assert not AbsenceReport.objects.exists()


@time_machine.travel(dt.datetime(2026, 9, 15, 17, 10, tzinfo=OSLO), tick=False)
def test_s7_a_lesson_that_has_started_is_reported_with_a_note_instead(
    guardian_client, pupil, lessons
):
    today = lessons[day(9, 15)]
    text = guardian_client.get(URL).content.decode()
    assert f'value="{today.pk}"' not in text
    assert "send a note to the next lesson" in text
    response = guardian_client.post(URL, {"pupil": pupil.pk, "lessons": [today.pk]})
    assert response.status_code == 200
    assert not AbsenceReport.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_s7_an_already_reported_lesson_is_marked_and_not_reported_twice(
    guardian_client, guardian_user, pupil, lessons
):
    lesson = lessons[day(9, 22)]
    lifecycle.absence_report(
        actor=guardian_user, pupil=pupil, lessons=[lesson], via=AbsenceReport.Via.ONLINE
    )
    text = guardian_client.get(URL).content.decode()
    assert f'value="{lesson.pk}"' not in text
    assert "Absence reported" in text
    response = guardian_client.post(
        URL, {"pupil": pupil.pk, "lessons": [lesson.pk, lessons[day(9, 29)].pk]}
    )
    assert response.status_code == 200
    assert "already reported" in response.content.decode()
    assert AbsenceReport.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_choosing_no_lesson_asks_for_one(guardian_client, pupil, lessons):
    response = guardian_client.post(URL, {"pupil": pupil.pk, "reason": "Syk"})
    assert response.status_code == 200
    assert "Tick the lessons the child will miss." in response.content.decode()
    assert not AbsenceReport.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_another_households_child_or_lesson_is_404(
    guardian_client, pupil, lessons, other_pupil, other_school, teacher_user
):
    term = factories.TermFactory(school=other_school, year=2026, season="autumn")
    offer = factories.OfferFactory(school=other_school)
    theirs = factories.PlacementFactory(pupil=other_pupil, offer=offer, starts_term=term)
    group = factories.TeachingGroupFactory(offer=offer, term=term)
    their_lessons = with_lessons(group, theirs, teacher_user)
    their_lesson = their_lessons[day(9, 22)]
    assert (
        guardian_client.post(
            URL, {"pupil": other_pupil.pk, "lessons": [their_lesson.pk]}
        ).status_code
        == 404
    )
    assert (
        guardian_client.post(URL, {"pupil": pupil.pk, "lessons": [their_lesson.pk]}).status_code
        == 404
    )
    assert guardian_client.post(URL, {"pupil": "x", "lessons": ["1"]}).status_code == 404
    assert guardian_client.post(URL, {"pupil": pupil.pk, "lessons": ["x"]}).status_code == 404
    assert not AbsenceReport.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_sibling_in_the_same_group_reports_separately(
    guardian_client, household, pupil, lessons, group, offer, term, teacher_user
):
    sister = factories.PupilFactory(household=household, first_name="Sara")
    hers = factories.PlacementFactory(pupil=sister, offer=offer, starts_term=term)
    lifecycle.group_member_add(actor=teacher_user, group=group, placement=hers)
    lesson = lessons[day(9, 22)]
    assert (
        guardian_client.post(URL, {"pupil": sister.pk, "lessons": [lesson.pk]}).status_code == 302
    )
    assert list(AbsenceReport.objects.values_list("pupil", flat=True)) == [sister.pk]
    text = guardian_client.get(URL).content.decode()
    # Ola can still be reported for the same lesson.
    assert f'id="lesson-{pupil.pk}-{lesson.pk}"' in text
    assert f'id="lesson-{sister.pk}-{lesson.pk}"' not in text


# --- This term's attendance.


@time_machine.travel(NOW, tick=False)
def test_the_attendance_this_term_is_present_reported_or_without_notice(
    guardian_client, guardian_user, pupil, placement, lessons, teacher_user
):
    for date, status in [
        (day(8, 25), Attendance.Status.PRESENT),
        (day(9, 1), Attendance.Status.ABSENT),
        (day(9, 8), Attendance.Status.ABSENT),
    ]:
        lifecycle.attendance_set(
            actor=teacher_user, lesson=lessons[date], placement=placement, status=status
        )
    AbsenceReport.objects.create(
        lesson=lessons[day(9, 1)],
        pupil=pupil,
        via=AbsenceReport.Via.PHONE,
        reported_at=NOW - dt.timedelta(days=15),
    )
    response = guardian_client.get(URL)
    child = response.context["children"][0]
    assert [row.state for row in child.history] == ["present", "reported", "unreported"]
    assert (child.present, child.reported, child.unreported) == (1, 1, 1)
    text = response.content.decode()
    assert "absent without notice on 8 September" in text
    assert "Send a note with" in text
    assert "Reported by phone" in text


# --- A fixed number of queries.


def page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


@time_machine.travel(NOW, tick=False)
def test_the_lessons_page_makes_a_fixed_number_of_queries(
    guardian_client, household, pupil, lessons, placement, teacher_user, school, term
):
    few = page_queries(guardian_client)
    for number in range(4):
        child = factories.PupilFactory(household=household)
        for _ in range(2):
            offer = factories.OfferFactory(school=school)
            theirs = factories.PlacementFactory(pupil=child, offer=offer, starts_term=term)
            group = factories.TeachingGroupFactory(offer=offer, term=term, weekday=number)
            their_lessons = with_lessons(group, theirs, teacher_user)
            past = [lesson for date, lesson in their_lessons.items() if date < NOW.date()]
            for lesson in past:
                lifecycle.attendance_set(
                    actor=teacher_user, lesson=lesson, placement=theirs, status="absent"
                )
            lifecycle.absence_report(
                actor=teacher_user, pupil=child, lessons=past[:1], via=AbsenceReport.Via.PHONE
            )
    lifecycle.lesson_cancel(actor=teacher_user, lesson=lessons[day(9, 22)], reason="Syk")
    many = page_queries(guardian_client)
    assert many == few
    # Session, user, roles (3), pupils, group members, lessons, reports, attendance.
    assert few == 10
