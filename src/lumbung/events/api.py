"""API router for learning events: events, invitations, registrations, attendance,
testimonials, intents and the report.

Published events are public (never their attendees). An event the caller may not see is 404;
one they see but may not act on is 403. Writes go through ``events.services``, which check the
same permissions as the pages. Errors: ``{"detail": ..., "errors": [...]}`` (``lumbung.api``).
"""

from __future__ import annotations

from typing import Any, Literal, overload

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from lumbung.catalog.models import Innovation
from lumbung.core.http.auth import READ_AUTH, current_user, optional_auth_openapi
from lumbung.core.http.errors import error_responses
from lumbung.core.http.schemas import PageParams, page_of, paginate
from lumbung.core.policies import can, require
from lumbung.organisations.models import Agency, Partner, Unit, User
from lumbung.replication.models import Programme

from . import selectors, services
from .models import Event, Intent, Invitation, Registration
from .schemas import (
    AttendanceIn,
    AttendanceOut,
    EventIn,
    EventListOut,
    EventOut,
    EventUpdateIn,
    IntentOut,
    IntentsIn,
    InvitationOut,
    InvitationsAddedOut,
    InvitationsIn,
    PublishIn,
    RegistrationIn,
    RegistrationOut,
    ReportOut,
    TestimonialIn,
    TestimonialOut,
)

router = Router(tags=["events"])

WRITE_ERRORS = error_responses(401, 403, 404, 422)


def _read(**kwargs: Any) -> dict[str, Any]:
    return {"auth": READ_AUTH, "openapi_extra": optional_auth_openapi(), **kwargs}


class EventFilters(Schema):
    when: Literal["", "upcoming", "past"] = ""
    mine: bool = False


# --- lookups --------------------------------------------------------------------------------


def _event(request: HttpRequest, slug: str) -> Event:
    event = selectors.event_detail(slug)
    if event is None or not can(current_user(request), "event.view", event):
        raise Http404
    return event


@overload
def _unit(pk: int, field: str) -> Unit: ...
@overload
def _unit(pk: None, field: str) -> None: ...
def _unit(pk: int | None, field: str) -> Unit | None:
    if pk is None:
        return None
    unit = Unit.objects.select_related("agency").filter(pk=pk).first()
    if unit is None:
        raise ValidationError({field: _("Unknown unit.")})
    return unit


@overload
def _agency(pk: int, field: str) -> Agency: ...
@overload
def _agency(pk: None, field: str) -> None: ...
def _agency(pk: int | None, field: str) -> Agency | None:
    if pk is None:
        return None
    agency = Agency.objects.filter(pk=pk).first()
    if agency is None:
        raise ValidationError({field: _("Unknown agency.")})
    return agency


def _programme(slug: str | None) -> Programme | None:
    if not slug:
        return None
    programme = Programme.objects.select_related("facilitator_agency").filter(slug=slug).first()
    if programme is None:
        raise ValidationError({"programme": _("Unknown programme.")})
    return programme


def _innovations(request: HttpRequest, slugs: list[str], field: str) -> list[Innovation]:
    user = current_user(request)
    found = {i.slug: i for i in Innovation.objects.filter(slug__in=slugs)}
    result = []
    for slug in dict.fromkeys(slugs):
        innovation = found.get(slug)
        if innovation is None or not can(user, "innovation.view", innovation):
            raise ValidationError({field: _("Unknown innovation: %(slug)s.") % {"slug": slug}})
        result.append(innovation)
    return result


def _people(ids: list[int] | None) -> list[User]:
    people = list(User.objects.filter(pk__in=set(ids or []), is_active=True))
    if len(people) != len(set(ids or [])):
        raise ValidationError({"facilitators": _("Unknown person.")})
    return people


# --- output ---------------------------------------------------------------------------------


def _ref(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": str(obj)}


def _list_out(event: Event) -> dict[str, Any]:
    return {
        "slug": event.slug,
        "title": event.title,
        "title_en": event.title_en,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "venue": event.venue,
        "online_url": event.online_url,
        "host_unit": _ref(event.host_unit),
        "host_agency": _ref(event.host_agency),
        "programme": event.programme.slug if event.programme is not None else None,
        "publication_state": event.publication_state,
        "url": reverse("events:detail", args=[event.slug]),
    }


def _event_out(request: HttpRequest, event: Event) -> dict[str, Any]:
    user = current_user(request)
    managing = can(user, "event.manage", event)
    out = _list_out(event)
    out.update(
        summary=event.summary,
        summary_en=event.summary_en,
        agenda=event.agenda_lines,
        showcased=[
            {"slug": i.slug, "name": i.name}
            for i in event.showcased.all()
            if can(user, "innovation.view", i)
        ],
        facilitator_agency=_ref(event.facilitator_agency),
        partners=[_ref(p) for p in selectors.invited_partners(event)],
        photos=[
            {
                "title": m.title,
                "description": m.description,
                "url": reverse("events:material", args=[event.slug, m.pk]),
            }
            for m in selectors.public_photos(event)
        ],
        invited_units=event.invitations.filter(unit__isnull=False).count(),
        attending_units=event.invitations.filter(
            unit__isnull=False,
            registrations__status=Registration.Status.REGISTERED,
            registrations__checked_in_at__isnull=False,
        )
        .distinct()
        .count(),
        commitments=selectors.commitment_count(event),
        published_at=event.published_at,
        ics_url=reverse("events:ics", args=[event.slug]),
        can_manage=managing,
    )
    if managing or selectors.invitations_acted_for(user, event):
        out.update(
            capacity=event.capacity,
            places_left=services.places_left(event),
            registration_open=event.registration_open,
        )
    return out


def _invitation_out(inv: Invitation) -> dict[str, Any]:
    return {
        "id": inv.pk,
        "unit": _ref(inv.unit),
        "partner": _ref(inv.partner),
        "registered": getattr(inv, "registered", 0),
        "attended": getattr(inv, "attended", 0),
    }


def _registration_out(r: Registration) -> dict[str, Any]:
    return {
        "id": r.pk,
        "invitation": r.invitation_id,
        "invitee": str(r.invitation.invitee),
        "name": r.name,
        "position": r.position,
        "accessibility_needs": r.accessibility_needs,
        "status": r.status,
        "waitlist_position": getattr(r, "position_on_waitlist", None),
        "promoted_at": r.promoted_at,
        "checked_in_at": r.checked_in_at,
    }


def _intent_out(i: Intent) -> dict[str, Any]:
    return {
        "id": i.pk,
        "unit": _ref(i.unit),
        "innovation": {"slug": i.innovation.slug, "name": i.innovation.name},
        "decision": i.decision,
        "due_date": i.due_date,
        "note": i.note,
        "commitment": i.commitment_id,
        "commitment_status": i.commitment.status if i.commitment is not None else None,
        "project": i.project_id,
        "project_stage": i.project.stage if i.project is not None else None,
    }


# --- events ---------------------------------------------------------------------------------


@router.get(
    "/events", response={200: page_of(EventListOut), **error_responses(401, 422)}, **_read()
)
def event_list(
    request: HttpRequest, filters: Query[EventFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Learning events: published ones for everyone; with ``mine=true``, the caller's own
    (managing, hosting, invited), drafts included. ``when``: ``upcoming`` or ``past``."""
    user = current_user(request)
    if filters.mine:
        qs = selectors.my_events(user, filters.when)
    else:
        qs = selectors.published_events(filters.when)
    result = paginate(qs, page)
    result["items"] = [_list_out(e) for e in result["items"]]
    return result


@router.get("/events/{slug:slug}", response={200: EventOut, **error_responses(401, 404)}, **_read())
def event_detail(request: HttpRequest, slug: str) -> dict[str, Any]:
    """An event: public facts, showcased innovations, hosts and partners, photos, and the
    number of commitments. Never attendees."""
    return _event_out(request, _event(request, slug))


@router.post("/events", response={201: EventOut, **WRITE_ERRORS})
def event_create(request: HttpRequest, payload: EventIn) -> Status:
    data = payload.dict()
    host = _unit(payload.host_unit, "host_unit")
    event = services.event_create(
        actor=current_user(request),
        host_unit=host,
        title=data["title"],
        title_en=data["title_en"],
        summary=data["summary"],
        summary_en=data["summary_en"],
        agenda=data["agenda"],
        showcased=_innovations(request, data["showcased"], "showcased"),
        programme=_programme(data["programme"]),
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        venue=data["venue"],
        online_url=data["online_url"],
        capacity=data["capacity"],
        facilitator_agency=_agency(data["facilitator_agency"], "facilitator_agency"),
        facilitators=_people(data["facilitators"]),
    )
    return Status(201, _event_out(request, _event(request, event.slug)))


@router.patch("/events/{slug:slug}", response={200: EventOut, **WRITE_ERRORS})
def event_update(request: HttpRequest, slug: str, payload: EventUpdateIn) -> dict[str, Any]:
    event = _event(request, slug)
    data = payload.dict(exclude_unset=True)
    for name in ("title", "starts_at", "ends_at", "registration_open", "showcased"):
        if name in data and data[name] is None:
            raise ValidationError({name: _("This field cannot be empty.")})
    if "showcased" in data:
        data["showcased"] = _innovations(request, data["showcased"], "showcased")
    if "programme" in data:
        data["programme"] = _programme(data["programme"])
    if "facilitator_agency" in data:
        data["facilitator_agency"] = _agency(data["facilitator_agency"], "facilitator_agency")
    if "facilitators" in data:
        data["facilitators"] = _people(data["facilitators"])
    for name in ("title_en", "summary", "summary_en", "agenda", "venue", "online_url"):
        if name in data and data[name] is None:
            data[name] = ""
    services.event_update(actor=current_user(request), event=event, data=data)
    return _event_out(request, _event(request, slug))


@router.post("/events/{slug:slug}/publish", response={200: EventOut, **WRITE_ERRORS})
def event_publish(request: HttpRequest, slug: str, payload: PublishIn) -> dict[str, Any]:
    """Publish the event's public page (its news item), or (``publish: false``) take it back."""
    event = _event(request, slug)
    services.event_publish(actor=current_user(request), event=event, publish=payload.publish)
    return _event_out(request, _event(request, slug))


# --- invitations ----------------------------------------------------------------------------


@router.get(
    "/events/{slug:slug}/invitations",
    response={200: list[InvitationOut], **error_responses(401, 403, 404)},
    **_read(),
)
def invitation_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """Invited units and partners with their registration counts (the event's managers)."""
    event = _event(request, slug)
    require(current_user(request), "event.view_internal", event)
    return [_invitation_out(i) for i in selectors.invitations(event)]


@router.post("/events/{slug:slug}/invitations", response={200: InvitationsAddedOut, **WRITE_ERRORS})
def invitations_add(request: HttpRequest, slug: str, payload: InvitationsIn) -> dict[str, Any]:
    """Invite many at once: units by id, every unit under a unit (optionally of some types),
    and partners. Those invited already are skipped."""
    event = _event(request, slug)
    require(current_user(request), "event.manage", event)
    units = list(Unit.objects.filter(pk__in=set(payload.units)))
    if len(units) != len(set(payload.units)):
        raise ValidationError({"units": _("Unknown unit.")})
    partners = list(Partner.objects.filter(pk__in=set(payload.partners)))
    if len(partners) != len(set(payload.partners)):
        raise ValidationError({"partners": _("Unknown partner.")})
    result = services.invitations_add(
        actor=current_user(request),
        event=event,
        units=units,
        under=_unit(payload.under, "under"),
        kinds=payload.kinds,
        partners=partners,
    )
    return {
        "units": result.units,
        "partners": result.partners,
        "invited": result.total,
        "host_left_out": result.host_left_out.pk if result.host_left_out else None,
    }


@router.delete(
    "/events/{slug:slug}/invitations/{invitation_id}", response={204: None, **WRITE_ERRORS}
)
def invitation_remove(request: HttpRequest, slug: str, invitation_id: int) -> Status:
    event = _event(request, slug)
    require(current_user(request), "event.manage", event)
    invitation = Invitation.objects.filter(pk=invitation_id, event=event).first()
    if invitation is None:
        raise Http404
    services.invitation_remove(actor=current_user(request), invitation=invitation)
    return Status(204, None)


# --- registrations and attendance -----------------------------------------------------------


def _acted_for(request: HttpRequest, event: Event) -> list[Invitation]:
    invitations = selectors.invitations_acted_for(current_user(request), event)
    if not invitations:
        raise PermissionDenied(_("None of your units is invited to this event."))
    return invitations


@router.get(
    "/events/{slug:slug}/registrations",
    response={200: list[RegistrationOut], **error_responses(401, 403, 404)},
    **_read(),
)
def registration_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """Registered people: all of them for the event's managers; an invited unit's officers
    see their own unit's only. Personal data: never public."""
    event = _event(request, slug)
    invitations = _acted_for(request, event)
    regs = list(
        selectors.registrations(
            event, invitation_ids=[i.pk for i in invitations], active_only=False
        )
    )
    selectors.with_waitlist_positions(event, regs)
    return [_registration_out(r) for r in regs]


@router.post(
    "/events/{slug:slug}/registrations",
    response={201: list[RegistrationOut], **WRITE_ERRORS},
)
def registration_create(request: HttpRequest, slug: str, payload: RegistrationIn) -> Status:
    """Register people of an invited unit (by ``invitation`` or ``unit``). Over the capacity:
    with ``waitlist`` the others wait for a place (status ``waitlisted``, with their position);
    without it nobody is registered (422 with the places left)."""
    event = _event(request, slug)
    qs = event.invitations.select_related("unit", "partner")
    if payload.invitation is not None and payload.unit is None:
        invitation = qs.filter(pk=payload.invitation).first()
    elif payload.unit is not None and payload.invitation is None:
        invitation = qs.filter(unit_id=payload.unit).first()
    else:
        raise ValidationError({"invitation": _("Give either the invitation or the unit.")})
    if invitation is None:
        raise ValidationError({"invitation": _("This unit or partner is not invited.")})
    created = services.registrations_create(
        actor=current_user(request),
        event=event,
        invitation=invitation,
        attendees=[a.dict() for a in payload.attendees],
        waitlist=payload.waitlist,
    )
    selectors.with_waitlist_positions(event, created)
    return Status(201, [_registration_out(r) for r in created])


def _registration(request: HttpRequest, event: Event, pk: int) -> Registration:
    registration = (
        Registration.objects.select_related("invitation__unit", "invitation__partner")
        .filter(pk=pk, event=event)
        .first()
    )
    if registration is None or not can(
        current_user(request), "event.register", (event, registration.invitation)
    ):
        raise Http404
    return registration


@router.delete(
    "/events/{slug:slug}/registrations/{registration_id}",
    response={200: RegistrationOut, **WRITE_ERRORS},
)
def registration_cancel(request: HttpRequest, slug: str, registration_id: int) -> dict[str, Any]:
    event = _event(request, slug)
    registration = _registration(request, event, registration_id)
    registration = services.registration_cancel(
        actor=current_user(request), registration=registration
    )
    return _registration_out(registration)


@router.post("/events/{slug:slug}/attendance", response={200: AttendanceOut, **WRITE_ERRORS})
def attendance_check_in(request: HttpRequest, slug: str, payload: AttendanceIn) -> dict[str, Any]:
    """Check people in, one or many at once. Atomic (one bad id: nobody is checked in) and
    idempotent (people checked in before are listed in ``already``)."""
    event = _event(request, slug)
    result = services.attendance_check_in(
        actor=current_user(request), event=event, registrations=payload.registrations
    )
    counts = selectors.registration_counts(event)
    return {
        "checked_in": [r.pk for r in result.checked_in],
        "already": [r.pk for r in result.already],
        **counts,
    }


@router.delete(
    "/events/{slug:slug}/attendance/{registration_id}",
    response={200: RegistrationOut, **WRITE_ERRORS},
)
def attendance_undo(request: HttpRequest, slug: str, registration_id: int) -> dict[str, Any]:
    event = _event(request, slug)
    require(current_user(request), "event.check_in", event)
    registration = Registration.objects.filter(pk=registration_id, event=event).first()
    if registration is None:
        raise Http404
    return _registration_out(
        services.attendance_undo(actor=current_user(request), registration=registration)
    )


# --- testimonials ---------------------------------------------------------------------------


@router.get(
    "/events/{slug:slug}/testimonials",
    response={200: list[TestimonialOut], **error_responses(401, 404)},
    **_read(),
)
def testimonial_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """Testimonials: the public ones (group and text) for everyone; all of them, with the
    speaker, for the event's managers."""
    event = _event(request, slug)
    if can(current_user(request), "event.view_internal", event):
        return [
            {
                "id": t.pk,
                "group": t.group,
                "text": t.text,
                "text_en": t.text_en,
                "speaker": t.speaker,
                "is_public": t.is_public,
            }
            for t in event.testimonials.all()
        ]
    return [
        {"id": t.pk, "group": t.group, "text": t.text, "text_en": t.text_en}
        for t in selectors.public_testimonials(event)
    ]


@router.post("/events/{slug:slug}/testimonials", response={201: TestimonialOut, **WRITE_ERRORS})
def testimonial_add(request: HttpRequest, slug: str, payload: TestimonialIn) -> Status:
    event = _event(request, slug)
    data = payload.dict()
    partner = None
    if data["partner"] is not None:
        partner = Partner.objects.filter(pk=data["partner"]).first()
        if partner is None:
            raise ValidationError({"partner": _("Unknown partner.")})
    t = services.testimonial_add(
        actor=current_user(request),
        event=event,
        speaker=data["speaker"],
        text=data["text"],
        text_en=data["text_en"],
        group=data["group"],
        partner=partner,
        is_public=data["is_public"],
    )
    return Status(
        201,
        {
            "id": t.pk,
            "group": t.group,
            "text": t.text,
            "text_en": t.text_en,
            "speaker": t.speaker,
            "is_public": t.is_public,
        },
    )


# --- intents --------------------------------------------------------------------------------


@router.get(
    "/events/{slug:slug}/intents",
    response={200: list[IntentOut], **error_responses(401, 403, 404)},
    **_read(),
)
def intent_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """Intents with their commitments and projects: all for the event's managers; a unit's
    officers see their own units'."""
    event = _event(request, slug)
    user = current_user(request)
    if can(user, "event.view_internal", event):
        return [_intent_out(i) for i in selectors.intents(event)]
    units = selectors.units_for_intents(user, event)
    if not units:
        raise PermissionDenied(_("None of your units is invited to this event."))
    return [_intent_out(i) for i in selectors.intents(event).filter(unit__in=[u.pk for u in units])]


@router.post("/events/{slug:slug}/intents", response={201: list[IntentOut], **WRITE_ERRORS})
def intents_record(request: HttpRequest, slug: str, payload: IntentsIn) -> Status:
    """Record a unit's intents in one step: each adopt / adapt / modify (with ``due_date``)
    creates the unit's commitment and, with ``start_project``, its replication project. One
    transaction: if anything fails, nothing is kept."""
    event = _event(request, slug)
    unit = _unit(payload.unit, "unit")
    showcased = {i.slug: i for i in event.showcased.all()}
    items = []
    for index, item in enumerate(payload.items):
        innovation = showcased.get(item.innovation)
        if innovation is None:
            raise ValidationError(
                {f"items.{index}.innovation": _("This innovation was not showcased at the event.")}
            )
        items.append(
            services.IntentItem(
                innovation=innovation,
                decision=item.decision,
                due_date=item.due_date,
                note=item.note,
                start_project=item.start_project,
            )
        )
    recorded = services.intents_record(
        actor=current_user(request),
        event=event,
        unit=unit,
        items=items,
    )
    fresh = selectors.intents(event).filter(pk__in=[i.pk for i in recorded])
    return Status(201, [_intent_out(i) for i in fresh])


# --- report ---------------------------------------------------------------------------------


@router.get(
    "/events/{slug:slug}/report",
    response={200: ReportOut, **error_responses(401, 403, 404)},
    **_read(),
)
def event_report(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Invitations, attendance and commitments by unit (the event's managers)."""
    event = _event(request, slug)
    require(current_user(request), "event.view_internal", event)
    report = selectors.event_report(event)
    return {
        "invited_units": report.invited_units,
        "invited_partners": report.invited_partners,
        "registered": report.registered,
        "attended": report.attended,
        "attending_units": report.attending_units,
        "attending_partners": report.attending_partners,
        "with_accessibility_needs": report.with_accessibility_needs,
        "commitments": report.commitments,
        "committing_units": report.committing_units,
        "projects": report.projects,
        "decisions": {value: n for value, _label, n in report.decisions},
        "rows": [
            {
                "invitation": r.invitation.pk,
                "name": r.name,
                "kind": r.kind,
                "agency": r.agency,
                "registered": r.registered,
                "attended": r.attended,
                "decisions": dict(r.decisions),
                "commitments": r.commitments,
                "open_commitments": r.open_commitments,
                "done_commitments": r.done_commitments,
                "projects": r.projects,
            }
            for r in report.rows
        ],
    }
