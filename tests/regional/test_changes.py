"""Changing and deleting what the project leader (or a school's staff) created: a confirmation
page first, a refusal with a message when other records depend on it, never a 500, and every
deletion in the audit trail. Partner-school staff change only their own things; the steering
group reads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from kulturskole.models import AuditEvent
from regional import services
from regional.models import (
    AnnualPlanItem,
    BudgetLine,
    EvaluationNote,
    Gathering,
    GatheringSession,
    InDepthCriterion,
    Instructor,
    Material,
    MentorPair,
    NetworkMeeting,
    ProgressNote,
)
from regional.services import RegionalError
from tests import factories
from tests.conftest import login
from tests.regional.conftest import url

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 1, 20, 12, tzinfo=dt.UTC)
TODAY = dt.date(2026, 1, 20)


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(NOW)


@pytest.fixture
def instructor(programme: Any) -> Instructor:
    return factories.InstructorFactory(programme=programme, name="Anethe Alfsvåg")


@pytest.fixture
def planned(programme: Any) -> Gathering:
    """A gathering in a month, planned, with a session led by an instructor (its fee is a
    budget line of the gathering) and an expense of its own."""
    gathering = services.gathering_save(
        programme=programme,
        values={
            "title": "Vårsamling",
            "date": dt.date(2026, 2, 21),
            "starts_at": dt.time(10),
            "ends_at": dt.time(14),
            "venue": "Gjøvik videregående skole",
            "budget": Decimal("16000.00"),
        },
    )
    session = services.session_save(
        gathering=gathering,
        values={
            "starts_at": dt.time(10),
            "ends_at": dt.time(11),
            "title": "Oppvarming",
            "instructor": factories.InstructorFactory(programme=programme),
            "instructor_fee": Decimal("3000.00"),
        },
    )
    assert session.budget_line.planned == Decimal("3000.00")
    BudgetLine.objects.create(
        programme=programme,
        activity=gathering.plan_item,
        category=BudgetLine.Category.FOOD,
        description="Lunsj",
        planned=Decimal("2500.00"),
    )
    return gathering


# --- Refused with a message, never a ProtectedError ---------------------------------------------


def test_an_instructor_who_leads_a_session_is_not_deleted_and_the_message_names_the_session(
    programme, instructor, leader
):
    gathering = factories.GatheringFactory(programme=programme, title="Vårsamling")
    factories.GatheringSessionFactory(gathering=gathering, instructor=instructor, title="Teater")
    with pytest.raises(RegionalError, match="Vårsamling: Teater"):
        services.instructor_delete(actor=leader, instructor=instructor)
    assert Instructor.objects.filter(pk=instructor.pk).exists()


def test_a_deletion_refused_by_the_database_meanwhile_is_a_message(
    programme, instructor, leader, monkeypatch
):
    """Someone gives the instructor a session between the check and the delete."""
    factories.GatheringSessionFactory(
        gathering=factories.GatheringFactory(programme=programme), instructor=instructor
    )
    monkeypatch.setattr(services, "instructor_delete_refusal", lambda instructor: None)
    with pytest.raises(RegionalError, match="Reload the page"):
        services.instructor_delete(actor=leader, instructor=instructor)
    assert Instructor.objects.filter(pk=instructor.pk).exists()
    assert not AuditEvent.objects.filter(action="regional.instructor_delete").exists()


def test_an_unused_instructor_is_deleted_and_the_deletion_is_audited(programme, instructor, leader):
    services.instructor_delete(actor=leader, instructor=instructor)
    assert not Instructor.objects.exists()
    event = AuditEvent.objects.get(action="regional.instructor_delete")
    assert (event.actor, "Anethe Alfsvåg" in event.summary) == (leader, True)


def test_a_gathering_with_registrations_is_not_deleted(programme, planned, leader):
    factories.RegistrationFactory(gathering=planned)
    with pytest.raises(RegionalError, match="1 pupil is registered"):
        services.gathering_delete(actor=leader, gathering=planned, today=TODAY)
    assert Gathering.objects.filter(pk=planned.pk).exists()


@pytest.mark.parametrize(
    ("status", "day"),
    [("held", dt.date(2026, 1, 10)), ("planned", dt.date(2026, 1, 10)), ("evaluated", TODAY)],
)
def test_a_gathering_that_has_taken_place_is_not_deleted(programme, leader, status, day):
    gathering = factories.GatheringFactory(programme=programme, status=status, date=day)
    with pytest.raises(RegionalError, match="has taken place"):
        services.gathering_delete(actor=leader, gathering=gathering, today=TODAY)


def test_a_gathering_with_a_paid_expense_is_not_deleted(programme, planned, leader):
    BudgetLine.objects.filter(session__gathering=planned).update(actual=Decimal("3000.00"))
    with pytest.raises(RegionalError, match="have been paid"):
        services.gathering_delete(actor=leader, gathering=planned, today=TODAY)


def test_a_gathering_goes_with_its_sessions_planned_lines_notes_and_plan_entry(
    programme, planned, leader
):
    services.evaluation_note_add(actor=leader, programme=programme, gathering=planned, text="x")
    consequences = " ".join(services.gathering_delete_consequences(planned))
    assert "1 session is deleted" in consequences
    assert "2 planned budget lines (5,500.00 kr)" in consequences
    assert "1 evaluation note" in consequences

    services.gathering_delete(actor=leader, gathering=planned, today=TODAY)

    assert not Gathering.objects.exists()
    assert not GatheringSession.objects.exists()
    assert not BudgetLine.objects.exists()
    assert not AnnualPlanItem.objects.exists()
    assert not EvaluationNote.objects.exists()
    assert AuditEvent.objects.filter(action="regional.gathering_delete").count() == 1


def test_a_network_meeting_with_budget_lines_is_not_deleted(programme, leader):
    meeting = services.network_meeting_save(programme=programme, values={"date": TODAY})
    BudgetLine.objects.create(
        programme=programme,
        activity=meeting.plan_item,
        category=BudgetLine.Category.FOOD,
        description="Kaffe",
        planned=Decimal("300.00"),
    )
    with pytest.raises(RegionalError, match="1 budget line belongs to this meeting"):
        services.network_meeting_delete(actor=leader, meeting=meeting)
    BudgetLine.objects.all().delete()
    services.network_meeting_delete(actor=leader, meeting=meeting)
    assert not NetworkMeeting.objects.exists()
    assert not AnnualPlanItem.objects.exists()


def test_a_sessions_fee_line_is_changed_on_the_session_not_deleted_in_the_budget(
    programme, planned, leader
):
    line = BudgetLine.objects.get(session__isnull=False)
    with pytest.raises(RegionalError, match="fee of a session"):
        services.budget_line_delete(actor=leader, line=line)


def test_a_paid_budget_line_says_what_leaves_the_spent_sum(programme, leader):
    line = BudgetLine.objects.create(
        programme=programme,
        category=BudgetLine.Category.TRANSPORT,
        description="Minibuss",
        planned=Decimal("2500.00"),
        actual=Decimal("2380.00"),
    )
    assert services.budget_line_delete_consequences(line) == [
        "It has been paid: 2,380.00 kr leaves what is spent of the grant."
    ]
    services.budget_line_delete(actor=leader, line=line)
    assert not BudgetLine.objects.exists()


def test_a_plan_activity_with_budget_lines_or_mirroring_a_gathering_is_not_deleted(
    programme, planned, leader
):
    with pytest.raises(RegionalError, match="delete the gathering instead"):
        services.plan_item_delete(actor=leader, item=planned.plan_item)
    trip = AnnualPlanItem.objects.create(
        programme=programme, kind="study_trip", title="Operaen", starts_on=TODAY
    )
    BudgetLine.objects.create(
        programme=programme, activity=trip, category="transport", description="Tog"
    )
    with pytest.raises(RegionalError, match="1 budget line belongs to this activity"):
        services.plan_item_delete(actor=leader, item=trip)
    trip.budget_lines.all().delete()
    services.plan_item_delete(actor=leader, item=trip)
    assert not AnnualPlanItem.objects.filter(pk=trip.pk).exists()


def test_a_deleted_or_replaced_materials_file_leaves_the_storage(
    programme, leader, django_capture_on_commit_callbacks
):
    material = Material(programme=programme, title="Noter", shared_at=NOW)
    material.file.save("noter.txt", ContentFile(b"noter"), save=False)
    material.save()
    storage, first = material.file.storage, material.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.material_update(
            material=Material.objects.get(pk=material.pk),
            values={"title": "Noter", "file": SimpleUploadedFile("nye.txt", b"nye")},
        )
    material.refresh_from_db()
    assert not storage.exists(first)
    assert storage.exists(material.file.name)
    second = material.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.material_delete(actor=leader, material=material)
    assert not storage.exists(second)
    assert not Material.objects.exists()


def test_a_material_is_a_file_or_a_link_after_a_change_too(programme):
    material = Material.objects.create(
        programme=programme, title="Lenke", url="https://example.org", shared_at=NOW
    )
    with pytest.raises(RegionalError, match="either a file or a link"):
        services.material_update(material=material, values={"url": ""})


# --- Pages: confirmation first, POST only, clear messages ---------------------------------------


def test_the_project_leader_deletes_an_instructor_after_confirming(
    client, programme, instructor, leader
):
    login(client, leader)
    page = client.get(url("instructor_delete", programme, pk=instructor.pk))
    assert "Delete Anethe Alfsvåg from the programme" in page.content.decode()
    assert Instructor.objects.exists()
    response = client.post(url("instructor_delete", programme, pk=instructor.pk))
    assert response["Location"] == url("instructors", programme)
    assert messages_of(response) == ["Anethe Alfsvåg is deleted."]
    assert not Instructor.objects.exists()


def test_an_instructor_in_use_gets_the_reason_and_no_delete_button(
    client, programme, instructor, leader
):
    factories.GatheringSessionFactory(
        gathering=factories.GatheringFactory(programme=programme), instructor=instructor
    )
    login(client, leader)
    page = client.get(url("instructor_delete", programme, pk=instructor.pk)).content.decode()
    assert "leads 1 session" in page
    assert 'type="submit"' not in page.split("<main", 1)[-1]
    response = client.post(url("instructor_delete", programme, pk=instructor.pk))
    assert response.status_code == 302
    assert "leads 1 session" in messages_of(response)[0]
    assert Instructor.objects.exists()


def test_the_delete_link_is_on_the_change_form(client, programme, instructor, leader):
    page = login(client, leader).get(url("instructor_edit", programme, pk=instructor.pk))
    assert url("instructor_delete", programme, pk=instructor.pk) in page.content.decode()


def test_a_gathering_page_lists_what_goes_with_it_before_deleting(
    client, programme, planned, leader
):
    login(client, leader)
    page = client.get(url("gathering_delete", programme, pk=planned.pk)).content.decode()
    assert "1 session is deleted with it" in page
    response = client.post(url("gathering_delete", programme, pk=planned.pk))
    assert response["Location"] == url("gatherings", programme)
    assert messages_of(response) == ["The gathering «Vårsamling» is deleted."]


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("instructor_delete", lambda p: factories.InstructorFactory(programme=p)),
        ("gathering_delete", lambda p: factories.GatheringFactory(programme=p)),
        (
            "budget_line_delete",
            lambda p: BudgetLine.objects.create(programme=p, category="food", description="x"),
        ),
        (
            "plan_item_delete",
            lambda p: AnnualPlanItem.objects.create(
                programme=p, kind="workshop", title="x", starts_on=TODAY
            ),
        ),
        (
            "meeting_delete",
            lambda p: NetworkMeeting.objects.create(programme=p, date=TODAY),
        ),
        ("criterion_delete", lambda p: InDepthCriterion.objects.create(programme=p, min_age=12)),
        (
            "evaluation_note_delete",
            lambda p: EvaluationNote.objects.create(programme=p, text="x", created_at=NOW),
        ),
    ],
)
def test_the_steering_group_reads_but_deletes_nothing(
    client, programme, steering, leader, name, make
):
    thing = make(programme)
    model = type(thing)
    login(client, steering)
    assert client.get(url(name, programme, pk=thing.pk)).status_code == 403
    assert client.post(url(name, programme, pk=thing.pk)).status_code == 403
    assert model.objects.filter(pk=thing.pk).exists()
    # A GET is only the question; the project leader's POST deletes.
    login(client, leader).get(url(name, programme, pk=thing.pk))
    assert model.objects.filter(pk=thing.pk).exists()
    assert client.post(url(name, programme, pk=thing.pk)).status_code == 302
    assert not model.objects.filter(pk=thing.pk).exists()
    assert AuditEvent.objects.filter(action__endswith="_delete").count() == 1


def test_partner_staff_change_and_delete_only_the_material_they_shared(
    client, programme, office_user, principal_user, steering
):
    material = Material.objects.create(
        programme=programme,
        title="Øvingsplan",
        url="https://example.org/plan",
        shared_by=office_user,
        shared_at=NOW,
    )
    for user in (principal_user, steering):
        login(client, user)
        assert client.get(url("material_edit", programme, pk=material.pk)).status_code == 403
        assert client.post(url("material_delete", programme, pk=material.pk)).status_code == 403
    login(client, office_user)
    page = client.get(url("materials", programme)).content.decode()
    assert url("material_edit", programme, pk=material.pk) in page
    response = client.post(
        url("material_edit", programme, pk=material.pk),
        {"title": "Øvingsplan vår", "url": "https://example.org/plan2"},
    )
    assert response.status_code == 302
    material.refresh_from_db()
    assert (material.title, material.url) == ("Øvingsplan vår", "https://example.org/plan2")
    response = client.post(url("material_delete", programme, pk=material.pk))
    assert messages_of(response)[-1] == "The material is deleted."
    assert not Material.objects.exists()


def test_the_material_form_shows_a_private_file_by_name_without_a_link(client, programme, leader):
    material = Material(programme=programme, title="Mal", shared_at=NOW)
    material.file.save("samlingsprogram.txt", ContentFile(b"10.00"), save=False)
    material.save()
    page = login(client, leader).get(url("material_edit", programme, pk=material.pk))
    assert page.status_code == 200
    assert "samlingsprogram.txt" in page.content.decode()


def test_a_teacher_changes_their_own_progress_note_but_not_a_colleagues(
    client, programme, school, teacher_user, office_user, leader
):
    pupil = factories.InDepthPupilFactory(programme=programme, school=school)
    own = ProgressNote.objects.create(
        pupil=pupil, written_on=TODAY, goals="Skalaer", author=teacher_user, created_at=NOW
    )
    colleagues = ProgressNote.objects.create(
        pupil=pupil, written_on=TODAY, goals="Etyder", author=office_user, created_at=NOW
    )
    login(client, teacher_user)
    page = client.get(url("pupil", programme, pk=pupil.pk)).content.decode()
    assert url("progress_note_edit", programme, pk=pupil.pk, note=own.pk) in page
    assert url("progress_note_edit", programme, pk=pupil.pk, note=colleagues.pk) not in page
    edit = url("progress_note_edit", programme, pk=pupil.pk, note=colleagues.pk)
    assert client.get(edit).status_code == 403
    response = client.post(
        url("progress_note_edit", programme, pk=pupil.pk, note=own.pk),
        {"written_on": "2026-01-20", "goals": "Skalaer i tre oktaver", "feedback": ""},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.goals == "Skalaer i tre oktaver"
    assert AuditEvent.objects.get().action == "regional.progress_note_change"
    # The project leader may delete anyone's note.
    login(client, leader).post(
        url("progress_note_delete", programme, pk=pupil.pk, note=colleagues.pk)
    )
    assert list(ProgressNote.objects.all()) == [own]


def test_a_progress_note_emptied_is_refused_next_to_the_form(client, programme, school, leader):
    pupil = factories.InDepthPupilFactory(programme=programme, school=school)
    note = ProgressNote.objects.create(
        pupil=pupil, written_on=TODAY, goals="Skalaer", author=leader, created_at=NOW
    )
    response = login(client, leader).post(
        url("progress_note_edit", programme, pk=pupil.pk, note=note.pk),
        {"written_on": "2026-01-20", "goals": " ", "feedback": ""},
    )
    assert "Write a goal or some feedback." in response.content.decode()
    note.refresh_from_db()
    assert note.goals == "Skalaer"


def test_a_mentor_pair_is_changed_under_the_same_rules_and_deleted(
    client, programme, school, leader
):
    older = factories.InDepthPupilFactory(
        programme=programme, school=school, birth_date=dt.date(2008, 1, 1)
    )
    younger = factories.InDepthPupilFactory(
        programme=programme, school=school, birth_date=dt.date(2011, 1, 1)
    )
    pair = MentorPair.objects.create(
        programme=programme, mentor=older, mentee=younger, starts_on=TODAY
    )
    login(client, leader)
    edit = url("mentor_edit", programme, pk=pair.pk)
    response = client.post(
        edit, {"mentor": younger.pk, "mentee": older.pk, "starts_on": "2026-01-20"}
    )
    assert "should be older" in response.content.decode()
    response = client.post(
        edit,
        {
            "mentor": older.pk,
            "mentee": younger.pk,
            "starts_on": "2026-01-20",
            "ends_on": "2026-06-20",
            "note": "Avsluttet",
        },
    )
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.ends_on == dt.date(2026, 6, 20)
    client.post(url("mentor_delete", programme, pk=pair.pk))
    assert not MentorPair.objects.exists()


# --- Registrations ---------------------------------------------------------------------------


def test_the_project_leader_takes_a_pupil_off_the_list_after_registration_closed(
    client, programme, leader, office_user, school
):
    gathering = factories.GatheringFactory(
        programme=programme, date=dt.date(2026, 2, 7), status="planned"
    )
    registration = factories.RegistrationFactory(
        gathering=gathering,
        pupil=factories.InDepthPupilFactory(programme=programme, school=school),
    )
    cancel = url("registration_cancel", programme, pk=gathering.pk, registration=registration.pk)
    response = login(client, office_user).post(cancel)
    assert "ask the project leader" in messages_of(response)[0]
    assert gathering.registrations.exists()
    login(client, leader).post(cancel)
    assert not gathering.registrations.exists()
    assert AuditEvent.objects.filter(action="regional.registration_cancel").exists()


# --- Evaluation and the calendar address ------------------------------------------------------


def test_a_programme_wide_evaluation_note_is_on_the_programme_page(
    client, programme, leader, steering, office_user
):
    response = login(client, leader).post(
        url("programme_evaluation", programme),
        {"gathering": "", "text": "Samlingene bør være lengre."},
    )
    assert response.status_code == 302
    note = EvaluationNote.objects.get()
    assert (note.gathering, note.author) == (None, leader)
    assert "Samlingene bør være lengre." in login(client, steering).get(
        url("programme", programme)
    ).content.decode("utf-8")
    assert "Samlingene bør være lengre." not in login(client, office_user).get(
        url("programme", programme)
    ).content.decode("utf-8")


def test_an_evaluation_note_can_be_moved_to_a_gathering_of_the_programme_only(
    client, programme, leader
):
    note = EvaluationNote.objects.create(programme=programme, text="x", created_at=NOW)
    stranger = factories.GatheringFactory()
    login(client, leader)
    response = client.post(
        url("evaluation_note_edit", programme, pk=note.pk),
        {"gathering": stranger.pk, "text": "y"},
    )
    assert "Choose one of the programme" in response.content.decode()
    ours = factories.GatheringFactory(programme=programme)
    client.post(
        url("evaluation_note_edit", programme, pk=note.pk), {"gathering": ours.pk, "text": "y"}
    )
    note.refresh_from_db()
    assert (note.gathering, note.text) == (ours, "y")


def test_the_report_pdf_has_the_programme_wide_notes(client, programme, leader):
    from regional.views import planning

    EvaluationNote.objects.create(
        programme=programme, text="Hele året: mer tid i faggruppene.", created_at=NOW
    )
    captured: dict[str, Any] = {}

    def fake_render(template: str, context: dict[str, Any]) -> bytes:
        from django.template.loader import render_to_string

        captured["html"] = render_to_string(template, context)
        return b"%PDF-1.7"

    original = planning.render_pdf
    planning.render_pdf = fake_render
    try:
        login(client, leader).get(url("report_pdf", programme))
    finally:
        planning.render_pdf = original
    html = captured["html"]
    assert "The programme as a whole" in html
    assert "Hele året: mer tid i faggruppene." in html


def test_a_new_calendar_address_makes_the_old_one_stop_working(client, programme, leader, steering):
    old = programme.calendar_token
    feed = f"/regions/calendar/{old}.ics"
    assert client.get(feed).status_code == 200
    login(client, steering)
    assert client.post(url("calendar_address", programme)).status_code == 403
    login(client, leader)
    assert "Issue a new address" in client.get(url("calendar_address", programme)).content.decode()
    programme.refresh_from_db()
    assert programme.calendar_token == old  # the page only asks
    response = client.post(url("calendar_address", programme))
    assert "the old one no longer works" in messages_of(response)[0]
    programme.refresh_from_db()
    assert programme.calendar_token != old
    client.logout()
    assert client.get(feed).status_code == 404
    assert client.get(f"/regions/calendar/{programme.calendar_token}.ics").status_code == 200
    assert AuditEvent.objects.filter(action="regional.calendar_renew").exists()
