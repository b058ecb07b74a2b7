"""PDF documents (contracts, letters, invoices, catalogues) rendered from templates with WeasyPrint.

Templates live under templates/pdf/ and extend pdf/base.html. Relative image and stylesheet
addresses resolve against the project's static folder. Nothing is ever fetched over the
network: a document is built only from the template and the project's own files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

STYLESHEET = "css/pdf.css"


class LocalOnlyFetcher(URLFetcher):
    """Fetches `data:` URIs and files inside the static folders; refuses everything else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self._roots = [Path(root).resolve() for root in static_roots()]

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("file:"):
            path = Path(url.removeprefix("file://")).resolve()
            if not any(path.is_relative_to(root) for root in self._roots):
                raise ValueError(f"PDFs may only use files from the static folders, not {url}")
        return super().fetch(url, headers)


def static_roots() -> list[str]:
    roots = [str(path) for path in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(str(settings.STATIC_ROOT))
    return roots


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a template under templates/pdf/ to PDF bytes."""
    html = render_to_string(template_name, context)
    base = Path(settings.STATICFILES_DIRS[0]).resolve()
    stylesheet = finders.find(STYLESHEET)
    document = HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=LocalOnlyFetcher())
    return document.write_pdf(stylesheets=[CSS(filename=stylesheet)] if stylesheet else None)
