from django.urls import path

from . import views

app_name = "replication"

urlpatterns = [
    path("", views.workspace, name="workspace"),
    # programmes (public pages, with managers' forms)
    path("program/", views.programme_list, name="programmes"),
    path("program/baru/", views.programme_new, name="programme_new"),
    path("program/<slug:slug>/", views.programme_detail, name="programme"),
    path("program/<slug:slug>/ubah/", views.programme_edit, name="programme_edit"),
    path("program/<slug:slug>/sasaran/", views.programme_targets, name="programme_targets"),
    path(
        "program/<slug:slug>/sasaran/<int:unit_id>/hapus/",
        views.programme_target_remove,
        name="programme_target_remove",
    ),
    path("program/<slug:slug>/pendampingan/", views.programme_session, name="programme_session"),
    path("program/<slug:slug>/bergabung/", views.programme_join, name="programme_join"),
    path(
        "program/<slug:slug>/keluar/<int:agency_id>/",
        views.programme_leave,
        name="programme_leave",
    ),
    # projects
    path("proyek/baru/", views.project_new, name="project_new"),
    path("proyek/<int:pk>/", views.project_detail, name="project"),
    path("proyek/<int:pk>/ubah/", views.project_edit, name="project_edit"),
    path("proyek/<int:pk>/tahap/", views.project_transition, name="project_transition"),
    path("proyek/<int:pk>/dokumen/", views.document_add, name="document_add"),
    path("proyek/<int:pk>/dokumen/<int:doc_id>/", views.document_download, name="document"),
    path(
        "proyek/<int:pk>/dokumen/<int:doc_id>/hapus/",
        views.document_remove,
        name="document_remove",
    ),
    path("proyek/<int:pk>/komponen-inti/", views.components_set, name="components_set"),
    path("proyek/<int:pk>/adaptasi/", views.adaptation_add, name="adaptation_add"),
    path(
        "proyek/<int:pk>/adaptasi/<int:rid>/hapus/",
        views.adaptation_remove,
        name="adaptation_remove",
    ),
    path("proyek/<int:pk>/bentuk/", views.form_decision, name="form_decision"),
    path("proyek/<int:pk>/replika/", views.replica_link, name="replica_link"),
    path("proyek/<int:pk>/komentar/", views.comment_add, name="comment_add"),
    path("proyek/<int:pk>/komitmen/", views.project_commitment_add, name="commitment_add"),
    path("proyek/<int:pk>/pendampingan/", views.project_session, name="project_session"),
    # requests to record an existing innovation as a project's replica
    path("permintaan-replika/", views.link_requests, name="link_requests"),
    path(
        "permintaan-replika/<int:pk>/jawab/",
        views.link_request_answer,
        name="link_request_answer",
    ),
    # commitments
    path("komitmen/", views.commitment_list, name="commitments"),
    path("komitmen/<int:pk>/", views.commitment_detail, name="commitment_detail"),
]
