"""Forms for office staff and principals: validate and convert input, nothing else.

Each form that belongs to one school takes `school=` so that its choices (locations,
departments) come from that school only and so that "unique per school" is checked with a
message next to the field. Django skips a model's UniqueConstraint when a field of it (here
`school`) is not on the form, so those checks are written out here.
"""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext_lazy as _
from stdnum.no import orgnr

from enrollment import rules
from enrollment.models import (
    Department,
    Location,
    Offer,
    OfficeHours,
    Pupil,
    School,
    SchoolPolicy,
    StaffRole,
    Term,
)
from kulturskole.fields import MonthDayFormField
from kulturskole.forms import FilterForm

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")

postal_code_validator = RegexValidator(
    r"^\d{4}$", _("A Norwegian postal code has four digits, such as 3210.")
)

# Norwegian letters that slugify() would drop instead of spelling out.
_SLUG_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a"})


def make_slug(text: str) -> str:
    return slugify(text.translate(_SLUG_LETTERS))


class SchoolFormMixin:
    """Keeps the school a form belongs to; call `super().__init__` first."""

    school: School

    def set_school(self, school: School) -> None:
        self.school = school
        self.instance.school = school  # type: ignore[attr-defined]

    def others_in_school(self, model: type[Any]) -> QuerySet[Any]:
        others = model.objects.filter(school=self.school)
        if self.instance.pk:  # type: ignore[attr-defined]
            others = others.exclude(pk=self.instance.pk)  # type: ignore[attr-defined]
        return others


# --- Pupil register


SORT_CHOICES = [
    ("name", _("Name (A–Å)")),
    ("-name", _("Name (Å–A)")),
    ("age", _("Youngest first")),
    ("-age", _("Oldest first")),
    ("grade", _("Grade")),
    ("household", _("Household")),
]
SORT_ORDER = {
    "name": ("last_name", "first_name", "pk"),
    "-name": ("-last_name", "-first_name", "-pk"),
    "age": ("-birth_date", "last_name", "pk"),
    "-age": ("birth_date", "last_name", "pk"),
    "grade": ("current_grade", "last_name", "first_name", "pk"),
    "household": ("household__name", "household_id", "last_name", "first_name", "pk"),
}


class PupilFilter(django_filters.FilterSet):
    """Search by name, filter by today's grade, sort. Expects `current_grade` annotated."""

    q = django_filters.CharFilter(
        label=_("Name"),
        method="filter_name",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    grade = django_filters.ChoiceFilter(
        label=_("Grade"),
        choices=rules.GRADE_CHOICES,
        empty_label=_("All grades"),
        field_name="current_grade",
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=SORT_CHOICES,
        empty_label=None,
        method="filter_sort",
    )

    class Meta:
        model = Pupil
        fields: list[str] = []
        form = FilterForm

    def filter_name(self, queryset: QuerySet[Pupil], name: str, value: str) -> QuerySet[Pupil]:
        for word in value.split()[:5]:
            queryset = queryset.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
        return queryset

    def filter_sort(self, queryset: QuerySet[Pupil], name: str, value: str) -> QuerySet[Pupil]:
        return queryset.order_by(*SORT_ORDER.get(value, SORT_ORDER["name"]))

    @property
    def qs(self) -> QuerySet[Pupil]:
        queryset = super().qs
        # The sort field has no empty choice; without one in the request sort by name.
        if not (self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("sort")):
            queryset = queryset.order_by(*SORT_ORDER["name"])
        return queryset


# --- Offers


class OfferForm(SchoolFormMixin, forms.ModelForm):
    slug = forms.SlugField(
        label=_("Short name in addresses"),
        max_length=100,
        required=False,
        help_text=_(
            "Letters, digits and hyphens, used in the offer's web address. "
            "Leave empty to make one from the name."
        ),
    )

    class Meta:
        model = Offer
        fields = [
            "name",
            "slug",
            "kind",
            "discipline",
            "instrument",
            "department",
            "location",
            "description",
            "min_age",
            "max_age",
            "upper_age",
            "no_upper_age",
            "capacity",
            "lesson_minutes",
            "course_starts_on",
            "course_ends_on",
            "application_deadline",
            "audition_available",
            "audition_required",
            "instrument_rental",
            "parent_work_group",
            "photo_restrictions_possible",
            "effort_requirements",
            "accepting_applications",
            "is_published",
        ]
        widgets = {
            "course_starts_on": DATE_INPUT,
            "course_ends_on": DATE_INPUT,
            "application_deadline": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 5}),
            "effort_requirements": forms.Textarea(attrs={"rows": 3}),
        }

    # Shown as groups on the page; every field above is in exactly one.
    fieldsets = [
        (_("About the offer"), ["name", "slug", "kind", "discipline", "instrument"]),
        (_("Where"), ["department", "location"]),
        (_("Description"), ["description", "effort_requirements"]),
        (_("Who and how many"), ["min_age", "max_age", "upper_age", "no_upper_age", "capacity"]),
        (
            _("Lessons and dates"),
            ["lesson_minutes", "course_starts_on", "course_ends_on", "application_deadline"],
        ),
        (
            _("Rules that apply"),
            [
                "audition_available",
                "audition_required",
                "instrument_rental",
                "parent_work_group",
                "photo_restrictions_possible",
            ],
        ),
        (_("Visibility"), ["accepting_applications", "is_published"]),
    ]

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_school(school)
        self.fields["location"].queryset = Location.objects.filter(school=school)
        self.fields["department"].queryset = Department.objects.filter(school=school)
        self.fields["course_starts_on"].help_text = _("For courses (§2).")

    def grouped_fields(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.fieldsets]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("slug") and data.get("name") and "slug" not in self.errors:
            data["slug"] = make_slug(data["name"])[:100]
            if not data["slug"]:
                self.add_error("slug", _("Enter a short name with letters or digits."))
        slug = data.get("slug")
        if slug and self.others_in_school(Offer).filter(slug=slug).exists():
            self.add_error(
                "slug",
                _(
                    "Another offer at this school already uses the short name “%(slug)s”. "
                    "Choose a different one."
                )
                % {"slug": slug},
            )
        min_age, max_age = data.get("min_age"), data.get("max_age")
        if min_age is not None and max_age is not None and min_age > max_age:
            self.add_error("max_age", _("The upper age limit must not be below the lower one."))
        starts, ends = data.get("course_starts_on"), data.get("course_ends_on")
        if starts and ends and starts > ends:
            self.add_error("course_ends_on", _("The course cannot end before it starts."))
        if data.get("upper_age") is not None and data.get("no_upper_age"):
            self.add_error(
                "no_upper_age", _("Choose either an upper age or “no upper age”, not both.")
            )
        return data


# --- Terms


class TermForm(SchoolFormMixin, forms.ModelForm):
    teaching_weeks = forms.IntegerField(
        label=_("Teaching weeks"),
        min_value=1,
        max_value=30,
        help_text=_("Between 1 and 30. Fee reductions per week (§8, §13) are counted from it."),
    )

    class Meta:
        model = Term
        fields = ["season", "year", "starts_on", "ends_on", "teaching_weeks"]
        widgets = {"starts_on": DATE_INPUT, "ends_on": DATE_INPUT}

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_school(school)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        season, year = data.get("season"), data.get("year")
        if (
            season
            and year
            and self.others_in_school(Term).filter(season=season, year=year).exists()
        ):
            self.add_error(
                "year",
                _("This school already has a %(term)s term.")
                % {"term": rules.term_label(season, year)},
            )
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and starts >= ends:
            self.add_error("ends_on", _("The last teaching day must come after the first."))
        if starts and year and starts.year != year:
            self.add_error(
                "starts_on",
                _("The first teaching day must be in %(year)d.") % {"year": year},
            )
        return data


# --- School profile, office hours, locations and departments


class SchoolProfileForm(forms.ModelForm):
    website = forms.URLField(
        label=_("Website"), max_length=200, required=False, assume_scheme="https"
    )
    # Longer than the nine digits stored: "NO 974 567 890 MVA" is accepted and compacted.
    organisation_number = forms.CharField(
        label=_("Organisation number"),
        max_length=20,
        required=False,
        help_text=_("Nine digits, from the Central Coordinating Register."),
    )

    class Meta:
        model = School
        fields = [
            "email",
            "phone",
            "website",
            "street_address",
            "postal_code",
            "city",
            "organisation_number",
            "introduction",
        ]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"introduction": _("Shown on the school's public page.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["postal_code"].validators.append(postal_code_validator)

    def clean_organisation_number(self) -> str:
        # People write "974 567 890" or "NO 974567890 MVA"; store the nine digits.
        value = self.cleaned_data["organisation_number"]
        compact = orgnr.compact(re.sub(r"(?i)^no|mva$", "", value.strip()))
        if compact and not orgnr.is_valid(compact):
            raise forms.ValidationError(
                _("Enter a valid Norwegian organisation number (9 digits)."), code="invalid"
            )
        return compact


class OfficeHoursForm(forms.ModelForm):
    class Meta:
        model = OfficeHours
        fields = ["weekday", "opens_at", "closes_at"]
        widgets = {"opens_at": TIME_INPUT, "closes_at": TIME_INPUT}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("Closing time must be after opening time."))
        return data


OfficeHoursFormSet = forms.inlineformset_factory(
    School,
    OfficeHours,
    form=OfficeHoursForm,
    extra=1,
    can_delete=True,
    max_num=21,
    validate_max=True,
)


class LocationForm(SchoolFormMixin, forms.ModelForm):
    class Meta:
        model = Location
        fields = ["name", "street_address", "postal_code", "city", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_school(school)
        self.fields["postal_code"].validators.append(postal_code_validator)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if self.others_in_school(Location).filter(name__iexact=name).exists():
            raise forms.ValidationError(
                _("This school already has a location called “%(name)s”.") % {"name": name}
            )
        return name


class DepartmentForm(SchoolFormMixin, forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "description", "performer_track"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_school(school)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if self.others_in_school(Department).filter(name__iexact=name).exists():
            raise forms.ValidationError(
                _("This school already has a department called “%(name)s”.") % {"name": name}
            )
        return name


# --- Rule-book policy

# The rule-book sections in the order of the rule book; every SchoolPolicy field is in exactly
# one (a test checks this, so a new field cannot be left off the page).
POLICY_SECTIONS: list[tuple[str, Any, list[str]]] = [
    (
        "",
        _("The rule book"),
        ["rule_book_title", "rule_book_adopted_by", "rule_book_adopted_on", "rule_book_version"],
    ),
    ("§3", _("Applications"), ["application_deadline", "max_open_place_applications"]),
    (
        "§4",
        _("Admission"),
        [
            "age_exceptions_allowed",
            "place_offer_reply_days",
            "audition_quota_percent",
            "audition_demand_within_days",
            "audition_retry_years",
            "places_per_pupil",
        ],
    ),
    ("§6", _("Right of withdrawal"), ["trial_lessons"]),
    (
        "§8",
        _("Cancelled lessons"),
        [
            "cancellation_threshold",
            "cancellation_reduction_per_week",
            "cancellation_only_weeks_beyond_threshold",
        ],
    ),
    (
        "§9",
        _("Notice and termination"),
        [
            "notice_deadline_for_spring",
            "notice_deadline_for_autumn",
            "consecutive_unreported_absences",
            "total_unreported_absences",
            "appeal_body",
        ],
    ),
    (
        "§12",
        _("Fees and sibling discount"),
        [
            "sibling_discount_percent",
            "sibling_discount_places_per_sibling",
            "sibling_discount_on_rental",
            "sibling_discount_on_courses",
        ],
    ),
    (
        "§13",
        _("Fee reductions"),
        [
            "reduction_per_week",
            "illness_reduction_min_weeks",
            "moving_reduction_min_weeks_left",
            "late_start_reduction_min_lessons",
        ],
    ),
    (
        "",
        _("Invoices and payments"),
        [
            "invoice_due_days",
            "reminder_after_days",
            "second_reminder_after_days",
            "termination_flag_after_days",
            "kid_prefix",
            "kid_length",
            "bank_account",
        ],
    ),
    ("§14", _("Leave"), ["leave_min_illness_weeks"]),
    (
        "§15–16",
        _("Performer track"),
        ["conferences_per_half_year", "low_effort_terms_before_guidance"],
    ),
    ("§19", _("Upper age"), ["upper_age"]),
]
POLICY_FIELDS = [name for _ref, _title, names in POLICY_SECTIONS for name in names]

_REFERENCE = re.compile(r"^(§[\d–-]+[a-z]?(?: [ivx]+)?)(?::\s*|$)")


def split_reference(help_text: str, fallback: str) -> tuple[str, str]:
    """ "§9d ii: the place may…" → ("§9d ii", "the place may…"); no § → (fallback, text)."""
    match = _REFERENCE.match(help_text)
    if not match:
        return fallback, help_text
    rest = help_text[match.end() :]
    return match.group(1), rest[:1].upper() + rest[1:]


class PolicyValuesForm(forms.ModelForm):
    """The rule-book values of a school (also used by the admin's inline)."""

    class Meta:
        model = SchoolPolicy
        fields = POLICY_FIELDS
        widgets = {"rule_book_adopted_on": DATE_INPUT}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field, MonthDayFormField):
                continue
            field.help_text = format_lazy(
                "{} {}", field.help_text, _("Write day and month, such as 01.12.")
            )


class SchoolPolicyForm(PolicyValuesForm):
    reason = forms.CharField(
        label=_("Reason for the change"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Recorded with the change, e.g. the decision or meeting it follows from."),
    )

    class Meta(PolicyValuesForm.Meta):
        pass

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the rules change."), code="required")
        return reason

    def sections(self) -> list[tuple[str, Any, list[forms.BoundField]]]:
        return [
            (ref, title, [self[name] for name in names]) for ref, title, names in POLICY_SECTIONS
        ]


# --- Staff


class StaffRoleAddForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The person must already have an account with this address."),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=[(role.value, role.label) for role in StaffRole.SCHOOL_ROLES]
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school

    def clean_email(self) -> Any:
        email = self.cleaned_data["email"].strip()
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(
                _(
                    "Nobody has an account with this e-mail address. "
                    "Ask them to create one first, then add the role."
                ),
                code="unknown",
            )
        self.user = user
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        user, role = getattr(self, "user", None), data.get("role")
        if (
            user is not None
            and role
            and StaffRole.objects.filter(user=user, school=self.school, role=role).exists()
        ):
            self.add_error("role", _("This person already has this role at the school."))
        return data
