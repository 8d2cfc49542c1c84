"""Admin views for platform staff: read-mostly. Stages move only through the pages and the API
(the services check gates, conflicts and permissions), so the stage fields are read-only here."""

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    AdaptationRecord,
    Commitment,
    CommitmentReminder,
    FacilitationSession,
    Programme,
    ProgrammeTarget,
    ReplicationProject,
    Transition,
)


class TargetInline(admin.TabularInline):
    model = ProgrammeTarget
    raw_id_fields = ("unit",)
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "agency", "facilitator_agency", "start_date", "coverage_target")
    search_fields = ("name",)
    raw_id_fields = ("sources", "facilitators", "managers")
    readonly_fields = ("slug", "created_by", "created_at", "updated_at")
    inlines = [TargetInline]


class TransitionInline(admin.TabularInline):
    model = Transition
    fields = ("created_at", "from_stage", "to_stage", "actor", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(
        self, request: HttpRequest, obj: ReplicationProject | None = None
    ) -> bool:
        return False


@admin.register(ReplicationProject)
class ReplicationProjectAdmin(admin.ModelAdmin):
    list_display = ("__str__", "declared_form", "stage", "programme", "updated_at")
    list_filter = ("stage", "declared_form")
    search_fields = ("source__name", "adopting_unit__name")
    raw_id_fields = ("source", "adopting_unit", "programme", "replica", "facilitators")
    readonly_fields = (
        "adopting_agency",
        "stage",
        "stage_since",
        "stopped_from",
        "stop_reason",
        "version",
        "created_by",
        "created_at",
        "updated_at",
    )
    inlines = [TransitionInline]


@admin.register(AdaptationRecord)
class AdaptationRecordAdmin(admin.ModelAdmin):
    list_display = ("project", "what", "nature", "fidelity", "date")
    list_filter = ("what", "nature", "fidelity")
    raw_id_fields = ("project",)


@admin.register(FacilitationSession)
class FacilitationSessionAdmin(admin.ModelAdmin):
    list_display = ("date", "mode", "project", "programme")
    raw_id_fields = ("project", "programme")


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ("description", "owner_unit", "due_date", "status", "origin")
    list_filter = ("status", "origin")
    search_fields = ("description", "owner_unit__name")
    raw_id_fields = ("owner_unit", "project", "programme", "session")


@admin.register(CommitmentReminder)
class CommitmentReminderAdmin(admin.ModelAdmin):
    list_display = ("commitment", "recipient", "kind", "due_date", "emailed", "sent_at")
    list_filter = ("kind", "emailed")
    raw_id_fields = ("commitment", "recipient")
