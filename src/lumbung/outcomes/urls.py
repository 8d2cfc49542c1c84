from django.urls import path

from . import views

app_name = "outcomes"

urlpatterns = [
    path("<slug:slug>/", views.innovation_outcomes, name="innovation"),
    path("<slug:slug>/indikator/", views.indicator_new, name="indicator_new"),
    path("<slug:slug>/indikator/<int:pk>/hapus/", views.indicator_delete, name="indicator_delete"),
    path("<slug:slug>/ukuran/", views.measurement_new, name="measurement_new"),
    path("<slug:slug>/ukuran/<int:pk>/hapus/", views.measurement_delete, name="measurement_delete"),
    path("<slug:slug>/keluarga/", views.family, name="family"),
]
