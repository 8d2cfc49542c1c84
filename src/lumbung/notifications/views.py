"""The person's notifications: list, open one (marks it read and follows its link), mark all
read, and the e-mail preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lumbung.core.pages import paginate

from . import kinds, selectors, services
from .forms import PreferencesForm

PER_PAGE = 25


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = paginate(
        request, selectors.notifications_for(request.user, unread_only=unread_only), PER_PAGE
    )
    for n in page.object_list:
        n.kind_label = kinds.label_of(n.kind)
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread": selectors.unread_count(request.user),
        },
    )


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    notification = selectors.notification_of(request.user, pk)
    if notification is None:
        raise Http404
    services.notification_mark_read(actor=request.user, notification=notification)
    url = notification.url
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(url)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(actor=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    current = selectors.preferences_of(request.user)  # type: ignore[arg-type]
    form = PreferencesForm(request.POST or None, initial_values=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_set(actor=request.user, values=form.cleaned_data)
        except ValidationError as exc:  # pragma: no cover  (the form offers only valid choices)
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:preferences")
    status = 400 if request.method == "POST" else 200
    return render(request, "notifications/preferences.html", {"form": form}, status=status)
