"""Replication data. Workflows (stages, gates, lineage, reminders) live in ``services.py``; the
stage/gate rules themselves are data in ``gates.py``. See the package docstring for how a
higher layer (learning events) links its own records to a :class:`Commitment`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.catalog.models import Innovation
from lumbung.core.files.models import StoredUpload, upload_field
from lumbung.core.text import shorten
from lumbung.organisations.models import Agency, Unit

Form = Innovation.Form


class Stage(models.TextChoices):
    PREPARATION = "preparation", _("preparation")
    PLANNING = "planning", _("planning and development")
    IMPLEMENTATION = "implementation", _("implementation")
    EVALUATION = "evaluation", _("evaluation")
    INSTITUTIONALISED = "institutionalised", _("institutionalised")
    STOPPED = "stopped", _("stopped")


class DocumentKind(models.TextChoices):
    COMMITMENT = "commitment", _("signed replication commitment")
    LEARNING_VISIT = "learning_visit", _("learning visit report")
    ACTION_PLAN = "action_plan", _("action plan")
    AGREEMENT = "agreement", _("cooperation agreement (PKS / MoU)")
    BUDGET = "budget", _("budget document")
    EVALUATION_REPORT = "evaluation_report", _("evaluation report")
    DECREE = "decree", _("decree (SK)")
    SOP = "sop", _("standard operating procedure (SOP)")
    REPLICATION_STATEMENT = "replication_statement", _("statement that this is a replication")
    OTHER = "other", _("other document")


class Programme(models.Model):
    """A scaling-up programme: one or more source innovations spread to many target units."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    description = models.TextField(_("description"), blank=True)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="replication_programmes",
        verbose_name=_("owning agency"),
    )
    sources = models.ManyToManyField(
        Innovation, related_name="programmes", verbose_name=_("source innovations")
    )
    facilitator_agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="facilitated_programmes",
        verbose_name=_("facilitating agency"),
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="facilitated_programmes",
        verbose_name=_("facilitators"),
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_programmes",
        verbose_name=_("managers"),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    coverage_target = models.PositiveIntegerField(
        _("coverage target"),
        help_text=_("How many target units should be running a replica by the end date."),
    )
    is_example = models.BooleanField(_("example data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("replication programme")
        verbose_name_plural = _("replication programmes")
        ordering = ["-start_date", "name"]

    def __str__(self) -> str:
        return self.name


class ProgrammeTarget(models.Model):
    """A unit the programme expects to replicate."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="programme_targets", verbose_name=_("unit")
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("target unit")
        verbose_name_plural = _("target units")
        ordering = ["unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "unit"], name="programme_target_unique")
        ]

    def __str__(self) -> str:
        return str(self.unit)


class ProgrammeParticipant(models.Model):
    """An agency that joined another agency's programme, by its own innovation admin's consent:
    the programme may then target the agency's units."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="participants"
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.CASCADE,
        related_name="programme_participations",
        verbose_name=_("agency"),
    )
    joined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("participating agency")
        verbose_name_plural = _("participating agencies")
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "agency"], name="programme_participant_unique"
            )
        ]

    def __str__(self) -> str:
        return str(self.agency)


class ReplicationProject(models.Model):
    """One adopting unit replicating one source innovation, through the stages and their gates."""

    source = models.ForeignKey(
        Innovation,
        on_delete=models.PROTECT,
        related_name="replication_projects",
        verbose_name=_("source innovation"),
    )
    adopting_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="replication_projects",
        verbose_name=_("adopting unit"),
    )
    adopting_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="replication_projects",
        verbose_name=_("adopting agency"),
    )
    programme = models.ForeignKey(
        Programme,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("programme"),
    )
    declared_form = models.CharField(_("declared form"), max_length=16, choices=Form.choices)
    team = models.TextField(
        _("team"), blank=True, help_text=_("One person per line, with their role.")
    )
    facilitator_agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="facilitated_projects",
        verbose_name=_("facilitating agency"),
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="facilitated_projects",
        verbose_name=_("facilitators"),
    )
    notes = models.TextField(_("private notes"), blank=True)
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.PREPARATION, db_index=True
    )
    stage_since = models.DateTimeField(_("in this stage since"), default=timezone.now)
    stopped_from = models.CharField(
        _("stopped during"), max_length=20, choices=Stage.choices, blank=True
    )
    stop_reason = models.TextField(_("reason for stopping"), blank=True)
    #: bumped by every transition; a transition names the version it was made from
    version = models.PositiveIntegerField(default=1)
    replica = models.OneToOneField(
        Innovation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replication_project",
        verbose_name=_("replica"),
    )
    is_example = models.BooleanField(_("example data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("replication project")
        verbose_name_plural = _("replication projects")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["programme", "adopting_unit"]),
            models.Index(fields=["source", "adopting_unit"]),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.adopting_unit}"

    @property
    def is_active(self) -> bool:
        return self.stage != Stage.STOPPED

    @property
    def team_lines(self) -> list[str]:
        return [line.strip() for line in self.team.splitlines() if line.strip()]


def document_path(instance: ProjectDocument, filename: str) -> str:
    return f"replication/{instance.project_id}/{filename}"


class ProjectDocument(StoredUpload):
    """Evidence for a project's gates (commitment, action plan, evaluation report, decree …)."""

    project = models.ForeignKey(
        ReplicationProject, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    file = upload_field(document_path)

    class Meta:
        verbose_name = _("project document")
        verbose_name_plural = _("project documents")
        ordering = ["kind", "id"]


class Transition(models.Model):
    """One move of a project from a stage to another: who, when, why."""

    project = models.ForeignKey(
        ReplicationProject, on_delete=models.CASCADE, related_name="transitions"
    )
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("stage transition")
        verbose_name_plural = _("stage transitions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_stage or '—'} → {self.to_stage}"


class CoreComponentStatus(models.Model):
    """For one core component of the source: was it kept, adapted or dropped by the replica?"""

    class Outcome(models.TextChoices):
        KEPT = "kept", _("kept")
        ADAPTED = "adapted", _("adapted")
        DROPPED = "dropped", _("dropped")

    project = models.ForeignKey(
        ReplicationProject, on_delete=models.CASCADE, related_name="component_statuses"
    )
    component = models.CharField(_("core component"), max_length=300)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("core component status")
        verbose_name_plural = _("core component statuses")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "component"], name="component_status_unique")
        ]

    def __str__(self) -> str:
        return f"{self.component}: {self.get_outcome_display()}"


class AdaptationRecord(models.Model):
    """One change a replica made, after the FRAME framework (see docs/domain.md)."""

    class When(models.TextChoices):
        PLANNING = "planning", _("planning / before implementation")
        IMPLEMENTATION = "implementation", _("implementation")
        SCALE_UP = "scale_up", _("scale-up")
        SUSTAINMENT = "sustainment", _("sustainment")

    class Planned(models.TextChoices):
        PLANNED = "planned", _("planned (proactive)")
        REACTIVE = "reactive", _("unplanned (reactive)")

    class DecidedBy(models.TextChoices):
        UNIT_LEADERSHIP = "unit_leadership", _("leadership of the adopting unit")
        TEAM = "team", _("replication team")
        STAFF = "staff", _("front-line staff")
        FACILITATOR = "facilitator", _("facilitator")
        ORIGIN = "origin", _("origin unit / innovator")
        PROGRAMME = "programme", _("programme manager")
        FUNDER = "funder", _("funder or partner")
        RECIPIENTS = "recipients", _("recipients / community")
        OTHER = "other", _("other")

    class What(models.TextChoices):
        CONTENT = "content", _("content")
        FORMAT = "format", _("format / delivery")
        SETTING = "setting", _("setting")
        PERSONNEL = "personnel", _("personnel")
        POPULATION = "population", _("population")
        TRAINING = "training", _("training")
        EVALUATION = "evaluation", _("evaluation")

    class Nature(models.TextChoices):
        TAILORING = "tailoring", _("tailoring / tweaking")
        ADDING = "adding", _("adding elements")
        REMOVING = "removing", _("removing / skipping elements")
        SHORTENING = "shortening", _("shortening")
        LENGTHENING = "lengthening", _("lengthening / extending")
        SUBSTITUTING = "substituting", _("substituting")
        REORDERING = "reordering", _("reordering")
        INTEGRATING = "integrating", _("integrating with another approach")
        REPEATING = "repeating", _("repeating elements")
        LOOSENING = "loosening", _("loosening structure")
        DRIFT = "drift", _("departing from the model (drift)")

    class Fidelity(models.TextChoices):
        CONSISTENT = "consistent", _("fidelity-consistent (core components kept)")
        INCONSISTENT = "inconsistent", _("fidelity-inconsistent (a core component changed)")
        UNKNOWN = "unknown", _("unknown")

    class Reason(models.TextChoices):
        SOCIOPOLITICAL = "sociopolitical", _("sociopolitical (laws, policy, funding)")
        ORGANISATIONAL = "organisational", _("organisational (resources, mission, time)")
        PROVIDER = "provider", _("provider (staff skills, preferences)")
        RECIPIENT = "recipient", _("recipient (needs, culture, language, access)")

    project = models.ForeignKey(
        ReplicationProject, on_delete=models.CASCADE, related_name="adaptations"
    )
    date = models.DateField(_("date of the change"), null=True, blank=True)
    when = models.CharField(_("when"), max_length=16, choices=When.choices)
    planned = models.CharField(_("planned or reactive"), max_length=10, choices=Planned.choices)
    decided_by = models.CharField(_("who decided"), max_length=20, choices=DecidedBy.choices)
    what = models.CharField(_("what changed"), max_length=12, choices=What.choices)
    nature = models.CharField(_("nature of the change"), max_length=14, choices=Nature.choices)
    fidelity = models.CharField(_("fidelity"), max_length=14, choices=Fidelity.choices)
    #: FRAME reasons, a list of :class:`Reason` values
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    component = models.CharField(
        _("core component concerned"),
        max_length=300,
        blank=True,
        help_text=_("Leave empty when the change concerns the adaptable parts only."),
    )
    description = models.TextField(_("what was changed and how"))
    rationale = models.TextField(_("why"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("adaptation record")
        verbose_name_plural = _("adaptation records")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.get_what_display()}: {self.get_nature_display()}"

    @property
    def reason_labels(self) -> list[str]:
        labels = dict(self.Reason.choices)
        return [str(labels.get(r, r)) for r in self.reasons or []]


class FormDecision(models.Model):
    """When the declared form and the adaptation record disagree, what was decided and why."""

    class Decision(models.TextChoices):
        CONFIRM = "confirm", _("keep the declared form")
        CHANGE = "change", _("change the declared form")

    project = models.ForeignKey(
        ReplicationProject, on_delete=models.CASCADE, related_name="form_decisions"
    )
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    from_form = models.CharField(_("declared form before"), max_length=16, choices=Form.choices)
    to_form = models.CharField(_("declared form after"), max_length=16, choices=Form.choices)
    #: the fidelity summary the decision was made on; a later change of the record asks again
    signature = models.CharField(max_length=200)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("form decision")
        verbose_name_plural = _("form decisions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.to_form}"


class ProjectComment(models.Model):
    """A comment on a project, e.g. by the origin unit (read and comment only)."""

    project = models.ForeignKey(
        ReplicationProject, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return shorten(self.text, 60)


class FacilitationSession(models.Model):
    """A facilitator's session (pendampingan) with a project or a whole programme."""

    class Mode(models.TextChoices):
        VISIT = "visit", _("site visit")
        ONLINE = "online", _("online meeting")
        WORKSHOP = "workshop", _("workshop")

    project = models.ForeignKey(
        ReplicationProject,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sessions",
        verbose_name=_("project"),
    )
    programme = models.ForeignKey(
        Programme,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sessions",
        verbose_name=_("programme"),
    )
    date = models.DateField(_("date"))
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    participants = models.TextField(_("participants"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    problems = models.TextField(_("problems found"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("facilitation session")
        verbose_name_plural = _("facilitation sessions")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(project__isnull=False) | models.Q(programme__isnull=False),
                name="session_has_project_or_programme",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} {self.date}"


class Commitment(models.Model):
    """A follow-up commitment (rencana tindak lanjut) of a unit, with a due date.

    Belongs to a project, a programme, a facilitation session — or, through the generic
    ``origin*`` fields and the higher layer's own link, to e.g. a learning event (see the package
    docstring).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    owner_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("owner unit")
    )
    description = models.TextField(_("description"))
    due_date = models.DateField(_("due date"), db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    status_note = models.TextField(_("status note"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    project = models.ForeignKey(
        ReplicationProject,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="commitments",
        verbose_name=_("project"),
    )
    programme = models.ForeignKey(
        Programme,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="commitments",
        verbose_name=_("programme"),
    )
    session = models.ForeignKey(
        FacilitationSession,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitments",
        verbose_name=_("agreed at session"),
    )
    #: the stage the project is to reach; the commitment is fulfilled when the project reaches
    #: it or a later one (empty: closed by hand only)
    for_stage = models.CharField(
        _("fulfilled when the project reaches"),
        max_length=20,
        blank=True,
        choices=[c for c in Stage.choices if c[0] != Stage.STOPPED],
    )
    #: where the commitment was made, for records of higher layers: "event", "session", …
    origin = models.CharField(_("origin"), max_length=32, blank=True, db_index=True)
    #: the primary key (as text) of the originating record in its own app
    origin_ref = models.CharField(max_length=64, blank=True)
    origin_label = models.CharField(_("made at"), max_length=200, blank=True)
    origin_url = models.CharField(max_length=300, blank=True)
    is_example = models.BooleanField(_("example data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["origin", "origin_ref"]),
        ]

    def __str__(self) -> str:
        return shorten(self.description, 80)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date < timezone.localdate()


class CommitmentReminder(models.Model):
    """A reminder that was sent; the unique key makes ``lumbung remind`` send each one once."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("due soon")
        OVERDUE = "overdue", _("overdue")

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    #: the due date reminded of: moving the due date allows a new reminder
    due_date = models.DateField()
    emailed = models.BooleanField(default=False)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("commitment reminder")
        verbose_name_plural = _("commitment reminders")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "recipient", "kind", "due_date"],
                name="commitment_reminder_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.commitment_id} → {self.recipient_id}"


class ReplicaLinkRequest(models.Model):
    """A project's request to record an existing innovation as its replica. The innovation's
    agency answers it: nobody rewrites another agency's published record alone."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for an answer")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    project = models.ForeignKey(
        ReplicationProject, on_delete=models.CASCADE, related_name="link_requests"
    )
    innovation = models.ForeignKey(
        Innovation,
        on_delete=models.CASCADE,
        related_name="replica_link_requests",
        verbose_name=_("innovation"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer_note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("replica link request")
        verbose_name_plural = _("replica link requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "innovation"],
                condition=models.Q(status="pending"),
                name="replica_link_request_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.innovation} → {self.project}"
