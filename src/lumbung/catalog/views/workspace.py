"""The workspace: a person's innovations, creating and editing them, evidence, awards, status,
submitting for review and deleting a draft.

Every write calls ``catalog.services``; every view asks the policies (``lumbung.core.policies``).
A record the person may not read internally answers 404 (its existence is not disclosed); a
record they may read but not change answers 403.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lumbung.core.actors import ActorLike, as_actor, in_own_roles
from lumbung.core.pages import add_service_errors, paginate
from lumbung.core.policies import can, require
from lumbung.organisations.models import Unit
from lumbung.organisations.policies import units as unit_policy

from .. import editing, resemblance, revisions, selectors, services
from ..forms import (
    AwardForm,
    EvidenceForm,
    InnovationCreateForm,
    InnovationProfileForm,
    StatusForm,
    TeamFormSet,
)
from ..models import Award, Evidence, Innovation
from ..policies import may_review_somewhere
from . import conflicts as conflict_views

WORKSPACE_PER_PAGE = 25


def creatable_units(user: ActorLike) -> QuerySet[Unit]:
    """Units in which this person may create innovations (the unit policy's ``manage``; a
    platform admin's own memberships only, not the whole platform)."""
    return unit_policy.filter(in_own_roles(as_actor(user)), "manage", Unit.objects.all())


def _revision_context(innovation: Innovation) -> dict[str, Any]:
    """The pending change and the last rejected one, for the unit's pages."""
    return {
        "pending_revision": revisions.pending_revision(innovation),
        "rejected_revision": revisions.last_rejection(innovation),
    }


def workspace_innovation(request: HttpRequest, slug: str, action: str | None = None) -> Innovation:
    """The innovation for a workspace or review page: 404 unless the person may read it
    internally, 403 unless they may do ``action``."""
    innovation = get_object_or_404(
        Innovation.objects.select_related("agency", "unit", "sector"), slug=slug
    )
    if not can(request.user, "innovation.view_internal", innovation):
        raise Http404
    if action:
        require(request.user, action, innovation)
    return innovation


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.workspace_innovations(request.user), WORKSPACE_PER_PAGE)
    units = creatable_units(request.user)
    waiting = (
        selectors.review_queue(request.user).count() if may_review_somewhere(request.user) else None
    )
    return render(
        request,
        "catalog/workspace/dashboard.html",
        {"page": page, "can_create": units.exists(), "waiting": waiting},
    )


@login_required
@require_http_methods(["GET", "POST"])
def innovation_new(request: HttpRequest) -> HttpResponse:
    units = creatable_units(request.user)
    if not units.exists():
        raise PermissionDenied(_("You are not an innovation officer or admin of any unit."))
    form = InnovationCreateForm(request.POST or None, units=units)
    duplicates: Sequence[resemblance.Resemblance] = []
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        if not request.POST.get("not_a_duplicate"):
            duplicates = resemblance.duplicates_of(
                form.cleaned_data["name"],
                summary=form.cleaned_data.get("summary", ""),
                user=request.user,
            )
        if duplicates:
            return render(
                request,
                "catalog/workspace/new.html",
                {"form": form, "duplicates": duplicates},
                status=200,
            )
        try:
            innovation = services.innovation_create(
                actor=request.user, unit=unit, data=form.service_data()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("The innovation was created as a draft. Now complete its profile.")
            )
            return redirect("catalog:innovation_edit", slug=innovation.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "catalog/workspace/new.html", {"form": form}, status=status)


def _team_initial(innovation: Innovation) -> list[dict[str, str]]:
    return [{"name": m.name, "role_title": m.role_title} for m in innovation.team.all()]


def _seen(request: HttpRequest, innovation: Innovation) -> editing.Seen | None:
    """The version the posted form was loaded with, and its values (to merge against)."""
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        return None
    if version < 1:
        return None
    base = editing.read_base(request.POST.get("base", ""), innovation, version)
    return editing.Seen(version=version, values=base)


def _edit_page(
    request: HttpRequest,
    innovation: Innovation,
    form: InnovationProfileForm,
    team: Any,
    *,
    status: int = 200,
    conflicts: list[conflict_views.ShownConflict] | None = None,
    loaded: tuple[str, str] | None = None,
) -> HttpResponse:
    """The edit page; ``loaded``: the version and base the form was loaded with (a form shown
    again with its errors keeps them), else the stored record's."""
    conflicts = conflicts or []
    version, base = loaded or (str(innovation.version), editing.sign_base(innovation))
    form.conflicts = {c.name: c for c in conflicts}
    return render(
        request,
        "catalog/workspace/edit.html",
        {
            **_revision_context(innovation),
            "reviewed": not can(request.user, "innovation.change_directly", innovation),
            "innovation": innovation,
            "form": form,
            "team": team,
            "version": version,
            "base": base,
            "conflicts": conflicts,
            "team_conflict": form.conflicts.get("team"),
        },
        status=status,
    )


def _settle_page(
    request: HttpRequest,
    innovation: Innovation,
    form: InnovationProfileForm,
    members: list[dict[str, Any]],
    conflicts: list[editing.Conflict],
    *,
    mine: Iterable[str],
    unsettled: Iterable[str] = (),
) -> HttpResponse:
    """The edit page against the stored record: what the person changed that nobody else did is
    filled in, each conflict shown with both versions; nothing has been written."""
    current = Innovation.objects.select_related("agency", "unit", "sector").get(pk=innovation.pk)
    keep = {*mine, *(c.field for c in conflicts)}
    initial = {k: v for k, v in form.cleaned_data.items() if k in keep}
    team_initial = members if "team" in keep else _team_initial(current)
    return _edit_page(
        request,
        current,
        InnovationProfileForm(instance=current, initial=initial),
        TeamFormSet(initial=conflict_views.team_rows(team_initial), prefix="team"),
        status=409,
        conflicts=conflict_views.shown(conflicts, unsettled),
    )


def _edit_data(
    form: InnovationProfileForm, members: list[dict[str, Any]], settled: dict[str, str]
) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    """What to save: the form's values, without the fields whose conflict was settled for the
    other person's version."""
    data = {k: v for k, v in form.service_data().items() if settled.get(k) != conflict_views.THEIRS}
    team = members if settled.get("team") != conflict_views.THEIRS else None
    return data, team


@login_required
@require_http_methods(["GET", "POST"])
def innovation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    innovation = workspace_innovation(request, slug, "innovation.change")
    if request.method != "POST":
        initial, members = _pending_initial(revisions.pending_revision(innovation), innovation)
        form = InnovationProfileForm(instance=innovation, initial=initial)
        team = TeamFormSet(initial=members, prefix="team")
        return _edit_page(request, innovation, form, team)
    form = InnovationProfileForm(request.POST, instance=innovation)
    team = TeamFormSet(request.POST, prefix="team")
    if form.is_valid() and team.is_valid():
        members = [f.cleaned_data for f in team.forms if f.cleaned_data]
        settled, unsettled = conflict_views.choices(request)
        seen = _seen(request, innovation)
        if unsettled:
            yours = {**form.service_data(), "team": members}
            conflicts = conflict_views.unsettled_conflicts(innovation, unsettled, yours)
            mine = conflict_views.changed_by_edit(yours, seen)
            return _settle_page(
                request, innovation, form, members, conflicts, mine=mine, unsettled=unsettled
            )
        data, members_to_save = _edit_data(form, members, settled)
        kept = conflict_views.others_changes(innovation, seen.version) if seen else []
        try:
            result = revisions.innovation_edit(
                actor=request.user,
                innovation=innovation,
                data=data,
                team=members_to_save,
                seen=seen,
            )
        except editing.EditConflict as exc:
            # refused without a merge (a writer slipped past the lock): keep all that was typed
            mine = exc.mine if exc.conflicts else set(editing.EDITABLE)
            return _settle_page(request, innovation, form, members, exc.conflicts, mine=mine)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if result.waiting or result.withdrawn:
                messages.success(request, _edit_outcome(result))
            elif kept:
                messages.success(
                    request,
                    _(
                        "The profile was saved. Changes saved meanwhile by others were kept: "
                        "%(fields)s."
                    )
                    % {"fields": ", ".join(kept)},
                )
            else:
                messages.success(request, _("The profile was saved."))
            return redirect("catalog:innovation_manage", slug=innovation.slug)
    # the form may have changed the in-memory record while validating; show the stored record
    innovation.refresh_from_db(fields=["name", "name_en", *Innovation.REQUIRED_FOR_SUBMISSION])
    loaded = (request.POST.get("version", ""), request.POST.get("base", ""))
    return _edit_page(request, innovation, form, team, status=400, loaded=loaded)


def _edit_outcome(result: revisions.EditResult) -> str:
    if result.withdrawn:
        return _(
            "The profile is the same as the published one again: the change waiting for review "
            "was withdrawn."
        )
    return _(
        "Your change was sent to your agency's innovation admin for review. The public page "
        "shows the published profile until the change is approved."
    )


def _pending_initial(
    revision: revisions.InnovationRevision | None, innovation: Innovation
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The edit form's values: a pending change's proposed values over the published ones."""
    proposed = dict(revision.proposed) if revision else {}
    team = proposed.pop("team", None)
    members = (
        [{"name": n, "role_title": r} for n, r in team]
        if team is not None
        else _team_initial(innovation)
    )
    return proposed, members


def _manage_context(request: HttpRequest, innovation: Innovation, **forms: Any) -> dict[str, Any]:
    user = request.user
    return {
        **_revision_context(innovation),
        "innovation": innovation,
        "evidence": list(innovation.evidence.all()),
        "awards": list(innovation.awards.all()),
        "status_changes": list(innovation.status_changes.all()[:20]),
        "can_change": can(user, "innovation.change", innovation),
        "changes_reviewed": not can(user, "innovation.change_directly", innovation),
        "can_submit": can(user, "innovation.submit", innovation),
        "can_review": can(user, "innovation.review", innovation),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(),
        "award_form": forms.get("award_form") or AwardForm(),
        "status_form": forms.get("status_form") or StatusForm(),
        "submit_errors": forms.get("submit_errors") or [],
        "delete_errors": forms.get("delete_errors") or [],
    }


@login_required
def innovation_manage(request: HttpRequest, slug: str) -> HttpResponse:
    innovation = workspace_innovation(request, slug)
    return render(request, "catalog/workspace/manage.html", _manage_context(request, innovation))


def _manage_error(request: HttpRequest, innovation: Innovation, **forms: Any) -> HttpResponse:
    messages.error(request, _("Nothing was saved: please correct the errors shown below."))
    return render(
        request,
        "catalog/workspace/manage.html",
        _manage_context(request, innovation, **forms),
        status=400,
    )


@login_required
@require_POST
def evidence_add(request: HttpRequest, slug: str) -> HttpResponse:
    innovation = workspace_innovation(request, slug, "innovation.change")
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_add(
                actor=request.user,
                innovation=innovation,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The evidence was uploaded."))
            return redirect(reverse("catalog:innovation_manage", args=[slug]) + "#evidence")
    return _manage_error(request, innovation, evidence_form=form)


@login_required
@require_POST
def evidence_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    innovation = workspace_innovation(request, slug, "innovation.change")
    evidence = get_object_or_404(Evidence, pk=pk, innovation=innovation)
    services.evidence_remove(actor=request.user, evidence=evidence)
    messages.success(request, _("The evidence “%(title)s” was removed.") % {"title": evidence})
    return redirect(reverse("catalog:innovation_manage", args=[slug]) + "#evidence")


@login_required
@require_POST
def award_add(request: HttpRequest, slug: str) -> HttpResponse:
    innovation = workspace_innovation(request, slug, "innovation.change")
    form = AwardForm(request.POST)
    if form.is_valid():
        try:
            services.award_add(actor=request.user, innovation=innovation, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The award was added."))
            return redirect(reverse("catalog:innovation_manage", args=[slug]) + "#awards")
    return _manage_error(request, innovation, award_form=form)


@login_required
@require_POST
def award_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    innovation = workspace_innovation(request, slug, "innovation.change")
    award = get_object_or_404(
        Award.objects.select_related("innovation"), pk=pk, innovation=innovation
    )
    services.award_remove(actor=request.user, award=award)
    messages.success(request, _("The award was removed."))
    return redirect(reverse("catalog:innovation_manage", args=[slug]) + "#awards")


@login_required
@require_POST
def status_change(request: HttpRequest, slug: str) -> HttpResponse:
    innovation = workspace_innovation(request, slug, "innovation.change")
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.innovation_set_status(
                actor=request.user, innovation=innovation, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The status was changed."))
            return redirect(reverse("catalog:innovation_manage", args=[slug]) + "#status")
    return _manage_error(request, innovation, status_form=form)


@login_required
@require_POST
def innovation_submit(request: HttpRequest, slug: str) -> HttpResponse:
    innovation = workspace_innovation(request, slug, "innovation.change")
    try:
        services.innovation_submit(actor=request.user, innovation=innovation)
    except ValidationError as exc:
        return _manage_error(request, innovation, submit_errors=exc.messages)
    messages.success(
        request, _("The innovation was submitted. Your agency's innovation admin will review it.")
    )
    return redirect("catalog:innovation_manage", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def innovation_delete(request: HttpRequest, slug: str) -> HttpResponse:
    innovation = workspace_innovation(request, slug, "innovation.change")
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.innovation_delete(actor=request.user, innovation=innovation)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("The draft “%(name)s” was deleted.") % {"name": innovation})
            return redirect("catalog:dashboard")
    return render(
        request,
        "catalog/workspace/delete.html",
        {"innovation": innovation, "errors": errors},
        status=400 if errors else 200,
    )
