"""Forms guardians fill in: registering a household, its address, their children, and
inviting a second guardian.

Forms only validate and convert; the services in `enrollment.services.family` write.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from enrollment import rules
from enrollment.models import Household, Pupil, School

# A child registered here is at most this old; older pupils are registered by the office.
MAX_PUPIL_AGE = 25

postal_code_validator = RegexValidator(
    r"^[0-9]{4}\Z", _("Enter a Norwegian postal code: exactly four digits, such as 3210.")
)
phone_validator = RegexValidator(
    r"^\+?[0-9 ]{8,20}\Z",
    _("Enter a telephone number with digits only, such as 912 34 567 or +47 912 34 567."),
)


class HouseholdAddressForm(forms.Form):
    street_address = forms.CharField(
        label=_("Street address"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=4,
        validators=[postal_code_validator],
        error_messages={
            "max_length": _("Enter a Norwegian postal code: exactly four digits, such as 3210.")
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "inputmode": "numeric", "size": 4}
        ),
    )
    city = forms.CharField(
        label=_("Postal town"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )

    def clean_postal_code(self) -> str:
        return self.cleaned_data["postal_code"].strip()


class HouseholdRegisterForm(HouseholdAddressForm):
    """A household, its address and the signed-in user as its first guardian and payer."""

    school = forms.ModelChoiceField(
        label=_("Culture school"),
        queryset=School.objects.none(),
        empty_label=_("Choose your municipality's culture school"),
        help_text=_("The culture school of the municipality you live in."),
        error_messages={"invalid_choice": _("Choose one of the culture schools in the list.")},
    )
    name = forms.CharField(
        label=_("Household name"),
        max_length=200,
        help_text=_("Usually the family name, such as «Hansen». Shown on invoices."),
    )
    first_name = forms.CharField(
        label=_("Your first name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Your last name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    phone = forms.CharField(
        label=_("Your mobile phone"),
        max_length=30,
        required=False,
        validators=[phone_validator],
        help_text=_("Optional. The school uses it for messages about lessons."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    field_order = [
        "school",
        "name",
        "street_address",
        "postal_code",
        "city",
        "first_name",
        "last_name",
        "phone",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(
            kind=School.Kind.CULTURE_SCHOOL, is_public=True
        ).order_by("name")


class PupilForm(forms.Form):
    """A child's details. Pass `today` so the date of birth is checked against it."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        error_messages={"invalid": _("Enter a date such as 14.03.2016.")},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    school_grade = forms.TypedChoiceField(
        label=_("School grade"),
        choices=[("", _("Not at school or not known")), *rules.GRADE_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("The grade this school year. It moves up by itself each August."),
    )
    photo_consent = forms.TypedChoiceField(
        label=_("Your answer"),
        choices=[
            (
                Pupil.PhotoConsent.GRANTED,
                _("I consent to the school photographing and filming my child"),
            ),
            (Pupil.PhotoConsent.REFUSED, _("I do not consent")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer whether you consent to photos and film.")},
    )

    def __init__(
        self,
        *args: Any,
        today: dt.date,
        households: QuerySet[Household] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["birth_date"].widget.attrs["max"] = today.isoformat()
        if households is not None:
            # Only guardians of two households choose; the rest add to their one household.
            self.fields["household"] = forms.ModelChoiceField(
                label=_("Household"), queryset=households, empty_label=None
            )
            self.order_fields(["household"])

    def clean_birth_date(self) -> dt.date:
        birth_date: dt.date = self.cleaned_data["birth_date"]
        if birth_date >= self.today:
            raise forms.ValidationError(_("The date of birth must be in the past."), code="future")
        if rules.age_on(birth_date, self.today) > MAX_PUPIL_AGE:
            raise forms.ValidationError(
                _("Children registered here are %(limit)d or younger. Check the year."),
                code="too_old",
                params={"limit": MAX_PUPIL_AGE},
            )
        return birth_date


class GuardianInviteForm(forms.Form):
    """The person invited to be a second guardian of the household."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_(
            "The invitation is sent here. They may sign in with another address when they accept."
        ),
        error_messages={"invalid": _("Enter an e-mail address such as name@example.org.")},
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
