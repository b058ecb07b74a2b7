"""Forms guardians fill in: applying, asking to switch, and signing a place offer's contract.

Forms only validate and convert; the rules of the rule book (age, the number of applications,
duplicates, closed offers) are the service's to check, so its message is the one shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from enrollment.models import Discipline, Offer, Pupil

NOTE_MAX_LENGTH = 2000
DISCIPLINE_LABELS = dict(Discipline.choices)


def offer_label(offer: Offer) -> str:
    """How an offer reads in the list: its name and place, and what is special about it."""
    details = []
    if offer.kind == Offer.Kind.COURSE:
        details.append(str(_("course")))
    details.append(str(offer.age_range))
    if offer.audition_required:
        details.append(str(_("audition required")))
    elif offer.audition_available:
        details.append(str(_("audition possible")))
    return f"{offer} ({', '.join(details)})"


def grouped_offer_choices(offers: Iterable[Offer]) -> list[Any]:
    """Offers grouped by discipline (an <optgroup> each), in the order given."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for offer in offers:
        label = str(DISCIPLINE_LABELS.get(offer.discipline, offer.discipline))
        groups.setdefault(label, []).append((str(offer.pk), offer_label(offer)))
    return [("", _("Choose an offer")), *groups.items()]


def audition_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("We would like an audition"),
        required=False,
        help_text=_(
            "§4c: at the main admission, some of the places can go to applicants admitted by "
            "audition, ahead of the waiting list. The school gives you a time."
        ),
    )


def note_field() -> forms.CharField:
    return forms.CharField(
        label=_("Message to the school"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example earlier lessons, or something the teacher should know."),
    )


class OfferChoiceMixin(forms.Form):
    """An `offer` field whose choices are grouped by discipline.

    `offers` are the offers the guardian may pick from (shown); `valid_offers` those that are
    accepted when sent (shown or not), so an offer that closed while the form was open reaches
    the service, which says why it is refused.
    """

    offer = forms.TypedChoiceField(
        label=_("Offer"),
        coerce=int,
        error_messages={"invalid_choice": _("Choose one of the offers in the list.")},
    )

    def setup_offers(self, offers: Iterable[Offer], valid_offers: Iterable[Offer]) -> None:
        self.valid_offers = {offer.pk: offer for offer in valid_offers}
        shown = list(offers)
        selected = self._selected_offer_id()
        if selected in self.valid_offers and selected not in {o.pk for o in shown}:
            shown.append(self.valid_offers[selected])
        self.fields["offer"].choices = grouped_offer_choices(shown)
        self.shown_offers = shown

    def _selected_offer_id(self) -> int | None:
        raw = (
            self.data.get(self.add_prefix("offer")) if self.is_bound else self.initial.get("offer")
        )
        try:
            return int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None

    def selected_offer(self) -> Offer | None:
        """The offer chosen so far (sent, or prefilled), to decide what else the form asks."""
        return self.valid_offers.get(self._selected_offer_id() or 0)

    def clean_offer(self) -> Offer:
        offer = self.valid_offers.get(self.cleaned_data["offer"])
        if offer is None:
            raise forms.ValidationError(_("Choose one of the offers in the list."), code="invalid")
        return offer


class ApplicationForm(OfferChoiceMixin):
    """A new application (or one for an advertised vacancy, §5c) for one of the children."""

    pupil = forms.ModelChoiceField(
        label=_("Child"),
        queryset=Pupil.objects.none(),
        empty_label=_("Choose a child"),
        error_messages={"invalid_choice": _("Choose one of your children in the list.")},
    )
    audition_requested = audition_field()
    note = note_field()
    vacancy = forms.BooleanField(required=False, widget=forms.HiddenInput)

    field_order = ["pupil", "offer", "audition_requested", "note", "vacancy"]

    def __init__(
        self,
        *args: Any,
        pupils: QuerySet[Pupil],
        offers: Iterable[Offer],
        valid_offers: Iterable[Offer],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils
        self.setup_offers(offers, valid_offers)


class SwitchForm(OfferChoiceMixin):
    """§11: the offer a pupil with a place would rather have."""

    audition_requested = audition_field()
    note = note_field()

    def __init__(
        self,
        *args: Any,
        offers: Iterable[Offer],
        valid_offers: Iterable[Offer],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offer"].label = _("New offer")
        self.setup_offers(offers, valid_offers)


class ContractAcceptForm(forms.Form):
    accept = forms.BooleanField(
        label=_("I have read the contract and accept it on behalf of the household"),
        error_messages={
            "required": _("Tick the box to confirm that you have read the contract and accept it.")
        },
    )
