"""The navigation a signed-in person needs, built from the roles they hold."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from enrollment.models import School
from kulturskole.access import Role, roles_for
from regional.models import Region


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    # Other address prefixes that belong to the same section of the site.
    also: tuple[str, ...] = ()

    def is_current(self, path: str) -> bool:
        if path == self.url or (self.url != "/" and path.startswith(self.url)):
            return True
        return any(path.startswith(prefix) for prefix in self.also)


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    held = roles_for(user)
    items = [NavItem(_("Overview"), reverse("dashboard"))]
    if held.has(Role.GUARDIAN):
        items.append(NavItem(_("My family"), reverse("family:home"), also=("/family/places/",)))
        items.append(NavItem(_("Lessons"), reverse("family:lessons")))
        items.append(
            NavItem(
                _("Applications"),
                reverse("applications:home"),
                also=("/family/place-offers/", "/family/contracts/", "/family/placements/"),
            )
        )
        items.append(
            NavItem(
                _("Invoices"), reverse("family_billing:invoices"), also=("/family/free-place/",)
            )
        )
    if held.has(Role.TEACHER):
        items.append(NavItem(_("Teaching"), reverse("teaching:today")))
    # Only the schools and regions the person serves; a superuser reaches the rest from the
    # overview or the administration.
    office_schools = School.objects.filter(pk__in=held.school_ids(Role.OFFICE, Role.PRINCIPAL))
    for school in office_schools.only("name", "slug"):
        items.append(NavItem(school.name, reverse("office:home", kwargs={"school": school.slug})))
    regions = Region.objects.filter(
        pk__in=held.region_ids(Role.PROJECT_LEADER, Role.STEERING_GROUP)
    )
    for region in regions.only("name", "slug"):
        items.append(NavItem(region.name, reverse("regional:home", kwargs={"region": region.slug})))
    if user.is_superuser:
        items.append(NavItem(_("Administration"), reverse("admin:index")))
    current = request.path
    return {
        "nav_items": items,
        "nav_current": next((item for item in reversed(items) if item.is_current(current)), None),
        "user_roles": held,
    }
