"""Reports as documents (PDF and XLSX, :mod:`.documents`): a replication programme's report, a
unit's portfolio, and a competition's results. Each is built once as a :class:`Report` from
the same selectors the pages use, and written in either format."""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from lumbung.catalog import selectors as catalog_selectors
from lumbung.competitions.models import Result, Round, Stage
from lumbung.core.actors import ActorLike
from lumbung.organisations.models import Unit
from lumbung.outcomes.marks import mark_label
from lumbung.replication import selectors as replication_selectors
from lumbung.replication.models import Programme

from . import indexing, selectors, spread
from .documents import Figure, Report, Section, TableBlock


def _now() -> str:
    return formats.date_format(timezone.localtime(), "DATETIME_FORMAT")


def _day(value: dt.date | None) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def programme_report(programme: Programme, actor: ActorLike) -> Report:
    insight = selectors.programme_insight(programme, actor)
    units = replication_selectors.programme_unit_states(programme)
    coverage = replication_selectors.programme_coverage(programme)
    diffusion = spread.spread_of(
        insight.adoption_dates,
        start=programme.start_date,
        target=programme.coverage_target or None,
    )
    figures = [
        Figure(_("Target units"), str(len(units))),
        Figure(
            _("Units running a replica"),
            _("%(current)d of a target of %(target)d")
            % {"current": coverage.current, "target": coverage.target},
        ),
    ]
    if insight.median_days_to_adoption is not None:
        figures.append(
            Figure(
                _("Median days from learning event to adoption"),
                f"{insight.median_days_to_adoption:.0f}",
            )
        )
    fit = diffusion.fitted
    if fit is not None:
        figures.append(
            Figure(_("Bass model"), f"p = {fit.p:.3f} · q = {fit.q:.3f} · m = {fit.m:.0f}")
        )
        if diffusion.target_date:
            low, high = diffusion.target_range()
            figures.append(
                Figure(
                    _("Target expected"),
                    f"{_day(diffusion.target_date)} ({_day(low) or '?'} – {_day(high) or '?'})",
                )
            )
    elif diffusion.too_few is not None:
        figures.append(Figure(_("Bass model"), str(diffusion.too_few.reason)))
    sections = (
        Section(
            _("Summary"),
            text=programme.description,
            figures=tuple(figures),
            tables=(
                TableBlock(
                    _("Replication funnel"),
                    (_("Step"), _("Units")),
                    tuple((label, n) for _k, label, n in insight.funnel),
                    (False, True),
                ),
            ),
        ),
        Section(
            _("Target units"),
            tables=(
                TableBlock(
                    _("Where each target unit stands"),
                    (_("Unit"), _("Agency"), _("State"), _("Open commitments"), _("Overdue")),
                    tuple(
                        (
                            r.unit.name,
                            r.unit.agency.name,
                            r.state_label,
                            r.open_commitments,
                            r.overdue_commitments,
                        )
                        for r in units
                    ),
                    (False, False, False, True, True),
                ),
            ),
        ),
        Section(
            _("Replicas compared with their originals"),
            tables=(
                TableBlock(
                    _("Replicas, better first"),
                    (_("Replica"), _("Agency"), _("Original"), _("Mark")),
                    tuple(
                        (c.replica.name, c.replica.agency.name, c.original.name, mark_label(c.mark))
                        for c in insight.replicas
                    ),
                ),
            ),
        ),
        Section(
            _("Adoptions over time"),
            tables=(
                TableBlock(
                    _("Adoptions per period"),
                    (_("Period"), _("New"), _("Cumulative")),
                    tuple((p.period_start, p.new, p.cumulative) for p in diffusion.curve),
                    (False, True, True),
                ),
            ),
        ),
    )
    return Report(
        title=programme.name,
        subtitle=_("Replication programme report · %(agency)s") % {"agency": programme.agency.name},
        generated=_now(),
        sections=sections,
    )


def unit_portfolio(unit: Unit, actor: ActorLike) -> Report:
    qs = catalog_selectors.visible_innovations(actor).filter(unit=unit)
    items = indexing.scored(indexing.with_facts(qs.order_by("name"))[:2000])
    aggregate = indexing.index.aggregate([s.score for s in items], indexing.active_scheme())
    figures = [Figure(_("Innovations"), str(len(items)))]
    if aggregate is not None:
        figures.append(Figure(_("Innovation index"), f"{aggregate.total:.1f} · {aggregate.band}"))
    rows = tuple(
        (
            s.innovation.name,
            s.innovation.get_stage_display(),
            s.innovation.get_status_display(),
            s.innovation.start_year,
            s.facts.replicas,
            s.score.total,
            str(s.score.band),
            s.innovation.get_publication_state_display(),
        )
        for s in items
    )
    parts: tuple[TableBlock, ...] = ()
    if aggregate is not None:
        parts = (
            TableBlock(
                _("The index, part by part"),
                (_("Part"), _("Weight"), _("Score (0–1)"), _("Points")),
                tuple(
                    (str(p.label), p.weight, round(p.sub_score, 2), round(p.points, 1))
                    for p in aggregate.parts
                ),
                (False, True, True, True),
            ),
        )
    return Report(
        title=unit.name,
        subtitle=_("Unit portfolio · %(agency)s") % {"agency": unit.agency.name},
        generated=_now(),
        sections=(
            Section(_("Summary"), figures=tuple(figures), tables=parts),
            Section(
                _("Innovations"),
                tables=(
                    TableBlock(
                        _("The unit's innovations"),
                        (
                            _("Innovation"),
                            _("Stage"),
                            _("Status"),
                            _("Start year"),
                            _("Replicas"),
                            _("Index"),
                            _("Band"),
                            _("Publication"),
                        ),
                        rows,
                        (False, False, False, True, True, True, False, False),
                    ),
                ),
            ),
        ),
    )


def competition_results(round_: Round, stage: Stage, rows: list[Result]) -> Report:
    return Report(
        title=str(round_.localized("title")),
        subtitle=_("Results · %(stage)s") % {"stage": stage.name},
        generated=_now(),
        sections=(
            Section(
                _("Results"),
                tables=(
                    TableBlock(
                        _("Ranking"),
                        (
                            _("Group"),
                            _("Rank"),
                            _("Entry"),
                            _("Agency"),
                            _("Weighted total (0–100)"),
                            _("Kept"),
                        ),
                        tuple(
                            (
                                r.entry.group.display_name,
                                r.rank,
                                r.entry.title,
                                r.entry.agency.name,
                                round(r.raw, 2),
                                r.kept,
                            )
                            for r in rows
                        ),
                        (False, True, False, False, True, False),
                    ),
                ),
            ),
        ),
    )
