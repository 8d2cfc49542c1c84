from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("", views.search, name="search"),
    path("masalah/", views.match, name="match"),
    path("mirip/<slug:slug>/", views.similar, name="similar"),
    path("duplikat/", views.duplicates, name="duplicates"),
]
