"""Django's authentication views at /accounts/ with Lumbung's templates.

The URL names and paths are those of ``django.contrib.auth.urls``; only the templates differ
(the admin app ships templates under the same ``registration/`` names, and it comes first in
INSTALLED_APPS, so ours are named explicitly)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from .forms import LoginForm
from .views import accounts


class LoginView(auth_views.LoginView):
    # django-stubs 6 describes newer Django, whose method takes ``request``; 5.2's does not
    def get_redirect_url(self) -> str:  # type: ignore[override]
        # a "next" that points back at this page would loop for a signed-in person
        url = super().get_redirect_url()
        return "" if url.split("?")[0] == self.request.path else url


urlpatterns = [
    path(
        "login/",
        LoginView.as_view(
            template_name="registration/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password_change/",
        auth_views.PasswordChangeView.as_view(
            template_name="registration/lumbung_password_change_form.html"
        ),
        name="password_change",
    ),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/lumbung_password_change_done.html"
        ),
        name="password_change_done",
    ),
    path(
        "password_reset/",
        # Django's, limited per address and per e-mail address
        accounts.PasswordResetView.as_view(
            template_name="registration/lumbung_password_reset_form.html",
            email_template_name="registration/lumbung_password_reset_email.txt",
            subject_template_name="registration/lumbung_password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/lumbung_password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/lumbung_password_reset_confirm.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/lumbung_password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
