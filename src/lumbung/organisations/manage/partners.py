"""Management pages of partners (CSR companies, NGOs, universities, communities): platform
admins keep every partner; an agency's innovation admins record partners for their agency and
keep those up to date."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from lumbung.core.actors import as_actor
from lumbung.core.pages import add_service_errors, paginate
from lumbung.core.policies import can, permitted, require

from .. import services
from ..models import Agency, Partner, Role
from .forms import PartnerForm

PARTNERS_PER_PAGE = 50


def _recording_agency(request: HttpRequest) -> Agency | None:
    """The agency a new partner is recorded for: none for a platform admin (a partner of the
    platform), else the first agency the person administers."""
    actor = as_actor(request.user)
    if actor.is_platform_admin:
        return None
    return Agency.objects.filter(pk__in=actor.agencies(Role.AGENCY_ADMIN)).order_by("name").first()


@login_required
def partner_list(request: HttpRequest) -> HttpResponse:
    """The partners this person may change (a platform admin: every partner)."""
    if not can(request.user, "partner.create", Partner()):
        raise PermissionDenied
    partners = permitted(
        request.user, "partner.change", Partner.objects.select_related("region", "added_by_agency")
    )
    q = request.GET.get("q", "").strip()[:200]
    if q:
        partners = partners.filter(Q(name__icontains=q) | Q(description__icontains=q))
    return render(
        request,
        "organisations/manage/partners.html",
        {"page": paginate(request, partners.order_by("name"), PARTNERS_PER_PAGE), "q": q},
    )


def _partner_data(form: PartnerForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {k: data[k] for k in ("name", "kind", "region", "description", "website")}


@login_required
def partner_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "partner.create", Partner()):
        raise PermissionDenied
    agency = _recording_agency(request)
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_create(
                actor=request.user, agency=agency, **_partner_data(form)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("The partner “%(name)s” was added.") % {"name": partner.name}
            )
            return redirect("manage:partners")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "organisations/manage/partner_form.html",
        {"form": form, "recording_agency": agency},
        status=status,
    )


@login_required
def partner_edit(request: HttpRequest, slug: str) -> HttpResponse:
    partner = get_object_or_404(Partner, slug=slug)
    require(request.user, "partner.change", partner)
    form = PartnerForm.for_partner(partner, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_update(actor=request.user, partner=partner, **_partner_data(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The partner's details were saved."))
            return redirect("manage:partners")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "organisations/manage/partner_form.html",
        {"form": form, "partner": partner},
        status=status,
    )
