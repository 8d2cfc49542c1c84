"""The site's own pages: the home page and a person's account. The domain apps mount their pages
beside these (see ``lumbung.platform.urls``)."""

from django.urls import path

from .views import accounts, imports, public

app_name = "web"

urlpatterns = [
    path("", public.home, name="home"),
    # accounts
    path("akun/profil/", accounts.profile, name="profile"),
    path("akun/token/", accounts.token_create, name="token_create"),
    path("akun/token/<int:pk>/cabut/", accounts.token_revoke, name="token_revoke"),
    path("akun/token/<int:pk>/ganti/", accounts.token_rotate, name="token_rotate"),
    # imports (innovations, units, people): upload, preview, confirm, progress, result
    path("impor/", imports.index, name="imports"),
    path("impor/contoh/<slug:kind>.csv", imports.example_file, name="import_example"),
    path("impor/<int:pk>/", imports.job_detail, name="import_job"),
    path("impor/<int:pk>/jalankan/", imports.job_confirm, name="import_confirm"),
    path("impor/<int:pk>/status/", imports.job_status, name="import_status"),
    path("impor/<int:pk>/berkas/", imports.job_file, name="import_file"),
]
