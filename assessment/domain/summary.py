"""Plain-data summaries of a period (and its movement since another) for the CLI, UI and exports."""

from __future__ import annotations

from typing import Any

from . import movement
from .framework import Framework
from .numbers import format_mean, signed
from .numbers import rounded as _round
from .record import OrganisationRecord, framework_notes
from .rollups import (
    ROLL_UP_RULE,
    AreaSummary,
    Rollup,
    compare,
    key_area_summaries,
    overall_summary,
    target_covers,
    target_text,
    theme_summaries,
)
from .scores import level_label


def _rollup_data(r: Rollup, framework: Framework) -> dict[str, Any]:
    return {"mean": _round(r.mean), "n": r.n, "level": r.level,
            "level_name": framework.level_names.get(r.level) if r.level else None,
            "level_label": level_label(r.level, framework) if r.level else None}


def _area_data(a: AreaSummary, framework: Framework, before: AreaSummary | None) -> dict[str, Any]:
    data = {"id": a.id, "title": a.title, **_rollup_data(a.score, framework),
            "target": _round(a.target.mean), "target_n": a.target.n,
            "target_covers": target_covers(a.score, a.target, a.target_direct),
            "target_text": target_text(a.score, a.target, a.target_direct),
            "gap": _round(a.gap), "scored_as": a.mode}
    if before is not None:
        change = movement.change(before.score.mean, a.score.mean)
        data.update({"previous": _round(before.score.mean), "movement": _round(change),
                     "direction": movement.direction(change)})
    return data


def period_summary(framework: Framework, record: OrganisationRecord, period: str,
                   compare_with: str | None = None) -> dict[str, Any]:
    """Key-area, theme and overall roll-ups with n, level, target, gap and (optionally) movement."""
    now = record.period(period)
    before = record.period(compare_with) if compare_with else None
    ka_now = key_area_summaries(framework, now)
    ka_before = key_area_summaries(framework, before) if before else [None] * len(ka_now)
    th_now = theme_summaries(framework, now)
    th_before = theme_summaries(framework, before) if before else [None] * len(th_now)
    out: dict[str, Any] = {
        "organisation": {"id": record.organisation.id, "name": record.organisation.name},
        "framework": {"id": framework.id, "version": framework.version},
        "period": period, "compare": compare_with, "rule": ROLL_UP_RULE,
        "framework_notes": framework_notes([p for p in (before, now) if p is not None]),
        "key_areas": [_area_data(a, framework, b) for a, b in zip(ka_now, ka_before)],
        "themes": [_area_data(a, framework, b) for a, b in zip(th_now, th_before)],
        "overall": _area_data(overall_summary(framework, now), framework,
                              overall_summary(framework, before) if before else None),
    }
    if before is not None:
        comparison = compare(framework, record, compare_with, period)  # type: ignore[arg-type]
        out["objectives"] = {"improved": comparison.improved, "unchanged": comparison.unchanged,
                             "declined": comparison.declined,
                             "not_comparable": comparison.count("not comparable"),
                             "with_target": comparison.with_target,
                             "at_or_above_target": comparison.at_or_above_target}
    return out


def summary_table(summary: dict[str, Any]) -> str:
    """The summary as a fixed-width text table for a terminal."""
    compare_with = summary["compare"]
    headers = ["Key area", "n", "Mean", "Level", "Target", "Gap"]
    if compare_with:
        headers += [compare_with, "Movement"]
    rows: list[list[str] | None] = []
    for area in [*summary["key_areas"], None, *summary["themes"], None, summary["overall"]]:
        if area is None:
            rows.append(None)
            continue
        row = [area["title"], str(area["n"]), format_mean(area["mean"]),
               area["level_label"] or "–",
               area["target_text"], signed(area["gap"])]
        if compare_with:
            row += [format_mean(area.get("previous")), movement.label(area.get("movement"), amount="mean")]
        rows.append(row)
    widths = [max(len(headers[i]), *(len(r[i]) for r in rows if r)) for i in range(len(headers))]
    widths[0] = min(widths[0], 44)

    def line(cells: list[str]) -> str:
        first = cells[0] if len(cells[0]) <= widths[0] else cells[0][: widths[0] - 1] + "…"
        rest = [c.rjust(w) for c, w in zip(cells[1:], widths[1:])]
        return "  ".join([first.ljust(widths[0]), *rest]).rstrip()

    out = [f"{summary['organisation']['name']} – {summary['period']}"
           + (f" compared with {compare_with}" if compare_with else ""), "",
           line(headers), line(["-" * w for w in widths])]
    out += [line(["-" * w for w in widths]) if r is None else line(r) for r in rows]
    if "objectives" in summary:
        o = summary["objectives"]
        out += ["", f"Objectives since {compare_with}: {o['improved']} improved, {o['unchanged']} unchanged, "
                    f"{o['declined']} declined, {o['not_comparable']} not comparable; "
                    f"{o['at_or_above_target']} of {o['with_target']} with a target are at or above it."]
    out += ["", summary["rule"], *summary.get("framework_notes", [])]
    return "\n".join(out) + "\n"
