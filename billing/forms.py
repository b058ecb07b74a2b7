"""Forms of the fee pages: validate and convert input only."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from billing.models import CoursePrice, FeeExtra, FeeSchedule
from billing.services import duplicate_message
from enrollment.models import Offer, School

MAX_KRONER = Decimal("9999999999.99")


class KronerField(forms.DecimalField):
    """An amount in kroner, two decimals, never negative.

    Accepts the way Norwegians write money as well: "1 850", "1850,50", "1.850,50 kr".
    """

    default_error_messages = {
        "invalid": _("Enter an amount in kroner, such as 1850 or 1850,50."),
        "min_value": _("The amount cannot be negative."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_value", MAX_KRONER)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            text = re.sub(r"\s|kr\.?|NOK", "", value, flags=re.IGNORECASE)
            if "," in text:
                # "1.850,50": the dot groups thousands, the comma is the decimal sign.
                text = text.replace(".", "").replace(",", ".")
            value = text
        if value in self.empty_values:
            return None
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not amount.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return amount

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"{value:.2f}".replace(".", ",").removesuffix(",00")
        return value


class FeeScheduleForm(forms.ModelForm):
    place_fee_per_term = KronerField(
        label=_("Fee per place per term (NOK)"),
        help_text=_("§12a: one fee per place and term, whatever the lesson length."),
    )
    instrument_rental_per_term = KronerField(
        label=_("Instrument rental per term (NOK)"),
        required=False,
        help_text=_("For offers with instruments for rent. 0 or empty for none."),
    )

    class Meta:
        model = FeeSchedule
        fields = [
            "school_year",
            "place_fee_per_term",
            "instrument_rental_per_term",
            "decided_by",
            "note",
        ]
        widgets = {
            "school_year": forms.NumberInput(attrs={"min": 2000, "max": 2100, "step": 1}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.instance.school = school
        self.fields["school_year"].error_messages["min_value"] = _("Enter a year from 2000.")
        self.fields["school_year"].error_messages["max_value"] = _("Enter a year up to 2100.")

    def clean_school_year(self) -> int:
        year = self.cleaned_data["school_year"]
        others = FeeSchedule.objects.filter(school=self.school, school_year=year)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(duplicate_message(year))
        return year

    def clean_instrument_rental_per_term(self) -> Decimal:
        return self.cleaned_data["instrument_rental_per_term"] or Decimal(0)


class CoursePriceForm(forms.ModelForm):
    price = KronerField(label=_("Price for the whole course (NOK)"))

    class Meta:
        model = CoursePrice
        fields = ["offer", "price"]
        labels = {"offer": _("Course")}

    def __init__(self, *args: Any, courses: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = courses if courses is not None else Offer.objects.none()
        self.fields["offer"].empty_label = _("Choose a course")

    def validate_unique(self) -> None:
        # Checked across the rows by the formset, with a message next to the field.
        pass


class BaseCoursePriceFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args: Any, courses: Any, **kwargs: Any) -> None:
        self.courses = courses
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "courses": self.courses}

    def validate_unique(self) -> None:
        pass

    def clean(self) -> None:
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            offer = form.cleaned_data.get("offer")
            if offer is None:
                if form.cleaned_data.get("price") is not None:
                    form.add_error("offer", _("Choose the course this price is for."))
                continue
            if form.cleaned_data.get("price") is None:
                form.add_error("price", _("Enter the course's price, or remove the row."))
            if offer.pk in seen:
                form.add_error("offer", _("This course already has a price above."))
            seen.add(offer.pk)

    def prices(self) -> dict[Offer, Decimal]:
        """The course prices wanted after the change: every row with a course and a price."""
        return {
            form.cleaned_data["offer"]: form.cleaned_data["price"]
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("offer") is not None
            and form.cleaned_data.get("price") is not None
        }


def course_price_formset(extra: int) -> type[BaseCoursePriceFormSet]:
    return forms.inlineformset_factory(
        FeeSchedule,
        CoursePrice,
        form=CoursePriceForm,
        formset=BaseCoursePriceFormSet,
        fields=["offer", "price"],
        extra=extra,
        can_delete=True,
    )


class OfferChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Offer) -> str:
        return obj.name


class FeeExtraForm(forms.ModelForm):
    """An extra charged per term for places in the chosen offers (§12a), e.g. materials."""

    amount = KronerField(label=_("Amount per term (NOK)"))
    offers = OfferChoices(
        label=_("Offers"),
        queryset=Offer.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The places in these offers pay the extra."),
    )

    class Meta:
        model = FeeExtra
        fields = ["name", "amount", "offers"]

    def __init__(self, *args: Any, offers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offers"].queryset = offers if offers is not None else Offer.objects.none()
        self.fields["offers"].error_messages["invalid_choice"] = _(
            "Choose among this school's offers."
        )

    def validate_unique(self) -> None:
        # Checked across the rows by the formset, with a message next to the field.
        pass


class BaseFeeExtraFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args: Any, offers: Any, **kwargs: Any) -> None:
        self.offers = offers
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "offers": self.offers}

    def validate_unique(self) -> None:
        pass

    def clean(self) -> None:
        super().clean()
        seen: set[str] = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            name = (form.cleaned_data.get("name") or "").strip()
            if name.lower() in seen:
                form.add_error("name", _("Another extra above has this name."))
            seen.add(name.lower())

    def extras(self) -> list[tuple[str, Decimal, list[Offer]]]:
        """The extras wanted after the change: every filled row not marked for removal."""
        return [
            (
                form.cleaned_data["name"].strip(),
                form.cleaned_data["amount"],
                list(form.cleaned_data["offers"]),
            )
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("name")
        ]


def fee_extra_formset(extra: int) -> type[BaseFeeExtraFormSet]:
    return forms.inlineformset_factory(
        FeeSchedule,
        FeeExtra,
        form=FeeExtraForm,
        formset=BaseFeeExtraFormSet,
        fields=["name", "amount", "offers"],
        extra=extra,
        can_delete=True,
    )
