"""Management pages of an agency's people: who holds which role, invitations by e-mail, roles
given and taken away, accounts deactivated and reactivated — each change in the history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lumbung.core.actors import as_actor
from lumbung.core.models import AuditEntry
from lumbung.core.pages import add_service_errors, paginate

from .. import people as people_services
from .. import selectors, services
from ..models import Agency, Membership, Role, User
from ..policies import people as people_policy
from .agencies import managed_agency
from .forms import DeactivateForm, InviteForm, RoleForm

PEOPLE_PER_PAGE = 50

def _members(request: HttpRequest, slug: str) -> Agency:
    return managed_agency(request, slug, "agency.manage_members")


@login_required
def people(request: HttpRequest, slug: str) -> HttpResponse:
    agency = _members(request, slug)
    q = request.GET.get("q", "").strip()[:100]
    page = paginate(request, selectors.agency_people(agency, q=q), PEOPLE_PER_PAGE)
    return render(
        request,
        "organisations/manage/people.html",
        {"agency": agency, "q": q, "page": page},
    )


@login_required
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    agency = _members(request, slug)
    form = InviteForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = people_services.person_invite(
                actor=request.user,
                email=data["email"],
                agency=agency,
                role=data["role"],
                unit=data["unit"],
                display_name=data["display_name"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if invitation.created:
                text = _(
                    "%(email)s was invited: an e-mail with a link to choose a password is on "
                    "its way."
                )
            else:
                text = _("%(email)s already has an account: the role was given.")
            messages.success(request, text % {"email": invitation.user.email})
            return redirect("manage:person", slug=agency.slug, pk=invitation.user.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "organisations/manage/invite.html",
        {"agency": agency, "form": form},
        status=status,
    )


def _person_here(agency: Agency, pk: int) -> User:
    """A person who holds (or held, per the history) a role in ``agency``."""
    person = User.objects.filter(pk=pk).first()
    if person is None:
        raise Http404
    if not (
        person.memberships.filter(agency=agency).exists()
        or selectors.person_history(person, agency=agency)
        .filter(action__startswith="membership.")
        .exists()
    ):
        raise Http404
    return person


def _history(request: HttpRequest, person: User, agency: Agency) -> list[dict[str, Any]]:
    scope = None if as_actor(request.user).is_platform_admin else agency
    rows = []
    for entry in selectors.person_history(person, agency=scope)[:100]:
        rows.append(
            {
                "entry": entry,
                "label": entry.action_label,
                "what": _what(entry),
            }
        )
    return rows


def _what(entry: AuditEntry) -> str:
    changes = entry.changes or {}
    role = next((v for v in changes.get("role", []) if v), "")
    where = next((v for v in changes.get("where", []) if v), "")
    if role:
        label = Role(role).label if role in Role.values else role
        return f"{label} — {where}" if where else str(label)
    return entry.note


def _person_page(
    request: HttpRequest,
    agency: Agency,
    person: User,
    *,
    role_form: RoleForm | None = None,
    deactivate_form: DeactivateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "organisations/manage/person.html",
        {
            "agency": agency,
            "person": person,
            "roles": list(
                Membership.objects.filter(user=person, agency=agency)
                .select_related("unit")
                .order_by("role")
            ),
            "elsewhere": Membership.objects.filter(user=person).exclude(agency=agency).count(),
            "role_form": role_form or RoleForm(agency=agency),
            "deactivate_form": deactivate_form or DeactivateForm(),
            "may_deactivate": people_policy.can(request.user, "deactivate", person)
            and person.pk != request.user.pk,
            "history": _history(request, person, agency),
        },
        status=status,
    )


@login_required
def person(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    agency = _members(request, slug)
    return _person_page(request, agency, _person_here(agency, pk))


@login_required
@require_POST
def role_grant(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    agency = _members(request, slug)
    person = _person_here(agency, pk)
    form = RoleForm(request.POST, agency=agency)
    if form.is_valid():
        try:
            services.membership_grant(
                actor=request.user,
                user=person,
                role=form.cleaned_data["role"],
                agency=agency,
                unit=form.cleaned_data["unit"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The role was given."))
            return redirect("manage:person", slug=agency.slug, pk=person.pk)
    return _person_page(request, agency, person, role_form=form, status=400)


@login_required
@require_POST
def role_revoke(request: HttpRequest, slug: str, pk: int, membership_pk: int) -> HttpResponse:
    agency = _members(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "agency", "unit"),
        pk=membership_pk,
        user_id=pk,
        agency=agency,
    )
    services.membership_revoke(actor=request.user, membership=membership)
    messages.success(
        request,
        _("The role “%(role)s” was taken away.") % {"role": membership.get_role_display()},
    )
    return redirect("manage:person", slug=agency.slug, pk=pk)


@login_required
@require_POST
def deactivate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    agency = _members(request, slug)
    person = _person_here(agency, pk)
    form = DeactivateForm(request.POST)
    if form.is_valid():
        try:
            people_services.person_deactivate(
                actor=request.user, user=person, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The account was deactivated; its history is kept."))
            return redirect("manage:person", slug=agency.slug, pk=person.pk)
    return _person_page(request, agency, person, deactivate_form=form, status=400)


@login_required
@require_POST
def reactivate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    agency = _members(request, slug)
    person = _person_here(agency, pk)
    try:
        people_services.person_reactivate(actor=request.user, user=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The account was reactivated."))
    return redirect("manage:person", slug=agency.slug, pk=person.pk)
