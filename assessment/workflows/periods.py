"""Periods: start one (blank or carried forward), confirm carried scores, sign one off (submit,
approve, and back to draft: withdraw or reopen), delete one started by mistake."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from ..domain import limits
from ..domain.covering import ReportShape, missing_required, starting_draft
from ..domain.errors import AssessmentError, DraftsWaiting, InvalidEdit, NotFound
from ..domain.mapping import on_framework
from ..domain.numbers import counted
from ..domain.record import PLAN_RECORD, SIGN_OFF, Approval, PeriodRecord, check_period, long_date
from ..domain.rollups import PER, new_period, scored_words
from ..formats.framework_file import find_framework
from ..formats.mapping_file import find_mapping
from ..storage.store import Store
from .access import ADMINISTER, EDIT, Actor, allow, allow_change
from .common import framework_of
from .rounds import UNAPPLIED


@dataclass(frozen=True)
class StartedPeriod:
    period: PeriodRecord
    carried_from: str | None     # the period it was carried forward from, if any
    carried: int                 # scores carried forward, to be confirmed
    actions: int                 # actions of earlier periods still open, shown in this one
    per: str = "objective"       # scored per "objective" or per "key_area" (`rollups.PER`)
    switched: bool = False       # carried across from the other way of scoring


def start_period(store: Store, actor: Actor, org_id: str, name: str, *, carry: bool = True,
                 framework_id: str | None = None, per: str | None = None) -> StartedPeriod:
    """Start period `name`, carried forward from the latest one unless `carry` is false (or there is
    none). Against the organisation's framework, or `framework_id`: for its first period, any; after
    that, a change of framework (to the council's own overlay, or a new toolkit), which needs a
    mapping from the framework followed so far (frameworks/mappings/): the carried scores are
    brought across through it, and the earlier periods are shown through it. `per` ("objective" or
    "key_area") chooses how it is scored; by default as the latest period is (`rollups.new_period`)."""
    allow(actor, org_id, EDIT)
    check_not_far_ahead(name.strip())
    with store.transaction() as tx:
        record = tx.load_record(org_id)
        if framework_id and record.periods and framework_id != record.framework_id:
            framework = find_framework(framework_id)
            try:
                mapping = find_mapping(record.framework_id, framework.id, find_framework)
            except NotFound:
                raise AssessmentError(f"{org_id} follows {record.framework_id}; to start {name.strip()} against "
                                      f"{framework.id}, a mapping from {record.framework_id} to {framework.id} is "
                                      "needed in frameworks/mappings/ (docs/framework-format.md)") from None
            record = on_framework(record, framework, find_framework, lambda old, new: mapping)
        else:
            framework = framework_of(record, framework_id)
        new = new_period(record, name.strip(), carry=carry, per=per, framework=framework)
        latest = record.sorted_periods()[-1] if record.periods else None
        new.period.covering = starting_draft(record.report_shape, latest.covering if latest and carry else None)
        tx.change = "started" + (f", carried forward from {new.carried_from}" if new.carried_from else "") + \
            (f", scored {PER[new.per]}" if new.switched else "")
        tx.add_period(org_id, new.period, framework.id, framework.version, user=actor.name)
        tx.add_event(org_id, new.period.period, "started", actor.name,
                     note=(f"carried forward from {new.carried_from}" if new.carried_from else "blank")
                     + scored_words(new.per, new.switched))
    still_open = sum(a.is_open for p in record.periods for e in [*p.entries.values(), *p.key_area_entries.values()]
                     for a in e.actions)
    return StartedPeriod(new.period, new.carried_from, new.carried, still_open, new.per, new.switched)


@dataclass(frozen=True)
class DeletedPeriod:
    period: str
    entries: int
    actions: int                 # actions raised in it, gone with it


def delete_period(store: Store, actor: Actor, org_id: str, name: str) -> DeletedPeriod:
    """Delete a period with everything in it: its entries, the actions raised in it, their history
    and everyone's drafts. An administrator's act."""
    allow(actor, org_id, ADMINISTER)
    with store.transaction() as tx:
        period = tx.load_record(org_id).period(name)
        allow_change(actor, org_id, period, what="deleted", right=ADMINISTER)
        tx.delete_period(org_id, name)
        entries = [*period.entries.values(), *period.key_area_entries.values(), *period.plan_entries.values()]
        tx.add_event(org_id, name, "deleted", actor.name, note=f"{len(entries)} entries")
    return DeletedPeriod(name, len(entries), sum(len(e.actions) for e in entries))


def confirm_scores(store: Store, actor: Actor, org_id: str, period: str,
                   items: list[tuple[str, str]] | None = None, *,
                   versions: dict[tuple[str, str], int] | None = None) -> list[tuple[str, str]]:
    """Confirm carried scores as they stand: the given (kind, item) pairs, or every carried entry of
    the period. Each is saved as a new version (with history); returns the pairs confirmed. With
    `versions` (the versions the person saw), an entry saved since by someone else is refused
    (StaleEntry) and nothing is confirmed."""
    allow(actor, org_id, EDIT)
    with store.transaction() as tx:
        record = tx.load_record(org_id)
        current = record.period(period)
        allow_change(actor, org_id, current)
        tx.change = "confirmed"
        entries = {(e.kind, e.item): e for e in [*current.entries.values(), *current.key_area_entries.values()]}
        wanted = items if items is not None else list(entries)
        unknown = [item for kind, item in wanted if (kind, item) not in entries]
        if unknown:
            raise NotFound(f"{org_id} {period} has no entry for {', '.join(unknown)}")
        confirmed = []
        for key in wanted:
            entry = entries[key]
            seen = (versions or {}).get(key, entry.version)
            if entry.carried or seen != entry.version:
                tx.save_entry(org_id, period, replace(entry, carried=False), expected_version=seen, user=actor.name)
                confirmed.append(key)
    return confirmed


def submit_period(store: Store, actor: Actor, org_id: str, period: str, *,
                  ignore_drafts: bool = False) -> PeriodRecord:
    """Put a draft period forward for approval (an editor's act): reviewers can now read it, and it
    is frozen as it was put (all but its actions' progress) until withdrawn or reopened. Unsaved
    drafts in it (anyone's) refuse the submission (`DraftsWaiting`, listing them) unless
    `ignore_drafts`: then they are kept, outside the submitted record, and their owners are told."""
    allow(actor, org_id, EDIT)
    return _move(store, actor, org_id, period, "submit", ignore_drafts=ignore_drafts)


def withdraw_period(store: Store, actor: Actor, org_id: str, period: str, *, reason: str) -> PeriodRecord:
    """Take a submitted period back to draft before it is approved (any editor's act, such as
    submitting by mistake), with a reason kept in its history and shown to reviewers."""
    allow(actor, org_id, EDIT)
    return _move(store, actor, org_id, period, "withdraw", reason=_reason(reason, "withdrawing"))


def approve_period(store: Store, actor: Actor, org_id: str, period: str, *, decision: str,
                   on: date | None = None, minute: str | None = None) -> PeriodRecord:
    """Approve a submitted period (an administrator's act), recording the committee or officer
    decision, its date and minute reference as the council records them. It is read-only from
    now on, except for its actions' progress, until reopened."""
    allow(actor, org_id, ADMINISTER)
    decision, minute = (decision or "").strip(), (minute or "").strip() or None
    if on is not None:
        check_decision_date(period, on)
    if not decision:
        raise InvalidEdit("say whose decision approved it: the committee, or the officer under delegated powers")
    for what, text, limit in (("the decision", decision, limits.DECISION), ("the minute", minute, limits.MINUTE)):
        if limits.too_long(what, text, limit):
            raise InvalidEdit(limits.too_long(what, text, limit))
    return _move(store, actor, org_id, period, "approve", Approval(decision, on, minute, by=actor.name),
                 decision=decision, on=on.isoformat() if on else None, minute=minute)


def reopen_period(store: Store, actor: Actor, org_id: str, period: str, *, reason: str) -> PeriodRecord:
    """Take a submitted or approved period back to draft (an administrator's act, with a reason,
    kept in its history)."""
    allow(actor, org_id, ADMINISTER)
    return _move(store, actor, org_id, period, "reopen", reason=_reason(reason, "reopening"))


def _reason(reason: str | None, doing: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidEdit(f"give the reason for {doing} it; it is kept in the period's history")
    if limits.too_long("the reason", reason, limits.REASON):
        raise InvalidEdit(limits.too_long("the reason", reason, limits.REASON))
    return reason


def check_covering_ready(period: PeriodRecord, shape: ReportShape | None) -> None:
    """Refuse to put a period forward while its covering report leaves a required section unwritten
    (the council's report shape says which are required)."""
    missing = missing_required(period.covering, shape)
    if missing:
        listed = ", ".join(f'"{h}"' for h in missing)
        raise AssessmentError(f"{period.period}'s covering report has {counted(len(missing), 'required section')} "
                              f"not yet written ({listed}); write {'it' if len(missing) == 1 else 'them'} on the "
                              "Covering report page before submitting it")


def check_not_far_ahead(period: str, today: date | None = None) -> None:
    """A period is started in its year or the year before (to prepare it), not further ahead: 2207
    for 2027 is a slip of the keyboard, and its decisions could never be dated."""
    check_period(period)
    year = (today or date.today()).year
    if int(period[:4]) > year + 1:
        raise InvalidEdit(f"{period} begins more than a year from now; periods are started in their year or the "
                          f"year before (up to {year + 1})")


def check_decision_date(period: str, on: date, today: date | None = None) -> None:
    """A decision date that could be true: not in the future, and not before the period's first
    year began (a council recording an earlier year's decision late is fine)."""
    today = today or date.today()
    if on > today:
        raise InvalidEdit(f"the date of the decision, {long_date(on)}, is in the future; give the date the "
                          "committee or officer decided")
    first = date(int(period[:4]), 1, 1)
    if on < first:
        raise InvalidEdit(f"the date of the decision, {long_date(on)}, is before {period} began; give the date the "
                          "committee or officer decided")


_DONE = {"submit": "submitted", "approve": "approved", "reopen": "reopened", "withdraw": "withdrawn"}


def _move(store: Store, actor: Actor, org_id: str, period: str, step: str, approval: Approval | None = None, *,
          ignore_drafts: bool = False, **details) -> PeriodRecord:
    allowed, to = SIGN_OFF[step]
    with store.transaction() as tx:
        loaded = tx.load_record(org_id)
        current = loaded.period(period)
        if current.status not in allowed:
            raise AssessmentError(f"{period} is {current.status}, so it cannot be {_DONE[step]}; "
                                  f"only a period that is {' or '.join(allowed)} can")
        if step == "submit":
            waiting_round = next((r for r in tx.rounds(org_id, period) if r.state in UNAPPLIED), None)
            if waiting_round is not None:
                raise AssessmentError(f"{period} has round {waiting_round.id} {waiting_round.state}: apply its agreed "
                                      "scores before submitting the period")
            current.check_ready_to_submit(plan=loaded.record == PLAN_RECORD)
            check_covering_ready(current, loaded.report_shape)
            waiting = tx.drafts(org_id, period)
            if waiting and not ignore_drafts:
                raise DraftsWaiting(period, waiting)
            if waiting:
                details["drafts_left"] = [{"person": d.person, "kind": d.edit.kind, "item": d.edit.item}
                                          for d in waiting]
        tx.set_status(org_id, period, to, approval)
        tx.add_event(org_id, period, _DONE[step], actor.name, **details)
        return tx.load_record(org_id).period(period)
