"""The agency and unit pages, mounted at ``instansi/``."""

from django.urls import path

from . import views
from .unit_picker import unit_search_view

app_name = "organisations"

urlpatterns = [
    path("", views.agency_list, name="agencies"),
    path("unit/cari/", unit_search_view, name="unit_search"),
    path("<slug:slug>/", views.agency_detail, name="agency"),
    path("<slug:slug>/unit/<slug:unit_slug>/", views.unit_detail, name="unit"),
]
