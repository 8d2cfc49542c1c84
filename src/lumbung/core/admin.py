from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit history, read-only: entries are written by services, never by hand."""

    list_display = ("created_at", "actor", "action", "content_type", "object_id")
    list_filter = ("action", "content_type")
    search_fields = ("object_id", "action", "note", "actor__username")
    list_select_related = ("actor", "content_type")
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request: HttpRequest, obj: AuditEntry | None = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False
