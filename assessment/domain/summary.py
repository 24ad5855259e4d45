"""A period's report (`report.progress_report`, the one model of it) as plain data for the command
line (`summary`, `--format json`) and as a text table for a terminal. Every key is documented in
docs/summary-json.md."""

from __future__ import annotations

from datetime import date
from typing import Any

from . import movement
from .framework import Framework
from .numbers import counted, format_mean, gap_words
from .numbers import rounded as _round
from .record import OrganisationRecord
from .report import AreaLine, ProgressReport, progress_report
from .rollups import level_reached, scored_of
from .scores import level_label


def _line_data(line: AreaLine, framework: Framework, compared: bool) -> dict[str, Any]:
    now = line.now
    data = {"id": line.id, "title": line.title, "mean": _round(now.mean), "n": now.n, "of": now.scorable,
            "not_applicable": now.not_applicable, "coverage": line.coverage, "provisional": line.provisional,
            "level": now.level, "level_name": framework.level_names.get(now.level) if now.level else None,
            "level_label": level_label(now.level, framework) if now.level else None,
            "level_reached": level_reached(now, framework),
            "target": _round(line.target.mean), "target_n": line.target.n,
            "target_covers": line.targets_complete,
            "target_by": line.target_by, "target_text": line.target_text,
            "gap": _round(line.gap), "scored_as": line.scored_as}
    if compared:
        data.update({"previous": _round(line.before.mean if line.before else None), "movement": _round(line.change),
                     "direction": line.direction})
    return data


def summary_data(report: ProgressReport, framework: Framework, organisation: OrganisationRecord) -> dict[str, Any]:
    """The report's roll-ups, coverage, movement and targets as JSON-ready data."""
    compared = report.compare_with is not None
    out: dict[str, Any] = {
        "organisation": {"id": organisation.organisation.id, "name": organisation.organisation.name},
        "framework": {"id": framework.id, "version": framework.version},
        "period": report.period, "status": organisation.period(report.period).status_line(),
        "compare": report.compare_with, "rule": report.rule,
        "framework_notes": report.framework_notes,
        "headline": report.overall_words(framework),
        "key_areas": [_line_data(k, framework, compared) for k in report.key_areas],
        "themes": [_line_data(t, framework, compared) for t in report.themes],
        "overall": _line_data(report.overall, framework, compared),
        "actions": {"open": len(report.actions), "overdue": len(report.overdue), "at": report.today.isoformat()},
    }
    if compared:
        out["objectives"] = {"improved": len(report.improved), "unchanged": report.unchanged,
                             "declined": len(report.declined), "not_comparable": report.not_comparable,
                             "with_target": report.with_target, "at_or_above_target": report.at_or_above_target}
    return out


def period_summary(framework: Framework, record: OrganisationRecord, period: str,
                   compare_with: str | None = None, *, today: date | None = None) -> dict[str, Any]:
    """Key-area, theme and overall roll-ups with their coverage, level, target, gap and (optionally)
    movement: `progress_report` as data (`summary_data`)."""
    report = progress_report(framework, record, period, compare_with, today=today)
    return summary_data(report, framework, record)


def summary_table(summary: dict[str, Any]) -> str:
    """The summary as a fixed-width text table for a terminal."""
    compare_with = summary["compare"]
    headers = ["Key area", "Scored", "Mean", "Level", "Target", "Against target"]
    if compare_with:
        headers += [compare_with, "Movement"]
    rows: list[list[str] | None] = []
    for area in [*summary["key_areas"], None, *summary["themes"], None, summary["overall"]]:
        if area is None:
            rows.append(None)
            continue
        row = [area["title"], scored_of(area["n"], area["of"], area["not_applicable"]), format_mean(area["mean"]),
               area["level_reached"],
               area["target_text"], gap_words(area["gap"])]
        if compare_with:
            row += [format_mean(area.get("previous")), movement.label(area.get("movement"), amount="mean")]
        rows.append(row)
    out = [f"{summary['organisation']['name']} – {summary['period']}"
           + (f" compared with {compare_with}" if compare_with else ""), f"Status: {summary['status']}", "",
           f"Overall: {summary['headline']}.", "", text_table(headers, rows).rstrip("\n")]
    if "objectives" in summary:
        o = summary["objectives"]
        out += ["", f"Since {compare_with}: {counted(o['improved'], 'objective')} improved, {o['unchanged']} "
                    f"unchanged, {o['declined']} declined, {o['not_comparable']} not comparable; "
                    f"{o['at_or_above_target']} of {counted(o['with_target'], 'objective')} with a target "
                    f"{'is' if o['with_target'] == 1 else 'are'} at or above it."]
    out += ["", summary["rule"], *summary.get("framework_notes", [])]
    return "\n".join(out) + "\n"


def text_table(headers: list[str], rows: list[list[str] | None], *, first_width: int = 44) -> str:
    """Rows as a fixed-width table for a terminal: the first column left-aligned (cut at `first_width`
    with "…"), the others right-aligned; None draws a rule."""
    widths = [max([len(headers[i]), *(len(r[i]) for r in rows if r)]) for i in range(len(headers))]
    widths[0] = min(widths[0], first_width)

    def line(cells: list[str]) -> str:
        first = cells[0] if len(cells[0]) <= widths[0] else cells[0][: widths[0] - 1] + "…"
        rest = [c.rjust(w) for c, w in zip(cells[1:], widths[1:])]
        return "  ".join([first.ljust(widths[0]), *rest]).rstrip()

    rule = line(["-" * w for w in widths])
    return "\n".join([line(headers), rule, *(rule if r is None else line(r) for r in rows)]) + "\n"
