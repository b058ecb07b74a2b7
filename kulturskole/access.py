"""Who may see what: roles, object scope, and the mixins every view uses.

This is the one place access is decided. A view states the role it acts in; the mixin resolves
the school, household, group or region from the URL *within that user's scope*, so an object
outside the scope is simply not found (404) — another school's or household's data never leaks,
not even as a 403 that would confirm the object exists.

Scope by role (DESIGN.md):
- guardian: own household(s) only
- teacher: own teaching groups at the schools where the user teaches
- office, principal: own school
- project leader, steering group: the schools of their region
- superuser: everything
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from enrollment.models import Household, Pupil, School, TeachingGroup
    from regional.models import InDepthPupil, Programme, Region


class Role(models.TextChoices):
    GUARDIAN = "guardian", _("Guardian")
    TEACHER = "teacher", _("Teacher")
    OFFICE = "office", _("Office")
    PRINCIPAL = "principal", _("Principal")
    PROJECT_LEADER = "project_leader", _("Project leader")
    STEERING_GROUP = "steering_group", _("Steering group")


SCHOOL_ADMIN_ROLES = frozenset({Role.OFFICE, Role.PRINCIPAL})
REGIONAL_ROLES = frozenset({Role.PROJECT_LEADER, Role.STEERING_GROUP})
# Staff of a partner school take part in a regional programme for their own school's pupils.
PARTNER_STAFF_ROLES = frozenset({Role.OFFICE, Role.PRINCIPAL, Role.TEACHER})
# Roles that see other families' data in bulk or decide about them must use two factors.
MFA_ROLES = frozenset({Role.OFFICE, Role.PRINCIPAL, Role.PROJECT_LEADER})


@dataclass(frozen=True)
class Roles:
    """What one signed-in user is, by school and region ids. Computed once per request."""

    is_superuser: bool = False
    school_roles: frozenset[tuple[int, str]] = field(default_factory=frozenset)
    region_roles: frozenset[tuple[int, str]] = field(default_factory=frozenset)
    household_ids: frozenset[int] = field(default_factory=frozenset)

    def school_ids(self, *roles: str) -> frozenset[int]:
        return frozenset(school for school, role in self.school_roles if role in roles)

    def region_ids(self, *roles: str) -> frozenset[int]:
        return frozenset(region for region, role in self.region_roles if role in roles)

    @property
    def held(self) -> frozenset[str]:
        held = {role for _, role in self.school_roles} | {role for _, role in self.region_roles}
        if self.household_ids:
            held.add(Role.GUARDIAN)
        return frozenset(held)

    def has(self, *roles: str) -> bool:
        return bool(self.held.intersection(roles))

    @property
    def requires_mfa(self) -> bool:
        return self.is_superuser or self.has(*MFA_ROLES)


_CACHE_ATTRIBUTE = "_kulturskole_roles"


def roles_for(user: Any) -> Roles:
    """The roles a user holds, cached on the user object for the rest of the request."""
    if not getattr(user, "is_authenticated", False):
        return Roles()
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    staff_role = apps.get_model("enrollment", "StaffRole")
    regional_role = apps.get_model("regional", "RegionalRole")
    guardian = apps.get_model("enrollment", "Guardian")
    roles = Roles(
        is_superuser=user.is_superuser,
        school_roles=frozenset(
            staff_role.objects.filter(user=user).values_list("school_id", "role")
        ),
        region_roles=frozenset(
            regional_role.objects.filter(user=user).values_list("region_id", "role")
        ),
        household_ids=frozenset(
            guardian.objects.filter(user=user).values_list("household_id", flat=True)
        ),
    )
    setattr(user, _CACHE_ATTRIBUTE, roles)
    return roles


def forget_roles(user: Any) -> None:
    """Call after changing a user's roles within the same request."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


# --- Scoped querysets: the only way views reach schools, households, pupils, groups, regions.


def schools_for(user: Any, *roles: str) -> models.QuerySet[School]:
    """Schools where the user holds one of `roles` (all schools for a superuser)."""
    school = apps.get_model("enrollment", "School")
    held = roles_for(user)
    if held.is_superuser:
        return school.objects.all()
    ids = set(held.school_ids(*roles))
    regional = [role for role in roles if role in REGIONAL_ROLES]
    if regional:
        ids |= set(
            school.objects.filter(regions__in=held.region_ids(*regional)).values_list(
                "pk", flat=True
            )
        )
    return school.objects.filter(pk__in=ids)


def households_for_guardian(user: Any) -> models.QuerySet[Household]:
    household = apps.get_model("enrollment", "Household")
    return household.objects.filter(pk__in=roles_for(user).household_ids)


def pupils_for_guardian(user: Any) -> models.QuerySet[Pupil]:
    pupil = apps.get_model("enrollment", "Pupil")
    return pupil.objects.filter(household_id__in=roles_for(user).household_ids)


def groups_for_teacher(user: Any) -> models.QuerySet[TeachingGroup]:
    group = apps.get_model("enrollment", "TeachingGroup")
    held = roles_for(user)
    return group.objects.filter(teacher=user, offer__school_id__in=held.school_ids(Role.TEACHER))


def regions_for(user: Any, *roles: str) -> models.QuerySet[Region]:
    region = apps.get_model("regional", "Region")
    held = roles_for(user)
    if held.is_superuser:
        return region.objects.all()
    return region.objects.filter(pk__in=held.region_ids(*roles))


def programmes_for(user: Any) -> models.QuerySet[Programme]:
    """Regional programmes the user takes part in: every programme of the user's regions
    (project leader, steering group), and those with a partner school where the user is office,
    principal or teacher. Anyone else sees none (a 404, not a 403)."""
    programme = apps.get_model("regional", "Programme")
    held = roles_for(user)
    if held.is_superuser:
        return programme.objects.all()
    partner = programme.schools.through.objects.filter(
        school_id__in=held.school_ids(*PARTNER_STAFF_ROLES)
    ).values("programme_id")
    return programme.objects.filter(
        models.Q(region_id__in=held.region_ids(*REGIONAL_ROLES)) | models.Q(pk__in=partner)
    )


@dataclass(frozen=True)
class ProgrammeAccess:
    """What one user may do in one regional programme (found through `programmes_for`).

    The project leader edits everything and the steering group reads everything; staff of a
    partner school see the programme and, of its pupils, only their own school's."""

    edits: bool = False
    sees_all: bool = False
    # Partner schools where the user is office or principal / teacher.
    admin_school_ids: frozenset[int] = field(default_factory=frozenset)
    teacher_school_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def school_ids(self) -> frozenset[int]:
        return self.admin_school_ids | self.teacher_school_ids

    def sees_school(self, school_id: int) -> bool:
        return self.sees_all or school_id in self.school_ids

    def registers_for(self, school_id: int) -> bool:
        """Nominates and registers the school's pupils: the project leader, or the school's
        own office and principal (teachers give feedback and progress notes)."""
        return self.edits or school_id in self.admin_school_ids


def programme_access(
    user: Any, programme: Programme, partner_ids: Iterable[int]
) -> ProgrammeAccess:
    """`partner_ids`: the programme's partner schools (the caller has them already)."""
    held = roles_for(user)
    partners = frozenset(partner_ids)
    regional = held.region_ids(*REGIONAL_ROLES)
    leads = held.is_superuser or programme.region_id in held.region_ids(Role.PROJECT_LEADER)
    return ProgrammeAccess(
        edits=leads,
        sees_all=held.is_superuser or programme.region_id in regional,
        admin_school_ids=held.school_ids(*SCHOOL_ADMIN_ROLES) & partners,
        teacher_school_ids=held.school_ids(Role.TEACHER) & partners,
    )


def in_depth_pupils_for_guardian(user: Any) -> models.QuerySet[InDepthPupil]:
    """The guardian's own children among the regional programmes' in-depth pupils."""
    in_depth = apps.get_model("regional", "InDepthPupil")
    return in_depth.objects.filter(
        pupil__household_id__in=roles_for(user).household_ids, is_active=True
    )


# --- Mixins for class-based views.


class RoleRequiredMixin(LoginRequiredMixin):
    """Signed-in users holding none of `roles` get 403; anonymous users go to the login page.

    A superuser passes too, except on personal pages ("my family", "my groups") that only
    make sense for someone who holds the role.
    """

    roles: Iterable[str] = ()
    superuser_passes = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        held = roles_for(request.user)
        if not ((self.superuser_passes and held.is_superuser) or held.has(*self.roles)):
            self.raise_exception = True
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)


class SchoolStaffMixin(RoleRequiredMixin):
    """Resolves `self.school` from the `school` URL slug among the schools the user serves."""

    roles = SCHOOL_ADMIN_ROLES
    school: School

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            self.school = get_object_or_404(
                schools_for(request.user, *self.roles), slug=kwargs.get("school")
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["school"] = self.school
        return context


class GuardianMixin(RoleRequiredMixin):
    """For the family pages. Signed-in users without a household may still register one."""

    roles = (Role.GUARDIAN,)
    superuser_passes = False

    def pupils(self) -> models.QuerySet[Pupil]:
        return pupils_for_guardian(self.request.user)  # type: ignore[attr-defined]

    def households(self) -> models.QuerySet[Household]:
        return households_for_guardian(self.request.user)  # type: ignore[attr-defined]


class TeacherMixin(RoleRequiredMixin):
    roles = (Role.TEACHER,)
    superuser_passes = False

    def groups(self) -> models.QuerySet[TeachingGroup]:
        return groups_for_teacher(self.request.user)  # type: ignore[attr-defined]


class RegionalMixin(RoleRequiredMixin):
    """Resolves `self.region` from the `region` URL slug among the user's regions."""

    roles = REGIONAL_ROLES
    region: Region

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            self.region = get_object_or_404(
                regions_for(request.user, *self.roles), slug=kwargs.get("region")
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["region"] = self.region
        return context


def get_in_scope(queryset: models.QuerySet[Any], **lookup: Any) -> Any:
    """`get_object_or_404` on an already scoped queryset; malformed ids are a 404 too."""
    try:
        return get_object_or_404(queryset, **lookup)
    except (ValueError, TypeError):
        raise Http404 from None


# --- Two factors for staff.

# The pages a staff user without TOTP can still reach: setting it up, the confirmation allauth
# asks for first (by password, or by e-mail code for ID-porten users who have no password),
# confirming e-mail addresses (allauth refuses TOTP while an address is unconfirmed), resetting
# a forgotten password (linked from the confirmation page), and signing out.
_MFA_EXEMPT_URL_NAMES = {
    "account_logout",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "account_reauthenticate",
    "account_request_reauthentication_code",
    "account_confirm_reauthentication_code",
    "mfa_reauthenticate",
    "account_email",
    "account_confirm_email",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "set_language",
    "healthz",
}


class RequireStaffMFAMiddleware:
    """Sends office, principal and project-leader users without TOTP to set it up first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if not settings.MFA_REQUIRED_FOR_STAFF or not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match is None or match.url_name in _MFA_EXEMPT_URL_NAMES:
            return None
        if request.path.startswith((settings.STATIC_URL, "/" + settings.STATIC_URL)):
            return None
        if not roles_for(request.user).requires_mfa or has_totp(request.user):
            return None
        messages.warning(
            request,
            gettext(
                "Your role gives access to other families' information, so two-factor "
                "authentication is required. Set up an authenticator app to continue."
            ),
        )
        target = reverse("mfa_activate_totp")
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)


def has_totp(user: Any) -> bool:
    authenticator = apps.get_model("mfa", "Authenticator")
    return authenticator.objects.filter(user=user, type="totp").exists()
