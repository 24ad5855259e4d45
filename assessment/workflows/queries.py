"""What pages and commands show: plain data, read in one transaction, with who is asking checked.

A query never changes anything. Each takes the `Actor` asking and refuses (NotAllowed) what they
may not see; the list of organisations holds only those they may see, and a reviewer (a
councillor) sees only the periods put before them (submitted and approved), never work in progress.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from ..domain.covering import CoveringReport, ReportShape, changed_headings, fitted, unchanged_from
from ..domain.edits import Draft
from ..domain.errors import AssessmentError
from ..domain.framework import Framework
from ..domain.history import Event, Version, versions
from ..domain.mapping import on_framework
from ..domain.plan import Plan
from ..domain.plan_report import PlanReport
from ..domain.plan_report import plan_report as report_of_plan
from ..domain.record import (
    PLAN_RECORD,
    REVIEWABLE_STATUSES,
    Organisation,
    OrganisationRecord,
    period_key,
    record_key,
)
from ..domain.rollups import PREVIOUS, previous_period
from ..domain.round_report import AgreedScore, RoundReport
from ..domain.rounds import Invitation, Moderation, Round
from ..formats.framework_file import available_frameworks, find_framework
from ..formats.mapping_file import find_mapping, mapped_from
from ..storage.store import Store
from .access import EDIT, PEOPLE, READ, READ_DRAFTS, Actor, allow
from .common import check_item, framework_of, plan_of
from .plans import check_plan_item
from .peers import PeerView
from .rounds import Questionnaire, figures_of, questionnaire_of, round_for

if TYPE_CHECKING:   # the report, the action list and the JSON export are imported where used: a
    # command pays only for what it shows (`summary` takes a fraction of a second, most of it imports)
    from ..domain.action_list import ListedAction
    from ..domain.report import ProgressReport


@dataclass(frozen=True)
class OrganisationSummary:
    organisation: Organisation
    periods: list[str]           # oldest first

    @property
    def id(self) -> str:
        return self.organisation.id

    @property
    def name(self) -> str:
        return self.organisation.name


class RecordView(NamedTuple):
    """An organisation's whole record and the framework it follows."""

    record: OrganisationRecord
    framework: Framework


def organisations(store: Store, actor: Actor) -> list[OrganisationSummary]:
    """The organisations whose records `actor` may see, by name, each with its periods."""
    with store.transaction(write=False) as tx:   # only theirs are read, unless they may see all
        rows = tx.organisations(None if actor.every_right else list(actor.roles))
    return [OrganisationSummary(org, periods) for org, periods in rows if actor.may(org.id, READ)]


def managed_organisations(store: Store, actor: Actor) -> list[Organisation]:
    """The organisations whose people `actor` manages (every one for the deployment's
    administrator), by name: no record is read."""
    with store.transaction(write=False) as tx:
        rows = tx.organisations(None if actor.every_right or actor.administers_deployment else list(actor.roles))
    return [org for org, _ in rows if actor.may(org.id, PEOPLE)]


def record(store: Store, actor: Actor, org_id: str) -> RecordView:
    """An organisation's record (every period the actor may see, with its entries, actions and
    baselines) and its framework."""
    allow(actor, org_id, READ)
    with store.transaction(write=False) as tx:
        loaded = tx.record(org_id)
    framework = framework_of(loaded)
    # periods scored against another framework, seen through the mapping to the one followed now
    seen = on_framework(loaded, framework, find_framework, lambda old, new: find_mapping(old, new, find_framework))
    return RecordView(_visible(actor, seen), framework)


def _readable(store: Store, actor: Actor, key: str) -> OrganisationRecord:
    """A record (the scores' or the plan's, by its key) as `actor` may see it."""
    allow(actor, key, READ)
    with store.transaction(write=False) as tx:
        return _visible(actor, tx.record(key))


def _visible(actor: Actor, loaded: OrganisationRecord) -> OrganisationRecord:
    """The record as `actor` may see it: a reviewer sees submitted and approved periods only."""
    if actor.may(loaded.organisation.id, READ_DRAFTS):
        return loaded
    return replace(loaded, periods=[p for p in loaded.periods if p.status in REVIEWABLE_STATUSES])


def _period_visible(tx, actor: Actor, org_id: str, period: str) -> None:
    """Refuse (as if it did not exist) a period the actor may not see."""
    allow(actor, org_id, READ)
    _visible(actor, tx.record(org_id)).period(period)


def record_with_periods(store: Store, actor: Actor, org_id: str, *periods: str | None) -> RecordView:
    """`record`, refused unless it has at least one period and every period named."""
    view = record(store, actor, org_id)
    if not view.record.periods:
        raise AssessmentError(f"{org_id} has no periods yet")
    for name in periods:
        if name:
            view.record.period(name)   # NotFound, naming the periods it has
    return view


def period_summary(store: Store, actor: Actor, org_id: str, period: str,
                   compare_with: str | None = None) -> dict[str, Any]:
    """Key-area, theme and overall roll-ups of a period (and movement since `compare_with`)."""
    view = record_with_periods(store, actor, org_id, period, compare_with)
    if compare_with and period_key(compare_with) >= period_key(period):
        raise AssessmentError(f"compare {period} with an earlier period, not {compare_with}")
    from ..domain.summary import period_summary   # with the report it is made from, imported where used
    return period_summary(view.framework, view.record, period, compare_with)


def report(store: Store, actor: Actor, org_id: str, period: str, compare_with: str | None = PREVIOUS, *,
           today: date | None = None) -> tuple[ProgressReport, RecordView]:
    """The progress report of a period (see `report.progress_report`), with the record it is made of."""
    from ..domain.report import progress_report
    view = record_with_periods(store, actor, org_id, period, None if compare_with == PREVIOUS else compare_with)
    return progress_report(view.framework, view.record, period, compare_with, today=today), view


def actions(store: Store, actor: Actor, org_id: str) -> tuple[list[ListedAction], RecordView]:
    """Every action of an organisation across periods, with the record."""
    from ..domain.action_list import action_rows
    view = record(store, actor, org_id)
    return action_rows(view.framework, view.record), view


def history(store: Store, actor: Actor, org_id: str, period: str, item: str, kind: str = "objective"
            ) -> list[Version]:
    """Every saved version of one entry, oldest first: who, when, what made it, what it said and
    what changed from the version before (in words)."""
    with store.transaction(write=False) as tx:
        _period_visible(tx, actor, org_id, period)
        framework = framework_of(tx.record(org_id))
        check_item(framework, kind, item)
        return versions(framework, tx.versions(org_id, period, item, kind))


def taken_back(store: Store, actor: Actor, org_id: str) -> list[Event]:
    """Periods put before reviewers and since taken back to draft (withdrawn or reopened), with why:
    the latest such event of each period that is a draft now, newest first. Readers are told, even
    though the draft itself is not theirs to see."""
    allow(actor, org_id, READ)
    with store.transaction(write=False) as tx:
        drafts = {p.period for p in tx.record(org_id).periods if p.status == "draft"}
        found = tx.events(org_id, kinds=["submitted", "approved", "withdrawn", "reopened"])
    latest: dict[str, Event] = {}
    for event in found:   # newest first: the first seen of a period is its latest move
        if event.period is not None:
            latest.setdefault(event.period, event)
    return [e for e in latest.values() if e.period in drafts and e.kind in ("withdrawn", "reopened")]


def period_history(store: Store, actor: Actor, org_id: str, period: str | None = None) -> list[Event]:
    """What was done to an organisation's periods (of one, if given), newest first: started,
    submitted, withdrawn, approved, reopened, deleted; imports and their undoing; respondent rounds
    opened, closed and applied. Roles are the administrators' to see (`people`)."""
    kinds = ["started", "submitted", "withdrawn", "approved", "reopened", "deleted", "import", "undo import", "round"]
    with store.transaction(write=False) as tx:
        if period is not None:
            _period_visible(tx, actor, org_id, period)
        else:
            allow(actor, org_id, READ_DRAFTS)
        found = tx.events(org_id, kinds=kinds)
    # An import (and its undoing) is kept once for the organisation, naming the periods it wrote.
    return [e for e in found if period is None or e.period == period or period in (e.details.get("periods") or [])]


def imports(store: Store, actor: Actor, org_id: str) -> list[Event]:
    """The imports into an organisation's record, newest first (each may be undone as one change)."""
    allow(actor, org_id, EDIT)
    with store.transaction(write=False) as tx:
        return tx.events(org_id, kinds=["import"])


def drafts(store: Store, actor: Actor, org_id: str, period: str | None = None) -> list[Draft]:
    """The acting person's drafts of an organisation (of one period if given)."""
    allow(actor, org_id, READ_DRAFTS)
    with store.transaction(write=False) as tx:
        return tx.drafts(org_id, period, actor.name)


def record_export(store: Store, actor: Actor, org_id: str) -> dict[str, Any]:
    """An organisation's whole record as the JSON export has it; for those who may edit it, with
    everyone's unsaved drafts (so that nothing is lost when a record moves)."""
    from ..formats.writers.record_json import record_json
    allow(actor, org_id, READ)
    with store.transaction(write=False) as tx:
        loaded = tx.record(org_id)
        drafts = tx.drafts(org_id) if actor.may(org_id, EDIT) else []
    return record_json(_visible(actor, loaded), drafts)


def frameworks_to_start(store: Store, actor: Actor, org_id: str) -> list[Framework]:
    """The frameworks a new period of the organisation may be scored against: the one it follows
    first, then those a mapping leads to from it (for an organisation with no period yet, any). For
    those who may start a period."""
    allow(actor, org_id, EDIT)
    view = record(store, actor, org_id)
    if not view.record.periods:
        return [find_framework(i) for i in available_frameworks()]
    return [view.framework, *(find_framework(i) for i in mapped_from(view.framework.id, find_framework))]


def frameworks() -> list[str]:
    """The ids of the frameworks in frameworks/ (every framework is public)."""
    return available_frameworks()


def framework(framework_id: str) -> Framework:
    return find_framework(framework_id)


def names(store: Store, actor: Actor, org_id: str) -> dict[str, str]:
    """The names of the people with a role at an organisation, by the email kept in its history, so
    that a page says who saved something as people know them ("Siân Jones", not an address)."""
    allow(actor, org_id, READ)
    with store.transaction(write=False) as tx:
        return {p.email: p.name for p in tx.people(org_id) if p.name}


@dataclass(frozen=True)
class CoveringView:
    """What the covering report page shows: the period's report laid out in the council's shape."""

    report: CoveringReport          # the saved report fitted to the shape (empty sections where none)
    saved: CoveringReport | None    # as saved (None: nothing yet)
    shape: ReportShape | None
    carried_from: str | None = None   # the period whose words it still says, unchanged, if any
    frozen: bool = False              # put before members (submitted or approved)

    @property
    def for_file(self) -> CoveringReport:
        """What a report-text file is written from: a period put before members as it was put; a
        draft in the council's sections, to fill in."""
        return self.saved if self.frozen and self.saved is not None else self.report


def covering(store: Store, actor: Actor, org_id: str, period: str) -> CoveringView:
    """A period's covering report and the council's report shape (for those who may read the period)."""
    loaded = _readable(store, actor, org_id)   # the scores' record or the plan's: no framework needed
    current = loaded.period(period)   # NotFound for a period the actor may not see
    before = previous_period(loaded, period)
    earlier = loaded.period(before).covering if before else None
    return CoveringView(fitted(current.covering, loaded.report_shape), current.covering,
                        loaded.report_shape, before if unchanged_from(current.covering, earlier) else None,
                        current.frozen)


def covering_versions(store: Store, actor: Actor, org_id: str, period: str
                      ) -> list[tuple[CoveringReport, str | None, list[str]]]:
    """Every saved version, newest first: the report, what made it, and what it changed."""
    with store.transaction(write=False) as tx:
        _period_visible(tx, actor, org_id, period)
        kept = tx.covering_versions(org_id, period)
    out = []
    for n, (report, change) in enumerate(kept):
        out.append((report, change, changed_headings(kept[n - 1][0] if n else None, report)))
    return out[::-1]


def plan_report(store: Store, actor: Actor, org_id: str, period: str, on: date | None = None) -> PlanReport:
    """A period of the organisation's plan record as councils report it (overdue actions as of `on`,
    default today), seen as `actor` may see it: a reviewer, submitted and approved periods only."""
    key = record_key(org_id, PLAN_RECORD)
    with store.transaction(write=False) as tx:
        _period_visible(tx, actor, key, period)
        record = _visible(actor, tx.record(key))
        return report_of_plan(plan_of(record), record, period, on or date.today())


class PlanView(NamedTuple):
    """An organisation's plan record and the plan it follows (None before its first period)."""

    record: OrganisationRecord
    plan: Plan | None


def plan_record(store: Store, actor: Actor, org_id: str) -> PlanView:
    """An organisation's plan record (every period the actor may see) and its plan."""
    key = record_key(org_id, PLAN_RECORD)
    allow(actor, key, READ)
    with store.transaction(write=False) as tx:
        loaded = tx.record(key)
    return PlanView(_visible(actor, loaded), plan_of(loaded) if loaded.periods else None)


def plans() -> list[str]:
    """The ids of the plans a council may follow (frameworks/ files of kind plan)."""
    from ..formats.plan_file import available_plans
    return available_plans()


def plan(plan_id: str) -> Plan:
    """A plan, by its id (frameworks/ files of kind plan)."""
    from ..formats.plan_file import find_plan
    return find_plan(plan_id)


def plan_history(store: Store, actor: Actor, org_id: str, period: str, kind: str, item: str) -> list[Version]:
    """Every saved version of one of a plan's entries (an outcome, action or indicator), oldest first,
    with what each changed (its rating, value, comment, evidence) in words."""
    key = record_key(org_id, PLAN_RECORD)
    with store.transaction(write=False) as tx:
        _period_visible(tx, actor, key, period)
        plan = plan_of(tx.record(key))
        check_plan_item(plan, kind, item)
        return versions(plan, tx.versions(key, period, item, kind))


def peer_view(store: Store, actor: Actor, org_id: str, period: str, *, today: date | None = None) -> PeerView | None:
    """The latest release's figures for the council's groups in the period's year, for those who may
    read the period (`peers.peer_view_of`); None where no release has figures for it. Nothing of any
    other council is in it but the released medians and quartiles of groups."""
    from ..domain.peer_records import RELEASE, SERIES
    from .peers import peer_view_of
    with store.transaction(write=False) as tx:
        _period_visible(tx, actor, org_id, period)
        record_ = _visible(actor, tx.record(org_id))
        today = today or date.today()
        latest, _ = tx.latest_peer_document(RELEASE, on_or_before=today)   # the one release shown, alone read
        series = tx.peer_documents(SERIES)
    return peer_view_of(record_, period, latest, series)


def round_report(store: Store, actor: Actor, org_id: str, period: str) -> RoundReport | None:
    """The period's latest applied round as its readers see it (a reviewer once the period is
    submitted), or None where it has none. Published comments carry no name or answer-set id."""
    from ..domain.rounds import ANSWERS_REMOVED, Spread, Withheld, views_differ_most
    with store.transaction(write=False) as tx:
        _period_visible(tx, actor, org_id, period)
        applied = [r for r in tx.rounds(org_id, period) if r.state == "applied"]
        if not applied:
            return None
        found = applied[-1]
        assert found.id is not None
        framework = framework_of(tx.record(org_id))
        submitted = [r for r in tx.responses(found.id) if r.submitted]
        invitations = tx.invitations(found.id)
        invited = len([i for i in invitations if i.revoked_at is None])
        moderations = {m.item_id: m for m in tx.moderations(found.id)}
        removed = not submitted and not invitations and any(   # invited once, none left now
            e.details.get("round") == found.id and e.details.get("invited")
            for e in tx.events(org_id, period=period, kinds=["round"]))
    figures = figures_of(found, framework, submitted, invited, None)
    if removed:
        gone = Withheld(ANSWERS_REMOVED)
        figures = replace(figures, objectives={item: gone for item in figures.objectives})
    comments = {(r.id, a.objective_id): a.comment for r in submitted for a in r.answers if a.comment}
    agreed = [AgreedScore(item, m.score, figures.objectives.get(item, Withheld("no answers")), m.rationale,
                          m.meeting, m.moderated_by,
                          tuple(comments[(rid, item)] for rid in m.published if (rid, item) in comments),
                          m.moderated_at)
              for item, m in moderations.items()]
    spreads = [s for s in figures.objectives.values() if isinstance(s, Spread)]
    return RoundReport(found, figures.answered, invited, agreed,
                       [s.objective_id for s in views_differ_most(spreads) if s.objective_id], figures.participation,
                       answers_removed=removed)


def my_questionnaires(store: Store, actor: Actor) -> list[Questionnaire]:
    """The questionnaires `actor` is asked to answer signed in, as themselves (invited by their
    address and given no link), in rounds open now, oldest first: theirs alone (submitted ones too,
    so that they see they are done); none for anyone else."""
    with store.transaction(write=False) as tx:
        return [questionnaire_of(tx, i) for r in tx.open_rounds() for i in tx.invitations(r.id or 0)
                if i.held_by(actor.name, signed_in=True)]


@dataclass(frozen=True)
class RoundView:
    """A round as its moderator (an editor) runs it: the round, its invitations (withdrawn ones
    too) and the scores agreed so far (objective -> Moderation). What was done to it is in
    `period_history`."""

    round: Round
    invitations: list[Invitation]
    agreed: dict[str, Moderation]


def round_view(store: Store, actor: Actor, round_id: int) -> RoundView:
    """A round, its invitations and agreed scores, for its organisation's editors (the same refusal
    whether or not it exists)."""
    with store.transaction(write=False) as tx:
        found = round_for(tx, actor, round_id)
        return RoundView(found, tx.invitations(round_id), {m.item_id: m for m in tx.moderations(round_id)})
