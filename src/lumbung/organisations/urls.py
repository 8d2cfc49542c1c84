"""The agency and unit pages, mounted at ``instansi/``."""

from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("", views.agency_list, name="agencies"),
    path("<slug:slug>/", views.agency_detail, name="agency"),
    path("<slug:slug>/unit/<slug:unit_slug>/", views.unit_detail, name="unit"),
]
