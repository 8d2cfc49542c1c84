"""Admin for learning events: for platform admins to look and fix; everyday work goes through
the pages and services (permissions, capacity, audit)."""

from django.contrib import admin
from django.http import HttpRequest

from .models import Event, Intent, Invitation, Material, Registration, Testimonial


class InvitationInline(admin.TabularInline):
    model = Invitation
    fields = ("unit", "partner", "invited_by", "created_at")
    readonly_fields = ("invited_by", "created_at")
    raw_id_fields = ("unit", "partner")
    extra = 0


class TestimonialInline(admin.StackedInline):
    model = Testimonial
    fields = ("speaker", "group", "partner", "text", "text_en", "is_public", "is_example")
    raw_id_fields = ("partner",)
    extra = 0


class MaterialInline(admin.TabularInline):
    model = Material
    fields = ("kind", "title", "description", "content_type", "size", "is_public")
    readonly_fields = ("content_type", "size")
    extra = 0

    def has_add_permission(  # uploads go through the checked service
        self, request: HttpRequest, obj: Event | None = None
    ) -> bool:
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "host_unit", "starts_at", "publication_state", "capacity")
    list_filter = ("publication_state", "is_example", "host_agency")
    search_fields = ("title", "title_en", "host_unit__name")
    date_hierarchy = "starts_at"
    raw_id_fields = ("host_unit", "programme", "facilitator_agency", "region", "created_by")
    filter_horizontal = ("showcased", "facilitators")
    readonly_fields = ("published_at", "created_at", "updated_at")
    inlines = (InvitationInline, TestimonialInline, MaterialInline)


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    """Personal data of attendees: visible to platform admins only."""

    list_display = ("name", "event", "invitation", "status", "checked_in_at")
    list_filter = ("status", "is_example")
    search_fields = ("name", "event__title")
    raw_id_fields = ("event", "invitation", "checked_in_by", "registered_by")


@admin.register(Intent)
class IntentAdmin(admin.ModelAdmin):
    list_display = ("unit", "innovation", "decision", "due_date", "event")
    list_filter = ("decision", "is_example")
    search_fields = ("unit__name", "innovation__name", "event__title")
    raw_id_fields = ("event", "unit", "innovation", "commitment", "project", "recorded_by")
