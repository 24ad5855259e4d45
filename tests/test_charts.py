"""Radar chart data, its table alternative, and rendering to PNG."""

from __future__ import annotations

import json
import math

import pytest

from assessment.domain.report import radar_rows
from assessment.formats.charts import (
    _Box,
    _place_labels,
    chart_png,
    radar_caption,
    radar_chart,
    radar_left_off,
    radar_table,
)


def test_radar_rows_carry_today_target_and_last_year(nps, medway):
    rows = radar_rows(nps, medway, "2023")
    assert len(rows) == 14 * 3
    councillors = {r["series"]: r for r in rows if r["key_area"] == "Engaging Councillors"}
    assert councillors["today"]["value"] == 2.83 and councillors["today"]["n"] == 3
    assert councillors["last year"]["label"] == "2022" and councillors["last year"]["value"] == 2.67
    assert councillors["target"]["value"] is None  # Medway sets no targets


def test_the_table_says_the_same_numbers(nps, worcestershire_on_nps):
    rows = radar_rows(nps, worcestershire_on_nps, "2022")
    table = {r["Key area"]: r for r in radar_table(rows)}
    assert table["Managing Strategic Risk"] == {"Key area": "Managing Strategic Risk", "2022": 3.0, "n": 1,
                                                "Target": 5.0}
    assert table["Developing talent"]["2022"] is None


def test_radar_spec_closes_polygons_and_names_levels(nps, medway):
    spec = radar_chart(radar_rows(nps, medway, "2023"), nps)
    assert [r["name"] for r in spec["datasets"]["ring_names"]] == [
        "1 – Minimum", "2 – Developing", "3 – Mature", "4 – Leader", "5 – Innovator"]
    assert [r["number"] for r in spec["datasets"]["ring_names"]] == ["1", "2", "3", "4", "5"]
    assert spec["datasets"]["ring_key"][0]["text"] == (
        "Rings: 1 – Minimum, 2 – Developing, 3 – Mature, 4 – Leader, 5 – Innovator")
    series_layer = next(layer for layer in spec["layer"] if layer["data"]["name"] == "series")
    values = spec["datasets"][series_layer["data"]["name"]]
    today = [v for v in values if v["series"] == "today"]
    assert today[0]["order"] == 0 and today[-1]["order"] == 14 and today[-1]["value"] == today[0]["value"]
    # Medway sets no targets, so the legend names only the two periods.
    legend = next(layer for layer in spec["layer"] if layer is series_layer)["encoding"]["color"]["scale"]["domain"]
    assert legend == ["2023 (where we are today)", "2022 (the period before)"]
    assert [t["text"] for t in spec["datasets"]["legend_text"]] == legend   # the drawn legend says the same


def test_the_spec_is_valid_vega_lite_for_any_shape(nps, worcestershire_on_nps):
    import altair as alt
    for ids in (None, [ka.id for ka in nps.themes[0].key_areas]):
        spec = radar_chart(radar_rows(nps, worcestershire_on_nps, "2022", key_area_ids=ids), nps, title="Worcestershire")
        alt.LayerChart.from_dict(spec, validate=True)  # raises on an invalid spec
        target = next(layer for layer in spec["layer"] if layer["data"]["name"] == "series")["encoding"]["color"]["scale"]
        assert target["domain"] == ["2022 (where we are today)", "Target (where we want to be)"]


def test_radar_renders_to_png(nps, medway):
    png = chart_png(radar_chart(radar_rows(nps, medway, "2023"), nps, title="Medway Council, 2023"))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000


def test_chart_numbers_round_as_the_tables_do(nps, medway):
    # Engaging Senior Members 2023 is 3.625: the movement table shows 3.63, so must the radar table.
    row = next(r for r in radar_table(radar_rows(nps, medway, "2023")) if r["Key area"] == "Engaging Senior Members")
    assert row["2023"] == 3.63


def _label_boxes(spec):
    """Each key-area label's text and anchor as placed in the spec."""
    return [(lab["text"], a, lab["x"], lab["y"]) for a in ("left", "center", "right")
            for lab in spec["datasets"][f"labels_{a}"]]


def test_key_areas_with_nothing_are_left_off_and_named(nps, worcestershire_on_nps):
    rows = radar_rows(nps, worcestershire_on_nps, "2022")
    left_off = radar_left_off(rows)
    # Worcestershire, on NPS 2018, scores ten key areas; the four enablers have no score and no target.
    assert left_off == ["Developing talent", "Exploiting digital technology", "Enabling innovation",
                        "Embedding change"]
    spec = radar_chart(rows, nps)
    on_chart = {text.replace("\n", " ") for text, *_ in _label_boxes(spec)}
    assert len(on_chart) == 10 and not on_chart & set(left_off)
    assert {p["key_area"] for p in spec["datasets"]["series"]}.isdisjoint(left_off)
    assert radar_caption(rows) == (
        "Key areas: 2022, where we are today (blue, solid line, round markers) and the targets, where we want to be "
        "(red, dashed line, diamond markers). "
        "Not on the chart (no score or target): Developing talent, Exploiting digital technology, "
        "Enabling innovation and Embedding change.")


def test_a_series_with_a_gap_is_broken_there_not_drawn_across(nps, medway):
    rows = radar_rows(nps, medway, "2023")
    gap = next(r for r in rows if r["series"] == "last year" and r["key_area"] == "Managing Strategic Risk")
    gap["value"] = None
    points = [p for p in radar_chart(rows, nps)["datasets"]["series"] if p["series"] == "last year"]
    missing = [p for p in points if p["key_area"] == "Managing Strategic Risk"]
    assert len(missing) == 1 and missing[0]["x"] is None and missing[0]["y"] is None
    assert len(points) == 15  # 14 key areas and the first repeated to close the polygon


@pytest.mark.parametrize("size, font", [(340, 11), (420, 15), (520, 11)])
def test_labels_never_overlap_each_other_or_the_ring_names(nps, size, font):
    titles = [ka.title for ka in nps.key_areas.values()]
    unit = size / (2 * (nps.max_level + 2.7))
    ring = [_Box(0, 100 / unit, level, level + 14 / unit) for level in range(1, 6)]
    for count in range(3, len(titles) + 1):
        placed = _place_labels(titles[:count], count, nps.max_level + 0.5, unit, font, ring)
        boxes = [box for _, _, box in placed]
        for i, box in enumerate(boxes):
            assert not any(box.overlaps(other, 0) for other in boxes[i + 1:] + ring), (count, placed[i][0])
            assert math.hypot((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2) > nps.max_level  # outside the rings


def test_every_label_lies_inside_the_drawn_area(nps, medway):
    spec = radar_chart(radar_rows(nps, medway, "2023"), nps, size=420, font_size=15)
    x_domain = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    y_domain = spec["layer"][0]["encoding"]["y"]["scale"]["domain"]
    for text, _align, x, y in _label_boxes(spec):
        assert x_domain[0] <= x <= x_domain[1] and y_domain[0] <= y <= y_domain[1], text


def test_the_heatmap_spec_is_valid_vega_lite_and_renders(nps, medway):
    """Built by hand (not through Altair's classes): checked against the schema here instead."""
    import altair as alt

    from assessment.domain.report import progress_report
    from assessment.formats.charts import heatmap_chart, heatmap_rows
    report = progress_report(nps, medway, "2023")
    spec = heatmap_chart(heatmap_rows(report.heatmap), nps)
    alt.LayerChart.from_dict(spec, validate=True)   # raises on an invalid spec
    assert spec["height"] == 20 * 59 + 110 and len(spec["data"]["values"]) == 59 * 2
    assert spec["layer"][1]["encoding"]["color"]["condition"]["test"] == "datum.value >= 3.0"
    png = chart_png(spec)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000


def _segment_distance(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy or 1)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def test_today_target_and_last_year_differ_in_dashes_and_markers_not_only_colour(nps, medway):
    rows = radar_rows(nps, medway, "2023")
    for row in rows:
        if row["series"] == "target":
            row["value"] = 4.0
    spec = radar_chart(rows, nps)
    lines = next(layer for layer in spec["layer"] if layer["data"]["name"] == "series" and layer["mark"]["type"] == "line")
    dots = next(layer for layer in spec["layer"] if layer["data"]["name"] == "series" and layer["mark"]["type"] == "point")
    dashes = lines["encoding"]["strokeDash"]["scale"]["range"]
    shapes = dots["encoding"]["shape"]["scale"]["range"]
    colours = lines["encoding"]["color"]["scale"]["range"]
    assert len({json.dumps(d) for d in dashes}) == len({*shapes}) == len({*colours}) == 3
    # The drawn legend shows each series' line (its dashes) and marker (its shape).
    legend_lines = next(layer for layer in spec["layer"] if layer["data"]["name"] == "legend_lines")
    legend_marks = next(layer for layer in spec["layer"] if layer["data"]["name"] == "legend_marks")
    assert "strokeDash" in legend_lines["encoding"] and "shape" in legend_marks["encoding"]
    assert len(spec["datasets"]["legend_marks"]) == 3


def test_ring_numbers_sit_clear_of_every_line(nps, medway):
    """Each ring's number is at least a quarter of a level from every series' line (Medway 2023 against
    2022), measured as the distance from the number to each drawn segment."""
    spec = radar_chart(radar_rows(nps, medway, "2023"), nps)
    points = spec["datasets"]["series"]
    for ring in spec["datasets"]["ring_names"]:
        for series in {p["series"] for p in points}:
            line = sorted((p for p in points if p["series"] == series), key=lambda p: p["order"])
            for a, b in zip(line, line[1:]):
                d = _segment_distance(ring["x"], ring["y"], a["x"], a["y"], b["x"], b["y"])
                assert d >= 0.25, (ring["number"], series, a["key_area"], round(d, 2))


def test_the_chart_has_an_accessible_description_pointing_to_its_table(nps, medway):
    rows = radar_rows(nps, medway, "2023")
    spec = radar_chart(rows, nps)
    assert spec["description"].startswith("Radar chart of 14 key areas")
    assert radar_caption(rows) in spec["description"] and "table" in spec["description"]


def test_heatmap_labels_wrap_rather_than_being_cut(worcestershire):
    """Worcestershire's key areas run to 70 characters: those go on two lines, in taller rows, each line
    narrower than the label column (11 px Arial is about 5.4 px a character); short names stay one line."""
    import re

    from assessment.domain.report import progress_report
    from assessment.formats.charts import heatmap_chart, heatmap_rows
    from assessment.formats.framework_file import find_framework
    framework = find_framework("worcestershire-2022")
    spec = heatmap_chart(heatmap_rows(progress_report(framework, worcestershire, "2022").heatmap), framework)
    axis = spec["layer"][0]["encoding"]["y"]["axis"]
    wrapped = json.loads(re.fullmatch(r"\((.*)\)\[datum\.label\] \|\| datum\.label", axis["labelExpr"]).group(1))
    names = [ka.title for ka in framework.key_areas.values()]
    assert set(wrapped) == {n for n in names if len(n) * 5.4 > axis["labelLimit"]} and len(wrapped) == 2
    for name in names:
        lines = wrapped.get(name, [name])
        assert " ".join(lines) == name and all(len(line) * 5.4 <= axis["labelLimit"] for line in lines)
    assert spec["height"] == 36 * len(names) + 110
