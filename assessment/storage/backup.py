"""Backup and restore of the whole database as one JSON file (format described in
`docs/backup-format.md`).

`backup(store)` reads every table in one consistent snapshot and writes them nested
(people with their roles; organisation -> baselines, events, assessments -> entries -> actions,
evidence, history) with keys in a
fixed order and rows sorted by their natural keys, so the same database always gives the same
bytes: there is deliberately no creation time in the file. `restore(store, data)` checks the
file (its size and values against `limits`, format, format version, schema revision, then every
row with pydantic, in each list up to the first row with a problem; the first problems located
to `file:line: json.path`) and writes it into an *empty* database in one transaction.

Ids: action ids are kept (the app matches actions by id when an entry is saved), and so are event
ids (a history row names the import that made it). No other surrogate id appears in the file; the
restore numbers assessments, entries, evidence, history rows, action status changes, drafts and
covering report versions 1, 2, 3 ... in file order, which keeps their order (each is listed in id
order). Files of older formats are read as the newest (see `_from_older`). On PostgreSQL the id
sequences are then moved past the largest id so later inserts work.
"""

from __future__ import annotations

import codecs
import json
import re
from collections import defaultdict
from datetime import date, datetime, timezone
from functools import lru_cache
from itertools import chain, islice
from typing import (Annotated, Any, Iterable, Iterator, Literal, Mapping, TypeVar, cast, get_args, get_origin,
                    get_type_hints)

import orjson
from pydantic import AwareDatetime, ConfigDict, FailFast, Field, TypeAdapter, ValidationError, with_config
from sqlalchemy import Connection, Table, func, insert, select, text
from typing_extensions import TypedDict, is_typeddict  # pydantic needs this one before Python 3.12

from ..domain import limits
from ..domain.covering import covering_found, shape_problems
from ..domain.errors import AssessmentError, BackupError, InvalidBackup, ScoreError
from ..domain.framework import Framework
from ..domain.record import RECORDS, DEFAULT_FRAMEWORK, period_key
from ..domain.scores import parse_score
from ..formats.covering_file import CoveringModel, ShapeModel, covering_from_model, shape_from_model
from ..formats.framework_file import find_framework
from ..formats.json_source import located, path, widest_object
from ..formats.record_file import natural_key
from ..formats.record_schema import entry_from_snapshot
from .migrations.legacy import merged_actions, snapshot_from_numbers
from .store import alembic_config
from .tables import (
    ActionRow,
    ActionUpdateRow,
    AssessmentRow,
    BaselineRow,
    CoveringReportRow,
    DraftRow,
    EntryHistoryRow,
    EntryRow,
    EventRow,
    EvidenceRow,
    InvitationRow,
    MembershipRow,
    ModerationRow,
    OrganisationRow,
    PersonRow,
    ReminderLogRow,
    ResponseRow,
    PeerRow,
    RoundRow,
    SettingRow,
)

FORMAT = "procurement-maturity-backup"
# 2: targets may be n/a, drafts; 3: an action lives once, with its status changes; 4: people and
# roles, approvals, events, and a full snapshot in every history row; 5: a draft belongs to a tab;
# 6: a history row's snapshot is the record schema's entry (`formats.record_schema.EntrySnapshot`);
# 7: an organisation's report shape, and each period's covering report with its versions; 8: a plan
# beside the scores; 9: whether each person is sent reminders, and the reminder log; 10: where each
# role came from (by hand, or from the directory); 11: respondent rounds under their period, with
# invitations (a link's token only as its hash), answer sets and moderation; 12: a round's moderators;
# 13: peer comparison: a period put forward, and the deployment's clubs, releases and outside series.
FORMAT_VERSION = 13
CREATED_BY = "procurement maturity self-assessment (assessment.backup)"
COUNTED = ("people", "memberships", "organisations", "events", "baselines", "assessments", "entries", "actions",
           "action_updates", "evidence", "entry_history", "drafts", "covering_reports", "settings", "reminder_log",
           "rounds", "invitations", "responses", "moderations", "peers")

_ORGS, _BASELINES, _ASSESSMENTS = (cast(Table, OrganisationRow.__table__), cast(Table, BaselineRow.__table__),
                                   cast(Table, AssessmentRow.__table__))
_ENTRIES, _ACTIONS, _EVIDENCE = (cast(Table, EntryRow.__table__), cast(Table, ActionRow.__table__),
                                 cast(Table, EvidenceRow.__table__))
_HISTORY, _SETTINGS, _DRAFTS = (cast(Table, EntryHistoryRow.__table__), cast(Table, SettingRow.__table__),
                                cast(Table, DraftRow.__table__))
_UPDATES, _EVENTS, _PEOPLE, _MEMBERSHIPS = (cast(Table, ActionUpdateRow.__table__), cast(Table, EventRow.__table__),
                                            cast(Table, PersonRow.__table__), cast(Table, MembershipRow.__table__))
_COVERING, _REMINDERS = cast(Table, CoveringReportRow.__table__), cast(Table, ReminderLogRow.__table__)
_ROUNDS, _INVITATIONS = cast(Table, RoundRow.__table__), cast(Table, InvitationRow.__table__)
_RESPONSES, _MODERATIONS = cast(Table, ResponseRow.__table__), cast(Table, ModerationRow.__table__)
_PEERS = cast(Table, PeerRow.__table__)
SERIAL_TABLES = ("people", "events", "assessments", "entries", "actions", "action_updates", "evidence",
                 "entry_history", "drafts", "covering_reports", "reminder_log", "rounds", "invitations", "peers")


# ====================================================================== the file's shape (v4)

# Typed dicts rather than models: validated straight from the JSON text, they are about twice
# as quick for a large file (no model instances). Strict: in JSON, times and dates are strings
# in ISO 8601, whole numbers are accepted for scores, and nothing else is converted.
# Unknown keys are allowed here and looked for by `_unknown_keys`: as pydantic errors, a million of
# them took 20 s and 2 GB.
_STRICT = ConfigDict(strict=True, extra="allow", allow_inf_nan=False)
_T = TypeVar("_T")
# A list or mapping stops at its first item with a problem (listing a million bad rows took
# gigabytes); a whole number is one the database's integer columns hold.
_Rows = Annotated[list[_T], FailFast()]
_Integer = Annotated[int, Field(ge=-2**31, le=2**31 - 1)]
# Ids and version numbers count from 1 (a draft's base version is 0 where no version was saved).
_Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
_BaseVersion = Annotated[int, Field(ge=0, le=2**31 - 1)]


@with_config(_STRICT)
class SettingData(TypedDict):
    key: str
    value: str | None


@with_config(_STRICT)
class BaselineData(TypedDict):
    objective_id: str
    score: float | None
    not_applicable: bool


@with_config(_STRICT)
class ActionUpdateData(TypedDict):
    status: str
    on: date | None
    note: str | None
    period: str | None
    changed_by: str | None
    changed_at: AwareDatetime


@with_config(_STRICT)
class ActionData(TypedDict):
    id: _Id
    text: str
    owner: str | None
    due: date | None
    status: str
    rag: str | None
    updated_by: str | None
    updated_at: AwareDatetime
    updates: _Rows[ActionUpdateData]


@with_config(_STRICT)
class EvidenceData(TypedDict):
    url: str
    title: str | None


@with_config(_STRICT)
class HistoryData(TypedDict):
    version: _Id
    score: float | None
    not_applicable: bool
    target: float | None
    target_not_applicable: bool
    comment: str | None
    changed_by: str | None
    changed_at: AwareDatetime
    snapshot: str | None
    change: str | None
    event_id: _Id | None


@with_config(_STRICT)
class EntryData(TypedDict):
    kind: str
    item_id: str
    score: float | None
    not_applicable: bool
    target: float | None
    target_not_applicable: bool
    target_period: str | None
    comment: str | None
    previous_comment: str | None
    carried: bool
    rating: str | None
    value: float | None
    no_data: bool
    version: _Id
    updated_by: str | None
    updated_at: AwareDatetime
    actions: _Rows[ActionData]
    evidence: _Rows[EvidenceData]
    history: _Rows[HistoryData]


@with_config(_STRICT)
class DraftData(TypedDict):
    person: str
    tab: str
    kind: str
    item_id: str
    base_version: _BaseVersion
    fields: str
    updated_at: AwareDatetime


@with_config(_STRICT)
class CoveringData(TypedDict):
    version: _Id
    document: str
    change: str | None
    changed_by: str | None
    changed_at: AwareDatetime


@with_config(_STRICT)
class ResponseData(TypedDict):
    id: Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
    department: str
    perspectives: str
    primary: str
    submitted: bool
    answers: str


@with_config(_STRICT)
class InvitationData(TypedDict):
    email: str | None
    department: str
    perspectives: str
    primary: str
    token_hash: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None
    expires_at: AwareDatetime | None
    revoked_at: AwareDatetime | None
    submitted: bool
    invited_by: str | None
    invited_at: AwareDatetime
    responses: _Rows[ResponseData]     # its answer set (none, or one), while linked


@with_config(_STRICT)
class ModerationData(TypedDict):
    item_id: str
    score: float | None
    rationale: str | None
    meeting: str | None
    published: str
    moderated_by: str | None
    moderated_at: AwareDatetime


@with_config(_STRICT)
class RoundData(TypedDict):
    id: _Id
    items: str
    mode: Literal["confidential", "anonymous"]
    k: _Integer
    state: Literal["draft", "open", "closed", "applied"]
    closes: date
    perspectives: str
    opened_by: str | None
    moderators: str | None             # JSON list of addresses (None: the editors moderate)
    created_at: AwareDatetime
    changed_at: AwareDatetime
    invitations: _Rows[InvitationData]
    responses: _Rows[ResponseData]     # answer sets linked to no invitation (anonymous ones once submitted)
    moderations: _Rows[ModerationData]


@with_config(_STRICT)
class AssessmentData(TypedDict):
    record: str
    period: str
    framework_id: str
    framework_version: str
    status: str
    created_at: AwareDatetime
    decision: str | None
    decision_date: date | None
    minute: str | None
    approved_by: str | None
    approved_at: AwareDatetime | None
    peers_opted_in_by: str | None
    peers_opted_in_at: AwareDatetime | None
    entries: _Rows[EntryData]
    drafts: _Rows[DraftData]
    covering: _Rows[CoveringData]
    rounds: _Rows[RoundData]


@with_config(_STRICT)
class EventData(TypedDict):
    id: _Id
    record: str
    period: str | None
    kind: str
    person: str | None
    at: AwareDatetime
    details: str | None


@with_config(_STRICT)
class MembershipData(TypedDict):
    organisation_id: str
    role: str
    source: Literal["hand", "directory"]


@with_config(_STRICT)
class PersonData(TypedDict):
    email: str
    name: str | None
    issuer: str | None
    subject: str | None
    administers_deployment: bool
    added_by: str | None
    added_at: AwareDatetime
    last_signed_in: AwareDatetime | None
    reminders: bool
    roles: _Rows[MembershipData]


@with_config(_STRICT)
class PeerData(TypedDict):
    kind: Literal["club", "release", "series", "guard"]
    name: str
    released_on: date | None
    data: str
    made_by: str | None
    made_at: AwareDatetime


@with_config(_STRICT)
class ReminderData(TypedDict):
    day: date
    at: AwareDatetime
    email: str
    outcome: str
    subject: str
    items: str
    reason: str | None


@with_config(_STRICT)
class OrganisationData(TypedDict):
    id: str
    name: str
    type: str | None
    region: str | None
    baseline_agreed: str | None
    source: str | None
    created_at: AwareDatetime
    report_shape: str | None
    baselines: _Rows[BaselineData]
    events: _Rows[EventData]
    assessments: _Rows[AssessmentData]


@with_config(_STRICT)
class BackupData(TypedDict):
    format: str
    format_version: _Integer
    schema_revision: str
    created_by: str
    counts: Annotated[dict[str, _Integer], FailFast()]
    settings: _Rows[SettingData]
    people: _Rows[PersonData]
    organisations: _Rows[OrganisationData]
    reminder_log: _Rows[ReminderData]
    peers: _Rows[PeerData]


@with_config(ConfigDict(extra="ignore"))
class _Header(TypedDict, total=False):
    """Read first, and leniently, to say whether the rest can be read at all."""
    format: Any
    format_version: Any
    schema_revision: Any


_BACKUP = TypeAdapter(BackupData)
_HEADER = TypeAdapter(_Header)


# ====================================================================== backup

def backup(store) -> bytes:
    """The whole database as UTF-8 JSON bytes (see docs/backup-format.md); the same database
    always gives the same bytes."""
    with store.engine.connect() as connection:
        connection = _snapshot(connection)
        try:
            data = _read_all(connection)
        finally:
            connection.rollback()
    return orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"


def contents(store) -> dict[str, Any]:
    """The whole database as a backup holds it, as plain data (not yet JSON), read in one consistent
    snapshot: what the restore check compares (`storage.backup_check`)."""
    with store.engine.connect() as connection:
        connection = _snapshot(connection)
        try:
            return _read_all(connection)
        finally:
            connection.rollback()


def _snapshot(connection: Connection) -> Connection:
    """One consistent view of every table for the length of the backup."""
    if connection.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        connection.begin()
    else:
        connection.begin()   # SQLite: the store's engine emits BEGIN; WAL keeps the view steady
    return connection


def _read_all(connection: Connection) -> dict[str, Any]:
    def rows(*columns):
        return connection.execute(select(*columns).order_by(*_ORDER.get(columns[0].table.name, ())))

    settings = sorted(({"key": key, "value": value} for key, value in rows(_SETTINGS.c.key, _SETTINGS.c.value)),
                      key=lambda s: _natural(s["key"]))
    a, e, h = _ACTIONS.c, _EVIDENCE.c, _HISTORY.c
    actions = defaultdict(list)
    u = _UPDATES.c
    changes = defaultdict(list)
    for action_id, status, on, note, period, changed_by, changed_at in rows(
            u.action_id, u.status, u.on, u.note, u.period, u.changed_by, u.changed_at):
        changes[action_id].append({"status": status, "on": on.isoformat() if on is not None else None,
                                   "note": note, "period": period, "changed_by": changed_by,
                                   "changed_at": _when(changed_at)})
    for entry_id, *row in rows(a.entry_id, a.id, a.text, a.owner, a.due, a.status, a.rag,
                               a.updated_by, a.updated_at):
        action_id, text_, owner, due, status, rag, updated_by, updated_at = row
        actions[entry_id].append({
            "id": action_id, "text": text_, "owner": owner, "due": due.isoformat() if due is not None else None,
            "status": status, "rag": rag, "updated_by": updated_by, "updated_at": _when(updated_at),
            "updates": changes.pop(action_id, [])})
    evidence = defaultdict(list)
    for entry_id, url, title in rows(e.entry_id, e.url, e.title):
        evidence[entry_id].append({"url": url, "title": title})
    history = defaultdict(list)
    for entry_id, version, score, na, target, target_na, comment, changed_by, changed_at, snap, change, event_id \
            in rows(h.entry_id, h.version, h.score, h.not_applicable, h.target, h.target_not_applicable, h.comment,
                    h.changed_by, h.changed_at, h.snapshot, h.change, h.event_id):
        history[entry_id].append({
            "version": version, "score": _float(score), "not_applicable": bool(na), "target": _float(target),
            "target_not_applicable": bool(target_na), "comment": comment, "changed_by": changed_by,
            "changed_at": _when(changed_at), "snapshot": snap, "change": change, "event_id": event_id})
    d = _DRAFTS.c
    drafts = defaultdict(list)
    for assessment_id, person, tab, kind, item_id, base_version, fields, updated_at in rows(
            d.assessment_id, d.person, d.tab, d.kind, d.item_id, d.base_version, d.fields, d.updated_at):
        drafts[assessment_id].append({"person": person, "tab": tab, "kind": kind, "item_id": item_id,
                                      "base_version": base_version, "fields": fields,
                                      "updated_at": _when(updated_at)})
    v = _COVERING.c
    covering = defaultdict(list)
    for assessment_id, version, document, change, changed_by, changed_at in rows(
            v.assessment_id, v.version, v.document, v.change, v.changed_by, v.changed_at):
        covering[assessment_id].append({"version": version, "document": document, "change": change,
                                        "changed_by": changed_by, "changed_at": _when(changed_at)})

    rounds = _read_rounds(rows)

    c = _ENTRIES.c
    entries = defaultdict(list)
    for (entry_id, assessment_id, kind, item_id, score, na, target, target_na, target_period, comment, previous,
         carried, rating, value, no_data, version, updated_by, updated_at) in rows(
            c.id, c.assessment_id, c.kind, c.item_id, c.score, c.not_applicable, c.target, c.target_not_applicable,
            c.target_period, c.comment, c.previous_comment, c.carried, c.rating, c.value, c.no_data, c.version,
            c.updated_by, c.updated_at):
        entries[assessment_id].append({
            "kind": kind, "item_id": item_id, "score": _float(score), "not_applicable": bool(na),
            "target": _float(target), "target_not_applicable": bool(target_na), "target_period": target_period,
            "comment": comment,
            "previous_comment": previous, "carried": bool(carried),
            "rating": rating, "value": _float(value), "no_data": bool(no_data), "version": version,
            "updated_by": updated_by, "updated_at": _when(updated_at),
            "actions": actions.pop(entry_id, []), "evidence": evidence.pop(entry_id, []),
            "history": history.pop(entry_id, [])})

    c = _ASSESSMENTS.c
    assessments = defaultdict(list)
    for (assessment_id, org_id, record, period, framework_id, framework_version, status, created_at, decision,
         decision_date, minute, approved_by, approved_at, opted_by, opted_at) in rows(
            c.id, c.organisation_id, c.record, c.period, c.framework_id, c.framework_version, c.status, c.created_at,
            c.decision, c.decision_date, c.minute, c.approved_by, c.approved_at, c.peers_opted_in_by,
            c.peers_opted_in_at):
        assessments[org_id].append({
            "record": record, "period": period, "framework_id": framework_id, "framework_version": framework_version,
            "status": status, "created_at": _when(created_at), "decision": decision,
            "decision_date": decision_date.isoformat() if decision_date is not None else None,
            "minute": minute, "approved_by": approved_by, "approved_at": _when(approved_at),
            "peers_opted_in_by": opted_by, "peers_opted_in_at": _when(opted_at),
            "entries": sorted(entries.pop(assessment_id, []), key=_entry_order),
            "drafts": sorted(drafts.pop(assessment_id, []),
                             key=lambda x: (x["person"], x["kind"] != "objective", _natural(x["item_id"]))),
            "covering": covering.pop(assessment_id, []),
            "rounds": rounds.pop((org_id, record, period), [])})
    c = _BASELINES.c
    baselines = defaultdict(list)
    for org_id, objective_id, score, na in rows(c.organisation_id, c.objective_id, c.score, c.not_applicable):
        baselines[org_id].append({"objective_id": objective_id, "score": _float(score), "not_applicable": bool(na)})

    c = _EVENTS.c
    events = defaultdict(list)
    for event_id, org_id, record, period, kind, person, at, details in rows(
            c.id, c.organisation_id, c.record, c.period, c.kind, c.person, c.at, c.details):
        events[org_id].append({"id": event_id, "record": record, "period": period, "kind": kind, "person": person,
                               "at": _when(at), "details": details})

    c = _ORGS.c
    organisations = [{
        "id": org_id, "name": name, "type": type_, "region": region, "baseline_agreed": agreed,
        "source": source, "created_at": _when(created_at), "report_shape": shape,
        "baselines": sorted(baselines.pop(org_id, []), key=lambda b: _natural(b["objective_id"])),
        "events": events.pop(org_id, []),
        "assessments": sorted(assessments.pop(org_id, []),
                              key=lambda a: (a["record"], period_key(a["period"]), a["period"])),
    } for org_id, name, type_, region, agreed, source, created_at, shape in sorted(
        rows(c.id, c.name, c.type, c.region, c.baseline_agreed, c.source, c.created_at, c.report_shape),
        key=lambda r: _natural(r[0]))]

    c = _MEMBERSHIPS.c
    roles = defaultdict(list)
    for person_id, org_id, role, source in rows(c.person_id, c.organisation_id, c.role, c.source):
        roles[person_id].append({"organisation_id": org_id, "role": role, "source": source})
    c = _PEOPLE.c
    people = [{
        "email": email, "name": name, "issuer": issuer, "subject": subject,
        "administers_deployment": bool(deployment), "added_by": added_by, "added_at": _when(added_at),
        "last_signed_in": _when(last), "reminders": reminders is not False,
        "roles": sorted(roles.pop(person_id, []), key=lambda r: _natural(r["organisation_id"])),
    } for person_id, email, name, issuer, subject, deployment, added_by, added_at, last, reminders in sorted(
        rows(c.id, c.email, c.name, c.issuer, c.subject, c.administers_deployment, c.added_by, c.added_at,
             c.last_signed_in, c.reminders), key=lambda r: r[1])]
    c = _REMINDERS.c
    reminder_log = [{"day": day.isoformat(), "at": _when(at), "email": email, "outcome": outcome, "subject": subject,
                     "items": items, "reason": reason}
                    for day, at, email, outcome, subject, items, reason in rows(
                        c.day, c.at, c.email, c.outcome, c.subject, c["items"], c.reason)]   # (c.items: a method)
    c = _PEERS.c
    peers = [{"kind": kind, "name": name, "released_on": on.isoformat() if on is not None else None, "data": data,
              "made_by": by, "made_at": _when(at)}
             for kind, name, on, data, by, at in rows(c.kind, c.name, c.released_on, c.data, c.made_by, c.made_at)]

    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_revision": _database_revision(connection),
        "created_by": CREATED_BY,
        "counts": _count(settings, people, organisations, reminder_log, peers),
        "settings": settings,
        "people": people,
        "organisations": organisations,
        "reminder_log": reminder_log,
        "peers": peers,
    }


def _read_rounds(rows) -> dict[tuple[str, str, str], list[dict]]:
    """Each period's rounds (by organisation, record and period), in id order, each with its
    invitations (in the order made, each with its linked answer set, if any), its answer sets
    linked to no invitation (by their random ids: an order that says nothing) and its moderation."""
    r, i, p, m = _RESPONSES.c, _INVITATIONS.c, _ROUNDS.c, _MODERATIONS.c
    linked: dict[int, list[dict]] = defaultdict(list)
    unlinked: dict[int, list[dict]] = defaultdict(list)
    for response_id, round_id, invitation_id, department, perspectives, primary, submitted, answers in rows(
            r.id, r.round_id, r.invitation_id, r.department, r.perspectives, r.primary, r.submitted, r.answers):
        row = {"id": response_id, "department": department, "perspectives": perspectives, "primary": primary,
               "submitted": bool(submitted), "answers": answers}
        (linked[invitation_id] if invitation_id is not None else unlinked[round_id]).append(row)
    invitations: dict[int, list[dict]] = defaultdict(list)
    for (invitation_id, round_id, email, department, perspectives, primary, token_hash, expires_at, revoked_at,
         submitted, invited_by, invited_at) in rows(
            i.id, i.round_id, i.email, i.department, i.perspectives, i.primary, i.token_hash, i.expires_at,
            i.revoked_at, i.submitted, i.invited_by, i.invited_at):
        invitations[round_id].append({
            "email": email, "department": department, "perspectives": perspectives, "primary": primary,
            "token_hash": token_hash, "expires_at": _when(expires_at), "revoked_at": _when(revoked_at),
            "submitted": bool(submitted), "invited_by": invited_by, "invited_at": _when(invited_at),
            "responses": linked.pop(invitation_id, [])})
    moderations: dict[int, list[dict]] = defaultdict(list)
    for round_id, item_id, score, rationale, meeting, published, moderated_by, moderated_at in rows(
            m.round_id, m.item_id, m.score, m.rationale, m.meeting, m.published, m.moderated_by, m.moderated_at):
        moderations[round_id].append({"item_id": item_id, "score": _float(score), "rationale": rationale,
                                      "meeting": meeting, "published": published, "moderated_by": moderated_by,
                                      "moderated_at": _when(moderated_at)})
    rounds: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for (round_id, org_id, record, period, items, mode, k, state, closes, perspectives, opened_by, moderators,
         created_at, changed_at) in rows(p.id, p.organisation_id, p.record, p.period, p["items"], p.mode, p.k, p.state,
                                         p.closes, p.perspectives, p.opened_by, p.moderators, p.created_at,
                                         p.changed_at):
        rounds[(org_id, record, period)].append({
            "id": round_id, "items": items, "mode": mode, "k": k, "state": state, "closes": closes.isoformat(),
            "perspectives": perspectives, "opened_by": opened_by, "moderators": moderators,
            "created_at": _when(created_at),
            "changed_at": _when(changed_at), "invitations": invitations.pop(round_id, []),
            "responses": sorted(unlinked.pop(round_id, []), key=lambda x: x["id"]),
            "moderations": sorted(moderations.pop(round_id, []), key=lambda x: _natural(x["item_id"]))})
    return rounds


# Children come out of the database in the order they are written in: actions and evidence by
# id (the order the app shows them in), history and covering reports by version.
# (Every other list is sorted here, by natural keys.)
_ORDER = {"actions": (_ACTIONS.c.id,), "evidence": (_EVIDENCE.c.id,),
          "entry_history": (_HISTORY.c.version, _HISTORY.c.id), "events": (_EVENTS.c.id,),
          "covering_reports": (_COVERING.c.version, _COVERING.c.id),
          "reminder_log": (_REMINDERS.c.at, _REMINDERS.c.id), "rounds": (_ROUNDS.c.id,),
          "invitations": (_INVITATIONS.c.id,), "peers": (_PEERS.c.id,)}


@lru_cache(maxsize=4096)
def _natural(text_: str) -> tuple:
    return (natural_key(text_), text_)


def _entry_order(entry: dict) -> tuple:
    """Objectives first, then key areas (then any other kind), each in reading order."""
    return (entry["kind"] != "objective", entry["kind"], _natural(entry["item_id"]))


def _float(value) -> float | None:
    return None if value is None else float(value)


def _when(value: datetime | None) -> str | None:
    """Timezone-aware UTC with microseconds; SQLite hands back naive datetimes, which are UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.isoformat(timespec="microseconds") + "+00:00"
    return value.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _count(settings: list, people: list, organisations: list, reminder_log: list, peers: list) -> dict[str, int]:
    counts = dict.fromkeys(COUNTED, 0)
    counts["settings"] = len(settings)
    counts["reminder_log"] = len(reminder_log)
    counts["peers"] = len(peers)
    counts["people"] = len(people)
    counts["memberships"] = sum(len(p["roles"]) for p in people)
    counts["organisations"] = len(organisations)
    for org in organisations:
        counts["events"] += len(org["events"])
        counts["baselines"] += len(org["baselines"])
        counts["assessments"] += len(org["assessments"])
        for assessment in org["assessments"]:
            counts["entries"] += len(assessment["entries"])
            counts["drafts"] += len(assessment["drafts"])
            counts["covering_reports"] += len(assessment["covering"])
            for round_ in assessment["rounds"]:
                counts["rounds"] += 1
                counts["invitations"] += len(round_["invitations"])
                counts["responses"] += len(round_["responses"]) + sum(len(i["responses"])
                                                                      for i in round_["invitations"])
                counts["moderations"] += len(round_["moderations"])
            for entry in assessment["entries"]:
                counts["actions"] += len(entry["actions"])
                counts["action_updates"] += sum(len(a["updates"]) for a in entry["actions"])
                counts["evidence"] += len(entry["evidence"])
                counts["entry_history"] += len(entry["history"])
    return counts


# ====================================================================== schema revisions

def _scripts():
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest schema revision this version of the tool knows."""
    return _scripts().get_current_head()


def known_revisions() -> set[str]:
    return {script.revision for script in _scripts().walk_revisions()}


def _database_revision(connection: Connection) -> str:
    from alembic.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision() or head_revision()


# ====================================================================== restore

def restore(store, data: bytes, *, source: str = "backup.json") -> dict[str, int]:
    """Write a backup into an empty database in one transaction; return the counts restored.

    Refused, with nothing written, if the database holds anything, if the file is not a backup,
    was written by a newer version (format or schema revision), or has any problem in its content.
    `source` names the file in messages.
    """
    values = _check_size(data, source)
    data = _utf8(data, source)   # read as bytes: as text, it would be held twice over (four times, with an emoji)
    header_ = _header(data, source)
    _check_header(header_, source)
    checked = data
    if header_.get("format_version") < FORMAT_VERSION:   # an older format, read as the newest
        checked = orjson.dumps(_from_older(_loads(data, source), header_["format_version"]))
    found: list[Iterable[tuple[tuple, str]]] = []
    absent: frozenset[tuple] = frozenset()   # keys missing: located by the object they are missing from
    try:
        backup_ = _BACKUP.validate_json(checked)
    except ValidationError as exc:
        backup_ = None
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        found.append([(err["loc"], err["msg"]) for err in errors])
        absent = frozenset(err["loc"] for err in errors if err["type"] == "missing")
    raw = backup_ if backup_ is not None else _loads(checked, source) if values <= limits.BACKUP_CROSS_CHECKED else None
    if raw is not None:   # passes over every row in Python
        found += [_unknown_keys(raw, BackupData), _content_problems(raw), _scale_problems(raw),
                  _snapshot_problems(raw), _covering_problems(raw)]
    dialect = store.engine.dialect.name
    if backup_ is not None:
        found.append(_column_problems(backup_, dialect == "postgresql" and b"\\u0000" in data))
    problems = chain(*found)
    kept = list(islice(problems, limits.PROBLEMS_KEPT))
    if kept:   # the first `limits.PROBLEMS_KEPT` located, the rest counted
        more = sum(1 for _ in problems)
        raise InvalidBackup(source, sorted(located(data.decode("utf-8"), source, kept, absent),
                                           key=lambda p: (p.line or 0, p.where)), more)
    if backup_ is None:   # unreachable: a file pydantic refused has problems, raised above
        raise BackupError(f"{source} could not be read: nothing was restored")
    tables = _rows(backup_)
    with store.engine.connect().execution_options(writing=True) as connection:   # SQLite: the write lock first
        try:
            _refuse_if_not_empty(connection, source)
            _write(connection, tables)
            if dialect == "postgresql":
                _reset_sequences(connection)
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
    return {name: len(rows) for name, rows in tables.items()}


def _from_older(raw: Any, version: int) -> Any:
    """An older format's content as the newest. From 1: no target is n/a and there are no drafts.
    From 1 and 2: an action carried forward into later periods was copied there (`carried_from`);
    each chain of copies is folded into its first action, the copies' changes of status becoming
    its dated status changes (`migrations.legacy.merged_actions`, as migration 0003 does). From 1
    to 3: no people, roles, events or approvals, and history rows without a snapshot. From 1 to 4:
    drafts belong to no browser tab (`tab` ""). From 4 and 5: history snapshots held scores as
    numbers with n/a flags (`migrations.legacy.snapshot_from_numbers`, as migration 0008 does). From
    1 to 6: no report shape and no covering reports (as migration 0009 leaves a database). From 1 to
    7: every period and event is of the organisation's main record, and no entry is a plan's (as
    migration 0010 leaves a database). From 1 to 8: everyone is sent reminders, and none has been
    logged (as migration 0011 leaves a database). From 1 to 9: every role was given by hand (as
    migration 0012 leaves a database). From 1 to 10: no period has a round (as migration 0013 leaves
    a database). From 1 to 11: every round is moderated by its editors (as migration 0014 leaves a
    database)."""
    if not isinstance(raw, dict):
        return raw
    raw = {**raw, "format_version": FORMAT_VERSION}
    counts = raw.get("counts")
    removed = added = 0
    if version < 4:
        raw.setdefault("people", [])
    for org in _list(raw, "organisations"):
        if isinstance(org, dict) and version < 4:
            org.setdefault("events", [])
        if version < 8:
            for event in _list(org, "events"):
                if isinstance(event, dict):
                    event.setdefault("record", "")
        if isinstance(org, dict) and version < 7:
            org.setdefault("report_shape", None)
        owned = []   # (entry, action, period) of every well-formed action of the organisation
        for assessment in _list(org, "assessments"):
            _older_assessment(assessment, version)
            if version < 5:
                for draft in _list(assessment, "drafts"):
                    if isinstance(draft, dict):
                        draft.setdefault("tab", "")
            for entry in _list(assessment, "entries"):
                if isinstance(entry, dict) and version < 2:
                    entry.setdefault("target_not_applicable", False)
                if isinstance(entry, dict) and version < 8:
                    entry.update({"rating": entry.get("rating"), "value": entry.get("value"),
                                  "no_data": entry.get("no_data", False)})
                _older_history(_list(entry, "history"), version)
                owned += [(entry, action, assessment.get("period")) for action in _list(entry, "actions")
                          if isinstance(action, dict) and isinstance(action.get("id"), int)]
        if version < 3:
            gone, changed = _fold_copies(owned)
            removed, added = removed + gone, added + changed
    if isinstance(counts, dict) and version < 3:   # the header still says what the file held, less the copies folded in
        actions = counts.get("actions")
        counts = raw["counts"] = {**counts, "drafts": counts.get("drafts", 0), "action_updates": added,
                                  "actions": actions - removed if isinstance(actions, int)
                                  and not isinstance(actions, bool) else actions}
    if isinstance(counts, dict) and version < 4:
        counts = raw["counts"] = {"people": 0, "memberships": 0, **counts, "events": 0}
    if isinstance(counts, dict) and version < 7:
        raw["counts"] = {**counts, "covering_reports": counts.get("covering_reports", 0)}
    _older_reminders(raw, version)
    _older_roles(raw, version)
    _older_rounds(raw, version)
    _older_peers(raw, version)
    return raw


def _older_peers(raw: dict, version: int) -> None:
    """Formats 1 to 12 as the newest, in place: no clubs, releases or series (and nothing put forward:
    `_older_assessment`)."""
    if version >= 13:
        return
    raw.setdefault("peers", [])
    if isinstance(raw.get("counts"), dict):
        raw["counts"] = {**raw["counts"], "peers": raw["counts"].get("peers", 0)}


def _older_rounds(raw: dict, version: int) -> None:
    """Formats 1 to 11 as the newest, in place: no period has a round (1 to 10), and every round is
    moderated by its editors (11)."""
    if version == 11:
        for org in _list(raw, "organisations"):
            for assessment in _list(org, "assessments"):
                for round_ in _list(assessment, "rounds"):
                    if isinstance(round_, dict):
                        round_.setdefault("moderators", None)
    if version >= 11:
        return
    for org in _list(raw, "organisations"):
        for assessment in _list(org, "assessments"):
            if isinstance(assessment, dict):
                assessment.setdefault("rounds", [])
    if isinstance(raw.get("counts"), dict):
        raw["counts"] = {**raw["counts"], **{name: raw["counts"].get(name, 0)
                                             for name in ("rounds", "invitations", "responses", "moderations")}}


def _older_roles(raw: dict, version: int) -> None:
    """Formats 1 to 9 as the newest, in place: every role was given by hand."""
    if version >= 10:
        return
    for person in _list(raw, "people"):
        for role in _list(person, "roles"):
            if isinstance(role, dict):
                role.setdefault("source", "hand")


def _older_reminders(raw: dict, version: int) -> None:
    """Formats 1 to 8 as the newest, in place: everyone is sent reminders, and none is logged."""
    if version >= 9:
        return
    raw.setdefault("reminder_log", [])
    for person in _list(raw, "people"):
        if isinstance(person, dict):
            person.setdefault("reminders", True)
    if isinstance(raw.get("counts"), dict):
        raw["counts"] = {**raw["counts"], "reminder_log": raw["counts"].get("reminder_log", 0)}


def _older_assessment(assessment: Any, version: int) -> None:
    """A period of an older format as the newest, in place (its own keys; its rows are the caller's)."""
    if not isinstance(assessment, dict):
        return
    if version < 2:
        assessment.setdefault("drafts", [])
    if version < 4:
        for key in ("decision", "decision_date", "minute", "approved_by", "approved_at"):
            assessment.setdefault(key, None)
    if version < 7:
        assessment.setdefault("covering", [])
    if version < 8:
        assessment.setdefault("record", "")
    if version < 13:
        assessment.setdefault("peers_opted_in_by", None)
        assessment.setdefault("peers_opted_in_at", None)


def _older_history(rows: list, version: int) -> None:
    """An entry's history rows of an older format as the newest, in place."""
    for row in rows:
        if not isinstance(row, dict):
            continue
        if version < 2:
            row.setdefault("target_not_applicable", False)
        if version < 4:
            row.update({k: row.get(k) for k in ("snapshot", "change", "event_id")})
        if version < 6 and isinstance(row.get("snapshot"), str):
            row["snapshot"] = snapshot_from_numbers(row["snapshot"])


def _fold_copies(owned: list[tuple[dict, dict, Any]]) -> tuple[int, int]:
    """Fold copies into first actions, in place; (copies removed, status changes added)."""
    rows = [{**action, "period": period, "updated_at": _parsed_time(action.get("updated_at"))}
            for _, action, period in owned]
    kept, changes = merged_actions(rows)
    kept_ids = {a["id"] for a in kept}
    by_id = {a["id"]: a for a in kept}
    for entry, action, _ in owned:
        if action["id"] not in kept_ids:
            entry["actions"] = [a for a in entry["actions"] if a is not action]
            continue
        first = by_id[action["id"]]
        action.pop("carried_from", None)
        action.update(status=first["status"], owner=first["owner"], due=first["due"], rag=first["rag"],
                      updates=[{"status": c["status"], "on": c["on"].isoformat() if c["on"] else None, "note": None,
                                "period": c["period"], "changed_by": c["changed_by"],
                                "changed_at": action.get("updated_at") if c["changed_at"] is None else
                                c["changed_at"].isoformat()} for c in changes if c["action_id"] == action["id"]])
    return len(owned) - len(kept), len(changes)


def _parsed_time(text_: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(text_) if isinstance(text_, str) else None
    except ValueError:
        return None


def _check_size(data: bytes, source: str) -> int:
    """Refuse a file too big, or one that asks too much work, before it is decoded or parsed; else
    the values it holds at most. They are counted as commas and opening brackets (every value but
    a container's first follows a comma) with bytes.count: parsing costs about 30 bytes a value
    before anything is checked. A real backup is mostly names, text and spaces, so its values are
    held to `limits.BACKUP_VALUES_PER_KB` of the file (or `limits.BACKUP_VALUES_FLOOR`) as well as
    to `limits.BACKUP_VALUES` in all, and its objects (each a row, made a dict and walked in
    Python) to `limits.BACKUP_OBJECTS_PER_KB` (or `limits.BACKUP_OBJECTS_FLOOR`): 20 MB of zeros
    is refused here, not parsed. No object may have more than `limits.BACKUP_KEYS` keys: pydantic
    looks for each field among them and copies the object into each error (a million keys took 7 s
    and 1.2 GB)."""
    too_big = limits.backup_too_big(source, len(data))
    if too_big:
        raise BackupError(too_big)
    objects = data.count(b"{")
    values = data.count(b",") + data.count(b"[") + objects
    if values > limits.BACKUP_VALUES:
        raise BackupError(f"{source} holds more than {limits.BACKUP_VALUES:,} values (counted by their commas and "
                          f"brackets); backups of up to {limits.BACKUP_VALUES:,} are read (a 400-organisation, "
                          "10-period backup holds 4.8 million): nothing was restored")
    for found, what, counted, floor, per_kb, real in (
            (values, "values", "their commas and brackets", limits.BACKUP_VALUES_FLOOR, limits.BACKUP_VALUES_PER_KB,
             35),
            (objects, "objects", "their opening braces", limits.BACKUP_OBJECTS_FLOOR, limits.BACKUP_OBJECTS_PER_KB,
             2)):
        if found > max(floor, len(data) * per_kb // 1024):
            raise BackupError(f"{source} holds {found:,} {what} in {len(data) / 2**20:,.1f} MB (counted by {counted}), "
                              f"{found * 1024 // len(data):,} a KB; backups are read with up to {per_kb} {what} a KB, "
                              f"or {floor:,} in all where that is more (a backup as this tool writes it holds {real} "
                              "a KB): nothing was restored")
    keys = widest_object(data, limits.BACKUP_DEPTH)
    if keys is not None and keys > limits.BACKUP_KEYS:
        raise BackupError(f"{source} holds an object with {keys:,} keys; objects of up to {limits.BACKUP_KEYS} keys "
                          "are read (a backup's widest, an entry, has 16): nothing was restored")
    return values


def _utf8(data: bytes, source: str) -> bytes:
    """`data`, without a byte order mark, once it is known to be UTF-8: decoded a piece at a time
    (each cut just before an ASCII byte, so never inside a character) and let go."""
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    start = bom
    with memoryview(data) as view:
        while start < len(data):
            cut = _ASCII.search(data, start + _UTF8_PIECE)
            end = cut.start() if cut else len(data)
            try:
                str(view[start:end], "utf-8")
            except UnicodeDecodeError as exc:
                at = start + exc.start
                line = data.count(b"\n", 0, at) + 1
                raise BackupError(f"{source}:{line}: not UTF-8 text (byte 0x{data[at]:02x}): "
                                  "nothing was restored") from None
            start = end
    return data[bom:] if bom else data


_ASCII = re.compile(rb"[\x00-\x7f]")
_UTF8_PIECE = 16 * 2**20


def _header(text_: bytes, source: str) -> Any:
    """The header's three keys (parsing the whole text once, quickly, with pydantic's reader, which
    stops at `limits.BACKUP_DEPTH` levels and at integers of over 4,300 digits); None if the text
    is JSON but not an object. Text that is not JSON is reported with Python's own JSON message."""
    try:
        return _HEADER.validate_json(text_)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        if error["type"] != "json_invalid":
            return None
        raise _not_json(text_, source, error["ctx"]["error"]) from None


_AT = re.compile(r"(.*) at line (\d+) column (\d+)$")


def _not_json(text_: bytes, source: str, reason: str) -> BackupError:
    """Why the text is not JSON, located: nesting or a number pydantic's reader stops at, in words
    of its own; else Python's message, which says what was expected where."""
    found = _AT.match(reason)
    what, line, column = found.groups() if found else (reason, "1", "1")
    if what == "recursion limit exceeded":
        return BackupError(f"{source}:{line}: nested more than {limits.BACKUP_DEPTH} levels deep (a backup nests 11): "
                           "nothing was restored")
    if what == "number out of range":
        return BackupError(f"{source}:{line}: the number at column {column} is too long to be read: nothing was "
                           "restored")
    return _python_message(text_, source, int(line), int(column)) or BackupError(
        f"{source}:{line}: not valid JSON ({what}, column {column}): nothing was restored")


def _python_message(text_: bytes, source: str, line: int, column: int) -> BackupError | None:
    """Python's reader's account of text that is not JSON, which says what was expected where (for
    NaN and Infinity, which it reads without saying where, the place `line` and `column` found)."""
    try:
        json.loads(text_, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        line, column = (line, column) if exc.msg.endswith(_NOT_A_NUMBER) else (exc.lineno, exc.colno)
        return BackupError(f"{source}:{line}: not valid JSON ({exc.msg}, column {column}): nothing was restored")
    except (RecursionError, ValueError):
        pass   # stopped by what the caller's reader reported first
    return None


def _loads(text_: bytes, source: str) -> Any:
    """The text as Python data, read by orjson, which refuses NaN, Infinity and numbers too big for
    a float (1e400) where Python's reader would make them infinite (and orjson write them back as
    null): the text has passed `_header`, so its nesting and integers are within bounds."""
    try:
        return orjson.loads(text_)
    except orjson.JSONDecodeError as exc:
        if "infinity" in exc.msg:
            raise BackupError(f"{source}:{exc.lineno}: the number at column {exc.colno} is too big to be held: "
                              "nothing was restored") from None
        raise _python_message(text_, source, exc.lineno, exc.colno) or BackupError(
            f"{source}:{exc.lineno}: not valid JSON ({exc.msg}, column {exc.colno}): nothing was restored") from None


_NOT_A_NUMBER = " is not a JSON number"


def _no_constant(name: str):
    raise json.JSONDecodeError(name + _NOT_A_NUMBER, "", 0)


def _check_header(raw: Any, source: str) -> None:
    found = raw.get("format") if isinstance(raw, dict) else None
    if found != FORMAT:
        what = f"its \"format\" is {_shown(found)}" if found is not None \
            else "it has no \"format\""
        raise BackupError(f"{source} is not a backup made by this tool ({what}; expected \"{FORMAT}\"): "
                          "nothing was restored")
    version = raw.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise BackupError(f"{source}: \"format_version\" must be a whole number from 1 (found "
                          f"{_shown(version)}): nothing was restored")
    if version > FORMAT_VERSION:
        raise BackupError(f"{source} was written by a newer version of this tool (format {_shown(version)}; "
                          f"this version reads format {FORMAT_VERSION}): nothing was restored")
    revision = raw.get("schema_revision")
    if isinstance(revision, str) and revision not in known_revisions():
        raise BackupError(f"{source} was written by a newer version of this tool (database schema revision "
                          f"{revision[:60]}; this version knows revisions up to {head_revision()}): "
                          "nothing was restored")


def _shown(value: Any) -> str:
    """A value from the file as JSON, cut to one short line (it may be a string of megabytes)."""
    shown = json.dumps(value, ensure_ascii=False)
    return shown if len(shown) <= 60 else shown[:60] + "…"


def _content_problems(raw: Any) -> list[tuple[tuple, str]]:
    """What pydantic cannot see: natural keys given twice, links to actions not in the file, and
    counts in the header that the rows do not add up to. Read from the raw data (with care, as it
    may also have type problems) so that every problem is reported at once."""
    problems: list[tuple[tuple, str]] = []
    counts = dict.fromkeys(COUNTED, 0)
    settings = _list(raw, "settings")
    counts["settings"] = len(settings)
    reminder_log = _list(raw, "reminder_log")
    counts["reminder_log"] = len(reminder_log)
    counts["peers"] = len(_list(raw, "peers"))
    problems += [(("reminder_log", i, "outcome"), f"{_shown(outcome)} is not an outcome (\"sent\" or \"failed\")")
                 for i, row in enumerate(reminder_log)
                 if (outcome := _field(row, "outcome")) is not None and outcome not in ("sent", "failed")]
    problems += _duplicates((("settings", i, "key"), _field(s, "key")) for i, s in enumerate(settings))
    people = _list(raw, "people")
    counts["people"] = len(people)
    problems += _duplicates((("people", i, "email"), _field(p, "email")) for i, p in enumerate(people))
    for i, person in enumerate(people):
        roles = _list(person, "roles")
        counts["memberships"] += len(roles)
        problems += _duplicates((("people", i, "roles", r, "organisation_id"), _field(x, "organisation_id"))
                                for r, x in enumerate(roles))
    organisations = _list(raw, "organisations")
    counts["organisations"] = len(organisations)
    problems += _duplicates((("organisations", i, "id"), _field(o, "id")) for i, o in enumerate(organisations))
    known_orgs = {_field(o, "id") for o in organisations}
    for i, person in enumerate(people):
        for r, x in enumerate(_list(person, "roles")):
            if _field(x, "organisation_id") is not None and x["organisation_id"] not in known_orgs:
                problems.append((("people", i, "roles", r, "organisation_id"),
                                 f"no organisation '{x['organisation_id']}' in the file"))
    action_ids: dict[int, tuple] = {}
    event_ids: dict[int, tuple] = {}
    round_ids: dict[int, tuple] = {}
    hashes: list[tuple[tuple, Any]] = []
    response_ids: list[tuple[tuple, Any]] = []
    for o, org in enumerate(organisations):
        at = ("organisations", o)
        events = _list(org, "events")
        counts["events"] += len(events)
        for n, event_ in enumerate(events):
            event_id = _field(event_, "id", int)
            if event_id in event_ids:
                problems.append(((*at, "events", n, "id"), f"event id {event_id} appears twice "
                                                           f"(first at {path(event_ids[event_id])})"))
            elif event_id is not None:
                event_ids[event_id] = (*at, "events", n)
        baselines, assessments = _list(org, "baselines"), _list(org, "assessments")
        counts["baselines"] += len(baselines)
        counts["assessments"] += len(assessments)
        problems += _duplicates(((*at, "baselines", b, "objective_id"), _field(base, "objective_id"))
                                for b, base in enumerate(baselines))
        problems += _duplicates(((*at, "assessments", a, "period"), _period_of_record(assessment))
                                for a, assessment in enumerate(assessments))
        problems += [((*at, "assessments", a, "record"), _not_a_record(_field(assessment, "record")))
                     for a, assessment in enumerate(assessments)
                     if _field(assessment, "record") not in (None, *RECORDS)]
        for a, assessment in enumerate(assessments):
            at_a = (*at, "assessments", a)
            entries = _list(assessment, "entries")
            counts["entries"] += len(entries)
            drafts = _list(assessment, "drafts")
            counts["drafts"] += len(drafts)
            covering = _list(assessment, "covering")
            counts["covering_reports"] += len(covering)
            versions: dict[int, int] = {}
            for v, row in enumerate(covering):
                version = _field(row, "version", int)
                if version in versions:
                    problems.append(((*at_a, "covering", v, "version"),
                                     f"version {version} appears twice (first at "
                                     f"{path((*at_a, 'covering', versions[version], 'version'))})"))
                elif version is not None:
                    versions[version] = v
            problems += _rounds_problems(_list(assessment, "rounds"), at_a, counts, round_ids, hashes, response_ids)
            problems += _duplicates(((*at_a, "drafts", d, "item_id"),
                                     (_field(x, "person"), _field(x, "tab"), _field(x, "kind"), _field(x, "item_id")))
                                    for d, x in enumerate(drafts))
            keys = [(_field(entry, "kind"), _field(entry, "item_id")) for entry in entries]
            if len(set(keys)) < len(keys):
                problems += _duplicates(((*at_a, "entries", e, "item_id"), key) for e, key in enumerate(keys))
            for e, entry in enumerate(entries):
                actions = _list(entry, "actions")
                counts["evidence"] += len(_list(entry, "evidence"))
                counts["entry_history"] += len(_list(entry, "history"))
                if not actions:
                    continue
                counts["actions"] += len(actions)
                for n, action in enumerate(actions):
                    where = (*at_a, "entries", e, "actions", n)
                    counts["action_updates"] += len(_list(action, "updates"))
                    action_id = _field(action, "id", int)
                    if action_id in action_ids:
                        problems.append(((*where, "id"), f"action id {action_id} appears twice "
                                                         f"(first at {path(action_ids[action_id])})"))
                    elif action_id is not None:
                        action_ids[action_id] = where
    problems += _duplicates(hashes)
    problems += _duplicates(response_ids)
    stated = raw.get("counts")
    if isinstance(stated, dict):
        problems += _count_problems(stated, counts)
    return problems


def _rounds_problems(rounds: list, at_a: tuple, counts: dict[str, int], round_ids: dict[int, tuple],
                     hashes: list[tuple[tuple, Any]], response_ids: list[tuple[tuple, Any]]) -> list[tuple[tuple, str]]:
    """A period's rounds (`_round_problems`)."""
    return [problem for n, round_ in enumerate(rounds)
            for problem in _round_problems(round_, (*at_a, "rounds", n), counts, round_ids, hashes, response_ids)]


def _round_problems(round_: Any, at: tuple, counts: dict[str, int], round_ids: dict[int, tuple],
                    hashes: list[tuple[tuple, Any]], response_ids: list[tuple[tuple, Any]]) -> list[tuple[tuple, str]]:
    """A round's rows counted, its id and its links' hashes and answer sets' ids noted (each unique in
    the file), and what the nesting may not say: an invitation has at most one answer set, and in an
    anonymous round a submitted answer set is linked to no invitation."""
    problems: list[tuple[tuple, str]] = []
    counts["rounds"] += 1
    round_id = _field(round_, "id", int)
    if round_id in round_ids:
        problems.append(((*at, "id"), f"round id {round_id} appears twice (first at {path(round_ids[round_id])})"))
    elif round_id is not None:
        round_ids[round_id] = at
    anonymous = _field(round_, "mode") == "anonymous"
    for n, response in enumerate(_list(round_, "responses")):
        response_ids.append(((*at, "responses", n, "id"), _field(response, "id")))
    counts["responses"] += len(_list(round_, "responses"))
    counts["moderations"] += len(_list(round_, "moderations"))
    problems += _duplicates(((*at, "moderations", n, "item_id"), _field(m, "item_id"))
                            for n, m in enumerate(_list(round_, "moderations")))
    for i, invitation in enumerate(_list(round_, "invitations")):
        counts["invitations"] += 1
        where = (*at, "invitations", i)
        hashes.append(((*where, "token_hash"), _field(invitation, "token_hash")))
        linked = _list(invitation, "responses")
        counts["responses"] += len(linked)
        if len(linked) > 1:
            problems.append(((*where, "responses"), "an invitation has one answer set at most"))
        for n, response in enumerate(linked):
            response_ids.append(((*where, "responses", n, "id"), _field(response, "id")))
            if anonymous and _field(response, "submitted", bool):
                problems.append(((*where, "responses", n), "a submitted answer set of an anonymous round is "
                                 "linked to no invitation: it belongs in the round's own \"responses\""))
    return problems


def _scale_problems(raw: Any) -> Iterator[tuple[tuple, str]]:
    """Scores, targets and baselines that are not on their framework's scale (7, 0, -1 or 2.7 where
    the levels are 1 to 5 with half steps between): each number is read by `scores.parse_score`, as
    a score typed in is, against the framework its period was scored against; a baseline against
    the first of its organisation's frameworks (the latest period's first) that has its objective.
    A half step between two levels is on the scale, whether or not its key area now takes half
    steps (a framework may have changed that since it was saved). A framework this deployment does
    not have cannot say its scale, and is not checked against. Read from the raw data, with care, as
    `_content_problems` is; each distinct number is read once per framework."""
    frameworks: dict[str, Framework | None] = {}
    said: dict[tuple, str | None] = {}

    def framework(framework_id: Any) -> Framework | None:
        if type(framework_id) is not str:
            return None
        if framework_id not in frameworks:
            frameworks[framework_id] = _installed_framework(framework_id)
        return frameworks[framework_id]

    def off_scale(row: Any, key: str, against: Framework | None) -> str | None:
        value = row.get(key) if type(row) is dict else None
        if against is None or type(value) not in (int, float):   # not a number: pydantic says so
            return None
        if type(value) is float and value.is_integer():   # 7 or 7.0 (as pydantic reads it): shown as 7
            value = int(value)
        known = (id(against), value)
        if known not in said:
            try:
                parse_score(value, against, half_steps=True)
                said[known] = None
            except ScoreError as exc:
                said[known] = str(exc)
        return said[known]

    for o, org in enumerate(_list(raw, "organisations")):
        at = ("organisations", o)
        assessments = _list(org, "assessments")
        ids = [_field(a, "framework_id") for a in reversed(assessments)] or [DEFAULT_FRAMEWORK]
        own = [f for f in map(framework, dict.fromkeys(ids)) if f is not None]
        for b, base in enumerate(_list(org, "baselines")):
            objective = _field(base, "objective_id")
            against = next((f for f in own if objective in f.objectives), own[0] if own else None)
            if message := off_scale(base, "score", against):
                yield (*at, "baselines", b, "score"), message
        for a, assessment in enumerate(assessments):
            against = framework(_field(assessment, "framework_id"))
            if against is None:
                continue
            for e, entry in enumerate(_list(assessment, "entries")):
                at_e = (*at, "assessments", a, "entries", e)
                for key in ("score", "target"):
                    if message := off_scale(entry, key, against):
                        yield (*at_e, key), message
                for h, row in enumerate(_list(entry, "history")):
                    for key in ("score", "target"):
                        if message := off_scale(row, key, against):
                            yield (*at_e, "history", h, key), message


def _snapshot_problems(raw: Any) -> Iterator[tuple[tuple, str]]:
    """History snapshots that are not the record schema's entry (each is JSON text in the file)."""
    for o, org in enumerate(_list(raw, "organisations")):
        for a, assessment in enumerate(_list(org, "assessments")):
            for e, entry in enumerate(_list(assessment, "entries")):
                for h, row in enumerate(_list(entry, "history")):
                    text = _field(row, "snapshot")
                    if text is None:
                        continue
                    try:
                        entry_from_snapshot(text, "", "")
                    except (ValidationError, ScoreError) as exc:
                        yield ("organisations", o, "assessments", a, "entries", e, "history", h, "snapshot"), \
                            _not_a_snapshot(exc)


def _not_a_snapshot(exc: ValidationError | ScoreError) -> str:
    if isinstance(exc, ScoreError):
        return str(exc)
    first = exc.errors(include_url=False, include_context=False, include_input=False)[0]
    where = ".".join(str(part) for part in first["loc"])
    return "is not a saved entry in the record schema's shape (" + (f"{where}: " if where else "") + f"{first['msg']})"


def _covering_problems(raw: Any) -> Iterator[tuple[tuple, str]]:
    """Report shapes and covering reports that are not what the tool keeps (each is JSON text in the
    file): the shape of `formats.covering_file` (`ShapeModel`, `CoveringModel`), then the domain's
    checks (`shape_problems`, `covering_found`), each named with where in the text it is."""
    for o, org in enumerate(_list(raw, "organisations")):
        at = ("organisations", o)
        text_ = _field(org, "report_shape")
        if text_ is not None:
            try:
                shape = shape_from_model(ShapeModel.model_validate_json(text_))
            except ValidationError as exc:
                yield (*at, "report_shape"), _not_in_shape(exc, "a report shape as the tool keeps one")
            else:
                yield from (((*at, "report_shape"), message) for message in shape_problems(shape))
        for a, assessment in enumerate(_list(org, "assessments")):
            for v, row in enumerate(_list(assessment, "covering")):
                text_ = _field(row, "document")
                if text_ is None:
                    continue
                where = (*at, "assessments", a, "covering", v, "document")
                try:
                    report = covering_from_model(CoveringModel.model_validate_json(text_))
                except ValidationError as exc:
                    yield where, _not_in_shape(exc, "a covering report in the report-text file's shape")
                    continue
                yield from ((where, f"{path(inner)}: {message}" if inner else message)
                            for inner, message in covering_found(report))


def _not_in_shape(exc: ValidationError, what: str) -> str:
    first = exc.errors(include_url=False, include_context=False, include_input=False)[0]
    where = path(first["loc"]) if first["loc"] else ""
    return f"is not {what} (" + (f"{where}: " if where else "") + f"{first['msg']})"


_FRAMEWORK_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def _installed_framework(framework_id: str) -> Framework | None:
    """The framework of this id in frameworks/, or None where there is none (or it has problems). Only
    an id is looked up: a backup naming a path (../x.yaml) is not a way to have a file read."""
    if not _FRAMEWORK_ID.fullmatch(framework_id) or framework_id.lower().endswith((".yaml", ".yml")):
        return None
    try:
        return find_framework(framework_id)
    except AssessmentError:
        return None


def _unknown_keys(value: Any, shape: Any, loc: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Keys the file's shape does not have, in `value` (a row of typed dict `shape`) and its rows."""
    if type(value) is not dict:
        return
    keys, rows = _shape(shape)
    if not value.keys() <= keys:
        yield from (((*loc, key), "Extra inputs are not permitted") for key in value if key not in keys)
    for key, row_shape in rows:
        for i, row in enumerate(_list(value, key)):
            yield from _unknown_keys(row, row_shape, (*loc, key, i))


@lru_cache(maxsize=16)
def _shape(shape: Any) -> tuple[set[str], list[tuple[str, Any]]]:
    """A typed dict's keys, and those that hold rows with the typed dict of the rows."""
    hints = get_type_hints(shape, include_extras=True)
    rows = [(key, inner[0]) for key, hint in hints.items() if get_origin(hint) is Annotated
            and (inner := get_args(get_args(hint)[0])) and is_typeddict(inner[0])]
    return set(hints), rows


def _list(obj: Any, key: str) -> list:
    value = obj.get(key) if type(obj) is dict else None
    return value if type(value) is list else []


def _field(obj: Any, key: str, kind: type = str) -> Any:
    """The value if it has the right type (else None: pydantic reports it)."""
    value = obj.get(key) if type(obj) is dict else None
    return value if type(value) is kind else None


def _count_problems(stated: dict, found: dict[str, int]) -> Iterable[tuple[tuple, str]]:
    """The header's counts against the rows: a file cut short (or edited) does not add up."""
    for name in COUNTED:
        said = stated.get(name)
        if said != found[name] and (said is None or isinstance(said, int)):
            said_text = "nothing" if said is None else _shown(said)
            yield ("counts", name), (f"the header says {said_text} but the file holds {found[name]} "
                                     "(was the file cut short or edited?)")
    for name in sorted(set(stated) - set(COUNTED)):
        yield ("counts", name), f"unknown count (known: {', '.join(COUNTED)})"


def _not_a_record(record: Any) -> str:
    return f"'{_shown(record)}' is not a record; an organisation keeps its scores (\"\") and a plan (\"plan\")"


def _period_of_record(assessment: Any) -> Any:
    """A period as it is unique: by its name within its record ("2024"; the plan's "2024 of the plan")."""
    period, record = _field(assessment, "period"), _field(assessment, "record")
    return f"{period} of the {record}" if period is not None and record else period


def _duplicates(keyed: Iterable[tuple[tuple, Any]]) -> Iterable[tuple[tuple, str]]:
    first: dict[Any, tuple] = {}
    said: dict[Any, str] = {}   # the message for each key given twice, made once
    for where, key in keyed:
        if key is None or (isinstance(key, tuple) and None in key):
            continue
        if key not in first:
            first[key] = where
            continue
        if key not in said:
            shown = " ".join(key) if isinstance(key, tuple) else key
            said[key] = f"'{shown}' appears twice (first at {path(first[key])})"
        yield where, said[key]


_LIMITS: dict[type, dict[str, int]] = {
    shape: {name: getattr(_table.columns[name].type, "length", 0) for name in shape.__annotations__
            if name in _table.columns and getattr(_table.columns[name].type, "length", None)}
           for shape, _table in ((SettingData, _SETTINGS), (OrganisationData, _ORGS), (BaselineData, _BASELINES),
                                 (AssessmentData, _ASSESSMENTS), (EntryData, _ENTRIES), (ActionData, _ACTIONS),
                                 (EvidenceData, _EVIDENCE), (HistoryData, _HISTORY), (DraftData, _DRAFTS),
                                 (ActionUpdateData, _UPDATES), (EventData, _EVENTS), (PersonData, _PEOPLE),
                                 (MembershipData, _MEMBERSHIPS), (CoveringData, _COVERING),
                                 (ReminderData, _REMINDERS), (RoundData, _ROUNDS), (InvitationData, _INVITATIONS),
                                 (ResponseData, _RESPONSES), (ModerationData, _MODERATIONS), (PeerData, _PEERS))}


def _column_problems(backup_: BackupData, may_hold_nul: bool) -> Iterable[tuple[tuple, str]]:
    """Text longer than its column (PostgreSQL enforces lengths, SQLite does not: both refuse it here,
    so a backup always moves between them) and, for PostgreSQL, the NUL character it cannot store."""
    def check(row: Mapping[str, Any], shape: type, where: tuple) -> Iterator[tuple[tuple, str]]:
        for name, limit in _LIMITS[shape].items():
            value = row[name]
            if value is not None and len(value) > limit:
                yield (*where, name), limits.too_long("the text", value, limit) or ""
        if may_hold_nul:
            for name, value in row.items():
                if isinstance(value, str) and "\x00" in value:
                    yield (*where, name), "contains the NUL character (\\u0000), which PostgreSQL cannot store"

    def each(rows: Iterable[Mapping[str, Any]], shape: type, where: tuple) -> Iterator[tuple[tuple, str]]:
        for n, row in enumerate(rows):
            yield from check(row, shape, (*where, n))

    yield from each(backup_["settings"], SettingData, ("settings",))
    yield from each(backup_["reminder_log"], ReminderData, ("reminder_log",))
    yield from each(backup_["peers"], PeerData, ("peers",))
    for i, person in enumerate(backup_["people"]):
        yield from check(person, PersonData, ("people", i))
        yield from each(person["roles"], MembershipData, ("people", i, "roles"))
    for o, org in enumerate(backup_["organisations"]):
        at = ("organisations", o)
        yield from check(org, OrganisationData, at)
        yield from each(org["events"], EventData, (*at, "events"))
        yield from each(org["baselines"], BaselineData, (*at, "baselines"))
        for a, assessment in enumerate(org["assessments"]):
            at_a = (*at, "assessments", a)
            yield from check(assessment, AssessmentData, at_a)
            yield from each(assessment["drafts"], DraftData, (*at_a, "drafts"))
            yield from each(assessment["covering"], CoveringData, (*at_a, "covering"))
            for n, round_ in enumerate(assessment["rounds"]):
                at_r = (*at_a, "rounds", n)
                yield from check(round_, RoundData, at_r)
                yield from each(round_["responses"], ResponseData, (*at_r, "responses"))
                yield from each(round_["moderations"], ModerationData, (*at_r, "moderations"))
                for i, invitation in enumerate(round_["invitations"]):
                    yield from check(invitation, InvitationData, (*at_r, "invitations", i))
                    yield from each(invitation["responses"], ResponseData, (*at_r, "invitations", i, "responses"))
            for e, entry in enumerate(assessment["entries"]):
                at_e = (*at_a, "entries", e)
                yield from check(entry, EntryData, at_e)
                yield from each(entry["actions"], ActionData, (*at_e, "actions"))
                yield from each(entry["evidence"], EvidenceData, (*at_e, "evidence"))
                yield from each(entry["history"], HistoryData, (*at_e, "history"))
                for n, action in enumerate(entry["actions"]):
                    yield from each(action["updates"], ActionUpdateData, (*at_e, "actions", n, "updates"))


def _rows(backup_: BackupData) -> dict[str, list[dict]]:
    """The rows to insert, table by table, with assessment/entry/evidence/history/draft/covering ids
    numbered in file order and action ids as written; times in UTC."""
    tables: dict[str, list[dict]] = {name: [] for name in COUNTED}
    tables["settings"] = [dict(s) for s in backup_["settings"]]
    tables["reminder_log"] = [{**r, "id": n, "at": _in_utc(r["at"])} for n, r in enumerate(backup_["reminder_log"], 1)]
    tables["peers"] = [{**r, "id": n, "made_at": _in_utc(r["made_at"])} for n, r in enumerate(backup_["peers"], 1)]
    assessments, entries, actions = tables["assessments"], tables["entries"], tables["actions"]
    evidence, history = tables["evidence"], tables["entry_history"]
    for person in backup_["people"]:
        person_id = len(tables["people"]) + 1
        tables["people"].append({key: value for key, value in person.items() if key != "roles"}
                                | {"id": person_id, "added_at": _in_utc(person["added_at"]),
                                   "last_signed_in": _in_utc(person["last_signed_in"])})
        tables["memberships"].extend({"person_id": person_id, **role} for role in person["roles"])
    for org in backup_["organisations"]:
        org_id = org["id"]
        tables["organisations"].append({key: value for key, value in org.items()
                                        if key not in ("baselines", "events", "assessments")}
                                       | {"created_at": _in_utc(org["created_at"])})
        tables["baselines"].extend({"organisation_id": org_id, **b} for b in org["baselines"])
        tables["events"].extend({**e, "organisation_id": org_id, "at": _in_utc(e["at"])} for e in org["events"])
        for assessment in org["assessments"]:
            assessment_id = len(assessments) + 1
            kept = {key: value for key, value in assessment.items()
                    if key not in ("entries", "drafts", "covering", "rounds")}
            assessments.append(kept | {"id": assessment_id, "organisation_id": org_id,
                                      "created_at": _in_utc(assessment["created_at"]),
                                      "approved_at": _in_utc(assessment["approved_at"]),
                                      "peers_opted_in_at": _in_utc(assessment["peers_opted_in_at"])})
            for draft in assessment["drafts"]:
                tables["drafts"].append({**draft, "id": len(tables["drafts"]) + 1, "assessment_id": assessment_id,
                                         "updated_at": _in_utc(draft["updated_at"])})
            for round_ in assessment["rounds"]:
                _round_rows(tables, round_, org_id, assessment["record"], assessment["period"])
            for version in assessment["covering"]:
                tables["covering_reports"].append({**version, "id": len(tables["covering_reports"]) + 1,
                                                   "assessment_id": assessment_id,
                                                   "changed_at": _in_utc(version["changed_at"])})
            for entry in assessment["entries"]:
                entry_id = len(entries) + 1
                row: dict[str, Any] = dict(entry)
                its_actions, its_evidence, its_history = row.pop("actions"), row.pop("evidence"), row.pop("history")
                row.update(id=entry_id, assessment_id=assessment_id, updated_at=_in_utc(entry["updated_at"]))
                entries.append(row)
                for a in its_actions:
                    actions.append({key: value for key, value in a.items() if key != "updates"}
                                   | {"entry_id": entry_id, "updated_at": _in_utc(a["updated_at"])})
                    tables["action_updates"].extend(
                        {**u, "id": len(tables["action_updates"]) + 1, "action_id": a["id"],
                         "changed_at": _in_utc(u["changed_at"])} for u in a["updates"])
                for e in its_evidence:
                    evidence.append({**e, "id": len(evidence) + 1, "entry_id": entry_id})
                for h in its_history:
                    history.append({**h, "id": len(history) + 1, "entry_id": entry_id,
                                    "changed_at": _in_utc(h["changed_at"])})
    actions.sort(key=lambda a: a["id"])
    return tables


def _round_rows(tables: dict[str, list[dict]], round_: RoundData, org_id: str, record: str, period: str) -> None:
    """A round's rows, its id as written, its invitations numbered on in file order."""
    tables["rounds"].append({key: value for key, value in round_.items()
                             if key not in ("invitations", "responses", "moderations")}
                            | {"organisation_id": org_id, "record": record, "period": period,
                               "created_at": _in_utc(round_["created_at"]),
                               "changed_at": _in_utc(round_["changed_at"])})
    for invitation in round_["invitations"]:
        invitation_id = len(tables["invitations"]) + 1
        tables["invitations"].append({key: value for key, value in invitation.items() if key != "responses"}
                                     | {"id": invitation_id, "round_id": round_["id"],
                                        "expires_at": _in_utc(invitation["expires_at"]),
                                        "revoked_at": _in_utc(invitation["revoked_at"]),
                                        "invited_at": _in_utc(invitation["invited_at"])})
        tables["responses"].extend({**r, "round_id": round_["id"], "invitation_id": invitation_id}
                                   for r in invitation["responses"])
    tables["responses"].extend({**r, "round_id": round_["id"], "invitation_id": None} for r in round_["responses"])
    tables["moderations"].extend({**m, "round_id": round_["id"], "moderated_at": _in_utc(m["moderated_at"])}
                                 for m in round_["moderations"])


def _in_utc(value: datetime | None) -> datetime | None:
    """A time read from a backup (with its offset), moved to UTC; a naive time is left as it is."""
    return value.astimezone(timezone.utc) if value is not None and value.utcoffset() else value


_TABLES = {"people": _PEOPLE, "memberships": _MEMBERSHIPS, "events": _EVENTS,
           "organisations": _ORGS, "baselines": _BASELINES, "assessments": _ASSESSMENTS, "entries": _ENTRIES,
           "actions": _ACTIONS, "action_updates": _UPDATES, "evidence": _EVIDENCE, "entry_history": _HISTORY,
           "drafts": _DRAFTS, "covering_reports": _COVERING,
           "settings": _SETTINGS, "reminder_log": _REMINDERS, "rounds": _ROUNDS, "invitations": _INVITATIONS,
           "responses": _RESPONSES, "moderations": _MODERATIONS, "peers": _PEERS}
_NOUNS = {"people": ("person", "people"), "memberships": ("role", "roles"), "events": ("event", "events"),
          "organisations": ("organisation", "organisations"), "baselines": ("baseline score", "baseline scores"),
          "assessments": ("period", "periods"), "entries": ("entry", "entries"), "actions": ("action", "actions"),
          "action_updates": ("action status change", "action status changes"),
          "evidence": ("evidence link", "evidence links"),
          "entry_history": ("history row", "history rows"), "drafts": ("unsaved draft", "unsaved drafts"),
          "covering_reports": ("covering report version", "covering report versions"),
          "settings": ("setting", "settings"),
          "reminder_log": ("reminder logged", "reminders logged"),
          "rounds": ("round", "rounds"), "invitations": ("invitation", "invitations"),
          "responses": ("answer set", "answer sets"), "moderations": ("agreed score", "agreed scores"),
          "peers": ("peer record", "peer records")}


def describe_counts(counts: dict[str, int]) -> str:
    """E.g. "2 organisations, 41 baseline scores, 3 periods, ..." in people's words."""
    return ", ".join(f"{n} {_NOUNS[name][n != 1]}" for name, n in counts.items())


def _refuse_if_not_empty(connection: Connection, source: str) -> None:
    held = []
    for name in COUNTED:
        n = connection.execute(select(func.count()).select_from(_TABLES[name])).scalar_one()
        if not n:
            continue
        words = describe_counts({name: n})
        if name == "organisations":
            ids = connection.execute(select(_ORGS.c.id).order_by(_ORGS.c.id).limit(5)).scalars().all()
            words += f" ({', '.join(ids)}{', ...' if n > 5 else ''})"
        held.append(words)
    if held:
        raise BackupError(f"cannot restore {source}: the database is not empty (it holds {', '.join(held)}): "
                          "nothing was restored; restore into a new, empty database")


def _write(connection: Connection, tables: dict[str, list[dict]]) -> None:
    """Parents before children."""
    for name in ("organisations", "people", "memberships", "events", "baselines", "assessments", "entries",
                 "actions", "action_updates", "evidence", "entry_history", "drafts", "covering_reports",
                 "settings", "reminder_log", "rounds", "invitations", "responses", "moderations", "peers"):
        for start in range(0, len(tables[name]), 50_000):    # in slices: less memory at once
            connection.execute(insert(_TABLES[name]), tables[name][start:start + 50_000])


def _reset_sequences(connection: Connection) -> None:
    """After explicit ids, move each PostgreSQL id sequence past the largest id."""
    for name in SERIAL_TABLES:
        connection.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {name}"))
