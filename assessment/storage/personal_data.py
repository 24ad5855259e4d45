"""A person's data across every table: finding where they appear (subject access) and erasing them
(the right to erasure); deleting an organisation; and afterwards compacting the database so that
nothing erased is left in its free pages.

The columns that may name a person (`SEARCHED`) are searched; where a row belongs to an
organisation (through its period, entry or action: `_PATHS`), the place says which, and an erasure
writes the person's role there. The rules (what matches, what replaces it) are `domain.erasure`'s.
Erasing goes round the lock on purpose: the law requires it of approved periods too, and what was
changed stays as it was.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import Column, Table, delete, func, null, or_, select, update
from sqlalchemy.engine import Engine

from ..domain.erasure import Needles
from .tables import Base, DraftRow, EventRow, MembershipRow, OrganisationRow, PersonRow, ReminderLogRow, SignInLogRow

_T = Base.metadata.tables
_OTHERS_OWN = ("email", "name", "issuer", "subject")   # another person's own identity
# How a row reaches its organisation: the tables joined from it to the one holding organisation_id.
_PATHS: dict[str, tuple[str, ...]] = {
    "covering_reports": ("assessments",), "entries": ("assessments",), "drafts": ("assessments",),
    "actions": ("entries", "assessments"), "evidence": ("entries", "assessments"),
    "entry_history": ("entries", "assessments"), "action_updates": ("actions", "entries", "assessments"),
    "invitations": ("rounds",), "responses": ("rounds",), "moderations": ("rounds",),
}


@dataclass(frozen=True)
class Place:
    """One cell where a person appears: its table, column and row key, the organisation (record and
    period) it belongs to where it belongs to one, and what it holds."""

    table: str
    column: str
    key: dict[str, Any]
    organisation: str | None
    record: str | None
    period: str | None
    value: str

    def as_json(self) -> dict[str, Any]:
        where = {"organisation": self.organisation, "record": "plan" if self.record else "scores",
                 "period": self.period} if self.organisation else {}
        return {"table": self.table, "column": self.column, "key": self.key, **where, "value": self.value}


# The columns that may name a person: who did something (an address), and what people write (free
# text, JSON holding either). Keys, codes, ratings and ids are never searched, so a name that is also
# a word of the tool's ("Green", a council's id) changes nothing else. docs/privacy.md marks each of
# these personal or free text (tests/test_privacy.py holds the two together).
SEARCHED: dict[str, tuple[str, ...]] = {
    "assessments": ("decision", "approved_by", "peers_opted_in_by"),
    "covering_reports": ("document", "change", "changed_by"),
    "entries": ("comment", "previous_comment", "updated_by"),
    "actions": ("text", "owner", "updated_by"),
    "action_updates": ("note", "changed_by"),
    "evidence": ("url", "title"),
    "entry_history": ("comment", "snapshot", "change", "changed_by"),
    "events": ("person", "details"),
    "people": ("email", "name", "added_by"),
    "drafts": ("person", "fields"),
    "sign_in_log": ("email", "by", "reason"),
    "reminder_log": ("email", "reason"),
    "rounds": ("opened_by", "moderators"),
    "peers": ("made_by",),
    "invitations": ("email", "invited_by"),
    "responses": ("answers",),
    "moderations": ("rationale", "moderated_by"),
}


def _text_columns(table: Table) -> list[Column]:
    return [table.c[name] for name in SEARCHED.get(table.name, ())]




def _located(table: Table) -> tuple[Any, Any, Any, Any]:
    """The table joined to its organisation: (from clause, organisation, record, period columns)."""
    joined: Any = table
    path = _PATHS.get(table.name, ())
    for name in path:
        joined = joined.join(_T[name])
    holder = _T[path[-1]] if path else table
    org = holder.c.get("organisation_id") if table.name != "organisations" else table.c.id
    record = holder.c.get("record")
    period = holder.c.get("period") if holder.name in ("assessments", "events", "rounds") else None
    return joined, org, record, period


def places(tx, needles: Needles) -> list[Place]:
    """Every cell of every table that mentions the person, in table order then by key (the
    database narrows by lower-case substring; `needles.pattern` decides)."""
    found: list[Place] = []
    plain = needles.plain   # lower() may know A to Z only: these hold none other (`Needles.plain`)
    for table in Base.metadata.sorted_tables:
        columns = _text_columns(table)
        if not columns or table.name == "alembic_version":
            continue
        joined, org, record, period = _located(table)
        keys = list(table.primary_key.columns)
        extra = [c if c is not None else null() for c in (org, record, period)]
        query = (select(*keys, *extra, *columns).select_from(joined)
                 .where(or_(*(func.lower(c).contains(p, autoescape=True) for c in columns for p in plain)))
                 .order_by(*keys))
        for row in tx.s.execute(query):
            key = {k.name: row[i] for i, k in enumerate(keys)}
            org_id, which, when = row[len(keys):len(keys) + 3]
            for column, value in zip(columns, row[len(keys) + 3:]):
                if isinstance(value, str) and needles.mentioned(value):
                    found.append(Place(table.name, column.name, key, org_id if org is not None else None,
                                       which, when, value))
    return found


def roles_held(tx, address: str) -> dict[str, str]:
    """The role the person holds, or last held, at each organisation (from their roles, and from the
    role changes kept as events: the latest they held)."""
    held: dict[str, str] = {}
    rows = tx.s.execute(select(EventRow.organisation_id, EventRow.details).where(EventRow.kind == "role")
                        .where(EventRow.details.contains(address, autoescape=True)).order_by(EventRow.id))
    for org_id, details in rows:
        said = json.loads(details or "{}")
        if said.get("email") == address:
            role = said.get("after") or said.get("before")
            if role:
                held[org_id] = role
    for org_id, role in tx.s.execute(select(MembershipRow.organisation_id, MembershipRow.role)
                                     .join(PersonRow).where(PersonRow.email == address)):
        held[org_id] = role
    return held


def erase(tx, needles: Needles, standing: Callable[[str | None], str]) -> dict[str, int]:
    """Erase the person everywhere: their own drafts, sign-in log and reminder log lines and their
    person row (with their roles) go; every other mention, in every text column of every table, is
    replaced by `standing(organisation)` (their role there, in words). Returns the cells changed and
    rows removed, by table. The organisations changed are marked touched (their records reload)."""
    counts: dict[str, int] = defaultdict(int)
    person = tx.s.scalar(select(PersonRow).where(PersonRow.email == needles.address))
    identity = (person.issuer, person.subject) if person is not None and person.subject else None
    sign_ins = SignInLogRow.email == needles.address
    if identity:   # lines about their account, whatever address it presented
        sign_ins = or_(sign_ins, (SignInLogRow.issuer == identity[0]) & (SignInLogRow.subject == identity[1]))
    removals = {"drafts": delete(DraftRow).where(DraftRow.person == needles.address),
                "reminder_log": delete(ReminderLogRow).where(ReminderLogRow.email == needles.address),
                "sign_in_log": delete(SignInLogRow).where(sign_ins)}
    for name, statement in removals.items():
        counts[name] += tx.s.execute(statement).rowcount or 0
    if person is not None:
        tx.s.delete(person)
        counts["people"] += 1
    tx.s.flush()
    changed: dict[tuple[str, tuple], dict[str, str]] = defaultdict(dict)
    for place in places(tx, needles):
        if place.table == "people" and place.column in _OTHERS_OWN:
            continue   # someone else of the same name keeps theirs
        cell = changed[(place.table, tuple(sorted(place.key.items())))]
        limit = getattr(_T[place.table].c[place.column].type, "length", None)
        new = needles.erased(cell.get(place.column, place.value), standing(place.organisation))
        cell[place.column] = new[:limit] if limit else new
        if place.organisation:
            tx.touched.add(place.organisation)
    for (table_name, key), values in changed.items():
        table = _T[table_name]
        tx.s.execute(update(table).where(*(table.c[k] == v for k, v in key)).values(**values))
        counts[table_name] += len(values)
    tx.s.flush()
    return dict(counts)


def delete_organisation(tx, org_id: str) -> dict[str, int]:
    """An organisation and everything of it (its records' periods with their entries, actions,
    versions and drafts; its events, baselines, report shape; people's roles there): what went, by
    table."""
    counts = {"periods": tx.s.scalar(select(func.count()).select_from(_T["assessments"])
                                     .where(_T["assessments"].c.organisation_id == org_id)) or 0,
              "events": tx.s.scalar(select(func.count()).select_from(EventRow)
                                    .where(EventRow.organisation_id == org_id)) or 0,
              "roles": tx.s.scalar(select(func.count()).select_from(MembershipRow)
                                   .where(MembershipRow.organisation_id == org_id)) or 0}
    row = tx.s.get(OrganisationRow, org_id)
    tx.s.delete(row)
    tx.s.flush()
    tx.touched.discard(org_id)
    return counts


def compact(engine: Engine) -> None:
    """Rewrite the database so that rows deleted or changed leave nothing in its free space or its
    journal: SQLite is vacuumed and its write-ahead log emptied; on PostgreSQL every table is
    rewritten (VACUUM FULL). Outside any transaction; a moment's exclusive lock."""
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            for statement in ("PRAGMA wal_checkpoint(TRUNCATE)", "VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)"):
                cursor.execute(statement)
            cursor.close()
        finally:
            raw.close()
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in Base.metadata.sorted_tables:
            connection.exec_driver_sql(f'VACUUM FULL "{table.name}"')

