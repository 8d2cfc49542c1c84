"""Geometry for the server-rendered SVG charts of the insights pages: pure builders, no database.

Each builder returns a frozen dataclass that one template in ``charts/`` draws:

- ``bar_chart`` → ``_bars.html``: horizontal bars, the label above each bar (readable at 320 px),
  the value written at the bar's end, optionally a second, hatched part (continuing + stopped).
  **A funnel is a bar chart** whose rows are the stages in order: rows are drawn in the order
  given (sort them yourself for a ranking).
- ``line_chart`` → ``_lines.html``: series told apart by marker shape and dash pattern as well as
  colour, a label at each line's end, an optional shaded band (a forecast range) and target.
- ``tile_map`` → ``_tiles.html``: Indonesia's 38 provinces as square tiles roughly where they lie.
- ``lineage_layout`` → ``_lineage.html``: an innovation's replicas as an indented tree (one row
  per innovation, in reading order, parents before their replicas), made for ``lineage.js``.

Every chart carries an ``id`` used as the prefix of the ids inside it, so several charts can be
on one page. Coordinates are strings with a decimal point whatever the reader's language (an SVG
attribute must never get Indonesian's decimal comma); the numbers people read are left as numbers
for the template to format in their language, with ``floatformat`` and the chart's ``*_format``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

#: Widths of text, as a share of the font size, to reserve room for labels (system sans-serif).
_DIGIT_EM = 0.6
_TEXT_EM = 0.56
_BOLD_EM = 0.62
#: The font size (in the drawing's units) on a phone, where the drawing is shrunk to fit: the
#: stylesheet enlarges the text there, so room is reserved for that size (charts.css).
_LARGE_FONT = 22

_ID = re.compile(r"[A-Za-z][\w-]*")

XValue = float | dt.date


def fmt(value: float) -> str:
    """A coordinate: one decimal, always a point."""
    return f"{value:.1f}"


def _check_id(value: str) -> str:
    if not _ID.fullmatch(value):
        raise ValueError(f"a chart id must be a letter then letters, digits, - or _: {value!r}")
    return value


def nice_step(span: float, max_ticks: int = 5) -> float:
    """A step of 1, 2 or 5 times a power of ten giving at most ``max_ticks`` steps over ``span``."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(span / max_ticks))
    for factor in (1, 2, 5, 10):
        step = factor * magnitude
        if span / step <= max_ticks + 1e-9:
            return float(round(step, 12))
    return 10 * magnitude  # pragma: no cover - the loop always returns


def decimals(values: Iterable[float], most: int = 2) -> int:
    """How many decimals show these values (up to ``most``): 0 for whole numbers."""
    places = 0
    for value in values:
        while places < most and abs(round(value, places) - round(value, most)) > 1e-9:
            places += 1
    return places


def number_format(values: Iterable[float], most: int = 2) -> str:
    """The ``floatformat`` argument for these values: their decimals, thousands grouped."""
    return f"{decimals(values, most)}g"


def _text_width(text: str, size: float = _LARGE_FONT, em: float = _TEXT_EM) -> float:
    return len(text) * size * em


def _number_text(value: float, places: int) -> str:
    """Roughly the text a number becomes, to reserve room for it (grouping adds a character per
    three digits)."""
    return f"{value:,.{places}f}"


def wrap(text: str, width: int, max_lines: int = 3) -> list[str]:
    """Split a label into lines of at most ``width`` characters, at spaces, ending with "…" when
    more than ``max_lines`` would be needed."""
    words = text.split()
    lines: list[str] = []
    line = ""
    for word in words:
        while len(word) > width:  # a word longer than a line is cut
            if line:
                lines.append(line)
                line = ""
            lines.append(word[: width - 1] + "-")
            word = word[width - 1 :]
        candidate = f"{line} {word}" if line else word
        if len(candidate) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = truncate(lines[-1] + " …", width)
    return lines or [""]


def truncate(text: str, length: int) -> str:
    """``text`` cut to ``length`` characters, the last being "…" when it was cut."""
    if len(text) <= length:
        return text
    return text[: max(length - 1, 0)].rstrip() + "…"


# --- bars -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextLine:
    text: str
    x: str
    y: str


@dataclass(frozen=True)
class Bar:
    """One row: its label (wrapped into lines above the bar), the bar and its end label."""

    label: str
    value: float
    secondary: float | None
    total: float
    label_lines: tuple[TextLine, ...]
    x: str
    y: str
    width: str
    height: str
    secondary_x: str
    secondary_width: str
    value_x: str
    value_y: str


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    unit: str
    #: what follows a number: "%" stays close, a word gets a space ("12%", "12 hari")
    unit_suffix: str
    width: int
    height: int
    bars: tuple[Bar, ...]
    axis_x: str
    axis_top: str
    axis_bottom: str
    #: the ``floatformat`` argument for every value of the chart ("0g", "1g" …)
    value_format: str
    has_secondary: bool
    #: names of the two parts of a stacked bar (legend, table headers); ("", "") if one part
    part_labels: tuple[str, str]
    label_heading: str
    value_heading: str
    total: float
    largest: Bar | None
    smallest: Bar | None

    @property
    def empty(self) -> bool:
        return not self.bars

    @property
    def all_zero(self) -> bool:
        return bool(self.bars) and all(b.total == 0 for b in self.bars)


def bar_chart(
    title: str,
    rows: Sequence[tuple[str, float]],
    *,
    unit: str = "",
    id: str,
    secondary: Sequence[float] | None = None,
    part_labels: tuple[str, str] = ("", ""),
    label_heading: str = "",
    value_heading: str = "",
    width: int = 480,
) -> BarChart:
    """Horizontal bars, one per ``(label, value)`` row, in the order given, scaled to the largest.

    ``secondary`` (one value per row) stacks a second, hatched part after each bar (e.g. the
    innovations still running, then those stopped); ``part_labels`` names the two parts.
    ``label_heading`` and ``value_heading`` head the table's columns ("Sector", "Innovations";
    by default "Category" and "Value"). Values must not be negative."""
    _check_id(id)
    if secondary is not None and len(secondary) != len(rows):
        raise ValueError("secondary needs one value per row")
    values = [float(v) for _, v in rows]
    extras = [float(v) for v in secondary] if secondary is not None else [0.0] * len(rows)
    if any(v < 0 or not math.isfinite(v) for v in [*values, *extras]):
        raise ValueError("a bar chart draws non-negative, finite values")
    totals = [a + b for a, b in zip(values, extras, strict=True)]
    value_format = number_format([*values, *extras, *totals])
    places = int(value_format[:-1])
    unit_suffix = unit if not unit or unit.startswith("%") else f" {unit}"
    # room at the right for the longest end label, in the large type of a phone
    end_texts = [
        _number_text(a, places) + (f" + {_number_text(b, places)}" if secondary else "")
        for a, b in zip(values, extras, strict=True)
    ]
    end_room = max((_text_width(t + unit_suffix, em=_DIGIT_EM) for t in end_texts), default=0)
    pad, bar_h, line_h, gap = 4, 20, 26, 14
    x0 = pad
    right = width - pad - min(end_room + 8, width / 2)
    scale = (right - x0) / max([*totals, 0]) if any(totals) else 0.0
    chars = int((width - 2 * pad) / (_LARGE_FONT * _TEXT_EM))
    bars: list[Bar] = []
    y = 8.0
    for (label, _), value, extra, total in zip(rows, values, extras, totals, strict=True):
        lines = wrap(label, chars)
        label_lines = tuple(
            TextLine(text, fmt(x0), fmt(y + (i + 1) * line_h - 6)) for i, text in enumerate(lines)
        )
        bar_y = y + len(lines) * line_h
        w1, w2 = value * scale, extra * scale
        bars.append(
            Bar(
                label=label,
                value=value,
                secondary=extra if secondary is not None else None,
                total=total,
                label_lines=label_lines,
                x=fmt(x0),
                y=fmt(bar_y),
                width=fmt(w1),
                height=fmt(bar_h),
                secondary_x=fmt(x0 + w1),
                secondary_width=fmt(w2),
                value_x=fmt(x0 + w1 + w2 + 6),
                value_y=fmt(bar_y + bar_h / 2),
            )
        )
        y = bar_y + bar_h + gap
    ordered = sorted(bars, key=lambda b: b.total)
    return BarChart(
        id=id,
        title=title,
        unit=unit,
        unit_suffix=unit_suffix,
        width=width,
        height=math.ceil(y),
        bars=tuple(bars),
        axis_x=fmt(x0),
        axis_top=fmt(8),
        axis_bottom=fmt(max(y - gap + 4, 8)),
        value_format=value_format,
        has_secondary=secondary is not None,
        part_labels=part_labels,
        label_heading=label_heading,
        value_heading=value_heading,
        total=sum(totals),
        largest=ordered[-1] if bars else None,
        smallest=ordered[0] if bars else None,
    )


# --- lines ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """One line: its points ``(x, y)`` (x a number or a date) and whether it is drawn dashed
    (a forecast, a replica beside its original …)."""

    label: str
    points: Sequence[tuple[XValue, float]]
    dashed: bool = False


#: Marker shapes, one per series in turn (with a colour, and a dash pattern if asked).
SHAPES = ("circle", "square", "triangle", "diamond", "cross")
PALETTE_SIZE = 5


@dataclass(frozen=True)
class YTick:
    value: float
    y: str
    label_y: str


@dataclass(frozen=True)
class XTick:
    value: XValue
    x: str
    anchor: str


@dataclass(frozen=True)
class Line:
    label: str
    index: int
    #: CSS class of its colour: s0 … s4
    css: str
    shape: str
    dashed: bool
    points: str
    markers: tuple[str, ...]
    #: the marker drawn in the legend (a path in a 24×16 swatch)
    legend_marker: str
    label_x: str
    label_y: str
    label_anchor: str
    first: tuple[XValue, float]
    last: tuple[XValue, float]
    count: int


@dataclass(frozen=True)
class Band:
    points: str
    upper: str
    lower: str
    first: tuple[XValue, float, float]
    last: tuple[XValue, float, float]


@dataclass(frozen=True)
class Target:
    value: float
    #: the ``floatformat`` argument for the target's own label ("50", not "50,0")
    value_format: str
    y: str
    label_x: str
    label_y: str


@dataclass(frozen=True)
class LineRow:
    """A row of the table: one x, each series' value there (None: no value) and the band's."""

    x: XValue
    values: tuple[float | None, ...]
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class LineChart:
    id: str
    title: str
    x_kind: str
    x_label: str
    y_label: str
    width: int
    height: int
    #: the plot area: x0 left, x1 right, y0 the bottom (the x-axis), y1 the top
    x0: str
    x1: str
    y0: str
    y1: str
    y_ticks: tuple[YTick, ...]
    x_ticks: tuple[XTick, ...]
    #: ``floatformat`` arguments for y values, the y-axis ticks and (numbers) x values; a
    #: ``date`` filter format for the x ticks of dates ("Y", "M Y", "j M")
    y_format: str
    y_tick_format: str
    x_format: str
    x_tick_format: str
    lines: tuple[Line, ...]
    band: Band | None
    band_label: str
    target: Target | None
    rows: tuple[LineRow, ...]
    y_label_x: str
    y_label_y: str
    x_label_x: str
    x_label_y: str
    x_tick_label_y: str
    #: the bottom of the small tick marks under the x-axis
    tick_mark_y: str
    tick_label_x: str

    @property
    def empty(self) -> bool:
        return not self.lines and self.band is None


def _x_number(value: XValue, kind: str) -> float:
    if kind == "date":
        if not isinstance(value, dt.date):
            raise TypeError(f"x_kind='date' needs dates, not {value!r}")
        return float(value.toordinal())
    if isinstance(value, dt.date):
        raise TypeError(f"x_kind='number' needs numbers, not {value!r}")
    return float(value)


def marker_path(shape: str, cx: float, cy: float, r: float = 6) -> str:
    """The SVG path of a marker centred on ``(cx, cy)``."""
    if shape == "square":
        s = r * 0.85
        return f"M{fmt(cx - s)},{fmt(cy - s)}h{fmt(2 * s)}v{fmt(2 * s)}h{fmt(-2 * s)}z"
    if shape == "triangle":
        return (
            f"M{fmt(cx)},{fmt(cy - r * 1.1)}L{fmt(cx + r)},{fmt(cy + r * 0.8)}"
            f"L{fmt(cx - r)},{fmt(cy + r * 0.8)}z"
        )
    if shape == "diamond":
        return (
            f"M{fmt(cx)},{fmt(cy - r * 1.2)}L{fmt(cx + r)},{fmt(cy)}"
            f"L{fmt(cx)},{fmt(cy + r * 1.2)}L{fmt(cx - r)},{fmt(cy)}z"
        )
    if shape == "cross":
        t = r * 0.35
        return (
            f"M{fmt(cx - t)},{fmt(cy - r)}h{fmt(2 * t)}v{fmt(r - t)}h{fmt(r - t)}v{fmt(2 * t)}"
            f"h{fmt(t - r)}v{fmt(r - t)}h{fmt(-2 * t)}v{fmt(t - r)}h{fmt(t - r)}v{fmt(-2 * t)}"
            f"h{fmt(r - t)}z"
        )
    # a circle as two arcs
    arc = f"a{fmt(r)},{fmt(r)} 0 1,0"
    return f"M{fmt(cx - r)},{fmt(cy)}{arc} {fmt(2 * r)},0{arc} {fmt(-2 * r)},0z"


def _date_ticks(lo: float, hi: float, most: int = 4) -> tuple[list[dt.date], str]:
    """Dates for the x-axis between two ordinals: Januaries over a long span, first days of
    months over a medium one, days over a short one; and the ``date`` format to write them."""
    start, end = dt.date.fromordinal(int(lo)), dt.date.fromordinal(int(hi))
    days = end.toordinal() - start.toordinal()
    if days > 2 * 366:
        years = [dt.date(y, 1, 1) for y in range(start.year, end.year + 1)]
        years = [d for d in years if start <= d <= end]
        every = math.ceil(len(years) / most) or 1
        return years[::every], "Y"
    if days > 92:
        months = []
        y, m = start.year, start.month
        while dt.date(y, m, 1) <= end:
            if dt.date(y, m, 1) >= start:
                months.append(dt.date(y, m, 1))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        every = next(k for k in (1, 2, 3, 6, 12, 24) if math.ceil(len(months) / k) <= most)
        return months[::every], "M Y"
    step = max(1, math.ceil(days / max(most - 1, 1)))
    return [start + dt.timedelta(days=k) for k in range(0, days + 1, step)], "j M"


def _number_ticks(lo: float, hi: float, step: float | None, most: int = 7) -> list[float]:
    """Multiples of ``step`` (by default a nice one) from ``lo`` to ``hi``, at most ``most`` of
    them (every second, third … when a given step makes more)."""
    step = step if step and step > 0 else nice_step(hi - lo, 5)
    first = math.ceil(lo / step - 1e-9)
    ticks = [round(k * step, 10) for k in range(first, math.floor(hi / step + 1e-9) + 1)]
    return ticks[:: math.ceil(len(ticks) / most)] if ticks else ticks


def _y_scale(values: list[float]) -> tuple[float, float, float]:
    """The bottom, top and step of the y-axis: from 0 (or below, for negatives), nice steps."""
    lo, hi = min([0.0, *values]), max([0.0, *values])
    if hi == lo:
        hi = lo + 1
    step = nice_step(hi - lo, 5)
    return math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step, step


def _spread(positions: list[float], gap: float, top: float) -> list[float]:
    """Move label baselines apart (keeping their order) so that they are ``gap`` apart and none
    is above ``top``."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = list(positions)
    last = top - gap
    for i in order:
        placed[i] = max(positions[i], last + gap)
        last = placed[i]
    return placed


@dataclass
class _Frame:
    """The mapping from data to the drawing, for one line chart."""

    kind: str
    x_lo: float
    x_hi: float
    y_lo: float
    y_hi: float
    left: float
    right: float
    top: float
    bottom: float

    def x(self, value: XValue) -> float:
        n = _x_number(value, self.kind)
        if self.x_hi == self.x_lo:
            return (self.left + self.right) / 2
        return self.left + (self.right - self.left) * (n - self.x_lo) / (self.x_hi - self.x_lo)

    def y(self, value: float) -> float:
        return self.bottom - (self.bottom - self.top) * (value - self.y_lo) / (
            self.y_hi - self.y_lo
        )


def _line(index: int, series: Series, frame: _Frame) -> tuple[Line, float, float]:
    points = sorted(series.points, key=lambda p: _x_number(p[0], frame.kind))
    coords = [(frame.x(x), frame.y(float(y))) for x, y in points]
    shape = SHAPES[index % len(SHAPES)]
    every = max(1, math.ceil(len(coords) / 24))  # at most about 24 markers a line
    marked = [c for i, c in enumerate(coords) if i % every == 0 or i == len(coords) - 1]
    end_x, end_y = coords[-1]
    line = Line(
        label=series.label,
        index=index,
        css=f"s{index % PALETTE_SIZE}",
        shape=shape,
        dashed=series.dashed,
        points=" ".join(f"{fmt(x)},{fmt(y)}" for x, y in coords),
        markers=tuple(marker_path(shape, x, y) for x, y in marked),
        legend_marker=marker_path(shape, 12, 8, 5),
        label_x=fmt(end_x),
        label_y="",  # set once all labels are spread
        label_anchor="end" if end_x - _text_width(series.label) >= 2 else "start",
        first=(points[0][0], float(points[0][1])),
        last=(points[-1][0], float(points[-1][1])),
        count=len(points),
    )
    return line, end_x, end_y


def _table_rows(
    series: Sequence[Series], band: Sequence[tuple[XValue, float, float]], kind: str
) -> tuple[LineRow, ...]:
    xs: dict[float, XValue] = {}
    for s in series:
        for x, _ in s.points:
            xs.setdefault(_x_number(x, kind), x)
    for x, _, _ in band:
        xs.setdefault(_x_number(x, kind), x)
    by_series = [{_x_number(x, kind): float(y) for x, y in s.points} for s in series]
    by_band = {_x_number(x, kind): (float(lo), float(hi)) for x, lo, hi in band}
    rows = []
    for key in sorted(xs):
        low, high = by_band.get(key, (None, None))
        rows.append(LineRow(xs[key], tuple(v.get(key) for v in by_series), low, high))
    return tuple(rows)


def line_chart(
    title: str,
    series: Sequence[Series],
    *,
    band: Sequence[tuple[XValue, float, float]] | None = None,
    x_kind: Literal["date", "number"] = "number",
    x_label: str = "",
    y_label: str = "",
    target: float | None = None,
    id: str,
    band_label: str = "",
    x_step: float | None = None,
    width: int = 560,
    height: int = 340,
) -> LineChart:
    """Lines over numbers or dates (``x_kind``), with an optional shaded ``band`` of
    ``(x, low, high)`` (a forecast range, drawn under the lines) and a ``target`` line.

    ``band_label`` names the band in the legend and the table (by default "forecast range").
    Series with no points are left out. ``x_step`` sets the step of the x-axis ticks for numbers
    (12 for ages in months); by default a step of 1, 2 or 5 times a power of ten."""
    _check_id(id)
    if x_kind not in ("date", "number"):
        raise ValueError("x_kind is 'date' or 'number'")
    drawn = [s for s in series if s.points]
    band_points = sorted(band or [], key=lambda p: _x_number(p[0], x_kind))
    xs = [_x_number(x, x_kind) for s in drawn for x, _ in s.points]
    xs += [_x_number(x, x_kind) for x, _, _ in band_points]
    ys = [float(y) for s in drawn for _, y in s.points]
    ys += [float(v) for _, lo, hi in band_points for v in (lo, hi)]
    ys += [float(target)] if target is not None else []
    y_lo, y_hi, y_step = _y_scale(ys)
    y_values = [round(y_lo + k * y_step, 10) for k in range(round((y_hi - y_lo) / y_step) + 1)]
    y_format = number_format(ys)
    y_tick_format = number_format(y_values)
    places = int(y_tick_format[:-1])
    tick_room = max(_text_width(_number_text(v, places), em=_DIGIT_EM) for v in y_values)
    left = max(40.0, tick_room + 14)
    frame = _Frame(
        kind=x_kind,
        x_lo=min(xs, default=0.0),
        x_hi=max(xs, default=0.0),
        y_lo=y_lo,
        y_hi=y_hi,
        left=left,
        right=width - 20,
        top=44,
        bottom=height - 66,
    )
    made = [_line(i, s, frame) for i, s in enumerate(drawn)]
    label_ys = _spread([y - 12 for _, _, y in made], 24, frame.top + 4)
    lines = tuple(
        replace(line, label_y=fmt(ly)) for (line, _, _), ly in zip(made, label_ys, strict=True)
    )
    return LineChart(
        id=id,
        title=title,
        x_kind=x_kind,
        x_label=x_label,
        y_label=y_label,
        width=width,
        height=height,
        x0=fmt(frame.left),
        x1=fmt(frame.right),
        y0=fmt(frame.bottom),
        y1=fmt(frame.top),
        y_ticks=tuple(YTick(v, fmt(frame.y(v)), fmt(frame.y(v) + 5)) for v in y_values),
        x_ticks=_x_ticks(frame, x_step, width) if xs else (),
        y_format=y_format,
        y_tick_format=y_tick_format,
        x_format=number_format(xs) if x_kind == "number" else "",
        x_tick_format=_date_ticks(frame.x_lo, frame.x_hi)[1] if x_kind == "date" and xs else "",
        lines=lines,
        band=_band(band_points, frame),
        band_label=band_label,
        target=_target(target, frame),
        rows=_table_rows(drawn, band_points, x_kind),
        y_label_x=fmt(4),
        y_label_y=fmt(20),
        x_label_x=fmt(frame.right),
        x_label_y=fmt(height - 10),
        x_tick_label_y=fmt(frame.bottom + 26),
        tick_mark_y=fmt(frame.bottom + 6),
        tick_label_x=fmt(frame.left - 8),
    )


def _x_ticks(frame: _Frame, step: float | None, width: int) -> tuple[XTick, ...]:
    values: list[XValue]
    if frame.kind == "date":
        values = list(_date_ticks(frame.x_lo, frame.x_hi)[0])
        room = _text_width("Sep 2026", em=_TEXT_EM) / 2
    else:
        values = list(_number_ticks(frame.x_lo, frame.x_hi, step))
        room = _text_width("0000", em=_DIGIT_EM) / 2
    ticks = []
    for value in values:
        x = frame.x(value)
        anchor = "middle"
        if x - room < 2:
            anchor = "start"
        elif x + room > width - 2:
            anchor = "end"
        ticks.append(XTick(value, fmt(x), anchor))
    return tuple(ticks)


def _band(points: Sequence[tuple[XValue, float, float]], frame: _Frame) -> Band | None:
    if not points:
        return None
    upper = [(frame.x(x), frame.y(float(hi))) for x, _, hi in points]
    lower = [(frame.x(x), frame.y(float(lo))) for x, lo, _ in points]
    if len(points) == 1:  # one x: a sliver a few units wide, to be seen
        (ux, uy), (lx, ly) = upper[0], lower[0]
        upper = [(ux - 4, uy), (ux + 4, uy)]
        lower = [(lx - 4, ly), (lx + 4, ly)]
    outline = upper + list(reversed(lower))
    first, last = points[0], points[-1]
    return Band(
        points=" ".join(f"{fmt(x)},{fmt(y)}" for x, y in outline),
        upper=" ".join(f"{fmt(x)},{fmt(y)}" for x, y in upper),
        lower=" ".join(f"{fmt(x)},{fmt(y)}" for x, y in lower),
        first=(first[0], float(first[1]), float(first[2])),
        last=(last[0], float(last[1]), float(last[2])),
    )


def _target(value: float | None, frame: _Frame) -> Target | None:
    if value is None:
        return None
    y = frame.y(float(value))
    # its label at the left end, clear of the series' labels at the right
    return Target(float(value), number_format([value]), fmt(y), fmt(frame.left + 6), fmt(y - 7))


# --- the province tile map ----------------------------------------------------------------------


@dataclass(frozen=True)
class Province:
    """A province: its Kemendagri code, its ISO 3166-2 code (written on its tile), its official
    name (as ``organisations/data/regions.csv`` spells it) and its tile's column and row."""

    code: str
    iso: str
    name: str
    col: int
    row: int


#: The 38 provinces, west to east, each on a tile roughly where it lies: Sumatra down the left,
#: Java and Nusa Tenggara along the bottom, Kalimantan, Sulawesi and Maluku in the middle and
#: the six Papua provinces on the right.
PROVINCES: tuple[Province, ...] = (
    Province("11", "AC", "Aceh", 0, 0),
    Province("12", "SU", "Sumatera Utara", 0, 1),
    Province("13", "SB", "Sumatera Barat", 1, 2),
    Province("14", "RI", "Riau", 1, 1),
    Province("15", "JA", "Jambi", 2, 2),
    Province("16", "SS", "Sumatera Selatan", 2, 3),
    Province("17", "BE", "Bengkulu", 1, 3),
    Province("18", "LA", "Lampung", 3, 4),
    Province("19", "BB", "Kepulauan Bangka Belitung", 3, 3),
    Province("21", "KR", "Kepulauan Riau", 2, 1),
    Province("31", "JK", "Daerah Khusus Ibukota Jakarta", 4, 4),
    Province("32", "JB", "Jawa Barat", 4, 5),
    Province("33", "JT", "Jawa Tengah", 5, 5),
    Province("34", "YO", "Daerah Istimewa Yogyakarta", 5, 6),
    Province("35", "JI", "Jawa Timur", 6, 5),
    Province("36", "BT", "Banten", 3, 5),
    Province("51", "BA", "Bali", 7, 5),
    Province("52", "NB", "Nusa Tenggara Barat", 8, 5),
    Province("53", "NT", "Nusa Tenggara Timur", 9, 5),
    Province("61", "KB", "Kalimantan Barat", 4, 1),
    Province("62", "KT", "Kalimantan Tengah", 5, 1),
    Province("63", "KS", "Kalimantan Selatan", 6, 2),
    Province("64", "KI", "Kalimantan Timur", 6, 1),
    Province("65", "KU", "Kalimantan Utara", 6, 0),
    Province("71", "SA", "Sulawesi Utara", 10, 1),
    Province("72", "ST", "Sulawesi Tengah", 8, 2),
    Province("73", "SN", "Sulawesi Selatan", 8, 3),
    Province("74", "SG", "Sulawesi Tenggara", 9, 3),
    Province("75", "GO", "Gorontalo", 9, 1),
    Province("76", "SR", "Sulawesi Barat", 7, 2),
    Province("81", "MA", "Maluku", 11, 2),
    Province("82", "MU", "Maluku Utara", 11, 1),
    Province("91", "PA", "Papua", 14, 1),
    Province("92", "PB", "Papua Barat", 13, 1),
    Province("93", "PS", "Papua Selatan", 14, 3),
    Province("94", "PT", "Papua Tengah", 13, 2),
    Province("95", "PE", "Papua Pegunungan", 14, 2),
    Province("96", "PD", "Papua Barat Daya", 12, 1),
)

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
#: Words people shorten, spelled out as the official names are.
_SPELLED_OUT = {
    "prov": "provinsi",
    "kep": "kepulauan",
    "kepul": "kepulauan",
    "dki": "daerah khusus ibukota",
    "diy": "daerah istimewa yogyakarta",
    "di": "daerah istimewa",
    "jogja": "yogyakarta",
    "jogjakarta": "yogyakarta",
    "yogya": "yogyakarta",
    "sulawesi": "sulawesi",
    "sumatra": "sumatera",
}
#: Other names of a province (after spelling out), and its everyday short names.
_ALIASES = {
    "daerah khusus jakarta": "31",
    "daerah khusus ibukota": "31",
    "jakarta": "31",
    "daerah istimewa yogyakarta": "34",
    "daerah istimewa yogyakarta yogyakarta": "34",
    "yogyakarta": "34",
    "bangka belitung": "19",
    "babel": "19",
    "kepri": "21",
    "nanggroe aceh darussalam": "11",
    "nad": "11",
    "daerah istimewa aceh": "11",
    "sumut": "12",
    "sumbar": "13",
    "sumsel": "16",
    "jabar": "32",
    "jateng": "33",
    "jatim": "35",
    "ntb": "52",
    "ntt": "53",
    "kalbar": "61",
    "kalteng": "62",
    "kalsel": "63",
    "kaltim": "64",
    "kaltara": "65",
    "sulut": "71",
    "sulteng": "72",
    "sulsel": "73",
    "sultra": "74",
    "sulbar": "76",
    "malut": "82",
    "irian jaya barat": "92",
}


def _normal(name: str) -> str:
    words: list[str] = []
    for word in _NOT_ALNUM.sub(" ", name.casefold()).split():
        if len(word) == 1 and words and len(words[-1]) < 4 and words[-1].isalpha():
            words[-1] += word  # initials written apart: "D.I." is "di", "D K I" is "dki"
        else:
            words.append(word)
    spelled = " ".join(_SPELLED_OUT.get(w, w) for w in words).split()
    if spelled[:1] == ["provinsi"]:
        spelled = spelled[1:]
    return " ".join(spelled)


_BY_KEY: dict[str, Province] = {_normal(p.name): p for p in PROVINCES}
_BY_KEY.update({p.code: p for p in PROVINCES})
_BY_CODE = {p.code: p for p in PROVINCES}
_BY_KEY.update({alias: _BY_CODE[code] for alias, code in _ALIASES.items()})


def find_province(name: str) -> Province | None:
    """The province a name means, whatever its case, spacing or punctuation, with or without
    "Provinsi", official or everyday ("DKI Jakarta", "DI Yogyakarta", "DIY", "Kep. Bangka
    Belitung", "Jateng"), or its Kemendagri code ("33"); None if it is none of them."""
    return _BY_KEY.get(_normal(name))


@dataclass(frozen=True)
class ValueClass:
    """One of the five shades: the values from ``low`` to ``high``."""

    number: int
    low: int
    high: int


@dataclass(frozen=True)
class Tile:
    code: str
    iso: str
    name: str
    value: int
    #: the shade: 0 for none, 1 (lightest) to 5 (darkest)
    shade: int
    x: str
    y: str
    size: str
    text_x: str
    iso_y: str
    value_y: str


@dataclass(frozen=True)
class TileMap:
    id: str
    title: str
    width: int
    height: int
    tiles: tuple[Tile, ...]
    classes: tuple[ValueClass, ...]
    #: names that are no province, with their values, as given (listed under the map)
    unknown: tuple[tuple[str, int], ...]
    total: int
    provinces_with_value: int
    #: the provinces with the largest values (up to three), for the description
    top: tuple[Tile, ...]
    max_value: int

    @property
    def empty(self) -> bool:
        return self.total == 0 and not self.unknown

    @property
    def province_count(self) -> int:
        return len(self.tiles)


def value_classes(max_value: int) -> tuple[ValueClass, ...]:
    """At most five classes of equal width over 1 … ``max_value``, the width a whole, round
    number (1, 2, 2.5 ×, 3, 4, 5, 6, 8 times a power of ten: 1–5, 6–10 …, or 1–25, 26–50 …)."""
    if max_value <= 0:
        return ()
    least = math.ceil(max_value / 5)
    magnitude = 1
    step = 0
    while not step:
        for factor in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8):
            candidate = factor * magnitude
            if candidate >= least and candidate == int(candidate):
                step = int(candidate)
                break
        magnitude *= 10
    count = math.ceil(max_value / step)
    return tuple(ValueClass(k, (k - 1) * step + 1, k * step) for k in range(1, count + 1))


def tile_map(
    values: Mapping[str, int], *, id: str, title: str, tile: int = 44, gap: int = 4
) -> TileMap:
    """Indonesia's 38 provinces as tiles shaded by ``values`` (province name → count).

    Names are matched by ``find_province``; two names of one province add up; a province
    without a value shows 0; names that are no province are kept in ``unknown``."""
    _check_id(id)
    matched: dict[str, int] = {}
    unknown: list[tuple[str, int]] = []
    for name, value in values.items():
        province = find_province(name)
        if province is None:
            unknown.append((name, int(value)))
        else:
            matched[province.code] = matched.get(province.code, 0) + int(value)
    max_value = max(matched.values(), default=0)
    classes = value_classes(max_value)
    step = tile + gap
    tiles = []
    for p in sorted(PROVINCES, key=lambda p: p.code):
        value = matched.get(p.code, 0)
        shade = next((c.number for c in classes if c.low <= value <= c.high), 0)
        x, y = gap + p.col * step, gap + p.row * step
        tiles.append(
            Tile(
                code=p.code,
                iso=p.iso,
                name=p.name,
                value=value,
                shade=shade,
                x=fmt(x),
                y=fmt(y),
                size=fmt(tile),
                text_x=fmt(x + tile / 2),
                iso_y=fmt(y + tile * 0.4),
                value_y=fmt(y + tile * 0.82),
            )
        )
    cols = max(p.col for p in PROVINCES) + 1
    rows = max(p.row for p in PROVINCES) + 1
    ranked = sorted((t for t in tiles if t.value > 0), key=lambda t: (-t.value, t.code))
    return TileMap(
        id=id,
        title=title,
        width=gap + cols * step,
        height=gap + rows * step,
        tiles=tuple(tiles),
        classes=classes,
        unknown=tuple(unknown),
        total=sum(matched.values()),
        provinces_with_value=len(ranked),
        top=tuple(ranked[:3]),
        max_value=max_value,
    )


# --- lineage ----------------------------------------------------------------------------------

FORMS = ("adoption", "adaptation", "modification")
MARKS = ("better", "similar", "worse", "unknown")


@dataclass(frozen=True)
class LineageNode:
    """An innovation in a lineage: ``form`` is "" for the original, else "adoption",
    "adaptation" or "modification"; ``mark`` how it does against the original ("better",
    "similar", "worse", "unknown" or "" for none)."""

    id: int
    parent_id: int | None
    label: str
    sublabel: str = ""
    form: str = ""
    generation: int = 0
    url: str = ""
    mark: str = ""
    agency: str = ""


@dataclass(frozen=True)
class PlacedNode:
    node: LineageNode
    #: depth in the drawn tree (0 for a root), the row it is drawn on (reading order)
    depth: int
    row: int
    dom_id: str
    parent_label: str
    parent_dom_id: str
    is_original: bool
    drawn: bool
    x: str
    y: str
    width: str
    height: str
    text_x: str
    label_y: str
    sub_y: str
    mark_x: str
    label_text: str
    sub_text: str
    children: int

    @property
    def id(self) -> int:
        return self.node.id

    @property
    def label(self) -> str:
        return self.node.label

    @property
    def agency(self) -> str:
        return self.node.agency

    @property
    def form(self) -> str:
        return self.node.form

    @property
    def mark(self) -> str:
        return self.node.mark

    @property
    def generation(self) -> int:
        return self.node.generation

    @property
    def url(self) -> str:
        return self.node.url

    @property
    def sublabel(self) -> str:
        return self.node.sublabel


@dataclass(frozen=True)
class Edge:
    parent_id: int
    child_id: int
    #: "adoption", "adaptation", "modification" or "replica" (form not recorded)
    form: str
    d: str
    x1: str
    y1: str
    x2: str
    y2: str


@dataclass(frozen=True)
class LineageLayout:
    id: str
    title: str
    width: int
    height: int
    #: the nodes drawn, parents before their replicas (the order of the links)
    nodes: tuple[PlacedNode, ...]
    edges: tuple[Edge, ...]
    #: every node, in the same order (the table)
    rows: tuple[PlacedNode, ...]
    #: how many nodes are left out of the drawing (beyond ``cap``); the table has them
    hidden: int
    forms: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not self.rows

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def originals(self) -> int:
        return sum(1 for r in self.rows if r.depth == 0)


def _reading_order(nodes: Sequence[LineageNode]) -> list[tuple[LineageNode, int]]:
    """Every node once, with its depth, parents before their children (depth first, children in
    the order given). A node whose parent is not among them starts a tree of its own; so does
    one caught in a loop."""
    ids = {n.id for n in nodes}
    children: dict[int, list[LineageNode]] = {}
    roots: list[LineageNode] = []
    for n in nodes:
        if n.parent_id is None or n.parent_id not in ids or n.parent_id == n.id:
            roots.append(n)
        else:
            children.setdefault(n.parent_id, []).append(n)
    order: list[tuple[LineageNode, int]] = []
    seen: set[int] = set()

    def walk(root: LineageNode) -> None:
        stack = [(root, 0)]
        while stack:
            node, depth = stack.pop()
            if node.id in seen:
                continue
            seen.add(node.id)
            order.append((node, depth))
            stack.extend((c, depth + 1) for c in reversed(children.get(node.id, [])))

    for root in roots:
        walk(root)
    for n in nodes:  # nodes in a loop: none of them is reached from a root
        if n.id not in seen:
            walk(n)
    return order


def lineage_layout(
    nodes: Sequence[LineageNode],
    *,
    id: str = "lineage",
    title: str = "",
    cap: int = 200,
    width: int = 320,
) -> LineageLayout:
    """An indented tree: one row per innovation in reading order (a parent, then its replicas
    and theirs), indented by depth, so it reads at 320 px and ~300 nodes never overlap.
    Edges go from below a parent's box down and right into each replica's box.

    Only the first ``cap`` rows are drawn (every drawn replica's parent is drawn too);
    ``hidden`` says how many more the table holds. Duplicated ids keep their first node."""
    _check_id(id)
    unique: list[LineageNode] = []
    ids: set[int] = set()
    for n in nodes:
        if n.id not in ids:
            ids.add(n.id)
            unique.append(n)
    order = _reading_order(unique)
    by_id = {n.id: n for n in unique}
    child_count: dict[int, int] = {}
    for n in unique:
        if n.parent_id is not None:
            child_count[n.parent_id] = child_count.get(n.parent_id, 0) + 1
    pad, row_h, box_h, min_box = 4.0, 50.0, 42.0, 160.0
    max_depth = max((d for _, d in order), default=0)
    indent = min(24.0, (width - 2 * pad - min_box) / max_depth) if max_depth else 24.0
    trunk = min(12.0, indent / 2)
    placed: list[PlacedNode] = []
    for row, (node, depth) in enumerate(order):
        x, y = pad + depth * indent, pad + row * row_h
        w = width - pad - x
        parent = by_id.get(node.parent_id) if node.parent_id is not None else None
        if parent is not None and depth == 0:
            parent = None  # its parent is drawn elsewhere (a loop): not linked here
        second = " · ".join(t for t in (node.agency, node.sublabel) if t)
        placed.append(
            PlacedNode(
                node=node,
                depth=depth,
                row=row,
                dom_id=f"{id}-n{node.id}",
                parent_label=parent.label if parent else "",
                parent_dom_id=f"{id}-n{parent.id}" if parent else "",
                is_original=parent is None and not node.form,
                drawn=row < cap,
                x=fmt(x),
                y=fmt(y),
                width=fmt(w),
                height=fmt(box_h),
                text_x=fmt(x + 8),
                label_y=fmt(y + 18),
                sub_y=fmt(y + 35),
                mark_x=fmt(x + w - 8),
                label_text=truncate(node.label, int((w - 40) / (15 * _BOLD_EM))),
                sub_text=truncate(second, int((w - 16) / (13 * _TEXT_EM))),
                children=child_count.get(node.id, 0),
            )
        )
    drawn = [p for p in placed if p.drawn]
    edges = _edges(drawn, trunk, box_h)
    height = pad + len(drawn) * row_h if drawn else 0
    return LineageLayout(
        id=id,
        title=title,
        width=width,
        height=math.ceil(height),
        nodes=tuple(drawn),
        edges=edges,
        rows=tuple(placed),
        hidden=len(placed) - len(drawn),
        forms=tuple(f for f in FORMS if any(e.form == f for e in edges)),
    )


def _edges(drawn: list[PlacedNode], trunk: float, box_h: float) -> tuple[Edge, ...]:
    """An elbow from below each parent down to its child's row and right into the child's box.

    Siblings share the vertical part; they are listed last sibling first, so that where they
    overlap, each stretch of the trunk shows the style of the replica it leads to."""
    at = {p.dom_id: p for p in drawn}
    edges = []
    for child in reversed(drawn):
        parent = at.get(child.parent_dom_id)
        if parent is None:
            continue
        x1 = float(parent.x) + trunk
        y1 = float(parent.y) + box_h
        x2 = float(child.x)
        y2 = float(child.y) + box_h / 2
        edges.append(
            Edge(
                parent_id=parent.id,
                child_id=child.id,
                form=child.form if child.form in FORMS else "replica",
                d=f"M{fmt(x1)},{fmt(y1)}V{fmt(y2)}H{fmt(x2)}",
                x1=fmt(x1),
                y1=fmt(y1),
                x2=fmt(x2),
                y2=fmt(y2),
            )
        )
    return tuple(edges)
