"""Cancelling, moving and changing a lesson (§8, §17): by the group's teacher or the school's
office, with the homes of the group e-mailed; nobody else."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from enrollment.models import Lesson
from kulturskole.access import Role
from kulturskole.audit import history
from kulturskole.models import OutboundMessage
from tests import factories
from tests.conftest import login
from tests.enrollment.test_register import (
    NEXT_WEEK,
    NOW,
    TODAY,
    add_pupil,
    make_group,
    make_lesson,
    other_teacher,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def group(teacher_user: Any, school: Any) -> Any:
    return make_group(teacher_user, school, name="Fiolin 1")


@pytest.fixture
def lesson(group: Any) -> Lesson:
    return make_lesson(group, NEXT_WEEK)


@pytest.fixture
def homes(group: Any) -> list[Any]:
    """Two pupils from two homes, and one whose place has ended (not told)."""
    ola = add_pupil(group, "Ola", email="ola-home@example.org")
    kari = add_pupil(group, "Kari", email="kari-home@example.org")
    gone = add_pupil(group, "Borte", email="gone-home@example.org")
    gone.status = "ended"
    gone.ends_on = TODAY
    gone.save()
    return [ola, kari]


@pytest.fixture
def teacher(client: Client, teacher_user: Any) -> Client:
    return login(client, teacher_user)


def cancel(lesson: Lesson) -> str:
    return reverse("teaching:lesson_cancel", args=[lesson.pk])


def change(lesson: Lesson) -> str:
    return reverse("teaching:lesson_change", args=[lesson.pk])


def change_data(lesson: Lesson, **overrides: Any) -> dict[str, Any]:
    data = {
        "date": lesson.date.isoformat(),
        "starts_at": lesson.starts_at.strftime("%H:%M"),
        "ends_at": lesson.ends_at.strftime("%H:%M"),
        "substitute": "",
        "room": lesson.room,
        "kind": lesson.kind,
        "note": "",
    }
    return {**data, **overrides}


def recipients(template: str) -> set[str]:
    return set(OutboundMessage.objects.filter(template=template).values_list("to_email", flat=True))


# --- Cancel (§8) ---------------------------------------------------------------------------------


def test_s8_the_confirmation_page_says_how_many_homes_are_told_and_changes_nothing(
    teacher: Client, lesson: Lesson, homes: list[Any]
) -> None:
    page = teacher.get(cancel(lesson)).content.decode()
    assert "Cancel this lesson?" in page
    assert "The guardians of 2 homes are e-mailed at once." in page
    lesson.refresh_from_db()
    assert not lesson.is_cancelled
    assert not OutboundMessage.objects.exists()


def test_s8_the_teacher_cancels_with_a_reason_and_the_groups_homes_are_emailed(
    teacher: Client, lesson: Lesson, homes: list[Any]
) -> None:
    response = teacher.post(cancel(lesson), {"reason": "Læreren er syk"})

    assert response.status_code == 302
    assert response["Location"] == reverse("teaching:lesson", args=[lesson.pk])
    lesson.refresh_from_db()
    assert lesson.is_cancelled
    assert lesson.cancellation_reason == "Læreren er syk"
    assert recipients("lesson_cancelled") == {"ola-home@example.org", "kari-home@example.org"}
    body = OutboundMessage.objects.filter(template="lesson_cancelled").first().context["body"]
    assert "Læreren er syk" in body
    assert history(lesson).filter(action="lesson.cancelled").exists()


def test_s8_a_cancellation_needs_a_reason(
    teacher: Client, lesson: Lesson, homes: list[Any]
) -> None:
    response = teacher.post(cancel(lesson), {"reason": "   "})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    lesson.refresh_from_db()
    assert not lesson.is_cancelled
    assert not OutboundMessage.objects.exists()


def test_s8_a_cancelled_lesson_cannot_be_cancelled_or_changed_again(
    teacher: Client, group: Any
) -> None:
    cancelled = make_lesson(group, NEXT_WEEK, status=Lesson.Status.CANCELLED)
    response = teacher.post(cancel(cancelled), {"reason": "Igjen"}, follow=True)
    assert "can no longer be changed" in response.content.decode()
    response = teacher.post(change(cancelled), change_data(cancelled, room="B"), follow=True)
    assert "can no longer be changed" in response.content.decode()
    cancelled.refresh_from_db()
    assert cancelled.room != "B"


def test_s8_the_office_of_the_school_cancels_through_its_own_link_and_returns_there(
    client: Client, office_user: Any, school: Any, lesson: Lesson, homes: list[Any]
) -> None:
    login(client, office_user)
    back = reverse("office:home", kwargs={"school": school.slug})
    page = client.get(cancel(lesson) + f"?next={back}").content.decode()
    assert f'name="next" value="{back}"' in page

    response = client.post(cancel(lesson), {"reason": "Stengt", "next": back})

    assert response["Location"] == back
    lesson.refresh_from_db()
    assert lesson.is_cancelled
    assert len(recipients("lesson_cancelled")) == 2


def test_a_next_address_on_another_site_is_ignored(teacher: Client, lesson: Lesson) -> None:
    response = teacher.post(cancel(lesson), {"reason": "Syk", "next": "https://evil.example/"})
    assert response["Location"] == reverse("teaching:lesson", args=[lesson.pk])


def test_the_principal_of_the_school_may_change_a_lesson(
    client: Client, principal_user: Any, lesson: Lesson
) -> None:
    login(client, principal_user)
    assert client.get(change(lesson)).status_code == 200
    assert client.get(cancel(lesson)).status_code == 200


def test_office_of_another_school_another_teacher_a_guardian_and_visitors_may_not(
    client: Client,
    other_school: Any,
    school: Any,
    guardian_user: Any,
    lesson: Lesson,
    homes: list[Any],
) -> None:
    office_elsewhere = factories.UserFactory(email="office2@example.org", totp=True)
    factories.StaffRoleFactory(user=office_elsewhere, school=other_school, role=Role.OFFICE)
    login(client, office_elsewhere)
    assert client.get(cancel(lesson)).status_code == 404
    assert client.post(cancel(lesson), {"reason": "x"}).status_code == 404

    login(client, other_teacher(school))
    assert client.post(cancel(lesson), {"reason": "x"}).status_code == 404
    assert client.post(change(lesson), change_data(lesson, room="X")).status_code == 404

    login(client, guardian_user)
    assert client.post(cancel(lesson), {"reason": "x"}).status_code == 403

    anonymous = Client()
    response = anonymous.post(cancel(lesson), {"reason": "x"})
    assert reverse("account_login") in response["Location"]

    lesson.refresh_from_db()
    assert not lesson.is_cancelled
    assert lesson.room != "X"
    assert not OutboundMessage.objects.exists()


def test_a_substitute_registers_the_lesson_but_may_not_cancel_or_move_it(
    client: Client, school: Any, group: Any
) -> None:
    substitute = other_teacher(school, "vikar@example.org")
    given = make_lesson(group, NEXT_WEEK, substitute=substitute)
    login(client, substitute)
    assert client.get(reverse("teaching:lesson", args=[given.pk])).status_code == 200
    assert client.get(cancel(given)).status_code == 403
    assert client.post(change(given), change_data(given, room="X")).status_code == 403
    page = client.get(reverse("teaching:lesson", args=[given.pk])).content.decode()
    assert "Cancel lesson" not in page


# --- Move, substitute, content (§8a, §17) --------------------------------------------------------


def test_s8a_moving_a_lesson_keeps_the_original_day_and_tells_the_homes(
    teacher: Client, lesson: Lesson, homes: list[Any]
) -> None:
    new_day = NEXT_WEEK + dt.timedelta(days=2)
    response = teacher.post(
        change(lesson),
        change_data(lesson, date=new_day.isoformat(), starts_at="18:00", ends_at="18:45"),
    )

    assert response.status_code == 302
    lesson.refresh_from_db()
    assert (lesson.date, lesson.starts_at, lesson.moved_from) == (
        new_day,
        dt.time(18, 0),
        NEXT_WEEK,
    )
    assert recipients("lesson_changed") == {"ola-home@example.org", "kari-home@example.org"}
    page = teacher.get(reverse("teaching:lesson", args=[lesson.pk])).content.decode()
    assert "Moved from" in page


def test_s8a_a_substitute_is_chosen_among_the_schools_teachers_and_the_homes_are_told(
    teacher: Client, school: Any, other_school: Any, lesson: Lesson, homes: list[Any]
) -> None:
    colleague = other_teacher(school, "vikar@example.org")
    outsider = other_teacher(other_school, "outsider@example.org")
    page = teacher.get(change(lesson)).content.decode()
    assert "vikar@example.org" in page or colleague.get_full_name() in page
    assert "outsider@example.org" not in page

    response = teacher.post(change(lesson), change_data(lesson, substitute=outsider.pk))
    assert response.status_code == 200
    assert "Choose one of the school" in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.substitute is None

    teacher.post(change(lesson), change_data(lesson, substitute=colleague.pk))
    lesson.refresh_from_db()
    assert lesson.substitute == colleague
    assert lesson.moved_from is None
    assert len(recipients("lesson_changed")) == 2


def test_s17_changing_the_content_only_sends_no_email(
    teacher: Client, lesson: Lesson, homes: list[Any]
) -> None:
    response = teacher.post(
        change(lesson), change_data(lesson, kind="rehearsal", note="Ta med noter", room="Salen")
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert (lesson.kind, lesson.note, lesson.room) == ("rehearsal", "Ta med noter", "Salen")
    assert not OutboundMessage.objects.exists()
    page = teacher.get(reverse("teaching:lesson", args=[lesson.pk])).content.decode()
    assert "Rehearsal" in page
    assert "Ta med noter" in page


def test_a_lesson_ending_before_it_starts_or_outside_the_term_is_refused(
    teacher: Client, lesson: Lesson
) -> None:
    response = teacher.post(change(lesson), change_data(lesson, starts_at="18:00", ends_at="17:00"))
    assert "The lesson must end after it starts." in response.content.decode()
    response = teacher.post(change(lesson), change_data(lesson, date="2027-03-02"))
    assert "Choose a day in the term" in response.content.decode()
    response = teacher.post(change(lesson), change_data(lesson, kind="party"))
    assert response.status_code == 200
    lesson.refresh_from_db()
    assert (lesson.date, lesson.kind) == (NEXT_WEEK, "ordinary")


def test_moving_onto_another_lesson_of_the_group_shows_the_rule_and_changes_nothing(
    teacher: Client, group: Any, lesson: Lesson
) -> None:
    other = make_lesson(group, NEXT_WEEK + dt.timedelta(days=7))
    response = teacher.post(change(lesson), change_data(lesson, date=other.date.isoformat()))
    assert response.status_code == 200
    assert "The group already has a lesson at that time." in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.date == NEXT_WEEK


def test_the_change_form_starts_from_the_lesson_as_it_is(teacher: Client, group: Any) -> None:
    lesson = make_lesson(group, NEXT_WEEK, room="Sal 3", note="Konsert", kind="performance")
    page = teacher.get(change(lesson)).content.decode()
    assert 'value="Sal 3"' in page
    assert 'value="Konsert"' in page
    assert f'value="{NEXT_WEEK.isoformat()}"' in page
    assert 'value="performance" required id="id_kind_2" checked' in page
