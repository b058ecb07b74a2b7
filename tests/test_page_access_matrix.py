"""Every page, for every kind of visitor: who may see it, and what everyone else gets.

The table below lists each page of the project (the login and admin pages are tested in
tests/kulturskole/). A new page fails `test_every_page_is_in_the_matrix` until it is added
here with the roles that may see it. Everyone else must get 403 or 404 (never a 500, never
the page), and anonymous visitors are sent to the login page.

Then the probes: a visitor who guesses the id or address of another household's, school's,
teacher's or region's object gets 404, never the object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kulturskole.access import Role
from tests import factories
from tests.conftest import login

pytestmark = pytest.mark.django_db

SIGNED_IN = [
    "stranger",
    "guardian",
    "teacher",
    "office",
    "principal",
    "office_elsewhere",
    "project_leader",
    "steering_group",
    "superuser",
]
PUBLIC = ["anonymous", *SIGNED_IN]
SCHOOL_ADMINS = ["office", "principal", "superuser"]
# Our own pages; allauth's and the admin's have their own tests in tests/kulturskole/.
OWN_MODULES = ("kulturskole", "enrollment", "waitlist", "billing", "regional")
NOT_PAGES = {
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
    return World(objects=objects, users=users)


@dataclass(frozen=True)
class Page:
    kwargs: Callable[[dict[str, Any]], dict[str, Any]]
    allowed: tuple[str, ...]
    # Status for an allowed visitor; a few pages redirect some of them onwards.
    ok: Callable[[str], int] = lambda who: 200


def school_kwargs(**extra: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda o: {"school": o["school"].slug, **{k: o[v].pk for k, v in extra.items()}}


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
    "regional:home": Page(
        lambda o: {"region": o["region"].slug}, ("project_leader", "steering_group", "superuser")
    ),
}


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
    ("steering_group", "regional:home", lambda o: {"region": o["other_region"].slug}),
]


@pytest.mark.parametrize(
    ("who", "name", "kwargs"), PROBES, ids=[f"{who}-{name}" for who, name, _ in PROBES]
)
def test_guessing_another_scopes_object_is_not_found(world, who, name, kwargs):
    client = login(Client(), world.users[who])
    response = client.get(reverse(name, kwargs=kwargs(world.objects)))
    assert response.status_code == 404
    other = world.objects["other_pupil"]
    assert other.first_name not in response.content.decode()


@pytest.mark.parametrize("pk", ["0", "99999999999999999999", "-1"])
def test_impossible_ids_are_not_found(world, pk):
    client = login(Client(), world.users["guardian"])
    response = client.get(f"/family/children/{pk}/")
    assert response.status_code == 404


def test_favicon_redirects_to_the_logo_for_everyone(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/logo.svg")
