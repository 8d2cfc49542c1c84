"""Who may see and record outcomes.

Indicators and measurements are read with the innovation that holds them: the public reads a
published innovation's outcomes, the owning unit and agency read a draft's. They are defined and
recorded by who changes that innovation (its unit's officers, its agency's innovation admins).
A replica records its own measurements against indicators it inherits: the measurement belongs
to the replica, never to the original's unit.
"""

from __future__ import annotations

from lumbung.catalog.policies import with_innovation
from lumbung.core.actors import Actor
from lumbung.core.policies import Condition, Policy, action, register

from .models import Indicator, Measurement


class IndicatorPolicy(Policy[Indicator]):
    model = Indicator
    name = "outcome_indicator"

    @action("view")
    def view(self, actor: Actor) -> Condition:
        return with_innovation(actor, "view")

    @action("change")
    def change(self, actor: Actor) -> Condition:
        """Define, edit and remove: who changes the innovation that defines it."""
        return with_innovation(actor, "change")


class MeasurementPolicy(Policy[Measurement]):
    model = Measurement
    name = "measurement"

    @action("view")
    def view(self, actor: Actor) -> Condition:
        return with_innovation(actor, "view")

    @action("record")
    def record(self, actor: Actor) -> Condition:
        """Record, correct and remove: who changes the innovation that measured it."""
        return with_innovation(actor, "change")


indicators = register(IndicatorPolicy())
measurements = register(MeasurementPolicy())
