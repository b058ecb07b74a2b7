"""Forms of the office's billing pages: validate and convert input only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from billing.forms import KronerField
from billing.models import FeeReduction, FreePlaceApplication, Invoice
from enrollment.forms.places import DOCTOR_NOTE_ACCEPT, DOCTOR_NOTE_MAX_BYTES, _sniff
from enrollment.models import Offer, Placement, School, Term

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A bank file of a culture school is a few hundred kilobytes at most.
BANK_FILE_MAX_BYTES = 5 * 1024 * 1024
# The accounting export covers at most this many days at a time.
EXPORT_MAX_DAYS = 731


class PlacementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Placement) -> str:
        return f"{obj.pupil.full_name} – {obj.offer.name}"


def school_terms(school: School) -> QuerySet[Term]:
    return Term.objects.filter(school=school).order_by("-starts_on")


def school_places(school: School) -> QuerySet[Placement]:
    return (
        Placement.objects.filter(offer__school=school)
        .select_related("pupil", "offer")
        .order_by("pupil__first_name", "pupil__last_name", "offer__name", "pk")
    )


class TermChoiceForm(forms.Form):
    term = forms.ModelChoiceField(
        label=_("Term"),
        queryset=Term.objects.none(),
        empty_label=_("Choose a term"),
        error_messages={
            "required": _("Choose the term to invoice."),
            "invalid_choice": _("Choose one of this school's terms."),
        },
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = school_terms(school)


class PaymentRegisterForm(forms.Form):
    kid = forms.CharField(
        label=_("KID"),
        max_length=25,
        required=False,
        help_text=_("The KID the payer gave. Leave empty if the payment came without one."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    amount = KronerField(
        label=_("Amount (NOK)"), help_text=_("As written on the bank statement, e.g. 1 234,50.")
    )
    paid_on = forms.DateField(
        label=_("Paid on"),
        widget=DATE_INPUT,
        error_messages={"invalid": _("Enter the date the money came in, such as 01.09.2026.")},
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_("E.g. paid at the counter, or the payer's message."),
    )

    def clean_kid(self) -> str:
        kid = "".join(self.cleaned_data["kid"].split())
        if kid and not kid.isdigit():
            raise forms.ValidationError(_("A KID number has digits only."))
        return kid

    def clean_amount(self) -> Any:
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise forms.ValidationError(_("The amount cannot be zero."))
        return amount


class PaymentImportForm(forms.Form):
    file = forms.FileField(
        label=_("Bank file"),
        help_text=_(
            "The OCR giro file from Nets (OCR konteringsdata), or a CSV file with the columns "
            "kid;amount;paid_on;reference. At most 5 MB."
        ),
        error_messages={"required": _("Choose the file from the bank.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.ocr,.dat,.csv,text/plain"}),
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if upload.size > BANK_FILE_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 5 MB; that is not a payment file from the bank.")
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


class PaymentAssignForm(forms.Form):
    invoice_number = forms.IntegerField(
        label=_("Invoice number"),
        min_value=1,
        help_text=_("The invoice (or additional invoice) the payment was meant for."),
        error_messages={"invalid": _("Enter the invoice number in digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. the payer wrote the invoice number instead of the KID."),
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school

    def clean_invoice_number(self) -> int:
        number = self.cleaned_data["invoice_number"]
        invoice = (
            Invoice.objects.filter(school=self.school, number=number)
            .exclude(kind=Invoice.Kind.CREDIT_NOTE)
            .select_related("household", "term")
            .first()
        )
        if invoice is None:
            raise forms.ValidationError(
                _("This school has no invoice number %(number)s to pay.") % {"number": number}
            )
        self.cleaned_data["invoice"] = invoice
        return number


class PaymentHandledForm(forms.Form):
    note = forms.CharField(
        label=_("How was it handled?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. refunded to the payer's account on 12.09, or a duplicate payment."),
        error_messages={"required": _("Say how the payment was handled.")},
    )


class FreePlaceDecisionForm(forms.Form):
    decision = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("grant", _("Grant the free place")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose grant or refuse.")},
    )
    note = forms.CharField(
        label=_("Justification"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent to the household with the decision."),
        error_messages={"required": _("Write the justification for the decision.")},
    )


class FreePlaceFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All")), *FreePlaceApplication.Status.choices],
        required=False,
    )


class ReductionForm(forms.Form):
    term = forms.ModelChoiceField(
        label=_("Term"),
        queryset=Term.objects.none(),
        empty_label=_("Choose a term"),
        error_messages={"invalid_choice": _("Choose one of this school's terms.")},
    )
    placement = PlacementChoiceField(
        label=_("Place"),
        queryset=Placement.objects.none(),
        empty_label=_("Choose the pupil's place"),
        error_messages={"invalid_choice": _("Choose a place of this school.")},
    )
    kind = forms.ChoiceField(label=_("Reason"), choices=FeeReduction.Kind.choices)
    weeks = forms.IntegerField(
        label=_("Unused teaching weeks"),
        min_value=1,
        max_value=30,
        help_text=_(
            "Illness: the weeks of absence. Moving away: the teaching weeks left of the term."
        ),
        error_messages={"invalid": _("Enter a whole number of weeks.")},
    )
    doctors_note = forms.FileField(
        label=_("Doctor's note"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": DOCTOR_NOTE_ACCEPT}),
        help_text=_("Needed for illness (§13a i). A PDF or a photo, at most 10 MB."),
    )
    justification = forms.CharField(
        label=_("Justification"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write why the reduction is given.")},
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = school_terms(school)
        self.fields["placement"].queryset = school_places(school).exclude(
            offer__kind=Offer.Kind.COURSE
        )

    def clean_doctors_note(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("doctors_note")
        if not upload:
            return None
        if upload.size > DOCTOR_NOTE_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        kind = _sniff(upload)
        if kind is None:
            raise forms.ValidationError(
                _("Upload the note as a PDF or a photo (JPEG, PNG or HEIC).")
            )
        upload.name = f"doctors-note.{'jpg' if kind == 'jpeg' else kind}"
        return upload


class RentalForm(forms.Form):
    placement = PlacementChoiceField(
        label=_("Place"),
        queryset=Placement.objects.none(),
        empty_label=_("Choose the pupil's place"),
        help_text=_("Places in offers with instruments for rent."),
        error_messages={"invalid_choice": _("Choose a place in an offer with instruments.")},
    )
    instrument = forms.CharField(label=_("Instrument"), max_length=100)
    serial_number = forms.CharField(label=_("Serial number"), max_length=50, required=False)
    starts_on = forms.DateField(
        label=_("From"),
        widget=DATE_INPUT,
        error_messages={"invalid": _("Enter a date, such as 24.08.2026.")},
    )

    def __init__(self, *args: Any, school: School, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["placement"].queryset = school_places(school).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=today),
            offer__instrument_rental=True,
            offer__kind=Offer.Kind.PLACE,
        )


class RentalReturnForm(forms.Form):
    ends_on = forms.DateField(
        label=_("Returned on"),
        widget=DATE_INPUT,
        error_messages={"invalid": _("Enter a date, such as 18.12.2026.")},
    )


class PeriodForm(forms.Form):
    """The period of the accounting export; invalid input falls back to this month."""

    date_from = forms.DateField(
        label=_("From"),
        widget=DATE_INPUT,
        error_messages={"invalid": _("Enter a date, such as 01.09.2026.")},
    )
    date_to = forms.DateField(
        label=_("To"),
        widget=DATE_INPUT,
        error_messages={"invalid": _("Enter a date, such as 30.09.2026.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", _("The end of the period comes before its start."))
            elif (end - start).days > EXPORT_MAX_DAYS:
                self.add_error("date_to", _("Export at most two years at a time."))
        return data
