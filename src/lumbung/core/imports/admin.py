from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Imports, to look at (they are made and run through the import pages)."""

    list_display = ("id", "kind", "filename", "status", "created_by", "created_at", "finished_at")
    list_filter = ("kind", "status")
    search_fields = ("filename", "created_by__username")
    exclude = ("content",)
    readonly_fields = [f.name for f in ImportJob._meta.fields if f.name != "content"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ImportJob | None = None) -> bool:
        return False
