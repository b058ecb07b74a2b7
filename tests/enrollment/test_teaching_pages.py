"""A teacher's pages: today's lessons, own groups (this term and later ones, nobody else's),
the group page with attendance and effort (§16b), and conference hours (§15)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from enrollment.models import ConferenceSlot, EffortAssessment, Term
from enrollment.services import lifecycle
from kulturskole.access import Role
from kulturskole.models import OutboundMessage
from tests import factories
from tests.conftest import login
from tests.enrollment.test_register import add_pupil, make_lesson, other_teacher

TODAY = dt.datetime(2026, 10, 5, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _english(client: Client, settings: Any) -> Any:
    """Assertions read the English source text, whatever catalogues are compiled."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def teacher(client: Client, teacher_user: Any) -> Client:
    return login(client, teacher_user)


@pytest.fixture
def terms(school: Any) -> dict[str, Term]:
    return {
        "past": factories.TermFactory(school=school, year=2026, season=Term.Season.SPRING),
        "current": factories.TermFactory(school=school, year=2026, season=Term.Season.AUTUMN),
        "next": factories.TermFactory(school=school, year=2027, season=Term.Season.SPRING),
    }


def group(teacher: Any, term: Term, **kwargs: Any) -> Any:
    offer = kwargs.pop("offer", None) or factories.OfferFactory(school=term.school)
    return factories.TeachingGroupFactory(teacher=teacher, term=term, offer=offer, **kwargs)


@time_machine.travel(TODAY)
def test_teacher_sees_own_groups_this_term_and_next_but_not_past_ones(
    teacher: Client, teacher_user: Any, terms: dict[str, Term]
) -> None:
    group(teacher_user, terms["past"], name="Vårgruppe")
    group(teacher_user, terms["current"], name="Høstgruppe", room="Sal 2")
    group(teacher_user, terms["next"], name="Neste vår")
    group(factories.UserFactory(), terms["current"], name="Kollegas gruppe")

    page = teacher.get(reverse("teaching:groups")).content.decode()

    assert "Høstgruppe" in page
    assert "Sal 2" in page
    assert "Neste vår" in page
    assert "Vårgruppe" not in page
    assert "Kollegas gruppe" not in page


@time_machine.travel(TODAY)
def test_teacher_without_groups_is_told_so(teacher: Client) -> None:
    page = teacher.get(reverse("teaching:groups")).content.decode()
    assert "You have no teaching groups" in page


@time_machine.travel(TODAY)
def test_group_list_makes_the_same_number_of_queries_for_3_and_30_groups(
    teacher: Client, teacher_user: Any, terms: dict[str, Term], django_assert_num_queries: Any
) -> None:
    offer = factories.OfferFactory(school=terms["current"].school)
    for _ in range(3):
        group(teacher_user, terms["current"], offer=offer)
    path = reverse("teaching:groups")
    teacher.get(path)
    with CaptureQueriesContext(connection) as few:
        teacher.get(path)
    for index in range(27):
        group(
            teacher_user,
            terms["next"] if index % 2 else terms["current"],
            offer=factories.OfferFactory(school=terms["current"].school),
        )
    with django_assert_num_queries(len(few.captured_queries)):
        teacher.get(path)


def test_group_page_shows_the_offer_schedule_and_location(
    teacher: Client, teacher_user: Any, terms: dict[str, Term]
) -> None:
    offer = factories.OfferFactory(
        school=terms["current"].school, name="Fiolin", description="Suzuki-metoden."
    )
    own = group(teacher_user, terms["current"], offer=offer, room="Rom 12")

    page = teacher.get(reverse("teaching:group", args=[own.pk])).content.decode()

    assert "Fiolin" in page
    assert "Suzuki-metoden." in page
    assert "17:00–17:45" in page
    assert own.location.name in page
    assert "Rom 12" in page
    assert "No pupils in this group yet" in page


def test_another_teachers_group_is_not_found(teacher: Client, terms: dict[str, Term]) -> None:
    theirs = group(factories.UserFactory(), terms["current"])
    assert teacher.get(reverse("teaching:group", args=[theirs.pk])).status_code == 404


def test_own_group_at_a_school_where_the_user_no_longer_teaches_is_not_found(
    teacher: Client, teacher_user: Any, other_school: Any
) -> None:
    term = factories.TermFactory(school=other_school)
    old = group(teacher_user, term)
    assert teacher.get(reverse("teaching:group", args=[old.pk])).status_code == 404


def test_office_staff_who_do_not_teach_are_refused(client: Client, office_user: Any) -> None:
    login(client, office_user)
    assert client.get(reverse("teaching:groups")).status_code == 403


def test_office_staff_who_also_teach_see_their_groups(
    client: Client, office_user: Any, school: Any
) -> None:
    factories.StaffRoleFactory(user=office_user, school=school, role=Role.TEACHER)
    assert login(client, office_user).get(reverse("teaching:groups")).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("teaching:groups"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# --- Issue 4: today's lessons, the group page, effort (§16b) and conference hours (§15) ---------

# Tuesday 6 October 2026; the factories' groups meet on Tuesdays.
LESSON_DAY = dt.datetime(2026, 10, 6, 13, 0, tzinfo=dt.UTC)


def _lesson(group: Any, day: dt.date, **kwargs: Any) -> Any:
    return make_lesson(group, day, **kwargs)


def _pupil(group: Any, name: str, status: str = "active") -> Any:
    return add_pupil(group, name, status=status)


def _colleague(school: Any, email: str = "colleague@example.org") -> Any:
    return other_teacher(school, email)


@time_machine.travel(LESSON_DAY, tick=False)
def test_teaching_starts_on_today_and_the_group_list_keeps_its_address(
    teacher: Client,
) -> None:
    assert reverse("teaching:today") == "/teaching/"
    assert reverse("teaching:groups") == "/teaching/groups/"
    page = teacher.get("/teaching/").content.decode()
    assert "No lessons today." in page
    assert "No lessons in the next 7 days." in page


@time_machine.travel(LESSON_DAY, tick=False)
def test_today_lists_todays_lessons_with_a_register_button_then_the_week(
    teacher: Client, teacher_user: Any, terms: dict[str, Term], school: Any
) -> None:
    own = group(teacher_user, terms["current"], name="Fiolin 1", room="Sal 2")
    _pupil(own, "Ola")
    today = _lesson(own, dt.date(2026, 10, 6))
    _lesson(own, dt.date(2026, 10, 13), kind="rehearsal")
    _lesson(own, dt.date(2026, 10, 8), status="cancelled", cancellation_reason="Syk")
    _lesson(own, dt.date(2026, 10, 14))  # more than 7 days ahead
    theirs = group(_colleague(school), terms["current"], name="Kollegas gruppe")
    _lesson(theirs, dt.date(2026, 10, 6))

    page = teacher.get(reverse("teaching:today")).content.decode()

    assert reverse("teaching:lesson", args=[today.pk]) in page
    assert "button-register" in page
    assert "Sal 2" in page
    assert "Rehearsal" in page
    assert "Cancelled" in page
    assert "14 October" not in page
    assert "Kollegas gruppe" not in page


@time_machine.travel(LESSON_DAY, tick=False)
def test_today_shows_lessons_the_teacher_gives_as_a_substitute(
    teacher: Client, teacher_user: Any, terms: dict[str, Term], school: Any
) -> None:
    theirs = group(_colleague(school), terms["current"], name="Kollegas gruppe")
    given = _lesson(theirs, dt.date(2026, 10, 6), substitute=teacher_user)
    not_given = _lesson(theirs, dt.date(2026, 10, 7))

    page = teacher.get(reverse("teaching:today")).content.decode()

    assert "Kollegas gruppe" in page
    assert "You are the substitute" in page
    assert reverse("teaching:lesson", args=[not_given.pk]) not in page
    assert reverse("teaching:lesson", args=[given.pk]) in page


@time_machine.travel(LESSON_DAY, tick=False)
def test_today_reminds_of_lessons_last_week_nobody_registered(
    teacher: Client, teacher_user: Any, terms: dict[str, Term]
) -> None:
    own = group(teacher_user, terms["current"], name="Fiolin 1")
    _pupil(own, "Ola")
    forgotten = _lesson(own, dt.date(2026, 9, 29))
    page = teacher.get(reverse("teaching:today")).content.decode()
    assert "Not registered yet" in page
    assert reverse("teaching:lesson", args=[forgotten.pk]) in page


@time_machine.travel(LESSON_DAY, tick=False)
def test_today_makes_the_same_number_of_queries_for_few_and_many_lessons(
    teacher: Client, teacher_user: Any, terms: dict[str, Term], django_assert_num_queries: Any
) -> None:
    first = group(teacher_user, terms["current"])
    _lesson(first, dt.date(2026, 10, 6))
    teacher.get(reverse("teaching:today"))
    with CaptureQueriesContext(connection) as few:
        teacher.get(reverse("teaching:today"))
    for index in range(8):
        more = group(teacher_user, terms["current"], weekday=index % 7)
        _pupil(more, f"Elev{index}")
        for day in (6, 7, 8, 12, 29, 30):
            _lesson(more, dt.date(2026, 10 if day < 20 else 9, day))
    with django_assert_num_queries(len(few.captured_queries)):
        teacher.get(reverse("teaching:today"))


@time_machine.travel(LESSON_DAY, tick=False)
def test_office_staff_who_do_not_teach_have_no_today_page(client: Client, office_user: Any) -> None:
    assert login(client, office_user).get(reverse("teaching:today")).status_code == 403


@time_machine.travel(LESSON_DAY, tick=False)
def test_group_page_shows_members_upcoming_lessons_and_attendance_so_far(
    teacher: Client, teacher_user: Any, terms: dict[str, Term]
) -> None:
    own = group(teacher_user, terms["current"], name="Fiolin 1")
    ola = _pupil(own, "Ola")
    kari = _pupil(own, "Kari", status="trial")
    held = _lesson(own, dt.date(2026, 9, 29))
    today = _lesson(own, dt.date(2026, 10, 6))
    lifecycle.attendance_set(actor=teacher_user, lesson=held, placement=ola, status="present")
    lifecycle.attendance_set(actor=teacher_user, lesson=held, placement=kari, status="absent")

    page = teacher.get(reverse("teaching:group", args=[own.pk])).content.decode()

    assert "Ola" in page
    assert "Kari" in page
    assert "Trial lessons" in page
    assert reverse("teaching:lesson", args=[today.pk]) in page
    assert reverse("teaching:lesson", args=[held.pk]) in page
    assert "1 present" in page
    assert "1 unreported" in page


@time_machine.travel(LESSON_DAY, tick=False)
def test_group_page_makes_the_same_number_of_queries_for_3_and_30_pupils(
    teacher: Client, teacher_user: Any, terms: dict[str, Term], django_assert_num_queries: Any
) -> None:
    department = factories.DepartmentFactory(school=terms["current"].school, performer_track=True)
    offer = factories.OfferFactory(school=terms["current"].school, department=department)
    own = group(teacher_user, terms["current"], offer=offer)
    lessons = [_lesson(own, dt.date(2026, 9, day)) for day in (15, 22, 29)]

    def fill(count: int, start: int) -> None:
        for index in range(start, start + count):
            placement = _pupil(own, f"Elev{index}")
            lifecycle.attendance_set(
                actor=teacher_user,
                lesson=lessons[index % 3],
                placement=placement,
                status="absent" if index % 2 else "present",
            )
            lifecycle.effort_assess(
                actor=teacher_user, placement=placement, term=terms["current"], level="low"
            )

    fill(3, 0)
    path = reverse("teaching:group", args=[own.pk])
    teacher.get(path)
    with CaptureQueriesContext(connection) as few:
        teacher.get(path)
    fill(27, 3)
    with django_assert_num_queries(len(few.captured_queries)):
        teacher.get(path)


@time_machine.travel(LESSON_DAY, tick=False)
def test_s16b_the_teacher_assesses_effort_and_guidance_is_suggested_after_two_low_terms(
    teacher: Client, teacher_user: Any, terms: dict[str, Term]
) -> None:
    department = factories.DepartmentFactory(school=terms["current"].school, performer_track=True)
    offer = factories.OfferFactory(school=terms["current"].school, department=department)
    own = group(teacher_user, terms["current"], offer=offer)
    ola = _pupil(own, "Ola")
    lifecycle.effort_assess(actor=teacher_user, placement=ola, term=terms["past"], level="low")
    page = teacher.get(reverse("teaching:group", args=[own.pk])).content.decode()
    assert "Own effort (§16)" in page
    assert "Guidance suggested" not in page

    path = reverse("teaching:effort", args=[own.pk, ola.pk])
    prefix = f"effort-{ola.pk}"
    response = teacher.post(path, {f"{prefix}-level": "low", f"{prefix}-note": "Øver lite"})

    assert response.status_code == 302
    assessment = EffortAssessment.objects.get(placement=ola, term=terms["current"])
    assert (assessment.level, assessment.note) == ("low", "Øver lite")
    page = teacher.get(reverse("teaching:group", args=[own.pk])).content.decode()
    assert "Guidance suggested" in page
    assert OutboundMessage.objects.filter(template="effort_guidance").exists()


@time_machine.travel(LESSON_DAY, tick=False)
def test_s16b_an_effort_without_a_level_is_refused_next_to_the_field(
    teacher: Client, teacher_user: Any, terms: dict[str, Term]
) -> None:
    own = group(teacher_user, terms["current"])
    ola = _pupil(own, "Ola")
    path = reverse("teaching:effort", args=[own.pk, ola.pk])
    response = teacher.post(path, {f"effort-{ola.pk}-level": "excellent"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not EffortAssessment.objects.exists()


@time_machine.travel(LESSON_DAY, tick=False)
def test_s16b_effort_of_another_teachers_pupil_is_not_found(
    teacher: Client, terms: dict[str, Term], school: Any
) -> None:
    theirs = group(_colleague(school), terms["current"])
    ola = _pupil(theirs, "Ola")
    path = reverse("teaching:effort", args=[theirs.pk, ola.pk])
    assert teacher.get(path).status_code == 404
    assert teacher.post(path, {f"effort-{ola.pk}-level": "good"}).status_code == 404


# --- Conference hours (§15) ----------------------------------------------------------------------


@pytest.fixture
def performer_group(teacher_user: Any, terms: dict[str, Term]) -> Any:
    department = factories.DepartmentFactory(
        school=terms["current"].school, name="Utøver", performer_track=True
    )
    offer = factories.OfferFactory(school=terms["current"].school, department=department)
    return group(teacher_user, terms["current"], offer=offer)


def _publish_data(**overrides: Any) -> dict[str, Any]:
    return {
        "date": "2026-10-20",
        "first_start": "16:00",
        "minutes": "20",
        "count": "3",
        "place": "Rom 12",
        **overrides,
    }


@time_machine.travel(LESSON_DAY, tick=False)
def test_s15_a_performer_track_teacher_publishes_conference_hours_one_after_the_other(
    teacher: Client, teacher_user: Any, performer_group: Any, school: Any
) -> None:
    response = teacher.post(reverse("teaching:conference_publish"), _publish_data(school=school.pk))

    assert response.status_code == 302
    slots = list(ConferenceSlot.objects.filter(teacher=teacher_user).order_by("starts_at"))
    assert [timezone.localtime(s.starts_at).strftime("%H:%M") for s in slots] == [
        "16:00",
        "16:20",
        "16:40",
    ]
    assert {s.place for s in slots} == {"Rom 12"}
    page = teacher.get(reverse("teaching:conferences")).content.decode()
    assert page.count("Free") == 3


@time_machine.travel(LESSON_DAY, tick=False)
def test_s15_hours_in_the_past_or_of_a_wrong_length_are_refused(
    teacher: Client, performer_group: Any, school: Any
) -> None:
    path = reverse("teaching:conference_publish")
    for bad in ({"date": "2026-10-01"}, {"minutes": "2"}, {"count": "0"}, {"count": "x"}):
        response = teacher.post(path, _publish_data(school=school.pk, **bad))
        assert response.status_code == 200
        assert "errorlist" in response.content.decode()
    assert not ConferenceSlot.objects.exists()


@time_machine.travel(LESSON_DAY, tick=False)
def test_s15_a_teacher_without_performer_track_groups_cannot_publish(
    teacher: Client, teacher_user: Any, terms: dict[str, Term], school: Any
) -> None:
    group(teacher_user, terms["current"])
    page = teacher.get(reverse("teaching:conferences")).content.decode()
    assert "Conference hours are for teachers of performer-track" in page
    teacher.post(reverse("teaching:conference_publish"), _publish_data(school=school.pk))
    assert not ConferenceSlot.objects.exists()


@time_machine.travel(LESSON_DAY, tick=False)
def test_s15_the_list_shows_who_booked_and_only_a_free_hour_can_be_withdrawn(
    teacher: Client, teacher_user: Any, performer_group: Any, school: Any, guardian_user: Any
) -> None:
    free, booked = lifecycle.conference_slots_publish(
        teacher=teacher_user,
        school=school,
        first_start=dt.datetime(2026, 10, 20, 14, 0, tzinfo=dt.UTC),
        minutes=20,
        count=2,
    )
    ola = _pupil(performer_group, "Ola")
    lifecycle.conference_book(user=guardian_user, slot=booked, placement=ola)

    page = teacher.get(reverse("teaching:conferences")).content.decode()
    assert ola.pupil.full_name in page
    assert reverse("teaching:conference_delete", args=[free.pk]) in page
    assert reverse("teaching:conference_delete", args=[booked.pk]) not in page

    confirm = teacher.get(reverse("teaching:conference_delete", args=[free.pk]))
    assert "Withdraw this conference hour?" in confirm.content.decode()
    assert ConferenceSlot.objects.filter(pk=free.pk).exists()
    teacher.post(reverse("teaching:conference_delete", args=[free.pk]))
    assert not ConferenceSlot.objects.filter(pk=free.pk).exists()

    response = teacher.post(reverse("teaching:conference_delete", args=[booked.pk]), follow=True)
    assert "only the home can cancel the booking" in response.content.decode()
    assert ConferenceSlot.objects.filter(pk=booked.pk, placement=ola).exists()


@time_machine.travel(LESSON_DAY, tick=False)
def test_s15_another_teachers_conference_hour_is_not_found(teacher: Client, school: Any) -> None:
    (theirs,) = lifecycle.conference_slots_publish(
        teacher=_colleague(school),
        school=school,
        first_start=dt.datetime(2026, 10, 20, 14, 0, tzinfo=dt.UTC),
        minutes=20,
        count=1,
    )
    path = reverse("teaching:conference_delete", args=[theirs.pk])
    assert teacher.get(path).status_code == 404
    assert teacher.post(path).status_code == 404
    assert ConferenceSlot.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize(
    "name", ["teaching:today", "teaching:conferences", "teaching:conference_publish"]
)
def test_teacher_pages_refuse_guardians_and_send_visitors_to_sign_in(
    client: Client, guardian_user: Any, name: str
) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert login(client, guardian_user).get(reverse(name)).status_code == 403


@time_machine.travel(LESSON_DAY, tick=False)
def test_s15_a_guardian_guessing_a_conference_hour_is_refused(
    client: Client, teacher_user: Any, guardian_user: Any, school: Any
) -> None:
    (slot,) = lifecycle.conference_slots_publish(
        teacher=teacher_user,
        school=school,
        first_start=dt.datetime(2026, 10, 20, 14, 0, tzinfo=dt.UTC),
        minutes=20,
        count=1,
    )
    login(client, guardian_user)
    path = reverse("teaching:conference_delete", args=[slot.pk])
    assert client.get(path).status_code == 403
    assert client.post(path).status_code == 403
    assert ConferenceSlot.objects.filter(pk=slot.pk).exists()
