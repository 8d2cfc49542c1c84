"""Charts of a replica beside its original: per indicator, both series over their age (months
since each started), normalised as the indicator says — the picture of the comparison table."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lumbung.core import charts

from . import comparison
from .selectors import ReplicaComparison, series_points


def indicator_charts(compared: ReplicaComparison) -> list[charts.LineChart]:
    out = []
    points = series_points(compared)
    for number, row in enumerate(compared.indicators, start=1):
        indicator = row.indicator
        lines = []
        for label, innovation in (
            (_("original: %(name)s") % {"name": compared.original.name}, compared.original),
            (_("replica: %(name)s") % {"name": compared.replica.name}, compared.replica),
        ):
            values = []
            for p in points.get((innovation.pk, indicator.pk), []):
                value = comparison.normalise(p, indicator.per)
                if value is not None:
                    values.append((p.age_months, value))
            lines.append(charts.Series(label, values, dashed=innovation == compared.original))
        if not any(line.points for line in lines):
            continue
        out.append(
            charts.line_chart(
                indicator.name,
                lines,
                x_kind="number",
                x_label=_("months since it started"),
                y_label=indicator.normalised_label,
                id=f"ind-chart-{number}",
                x_step=12,
            )
        )
    return out
