"""Links into the regional programme for the overview page: the programmes a partner
school's staff take part in, and the family page for guardians of in-depth pupils."""

from __future__ import annotations

from typing import Any

from django import template

from kulturskole.access import (
    PARTNER_STAFF_ROLES,
    in_depth_pupils_for_guardian,
    programmes_for,
    roles_for,
)

register = template.Library()


@register.simple_tag(takes_context=True)
def regional_links(context: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"programmes": [], "family": False}
    held = roles_for(user)
    programmes = []
    if held.has(*PARTNER_STAFF_ROLES):
        programmes = list(programmes_for(user).select_related("region").order_by("name"))
    family = held.has("guardian") and in_depth_pupils_for_guardian(user).exists()
    return {"programmes": programmes, "family": family}
