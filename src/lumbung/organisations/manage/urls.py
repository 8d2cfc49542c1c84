"""The management pages, mounted at ``kelola/`` (namespace ``manage``)."""

from django.urls import path

from . import agencies, partners, people

app_name = "manage"

urlpatterns = [
    path("", agencies.home, name="home"),
    path("instansi/baru/", agencies.agency_create, name="agency_create"),
    path("instansi/<slug:slug>/", agencies.agency, name="agency"),
    path("instansi/<slug:slug>/ubah/", agencies.agency_edit, name="agency_edit"),
    path("instansi/<slug:slug>/unit/baru/", agencies.unit_create, name="unit_create"),
    path("instansi/<slug:slug>/unit/<int:pk>/", agencies.unit_edit, name="unit_edit"),
    path("instansi/<slug:slug>/orang/", people.people, name="people"),
    path("instansi/<slug:slug>/orang/undang/", people.invite, name="invite"),
    path("instansi/<slug:slug>/orang/<int:pk>/", people.person, name="person"),
    path("instansi/<slug:slug>/orang/<int:pk>/peran/", people.role_grant, name="role_grant"),
    path(
        "instansi/<slug:slug>/orang/<int:pk>/peran/<int:membership_pk>/cabut/",
        people.role_revoke,
        name="role_revoke",
    ),
    path("instansi/<slug:slug>/orang/<int:pk>/nonaktifkan/", people.deactivate, name="deactivate"),
    path("instansi/<slug:slug>/orang/<int:pk>/aktifkan/", people.reactivate, name="reactivate"),
    path("mitra/", partners.partner_list, name="partners"),
    path("mitra/baru/", partners.partner_create, name="partner_create"),
    path("mitra/<slug:slug>/ubah/", partners.partner_edit, name="partner_edit"),
]
