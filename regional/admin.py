"""Regions and the people with regional roles, for superusers."""

from __future__ import annotations

from django.contrib import admin

from regional.models import Region, RegionalRole


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
