"""The administration for superusers: fee schedules with their course prices."""

from __future__ import annotations

from django.contrib import admin

from billing.models import CoursePrice, FeeSchedule


class CoursePriceInline(admin.TabularInline):
    model = CoursePrice
    extra = 0
    autocomplete_fields = ["offer"]


@admin.register(FeeSchedule)
class FeeScheduleAdmin(admin.ModelAdmin):
    list_display = [
        "school",
        "school_year",
        "place_fee_per_term",
        "instrument_rental_per_term",
        "decided_by",
    ]
    list_filter = ["school", "school_year"]
    list_select_related = ["school"]
    search_fields = ["school__name", "decided_by", "note"]
    ordering = ["school__name", "-school_year"]
    inlines = [CoursePriceInline]


@admin.register(CoursePrice)
class CoursePriceAdmin(admin.ModelAdmin):
    list_display = ["offer", "schedule", "price"]
    list_filter = ["schedule__school", "schedule__school_year"]
    list_select_related = ["offer__location", "schedule__school"]
    autocomplete_fields = ["offer", "schedule"]
    search_fields = ["offer__name", "schedule__school__name"]
