from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("baru/", views.event_new, name="new"),
    path("berita.xml", views.NewsFeed(), name="feed"),
    path("<slug:slug>/", views.event_detail, name="detail"),
    path("<slug:slug>/kalender.ics", views.event_ics, name="ics"),
    path("<slug:slug>/kelola/", views.event_manage, name="manage"),
    path("<slug:slug>/ubah/", views.event_edit, name="edit"),
    path("<slug:slug>/terbitkan/", views.event_publish, name="publish"),
    path("<slug:slug>/undangan/", views.event_invitations, name="invitations"),
    path("<slug:slug>/undangan/<int:pk>/hapus/", views.invitation_remove, name="invitation_remove"),
    path("<slug:slug>/daftar/", views.event_register, name="register"),
    path(
        "<slug:slug>/daftar/<int:pk>/batal/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path("<slug:slug>/kehadiran/", views.event_check_in, name="check_in"),
    path("<slug:slug>/kehadiran/<int:pk>/batal/", views.check_in_undo, name="check_in_undo"),
    path("<slug:slug>/testimoni/", views.event_testimonials, name="testimonials"),
    path(
        "<slug:slug>/testimoni/<int:pk>/hapus/",
        views.testimonial_remove,
        name="testimonial_remove",
    ),
    path("<slug:slug>/materi/", views.event_materials, name="materials"),
    path("<slug:slug>/materi/<int:pk>/", views.material_download, name="material"),
    path("<slug:slug>/materi/<int:pk>/hapus/", views.material_remove, name="material_remove"),
    path("<slug:slug>/tindak-lanjut/", views.event_intents, name="intents"),
    path("<slug:slug>/laporan/", views.event_report, name="report"),
    path("<slug:slug>/laporan.xlsx", views.event_report_xlsx, name="report_xlsx"),
]
