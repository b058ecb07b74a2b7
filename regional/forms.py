"""Forms of the regional programme: validate and convert input only.

Forms that offer a choice of schools, pupils, instructors or activities take them from the
programme (and, for partner-school staff, from their own school), so an id from elsewhere is
simply not a valid choice and gets a message next to the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from enrollment.forms.office import DATE_INPUT, TIME_INPUT
from enrollment.models import Placement, School
from kulturskole.forms import FilterForm
from regional import rules
from regional.models import (
    ActivitySuggestion,
    AnnualPlanItem,
    BudgetLine,
    Gathering,
    GatheringSession,
    InDepthCriterion,
    InDepthDiscipline,
    InDepthPupil,
    Instructor,
    Material,
    MentorPair,
    NetworkMeeting,
    Programme,
    ProgressNote,
    Registration,
)

User = get_user_model()

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
RATINGS = [(value, str(value)) for value in range(1, 6)]


def person_label(user: Any) -> str:
    return user.get_full_name() or user.email


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


class PupilChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.school.name}, {obj.get_discipline_display()})"


def disciplines_field(label: Any, help_text: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=InDepthDiscipline.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


def region_people(region: Any) -> QuerySet[Any]:
    """Everyone with a role in the region or at one of its schools."""
    return (
        User.objects.filter(
            Q(regional_roles__region=region) | Q(staff_roles__school__regions=region)
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = [
            "name",
            "slug",
            "description",
            "goals",
            "schools",
            "grant_funder",
            "grant_amount",
            "starts_on",
            "ends_on",
            "project_leader",
            "steering_group",
            "network_meetings_per_year",
        ]
        widgets = {
            "starts_on": DATE_INPUT,
            "ends_on": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 3}),
            "goals": forms.Textarea(attrs={"rows": 5}),
            "schools": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, region: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.region = region
        self.fields["schools"].queryset = region.schools.order_by("kind", "name")
        people = region_people(region)
        self.fields["project_leader"] = PersonChoiceField(
            label=_("Project leader"), queryset=people, required=False
        )
        self.fields["steering_group"] = PeopleChoiceField(
            label=_("Steering group"),
            queryset=people,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("Usually the partner schools' principals."),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The programme cannot end before it starts."))
        slug = data.get("slug")
        if slug:
            clash = Programme.objects.filter(region=self.region, slug=slug)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("slug", _("Another programme of the region has this short name."))
        return data

    def validate_unique(self) -> None:
        """The region is not a form field; the slug is checked per region in clean()."""


class CriterionForm(forms.ModelForm):
    class Meta:
        model = InDepthCriterion
        fields = ["discipline", "min_age", "max_age", "min_years", "commitment"]
        widgets = {"commitment": forms.Textarea(attrs={"rows": 3})}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and high < low:
            self.add_error("max_age", _("The upper age must be at least the lower age."))
        if not any(data.get(name) not in (None, "") for name in self.Meta.fields[1:]):
            raise ValidationError(_("Give an age, years of tuition or the commitment expected."))
        return data


def unmet_messages(unmet: list[rules.Unmet]) -> list[str]:
    messages = []
    for item in unmet:
        if item.kind == "too_young":
            messages.append(
                _("Younger than %(required)s (is %(actual)s).")
                % {"required": item.required, "actual": item.actual}
            )
        elif item.kind == "too_old":
            messages.append(
                _("Older than %(required)s (is %(actual)s).")
                % {"required": item.required, "actual": item.actual}
            )
        elif item.kind == "too_few_years":
            messages.append(
                _("Fewer than %(required)s years of tuition (has %(actual)s).")
                % {"required": item.required, "actual": item.actual}
            )
        else:
            messages.append(
                _("At least %(required)s years of tuition are expected; enter the start year.")
                % {"required": item.required}
            )
    return messages


class CriteriaMixin:
    """Checks the programme's criteria; when one is unmet a reason must be given."""

    def check_criteria(
        self, data: dict[str, Any], *, birth_date: dt.date | None, today: dt.date
    ) -> None:
        discipline = data.get("discipline")
        if not discipline or birth_date is None:
            return
        unmet = rules.criteria_unmet(
            self.criteria,  # type: ignore[attr-defined]
            rules.Candidate(discipline, birth_date, data.get("started_year")),
            today=today,
        )
        self.unmet = unmet_messages(unmet)
        if unmet and not (data.get("criteria_exception") or "").strip():
            self.add_error(  # type: ignore[attr-defined]
                "criteria_exception",
                _(
                    "The pupil does not meet the programme's criteria: %(why)s Explain why you "
                    "nominate the pupil anyway."
                )
                % {"why": " ".join(self.unmet)},
            )


class NominateForm(CriteriaMixin, forms.Form):
    placement = forms.ModelChoiceField(
        label=_("Pupil and place"),
        queryset=Placement.objects.none(),
        error_messages={"invalid_choice": _("Choose a current place at your school.")},
    )
    discipline = forms.ChoiceField(
        label=_("Discipline"),
        choices=[("", _("Suggested from the place")), *InDepthDiscipline.choices],
        required=False,
    )
    instrument = forms.CharField(
        label=_("Instrument or speciality"), max_length=100, required=False
    )
    started_year = forms.IntegerField(
        label=_("Started tuition (year)"), min_value=1990, max_value=2100, required=False
    )
    criteria_exception = forms.CharField(
        label=_("Why nominated although a criterion is not met"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        placements: QuerySet[Placement],
        criteria: list[rules.Criterion],
        today: dt.date,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria, self.today, self.unmet = criteria, today, []
        field = self.fields["placement"]
        field.queryset = placements
        field.label_from_instance = lambda p: f"{p.pupil.full_name} – {p.offer.name}"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        placement = data.get("placement")
        if placement is None:
            return data
        if not data.get("discipline"):
            data["discipline"] = rules.discipline_for_offer(
                placement.offer.discipline, placement.offer.instrument, placement.offer.name
            )
        if not data.get("instrument"):
            data["instrument"] = placement.offer.instrument or ""
        if not data.get("started_year"):
            data["started_year"] = placement.starts_on.year
        self.check_criteria(data, birth_date=placement.pupil.birth_date, today=self.today)
        return data


class InDepthPupilForm(CriteriaMixin, forms.ModelForm):
    """An upper secondary pupil entered by name (no place in this system), or a change."""

    class Meta:
        model = InDepthPupil
        fields = [
            "first_name",
            "last_name",
            "birth_date",
            "email",
            "discipline",
            "instrument",
            "started_year",
            "criteria_exception",
            "is_active",
        ]
        widgets = {
            "birth_date": DATE_INPUT,
            "criteria_exception": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(
        self, *args: Any, criteria: list[rules.Criterion], today: dt.date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria, self.today, self.unmet = criteria, today, []
        if self.instance.pk is None:
            del self.fields["is_active"]
        if self.instance.pupil_id:
            # Name and birth date come from the school's own pupil register.
            for name in ("first_name", "last_name", "birth_date"):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        birth_date = data.get("birth_date", self.instance.birth_date if self.instance.pk else None)
        if birth_date and birth_date > self.today:
            self.add_error("birth_date", _("The date of birth cannot be in the future."))
            return data
        self.check_criteria(data, birth_date=birth_date, today=self.today)
        return data


class ProgressNoteForm(forms.ModelForm):
    class Meta:
        model = ProgressNote
        fields = ["written_on", "goals", "feedback"]
        widgets = {
            "written_on": DATE_INPUT,
            "goals": forms.Textarea(attrs={"rows": 3}),
            "feedback": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not ((data.get("goals") or "").strip() or (data.get("feedback") or "").strip()):
            raise ValidationError(_("Write a goal or some feedback."))
        return data


class InstructorForm(forms.ModelForm):
    class Meta:
        model = Instructor
        fields = ["name", "speciality", "email", "phone", "default_fee"]


class GatheringForm(forms.ModelForm):
    target_disciplines = disciplines_field(
        _("For disciplines"), _("Leave empty for every discipline.")
    )

    class Meta:
        model = Gathering
        fields = [
            "title",
            "date",
            "starts_at",
            "ends_at",
            "venue",
            "host_school",
            "description",
            "target_schools",
            "target_disciplines",
            "budget",
            "registration_deadline",
        ]
        widgets = {
            "date": DATE_INPUT,
            "registration_deadline": DATE_INPUT,
            "starts_at": TIME_INPUT,
            "ends_at": TIME_INPUT,
            "description": forms.Textarea(attrs={"rows": 3}),
            "target_schools": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, partners: QuerySet[School], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target_schools"].queryset = partners
        self.fields["target_schools"].help_text = _("Leave empty for every partner school.")
        self.fields["host_school"].queryset = partners

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The gathering must end after it starts."))
        day, deadline = data.get("date"), data.get("registration_deadline")
        if day and deadline and deadline > day:
            self.add_error("registration_deadline", _("The deadline must be before the day."))
        return data


class SessionForm(forms.ModelForm):
    disciplines = disciplines_field(
        _("For discipline groups"),
        _(
            "Leave empty for a session with everyone. Sessions for different groups may run "
            "at the same time."
        ),
    )

    class Meta:
        model = GatheringSession
        fields = [
            "starts_at",
            "ends_at",
            "title",
            "description",
            "disciplines",
            "room",
            "instructor",
            "instructor_fee",
        ]
        widgets = {
            "starts_at": TIME_INPUT,
            "ends_at": TIME_INPUT,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, instructors: QuerySet[Instructor], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instructor"].queryset = instructors
        self.fields["instructor_fee"].required = False
        self.fields["instructor_fee"].help_text = _(
            "Planned in the gathering's budget as an instructor fee."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The session must end after it starts."))
        if data.get("instructor_fee") is None:
            data["instructor_fee"] = (
                data["instructor"].default_fee if data.get("instructor") else rules.ZERO
            )
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Gathering.Status.choices)


class RegistrationForm(forms.Form):
    pupil = PupilChoiceField(
        label=_("Pupil"),
        queryset=InDepthPupil.objects.none(),
        error_messages={"invalid_choice": _("Choose one of your school's in-depth pupils.")},
    )
    dietary_needs = forms.CharField(
        label=_("Dietary needs and allergies"), max_length=300, required=False
    )
    needs_transport = forms.BooleanField(label=_("Needs transport"), required=False)
    travels_from = forms.ModelChoiceField(
        label=_("Travels from"),
        queryset=School.objects.none(),
        required=False,
        help_text=_("Where the pupil is picked up. Empty: the pupil's own school."),
    )

    def __init__(
        self, *args: Any, pupils: QuerySet[InDepthPupil], partners: QuerySet[School], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils
        self.fields["travels_from"].queryset = partners


class GuardianRegistrationForm(forms.Form):
    dietary_needs = forms.CharField(
        label=_("Dietary needs and allergies"), max_length=300, required=False
    )
    needs_transport = forms.BooleanField(label=_("Needs transport from the school"), required=False)
    consent = forms.BooleanField(
        label=_("As guardian I consent to my child taking part in the gathering."),
        error_messages={"required": _("Your consent is needed to register.")},
    )


class AttendanceForm(forms.Form):
    """One radio group per registration, built from the gathering's registrations."""

    def __init__(self, *args: Any, registrations: list[Registration], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hide_optional_marker = True
        for registration in registrations:
            self.fields[f"r{registration.pk}"] = forms.ChoiceField(
                label=registration.pupil.full_name,
                choices=Registration.Attendance.choices,
                initial=registration.attendance,
                widget=forms.RadioSelect,
                required=False,
            )

    def attendance(self) -> dict[int, str]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items() if value}


class FeedbackForm(forms.Form):
    """A rating and a comment for each session the person took part in."""

    def __init__(
        self, *args: Any, sessions: list[GatheringSession], existing: dict[int, Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sessions = sessions
        for session in sessions:
            earlier = existing.get(session.pk)
            self.fields[f"rating_{session.pk}"] = forms.TypedChoiceField(
                label=_("%(time)s %(title)s: rating from 1 (poor) to 5 (excellent)")
                % {"time": session.starts_at.strftime("%H:%M"), "title": session.title},
                choices=RATINGS,
                coerce=int,
                widget=forms.RadioSelect,
                required=False,
                initial=earlier.rating if earlier else None,
            )
            self.fields[f"comment_{session.pk}"] = forms.CharField(
                label=_("Comment on «%(title)s»") % {"title": session.title},
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                initial=earlier.comment if earlier else "",
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not any(data.get(f"rating_{s.pk}") for s in self.sessions):
            raise ValidationError(_("Rate at least one session."))
        for session in self.sessions:
            if data.get(f"comment_{session.pk}") and not data.get(f"rating_{session.pk}"):
                self.add_error(f"rating_{session.pk}", _("Give a rating with your comment."))
        return data

    def ratings(self) -> dict[int, tuple[int, str]]:
        return {
            s.pk: (self.cleaned_data[f"rating_{s.pk}"], self.cleaned_data[f"comment_{s.pk}"])
            for s in self.sessions
            if self.cleaned_data.get(f"rating_{s.pk}")
        }


class EvaluationNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Evaluation note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("What worked, what to change; it goes into the report."),
    )


class ProgrammeEvaluationNoteForm(EvaluationNoteForm):
    """A note on the programme as a whole, or on one of its gatherings."""

    gathering = forms.ModelChoiceField(
        label=_("About"),
        queryset=Gathering.objects.none(),
        required=False,
        empty_label=_("The programme as a whole"),
        error_messages={"invalid_choice": _("Choose one of the programme's gatherings.")},
    )

    field_order = ["gathering", "text"]

    def __init__(self, *args: Any, gatherings: QuerySet[Gathering], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gathering"].queryset = gatherings
        self.fields["gathering"].label_from_instance = lambda g: f"{g.title} ({g.date:%d.%m.%Y})"


class BudgetLineForm(forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["activity", "category", "description", "planned", "actual", "paid_on"]
        widgets = {"paid_on": DATE_INPUT}

    def __init__(self, *args: Any, activities: QuerySet[AnnualPlanItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities
        self.fields["activity"].error_messages["invalid_choice"] = _(
            "Choose one of the programme's activities."
        )
        if self.instance.session_id:
            self.fields["planned"].disabled = True
            self.fields["planned"].help_text = _("The session's fee; change it on the session.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("paid_on") and data.get("actual") is None:
            self.add_error("actual", _("Enter the amount paid."))
        return data


class PlanItemForm(forms.ModelForm):
    class Meta:
        model = AnnualPlanItem
        fields = ["kind", "title", "starts_on", "ends_on", "description"]
        widgets = {
            "starts_on": DATE_INPUT,
            "ends_on": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            choice
            for choice in self.fields["kind"].choices
            if choice[0] != AnnualPlanItem.Kind.GATHERING
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The last day cannot be before the first."))
        return data


class PlanFilterForm(FilterForm):
    year = forms.IntegerField(label=_("School year starting"), required=False, min_value=2000)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("All kinds")), *AnnualPlanItem.Kind.choices],
        required=False,
    )


class SuggestionForm(forms.ModelForm):
    class Meta:
        model = ActivitySuggestion
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class SuggestionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActivitySuggestion.Status.choices)


class MentorPairForm(forms.ModelForm):
    class Meta:
        model = MentorPair
        fields = ["mentor", "mentee", "starts_on", "ends_on", "note"]
        widgets = {
            "starts_on": DATE_INPUT,
            "ends_on": DATE_INPUT,
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, pupils: QuerySet[InDepthPupil], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("mentor", "mentee"):
            field = self.fields[name]
            self.fields[name] = PupilChoiceField(
                label=field.label, queryset=pupils.select_related("school")
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        mentor, mentee = data.get("mentor"), data.get("mentee")
        if mentor and mentee and mentor == mentee:
            self.add_error("mentee", _("A pupil cannot mentor themselves."))
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The last day cannot be before the first."))
        return data

    def validate_unique(self) -> None:
        """Checked by the service, with a message of its own."""


class NetworkMeetingForm(forms.ModelForm):
    class Meta:
        model = NetworkMeeting
        fields = ["date", "starts_at", "ends_at", "venue", "agenda", "minutes"]
        widgets = {
            "date": DATE_INPUT,
            "starts_at": TIME_INPUT,
            "ends_at": TIME_INPUT,
            "agenda": forms.Textarea(attrs={"rows": 5}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        return data

    def validate_unique(self) -> None:
        """Checked by the service, with a message of its own."""


class PrivateFileInput(forms.ClearableFileInput):
    """Shows the current file by its name only: private files have no public address (asking
    a private file for its URL raises), so the usual link to it cannot be drawn."""

    template_name = "regional/widgets/private_file_input.html"

    def is_initial(self, value: Any) -> bool:
        return bool(value and getattr(value, "name", None))

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        file_name = getattr(value, "name", "") or ""
        context["widget"]["file_name"] = file_name.rsplit("/", 1)[-1]
        return context


class MaterialForm(forms.ModelForm):
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")

    class Meta:
        model = Material
        fields = ["title", "description", "discipline", "file", "url"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2}), "file": PrivateFileInput}

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload and upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 20 MB."))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("url")):
            raise ValidationError(_("Add either a file or a link."))
        return data


class PupilFilterForm(FilterForm):
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), required=False
    )
    discipline = forms.ChoiceField(
        label=_("Discipline"),
        choices=[("", _("All disciplines")), *InDepthDiscipline.choices],
        required=False,
    )

    def __init__(self, *args: Any, schools: QuerySet[School], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
