from django.contrib import admin

from .models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "text", "kind", "created_at", "read_at", "delivery", "emailed_at")
    list_filter = ("kind", "delivery")
    raw_id_fields = ("user",)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "group", "delivery")
    list_filter = ("group", "delivery")
    raw_id_fields = ("user",)
