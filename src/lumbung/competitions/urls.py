from django.urls import path

from . import views

app_name = "competitions"

urlpatterns = [
    path("", views.round_list, name="list"),
    path("baru/", views.round_new, name="new"),
    path("penilaian/", views.workspace, name="workspace"),
    path("penilaian/<int:pk>/", views.score, name="score"),
    path("penilaian/<int:pk>/konflik/", views.conflict, name="conflict"),
    path("penilaian/<int:pk>/konsensus/", views.consensus, name="consensus"),
    path("entri/<int:pk>/", views.entry_detail, name="entry"),
    path("entri/<int:pk>/keputusan/", views.entry_decide, name="entry_decide"),
    path("entri/<int:pk>/periksa/", views.entry_check, name="entry_check"),
    path("entri/<int:pk>/sertifikat.pdf", views.certificate, name="certificate"),
    path("entri/<int:pk>/dokumen/", views.document_add, name="document_add"),
    path("entri/<int:pk>/dokumen/<int:doc>/", views.document_file, name="document"),
    path("entri/<int:pk>/dokumen/<int:doc>/hapus/", views.document_remove, name="document_remove"),
    path("<slug:slug>/", views.round_detail, name="round"),
    path("<slug:slug>/daftar/", views.enter, name="enter"),
    path("<slug:slug>/kelola/", views.manage, name="manage"),
    path("<slug:slug>/pengaturan/", views.setup, name="setup"),
    path("<slug:slug>/kelola/aksi/", views.manage_action, name="manage_action"),
    path("<slug:slug>/hasil.xlsx", views.results_xlsx, name="results_xlsx"),
    path("<slug:slug>/sanggah/<int:pk>/", views.objection, name="objection"),
]
