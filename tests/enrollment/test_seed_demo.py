"""The demo data: idempotent, real schools of the seed documents, and logins that work."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from enrollment import demo
from enrollment.models import (
    AbsenceReport,
    Application,
    Attendance,
    ConferenceSlot,
    Contract,
    Department,
    EffortAcknowledgement,
    GroupMember,
    Household,
    Leave,
    Lesson,
    Notice,
    Offer,
    OfficeHours,
    ParentWorkGroupMember,
    Placement,
    Pupil,
    School,
    SchoolHoliday,
    TeachingGroup,
    Term,
)
from kulturskole.access import Role, has_totp, roles_for
from kulturskole.models import OutboundMessage
from regional.models import Region

README = Path(__file__).resolve().parents[2] / "README.md"
TODAY = dt.date(2026, 9, 1)


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.fixture
def seeded(db: Any) -> demo.SeedResult:
    return demo.seed_demo(today=TODAY)


@pytest.mark.django_db
def test_running_it_twice_changes_no_row_count(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    first = row_counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert row_counts() == first
    assert first["enrollment.School"] == 7


@pytest.mark.django_db
def test_it_refuses_to_run_with_debug_off(settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not School.objects.exists()


@pytest.mark.django_db
def test_force_runs_it_with_debug_off(settings: Any) -> None:
    settings.DEBUG = False
    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert School.objects.filter(slug="sandefjord").exists()


def test_it_prints_every_login_with_password_and_totp_hint(db: Any, settings: Any) -> None:
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    for login in demo.DEMO_LOGINS:
        assert login.email in text
    assert demo.DEMO_PASSWORD in text
    assert "demo_totp_code" in text
    assert demo.DEMO_TOTP_SECRET in text


def test_sandefjord_has_its_contact_details_and_two_locations(seeded: Any) -> None:
    school = School.objects.get(slug="sandefjord")
    assert school.email == "kulturskolen@sandefjord.kommune.no"
    assert school.phone == "33 48 86 70"
    assert "sandefjord.kommune.no/kulturskolen" in school.website
    assert set(school.locations.values_list("name", flat=True)) == {
        "Sandefjord videregående skole, Bugården",
        "Sandar Øst",
    }
    hours = {(h.weekday, h.opens_at, h.closes_at) for h in school.office_hours.all()}
    assert (OfficeHours.Weekday.FRIDAY, dt.time(9), dt.time(14)) in hours
    assert len(hours) == 5


def test_sandefjord_policy_keeps_the_rule_book_defaults(seeded: Any) -> None:
    policy = School.objects.get(slug="sandefjord").policy
    assert policy.appeal_body == "Skole- og barnehagesjefen i Sandefjord kommune"
    assert policy.max_open_place_applications == 2


def test_the_gjovik_region_has_its_six_schools(seeded: Any) -> None:
    region = Region.objects.get(slug="gjovikregionen")
    assert set(region.schools.values_list("name", flat=True)) == {
        "Kulturskolen Mjølkefabrikken",
        "Fyrverkeriet Kulturskole",
        "Søndre Land Kulturskole",
        "Nordre Land Kulturskole",
        "Gjøvik Kunst- og kulturskole",
        "Gjøvik videregående skole",
    }
    assert School.objects.get(slug="gjovik-vgs").kind == School.Kind.UPPER_SECONDARY
    assert (
        School.objects.get(slug="gjovik").policy.appeal_body == "Kommunedirektøren i Gjøvik kommune"
    )


def test_every_culture_school_has_locations_hours_offers_and_four_terms(seeded: Any) -> None:
    for school in School.objects.filter(kind=School.Kind.CULTURE_SCHOOL):
        assert school.locations.exists(), school
        assert school.office_hours.exists(), school
        assert school.offers.count() >= 5, school
        assert set(school.terms.values_list("year", "season")) == {
            (2026, "spring"),
            (2026, "autumn"),
            (2027, "spring"),
            (2027, "autumn"),
        }, school
        assert school.policy.pk == school.pk


def test_terms_follow_the_norwegian_school_year(seeded: Any) -> None:
    for term in Term.objects.all():
        if term.season == Term.Season.AUTUMN:
            assert term.starts_on.month == 8 and 14 <= term.starts_on.day <= 24
            assert term.ends_on.month == 12
        else:
            assert term.starts_on.month == 1 and term.ends_on.month == 6
        assert 16 <= term.teaching_weeks <= 18


def test_offers_cover_the_disciplines_and_the_special_rules(seeded: Any) -> None:
    sandefjord = Offer.objects.filter(school__slug="sandefjord")
    assert {"fiolin", "cello", "piano", "gitar", "sang", "band", "hiphop", "ballett"} <= set(
        sandefjord.values_list("slug", flat=True)
    )
    assert set(sandefjord.values_list("discipline", flat=True)) >= {
        "music",
        "dance",
        "drama",
        "visual_art",
    }
    assert sandefjord.get(slug="teater").parent_work_group
    assert sandefjord.get(slug="strykeorkester").parent_work_group
    course = sandefjord.get(kind=Offer.Kind.COURSE)
    assert course.course_starts_on < course.course_ends_on
    performer = sandefjord.get(audition_required=True)
    assert performer.department.performer_track
    assert performer.department.name == "Utøver"
    assert performer.effort_requirements
    assert Department.objects.get(school__slug="sandefjord", name="Utøver").performer_track


def test_households_have_siblings_grades_and_varied_consent(seeded: Any) -> None:
    sandefjord = Household.objects.filter(school__slug="sandefjord")
    sizes = sorted(household.pupils.count() for household in sandefjord)
    assert len(sizes) >= 3
    assert 3 in sizes and 2 in sizes
    assert Household.objects.exclude(school__slug="sandefjord").exists()
    hansen = sandefjord.get(name="Hansen")
    assert hansen.payer.user.email == demo.GUARDIAN.email
    assert hansen.guardians.count() == 2
    assert set(Pupil.objects.values_list("photo_consent", flat=True)) == {
        "granted",
        "refused",
        "not_answered",
    }
    emma = hansen.pupils.get(first_name="Emma")
    assert emma.grade_school_year == 2026
    assert emma.grade_on(TODAY) == 7
    assert emma.age_on(TODAY) == 12


def test_the_teacher_has_groups_in_autumn_2026_and_spring_2027(seeded: Any) -> None:
    teacher = get_user_model().objects.get(email=demo.TEACHER.email)
    terms = set(
        TeachingGroup.objects.filter(teacher=teacher).values_list("term__year", "term__season")
    )
    assert terms == {(2026, "autumn"), (2027, "spring")}


@pytest.mark.parametrize(
    "login,role,school_or_region",
    [
        (demo.GUARDIAN, Role.GUARDIAN, None),
        (demo.SECOND_GUARDIAN, Role.GUARDIAN, None),
        (demo.TEACHER, Role.TEACHER, "sandefjord"),
        (demo.OFFICE, Role.OFFICE, "sandefjord"),
        (demo.PRINCIPAL, Role.PRINCIPAL, "sandefjord"),
        (demo.GJOVIK_OFFICE, Role.OFFICE, "gjovik"),
        (demo.PROJECT_LEADER, Role.PROJECT_LEADER, "gjovikregionen"),
        (demo.STEERING_GROUP, Role.STEERING_GROUP, "gjovikregionen"),
    ],
)
def test_each_demo_user_authenticates_and_holds_its_role(
    seeded: Any, login: demo.DemoLogin, role: str, school_or_region: str | None
) -> None:
    user = authenticate(email=login.email, password=demo.DEMO_PASSWORD)
    assert user is not None
    held = roles_for(user)
    assert held.has(role)
    assert held.held == {role}
    if role in (Role.PROJECT_LEADER, Role.STEERING_GROUP):
        assert held.region_ids(role) == {Region.objects.get(slug=school_or_region).pk}
    elif school_or_region:
        assert held.school_ids(role) == {School.objects.get(slug=school_or_region).pk}
    assert held.requires_mfa == login.needs_totp == has_totp(user)
    assert user.emailaddress_set.get(primary=True).verified


def test_the_superuser_authenticates_and_needs_totp(seeded: Any) -> None:
    user = authenticate(email=demo.SUPERUSER.email, password=demo.DEMO_PASSWORD)
    assert user is not None and user.is_superuser and user.is_staff
    assert roles_for(user).requires_mfa and has_totp(user)


def test_a_guardian_signs_in_through_the_login_form(seeded: Any, client: Client) -> None:
    response = client.post(
        "/accounts/login/", {"login": demo.GUARDIAN.email, "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    page = client.get("/dashboard/")
    assert page.status_code == 200
    assert "Emma" in page.content.decode()


def test_office_staff_sign_in_with_the_demo_totp_code(
    seeded: Any, client: Client, settings: Any
) -> None:
    # A private cache: allauth remembers used codes, and a shared Redis cache would let a
    # parallel test that used the same code in the same 30 seconds make this one fail.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "demo-totp-login",
        }
    }
    # The clock stands still, so the code cannot expire between reading and sending it.
    with time_machine.travel(time.time(), tick=False):
        response = client.post(
            "/accounts/login/", {"login": demo.OFFICE.email, "password": demo.DEMO_PASSWORD}
        )
        assert response.status_code == 302
        assert "/2fa/" in response["Location"]
        code, _ = demo.current_totp_code()
        response = client.post(response["Location"], {"code": code})
        assert response.status_code == 302, response.content.decode()[:500]
    page = client.get("/dashboard/")
    assert page.status_code == 200
    assert "Sandefjord kulturskole" in page.content.decode()


def test_seeding_twice_keeps_one_totp_authenticator_per_user(seeded: Any) -> None:
    demo.seed_demo(today=TODAY)
    authenticator = apps.get_model("mfa", "Authenticator")
    assert authenticator.objects.filter(type="totp").count() == sum(
        login.needs_totp for login in demo.DEMO_LOGINS
    )


def test_demo_totp_code_prints_the_current_code(settings: Any) -> None:
    settings.DEBUG = True
    out = io.StringIO()
    call_command("demo_totp_code", stdout=out, stderr=io.StringIO())
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    assert code in {demo.current_totp_code()[0], demo.current_totp_code(at=time.time() - 30)[0]}


def test_demo_totp_code_refuses_with_debug_off(settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("demo_totp_code", stdout=io.StringIO())


def test_the_totp_code_matches_a_known_vector() -> None:
    # Same algorithm as any authenticator app: RFC 6238 with SHA-1, 6 digits, 30 seconds.
    code, remaining = demo.current_totp_code(at=0)
    assert remaining == 30
    assert re.fullmatch(r"\d{6}", code)
    assert demo.current_totp_code(at=29)[0] == code
    assert demo.current_totp_code(at=30)[0] != code


def test_the_readme_lists_every_demo_login() -> None:
    text = README.read_text(encoding="utf-8")
    for login in demo.DEMO_LOGINS:
        assert login.email in text
    assert demo.DEMO_PASSWORD in text
    assert demo.DEMO_TOTP_SECRET in text


def test_grades_follow_the_birth_year() -> None:
    assert demo.grade_for(dt.date(2016, 3, 14), 2026) == 5
    assert demo.grade_for(dt.date(2021, 3, 14), 2026) == 0
    assert demo.grade_for(dt.date(2007, 3, 14), 2026) is None


# --- Applicants, places, fees and waiting-list history (issue 3) -----------------------------


def test_every_culture_school_has_fee_schedules_for_2026_and_2027(seeded: Any) -> None:
    fee_schedule = apps.get_model("billing", "FeeSchedule")
    for school in School.objects.filter(kind=School.Kind.CULTURE_SCHOOL):
        years = set(
            fee_schedule.objects.filter(school=school).values_list("school_year", flat=True)
        )
        assert years == {2026, 2027}, school
    sandefjord = fee_schedule.objects.get(school__slug="sandefjord", school_year=2026)
    assert sandefjord.place_fee_per_term == Decimal("1850.00")
    assert sandefjord.instrument_rental_per_term == Decimal("400.00")
    assert sandefjord.courses.get().offer.slug == "keramikk"
    later = fee_schedule.objects.get(school__slug="sandefjord", school_year=2027)
    assert later.place_fee_per_term > sandefjord.place_fee_per_term


def test_sandefjord_has_waiting_lists_with_every_kind_of_applicant(seeded: Any) -> None:
    from waitlist import statistics

    school = School.objects.get(slug="sandefjord")
    applications = Application.objects.filter(offer__school=school)
    waiting = applications.filter(status=Application.Status.WAITING)
    assert waiting.count() >= 15
    assert waiting.values("pupil").distinct().count() >= 12
    assert waiting.filter(preference=2).count() >= 2
    assert waiting.filter(kind=Application.Kind.SWITCH, switch_from__isnull=False).count() == 1
    assert waiting.filter(submitted_at__date__gt=dt.date(2026, 5, 1)).count() >= 3
    assert {a.seniority_date.year for a in waiting} == {2025, 2026}
    count = statistics.school_count(school)
    # §5d: the pupil who only wants to switch is not counted.
    assert count.children == waiting.exclude(kind="switch").values("pupil").distinct().count()
    assert sum(row.children for row in count.offers if row.offer.slug == "fiolin") == 5


def test_utover_has_one_passed_audition_with_a_score_and_one_requested(seeded: Any) -> None:
    audition = apps.get_model("waitlist", "Audition")
    auditions = audition.objects.filter(
        offer__slug="utover-klassisk", offer__school__slug="sandefjord"
    )
    assert sorted(auditions.values_list("result", flat=True)) == ["passed", "pending"]
    assert auditions.get(result="passed").score == 8


def test_places_are_partly_taken_and_fiolin_is_full(seeded: Any) -> None:
    from waitlist import selectors, vacancies

    school = School.objects.get(slug="sandefjord")
    term = selectors.admission_term(school, TODAY)
    assert Placement.objects.filter(offer__school=school, status="active").count() >= 15
    violin = Offer.objects.get(school=school, slug="fiolin")
    assert selectors.seats_for([violin], term)[violin.pk].free == 0
    found = {v.offer.slug for v in vacancies.public_vacancies(school, today=TODAY).vacancies}
    assert found and not found & {"fiolin", "piano", "gitar"}
    assert "utover-klassisk" in found


def test_the_demo_guardian_has_a_child_waiting_and_a_child_with_a_signed_contract(
    seeded: Any,
) -> None:
    from waitlist import selectors

    hansen = Household.objects.get(school__slug="sandefjord", name="Hansen")
    jonas = hansen.pupils.get(first_name="Jonas")
    applications = list(Application.objects.filter(pupil=jonas, status="waiting"))
    assert {a.offer.slug for a in applications} == {"piano", "gitar"}
    positions = selectors.positions(applications, today=TODAY)
    for application in applications:
        position, total = positions[application.pk]
        assert 1 < position <= total
    emma = hansen.pupils.get(first_name="Emma")
    placement = Placement.objects.get(pupil=emma, offer__slug="fiolin")
    assert placement.status in Placement.OCCUPYING  # trial lessons first (§6)
    contract = Contract.objects.get(placement=placement)
    assert contract.signed_by.email == demo.GUARDIAN.email
    assert contract.document.read().startswith(b"%PDF")


def test_sixty_days_of_waiting_list_counts_end_today(seeded: Any) -> None:
    snapshot = apps.get_model("waitlist", "WaitingListSnapshot")
    days = list(
        snapshot.objects.filter(school__slug="sandefjord", offer=None).values_list("day", flat=True)
    )
    assert len(days) == 60
    assert max(days) == TODAY and min(days) == TODAY - dt.timedelta(days=59)


def test_seeding_again_on_the_same_day_keeps_every_row_count(seeded: Any) -> None:
    first = row_counts()
    demo.seed_demo(today=TODAY)
    assert row_counts() == first


# --- The pupil life cycle at Sandefjord (issue 4) ---------------------------------------------


def teacher_groups(term: tuple[int, str] = (2026, "autumn")) -> Any:
    return TeachingGroup.objects.filter(
        teacher__email=demo.TEACHER.email, term__year=term[0], term__season=term[1]
    )


def autumn_2026() -> Term:
    return Term.objects.get(school__slug="sandefjord", year=2026, season="autumn")


def test_the_teachers_groups_hold_the_places_of_their_offers(seeded: Any) -> None:
    for term in demo.TEACHER_TERMS:
        for member in GroupMember.objects.filter(group__in=teacher_groups(term)):
            assert member.placement.offer_id == member.group.offer_id
    autumn = {
        (m.group.name, m.placement.pupil.first_name)
        for m in GroupMember.objects.filter(group__in=teacher_groups())
    }
    assert autumn == {(group, pupil) for group, _household, pupil in demo.GROUP_MEMBERS}
    spring = {
        m.placement.pupil.first_name
        for m in GroupMember.objects.filter(group__in=teacher_groups((2027, "spring")))
    }
    # Mathias gave notice: his place ends with the autumn term.
    assert "Mathias" not in spring and {"Emma", "Aksel", "Nora", "Tobias"} <= spring


def test_lessons_run_through_both_terms_and_skip_the_holidays(seeded: Any) -> None:
    for term in demo.TEACHER_TERMS:
        for group in teacher_groups(term):
            assert group.lessons.count() >= 14, group
            assert set(group.lessons.values_list("starts_at", flat=True)) == {group.starts_at}
    days = set(
        Lesson.objects.filter(group__teacher__email=demo.TEACHER.email).values_list(
            "date", flat=True
        )
    )
    autumn_break = {dt.date(2026, 9, 28) + dt.timedelta(days=n) for n in range(5)}
    winter_break = {dt.date(2027, 2, 22) + dt.timedelta(days=n) for n in range(5)}
    public = {dt.date(2027, 3, 29), dt.date(2027, 5, 6), dt.date(2027, 5, 17)}
    assert not days & (autumn_break | winter_break | public)
    assert SchoolHoliday.objects.filter(school__slug="sandefjord").count() == len(
        demo.SCHOOL_HOLIDAYS
    )


def test_autumn_lessons_before_the_demo_day_have_their_attendance(seeded: Any) -> None:
    cut = demo.LIFECYCLE_AS_OF.date()
    registered = Attendance.objects.filter(lesson__group__teacher__email=demo.TEACHER.email)
    assert registered.exists()
    assert not registered.filter(lesson__date__gte=cut).exists()
    assert not registered.filter(lesson__group__term__year=2027).exists()
    assert not registered.filter(lesson__status=Lesson.Status.CANCELLED).exists()
    present = registered.filter(status=Attendance.Status.PRESENT).count()
    assert present / registered.count() > 0.9
    # Every member of a group is registered at each of its lessons (Nora until her leave).
    for group in teacher_groups():
        past = group.lessons.filter(date__lt=cut, status=Lesson.Status.SCHEDULED)
        for member in group.members.all():
            expected = past
            if member.placement.status == Placement.Status.ON_LEAVE:
                expected = past.filter(date__lt=member.placement.leaves.get().starts_on)
            assert registered.filter(placement=member.placement, lesson__group=group).count() == (
                expected.count()
            )


def test_the_office_flag_list_shows_one_pupil_with_three_unreported_absences_in_a_row(
    seeded: Any,
) -> None:
    from enrollment import rules
    from enrollment.services import lifecycle

    term = autumn_2026()
    flagged = {}
    for placement in Placement.objects.filter(attendance__isnull=False).distinct():
        flags = rules.absence_flags(
            lifecycle.absence_marks(placement, term), consecutive_limit=3, total_limit=4
        )
        if flags.flagged:
            flagged[placement.pupil.first_name] = flags
    assert list(flagged) == ["Aksel"]
    assert flagged["Aksel"].consecutive == (
        dt.date(2026, 11, 4),
        dt.date(2026, 11, 11),
        dt.date(2026, 11, 18),
    )


def test_some_absences_were_reported_by_the_home(seeded: Any) -> None:
    reports = AbsenceReport.objects.filter(pupil__household__school__slug="sandefjord")
    assert set(reports.values_list("via", flat=True)) == {"online", "phone", "note"}
    emma = reports.get(pupil__first_name="Emma", pupil__household__name="Hansen")
    assert emma.via == "online" and emma.reported_by.email == demo.GUARDIAN.email
    assert emma.reported_at.date() < emma.lesson.date
    for report in reports:
        assert Attendance.objects.get(
            lesson=report.lesson, placement__pupil=report.pupil
        ).status == (Attendance.Status.ABSENT)


def test_one_lesson_is_cancelled_and_the_homes_were_told(seeded: Any) -> None:
    cancelled = Lesson.objects.get(status=Lesson.Status.CANCELLED)
    assert (cancelled.group.name, cancelled.date) == demo.CANCELLED_LESSON[:2]
    told = OutboundMessage.objects.filter(template="lesson_cancelled")
    assert told.count() == cancelled.group.members.count()


def test_one_notice_ends_a_violin_place_after_the_autumn_term(seeded: Any) -> None:
    notice = Notice.objects.get()
    assert notice.placement.pupil.first_name == "Mathias"
    assert notice.ends_on == notice.placement.ends_on == dt.date(2026, 12, 11)
    assert notice.placement.end_reason == Placement.EndReason.NOTICE
    assert notice.given_by.email == demo.OFFICE.email


def test_one_approved_leave_with_a_doctors_note(seeded: Any) -> None:
    leave = Leave.objects.get()
    assert leave.status == Leave.Status.APPROVED
    assert leave.placement.status == Placement.Status.ON_LEAVE
    assert leave.placement.pupil.first_name == "Nora"
    assert leave.doctor_note.name.endswith(".pdf")
    assert leave.doctor_note.read().startswith(b"%PDF")


def test_the_performer_track_has_conference_hours_one_booked_and_effort_acknowledged(
    seeded: Any,
) -> None:
    from enrollment.services import lifecycle

    slots = ConferenceSlot.objects.filter(teacher__email=demo.TEACHER.email)
    assert slots.count() == demo.CONFERENCE_COUNT
    booked = slots.get(placement__isnull=False)
    assert booked.placement.offer.department.performer_track
    assert booked.placement.pupil.first_name == "Tobias"
    assert lifecycle.effort_pending(booked.placement) is False
    assert EffortAcknowledgement.objects.get().requirements == (
        booked.placement.offer.effort_requirements.strip()
    )


def test_the_orchestra_and_drama_homes_are_in_the_parent_work_groups(seeded: Any) -> None:
    members = ParentWorkGroupMember.objects.filter(offer__school__slug="sandefjord")
    assert {(m.offer.slug, m.guardian.email) for m in members} == {
        ("strykeorkester", "ingrid.berg@example.org"),
        ("teater", "ingrid.berg@example.org"),
    }
    for placement in Placement.objects.filter(
        offer__school__slug="sandefjord", offer__parent_work_group=True
    ):
        assert placement.work_group_members.exists(), placement


def lifecycle_rows() -> dict[str, list[tuple[Any, ...]]]:
    return {
        "lessons": sorted(Lesson.objects.values_list("group__name", "date", "status", "starts_at")),
        "attendance": sorted(
            Attendance.objects.values_list(
                "lesson__date", "placement__pupil__first_name", "status", "recorded_at"
            )
        ),
        "absence": sorted(
            AbsenceReport.objects.values_list("lesson__date", "pupil__first_name", "via")
        ),
        "notice": list(Notice.objects.values_list("given_at", "ends_on")),
        "leave": list(Leave.objects.values_list("status", "starts_on", "decided_at")),
        "slots": sorted(ConferenceSlot.objects.values_list("starts_at", "placement__pk")),
        "placements": sorted(
            Placement.objects.values_list("pupil__first_name", "offer__slug", "status", "ends_on")
        ),
    }


def test_the_life_cycle_is_the_same_whatever_day_the_demo_is_seeded(db: Any) -> None:
    demo.seed_demo(today=TODAY)
    first = lifecycle_rows()
    demo.seed_demo(today=dt.date(2026, 11, 27))
    assert lifecycle_rows() == first
