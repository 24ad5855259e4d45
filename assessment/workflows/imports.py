"""Bringing records in: a Word appendix or a spreadsheet (preview, then all or nothing), or a record file.

The app's Import page and the `import` commands call these and nothing else, so both read the same
way, show the same preview and write the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ..domain.errors import AssessmentError, InvalidImport, NotFound, Problem
from ..domain.framework import Framework
from ..domain.history import entry_at
from ..domain.import_plan import ImportPlan, PeriodPreview, changes, preview, size_problem
from ..domain.record import OrganisationRecord
from ..domain.rollups import kept_by_key_area
from ..formats.framework_file import find_framework
from ..formats.mapping_file import find_mapping
from ..storage.store import Store
from .access import ADMINISTER, EDIT, Actor, allow, allow_change, allow_deployment
from .common import framework_of

READERS = ("appendix", "spreadsheet")
KINDS = {".docx": "appendix", ".xlsx": "spreadsheet", ".xlsm": "spreadsheet", ".csv": "spreadsheet"}


@dataclass(frozen=True)
class ImportPreview:
    """A file read for an organisation, and what importing it would change (nothing written yet)."""

    org_id: str
    organisation: str            # its name
    source: str                  # the file's name
    framework: Framework
    plan: ImportPlan
    periods: list[PeriodPreview]

    @property
    def warnings(self) -> list[str]:
        """The warnings to show: the first few, then how many more."""
        return self.plan.shown_warnings()

    @property
    def sentence_actions(self) -> int:
        """How many actions the file's comments state in their own words ("Action: ...")."""
        return sum(len(found) for found in self.plan.sentence_actions.values())


def preview_import(store: Store, actor: Actor, org_id: str, source: str, data: bytes | Path, *,
                   kind: str | None = None, framework_id: str | None = None) -> ImportPreview:
    """Read `data` (the file's bytes, or its path) as `kind` ("appendix" or "spreadsheet"; by default
    from the name's extension) against the organisation's framework, and preview it against what is
    saved. Raises InvalidImport listing every problem; never writes."""
    allow(actor, org_id, EDIT)
    with store.transaction() as tx:
        saved = tx.load_record(org_id)   # NotFound: an import never creates an organisation
    framework = _framework(saved, framework_id, source)
    size = data.stat().st_size if isinstance(data, Path) else len(data)
    too_big = size_problem(size)
    if too_big:  # refused before the file is read into memory
        raise InvalidImport(source, [Problem(source, None, "", too_big)])
    kind = kind or KINDS.get(Path(source).suffix.lower())
    if kind not in READERS:
        raise InvalidImport(source, [Problem(source, None, "", "choose a Word appendix (.docx), a spreadsheet "
                                                               "(.xlsx) or a CSV file (.csv)")])
    raw = data.read_bytes() if isinstance(data, Path) else data
    plan = _reader(kind)(raw, framework, source=source)
    if plan.problems and framework.based_on is not None:   # a file in the shape of the framework adapted
        plan = _through_mapping(_reader(kind), raw, source, framework, plan)
    plan = plan.check()
    _check_unlocked(actor, saved, plan)   # said at once, not only when the person applies it
    return ImportPreview(org_id, saved.organisation.name, source, framework, plan, preview(plan, saved, framework))


def apply_import(store: Store, actor: Actor, prepared: ImportPreview, *, track_actions: bool = False
                 ) -> list[PeriodPreview]:
    """Write a previewed import in one transaction: all of it, or nothing. What is saved is read
    again first, so the import and what it reports are against the record as it is now. With
    `track_actions`, the actions the comments state ("Action: ...") become tracked actions too."""
    allow(actor, prepared.org_id, EDIT)
    plan = prepared.plan.check()
    if track_actions:
        plan = plan.tracking_sentence_actions()
    with store.transaction() as tx:
        saved = tx.load_record(prepared.org_id)
        framework = _framework(saved, plan.framework_id, plan.source)
        known = {p.period: p for p in saved.periods}
        _check_unlocked(actor, saved, plan)
        writes = changes(plan, saved)
        tx.event_id = tx.add_event(prepared.org_id, None, "import", actor.name, source=prepared.source,
                                   periods=[p.period.period for p in writes],
                                   new_periods=[p.period.period for p in writes if p.period.period not in known],
                                   entries=sum(len(p.new) + len(p.changed) for p in writes))
        tx.change = f"import {prepared.source}"
        for period in writes:
            tx.write_entries(prepared.org_id, period.period.period, framework, new=period.new,
                             changed=period.changed, status=period.period.status, user=actor.name)
        return preview(plan, saved, framework)


def _reader(kind: str):
    """The reader of a kind of file, imported when first needed (python-docx and openpyxl cost a
    command-line call that reads no file a third of its time)."""
    if kind == "appendix":
        from ..formats.readers.word_appendix import read_appendix
        return read_appendix
    from ..formats.readers.spreadsheet import read_spreadsheet
    return read_spreadsheet


def _through_mapping(reader, raw: bytes, source: str, framework: Framework, plan: ImportPlan) -> ImportPlan:
    """A file that does not read against an organisation's own framework (an overlay) but reads
    cleanly against the framework it adapts (an appendix or workbook of NPS 2018 itself), brought
    across through the mapping between the two; else the plan as first read."""
    if framework.based_on is None:
        return plan
    try:
        base = find_framework(framework.based_on.id)
        mapping = find_mapping(base.id, framework.id, find_framework)
    except AssessmentError:
        return plan
    other = reader(raw, base, source=source)
    if other.problems:
        return plan
    periods = [replace(mapping.translate(p), framework_id=None, framework_version=None, scored_against=None)
               for p in other.periods]
    said = Problem(source, None, "", f"the file follows {base.name}; it was read against that and brought across "
                                     f"to {framework.name} through the mapping between them")
    return replace(other, framework_id=framework.id, framework_version=framework.version, periods=periods,
                   warnings=[said, *other.warnings], sentence_actions={})


def _check_unlocked(actor: Actor, saved: OrganisationRecord, plan: ImportPlan) -> None:
    """Refuse (PeriodLocked) an import into a submitted or approved period, and (InvalidImport) rows
    of the other way of scoring than a saved period's: objectives into a period scored one level per
    key area, or key areas into one scored per objective (the two would be mixed in one period)."""
    known = {p.period: p for p in saved.periods}
    mixed = []
    for period in plan.periods:
        if period.period in known:
            allow_change(actor, saved.organisation.id, known[period.period], what="imported into")
            per_key_area = kept_by_key_area(saved, period.period)
            if (period.entries if per_key_area else period.key_area_entries):
                rows, way = ("objectives", "one level per key area") if per_key_area else ("key areas", "per objective")
                mixed.append(Problem(plan.source, None, "", f"{period.period} is scored {way}, but the file has rows "
                                                            f"for {rows} in it; nothing was imported (use the "
                                                            f"template for {period.period} as it is scored, or "
                                                            "start the period the other way)"))
    if mixed:
        raise InvalidImport(plan.source, mixed)


def _framework(saved: OrganisationRecord, requested: str | None, source: str) -> Framework:
    if requested and saved.periods and requested != saved.framework_id:
        said = f"{saved.organisation.id} is assessed against {saved.framework_id}, but this file is for {requested}"
        raise InvalidImport(source, [Problem(source, None, "", said)])
    return framework_of(saved, requested)


def import_record(store: Store, actor: Actor, record: OrganisationRecord, *, replace: bool = False,
                  source: str = "record file") -> dict[str, int]:
    """Store a whole record read from a record file (YAML), in one transaction: all of it or nothing.
    A new organisation is the deployment administrator's to add; periods already saved are refused
    unless `replace`; periods that arrive submitted or approved are an administrator's to bring in."""
    with store.transaction() as tx:
        try:
            tx.organisation(record.organisation.id)
        except NotFound:
            allow_deployment(actor, "add an organisation")
        else:
            allow(actor, record.organisation.id, EDIT)
            if any(p.status != "draft" for p in record.periods):   # sign-off is not an editor's to give
                allow(actor, record.organisation.id, ADMINISTER)
            saved = {p.period: p for p in tx.load_record(record.organisation.id).periods}
            for period in record.periods:
                if period.period in saved and replace:
                    allow_change(actor, record.organisation.id, saved[period.period], what="replaced")
        tx.change = f"import {source}"
        return tx.save_record(record, user=actor.name, replace=replace)


def undo_import(store: Store, actor: Actor, org_id: str, event_id: int) -> int:
    """Undo an import as one change: each entry it saved goes back to the version before (a new
    version, kept in history), entries and periods it created are removed. Refused, with nothing
    changed, if anything it saved has been changed since, a period it touched is approved, or it
    was undone already. Returns the number of entries put back or removed."""
    allow(actor, org_id, EDIT)
    with store.transaction() as tx:
        event = tx.event(org_id, event_id)
        if event.kind != "import":
            raise NotFound(f"{org_id} has no import {event_id}")
        if event.details.get("undone_on"):
            raise AssessmentError(f"the import of {event.details.get('source')} was undone already")
        record = tx.load_record(org_id)
        periods = {p.period: p for p in record.periods}
        saved_by_import = tx.entries_of_event(event_id)
        later = []
        for period, kind, item, version in saved_by_import:
            if period not in periods:
                continue   # the period was deleted since: nothing to undo there
            allow_change(actor, org_id, periods[period], what="changed by undoing an import")
            entry = (periods[period].entries if kind == "objective" else periods[period].key_area_entries).get(item)
            if entry is not None and entry.version != version:
                later.append(f"{period} {kind.replace('_', ' ')} {item}")
        if later:
            raise AssessmentError("the import cannot be undone: these were changed after it, so undoing it would "
                                  "lose those changes: " + ", ".join(later[:20]) + (" …" if len(later) > 20 else ""))
        tx.change = f"undo import {event.details.get('source')}"
        undone = 0
        new_periods = set(event.details.get("new_periods") or [])
        for period in new_periods & set(periods):
            tx.delete_period(org_id, period)
            undone += sum(1 for p, *_ in saved_by_import if p == period)
        for period, kind, item, version in saved_by_import:
            if period in new_periods or period not in periods:
                continue
            entry = (periods[period].entries if kind == "objective" else periods[period].key_area_entries)[item]
            before = [v for v in tx.versions(org_id, period, item, kind) if v.version < version]
            if before:
                tx.save_entry(org_id, period, entry_at(entry, before[-1]), expected_version=version, user=actor.name)
            else:
                tx.delete_entry(org_id, period, kind, item)
            undone += 1
        tx.mark_event(event_id, undone_on=date.today().isoformat(), undone_by=actor.name)
        tx.add_event(org_id, None, "undo import", actor.name, source=event.details.get("source"), entries=undone,
                     of=event_id, periods=event.details.get("periods") or [])
    return undone
