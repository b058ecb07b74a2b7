"""The office's admission pages: who may see them, waiting lists with reasons, main admission
(preview and run), continuous admission, applications on behalf of a family, auditions and
place offers."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from enrollment.models import Application, Household, Offer, Pupil, Term
from kulturskole.access import Role
from kulturskole.models import AuditEvent
from tests import factories
from tests.conftest import login
from waitlist import selectors, services
from waitlist.models import AdmissionRound, Audition, PlaceOffer

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
# Spring 2026, before the 1 May deadline for the autumn intake.
MARCH = dt.datetime(2026, 3, 2, 10, 0, tzinfo=OSLO)


@pytest.fixture(autouse=True)
def _english(client: Client, settings: Any) -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"), time_machine.travel(MARCH, tick=False):
        yield


@pytest.fixture
def spring(school: Any) -> Term:
    return factories.TermFactory(school=school, year=2026, season=Term.Season.SPRING)


@pytest.fixture
def autumn(school: Any) -> Term:
    return factories.TermFactory(school=school, year=2026, season=Term.Season.AUTUMN)


@pytest.fixture
def fees(school: Any) -> Any:
    """Fees for both school years: 2025/26 (the spring term now) and 2026/27 (autumn)."""
    factories.FeeScheduleFactory(school=school, school_year=2025)
    return factories.FeeScheduleFactory(school=school, school_year=2026)


@pytest.fixture
def violin(school: Any) -> Offer:
    return factories.OfferFactory(school=school, name="Fiolin", slug="fiolin", capacity=2)


@pytest.fixture
def office(client: Client, office_user: Any) -> Client:
    return login(client, office_user)


def url(name: str, school: Any, **kwargs: Any) -> str:
    return reverse(name, kwargs={"school": school.slug, **kwargs})


def text(response: Any) -> str:
    return response.content.decode()


def child(school: Any, name: str, born: dt.date = dt.date(2016, 3, 14)) -> Pupil:
    household = factories.HouseholdFactory(school=school, name=f"Familie {name}")
    return factories.PupilFactory(
        household=household, first_name=name, last_name=f"Familie {name}", birth_date=born
    )


def waiting(offer: Offer, name: str, seniority: dt.date, **kwargs: Any) -> Application:
    return factories.ApplicationFactory(
        pupil=child(offer.school, name),
        offer=offer,
        seniority_date=seniority,
        submitted_at=dt.datetime.combine(seniority, dt.time(12), tzinfo=OSLO),
        **kwargs,
    )


# --- Who may see the pages --------------------------------------------------------------------


@pytest.fixture
def world(school: Any, spring: Any, autumn: Any, violin: Offer, office_user: Any) -> dict:
    application = waiting(violin, "Ola", dt.date(2025, 9, 1), audition_requested_at=MARCH)
    audition = Audition.objects.create(
        pupil=application.pupil, offer=violin, application=application, requested_at=MARCH
    )
    round_ = AdmissionRound.objects.create(
        school=school, term=autumn, kind="main", seed=7, run_at=MARCH, decisions=[]
    )
    return {"offer": violin, "audition": audition, "round": round_, "term": autumn}


def pages(world: dict) -> list[tuple[str, dict]]:
    return [
        ("admission:home", {}),
        ("admission:waiting_list", {"pk": world["offer"].pk}),
        ("admission:waiting_list_csv", {"pk": world["offer"].pk}),
        ("admission:waiting_list_xlsx", {"pk": world["offer"].pk}),
        ("admission:continuous", {"pk": world["offer"].pk}),
        ("admission:apply", {"pk": world["offer"].pk}),
        ("admission:main", {}),
        ("admission:round", {"pk": world["round"].pk}),
        ("admission:auditions", {}),
        ("admission:audition_schedule", {"pk": world["audition"].pk}),
        ("admission:audition_result", {"pk": world["audition"].pk}),
        ("admission:place_offers", {}),
    ]


PAGE_COUNT = 12


@pytest.mark.parametrize("index", range(PAGE_COUNT))
@pytest.mark.parametrize("who", ["office_user", "principal_user", "superuser"])
def test_office_principal_and_superuser_open_every_admission_page(
    client: Client, world: dict, school: Any, request: Any, who: str, index: int
) -> None:
    login(client, request.getfixturevalue(who))
    name, kwargs = pages(world)[index]
    assert client.get(url(name, school, **kwargs)).status_code == 200


def test_the_run_confirmation_opens_for_a_previewed_term(
    office: Client, world: dict, school: Any
) -> None:
    path = url("admission:main_run", school) + f"?term={world['term'].pk}&seed=3"
    assert office.get(path).status_code == 200


@pytest.mark.parametrize("index", range(PAGE_COUNT))
def test_another_schools_office_does_not_find_the_pages(
    client: Client, world: dict, school: Any, other_school: Any, index: int
) -> None:
    elsewhere = factories.StaffRoleFactory(
        school=other_school, role=Role.OFFICE, user__totp=True
    ).user
    login(client, elsewhere)
    name, kwargs = pages(world)[index]
    assert client.get(url(name, school, **kwargs)).status_code == 404


@pytest.mark.parametrize("index", range(PAGE_COUNT))
@pytest.mark.parametrize("who", ["guardian_user", "teacher_user", "stranger"])
def test_guardians_teachers_and_strangers_are_refused(
    client: Client, world: dict, school: Any, request: Any, who: str, index: int
) -> None:
    login(client, request.getfixturevalue(who))
    name, kwargs = pages(world)[index]
    assert client.get(url(name, school, **kwargs)).status_code in (403, 404)


@pytest.mark.parametrize("index", range(PAGE_COUNT))
def test_anonymous_visitors_are_sent_to_sign_in(
    client: Client, world: dict, school: Any, index: int
) -> None:
    name, kwargs = pages(world)[index]
    response = client.get(url(name, school, **kwargs))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_another_schools_offer_audition_and_round_are_not_found_under_this_school(
    office: Client, school: Any, other_school: Any
) -> None:
    autumn = factories.TermFactory(school=other_school)
    offer = factories.OfferFactory(school=other_school)
    application = waiting(offer, "Kari", dt.date(2025, 9, 1))
    audition = Audition.objects.create(
        pupil=application.pupil, offer=offer, application=application, requested_at=MARCH
    )
    round_ = AdmissionRound.objects.create(
        school=other_school, term=autumn, kind="main", seed=7, run_at=MARCH
    )
    for name, pk in [
        ("admission:waiting_list", offer.pk),
        ("admission:waiting_list_xlsx", offer.pk),
        ("admission:apply", offer.pk),
        ("admission:continuous", offer.pk),
        ("admission:round", round_.pk),
        ("admission:audition_schedule", audition.pk),
        ("admission:audition_result", audition.pk),
    ]:
        assert office.get(url(name, school, pk=pk)).status_code == 404, name
    assert office.post(url("admission:continuous", school, pk=offer.pk)).status_code == 404
    assert (
        office.post(
            url("admission:audition_result", school, pk=audition.pk),
            {"result": "passed", "score": 9},
        ).status_code
        == 404
    )
    audition.refresh_from_db()
    assert audition.result == Audition.Result.PENDING


def test_the_office_menu_has_an_admission_tab_and_the_overview_a_card(
    office: Client, school: Any
) -> None:
    page = text(office.get(url("office:home", school)))
    assert page.count(url("admission:home", school)) == 2  # the tab and the card


# --- 1. Overview ------------------------------------------------------------------------------


def test_the_overview_counts_places_offers_and_children_waiting_per_offer(
    office: Client, school: Any, spring: Any, autumn: Any, violin: Offer
) -> None:
    factories.PlacementFactory(pupil=child(school, "Har"), offer=violin, starts_term=spring)
    waiting(violin, "Ola", dt.date(2025, 9, 1))
    switcher = child(school, "Bytter")
    cello = factories.OfferFactory(school=school, name="Cello", capacity=3)
    old = factories.PlacementFactory(pupil=switcher, offer=cello, starts_term=spring)
    factories.ApplicationFactory(
        pupil=switcher, offer=violin, kind=Application.Kind.SWITCH, switch_from=old
    )

    response = office.get(url("admission:home", school))

    row = next(r for r in response.context["rows"] if r["offer"] == violin)
    assert (row["occupied"], row["pending"], row["free"]) == (1, 0, 1)
    # §5d: the pupil who only wants to switch is an application but not a child waiting.
    assert (row["applications"], row["children"]) == (2, 1)
    assert response.context["term"] == spring
    assert response.context["children_waiting"] == 1
    page = text(response)
    assert url("admission:waiting_list", school, pk=violin.pk) in page
    assert "No admission has been run yet." in page


def test_the_overview_lists_the_latest_rounds(
    office: Client, school: Any, autumn: Any, office_user: Any
) -> None:
    round_ = AdmissionRound.objects.create(
        school=school, term=autumn, kind="main", seed=7, run_at=MARCH, run_by=office_user
    )
    page = text(office.get(url("admission:home", school)))
    assert url("admission:round", school, pk=round_.pk) in page


# --- 2. Waiting list --------------------------------------------------------------------------


# After the spring term: places offered now start in the autumn, for which 1 May was the deadline.
JUNE = dt.datetime(2026, 6, 25, 10, 0, tzinfo=OSLO)


def late_application(offer: Offer, name: str, seniority: dt.date) -> Application:
    application = waiting(offer, name, seniority)
    application.submitted_at = dt.datetime(2026, 5, 15, 12, tzinfo=OSLO)  # after 1 May
    application.save()
    return application


@time_machine.travel(JUNE, tick=False)
def test_the_waiting_list_is_the_ranking_guardians_see_with_the_reason_for_each_rank(
    client: Client, office_user: Any, school: Any, spring: Any, autumn: Any
) -> None:
    office = login(client, office_user)  # now, in June: a session from March has expired
    offer = factories.OfferFactory(school=school, name="Piano", capacity=1, audition_available=True)
    first = waiting(offer, "Tidlig", dt.date(2025, 1, 10))
    late = late_application(offer, "Sen", dt.date(2025, 1, 1))
    holder = waiting(offer, "Harplass", dt.date(2024, 1, 1))
    factories.PlacementFactory(
        pupil=holder.pupil,
        offer=factories.OfferFactory(school=school, name="Gitar"),
        starts_term=spring,
    )
    passed = waiting(offer, "Prøvespill", dt.date(2025, 8, 1))
    Audition.objects.create(
        pupil=passed.pupil, offer=offer, requested_at=MARCH, result="passed", score=8
    )
    returning = waiting(offer, "Permisjon", dt.date(2025, 9, 1), kind=Application.Kind.RETURN)

    response = office.get(url("admission:waiting_list", school, pk=offer.pk))

    assert response.context["term"] == autumn
    rows = response.context["rows"]
    order = [row.application for row in rows]
    assert order == [returning, passed, first, holder, late]
    # The same positions as the guardians' page shows.
    positions = selectors.positions(order, today=JUNE.date())
    assert [row.position for row in rows] == [positions[a.pk][0] for a in order]
    why = {row.application: " ".join(row.why) for row in rows}
    assert "Returning from leave (§14a)" in why[returning]
    assert "Passed audition with score 8 (§4c)" in why[passed]
    assert "Seniority from" in why[first]
    assert "Has a place already (§4e)" in why[holder]
    assert "Late application (§3a)" in why[late]
    page = text(response)
    assert "Late application (§3a)" in page
    assert url("office:pupil", school, pk=first.pupil_id) in page


def test_s4d_applicants_without_a_passed_audition_have_no_position(
    office: Client, school: Any, spring: Any
) -> None:
    offer = factories.OfferFactory(school=school, audition_required=True)
    application = waiting(offer, "Uten", dt.date(2025, 1, 1))
    Audition.objects.create(pupil=application.pupil, offer=offer, requested_at=MARCH)

    response = office.get(url("admission:waiting_list", school, pk=offer.pk))

    (row,) = response.context["rows"]
    assert row.position is None
    assert "Needs a passed audition (§4d): audition requested, not held yet" in row.why


def test_s11_a_switch_and_s4a_an_age_exception_are_named(
    office: Client, school: Any, spring: Any, violin: Offer
) -> None:
    switcher = waiting(violin, "Bytter", dt.date(2025, 1, 1), kind=Application.Kind.SWITCH)
    exception = waiting(
        violin, "Unntak", dt.date(2025, 1, 2), age_exception_reason="Har spilt i tre år"
    )
    response = office.get(url("admission:waiting_list", school, pk=violin.pk))
    why = {row.application: " ".join(row.why) for row in response.context["rows"]}
    assert "Switch request from a current place (§11)" in why[switcher]
    assert "Age exception (§4a): Har spilt i tre år" in why[exception]


def test_a_tie_on_the_seniority_date_is_explained_by_the_submission_time(
    office: Client, school: Any, spring: Any, violin: Offer
) -> None:
    morning = waiting(violin, "Morgen", dt.date(2025, 3, 3))
    evening = waiting(violin, "Kveld", dt.date(2025, 3, 3))
    evening.submitted_at = dt.datetime(2025, 3, 3, 20, tzinfo=OSLO)
    evening.save()
    alone = waiting(violin, "Alene", dt.date(2025, 4, 4))

    rows = office.get(url("admission:waiting_list", school, pk=violin.pk)).context["rows"]

    assert [r.application for r in rows] == [morning, evening, alone]
    note = "Same seniority date as a neighbour: the earlier submission goes first"
    assert note in rows[0].why and note in rows[1].why
    assert note not in rows[2].why


@time_machine.travel(JUNE, tick=False)
def test_the_filters_narrow_the_list_and_keep_the_positions(
    client: Client, office_user: Any, school: Any, spring: Any, autumn: Any, violin: Offer
) -> None:
    office = login(client, office_user)
    waiting(violin, "Tidlig", dt.date(2025, 1, 1))
    late = late_application(violin, "Sen", dt.date(2025, 1, 2))

    response = office.get(url("admission:waiting_list", school, pk=violin.pk) + "?late=on")

    assert [(r.application, r.position) for r in response.context["rows"]] == [(late, 2)]
    assert "Clear" in text(response)


def test_the_status_filter_shows_applicants_with_a_place_offer_to_answer(
    office: Client, school: Any, spring: Any, autumn: Any, violin: Offer, fees: Any
) -> None:
    offered = waiting(violin, "Tilbudt", dt.date(2025, 1, 1))
    waits = waiting(violin, "Venter", dt.date(2025, 1, 2))
    violin.capacity = 1
    violin.save()
    services.continuous_admission(offer_id=violin.pk, now=MARCH)
    assert PlaceOffer.objects.get().application == offered

    path = url("admission:waiting_list", school, pk=violin.pk)
    assert [r.application for r in office.get(path).context["rows"]] == [waits]
    rows = office.get(path + "?status=offered").context["rows"]
    assert [r.application for r in rows] == [offered]
    assert rows[0].why[0] == "Place offered, answer by March 16, 2026"
    rows = office.get(path + "?status=all").context["rows"]
    assert [r.application for r in rows] == [waits, offered]


def test_a_nonsense_filter_is_ignored_not_an_error(
    office: Client, school: Any, spring: Any, violin: Offer
) -> None:
    waiting(violin, "Ola", dt.date(2025, 1, 1))
    response = office.get(
        url("admission:waiting_list", school, pk=violin.pk) + "?status=x&audition=y&page=abc"
    )
    assert response.status_code == 200
    assert len(response.context["rows"]) == 1


def bulk_applicants(school: Any, offer: Offer, count: int, start: int = 0) -> None:
    """Many applicants at once: one household and pupil each, applications in one insert."""
    households = Household.objects.bulk_create(
        [Household(school=school, name=f"H{start + i}") for i in range(count)]
    )
    pupils = Pupil.objects.bulk_create(
        [
            Pupil(
                household=h, first_name=f"Barn{i}", last_name=h.name, birth_date=dt.date(2015, 1, 1)
            )
            for i, h in enumerate(households)
        ]
    )
    base = dt.datetime(2024, 1, 1, 12, tzinfo=OSLO)
    Application.objects.bulk_create(
        [
            Application(
                pupil=p,
                offer=offer,
                preference=1,
                submitted_at=base + dt.timedelta(hours=start + i),
                seniority_date=(base + dt.timedelta(hours=start + i)).date(),
            )
            for i, p in enumerate(pupils)
        ]
    )


def test_the_waiting_list_makes_as_many_queries_for_1000_applicants_as_for_10(
    office: Client, school: Any, spring: Any, violin: Offer, django_assert_num_queries: Any
) -> None:
    path = url("admission:waiting_list", school, pk=violin.pk)
    bulk_applicants(school, violin, 10)
    assert office.get(path).status_code == 200  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as few:
        assert office.get(path).status_code == 200

    bulk_applicants(school, violin, 990, start=10)
    with django_assert_num_queries(len(few.captured_queries)):
        response = office.get(path)
    assert response.context["waiting_list"].ranked == 1000
    # 100 to a page.
    assert len(response.context["rows"]) == 100
    assert response.context["page_obj"].paginator.num_pages == 10
    last = office.get(path + "?page=10").context["rows"]
    assert (last[0].position, last[-1].position) == (901, 1000)


# --- Continuous admission ---------------------------------------------------------------------


def test_offering_free_places_asks_first_then_offers_them_to_the_next_in_line(
    office: Client, school: Any, spring: Any, autumn: Any, violin: Offer, fees: Any
) -> None:
    first = waiting(violin, "Først", dt.date(2025, 1, 1))
    second = waiting(violin, "Andre", dt.date(2025, 1, 2))
    third = waiting(violin, "Tredje", dt.date(2025, 1, 3))
    path = url("admission:continuous", school, pk=violin.pk)

    confirm = office.get(path)
    assert [e.application for e in confirm.context["next_in_line"]] == [first, second]
    assert "2</strong> place offers for Spring 2026 will be sent" in text(confirm)
    assert not PlaceOffer.objects.exists()

    response = office.post(path, follow=True)

    assert set(PlaceOffer.objects.values_list("application_id", flat=True)) == {
        first.pk,
        second.pk,
    }
    third.refresh_from_db()
    assert third.status == Application.Status.WAITING
    assert "2 place offers were made to the next in line." in text(response)
    assert AdmissionRound.objects.get().kind == AdmissionRound.Kind.CONTINUOUS


def test_without_a_fee_no_place_is_offered_and_the_page_says_why(
    office: Client, school: Any, spring: Any, violin: Offer
) -> None:
    waiting(violin, "Ola", dt.date(2025, 1, 1))
    path = url("admission:continuous", school, pk=violin.pk)
    assert "There is no fee for Spring 2026" in text(office.get(path))
    response = office.post(path, follow=True)
    assert not PlaceOffer.objects.exists()
    assert "No place offers were made" in text(response)


# --- Applications on behalf of a family -------------------------------------------------------


def test_the_office_registers_an_application_for_a_family(
    office: Client, school: Any, spring: Any, autumn: Any, violin: Offer, office_user: Any
) -> None:
    pupil = child(school, "Ringte")
    response = office.post(
        url("admission:apply", school, pk=violin.pk),
        {"pupil": pupil.pk, "note": "Mor ringte"},
        follow=True,
    )
    application = Application.objects.get(pupil=pupil)
    assert application.offer == violin
    assert application.submitted_by == office_user
    assert application.age_exception_reason == ""
    assert "is on the waiting list for Fiolin" in text(response)


def test_s4a_the_reason_is_required_when_the_age_does_not_fit(
    office: Client, school: Any, spring: Any, autumn: Any, violin: Offer, office_user: Any
) -> None:
    # Born 1 September 2020: 5 years old when autumn 2026 starts; Fiolin is for 6–19.
    young = child(school, "Liten", born=dt.date(2020, 9, 1))
    path = url("admission:apply", school, pk=violin.pk)

    response = office.post(path, {"pupil": young.pk})

    assert response.status_code == 200
    assert "Give the reason for an age exception (§4a)" in str(
        response.context["form"].errors["age_exception_reason"]
    )
    assert not Application.objects.exists()

    office.post(path, {"pupil": young.pk, "age_exception_reason": "Har spilt i tre år"})

    application = Application.objects.get(pupil=young)
    assert application.age_exception_reason == "Har spilt i tre år"
    assert application.age_exception_by == office_user
    event = AuditEvent.objects.get(action="application.submitted")
    assert event.reason == "Har spilt i tre år"


def test_an_age_exception_is_not_recorded_when_the_age_fits(
    office: Client, school: Any, spring: Any, autumn: Any, violin: Offer
) -> None:
    pupil = child(school, "Passer")
    office.post(
        url("admission:apply", school, pk=violin.pk),
        {"pupil": pupil.pk, "age_exception_reason": "Unødvendig"},
    )
    application = Application.objects.get(pupil=pupil)
    assert application.age_exception_reason == ""
    assert application.age_exception_by is None


def test_a_refused_application_shows_the_services_message_and_changes_nothing(
    office: Client, school: Any, spring: Any, autumn: Any, violin: Offer
) -> None:
    existing = waiting(violin, "Dobbel", dt.date(2025, 1, 1))
    response = office.post(
        url("admission:apply", school, pk=violin.pk), {"pupil": existing.pupil_id}
    )
    assert response.status_code == 200
    assert "has already applied for Fiolin" in text(response)
    assert Application.objects.count() == 1


def test_only_pupils_of_this_school_can_be_chosen(
    office: Client, school: Any, other_school: Any, spring: Any, violin: Offer
) -> None:
    outsider = child(other_school, "Utenfra")
    response = office.post(url("admission:apply", school, pk=violin.pk), {"pupil": outsider.pk})
    assert response.status_code == 200
    assert "pupil" in response.context["form"].errors
    assert not Application.objects.exists()


# --- 3. Main admission ------------------------------------------------------------------------


@pytest.fixture
def applicants(school: Any, violin: Offer) -> list[Application]:
    cello = factories.OfferFactory(school=school, name="Cello", slug="cello", capacity=1)
    result = []
    for i in range(4):
        pupil = child(school, f"B{i}")
        result.append(
            factories.ApplicationFactory(
                pupil=pupil, offer=violin, preference=1, seniority_date=dt.date(2025, 1, i + 1)
            )
        )
        result.append(
            factories.ApplicationFactory(
                pupil=pupil, offer=cello, preference=2, seniority_date=dt.date(2025, 1, i + 1)
            )
        )
    return result


def test_main_admission_proposes_the_next_autumn_term(
    office: Client, school: Any, spring: Any, autumn: Any
) -> None:
    factories.TermFactory(school=school, year=2027, season=Term.Season.SPRING)
    response = office.get(url("admission:main", school))
    assert response.context["form"]["term"].value() == autumn.pk
    assert "plan" not in response.context


def test_a_term_that_has_started_or_a_bad_seed_is_refused_next_to_the_field(
    office: Client, school: Any, spring: Any, autumn: Any, other_school: Any
) -> None:
    path = url("admission:main", school)
    response = office.get(path + f"?term={spring.pk}&seed=1")
    assert "term" in response.context["form"].errors
    assert "plan" not in response.context
    elsewhere = factories.TermFactory(school=other_school, year=2027)
    response = office.get(path + f"?term={elsewhere.pk}&seed=1")
    assert "term" in response.context["form"].errors
    response = office.get(path + f"?term={autumn.pk}&seed=abc")
    assert "seed" in response.context["form"].errors
    assert not AdmissionRound.objects.exists()


def test_without_a_coming_term_the_page_says_to_set_one_up(office: Client, school: Any) -> None:
    page = text(office.get(url("admission:main", school)))
    assert "No coming term is set up." in page
    assert url("office:terms", school) in page


def test_a_preview_without_a_seed_gets_one_in_the_address(
    office: Client, school: Any, autumn: Any
) -> None:
    response = office.get(url("admission:main", school) + f"?term={autumn.pk}")
    assert response.status_code == 302
    assert f"term={autumn.pk}&seed=" in response["Location"]


def test_the_preview_writes_nothing_and_explains_every_applicant(
    office: Client, school: Any, autumn: Any, fees: Any, applicants: list, violin: Offer
) -> None:
    events = AuditEvent.objects.count()
    response = office.get(url("admission:main", school) + f"?term={autumn.pk}&seed=5")

    assert not PlaceOffer.objects.exists()
    assert not AdmissionRound.objects.exists()
    assert AuditEvent.objects.count() == events
    assert {a.status for a in Application.objects.all()} == {Application.Status.WAITING}
    page = text(response)
    assert "5</strong>" in page  # the seed is shown
    assert "Offered: seniority, rank 1" in page
    assert "Offered: seniority, rank 2" in page
    assert "Got choice 1 elsewhere: Fiolin" in page
    assert "Waiting: full — ranked 2 of 2" in page
    assert response.context["offered_count"] == 3
    groups = {g.offer.name: g for g in response.context["groups"]}
    assert (groups["Fiolin"].offered, groups["Fiolin"].waiting) == (2, 2)
    assert groups["Cello"].elsewhere == 2
    assert "seed=5" in response.context["run_query"]


def test_the_same_seed_gives_the_same_preview(
    office: Client, school: Any, autumn: Any, fees: Any, violin: Offer
) -> None:
    # Five applicants tied on everything but the lottery.
    same = dt.datetime(2025, 1, 1, 12, tzinfo=OSLO)
    for i in range(5):
        factories.ApplicationFactory(
            pupil=child(school, f"T{i}"),
            offer=violin,
            submitted_at=same,
            seniority_date=same.date(),
        )
    path = url("admission:main", school) + f"?term={autumn.pk}&seed=99"

    def offered() -> list[int]:
        return [
            line.fact.application_id
            for g in office.get(path).context["groups"]
            for line in g.lines
            if line.fact.offered
        ]

    assert offered() == offered()


def test_s4c_s4d_s14a_the_preview_names_the_rule_that_decided(
    office: Client, school: Any, autumn: Any, fees: Any
) -> None:
    performer = factories.OfferFactory(
        school=school, name="Utøver", capacity=2, audition_required=True
    )
    without = waiting(performer, "Uten", dt.date(2024, 1, 1))
    band = factories.OfferFactory(school=school, name="Band", capacity=2, audition_available=True)
    senior = waiting(band, "Ansiennitet", dt.date(2024, 1, 1))
    passed = waiting(band, "Prøvespill", dt.date(2025, 6, 1))
    Audition.objects.create(
        pupil=passed.pupil, offer=band, requested_at=MARCH, result="passed", score=9
    )
    back = factories.OfferFactory(school=school, name="Tromme", capacity=1)
    returning = waiting(back, "Tilbake", dt.date(2025, 9, 1), kind=Application.Kind.RETURN)
    waiting(back, "Foran", dt.date(2020, 1, 1))

    response = office.get(url("admission:main", school) + f"?term={autumn.pk}&seed=1")

    outcome = {
        line.fact.application_id: line.outcome
        for group in response.context["groups"]
        for line in group.lines
    }
    assert outcome[without.pk] == "Needs a passed audition (§4d)"
    assert outcome[passed.pk] == "Offered within the audition quota (§4c)"
    assert outcome[senior.pk] == "Offered: seniority, rank 2"
    assert outcome[returning.pk] == "Offered: returning from leave (§14a)"


def test_the_preview_warns_when_the_fee_schedule_is_missing(
    office: Client, school: Any, autumn: Any, applicants: list
) -> None:
    response = office.get(url("admission:main", school) + f"?term={autumn.pk}&seed=5")
    page = text(response)
    assert (
        "There is no fee schedule with a fee for these offers for the school year 2026/27" in page
    )
    # No run button while fees are missing.
    assert url("admission:main_run", school) not in page
    try:
        fees_url = reverse("fees:schedules", kwargs={"school": school.slug})
    except Exception:  # the fee pages are not there yet
        fees_url = ""
    assert response.context["fees_url"] == fees_url
    if fees_url:
        assert fees_url in page


def test_running_admission_confirms_first_then_makes_the_offers_of_the_preview(
    office: Client, school: Any, autumn: Any, fees: Any, applicants: list, office_user: Any
) -> None:
    preview = office.get(url("admission:main", school) + f"?term={autumn.pk}&seed=5")
    planned = {
        line.fact.application_id
        for group in preview.context["groups"]
        for line in group.lines
        if line.fact.offered
    }
    confirm = office.get(url("admission:main_run", school) + f"?term={autumn.pk}&seed=5")
    assert "<strong>3</strong> place offers will be sent." in text(confirm)
    assert not PlaceOffer.objects.exists()

    response = office.post(url("admission:main_run", school), {"term": autumn.pk, "seed": 5})

    round_ = AdmissionRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("admission:round", school, pk=round_.pk)
    assert set(PlaceOffer.objects.values_list("application_id", flat=True)) == planned
    assert (round_.seed, round_.run_by, round_.offers_made) == (5, office_user, 3)
    page = text(office.get(response["Location"]))
    assert "Main admission is done: 3 place offers were sent." in page
    assert "Offered: seniority, rank 1" in page
    assert "Got choice 1 elsewhere: Fiolin" in page


def test_a_refused_run_shows_the_reason_and_writes_nothing(
    office: Client, school: Any, autumn: Any, applicants: list
) -> None:
    response = office.post(
        url("admission:main_run", school), {"term": autumn.pk, "seed": 5}, follow=True
    )
    assert "There is no fee schedule for 2026/27" in text(response)
    assert not PlaceOffer.objects.exists()
    assert not AdmissionRound.objects.exists()


def test_a_run_for_a_term_that_has_started_is_refused(
    office: Client, school: Any, spring: Any, fees: Any, applicants: list
) -> None:
    response = office.post(
        url("admission:main_run", school), {"term": spring.pk, "seed": 5}, follow=True
    )
    assert "Choose a term and preview the admission first." in text(response)
    assert not AdmissionRound.objects.exists()


def test_the_round_page_resolves_names_in_one_query(
    office: Client, school: Any, autumn: Any, fees: Any, violin: Offer, office_user: Any
) -> None:
    for i in range(3):
        waiting(violin, f"R{i}", dt.date(2025, 1, i + 1))
    round_ = services.admission_run(actor=office_user, school=school, term=autumn, seed=1)
    path = url("admission:round", school, pk=round_.pk)
    office.get(path)
    with CaptureQueriesContext(connection) as three:
        office.get(path)
    for i in range(20):
        waiting(violin, f"S{i}", dt.date(2025, 2, 1))
    bigger = services.admission_run(actor=office_user, school=school, term=autumn, seed=1)
    with CaptureQueriesContext(connection) as many:
        response = office.get(url("admission:round", school, pk=bigger.pk))
    assert len(many.captured_queries) == len(three.captured_queries)
    assert len(response.context["lines"]) == 21  # the one left waiting the first time, too
    assert "Familie S0" in text(response)


# --- 4. Auditions -----------------------------------------------------------------------------


@pytest.fixture
def audition(school: Any, spring: Any) -> Audition:
    offer = factories.OfferFactory(school=school, name="Utøver", audition_required=True)
    application = waiting(offer, "Prøve", dt.date(2025, 1, 15))
    return Audition.objects.create(
        pupil=application.pupil, offer=offer, application=application, requested_at=MARCH
    )


def test_s4c_pending_auditions_show_when_they_must_be_held_and_overdue_ones_stand_out(
    office: Client, school: Any, audition: Audition
) -> None:
    response = office.get(url("admission:auditions", school))
    (shown,) = response.context["auditions"]
    # Applied 15 January 2025: held within a year, by 15 January 2026 — that has passed.
    assert shown.due == dt.date(2026, 1, 15)
    assert shown.overdue
    assert "Overdue" in text(response)


def test_scheduling_an_audition(office: Client, school: Any, audition: Audition) -> None:
    path = url("admission:audition_schedule", school, pk=audition.pk)
    bad = office.post(path, {"date": "", "time": "17:00", "place": "Sal 1"})
    assert bad.status_code == 200 and "date" in bad.context["form"].errors

    office.post(path, {"date": "2026-03-20", "time": "17:00", "place": "Sal 1"})

    audition.refresh_from_db()
    assert audition.scheduled_at == dt.datetime(2026, 3, 20, 17, tzinfo=OSLO)
    assert audition.place == "Sal 1"
    response = office.get(url("admission:auditions", school) + "?show=scheduled")
    assert [a.pk for a in response.context["auditions"]] == [audition.pk]


def test_recording_a_result_needs_a_score_when_passed(
    office: Client, school: Any, audition: Audition, office_user: Any
) -> None:
    path = url("admission:audition_result", school, pk=audition.pk)
    response = office.post(path, {"result": "passed", "score": ""})
    assert "score" in response.context["form"].errors
    response = office.post(path, {"result": "passed", "score": "11"})
    assert "score" in response.context["form"].errors
    audition.refresh_from_db()
    assert audition.result == Audition.Result.PENDING

    office.post(path, {"result": "passed", "score": "8", "note": "Sikker teknikk"})

    audition.refresh_from_db()
    assert (audition.result, audition.score, audition.result_note) == (
        "passed",
        8,
        "Sikker teknikk",
    )
    assert audition.decided_by == office_user
    decided = office.get(url("admission:auditions", school) + "?show=decided")
    assert "Sikker teknikk" in text(decided)
    # A second result is refused with the service's message.
    again = office.post(path, {"result": "failed"})
    assert "This audition has a result already" in text(again)


# --- 5. Place offers --------------------------------------------------------------------------


def test_place_offers_are_listed_filtered_and_overdue_ones_marked(
    office: Client, school: Any, spring: Any, autumn: Any, violin: Offer, fees: Any
) -> None:
    first = waiting(violin, "Først", dt.date(2025, 1, 1))
    waiting(violin, "Andre", dt.date(2025, 1, 2))
    services.continuous_admission(offer_id=violin.pk, now=MARCH - dt.timedelta(days=20))
    PlaceOffer.objects.filter(application=first).update(status=PlaceOffer.Status.DECLINED)
    path = url("admission:place_offers", school)

    response = office.get(path)
    assert len(response.context["place_offers"]) == 2
    pending = office.get(path + "?status=pending").context["place_offers"]
    assert len(pending) == 1 and pending[0].overdue
    assert "Deadline passed" in text(office.get(path + "?status=overdue"))
    declined = office.get(path + "?status=declined").context["place_offers"]
    assert [p.application_id for p in declined] == [first.pk]


def test_the_place_offer_list_makes_a_fixed_number_of_queries(
    office: Client, school: Any, spring: Any, autumn: Any, violin: Offer, fees: Any
) -> None:
    violin.capacity = 40
    violin.save()
    path = url("admission:place_offers", school)
    for i in range(2):
        waiting(violin, f"A{i}", dt.date(2025, 1, 1))
    services.continuous_admission(offer_id=violin.pk, now=MARCH)
    office.get(path)
    with CaptureQueriesContext(connection) as few:
        office.get(path)
    for i in range(15):
        waiting(violin, f"B{i}", dt.date(2025, 1, 2))
    services.continuous_admission(offer_id=violin.pk, now=MARCH)
    assert PlaceOffer.objects.count() == 17
    with CaptureQueriesContext(connection) as many:
        office.get(path)
    assert len(many.captured_queries) == len(few.captured_queries)
