"""Public pages: a school's contact details, office hours and catalogue of offers."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from enrollment.models import Offer, School


def school_detail(request: HttpRequest, school: str) -> HttpResponse:
    school_obj = get_object_or_404(School, slug=school, is_public=True)
    return render(request, "public/school.html", {"school": school_obj})


def offer_detail(request: HttpRequest, school: str, offer: str) -> HttpResponse:
    offer_obj = get_object_or_404(Offer.objects.published(), school__slug=school, slug=offer)
    return render(request, "public/offer.html", {"school": offer_obj.school, "offer": offer_obj})
