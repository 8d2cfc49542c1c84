from django.urls import path

from .views import accounts, catalog, organisations, public, workspace

app_name = "web"

urlpatterns = [
    path("", public.home, name="home"),
    # public catalog
    path("inovasi/", catalog.catalog, name="catalog"),
    path("inovasi/<slug:slug>/", catalog.innovation_detail, name="innovation"),
    path(
        "inovasi/<slug:slug>/bukti/<int:pk>/",
        catalog.evidence_download,
        name="evidence_download",
    ),
    # agencies and units
    path("instansi/", organisations.agency_list, name="agencies"),
    path("instansi/<slug:slug>/", organisations.agency_detail, name="agency"),
    path("instansi/<slug:slug>/unit/<slug:unit_slug>/", organisations.unit_detail, name="unit"),
    # accounts
    path("akun/profil/", accounts.profile, name="profile"),
    path("akun/token/", accounts.token_create, name="token_create"),
    path("akun/token/<int:pk>/cabut/", accounts.token_revoke, name="token_revoke"),
    # workspace
    path("ruang-kerja/", workspace.dashboard, name="dashboard"),
    path("ruang-kerja/inovasi/baru/", workspace.innovation_new, name="innovation_new"),
    path("ruang-kerja/inovasi/<slug:slug>/", workspace.innovation_manage, name="innovation_manage"),
    path(
        "ruang-kerja/inovasi/<slug:slug>/ubah/", workspace.innovation_edit, name="innovation_edit"
    ),
    path("ruang-kerja/inovasi/<slug:slug>/bukti/", workspace.evidence_add, name="evidence_add"),
    path(
        "ruang-kerja/inovasi/<slug:slug>/bukti/<int:pk>/hapus/",
        workspace.evidence_remove,
        name="evidence_remove",
    ),
    path("ruang-kerja/inovasi/<slug:slug>/penghargaan/", workspace.award_add, name="award_add"),
    path(
        "ruang-kerja/inovasi/<slug:slug>/penghargaan/<int:pk>/hapus/",
        workspace.award_remove,
        name="award_remove",
    ),
    path("ruang-kerja/inovasi/<slug:slug>/status/", workspace.status_change, name="status_change"),
    path(
        "ruang-kerja/inovasi/<slug:slug>/ajukan/",
        workspace.innovation_submit,
        name="innovation_submit",
    ),
    path(
        "ruang-kerja/inovasi/<slug:slug>/hapus/",
        workspace.innovation_delete,
        name="innovation_delete",
    ),
    # review
    path("tinjauan/", workspace.review_queue, name="review_queue"),
    path("tinjauan/<slug:slug>/", workspace.review_detail, name="review"),
    path("tinjauan/<slug:slug>/terbitkan/", workspace.review_publish, name="review_publish"),
    path("tinjauan/<slug:slug>/kembalikan/", workspace.review_return, name="review_return"),
]
