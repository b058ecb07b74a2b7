"""The administration for superusers: every record of the enrollment app, with lists that
make a fixed number of queries (list_select_related) and related-object pickers that search
instead of loading every row (autocomplete_fields, raw_id_fields for users).

Users are picked by id (raw_id_fields): the user model's admin belongs to the accounts app.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from enrollment.forms.office import POLICY_SECTIONS, PolicyValuesForm
from enrollment.models import (
    Application,
    Contract,
    Department,
    Guardian,
    GuardianInvitation,
    Household,
    Location,
    Offer,
    OfficeHours,
    Placement,
    Pupil,
    School,
    SchoolPolicy,
    StaffRole,
    TeachingGroup,
    Term,
)


class SchoolPolicyInline(admin.StackedInline):
    model = SchoolPolicy
    form = PolicyValuesForm
    can_delete = False
    max_num = 1
    # The same grouping by rule-book section as the principal's page.
    fieldsets = [
        (f"{reference} {title}".strip() if reference else title, {"fields": names})
        for reference, title, names in POLICY_SECTIONS
    ]


class OfficeHoursInline(admin.TabularInline):
    model = OfficeHours
    extra = 0


class LocationInline(admin.TabularInline):
    model = Location
    extra = 0
    fields = ["name", "street_address", "postal_code", "city"]
    show_change_link = True


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0
    fields = ["name", "performer_track"]
    show_change_link = True


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "kind", "email", "phone", "is_public"]
    list_filter = ["kind", "is_public"]
    search_fields = ["name", "slug", "municipality", "organisation_number"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [SchoolPolicyInline, OfficeHoursInline, LocationInline, DepartmentInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "municipality", "is_public"]}),
        (
            _("Contact"),
            {
                "fields": [
                    "email",
                    "phone",
                    "website",
                    "street_address",
                    "postal_code",
                    "city",
                    "organisation_number",
                ]
            },
        ),
        (_("Public page"), {"fields": ["introduction"]}),
    ]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "city"]
    list_filter = ["school"]
    search_fields = ["name", "city", "school__name"]
    list_select_related = ["school"]
    autocomplete_fields = ["school"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "performer_track"]
    list_filter = ["performer_track", "school"]
    search_fields = ["name", "school__name"]
    list_select_related = ["school"]
    autocomplete_fields = ["school"]


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "school",
        "kind",
        "discipline",
        "capacity",
        "location",
        "is_published",
        "accepting_applications",
    ]
    list_filter = ["kind", "discipline", "is_published", "accepting_applications", "school"]
    search_fields = ["name", "slug", "instrument", "school__name"]
    list_select_related = ["school", "location"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["school", "location", "department"]
    list_per_page = 50


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["__str__", "school", "starts_on", "ends_on", "teaching_weeks"]
    list_filter = ["season", "year", "school"]
    search_fields = ["school__name", "year"]
    list_select_related = ["school"]
    autocomplete_fields = ["school"]
    date_hierarchy = "starts_on"


class GuardianInline(admin.TabularInline):
    model = Guardian
    extra = 0
    fields = ["first_name", "last_name", "email", "phone", "user"]
    raw_id_fields = ["user"]


class PupilInline(admin.TabularInline):
    model = Pupil
    extra = 0
    fields = [
        "first_name",
        "last_name",
        "birth_date",
        "school_grade",
        "grade_school_year",
        "photo_consent",
    ]
    show_change_link = True


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "city", "payer", "created_at"]
    list_filter = ["school"]
    search_fields = ["name", "city", "guardians__email", "guardians__last_name"]
    list_select_related = ["school", "payer"]
    autocomplete_fields = ["school", "payer"]
    inlines = [GuardianInline, PupilInline]


@admin.register(Guardian)
class GuardianAdmin(admin.ModelAdmin):
    list_display = ["__str__", "email", "phone", "household", "school", "user"]
    list_filter = ["household__school"]
    search_fields = ["first_name", "last_name", "email", "phone", "household__name"]
    list_select_related = ["household__school", "user"]
    autocomplete_fields = ["household"]
    raw_id_fields = ["user"]

    @admin.display(description=_("school"), ordering="household__school__name")
    def school(self, guardian: Guardian) -> School:
        return guardian.household.school


@admin.register(Pupil)
class PupilAdmin(admin.ModelAdmin):
    list_display = ["__str__", "birth_date", "school_grade", "household", "school", "photo_consent"]
    list_filter = ["photo_consent", "school_grade", "household__school"]
    search_fields = ["first_name", "last_name", "household__name"]
    list_select_related = ["household__school"]
    autocomplete_fields = ["household"]
    date_hierarchy = "birth_date"

    @admin.display(description=_("school"), ordering="household__school__name")
    def school(self, pupil: Pupil) -> School:
        return pupil.household.school


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "school", "role", "created_at"]
    list_filter = ["role", "school"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "school__name"]
    list_select_related = ["user", "school"]
    autocomplete_fields = ["school"]
    raw_id_fields = ["user"]


@admin.register(TeachingGroup)
class TeachingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "offer", "term", "teacher", "weekday", "starts_at", "location", "room"]
    list_filter = ["weekday", "term__season", "term__year", "offer__school"]
    search_fields = ["name", "offer__name", "teacher__email", "teacher__last_name", "room"]
    list_select_related = ["offer__location", "offer__school", "term", "teacher", "location"]
    autocomplete_fields = ["offer", "term", "location"]
    raw_id_fields = ["teacher"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = [
        "pupil",
        "offer",
        "kind",
        "status",
        "preference",
        "seniority_date",
        "submitted_at",
    ]
    list_filter = ["status", "kind", "offer__school"]
    search_fields = ["pupil__first_name", "pupil__last_name", "offer__name"]
    list_select_related = ["pupil", "offer__location"]
    autocomplete_fields = ["pupil", "offer"]
    raw_id_fields = ["submitted_by", "age_exception_by", "switch_from"]
    date_hierarchy = "submitted_at"


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ["pupil", "offer", "status", "starts_on", "ends_on"]
    list_filter = ["status", "offer__school"]
    search_fields = ["pupil__first_name", "pupil__last_name", "offer__name"]
    list_select_related = ["pupil", "offer__location"]
    autocomplete_fields = ["pupil", "offer"]
    raw_id_fields = ["application", "starts_term"]


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    """Signed contracts are evidence: readable, never changed."""

    list_display = ["placement", "guardian", "signed_at", "signed_from_ip", "rule_book_version"]
    search_fields = ["guardian__last_name", "placement__pupil__last_name"]
    list_select_related = ["placement__pupil", "placement__offer__location", "guardian"]
    readonly_fields = [
        "placement",
        "guardian",
        "signed_by",
        "signed_at",
        "signed_from_ip",
        "user_agent",
        "rule_book_version",
        "sha256",
    ]
    exclude = ["document"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(GuardianInvitation)
class GuardianInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "household", "created_at", "accepted_at", "cancelled_at"]
    search_fields = ["email", "household__name"]
    list_select_related = ["household"]
    raw_id_fields = ["household", "invited_by", "accepted_by"]
