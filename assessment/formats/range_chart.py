"""The views gathered in a respondent round, as a chart: per objective asked, the respondents'
range (a band from the lowest to the highest level given), their median and the level agreed.

A round on key areas (a record scored one level per key area) also draws its range as a band on the
radar (`charts.radar_chart`, `round_report.radar_band`): there each radar point is the key area's
level, the very thing respondents answered. For a round on objectives, why a chart of its own
rather than a band on the radar: the radar is drawn per key area, each point the mean of the key
area's scored objectives, while respondents answer objectives, and a round may ask about only some
of a key area's objectives. A band per key area would have to roll the answers
up (a mean of lowest answers, a range of medians), a number nobody gave and nobody could check
against the table; beside the key area's own mean it would read as the spread of the key area,
which it is not. Here every mark is a number in the table beside it (`round_report.views_table`):
one row per objective, on the same level scale as the radar, the band from the lowest to the
highest answer, a black line at the median and a red diamond at the agreed level (told apart by
shape as well as colour, and said under the chart). Objectives whose figures are withheld
show the agreed level only, and the caption names them.

Built as a plain Vega-Lite dict (as the heatmap is: Altair's validation costs more than the drawing);
tests/test_round_report.py checks it against the schema and renders it with vl-convert.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

from ..domain.framework import Framework
from ..domain.round_report import RoundReport, agreed_words, differs, in_order, item_title, respondents_words
from ..domain.numbers import counted
from ..domain.rounds import Spread, Withheld, item_word
from .charts import VEGA_LITE_SCHEMA

BAND, BAND_EDGE, MEDIAN, AGREED = "#a9cbea", "#1d70b8", "#0b0c0c", "#d4351c"   # GOV.UK blues, text, red
LEGEND = "Blue band: lowest to highest level given. Black line: the median. Red diamond: the level agreed."
_LABELS = 27    # ems for the objectives' names (300 pixels at 11 px)
_LINE = 52      # characters of Arial that fit in them (as the heatmap measured: about 0.49 em a character)


def range_rows(report: RoundReport, framework: Framework) -> list[dict[str, Any]]:
    """One plain row per objective asked, in the framework's order: its name, the lowest, median and
    highest level given (None where withheld or nobody gave a level), the level agreed (None: n/a),
    and the words of the table, for the tooltip and the screen reader."""
    rows = []
    for order, a in enumerate(in_order(report, framework)):
        figures = a.spread if isinstance(a.spread, Spread) and a.spread.n else None
        rows.append({"item": item_title(framework, a.item), "order": order,
                     "lowest": figures.lowest if figures else None, "highest": figures.highest if figures else None,
                     "median": figures.median if figures else None, "agreed": a.agreed,
                     "agreed_text": agreed_words(a.agreed, framework),
                     "spread_text": respondents_words(a.spread, framework), "differ": differs(a.spread)})
    return rows


def range_caption(report: RoundReport, framework: Framework) -> str:
    """What the chart shows, in words, and the objectives it draws no band for (and why)."""
    text = (f"For each {item_word(report.round.kind)} asked, the blue band runs from the lowest to the highest "
            "level respondents gave, "
            "the black line marks their median and the red diamond the level the moderator agreed.")
    missing = [f"{item_title(framework, a.item)} ({_why_none(a.spread)})"
               for a in in_order(report, framework) if not (isinstance(a.spread, Spread) and a.spread.n)]
    if missing:
        text += " No band for " + "; ".join(missing) + "."
    not_applicable = [item_title(framework, a.item) for a in in_order(report, framework) if a.agreed is None]
    if not_applicable:
        text += " Agreed as not applicable (no diamond): " + "; ".join(not_applicable) + "."
    return text


def _why_none(figures: Spread | Withheld) -> str:
    return figures.reason if isinstance(figures, Withheld) else "no one answered with a level"


def range_description(report: RoundReport, framework: Framework) -> str:
    """The chart's accessible description (and the Word picture's alternative text)."""
    asked = counted(len(report.agreed), item_word(report.round.kind))
    return (f"Range chart of the views gathered on {asked}, on the 1 to "
            f"{framework.max_level} level scale. {range_caption(report, framework)} "
            "The same numbers are in the table below the chart.")


def range_chart(report: RoundReport, framework: Framework, *, width: int = 300, font_size: int = 11) -> dict[str, Any]:
    """The Vega-Lite spec (a dict, for `st.vega_lite_chart` and `charts.chart_png`): objectives down,
    levels across; `width` is the plotting area's, the names take `_LABELS` ems more."""
    rows = range_rows(report, framework)
    levels = [lv.value for lv in framework.levels]
    names = [r["item"] for r in rows]
    wrapped = {name: textwrap.wrap(name, _LINE) for name in names if len(name) > _LINE}
    label_width = _LABELS * font_size
    step = round(font_size * (3.6 if wrapped else 2.5))   # 40 or 28 pixels at 11 px
    x = {"type": "quantitative", "title": "Level (" + ", ".join(lv.label for lv in framework.levels) + ")",
         "scale": {"domain": [levels[0] - 0.25, levels[-1] + 0.25], "nice": False, "zero": False},
         "axis": {"values": levels, "format": "d", "grid": True, "gridColor": "#dddddd", "labelFontSize": font_size,
                  "titleFontSize": font_size, "titleFontWeight": "normal", "labelColor": "#0b0c0c",
                  "titleColor": "#0b0c0c", "orient": "top"}}
    y = {"field": "item", "type": "nominal", "sort": names, "title": None,
         "axis": {"labelLimit": label_width, "labelFontSize": font_size, "labelColor": "#0b0c0c", "ticks": False,
                  "domain": False, "labelFlush": False,
                  **({"labelExpr": f"({json.dumps(wrapped)})[datum.label] || datum.label",
                      "labelLineHeight": font_size + 2} if wrapped else {})}}
    tooltip = [{"field": "item", "type": "nominal", "title": item_word(report.round.kind).capitalize()},
               {"field": "agreed_text", "type": "nominal", "title": "Agreed"},
               {"field": "spread_text", "type": "nominal", "title": "Respondents"}]
    spoken = {"calculate": "datum.item + ': agreed ' + datum.agreed_text + '; ' + datum.spread_text", "as": "spoken"}
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": range_description(report, framework),
        "title": {"text": LEGEND, "fontSize": font_size, "fontWeight": "normal", "color": "#0b0c0c",
                  "anchor": "start", "orient": "bottom", "offset": 12, "aria": False},
        "data": {"values": rows},
        "width": width, "height": {"step": step},
        "autosize": {"type": "pad"},   # the names beside the plotting area, not squeezed into `width`
        "layer": [
            {"transform": [{"filter": "isValid(datum.lowest)"}, spoken],
             "mark": {"type": "bar", "size": round(font_size * 1.3), "color": BAND, "stroke": BAND_EDGE,
                      "strokeWidth": 1},
             "encoding": {"x": {**x, "field": "lowest"}, "x2": {"field": "highest"}, "y": y, "tooltip": tooltip,
                          "description": {"field": "spoken", "type": "nominal"}}},
            {"transform": [{"filter": "isValid(datum.median)"}],
             "mark": {"type": "tick", "color": MEDIAN, "thickness": 3, "size": round(font_size * 2.4), "aria": False},
             "encoding": {"x": {**x, "field": "median"}, "y": y, "tooltip": tooltip}},
            {"transform": [{"filter": "isValid(datum.agreed)"}, spoken],
             "mark": {"type": "point", "shape": "diamond", "filled": True, "color": AGREED, "size": font_size ** 2,
                      "opacity": 1, "stroke": "white", "strokeWidth": 1},
             "encoding": {"x": {**x, "field": "agreed"}, "y": y, "tooltip": tooltip,
                          "description": {"field": "spoken", "type": "nominal"}}},
        ],
        "config": {"view": {"stroke": None}},
    }
