"""Forms of the office's admission pages: they validate and convert input; services write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from enrollment import rules as enrollment_rules
from enrollment import selectors as enrollment_selectors
from enrollment.models import Offer, Pupil, School, Term
from kulturskole.forms import FilterForm
from waitlist import selectors
from waitlist.models import Audition, PlaceOffer

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
# AdmissionRound.seed is a signed 64-bit column.
MAX_SEED = 2**63 - 1


# --- Waiting list -----------------------------------------------------------------------------


class WaitingListFilterForm(FilterForm):
    """Narrows an offer's waiting list; the ranking itself never changes."""

    WAITING = "waiting"
    OFFERED = "offered"
    ALL = "all"
    STATUS_CHOICES = [
        (WAITING, _("On the waiting list")),
        (OFFERED, _("Place offered")),
        (ALL, _("Both")),
    ]
    AUDITION_CHOICES = [
        ("", _("Any")),
        ("passed", _("Passed an audition")),
        ("pending", _("Audition requested, not held yet")),
        ("failed", _("Audition not passed")),
        ("needs", _("Needs a passed audition (§4d)")),
    ]

    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    audition = forms.ChoiceField(label=_("Audition"), choices=AUDITION_CHOICES, required=False)
    late = forms.BooleanField(label=_("Late applications only (§3a)"), required=False)
    holds_place = forms.BooleanField(label=_("Holds a place already (§4e)"), required=False)

    def filters(self) -> dict[str, Any]:
        """The chosen filters; an invalid choice counts as no choice."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "status": data.get("status") or self.WAITING,
            "audition": data.get("audition") or "",
            "late": bool(data.get("late")),
            "holds_place": bool(data.get("holds_place")),
        }


class PupilChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Pupil) -> str:
        born = formats.date_format(obj.birth_date, "SHORT_DATE_FORMAT")
        return f"{obj.last_name}, {obj.first_name} ({born})"


class OnBehalfApplicationForm(forms.Form):
    """The office registers an application for a family, e.g. after a phone call.

    Only the office may grant an age exception (§4a); when the pupil's age is outside the
    offer's range the reason is required, and it is recorded with the application.
    """

    pupil = PupilChoiceField(label=_("Pupil"), queryset=Pupil.objects.none())
    age_exception_reason = forms.CharField(
        label=_("Reason for an age exception"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "§4a: only when the pupil's age is outside the offer's age range. The reason is "
            "recorded with the application."
        ),
    )
    audition_requested = forms.BooleanField(
        label=_("The family asks for an audition (§4c)"), required=False
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example how the application was received (telephone, e-mail)."),
    )

    def __init__(self, *args: Any, school: School, offer: Offer, today: dt.date, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.school, self.offer, self.today = school, offer, today
        pupils: QuerySet[Pupil] = Pupil.objects.filter(household__school=school).order_by(
            "last_name", "first_name", "pk"
        )
        self.fields["pupil"].queryset = pupils
        if not (offer.audition_available or offer.audition_required):
            del self.fields["audition_requested"]
        self.age_day = self._age_day()

    def _age_day(self) -> dt.date:
        """The day the age is checked on, as application_submit does: the next term's start."""
        return enrollment_selectors.age_reference_date(self.school, self.today)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        pupil = data.get("pupil")
        if pupil is None:
            return data
        reason = (data.get("age_exception_reason") or "").strip()
        age = enrollment_rules.age_on(pupil.birth_date, self.age_day)
        if self.offer.age_range.admits(age):
            # Nothing to except: no exception is recorded.
            data["age_exception_reason"] = ""
            return data
        policy = selectors.policy_for(self.school)
        facts = {
            "pupil": pupil.first_name,
            "age": age,
            "day": formats.date_format(self.age_day),
            "offer": self.offer.name,
            "range": self.offer.age_range,
        }
        if not policy.age_exceptions_allowed:
            self.add_error(
                "pupil",
                _(
                    "%(pupil)s will be %(age)s on %(day)s, and the age range of %(offer)s is "
                    "%(range)s. The school's rules do not allow age exceptions (§4a)."
                )
                % facts,
            )
        elif not reason:
            self.add_error(
                "age_exception_reason",
                _(
                    "%(pupil)s will be %(age)s on %(day)s, and the age range of %(offer)s is "
                    "%(range)s. Give the reason for an age exception (§4a), or choose another "
                    "pupil."
                )
                % facts,
            )
        data["age_exception_reason"] = reason
        return data


# --- Main admission ---------------------------------------------------------------------------


class TermChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Term) -> str:
        starts = formats.date_format(obj.starts_on, "SHORT_DATE_FORMAT")
        return str(_("%(term)s (starts %(date)s)") % {"term": obj, "date": starts})


def upcoming_terms(school: School, today: dt.date) -> QuerySet[Term]:
    """Terms that have not started: the ones a main admission can be for."""
    return Term.objects.filter(school=school, starts_on__gt=today).order_by("starts_on")


def default_admission_term(school: School, today: dt.date) -> Term | None:
    """The next autumn term (main admission is in spring, for the school year from August)."""
    terms = upcoming_terms(school, today)
    return terms.filter(season=Term.Season.AUTUMN).first() or terms.first()


class MainAdmissionForm(forms.Form):
    """Which term to preview, and the lottery seed that breaks ties (kept so it reproduces)."""

    term = TermChoiceField(label=_("Term"), queryset=Term.objects.none(), empty_label=None)
    seed = forms.IntegerField(
        label=_("Lottery seed"),
        required=False,
        min_value=0,
        max_value=MAX_SEED,
        help_text=_("Empty for a new draw."),
    )

    def __init__(self, *args: Any, school: School, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = upcoming_terms(school, today)


class RunAdmissionForm(forms.Form):
    """The confirmed run: the same term and seed as the preview."""

    term = forms.ModelChoiceField(queryset=Term.objects.none(), widget=forms.HiddenInput)
    seed = forms.IntegerField(min_value=0, max_value=MAX_SEED, widget=forms.HiddenInput)

    def __init__(self, *args: Any, school: School, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = upcoming_terms(school, today)


# --- Auditions --------------------------------------------------------------------------------


class AuditionFilterForm(FilterForm):
    TO_SCHEDULE = "to_schedule"
    SCHEDULED = "scheduled"
    DECIDED = "decided"
    SHOW_CHOICES = [
        (TO_SCHEDULE, _("To be scheduled")),
        (SCHEDULED, _("Scheduled")),
        (DECIDED, _("Decided")),
    ]
    show = forms.ChoiceField(label=_("Show"), choices=SHOW_CHOICES, required=False)

    def chosen(self) -> str:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("show"):
            return self.cleaned_data["show"]
        return self.TO_SCHEDULE


class AuditionScheduleForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    time = forms.TimeField(label=_("Time"), widget=TIME_INPUT)
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        help_text=_("Where the audition is held, e.g. the room and the address."),
    )

    def __init__(self, *args: Any, audition: Audition | None = None, **kwargs: Any) -> None:
        if audition is not None and audition.scheduled_at and "initial" not in kwargs:
            local = timezone.localtime(audition.scheduled_at)
            kwargs["initial"] = {
                "date": local.date(),
                "time": local.time(),
                "place": audition.place,
            }
        super().__init__(*args, **kwargs)

    def scheduled_at(self) -> dt.datetime:
        naive = dt.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])
        return timezone.make_aware(naive)


class AuditionResultForm(forms.Form):
    PASSED = "passed"
    FAILED = "failed"

    result = forms.ChoiceField(
        label=_("Result"),
        choices=[(PASSED, _("Passed")), (FAILED, _("Not passed"))],
        widget=forms.RadioSelect,
    )
    score = forms.IntegerField(
        label=_("Score (0–10)"),
        min_value=0,
        max_value=10,
        required=False,
        help_text=_(
            "Required when passed. §4c: orders the passed auditions at admission, highest first."
        ),
    )
    note = forms.CharField(
        label=_("Assessment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Recorded with the result; the reason the decision can be explained."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("result") == self.PASSED and data.get("score") is None:
            self.add_error(
                "score",
                _("Give a score from 0 to 10: it orders the passed auditions at admission."),
            )
        return data

    @property
    def passed(self) -> bool:
        return self.cleaned_data["result"] == self.PASSED


# --- Place offers -----------------------------------------------------------------------------


class PlaceOfferFilterForm(FilterForm):
    OVERDUE = "overdue"

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            ("", _("All")),
            *PlaceOffer.Status.choices,
            (OVERDUE, _("Deadline passed, not answered")),
        ],
        required=False,
    )
    offer = forms.ModelChoiceField(
        label=_("Offer"), queryset=Offer.objects.none(), required=False, empty_label=_("All")
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = Offer.objects.filter(school=school).order_by("name")

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {"status": data.get("status") or "", "offer": data.get("offer")}
