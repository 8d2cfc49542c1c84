"""Admin for competitions: for platform admins to look and fix; organisers set rounds up and
everyone else works through the pages and services (permissions, deadlines, audit)."""

from django.contrib import admin

from .models import (
    Answer,
    Assignment,
    Conflict,
    Criterion,
    Entry,
    Group,
    Judge,
    Quota,
    Result,
    Round,
    Section,
    Stage,
)


class GroupInline(admin.TabularInline):
    model = Group
    fields = ("order", "code", "name", "name_en", "kind", "min_running_months")
    extra = 0


class StageInline(admin.TabularInline):
    model = Stage
    fields = ("order", "kind", "name", "starts_at", "ends_at", "blind", "judges_per_entry")
    extra = 0


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("title", "year", "level", "organiser", "state")
    list_filter = ("level", "state", "year", "is_example")
    search_fields = ("title", "title_en", "organiser__name")
    raw_id_fields = ("organiser", "feeds", "created_by")
    inlines = (GroupInline, StageInline)


class SectionInline(admin.TabularInline):
    model = Section
    fields = ("order", "title", "word_limit", "required", "guidance")
    extra = 0


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ("name", "round", "kind", "min_running_months")
    list_filter = ("kind",)
    raw_id_fields = ("round",)
    inlines = (SectionInline,)


class CriterionInline(admin.TabularInline):
    model = Criterion
    fields = ("order", "name", "weight", "scale_min", "scale_max", "guidance")
    extra = 0


class QuotaInline(admin.TabularInline):
    model = Quota
    fields = ("group", "top", "award_level", "per_agency_type", "per_region")
    raw_id_fields = ("group",)
    extra = 0


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ("name", "round", "kind", "starts_at", "ends_at", "closed_at")
    list_filter = ("kind",)
    raw_id_fields = ("round",)
    inlines = (CriterionInline, QuotaInline)


class AnswerInline(admin.StackedInline):
    model = Answer
    fields = ("section", "text")
    raw_id_fields = ("section",)
    extra = 0


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ("title", "round", "group", "agency", "state")
    list_filter = ("state", "is_example")
    search_fields = ("title", "agency__name", "unit__name")
    raw_id_fields = ("round", "group", "innovation", "unit", "fed_from", "created_by")
    filter_horizontal = ("sdgs", "inspirations")
    inlines = (AnswerInline,)


@admin.register(Judge)
class JudgeAdmin(admin.ModelAdmin):
    list_display = ("user", "round", "capacity", "active")
    raw_id_fields = ("round", "user")


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    list_display = ("judge", "entry", "reason", "created_at")
    raw_id_fields = ("judge", "entry")


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    """Scores are a judge's own: the admin lists assignments, never their scores."""

    list_display = ("entry", "judge", "stage", "manual", "submitted_at")
    list_filter = ("manual",)
    raw_id_fields = ("stage", "entry", "judge")


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ("entry", "stage", "rank", "raw", "normalised", "kept")
    list_filter = ("kept",)
    raw_id_fields = ("stage", "entry")
