"""The main navigation marks the section a page belongs to."""

from kulturskole.context_processors import NavItem


def test_a_nav_item_is_current_on_its_own_pages_and_the_pages_it_claims():
    item = NavItem("Applications", "/family/applications/", also=("/family/place-offers/",))
    assert item.is_current("/family/applications/new/")
    assert item.is_current("/family/place-offers/7/")
    assert not item.is_current("/family/")


def test_the_overview_is_not_current_everywhere():
    assert not NavItem("Overview", "/dashboard/").is_current("/family/")
