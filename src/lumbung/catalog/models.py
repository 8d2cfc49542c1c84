from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lumbung.core.files.models import StoredUpload, upload_field
from lumbung.core.translated import Translated
from lumbung.organisations.models import Agency, Unit

from . import profile

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable
    from django_stubs_ext import StrOrPromise


class Sector(models.Model):
    """A public-service sector / government affair (configuration, seeded by a migration)."""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name_en if (get_language() or "id").startswith("en") else self.name


class SDG(models.Model):
    """One of the 17 Sustainable Development Goals."""

    number = models.PositiveSmallIntegerField(_("number"), primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)

    class Meta:
        verbose_name = _("SDG")
        verbose_name_plural = _("SDGs")
        ordering = ["number"]

    def __str__(self) -> str:
        label = self.name_en if (get_language() or "id").startswith("en") else self.name
        return f"{self.number}. {label}"


def _text(label: StrOrPromise) -> models.TextField[str | Combinable, str]:
    """An optional profile text."""
    return models.TextField(label, blank=True)


class Innovation(Translated, models.Model):
    """A public-service innovation and its profile, following the national competition's sections.

    Every text section has an optional English version in ``<field>_en``; pages show the reader's
    language when it is there (see :meth:`localized`).
    """

    class Stage(models.TextChoices):
        CREATION = "creation", _("creation (penciptaan)")
        DEVELOPMENT = "development", _("development (pengembangan)")
        INSTITUTIONALISATION = "institutionalisation", _("institutionalisation (pelembagaan)")

    class Status(models.TextChoices):
        CONTINUING = "continuing", _("continuing")
        STOPPED = "stopped", _("stopped")

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted for review")
        RETURNED = "returned", _("returned for changes")
        PUBLISHED = "published", _("published")

    class Form(models.TextChoices):
        ADOPTION = "adoption", _("adoption (adopsi)")
        ADAPTATION = "adaptation", _("adaptation (adaptasi)")
        MODIFICATION = "modification", _("modification (modifikasi)")

    #: Text sections that may carry an English version beside the Indonesian one (declared in
    #: :mod:`.profile`).
    TRANSLATED_FIELDS = profile.TRANSLATED_FIELDS

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="innovations", verbose_name=_("agency")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="innovations", verbose_name=_("unit")
    )
    slug = models.SlugField(_("slug"), max_length=220, unique=True)

    # identity
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    acronym = models.CharField(_("acronym"), max_length=60, blank=True)
    acronym_expansion = models.CharField(_("acronym expansion"), max_length=300, blank=True)
    acronym_expansion_en = models.CharField(
        _("acronym expansion (English)"), max_length=300, blank=True
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True)
    sector = models.ForeignKey(
        Sector,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="innovations",
        verbose_name=_("sector"),
    )
    government_affair = models.CharField(_("government affair"), max_length=200, blank=True)
    sdgs = models.ManyToManyField(
        SDG, blank=True, related_name="innovations", verbose_name=_("SDGs")
    )
    video_url = models.URLField(_("video link"), blank=True)

    # profile sections
    summary = _text(_("summary"))
    summary_en = _text(_("summary (English)"))
    problem = _text(_("background and problem"))
    problem_en = _text(_("background and problem (English)"))
    target_group = _text(_("target group"))
    target_group_en = _text(_("target group (English)"))
    target_measure = _text(_("measurable target"))
    target_measure_en = _text(_("measurable target (English)"))
    novelty = _text(_("novelty and added value"))
    novelty_en = _text(_("novelty and added value (English)"))
    implementation = _text(_("implementation"))
    implementation_en = _text(_("implementation (English)"))
    significance = _text(_("significance"))
    significance_en = _text(_("significance (English)"))
    impact_before = models.CharField(_("before the innovation"), max_length=300, blank=True)
    impact_after = models.CharField(_("after the innovation"), max_length=300, blank=True)
    impact_measurement = _text(_("how the impact was measured"))
    impact_measurement_en = _text(_("how the impact was measured (English)"))
    adaptability = _text(_("adaptability"))
    adaptability_en = _text(_("adaptability (English)"))
    resources = _text(_("resources"))
    resources_en = _text(_("resources (English)"))
    budget_idr = models.PositiveBigIntegerField(_("yearly budget (Rupiah)"), null=True, blank=True)
    staff_count = models.PositiveIntegerField(_("staff involved"), null=True, blank=True)
    sustainability_institutional = _text(_("institutional sustainability"))
    sustainability_institutional_en = _text(_("institutional sustainability (English)"))
    sustainability_managerial = _text(_("managerial sustainability"))
    sustainability_managerial_en = _text(_("managerial sustainability (English)"))
    sustainability_social = _text(_("social sustainability"))
    sustainability_social_en = _text(_("social sustainability (English)"))
    core_components = _text(_("core components"))
    core_components_en = _text(_("core components (English)"))
    adaptable_parts = _text(_("adaptable parts"))
    adaptable_parts_en = _text(_("adaptable parts (English)"))
    source_urls = models.TextField(
        _("sources"), blank=True, help_text=_("Public addresses the facts come from, one per line.")
    )

    # management stage and status
    stage = models.CharField(
        _("management stage"), max_length=24, choices=Stage.choices, default=Stage.CREATION
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.CONTINUING
    )
    status_since = models.DateField(_("status since"), null=True, blank=True)
    stop_reason = models.TextField(_("reason for stopping"), blank=True)

    # review and publication
    publication_state = models.CharField(
        _("publication"), max_length=12, choices=State.choices, default=State.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    review_note = models.TextField(_("reviewer's note"), blank=True)

    # lineage (filled by the replication services)
    source = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replicas",
        verbose_name=_("replicated from"),
    )
    replication_form = models.CharField(
        _("replication form"), max_length=16, choices=Form.choices, blank=True
    )
    generation = models.PositiveSmallIntegerField(_("generation"), default=0)

    is_example = models.BooleanField(
        _("example data"),
        default=False,
        help_text=_("Marks records made up for the demo, not facts about a real innovation."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    #: Counts the writes to this record (profile, team, status, publication, evidence, awards,
    #: lineage): every write service raises it by one, under the row's lock, and records the new
    #: number in its audit entry. An edit names the version it was loaded with; see
    #: ``catalog.editing`` and docs/architecture.md, "Concurrent edits".
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("innovation")
        verbose_name_plural = _("innovations")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["publication_state", "name"]),
            models.Index(fields=["publication_state", "-published_at"]),
            models.Index(fields=["agency", "publication_state"]),
            models.Index(fields=["unit", "publication_state"]),
            # replica counts of a result page (without it SQLite reads every published row)
            models.Index(fields=["source", "publication_state"]),
            # the search facets: each match's facet values read from the index, not the row
            models.Index(
                fields=["publication_state", "id", "sector", "stage", "status", "agency"],
                name="catalog_innovation_facets",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_published(self) -> bool:
        return self.publication_state == self.State.PUBLISHED

    #: The sections a profile needs before it can be submitted for review.
    REQUIRED_FOR_SUBMISSION = ("summary", "problem", "implementation")

    @property
    def missing_for_submission(self) -> list[tuple[str, str]]:
        """(field, label) of each section still empty that submission needs: shown on the
        workspace and the edit form up front, and checked by ``innovation_submit``."""
        return [
            (name, str(innovation_field(name).verbose_name))
            for name in self.REQUIRED_FOR_SUBMISSION
            if not str(getattr(self, name) or "").strip()
        ]

    @property
    def display_name(self) -> str:
        return self.localized("name")

    @property
    def acronym_to_show(self) -> str:
        """The acronym to show after the name, or "" when the name already says it ("Sheltered
        Workshop Peduli (SWP)" is not followed by a second "(SWP)")."""
        acronym = self.acronym.strip()
        if not acronym:
            return ""
        names = (self.name, getattr(self, "name_en", "") or "")
        pattern = re.compile(rf"(?<!\w){re.escape(acronym)}(?!\w)", re.IGNORECASE)
        if any(pattern.search(name) for name in names):
            return ""
        return acronym

    @property
    def source_url_list(self) -> list[str]:
        return [u.strip() for u in self.source_urls.replace(" ; ", "\n").splitlines() if u.strip()]

    def lines(self, field: str) -> list[str]:
        return [line.strip(" -•\t") for line in self.localized(field).splitlines() if line.strip()]


def innovation_field(name: str) -> models.Field[Any, Any]:
    """The innovation's own field ``name`` (``_meta.get_field`` also finds the relations other
    models hold to innovations, which have no verbose name)."""
    field = Innovation._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise FieldDoesNotExist(f"Innovation.{name} is a relation from another model")
    return field


class StatusChange(models.Model):
    """The status of an innovation over time (continuing / stopped, with date and reason)."""

    innovation = models.ForeignKey(
        Innovation, on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField(_("status"), max_length=12, choices=Innovation.Status.choices)
    date = models.DateField(_("date"))
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.date}"


class TeamMember(models.Model):
    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="team")
    name = models.CharField(_("name"), max_length=150)
    role_title = models.CharField(_("role in the team"), max_length=150, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


def evidence_path(instance: Evidence, filename: str) -> str:
    return f"evidence/{instance.innovation_id}/{filename}"


class Evidence(StoredUpload):
    """A file showing the innovation is real: statements, decrees, regulations, photos."""

    class Kind(models.TextChoices):
        IMPLEMENTATION = "implementation", _("statement of implementation")
        TEAM_DECREE = "team_decree", _("decree naming the team")
        REPLICATION_WILLINGNESS = (
            "replication_willingness",
            _("statement of willingness to be replicated"),
        )
        REGULATION = "regulation", _("regulation, decree or SOP")
        PHOTO = "photo", _("photo")
        OTHER = "other", _("other evidence")

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    file = upload_field(evidence_path)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["kind", "id"]


class Award(models.Model):
    class Level(models.TextChoices):
        TOP_99 = "top_99", _("Top 99")
        TOP_45 = "top_45", _("Top 45")
        TOP_40 = "top_40", _("Top 40")
        TOP_25 = "top_25", _("Top 25")
        TOP_15 = "top_15", _("Top 15")
        TOP_5_REPLICATION = "top_5_replication", _("Top 5 Replikasi")
        OUTSTANDING = "outstanding", _("Outstanding")
        UNPSA = "unpsa", _("UN Public Service Award")
        FINALIST = "finalist", _("finalist")
        PROVINCIAL = "provincial", _("provincial award")
        OTHER = "other", _("other award")

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="awards")
    competition = models.CharField(_("competition"), max_length=200, default="KIPP")
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    level = models.CharField(_("level"), max_length=24, choices=Level.choices)
    label = models.CharField(
        _("as published"),
        max_length=200,
        blank=True,
        help_text=_("The award's name as it was announced."),
    )

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-year", "level"]
        indexes = [models.Index(fields=["level", "year"])]

    def __str__(self) -> str:
        return self.label or f"{self.get_level_display()} {self.year or ''}".strip()


class InnovationRevision(models.Model):
    """A change to a published innovation's public profile, proposed by someone who may change
    the innovation but not publish it (its unit's officers), waiting for the agency's review.

    The public keeps seeing the published values until an innovation admin approves it (the
    values are then written by ``innovation_update``); at most one is pending per innovation (a
    second edit updates it). See ``catalog.revisions``."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    innovation = models.ForeignKey(
        Innovation,
        on_delete=models.CASCADE,
        related_name="revisions",
        verbose_name=_("innovation"),
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PENDING
    )
    #: the proposed values of the fields that differ from the published ones, plain (see
    #: ``catalog.editing.plain``): texts, ISO dates, numbers, the sector's code, SDG numbers, team
    #: rows ``[name, role]``
    proposed = models.JSONField(_("proposed values"), default=dict)
    #: the published values of the same fields when the change was last proposed (plain)
    base = models.JSONField(_("published values"), default=dict)
    #: the innovation's version the proposal was based on (approval merges from it)
    base_version = models.PositiveIntegerField(_("based on version"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["innovation"],
                condition=models.Q(state="pending"),
                name="catalog_one_pending_revision",
            )
        ]
        indexes = [models.Index(fields=["state", "innovation"])]

    def __str__(self) -> str:
        return f"{self.innovation} ({self.get_state_display()})"

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PENDING
