"""Who may see and do what in a competition round.

* A round is **organised** (set up, opened, entries checked, judges pooled and assigned, stages
  closed, results published) by its organiser agency's innovation admins — a ministry for its
  internal selection, KemenPANRB for the national competition — and platform admins. Its set-up
  (groups, sections, stages, criteria, quotas) belongs to the round and follows its rules.
* Anyone sees a round once it is running; a round being set up only its organisers.
* An **entry** is prepared by its unit's people (the unit's officers and its agency's admins),
  sent on by the agency's innovation admins, read by whoever reads the unit's records, by the
  organisers once it reached them, and by the judges assigned to it. The public sees an entry
  only when the results are published and a stage kept it.
* A **judge** sees their own assignments and their own scores, never another judge's scores;
  organisers see every score (progress, results). Entrants see their entry's results only once
  the results are published, and never a judge's individual scores.
"""

from __future__ import annotations

from lumbung.core.actors import Actor
from lumbung.core.policies import NEVER, Attr, Condition, Policy, Some, action, register
from lumbung.organisations.policies import administers_agency, manages_unit, reads_unit

from .models import (
    Assignment,
    Conflict,
    Consensus,
    Entry,
    EntryDocument,
    Judge,
    Objection,
    Result,
    Round,
    Score,
)

PUBLISHED = Round.State.PUBLISHED


def _me(actor: Actor, path: str) -> Condition:
    """The record's ``path`` is this person (never for the anonymous or the system)."""
    if actor.user_id is None:
        return NEVER
    return Attr(path).eq(actor.user_id)


class RoundPolicy(Policy[Round]):
    model = Round
    name = "competition_round"

    @action("organise")
    def organise(self, actor: Actor) -> Condition:
        return administers_agency(actor, agency="organiser_id")

    @action("create")
    def create(self, actor: Actor) -> Condition:
        """Checked on the new round: the organiser's innovation admins."""
        return self.organise(actor)

    @action("view")
    def view(self, actor: Actor) -> Condition:
        running = Attr("state").is_in([Round.State.OPEN, Round.State.PUBLISHED])
        return running | self.organise(actor)

    @action("judge")
    def judge(self, actor: Actor) -> Condition:
        """The round's active judges (their workspace)."""
        return Some("judges", _me(actor, "user_id") & Attr("active").eq(True))


class EntryPolicy(Policy[Entry]):
    model = Entry
    name = "competition_entry"

    @action("prepare")
    def prepare(self, actor: Actor) -> Condition:
        """Start, fill in and send on to the agency: the unit's people."""
        return manages_unit(actor)

    @action("decide")
    def decide(self, actor: Actor) -> Condition:
        """Return to the unit with reasons, or submit to the organiser: the agency's admins."""
        return administers_agency(actor)

    @action("organise")
    def organise(self, actor: Actor) -> Condition:
        """The administrative check and everything after it: the round's organisers, for
        entries submitted to them."""
        submitted = Attr("state").is_in(list(Entry.WITH_ORGANISER))
        return submitted & rounds.organise(actor).via("round")

    @action("judge")
    def judge(self, actor: Actor) -> Condition:
        """The judges assigned to the entry."""
        return Some("assignments", _me(actor, "judge__user_id"))

    @action("view")
    def view(self, actor: Actor) -> Condition:
        public = Attr("round__state").eq(PUBLISHED) & Some("results", Attr("kept").eq(True))
        return (
            reads_unit(actor)
            | self.organise(actor)
            | self.judge(actor)
            | self.prepare(actor)
            | public
        )


class EntryDocumentPolicy(Policy[EntryDocument]):
    """An entry's documents: whoever reads the entry."""

    model = EntryDocument
    name = "competition_document"

    @action("view")
    def view(self, actor: Actor) -> Condition:
        return entries.view(actor).via("entry")


class JudgePolicy(Policy[Judge]):
    model = Judge
    name = "competition_judge"

    @action("view")
    def view(self, actor: Actor) -> Condition:
        return _me(actor, "user_id") | rounds.organise(actor).via("round")

    @action("declare")
    def declare(self, actor: Actor) -> Condition:
        """Declare a conflict of interest: the judge, or the organisers for them."""
        return self.view(actor)


class ConflictPolicy(Policy[Conflict]):
    model = Conflict
    name = "competition_conflict"

    @action("view")
    def view(self, actor: Actor) -> Condition:
        return judges.view(actor).via("judge")


class AssignmentPolicy(Policy[Assignment]):
    model = Assignment
    name = "competition_assignment"

    @action("organise")
    def organise(self, actor: Actor) -> Condition:
        return rounds.organise(actor).via("stage__round")

    @action("score")
    def score(self, actor: Actor) -> Condition:
        """Score the entry: the assigned judge only, while in the pool (organisers follow, they
        do not score)."""
        return _me(actor, "judge__user_id") & Attr("judge__active").eq(True)

    @action("view")
    def view(self, actor: Actor) -> Condition:
        return _me(actor, "judge__user_id") | self.organise(actor)


class ScorePolicy(Policy[Score]):
    """A judge's scores: the judge and the organisers; never another judge, never the entrant
    (who sees the published result)."""

    model = Score
    name = "competition_score"

    @action("view")
    def view(self, actor: Actor) -> Condition:
        return assignments.view(actor).via("assignment")


class ConsensusPolicy(Policy[Consensus]):
    """A panel's agreed scores: the entry's panellists and the organisers."""

    model = Consensus
    name = "competition_consensus"

    @action("view")
    def view(self, actor: Actor) -> Condition:
        panellist = Some("entry__assignments", _me(actor, "judge__user_id"))
        return panellist | rounds.organise(actor).via("stage__round")


class ResultPolicy(Policy[Result]):
    model = Result
    name = "competition_result"

    @action("view")
    def view(self, actor: Actor) -> Condition:
        published = Attr("stage__round__state").eq(PUBLISHED)
        own = published & reads_unit(actor).via("entry")
        public = published & Attr("kept").eq(True)
        return rounds.organise(actor).via("stage__round") | own | public


class ObjectionPolicy(Policy[Objection]):
    """Objections: the round's organisers read and resolve them; whoever raised one signed in
    reads their own."""

    model = Objection
    name = "competition_objection"

    @action("resolve")
    def resolve(self, actor: Actor) -> Condition:
        return rounds.organise(actor).via("entry__round")

    @action("view")
    def view(self, actor: Actor) -> Condition:
        return self.resolve(actor) | _me(actor, "raised_by_id")


rounds = register(RoundPolicy())
entries = register(EntryPolicy())
documents = register(EntryDocumentPolicy())
judges = register(JudgePolicy())
conflicts = register(ConflictPolicy())
assignments = register(AssignmentPolicy())
scores = register(ScorePolicy())
results = register(ResultPolicy())
objections = register(ObjectionPolicy())
consensus = register(ConsensusPolicy())
