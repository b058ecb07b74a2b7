"""The printable catalogue: the same offers and filters as the school's page, as a PDF."""

from __future__ import annotations

import pytest
from django.urls import reverse

from enrollment.models import Discipline
from tests import factories

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    """The text layer of a PDF, read with pdftotext."""
    import shutil
    import subprocess

    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; CI installs it")
    result = subprocess.run(
        [pdftotext, "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode()


def test_catalogue_pdf_lists_the_published_offers(client, school):
    factories.OfferFactory(school=school, name="Fiolin", discipline=Discipline.MUSIC)
    factories.OfferFactory(school=school, name="Hiphop", discipline=Discipline.DANCE)
    factories.OfferFactory(school=school, name="Hemmelig", is_published=False)
    response = client.get(reverse("public:catalogue_pdf", args=[school.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Fiolin" in text
    assert "Hiphop" in text
    assert "Hemmelig" not in text


def test_catalogue_pdf_keeps_the_filters_of_the_page(client, school):
    factories.OfferFactory(school=school, name="Fiolin", discipline=Discipline.MUSIC)
    factories.OfferFactory(school=school, name="Hiphop", discipline=Discipline.DANCE)
    url = reverse("public:catalogue_pdf", args=[school.slug])
    text = pdf_text(client.get(url, {"discipline": "dance", "lang": "en"}).content)
    assert "Hiphop" in text
    assert "Fiolin" not in text


def test_catalogue_pdf_ignores_bad_filters_instead_of_failing(client, school):
    factories.OfferFactory(school=school, name="Fiolin")
    url = reverse("public:catalogue_pdf", args=[school.slug])
    response = client.get(url, {"age": "abc", "location": "999999"})
    assert response.status_code == 200
    assert "Fiolin" in pdf_text(response.content)


def test_catalogue_pdf_of_a_hidden_school_is_not_found(client, school):
    school.is_public = False
    school.save()
    assert client.get(reverse("public:catalogue_pdf", args=[school.slug])).status_code == 404
