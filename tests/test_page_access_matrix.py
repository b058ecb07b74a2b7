"""Every page, for every kind of visitor: who may see it, and what everyone else gets.

The table below lists each page of the project (the login and admin pages are tested in
tests/kulturskole/). A new page fails `test_every_page_is_in_the_matrix` until it is added
here with the roles that may see it. Everyone else must get 403 or 404 (never a 500, never
the page), and anonymous visitors are sent to the login page.

Then the probes: a visitor who guesses the id or address of another household's, school's,
teacher's or region's object gets 404, never the object.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import import_module
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from enrollment.models import (
    Application,
    ConferenceSlot,
    Contract,
    GroupMember,
    Guardian,
    GuardianInvitation,
    Leave,
    Lesson,
    ParentWorkGroupMember,
    Placement,
    SchoolHoliday,
    Termination,
)
from enrollment.services.family import invitation_token
from kulturskole.access import Role
from tests import factories
from tests.conftest import login
from tests.pages import (
    APP_TABLES,
    PUBLIC,
    REGIONAL,
    SCHOOL_ADMINS,
    SIGNED_IN,
    TEACHING,
    Page,
    school_kwargs,
)
from waitlist.models import AdmissionRound, Audition, PlaceOffer

pytestmark = pytest.mark.django_db

# Our own pages; allauth's and the admin's have their own tests in tests/kulturskole/.
OWN_MODULES = ("kulturskole", "enrollment", "waitlist", "billing", "regional")
NOT_PAGES = {
    "family:effort": "a POST-only action; tested in tests/enrollment/test_place_pages.py",
    "family:conference_book": "a POST-only action; tested in tests/enrollment/test_place_pages.py",
    "teaching:attendance": "a POST-only action; tested in tests/enrollment/test_register.py",
    "teaching:note_brought": "a POST-only action; tested in tests/enrollment/test_register.py",
    "teaching:all_present": "a POST-only action; tested in tests/enrollment/test_register.py",
    "applications:application_prefer": "a POST-only action; probed below",
    "applications:audition_request": "a POST-only action; probed below",
    "favicon": "a redirect to the logo, tested below",
    "set_language": "a POST-only form action, tested in tests/kulturskole/test_auth.py",
}


@dataclass
class World:
    """Two schools in two regions, with one person for every role at the first."""

    objects: dict[str, Any]
    users: dict[str, Any]


@pytest.fixture
def world(db: Any) -> World:
    school = factories.SchoolFactory(name="Sandefjord kulturskole", slug="sandefjord")
    elsewhere = factories.SchoolFactory(name="Søndre Land Kulturskole", slug="sondre-land")
    region = factories.RegionFactory(name="Vestfold", slug="vestfold", schools=[school])
    other_region = factories.RegionFactory(
        name="Gjøvikregionen", slug="gjovikregionen", schools=[elsewhere]
    )
    offer = factories.OfferFactory(school=school, slug="fiolin")
    term = factories.TermFactory(school=school)
    household = factories.HouseholdFactory(school=school)
    pupil = factories.PupilFactory(household=household)
    other_household = factories.HouseholdFactory(school=elsewhere)
    # A name no random user name can contain, so the page is searched for this child only.
    other_pupil = factories.PupilFactory(household=other_household, first_name="Hemmeligbarn")
    factories.GuardianFactory(household=other_household)

    def staff(role: str, at: Any, **user: Any) -> Any:
        return factories.StaffRoleFactory(role=role, school=at, user__totp=True, **user)

    guardian = factories.GuardianFactory(household=household).user
    teacher = staff(Role.TEACHER, school).user
    office_role = staff(Role.OFFICE, school)
    users = {
        "anonymous": None,
        "stranger": factories.UserFactory(),
        "guardian": guardian,
        "teacher": teacher,
        "office": office_role.user,
        "principal": staff(Role.PRINCIPAL, school).user,
        "office_elsewhere": staff(Role.OFFICE, elsewhere).user,
        "project_leader": factories.RegionalRoleFactory(
            region=region, role=Role.PROJECT_LEADER, user__totp=True
        ).user,
        "steering_group": factories.RegionalRoleFactory(
            region=region, role=Role.STEERING_GROUP
        ).user,
        "superuser": factories.UserFactory(is_staff=True, is_superuser=True, totp=True),
    }
    objects = {
        "school": school,
        "elsewhere": elsewhere,
        "region": region,
        "other_region": other_region,
        "offer": offer,
        "term": term,
        "household": household,
        "pupil": pupil,
        "other_household": other_household,
        "other_pupil": other_pupil,
        "location": offer.location,
        "department": factories.DepartmentFactory(school=school),
        "office_role": office_role,
        "group": factories.TeachingGroupFactory(offer=offer, term=term, teacher=teacher),
        "other_group": factories.TeachingGroupFactory(offer=offer, term=term),
    }
    objects.update(admission_world(school, term, offer, pupil, guardian, other_pupil))
    objects.update(life_cycle_world(objects, guardian, teacher, users["principal"]))
    for table in APP_TABLES:
        objects.update(import_module(table).world(objects, users))
    return World(objects=objects, users=users)


def life_cycle_world(
    o: dict[str, Any], guardian: Any, teacher: Any, principal: Any
) -> dict[str, Any]:
    """A pupil in the group, today's lesson, a decision letter, leave, a conference hour."""
    now = timezone.now()
    school, group, term, pupil = o["school"], o["group"], o["term"], o["pupil"]
    in_group = factories.PlacementFactory(pupil=pupil, offer=o["offer"], starts_term=term)
    member = GroupMember.objects.create(group=group, placement=in_group)
    lesson = Lesson.objects.create(
        group=group, date=timezone.localdate(), starts_at=group.starts_at, ends_at=group.ends_at
    )
    termination = Termination.objects.create(
        placement=in_group,
        reason=Termination.Reason.INTEREST_DISCIPLINE,
        justification="Begrunnelse.",
        decided_by=principal,
        decided_at=now,
        effective_on=timezone.localdate() + dt.timedelta(days=30),
    )
    termination.letter.save("letter.pdf", ContentFile(b"%PDF-1.7 letter"), save=True)
    away = factories.PlacementFactory(
        pupil=pupil,
        offer=factories.OfferFactory(school=school, slug="sang"),
        starts_term=term,
        status=Placement.Status.ON_LEAVE,
    )
    leave = Leave.objects.create(
        placement=away,
        reason=Leave.Reason.ILLNESS,
        starts_on=timezone.localdate(),
        expected_weeks=6,
        status=Leave.Status.APPROVED,
        applied_by=guardian,
        applied_at=now,
    )
    leave.doctor_note.save("note.pdf", ContentFile(b"%PDF-1.7 note"), save=True)
    performer_offer = factories.OfferFactory(
        school=school,
        slug="utover",
        department=factories.DepartmentFactory(school=school, performer_track=True),
        parent_work_group=True,
    )
    performer = factories.PlacementFactory(pupil=pupil, offer=performer_offer, starts_term=term)
    slot = ConferenceSlot.objects.create(
        teacher=teacher,
        school=school,
        starts_at=now + dt.timedelta(days=3),
        ends_at=now + dt.timedelta(days=3, minutes=20),
        placement=performer,
        booked_by=guardian,
        booked_at=now,
    )
    ParentWorkGroupMember.objects.create(
        offer=performer_offer,
        guardian=Guardian.objects.get(household=pupil.household, user=guardian),
        placement=performer,
        joined_at=now,
    )
    return {
        "in_group": in_group,
        "member": member,
        "lesson": lesson,
        "termination": termination,
        "leave": leave,
        "away": away,
        "performer": performer,
        "performer_offer": performer_offer,
        "slot": slot,
        "free_slot": ConferenceSlot.objects.create(
            teacher=teacher,
            school=school,
            starts_at=now + dt.timedelta(days=4),
            ends_at=now + dt.timedelta(days=4, minutes=20),
        ),
        "holiday": SchoolHoliday.objects.create(
            school=school,
            name="Høstferie",
            starts_on=dt.date(2026, 10, 5),
            ends_on=dt.date(2026, 10, 9),
        ),
        "other_lesson": Lesson.objects.create(
            group=o["other_group"],
            date=timezone.localdate(),
            starts_at=o["other_group"].starts_at,
            ends_at=o["other_group"].ends_at,
        ),
        "other_placement": factories.PlacementFactory(pupil=o["other_pupil"]),
        "notice_placement": factories.PlacementFactory(
            pupil=pupil,
            offer=factories.OfferFactory(school=school, slug="gitar"),
            starts_term=term,
        ),
    }


def admission_world(
    school: Any, term: Any, offer: Any, pupil: Any, guardian: Any, other_pupil: Any
) -> dict[str, Any]:
    """Applications, a place offer, a signed contract and the rest of the admission records."""
    now = timezone.now()
    cello = factories.OfferFactory(school=school, slug="cello")
    piano = factories.OfferFactory(school=school, slug="piano")
    application = factories.ApplicationFactory(pupil=pupil, offer=offer)
    offered = factories.ApplicationFactory(
        pupil=pupil, offer=cello, status=Application.Status.OFFERED, preference=2
    )
    place_offer = PlaceOffer.objects.create(
        application=offered,
        offer=cello,
        pupil=pupil,
        term=term,
        offered_at=now,
        reply_by=now + dt.timedelta(days=14),
    )
    placement = factories.PlacementFactory(pupil=pupil, offer=piano, starts_term=term)
    contract = Contract(
        placement=placement,
        guardian=Guardian.objects.get(household=pupil.household, user=guardian),
        signed_by=guardian,
        signed_at=now,
        signed_from_ip="127.0.0.1",
        rule_book_version="2013-03-20",
        sha256="0" * 64,
    )
    contract.document.save("contract.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    contract.save()
    elsewhere_offer = other_offer(other_pupil)
    other_application = factories.ApplicationFactory(pupil=other_pupil, offer=elsewhere_offer)
    other_offered = factories.ApplicationFactory(
        pupil=other_pupil,
        offer=factories.OfferFactory(school=elsewhere_offer.school),
        status=Application.Status.OFFERED,
    )
    other_place_offer = PlaceOffer.objects.create(
        application=other_offered,
        offer=other_offered.offer,
        pupil=other_pupil,
        term=factories.TermFactory(school=elsewhere_offer.school),
        offered_at=now,
        reply_by=now + dt.timedelta(days=14),
    )
    invitation = GuardianInvitation.objects.create(
        household=pupil.household,
        email="second@example.org",
        first_name="Andre",
        last_name="Foresatt",
        invited_by=guardian,
    )
    return {
        "application": application,
        "other_application": other_application,
        "other_place_offer": other_place_offer,
        "elsewhere_offer": elsewhere_offer,
        "place_offer": place_offer,
        "placement": placement,
        "contract": contract,
        "audition": Audition.objects.create(pupil=pupil, offer=offer, requested_at=now),
        "round": AdmissionRound.objects.create(
            school=school, term=term, kind="main", seed=1, run_at=now
        ),
        "fee_schedule": factories.FeeScheduleFactory(school=school, school_year=2026),
        "invitation": invitation,
        "invitation_token": invitation_token(invitation),
    }


def other_offer(pupil: Any) -> Any:
    return factories.OfferFactory(school=pupil.household.school, slug="annen")


def register_status(who: str) -> int:
    # Someone who already has a household is sent on to it.
    return 302 if who == "guardian" else 200


PAGES: dict[str, Page] = {
    "home": Page(lambda o: {}, tuple(PUBLIC)),
    "healthz": Page(lambda o: {}, tuple(PUBLIC)),
    "dashboard": Page(lambda o: {}, tuple(SIGNED_IN)),
    "public:school": Page(lambda o: {"school": o["school"].slug}, tuple(PUBLIC)),
    "public:catalogue_pdf": Page(lambda o: {"school": o["school"].slug}, tuple(PUBLIC)),
    "public:offer": Page(
        lambda o: {"school": o["school"].slug, "offer": o["offer"].slug}, tuple(PUBLIC)
    ),
    "family:home": Page(lambda o: {}, ("guardian",)),
    "family:register": Page(lambda o: {}, tuple(SIGNED_IN), ok=register_status),
    "family:household_edit": Page(lambda o: {"pk": o["household"].pk}, ("guardian",)),
    "family:pupil_add": Page(lambda o: {}, ("guardian",)),
    "family:pupil": Page(lambda o: {"pk": o["pupil"].pk}, ("guardian",)),
    "family:pupil_edit": Page(lambda o: {"pk": o["pupil"].pk}, ("guardian",)),
    "office:home": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "office:pupils": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "office:pupils_csv": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "office:pupil": Page(school_kwargs(pk="pupil"), tuple(SCHOOL_ADMINS)),
    "office:household": Page(school_kwargs(pk="household"), tuple(SCHOOL_ADMINS)),
    "office:offers": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "office:offer_create": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "office:offer_edit": Page(school_kwargs(pk="offer"), tuple(SCHOOL_ADMINS)),
    "office:terms": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "office:term_create": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "office:term_edit": Page(school_kwargs(pk="term"), tuple(SCHOOL_ADMINS)),
    "office:profile": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "office:profile_edit": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "office:locations": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "office:location_create": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "office:location_edit": Page(school_kwargs(pk="location"), tuple(SCHOOL_ADMINS)),
    "office:departments": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "office:department_create": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "office:department_edit": Page(school_kwargs(pk="department"), tuple(SCHOOL_ADMINS)),
    "office:policy": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "office:policy_edit": Page(school_kwargs(), ("principal", "superuser")),
    "office:staff": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "office:staff_add": Page(school_kwargs(), ("principal", "superuser")),
    "office:staff_remove": Page(school_kwargs(pk="office_role"), ("principal", "superuser")),
    "teaching:groups": Page(lambda o: {}, ("teacher",)),
    "teaching:group": Page(lambda o: {"pk": o["group"].pk}, ("teacher",)),
    # Guardians: applications, place offers, contracts (issue 3).
    "applications:home": Page(lambda o: {}, ("guardian",)),
    "applications:positions": Page(lambda o: {}, ("guardian",)),
    "applications:new": Page(lambda o: {}, ("guardian",)),
    "applications:application_withdraw": Page(lambda o: {"pk": o["application"].pk}, ("guardian",)),
    "applications:switch": Page(lambda o: {"pk": o["placement"].pk}, ("guardian",)),
    "applications:place_offer": Page(lambda o: {"pk": o["place_offer"].pk}, ("guardian",)),
    "applications:place_offer_decline": Page(lambda o: {"pk": o["place_offer"].pk}, ("guardian",)),
    "applications:place_offer_preview": Page(lambda o: {"pk": o["place_offer"].pk}, ("guardian",)),
    "applications:contract": Page(lambda o: {"pk": o["contract"].pk}, ("guardian",)),
    "applications:contract_pdf": Page(lambda o: {"pk": o["contract"].pk}, ("guardian",)),
    "family:invite": Page(lambda o: {"pk": o["household"].pk}, ("guardian",)),
    "family:invitation_cancel": Page(lambda o: {"pk": o["invitation"].pk}, ("guardian",)),
    # The link in the e-mail: anyone holding it may open it, and must sign in to accept.
    "family:invitation_accept": Page(lambda o: {"token": o["invitation_token"]}, tuple(PUBLIC)),
    "vacancies:list": Page(lambda o: {"school": o["school"].slug}, tuple(PUBLIC)),
    # Office and principal: admission, statistics, fees.
    "admission:home": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "admission:waiting_list": Page(school_kwargs(pk="offer"), tuple(SCHOOL_ADMINS)),
    "admission:waiting_list_csv": Page(school_kwargs(pk="offer"), tuple(SCHOOL_ADMINS)),
    "admission:waiting_list_xlsx": Page(school_kwargs(pk="offer"), tuple(SCHOOL_ADMINS)),
    "admission:continuous": Page(school_kwargs(pk="offer"), tuple(SCHOOL_ADMINS)),
    "admission:apply": Page(school_kwargs(pk="offer"), tuple(SCHOOL_ADMINS)),
    "admission:main": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    # Running needs a term and seed from the preview; without them it goes back there.
    "admission:main_run": Page(school_kwargs(), tuple(SCHOOL_ADMINS), ok=lambda who: 302),
    "admission:round": Page(school_kwargs(pk="round"), tuple(SCHOOL_ADMINS)),
    "admission:auditions": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "admission:audition_schedule": Page(school_kwargs(pk="audition"), tuple(SCHOOL_ADMINS)),
    "admission:audition_result": Page(school_kwargs(pk="audition"), tuple(SCHOOL_ADMINS)),
    "admission:place_offers": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "statistics:waiting": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "statistics:chart": Page(
        lambda o: {"school": o["school"].slug, "chart": "offers", "fmt": "svg"},
        tuple(SCHOOL_ADMINS),
    ),
    "statistics:csv": Page(
        lambda o: {"school": o["school"].slug, "table": "offers"}, tuple(SCHOOL_ADMINS)
    ),
    "fees:schedules": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "fees:schedule_create": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "fees:schedule_edit": Page(school_kwargs(pk="fee_schedule"), tuple(SCHOOL_ADMINS)),
    # Issue 4: teaching, lessons and the pupil life cycle.
    "teaching:today": Page(lambda o: {}, ("teacher",)),
    "teaching:lesson": Page(lambda o: {"pk": o["lesson"].pk}, TEACHING),
    "teaching:absence_report": Page(
        lambda o: {"pk": o["lesson"].pk, "placement": o["in_group"].pk}, TEACHING
    ),
    "teaching:lesson_cancel": Page(lambda o: {"pk": o["lesson"].pk}, TEACHING),
    "teaching:lesson_change": Page(lambda o: {"pk": o["lesson"].pk}, TEACHING),
    "teaching:effort": Page(
        lambda o: {"pk": o["group"].pk, "placement": o["in_group"].pk}, ("teacher",)
    ),
    "teaching:conferences": Page(lambda o: {}, ("teacher",)),
    "teaching:conference_publish": Page(lambda o: {}, ("teacher",)),
    "teaching:conference_delete": Page(lambda o: {"pk": o["free_slot"].pk}, ("teacher",)),
    "family:lessons": Page(lambda o: {}, ("guardian",)),
    "family:place": Page(lambda o: {"pk": o["in_group"].pk}, ("guardian",)),
    "family:trial_withdraw": Page(lambda o: {"pk": o["in_group"].pk}, ("guardian",)),
    "family:notice": Page(lambda o: {"pk": o["notice_placement"].pk}, ("guardian",)),
    "family:leave": Page(lambda o: {"pk": o["notice_placement"].pk}, ("guardian",)),
    "family:leave_return": Page(lambda o: {"pk": o["away"].pk}, ("guardian",)),
    "family:conference_cancel": Page(
        lambda o: {"pk": o["performer"].pk, "slot": o["slot"].pk}, ("guardian",)
    ),
    "family:letter_pdf": Page(lambda o: {"pk": o["termination"].pk}, ("guardian",)),
    "office:groups": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "office:group_create": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "office:group": Page(school_kwargs(pk="group"), tuple(SCHOOL_ADMINS)),
    "office:group_edit": Page(school_kwargs(pk="group"), tuple(SCHOOL_ADMINS)),
    "office:group_member_add": Page(
        school_kwargs(pk="group"), tuple(SCHOOL_ADMINS), ok=lambda who: 302
    ),
    "office:group_member_remove": Page(
        lambda o: {"school": o["school"].slug, "pk": o["group"].pk, "member": o["member"].pk},
        tuple(SCHOOL_ADMINS),
    ),
    "office:lessons_generate": Page(school_kwargs(pk="group"), tuple(SCHOOL_ADMINS)),
    "office:holidays": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "office:holiday_create": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "office:holiday_edit": Page(school_kwargs(pk="holiday"), tuple(SCHOOL_ADMINS)),
    "office:holiday_delete": Page(school_kwargs(pk="holiday"), tuple(SCHOOL_ADMINS)),
    "office:absence_flags": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "office:absence_report": Page(school_kwargs(pk="pupil"), tuple(SCHOOL_ADMINS)),
    "office:termination_new": Page(school_kwargs(pk="pupil"), tuple(SCHOOL_ADMINS)),
    "office:termination_decide": Page(
        school_kwargs(pk="pupil"), tuple(SCHOOL_ADMINS), ok=lambda who: 302
    ),
    "office:terminations": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "office:termination": Page(school_kwargs(pk="termination"), tuple(SCHOOL_ADMINS)),
    "office:termination_letter": Page(school_kwargs(pk="termination"), tuple(SCHOOL_ADMINS)),
    "office:termination_appeal_register": Page(
        school_kwargs(pk="termination"), tuple(SCHOOL_ADMINS)
    ),
    "office:termination_appeal_resolve": Page(
        school_kwargs(pk="termination"), tuple(SCHOOL_ADMINS)
    ),
    "office:leaves": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "office:leave": Page(school_kwargs(pk="leave"), tuple(SCHOOL_ADMINS)),
    "office:leave_note": Page(school_kwargs(pk="leave"), tuple(SCHOOL_ADMINS)),
    "office:leave_decide": Page(
        school_kwargs(pk="leave"), tuple(SCHOOL_ADMINS), ok=lambda who: 302
    ),
    "office:leave_return": Page(
        school_kwargs(pk="leave"), tuple(SCHOOL_ADMINS), ok=lambda who: 302
    ),
    "office:notices": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "office:places_ending": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "office:work_groups": Page(school_kwargs(), tuple(SCHOOL_ADMINS)),
    "office:work_group": Page(school_kwargs(pk="performer_offer"), tuple(SCHOOL_ADMINS)),
    "office:work_group_csv": Page(school_kwargs(pk="performer_offer"), tuple(SCHOOL_ADMINS)),
    "regional:home": Page(lambda o: {"region": o["region"].slug}, REGIONAL),
}
for _table in APP_TABLES:
    PAGES.update(import_module(_table).PAGES)
    NOT_PAGES.update(import_module(_table).NOT_PAGES)


def own_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or ""
                walk(
                    pattern.url_patterns, f"{namespace}:{inner}".strip(":") if inner else namespace
                )
            elif (
                isinstance(pattern, URLPattern)
                and pattern.name
                and pattern.lookup_str.startswith(OWN_MODULES)
            ):
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_page_is_in_the_matrix():
    missing = own_url_names() - PAGES.keys() - NOT_PAGES.keys()
    assert not missing, f"add these pages to PAGES with the roles that may see them: {missing}"


def visit(world: World, who: str, name: str) -> Any:
    page = PAGES[name]
    client = Client()
    # English, so texts in assertions do not depend on the translations.
    client.cookies["django_language"] = "en"
    if world.users[who] is not None:
        login(client, world.users[who])
    return client.get(reverse(name, kwargs=page.kwargs(world.objects)))


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_answers_each_visitor_as_their_role_allows(world, name):
    page = PAGES[name]
    outcomes = {}
    for who in PUBLIC:
        response = visit(world, who, name)
        if who in page.allowed:
            expected: tuple[int, ...] = (page.ok(who),)
        elif who == "anonymous":
            expected = (302,)
            assert "/accounts/login/" in response["Location"], name
        else:
            expected = (403, 404)
        outcomes[who] = (response.status_code, expected)
    wrong = {who: got for who, (got, expected) in outcomes.items() if got not in expected}
    assert not wrong, f"{name}: unexpected statuses {wrong} (expected {outcomes})"


PROBES = [
    # (who, url name, kwargs from objects) — each must be a 404.
    ("guardian", "family:pupil", lambda o: {"pk": o["other_pupil"].pk}),
    ("guardian", "family:pupil_edit", lambda o: {"pk": o["other_pupil"].pk}),
    ("guardian", "family:household_edit", lambda o: {"pk": o["other_household"].pk}),
    ("office", "office:home", lambda o: {"school": o["elsewhere"].slug}),
    ("office", "office:pupils", lambda o: {"school": o["elsewhere"].slug}),
    (
        "office",
        "office:pupil",
        lambda o: {"school": o["school"].slug, "pk": o["other_pupil"].pk},
    ),
    (
        "office",
        "office:household",
        lambda o: {"school": o["school"].slug, "pk": o["other_household"].pk},
    ),
    ("principal", "office:policy_edit", lambda o: {"school": o["elsewhere"].slug}),
    ("office_elsewhere", "office:pupil", lambda o: {"school": o["school"].slug, "pk": 1}),
    ("teacher", "teaching:group", lambda o: {"pk": o["other_group"].pk}),
    ("project_leader", "regional:home", lambda o: {"region": o["other_region"].slug}),
    ("guardian", "applications:place_offer", lambda o: {"pk": o["other_place_offer"].pk}),
    ("guardian", "applications:place_offer_preview", lambda o: {"pk": o["other_place_offer"].pk}),
    ("guardian", "applications:place_offer_decline", lambda o: {"pk": o["other_place_offer"].pk}),
    (
        "office",
        "admission:waiting_list",
        lambda o: {"school": o["school"].slug, "pk": o["elsewhere_offer"].pk},
    ),
    ("office", "admission:home", lambda o: {"school": o["elsewhere"].slug}),
    ("office", "statistics:waiting", lambda o: {"school": o["elsewhere"].slug}),
    ("office", "fees:schedules", lambda o: {"school": o["elsewhere"].slug}),
    ("teacher", "teaching:lesson", lambda o: {"pk": o["other_lesson"].pk}),
    ("teacher", "teaching:lesson_cancel", lambda o: {"pk": o["other_lesson"].pk}),
    ("guardian", "family:place", lambda o: {"pk": o["other_placement"].pk}),
    ("guardian", "family:notice", lambda o: {"pk": o["other_placement"].pk}),
    (
        "office_elsewhere",
        "office:termination_letter",
        lambda o: {"school": o["elsewhere"].slug, "pk": o["termination"].pk},
    ),
    (
        "office_elsewhere",
        "office:leave_note",
        lambda o: {"school": o["elsewhere"].slug, "pk": o["leave"].pk},
    ),
    ("steering_group", "regional:home", lambda o: {"region": o["other_region"].slug}),
]
for _table in APP_TABLES:
    PROBES.extend(import_module(_table).PROBES)


@pytest.mark.parametrize(
    ("who", "name", "kwargs"), PROBES, ids=[f"{who}-{name}" for who, name, _ in PROBES]
)
def test_guessing_another_scopes_object_is_not_found(world, who, name, kwargs):
    client = login(Client(), world.users[who])
    response = client.get(reverse(name, kwargs=kwargs(world.objects)))
    assert response.status_code == 404
    other = world.objects["other_pupil"]
    assert other.first_name not in response.content.decode()


POST_PROBES = [
    ("applications:application_prefer", "other_application"),
    ("applications:audition_request", "other_application"),
    ("applications:application_withdraw", "other_application"),
]


@pytest.mark.parametrize(("name", "target"), POST_PROBES, ids=[n for n, _ in POST_PROBES])
def test_a_guardian_acting_on_another_households_application_gets_404(world, name, target):
    client = login(Client(), world.users["guardian"])
    application = world.objects[target]
    response = client.post(reverse(name, kwargs={"pk": application.pk}))
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == Application.Status.WAITING


@pytest.mark.parametrize("pk", ["0", "99999999999999999999", "-1"])
def test_impossible_ids_are_not_found(world, pk):
    client = login(Client(), world.users["guardian"])
    response = client.get(f"/family/children/{pk}/")
    assert response.status_code == 404


def test_favicon_redirects_to_the_logo_for_everyone(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/logo.svg")
