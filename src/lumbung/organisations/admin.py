from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Agency, Membership, Partner, Region, Unit, User


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    ordering = ("code",)


class UnitInline(admin.TabularInline):
    model = Unit
    fields = ("name", "short_name", "slug", "kind", "parent", "region")
    raw_id_fields = ("parent", "region")
    extra = 0
    show_change_link = True


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "short_name", "kind", "region")
    list_filter = ("kind",)
    search_fields = ("name", "short_name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    raw_id_fields = ("region",)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "agency", "kind", "parent", "region")
    list_filter = ("kind",)
    search_fields = ("name", "short_name", "slug", "agency__name")
    list_select_related = ("agency", "parent", "region")
    raw_id_fields = ("agency", "parent", "region")


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "kind", "region", "is_example")
    list_filter = ("kind", "is_example")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    raw_id_fields = ("region",)


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("role", "agency", "unit")
    raw_id_fields = ("agency", "unit")
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "email", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "display_name", "email", "first_name", "last_name")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Lumbung"), {"fields": ("display_name", "preferred_language")}),
    )
    inlines = (MembershipInline,)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "agency", "unit", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__display_name", "agency__name", "unit__name")
    list_select_related = ("user", "agency", "unit")
    raw_id_fields = ("user", "agency", "unit")
