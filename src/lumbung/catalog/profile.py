"""An innovation's profile, declared once: its sections and their fields, in the reader's order.

The sections follow what the national competition asks for. Everything else is derived from
this declaration: the edit page's fieldsets (``InnovationProfileForm``), the sections of an
innovation's page, the fields the services accept and audit (``services.PROFILE_FIELDS``, and
with them the API's schemas) and the fields with an English version
(``Innovation.TRANSLATED_FIELDS``).

Only what differs between pages is declared here; a field's name and type come from the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise as Label


class Display(StrEnum):
    """How an innovation's page shows a field of a section."""

    #: paragraphs, in the reader's language
    TEXT = "text"
    #: a list, one item a line, in the reader's language
    LINES = "lines"
    #: a short text among the section's figures (after its texts)
    FIGURE = "figure"
    #: a whole number among the section's figures
    NUMBER = "number"
    #: an amount of Rupiah among the section's figures
    RUPIAH = "rupiah"


FIGURES = (Display.FIGURE, Display.NUMBER, Display.RUPIAH)


@dataclass(frozen=True)
class Field:
    """One field of the profile."""

    name: str
    #: whether an English version sits beside it, in ``<name>_en``
    translated: bool = False
    #: how the innovation's page shows it (in a section with a ``title``)
    display: Display = Display.TEXT
    #: its heading on the innovation's page (a sub-heading, or a figure's term); none if empty
    heading: Label = ""
    #: help under it on the edit page; empty: the model field's own
    help_text: Label = ""

    @property
    def is_figure(self) -> bool:
        return self.display in FIGURES


@dataclass(frozen=True)
class Section:
    """One section: a fieldset of the edit page and, when it has a ``title``, a section of the
    innovation's page."""

    #: its anchor on the innovation's page
    name: str
    #: its legend on the edit page
    legend: Label
    fields: tuple[Field, ...]
    #: its heading on the innovation's page; empty when the page shows the fields elsewhere
    #: (the name and identity in the heading and facts, the SDGs and sources on their own)
    title: Label = ""
    #: the heading over its figures on the innovation's page
    figures_heading: Label = ""
    #: whether its figures stand side by side, to be compared (before and after)
    figures_side_by_side: bool = False


def _text(name: str, heading: Label = "", help_text: Label = "") -> Field:
    return Field(name, translated=True, heading=heading, help_text=help_text)


def _lines(name: str, heading: Label, help_text: Label) -> Field:
    return Field(name, translated=True, display=Display.LINES, heading=heading, help_text=help_text)


def _figure(
    name: str, heading: Label, display: Display = Display.FIGURE, help_text: Label = ""
) -> Field:
    return Field(name, display=display, heading=heading, help_text=help_text)


SECTIONS: tuple[Section, ...] = (
    Section(
        "identity",
        _("Name and identity"),
        (
            Field("name", translated=True),
            Field("acronym"),
            Field(
                "acronym_expansion", translated=True, help_text=_("What the acronym stands for.")
            ),
            Field("start_date", help_text=_("When the innovation started running.")),
            Field("start_year", help_text=_("Only if the exact start date is not known.")),
            Field("sector"),
            Field("government_affair"),
            Field("stage"),
            Field("video_url", help_text=_("A public address of a video about the innovation.")),
        ),
    ),
    Section("summary", _("Summary"), (_text("summary"),), title=_("Summary")),
    Section(
        "problem",
        _("Background, problem and target group"),
        (
            _text("problem"),
            _text("target_group", _("Target group")),
            _text(
                "target_measure",
                _("Measurable target"),
                _("A target that can be measured, e.g. a number of people served."),
            ),
        ),
        title=_("Background and problem"),
    ),
    Section(
        "novelty",
        _("Novelty and added value"),
        (_text("novelty"),),
        title=_("Novelty and added value"),
    ),
    Section(
        "implementation",
        _("Implementation"),
        (_text("implementation"),),
        title=_("Implementation"),
    ),
    Section(
        "significance",
        _("Significance: before and after"),
        (
            _text("significance"),
            _figure(
                "impact_before",
                _("Before the innovation"),
                help_text=_("The situation before the innovation, with figures."),
            ),
            _figure(
                "impact_after",
                _("After the innovation"),
                help_text=_("The situation after the innovation, with the same figures."),
            ),
            _text("impact_measurement", _("How the impact was measured")),
        ),
        title=_("Significance"),
        figures_heading=_("Before and after"),
        figures_side_by_side=True,
    ),
    Section(
        "adaptability",
        _("Adaptability: what must stay and what may change"),
        (
            _text("adaptability"),
            _lines(
                "core_components",
                _("Core components (must not change)"),
                _("One per line: what must not change for the innovation to work elsewhere."),
            ),
            _lines(
                "adaptable_parts",
                _("Adaptable parts (may change)"),
                _("One per line: what a replicating unit may adjust."),
            ),
        ),
        title=_("Adaptability"),
    ),
    Section(
        "resources",
        _("Resources"),
        (
            _text("resources"),
            _figure(
                "budget_idr",
                _("Yearly budget"),
                Display.RUPIAH,
                help_text=_("Whole Rupiah, without dots or commas."),
            ),
            _figure("staff_count", _("Staff involved"), Display.NUMBER),
        ),
        title=_("Resources"),
    ),
    Section(
        "sustainability",
        _("Sustainability"),
        (
            _text("sustainability_institutional", _("Institutional")),
            _text("sustainability_managerial", _("Managerial")),
            _text("sustainability_social", _("Social")),
        ),
        title=_("Sustainability"),
    ),
    Section(
        "sdgs",
        _("Sustainable Development Goals"),
        (Field("sdgs", help_text=_("Choose the goals the innovation contributes to.")),),
    ),
    Section("sources", _("Sources"), (Field("source_urls"),)),
)

#: Every field of the profile by name, in the reader's order.
FIELDS: dict[str, Field] = {f.name: f for section in SECTIONS for f in section.fields}

#: The fields with an English version beside them (``<name>_en``).
TRANSLATED_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS.values() if f.translated)

#: Every field's name, each English version right after its field.
FIELD_NAMES: tuple[str, ...] = tuple(
    name
    for f in FIELDS.values()
    for name in ((f.name, f"{f.name}_en") if f.translated else (f.name,))
)

#: The sections of an innovation's page, in order.
PAGE_SECTIONS: tuple[Section, ...] = tuple(s for s in SECTIONS if s.title)

#: The edit page's help texts that differ from the model's, by field name.
HELP_TEXTS: dict[str, Label] = {f.name: f.help_text for f in FIELDS.values() if f.help_text}
