"""The region search behind the region picker, mounted at ``wilayah/`` (namespace ``regions``)."""

from django.urls import path

from . import region_picker

app_name = "regions"

urlpatterns = [
    path("cari/", region_picker.region_search, name="search"),
]
