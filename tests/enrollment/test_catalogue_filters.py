"""The catalogue of a school's offers: filters, invalid filters, htmx, pages and query count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enrollment.models import Discipline
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/schools/sandefjord/"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "offer-results"}


def names(response) -> set[str]:
    return {offer.name for offer in response.context["offers"]}


def test_without_filters_it_lists_every_published_offer(client, catalogue):
    response = client.get(URL)
    assert response.status_code == 200
    assert names(response) == {"Fiolin", "Ballett", "Teaterkurs", "Band"}


def test_it_leaves_out_unpublished_offers_and_other_schools_offers(client, catalogue, other_school):
    factories.OfferFactory(school=other_school, name="Trommer")
    response = client.get(URL)
    assert "Skjult fiolinkurs" not in names(response)
    assert "Trommer" not in names(response)


def test_it_filters_by_discipline(client, catalogue):
    assert names(client.get(URL, {"discipline": "music"})) == {"Fiolin", "Band"}
    assert names(client.get(URL, {"discipline": "dance"})) == {"Ballett"}


def test_s4a_it_filters_by_a_childs_age(client, catalogue):
    # Fiolin 6–12, Ballett 4–8, Teaterkurs from 13, Band all ages.
    assert names(client.get(URL, {"age": "7"})) == {"Fiolin", "Ballett", "Band"}
    assert names(client.get(URL, {"age": "12"})) == {"Fiolin", "Band"}
    assert names(client.get(URL, {"age": "13"})) == {"Teaterkurs", "Band"}
    assert names(client.get(URL, {"age": "0"})) == {"Band"}


def test_it_filters_by_location(client, catalogue, locations):
    response = client.get(URL, {"location": locations["sandar"].pk})
    assert names(response) == {"Ballett", "Band"}


def test_it_filters_by_kind(client, catalogue):
    assert names(client.get(URL, {"kind": "course"})) == {"Teaterkurs"}
    assert names(client.get(URL, {"kind": "place"})) == {"Fiolin", "Ballett", "Band"}


def test_it_searches_name_instrument_and_description(client, catalogue):
    assert names(client.get(URL, {"q": "ballett"})) == {"Ballett"}
    assert names(client.get(URL, {"q": "GITAR"})) == {"Band"}
    assert names(client.get(URL, {"q": "suzuki"})) == {"Fiolin"}
    # Every word must match somewhere.
    assert names(client.get(URL, {"q": "klassisk gruppe"})) == {"Ballett"}
    assert names(client.get(URL, {"q": "klassisk gitar"})) == set()


def test_filters_combine(client, catalogue, locations):
    response = client.get(
        URL, {"discipline": "music", "age": "8", "location": locations["bugarden"].pk}
    )
    assert names(response) == {"Fiolin"}


def test_the_form_keeps_the_chosen_filters(client, catalogue):
    content = client.get(URL, {"q": "fiolin", "kind": "place"}).content.decode()
    assert 'value="fiolin"' in content
    assert '<option value="place" selected>' in content


@pytest.mark.parametrize(
    "age,message",
    [
        ("abc", "Enter the age as a whole number of years"),
        ("-3", "The age cannot be negative."),
        ("7.5", "Enter the age as a whole number of years"),
        ("1000", "Enter an age of 99 years or less."),
    ],
)
def test_an_invalid_age_gives_a_message_next_to_the_field_and_no_500(
    client, catalogue, age, message
):
    response = client.get(URL, {"age": age, "discipline": "dance"})
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert response.context["form"].errors["age"]
    # The valid filters still apply; the invalid one is left out.
    assert names(response) == {"Ballett"}


def test_a_location_of_another_school_is_refused(client, catalogue, other_school):
    elsewhere = factories.LocationFactory(school=other_school, name="Hov")
    response = client.get(URL, {"location": elsewhere.pk})
    assert response.status_code == 200
    assert "Choose one of this school&#x27;s teaching locations." in response.content.decode()
    assert names(response) == {"Fiolin", "Ballett", "Teaterkurs", "Band"}


@pytest.mark.parametrize(
    "params",
    [
        {"location": "abc"},
        {"location": "99999999999999999999999"},
        {"discipline": "juggling"},
        {"kind": "forever"},
        {"q": "x" * 500},
        {"page": "abc"},
        {"page": "999"},
        {"age": "99999999999999999999999999"},
    ],
)
def test_nonsense_filters_never_give_a_500(client, catalogue, params):
    assert client.get(URL, params).status_code == 200
    assert client.get(URL, params, **HTMX).status_code == 200


def test_an_empty_result_offers_to_clear_the_filters(client, catalogue):
    response = client.get(URL, {"discipline": "circus"})
    content = response.content.decode()
    assert "No offers match your filters." in content
    assert 'href="/schools/sandefjord/#offers">Clear filters</a>' in content


def test_a_school_without_offers_says_so(client, school):
    response = client.get(URL)
    assert "This school has not published any offers yet." in response.content.decode()


def test_an_htmx_request_gets_only_the_results_and_a_clean_address(client, catalogue):
    response = client.get(URL, {"discipline": "dance", "age": "", "q": ""}, **HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert "Ballett" in content
    assert "Fiolin" not in content
    # The count is swapped out of band into the live region.
    assert 'id="offer-count" hx-swap-oob="innerHTML"' in content
    assert response["HX-Push-Url"] == "/schools/sandefjord/?discipline=dance"
    assert "HX-Request" in response["Vary"]


def test_an_htmx_request_shows_invalid_filters_in_the_results(client, catalogue):
    response = client.get(URL, {"age": "abc"}, **HTMX)
    content = response.content.decode()
    assert "Some filters could not be used and were left out:" in content
    assert "Enter the age as a whole number of years" in content


def test_an_htmx_history_restore_gets_the_whole_page(client, catalogue):
    response = client.get(
        URL, {"discipline": "dance"}, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX
    )
    assert "<html" in response.content.decode()


def test_it_shows_24_offers_a_page_and_the_page_links_keep_the_filters(client, school):
    for number in range(30):
        factories.OfferFactory(school=school, name=f"Piano {number:02d}", slug=f"piano-{number}")
    factories.OfferFactory(school=school, discipline=Discipline.DANCE, name="Dans")
    response = client.get(URL, {"discipline": "music", "utm_source": "x"})
    assert len(response.context["offers"]) == 24
    content = response.content.decode()
    assert 'href="?discipline=music&amp;page=2#offers"' in content
    assert "30 offers match your filters." in content
    second = client.get(URL, {"discipline": "music", "page": "2"})
    assert len(second.context["offers"]) == 6
    assert 'href="?discipline=music&amp;page=1#offers"' in second.content.decode()


def test_results_show_what_a_parent_needs_to_choose(client, catalogue):
    content = client.get(URL).content.decode()
    assert "6–12 years" in content
    assert "From 13 years" in content
    assert "All ages" in content
    assert "El-gitar" in content
    assert "Sandar Øst" in content
    assert "Audition required" in content
    assert "Closed for applications" in content
    assert 'href="/schools/sandefjord/offers/fiolin/"' in content


def _add_offers(school, locations, count: int) -> None:
    for number in range(count):
        factories.OfferFactory(
            school=school,
            location=locations["bugarden" if number % 2 else "sandar"],
            slug=f"extra-{count}-{number}",
        )


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_the_catalogue_makes_a_fixed_number_of_queries(
    client, school, locations, django_assert_num_queries, headers
):
    factories.OfficeHoursFactory(school=school)
    factories.DepartmentFactory(school=school)
    _add_offers(school, locations, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL, {"discipline": "music"}, **headers).status_code == 200
    _add_offers(school, locations, 27)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(URL, {"discipline": "music"}, **headers)
    assert len(response.context["offers"]) == 24
