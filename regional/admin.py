"""The regional programme in the administration, for superusers: every record, with lists that
make a fixed number of queries (list_select_related) and related-object pickers that search
instead of loading every row (autocomplete_fields; raw_id_fields for users, whose admin belongs
to the accounts app).

The project leader's pages are the place to plan and change the programme: they keep a
gathering's plan entry and its sessions' fee lines in step and refuse deletions that would
lose records. The admin is for looking things up and mending what those pages cannot.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from regional.forms import PrivateFileInput
from regional.models import (
    ActivitySuggestion,
    AnnualPlanItem,
    BudgetLine,
    EvaluationNote,
    Feedback,
    Gathering,
    GatheringSession,
    InDepthCriterion,
    InDepthPupil,
    Instructor,
    Material,
    MentorPair,
    NetworkMeeting,
    Programme,
    ProgressNote,
    Region,
    RegionalRole,
    Registration,
    SuggestionVote,
)


class RegionalRoleInline(admin.TabularInline):
    model = RegionalRole
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["schools"]
    inlines = [RegionalRoleInline]


@admin.register(RegionalRole)
class RegionalRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "region", "role", "created_at"]
    list_filter = ["role", "region"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "region__name"]
    list_select_related = ["user", "region"]
    autocomplete_fields = ["region"]
    raw_id_fields = ["user"]


# --- The programme ---------------------------------------------------------------------------


class CriterionInline(admin.TabularInline):
    model = InDepthCriterion
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "starts_on", "ends_on", "grant_amount", "project_leader"]
    list_filter = ["region"]
    search_fields = ["name", "slug", "region__name", "grant_funder"]
    list_select_related = ["region", "project_leader"]
    autocomplete_fields = ["region", "schools"]
    raw_id_fields = ["project_leader", "steering_group"]
    readonly_fields = ["calendar_token", "created_at"]
    date_hierarchy = "starts_on"
    inlines = [CriterionInline]


@admin.register(InDepthCriterion)
class InDepthCriterionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "programme", "min_age", "max_age", "min_years"]
    list_filter = ["discipline", "programme"]
    search_fields = ["commitment", "programme__name"]
    list_select_related = ["programme"]
    autocomplete_fields = ["programme"]


@admin.register(InDepthPupil)
class InDepthPupilAdmin(admin.ModelAdmin):
    list_display = [
        "full_name",
        "school",
        "programme",
        "discipline",
        "instrument",
        "birth_date",
        "is_active",
    ]
    list_filter = ["is_active", "discipline", "programme", "school"]
    search_fields = ["first_name", "last_name", "email", "instrument", "school__name"]
    list_select_related = ["school", "programme"]
    autocomplete_fields = ["programme", "school", "pupil", "placement"]
    raw_id_fields = ["nominated_by"]
    date_hierarchy = "nominated_at"

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, pupil: InDepthPupil) -> str:
        return pupil.full_name


@admin.register(Instructor)
class InstructorAdmin(admin.ModelAdmin):
    list_display = ["name", "speciality", "programme", "email", "phone", "default_fee"]
    list_filter = ["programme"]
    search_fields = ["name", "speciality", "email"]
    list_select_related = ["programme"]
    autocomplete_fields = ["programme"]


# --- Gatherings ------------------------------------------------------------------------------


class SessionInline(admin.TabularInline):
    model = GatheringSession
    extra = 0
    fields = [
        "starts_at",
        "ends_at",
        "title",
        "disciplines",
        "room",
        "instructor",
        "instructor_fee",
    ]
    autocomplete_fields = ["instructor"]
    show_change_link = True


@admin.register(Gathering)
class GatheringAdmin(admin.ModelAdmin):
    list_display = ["title", "date", "starts_at", "venue", "programme", "status", "budget"]
    list_filter = ["status", "programme"]
    search_fields = ["title", "venue", "programme__name"]
    list_select_related = ["programme"]
    autocomplete_fields = ["programme", "host_school", "target_schools"]
    readonly_fields = ["opened_at"]
    date_hierarchy = "date"
    inlines = [SessionInline]


@admin.register(GatheringSession)
class GatheringSessionAdmin(admin.ModelAdmin):
    list_display = ["title", "gathering", "starts_at", "ends_at", "room", "instructor"]
    list_filter = ["gathering__programme"]
    search_fields = ["title", "room", "gathering__title", "instructor__name"]
    list_select_related = ["gathering", "instructor"]
    autocomplete_fields = ["gathering", "instructor"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = [
        "pupil",
        "gathering",
        "needs_transport",
        "travels_from",
        "attendance",
        "registered_at",
    ]
    list_filter = ["attendance", "needs_transport", "gathering__programme"]
    search_fields = ["pupil__first_name", "pupil__last_name", "gathering__title"]
    list_select_related = ["pupil", "gathering", "travels_from"]
    autocomplete_fields = ["gathering", "pupil", "travels_from"]
    raw_id_fields = ["registered_by"]
    date_hierarchy = "registered_at"


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["session", "rating", "pupil", "teacher", "created_at"]
    list_filter = ["rating", "session__gathering__programme"]
    search_fields = ["comment", "session__title", "pupil__last_name", "teacher__email"]
    list_select_related = ["session", "pupil", "teacher"]
    autocomplete_fields = ["session", "pupil"]
    raw_id_fields = ["teacher"]


@admin.register(EvaluationNote)
class EvaluationNoteAdmin(admin.ModelAdmin):
    list_display = ["__str__", "programme", "gathering", "author", "created_at"]
    list_filter = ["programme"]
    search_fields = ["text", "gathering__title"]
    list_select_related = ["programme", "gathering", "author"]
    autocomplete_fields = ["programme", "gathering"]
    raw_id_fields = ["author"]


# --- Budget and annual plan ----------------------------------------------------------------


@admin.register(AnnualPlanItem)
class AnnualPlanItemAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "starts_on", "ends_on", "programme"]
    list_filter = ["kind", "programme"]
    search_fields = ["title", "description"]
    list_select_related = ["programme"]
    autocomplete_fields = ["programme"]
    raw_id_fields = ["gathering", "network_meeting"]
    date_hierarchy = "starts_on"


@admin.register(BudgetLine)
class BudgetLineAdmin(admin.ModelAdmin):
    list_display = ["description", "category", "activity", "planned", "actual", "paid_on"]
    list_filter = ["category", "programme"]
    search_fields = ["description", "activity__title"]
    list_select_related = ["activity"]
    autocomplete_fields = ["programme", "activity"]
    raw_id_fields = ["session"]


# --- Participation, mentoring, network -------------------------------------------------------


@admin.register(ActivitySuggestion)
class ActivitySuggestionAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "suggested_by", "status", "created_at"]
    list_filter = ["status", "programme"]
    search_fields = ["title", "description"]
    list_select_related = ["programme", "suggested_by"]
    autocomplete_fields = ["programme", "suggested_by"]


@admin.register(SuggestionVote)
class SuggestionVoteAdmin(admin.ModelAdmin):
    list_display = ["suggestion", "pupil", "created_at"]
    list_filter = ["suggestion__programme"]
    search_fields = ["suggestion__title", "pupil__first_name", "pupil__last_name"]
    list_select_related = ["suggestion", "pupil"]
    autocomplete_fields = ["suggestion", "pupil"]


@admin.register(ProgressNote)
class ProgressNoteAdmin(admin.ModelAdmin):
    list_display = ["pupil", "written_on", "author", "created_at"]
    list_filter = ["pupil__programme"]
    search_fields = ["pupil__first_name", "pupil__last_name", "goals", "feedback"]
    list_select_related = ["pupil", "author"]
    autocomplete_fields = ["pupil"]
    raw_id_fields = ["author"]
    date_hierarchy = "written_on"


@admin.register(MentorPair)
class MentorPairAdmin(admin.ModelAdmin):
    list_display = ["mentor", "mentee", "programme", "starts_on", "ends_on"]
    list_filter = ["programme"]
    search_fields = [
        "mentor__first_name",
        "mentor__last_name",
        "mentee__first_name",
        "mentee__last_name",
    ]
    list_select_related = ["programme", "mentor", "mentee"]
    autocomplete_fields = ["programme", "mentor", "mentee"]


@admin.register(NetworkMeeting)
class NetworkMeetingAdmin(admin.ModelAdmin):
    list_display = ["date", "starts_at", "venue", "programme", "has_minutes"]
    list_filter = ["programme"]
    search_fields = ["venue", "agenda", "minutes"]
    list_select_related = ["programme"]
    autocomplete_fields = ["programme"]
    date_hierarchy = "date"

    @admin.display(description=_("minutes written"), boolean=True)
    def has_minutes(self, meeting: NetworkMeeting) -> bool:
        return bool(meeting.minutes.strip())


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "discipline", "file_name", "url", "shared_at"]
    list_filter = ["discipline", "programme"]
    search_fields = ["title", "description", "url"]
    list_select_related = ["programme"]
    autocomplete_fields = ["programme"]
    raw_id_fields = ["shared_by"]
    # Private files have no public address: the usual link to the file cannot be drawn.
    formfield_overrides = {
        models.FileField: {"widget": PrivateFileInput},
        models.URLField: {"assume_scheme": "https"},
    }
    date_hierarchy = "shared_at"
