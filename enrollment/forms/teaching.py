"""Forms for the teacher's pages: validate and convert input only.

Forms that choose among a school's people or a group's lessons take them as arguments, so a
posted id from elsewhere is "not one of the choices" with a message, never a lookup outside
the user's scope.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enrollment.models import AbsenceReport, Attendance, EffortAssessment, Lesson

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class AttendanceForm(forms.Form):
    status = forms.ChoiceField(choices=Attendance.Status.choices)


class NoteBroughtForm(forms.Form):
    """§7: the note the pupil brought for an absence without notice."""

    missed = forms.ModelChoiceField(
        queryset=Lesson.objects.none(),
        error_messages={"invalid_choice": _("Choose one of the group's earlier lessons.")},
    )

    def __init__(self, *args: Any, lessons: QuerySet[Lesson], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["missed"].queryset = lessons


# Ways a report reaches the teacher or the office; online reports come from the family portal
# and a note after the absence has its own button.
STAFF_REPORT_CHOICES = [
    (AbsenceReport.Via.PHONE.value, _("By phone")),
    (AbsenceReport.Via.EMAIL.value, _("By e-mail")),
    (AbsenceReport.Via.TEACHER.value, _("Told the teacher")),
]


class AbsenceReportForm(forms.Form):
    via = forms.ChoiceField(
        label=_("How did the home report the absence?"),
        choices=STAFF_REPORT_CHOICES,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("What the home said, if anything. The guardians can see it."),
    )


class LessonCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the lesson cancelled?"),
        max_length=200,
        help_text=_("Sent to the homes in the e-mail, for example “The teacher is ill”."),
        error_messages={"required": _("Write the reason the homes will read.")},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Write the reason the homes will read."))
        return reason


class LessonChangeForm(forms.Form):
    """§8a: another day, time or a substitute; §17: the content of the lesson."""

    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    starts_at = forms.TimeField(label=_("Starts"), widget=TIME_INPUT)
    ends_at = forms.TimeField(label=_("Ends"), widget=TIME_INPUT)
    substitute = forms.ModelChoiceField(
        label=_("Substitute teacher"),
        queryset=None,
        required=False,
        empty_label=_("No substitute"),
        help_text=_("One of the school's teachers. They can register this lesson."),
        error_messages={"invalid_choice": _("Choose one of the school's teachers.")},
    )
    room = forms.CharField(label=_("Room"), max_length=100, required=False)
    kind = forms.ChoiceField(
        label=_("Content (§17)"), choices=Lesson.Kind.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note to the homes"),
        max_length=300,
        required=False,
        help_text=_(
            "Shown with the lesson on the family pages, for example what to bring to a "
            "rehearsal or where to meet for a visit."
        ),
    )

    def __init__(self, *args: Any, teachers: QuerySet[Any], term: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.term = term
        field = self.fields["substitute"]
        field.queryset = teachers
        field.label_from_instance = lambda user: user.get_full_name() or user.email

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and starts >= ends:
            self.add_error("ends_at", _("The lesson must end after it starts."))
        day = data.get("date")
        if day and self.term and not self.term.starts_on <= day <= self.term.ends_on:
            self.add_error(
                "date",
                _("Choose a day in the term (%(first)s – %(last)s).")
                % {
                    "first": f"{self.term.starts_on:%d.%m.%Y}",
                    "last": f"{self.term.ends_on:%d.%m.%Y}",
                },
            )
        return data


class EffortForm(forms.Form):
    """§16b: the teacher's assessment of a pupil's own effort this term."""

    level = forms.ChoiceField(
        label=_("Effort this term"),
        choices=EffortAssessment.Level.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Keep it factual: it is part of the record the home may ask to see."),
    )


class ConferencePublishForm(forms.Form):
    """§15: a row of conference hours, one after the other."""

    school = forms.ModelChoiceField(
        label=_("School"),
        queryset=None,
        empty_label=None,
        error_messages={
            "invalid_choice": _("Choose a school where you teach the performer track.")
        },
    )
    date = forms.DateField(label=_("Day"), widget=DATE_INPUT)
    first_start = forms.TimeField(label=_("First hour starts"), widget=TIME_INPUT)
    minutes = forms.IntegerField(label=_("Minutes each"), min_value=5, max_value=120, initial=20)
    count = forms.IntegerField(
        label=_("Number of conference hours"), min_value=1, max_value=40, initial=6
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("For example the room number."),
    )

    def __init__(self, *args: Any, schools: QuerySet[Any], now: dt.datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.now = now
        self.fields["school"].queryset = schools
        if len(schools) == 1:
            self.fields["school"].widget = forms.HiddenInput()
            self.fields["school"].initial = schools[0].pk

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        day, start = data.get("date"), data.get("first_start")
        if day and start:
            first = timezone.make_aware(dt.datetime.combine(day, start))
            if first <= self.now:
                self.add_error("first_start", _("Choose a time that has not passed."))
            data["first"] = first
        return data
