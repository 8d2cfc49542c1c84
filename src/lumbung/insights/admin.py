from django.contrib import admin

from .models import IndexSetting


@admin.register(IndexSetting)
class IndexSettingAdmin(admin.ModelAdmin[IndexSetting]):
    list_display = ("name", "is_active", "updated_at")
