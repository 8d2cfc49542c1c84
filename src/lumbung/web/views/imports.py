"""The import page: choose what to import and upload a file; see the dry run's preview (or every
bad row with its line and reason); confirm; follow the progress of the background run; read the
result.

Every step asks ``lumbung.core.imports``: the kinds a person may import (the registry), the
services (upload, confirm) and the import record's policy (only its uploader and platform admins
see it; anyone else gets a 404). The progress is polled by htmx; without JavaScript a link
reloads the page.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lumbung.core.actors import as_actor
from lumbung.core.csvsafe import safe_cell
from lumbung.core.imports import progress, registry, services
from lumbung.core.imports.models import ImportJob
from lumbung.core.imports.registry import ImportKind, Outcome
from lumbung.core.pages import add_service_errors, paginate
from lumbung.core.policies import can

from ..import_forms import ImportForm

ENTRIES_PER_PAGE = 100
RECENT_JOBS = 20
#: after this long in the queue, the page says the worker may not be running
QUEUE_PATIENCE = timedelta(seconds=60)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _kinds(request: HttpRequest) -> list[ImportKind]:
    kinds = registry.kinds_for(as_actor(request.user))
    if not kinds:
        raise PermissionDenied(
            _(
                "Imports are for unit innovation officers, agency innovation admins and "
                "platform admins."
            )
        )
    return kinds


def _job(request: HttpRequest, pk: int, *, with_content: bool = False) -> ImportJob:
    """The import, or 404 when it does not exist or the person may not see it."""
    jobs = ImportJob.objects.select_related("created_by")
    if not with_content:
        jobs = jobs.defer("content")
    job = jobs.filter(pk=pk).first()
    if job is None or not can(request.user, "importjob.view", job):
        raise Http404
    services.fail_if_interrupted(job)  # its worker of this machine is gone
    return job


def kind_label(job: ImportJob) -> str:
    kind = registry.get(job.kind)
    return str(kind.label) if kind else job.kind


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    kinds = _kinds(request)
    form = ImportForm(request.POST or None, request.FILES or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.job_upload(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                content=form.cleaned_data["file"],
                filename=form.filename,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("web:import_job", pk=job.pk)
    jobs = (
        ImportJob.objects.filter(created_by_id=request.user.pk)
        .defer("content", "report")
        .order_by("-created_at", "-id")[:RECENT_JOBS]
    )
    context = {
        "form": form,
        "kinds": kinds,
        "jobs": [(job, kind_label(job)) for job in jobs],
    }
    return render(
        request, "web/imports/index.html", context, status=400 if form.errors else 200
    )


def _announcement(job: ImportJob, now: progress.Progress) -> tuple[str, str]:
    """(step, sentence) for screen readers: it changes at most every quarter of a stage, so
    that the live region speaks now and then, not at every poll."""
    if job.status == ImportJob.Status.QUEUED:
        return "queued", _("The import is waiting to start.")
    if job.status == ImportJob.Status.RUNNING:
        quarter = now.percent // 25 * 25
        stage = _stage_label(now.stage)
        return f"{now.stage}-{quarter}", _("%(stage)s: %(percent)d percent done.") % {
            "stage": stage,
            "percent": quarter,
        }
    if job.status == ImportJob.Status.DONE:
        return "done", _("The import is finished. Open the result with the link “Show the result”.")
    return "failed", _(
        "The import failed; nothing was written. Open the reasons with the link “Show the result”."
    )


def _stage_label(stage: str) -> str:
    if stage == "write":
        return _("Writing rows")
    return _("Checking rows")


def _status_context(job: ImportJob) -> dict[str, Any]:
    now = progress.current(job)
    step, sentence = _announcement(job, now)
    waited = job.queued_at is not None and timezone.now() - job.queued_at > QUEUE_PATIENCE
    return {
        "job": job,
        "progress": now,
        "stage_label": _stage_label(now.stage),
        "step": step,
        "announcement": sentence,
        "stuck": job.status == ImportJob.Status.QUEUED and waited,
    }


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    outcome = Outcome.from_dict(job.report)
    context = {
        **_status_context(job),
        "kind_label": kind_label(job),
        "outcome": outcome,
        "page": paginate(request, outcome.entries, ENTRIES_PER_PAGE),
        "can_confirm": job.status == ImportJob.Status.CHECKED
        and can(request.user, "importjob.confirm", job),
        "is_uploader": job.created_by_id == request.user.pk,
    }
    return render(request, "web/imports/job.html", context)


@login_required
@require_POST
def job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    try:
        services.job_confirm(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("web:import_job", pk=job.pk)


@login_required
@require_GET
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment the page polls (htmx); a plain request gets the whole page."""
    job = _job(request, pk)
    if not getattr(request, "htmx", False):
        return redirect("web:import_job", pk=job.pk)
    context = _status_context(job)
    context["oob"] = context["step"] != request.GET.get("announced", "")
    response = render(request, "web/imports/_status.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def job_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The uploaded file, as it was uploaded (its uploader and platform admins)."""
    job = _job(request, pk, with_content=True)
    content = bytes(job.content)
    xlsx = content[:4] == b"PK\x03\x04"
    stem = slugify(job.filename.rsplit(".", 1)[0]) or f"import-{job.pk}"
    response = HttpResponse(content, content_type=XLSX_TYPE if xlsx else "text/csv")
    response["Content-Disposition"] = f'attachment; filename="{stem}.{"xlsx" if xlsx else "csv"}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def example_file(request: HttpRequest, kind: str) -> HttpResponse:
    """An example CSV for a kind: its header and a row or two."""
    chosen = next((k for k in _kinds(request) if k.key == kind), None)
    if chosen is None:
        raise Http404
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in chosen.columns])
    for row in chosen.example:
        writer.writerow([safe_cell(cell) for cell in row])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="contoh-impor-{chosen.key}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
