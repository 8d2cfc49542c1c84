"""A change proposed to a published innovation (``catalog.revisions``): its page, field by field,
for the unit and the agency, and the agency's decision.

Like the workspace, a person who may not read the innovation internally gets 404 (nor does the
page say whether a change is waiting); one who may read it but not publish it sees the change
and gets 403 when deciding.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lumbung.core.pages import add_service_errors
from lumbung.core.policies import can

from .. import revisions
from ..forms import RejectChangeForm
from ..models import Innovation, InnovationRevision
from .workspace import workspace_innovation


def _pending(request: HttpRequest, slug: str, action: str | None = None) -> InnovationRevision:
    innovation = workspace_innovation(request, slug, action)
    revision = revisions.pending_revision(innovation)
    if revision is None:
        raise Http404
    revision.innovation = innovation
    return revision


def _page(
    request: HttpRequest,
    revision: InnovationRevision,
    form: RejectChangeForm | None = None,
    errors: list[str] | None = None,
) -> HttpResponse:
    innovation: Innovation = revision.innovation
    return render(
        request,
        "catalog/review/revision.html",
        {
            "innovation": innovation,
            "revision": revision,
            "changes": revisions.changes_of(revision),
            "can_review": can(request.user, "innovation.review", innovation),
            "can_change": can(request.user, "innovation.change", innovation),
            "form": form or RejectChangeForm(),
            "approve_errors": errors or [],
        },
        status=400 if (errors or (form is not None and form.errors)) else 200,
    )


@login_required
def revision_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, _pending(request, slug))


@login_required
@require_POST
def revision_approve(request: HttpRequest, slug: str) -> HttpResponse:
    revision = _pending(request, slug, "innovation.review")
    try:
        revisions.revision_approve(actor=request.user, revision=revision)
    except ValidationError as exc:
        return _page(request, revision, errors=exc.messages)
    messages.success(
        request,
        _("The change to “%(name)s” is approved and public.") % {"name": revision.innovation},
    )
    return redirect("catalog:review_queue")


@login_required
@require_POST
def revision_reject(request: HttpRequest, slug: str) -> HttpResponse:
    revision = _pending(request, slug, "innovation.review")
    form = RejectChangeForm(request.POST)
    if form.is_valid():
        try:
            revisions.revision_reject(
                actor=request.user, revision=revision, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The change to “%(name)s” was rejected; its unit is told why.")
                % {"name": revision.innovation},
            )
            return redirect("catalog:review_queue")
    return _page(request, revision, form=form)
