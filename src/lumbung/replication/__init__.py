"""Replication and scaling up: programmes, replication projects with stages and gates, the
replica's lineage, adaptation records, facilitation sessions and commitments.

Commitments and higher layers (the ``events`` app)
--------------------------------------------------
A :class:`~lumbung.replication.models.Commitment` (rencana tindak lanjut) always has an owner
unit, a description, a due date and a status. It may belong to

* a replication project (``project``), a programme (``programme``) and/or the facilitation
  session where it was agreed (``session``) — ordinary foreign keys, because those live here;
* anything in a higher layer, such as a learning event. This app never imports ``events``.
  The higher layer keeps its own link (a model with a foreign key to ``Commitment``, e.g.
  ``events.Intent.commitment`` or an ``EventCommitment`` link table) and, so that lists and
  reminders can say where a commitment came from without importing it, fills the generic
  ``origin`` ("event"), ``origin_ref`` (the event's primary key as text), ``origin_label`` (the
  event's title) and ``origin_url`` (its page) through :func:`services.commitment_create`.
  A commitment made at an event of a programme should also get ``programme=event.programme``, so
  the programme page shows the unit as "committed".

Steps the events app calls after its own check (``event_intent.for_unit``: the unit's own people,
or the event's facilitators and programme managers for the programme's target units):
``services.commitment_create_unchecked(actor=, owner_unit=, description=, due_date=,
project=None, programme=None, origin="event", origin_ref=str(event.pk), origin_label=...,
origin_url=...)`` and ``services.project_start_unchecked(actor=, source=, adopting_unit=,
declared_form=, programme=None, ...)``. Both still enforce the records' own rules (a programme's
scope, a project's units);
``selectors.active_project_for(source, unit)`` tells whether one is already running.
"""
