"""Shared form rendering: label, hint and error together, and optional fields marked."""

from __future__ import annotations

from django import forms
from django.utils import translation

from kulturskole.forms import FilterForm


class ContactForm(forms.Form):
    name = forms.CharField(label="Name", help_text="As on the birth certificate.")
    phone = forms.CharField(label="Phone", required=False)


class SearchForm(FilterForm):
    q = forms.CharField(label="Search", required=False)


def test_fields_render_label_hint_and_error_tied_to_the_input():
    with translation.override("en"):
        html = ContactForm(data={}).as_div()
    assert '<label for="id_name">Name</label>' in html
    assert 'id="id_name_helptext"' in html
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert 'aria-invalid="true"' in html
    assert "This field is required." in html


def test_optional_fields_are_marked_but_filters_are_not():
    with translation.override("en"):
        assert "(optional)" in str(ContactForm()["phone"].as_field_group())
        assert "(optional)" not in str(ContactForm()["name"].as_field_group())
        assert "(optional)" not in SearchForm().as_div()
