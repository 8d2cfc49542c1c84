from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from . import hooks
from .models import (
    SDG,
    Award,
    Evidence,
    Innovation,
    InnovationRevision,
    Sector,
    StatusChange,
    TeamMember,
)


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "order")
    list_editable = ("order",)
    search_fields = ("code", "name", "name_en")


@admin.register(SDG)
class SDGAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "name_en")


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    fields = ("name", "role_title", "user", "order")
    raw_id_fields = ("user",)
    extra = 0


class AwardInline(admin.TabularInline):
    model = Award
    fields = ("competition", "year", "level", "label")
    extra = 0


class EvidenceInline(admin.TabularInline):
    model = Evidence
    fields = ("kind", "title", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = ("content_type", "size", "uploaded_by", "uploaded_at")
    extra = 0
    can_delete = True

    def has_add_permission(  # uploads go through the checked service
        self, request: HttpRequest, obj: Innovation | None = None
    ) -> bool:
        return False


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    fields = ("status", "date", "reason", "changed_by")
    readonly_fields = ("changed_by",)
    extra = 0


@admin.register(Innovation)
class InnovationAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "acronym", "agency", "unit", "publication_state", "status", "stage")
    list_filter = ("publication_state", "status", "stage", "sector")
    search_fields = ("name", "name_en", "acronym", "slug", "agency__name", "unit__name")
    list_select_related = ("agency", "unit")
    raw_id_fields = ("agency", "unit", "source", "created_by")
    readonly_fields = ("created_at", "updated_at", "published_at")
    filter_horizontal = ("sdgs",)
    inlines = (TeamMemberInline, AwardInline, EvidenceInline, StatusChangeInline)
    date_hierarchy = "created_at"

    # what the catalog's services tell the search index and families, the admin tells too
    # (a record published here is found by search, its family's head follows)
    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        hooks.innovation_changed(form.instance)

    def delete_model(self, request: HttpRequest, obj: Innovation) -> None:
        hooks.innovation_deleted(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Innovation]) -> None:
        for innovation in queryset:
            hooks.innovation_deleted(innovation)
        super().delete_queryset(request, queryset)


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ("innovation", "competition", "year", "level", "label")
    list_filter = ("level", "year")
    search_fields = ("innovation__name", "label", "competition")
    list_select_related = ("innovation",)
    raw_id_fields = ("innovation",)

    # an award changes what the innovation is worth copying (its prior, its family's head)
    def save_model(self, request: HttpRequest, obj: Award, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        hooks.innovation_changed(obj.innovation)

    def delete_model(self, request: HttpRequest, obj: Award) -> None:
        innovation = obj.innovation
        super().delete_model(request, obj)
        hooks.innovation_changed(innovation)


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ("title", "innovation", "kind", "content_type", "size", "uploaded_at")
    list_filter = ("kind", "content_type")
    search_fields = ("title", "innovation__name")
    list_select_related = ("innovation",)
    raw_id_fields = ("innovation", "uploaded_by")
    readonly_fields = ("file", "content_type", "size", "uploaded_by", "uploaded_at")

    def has_add_permission(self, request: HttpRequest) -> bool:  # uploads go through the service
        return False


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ("innovation", "status", "date", "changed_by")
    list_filter = ("status",)
    search_fields = ("innovation__name", "reason")
    list_select_related = ("innovation", "changed_by")
    raw_id_fields = ("innovation", "changed_by")


@admin.register(TeamMember)
class TeamMemberAdmin(admin.ModelAdmin):
    list_display = ("name", "role_title", "innovation")
    search_fields = ("name", "innovation__name")
    list_select_related = ("innovation",)
    raw_id_fields = ("innovation", "user")


@admin.register(InnovationRevision)
class InnovationRevisionAdmin(admin.ModelAdmin):
    """Read only: a change is approved or rejected on its page (``catalog.revisions``), where the
    values are written through the services, audited and indexed."""

    list_display = ("innovation", "state", "proposed_by", "updated_at", "decided_by")
    list_filter = ("state",)
    search_fields = ("innovation__name",)
    list_select_related = ("innovation", "proposed_by", "decided_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: InnovationRevision | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: InnovationRevision | None = None
    ) -> bool:
        return False
