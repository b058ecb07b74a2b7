"""The office's teaching and follow-up pages: who may see them, groups, members, lessons,
holidays, absence reports by phone, leave, notices, places ending and parent work groups."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from enrollment.models import (
    AbsenceReport,
    Application,
    Attendance,
    GroupMember,
    Leave,
    Lesson,
    Notice,
    Offer,
    ParentWorkGroupMember,
    Placement,
    SchoolHoliday,
    TeachingGroup,
    Termination,
)
from enrollment.services import teaching
from kulturskole.access import Role
from kulturskole.models import AuditEvent
from tests import factories
from tests.conftest import login

# A Monday in the autumn term 2026 (24 August – 18 December in TermFactory).
TODAY = dt.datetime(2026, 10, 5, 12, 0, tzinfo=dt.UTC)
MONDAYS = [dt.date(2026, 8, 24) + dt.timedelta(weeks=week) for week in range(6)]


@pytest.fixture(autouse=True)
def _english(client: Client, settings: Any) -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


# --- Builders, also used by test_absence_flags and test_terminations --------------------------


def url(name: str, school: Any, **kwargs: Any) -> str:
    return reverse(name, kwargs={"school": school.slug, **kwargs})


def text(response: Any) -> str:
    return response.content.decode()


def autumn(school: Any) -> Any:
    return factories.TermFactory(school=school, year=2026, season="autumn")


def make_group(school: Any, *, teacher: Any = None, offer: Any = None, **values: Any) -> Any:
    offer = offer or factories.OfferFactory(school=school)
    values.setdefault("weekday", 0)  # Monday
    return factories.TeachingGroupFactory(
        offer=offer, term=autumn(school), teacher=teacher, **values
    )


def make_member(group: Any, *, household: Any = None, **pupil: Any) -> Placement:
    """A pupil of the group's school with an active place in the offer, in the group."""
    household = household or factories.HouseholdFactory(school=group.offer.school)
    placement = factories.PlacementFactory(
        pupil=factories.PupilFactory(household=household, **pupil),
        offer=group.offer,
        starts_term=group.term,
        status=Placement.Status.ACTIVE,
    )
    GroupMember.objects.create(group=group, placement=placement)
    return placement


def make_lessons(group: Any, days: Iterable[dt.date]) -> list[Lesson]:
    return Lesson.objects.bulk_create(
        [
            Lesson(group=group, date=day, starts_at=group.starts_at, ends_at=group.ends_at)
            for day in days
        ]
    )


def register(
    lessons: Iterable[Lesson], placement: Placement, status: str = Attendance.Status.ABSENT
) -> None:
    Attendance.objects.bulk_create(
        [
            Attendance(lesson=lesson, placement=placement, status=status, recorded_at=TODAY)
            for lesson in lessons
        ]
    )


def assert_constant_queries(
    client: Client, path: str, add_rows: Callable[[], None], django_assert_num_queries: Any
) -> None:
    """The page makes as many queries with many rows as with few."""
    assert client.get(path).status_code == 200  # warm up the content-type and session caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    add_rows()
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(path).status_code == 200


def read_csv(response: Any) -> list[list[str]]:
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf"), "Excel needs the byte-order mark"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


# --- Fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def office(client: Client, office_user: Any) -> Client:
    return login(client, office_user)


@pytest.fixture
def world(school: Any, teacher_user: Any, household: Any, guardian_user: Any) -> dict[str, Any]:
    """One of each object the pages show, all at `school`."""
    group = make_group(school, teacher=teacher_user, name="Fiolin mandag")
    placement = make_member(group, household=household, first_name="Ola")
    lessons = make_lessons(group, MONDAYS[:4])
    holiday = SchoolHoliday.objects.create(
        school=school,
        name="Høstferie",
        starts_on=dt.date(2026, 9, 28),
        ends_on=dt.date(2026, 10, 2),
    )
    decided_by = factories.UserFactory()
    termination = Termination.objects.create(
        placement=placement,
        reason=Termination.Reason.INTEREST_DISCIPLINE,
        justification="Grunnlag.",
        decided_by=decided_by,
        decided_at=TODAY,
        effective_on=TODAY.date(),
    )
    termination.letter.save("t.pdf", ContentFile(b"%PDF-1.7 letter"), save=True)
    leave = Leave.objects.create(
        placement=placement,
        reason=Leave.Reason.ILLNESS,
        starts_on=TODAY.date(),
        expected_weeks=6,
        applied_at=TODAY,
    )
    leave.doctor_note.save("note", ContentFile(b"%PDF-1.4 note"), save=True)
    offer = factories.OfferFactory(school=school, name="Teater", parent_work_group=True)
    work_placement = factories.PlacementFactory(
        pupil=placement.pupil, offer=offer, starts_term=group.term
    )
    guardian = household.guardians.first()
    ParentWorkGroupMember.objects.create(
        offer=offer, guardian=guardian, placement=work_placement, joined_at=TODAY
    )
    Notice.objects.create(placement=work_placement, given_at=TODAY, ends_on=dt.date(2026, 12, 31))
    return {
        "group": group,
        "member": GroupMember.objects.get(placement=placement),
        "placement": placement,
        "pupil": placement.pupil,
        "lessons": lessons,
        "holiday": holiday,
        "termination": termination,
        "leave": leave,
        "work_offer": offer,
    }


# --- Who may see the pages ----------------------------------------------------------------------

# (url name, the world object whose pk the url takes, the url's keyword for it)
PAGES: list[tuple[str, str | None, str]] = [
    ("office:groups", None, ""),
    ("office:group_create", None, ""),
    ("office:group", "group", "pk"),
    ("office:group_edit", "group", "pk"),
    ("office:lessons_generate", "group", "pk"),
    ("office:holidays", None, ""),
    ("office:holiday_create", None, ""),
    ("office:holiday_edit", "holiday", "pk"),
    ("office:holiday_delete", "holiday", "pk"),
    ("office:absence_flags", None, ""),
    ("office:absence_report", "pupil", "pk"),
    ("office:terminations", None, ""),
    ("office:termination_new", "pupil", "pk"),
    ("office:termination", "termination", "pk"),
    ("office:termination_letter", "termination", "pk"),
    ("office:termination_appeal_register", "termination", "pk"),
    ("office:termination_appeal_resolve", "termination", "pk"),
    ("office:leaves", None, ""),
    ("office:leave", "leave", "pk"),
    ("office:leave_note", "leave", "pk"),
    ("office:notices", None, ""),
    ("office:places_ending", None, ""),
    ("office:work_groups", None, ""),
    ("office:work_group", "work_offer", "pk"),
    ("office:work_group_csv", "work_offer", "pk"),
]
# Pages that only take a POST: a GET goes back to the page the form is on.
POST_PAGES: list[tuple[str, str]] = [
    ("office:group_member_add", "group"),
    ("office:termination_decide", "pupil"),
    ("office:leave_decide", "leave"),
    ("office:leave_return", "leave"),
]


def page_url(name: str, school: Any, world: dict[str, Any], key: str | None, kw: str) -> str:
    return url(name, school, **({kw: world[key].pk} if key else {}))


def member_remove_url(school: Any, world: dict[str, Any]) -> str:
    return url(
        "office:group_member_remove", school, pk=world["group"].pk, member=world["member"].pk
    )


@time_machine.travel(TODAY)
@pytest.mark.parametrize("role", [Role.OFFICE, Role.PRINCIPAL])
def test_office_and_principal_open_every_page(
    client: Client, school: Any, world: dict[str, Any], role: str
) -> None:
    user = factories.UserFactory(totp=True)
    factories.StaffRoleFactory(user=user, school=school, role=role)
    login(client, user)
    for name, key, kw in PAGES:
        response = client.get(page_url(name, school, world, key, kw))
        assert response.status_code == 200, name
    assert client.get(member_remove_url(school, world)).status_code == 200
    for name, key in POST_PAGES:
        assert client.get(url(name, school, pk=world[key].pk)).status_code == 302, name


@time_machine.travel(TODAY)
def test_another_schools_office_gets_404_for_the_school_and_for_its_objects(
    client: Client, school: Any, other_school: Any, world: dict[str, Any]
) -> None:
    user = factories.UserFactory(totp=True)
    factories.StaffRoleFactory(user=user, school=other_school, role=Role.OFFICE)
    login(client, user)
    for name, key, kw in PAGES:
        # Our school's address: not among the user's schools.
        assert client.get(page_url(name, school, world, key, kw)).status_code == 404, name
        # The user's own school's address with our object's id: not among its objects.
        if key:
            response = client.get(page_url(name, other_school, world, key, kw))
            assert response.status_code == 404, name
    assert client.get(member_remove_url(other_school, world)).status_code == 404
    for name, key in POST_PAGES:
        assert client.post(url(name, other_school, pk=world[key].pk)).status_code == 404, name


@time_machine.travel(TODAY)
@pytest.mark.parametrize("who", ["teacher_user", "guardian_user", "stranger"])
def test_teachers_guardians_and_strangers_do_not_find_the_school(
    client: Client, school: Any, world: dict[str, Any], who: str, request: Any
) -> None:
    """The school is looked up among the schools the user serves as office or principal, so
    for everybody else it does not exist (404), as on the other office pages."""
    login(client, request.getfixturevalue(who))
    for name, key, kw in PAGES:
        assert client.get(page_url(name, school, world, key, kw)).status_code == 404, name
    for name, key in POST_PAGES:
        assert client.post(url(name, school, pk=world[key].pk)).status_code == 404, name
    assert client.post(member_remove_url(school, world)).status_code == 404
    assert GroupMember.objects.filter(pk=world["member"].pk).exists()


@time_machine.travel(TODAY)
def test_a_teacher_here_who_is_office_elsewhere_sees_only_the_other_school(
    client: Client, school: Any, other_school: Any, world: dict[str, Any]
) -> None:
    user = factories.UserFactory(totp=True)
    factories.StaffRoleFactory(user=user, school=other_school, role=Role.OFFICE)
    factories.StaffRoleFactory(user=user, school=school, role=Role.TEACHER)
    login(client, user)
    assert client.get(url("office:absence_flags", school)).status_code == 404
    assert client.get(url("office:absence_flags", other_school)).status_code == 200


@time_machine.travel(TODAY)
def test_anonymous_visitors_are_sent_to_the_login_page(
    client: Client, school: Any, world: dict[str, Any]
) -> None:
    for name, key, kw in PAGES:
        response = client.get(page_url(name, school, world, key, kw))
        assert response.status_code == 302, name
        assert "/accounts/login/" in response["Location"]


@time_machine.travel(TODAY)
def test_the_office_tabs_lead_to_teaching_and_follow_up(
    office: Client, school: Any, world: dict[str, Any]
) -> None:
    page = text(office.get(url("office:home", school)))
    assert url("office:groups", school) in page
    assert url("office:absence_flags", school) in page
    page = text(office.get(url("office:leaves", school)))
    assert 'aria-current="page">Follow-up' in page
    assert 'aria-current="page">Leave' in page


# --- Teaching groups ----------------------------------------------------------------------------


def group_data(offer: Any, term: Any, teacher: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "offer": offer.pk,
        "term": term.pk,
        "name": "",
        "teacher": teacher.pk,
        "weekday": "2",
        "starts_at": "17:00",
        "ends_at": "17:45",
        "location": "",
        "room": "Rom 204",
    }
    data.update(changes)
    return data


@time_machine.travel(TODAY)
def test_a_group_is_created_with_a_name_from_the_offer_and_an_audit_event(
    office: Client, school: Any, teacher_user: Any
) -> None:
    offer = factories.OfferFactory(school=school, name="Gitar")
    term = autumn(school)
    response = office.post(
        url("office:group_create", school), group_data(offer, term, teacher_user)
    )
    group = TeachingGroup.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("office:group", school, pk=group.pk)
    assert group.name == "Gitar, Wednesday 17:00"
    assert group.location == offer.location  # the offer's location when none is chosen
    assert group.teacher == teacher_user
    assert AuditEvent.objects.filter(action="group.created", object_id=str(group.pk)).exists()


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"ends_at": "16:30"}, "ends_at", "The lesson must end after it starts."),
        ({"teacher": "OFFICE"}, "teacher", "Choose one of the school&#x27;s teachers."),
        ({"offer": "OTHER_OFFER"}, "offer", "Choose one of the school&#x27;s offers."),
        ({"term": "OTHER_TERM"}, "term", "Choose one of the school&#x27;s terms."),
        ({"weekday": "9"}, "weekday", "Select a valid choice."),
        ({"starts_at": "nonsense"}, "starts_at", "Enter a valid time."),
    ],
)
def test_a_group_with_bad_input_gets_a_message_next_to_the_field_and_is_not_saved(
    office: Client,
    school: Any,
    other_school: Any,
    office_user: Any,
    teacher_user: Any,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    offer = factories.OfferFactory(school=school)
    term = autumn(school)
    stand_ins = {
        "OFFICE": office_user.pk,  # office staff, not a teacher
        "OTHER_OFFER": factories.OfferFactory(school=other_school).pk,
        "OTHER_TERM": autumn(other_school).pk,
    }
    data = group_data(offer, term, teacher_user)
    data.update({name: stand_ins.get(value, value) for name, value in changes.items()})
    response = office.post(url("office:group_create", school), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in text(response)
    assert not TeachingGroup.objects.exists()


@time_machine.travel(TODAY)
def test_a_teacher_of_another_school_is_not_a_choice(
    office: Client, school: Any, other_school: Any, teacher_user: Any
) -> None:
    elsewhere = factories.UserFactory()
    factories.StaffRoleFactory(user=elsewhere, school=other_school, role=Role.TEACHER)
    offer, term = factories.OfferFactory(school=school), autumn(school)
    data = group_data(offer, term, elsewhere)
    response = office.post(url("office:group_create", school), data)
    assert "teacher" in response.context["form"].errors
    assert not TeachingGroup.objects.exists()


@time_machine.travel(TODAY)
def test_editing_a_group_with_lessons_keeps_its_weekday_and_its_lessons(
    office: Client, school: Any, teacher_user: Any
) -> None:
    group = make_group(school, teacher=teacher_user)
    make_lessons(group, MONDAYS[:2])
    edit = url("office:group_edit", school, pk=group.pk)
    form = office.get(edit).context["form"]
    assert form.fields["weekday"].disabled and form.fields["term"].disabled

    moved = group_data(group.offer, group.term, teacher_user, weekday="3", name="Ny")
    response = office.post(edit, {**moved, "room": "Sal 1"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.weekday, group.name, group.room) == (0, "Ny", "Sal 1")
    assert Lesson.objects.filter(group=group).count() == 2
    assert AuditEvent.objects.filter(action="group.changed", object_id=str(group.pk)).exists()


@time_machine.travel(TODAY)
def test_the_group_service_refuses_to_move_a_group_that_has_lessons(
    school: Any, teacher_user: Any
) -> None:
    group = make_group(school, teacher=teacher_user)
    make_lessons(group, MONDAYS[:1])
    with pytest.raises(ValidationError) as error:
        teaching.group_update(actor=teacher_user, group=group, values={"weekday": 3})
    assert "weekday" in error.value.error_dict
    group.refresh_from_db()
    assert group.weekday == 0


@time_machine.travel(TODAY)
def test_a_group_without_lessons_may_move_to_another_day(
    office: Client, school: Any, teacher_user: Any
) -> None:
    group = make_group(school, teacher=teacher_user)
    data = group_data(group.offer, group.term, teacher_user, weekday="3", name="Torsdag")
    assert office.post(url("office:group_edit", school, pk=group.pk), data).status_code == 302
    group.refresh_from_db()
    assert group.weekday == 3


@time_machine.travel(TODAY)
def test_the_group_list_shows_teacher_time_members_and_lessons_of_the_chosen_term(
    office: Client, school: Any, world: dict[str, Any]
) -> None:
    spring = factories.TermFactory(school=school, year=2027, season="spring")
    factories.TeachingGroupFactory(
        offer=world["group"].offer, term=spring, name="Vårgruppe", teacher=None
    )
    page = text(office.get(url("office:groups", school)))
    assert "Fiolin mandag" in page and "Vårgruppe" not in page  # the current term by default
    row = page[page.index("Fiolin mandag") :]
    assert "Monday 17:00–17:45" in row
    assert '<td class="number">1</td>' in row  # one pupil
    assert '<td class="number">4' in row  # four lessons
    page = text(office.get(url("office:groups", school), {"term": spring.pk}))
    assert "Vårgruppe" in page and "No teacher" in page


@time_machine.travel(TODAY)
def test_the_group_list_makes_the_same_number_of_queries_for_3_and_30_groups(
    office: Client, school: Any, django_assert_num_queries: Any
) -> None:
    for _ in range(3):
        group = make_group(school, teacher=factories.UserFactory())
        make_member(group)
        make_lessons(group, MONDAYS[:2])

    def add_rows() -> None:
        for _ in range(27):
            group = make_group(school, teacher=factories.UserFactory())
            make_member(group)
            make_lessons(group, MONDAYS[:3])

    assert_constant_queries(
        office, url("office:groups", school), add_rows, django_assert_num_queries
    )


@time_machine.travel(TODAY)
def test_a_current_place_of_the_offer_is_added_and_removed_after_confirmation(
    office: Client, school: Any, teacher_user: Any
) -> None:
    group = make_group(school, teacher=teacher_user)
    pupil = factories.PupilFactory(household=factories.HouseholdFactory(school=school))
    placement = factories.PlacementFactory(
        pupil=pupil, offer=group.offer, starts_term=group.term, status="trial"
    )
    page = text(office.get(url("office:group", school, pk=group.pk)))
    assert f'value="{placement.pk}"' in page

    response = office.post(
        url("office:group_member_add", school, pk=group.pk), {"placement": placement.pk}
    )
    assert response.status_code == 302
    member = GroupMember.objects.get(group=group, placement=placement)

    remove = url("office:group_member_remove", school, pk=group.pk, member=member.pk)
    assert "will no longer be on the register" in text(office.get(remove))
    assert GroupMember.objects.filter(pk=member.pk).exists()  # GET only asks
    assert office.post(remove).status_code == 302
    assert not GroupMember.objects.filter(pk=member.pk).exists()
    placement.refresh_from_db()
    assert placement.status == Placement.Status.TRIAL  # the place itself is unchanged
    assert AuditEvent.objects.filter(action="group.member_removed").exists()


@time_machine.travel(TODAY)
def test_a_place_in_another_offer_or_an_ended_place_cannot_be_added(
    office: Client, school: Any, teacher_user: Any
) -> None:
    group = make_group(school, teacher=teacher_user)
    household = factories.HouseholdFactory(school=school)
    elsewhere = factories.PlacementFactory(
        pupil=factories.PupilFactory(household=household), starts_term=group.term
    )
    ended = factories.PlacementFactory(
        pupil=factories.PupilFactory(household=household),
        offer=group.offer,
        starts_term=group.term,
        status="ended",
    )
    for placement in (elsewhere, ended):
        response = office.post(
            url("office:group_member_add", school, pk=group.pk), {"placement": placement.pk}
        )
        assert response.status_code == 200
        assert "Choose a pupil with a current place in this group" in text(response)
    assert not GroupMember.objects.exists()


@time_machine.travel(TODAY)
def test_generating_lessons_says_how_many_skips_holidays_and_is_idempotent(
    office: Client, school: Any, teacher_user: Any
) -> None:
    group = make_group(school, teacher=teacher_user)  # Mondays, 24 Aug – 18 Dec 2026
    SchoolHoliday.objects.create(
        school=school,
        name="Høstferie",
        starts_on=dt.date(2026, 9, 28),
        ends_on=dt.date(2026, 10, 2),
    )
    generate = url("office:lessons_generate", school, pk=group.pk)
    preview = office.get(generate)
    assert len(preview.context["new_dates"]) == 16  # 17 Mondays less the autumn break
    assert preview.context["skipped"] == [dt.date(2026, 9, 28)]

    response = office.post(generate, follow=True)
    assert "16 lessons were generated for Autumn 2026." in text(response)
    assert Lesson.objects.filter(group=group).count() == 16
    assert not Lesson.objects.filter(group=group, date=dt.date(2026, 9, 28)).exists()

    response = office.post(generate, follow=True)
    assert "none were added" in text(response)
    assert Lesson.objects.filter(group=group).count() == 16


@time_machine.travel(TODAY)
def test_the_group_page_links_each_lesson_to_the_teacher_pages_for_change_and_cancel(
    office: Client, school: Any, world: dict[str, Any]
) -> None:
    lesson = world["lessons"][0]
    page = text(office.get(url("office:group", school, pk=world["group"].pk)))
    assert reverse("teaching:lesson_change", kwargs={"pk": lesson.pk}) in page
    assert reverse("teaching:lesson_cancel", kwargs={"pk": lesson.pk}) in page


# --- Holidays -----------------------------------------------------------------------------------


@time_machine.travel(TODAY)
def test_a_holiday_is_added_and_the_page_says_public_holidays_are_skipped_automatically(
    office: Client, school: Any
) -> None:
    response = office.post(
        url("office:holiday_create", school),
        {"name": " Vinterferie ", "starts_on": "2027-02-22", "ends_on": "2027-02-26"},
        follow=True,
    )
    holiday = SchoolHoliday.objects.get(school=school)
    assert holiday.name == "Vinterferie"
    page = text(response)
    assert "lessons already generated are unchanged" in page
    assert "Norwegian public holidays" in page and "skipped automatically" in page
    assert AuditEvent.objects.filter(action="holiday.created").exists()


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    "data,field,message",
    [
        (
            {"name": "Ferie", "starts_on": "2026-10-09", "ends_on": "2026-10-05"},
            "ends_on",
            "The last day cannot come before the first day.",
        ),
        ({"name": "  ", "starts_on": "2026-10-05", "ends_on": "2026-10-05"}, "name", ""),
        ({"name": "Ferie", "starts_on": "5. oktober", "ends_on": "2026-10-05"}, "starts_on", ""),
        (
            {"name": "Ferie", "starts_on": "2026-06-01", "ends_on": "2026-12-01"},
            "ends_on",
            "longer than three months",
        ),
    ],
)
def test_a_holiday_with_bad_dates_or_no_name_is_refused_next_to_the_field(
    office: Client, school: Any, data: dict[str, str], field: str, message: str
) -> None:
    response = office.post(url("office:holiday_create", school), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in text(response)
    assert not SchoolHoliday.objects.exists()


@time_machine.travel(TODAY)
def test_a_single_day_holiday_is_allowed(office: Client, school: Any) -> None:
    data = {"name": "Planleggingsdag", "starts_on": "2026-11-13", "ends_on": "2026-11-13"}
    assert office.post(url("office:holiday_create", school), data).status_code == 302


@time_machine.travel(TODAY)
def test_a_holiday_is_edited_and_deleted_only_after_confirmation(
    office: Client, school: Any, world: dict[str, Any]
) -> None:
    holiday = world["holiday"]
    edit = url("office:holiday_edit", school, pk=holiday.pk)
    data = {"name": "Høstferie uke 40", "starts_on": "2026-09-28", "ends_on": "2026-10-02"}
    assert office.post(edit, data).status_code == 302
    holiday.refresh_from_db()
    assert holiday.name == "Høstferie uke 40"

    delete = url("office:holiday_delete", school, pk=holiday.pk)
    assert "Lessons already generated are not changed" in text(office.get(delete))
    assert SchoolHoliday.objects.filter(pk=holiday.pk).exists()
    assert office.post(delete).status_code == 302
    assert not SchoolHoliday.objects.filter(pk=holiday.pk).exists()
    assert Lesson.objects.filter(group=world["group"]).count() == 4
    assert AuditEvent.objects.filter(action="holiday.deleted").exists()


@time_machine.travel(TODAY)
def test_another_schools_holiday_is_not_found(
    office: Client, school: Any, other_school: Any
) -> None:
    theirs = SchoolHoliday.objects.create(
        school=other_school, name="X", starts_on=dt.date(2026, 10, 5), ends_on=dt.date(2026, 10, 5)
    )
    assert office.get(url("office:holiday_edit", school, pk=theirs.pk)).status_code == 404
    assert office.post(url("office:holiday_delete", school, pk=theirs.pk)).status_code == 404
    assert SchoolHoliday.objects.filter(pk=theirs.pk).exists()


# --- §7 Absence reported to the office by phone or e-mail --------------------------------------


@time_machine.travel(TODAY)
def test_s7_the_office_records_a_phone_report_for_coming_lessons(
    office: Client, school: Any, world: dict[str, Any]
) -> None:
    group = world["group"]
    coming = make_lessons(group, [dt.date(2026, 10, 12), dt.date(2026, 10, 19)])
    pupil = world["pupil"]
    response = office.post(
        url("office:absence_report", school, pk=pupil.pk),
        {
            "term": group.term.pk,
            "via": "phone",
            "received_on": "2026-10-05",
            "lessons": [coming[0].pk, coming[1].pk],
            "reason": "Syk",
        },
        follow=True,
    )
    assert "2 absences are recorded as reported by the home." in text(response)
    reports = AbsenceReport.objects.filter(pupil=pupil)
    assert reports.count() == 2
    assert {report.via for report in reports} == {AbsenceReport.Via.PHONE}


@time_machine.travel(TODAY)
def test_s7_a_report_received_after_the_lesson_does_not_make_it_reported(
    office: Client, school: Any, world: dict[str, Any]
) -> None:
    past = world["lessons"][-1]  # 14 September
    assert past.date < TODAY.date()
    recent = make_lessons(world["group"], [dt.date(2026, 9, 30)])[0]
    response = office.post(
        url("office:absence_report", school, pk=world["pupil"].pk),
        {"via": "email", "received_on": "2026-10-05", "lessons": [recent.pk]},
    )
    assert response.status_code == 200
    assert "does not make the absence reported" in text(response)
    assert not AbsenceReport.objects.exists()


@time_machine.travel(TODAY)
def test_s7_a_report_received_before_a_lesson_may_be_typed_in_a_few_days_later(
    office: Client, school: Any, world: dict[str, Any]
) -> None:
    lesson = make_lessons(world["group"], [dt.date(2026, 10, 1)])[0]
    response = office.post(
        url("office:absence_report", school, pk=world["pupil"].pk),
        {"via": "email", "received_on": "2026-09-30", "lessons": [lesson.pk]},
    )
    assert response.status_code == 302
    report = AbsenceReport.objects.get()
    assert report.reported_at.date() == dt.date(2026, 9, 30)


# --- §14 Leave ----------------------------------------------------------------------------------


@time_machine.travel(TODAY)
def test_s14a_approving_leave_puts_the_place_on_leave_and_tells_the_home(
    office: Client, school: Any, world: dict[str, Any]
) -> None:
    leave = world["leave"]
    response = office.post(
        url("office:leave_decide", school, pk=leave.pk), {"decision": "approve"}, follow=True
    )
    assert "The leave is approved" in text(response)
    leave.refresh_from_db()
    world["placement"].refresh_from_db()
    assert leave.status == Leave.Status.APPROVED
    assert world["placement"].status == Placement.Status.ON_LEAVE
    from kulturskole.models import OutboundMessage

    assert OutboundMessage.objects.filter(key=f"leave-decided-{leave.pk}-guardian-").count() == 0
    assert OutboundMessage.objects.filter(key__startswith=f"leave-decided-{leave.pk}-").exists()


@time_machine.travel(TODAY)
def test_s14_refusing_leave_needs_a_reason(
    office: Client, school: Any, world: dict[str, Any]
) -> None:
    leave = world["leave"]
    decide = url("office:leave_decide", school, pk=leave.pk)
    response = office.post(decide, {"decision": "refuse", "note": " "})
    assert response.status_code == 200
    assert "Say why the leave is refused." in text(response)
    leave.refresh_from_db()
    assert leave.status == Leave.Status.APPLIED

    office.post(decide, {"decision": "refuse", "note": "Sykdommen varer under fire uker."})
    leave.refresh_from_db()
    assert leave.status == Leave.Status.REFUSED
    world["placement"].refresh_from_db()
    assert world["placement"].status == Placement.Status.ACTIVE


@time_machine.travel(TODAY)
def test_s14a_registering_the_return_puts_the_pupil_first_in_line(
    office: Client, school: Any, world: dict[str, Any]
) -> None:
    leave = world["leave"]
    office.post(url("office:leave_decide", school, pk=leave.pk), {"decision": "approve"})
    page = text(office.get(url("office:leave", school, pk=leave.pk)))
    assert "first in line" in page

    response = office.post(
        url("office:leave_return", school, pk=leave.pk), {"recovered_on": "2026-09-01"}
    )
    assert "cannot be well again before the leave began" in text(response)

    response = office.post(
        url("office:leave_return", school, pk=leave.pk), {"recovered_on": "2026-11-02"}, follow=True
    )
    assert "is now first in line" in text(response)
    leave.refresh_from_db()
    assert leave.status == Leave.Status.ENDED
    assert leave.return_application.kind == Application.Kind.RETURN


@time_machine.travel(TODAY)
def test_the_doctors_note_is_downloaded_by_the_office_only(
    client: Client, school: Any, world: dict[str, Any], office_user: Any, guardian_user: Any
) -> None:
    note = url("office:leave_note", school, pk=world["leave"].pk)
    login(client, guardian_user)
    assert client.get(note).status_code == 404  # even the pupil's own guardian
    login(client, office_user)
    response = client.get(note)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@time_machine.travel(TODAY)
def test_the_leave_list_filters_by_status(
    office: Client, school: Any, world: dict[str, Any]
) -> None:
    page = text(office.get(url("office:leaves", school), {"status": "approved"}))
    assert "No leave applications match" in page
    page = text(office.get(url("office:leaves", school), {"status": "applied"}))
    assert "Hansen, Ola" in page


# --- §9b Notices and places ending, §18 work groups ------------------------------------------


@time_machine.travel(TODAY)
def test_s9b_notices_list_shows_received_end_and_last_term(
    office: Client, school: Any, world: dict[str, Any]
) -> None:
    page = text(office.get(url("office:notices", school)))
    assert "Hansen, Ola" in page and "Teater" in page


@time_machine.travel(TODAY)
def test_s19_places_ending_lists_notice_termination_and_upper_age_in_the_coming_months(
    office: Client, school: Any
) -> None:
    household = factories.HouseholdFactory(school=school)
    term = autumn(school)

    def place(first_name: str, ends_on: dt.date, reason: str) -> None:
        factories.PlacementFactory(
            pupil=factories.PupilFactory(household=household, first_name=first_name),
            offer=factories.OfferFactory(school=school),
            starts_term=term,
            ends_on=ends_on,
            end_reason=reason,
        )

    place("Notis", dt.date(2026, 12, 18), Placement.EndReason.NOTICE)
    place("Eldre", dt.date(2026, 12, 31), Placement.EndReason.UPPER_AGE)
    place("Senere", dt.date(2027, 6, 20), Placement.EndReason.NOTICE)
    page = text(office.get(url("office:places_ending", school)))
    assert "Notis" in page and "Eldre" in page and "Senere" not in page
    assert "Upper age reached (§19)" in page
    page = text(office.get(url("office:places_ending", school), {"months": 12}))
    assert "Senere" in page


@time_machine.travel(TODAY)
def test_s18_the_work_group_csv_has_guardians_contacts_and_pupils_for_excel(
    office: Client, school: Any, world: dict[str, Any]
) -> None:
    offer = world["work_offer"]
    guardian = world["pupil"].household.guardians.first()
    guardian.first_name, guardian.phone = "Åse", "=HYPERLINK(1)"
    guardian.save()
    response = office.get(url("office:work_group_csv", school, pk=offer.pk))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = read_csv(response)
    assert rows[0] == ["Guardian", "E-mail", "Mobile phone", "Pupil", "Joined"]
    assert rows[1][0].startswith("Åse ")
    assert rows[1][2] == "'=HYPERLINK(1)"  # a formula is kept as text
    assert rows[1][3] == world["pupil"].full_name


@time_machine.travel(TODAY)
def test_s18_a_work_group_leaves_out_ended_places_and_offers_without_one_are_404(
    office: Client, school: Any, world: dict[str, Any]
) -> None:
    offer = world["work_offer"]
    Placement.objects.filter(offer=offer).update(status=Placement.Status.ENDED)
    assert len(read_csv(office.get(url("office:work_group_csv", school, pk=offer.pk)))) == 1
    plain = world["group"].offer
    assert office.get(url("office:work_group", school, pk=plain.pk)).status_code == 404


@time_machine.travel(TODAY)
def test_list_pages_make_the_same_number_of_queries_for_few_and_many_rows(
    office: Client, school: Any, world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    def add_rows(count: int) -> None:
        user = factories.UserFactory()
        term = world["group"].term
        offer = factories.OfferFactory(school=school, parent_work_group=True)
        for _ in range(count):
            household = factories.HouseholdFactory(school=school)
            guardian = factories.GuardianFactory(household=household)
            placement = factories.PlacementFactory(
                pupil=factories.PupilFactory(household=household),
                offer=offer,
                starts_term=term,
                ends_on=dt.date(2026, 11, 30),
                end_reason=Placement.EndReason.NOTICE,
            )
            Notice.objects.create(placement=placement, given_at=TODAY, ends_on=placement.ends_on)
            Termination.objects.create(
                placement=placement,
                reason="interest",
                justification="x",
                decided_by=user,
                decided_at=TODAY,
                effective_on=TODAY.date(),
            )
            Leave.objects.create(
                placement=placement,
                reason="illness",
                starts_on=TODAY.date(),
                expected_weeks=6,
                applied_at=TODAY,
            )
            ParentWorkGroupMember.objects.create(
                offer=offer, guardian=guardian, placement=placement, joined_at=TODAY
            )
            SchoolHoliday.objects.create(
                school=school, name="Fri", starts_on=TODAY.date(), ends_on=TODAY.date()
            )

    pages = [
        "office:terminations",
        "office:leaves",
        "office:notices",
        "office:places_ending",
        "office:work_groups",
        "office:holidays",
    ]
    add_rows(2)
    counts = {}
    for name in pages:
        office.get(url(name, school))
        with CaptureQueriesContext(connection) as few:
            office.get(url(name, school))
        counts[name] = len(few.captured_queries)
    add_rows(12)
    for name in pages:
        with django_assert_num_queries(counts[name], info=name):
            assert office.get(url(name, school)).status_code == 200
    members = url(
        "office:work_group", school, pk=Offer.objects.filter(parent_work_group=True).last().pk
    )
    assert office.get(members).status_code == 200
