"""The review: the agency innovation admins' queue of submitted innovations, and publishing or
returning one.

Like the workspace, a record the person may not read internally answers 404 and one they may read
but not review answers 403; every decision calls ``catalog.services``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lumbung.core.pages import add_service_errors, paginate

from .. import revisions, selectors, services
from ..forms import ReturnForm
from ..models import Innovation
from ..policies import may_review_somewhere
from .workspace import workspace_innovation

REVIEW_PER_PAGE = 25


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    if not may_review_somewhere(request.user):
        raise PermissionDenied(_("Only agency innovation admins review innovations."))
    page = paginate(request, selectors.review_queue(request.user), REVIEW_PER_PAGE)
    changes = list(revisions.revisions_to_review(request.user)[:REVIEW_PER_PAGE])
    return render(request, "catalog/review/queue.html", {"page": page, "revisions": changes})


def _review_page(
    request: HttpRequest,
    innovation: Innovation,
    form: ReturnForm | None = None,
    errors: Iterable[str] = (),
) -> HttpResponse:
    return render(
        request,
        "catalog/review/detail.html",
        {
            "innovation": innovation,
            "form": form or ReturnForm(),
            "publish_errors": list(errors),
            "sdgs": list(innovation.sdgs.all()),
            "evidence": list(innovation.evidence.all()),
        },
        status=400 if (errors or (form is not None and form.errors)) else 200,
    )


@login_required
def review_detail(request: HttpRequest, slug: str) -> HttpResponse:
    innovation = workspace_innovation(request, slug, "innovation.review")
    return _review_page(request, innovation)


@login_required
@require_POST
def review_publish(request: HttpRequest, slug: str) -> HttpResponse:
    innovation = workspace_innovation(request, slug, "innovation.review")
    try:
        services.innovation_publish(actor=request.user, innovation=innovation)
    except ValidationError as exc:
        return _review_page(request, innovation, errors=exc.messages)
    messages.success(request, _("“%(name)s” is published.") % {"name": innovation})
    return redirect("catalog:review_queue")


@login_required
@require_POST
def review_return(request: HttpRequest, slug: str) -> HttpResponse:
    innovation = workspace_innovation(request, slug, "innovation.review")
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.innovation_return(
                actor=request.user, innovation=innovation, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("“%(name)s” was returned to its unit.") % {"name": innovation}
            )
            return redirect("catalog:review_queue")
    return _review_page(request, innovation, form=form)
