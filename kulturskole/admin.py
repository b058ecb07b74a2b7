"""The audit trail in the administration: readable and searchable, never editable."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kulturskole.models import AuditEvent, OutboundMessage


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "summary", "content_type", "object_id"]
    list_filter = ["action", "content_type"]
    search_fields = ["summary", "reason", "action", "object_id", "actor__email"]
    list_select_related = ["actor", "content_type"]
    date_hierarchy = "at"
    fields = ["at", "actor", "action", "content_type", "object_id", "summary", "reason", "data"]
    readonly_fields = fields

    # A record of who did what is only worth something if nobody can change it afterwards.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    """Sent and waiting e-mails, for answering "did the school e-mail us?". Read-only."""

    list_display = ["created_at", "to_email", "template", "status", "sent_at", "attempts"]
    list_filter = ["status", "template"]
    search_fields = ["to_email", "key"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "key",
        "template",
        "to_email",
        "user",
        "language",
        "context",
        "status",
        "created_at",
        "sent_at",
        "attempts",
        "last_error",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
