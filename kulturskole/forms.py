"""Form rendering shared by every app."""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Renders a field with its label, hint and error together (includes/field.html)."""

    field_template_name = "includes/field.html"
