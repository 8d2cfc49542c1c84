"""The site's own pages: the home page and a person's account. The domain apps mount their pages
beside these (see ``lumbung.platform.urls``)."""

from django.urls import path

from .views import accounts, public

app_name = "web"

urlpatterns = [
    path("", public.home, name="home"),
    # accounts
    path("akun/profil/", accounts.profile, name="profile"),
    path("akun/token/", accounts.token_create, name="token_create"),
    path("akun/token/<int:pk>/cabut/", accounts.token_revoke, name="token_revoke"),
]
