"""API router for the catalog: sectors, SDGs and innovations.

Reads are public for published innovations; unpublished ones are visible to whom
``innovation.view`` allows and are 404 for everyone else (so their existence does not leak).
Every write goes through ``catalog.services``, which checks permissions.

Changes to a published innovation (``catalog.revisions``): a PATCH by someone who may change it
but not publish it (its unit's officers) is not written: it is kept as the innovation's pending
change for its agency's review and answered 202 with that change (``RevisionOut``); the innovation
reads as before until an innovation admin approves it (``POST .../revision/approve``) or rejects
it with a reason (``POST .../revision/reject``). ``GET .../revision`` reads the pending change
(those who may read the innovation's internals; 404 for others and when none is waiting).
Innovation admins' PATCHes are written at once, as for unpublished innovations.

Concurrent edits: an innovation's answers carry an ``ETag`` (weak, ``W/"<id>-<version>"``) that
changes with every write to it. ``PATCH`` honours ``If-Match``: when the innovation changed since,
nothing is written and the answer is 412 with the current version; a body ``version`` that is not
the current one gives 409 with the fields changed since (who, when). Without either, a PATCH is
written as it is (as before versions existed): clients that may edit at the same time as others
should send one.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from lumbung.core.http.auth import READ_AUTH, current_user, optional_auth_openapi
from lumbung.core.http.errors import ConflictOut, error_responses
from lumbung.core.http.schemas import PageParams, page_of, paginate
from lumbung.core.policies import can
from lumbung.organisations.models import Unit

from . import revisions, selectors, services
from .downloads import evidence_response
from .editing import EditConflict, Seen, changed_since
from .models import SDG, Innovation, InnovationRevision, Sector
from .schemas import (
    AwardIn,
    AwardOut,
    EvidenceIn,
    EvidenceOut,
    InnovationCreateIn,
    InnovationFilters,
    InnovationListOut,
    InnovationOut,
    InnovationUpdateIn,
    RejectIn,
    ReturnIn,
    RevisionOut,
    SdgOut,
    SectorOut,
    StatusIn,
)

router = Router(tags=["catalog"])

WRITE_ERRORS = error_responses(401, 403, 404, 422)


def _read(**kwargs: Any) -> dict[str, Any]:
    return {"auth": READ_AUTH, "openapi_extra": optional_auth_openapi(), **kwargs}


def _visible(request: HttpRequest, slug: str) -> Innovation:
    """The innovation if the caller may see it, else 404 (also for drafts of others)."""
    innovation = Innovation.objects.select_related("agency", "unit").filter(slug=slug).first()
    if innovation is None or not can(current_user(request), "innovation.view", innovation):
        raise Http404
    return innovation


def _given(payload: Schema) -> dict[str, Any]:
    """The fields the client sent (a field left out is not changed)."""
    return payload.dict(exclude_unset=True)


def _detail(slug: str, response: HttpResponse | None = None) -> Innovation:
    """The innovation as the API shows it; its ETag on ``response``."""
    innovation = selectors.innovation_detail(slug)
    if innovation is None:  # pragma: no cover  (only after a concurrent delete)
        raise Http404
    if response is not None:
        response["ETag"] = etag(innovation.pk, innovation.version)
    return innovation


def etag(pk: int, version: int) -> str:
    """A weak ETag: the JSON differs by language and reader, the version is what it names."""
    return f'W/"{pk}-{version}"'


def _if_match(request: HttpRequest, innovation: Innovation) -> int | None:
    """The version an ``If-Match`` header names; None without one (or with ``*``). Raises
    :class:`EditConflict` when it names none of this innovation's current version."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    versions = set()
    for tag in header.split(","):
        pk, _dash, version = tag.strip().removeprefix("W/").strip('"').partition("-")
        if pk == str(innovation.pk) and version.isdigit():
            versions.add(int(version))
    if innovation.version in versions:
        return innovation.version
    raise EditConflict(
        _precondition_message(innovation.version),
        innovation.version,
        changed=changed_since(innovation, max(versions)) if versions else {},
    )


def _precondition_message(current: int) -> str:
    return _(
        "This innovation changed since the version named in If-Match: it is now at version "
        "%(current)s. Read it again (GET) and send your change with its new ETag."
    ) % {"current": current}


def _conflict(exc: EditConflict, pk: int, response: HttpResponse, status: int) -> Status:
    response["ETag"] = etag(pk, exc.current_version)
    errors = []
    for name, entry in exc.changed.items():
        who = (entry.actor.get_username() if entry and entry.actor else "") or _("system")
        when = entry.created_at.isoformat() if entry else ""
        errors.append(
            {
                "field": name,
                "message": _("Changed by %(who)s at %(when)s.") % {"who": who, "when": when},
            }
        )
    detail = _precondition_message(exc.current_version) if status == 412 else exc.message
    return Status(
        status,
        {
            "detail": detail,
            "errors": errors,
            "current_version": exc.current_version,
            "changed": list(exc.changed),
        },
    )


# --- vocabularies ----------------------------------------------------------------------------


@router.get("/sectors", response={200: page_of(SectorOut), **error_responses(401, 422)}, **_read())
def sector_list(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Public-service sectors; an innovation's ``sector`` is one of these codes."""
    return paginate(Sector.objects.order_by("order", "name"), page)


@router.get("/sdgs", response={200: page_of(SdgOut), **error_responses(401, 422)}, **_read())
def sdg_list(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """The 17 Sustainable Development Goals."""
    return paginate(SDG.objects.order_by("number"), page)


# --- innovations: reads ----------------------------------------------------------------------


@router.get(
    "/innovations",
    response={200: page_of(InnovationListOut), **error_responses(401, 422)},
    **_read(),
)
def innovation_list(
    request: HttpRequest, filters: Query[InnovationFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """The catalog with the same filters as its pages. Without ``state``: published
    innovations only. With ``state``: every innovation the caller may see in that state."""
    data = filters.dict()
    state = data.pop("state")
    catalog_filters = selectors.CatalogFilters.from_mapping(data)
    if state:
        qs = selectors.visible_innovations(
            current_user(request), catalog_filters, state="" if state == "all" else state
        )
    else:
        qs = selectors.published_innovations(catalog_filters)
    return paginate(qs, page)


@router.get(
    "/innovations/{slug:slug}",
    response={200: InnovationOut, **error_responses(401, 404)},
    **_read(),
)
def innovation_detail(request: HttpRequest, slug: str, response: HttpResponse) -> Innovation:
    """The whole profile: both languages, team, evidence, awards, status history, lineage.
    The ``ETag`` header names its version (send it back in ``If-Match`` to PATCH safely)."""
    innovation = selectors.innovation_detail(slug)
    if innovation is None or not can(current_user(request), "innovation.view", innovation):
        raise Http404
    response["ETag"] = etag(innovation.pk, innovation.version)
    return innovation


@router.get(
    "/innovations/{slug:slug}/evidence",
    response={200: page_of(EvidenceOut), **error_responses(401, 404, 422)},
    **_read(),
)
def evidence_list(request: HttpRequest, slug: str, page: Query[PageParams]) -> dict[str, Any]:
    innovation = _visible(request, slug)
    return paginate(innovation.evidence.select_related("innovation").order_by("kind", "id"), page)


@router.get(
    "/innovations/{slug:slug}/evidence/{evidence_id}/file",
    response={200: None, **error_responses(401, 404)},
    url_name="evidence_file",
    **_read(),
)
def evidence_file(request: HttpRequest, slug: str, evidence_id: int) -> FileResponse:
    """The evidence file itself (drafts' files only for those who may see the draft)."""
    innovation = _visible(request, slug)
    evidence = innovation.evidence.filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404
    evidence.innovation = innovation
    return evidence_response(evidence)


# --- innovations: writes ---------------------------------------------------------------------


@router.post("/innovations", response={201: InnovationOut, **WRITE_ERRORS})
def innovation_create(request: HttpRequest, payload: InnovationCreateIn) -> Status:  # type: ignore[valid-type]
    """Create a draft in a unit (``unit`` is the unit's id; see /units)."""
    data = _given(payload)
    unit = Unit.objects.select_related("agency").filter(pk=data.pop("unit")).first()
    if unit is None:
        raise ValidationError({"unit": _("Unknown unit.")})
    innovation = services.innovation_create(actor=current_user(request), unit=unit, data=data)
    return Status(201, _detail(innovation.slug))


@router.patch(
    "/innovations/{slug:slug}",
    response={
        200: InnovationOut,
        202: RevisionOut,
        409: ConflictOut,
        412: ConflictOut,
        **WRITE_ERRORS,
    },
)
def innovation_update(
    request: HttpRequest,
    slug: str,
    payload: InnovationUpdateIn,  # type: ignore[valid-type]
    response: HttpResponse,
) -> Innovation | Status:
    """Change profile fields; fields left out stay as they are (``sdgs`` replaces the list).

    A published innovation changed by someone who may not publish it (its unit's officers):
    nothing is written; the change becomes (or updates) the innovation's one pending change for
    its agency's review, answered **202 Accepted** with it. The innovation reads as before until
    the change is approved. A change back to the published values withdraws it (200).

    To be sure not to overwrite someone else's change, name the version your change is based on:
    send the ``ETag`` of your GET in an ``If-Match`` header (412 Precondition Failed if the
    innovation changed since), or its ``version`` in the body (409 Conflict, with the fields
    changed since, who changed them and when). Nothing is written then; read the innovation
    again and send your change with the new version. Without either the change is written as
    it is. The answer's ``ETag`` names the new version."""
    innovation = _visible(request, slug)
    data = _given(payload)
    body_version = data.pop("version", None)
    precondition = request.headers.get("If-Match", "").strip() not in ("", "*")
    try:
        if_match = _if_match(request, innovation)
        if if_match is not None and body_version is not None and body_version != if_match:
            raise ValidationError(
                {"version": _("The version in the body is not the one named in If-Match.")}
            )
        expected = if_match if if_match is not None else body_version
        result = revisions.innovation_edit(
            actor=current_user(request),
            innovation=innovation,
            data=data,
            seen=Seen(version=expected, merge=False) if expected is not None else None,
        )
    except EditConflict as exc:
        return _conflict(exc, innovation.pk, response, 412 if precondition else 409)
    if result.revision is not None:
        response["ETag"] = etag(innovation.pk, result.innovation.version)
        return Status(202, result.revision)
    return _detail(slug, response)


# --- changes to published innovations ----------------------------------------------------------


def _pending(request: HttpRequest, slug: str) -> InnovationRevision:
    """The innovation's pending change, for who may read its internals; else 404."""
    innovation = Innovation.objects.select_related("agency", "unit").filter(slug=slug).first()
    user = current_user(request)
    if innovation is None or not can(user, "innovation.view_internal", innovation):
        raise Http404
    revision = revisions.pending_revision(innovation)
    if revision is None:
        raise Http404
    revision.innovation = innovation
    return revision


@router.get(
    "/innovations/{slug:slug}/revision",
    response={200: RevisionOut, **error_responses(401, 404)},
)
def revision_detail(request: HttpRequest, slug: str) -> InnovationRevision:
    """The change waiting for review, field by field (published and proposed values)."""
    return _pending(request, slug)


@router.post(
    "/innovations/{slug:slug}/revision/approve",
    response={200: InnovationOut, **WRITE_ERRORS},
)
def revision_approve(request: HttpRequest, slug: str, response: HttpResponse) -> Innovation:
    """Write the pending change (agency innovation admins of the owning agency). Refused (422)
    when someone changed the same fields since it was proposed."""
    revisions.revision_approve(actor=current_user(request), revision=_pending(request, slug))
    return _detail(slug, response)


@router.post(
    "/innovations/{slug:slug}/revision/reject",
    response={200: RevisionOut, **WRITE_ERRORS},
)
def revision_reject(request: HttpRequest, slug: str, payload: RejectIn) -> InnovationRevision:
    """Refuse the pending change with a reason, which its unit is told (agency innovation
    admins of the owning agency)."""
    return revisions.revision_reject(
        actor=current_user(request), revision=_pending(request, slug), reason=payload.reason
    )


@router.post("/innovations/{slug:slug}/submit", response={200: InnovationOut, **WRITE_ERRORS})
def innovation_submit(request: HttpRequest, slug: str, response: HttpResponse) -> Innovation:
    """Send a draft (or a returned innovation) to the agency's admins for review."""
    services.innovation_submit(actor=current_user(request), innovation=_visible(request, slug))
    return _detail(slug, response)


@router.post("/innovations/{slug:slug}/publish", response={200: InnovationOut, **WRITE_ERRORS})
def innovation_publish(request: HttpRequest, slug: str, response: HttpResponse) -> Innovation:
    """Publish (agency innovation admins of the owning agency)."""
    services.innovation_publish(actor=current_user(request), innovation=_visible(request, slug))
    return _detail(slug, response)


@router.post("/innovations/{slug:slug}/return", response={200: InnovationOut, **WRITE_ERRORS})
def innovation_return(
    request: HttpRequest, slug: str, payload: ReturnIn, response: HttpResponse
) -> Innovation:
    """Send back to the unit with a reason (agency innovation admins of the owning agency)."""
    services.innovation_return(
        actor=current_user(request), innovation=_visible(request, slug), reason=payload.reason
    )
    return _detail(slug, response)


@router.post("/innovations/{slug:slug}/status", response={200: InnovationOut, **WRITE_ERRORS})
def innovation_set_status(
    request: HttpRequest, slug: str, payload: StatusIn, response: HttpResponse
) -> Innovation:
    """Record that the innovation continues or has stopped (a reason is needed to stop)."""
    services.innovation_set_status(
        actor=current_user(request),
        innovation=_visible(request, slug),
        status=payload.status,
        date=payload.date or timezone.localdate(),
        reason=payload.reason,
    )
    return _detail(slug, response)


@router.post("/innovations/{slug:slug}/awards", response={201: AwardOut, **WRITE_ERRORS})
def award_add(request: HttpRequest, slug: str, payload: AwardIn) -> Status:
    award = services.award_add(
        actor=current_user(request),
        innovation=_visible(request, slug),
        level=payload.level,
        year=payload.year,
        competition=payload.competition,
        label=payload.label,
    )
    return Status(201, award)


@router.post(
    "/innovations/{slug:slug}/evidence",
    response={201: EvidenceOut, **error_responses(400, 401, 403, 404, 413, 422)},
)
def evidence_add(
    request: HttpRequest,
    slug: str,
    data: Form[EvidenceIn],
    file: File[UploadedFile],
) -> Status:
    """Upload evidence (multipart): PDF, PNG, JPEG or WebP; the type is read from the content."""
    evidence = services.evidence_add(
        actor=current_user(request),
        innovation=_visible(request, slug),
        kind=data.kind,
        title=data.title,
        upload=file,
    )
    return Status(201, evidence)
