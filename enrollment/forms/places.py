"""Forms on the guardian's place pages: reporting absence (§7), notice (§9b), leave (§14) and
the return from leave (§14a).

Forms only validate and convert; `enrollment.services.lifecycle` writes and applies the rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from enrollment.models import Leave, Lesson
from kulturskole import dates

# §14a: a doctor's note is a scan or a photo; anything larger is not a document.
DOCTOR_NOTE_MAX_BYTES = 10 * 1024 * 1024
# How far back an illness may have started, and how far ahead leave may be applied for.
LEAVE_START_PAST_DAYS = 120
LEAVE_START_FUTURE_DAYS = 180
LEAVE_MAX_WEEKS = 40
# A return may be announced some weeks ahead, when the doctor has said when.
RETURN_FUTURE_DAYS = 90

# The first bytes of the kinds of file a doctor's note may be: (kind, offset, signature).
_SIGNATURES = (
    ("pdf", 0, b"%PDF-"),
    ("jpeg", 0, b"\xff\xd8\xff"),
    ("png", 0, b"\x89PNG\r\n\x1a\n"),
    ("heic", 4, b"ftypheic"),
    ("heic", 4, b"ftypheix"),
    ("heic", 4, b"ftypmif1"),
    ("heic", 4, b"ftypmsf1"),
)
DOCTOR_NOTE_ACCEPT = "application/pdf,image/jpeg,image/png,image/heic,.pdf,.jpg,.jpeg,.png,.heic"


def lesson_started(lesson: Lesson, now: dt.datetime) -> bool:
    """A lesson that has begun is reported afterwards with a note, not online (§7)."""
    begins = timezone.make_aware(
        dt.datetime.combine(lesson.date, lesson.starts_at), timezone.get_current_timezone()
    )
    return begins <= now


def _day(day: dt.date) -> str:
    return dates.day_month(day)


class AbsenceReportForm(forms.Form):
    """§7: the home reports absence ahead, for one or more of the child's coming lessons."""

    lessons = forms.ModelMultipleChoiceField(
        label=_("Lessons"),
        queryset=Lesson.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick the lessons the child will miss.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("For the teacher, such as «ill» or «school trip»."),
    )

    def __init__(
        self,
        *args: Any,
        lessons: QuerySet[Lesson],
        reported: Collection[int],
        now: dt.datetime,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lessons"].queryset = lessons
        self.reported = set(reported)
        self.now = now

    def clean_lessons(self) -> list[Lesson]:
        lessons = sorted(self.cleaned_data["lessons"], key=lambda x: (x.date, x.starts_at))
        started = [lesson for lesson in lessons if lesson_started(lesson, self.now)]
        if started:
            raise forms.ValidationError(
                ngettext(
                    "The lesson on %(days)s has already started or been held. Absence is "
                    "reported online before the lesson; afterwards, send a note with the child "
                    "to the next lesson (§7).",
                    "The lessons on %(days)s have already started or been held. Absence is "
                    "reported online before the lesson; afterwards, send a note with the child "
                    "to the next lesson (§7).",
                    len(started),
                )
                % {"days": ", ".join(_day(lesson.date) for lesson in started)},
                code="started",
            )
        cancelled = [lesson for lesson in lessons if lesson.is_cancelled]
        if cancelled:
            raise forms.ValidationError(
                ngettext(
                    "The lesson on %(days)s is cancelled by the school; there is no absence "
                    "to report.",
                    "The lessons on %(days)s are cancelled by the school; there is no absence "
                    "to report.",
                    len(cancelled),
                )
                % {"days": ", ".join(_day(lesson.date) for lesson in cancelled)},
                code="cancelled",
            )
        twice = [lesson for lesson in lessons if lesson.pk in self.reported]
        if twice:
            raise forms.ValidationError(
                ngettext(
                    "Absence on %(days)s is already reported.",
                    "Absence on %(days)s is already reported.",
                    len(twice),
                )
                % {"days": ", ".join(_day(lesson.date) for lesson in twice)},
                code="reported",
            )
        return lessons


class NoticeForm(forms.Form):
    """§9b: written notice. The page states the outcome; `expected` guards against the
    deadline passing between reading it and confirming."""

    reason = forms.CharField(
        label=_("Why does the child stop?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Helps the school improve its offers. You do not have to answer."),
    )
    expected = forms.CharField(widget=forms.HiddenInput, required=False)


def _sniff(upload: UploadedFile) -> str | None:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for kind, offset, signature in _SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            return kind
    return None


class LeaveForm(forms.Form):
    """§14: leave for illness longer than the policy's weeks, with a doctor's note."""

    # The note is optional to the form but needed for illness; the service says so.
    hide_optional_marker = True

    reason = forms.ChoiceField(
        label=_("Why does the child need leave?"),
        choices=Leave.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose illness or another reason.")},
    )
    starts_on = forms.DateField(
        label=_("Away from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date, such as 2026-10-05.")},
    )
    expected_weeks = forms.IntegerField(
        label=_("Expected teaching weeks away"),
        min_value=1,
        max_value=LEAVE_MAX_WEEKS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("As the doctor expects. Count the weeks with lessons, not holidays."),
    )
    description = forms.CharField(
        label=_("Anything the school should know"),
        help_text=_("If you like."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    doctor_note = forms.FileField(
        label=_("Doctor's note"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": DOCTOR_NOTE_ACCEPT}),
        help_text=_(
            "Needed for leave for illness. A PDF, or a photo (JPEG, PNG or HEIC) of the note, "
            "at most 10 MB. Only the office sees it."
        ),
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["starts_on"].widget.attrs.update(
            min=(today - dt.timedelta(days=LEAVE_START_PAST_DAYS)).isoformat(),
            max=(today + dt.timedelta(days=LEAVE_START_FUTURE_DAYS)).isoformat(),
        )

    def clean_starts_on(self) -> dt.date:
        day = self.cleaned_data["starts_on"]
        if day < self.today - dt.timedelta(days=LEAVE_START_PAST_DAYS):
            raise forms.ValidationError(
                _("Leave cannot start more than %(days)s days back. Contact the office.")
                % {"days": LEAVE_START_PAST_DAYS}
            )
        if day > self.today + dt.timedelta(days=LEAVE_START_FUTURE_DAYS):
            raise forms.ValidationError(
                _("Apply at most %(days)s days ahead.") % {"days": LEAVE_START_FUTURE_DAYS}
            )
        return day

    def clean_doctor_note(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("doctor_note")
        if not upload:
            return None
        if upload.size > DOCTOR_NOTE_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is 10 MB. Take a smaller photo or scan.")
                % {"size": formats.number_format(round(upload.size / 1024 / 1024, 1), 1) + " MB"},
                code="too_large",
            )
        kind = _sniff(upload)
        if kind is None:
            raise forms.ValidationError(
                _("Upload the note as a PDF or a photo (JPEG, PNG or HEIC)."), code="file_type"
            )
        # The stored name's extension says what the file is, not what the phone called it.
        upload.name = f"doctor-note.{'jpg' if kind == 'jpeg' else kind}"
        return upload


class LeaveReturnForm(forms.Form):
    """§14a: the day the child is well again."""

    recovered_on = forms.DateField(
        label=_("Well again from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date, such as 2026-10-05.")},
    )

    def __init__(self, *args: Any, leave: Leave, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.leave = leave
        self.today = today
        self.fields["recovered_on"].widget.attrs.update(
            min=leave.starts_on.isoformat(),
            max=(today + dt.timedelta(days=RETURN_FUTURE_DAYS)).isoformat(),
        )

    def clean_recovered_on(self) -> dt.date:
        day = self.cleaned_data["recovered_on"]
        if day < self.leave.starts_on:
            raise forms.ValidationError(
                _("The leave started on %(day)s; choose that day or later.")
                % {"day": dates.day_month_year(self.leave.starts_on)}
            )
        if day > self.today + dt.timedelta(days=RETURN_FUTURE_DAYS):
            raise forms.ValidationError(
                _("Tell us at most %(days)s days ahead.") % {"days": RETURN_FUTURE_DAYS}
            )
        return day
