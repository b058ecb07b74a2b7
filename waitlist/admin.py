"""Admission records in the administration. Rounds and place offers are evidence of
decisions about pupils, so they are read-only here; changes go through the office pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from waitlist.models import AdmissionRound, Audition, PlaceOffer, WaitingListSnapshot


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Audition)
class AuditionAdmin(admin.ModelAdmin):
    list_display = ["pupil", "offer", "requested_at", "scheduled_at", "result", "score"]
    list_filter = ["result", "offer__school"]
    search_fields = ["pupil__first_name", "pupil__last_name", "offer__name"]
    list_select_related = ["pupil", "offer__location"]
    raw_id_fields = ["pupil", "offer", "application", "decided_by"]


@admin.register(AdmissionRound)
class AdmissionRoundAdmin(ReadOnlyAdmin):
    list_display = ["run_at", "school", "term", "kind", "offers_made", "applicants", "run_by"]
    list_filter = ["kind", "school"]
    list_select_related = ["school", "term", "run_by"]


@admin.register(PlaceOffer)
class PlaceOfferAdmin(ReadOnlyAdmin):
    list_display = ["pupil", "offer", "term", "status", "offered_at", "reply_by", "answered_at"]
    list_filter = ["status", "offer__school"]
    search_fields = ["pupil__first_name", "pupil__last_name", "offer__name"]
    list_select_related = ["pupil", "offer__location", "term"]


@admin.register(WaitingListSnapshot)
class WaitingListSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["day", "school", "offer", "children"]
    list_filter = ["school"]
    list_select_related = ["school", "offer__location"]
