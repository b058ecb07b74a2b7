"""The guardian's place pages: the trial (§6), notice (§9b–c), leave (§14), effort (§16),
conference hours (§15), the parent work group (§18), decision letters (§9f), and who may see
each page."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from enrollment.models import (
    Application,
    Attendance,
    ConferenceSlot,
    EffortAcknowledgement,
    Leave,
    Lesson,
    Notice,
    Offer,
    OfficeHours,
    Placement,
    Termination,
)
from enrollment.services import lifecycle
from tests import factories
from tests.conftest import login

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
# Tuesday 15 September 2026 at noon: three Tuesday lessons of the autumn term are held.
NOW = dt.datetime(2026, 9, 15, 12, tzinfo=OSLO)
PDF = b"%PDF-1.4\n% a doctor's note\n"
# Sessions last 12 hours from sign-in, so a test that travels past today signs in inside the
# travel (`login(client, guardian_user)` in its body) instead of using `guardian_client`.


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
    """A new place this autumn, still in the trial lessons."""
    return factories.PlacementFactory(
        pupil=pupil, offer=offer, starts_term=term, status=Placement.Status.TRIAL
    )


@pytest.fixture
def group(offer, term, teacher_user, placement):
    group = factories.TeachingGroupFactory(
        offer=offer, term=term, teacher=teacher_user, weekday=OfficeHours.Weekday.TUESDAY
    )
    lifecycle.group_member_add(actor=teacher_user, group=group, placement=placement)
    lifecycle.lessons_generate(actor=teacher_user, group=group)
    return group


def url(name: str, placement: Placement, suffix: str = "") -> str:
    return f"/family/places/{placement.pk}/{name}{suffix}"


def attend(placement: Placement, group, count: int, actor) -> None:
    for lesson in Lesson.objects.filter(group=group).order_by("date")[:count]:
        Attendance.objects.create(
            lesson=lesson,
            placement=placement,
            status=Attendance.Status.PRESENT,
            recorded_by=actor,
            recorded_at=NOW,
        )


def approved_leave(placement: Placement, guardian_user, office_user) -> Leave:
    leave = lifecycle.leave_apply(
        actor=guardian_user,
        placement=placement,
        reason=Leave.Reason.ILLNESS,
        starts_on=dt.date(2026, 9, 14),
        expected_weeks=8,
        doctor_note=ContentFile(PDF, name="note.pdf"),
        now=NOW,
    )
    return lifecycle.leave_decide(actor=office_user, leave=leave, approve=True, now=NOW)


def letter_for(placement: Placement, office_user, reason=Termination.Reason.INTEREST_DISCIPLINE):
    termination = Termination.objects.create(
        placement=placement,
        reason=reason,
        justification="Eleven har ikke møtt forberedt på ett år.",
        decided_by=office_user,
        decided_at=NOW,
        effective_on=dt.date(2026, 12, 18),
    )
    termination.letter.save("termination.pdf", ContentFile(b"%PDF-1.4 letter"), save=True)
    return termination


# --- Who may see the pages.


@pytest.fixture
def pages(placement, group, teacher_user, office_user, guardian_user, household, offer, term):
    """Every place page with what it needs: a booked conference hour, approved leave on a
    second place, and a decision letter."""
    offer.department = factories.DepartmentFactory(school=offer.school, performer_track=True)
    offer.save()
    slot = lifecycle.conference_slots_publish(
        teacher=teacher_user,
        school=offer.school,
        first_start=dt.datetime(2026, 10, 6, 16, tzinfo=OSLO),
        minutes=20,
        count=2,
    )[0]
    with time_machine.travel(NOW, tick=False):
        lifecycle.conference_book(user=guardian_user, slot=slot, placement=placement)
        other_offer = factories.OfferFactory(school=offer.school, name="Cello")
        sick = factories.PlacementFactory(
            pupil=placement.pupil, offer=other_offer, starts_term=term
        )
        approved_leave(sick, guardian_user, office_user)
    termination = letter_for(placement, office_user)
    return {
        "place": url("", placement),
        "trial_withdraw": url("withdraw/", placement),
        "notice": url("notice/", placement),
        "leave": url("leave/", placement),
        "leave_return": url("leave/return/", sick),
        "conference_cancel": url(f"conference/{slot.pk}/cancel/", placement),
        "letter_pdf": f"/family/letters/{termination.pk}.pdf",
    }


POST_PAGES = ["effort/", "conference/{slot}/book/"]


@time_machine.travel(NOW, tick=False)
def test_the_households_guardian_sees_every_place_page(guardian_client, pages):
    for name, page in pages.items():
        response = guardian_client.get(page)
        assert response.status_code == 200, name


@time_machine.travel(NOW, tick=False)
def test_anonymous_visitors_are_sent_to_the_login_page(client, pages, placement):
    for page in [*pages.values(), url("effort/", placement)]:
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith("/accounts/login/?next="), page
        assert client.post(page).status_code == 302, page


@time_machine.travel(NOW, tick=False)
def test_another_households_guardian_gets_404_on_every_page(client, pages, other_household):
    other = login(client, other_household.guardians.get().user)
    for name, page in pages.items():
        assert other.get(page).status_code == 404, name
        if name not in ("place", "letter_pdf"):  # pages that only show
            assert other.post(page).status_code == 404, name


@time_machine.travel(NOW, tick=False)
def test_another_households_guardian_cannot_act_on_the_place(
    client, pages, placement, other_household
):
    other = login(client, other_household.guardians.get().user)
    slot = ConferenceSlot.objects.filter(placement__isnull=True).first()
    assert other.post(url("effort/", placement)).status_code == 404
    assert other.post(url(f"conference/{slot.pk}/book/", placement)).status_code == 404
    assert not EffortAcknowledgement.objects.exists()
    assert Notice.objects.count() == 0


@pytest.mark.parametrize("who", ["office_user", "principal_user", "teacher_user", "superuser"])
@time_machine.travel(NOW, tick=False)
def test_staff_without_a_household_get_403(client, request, pages, who):
    staff = login(client, request.getfixturevalue(who))
    for name, page in pages.items():
        assert staff.get(page).status_code == 403, name


@time_machine.travel(NOW, tick=False)
def test_staff_who_are_guardians_elsewhere_get_404(client, pages, office_user, other_household):
    factories.GuardianFactory(household=other_household, user=office_user)
    staff = login(client, office_user)
    for name, page in pages.items():
        assert staff.get(page).status_code == 404, name


@pytest.mark.parametrize("pk", ["0", "99999999999999999999", "abc"])
def test_unknown_places_are_404(guardian_client, pk):
    assert guardian_client.get(f"/family/places/{pk}/").status_code == 404
    assert guardian_client.get(f"/family/letters/{pk}.pdf").status_code == 404


# --- The place page and the links to it.


@time_machine.travel(NOW, tick=False)
def test_the_place_page_shows_offer_group_teacher_schedule_and_status(
    guardian_client, placement, group, teacher_user
):
    text = guardian_client.get(url("", placement)).content.decode()
    assert "Fiolin" in text
    assert group.name in text
    assert "Tuesday 17:00–17:45" in text
    assert teacher_user.get_full_name() in text
    assert "Trial lessons" in text
    assert "Tuesday 15 September, 17:00" in text  # the next lesson


@time_machine.travel(NOW, tick=False)
def test_the_family_and_applications_pages_link_each_current_place(
    guardian_client, placement, pupil, offer, term
):
    ended = factories.PlacementFactory(
        pupil=pupil,
        offer=factories.OfferFactory(school=offer.school, name="Sluttet"),
        starts_term=term,
        status=Placement.Status.ENDED,
    )
    home = guardian_client.get("/family/").content.decode()
    assert f'href="/family/places/{placement.pk}/"' in home
    assert f'href="/family/places/{ended.pk}/"' not in home
    assert 'href="/family/lessons/"' in home
    applications = guardian_client.get("/family/applications/").content.decode()
    assert f'href="/family/places/{placement.pk}/"' in applications


def test_the_family_page_stays_at_a_fixed_number_of_queries_with_places(
    guardian_client, household, school, term, django_assert_max_num_queries
):
    for _ in range(6):
        child = factories.PupilFactory(household=household)
        factories.PlacementFactory(pupil=child, starts_term=term)
    with django_assert_max_num_queries(13):
        assert guardian_client.get("/family/").status_code == 200


# --- §6 Trial and withdrawal.


@time_machine.travel(NOW, tick=False)
def test_s6_withdrawal_is_offered_before_the_third_attendance(
    guardian_client, placement, group, teacher_user
):
    attend(placement, group, 1, teacher_user)
    text = guardian_client.get(url("", placement)).content.decode()
    assert "1 trial lesson left" in text
    assert "Withdraw without charge" in text
    attend_more = Lesson.objects.filter(group=group).order_by("date")[1]
    Attendance.objects.create(
        lesson=attend_more, placement=placement, status="present", recorded_at=NOW
    )
    confirm = guardian_client.get(url("withdraw/", placement))
    assert confirm.status_code == 200
    assert "The place ends now, and nothing is paid for it (§6)." in confirm.content.decode()


@time_machine.travel(NOW, tick=False)
def test_s6_withdrawing_after_two_attendances_ends_the_place_without_charge(
    guardian_client, placement, group, teacher_user
):
    attend(placement, group, 2, teacher_user)
    response = guardian_client.post(url("withdraw/", placement))
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ENDED
    assert placement.end_reason == Placement.EndReason.TRIAL_WITHDRAWAL
    assert placement.ends_on == NOW.date()
    page = guardian_client.get(response["Location"])
    assert "nothing is paid" in messages_of(page)[0]
    assert "This place ended on 15 September 2026." in page.content.decode()


@time_machine.travel(NOW, tick=False)
def test_s6_withdrawal_is_refused_after_the_third_attendance(
    guardian_client, placement, group, teacher_user
):
    attend(placement, group, 3, teacher_user)
    text = guardian_client.get(url("", placement)).content.decode()
    assert "The trial lessons are used, so the place ends only by notice" in text
    assert f'href="/family/places/{placement.pk}/withdraw/"' not in text
    response = guardian_client.get(url("withdraw/", placement))
    assert response.status_code == 302
    response = guardian_client.post(url("withdraw/", placement), follow=True)
    assert "The trial lessons are used" in messages_of(response)[0]
    placement.refresh_from_db()
    assert placement.status != Placement.Status.ENDED


@time_machine.travel(dt.datetime(2027, 1, 12, 12, tzinfo=OSLO), tick=False)
def test_s6b_withdrawal_is_only_in_the_first_term(client, guardian_user, placement):
    guardian_client = login(client, guardian_user)
    text = guardian_client.get(url("", placement)).content.decode()
    assert "The trial applies only in the first term of a place (§6b)." in text
    guardian_client.post(url("withdraw/", placement))
    placement.refresh_from_db()
    assert placement.status == Placement.Status.TRIAL


# --- §9 Notice.


@pytest.fixture
def long_placement(pupil, school):
    """A place held since autumn 2025; the autumn 2026 and spring 2027 terms are entered."""
    factories.TermFactory(school=school, year=2026, season="autumn")
    factories.TermFactory(school=school, year=2027, season="spring")
    return factories.PlacementFactory(
        pupil=pupil, offer=factories.OfferFactory(school=school, name="Piano")
    )


@time_machine.travel(dt.datetime(2026, 11, 15, 12, tzinfo=OSLO), tick=False)
def test_s9b_notice_on_15_november_ends_the_place_after_the_autumn_term(
    client, guardian_user, long_placement
):
    guardian_client = login(client, guardian_user)
    response = guardian_client.get(url("notice/", long_placement))
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [str(term) for term in preview.billed] == ["Autumn 2026"]
    assert not preview.binds_next_term
    text = response.content.decode()
    assert "18 December 2026" in text
    assert "when the Autumn 2026 term ends" in text
    assert "Received by the deadline of 1 December" in text
    assert "bound and paid in full" not in text
    assert not Notice.objects.exists()  # reading the page changes nothing


@time_machine.travel(dt.datetime(2026, 12, 2, 12, tzinfo=OSLO), tick=False)
def test_s9c_notice_on_2_december_binds_the_spring_term(client, guardian_user, long_placement):
    guardian_client = login(client, guardian_user)
    response = guardian_client.get(url("notice/", long_placement))
    preview = response.context["preview"]
    assert [str(term) for term in preview.billed] == ["Autumn 2026", "Spring 2027"]
    text = response.content.decode()
    assert "19 June 2027" in text
    assert "when the Spring 2027 term ends" in text
    assert (
        "Received after the deadline of 1 December: the following term, Spring 2027, is bound "
        "and paid in full (§9c)."
    ) in " ".join(text.split())


@time_machine.travel(dt.datetime(2026, 12, 2, 12, tzinfo=OSLO), tick=False)
def test_s9b_confirming_the_notice_creates_it_as_the_page_said(
    client, guardian_user, long_placement
):
    guardian_client = login(client, guardian_user)
    page = guardian_client.get(url("notice/", long_placement))
    expected = page.context["form"].initial["expected"]
    response = guardian_client.post(
        url("notice/", long_placement), {"expected": expected, "reason": "Vil spille fotball"}
    )
    assert response.status_code == 302
    notice = Notice.objects.get(placement=long_placement)
    assert notice.ends_on == dt.date(2027, 6, 19)
    assert str(notice.last_term) == "Spring 2027"
    assert notice.given_by == guardian_user
    assert notice.reason == "Vil spille fotball"
    long_placement.refresh_from_db()
    assert long_placement.ends_on == dt.date(2027, 6, 19)
    place = guardian_client.get(response["Location"])
    assert "ends on 19 June 2027" in messages_of(place)[0]
    assert "Notice given on 2 December 2026, the place ends 19 June 2027." in (
        place.content.decode()
    )
    # Given once: the page and the button are gone.
    assert guardian_client.get(url("notice/", long_placement)).status_code == 302
    guardian_client.post(url("notice/", long_placement), {"expected": expected})
    assert Notice.objects.count() == 1


def test_s9b_a_deadline_passing_while_the_page_is_open_asks_again(
    client, guardian_user, long_placement
):
    with time_machine.travel(dt.datetime(2026, 12, 1, 23, 58, tzinfo=OSLO), tick=False):
        guardian_client = login(client, guardian_user)
        expected = (
            guardian_client.get(url("notice/", long_placement)).context["form"].initial["expected"]
        )
    with time_machine.travel(dt.datetime(2026, 12, 2, 0, 1, tzinfo=OSLO), tick=False):
        response = guardian_client.post(url("notice/", long_placement), {"expected": expected})
    assert response.status_code == 200
    assert "Read it again below before you confirm." in response.content.decode()
    assert response.context["preview"].binds_next_term
    assert not Notice.objects.exists()


@time_machine.travel(dt.datetime(2027, 6, 2, 12, tzinfo=OSLO), tick=False)
def test_s9b_a_term_without_dates_is_named_and_said_to_be_unknown(
    client, guardian_user, long_placement
):
    guardian_client = login(client, guardian_user)
    text = guardian_client.get(url("notice/", long_placement)).content.decode()
    assert "when the Autumn 2027 term ends" in text
    assert "has not entered the dates of that term yet" in text


@time_machine.travel(NOW, tick=False)
def test_s9a_a_course_binds_for_the_whole_course(guardian_client, pupil, school, term):
    course = factories.OfferFactory(
        school=school,
        kind=Offer.Kind.COURSE,
        course_starts_on=dt.date(2026, 9, 1),
        course_ends_on=dt.date(2026, 11, 10),
    )
    placement = factories.PlacementFactory(pupil=pupil, offer=course, starts_term=term)
    text = guardian_client.get(url("notice/", placement)).content.decode()
    assert "A course binds for the whole course" in text
    assert "10 November 2026" in text


@time_machine.travel(NOW, tick=False)
def test_s9_notice_cannot_move_the_end_the_school_has_decided(
    guardian_client, placement, office_user
):
    """The school's decision ends the place on 1 October: notice (ending after the term)
    would only move the end later, so it is not offered."""
    letter_for(placement, office_user)
    Placement.objects.filter(pk=placement.pk).update(
        ends_on=dt.date(2026, 10, 1), end_reason=Placement.EndReason.TERMINATION
    )
    text = guardian_client.get(url("", placement)).content.decode()
    assert f'href="/family/places/{placement.pk}/notice/"' not in text
    response = guardian_client.post(url("notice/", placement), {"expected": "2026-autumn-0"})
    assert response.status_code == 302
    assert not Notice.objects.exists()
    placement.refresh_from_db()
    assert placement.ends_on == dt.date(2026, 10, 1)


@time_machine.travel(NOW, tick=False)
def test_s9_notice_may_end_a_place_sooner_than_the_upper_age(guardian_client, placement):
    Placement.objects.filter(pk=placement.pk).update(
        ends_on=dt.date(2027, 12, 31), end_reason=Placement.EndReason.UPPER_AGE
    )
    assert guardian_client.get(url("notice/", placement)).status_code == 200


# --- §14 Leave.


def leave_data(**changes):
    data = {
        "reason": Leave.Reason.ILLNESS,
        "starts_on": "2026-09-14",
        "expected_weeks": "8",
        "description": "Brukket arm",
    }
    data.update(changes)
    return data


@time_machine.travel(NOW, tick=False)
def test_s14b_leave_for_another_reason_is_refused_with_the_explanation(guardian_client, placement):
    response = guardian_client.post(
        url("leave/", placement), leave_data(reason=Leave.Reason.OTHER), follow=True
    )
    leave = Leave.objects.get(placement=placement)
    assert leave.status == Leave.Status.REFUSED
    assert "Leave is given only for illness (§14b)" in messages_of(response)[0]
    assert "Leave is given only for illness (§14b)" in response.content.decode().replace(
        "&#x27;", "'"
    )


@time_machine.travel(NOW, tick=False)
def test_s14a_leave_for_a_short_illness_is_refused_next_to_the_weeks(guardian_client, placement):
    note = SimpleUploadedFile("note.pdf", PDF, content_type="application/pdf")
    response = guardian_client.post(
        url("leave/", placement), leave_data(expected_weeks="4", doctor_note=note)
    )
    assert response.status_code == 200
    assert "longer than 4 teaching weeks" in str(response.context["form"].errors["expected_weeks"])
    assert not Leave.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_s14a_leave_for_illness_needs_a_doctors_note(guardian_client, placement):
    response = guardian_client.post(url("leave/", placement), leave_data())
    assert response.status_code == 200
    assert "Attach a doctor" in str(response.context["form"].errors["doctor_note"])
    assert not Leave.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_s14a_leave_for_illness_with_a_note_is_applied_and_kept_private(
    guardian_client, guardian_user, placement
):
    note = SimpleUploadedFile("legeerklæring.pdf", PDF, content_type="application/pdf")
    response = guardian_client.post(url("leave/", placement), leave_data(doctor_note=note))
    assert response.status_code == 302
    leave = Leave.objects.get(placement=placement)
    assert leave.status == Leave.Status.APPLIED
    assert leave.expected_weeks == 8
    assert leave.applied_by == guardian_user
    assert leave.doctor_note.read() == PDF
    assert str(settings.PRIVATE_MEDIA_ROOT) in leave.doctor_note.path
    assert leave.doctor_note.name.endswith(".pdf")
    text = guardian_client.get(url("", placement)).content.decode()
    assert "note attached" in text
    assert leave.doctor_note.name not in text  # never linked on the family pages
    # One open application at a time.
    assert guardian_client.get(url("leave/", placement)).status_code == 302


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("note.txt", b"just text", "as a PDF or a photo"),
        ("note.pdf", b"MZ\x90\x00 not a pdf", "as a PDF or a photo"),
        ("note.jpg", b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024), "the limit is 10 MB"),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_s14_the_doctors_note_must_be_a_pdf_or_image_of_at_most_10_mb(
    guardian_client, placement, name, content, error
):
    note = SimpleUploadedFile(name, content)
    response = guardian_client.post(url("leave/", placement), leave_data(doctor_note=note))
    assert response.status_code == 200
    assert error in str(response.context["form"].errors["doctor_note"])
    assert not Leave.objects.exists()


@pytest.mark.parametrize(
    "head", [b"\x89PNG\r\n\x1a\n0000", b"\xff\xd8\xff\xe0", b"\x00\x00\x00\x18ftypheic"]
)
@time_machine.travel(NOW, tick=False)
def test_s14_a_photo_of_the_note_is_accepted(guardian_client, placement, head):
    note = SimpleUploadedFile("IMG_0001.txt", head + b"0" * 100)
    response = guardian_client.post(url("leave/", placement), leave_data(doctor_note=note))
    assert response.status_code == 302
    leave = Leave.objects.get()
    assert leave.status == Leave.Status.APPLIED
    # Stored under the kind of file it is, whatever the phone called it.
    assert leave.doctor_note.name.rsplit(".", 1)[1] in {"png", "jpg", "heic"}


@time_machine.travel(NOW, tick=False)
def test_s14a_return_from_leave_creates_a_return_application(
    guardian_client, guardian_user, office_user, placement
):
    leave = approved_leave(placement, guardian_user, office_user)
    text = guardian_client.get(url("", placement)).content.decode()
    assert "well again?" in text
    page = guardian_client.get(url("leave/return/", placement))
    assert "ahead of the waiting list (§14a)" in page.content.decode()
    response = guardian_client.post(url("leave/return/", placement), {"recovered_on": "2026-08-01"})
    assert response.status_code == 200  # before the leave started
    assert not Application.objects.filter(kind=Application.Kind.RETURN).exists()
    response = guardian_client.post(url("leave/return/", placement), {"recovered_on": "2026-11-02"})
    assert response.status_code == 302
    application = Application.objects.get(kind=Application.Kind.RETURN)
    assert application.pupil == placement.pupil
    assert application.offer == placement.offer
    leave.refresh_from_db()
    assert leave.status == Leave.Status.ENDED
    assert leave.recovered_on == dt.date(2026, 11, 2)
    assert leave.return_application == application
    assert "first in line" in messages_of(guardian_client.get(response["Location"]))[0]


@time_machine.travel(NOW, tick=False)
def test_s14_without_approved_leave_there_is_no_return(guardian_client, placement):
    response = guardian_client.get(url("leave/return/", placement), follow=True)
    assert "There is no approved leave for this place." in messages_of(response)


# --- §16 Effort.


@time_machine.travel(NOW, tick=False)
def test_s16a_the_home_acknowledges_the_effort_requirements_once(
    guardian_client, guardian_user, placement, offer
):
    offer.effort_requirements = "Øv 20 minutter hver dag."
    offer.save()
    text = guardian_client.get(url("", placement)).content.decode()
    assert "Øv 20 minutter hver dag." in text
    assert "I have read the effort requirements" in text
    assert guardian_client.post(url("effort/", placement)).status_code == 302
    ack = EffortAcknowledgement.objects.get(placement=placement)
    assert ack.acknowledged_by == guardian_user
    assert ack.requirements == "Øv 20 minutter hver dag."
    text = guardian_client.get(url("", placement)).content.decode()
    assert "I have read the effort requirements" not in text
    assert "Read and acknowledged on 15 September 2026" in text
    guardian_client.post(url("effort/", placement))
    assert EffortAcknowledgement.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_s16a_changed_requirements_are_acknowledged_again(guardian_client, placement, offer):
    offer.effort_requirements = "Øv 20 minutter."
    offer.save()
    guardian_client.post(url("effort/", placement))
    offer.effort_requirements = "Øv 30 minutter."
    offer.save()
    text = guardian_client.get(url("", placement)).content.decode()
    assert "The requirements have changed since you last read them." in text
    guardian_client.post(url("effort/", placement))
    assert EffortAcknowledgement.objects.count() == 2


@time_machine.travel(NOW, tick=False)
def test_s16a_without_requirements_there_is_nothing_to_acknowledge(guardian_client, placement):
    assert "Effort requirements" not in guardian_client.get(url("", placement)).content.decode()
    guardian_client.post(url("effort/", placement))
    assert not EffortAcknowledgement.objects.exists()


# --- §15 Conference hours.


@pytest.fixture
def performer(offer):
    offer.department = factories.DepartmentFactory(school=offer.school, performer_track=True)
    offer.save()
    return offer


def publish(teacher, school, count=3, start=dt.datetime(2026, 10, 6, 16, tzinfo=OSLO)):
    return lifecycle.conference_slots_publish(
        teacher=teacher, school=school, first_start=start, minutes=20, count=count
    )


@time_machine.travel(NOW, tick=False)
def test_s15_a_performer_track_home_books_one_conference_hour_per_half_year(
    guardian_client, guardian_user, placement, group, performer, teacher_user
):
    first, second, _third = publish(teacher_user, performer.school)
    text = guardian_client.get(url("", placement)).content.decode()
    assert "Conference hour" in text
    assert f"/conference/{first.pk}/book/" in text
    response = guardian_client.post(url(f"conference/{first.pk}/book/", placement), follow=True)
    assert "is booked" in messages_of(response)[0]
    first.refresh_from_db()
    assert first.placement == placement
    assert first.booked_by == guardian_user
    assert "Already booked this half-year" in response.content.decode()
    assert f"/conference/{second.pk}/book/" not in response.content.decode()
    response = guardian_client.post(url(f"conference/{second.pk}/book/", placement), follow=True)
    assert "already booked for this half-year (§15a)" in messages_of(response)[0]
    second.refresh_from_db()
    assert second.placement is None
    # The next half-year is another matter.
    spring = publish(teacher_user, performer.school, 1, dt.datetime(2027, 2, 2, 16, tzinfo=OSLO))
    guardian_client.post(url(f"conference/{spring[0].pk}/book/", placement))
    spring[0].refresh_from_db()
    assert spring[0].placement == placement


@time_machine.travel(NOW, tick=False)
def test_s15_cancelling_a_booking_asks_first_and_frees_the_hour(
    guardian_client, guardian_user, placement, group, performer, teacher_user
):
    slot = publish(teacher_user, performer.school, 1)[0]
    lifecycle.conference_book(user=guardian_user, slot=slot, placement=placement)
    confirm = guardian_client.get(url(f"conference/{slot.pk}/cancel/", placement))
    assert confirm.status_code == 200
    assert "Cancel the conference hour?" in confirm.content.decode()
    slot.refresh_from_db()
    assert slot.placement == placement
    assert guardian_client.post(url(f"conference/{slot.pk}/cancel/", placement)).status_code == 302
    slot.refresh_from_db()
    assert slot.placement is None


@time_machine.travel(NOW, tick=False)
def test_s15_another_teachers_or_a_free_hour_cannot_be_reached_by_its_id(
    guardian_client, placement, group, performer
):
    stranger_teacher = factories.UserFactory()
    theirs = publish(stranger_teacher, performer.school, 1)[0]
    assert guardian_client.post(url(f"conference/{theirs.pk}/book/", placement)).status_code == 404
    assert guardian_client.get(url(f"conference/{theirs.pk}/cancel/", placement)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.placement is None


@time_machine.travel(NOW, tick=False)
def test_s15_conference_hours_are_only_for_the_performer_track(
    guardian_client, placement, group, teacher_user, offer
):
    slot = publish(teacher_user, offer.school, 1)[0]
    assert "Conference hour" not in guardian_client.get(url("", placement)).content.decode()
    response = guardian_client.post(url(f"conference/{slot.pk}/book/", placement), follow=True)
    assert "performer track (§15)" in messages_of(response)[0]
    slot.refresh_from_db()
    assert slot.placement is None


# --- §18 Parent work group.


@time_machine.travel(NOW, tick=False)
def test_s18_the_household_is_told_it_is_in_the_parent_work_group(
    guardian_client, placement, offer
):
    offer.parent_work_group = True
    offer.save()
    lifecycle.work_group_enrol(placement)
    text = guardian_client.get(url("", placement)).content.decode()
    assert "You are in the parent work group for Fiolin." in text
    assert "concerts, performances and pupil events" in text


# --- §9f Decision letters.


@time_machine.travel(NOW, tick=False)
def test_s9f_the_decision_letter_is_served_to_the_household_with_the_appeal_information(
    guardian_client, placement, office_user
):
    termination = letter_for(placement, office_user)
    text = guardian_client.get(url("", placement)).content.decode()
    assert f"/family/letters/{termination.pk}.pdf" in text
    assert "You may appeal this decision to Skole- og barnehagesjefen i Sandefjord kommune" in (
        " ".join(text.split())
    )
    response = guardian_client.get(f"/family/letters/{termination.pk}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 letter"


@time_machine.travel(NOW, tick=False)
def test_s9f_a_decision_for_non_payment_states_it_cannot_be_appealed(
    guardian_client, placement, office_user
):
    letter_for(placement, office_user, reason=Termination.Reason.NON_PAYMENT)
    text = guardian_client.get(url("", placement)).content.decode()
    assert "cannot be appealed under the rules (§9f)" in text
    assert "You may appeal" not in text


@time_machine.travel(NOW, tick=False)
def test_the_letter_of_an_ended_place_stays_readable(guardian_client, placement, office_user):
    termination = letter_for(placement, office_user)
    Placement.objects.filter(pk=placement.pk).update(status=Placement.Status.ENDED)
    assert guardian_client.get(url("", placement)).status_code == 200
    assert guardian_client.get(f"/family/letters/{termination.pk}.pdf").status_code == 200
    # Nothing can be done with an ended place.
    response = guardian_client.get(url("notice/", placement), follow=True)
    assert "This place has ended." in messages_of(response)
    assert guardian_client.post(url("leave/", placement), leave_data()).status_code == 302
    assert not Leave.objects.exists()
