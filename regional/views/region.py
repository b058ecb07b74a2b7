"""Pages for the regional project leader and steering group, under /regions/<region>/.

`RegionalMixin` finds the region among the user's own regions, so anyone else — including the
project leader of another region — gets a 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.views.generic import TemplateView

from enrollment import selectors
from enrollment.models import OfficeHours
from kulturskole.access import RegionalMixin, Role, roles_for


class RegionHomeView(RegionalMixin, TemplateView):
    template_name = "regional/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        schools = list(
            self.region.schools.order_by("kind", "name").prefetch_related(
                Prefetch(
                    "office_hours", queryset=OfficeHours.objects.order_by("weekday", "opens_at")
                )
            )
        )
        context.update(
            schools=schools,
            offers=selectors.published_offers_by_discipline(schools),
            people=self.region.roles.select_related("user").order_by(
                "role", "user__last_name", "user__first_name", "user__email"
            ),
            programmes=list(self.region.programmes.order_by("-starts_on", "name")),
            leads=roles_for(self.request.user).is_superuser
            or self.region.pk in roles_for(self.request.user).region_ids(Role.PROJECT_LEADER),
        )
        return context
