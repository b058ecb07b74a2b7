from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from enrollment.models import Pupil, School
from kulturskole.access import (
    Role,
    groups_for_teacher,
    households_for_guardian,
    regions_for,
    roles_for,
    schools_for,
)


def home(request: HttpRequest) -> HttpResponse:
    """The public front page: every school that publishes its offers."""
    schools = (
        School.objects.filter(is_public=True)
        .annotate(offer_count=Count("offers", filter=Q(offers__is_published=True), distinct=True))
        .prefetch_related("regions")
        .order_by("kind", "name")
    )
    return render(request, "home.html", {"schools": schools})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """One page per person, with a section for each role they hold."""
    user = request.user
    held = roles_for(user)
    today = timezone.localdate()
    context: dict[str, object] = {"roles": held, "today": today}
    if held.has(Role.GUARDIAN):
        context["households"] = (
            households_for_guardian(user)
            .prefetch_related(Prefetch("pupils", queryset=Pupil.objects.order_by("birth_date")))
            .select_related("school")
        )
    if held.has(Role.TEACHER):
        context["groups"] = (
            groups_for_teacher(user)
            .filter(term__ends_on__gte=today)
            .select_related("offer__school", "term", "location")
        )
    if held.is_superuser or held.has(Role.OFFICE, Role.PRINCIPAL):
        context["staff_schools"] = schools_for(user, Role.OFFICE, Role.PRINCIPAL).annotate(
            offer_count=Count("offers", distinct=True),
            household_count=Count("households", distinct=True),
            pupil_count=Count("households__pupils", distinct=True),
        )
    if held.is_superuser or held.has(Role.PROJECT_LEADER, Role.STEERING_GROUP):
        context["regions"] = regions_for(user, Role.PROJECT_LEADER, Role.STEERING_GROUP).annotate(
            school_count=Count("schools", distinct=True)
        )
    return render(request, "dashboard.html", context)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on every page that names none (the admin, PDFs)."""
    return HttpResponsePermanentRedirect(static("img/logo.svg"))


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and `docker compose`: the process answers and the database too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, plus: a signed-in user's choice is saved on the account."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response
