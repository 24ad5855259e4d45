"""The covering report: a council's report shape (an administrator's), and each period's covering
report written by its editors, in the app or from a report-text file. Locked with the period; every
save is a new version, kept as its history."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..domain.covering import SHAPES, CoveringReport, ReportShape, changed_headings, fitted, renamed
from ..domain.errors import NotFound
from ..formats.covering_file import parse_covering, read_covering
from ..storage.store import Store
from .access import ADMINISTER, EDIT, Actor, allow, allow_change


def save_covering(store: Store, actor: Actor, org_id: str, period: str, report: CoveringReport, *,
                  expected_version: int | None = None, change: str = "saved") -> CoveringReport:
    """Save a period's covering report as a new version (an editor's act, in a draft period). With
    `expected_version` (the version the person started from), a version saved since by someone else
    is refused (StaleEntry) and nothing is written. The same words as the saved version save nothing."""
    allow(actor, org_id, EDIT)
    with store.transaction() as tx:
        current = tx.load_record(org_id).period(period)
        allow_change(actor, org_id, current)
        saved = current.covering
        if saved is not None and report.same_words(saved) and expected_version in (None, saved.version):
            return saved
        tx.change = change
        return tx.save_covering(org_id, period, report, expected_version=expected_version, user=actor.name)


@dataclass(frozen=True)
class CoveringImport:
    report: CoveringReport
    changed: list[str]        # the sections (and meeting, author, contact) it changes
    saved: bool               # False for a dry run, or when it changes nothing


def import_covering(store: Store, actor: Actor, org_id: str, period: str, source: str | Path | bytes, *,
                    name: str | None = None, dry_run: bool = False) -> CoveringImport:
    """Read a report-text file (every problem with its line, nothing saved) and save it as the
    period's covering report, replacing the words it had; `dry_run` only says what would change."""
    allow(actor, org_id, EDIT)
    shown = name or (Path(source).name if not isinstance(source, bytes) else "report text")
    report = (parse_covering(source, shown) if isinstance(source, bytes)
              else read_covering(source, name))
    with store.transaction(write=False) as tx:
        loaded = tx.load_record(org_id)
    current = loaded.period(period)
    allow_change(actor, org_id, current)
    report = fitted(report, loaded.report_shape)   # in the council's sections; its own others after them
    changed = changed_headings(current.covering, report)
    if dry_run or not changed:
        return CoveringImport(report, changed, False)
    saved = save_covering(store, actor, org_id, period, report,
                          expected_version=current.covering.version if current.covering else 0,
                          change=f"import {shown}")
    return CoveringImport(saved, changed, True)


def set_report_shape(store: Store, actor: Actor, org_id: str, shape: ReportShape | None, *,
                     renamed_sections: dict[str, str] | None = None) -> ReportShape | None:
    """Set the council's report shape (an administrator's act): the sections of its committee report,
    named, ordered and marked required. Periods submitted or approved keep their words and sections;
    with `renamed_sections` (old heading -> new), each draft period's covering report that has one of
    those sections is saved again with it renamed, its words kept."""
    allow(actor, org_id, ADMINISTER)
    names = {old: new for old, new in (renamed_sections or {}).items() if old.strip() and new.strip() and old != new}
    with store.transaction() as tx:
        tx.set_report_shape(org_id, shape)
        tx.add_event(org_id, None, "report shape", actor.name,
                     note=(f"{len(shape.sections)} sections, {len(shape.required())} required" if shape else "none"))
        tx.change = "sections renamed: " + ", ".join(f"{old} to {new}" for old, new in names.items())[:250]
        for period in tx.load_record(org_id).periods if names else []:
            covering = period.covering
            if covering is None or period.lock_reason() is not None:
                continue
            moved = renamed(covering, names)
            if not moved.same_words(covering):
                tx.save_covering(org_id, period.period, moved, expected_version=covering.version, user=actor.name)
    return shape


def shape_named(name: str) -> ReportShape:
    """One of the shapes a council starts from ("cabinet", "scrutiny")."""
    if name not in SHAPES:
        raise NotFound(f"there is no report shape '{name}'; use one of {', '.join(SHAPES)}")
    return SHAPES[name][1]
