"""Learning-event pages. A published event's page is public (its news item); everything else is
for the people the rules allow. An event the person may not see answers 404 (its existence is
not disclosed); one they may see but not act on answers 403.

Every write calls ``events.services``; views only parse forms and render.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lumbung.catalog.models import Innovation
from lumbung.core.actors import ActorLike
from lumbung.core.files.responses import file_response
from lumbung.core.pages import add_service_errors, paginate
from lumbung.core.params import id_param
from lumbung.core.policies import can, require
from lumbung.organisations.models import Agency, Partner, Unit
from lumbung.replication.models import Programme

from . import exports, selectors, services
from .forms import (
    EventForm,
    IntentForm,
    InvitationsForm,
    MaterialForm,
    RegistrationForm,
    TestimonialForm,
    UnitPickForm,
)
from .models import Event, Intent, Invitation, Material, Registration, Testimonial

PER_PAGE = 20


def _event(request: HttpRequest, slug: str) -> Event:
    event = selectors.event_detail(slug)
    if event is None or not can(request.user, "event.view", event):
        raise Http404
    return event


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _service_error_message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- public ---------------------------------------------------------------------------------


def _with_manage_flag(user: ActorLike, events: Iterable[Event]) -> list[Event]:
    result = list(events)
    for event in result:
        event.can_manage = can(user, "event.manage", event)  # type: ignore[attr-defined]
    return result


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    when = request.GET.get("when", "")
    if when not in ("upcoming", "past"):
        when = ""
    qs = selectors.published_events(when)
    page = paginate(request, qs, PER_PAGE)
    user = request.user
    return render(
        request,
        "events/event_list.html",
        {
            "page": page,
            "when": when,
            "mine": _with_manage_flag(user, selectors.my_events(user)[:50])
            if user.is_authenticated
            else [],
            "can_create": user.is_authenticated and selectors.candidate_hosts(user).exists(),
        },
    )


@require_GET
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The event's public page: no attendee personal data, ever."""
    event = _event(request, slug)
    user = request.user
    report_counts = {
        "invited_units": event.invitations.filter(unit__isnull=False).count(),
        "attending_units": event.invitations.filter(
            unit__isnull=False,
            registrations__status=Registration.Status.REGISTERED,
            registrations__checked_in_at__isnull=False,
        )
        .distinct()
        .count(),
        "commitments": selectors.commitment_count(event),
    }
    managing = can(user, "event.manage", event)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "showcased": selectors.showcased_public(event)
            if not managing
            else [i for i in event.showcased.all() if can(user, "innovation.view", i)],
            "partners": selectors.invited_partners(event),
            "photos": selectors.public_photos(event),
            "materials": selectors.public_materials(event),
            "testimonials": selectors.public_testimonials(event),
            "counts": report_counts,
            "managing": managing,
            "invited": bool(user.is_authenticated)
            and bool(selectors.invitations_acted_for(user, event)),
            "can_record_intents": bool(user.is_authenticated)
            and bool(selectors.units_for_intents(user, event)),
            "places_left": services.places_left(event),
        },
    )


@require_GET
def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    url = _absolute(request, reverse("events:detail", args=[event.slug]))
    response = HttpResponse(exports.event_ics(event, url=url), content_type=exports.ICS_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


@require_GET
def material_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    event = _event(request, slug)
    material = get_object_or_404(Material, pk=pk, event=event)
    if not material.is_public and not can(request.user, "event.view_internal", event):
        raise Http404
    return file_response(material)


class NewsFeed(Feed):
    """Published events as news items (RSS), newest first."""

    title = gettext_lazy("Lumbung: learning events")
    description = gettext_lazy("Learning events where units show their innovations to others.")

    def link(self) -> str:
        return reverse("events:list")

    def items(self) -> QuerySet[Event]:
        return selectors.published_events().order_by("-published_at", "-pk")[:30]

    def item_title(self, item: Event) -> str:
        return item.localized("title")

    def item_description(self, item: Event) -> str:
        return item.localized("summary")

    def item_link(self, item: Event) -> str:
        return reverse("events:detail", args=[item.slug])

    def item_pubdate(self, item: Event) -> dt.datetime | None:
        return item.published_at


# --- create and edit ------------------------------------------------------------------------


def _innovation_choices(user: ActorLike, hosts: QuerySet[Unit]) -> QuerySet[Innovation]:
    ids = list(
        Innovation.objects.filter(
            publication_state=Innovation.State.PUBLISHED, unit__in=hosts
        ).values_list("pk", flat=True)[:300]
    )
    return Innovation.objects.filter(pk__in=ids)


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    hosts = selectors.candidate_hosts(user)
    if not hosts.exists():
        raise PermissionDenied(_("You cannot create learning events."))
    form = EventForm(
        request.POST or None,
        hosts=hosts,
        programmes=selectors.programmes_for_events(user, hosts),
        innovations=_innovation_choices(user, hosts),
        initial={"registration_open": True},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        host = data["host_unit"]
        proposed = Event(host_unit=host, host_agency_id=host.agency_id, programme=data["programme"])
        if not can(user, "event.create", proposed):
            form.add_error(
                "host_unit",
                _("You can host events only for your own units, or for a programme you manage."),
            )
        else:
            try:
                event = services.event_create(
                    actor=user,
                    host_unit=data["host_unit"],
                    title=data["title"],
                    title_en=data["title_en"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    showcased=data["all_showcased"],
                    programme=data["programme"],
                    summary=data["summary"],
                    summary_en=data["summary_en"],
                    agenda=data["agenda"],
                    venue=data["venue"],
                    online_url=data["online_url"],
                    capacity=data["capacity"],
                    facilitator_agency=data["facilitator_agency"],
                    facilitators=data["facilitators"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("The event was created. Now invite units and partners.")
                )
                return redirect("events:invitations", slug=event.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "events/event_form.html", {"form": form, "event": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    require(request.user, "event.manage", event)
    hosts = selectors.candidate_hosts(request.user) | Unit.objects.filter(pk=event.host_unit_id)
    form = EventForm(
        request.POST or None,
        hosts=hosts,
        programmes=_programmes_with(request.user, event),
        innovations=_innovation_choices(request.user, Unit.objects.filter(pk=event.host_unit_id)),
        event=event,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.event_update(
                actor=request.user,
                event=event,
                data={
                    "title": data["title"],
                    "title_en": data["title_en"],
                    "programme": data["programme"],
                    "showcased": data["all_showcased"],
                    "starts_at": data["starts_at"],
                    "ends_at": data["ends_at"],
                    "venue": data["venue"],
                    "online_url": data["online_url"],
                    "capacity": data["capacity"],
                    "agenda": data["agenda"],
                    "summary": data["summary"],
                    "summary_en": data["summary_en"],
                    "facilitator_agency": data["facilitator_agency"],
                    "facilitators": data["facilitators"],
                    "registration_open": data["registration_open"],
                },
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The event was saved."))
            return redirect("events:manage", slug=event.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "events/event_form.html", {"form": form, "event": event}, status=status)


def _programmes_with(user: ActorLike, event: Event) -> QuerySet[Programme]:
    hosts = Unit.objects.filter(pk=event.host_unit_id)
    ids = set(selectors.programmes_for_events(user, hosts).values_list("pk", flat=True))
    if event.programme_id:
        ids.add(event.programme_id)
    return Programme.objects.filter(pk__in=ids).order_by("name")


@login_required
@require_POST
def event_publish(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    publish = request.POST.get("publish") == "1"
    try:
        services.event_publish(actor=request.user, event=event, publish=publish)
    except ValidationError as exc:
        messages.error(request, _service_error_message(exc))
    else:
        messages.success(
            request,
            _("The event's public page is published.")
            if publish
            else _("The event's page is a draft again; only the people involved see it."),
        )
    return redirect("events:manage", slug=event.slug)


# --- the managers' hub ----------------------------------------------------------------------


@login_required
@require_GET
def event_manage(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    require(request.user, "event.manage", event)
    report = selectors.event_report(event)
    return render(
        request,
        "events/event_manage.html",
        {
            "event": event,
            "report": report,
            "places_left": services.places_left(event),
            "testimonials": event.testimonials.select_related("partner"),
            "materials": event.materials.all(),
        },
    )


# --- invitations ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def event_invitations(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    require(request.user, "event.manage", event)
    agency = event.host_agency
    agency_id = id_param(request.GET.get("agency"))
    if agency_id is not None:
        agency = Agency.objects.filter(pk=agency_id).first() or agency
    form = InvitationsForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.invitations_add(
                actor=request.user,
                event=event,
                units=list(data["units"]),
                under=data["under"],
                kinds=data["kinds"],
                partners=list(data["partners"]),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if result.total:
                messages.success(
                    request,
                    _("Invited: %(units)s units and %(partners)s partners.")
                    % {"units": result.units, "partners": result.partners},
                )
            else:
                messages.info(request, _("They were all invited already."))
            if result.host_left_out is not None:
                messages.info(
                    request,
                    _(
                        "“%(unit)s” was left out: it hosts this event. Its other services and "
                        "the units under it are invited as chosen."
                    )
                    % {"unit": result.host_left_out.name},
                )
            return redirect(reverse("events:invitations", args=[slug]) + "#invited")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "events/invitations.html",
        {
            "event": event,
            "form": form,
            "agency": agency,
            "agencies": Agency.objects.order_by("name"),
            "invitations": selectors.invitations(event),
        },
        status=status,
    )


@login_required
@require_POST
def invitation_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _event(request, slug)
    invitation = get_object_or_404(Invitation, pk=pk, event=event)
    try:
        services.invitation_remove(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, _service_error_message(exc))
    else:
        messages.success(request, _("The invitation was withdrawn."))
    return redirect(reverse("events:invitations", args=[slug]) + "#invited")


# --- registration ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def event_register(request: HttpRequest, slug: str) -> HttpResponse:
    """An invited unit's officer registers people of their unit (managers: anyone invited)."""
    event = _event(request, slug)
    user = request.user
    invitations = selectors.invitations_acted_for(user, event)
    if not invitations:
        raise PermissionDenied(_("None of your units is invited to this event."))
    form = RegistrationForm(request.POST or None, invitations=invitations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registration = services.registration_create(
                actor=user,
                event=event,
                invitation=data["invitation"],
                name=data["name"],
                position=data["position"],
                accessibility_needs=data["accessibility_needs"],
                waitlist=True,  # a full event puts people on its wait-list, never refuses
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            form.add_error("invitation", _("You cannot register people for this unit."))
        else:
            if registration.is_waitlisted:
                selectors.with_waitlist_positions(event, [registration])
                number = getattr(registration, "position_on_waitlist", "")
                messages.success(
                    request,
                    _(
                        "The event is full: %(name)s is on the wait-list, number %(n)s, and gets "
                        "a place as soon as one becomes free."
                    )
                    % {"name": data["name"], "n": number},
                )
            else:
                messages.success(request, _("%(name)s is registered.") % {"name": data["name"]})
            return redirect("events:register", slug=slug)
    status = 400 if request.method == "POST" else 200
    own = list(
        selectors.registrations(
            event, invitation_ids=[i.pk for i in invitations], active_only=False
        )
    )
    selectors.with_waitlist_positions(event, own)
    return render(
        request,
        "events/register.html",
        {
            "event": event,
            "form": form,
            "registrations": own,
            "places_left": services.places_left(event),
            "waiting": selectors.registration_counts(event)["waitlisted"],
            "single": len(invitations) == 1,
            "managing": can(user, "event.manage", event),
        },
        status=status,
    )


@login_required
@require_POST
def registration_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _event(request, slug)
    registration = get_object_or_404(Registration, pk=pk, event=event)
    if not can(request.user, "registration.cancel", registration):
        raise Http404  # another unit's attendee: not even its existence
    try:
        services.registration_cancel(actor=request.user, registration=registration)
    except ValidationError as exc:
        messages.error(request, _service_error_message(exc))
    else:
        messages.success(
            request, _("The registration of %(name)s was cancelled.") % {"name": registration.name}
        )
    if request.POST.get("next") == "check_in" and can(request.user, "event.check_in", event):
        return redirect("events:check_in", slug=slug)
    return redirect("events:register", slug=slug)


# --- attendance -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def event_check_in(request: HttpRequest, slug: str) -> HttpResponse:
    """The door list. One person: their own button. Many: tick the boxes, one submit. Both
    are one form, usable by keyboard alone and without JavaScript."""
    event = _event(request, slug)
    require(request.user, "event.check_in", event)
    q = (request.GET.get("q") or request.POST.get("q") or "").strip()[:100]
    errors: list[str] = []
    selected: list[str] = []
    if request.method == "POST":
        only = request.POST.get("only", "")
        selected = [only] if only else request.POST.getlist("registrations")
        if not selected:
            errors.append(_("Tick at least one person, then press “Check in the ticked people”."))
        else:
            try:
                result = services.attendance_check_in(
                    actor=request.user, event=event, registrations=selected
                )
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                parts = []
                if result.checked_in:
                    parts.append(
                        ngettext(
                            "%(n)s person checked in: %(names)s.",
                            "%(n)s people checked in: %(names)s.",
                            len(result.checked_in),
                        )
                        % {
                            "n": len(result.checked_in),
                            "names": ", ".join(r.name for r in result.checked_in),
                        }
                    )
                if result.already:
                    parts.append(
                        _("Already checked in before: %(names)s.")
                        % {"names": ", ".join(r.name for r in result.already)}
                    )
                messages.success(request, " ".join(parts))
                target = reverse("events:check_in", args=[slug])
                if q:
                    from urllib.parse import urlencode

                    target += "?" + urlencode({"q": q})
                return redirect(target)
    regs = selectors.registrations(event, q=q)
    counts = selectors.registration_counts(event)
    status = 400 if errors else 200
    return render(
        request,
        "events/check_in.html",
        {
            "event": event,
            "registrations": regs,
            "q": q,
            "counts": counts,
            "errors": errors,
            "selected": set(selected),
        },
        status=status,
    )


@login_required
@require_POST
def check_in_undo(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _event(request, slug)
    require(request.user, "event.check_in", event)
    registration = get_object_or_404(Registration, pk=pk, event=event)
    services.attendance_undo(actor=request.user, registration=registration)
    messages.success(
        request, _("The check-in of %(name)s was taken back.") % {"name": registration.name}
    )
    return redirect("events:check_in", slug=slug)


# --- testimonials and materials -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def event_testimonials(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    require(request.user, "event.manage", event)
    partners = (
        Partner.objects.filter(
            Q(event_invitations__event=event) | Q(event_testimonials__event=event)
        )
        .distinct()
        .order_by("name")
    )
    form = TestimonialForm(request.POST or None, partners=partners)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.testimonial_add(actor=request.user, event=event, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The testimonial was added."))
            return redirect("events:testimonials", slug=slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "events/testimonials.html",
        {
            "event": event,
            "form": form,
            "testimonials": event.testimonials.select_related("partner"),
        },
        status=status,
    )


@login_required
@require_POST
def testimonial_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _event(request, slug)
    testimonial = get_object_or_404(Testimonial, pk=pk, event=event)
    services.testimonial_remove(actor=request.user, testimonial=testimonial)
    messages.success(request, _("The testimonial was removed."))
    return redirect("events:testimonials", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def event_materials(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    require(request.user, "event.manage", event)
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.material_add(
                actor=request.user,
                event=event,
                kind=data["kind"],
                title=data["title"],
                upload=data["file"],
                description=data["description"],
                is_public=data["is_public"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The material was added."))
            return redirect("events:materials", slug=slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "events/materials.html",
        {"event": event, "form": form, "materials": event.materials.all()},
        status=status,
    )


@login_required
@require_POST
def material_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _event(request, slug)
    material = get_object_or_404(Material, pk=pk, event=event)
    services.material_remove(actor=request.user, material=material)
    messages.success(request, _("The material was removed."))
    return redirect("events:materials", slug=slug)


# --- intents --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def event_intents(request: HttpRequest, slug: str) -> HttpResponse:
    """A unit's follow-up: per showcased innovation adopt / adapt / modify / not now, with a
    due date; commitments and projects are created in one step."""
    event = _event(request, slug)
    user = request.user
    units = selectors.units_for_intents(user, event)
    if not units:
        if request.method == "GET" and can(user, "event.view_internal", event):
            # the hosts: what the invited units recorded (they record nothing for them)
            return render(
                request,
                "events/intents_overview.html",
                {
                    "event": event,
                    "intents": list(selectors.intents(event)),
                    "managing": can(user, "event.manage", event),
                },
            )
        raise PermissionDenied(_("None of your units is invited to this event."))
    unit_param = request.POST.get("unit") or request.GET.get("unit") or ""
    unit = next((u for u in units if str(u.pk) == unit_param), None)
    if unit is None:
        if request.method == "POST":  # never record for another unit than the one named
            raise PermissionDenied(_("You cannot record intents for this unit."))
        unit = units[0]
    pick = UnitPickForm(initial={"unit": unit.pk}, units=units)
    existing = {i.innovation_id: i for i in selectors.intents(event, unit=unit)}
    innovations = [i for i in event.showcased.all() if can(user, "innovation.view", i)]
    data = request.POST if request.method == "POST" else None
    forms_ = []
    for innovation in innovations:
        prior = existing.get(innovation.pk)
        locked = prior if prior is not None and prior.commitment_id else None
        initial = {}
        if prior is not None:
            initial = {"decision": prior.decision, "due_date": prior.due_date, "note": prior.note}
        forms_.append(
            IntentForm(
                data if locked is None else None,
                innovation=innovation,
                locked=locked,
                initial=initial,
            )
        )
    error = ""
    if request.method == "POST":
        editable = [f for f in forms_ if f.locked is None]
        if all(f.is_valid() for f in editable):
            items = [
                services.IntentItem(
                    innovation=f.innovation,
                    decision=f.cleaned_data["decision"],
                    due_date=f.cleaned_data["due_date"],
                    note=f.cleaned_data["note"],
                    start_project=f.cleaned_data["start_project"],
                )
                for f in editable
                if f.cleaned_data.get("decision")
            ]
            if not items:
                error = _("Choose an intent for at least one innovation.")
            else:
                try:
                    recorded = services.intents_record(
                        actor=user, event=event, unit=unit, items=items
                    )
                except ValidationError as exc:
                    error = _service_error_message(exc)
                else:
                    commitments = sum(1 for i in recorded if i.commitment_id)
                    projects = sum(1 for i in recorded if i.project_id)
                    messages.success(
                        request,
                        _("Saved for %(unit)s: %(c)s commitments, %(p)s replication projects.")
                        % {"unit": unit.name, "c": commitments, "p": projects},
                    )
                    return redirect(reverse("events:intents", args=[slug]) + f"?unit={unit.pk}")
        else:
            error = _("Some answers need attention; nothing was saved.")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "events/intents.html",
        {
            "event": event,
            "unit": unit,
            "units": units,
            "pick": pick,
            "forms": forms_,
            "error": error,
            "recorded": list(existing.values()),
            "managing": can(user, "event.manage", event),
        },
        status=status,
    )


# --- the report -----------------------------------------------------------------------------


@login_required
@require_GET
def event_report(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    require(request.user, "event.view_internal", event)
    return render(
        request,
        "events/report.html",
        {
            "event": event,
            "report": selectors.event_report(event),
            "decisions": Intent.Decision.choices,
        },
    )


@login_required
@require_GET
def event_report_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    require(request.user, "event.view_internal", event)
    content = exports.report_xlsx(selectors.event_report(event))
    response = HttpResponse(content, content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-laporan.xlsx"'
    return response
