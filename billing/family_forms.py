"""Forms of the guardians' billing pages: validate and convert input only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from billing.forms import KronerField
from billing.services import school_year_label
from enrollment.forms.places import DOCTOR_NOTE_ACCEPT, _sniff
from enrollment.models import Household

DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


class FreePlaceApplicationForm(forms.Form):
    """§12d: a written application with the household's income as the basis."""

    household = forms.ModelChoiceField(
        label=_("Household"),
        queryset=Household.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of your households.")},
    )
    school_year = forms.TypedChoiceField(
        label=_("School year"),
        coerce=int,
        choices=[],
        error_messages={"invalid_choice": _("Choose this school year or the next.")},
    )
    household_income = KronerField(
        label=_("Household income last year (NOK)"),
        help_text=_(
            "The total income before tax of the adults in the household, as on the tax "
            "statement (skattemelding), e.g. 412 000."
        ),
    )
    household_size = forms.IntegerField(
        label=_("People in the household"),
        min_value=1,
        max_value=30,
        help_text=_("Adults and children living together."),
        error_messages={
            "invalid": _("Enter a whole number, such as 4."),
            "min_value": _("Count at least yourself."),
            "max_value": _("Enter at most 30 people."),
        },
    )
    explanation = forms.CharField(
        label=_("Why you apply"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Anything the school should know, e.g. a change in income this year."),
    )
    attachment = forms.FileField(
        label=_("Documentation"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": DOCTOR_NOTE_ACCEPT}),
        help_text=_(
            "The tax statement or similar, as a PDF or a photo, at most 10 MB. Only the office "
            "sees it."
        ),
    )

    def __init__(
        self, *args: Any, households: QuerySet[Household], school_years: list[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households
        self.only_household = households[0] if len(households) == 1 else None
        if self.only_household is not None:
            # One household: nothing to choose.
            self.fields["household"].widget = forms.HiddenInput()
            self.fields["household"].required = False
            self.fields["household"].initial = self.only_household.pk
        self.fields["school_year"].choices = [
            (year, school_year_label(year)) for year in school_years
        ]

    def clean_household(self) -> Household | None:
        return self.cleaned_data.get("household") or self.only_household

    def clean_attachment(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        if upload.size > DOCUMENT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        kind = _sniff(upload)
        if kind is None:
            raise forms.ValidationError(_("Upload a PDF or a photo (JPEG, PNG or HEIC)."))
        upload.name = f"free-place.{'jpg' if kind == 'jpeg' else kind}"
        return upload
