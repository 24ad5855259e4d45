"""Bringing records in: a Word appendix or a spreadsheet (preview, then all or nothing), or a record file.

The app's Import page and the `import` commands call these and nothing else, so both read the same
way, show the same preview and write the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InvalidImport, NotFound, Problem
from ..framework import Framework
from ..importing import ImportPlan, PeriodPreview, changes, preview, size_problem
from ..readers.appendix import read_appendix
from ..readers.spreadsheet import read_spreadsheet
from ..record import OrganisationRecord
from ..store import Store
from .access import EDIT, Actor, allow, allow_deployment
from .common import framework_of

READERS = {"appendix": read_appendix, "spreadsheet": read_spreadsheet}
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
    plan = READERS[kind](raw, framework, source=source).check()
    return ImportPreview(org_id, saved.organisation.name, source, framework, plan, preview(plan, saved))


def apply_import(store: Store, actor: Actor, prepared: ImportPreview, *, track_actions: bool = False
                 ) -> list[PeriodPreview]:
    """Write a previewed import in one transaction: all of it, or nothing. What is saved is read
    again first, so the import and what it reports are against the record as it is now. With
    `track_actions`, the actions the comments state ("Action: ...") become tracked actions too."""
    allow(actor, prepared.org_id, EDIT)
    plan = prepared.plan.check()
    if track_actions:
        plan = plan.tracking_sentence_actions()
    user = f"{actor.name} (import {prepared.source})"
    with store.transaction() as tx:
        saved = tx.load_record(prepared.org_id)
        framework = _framework(saved, plan.framework_id, plan.source)
        for period in changes(plan, saved):
            tx.write_entries(prepared.org_id, period.period.period, framework, new=period.new,
                             changed=period.changed, status=period.period.status, user=user)
        return preview(plan, saved)


def _framework(saved: OrganisationRecord, requested: str | None, source: str) -> Framework:
    if requested and saved.periods and requested != saved.framework_id:
        raise InvalidImport(source, [Problem(source, None, "", f"{saved.organisation.id} is assessed against "
                                                               f"{saved.framework_id}, but this file is for {requested}")])
    return framework_of(saved, requested)


def import_record(store: Store, actor: Actor, record: OrganisationRecord, *, replace: bool = False,
                  source: str = "record file") -> dict[str, int]:
    """Store a whole record read from a record file (YAML), in one transaction: all of it or nothing.
    A new organisation is the deployment administrator's to add; periods already saved are refused
    unless `replace`."""
    with store.transaction() as tx:
        try:
            tx.organisation(record.organisation.id)
        except NotFound:
            allow_deployment(actor, "add an organisation")
        else:
            allow(actor, record.organisation.id, EDIT)
        return tx.save_record(record, user=f"{actor.name} (import {source})", replace=replace)
