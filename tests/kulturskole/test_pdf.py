"""The PDF helper renders templates to PDF and never fetches anything from outside."""

from __future__ import annotations

import pytest

from kulturskole.pdf import LocalOnlyFetcher, render_pdf


@pytest.mark.django_db
def test_render_pdf_makes_a_pdf_with_the_school_as_sender(school, tmp_path, settings):
    template_dir = tmp_path / "templates"
    (template_dir / "pdf").mkdir(parents=True)
    (template_dir / "pdf" / "sample.html").write_text(
        '{% extends "pdf/base.html" %}{% block content %}<h1>Hello</h1>{% endblock %}'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [template_dir, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    pdf = render_pdf("pdf/sample.html", {"school": school})
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 1000


def test_pdf_fetcher_refuses_network_and_foreign_files():
    fetcher = LocalOnlyFetcher()
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("http://169.254.169.254/latest/meta-data/")
    with pytest.raises(ValueError, match="static folders"):
        fetcher.fetch("file:///etc/passwd")
