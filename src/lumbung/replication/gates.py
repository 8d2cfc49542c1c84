"""The stage and gate rules of a replication project, kept as data.

A project moves forward one stage at a time (preparation → planning → implementation →
evaluation → institutionalised); it can be stopped from any stage (with a reason) and resumed to
the stage it was stopped in. Entering a stage may need evidence documents: each
:class:`Requirement` is met when the project has at least one document of one of its kinds.

The defaults follow the published guides (docs/domain.md). A deployment changes them without code by
setting ``REPLICATION_GATES`` in the settings, e.g.::

    REPLICATION_GATES = {
        "planning": [["commitment"]],
        "implementation": [["action_plan"], ["agreement", "budget"]],
        "institutionalised": [["evaluation_report"], ["decree", "sop"]],
    }

(each inner list is one requirement, met by any of its document kinds).
"The evaluation is complete" means the evaluation report is there; a project cannot leave the
evaluation stage for institutionalised without it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .models import DocumentKind, Stage

#: The forward order of the stages.
STAGE_ORDER: tuple[str, ...] = (
    Stage.PREPARATION,
    Stage.PLANNING,
    Stage.IMPLEMENTATION,
    Stage.EVALUATION,
    Stage.INSTITUTIONALISED,
)

#: Stages in which the replica exists and runs (the unit counts as covered by a programme).
RUNNING_STAGES: frozenset[str] = frozenset(
    {Stage.IMPLEMENTATION, Stage.EVALUATION, Stage.INSTITUTIONALISED}
)

#: The stage whose entry creates the replica in the catalog.
REPLICA_STAGE: str = Stage.IMPLEMENTATION

DEFAULT_GATES: dict[str, list[list[str]]] = {
    Stage.PLANNING: [[DocumentKind.COMMITMENT]],
    Stage.IMPLEMENTATION: [[DocumentKind.ACTION_PLAN]],
    Stage.INSTITUTIONALISED: [
        [DocumentKind.EVALUATION_REPORT],
        [DocumentKind.DECREE, DocumentKind.SOP],
    ],
}


@dataclass(frozen=True)
class Requirement:
    any_of: tuple[str, ...]

    @property
    def label(self) -> str:
        labels = dict(DocumentKind.choices)
        names = [str(labels[k]) for k in self.any_of]
        if len(names) == 1:
            return names[0]
        return str(format_lazy(_("{} or {}"), ", ".join(names[:-1]), names[-1]))

    def met_by(self, kinds: set[str]) -> bool:
        return any(k in kinds for k in self.any_of)


def gates() -> dict[str, tuple[Requirement, ...]]:
    """Stage → the requirements to enter it (from the settings, else the defaults)."""
    raw = getattr(settings, "REPLICATION_GATES", None) or DEFAULT_GATES
    return {
        str(stage): tuple(Requirement(tuple(str(k) for k in kinds)) for kinds in reqs)
        for stage, reqs in raw.items()
    }


def check_configuration() -> None:
    known_kinds = set(DocumentKind.values)
    for stage, reqs in gates().items():
        if stage not in STAGE_ORDER:
            raise ImproperlyConfigured(f"REPLICATION_GATES: unknown stage {stage!r}")
        for req in reqs:
            if not req.any_of or not set(req.any_of) <= known_kinds:
                raise ImproperlyConfigured(
                    f"REPLICATION_GATES[{stage!r}]: unknown document kinds {req.any_of!r}"
                )


def requirements_for(stage: str) -> tuple[Requirement, ...]:
    return gates().get(stage, ())


def missing_for(stage: str, document_kinds: set[str]) -> list[Requirement]:
    """The requirements to enter ``stage`` that the given documents do not meet."""
    return [r for r in requirements_for(stage) if not r.met_by(document_kinds)]


def next_stage(stage: str) -> str | None:
    if stage not in STAGE_ORDER:
        return None
    i = STAGE_ORDER.index(stage)
    return STAGE_ORDER[i + 1] if i + 1 < len(STAGE_ORDER) else None


def allowed_targets(stage: str, *, stopped_from: str = "") -> list[str]:
    """Where a project in ``stage`` may go next (gates not considered)."""
    if stage == Stage.STOPPED:
        return [stopped_from] if stopped_from in STAGE_ORDER else [Stage.PREPARATION]
    targets = []
    following = next_stage(stage)
    if following:
        targets.append(following)
    targets.append(Stage.STOPPED)
    return targets


def stage_index(stage: str) -> int:
    return STAGE_ORDER.index(stage) if stage in STAGE_ORDER else -1


def missing_message(stage: str, missing: list[Requirement]) -> str:
    labels = dict(Stage.choices)
    return str(
        format_lazy(
            _("Before moving to “{stage}”, upload: {documents}."),
            stage=labels.get(stage, stage),
            documents="; ".join(r.label for r in missing),
        )
    )
