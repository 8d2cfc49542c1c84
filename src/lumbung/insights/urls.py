from django.urls import path, re_path

from . import views

app_name = "insights"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("unduh/<slug:key>.csv", views.breakdown_csv, name="breakdown_csv"),
    path("program/<slug:slug>/", views.programme, name="programme"),
    re_path(
        r"^program/(?P<slug>[-\w]+)/laporan\.(?P<fmt>pdf|xlsx)$",
        views.programme_report,
        name="programme_report",
    ),
    re_path(
        r"^unit/(?P<pk>\d+)/portofolio\.(?P<fmt>pdf|xlsx)$",
        views.unit_portfolio,
        name="unit_portfolio",
    ),
    path("kompetisi/<slug:slug>/hasil.pdf", views.competition_results, name="competition_results"),
    path("fasilitasi/", views.facilitator, name="facilitator"),
    path("difusi/<slug:slug>/", views.diffusion, name="diffusion"),
    path("indeks/", views.index_page, name="index"),
    path("indeks/<slug:slug>/", views.index_innovation, name="index_innovation"),
    path("data-terbuka/", views.open_data, name="open_data"),
    path("data-terbuka/datapackage.json", views.datapackage, name="datapackage"),
    path("data-terbuka/lumbung-data-terbuka.zip", views.open_zip, name="open_zip"),
    re_path(
        r"^data-terbuka/(?P<name>[a-z_]+)\.(?P<fmt>csv|json)$",
        views.open_table,
        name="open_table",
    ),
]
