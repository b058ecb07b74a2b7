"""Form rendering shared by every app."""

from __future__ import annotations

from django import forms
from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Renders a field with its label, hint and error together (includes/field.html)."""

    field_template_name = "includes/field.html"


class FilterForm(forms.Form):
    """Base form of list filters: every field is optional, so none is marked "(optional)"."""

    hide_optional_marker = True
