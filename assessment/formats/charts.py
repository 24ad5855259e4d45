"""Altair chart builders from plain data: the radar of key areas (today, target, last year).

Altair has no polar line, so the radar is drawn on x/y axes: each series point sits at
x = r·sin(2πi/n), y = r·cos(2πi/n) (computed in `transform_calculate`), each polygon is closed
by repeating its first point, and rings (one per level), spokes and labels are layered beneath.
Every chart has a plain table of the same numbers beside it (`radar_table`).

Charts take plain rolled-up data (`report.radar_rows`, `report.HeatCell`s): nothing is scored here.
"""

from __future__ import annotations

import json
import math
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping, NamedTuple

import altair as alt

from ..domain.framework import Framework
from ..domain.numbers import format_mean
from ..domain.peer_report import PeerComparison
from ..domain.round_report import BAND_COLUMN
from .layouts import CARRIED
from .writers.word_text import xml_safe_text

VEGA_LITE_SCHEMA = alt.SCHEMA_URL   # the Vega-Lite version Altair (and so Streamlit) draws

SERIES_COLOURS = {"today": "#1d70b8", "target": "#d4351c", "last year": "#505a5f"}  # GOV.UK palette
# Told apart without colour too: the line's dashes and the marker's shape (the legend shows both).
SERIES_DASHES = {"today": [1, 0], "target": [8, 4], "last year": [2, 3]}
SERIES_SHAPES = {"today": "circle", "target": "diamond", "last year": "triangle-up"}
SERIES_WORDS = {"today": "blue, solid line, round markers", "target": "red, dashed line, diamond markers",
                "last year": "grey, dotted line, triangle markers"}
# The respondents' range on each key area of a round on key areas (`round_report.radar_band`): a wide
# pale band along the key area's spoke, under the lines, from the lowest level given to the highest.
BAND_COLOUR, BAND_NAME = "#a9cbea", "Respondents' range (lowest to highest)"
BAND_WORDS = ("the pale blue band along each key area's spoke runs from the lowest to the highest level the "
              "respondents gave (a dot where they all gave one)")
# A group of councils from a release (`domain.peer_report.PeerComparison`): its quartiles as a narrower,
# striped pale green band along the spoke, its median as a dark green tick across it (the tick alone
# where only the median may be shown; nothing where there is no comparator).
PEER_COLOUR, PEER_TICK_COLOUR, PEER_DASH = "#00703c", "#00703c", [5, 3]   # GOV.UK green, the band pale
PEER_BAND_WORDS = ("the pale green striped band along each key area's spoke runs from the lower to the upper "
                   "quartile of {words} (the middle half of them), and the dark green tick across the spoke marks "
                   "their median")
PEER_TICK_WORDS = "the dark green tick across each key area's spoke marks the median of {words}"


def radar_table(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same numbers as a table: one row per key area; the earlier period, today, n, the target.
    Where every key area is scored as a whole there is no n (it would be 1 throughout)."""
    table: dict[str, dict[str, Any]] = {}
    counted = any(row.get("scored_as", "objectives") != "key_area" for row in rows if row["series"] == "today")
    for kind in ("last year", "today", "target"):
        for row in rows:
            if row["series"] == kind:
                line = table.setdefault(row["key_area"], {"Key area": row["key_area"]})
                line[row["label"] if kind != "target" else "Target"] = row.get("partial") or row["value"]
                if kind == "today" and counted:
                    line["n"] = row["n"]
    return list(table.values())


def radar_text_table(rows: list[dict[str, Any]], band: Mapping[str, Any] | None = None,
                     peers: PeerComparison | None = None) -> list[dict[str, Any]]:
    """`radar_table` as people read it: means with two places, "–" where there is none; with `band`
    (`round_report.radar_band`), the respondents' range on each key area in a last column; with
    `peers`, a group's median and quartiles (or "no comparator: …") in the column after it."""
    lines = [{k: v if k in ("Key area", "n") or isinstance(v, str) else format_mean(v) for k, v in line.items()}
             for line in radar_table(rows)]
    if band:
        for line in lines:
            line[BAND_COLUMN] = str(band[line["Key area"]]) if line["Key area"] in band else "–"
    if peers is not None:   # the group's median and quartiles, or why there are none, in words
        for line in lines:
            line[peers.column] = peers.cell(line["Key area"])
    return lines


def radar_chart(rows: list[dict[str, Any]], framework: Framework, *, title: str = "", size: int = 520,
                font_size: int = 11, band: Mapping[str, Any] | None = None,
                peers: PeerComparison | None = None) -> dict[str, Any]:
    """Today, target and last year as closed polygons on the level scale, each with its own colour,
    dashes and marker; level numbers on the rings and their names in a key; a drawn legend.

    Key areas with nothing in any series are left off the chart (`radar_left_off` names them, for
    a note beside it); a series missing a key area that others have is broken there, never drawn
    across it. Key-area labels are placed outside the rings and moved apart where they would
    overlap (their size estimated from the font). `size` is the width of the rings plus a margin
    for the labels; the chart grows where the labels need more room.

    With `band` (key area title -> something with `lowest` and `highest`: `round_report.radar_band`),
    the respondents' range on each key area is drawn as a pale band along its spoke, with a legend
    entry; the caption and the table say the same (`radar_caption`, `radar_text_table`). With `peers`
    (one group of councils from a release), the group's quartiles are drawn as a narrower striped pale
    green band along each spoke and its median as a dark green tick across it (the tick alone where
    only the median may be shown, nothing where there is no comparator), with a legend entry of their own.

    Returns the Vega-Lite spec (a dict, for `st.vega_lite_chart` and `chart_png`). Altair builds and
    validates the layers once per shape; the data goes in as named datasets.
    """
    left_off = set(radar_left_off(rows))
    place = {t: i for i, t in enumerate(t for t in dict.fromkeys(r["key_area"] for r in rows) if t not in left_off)}
    n = max(len(place), 1)
    top = framework.max_level
    unit = size / (2 * (top + _MARGIN))      # pixels per level
    present = tuple(kind for kind in SERIES_COLOURS if any(r["series"] == kind and r["value"] is not None
                                                          for r in rows))
    names = {r["series"]: _legend_name(r) for r in rows}
    # Every series has a point per key area shown (None where it has no value, which breaks the
    # line there); each polygon is closed by repeating its first point at the end.
    # Drawn in the order given: the earlier period first, today last, on top.
    series = [{**r, "order": place[r["key_area"]], "legend": names[r["series"]]}
              for kind in reversed(present) for r in rows
              if r["series"] == kind and r["key_area"] in place]
    closed = series + [{**r, "order": n} for r in series if r["order"] == 0]
    for r in closed:
        angle = 2 * math.pi * r["order"] / n
        r["x"] = None if r["value"] is None else round(r["value"] * math.sin(angle), 6)
        r["y"] = None if r["value"] is None else round(r["value"] * math.cos(angle), 6)
    rings = [{"level": lv.value, "step": i, "x": lv.value * math.sin(2 * math.pi * i / 72),
              "y": lv.value * math.cos(2 * math.pi * i / 72)} for lv in framework.levels for i in range(73)]
    spokes = [{"order": i, "end": end, "x": end * top * math.sin(2 * math.pi * i / n),
               "y": end * top * math.cos(2 * math.pi * i / n)} for i in range(n) for end in (0, 1)]
    banded = {t: b for t, b in (band or {}).items() if t in place}
    bands = [{"key_area": t, "end": end, "x": round(v * math.sin(2 * math.pi * place[t] / n), 6),
              "y": round(v * math.cos(2 * math.pi * place[t] / n), 6)}
             for t, b in banded.items() for end, v in ((0, b.lowest), (1, b.highest))]
    peer_bands, peer_ticks = _peer_marks(peers, place, n, unit)
    # Each ring carries its level's number, half-way between two spokes (off every point), in the gap
    # where the lines pass furthest from the numbers; the level names are spelt out in a key underneath.
    ring_font = font_size - 1
    half = (2 * _clearest_gap(closed, n, [lv.value for lv in framework.levels]) + 1) * math.pi / n
    ring_names = [{"name": lv.label, "number": str(lv.value), "x": lv.value * math.sin(half),
                   "y": lv.value * math.cos(half)} for lv in framework.levels]
    labels = _place_labels(list(place), n, top + 0.5, unit, font_size, [])
    key_text = "Rings: " + ", ".join(lv.label for lv in framework.levels)
    line = _line(font_size) * 1.4 / unit
    y_low = min([-top - 0.5, *(b.y0 for _, _, b in labels)]) - 0.2 - line / 2
    key = {"text": key_text, "x": 0, "y": y_low}
    # The legend, drawn (not Vega's, which cannot show a dash and a marker together): a short line in
    # the series' colour and dashes with its marker, then its name; one series a line.
    segment, gap_ = 36 / unit, 8 / unit
    block = segment + gap_ + max([_width(names[k], font_size) / unit for k in present], default=0)
    x0 = -block / 2
    peer_name = _peer_legend_name(peers) if peer_ticks else ""
    if banded or peer_ticks:
        block = max([block, *(segment + gap_ + _width(name, font_size) / unit
                              for name in ((BAND_NAME,) if banded else ()) + ((peer_name,) if peer_ticks else ()))])
        x0 = -block / 2
    entries = [(names[k], y_low - line * (i + 1)) for i, k in enumerate(present)]
    legend_lines = [{"legend": name, "x": x0 + end * segment, "y": y, "end": end}
                    for name, y in entries for end in (0, 1)]
    legend_marks = [{"legend": name, "x": x0 + segment / 2, "y": y} for name, y in entries]
    legend_text = [{"text": name, "x": x0 + segment + gap_, "y": y} for name, y in entries]
    band_y = y_low - line * (len(present) + 1)
    band_legend = [{"x": x0 + end * segment, "y": band_y, "end": end} for end in (0, 1)] if banded else []
    if banded:
        legend_text.append({"text": BAND_NAME, "x": x0 + segment + gap_, "y": band_y})
    peer_y = band_y - (line if banded else 0)
    peer_legend = ([{"x": x0 + end * segment, "y": peer_y, "end": end} for end in (0, 1)] if peer_bands else [])
    tick = _tick_half(unit)
    peer_tick_legend = ([{"x": x0 + segment / 2, "y": peer_y + end * tick, "end": end} for end in (-1, 1)]
                        if peer_ticks else [])
    if peer_ticks:
        legend_text.append({"text": peer_name, "x": x0 + segment + gap_, "y": peer_y})
    y_low -= line * (len(present) + (1 if banded else 0) + (1 if peer_ticks else 0) + 0.6)
    x_reach = max([top + 0.5, *(max(abs(b.x0), abs(b.x1)) for _, _, b in labels),
                   _width(key_text, ring_font) / unit / 2, block / 2]) + 0.2
    y_high = max([top + 0.5, *(b.y1 for _, _, b in labels)]) + 0.2
    spec = json.loads(_radar_layers(n, present, tuple(names[k] for k in present), title, font_size,
                                    round(x_reach, 2), round(y_low, 2), round(y_high, 2), round(unit, 3),
                                    bool(banded), bool(peer_bands), bool(peer_ticks)))
    spec["autosize"] = {"type": "pad"}
    spec["description"] = radar_description(rows, banded, peers)
    spec["datasets"] = {"rings": rings, "ring_names": ring_names, "spokes": spokes, "series": closed,
                        **({"bands": bands, "band_legend": band_legend} if banded else {}),
                        **({"peer_bands": peer_bands, "peer_legend": peer_legend} if peer_bands else {}),
                        **({"peer_ticks": peer_ticks, "peer_tick_legend": peer_tick_legend} if peer_ticks else {}),
                        "ring_key": [key], "legend_lines": legend_lines, "legend_marks": legend_marks,
                        "legend_text": legend_text,
                        **{f"labels_{a}": [{"text": text_, "x": box.x0 if a == "left" else box.x1 if a == "right"
                                            else (box.x0 + box.x1) / 2, "y": box.y1}
                                           for text_, align, box in labels if align == a]
                           for a in ("left", "center", "right")}}
    return spec


def _tick_half(unit: float) -> float:
    """Half the length of a median tick across a spoke, in levels."""
    return max(6, unit * 0.24) / unit


def _peer_marks(peers: PeerComparison | None, place: dict[str, int], n: int,
                unit: float) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The group's band (lower to upper quartile) along each spoke that has quartiles, and the tick
    across each spoke that has a median, as points; nothing for a key area with no comparator."""
    if peers is None:
        return [], []
    bands, ticks, half = [], [], _tick_half(unit)
    for title, order in place.items():
        found = peers.figures.get(title)
        if found is None or found.median is None:
            continue
        s, c = math.sin(2 * math.pi * order / n), math.cos(2 * math.pi * order / n)
        if found.q1 is not None and found.q3 is not None:
            bands += [{"key_area": title, "end": end, "x": round(v * s, 6), "y": round(v * c, 6)}
                      for end, v in ((0, found.q1), (1, found.q3))]
        ticks += [{"key_area": title, "end": end, "x": round(found.median * s + end * half * c, 6),
                   "y": round(found.median * c - end * half * s, 6)} for end in (-1, 1)]
    return bands, ticks


def _peer_legend_name(peers: PeerComparison | None) -> str:
    if peers is None:
        return ""
    marks = "quartiles (band), median (tick)" if peers.quartiles else "median (tick)"
    return f"{peers.group_title}, release {peers.release}: {marks}"


def _peers_words(rows: list[dict[str, Any]], peers: PeerComparison) -> str:
    """The caption's sentence on the group's marks: what they are, whose, which release; no council named."""
    shown = [t for t in dict.fromkeys(r["key_area"] for r in rows) if t not in radar_left_off(rows)]
    marked = [t for t in shown if (f := peers.figures.get(t)) is not None and f.median is not None]
    n = f"{peers.n:,} " if peers.n is not None else ""
    whose = f"{n}{peers.words} in {peers.year_words} ({peers.release_words})"
    if not marked:
        return (f" Compared with {whose}: no key area has a comparator, so nothing of theirs is drawn; the column "
                f"“{peers.column}” of the table says why. No council is named.")
    banded = [t for t in marked if peers.figures[t].q1 is not None and peers.figures[t].q3 is not None]
    words = (PEER_BAND_WORDS if banded else PEER_TICK_WORDS).format(words=peers.words)
    if banded and len(banded) < len(marked):
        words += " (the tick alone where only the median may be shown)"
    missing = [t for t in shown if t not in marked]
    none = f"; no comparator for {_and(missing)}, so no mark there" if missing else ""
    return (f" Compared with {whose}: {words}{none}. No council is named; the column “{peers.column}” of the "
            "table gives the same numbers.")


def _clearest_gap(points: list[dict[str, Any]], n: int, levels: list[int]) -> int:
    """The gap between spokes (k: between spoke k and k + 1) where every series' line passes
    furthest from the ring numbers; the first such gap from the top, clockwise, on a tie."""
    by_series: dict[str, dict[int, float]] = {}
    for p in points:
        if p["value"] is not None:
            by_series.setdefault(p["series"], {})[p["order"] % n] = p["value"]
    def clearance(k: int) -> float:
        crossings = [(v[k] + v[(k + 1) % n]) / 2 * math.cos(math.pi / n) for v in by_series.values()
                     if k in v and (k + 1) % n in v]
        return min((abs(c - lv) for c in crossings for lv in levels), default=math.inf)
    return max(range(n), key=lambda k: (round(clearance(k), 2), -k)) if n > 1 else 0


def radar_left_off(rows: list[dict[str, Any]]) -> list[str]:
    """The key areas the radar leaves off: nothing scored, no target, nothing earlier."""
    has_value = {r["key_area"] for r in rows if r["value"] is not None}
    return [t for t in dict.fromkeys(r["key_area"] for r in rows) if t not in has_value]


def radar_caption(rows: list[dict[str, Any]], band: Mapping[str, Any] | None = None,
                  peers: PeerComparison | None = None) -> str:
    """What the chart shows, in words: its series (each with its colour, line and marker), the
    respondents' band where there is one, a group of councils' marks (whose, which release, that no
    council is named), and the key areas it leaves off."""
    labels = {r["series"]: r["label"] for r in rows if r["value"] is not None}
    parts = []
    if "today" in labels:
        parts.append(f"{labels['today']}, where we are today ({SERIES_WORDS['today']})")
    if "target" in labels:
        parts.append(f"the targets, where we want to be ({SERIES_WORDS['target']})")
    if "last year" in labels:
        parts.append(f"{labels['last year']} ({SERIES_WORDS['last year']})")
    text_ = ("Key areas: " + _and(parts) + "." if parts else "Nothing is scored yet, so the chart is empty.")
    banded = [t for t in (band or {}) if t not in radar_left_off(rows)]
    if banded:
        text_ += (f" From the respondent round, {BAND_WORDS}; the column “{BAND_COLUMN}” of the table gives the "
                  "same numbers.")
    if peers is not None and parts:
        text_ += _peers_words(rows, peers)
    left_off = radar_left_off(rows)
    if left_off and parts:
        text_ += f" Not on the chart (no score or target): {_and(left_off)}."
    partial = [r["key_area"] for r in rows if r.get("partial")]
    if partial:
        one = len(partial) == 1
        text_ += (f" The target{'' if one else 's'} of {_and(partial)} cover{'s' if one else ''}"
                  " only some of what is scored, so "
                  f"{'it is' if one else 'they are'} not drawn (the table gives {'it' if one else 'them'}).")
    return text_


def radar_description(rows: list[dict[str, Any]], band: Mapping[str, Any] | None = None,
                      peers: PeerComparison | None = None) -> str:
    """The chart's accessible name and description (and the Word picture's alternative text): what it
    is, what it shows, and where the numbers are in words."""
    shown = [t for t in dict.fromkeys(r["key_area"] for r in rows) if t not in radar_left_off(rows)]
    return (f"Radar chart of {len(shown)} key areas on the 1 to 5 level scale. {radar_caption(rows, band, peers)} "
            "The same numbers are in the table below the chart.")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


_MARGIN = 2.7          # levels of room outside the outer ring, each side, in `size`


class _Box(NamedTuple):
    x0: float
    x1: float
    y0: float
    y1: float

    def overlaps(self, other: "_Box", pad: float) -> bool:
        return (self.x0 < other.x1 + pad and other.x0 < self.x1 + pad
                and self.y0 < other.y1 + pad and other.y0 < self.y1 + pad)


@dataclass
class _Placed:
    """A label being placed: its text, alignment, box, and which way it moves (up 1, down -1)."""
    text: str
    align: str
    box: _Box
    way: int


def _line(font_size: int) -> float:
    return round(font_size * 1.2)


def _width(text_: str, font_size: int) -> float:
    """A generous estimate of the text's width in pixels (sans-serif averages about 0.5 em)."""
    return len(text_) * font_size * 0.56


def _place_labels(titles: list[str], n: int, reach: float, unit: float, font_size: int,
                  fixed: list[_Box]) -> list[tuple[str, str, _Box]]:
    """Each key area's label as (text, align, box in levels), just outside the rings at its spoke;
    labels that would overlap each other or a fixed box move away from the centre, upwards in
    the top half and downwards in the bottom half, until none does."""
    placed: list[_Placed] = []
    gap = 5 / unit
    for order, title_ in enumerate(titles):
        angle = 2 * math.pi * order / n
        s, c = math.sin(angle), math.cos(angle)
        align = "center" if abs(s) < 0.2 else "left" if s > 0 else "right"
        lines = textwrap.wrap(title_, 16 if align == "center" else 22)
        w = max(_width(line, font_size) for line in lines) / unit
        h = len(lines) * _line(font_size) / unit
        x, y = reach * s, reach * c
        x0 = x - w / 2 if align == "center" else x + gap if align == "left" else x - gap - w
        y0 = y + gap if c > 0.8 else y - gap - h if c < -0.8 else y - h / 2
        placed.append(_Placed("\n".join(lines), align, _Box(x0, x0 + w, y0, y0 + h), 1 if c >= 0 else -1))
    for _ in range(40):
        moved = False
        for i, label in enumerate(placed):
            box, way = label.box, label.way
            others = [p.box for j, p in enumerate(placed) if j != i and abs(p.box.y0) + abs(p.box.y1) <=
                      abs(box.y0) + abs(box.y1)] + fixed
            for other in others:
                if box.overlaps(other, gap / 2):
                    step = (other.y1 - box.y0 if way > 0 else box.y1 - other.y0) + gap / 2
                    box = label.box = box._replace(y0=box.y0 + way * step, y1=box.y1 + way * step)
                    moved = True
        if not moved:
            break
    return [(label.text, label.align, label.box) for label in placed]


@lru_cache(maxsize=64)
def _radar_layers(n: int, present: tuple[str, ...], legend_names: tuple[str, ...], title: str, font_size: int,
                  x_reach: float, y_low: float, y_high: float, unit: float, banded: bool = False,
                  peer_banded: bool = False, peer_ticked: bool = False) -> str:
    """The radar's layers as validated Vega-Lite JSON, with named (empty) datasets."""
    x = alt.X("x:Q", scale=alt.Scale(domain=[-x_reach, x_reach], nice=False, zero=False), axis=None)
    y = alt.Y("y:Q", scale=alt.Scale(domain=[y_low, y_high], nice=False, zero=False), axis=None)
    ring_layer = alt.Chart(alt.Data(name="rings")).mark_line(color="#b1b4b6", strokeWidth=0.8, aria=False).encode(
        x=x, y=y, detail="level:N", order="step:Q")
    spoke_layer = alt.Chart(alt.Data(name="spokes")).mark_line(color="#b1b4b6", strokeWidth=0.6, aria=False).encode(
        x=x, y=y, detail="order:N", order="end:Q")
    # Ring numbers over the lines, each on a white halo so that a line crossing it does not hide it.
    ring_text: dict[str, Any] = dict(align="center", baseline="middle", fontSize=font_size - 1, aria=False)
    ring_halo = alt.Chart(alt.Data(name="ring_names")).mark_text(
        **ring_text, color="white", stroke="white", strokeWidth=4, strokeJoin="round").encode(x=x, y=y, text="number:N")
    ring_names = alt.Chart(alt.Data(name="ring_names")).mark_text(**ring_text, color="#505a5f").encode(
        x=x, y=y, text="number:N")
    ring_key = alt.Chart(alt.Data(name="ring_key")).mark_text(
        align="center", baseline="middle", fontSize=font_size - 1, color="#505a5f", aria=False).encode(
        x=x, y=y, text="text:N")
    label_layers = [alt.Chart(alt.Data(name=f"labels_{align}")).mark_text(
        align=align, baseline="top", lineBreak="\n", lineHeight=_line(font_size), fontSize=font_size,
        color="#0b0c0c", aria=False).encode(x=x, y=y, text="text:N") for align in ("left", "center", "right")]
    colour = alt.Color("legend:N", legend=None,
                       scale=alt.Scale(domain=list(legend_names), range=[SERIES_COLOURS[k] for k in present]))
    dashes = alt.StrokeDash("legend:N", legend=None,
                            scale=alt.Scale(domain=list(legend_names), range=[SERIES_DASHES[k] for k in present]))
    shapes = alt.Shape("legend:N", legend=None,
                       scale=alt.Scale(domain=list(legend_names), range=[SERIES_SHAPES[k] for k in present]))
    marker: dict[str, Any] = dict(filled=True, size=font_size * 7, opacity=1, stroke="white", strokeWidth=0.8)
    # Only the points speak to a screen reader ("Engaging Councillors, 2023: 2.83"); the rest is drawing.
    legend = [alt.Chart(alt.Data(name="legend_lines")).mark_line(strokeWidth=2.5, aria=False).encode(
                  x=x, y=y, color=colour, strokeDash=dashes, detail="legend:N", order="end:Q"),
              alt.Chart(alt.Data(name="legend_marks")).mark_point(**marker, aria=False).encode(
                  x=x, y=y, color=colour, shape=shapes),
              alt.Chart(alt.Data(name="legend_text")).mark_text(
                  align="left", baseline="middle", fontSize=font_size, color="#0b0c0c", aria=False).encode(
                  x=x, y=y, text="text:N")]
    tooltip = [alt.Tooltip("key_area:N", title="Key area"), alt.Tooltip("label:N", title="Series"),
               alt.Tooltip("value:Q", title="Mean", format=".2f"), alt.Tooltip("n:Q", title="n")]
    base = alt.Chart(alt.Data(name="series"))
    lines = base.mark_line(strokeWidth=2.5, invalid="break-paths-show-domains", aria=False).encode(
        x=x, y=y, color=colour, strokeDash=dashes, detail="legend:N", order="order:Q")
    dots = base.transform_filter("isValid(datum.value) && datum.order < " + str(n)).transform_calculate(
        spoken="datum.key_area + ', ' + datum.label + ': ' + format(datum.value, '.2f')").mark_point(**marker).encode(
        x=x, y=y, color=colour, shape=shapes, tooltip=tooltip, description="spoken:N")
    band_mark: dict[str, Any] = dict(color=BAND_COLOUR, strokeWidth=max(6, round(unit * 0.3)), strokeCap="round",
                                     opacity=0.9, aria=False)
    bands = [alt.Chart(alt.Data(name="bands")).mark_line(**band_mark).encode(
                 x=x, y=y, detail="key_area:N", order="end:Q"),
             alt.Chart(alt.Data(name="band_legend")).mark_line(**band_mark).encode(x=x, y=y, order="end:Q")
             ] if banded else []
    # A group of councils: a narrower striped band (quartiles) over the respondents' and a tick (median).
    peer_mark: dict[str, Any] = dict(color=PEER_COLOUR, strokeWidth=max(6, round(unit * 0.22)), strokeCap="butt",
                                     strokeDash=PEER_DASH, opacity=0.55, aria=False)
    peer_bands = [alt.Chart(alt.Data(name=name)).mark_line(**peer_mark).encode(
                      x=x, y=y, order="end:Q", **({"detail": "key_area:N"} if name == "peer_bands" else {}))
                  for name in ("peer_bands", "peer_legend")] if peer_banded else []
    tick_mark: dict[str, Any] = dict(color=PEER_TICK_COLOUR, strokeWidth=3.5, strokeCap="butt", aria=False)
    peer_ticks = [alt.Chart(alt.Data(name=name)).mark_line(**tick_mark).encode(
                      x=x, y=y, order="end:Q", **({"detail": "key_area:N"} if name == "peer_ticks" else {}))
                  for name in ("peer_ticks", "peer_tick_legend")] if peer_ticked else []
    layers = [ring_layer, spoke_layer, *bands, *peer_bands, lines, *peer_ticks, dots, ring_halo, ring_names,
              ring_key, *label_layers, *legend]
    chart = alt.layer(*layers).properties(
        width=round(unit * 2 * x_reach), height=round(unit * (y_high - y_low))).configure_view(stroke=None)
    return (chart.properties(title=title) if title else chart).to_json()


def _legend_name(row: dict[str, Any]) -> str:
    return {"today": f"{row['label']} (where we are today)", "target": "Target (where we want to be)",
            "last year": f"{row['label']} (the period before)"}[row["series"]]




def chart_png(chart: alt.TopLevelMixin | dict[str, Any], scale: float = 2) -> bytes:
    """The chart (an Altair chart or a Vega-Lite spec) as PNG bytes (vl-convert, offline). Every
    text in it is made safe for the SVG vl-convert draws first (`xml_safe`): a control character in a
    name (a club's, a council's) would otherwise abort the whole process, not raise."""
    import vl_convert as vlc
    return vlc.vegalite_to_png(xml_safe(chart if isinstance(chart, dict) else chart.to_dict()), scale=scale)


def xml_safe(value: Any) -> Any:
    """`value` (a spec: dicts, lists, strings) with every character XML cannot hold replaced
    (`writers.word_text.xml_safe_text`, the rule the Word writers keep)."""
    if isinstance(value, str):
        return xml_safe_text(value)
    if isinstance(value, dict):
        return {k: xml_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [xml_safe(v) for v in value]
    return value


# ---------------------------------------------------------------- heatmap

def heatmap_rows(cells) -> list[dict[str, Any]]:
    """Plain rows for the heatmap of objectives (or key areas) by period, from `report.HeatCell`s."""
    order: dict[str, int] = {}
    rows = []
    for cell in cells:
        order.setdefault(cell.id, len(order))
        score = cell.score
        written = score.written or ("n/a" if score.not_applicable else "")
        rows.append({"item": cell.title, "order": order[cell.id], "key_area": cell.key_area, "period": cell.period,
                     "value": score.value, "written": written,
                     "marked": f"{written} {CARRIED}" if cell.carried and written else written})
    return rows


def _kept_per_key_area(rows: list[dict[str, Any]]) -> bool:
    """Whether the heatmap's rows are key areas (a record kept one level per key area), not objectives."""
    return all(row["item"] == row["key_area"] for row in rows)


def heatmap_table(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The heatmap as a table: one row per objective (or key area, for a record kept per key area),
    a column per period, scores as written."""
    table: dict[str, dict[str, Any]] = {}
    by_key_area = _kept_per_key_area(rows)
    for row in rows:
        first = {"Key area": row["item"]} if by_key_area else {"Objective": row["item"], "Key area": row["key_area"]}
        line = table.setdefault(row["item"], first)
        line[row["period"]] = row.get("marked", row["written"])
    return list(table.values())


_HEAT_LABELS = 320   # pixels for the heatmap's labels (so that the chart fits a 1024 px window)
_HEAT_LINE = 56      # characters of 11 px Arial that fit in them (measured: about 5.4 px a character)


def heatmap_chart(rows: list[dict[str, Any]], framework: Framework, *, width: int = 420) -> dict[str, Any]:
    """Objectives down, periods across, each cell coloured by its score and labelled as written.

    Returns the Vega-Lite spec as a plain dict (for `st.vega_lite_chart`): built by hand because
    Altair's schema validation of a 59 × 12 chart cost far more than drawing it (tests/test_charts.py
    checks the spec against the Vega-Lite schema)."""
    items = sorted({(r["order"], r["item"]) for r in rows})
    periods = list(dict.fromkeys(r["period"] for r in rows))
    levels = [lv.value for lv in framework.levels]
    x = {"field": "period", "type": "nominal", "sort": periods, "title": None,
         "axis": {"orient": "top", "labelAngle": 0, "labelColor": "#0b0c0c", "labelFontSize": 12}}
    # A name longer than the label column goes on two lines (a key area's name, in a record kept per key
    # area, runs to 70 characters), in taller rows, rather than being cut short with "…".
    wrapped = {name: textwrap.wrap(name, _HEAT_LINE) for _, name in items if len(name) > _HEAT_LINE}
    row = 36 if wrapped else 20
    y = {"field": "item", "type": "nominal", "sort": [name for _, name in items], "title": None,
         "axis": {"labelLimit": _HEAT_LABELS, "labelOverlap": False, "labelFontSize": 11, "labelColor": "#0b0c0c",
                  "labelFlush": False,   # flush labels shift the first one off its row
                  **({"labelExpr": f"({json.dumps(wrapped)})[datum.label] || datum.label", "labelLineHeight": 13}
                     if wrapped else {})}}
    colour = {"field": "value", "type": "quantitative", "title": "Score",
              "scale": {"domain": [levels[0], levels[-1]], "scheme": "blues"},
              "legend": {"values": levels, "orient": "bottom", "gradientLength": 120}}
    tooltip = [{"field": "item", "type": "nominal", "title": "Objective"},
               {"field": "period", "type": "nominal", "title": "Period"},
               {"field": "written", "type": "nominal", "title": "Score"}]
    dark = f"datum.value >= {(levels[0] + levels[-1]) / 2}"
    # The size given is the whole chart's, labels and legend included ("fit"), as Streamlit lays it out.
    things = "key area" if _kept_per_key_area(rows) else "objective"
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": (f"Heatmap of each {things}'s score by period ({', '.join(periods)}), darker for higher "
                        "levels, each cell labelled with the score as written. The same scores are in the table "
                        "under the chart."),
        "data": {"values": rows},
        "width": 330 + max(150, min(width, 70 * len(periods) + 10)), "height": row * len(items) + 110,
        "autosize": {"type": "fit", "contains": "padding"},
        "layer": [
            {"transform": [{"calculate": "datum.item + ', ' + datum.period + ': ' + datum.written", "as": "spoken"}],
             "mark": {"type": "rect", "stroke": "white"},
             "encoding": {"x": x, "y": y, "color": colour, "tooltip": tooltip,
                          "description": {"field": "spoken", "type": "nominal"}}},
            {"mark": {"type": "text", "fontSize": 11, "aria": False},
             "encoding": {"x": x, "y": y, "text": {"field": "written", "type": "nominal"},
                          "color": {"condition": {"test": dark, "value": "white"}, "value": "#0b0c0c"}}},
        ],
    }
