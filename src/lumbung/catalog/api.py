"""API router for the catalog: sectors, SDGs and innovations.

Reads are public for published innovations; unpublished ones are visible to whom
``innovation.view`` allows and are 404 for everyone else (so their existence does not leak).
Every write goes through ``catalog.services``, which checks permissions.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from lumbung.core.http.auth import READ_AUTH, current_user, optional_auth_openapi
from lumbung.core.http.errors import error_responses
from lumbung.core.http.schemas import PageParams, page_of, paginate
from lumbung.core.policies import can
from lumbung.organisations.models import Unit

from . import selectors, services
from .downloads import evidence_response
from .models import SDG, Innovation, Sector
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
    ReturnIn,
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


def _detail(slug: str) -> Innovation:
    innovation = selectors.innovation_detail(slug)
    if innovation is None:  # pragma: no cover  (only after a concurrent delete)
        raise Http404
    return innovation


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
def innovation_detail(request: HttpRequest, slug: str) -> Innovation:
    """The whole profile: both languages, team, evidence, awards, status history, lineage."""
    innovation = selectors.innovation_detail(slug)
    if innovation is None or not can(current_user(request), "innovation.view", innovation):
        raise Http404
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


@router.patch("/innovations/{slug:slug}", response={200: InnovationOut, **WRITE_ERRORS})
def innovation_update(
    request: HttpRequest,
    slug: str,
    payload: InnovationUpdateIn,  # type: ignore[valid-type]
) -> Innovation:
    """Change profile fields; fields left out stay as they are (``sdgs`` replaces the list)."""
    innovation = _visible(request, slug)
    services.innovation_update(
        actor=current_user(request), innovation=innovation, data=_given(payload)
    )
    return _detail(slug)


@router.post("/innovations/{slug:slug}/submit", response={200: InnovationOut, **WRITE_ERRORS})
def innovation_submit(request: HttpRequest, slug: str) -> Innovation:
    """Send a draft (or a returned innovation) to the agency's admins for review."""
    services.innovation_submit(actor=current_user(request), innovation=_visible(request, slug))
    return _detail(slug)


@router.post("/innovations/{slug:slug}/publish", response={200: InnovationOut, **WRITE_ERRORS})
def innovation_publish(request: HttpRequest, slug: str) -> Innovation:
    """Publish (agency innovation admins of the owning agency)."""
    services.innovation_publish(actor=current_user(request), innovation=_visible(request, slug))
    return _detail(slug)


@router.post("/innovations/{slug:slug}/return", response={200: InnovationOut, **WRITE_ERRORS})
def innovation_return(request: HttpRequest, slug: str, payload: ReturnIn) -> Innovation:
    """Send back to the unit with a reason (agency innovation admins of the owning agency)."""
    services.innovation_return(
        actor=current_user(request), innovation=_visible(request, slug), reason=payload.reason
    )
    return _detail(slug)


@router.post("/innovations/{slug:slug}/status", response={200: InnovationOut, **WRITE_ERRORS})
def innovation_set_status(request: HttpRequest, slug: str, payload: StatusIn) -> Innovation:
    """Record that the innovation continues or has stopped (a reason is needed to stop)."""
    services.innovation_set_status(
        actor=current_user(request),
        innovation=_visible(request, slug),
        status=payload.status,
        date=payload.date or timezone.localdate(),
        reason=payload.reason,
    )
    return _detail(slug)


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
