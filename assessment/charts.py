"""Altair chart builders from plain data: the radar of key areas (today, target, last year).

Altair has no polar line, so the radar is drawn on x/y axes: each series point sits at
x = r·sin(2πi/n), y = r·cos(2πi/n) (computed in `transform_calculate`), each polygon is closed
by repeating its first point, and rings (one per level), spokes and labels are layered beneath.
Every chart has a plain table of the same numbers beside it (`radar_table`).
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt

from .framework import Framework
from .record import OrganisationRecord
from .scoring import key_area_summaries, previous_period

SERIES_COLOURS = {"today": "#1d70b8", "target": "#d4351c", "last year": "#505a5f"}  # GOV.UK palette


def radar_rows(framework: Framework, record: OrganisationRecord, period: str,
               compare_with: str | None = None, key_area_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Plain rows for the radar and its table: one per key area and series (today, target, last year).

    `compare_with` defaults to the period before `period`. Key areas with nothing scored still
    take their place round the chart, with no point.
    """
    compare_with = compare_with or previous_period(record, period)
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
                         "value": None if rollup.mean is None else round(rollup.mean, 2), "n": rollup.n})
    return rows


def radar_table(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same numbers as a table: one row per key area, a column per series."""
    table: dict[str, dict[str, Any]] = {}
    for row in rows:
        line = table.setdefault(row["key_area"], {"Key area": row["key_area"]})
        line[row["label"] if row["series"] != "target" else "Target"] = row["value"]
        if row["series"] == "today":
            line["n"] = row["n"]
    return list(table.values())


def radar_chart(rows: list[dict[str, Any]], framework: Framework, *, title: str = "", size: int = 520) -> alt.LayerChart:
    """Today, target and last year as closed polygons on the level scale, level names on the rings."""
    n = max(r["order"] for r in rows) + 1
    top = framework.max_level
    outer = top + 0.9
    # Close each polygon by repeating its first point at the end.
    points = [r for r in rows if r["value"] is not None]
    closed = points + [{**r, "order": n} for r in points if r["order"] == 0]
    rings = [{"level": lv.value, "name": f"{lv.value} – {lv.name}", "step": i,
              "x": lv.value * math.sin(2 * math.pi * i / 72), "y": lv.value * math.cos(2 * math.pi * i / 72)}
             for lv in framework.levels for i in range(73)]
    spokes = [{"order": i, "end": end, "x": end * top * math.sin(2 * math.pi * i / n),
               "y": end * top * math.cos(2 * math.pi * i / n)} for i in range(n) for end in (0, 1)]
    labels = [{"text": r["key_area"], "x": outer * math.sin(2 * math.pi * r["order"] / n),
               "y": outer * math.cos(2 * math.pi * r["order"] / n),
               "align": _align(2 * math.pi * r["order"] / n)} for r in rows if r["series"] == "today"]
    scale = alt.Scale(domain=[-outer - 1.2, outer + 1.2], nice=False)
    x = alt.X("x:Q", scale=scale, axis=None)
    y = alt.Y("y:Q", scale=scale, axis=None)
    ring_layer = alt.Chart(alt.Data(values=rings)).mark_line(color="#b1b4b6", strokeWidth=0.8).encode(
        x=x, y=y, detail="level:N", order="step:Q")
    ring_names = alt.Chart(alt.Data(values=[r for r in rings if r["step"] == 0])).mark_text(
        align="left", dx=4, dy=-6, fontSize=10, color="#505a5f").encode(x=x, y=y, text="name:N")
    spoke_layer = alt.Chart(alt.Data(values=spokes)).mark_line(color="#b1b4b6", strokeWidth=0.6).encode(
        x=x, y=y, detail="order:N", order="end:Q")
    label_layers = [alt.Chart(alt.Data(values=[lab for lab in labels if lab["align"] == align])).mark_text(
        align=align, fontSize=11, color="#0b0c0c").encode(x=x, y=y, text="text:N")
        for align in ("left", "center", "right") if any(lab["align"] == align for lab in labels)]
    present = [kind for kind in SERIES_COLOURS if any(r["series"] == kind for r in rows)]
    names = {r["series"]: _legend_name(r) for r in rows}
    colour = alt.Color("legend:N", title=None,
                       scale=alt.Scale(domain=[names[k] for k in present], range=[SERIES_COLOURS[k] for k in present]),
                       legend=alt.Legend(orient="bottom"))
    tooltip = [alt.Tooltip("key_area:N", title="Key area"), alt.Tooltip("label:N", title="Series"),
               alt.Tooltip("value:Q", title="Mean", format=".2f"), alt.Tooltip("n:Q", title="n")]
    closed = [{**r, "legend": names[r["series"]]} for r in closed]
    base = alt.Chart(alt.Data(values=closed)).transform_calculate(
        angle=f"2 * PI * datum.order / {n}",
        x="datum.value * sin(datum.angle)", y="datum.value * cos(datum.angle)")
    lines = base.mark_line(strokeWidth=2).encode(
        x=x, y=y, color=colour, detail="legend:N", order="order:Q",
        strokeDash=alt.condition(alt.datum.series == "target", alt.value([6, 4]), alt.value([1, 0])))
    dots = base.mark_point(filled=True, size=40).encode(x=x, y=y, color=colour, tooltip=tooltip)
    chart = alt.layer(ring_layer, spoke_layer, ring_names, *label_layers, lines, dots).properties(
        width=size, height=size).configure_view(stroke=None)
    return chart.properties(title=title) if title else chart


def _legend_name(row: dict[str, Any]) -> str:
    return {"today": f"{row['label']} (where we are today)", "target": "Target (where we want to be)",
            "last year": f"{row['label']} (last year)"}[row["series"]]


def _align(angle: float) -> str:
    s = math.sin(angle)
    return "center" if abs(s) < 0.2 else "left" if s > 0 else "right"


def chart_png(chart: alt.TopLevelMixin, scale: float = 2) -> bytes:
    """The chart as PNG bytes (vl-convert, offline)."""
    import vl_convert as vlc
    return vlc.vegalite_to_png(chart.to_json(), scale=scale)
