"""Management pages of agencies and their unit trees: the list of agencies a person administers,
an agency's details, and its units one level (or one search) at a time."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from lumbung.core.pages import add_service_errors, paginate
from lumbung.core.params import id_param
from lumbung.core.policies import can, require

from .. import selectors, services
from ..models import Agency, Membership, Partner, Unit
from ..policies import may_manage_organisations
from ..unit_picker import MAX_QUERY
from .forms import AgencyForm, UnitForm

AGENCIES_PER_PAGE = 50
UNITS_PER_PAGE = 50


def managed_agency(request: HttpRequest, slug: str, action: str = "agency.administer") -> Agency:
    """The agency of the address, if this person may ``action`` it (else 403; 404 if none)."""
    agency = get_object_or_404(Agency.objects.select_related("region"), slug=slug)
    require(request.user, action, agency)
    return agency


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The agencies this person administers; a platform admin's list of every agency."""
    if not may_manage_organisations(request.user):
        raise PermissionDenied(
            _("Only agencies' innovation admins and platform admins manage organisations.")
        )
    agencies = selectors.administered_agencies(request.user)
    q = request.GET.get("q", "").strip()[:200]
    if q:
        agencies = agencies.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
    page = paginate(request, agencies, AGENCIES_PER_PAGE)
    return render(
        request,
        "organisations/manage/home.html",
        {
            "page": page,
            "q": q,
            "may_create": can(request.user, "agency.create", Agency()),
            "may_add_partner": can(request.user, "partner.create", Partner()),
        },
    )


def _agency_form_data(form: AgencyForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {k: data[k] for k in ("name", "short_name", "kind", "region", "website")}


@login_required
def agency_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "agency.create", Agency())
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency = services.agency_create(actor=request.user, **_agency_form_data(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("The agency “%(name)s” was created.") % {"name": agency.name}
            )
            return redirect("manage:agency", slug=agency.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "organisations/manage/agency_form.html", {"form": form}, status=status)


@login_required
def agency_edit(request: HttpRequest, slug: str) -> HttpResponse:
    agency = managed_agency(request, slug)
    form = AgencyForm.for_agency(agency, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_update(actor=request.user, agency=agency, **_agency_form_data(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The agency's details were saved."))
            return redirect("manage:agency", slug=agency.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "organisations/manage/agency_form.html",
        {"form": form, "agency": agency},
        status=status,
    )


def _parent_of_level(request: HttpRequest, agency: Agency) -> Unit | None:
    pk = id_param(request.GET.get("induk"))
    if pk is None:
        return None
    parent = Unit.objects.filter(agency=agency, pk=pk).first()
    if parent is None:
        raise Http404
    return parent


@login_required
def agency(request: HttpRequest, slug: str) -> HttpResponse:
    """An agency's management page: its details, its units one level or one search at a time,
    and the ways to its people, partners and imports."""
    agency = managed_agency(request, slug)
    parent = _parent_of_level(request, agency)
    q = request.GET.get("q", "").strip()[:MAX_QUERY]
    page = paginate(request, selectors.unit_level(agency, parent, q=q), UNITS_PER_PAGE)
    page.object_list = selectors.with_unit_counts(page.object_list)
    lineage = [*selectors.lineage(parent), parent] if parent else []
    return render(
        request,
        "organisations/manage/agency.html",
        {
            "agency": agency,
            "parent": parent,
            "lineage": lineage,
            "q": q,
            "page": page,
            "unit_count": Unit.objects.filter(agency=agency).count(),
            "people_count": Membership.objects.filter(agency=agency)
            .values("user_id")
            .distinct()
            .count(),
        },
    )


def _unit_form_data(form: UnitForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {k: data[k] for k in ("name", "short_name", "kind", "parent", "region")}


def _back_to_level(agency: Agency, parent: Unit | None) -> HttpResponse:
    response = redirect("manage:agency", slug=agency.slug)
    if parent is not None:
        response["Location"] += f"?induk={parent.pk}"
    return response


@login_required
def unit_create(request: HttpRequest, slug: str) -> HttpResponse:
    agency = managed_agency(request, slug, "agency.manage_units")
    initial = {"kind": Unit.Kind.OTHER, "parent": _parent_of_level(request, agency)}
    form = UnitForm(request.POST or None, agency=agency, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=request.user, agency=agency, **_unit_form_data(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The unit “%(name)s” was added.") % {"name": unit.name})
            return _back_to_level(agency, unit.parent)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "organisations/manage/unit_form.html",
        {"form": form, "agency": agency},
        status=status,
    )


@login_required
def unit_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    agency = get_object_or_404(Agency, slug=slug)
    unit = get_object_or_404(
        Unit.objects.select_related("agency", "parent", "region"), pk=pk, agency=agency
    )
    require(request.user, "unit.change", unit)
    form = UnitForm.for_unit(unit, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_update(actor=request.user, unit=unit, **_unit_form_data(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The unit “%(name)s” was saved.") % {"name": unit.name})
            return _back_to_level(agency, unit.parent)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "organisations/manage/unit_form.html",
        {"form": form, "agency": agency, "unit": unit},
        status=status,
    )
