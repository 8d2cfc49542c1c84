"""Learning events and what happens around them. Workflows live in ``services.py``."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lumbung.catalog.models import Innovation
from lumbung.core.files.models import StoredUpload, upload_field
from lumbung.core.text import shorten
from lumbung.core.translated import Translated
from lumbung.organisations.models import Agency, Partner, Region, Unit
from lumbung.replication.models import Commitment, Programme, ReplicationProject


class Event(Translated, models.Model):
    """A learning event (pembelajaran replikasi) hosted by a unit."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    #: Public texts that may carry an English version in ``<field>_en``.
    TRANSLATED_FIELDS = ("title", "summary")

    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("Shown on the public page and in the news item.")
    )
    summary_en = models.TextField(_("summary (English)"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True, help_text=_("One item per line."))
    host_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="hosted_events", verbose_name=_("host unit")
    )
    host_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="hosted_events", editable=False
    )
    showcased = models.ManyToManyField(
        Innovation,
        related_name="showcased_at_events",
        verbose_name=_("showcased innovations"),
    )
    programme = models.ForeignKey(
        Programme,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=_("replication programme"),
    )
    facilitator_agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="facilitated_events",
        verbose_name=_("facilitating agency"),
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="facilitated_events",
        verbose_name=_("facilitators"),
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("place"), max_length=300, blank=True)
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("region"),
    )
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("How many people can attend; leave empty for no limit."),
    )
    registration_open = models.BooleanField(_("registration open"), default=True)
    publication_state = models.CharField(
        _("publication"), max_length=12, choices=State.choices, default=State.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    is_example = models.BooleanField(_("example data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("learning event")
        verbose_name_plural = _("learning events")
        ordering = ["-starts_at", "id"]
        indexes = [models.Index(fields=["publication_state", "-starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="event_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.publication_state == self.State.PUBLISHED

    @property
    def has_ended(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def check_in_opens_at(self) -> dt.datetime:
        """Attendance is checked at the door: from ``EVENT_CHECK_IN_OPENS_HOURS`` (24) hours
        before the start — not weeks ahead — and afterwards without limit (late records)."""
        hours = int(getattr(settings, "EVENT_CHECK_IN_OPENS_HOURS", 24))
        return self.starts_at - dt.timedelta(hours=hours)

    @property
    def check_in_open(self) -> bool:
        return timezone.now() >= self.check_in_opens_at

    @property
    def display_title(self) -> str:
        return self.localized("title")

    @property
    def display_summary(self) -> str:
        return self.localized("summary")

    @property
    def agenda_lines(self) -> list[str]:
        return [line.strip() for line in self.agenda.splitlines() if line.strip()]


class Invitation(models.Model):
    """An invited unit or partner organisation (exactly one of the two)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="event_invitations",
        verbose_name=_("unit"),
    )
    partner = models.ForeignKey(
        Partner,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="event_invitations",
        verbose_name=_("partner"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(unit__isnull=False, partner__isnull=True)
                    | models.Q(unit__isnull=True, partner__isnull=False)
                ),
                name="invitation_unit_or_partner",
            ),
            models.UniqueConstraint(
                fields=["event", "unit"],
                condition=models.Q(unit__isnull=False),
                name="invitation_unit_once",
            ),
            models.UniqueConstraint(
                fields=["event", "partner"],
                condition=models.Q(partner__isnull=False),
                name="invitation_partner_once",
            ),
        ]

    def __str__(self) -> str:
        return str(self.unit if self.unit_id else self.partner)

    @property
    def invitee(self) -> Unit | Partner:
        """The invited unit or partner: an invitation has exactly one (a check constraint)."""
        invitee = self.unit if self.unit_id else self.partner
        if invitee is None:
            raise ValueError(f"Invitation {self.pk} has neither a unit nor a partner.")
        return invitee


class Registration(models.Model):
    """One attendee registered through an invitation. Personal data: never shown publicly."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered")
        WAITLISTED = "waitlisted", _("on the wait-list")
        CANCELLED = "cancelled", _("cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("invited unit or partner"),
    )
    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("position"), max_length=150, blank=True)
    accessibility_needs = models.TextField(
        _("accessibility needs"),
        blank=True,
        help_text=_(
            "For example a sign-language interpreter, step-free access, large print or a guide. "
            "Only the hosts see this."
        ),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED
    )
    checked_in_at = models.DateTimeField(_("attended (checked in at)"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: when a wait-listed registration got a place that became free
    promoted_at = models.DateTimeField(_("given a place at"), null=True, blank=True)
    is_example = models.BooleanField(_("example data"), default=False)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["event", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.REGISTERED

    @property
    def is_waitlisted(self) -> bool:
        return self.status == self.Status.WAITLISTED

    @property
    def attended(self) -> bool:
        return self.checked_in_at is not None


class Testimonial(models.Model):
    """What a speaker said: e.g. a member of a community workshop, a partner, a beneficiary."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="testimonials")
    speaker = models.CharField(_("speaker"), max_length=150)
    group = models.CharField(
        _("group"),
        max_length=200,
        blank=True,
        help_text=_("For example a community workshop, a partner or a beneficiary group."),
    )
    partner = models.ForeignKey(
        Partner,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_testimonials",
        verbose_name=_("partner"),
    )
    text = models.TextField(_("testimonial"))
    text_en = models.TextField(_("testimonial (English)"), blank=True)
    is_public = models.BooleanField(
        _("show on the public page"),
        default=False,
        help_text=_(
            "Only with the speaker's consent. The public page shows the group and the text, "
            "never the speaker's name."
        ),
    )
    is_example = models.BooleanField(_("example data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("testimonial")
        verbose_name_plural = _("testimonials")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.speaker}: {shorten(self.text, 60)}"

    def localized_text(self) -> str:
        if (get_language() or "id").startswith("en") and self.text_en:
            return self.text_en
        return self.text


def material_path(instance: Material, filename: str) -> str:
    return f"events/{instance.event_id}/{filename}"


class Material(StoredUpload):
    """A file of the event: slides, a photo, the agenda, a handout. Type sniffed from content."""

    class Kind(models.TextChoices):
        PRESENTATION = "presentation", _("presentation")
        PHOTO = "photo", _("photo")
        HANDOUT = "handout", _("handout or agenda")
        OTHER = "other", _("other")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    description = models.CharField(
        _("description"),
        max_length=300,
        blank=True,
        help_text=_("For a photo: what it shows (read out to people who cannot see it)."),
    )
    file = upload_field(material_path)
    is_public = models.BooleanField(
        _("show on the public page"),
        default=False,
        help_text=_("Photos must not show attendees who did not agree to it."),
    )

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["kind", "id"]


class Intent(models.Model):
    """What a unit will do about one showcased innovation after the event (rencana tindak
    lanjut); adopt / adapt / modify create its commitment and, when asked, its project."""

    class Decision(models.TextChoices):
        ADOPT = "adopt", _("adopt")
        ADAPT = "adapt", _("adapt")
        MODIFY = "modify", _("modify")
        NOT_NOW = "not_now", _("not now")

    #: decision -> the replication project's declared form
    FORMS: dict[str, Innovation.Form] = {
        Decision.ADOPT: Innovation.Form.ADOPTION,
        Decision.ADAPT: Innovation.Form.ADAPTATION,
        Decision.MODIFY: Innovation.Form.MODIFICATION,
    }

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="intents")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="event_intents", verbose_name=_("unit")
    )
    innovation = models.ForeignKey(
        Innovation,
        on_delete=models.PROTECT,
        related_name="event_intents",
        verbose_name=_("innovation"),
    )
    decision = models.CharField(_("intent"), max_length=10, choices=Decision.choices)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    commitment = models.OneToOneField(
        Commitment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_intent",
        verbose_name=_("commitment"),
    )
    project = models.ForeignKey(
        ReplicationProject,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_intents",
        verbose_name=_("replication project"),
    )
    is_example = models.BooleanField(_("example data"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("intent")
        verbose_name_plural = _("intents")
        ordering = ["unit__name", "innovation__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "unit", "innovation"], name="intent_once_per_unit_innovation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.get_decision_display()} {self.innovation}"

    @property
    def is_commitment(self) -> bool:
        return self.decision != self.Decision.NOT_NOW
