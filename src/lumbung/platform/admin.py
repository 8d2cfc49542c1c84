from django.contrib import admin
from django.http import HttpRequest

from .models import ScheduledRun


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    """The scheduled jobs' runs, read-only: what ran, where, when and how it ended."""

    list_display = ["job", "slot", "outcome", "host", "started_at", "finished_at"]
    list_filter = ["job", "outcome"]
    readonly_fields = [f.name for f in ScheduledRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
