"""Altair chart builders from plain data: the radar of key areas (today, target, last year).

Altair has no polar line, so the radar is drawn on x/y axes: each series point sits at
x = r·sin(2πi/n), y = r·cos(2πi/n) (computed in `transform_calculate`), each polygon is closed
by repeating its first point, and rings (one per level), spokes and labels are layered beneath.
Every chart has a plain table of the same numbers beside it (`radar_table`).
"""

from __future__ import annotations

import json
import math
import textwrap
from functools import lru_cache
from typing import Any

import altair as alt

from .framework import Framework
from .record import OrganisationRecord
from .scoring import PREVIOUS, key_area_summaries, previous_period
from .summary import two_places

SERIES_COLOURS = {"today": "#1d70b8", "target": "#d4351c", "last year": "#505a5f"}  # GOV.UK palette


def radar_rows(framework: Framework, record: OrganisationRecord, period: str,
               compare_with: str | None = PREVIOUS, key_area_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Plain rows for the radar and its table: one per key area and series (today, target, last year).

    `compare_with` defaults to the period before `period`; None leaves the earlier series out.
    Key areas with nothing scored still take their place round the chart, with no point.
    """
    if compare_with == PREVIOUS:
        compare_with = previous_period(record, period)
    ids = key_area_ids or list(framework.key_areas)
    now = {s.id: s for s in key_area_summaries(framework, record.period(period))}
    before = {s.id: s for s in key_area_summaries(framework, record.period(compare_with))} if compare_with else {}
    rows = []
    for order, ka_id in enumerate(ids):
        title = framework.key_areas[ka_id].title
        series = [("today", period, now[ka_id].score), ("target", "target", now[ka_id].target)]
        if compare_with:
            series.append(("last year", compare_with, before[ka_id].score))
        for kind, label, rollup in series:
            rows.append({"order": order, "key_area": title, "series": kind, "label": label,
                         "value": None if rollup.mean is None else float(two_places(rollup.mean)), "n": rollup.n})
    return rows


def radar_table(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same numbers as a table: one row per key area; the earlier period, today, n, the target."""
    table: dict[str, dict[str, Any]] = {}
    for kind in ("last year", "today", "target"):
        for row in rows:
            if row["series"] == kind:
                line = table.setdefault(row["key_area"], {"Key area": row["key_area"]})
                line[row["label"] if kind != "target" else "Target"] = row["value"]
                if kind == "today":
                    line["n"] = row["n"]
    return list(table.values())


def radar_chart(rows: list[dict[str, Any]], framework: Framework, *, title: str = "", size: int = 520,
                font_size: int = 11) -> dict[str, Any]:
    """Today, target and last year as closed polygons on the level scale, level names on the rings.

    Returns the Vega-Lite spec (a dict, for `st.vega_lite_chart` and `chart_png`). Altair builds and
    validates the chart's layers once per shape (number of key areas, levels, series, size); the
    data goes in as named datasets, so a new period or organisation costs no revalidation.
    """
    n = max(r["order"] for r in rows) + 1
    top = framework.max_level
    outer = top + 0.9
    # Close each polygon by repeating its first point at the end.
    points = [r for r in rows if r["value"] is not None]
    present = tuple(kind for kind in SERIES_COLOURS if any(r["series"] == kind for r in points))
    names = {r["series"]: _legend_name(r) for r in rows}
    closed = [{**r, "legend": names[r["series"]]} for r in points] + \
        [{**r, "order": n, "legend": names[r["series"]]} for r in points if r["order"] == 0]
    rings = [{"level": lv.value, "name": f"{lv.value} – {lv.name}", "step": i,
              "x": lv.value * math.sin(2 * math.pi * i / 72), "y": lv.value * math.cos(2 * math.pi * i / 72)}
             for lv in framework.levels for i in range(73)]
    spokes = [{"order": i, "end": end, "x": end * top * math.sin(2 * math.pi * i / n),
               "y": end * top * math.cos(2 * math.pi * i / n)} for i in range(n) for end in (0, 1)]
    labels = []
    for r in rows:
        if r["series"] != "today":
            continue
        angle, lines = 2 * math.pi * r["order"] / n, textwrap.wrap(r["key_area"], 18)
        # Labels above and below the centre move out by their own height so they clear the rings.
        reach = outer + (0.2 + 0.35 * len(lines) * font_size / 11 if abs(math.cos(angle)) > 0.8 else 0)
        labels.append({"text": "\n".join(lines), "x": reach * math.sin(angle), "y": reach * math.cos(angle),
                       "align": _align(angle)})
    spec = json.loads(_radar_layers(n, top, present, tuple(names[k] for k in present), title, size,
                                   font_size))
    spec["autosize"] = {"type": "pad"}  # the labels lie outside the plot: keep the rings round
    spec["datasets"] = {"rings": rings, "ring_names": [r for r in rings if r["step"] == 0], "spokes": spokes,
                        "series": closed, **{f"labels_{a}": [lab for lab in labels if lab["align"] == a]
                                             for a in ("left", "center", "right")}}
    return spec


@lru_cache(maxsize=64)
def _radar_layers(n: int, top: int, present: tuple[str, ...], legend: tuple[str, ...], title: str, size: int,
                  font_size: int) -> str:
    """The radar's layers as validated Vega-Lite JSON, with named (empty) datasets."""
    outer = top + 0.9
    scale = alt.Scale(domain=[-outer - 1.6, outer + 1.6], nice=False)
    x = alt.X("x:Q", scale=scale, axis=None)
    y = alt.Y("y:Q", scale=scale, axis=None)
    ring_layer = alt.Chart(alt.Data(name="rings")).mark_line(color="#b1b4b6", strokeWidth=0.8).encode(
        x=x, y=y, detail="level:N", order="step:Q")
    ring_names = alt.Chart(alt.Data(name="ring_names")).mark_text(
        align="left", dx=4, dy=-6, fontSize=font_size - 1, color="#505a5f").encode(x=x, y=y, text="name:N")
    spoke_layer = alt.Chart(alt.Data(name="spokes")).mark_line(color="#b1b4b6", strokeWidth=0.6).encode(
        x=x, y=y, detail="order:N", order="end:Q")
    label_layers = [alt.Chart(alt.Data(name=f"labels_{align}")).mark_text(
        align=align, baseline="middle", lineBreak="\n", fontSize=font_size, color="#0b0c0c").encode(x=x, y=y, text="text:N")
        for align in ("left", "center", "right")]
    colour = alt.Color("legend:N", title=None,
                       scale=alt.Scale(domain=list(legend), range=[SERIES_COLOURS[k] for k in present]),
                       legend=alt.Legend(orient="bottom", labelFontSize=font_size, symbolSize=font_size * 8,
                                         labelLimit=0))
    tooltip = [alt.Tooltip("key_area:N", title="Key area"), alt.Tooltip("label:N", title="Series"),
               alt.Tooltip("value:Q", title="Mean", format=".2f"), alt.Tooltip("n:Q", title="n")]
    base = alt.Chart(alt.Data(name="series")).transform_calculate(
        angle=f"2 * PI * datum.order / {n}",
        x="datum.value * sin(datum.angle)", y="datum.value * cos(datum.angle)")
    lines = base.mark_line(strokeWidth=2).encode(
        x=x, y=y, color=colour, detail="legend:N", order="order:Q",
        strokeDash=alt.condition(alt.datum.series == "target", alt.value([6, 4]), alt.value([1, 0])))
    dots = base.mark_point(filled=True, size=40).encode(x=x, y=y, color=colour, tooltip=tooltip)
    chart = alt.layer(ring_layer, spoke_layer, ring_names, *label_layers, lines, dots).properties(
        width=size, height=size).configure_view(stroke=None)
    return (chart.properties(title=title) if title else chart).to_json()


def _legend_name(row: dict[str, Any]) -> str:
    return {"today": f"{row['label']} (where we are today)", "target": "Target (where we want to be)",
            "last year": f"{row['label']} (last year)"}[row["series"]]


def _align(angle: float) -> str:
    s = math.sin(angle)
    return "center" if abs(s) < 0.2 else "left" if s > 0 else "right"


def chart_png(chart: alt.TopLevelMixin | dict[str, Any], scale: float = 2) -> bytes:
    """The chart (an Altair chart or a Vega-Lite spec) as PNG bytes (vl-convert, offline)."""
    import vl_convert as vlc
    return vlc.vegalite_to_png(chart if isinstance(chart, dict) else chart.to_dict(), scale=scale)


# ---------------------------------------------------------------- heatmap

def heatmap_rows(cells) -> list[dict[str, Any]]:
    """Plain rows for the heatmap of objectives (or key areas) by period, from `report.HeatCell`s."""
    order = {}
    rows = []
    for cell in cells:
        order.setdefault(cell.id, len(order))
        score = cell.score
        rows.append({"item": cell.title, "order": order[cell.id], "key_area": cell.key_area, "period": cell.period,
                     "value": score.value, "written": score.written or ("n/a" if score.not_applicable else "")})
    return rows


def heatmap_table(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The heatmap as a table: one row per objective, a column per period, scores as written."""
    table: dict[str, dict[str, Any]] = {}
    for row in rows:
        line = table.setdefault(row["item"], {"Objective": row["item"], "Key area": row["key_area"]})
        line[row["period"]] = row["written"]
    return list(table.values())


def heatmap_chart(rows: list[dict[str, Any]], framework: Framework, *, width: int = 420) -> alt.LayerChart:
    """Objectives down, periods across, each cell coloured by its score and labelled as written."""
    items = sorted({(r["order"], r["item"]) for r in rows})
    periods = list(dict.fromkeys(r["period"] for r in rows))
    levels = [lv.value for lv in framework.levels]
    y = alt.Y("item:N", sort=[name for _, name in items], title=None,
              axis=alt.Axis(labelLimit=320, labelOverlap=False, labelFontSize=11))
    x = alt.X("period:N", sort=periods, title=None, axis=alt.Axis(orient="top", labelAngle=0))
    colour = alt.Color("value:Q", title="Score", scale=alt.Scale(domain=[levels[0], levels[-1]], scheme="blues"),
                       legend=alt.Legend(values=levels, orient="bottom"))
    tooltip = [alt.Tooltip("item:N", title="Objective"), alt.Tooltip("period:N", title="Period"),
               alt.Tooltip("written:N", title="Score")]
    base = alt.Chart(alt.Data(values=rows))
    cells = base.mark_rect(stroke="white").encode(x=x, y=y, color=colour, tooltip=tooltip)
    text = base.mark_text(fontSize=11).encode(
        x=x, y=y, text="written:N",
        color=alt.condition(alt.datum.value >= (levels[0] + levels[-1]) / 2, alt.value("white"), alt.value("#0b0c0c")))
    return alt.layer(cells, text).properties(width=min(width, 70 * len(periods) + 10), height=20 * len(items))
