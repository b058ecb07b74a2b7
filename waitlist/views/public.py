"""The public vacancies page of a school (§5b): free places nobody on a waiting list is
about to get, computed on every request so it changes as soon as a place frees up."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from enrollment.models import School
from kulturskole.access import Role, roles_for
from waitlist import vacancies as vacancy_reads

VACANCIES_PAGE_SIZE = 24


def vacancy_list(request: HttpRequest, school: str) -> HttpResponse:
    school_obj = get_object_or_404(School.objects.filter(is_public=True), slug=school)
    today = timezone.localdate()
    found = vacancy_reads.public_vacancies(school_obj, today=today)
    page_obj = Paginator(found.vacancies, VACANCIES_PAGE_SIZE).get_page(request.GET.get("page"))
    held = roles_for(request.user)
    context: dict[str, Any] = {
        "school": school_obj,
        "term": found.term,
        "today": today,
        "page_obj": page_obj,
        "rows": [
            {
                "vacancy": vacancy,
                "apply_url": vacancy.apply_url,
                "login_url": f"{reverse('account_login')}?"
                f"{urlencode({REDIRECT_FIELD_NAME: vacancy.apply_url})}",
            }
            for vacancy in page_obj.object_list
        ],
        "total_places": sum(v.places for v in found.vacancies),
        "is_guardian": held.has(Role.GUARDIAN),
        "signed_in": request.user.is_authenticated,
    }
    return render(request, "vacancies/list.html", context)
