"""Competition rounds: their set-up (groups, proposal sections, stages, rubrics, quotas), the
entries, the judging and the results. Every part of a round is a row, so a new group, section,
stage or criterion needs no code. Workflows live in ``services.py``."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.catalog.models import SDG, Award, Innovation
from lumbung.core.files.models import StoredUpload, upload_field
from lumbung.core.translated import Translated, in_reader_language
from lumbung.organisations.models import Agency, Unit


class TimeZone(models.TextChoices):
    """Indonesia's three time zones, named as people say them."""

    WIB = "Asia/Jakarta", _("WIB (Western Indonesia Time)")
    WITA = "Asia/Makassar", _("WITA (Central Indonesia Time)")
    WIT = "Asia/Jayapura", _("WIT (Eastern Indonesia Time)")


#: the short names shown after a time
ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


class Round(Translated, models.Model):
    """One competition round: a ministry's internal selection, the national competition (KIPP)
    or a monitoring round of past winners, organised by one agency."""

    class Level(models.TextChoices):
        INTERNAL = "internal", _("internal selection")
        NATIONAL = "national", _("national competition")
        MONITORING = "monitoring", _("monitoring round")

    class State(models.TextChoices):
        DRAFT = "draft", _("being set up")
        OPEN = "open", _("running")
        PUBLISHED = "published", _("results published")

    TRANSLATED_FIELDS = ("title", "description")

    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    organiser = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="organised_rounds",
        verbose_name=_("organiser"),
    )
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=20,
        choices=TimeZone.choices,
        default=TimeZone.WIB,
        help_text=_("Deadlines are set and shown in the organiser's time zone."),
    )
    entries_per_agency = models.PositiveSmallIntegerField(
        _("entries per agency"),
        null=True,
        blank=True,
        help_text=_("The most entries one agency may submit; leave empty for no limit."),
    )
    award_competition = models.CharField(
        _("award name"),
        max_length=200,
        default="KIPP",
        help_text=_("The competition's name on the awards written to the catalog."),
    )
    feeds = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fed_by",
        verbose_name=_("feeds the round"),
        help_text=_("An internal selection whose selected entries become entries of this round."),
    )
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.DRAFT, db_index=True
    )
    results_published_at = models.DateTimeField(_("results published at"), null=True, blank=True)
    is_example = models.BooleanField(_("example data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("competition round")
        verbose_name_plural = _("competition rounds")
        ordering = ["-year", "title", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        return self.localized("title")

    @property
    def display_description(self) -> str:
        return self.localized("description")

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def zone_abbreviation(self) -> str:
        return ZONE_ABBREVIATIONS.get(self.time_zone, self.time_zone)


class DocumentKind(models.TextChoices):
    """What an entry's uploaded document is."""

    STATEMENT = "statement", _("signed statement")
    DECREE = "decree", _("decree or regulation")
    EVIDENCE = "evidence", _("evidence of results")
    PHOTO = "photo", _("photo")
    OTHER = "other", _("other document")


class Group(models.Model):
    """A group of the round (general, replication, special; sustainability, replication for a
    monitoring round) with its eligibility rules and its final quota."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("general")
        REPLICATION = "replication", _("replication")
        SPECIAL = "special", _("special (past winners)")
        SUSTAINABILITY = "sustainability", _("sustainability")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="groups")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.GENERAL)
    description = models.TextField(_("description"), blank=True)
    min_running_months = models.PositiveSmallIntegerField(
        _("running for at least (months)"),
        default=12,
        help_text=_("How long the innovation must have been running when it is entered."),
    )
    requires_inspiration = models.BooleanField(
        _("names its inspiring past winners"),
        default=False,
        help_text=_(
            "A replication entry names the past Top 99 innovation(s) it replicated; Lumbung "
            "fills them from the replica's lineage."
        ),
    )
    requires_past_winner = models.BooleanField(
        _("for past winners only"),
        default=False,
        help_text=_("Only innovations with an award from an earlier year may enter."),
    )
    required_documents = models.JSONField(
        _("required documents"),
        default=list,
        blank=True,
        help_text=_("The kinds of document an entry must upload before it is sent."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["round", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="competition_group_code_once")
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return in_reader_language(self.name, self.name_en)


class Section(models.Model):
    """A section of a group's proposal form, with its word limit."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("title"), max_length=200)
    guidance = models.TextField(_("guidance"), blank=True)
    word_limit = models.PositiveIntegerField(
        _("word limit"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    required = models.BooleanField(_("required"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("proposal section")
        verbose_name_plural = _("proposal sections")
        ordering = ["group", "order", "id"]

    def __str__(self) -> str:
        return self.title


class Stage(models.Model):
    """A stage of the round, with its dates; a judged stage has a rubric (its criteria)."""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", _("registration")
        ADMINISTRATIVE = "administrative", _("administrative check")
        DESK = "desk", _("desk evaluation")
        FINALIST = "finalist", _("finalist selection by a panel")
        OBJECTION = "objection", _("public objection period")
        PRESENTATION = "presentation", _("presentation and interview")
        FINAL = "final", _("final")

    #: stages whose entries are scored by judges
    JUDGED_KINDS = frozenset({Kind.DESK, Kind.FINALIST, Kind.PRESENTATION, Kind.FINAL})

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=150)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    blind = models.BooleanField(
        _("blind review"),
        default=False,
        help_text=_("Judges do not see the entrant's agency, unit or the innovation's name."),
    )
    judges_per_entry = models.PositiveSmallIntegerField(
        _("judges per entry"), default=2, validators=[MinValueValidator(1)]
    )
    consensus = models.BooleanField(
        _("panel consensus"),
        default=False,
        help_text=_(
            "After scoring alone, the panellists of each entry agree one score per criterion; "
            "the stage is ranked on the agreed scores."
        ),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["round", "order", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="competition_stage_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_judged(self) -> bool:
        return self.kind in self.JUDGED_KINDS

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def is_open_at(self, when: dt.datetime | None = None) -> bool:
        now = when or timezone.now()
        return not self.is_closed and self.starts_at <= now <= self.ends_at


class Quota(models.Model):
    """How many entries of a group a judged stage keeps (Top N), with an optional cap per
    agency type for balance."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="quotas")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="quotas")
    top = models.PositiveIntegerField(_("keeps the top"), validators=[MinValueValidator(1)])
    award_level = models.CharField(
        _("award for those kept"),
        max_length=24,
        choices=Award.Level.choices,
        blank=True,
        help_text=_("Written to each kept innovation's awards when the results are published."),
    )
    per_agency_type = models.PositiveIntegerField(
        _("at most per agency type"), null=True, blank=True
    )
    per_region = models.PositiveIntegerField(_("at most per province"), null=True, blank=True)

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        ordering = ["stage", "group"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "group"], name="competition_quota_once")
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.top}"


class Criterion(models.Model):
    """A criterion of a judged stage's rubric."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=200)
    guidance = models.TextField(_("guidance"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    scale_min = models.PositiveSmallIntegerField(_("lowest score"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=10)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["stage", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scale_max__gt=models.F("scale_min")),
                name="competition_criterion_scale",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Entry(models.Model):
    """An innovation entered in a round by its unit: a frozen copy of the profile and the
    group's proposal sections."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        AT_AGENCY = "at_agency", _("with the agency admin")
        RETURNED = "returned", _("returned to the unit")
        SUBMITTED = "submitted", _("submitted to the organiser")
        ELIGIBLE = "eligible", _("passed the administrative check")
        INELIGIBLE = "ineligible", _("did not pass the administrative check")
        WITHDRAWN = "withdrawn", _("withdrawn")

    #: states in which the unit may still change the entry
    EDITABLE_STATES = frozenset({State.DRAFT, State.RETURNED})
    #: states in which the organiser holds the entry
    WITH_ORGANISER = frozenset({State.SUBMITTED, State.ELIGIBLE, State.INELIGIBLE})

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="entries")
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="entries")
    innovation = models.ForeignKey(
        Innovation, on_delete=models.PROTECT, related_name="competition_entries"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="competition_entries")
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="competition_entries", editable=False
    )
    title = models.CharField(_("title"), max_length=200)
    profile = models.JSONField(_("profile as entered"), default=dict, editable=False)
    video_url = models.URLField(_("video link"), blank=True)
    sdgs = models.ManyToManyField(SDG, blank=True, related_name="+", verbose_name=_("SDGs"))
    inspirations = models.ManyToManyField(
        Innovation,
        blank=True,
        related_name="inspired_entries",
        verbose_name=_("inspiring past winners"),
    )
    fed_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # a monitoring round: is the innovation still running (as its unit reports)?
    continuing = models.BooleanField(_("still running"), null=True, blank=True)
    stopped_on = models.DateField(_("stopped on"), null=True, blank=True)
    stop_reason = models.TextField(_("why it stopped"), blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.DRAFT, db_index=True
    )
    reason = models.TextField(
        _("reason"), blank=True, help_text=_("Why the entry was returned or did not pass.")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    #: the last judged stage the entry was kept by (None: not judged yet, or cut)
    reached = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    is_example = models.BooleanField(_("example data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["round", "group", "title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "innovation"], name="competition_entry_innovation_once"
            )
        ]
        indexes = [models.Index(fields=["round", "state"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES


class Answer(models.Model):
    """An entry's text for one proposal section."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="answers")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["section__order", "section_id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "section"], name="competition_answer_once")
        ]

    def __str__(self) -> str:
        return str(self.section)


class Judge(models.Model):
    """A person in the round's judge pool."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="judging",
        verbose_name=_("person"),
    )
    capacity = models.PositiveIntegerField(
        _("most entries per stage"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("judge")
        verbose_name_plural = _("judges")
        ordering = ["round", "user__display_name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="competition_judge_once")
        ]

    def __str__(self) -> str:
        return str(self.user)


class Conflict(models.Model):
    """A judge's declared conflict of interest with an entry: never assigned to it."""

    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="conflicts")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="conflicts")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["judge", "entry"], name="competition_conflict_once")
        ]

    def __str__(self) -> str:
        return f"{self.judge} × {self.entry}"


class Assignment(models.Model):
    """A judge assigned to score an entry in a judged stage."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="assignments")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="assignments")
    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="assignments")
    manual = models.BooleanField(_("assigned by hand"), default=False)
    submitted_at = models.DateTimeField(_("scores submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["stage", "entry", "judge"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "entry", "judge"], name="competition_assignment_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.judge} → {self.entry}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Score(models.Model):
    """One judge's score of one entry on one criterion (a draft until the assignment is
    submitted)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "criterion"], name="competition_score_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class Result(models.Model):
    """An entry's result in a closed judged stage: totals, rank and whether the quota kept it."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="results")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="results")
    judges = models.PositiveSmallIntegerField(_("judges"))
    raw = models.FloatField(_("weighted total (0–100)"))
    normalised = models.FloatField(_("normalised score"))
    rank = models.PositiveIntegerField(_("rank in group"))
    tie_break = models.CharField(_("tie broken by"), max_length=40, blank=True)
    kept = models.BooleanField(_("kept"), default=False)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["stage", "entry__group", "rank", "entry_id"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "entry"], name="competition_result_once")
        ]

    def __str__(self) -> str:
        return f"{self.entry} #{self.rank}"


class Objection(models.Model):
    """An objection to an entry kept by a stage, raised in the public objection period, and how
    the organiser resolved it."""

    class State(models.TextChoices):
        OPEN = "open", _("waiting for the organiser")
        UPHELD = "upheld", _("upheld: the entry is out")
        DISMISSED = "dismissed", _("dismissed")

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="objections")
    name = models.CharField(_("your name"), max_length=150)
    email = models.EmailField(_("your e-mail address"))
    text = models.TextField(_("objection"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.OPEN, db_index=True
    )
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["entry", "created_at"]

    def __str__(self) -> str:
        return f"{self.entry}: {self.name}"


def entry_document_path(instance: EntryDocument, filename: str) -> str:
    return f"competitions/{instance.entry_id}/{filename}"


class EntryDocument(StoredUpload):
    """A document an entry uploaded (a signed statement, a decree, evidence, a photo): its type
    sniffed from its content; read by whoever reads the entry."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    file = upload_field(entry_document_path)

    class Meta:
        verbose_name = _("entry document")
        verbose_name_plural = _("entry documents")
        ordering = ["entry", "kind", "id"]


class Consensus(models.Model):
    """The score a panel's pair of panellists agreed for an entry in a consensus stage: proposed
    by one, confirmed by the other."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="consensus_scores")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="consensus_scores")
    values = models.JSONField(_("agreed scores"), default=dict)
    comment = models.TextField(_("comment"), blank=True)
    proposed_by = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="+")
    confirmed_by = models.ForeignKey(
        Judge, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("agreed at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("panel consensus")
        verbose_name_plural = _("panel consensus scores")
        constraints = [
            models.UniqueConstraint(fields=["stage", "entry"], name="competition_consensus_once")
        ]

    def __str__(self) -> str:
        return f"{self.entry} ({self.stage})"

    @property
    def is_agreed(self) -> bool:
        return self.confirmed_at is not None
