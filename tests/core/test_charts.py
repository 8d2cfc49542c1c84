"""The insights charts: their geometry (lumbung.core.charts) and their templates."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
from html import unescape
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from lumbung.core.charts import (
    PROVINCES,
    LineageNode,
    Series,
    bar_chart,
    find_province,
    line_chart,
    lineage_layout,
    nice_step,
    tile_map,
    value_classes,
    wrap,
)

SRC = Path(__file__).resolve().parents[2] / "src" / "lumbung"

#: SVG attributes that hold coordinates
COORDINATE_ATTRS = (
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "cx",
    "cy",
    "r",
    "width",
    "height",
    "viewBox",
    "points",
    "d",
)


def svg_part(html: str) -> str:
    """The main drawing of a rendered chart."""
    match = re.search(r'<svg class="ins-plot".*?</svg>', html, re.S)
    assert match, "no drawing"
    return match.group(0)


def assert_decimal_points(html: str) -> None:
    """Every coordinate in the drawings is a number written with a decimal point."""
    number = re.compile(r"-?\d+(\.\d+)?")
    for name, value in re.findall(r'\s(\w+)="([^"]*)"', html):
        if name not in COORDINATE_ATTRS or not value:
            continue
        if name == "d":
            tokens = [t for t in re.split(r"[MmLlHhVvZzAa ]", value) if t]
            for token in tokens:
                parts = token.split(",")
                assert len(parts) <= 2, f"decimal comma in d={value!r}"
                assert all(number.fullmatch(p) for p in parts), value
        elif name == "points":
            for pair in value.split():
                parts = pair.split(",")
                assert len(parts) == 2, f"decimal comma in points={value!r}"
                assert all(number.fullmatch(p) for p in parts), value
        else:
            for token in value.split():
                assert number.fullmatch(token), f"{name}={value!r}"


def texts(html: str, css: str, tag: str = "text") -> list[str]:
    pattern = rf'<{tag} class="{css}"[^>]*>(.*?)</{tag}>'
    return [unescape(re.sub(r"<[^>]+>", "", t)).strip() for t in re.findall(pattern, html, re.S)]


def num_cells(html: str) -> list[str]:
    """The numbers of a table, "–" for a cell without one (its words for screen readers left
    out)."""
    html = re.sub(r'<span class="visually-hidden">.*?</span>', "", html)
    return texts(html, "num", "td")


def has_title_and_desc(html: str, chart_id: str) -> None:
    svg = svg_part(html)
    assert f'aria-labelledby="{chart_id}-title' in svg
    assert re.search(rf'<title id="{chart_id}-title">[^<]+</title>', svg)
    assert re.search(rf'<desc id="{chart_id}-desc">[^<]+', svg)
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    assert "<details" in html


def unique_ids(html: str) -> None:
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


# --- helpers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("span", "step"), [(1, 0.2), (4, 1), (7, 2), (23, 5), (100, 20), (0.8, 0.2), (1234, 500)]
)
def test_nice_step(span, step):
    assert nice_step(span) == pytest.approx(step)


def test_wrap_keeps_lines_short_and_cuts_the_rest():
    lines = wrap("Pendidikan dan kebudayaan masyarakat desa terpencil di wilayah perbatasan", 20)
    assert all(len(line) <= 20 for line in lines)
    assert len(lines) == 3 and lines[-1].endswith("…")
    assert wrap("Kesehatan", 20) == ["Kesehatan"]


def test_a_chart_id_must_be_usable_in_ids():
    with pytest.raises(ValueError):
        bar_chart("t", [("a", 1)], id="1 bad")


# --- bars -----------------------------------------------------------------------------------


def test_bars_scale_with_their_values_and_stay_in_the_drawing():
    chart = bar_chart("By sector", [("Health", 40), ("Education", 10), ("Tourism", 25)], id="b")
    widths = [float(b.width) for b in chart.bars]
    assert widths[0] > widths[2] > widths[1] > 0
    assert widths[1] / widths[0] == pytest.approx(10 / 40, rel=1e-2)
    assert widths[2] / widths[0] == pytest.approx(25 / 40, rel=1e-2)
    for b in chart.bars:
        assert float(b.x) >= 0
        assert float(b.x) + float(b.width) <= chart.width
        # the end label has room for its text in a phone's large type (22 units a character)
        assert float(b.value_x) + 22 * 0.6 * len(str(int(b.value))) <= chart.width
        assert 0 < float(b.y) < float(b.y) + float(b.height) <= chart.height
    # rows keep their order (a funnel's stages) and do not overlap
    tops = [float(b.y) for b in chart.bars]
    assert tops == sorted(tops)
    assert all(
        float(a.y) + float(a.height) < float(b.label_lines[0].y) - 22
        for a, b in itertools.pairwise(chart.bars)
    )
    assert chart.largest is not None and chart.largest.label == "Health"
    assert chart.smallest is not None and chart.smallest.label == "Education"


def test_long_labels_go_on_lines_above_their_bar():
    long = "Pendidikan dan kebudayaan masyarakat desa terpencil di wilayah perbatasan"
    chart = bar_chart("t", [(long, 3), ("Short", 1)], id="b")
    first = chart.bars[0]
    assert len(first.label_lines) == 2
    assert " ".join(line.text for line in first.label_lines) == long
    assert all(float(line.y) < float(first.y) for line in first.label_lines)


def test_stacked_bars_put_the_second_part_after_the_first():
    chart = bar_chart(
        "Continuing or stopped",
        [("2022", 10), ("2023", 4)],
        secondary=[2, 4],
        part_labels=("continuing", "stopped"),
        id="s",
    )
    first, second = chart.bars
    assert float(first.secondary_x) == pytest.approx(float(first.x) + float(first.width))
    assert float(first.width) / float(first.secondary_width) == pytest.approx(5, rel=1e-2)
    assert float(second.width) + float(second.secondary_width) == pytest.approx(
        (float(first.width) + float(first.secondary_width)) * 8 / 12, rel=1e-2
    )
    assert chart.largest is first and first.total == 12
    with pytest.raises(ValueError):
        bar_chart("t", [("a", 1)], secondary=[1, 2], id="s")


def test_empty_and_zero_bars():
    empty = bar_chart("Nothing", [], id="e")
    assert empty.empty and not empty.all_zero
    zeros = bar_chart("Zeros", [("a", 0), ("b", 0)], id="z")
    assert not zeros.empty and zeros.all_zero
    assert all(float(b.width) == 0 for b in zeros.bars)
    with pytest.raises(ValueError):
        bar_chart("Negative", [("a", -1)], id="n")


def test_bars_template_table_has_the_chart_numbers():
    chart = bar_chart(
        "Stages",
        [("Committed", 1234), ("Implementing", 18.5), ("Institutionalised", 6)],
        unit="%",
        id="funnel",
    )
    with translation.override("id"):
        html = render_to_string("charts/_bars.html", {"chart": chart, "csv_url": "/data.csv"})
    has_title_and_desc(html, "funnel")
    assert_decimal_points(svg_part(html))
    labels = texts(svg_part(html), "value")
    assert labels == ["1.234,0%", "18,5%", "6,0%"]  # in Indonesian: grouping point, decimal comma
    assert [label.rstrip("%") for label in labels] == num_cells(html)
    assert 'role="img"' in html and 'href="/data.csv"' in html
    assert "Committed" in re.search(r"<desc[^>]*>(.*?)</desc>", html, re.S).group(1)


def test_stacked_bars_template_has_both_parts_in_the_table():
    chart = bar_chart(
        "Status", [("2022", 10), ("2023", 4)], secondary=[2, 3], part_labels=("on", "off"), id="s"
    )
    html = render_to_string("charts/_bars.html", {"chart": chart})
    assert texts(svg_part(html), "value") == ["10 + 2", "4 + 3"]
    assert num_cells(html) == ["10", "2", "12", "4", "3", "7"]
    assert 'fill="url(#s-hatch)"' in html and 'id="s-hatch"' in html
    assert "off (hatched)" in html


def test_empty_bar_chart_says_so():
    html = render_to_string("charts/_bars.html", {"chart": bar_chart("X", [], id="e")})
    assert "no data to show yet" in html and "<svg" not in html and "<table" not in html
    html = render_to_string("charts/_bars.html", {"chart": bar_chart("X", [("a", 0)], id="z")})
    assert "Every value is zero." in html and "<svg" in html


def test_two_charts_on_one_page_have_distinct_ids():
    html = "".join(
        render_to_string(
            "charts/_bars.html",
            {"chart": bar_chart("T", [("a", 1)], secondary=[1], id=chart_id)},
        )
        for chart_id in ("one", "two")
    )
    unique_ids(html)


# --- lines ----------------------------------------------------------------------------------


def _y(chart, value):
    """Where a value is on the chart's y-axis, from its first and last ticks."""
    low, high = chart.y_ticks[0], chart.y_ticks[-1]
    share = (value - low.value) / (high.value - low.value)
    return float(low.y) + (float(high.y) - float(low.y)) * share


def adoption_chart():
    return line_chart(
        "Units running a replica",
        [
            Series("Actual", [(dt.date(2024, 1, 1), 2), (dt.date(2024, 7, 1), 9)]),
            Series(
                "Forecast",
                [(dt.date(2024, 7, 1), 9), (dt.date(2025, 1, 1), 20), (dt.date(2025, 7, 1), 31)],
                dashed=True,
            ),
        ],
        band=[
            (dt.date(2024, 7, 1), 9, 9),
            (dt.date(2025, 1, 1), 15, 26),
            (dt.date(2025, 7, 1), 18, 44),
        ],
        x_kind="date",
        target=40,
        y_label="Units",
        id="adopt",
    )


def test_line_chart_band_and_target_are_where_their_values_are():
    chart = adoption_chart()
    # ticks: nice steps from 0 to at least the largest value (the band's 44)
    steps = {round(b.value - a.value, 9) for a, b in itertools.pairwise(chart.y_ticks)}
    assert steps == {10}
    assert chart.y_ticks[0].value == 0 and chart.y_ticks[-1].value >= 44
    assert float(chart.y1) <= min(float(t.y) for t in chart.y_ticks)
    # the band: the highs left to right, then the lows right to left
    assert chart.band is not None
    pairs = [tuple(map(float, p.split(","))) for p in chart.band.points.split()]
    assert len(pairs) == 6
    xs = [x for x, _ in pairs]
    assert xs[:3] == sorted(xs[:3]) and xs[3:] == sorted(xs[3:], reverse=True)
    for (_, y), value in zip(pairs, [9, 26, 44, 18, 15, 9], strict=True):
        assert y == pytest.approx(_y(chart, value), abs=0.11)
    assert float(chart.x0) <= min(xs) and max(xs) <= float(chart.x1)
    # the target line
    assert chart.target is not None
    assert float(chart.target.y) == pytest.approx(_y(chart, 40), abs=0.11)
    # each series its own marker shape; the forecast dashed
    assert [line.shape for line in chart.lines] == ["circle", "square"]
    assert [line.dashed for line in chart.lines] == [False, True]
    assert all(len(line.markers) == line.count for line in chart.lines)


def test_line_chart_x_ticks_and_end_labels():
    chart = adoption_chart()
    assert chart.x_tick_format == "M Y"
    assert 2 <= len(chart.x_ticks) <= 4
    assert all(dt.date(2024, 1, 1) <= t.value <= dt.date(2025, 7, 1) for t in chart.x_ticks)
    assert all(t.value.day == 1 for t in chart.x_ticks)
    # the labels at the lines' ends are apart from one another
    ys = sorted(float(line.label_y) for line in chart.lines)
    assert all(b - a >= 24 - 0.1 for a, b in itertools.pairwise(ys))
    ages = line_chart(
        "Waiting days",
        [Series("Original", [(m, 30 - m / 2) for m in range(0, 37, 3)])],
        x_step=12,
        id="ages",
    )
    assert [t.value for t in ages.x_ticks] == [0, 12, 24, 36]
    assert ages.y_format == "1g" and ages.y_tick_format == "0g"


def test_line_chart_table_rows_join_the_series_and_band():
    chart = adoption_chart()
    assert [r.x for r in chart.rows] == [
        dt.date(2024, 1, 1),
        dt.date(2024, 7, 1),
        dt.date(2025, 1, 1),
        dt.date(2025, 7, 1),
    ]
    assert chart.rows[0].values == (2, None) and chart.rows[0].low is None
    assert chart.rows[1].values == (9, 9) and (chart.rows[1].low, chart.rows[1].high) == (9, 9)
    assert chart.rows[3].values == (None, 31) and chart.rows[3].high == 44


def test_line_chart_without_points_is_empty():
    chart = line_chart("Nothing", [Series("a", [])], id="none")
    assert chart.empty
    html = render_to_string("charts/_lines.html", {"chart": chart})
    assert "no data to show yet" in html and "<svg" not in html
    with pytest.raises(TypeError):
        line_chart("Mixed", [Series("a", [(1, 1)])], x_kind="date", id="m")


def test_lines_template_in_indonesian():
    chart = line_chart(
        "Indicator",
        [
            Series("Original", [(0, 1.5), (12, 2.25), (24, 3)]),
            Series("Replica", [(0, 1), (12, 2.5)], dashed=True),
        ],
        x_label="Age in months",
        target=2.75,
        id="ind",
    )
    with translation.override("id"):
        html = render_to_string("charts/_lines.html", {"chart": chart, "csv_url": "/c"})
    has_title_and_desc(html, "ind")
    assert_decimal_points(svg_part(html))
    # the table has every point of every series, as the reader's numbers
    assert num_cells(html) == ["1,50", "1,00", "2,25", "2,50", "3,00", "–"]
    assert texts(svg_part(html), "end-label") == ["Original", "Replica"]
    assert texts(svg_part(html), "target-label")[0].endswith("2,75")
    assert 'class="series s1 dashed"' in html and 'href="/c"' in html


def test_dates_template():
    with translation.override("id"):
        html = render_to_string("charts/_lines.html", {"chart": adoption_chart()})
    assert_decimal_points(svg_part(html))
    assert '<time datetime="2024-01-01">' in html
    assert "url(#adopt-band)" in html and 'id="adopt-band"' in html
    unique_ids(html)


# --- the tile map ---------------------------------------------------------------------------


def official_provinces() -> list[str]:
    with (SRC / "organisations" / "data" / "regions.csv").open(encoding="utf-8") as f:
        return [row["name"] for row in csv.DictReader(f) if row["level"] == "province"]


def test_every_province_has_its_own_tile_and_code():
    assert len(PROVINCES) == 38
    assert len({(p.col, p.row) for p in PROVINCES}) == 38
    assert len({p.iso for p in PROVINCES}) == 38
    assert all(re.fullmatch(r"[A-Z]{2,3}", p.iso) for p in PROVINCES)
    assert sorted(p.name for p in PROVINCES) == sorted(official_provinces())
    for name in official_provinces():
        found = find_province(name)
        assert found is not None and found.name == name
    chart = tile_map({}, id="m", title="t")
    boxes = {(t.x, t.y) for t in chart.tiles}
    assert len(chart.tiles) == 38 and len(boxes) == 38
    assert all(float(t.x) + float(t.size) <= chart.width for t in chart.tiles)
    assert all(float(t.y) + float(t.size) <= chart.height for t in chart.tiles)
    # roughly where they lie: Aceh top left, Papua on the right, Java at the bottom
    by_iso = {p.iso: p for p in PROVINCES}
    assert (by_iso["AC"].col, by_iso["AC"].row) == (0, 0)
    assert min(by_iso[c].col for c in ("PA", "PB", "PS", "PT", "PE", "PD")) > max(
        p.col for p in PROVINCES if p.iso in ("SA", "SN", "MU")
    )


@pytest.mark.parametrize(
    ("name", "official"),
    [
        ("DKI Jakarta", "Daerah Khusus Ibukota Jakarta"),
        ("Daerah Khusus Jakarta", "Daerah Khusus Ibukota Jakarta"),
        ("  daerah khusus   IBUKOTA jakarta ", "Daerah Khusus Ibukota Jakarta"),
        ("DI Yogyakarta", "Daerah Istimewa Yogyakarta"),
        ("D.I. Yogyakarta", "Daerah Istimewa Yogyakarta"),
        ("DIY", "Daerah Istimewa Yogyakarta"),
        ("Kepulauan Bangka Belitung", "Kepulauan Bangka Belitung"),
        ("Kep. Bangka Belitung", "Kepulauan Bangka Belitung"),
        ("Bangka Belitung", "Kepulauan Bangka Belitung"),
        ("Provinsi Jawa Tengah", "Jawa Tengah"),
        ("jawa-tengah", "Jawa Tengah"),
        ("Papua Barat Daya", "Papua Barat Daya"),
        ("Sumatra Utara", "Sumatera Utara"),
        ("NTT", "Nusa Tenggara Timur"),
        ("33", "Jawa Tengah"),
    ],
)
def test_province_names_are_matched_whatever_their_form(name, official):
    province = find_province(name)
    assert province is not None and province.name == official


def test_tile_map_adds_variants_and_lists_unknown_names():
    chart = tile_map(
        {
            "DKI Jakarta": 3,
            "Daerah Khusus Ibukota Jakarta": 2,
            "Jawa Tengah": 23,
            "Atlantis": 4,
            "Kota Blitar": 1,
        },
        id="m",
        title="By province",
    )
    by_name = {t.name: t for t in chart.tiles}
    assert by_name["Daerah Khusus Ibukota Jakarta"].value == 5
    assert by_name["Jawa Tengah"].value == 23 and by_name["Aceh"].value == 0
    assert chart.unknown == (("Atlantis", 4), ("Kota Blitar", 1))
    assert chart.total == 28 and chart.provinces_with_value == 2
    assert [(c.low, c.high) for c in chart.classes] == [
        (1, 5),
        (6, 10),
        (11, 15),
        (16, 20),
        (21, 25),
    ]
    assert by_name["Jawa Tengah"].shade == 5 and by_name["Daerah Khusus Ibukota Jakarta"].shade == 1
    assert by_name["Aceh"].shade == 0
    assert chart.top[0].name == "Jawa Tengah"


def test_value_classes_are_whole_and_at_most_five():
    for top in (1, 3, 5, 7, 9, 23, 100, 101, 999, 1234):
        classes = value_classes(top)
        assert 1 <= len(classes) <= 5
        assert classes[0].low == 1 and classes[-1].high >= top
        assert all(b.low == a.high + 1 for a, b in itertools.pairwise(classes))
    assert value_classes(0) == ()


def test_tiles_template():
    chart = tile_map({"Jawa Barat": 1200, "Bali": 3, "Nowhere": 2}, id="prov", title="Province")
    with translation.override("id"):
        html = render_to_string("charts/_tiles.html", {"chart": chart})
    has_title_and_desc(html, "prov")
    assert_decimal_points(svg_part(html))
    tile_values = texts(svg_part(html), "value")
    assert len(tile_values) == 38 and "1.200" in tile_values
    cells = num_cells(html)
    # the table: value and shade for each province, in the map's order, then the unknown name
    assert cells[0:76:2] == tile_values
    assert cells[76] == "2"
    assert svg_part(html).count('<g class="tile shade-') == 38
    assert re.search(r"<title>Jawa Barat: 1.200</title>", html)
    under_map = html.split("</figcaption>")[1].split("<details")[0]
    assert "Nowhere: 2" in under_map  # listed under the map
    unique_ids(html)


def test_empty_tile_map():
    chart = tile_map({}, id="m", title="Nothing")
    assert chart.empty
    html = render_to_string("charts/_tiles.html", {"chart": chart})
    assert "no data to show yet" in html and "<svg" not in html


# --- lineage --------------------------------------------------------------------------------


def tree(count: int, fanout: int = 3) -> list[LineageNode]:
    """An original and its replicas, ``fanout`` to a parent, forms and marks in turn."""
    forms = ("adoption", "adaptation", "modification")
    marks = ("better", "similar", "worse", "unknown", "")
    nodes = [LineageNode(1, None, "Original service", "2019", "", 0, "/i/1", "", "Kab. Sleman")]
    depth = {1: 0}
    for i in range(2, count + 1):
        parent = (i - 2) // fanout + 1
        depth[i] = depth[parent] + 1
        nodes.append(
            LineageNode(
                id=i,
                parent_id=parent,
                label=f"Replica {i}",
                form=forms[i % 3],
                generation=depth[i],
                url=f"/i/{i}",
                mark=marks[i % 5],
                agency=f"Agency {i}",
            )
        )
    return nodes


def boxes_overlap(a, b) -> bool:
    ax, ay, aw, ah = (float(v) for v in (a.x, a.y, a.width, a.height))
    bx, by, bw, bh = (float(v) for v in (b.x, b.y, b.width, b.height))
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def test_lineage_nodes_never_overlap_and_children_come_after_parents():
    layout = lineage_layout(tree(60), id="lin")
    nodes = layout.nodes
    assert len(nodes) == 60 and layout.hidden == 0
    for i, a in enumerate(nodes):
        assert float(a.x) >= 0 and float(a.x) + float(a.width) <= layout.width + 0.01
        assert float(a.y) + float(a.height) <= layout.height
        for b in nodes[i + 1 :]:
            assert not boxes_overlap(a, b), (a.id, b.id)
    at = {n.id: n for n in nodes}
    order = [n.id for n in nodes]
    for n in nodes:
        if n.node.parent_id is not None:
            parent = at[n.node.parent_id]
            assert float(n.y) > float(parent.y)  # below: the reading axis
            assert float(n.x) > float(parent.x)  # and indented
            assert order.index(parent.id) < order.index(n.id)
            assert n.depth == parent.depth + 1 and n.parent_label == parent.label


def test_lineage_edges_join_parent_and_child():
    layout = lineage_layout(tree(20), id="lin")
    at = {n.id: n for n in layout.nodes}
    assert len(layout.edges) == 19
    for e in layout.edges:
        parent, child = at[e.parent_id], at[e.child_id]
        assert child.node.parent_id == parent.id
        # from below the parent's box ...
        assert float(e.y1) == pytest.approx(float(parent.y) + float(parent.height))
        assert float(parent.x) < float(e.x1) < float(parent.x) + float(parent.width)
        # ... to the middle of the child's left side
        assert float(e.x2) == pytest.approx(float(child.x))
        assert float(e.y2) == pytest.approx(float(child.y) + float(child.height) / 2)
        assert e.d == f"M{e.x1},{e.y1}V{e.y2}H{e.x2}"
        assert e.form == child.form
    assert layout.forms == ("adoption", "adaptation", "modification")


def test_lineage_survives_orphans_loops_and_duplicates():
    nodes = [
        LineageNode(1, None, "A"),
        LineageNode(2, 99, "Parent not shown", form="adaptation", generation=3),
        LineageNode(3, 4, "Loop 3"),
        LineageNode(4, 3, "Loop 4"),
        LineageNode(5, 5, "Its own parent"),
        LineageNode(1, None, "A again"),
    ]
    layout = lineage_layout(nodes, id="odd")
    assert sorted(n.id for n in layout.rows) == [1, 2, 3, 4, 5]
    orphan = next(n for n in layout.rows if n.id == 2)
    assert orphan.depth == 0 and not orphan.is_original and orphan.parent_label == ""
    assert next(n for n in layout.rows if n.id == 1).label == "A"


def test_lineage_is_capped_and_the_table_has_everything():
    layout = lineage_layout(tree(250), id="big", cap=200)
    assert len(layout.nodes) == 200 and layout.hidden == 50 and len(layout.rows) == 250
    drawn = {n.id for n in layout.nodes}
    assert all(n.node.parent_id in drawn for n in layout.nodes if n.node.parent_id)
    html = render_to_string("charts/_lineage.html", {"chart": layout})
    assert html.count("data-lineage-node=") == 200
    assert "And 50 more — see the table." in html
    table = html.split("<table", 1)[1]
    assert table.count("<tr>") == 251  # the header and every innovation
    assert_decimal_points(svg_part(html))


def test_lineage_template():
    layout = lineage_layout(tree(13), id="lin", title="Lineage of the service")
    with translation.override("id"):
        indonesian = render_to_string("charts/_lineage.html", {"chart": layout})
    assert_decimal_points(svg_part(indonesian))
    html = render_to_string("charts/_lineage.html", {"chart": layout, "csv_url": "/l"})
    svg = svg_part(html)
    assert 'role="group"' in svg and '<title id="lin-title">Lineage of the service</title>' in svg
    assert re.search(r'<desc id="lin-desc">[^<]+', svg)
    # links in reading order: each parent before its replicas
    ids = re.findall(r'data-lineage-node="lin-n(\d+)"', svg)
    assert [int(i) for i in ids] == [n.id for n in layout.nodes]
    for n in layout.nodes:
        if n.node.parent_id:
            assert ids.index(str(n.node.parent_id)) < ids.index(str(n.id))
            assert f'data-lineage-parent="lin-n{n.node.parent_id}"' in svg
    names = dict(re.findall(r'href="/i/(\d+)"[^>]*aria-label="([^"]+)"', svg))
    assert unescape(names["1"]) == "Original service — Kab. Sleman, generation 0, the original"
    # node 5: parent 2, form modification (5 % 3 == 2), mark "better" (5 % 5 == 0)
    assert unescape(names["5"]) == (
        "Replica 5 — Agency 5, generation 2, modification of Replica 2, better than the original"
    )
    assert unescape(names["3"]) == (
        "Replica 3 — Agency 3, generation 1, adoption of Original service, not yet known"
    )
    assert (
        unescape(names["4"]) == "Replica 4 — Agency 4, generation 1, adaptation of Original service"
    )
    assert 'class="edge edge-adaptation"' in svg and 'class="edge edge-modification"' in svg
    # the table: one row per innovation, with what it replicates, its form and mark
    rows = re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>", 1)[1], re.S)
    assert len(rows) == 13
    assert "Replica 2" in rows[2] and "modification" in rows[2] and "better than" in rows[2]
    # the script, deferred, hooked by data attributes: nothing inline
    assert re.search(r'<script src="[^"]*charts/lineage\.js" defer></script>', html)
    assert "<script>" not in html and " onclick" not in html and " style=" not in html
    assert 'aria-live="polite"' in html and "data-lineage-panel" in html
    assert 'href="/l"' in html
    unique_ids(html)


def test_empty_lineage():
    html = render_to_string("charts/_lineage.html", {"chart": lineage_layout([])})
    assert "<svg" not in html and "No innovation in this lineage yet." in html


@pytest.mark.parametrize("template", ["_bars", "_lines", "_tiles", "_lineage"])
def test_templates_have_no_inline_style_or_script(template):
    text = (SRC / "core" / "templates" / "charts" / f"{template}.html").read_text()
    assert " style=" not in text and "<script>" not in text
    assert not re.search(r"\son[a-z]+=", text)
