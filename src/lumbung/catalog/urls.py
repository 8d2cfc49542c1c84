"""The catalog's pages, mounted at the site's root: their paths start with ``inovasi/`` (the
public catalog), ``ruang-kerja/`` (the workspace) and ``tinjauan/`` (the review);
``pilih-inovasi/`` is the innovation picker's search."""

from django.urls import path

from .innovation_picker import innovation_search_view
from .views import public, review, revisions, workspace

app_name = "catalog"

urlpatterns = [
    # the innovation picker's search (options among the innovations the person may see)
    path("pilih-inovasi/", innovation_search_view, name="innovation_search"),
    # public catalog
    path("inovasi/", public.catalog, name="catalog"),
    path("inovasi/<slug:slug>/", public.innovation_detail, name="innovation"),
    path(
        "inovasi/<slug:slug>/bukti/<int:pk>/",
        public.evidence_download,
        name="evidence_download",
    ),
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
    # a change proposed to a published innovation: its page (the unit and the agency), the
    # agency's decision
    path(
        "ruang-kerja/inovasi/<slug:slug>/perubahan/",
        revisions.revision_detail,
        name="revision",
    ),
    path(
        "ruang-kerja/inovasi/<slug:slug>/perubahan/setujui/",
        revisions.revision_approve,
        name="revision_approve",
    ),
    path(
        "ruang-kerja/inovasi/<slug:slug>/perubahan/tolak/",
        revisions.revision_reject,
        name="revision_reject",
    ),
    # review
    path("tinjauan/", review.review_queue, name="review_queue"),
    path("tinjauan/<slug:slug>/", review.review_detail, name="review"),
    path("tinjauan/<slug:slug>/terbitkan/", review.review_publish, name="review_publish"),
    path("tinjauan/<slug:slug>/kembalikan/", review.review_return, name="review_return"),
]
