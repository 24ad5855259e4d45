"""Bringing a plan record in from a plan record file (`formats.plan_record_file`): its periods, all of
them or nothing, in one transaction, as the app would have saved them: each entry made by the plan
workflows' own rules (`plans._apply`: a rating by its name or id, a value or "no data", the comment
trimmed), the plan's actions raised once in the record's first period (`plans.raised_actions`).

The checks are `import_record`'s for a record file of scores: editing the organisation (adding it is
the deployment administrator's; bringing periods in submitted or approved an administrator's), a
period already kept refused unless replacing, and a submitted or approved one never replaced
(`access.allow_change`); and the plan's: the plan record follows one plan throughout."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.edits import PlanEdit
from ..domain.errors import AlreadyExists, InvalidEdit, NotFound
from ..domain.numbers import counted
from ..domain.plan_report import plan_actions
from ..domain.record import PLAN_RECORD, Entry, OrganisationRecord, PeriodRecord, period_key, record_key, record_name
from ..formats.plan_record_file import NO_DATA, PlanRecord, load_plan_record
from ..storage.store import Store, Transaction
from .access import ADMINISTER, EDIT, Actor, allow, allow_change, allow_deployment
from .plans import _apply, raised_actions


@dataclass(frozen=True)
class PlanImported:
    """What an import of a plan record file did (or, on a dry run, would do)."""

    key: str                                  # the plan record's key ("medway~plan")
    plan: str                                 # the plan's id
    periods: list[str]                        # the file's periods, oldest first
    replaced: list[str] = field(default_factory=list)   # those that were kept already, overwritten
    entries: int = 0                          # entries written (the actions raised among them)
    raised: int = 0                           # the plan's actions raised in the record's first period
    organisation_added: bool = False
    written: bool = True                      # False on a dry run: nothing was written

    def line(self) -> str:
        """As the command line says it: "medway's plan (stevenage-2021): 2 periods (2022/23, 2023/24), 63
        entries, 17 actions of the plan raised"."""
        return (f"{record_name(self.key)} ({self.plan}): {counted(len(self.periods), 'period')} "
                f"({', '.join(self.periods)}), {counted(self.entries, 'entry', 'entries')}"
                + (f", {counted(self.raised, 'action')} of the plan raised" if self.raised else "")
                + (f"; replacing {', '.join(self.replaced)}" if self.replaced else "")
                + ("; the organisation added" if self.organisation_added else ""))


def import_plan_record(store: Store, actor: Actor, data_or_record: PlanRecord | str | Path, *, replace: bool = False,
                       dry_run: bool = False) -> PlanImported:
    """Store the periods of a plan record file (a path, or the file read: `PlanRecord`) in the
    organisation's plan record, in one transaction: all of them or nothing. With `dry_run`, every
    check is made and nothing is written."""
    given = data_or_record if isinstance(data_or_record, PlanRecord) else load_plan_record(data_or_record)
    with store.transaction(write=not dry_run) as tx:
        return write_plan_record(tx, actor, given, replace=replace, write=not dry_run)


def write_plan_record(tx: Transaction, actor: Actor, given: PlanRecord, *, replace: bool = False, write: bool = True,
                      organisation_new: bool = False) -> PlanImported:
    """`import_plan_record` inside a transaction already open. `organisation_new`: the caller added the
    organisation in this unit of work, with the deployment administrator's right (as `load_examples`
    brings the examples' plan records in with their organisations), which covers its plan record as
    it covers an organisation a file adds."""
    key = record_key(given.org_id, PLAN_RECORD)
    added = False if organisation_new else _organisation(tx, actor, given)
    if added:
        assert given.organisation is not None   # `_organisation` said so where it is not given
        saved = OrganisationRecord(given.organisation, "", "", record=PLAN_RECORD)
    elif organisation_new:
        allow_deployment(actor, "add an organisation")
        saved = tx.load_record(key)
    else:
        allow(actor, key, EDIT)
        if any(p.status != "draft" for p in given.periods):   # sign-off is not an editor's to give
            allow(actor, key, ADMINISTER)
        saved = tx.load_record(key)
    existing = {p.period: p for p in saved.periods}
    if saved.periods and saved.framework_id != given.plan.id:
        raise InvalidEdit(f"{given.org_id}'s plan record follows {saved.framework_id}, but {given.source} is for "
                          f"{given.plan.id}; a plan is not changed part way through: nothing was imported")
    clash = [p.period for p in given.periods if p.period in existing]
    if clash and not replace:
        raise AlreadyExists(f"{given.org_id}'s plan record already has {'period' if len(clash) == 1 else 'periods'} "
                            f"{', '.join(clash)}; nothing was imported (use --replace to overwrite them)")
    for name in clash:
        allow_change(actor, key, existing[name], what="replaced")
    periods = sorted(given.periods, key=lambda p: period_key(p.period))
    kept = dataclasses.replace(saved, periods=[p for p in saved.periods if p.period not in clash])
    raising = periods[0].period if not plan_actions(kept) else None   # the record's actions are raised once
    made = [_period(given, period, raise_actions=period.period == raising) for period in periods]
    result = PlanImported(key, given.plan.id, [p.period for p in periods], clash,
                          sum(len(p.plan_entries) for p in made),
                          len(raised_actions(given.plan)) if raising else 0, added, write)
    if not write:
        return result
    tx.change = f"import {given.source}"
    if added:
        assert given.organisation is not None
        tx.add_organisation(given.organisation)
    for name in clash:
        tx.delete_period(key, name)
    for period in made:
        tx.add_period(key, period, given.plan.id, given.plan.version, user=actor.name)
    return result


def _organisation(tx: Transaction, actor: Actor, given: PlanRecord) -> bool:
    """Whether the organisation is to be added (the deployment administrator's to do); NotFound where
    it is not kept and the file gives only its id."""
    try:
        tx.organisation(given.org_id)
    except NotFound:
        if given.organisation is None:
            raise NotFound(f"no organisation '{given.org_id}': add it first (orgs add), or give it in the file "
                           "with its name (organisation: {id: ..., name: ...}); nothing was imported") from None
        allow_deployment(actor, "add an organisation")
        return True
    return False


def _period(given: PlanRecord, period: PeriodRecord, *, raise_actions: bool) -> PeriodRecord:
    """The period as the app would save it: each entry the file gives made by `plans._apply` from the
    entry it starts from (in the record's first period, each action as raised; else none)."""
    start = raised_actions(given.plan) if raise_actions else {}
    entries: dict[tuple[str, str], Entry] = dict(start)
    for key, said in period.plan_entries.items():
        kind, item = key
        value = NO_DATA if said.no_data else repr(said.value) if said.value is not None else None
        edit = PlanEdit(kind, item, rating=said.rating if kind != "indicator" else None, value=value,
                        comment=said.comment)
        made = _apply(given.plan, start.get(key) or Entry(item=item, kind=kind), edit)
        entries[key] = dataclasses.replace(made, evidence=list(said.evidence))
    return PeriodRecord(period=period.period, status=period.status, plan_entries=entries)
