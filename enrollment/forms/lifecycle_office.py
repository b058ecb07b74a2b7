"""Forms for the office's teaching and follow-up pages: validate and convert input only.

Forms that belong to one school take `school=` so that every choice (offers, terms, teachers,
locations, placements) comes from that school: an id of another school's object is simply
not a valid choice and gets a message next to the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from enrollment import lifecycle_selectors as selectors
from enrollment.forms.office import DATE_INPUT, TIME_INPUT
from enrollment.models import (
    AbsenceReport,
    Leave,
    Lesson,
    Location,
    Offer,
    OfficeHours,
    Placement,
    Pupil,
    School,
    SchoolHoliday,
    SchoolPolicy,
    TeachingGroup,
    Term,
    Termination,
)
from kulturskole.access import Role
from kulturskole.forms import FilterForm

User = get_user_model()


def person_label(user: Any) -> str:
    return user.get_full_name() or user.email


class TeacherChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


def teachers_of(school: School) -> QuerySet[Any]:
    return (
        User.objects.filter(staff_roles__school=school, staff_roles__role=Role.TEACHER)
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


# --- Teaching groups


class TeachingGroupForm(forms.ModelForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to name the group after the offer, weekday and time."),
    )
    teacher = TeacherChoiceField(
        label=_("Teacher"),
        queryset=User.objects.none(),
        help_text=_("Only staff with the teacher role at this school can be chosen."),
        error_messages={"invalid_choice": _("Choose one of the school's teachers.")},
    )

    class Meta:
        model = TeachingGroup
        fields = [
            "offer",
            "term",
            "name",
            "teacher",
            "weekday",
            "starts_at",
            "ends_at",
            "location",
            "room",
        ]
        widgets = {"starts_at": TIME_INPUT, "ends_at": TIME_INPUT}
        error_messages = {
            "offer": {"invalid_choice": _("Choose one of the school's offers.")},
            "term": {"invalid_choice": _("Choose one of the school's terms.")},
            "location": {"invalid_choice": _("Choose one of the school's locations.")},
        }

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["offer"].queryset = Offer.objects.filter(school=school).order_by("name")
        self.fields["term"].queryset = Term.objects.filter(school=school).order_by("-starts_on")
        self.fields["teacher"].queryset = teachers_of(school)
        self.fields["location"].queryset = Location.objects.filter(school=school)
        self.fields["location"].help_text = _("Leave empty to use the offer's location.")
        self.fields["room"].help_text = _("For example «Room 204» or «Black box».")
        if self.instance.pk is None:
            self.fields["weekday"].initial = OfficeHours.Weekday.MONDAY
        else:
            self.fix_schedule()

    def fix_schedule(self) -> None:
        """Once lessons exist, the fields that place them in time are shown but not taken
        from the form (teaching.group_update refuses to change them as well)."""
        fixed: list[str] = []
        if self.instance.lessons.exists():
            fixed += ["offer", "term", "weekday", "starts_at"]
        elif self.instance.members.exists():
            fixed.append("offer")
        for name in fixed:
            self.fields[name].disabled = True
            self.fields[name].help_text = _(
                "Fixed: the group has lessons or pupils. Change single lessons in the lesson list."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and starts >= ends:
            self.add_error("ends_at", _("The lesson must end after it starts."))
        offer = data.get("offer")
        if offer and not data.get("location") and offer.location_id:
            data["location"] = offer.location
        if offer and not data.get("name") and starts and data.get("weekday") is not None:
            weekday = OfficeHours.Weekday(data["weekday"]).label
            data["name"] = f"{offer.name}, {weekday} {starts:%H:%M}"
        return data


class GroupMemberAddForm(forms.Form):
    placement = forms.ModelChoiceField(
        label=_("Pupil"),
        queryset=Placement.objects.none(),
        empty_label=_("Choose a pupil"),
        error_messages={
            "invalid_choice": _("Choose a pupil with a current place in this group's offer.")
        },
    )

    def __init__(self, *args: Any, group: TeachingGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["placement"]
        field.queryset = selectors.addable_placements(group)
        field.label_from_instance = lambda placement: (
            f"{placement.pupil.last_name}, {placement.pupil.first_name} "
            f"({placement.get_status_display()})"
        )


# --- School holidays


class HolidayForm(forms.ModelForm):
    class Meta:
        model = SchoolHoliday
        fields = ["name", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE_INPUT, "ends_on": DATE_INPUT}
        help_texts = {
            "name": _("For example «Autumn break» or «Christmas holidays»."),
            "ends_on": _("The same as the first day for a single day off."),
        }

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.school = school

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the holiday a name."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, last = data.get("starts_on"), data.get("ends_on")
        if first and last:
            if last < first:
                self.add_error("ends_on", _("The last day cannot come before the first day."))
            elif (last - first).days > 92:
                self.add_error(
                    "ends_on", _("A holiday longer than three months is a break between terms.")
                )
        return data


# --- §7 Absence reported to the office


# A call taken but not typed in at once may be recorded up to two weeks later.
REPORT_DAYS_BACK = dt.timedelta(days=14)


class OfficeAbsenceReportForm(forms.Form):
    """A report the home gave the office by phone or e-mail (§7).

    It makes an absence reported only when it came before the lesson; a report after the
    lesson is the note the pupil brings to the next lesson, which the teacher records.
    """

    VIA_CHOICES = [
        (AbsenceReport.Via.PHONE, _("By phone")),
        (AbsenceReport.Via.EMAIL, _("By e-mail")),
    ]

    via = forms.ChoiceField(
        label=_("The home reported it"), choices=VIA_CHOICES, widget=forms.RadioSelect
    )
    received_on = forms.DateField(
        label=_("Received on"),
        widget=DATE_INPUT,
        help_text=_("The day the call or e-mail came in."),
    )
    lessons = forms.MultipleChoiceField(
        label=_("Lessons the pupil will miss"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one lesson.")},
    )
    reason = forms.CharField(
        label=_("Reason given"),
        max_length=300,
        required=False,
        help_text=_("Only what the home said, such as «ill». No health details."),
    )

    def __init__(self, *args: Any, lessons: list[Lesson], today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.lesson_objects = {str(lesson.pk): lesson for lesson in lessons}
        self.fields["received_on"].initial = today
        self.fields["lessons"].choices = [
            (
                str(lesson.pk),
                f"{lesson.date:%d.%m.%Y} {lesson.starts_at:%H:%M} – {lesson.group}",
            )
            for lesson in lessons
            if lesson.report is None and lesson.date >= today - REPORT_DAYS_BACK
        ]

    def clean_received_on(self) -> dt.date:
        day = self.cleaned_data["received_on"]
        if day > self.today:
            raise forms.ValidationError(_("The report cannot be received in the future."))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        received = data.get("received_on")
        if received and received < self.today - REPORT_DAYS_BACK:
            self.add_error("received_on", _("Record a report within two weeks of receiving it."))
        elif received and data.get("lessons"):
            late = [lesson for lesson in self.chosen_lessons() if lesson.date < received]
            if late:
                self.add_error(
                    "lessons",
                    _(
                        "A report received after the lesson does not make the absence "
                        "reported (§7): the pupil brings a note to the next lesson and the "
                        "teacher records it. Lessons before %(day)s: %(lessons)s."
                    )
                    % {
                        "day": received.strftime("%d.%m.%Y"),
                        "lessons": ", ".join(f"{lesson.date:%d.%m.%Y}" for lesson in late),
                    },
                )
        return data

    def chosen_lessons(self) -> list[Lesson]:
        return [self.lesson_objects[pk] for pk in self.cleaned_data.get("lessons", [])]


# --- §9d–f Termination by the school


class PlacementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.offer.name} ({obj.get_status_display()})"


class TerminationForm(forms.Form):
    """The decision as the office enters it; `clean` checks what termination_decide checks, so
    the message appears next to the field instead of after confirming."""

    placement = PlacementChoiceField(
        label=_("Place"),
        queryset=Placement.objects.none(),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the pupil's current places.")},
    )
    reason = forms.ChoiceField(
        label=_("Reason (§9d)"), choices=Termination.Reason.choices, widget=forms.RadioSelect
    )
    term = forms.ModelChoiceField(
        label=_("Term of the absences"),
        queryset=Term.objects.none(),
        required=False,
        help_text=_("For ii and iii: the term in which the absences were registered."),
        error_messages={"invalid_choice": _("Choose one of the school's terms.")},
    )
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Printed in the letter to the home (§9f). State the facts the decision rests on, "
            "what the school has done to follow up, and why the place ends."
        ),
        error_messages={
            "required": _("Write the justification: the letter must give the reasons (§9f).")
        },
    )
    effective_on = forms.DateField(
        label=_("The place ends on"),
        widget=DATE_INPUT,
        help_text=_("Today or later. No fee reduction follows (§9e)."),
    )

    def __init__(
        self,
        *args: Any,
        school: School,
        pupil: Pupil,
        policy: SchoolPolicy,
        today: dt.date,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.policy = policy
        self.today = today
        self.flags: Any = None
        self.fields["placement"].queryset = (
            Placement.objects.filter(pupil=pupil, offer__school=school)
            .exclude(status=Placement.Status.ENDED)
            .select_related("offer", "pupil")
            .order_by("offer__name", "pk")
        )
        self.fields["term"].queryset = Term.objects.filter(school=school).order_by("-starts_on")

    def clean_justification(self) -> str:
        text = self.cleaned_data["justification"].strip()
        if not text:
            raise forms.ValidationError(
                _("Write the justification: the letter must give the reasons (§9f).")
            )
        return text

    def clean_effective_on(self) -> dt.date:
        day = self.cleaned_data["effective_on"]
        if day < self.today:
            raise forms.ValidationError(_("The place cannot end before the decision is made."))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        placement, reason, term = data.get("placement"), data.get("reason"), data.get("term")
        if placement is not None and placement.end_reason == Placement.EndReason.TERMINATION:
            self.add_error(
                "placement",
                _("The school has already decided to end this place (ends %(day)s).")
                % {"day": placement.ends_on.strftime("%d.%m.%Y") if placement.ends_on else "–"},
            )
        absences = (Termination.Reason.CONSECUTIVE_ABSENCES, Termination.Reason.TOTAL_ABSENCES)
        if reason in absences:
            if term is None:
                self.add_error("term", _("Choose the term the absences were in."))
            elif placement is not None:
                self.flags = selectors.placement_absence_flags(placement, term, self.policy)
                met = (
                    self.flags.consecutive
                    if reason == Termination.Reason.CONSECUTIVE_ABSENCES
                    else self.flags.total
                )
                if not met:
                    self.add_error("reason", self.absence_shortfall(reason, term))
        else:
            data["term"] = None
        return data

    def absence_shortfall(self, reason: str, term: Term) -> str:
        if reason == Termination.Reason.CONSECUTIVE_ABSENCES:
            return _(
                "The registered absences do not meet §9d ii in %(term)s: it needs %(count)s "
                "unreported absences in a row."
            ) % {"term": term, "count": self.policy.consecutive_unreported_absences}
        return _(
            "The registered absences do not meet §9d iii in %(term)s: it needs %(count)s "
            "unreported absences in the term."
        ) % {"term": term, "count": self.policy.total_unreported_absences}

    def lessons(self) -> tuple[dt.date, ...]:
        """The days of the unreported absences the decision rests on (ii–iii)."""
        if self.flags is None:
            return ()
        if self.cleaned_data.get("reason") == Termination.Reason.CONSECUTIVE_ABSENCES:
            return self.flags.consecutive
        return self.flags.total


class AppealRegisterForm(forms.Form):
    received_on = forms.DateField(label=_("Appeal received"), widget=DATE_INPUT)
    text = forms.CharField(
        label=_("The appeal"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the home writes, or a summary with where the letter is filed."),
        error_messages={"required": _("Write what the appeal says.")},
    )

    def __init__(self, *args: Any, termination: Termination, today: dt.date, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.termination = termination
        self.today = today
        self.fields["received_on"].initial = today

    def clean_received_on(self) -> dt.date:
        day = self.cleaned_data["received_on"]
        if day > self.today:
            raise forms.ValidationError(_("The appeal cannot be received in the future."))
        if day < self.termination.decided_at.date():
            raise forms.ValidationError(_("The appeal cannot be received before the decision."))
        return day

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write what the appeal says."))
        return text


class AppealResolveForm(forms.Form):
    OUTCOMES = [
        ("upheld", _("Upheld: the decision stands and the place ends")),
        ("overturned", _("Overturned: the pupil keeps the place")),
    ]

    outcome = forms.ChoiceField(
        label=_("The appeal body decided"), choices=OUTCOMES, widget=forms.RadioSelect
    )
    resolution = forms.CharField(
        label=_("The decision on the appeal"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Who decided, when, and the reasons given."),
        error_messages={"required": _("Write what the appeal body decided and why.")},
    )

    def clean_resolution(self) -> str:
        text = self.cleaned_data["resolution"].strip()
        if not text:
            raise forms.ValidationError(_("Write what the appeal body decided and why."))
        return text


# --- §14 Leave


class LeaveDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the leave")), ("refuse", _("Refuse the leave"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the home"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Required when refusing: the home is told why."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "refuse" and not data.get("note", "").strip():
            self.add_error("note", _("Say why the leave is refused."))
        return data


class LeaveReturnForm(forms.Form):
    recovered_on = forms.DateField(label=_("Well again from"), widget=DATE_INPUT)

    def __init__(self, *args: Any, starts_on: dt.date, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.starts_on = starts_on
        self.today = today
        self.fields["recovered_on"].initial = today

    def clean_recovered_on(self) -> dt.date:
        day = self.cleaned_data["recovered_on"]
        if day < self.starts_on:
            raise forms.ValidationError(_("The pupil cannot be well again before the leave began."))
        if day > self.today + dt.timedelta(days=60):
            raise forms.ValidationError(_("Register the return at most two months ahead."))
        return day


# --- List filters


class TerminationFilterForm(FilterForm):
    STATUS_CHOICES = [
        ("", _("All decisions")),
        ("decided", _("Decided, no appeal")),
        ("pending", _("Appeal pending")),
        ("upheld", _("Appeal: upheld")),
        ("overturned", _("Appeal: overturned")),
    ]
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)


class LeaveFilterForm(FilterForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All applications")), *Leave.Status.choices],
        required=False,
    )


class PlacesEndingForm(FilterForm):
    months = forms.TypedChoiceField(
        label=_("Ending within"),
        coerce=int,
        choices=[
            (1, _("1 month")),
            (3, _("3 months")),
            (6, _("6 months")),
            (12, _("12 months")),
        ],
        required=False,
        empty_value=3,
        initial=3,
    )
