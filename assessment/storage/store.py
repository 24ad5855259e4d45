"""Persistence: organisations, assessments, entries, actions, evidence and history.

SQLite file under `data/` by default; PostgreSQL when `DATABASE_URL` says so. Everything goes
through `Store.transaction()`, which gives a `Transaction`: one unit of work that commits as a whole
at the end, or rolls back as a whole on any error, so a crash mid-save leaves the last saved state
intact. The application layer (`assessment.workflows`) opens one per user action; nothing here
decides what may be written, only how it is kept. Entries carry a version number; a save that
names an older version is refused with `StaleEntry` rather than overwriting someone else's work.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections import OrderedDict, defaultdict
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, NamedTuple
from urllib.parse import quote
from uuid import uuid4

from sqlalchemy import Engine, create_engine, delete, event, func, inspect, make_url, or_, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, selectinload, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.util import asbool

from ..domain import limits
from ..domain.edits import Draft, EntryEdit, edit_from_json, fields_json
from ..domain.errors import (
    AlreadyExists,
    AssessmentError,
    DatabaseUnavailable,
    InvalidEdit,
    NotFound,
    PeriodLocked,
    StaleEntry,
)
from ..domain.framework import Framework
from ..domain.history import Event, Version
from ..domain.peer_records import CLUB, GUARD, RELEASE, OptIn, PeerDocument
from ..domain.peer_records import KINDS as PEER_KINDS
from ..domain.people import Person, SignInLine, printable
from ..domain.reminders import NEW_PERIOD as PROMPTED, DueAction, LatestPeriod, LoggedReminder, Sent
from ..domain.record import (
    ACTION_PLAN,
    ACTION_PROGRESS,
    OPEN_ACTION_STATUSES,
    record_name,
    CONTENT,
    MAIN_RECORD,
    PLAN_KINDS,
    STATUSES,
    Action,
    ActionUpdate,
    Approval,
    Entry,
    Evidence,
    Organisation,
    OrganisationRecord,
    PeriodRecord,
    action_problems,
    entry_problems,
    lock_reason,
    long_date_time,
    organisation_problems,
    period_key,
    record_key,
    split_record_key,
)
from ..domain.rounds import (ALL, LINK_DAYS, Answer, Invitation, Moderation, Profile, Response, Round, RoundError,
                             check_move, is_token_hash)
from ..domain.scores import Score
from ..domain.covering import CoveringReport, ReportShape, covering_problems, shape_problems
from ..formats.covering_file import covering_from_json, covering_json, shape_from_json, shape_json
from ..formats.record_file import natural_key
from ..formats.record_schema import entry_from_snapshot, snapshot_json
from .tables import (
    ActionRow,
    ActionUpdateRow,
    AssessmentRow,
    CoveringReportRow,
    BaselineRow,
    DraftRow,
    EntryHistoryRow,
    EntryRow,
    EventRow,
    EvidenceRow,
    MembershipRow,
    OrganisationRow,
    PersonRow,
    InvitationRow,
    ModerationRow,
    ReminderLogRow,
    ResponseRow,
    PeerRow,
    RoundRow,
    SignInLogRow,
    new_stamp,
)

DATA_DIR = Path(__file__).resolve().parent.parent.parent / "data"
DEFAULT_DB = DATA_DIR / "assessment.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_DB}"


# How long a save waits for another writer before saying the database is busy. With 20 people saving
# at once on one process (bench/load.py) a writer waited more than 10 s behind the others: better a
# slow save than a refused one.
SQLITE_BUSY_SECONDS = 30


READ_ONLY = ("the database is read-only here (a snapshot, or a file this process may not change), so nothing "
             "was changed; reading, exporting and backing it up still work")


def _sqlite_file(url: str) -> str:
    """The file an SQLite URL names, as a path ("" for another database, an in-memory one, or a
    URI filename, `file:...`, which says for itself how it is opened)."""
    if not url.startswith("sqlite"):
        return ""
    database = make_url(url).database or ""
    return "" if database == ":memory:" or database.startswith("file:") else database


def read_only_sqlite(url: str) -> str | None:
    """The URL that opens an SQLite file read-only where this process may not write it (a copy on a
    read-only disk, a file or folder it may not change), else None. SQLite would otherwise refuse
    to open it at all ("unable to open database file"): a database in WAL mode needs its -shm file,
    which a read-only folder cannot hold, so there it is opened as immutable (nothing else can be
    changing a file on a read-only disk)."""
    path = _sqlite_file(url)
    if not path or not Path(path).is_file():
        return None
    file = Path(path).resolve()
    folder_writable = os.access(file.parent, os.W_OK)
    if folder_writable and os.access(file, os.W_OK):
        return None
    immutable = not folder_writable and not Path(f"{file}-shm").exists()
    return f"sqlite:///file:{quote(str(file))}?mode=ro&uri=true" + ("&immutable=1" if immutable else "")


def sqlite_uri(url: str) -> str:
    """`url` with SQLite's own URI filename (`file:...`) where it asks for URI parameters (uri=true)
    but names a plain path, as SQLAlchemy's `sqlite:////abs/file.db?mode=ro&uri=true`: SQLite takes a
    URI filename only when it starts with "file:", and would otherwise create a new database named
    "file.db?mode=ro", read-only flag and all. Any other URL is returned as it is."""
    database = _sqlite_file(url)
    if not database:
        return url
    parsed = make_url(url)
    try:
        uri = asbool(parsed.query.get("uri", False))
    except ValueError:   # uri=maybe: SQLAlchemy says so, as it would without this
        return url
    if not uri:
        return url
    query = "&".join(f"{quote(key)}={quote(value)}" for key, values in parsed.query.items()
                     for value in ((values,) if isinstance(values, str) else values))
    return f"{parsed.drivername}:///file:{quote(os.path.abspath(database))}?{query}"


def make_engine(url: str | None = None) -> Engine:
    """An engine for `url`. SQLite: WAL (readers never wait for a writer), foreign keys on, a busy
    timeout (`?timeout=` in the URL overrides it), and transactions begun by us: a writing unit of
    work takes the write lock at its start (BEGIN IMMEDIATE), so two saves queue rather than fail
    half way, and savepoints work. A file this process may not write is opened read-only
    (`read_only_sqlite`); a plain path with SQLite URI parameters is made a URI filename
    (`sqlite_uri`), so that `?mode=ro&uri=true` opens it read-only rather than making a new file."""
    url = url or database_url()
    if url.startswith("sqlite"):
        url = read_only_sqlite(url) or url
        path = _sqlite_file(url)
        if path and make_url(url).query.get("mode") != "ro":
            Path(path).parent.mkdir(parents=True, exist_ok=True)   # not for a file only to be read
        url = sqlite_uri(url)
        engine = create_engine(url, connect_args={} if "timeout=" in url else {"timeout": SQLITE_BUSY_SECONDS})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            dbapi_connection.isolation_level = None   # pysqlite begins nothing itself: see _sqlite_begin
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA secure_delete=ON")   # a row deleted leaves no bytes behind (docs/privacy.md)
            try:
                cursor.execute("PRAGMA journal_mode=WAL")
            except sqlite3.OperationalError:   # a read-only file keeps its journal mode
                pass
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection):  # pragma: no cover - trivial
            connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.get_execution_options().get("writing")
                                       else "BEGIN")
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return create_engine(url, pool_pre_ping=True)


def alembic_config():
    """The Alembic configuration of this package's migrations (for upgrades, backup and restore)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest migration's revision, from the migrations' file names ("0005_....py" is
    revision "0005"), read without loading Alembic (tests/test_store.py holds it to Alembic's own)."""
    return max(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def current_revision(engine: Engine) -> str | None:
    """The database's schema revision (None for a new, empty database)."""
    with unavailable_as_error(), engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine, revision: str = "head", *, downgrade: bool = False) -> None:
    """Bring the schema to the newest Alembic revision (or to `revision`, down to it if
    `downgrade`). A database already at the newest is seen to be in one query, without loading
    Alembic (which costs a command-line call most of its time)."""
    if revision == "head" and not downgrade and current_revision(engine) == head_revision():
        return
    from alembic import command

    config = alembic_config()
    with unavailable_as_error(), engine.connect() as connection:
        # SQLite changes a table's constraints by copying the table (Alembic's batch mode); with
        # foreign keys on, dropping the old copy would delete every row that points at it. As
        # SQLite's own procedure says: keys off for the change (outside the transaction), checked
        # before it commits, on again after.
        raw = connection.connection.dbapi_connection if connection.dialect.name == "sqlite" else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                (command.downgrade if downgrade else command.upgrade)(config, revision)
                if raw is not None and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise DatabaseUnavailable("the database's schema change would leave rows pointing at nothing; "
                                              "nothing was changed")
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


def open_store(url: str | None = None) -> "Store":
    engine = make_engine(url)
    read_only = engine.url.query.get("mode") == "ro"
    if read_only:
        revision = current_revision(engine)
        if revision != head_revision():
            raise DatabaseUnavailable(
                "the database is read-only here and " + (f"its schema is revision {revision}, not this version's "
                                                         f"{head_revision()}" if revision else "holds no database "
                                                         "of this tool") + ": open it with the version that wrote it, "
                "or copy it where it can be written to")
    else:
        migrate(engine)
    return Store(engine, read_only=read_only)


@contextmanager
def unavailable_as_error() -> Iterator[None]:
    """A database that is busy, read-only or out of reach raises `DatabaseUnavailable`: one line
    for people, with none of the SQL or its parameters."""
    try:
        yield
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) == "25006":   # PostgreSQL: a read-only transaction
            raise DatabaseUnavailable(READ_ONLY) from None
        if isinstance(exc, IntegrityError) or not isinstance(exc, (OperationalError, InterfaceError)):
            raise
        raise DatabaseUnavailable(_describe(exc)) from None


def _describe(exc: DBAPIError) -> str:
    said = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
    lower = said.lower()
    if "locked" in lower or "busy" in lower:
        return ("the database is busy: someone else is saving to it just now, so nothing was saved; "
                "please try again")
    if "readonly" in lower or "read-only" in lower or "read only" in lower:
        return READ_ONLY
    if "unable to open" in lower:
        return "the database file cannot be opened; check its folder exists and may be written to"
    return f"the database cannot be used just now ({said[:200]}); nothing was saved"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _score(row_score: float | None, na: bool) -> Score:
    return Score(row_score, bool(na))


RECORDS_KEPT = 32   # loaded records kept per process for reading (each a few hundred kB for NPS 2018)


class RecordCache:
    """Records loaded for reading, kept by organisation with the stamp (`organisations.changed`)
    they were loaded at; the least recently read go first. Shared by every session of a process,
    so a record from it is read-only: nothing may change it (a test checks that every query and
    export leaves it as loaded)."""

    def __init__(self, size: int = RECORDS_KEPT):
        self.size = size
        self._kept: OrderedDict[str, tuple[str, OrganisationRecord]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, org_id: str, stamp: str | None) -> OrganisationRecord | None:
        with self._lock:
            kept = self._kept.get(org_id)
            if kept is None or stamp is None or kept[0] != stamp:
                return None
            self._kept.move_to_end(org_id)
            return kept[1]

    def put(self, org_id: str, stamp: str | None, record: OrganisationRecord) -> None:
        if stamp is None or self.size <= 0:
            return
        with self._lock:
            self._kept[org_id] = (stamp, record)
            self._kept.move_to_end(org_id)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)


class Store:
    """The database: an engine made once, and a short unit of work per user action."""

    def __init__(self, engine: Engine, *, read_only: bool = False):
        self.engine = engine
        self.read_only = read_only     # opened read-only: every writing unit of work is refused
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._writing = sessionmaker(engine.execution_options(writing=True), expire_on_commit=False)
        self.records = RecordCache()

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator["Transaction"]:
        """One unit of work: commits at the end, rolls back everything on any error. A writing one
        holds SQLite's write lock from its start (readers go on reading); the organisations whose
        records it changed are given a new stamp as part of it."""
        if write and self.read_only:
            raise DatabaseUnavailable(READ_ONLY)
        with unavailable_as_error(), (self._writing if write else self._sessions)() as session, session.begin():
            tx = Transaction(session, self.records)
            yield tx
            if tx.touched:   # record keys: the organisation's stamp covers all its records
                touched = sorted({split_record_key(key)[0] for key in tx.touched})
                session.execute(update(OrganisationRow).where(OrganisationRow.id.in_(touched))
                                .values(changed=new_stamp()))


# The lock in the write path. Every public method of `Transaction` says what it does to a period
# (tests/test_lock.py is generated from these marks: a method without one fails it):
READS = "reads"                      # writes nothing
CONTENT_OF_A_PERIOD = "content"      # refused in a submitted or approved period (`record.lock_reason`)
ACTIONS_OF_A_PERIOD = "actions"      # an action's progress, always; its owner and due date as content
SIGN_OFF_OF_A_PERIOD = "sign-off"    # a period's status: the moves are the workflow's to check
NEW_PERIOD = "new period"            # a period that did not exist: nothing of it was put before anyone
OWN_DRAFTS_DISCARDED = "own drafts"  # unsaved drafts thrown away: nothing that was submitted
NOT_A_PERIOD = "not a period"        # organisations, events, people, sign-ins
# A round's state, invitations, answer sets and moderation: the round's own states govern them
# (`rounds.MOVES`: an applied round never changes); they reach the period only when its agreed scores
# are saved as entries (content). Opening a round on a period is content.
ROUND_OF_A_PERIOD = "round"
# Putting an approved period forward for peer comparison, or withdrawing it: its content does not
# change, and only an approved period is put forward (`set_peers_opt_in`).
PEERS_OF_A_PERIOD = "peers"
PEER_ALL_AT = 500   # periods of a release to work out afresh from which all put forward are read, not by id


class PutForward(NamedTuple):
    """A period put forward (`Transaction.peer_put_forward`): its row, organisation, name and
    status; the framework its record follows (its latest period's, as `load_record` gives it); the
    organisation's stamp (`organisations.changed`, new at every change to its records); and what
    the last release kept of its contribution (JSON, or None)."""

    assessment_id: int
    org_id: str
    period: str
    status: str
    framework_id: str
    stamp: str
    kept: str | None


def writes(case: str):
    """Mark a `Transaction` method with its lock case (`READS` for one that writes nothing)."""
    def marked(method):
        method.lock_case = case
        return method
    return marked


reads = writes(READS)


class Transaction:
    """Reads and writes inside one transaction (`Store.transaction()`)."""

    def __init__(self, session: Session, records: RecordCache | None = None):
        self.s = session
        self.records = records if records is not None else RecordCache(0)
        self.touched: set[str] = set()   # organisations whose records this unit of work changes
        # What the versions saved in this unit of work are kept as in history ("saved", "import
        # x.docx", "restored version 3"), and the event (an import) they belong to, if any.
        self.change: str = "saved"
        self.event_id: int | None = None

    # ------------------------------------------------------------ organisations

    @writes(NOT_A_PERIOD)
    def add_organisation(self, org: Organisation) -> None:
        _fits(org.id, organisation_problems(org))
        if self.s.get(OrganisationRow, org.id) is not None:
            raise AlreadyExists(f"organisation '{org.id}' already exists")
        self.s.add(OrganisationRow(id=org.id, name=org.name, type=org.type, region=org.region))
        self.s.flush()
        self.touched.add(org.id)

    @writes(NOT_A_PERIOD)
    def set_organisation_place(self, org_id: str, org_type: str | None, region: str | None) -> None:
        """An organisation's type and region (the groups peers are compared in)."""
        row = self._org(org_id)
        row.type, row.region = org_type, region
        self.s.flush()
        self.touched.add(org_id)

    @reads
    def organisations(self, ids: Iterable[str] | None = None) -> list[tuple[Organisation, list[str]]]:
        """Every organisation (or those of `ids`) by name, with its periods, oldest first: two
        plain queries of the columns needed, no records loaded (Start asks on every run)."""
        orgs = select(OrganisationRow.id, OrganisationRow.name, OrganisationRow.type, OrganisationRow.region)
        periods = select(AssessmentRow.organisation_id, AssessmentRow.period).where(AssessmentRow.record == MAIN_RECORD)
        if ids is not None:
            wanted = list(ids)
            orgs = orgs.where(OrganisationRow.id.in_(wanted))
            periods = periods.where(AssessmentRow.organisation_id.in_(wanted))
        by_org: dict[str, list[str]] = defaultdict(list)
        for org_id, period in self.s.execute(periods):
            by_org[org_id].append(period)
        return [(Organisation(*row), sorted(by_org[row[0]], key=period_key))
                for row in self.s.execute(orgs.order_by(OrganisationRow.name))]

    @reads
    def organisation(self, org_id: str) -> Organisation:
        row = self._org(org_id)
        return Organisation(row.id, row.name, row.type, row.region)

    def _org(self, org_id: str) -> OrganisationRow:
        """The organisation (of a record key: `domain.record.split_record_key`)."""
        org, _ = split_record_key(org_id)
        row = self.s.get(OrganisationRow, org)
        if row is None:
            raise NotFound(f"no organisation '{org}'")
        return row

    def _assessment(self, org_id: str, period: str) -> AssessmentRow:
        self._org(org_id)
        row = self.s.scalar(select(AssessmentRow).where(*_of_record(org_id), AssessmentRow.period == period))
        if row is None:
            raise NotFound(f"{record_name(org_id)} has no period '{period}'")
        return row

    def _open(self, org_id: str, period: str, change: str = CONTENT, what: str = "changed") -> AssessmentRow:
        """The period, if the lock lets `change` be made to it (else PeriodLocked)."""
        row = self._assessment(org_id, period)
        self._check_open(row, change, what)
        return row

    def _check_open(self, row: AssessmentRow, change: str = CONTENT, what: str = "changed") -> None:
        """Refuse (PeriodLocked) what `record.lock_reason` refuses, from the period as stored: the last
        guard in the write path, whoever asked and whether or not they asked the lock first."""
        frameworks = self.s.execute(select(AssessmentRow.period, AssessmentRow.framework_id,
                                           AssessmentRow.framework_version)
                                    .where(AssessmentRow.organisation_id == row.organisation_id,
                                           AssessmentRow.record == row.record)).all()
        latest = max(frameworks, key=lambda f: period_key(f.period))
        other = (f"{row.framework_id} {row.framework_version}"
                 if (row.framework_id, row.framework_version) != (latest.framework_id, latest.framework_version)
                 else None)
        reason = lock_reason(row.period, row.status, change=change, what=what, approval=_approval(row),
                             other_framework=other)
        if reason is not None:
            raise PeriodLocked(reason)

    # ------------------------------------------------------------ whole records

    @writes(CONTENT_OF_A_PERIOD)
    def save_record(self, record: OrganisationRecord, *, user: str, replace: bool = False) -> dict[str, int]:
        """Store a whole record (from a file): the organisation if new, its baselines and periods.

        A period that already exists is refused unless `replace` is set. Returns counts.
        """
        org, s = record.organisation, self.s
        key = record.key
        self.touched.add(org.id)
        counts = {"periods": 0, "entries": 0, "actions": 0}
        row = s.get(OrganisationRow, org.id)
        if row is None:
            _fits(org.id, organisation_problems(org))
            row = OrganisationRow(id=org.id, name=org.name, type=org.type, region=org.region)
            s.add(row)
            s.flush()
        else:
            existing = {a.period: a for a in row.assessments if a.record == record.record}
            clash = [p.period for p in record.periods if p.period in existing]
            if clash and not replace:
                raise AlreadyExists(f"{record_name(key)} already has {'period' if len(clash) == 1 else 'periods'} "
                                    f"{', '.join(clash)}; "
                                    "nothing was imported (use --replace to overwrite them)")
            for name in clash:
                self._check_open(existing[name], what="replaced")
                s.delete(existing[name])
            s.flush()
        if record.baseline_agreed:
            _fits(org.id, [m for m in [limits.too_long("when the baseline was agreed", record.baseline_agreed,
                                                         limits.BASELINE_AGREED)] if m])
            row.baseline_agreed = record.baseline_agreed
        if record.source:
            row.source = record.source
        if record.report_shape is not None:
            _fits(org.id, shape_problems(record.report_shape))
            row.report_shape = shape_json(record.report_shape)
        for objective_id, score in record.baselines.items():
            s.merge(BaselineRow(organisation_id=org.id, objective_id=objective_id,
                                score=score.value, not_applicable=score.not_applicable))
        for period in record.sorted_periods():
            self.add_period(key, period, period.framework_id or record.framework_id,
                            period.framework_version or record.framework_version, user=user)
            entries = [*period.entries.values(), *period.key_area_entries.values(), *period.plan_entries.values()]
            counts["entries"] += len(entries)
            counts["actions"] += sum(len(e.actions) for e in entries)
            counts["periods"] += 1
        return counts

    @reads
    def record(self, org_id: str) -> OrganisationRecord:
        """The organisation's record for reading: the one kept from an earlier read while the
        organisation's stamp is unchanged (a few milliseconds), else `load_record` (tens of
        milliseconds), kept for the next read. Read-only: never change what this returns."""
        stamp = self.s.scalar(select(OrganisationRow.changed).where(OrganisationRow.id == split_record_key(org_id)[0]))
        record = self.records.get(org_id, stamp)
        if record is None:
            record = self.load_record(org_id)   # NotFound if there is no such organisation
            if not self.touched:                # not a record this unit of work has changed
                self.records.put(org_id, stamp, record)
        return record

    @reads
    def load_record(self, org_id: str) -> OrganisationRecord:
        """The organisation's whole record, loaded afresh (a new object the caller may change)."""
        row = self._org(org_id)
        _, which = split_record_key(org_id)
        assessments = self.s.scalars(
            select(AssessmentRow).where(*_of_record(org_id))
            .options(selectinload(AssessmentRow.entries).selectinload(EntryRow.actions)
                     .selectinload(ActionRow.updates),
                     selectinload(AssessmentRow.entries).selectinload(EntryRow.evidence))).all()
        baselines = self.s.scalars(select(BaselineRow).where(BaselineRow.organisation_id == row.id)).all() \
            if which == MAIN_RECORD else []
        assessments = sorted(assessments, key=lambda a: period_key(a.period))
        covering = self._latest_covering([a.id for a in assessments])
        # the record follows the framework of its latest period; an earlier period scored against
        # another framework says which (`PeriodRecord.framework_id`)
        framework_id = assessments[-1].framework_id if assessments else ""
        framework_version = assessments[-1].framework_version if assessments else ""
        record = OrganisationRecord(
            organisation=Organisation(row.id, row.name, row.type, row.region),
            framework_id=framework_id, framework_version=framework_version,
            baselines={b.objective_id: _score(b.score, b.not_applicable) for b in baselines},
            baseline_agreed=row.baseline_agreed, source=row.source,
            report_shape=shape_from_json(row.report_shape) if row.report_shape else None, record=which)
        for a in assessments:
            other = (a.framework_id, a.framework_version) != (framework_id, framework_version)
            period = PeriodRecord(period=a.period, status=a.status, approval=_approval(a),
                                  framework_id=a.framework_id if other else None,
                                  framework_version=a.framework_version if other else None,
                                  covering=covering.get(a.id))
            for e in sorted(a.entries, key=lambda e: e.id):
                if e.kind in PLAN_KINDS:
                    period.plan_entries[(e.kind, e.item_id)] = _entry_from_row(e)
                else:
                    (period.entries if e.kind == "objective" else period.key_area_entries)[e.item_id] = \
                        _entry_from_row(e)
            record.periods.append(period)
        return record

    def _latest_covering(self, assessment_ids: list[int]) -> dict[int, CoveringReport]:
        """Each period's covering report as it stands (its latest version; the others are history and
        are not read here)."""
        if not assessment_ids:
            return {}
        latest = (select(CoveringReportRow.assessment_id, func.max(CoveringReportRow.version).label("version"))
                  .where(CoveringReportRow.assessment_id.in_(assessment_ids))
                  .group_by(CoveringReportRow.assessment_id).subquery())
        rows = self.s.scalars(select(CoveringReportRow).join(
            latest, (CoveringReportRow.assessment_id == latest.c.assessment_id)
            & (CoveringReportRow.version == latest.c.version))).all()
        return {row.assessment_id: _covering(row) for row in rows}

    # ------------------------------------------------------------ periods

    @writes(NEW_PERIOD)
    def add_period(self, org_id: str, period: PeriodRecord, framework_id: str, framework_version: str, *,
                   user: str) -> None:
        """A new period with its entries (their actions, evidence and first history rows)."""
        self._org(org_id)
        self.touched.add(org_id)
        assessment = _period_row(org_id, period.period, framework_id, framework_version, period.status)
        self.s.add(assessment)
        try:
            self.s.flush()
        except IntegrityError:  # started at the same moment by someone else
            raise AlreadyExists(f"{record_name(org_id)} already has period '{period.period}'") from None
        self._insert_entries(assessment, [*period.entries.values(), *period.key_area_entries.values(),
                                          *period.plan_entries.values()], user)
        if period.covering is not None:
            _fits(f"{period.period}'s covering report", covering_problems(period.covering))
            assessment.covering.append(CoveringReportRow(version=1, document=covering_json(period.covering),
                                                         change=self.change, changed_by=user, changed_at=_now()))
            self.s.flush()

    @writes(CONTENT_OF_A_PERIOD)
    def delete_period(self, org_id: str, period: str) -> None:
        """A period and everything in it (entries, actions, evidence, history)."""
        assessment = self._open(org_id, period, what="deleted")
        self.touched.add(org_id)
        self.s.delete(assessment)
        self.s.flush()

    @writes(ACTIONS_OF_A_PERIOD)
    def update_action(self, org_id: str, action_id: int, *, owner: str | None, due, rag: str | None,
                      change: ActionUpdate | None, user: str) -> Action:
        """Change an action's owner, due date and red/amber/green, and record a dated status change
        or progress note (`change`) in its life. Its entry is not given a new version: an action's
        progress is its own history."""
        row = self.s.scalar(select(ActionRow).join(EntryRow).join(AssessmentRow)
                            .where(ActionRow.id == action_id, *_of_record(org_id)))
        if row is None:
            raise NotFound(f"{org_id} has no action {action_id}")
        planned = (owner, due) != (row.owner, row.due)
        self._check_open(row.entry.assessment, ACTION_PLAN if planned else ACTION_PROGRESS,
                         "given a new owner or due date for its actions (their progress can still be recorded)")
        self.touched.add(org_id)
        _fits(f"action {action_id}", action_problems(Action(row.text, owner, updates=[change] if change else [])))
        row.owner, row.due, row.rag = owner, due, rag
        if change is not None:
            row.updates.append(ActionUpdateRow(status=change.status, on=change.on, note=change.note,
                                               period=change.period, changed_by=user, changed_at=_now()))
            row.status = change.status
        row.updated_by, row.updated_at = user, _now()
        self.s.flush()
        return _action_from_row(row)

    @writes(SIGN_OFF_OF_A_PERIOD)
    def set_status(self, org_id: str, period: str, status: str, approval: Approval | None = None) -> None:
        """A period's status, with its approval while approved (cleared otherwise)."""
        if status not in STATUSES:
            raise AssessmentError(f"'{status}' is not a status; use one of {', '.join(STATUSES)}")
        row = self._assessment(org_id, period)
        self.touched.add(org_id)
        row.status = status
        kept = approval if status == "approved" else None
        row.decision, row.decision_date, row.minute = (kept.decision, kept.on, kept.minute) if kept else (None,) * 3
        row.approved_by, row.approved_at = (kept.by, kept.at or _now()) if kept else (None, None)
        if status != "approved":   # what members approved is what was put forward: reopened, it must be again
            row.peers_opted_in_by = row.peers_opted_in_at = row.peers_contribution = None
        self.s.flush()

    # ------------------------------------------------------------ peer comparison (issue 31)

    @writes(PEERS_OF_A_PERIOD)
    def set_peers_opt_in(self, org_id: str, period: str, by: str | None) -> None:
        """Put an approved period of a council's scores forward for the next release (`by` who), or
        with None withdraw it. Only an approved period is put forward; withdrawing is always taken."""
        org, which = split_record_key(org_id)
        if which:
            raise AssessmentError("only a council's scores are compared, not its plan")
        row = self._assessment(org_id, period)
        if by is not None and row.status != "approved":
            raise PeriodLocked(f"{period} is {row.status}: only an approved period is compared with other councils")
        row.peers_opted_in_by, row.peers_opted_in_at = (by, _now()) if by is not None else (None, None)
        row.peers_contribution = None
        self.s.flush()

    @reads
    def peer_opt_ins(self) -> list[OptIn]:
        """Every period put forward (of approved periods, as opting in requires), by organisation and period."""
        query = (select(AssessmentRow.organisation_id, AssessmentRow.period, AssessmentRow.peers_opted_in_by,
                        AssessmentRow.peers_opted_in_at)
                 .where(AssessmentRow.record == MAIN_RECORD, AssessmentRow.peers_opted_in_at.is_not(None))
                 .order_by(AssessmentRow.organisation_id, AssessmentRow.period))
        return [OptIn(org, period, by, _utc(at)) for org, period, by, at in self.s.execute(query)]

    @reads
    def peer_put_forward(self) -> list[PutForward]:
        """Every period put forward, by organisation and period, with what a release needs before it
        reads any score (`PutForward`): two plain queries of a few columns."""
        put = (AssessmentRow.record == MAIN_RECORD, AssessmentRow.peers_opted_in_at.is_not(None))
        latest: dict[str, tuple[str, str]] = {}     # organisation -> (its latest period, that period's framework)
        for org, period, framework_id in self.s.execute(
                select(AssessmentRow.organisation_id, AssessmentRow.period, AssessmentRow.framework_id)
                .where(AssessmentRow.record == MAIN_RECORD,
                       AssessmentRow.organisation_id.in_(select(AssessmentRow.organisation_id).where(*put)))):
            if org not in latest or period_key(period) > period_key(latest[org][0]):
                latest[org] = (period, framework_id)
        return [PutForward(assessment_id, org, period, status, latest[org][1] if org in latest else "", stamp or "",
                           kept)
                for assessment_id, org, period, status, stamp, kept in self.s.execute(
                    select(AssessmentRow.id, AssessmentRow.organisation_id, AssessmentRow.period, AssessmentRow.status,
                           OrganisationRow.changed, AssessmentRow.peers_contribution)
                    .join(OrganisationRow, OrganisationRow.id == AssessmentRow.organisation_id)
                    .where(*put).order_by(AssessmentRow.organisation_id, AssessmentRow.period))]

    @reads
    def peer_periods(self, put: list[PutForward]) -> dict[int, PeriodRecord]:
        """The periods `put` (`peer_put_forward`'s), by assessment id, with only what a release works
        out from them: status and the objective and key-area entries' scores. No targets, comments,
        actions, evidence, approval or covering report, no records loaded: one plain query of the
        columns needed (a release may read every council's periods). Read-only: entries of the same
        item and score are one object, shared between periods."""
        periods = {p.assessment_id: PeriodRecord(p.period, p.status) for p in put}
        shared: dict[tuple[str, str, float | None, bool], Entry] = {}     # (item, kind, score, n/a) -> entry
        query = (select(EntryRow.assessment_id, EntryRow.kind, EntryRow.item_id, EntryRow.score,
                        EntryRow.not_applicable)
                 .join(AssessmentRow, EntryRow.assessment_id == AssessmentRow.id)
                 .where(AssessmentRow.record == MAIN_RECORD, AssessmentRow.peers_opted_in_at.is_not(None),
                        EntryRow.kind.not_in(PLAN_KINDS)))
        if len(periods) < PEER_ALL_AT:        # some: by id; most: all put forward, the rest passed over
            query = query.where(EntryRow.assessment_id.in_(list(periods)))
        # the session's connection, not the session: plain rows, without the ORM's per-row work
        for assessment_id, kind, item, value, na in self.s.connection().execute(query):   # any order
            found = periods.get(assessment_id)
            if found is None:       # not asked for, or put forward since (PostgreSQL reads each statement afresh)
                continue
            entry = shared.get((item, kind, value, na))
            if entry is None:
                entry = shared[(item, kind, value, na)] = Entry(item, kind, _score(value, na))
            (found.entries if kind == "objective" else found.key_area_entries)[item] = entry
        return periods

    @writes(PEERS_OF_A_PERIOD)
    def keep_peer_contributions(self, kept: dict[int, str]) -> None:
        """Keep what periods put forward contribute (assessment id -> JSON, `peer_put_forward`'s
        `kept`): not a change to their records, so no organisation's stamp moves."""
        if kept:
            self.s.execute(update(AssessmentRow), [{"id": i, "peers_contribution": c} for i, c in kept.items()])

    @writes(NOT_A_PERIOD)
    def put_peer_document(self, document: PeerDocument) -> PeerDocument:
        """Keep a club or the guard's memory (replacing the one of that name), a release or a series
        (each name once)."""
        if document.kind not in PEER_KINDS:
            raise AssessmentError(f"'{document.kind}' is not a kind of peer record")
        row = self.s.scalar(select(PeerRow).where(PeerRow.kind == document.kind, PeerRow.name == document.name))
        if row is not None and document.kind not in (CLUB, GUARD):
            raise AlreadyExists(f"there is a {document.kind} named {document.name} already")
        if row is None:
            row = PeerRow(kind=document.kind, name=document.name)
            self.s.add(row)
        row.data = json.dumps(document.data, ensure_ascii=False, sort_keys=True)
        row.released_on, row.made_by, row.made_at = document.released_on, document.made_by, _now()
        self.s.flush()
        return _peer_document(row)

    @writes(NOT_A_PERIOD)
    def delete_peer_document(self, kind: str, name: str) -> bool:
        """Remove a club or series by name (a release stays: it was published); whether there was one."""
        if kind == RELEASE:
            raise AssessmentError("a release stays as it was published")
        gone = self.s.execute(delete(PeerRow).where(PeerRow.kind == kind, PeerRow.name == name))
        return bool(getattr(gone, "rowcount", 0))

    @reads
    def latest_peer_document(self, kind: str, on_or_before: date | None = None) -> tuple[PeerDocument | None, int]:
        """The latest of a kind (releases by date, then as made; with `on_or_before`, the latest dated
        then or earlier) and how many there are in all: what a new release follows, and what a
        council's report shows, without reading every earlier one."""
        count = self.s.scalar(select(func.count()).select_from(PeerRow).where(PeerRow.kind == kind)) or 0
        query = select(PeerRow).where(PeerRow.kind == kind)
        if on_or_before is not None:
            query = query.where(or_(PeerRow.released_on.is_(None), PeerRow.released_on <= on_or_before))
        row = self.s.scalar(query.order_by(PeerRow.released_on.desc(), PeerRow.id.desc()).limit(1))
        return (_peer_document(row) if row is not None else None), count

    @reads
    def peer_documents(self, kind: str) -> list[PeerDocument]:
        """The clubs, releases or series, oldest first (releases by date, then as made)."""
        query = select(PeerRow).where(PeerRow.kind == kind).order_by(PeerRow.released_on, PeerRow.id)
        return [_peer_document(row) for row in self.s.scalars(query)]

    # ------------------------------------------------------------ events: what was done to a record as a whole

    @writes(NOT_A_PERIOD)
    def add_event(self, org_id: str, period: str | None, kind: str, person: str, **details: Any) -> int:
        """Keep `kind` (submitted, approved, reopened, started, deleted, import, undo import, role) with
        its details; returns its id."""
        org, which = split_record_key(org_id)
        row = EventRow(organisation_id=org, record=which, period=period, kind=kind, person=person, at=_now(),
                       details=json.dumps(details, default=str, ensure_ascii=False) if details else None)
        self.s.add(row)
        self.s.flush()
        return row.id

    @reads
    def events(self, org_id: str, *, period: str | None = None, kinds: Iterable[str] = ()) -> list[Event]:
        """An organisation's events, newest first (of one period, of some kinds)."""
        org, which = split_record_key(org_id)
        query = select(EventRow).where(EventRow.organisation_id == org, EventRow.record == which)
        if period is not None:
            query = query.where(EventRow.period == period)
        if kinds:
            query = query.where(EventRow.kind.in_(list(kinds)))
        return [Event(r.id, r.period, r.kind, r.person, _utc(r.at), json.loads(r.details) if r.details else {})
                for r in self.s.scalars(query.order_by(EventRow.id.desc()))]

    @reads
    def event(self, org_id: str, event_id: int) -> Event:
        found = [e for e in self.events(org_id) if e.id == event_id]
        if not found:
            raise NotFound(f"{org_id} has no change {event_id}")
        return found[0]

    @writes(NOT_A_PERIOD)
    def mark_event(self, event_id: int, **more: Any) -> None:
        """Add to an event's details (an import marked as undone)."""
        row = self.s.get(EventRow, event_id)
        if row is None:
            raise NotFound(f"there is no event {event_id}")
        row.details = json.dumps({**(json.loads(row.details) if row.details else {}), **more}, default=str,
                                 ensure_ascii=False)
        self.s.flush()

    @reads
    def entries_of_event(self, event_id: int) -> list[tuple[str, str, str, int]]:
        """The entries an event (an import) saved: (period, kind, item, version saved)."""
        rows = self.s.execute(select(AssessmentRow.period, EntryRow.kind, EntryRow.item_id, EntryHistoryRow.version)
                              .join(EntryRow, EntryHistoryRow.entry_id == EntryRow.id)
                              .join(AssessmentRow, EntryRow.assessment_id == AssessmentRow.id)
                              .where(EntryHistoryRow.event_id == event_id)).all()
        return [(period, kind, item, version) for period, kind, item, version in rows]

    @writes(CONTENT_OF_A_PERIOD)
    def delete_entry(self, org_id: str, period: str, kind: str, item: str) -> None:
        assessment = self._open(org_id, period)
        row = self.s.scalar(select(EntryRow).where(EntryRow.assessment_id == assessment.id, EntryRow.kind == kind,
                                                   EntryRow.item_id == item))
        if row is not None:
            self.touched.add(org_id)
            self.s.delete(row)
            self.s.flush()

    # ------------------------------------------------------------ people and roles

    @reads
    def people(self, org_id: str | None = None) -> list[Person]:
        """Everyone (with a role at `org_id`, if given), by email."""
        query = select(PersonRow).options(selectinload(PersonRow.memberships)).order_by(PersonRow.email)
        found = [_person(r) for r in self.s.scalars(query)]
        return [p for p in found if org_id is None or org_id in p.roles]

    @reads
    def person(self, email: str) -> Person | None:
        row = self._person_row(email)
        return _person(row) if row else None

    @reads
    def person_by_identity(self, issuer: str, subject: str) -> Person | None:
        row = self.s.scalar(select(PersonRow).where(PersonRow.issuer == issuer, PersonRow.subject == subject))
        return _person(row) if row else None

    def _person_row(self, email: str) -> PersonRow | None:
        return self.s.scalar(select(PersonRow).where(PersonRow.email == email))

    @writes(NOT_A_PERIOD)
    def add_person(self, email: str, *, added_by: str, administers_deployment: bool = False) -> Person:
        row = self._person_row(email)
        if row is None:
            _fits(email, [m for m in [limits.too_long("the email address", email, limits.EMAIL)] if m])
            row = PersonRow(email=email, added_by=added_by, added_at=_now(), administers_deployment=False)
            self.s.add(row)
        if administers_deployment:
            row.administers_deployment = True
        self.s.flush()
        return _person(row)

    @writes(NOT_A_PERIOD)
    def bind_person(self, email: str, issuer: str, subject: str, name: str | None) -> Person:
        """Bind a person added by email to the identity they signed in with (first sign-in), and
        note the sign-in."""
        row = self._person_row(email)
        if row is None:
            raise NotFound(f"no one with the email address {email}")
        row.issuer, row.subject = issuer[:limits.IDENTITY], subject[:limits.IDENTITY]
        self.signed_in(row, name)
        return _person(row)

    @writes(NOT_A_PERIOD)
    def signed_in(self, row_or_person: PersonRow | Person, name: str | None) -> None:
        row = row_or_person if isinstance(row_or_person, PersonRow) else self._person_row(row_or_person.email)
        if row is None:
            raise NotFound(f"no one with the email address {row_or_person.email}")
        if name:
            row.name = name[:limits.PERSON]
        row.last_signed_in = _now()
        self.s.flush()

    @writes(NOT_A_PERIOD)
    def set_role(self, email: str, org_id: str, role: str | None, *, source: str = "hand") -> str | None:
        """Give `email` `role` at `org_id` (None takes it away), as given by `source` ("hand", or
        "directory": from the sign-in token's app roles); returns the role they had."""
        self._org(org_id)
        row = self._person_row(email)
        if row is None:
            raise NotFound(f"no one with the email address {email}")
        membership = self.s.get(MembershipRow, (row.id, org_id))
        before = membership.role if membership else None
        if role is None and membership is not None:
            self.s.delete(membership)
        elif role is not None and membership is None:
            self.s.add(MembershipRow(person_id=row.id, organisation_id=org_id, role=role, source=source))
        elif role is not None and membership is not None:
            membership.role, membership.source = role, source
        self.s.flush()
        self.s.expire(row, ["memberships"])
        return before

    @writes(NOT_A_PERIOD)
    def unbind_person(self, email: str) -> Person:
        """Free a person's binding to an identity: the next verified sign-in with their address binds
        them afresh."""
        row = self._person_row(email)
        if row is None:
            raise NotFound(f"no one with the email address {email}")
        row.issuer = row.subject = None
        self.s.flush()
        return _person(row)

    @writes(NOT_A_PERIOD)
    def log_sign_in(self, kind: str, *, email: str | None = None, issuer: str | None = None,
                    subject: str | None = None, by: str | None = None, reason: str | None = None) -> None:
        """Keep a line of the sign-in log (text cut to its column: a log line is never refused).
        Its text comes from an identity provider's claims and may hold anything: it is kept with
        control and other unprintable characters escaped (`people.printable`: ESC as \\x1b), so
        that reading the log (`users log`, People) can never drive a terminal."""
        def cut(text_: str | None, limit: int) -> str | None:
            return printable(text_)[:limit] if text_ else None
        self.s.add(SignInLogRow(at=_now(), kind=kind, email=cut(email, limits.EMAIL), by=cut(by, limits.PERSON),
                                issuer=cut(issuer, limits.IDENTITY), subject=cut(subject, limits.IDENTITY),
                                reason=cut(reason, limits.REASON)))
        self.s.flush()

    @reads
    def sign_in_log(self, *, kinds: Iterable[str] | None = None, emails: Iterable[str] | None = None,
                    limit: int = 200) -> list[SignInLine]:
        """The newest lines of the sign-in log (of these kinds, about these addresses), their text
        escaped as `log_sign_in` keeps it."""
        query = select(SignInLogRow).order_by(SignInLogRow.at.desc(), SignInLogRow.id.desc()).limit(limit)
        if kinds is not None:
            query = query.where(SignInLogRow.kind.in_(list(kinds)))
        if emails is not None:
            query = query.where(SignInLogRow.email.in_(list(emails)))
        def shown(text_: str | None) -> str | None:   # lines kept before the log escaped them
            return printable(text_) if text_ else text_
        return [SignInLine(_utc(r.at), r.kind, shown(r.email), shown(r.issuer), shown(r.subject), shown(r.by),
                           shown(r.reason)) for r in self.s.scalars(query)]

    @writes(NOT_A_PERIOD)
    def set_reminders(self, email: str, on: bool) -> Person:
        """Whether `email` is sent reminders by email."""
        row = self._person_row(email)
        if row is None:
            raise NotFound(f"no one with the email address {email}")
        row.reminders = on
        self.s.flush()
        return _person(row)

    # ------------------------------------------------------------ reminders by email

    @reads
    def due_actions(self, until: date) -> list[DueAction]:
        """Every open action (`record.OPEN_ACTION_STATUSES`) due on or before `until`, of every
        organisation, with the record and period it was raised in, soonest first."""
        rows = self.s.execute(
            select(AssessmentRow.organisation_id, AssessmentRow.record, AssessmentRow.period, ActionRow.id,
                   ActionRow.text, ActionRow.owner, ActionRow.due)
            .join(EntryRow, ActionRow.entry_id == EntryRow.id)
            .join(AssessmentRow, EntryRow.assessment_id == AssessmentRow.id)
            .where(ActionRow.status.in_(OPEN_ACTION_STATUSES), ActionRow.due.is_not(None), ActionRow.due <= until)
            .order_by(ActionRow.due, ActionRow.id)).all()
        return [DueAction(org_id, record, period, action_id, text_, owner, due)
                for org_id, record, period, action_id, text_, owner, due in rows if due is not None]

    @reads
    def latest_periods(self) -> list[LatestPeriod]:
        """Each organisation's latest period of its scores (`record.period_key`), with the day it was
        started (UTC)."""
        latest: dict[str, tuple[str, datetime]] = {}
        for org_id, period, created_at in self.s.execute(
                select(AssessmentRow.organisation_id, AssessmentRow.period, AssessmentRow.created_at)
                .where(AssessmentRow.record == MAIN_RECORD)):
            if org_id not in latest or period_key(period) > period_key(latest[org_id][0]):
                latest[org_id] = (period, created_at)
        return [LatestPeriod(org_id, period, (_utc(created_at) or _now()).date())
                for org_id, (period, created_at) in sorted(latest.items())]

    @reads
    def reminders_sent(self, *, since: date, prompts_since: date) -> list[Sent]:
        """The reminders sent (not those that failed) on the runs of `since` and after, and those of
        `prompts_since` and after that prompted to start a new period: what the cadence reads."""
        query = (select(ReminderLogRow.day, ReminderLogRow.email, ReminderLogRow.items)
                 .where(ReminderLogRow.outcome == "sent", ReminderLogRow.day >= min(since, prompts_since))
                 .where((ReminderLogRow.day >= since) | ReminderLogRow.items.contains(f'"{PROMPTED}"'))
                 .order_by(ReminderLogRow.day, ReminderLogRow.id))
        return [Sent(day, email, tuple(_logged_items(items))) for day, email, items in self.s.execute(query)]

    @writes(NOT_A_PERIOD)
    def log_reminder(self, day: date, email: str, outcome: str, subject: str, items: list[dict[str, Any]],
                     reason: str | None = None) -> None:
        """Keep a reminder sent, or tried and failed (`reason`, escaped and cut to its column: a log
        line is never refused): to whom, the run's day, its subject and what it listed."""
        self.s.add(ReminderLogRow(day=day, at=_now(), email=email[:limits.EMAIL], outcome=outcome,
                                  subject=subject[:limits.CHANGE], items=json.dumps(items, ensure_ascii=False),
                                  reason=printable(reason)[:limits.REASON] if reason else None))
        self.s.flush()

    @reads
    def reminder_log(self, *, limit: int = 200) -> list[LoggedReminder]:
        """The newest lines of the reminder log."""
        query = select(ReminderLogRow).order_by(ReminderLogRow.at.desc(), ReminderLogRow.id.desc()).limit(limit)
        return [LoggedReminder(r.day, _utc(r.at), r.email, r.outcome, r.subject, tuple(_logged_items(r.items)),
                               r.reason) for r in self.s.scalars(query)]

    @writes(NOT_A_PERIOD)
    def remove_person(self, email: str) -> None:
        row = self._person_row(email)
        if row is not None:
            self.s.delete(row)
            self.s.flush()

    # ------------------------------------------------------------ respondent rounds (`domain.rounds`)

    @writes(CONTENT_OF_A_PERIOD)
    def add_round(self, round_: Round) -> Round:
        """A new round (draft) on a period open to change; returns it with its id."""
        self._open(round_.org_id, round_.period, what="given a round")
        if round_.state != "draft":
            raise RoundError("a round starts as a draft")
        org, which = split_record_key(round_.org_id)
        _fits("the round", [m for m in (limits.too_long("a perspective", p, limits.PERSPECTIVE)
                                        for p in round_.perspectives) if m])
        now = _now()
        row = RoundRow(organisation_id=org, record=which, period=round_.period, items=_items_json(round_),
                       mode=round_.mode, k=round_.k, state="draft", closes=round_.closes,
                       perspectives=_json(list(round_.perspectives)), opened_by=round_.opened_by,
                       moderators=_json(list(round_.moderators)) if round_.moderators else None,
                       created_at=now, changed_at=now)
        self.s.add(row)
        self.s.flush()
        return _round(row)

    @reads
    def round(self, round_id: int) -> Round:
        return _round(self._round_row(round_id))

    @reads
    def rounds(self, org_id: str, period: str | None = None) -> list[Round]:
        """A record's rounds (of one period), oldest first."""
        org, which = split_record_key(org_id)
        query = select(RoundRow).where(RoundRow.organisation_id == org, RoundRow.record == which)
        if period is not None:
            query = query.where(RoundRow.period == period)
        return [_round(row) for row in self.s.scalars(query.order_by(RoundRow.id))]

    @reads
    def open_rounds(self) -> list[Round]:
        """Every record's open rounds (taking answers), oldest first: where a signed-in respondent's
        questionnaires are looked for."""
        return [_round(row) for row in self.s.scalars(select(RoundRow).where(RoundRow.state == "open")
                                                       .order_by(RoundRow.id))]

    def _round_row(self, round_id: int, *, changing: bool = False) -> RoundRow:
        row = self.s.get(RoundRow, round_id)
        if row is None:
            raise NotFound(f"there is no round {round_id}")
        if changing and row.state == "applied":
            raise RoundError("the round is applied: its agreed scores are in the period, so it cannot change")
        return row

    @writes(ROUND_OF_A_PERIOD)
    def set_moderators(self, round_id: int, moderators: tuple[str, ...]) -> Round:
        """Give the moderator's right for a round (not yet applied) to these addresses (none: its
        editors)."""
        row = self._round_row(round_id, changing=True)
        row.moderators, row.changed_at = (_json(list(moderators)) if moderators else None), _now()
        self.s.flush()
        return _round(row)

    @writes(ROUND_OF_A_PERIOD)
    def set_round_state(self, round_id: int, state: str) -> Round:
        """Move a round on (`rounds.check_move` refuses a move it may not make)."""
        row = self._round_row(round_id)
        check_move(row.state, state)
        row.state, row.changed_at = state, _now()
        self.s.flush()
        return _round(row)

    @writes(ROUND_OF_A_PERIOD)
    def add_invitation(self, invitation: Invitation, *, token_hash: str | None = None) -> Invitation:
        """Invite someone to a round (not yet applied). A link's token is given as its hash
        (`rounds.token_hash`), expiring at most `rounds.LINK_DAYS` after it is made."""
        row = self._round_row(invitation.round_id, changing=True)
        profile = invitation.profile
        if profile.primary not in profile.perspectives:   # Profile holds it; kept here against a bare row
            raise RoundError("the primary perspective is not one of the respondent's")
        if token_hash is not None and not is_token_hash(token_hash):
            raise RoundError("a link's token is kept only as its SHA-256 in hex (64 characters 0-9, a-f)")
        now = _now()
        if token_hash is not None and (invitation.expires_at is None
                                       or invitation.expires_at > now + timedelta(days=LINK_DAYS)):
            raise RoundError(f"a link expires within {LINK_DAYS} days of being made")
        _fits("the invitation", [m for m in [
            limits.too_long("the email address", invitation.email, limits.EMAIL),
            limits.too_long("the department", profile.department, limits.DEPARTMENT),
            *(limits.too_long("a perspective", p, limits.PERSPECTIVE) for p in profile.perspectives)] if m])
        new = InvitationRow(round_id=row.id, email=invitation.email, department=profile.department,
                            perspectives=_json(list(profile.perspectives)), primary=profile.primary,
                            token_hash=token_hash, expires_at=invitation.expires_at if token_hash else None,
                            submitted=False, invited_by=invitation.invited_by, invited_at=now)
        self.s.add(new)
        try:
            self.s.flush()
        except IntegrityError:
            raise AlreadyExists("that link's token is in use already; make another") from None
        return _invitation(new)

    @reads
    def invitations(self, round_id: int) -> list[Invitation]:
        return [_invitation(r) for r in self.s.scalars(select(InvitationRow).where(InvitationRow.round_id == round_id)
                                                        .order_by(InvitationRow.id))]

    @reads
    def invitation_by_token_hash(self, token_hash: str) -> Invitation | None:
        """The invitation a link's token (given as its hash) is for, or None; revoked, expired and
        submitted ones too (the caller says which)."""
        row = self.s.scalar(select(InvitationRow).where(InvitationRow.token_hash == token_hash))
        return _invitation(row) if row is not None else None

    @writes(ROUND_OF_A_PERIOD)
    def revoke_invitation(self, invitation_id: int) -> Invitation:
        """Revoke an invitation (its link no longer lets anyone answer); once is enough."""
        row = self._invitation_row(invitation_id)
        self._round_row(row.round_id, changing=True)
        if row.revoked_at is None:
            row.revoked_at = _now()
            self.s.flush()
        return _invitation(row)

    @writes(ROUND_OF_A_PERIOD)
    def replace_invitation_link(self, invitation_id: int, token_hash: str, expires_at: datetime) -> Invitation:
        """Give a link's invitation a new token (as its hash, `rounds.token_hash`) expiring within
        `rounds.LINK_DAYS`: the link it had stops working at once; its answers, kept by invitation,
        stay. Refused for an invitation answered signed in (it has no link), withdrawn or submitted,
        and in a round applied."""
        row = self._invitation_row(invitation_id)
        self._round_row(row.round_id, changing=True)
        if row.token_hash is None:
            raise RoundError("the invitation is answered signed in: it has no link to replace")
        if row.revoked_at is not None:
            raise RoundError("the invitation was withdrawn")
        if row.submitted:
            raise RoundError("the answers were submitted already; they are submitted once")
        if not is_token_hash(token_hash):
            raise RoundError("a link's token is kept only as its SHA-256 in hex (64 characters 0-9, a-f)")
        now = _now()
        if not now < expires_at <= now + timedelta(days=LINK_DAYS):
            raise RoundError(f"a link expires within {LINK_DAYS} days of being made")
        row.token_hash, row.expires_at = token_hash, expires_at
        try:
            self.s.flush()
        except IntegrityError:
            raise AlreadyExists("that link's token is in use already; make another") from None
        return _invitation(row)

    def _invitation_row(self, invitation_id: int) -> InvitationRow:
        row = self.s.get(InvitationRow, invitation_id)
        if row is None:
            raise NotFound(f"there is no invitation {invitation_id}")
        return row

    def _answering(self, invitation_id: int, by_hand: bool = False) -> tuple[InvitationRow, RoundRow]:
        """The invitation and its round, if answers may be saved: the round open, the invitation
        neither revoked, expired nor submitted (`by_hand`: answers on paper typed in by an editor,
        for whom the link's expiry does not count)."""
        invitation = self._invitation_row(invitation_id)
        round_row = self._round_row(invitation.round_id)
        if round_row.state != "open":
            raise RoundError(f"the round is {round_row.state}, so it is not taking answers")
        if invitation.revoked_at is not None:
            raise RoundError("the invitation was withdrawn")
        expires = _utc(invitation.expires_at)
        if expires is not None and expires <= _now() and not by_hand:
            raise RoundError("the link has expired")
        if invitation.submitted:
            raise RoundError("the answers were submitted already; they are submitted once")
        return invitation, round_row

    @writes(ROUND_OF_A_PERIOD)
    def save_response(self, invitation_id: int, answers: Iterable[Answer], *, by_hand: bool = False) -> Response:
        """Keep an invitation's answers so far (a draft, replacing what was kept), counted under its
        profile (`by_hand`: as `_answering`)."""
        invitation, _ = self._answering(invitation_id, by_hand)
        given = list(answers)
        _fits("the answers", [m for m in (limits.too_long(f"the comment on {a.objective_id}", a.comment,
                                                          limits.COMMENT) for a in given) if m])
        row = self.s.scalar(select(ResponseRow).where(ResponseRow.invitation_id == invitation.id))
        if row is None:
            row = ResponseRow(id=uuid4().hex, round_id=invitation.round_id, invitation_id=invitation.id)
            self.s.add(row)
        row.department, row.perspectives, row.primary = (invitation.department, invitation.perspectives,
                                                         invitation.primary)
        row.submitted, row.answers = False, _answers_json(given)
        self.s.flush()
        return _response(row)

    @writes(ROUND_OF_A_PERIOD)
    def submit_response(self, invitation_id: int, *, by_hand: bool = False) -> None:
        """Submit an invitation's answers, once. Confidential: the answer set is marked submitted,
        still linked. Anonymous: it is written afresh under a new random id with no invitation, the
        linked row deleted, and the invitation marked submitted; no time is kept anywhere, so
        nothing matches the two again (nor is the new id returned)."""
        invitation, round_row = self._answering(invitation_id, by_hand)
        row = self.s.scalar(select(ResponseRow).where(ResponseRow.invitation_id == invitation.id))
        if row is None:
            raise RoundError("there are no answers to submit")
        if round_row.mode == "anonymous":
            kept = ResponseRow(id=uuid4().hex, round_id=row.round_id, invitation_id=None, department=row.department,
                               perspectives=row.perspectives, primary=row.primary, submitted=True,
                               answers=row.answers)
            self.s.delete(row)
            self.s.flush()
            self.s.add(kept)
        else:
            row.submitted = True
        invitation.submitted = True
        self.s.flush()

    @reads
    def responses(self, round_id: int) -> list[Response]:
        """A round's answer sets, drafts and submitted, by their random ids (an order that means nothing)."""
        self._round_row(round_id)
        return [_response(r) for r in self.s.scalars(select(ResponseRow).where(ResponseRow.round_id == round_id)
                                                     .order_by(ResponseRow.id))]

    @writes(ROUND_OF_A_PERIOD)
    def set_moderation(self, round_id: int, moderation: Moderation) -> Moderation:
        """Keep the moderator's agreed score for one item of a round (replacing what was kept)."""
        self._round_row(round_id, changing=True)
        _fits(f"the moderation of {moderation.item_id}", [m for m in [
            limits.too_long("the meeting", moderation.meeting, limits.MEETING),
            limits.too_long("the rationale", moderation.rationale, limits.COMMENT)] if m])
        row = self.s.get(ModerationRow, (round_id, moderation.item_id))
        if row is None:
            row = ModerationRow(round_id=round_id, item_id=moderation.item_id)
            self.s.add(row)
        row.score, row.rationale, row.meeting = moderation.score, moderation.rationale, moderation.meeting
        row.published = _json(list(moderation.published))
        row.moderated_by, row.moderated_at = moderation.moderated_by, _now()
        self.s.flush()
        return _moderation(row)

    @reads
    def moderations(self, round_id: int) -> list[Moderation]:
        self._round_row(round_id)
        rows = self.s.scalars(select(ModerationRow).where(ModerationRow.round_id == round_id))
        return sorted((_moderation(r) for r in rows), key=lambda m: natural_key(m.item_id))

    # ------------------------------------------------------------ one entry at a time

    @writes(CONTENT_OF_A_PERIOD)
    def save_entry(self, org_id: str, period: str, entry: Entry, *, expected_version: int | None,
                   user: str) -> Entry:
        """Save one objective's (or key area's) entry with its actions and evidence.

        `expected_version` is the version the user started from (0 or None for a new entry).
        If the stored entry has moved on, `StaleEntry` is raised carrying the stored entry, and
        nothing is written.
        """
        assessment = self._open(org_id, period)
        self.touched.add(org_id)
        row = self.s.scalar(select(EntryRow).where(EntryRow.assessment_id == assessment.id,
                                                   EntryRow.kind == entry.kind, EntryRow.item_id == entry.item)
                            .with_for_update())
        what = f"{entry.kind.replace('_', ' ')} {entry.item}"
        if row is None:
            if expected_version:
                raise StaleEntry(f"{what} was removed since you opened it")
            row = self._insert_entries(assessment, [entry], user)[0]
            return _entry_from_row(row)
        if (expected_version or 0) != row.version:
            raise _stale(what, row, expected_version)
        try:
            with self.s.begin_nested():   # a save someone else made meanwhile undoes this entry only
                self._update_entry(row, entry, user)
        except StaleDataError:
            self.s.expire(row)
            raise _stale(what, row, expected_version) from None
        return _entry_from_row(row)

    @writes(CONTENT_OF_A_PERIOD)
    def write_entries(self, org_id: str, period: str, framework: Framework, *, new: list[Entry],
                      changed: list[Entry], status: str = "draft", user: str) -> None:
        """Add `new` entries and update `changed` ones (each a new version with history) in a period,
        which is created (for `framework`, with `status`) if it does not exist yet."""
        self._org(org_id)
        self.touched.add(org_id)
        assessment = self.s.scalar(select(AssessmentRow).where(*_of_record(org_id), AssessmentRow.period == period))
        if assessment is None:
            assessment = _period_row(org_id, period, framework.id, framework.version, status)
            self.s.add(assessment)
            self.s.flush()
        else:
            self._check_open(assessment, what="imported into")
        rows = {(e.kind, e.item_id): e for e in assessment.entries}
        for entry in changed:
            self._update_entry(rows[(entry.kind, entry.item)], entry, user)
        self._insert_entries(assessment, new, user)

    def _insert_entries(self, assessment: AssessmentRow, entries: list[Entry], user: str) -> list[EntryRow]:
        """New entries with their actions, evidence and first history row (one flush for all)."""
        rows = []
        for entry in entries:
            _fits(f"{entry.kind.replace('_', ' ')} {entry.item}", entry_problems(entry))
            row = EntryRow(assessment_id=assessment.id, kind=entry.kind, item_id=entry.item)
            _fill_entry(row, entry, user)
            row.actions = [_action_row(a, user) for a in entry.actions]
            row.evidence = [EvidenceRow(url=e.url, title=e.title) for e in entry.evidence]
            rows.append(row)
        self.s.add_all(rows)
        self.s.flush()
        self.s.add_all([_history(row, self.change, self.event_id) for row in rows])
        return rows

    def _update_entry(self, row: EntryRow, entry: Entry, user: str) -> None:
        _fits(f"{entry.kind.replace('_', ' ')} {entry.item}", entry_problems(entry))
        _fill_entry(row, entry, user)
        by_id = {a.id: a for a in row.actions}
        kept = []
        for action in entry.actions:
            existing = by_id.get(action.id) if action.id is not None else None
            if existing is None:
                kept.append(_action_row(action, user))
            else:
                if existing.status != action.status:   # a status change is kept, dated, for the action's life
                    existing.updates.append(ActionUpdateRow(status=action.status, on=_now().date(),
                                                            period=row.assessment.period, changed_by=user,
                                                            changed_at=_now()))
                if (existing.text, existing.owner, existing.due, existing.status, existing.rag) != \
                        (action.text, action.owner, action.due, action.status, action.rag):
                    existing.text, existing.owner, existing.due = action.text, action.owner, action.due
                    existing.status, existing.rag = action.status, action.rag
                    existing.updated_by, existing.updated_at = user, _now()
                kept.append(existing)
        row.actions = kept
        row.evidence = [EvidenceRow(url=e.url, title=e.title) for e in entry.evidence]
        self.s.flush()  # the mapper's version counter moves on here
        self.s.add(_history(row, self.change, self.event_id))

    # ------------------------------------------------------------ drafts

    @reads
    def drafts(self, org_id: str, period: str | None = None, person: str | None = None,
               tab: str | None = None) -> list[Draft]:
        """Drafts of an organisation (of one period, of one person, of one tab), oldest period first."""
        query = (select(DraftRow, AssessmentRow.period).join(AssessmentRow)
                 .where(*_of_record(org_id)))
        if period is not None:
            query = query.where(AssessmentRow.period == period)
        if person is not None:
            query = query.where(DraftRow.person == person)
        if tab is not None:
            query = query.where(DraftRow.tab == tab)
        rows = self.s.execute(query.order_by(DraftRow.id)).all()
        out = [Draft(name, row.person, edit_from_json(row.item_id, row.kind, row.base_version, row.fields),
                     _utc(row.updated_at), row.tab) for row, name in rows]
        return sorted(out, key=lambda d: period_key(d.period))

    @writes(CONTENT_OF_A_PERIOD)
    def put_draft(self, org_id: str, period: str, person: str, edit: EntryEdit, tab: str = "") -> None:
        """Keep `edit` as the person's draft of that entry in that tab (replacing what was kept)."""
        assessment = self._open(org_id, period)
        row = self.s.scalar(select(DraftRow).where(DraftRow.assessment_id == assessment.id, DraftRow.person == person,
                                                   DraftRow.tab == tab, DraftRow.kind == edit.kind,
                                                   DraftRow.item_id == edit.item))
        if row is None:
            row = DraftRow(assessment_id=assessment.id, person=person, tab=tab, kind=edit.kind, item_id=edit.item)
            self.s.add(row)
        row.base_version, row.fields, row.updated_at = edit.base_version, fields_json(edit), _now()
        self.s.flush()

    @writes(OWN_DRAFTS_DISCARDED)
    def delete_drafts(self, org_id: str, period: str, person: str | None,
                      keys: Iterable[tuple[str, str]] | None = None, tab: str | None = None) -> int:
        """Delete drafts of a period (one person's, or everyone's with None; of one tab, or every tab
        with None; only `keys` if given)."""
        assessment = self._assessment(org_id, period)
        query = select(DraftRow).where(DraftRow.assessment_id == assessment.id)
        if person is not None:
            query = query.where(DraftRow.person == person)
        if tab is not None:
            query = query.where(DraftRow.tab == tab)
        wanted = None if keys is None else set(keys)
        gone = 0
        for row in self.s.scalars(query).all():
            if wanted is None or (row.kind, row.item_id) in wanted:
                self.s.delete(row)
                gone += 1
        self.s.flush()
        return gone

    # ------------------------------------------------------------ the covering report

    @writes(NOT_A_PERIOD)
    def set_report_shape(self, org_id: str, shape: ReportShape | None) -> None:
        """The council's report shape (None: none); its periods' covering reports keep their words."""
        row = self._org(org_id)
        if shape is not None:
            _fits(org_id, shape_problems(shape))
        self.touched.add(org_id)
        row.report_shape = shape_json(shape) if shape is not None else None
        self.s.flush()

    @writes(CONTENT_OF_A_PERIOD)
    def save_covering(self, org_id: str, period: str, report: CoveringReport, *, expected_version: int | None,
                      user: str) -> CoveringReport:
        """A new version of a period's covering report. `expected_version` is the version the person
        started from (0 for none): if someone has saved one since, `StaleEntry` (carrying theirs) and
        nothing is written."""
        assessment = self._open(org_id, period)
        _fits(f"{period}'s covering report", covering_problems(report))
        self.touched.add(org_id)
        latest = self.s.scalar(select(CoveringReportRow).where(CoveringReportRow.assessment_id == assessment.id)
                               .order_by(CoveringReportRow.version.desc()).limit(1).with_for_update())
        version = latest.version if latest else 0
        if expected_version is not None and expected_version != version and latest is not None:
            raise StaleEntry(f"{period}'s covering report was saved by {latest.changed_by or 'someone else'} "
                             f"({long_date_time(latest.changed_at)}, version {version}) after you opened version "
                             f"{expected_version}; nothing was overwritten", current=_covering(latest))
        row = CoveringReportRow(assessment_id=assessment.id, version=version + 1, document=covering_json(report),
                                change=self.change, changed_by=user, changed_at=_now())
        self.s.add(row)
        try:
            self.s.flush()
        except IntegrityError:   # the same version saved at the same moment by someone else
            raise StaleEntry(f"{period}'s covering report was saved by someone else at the same moment; "
                             "nothing was overwritten") from None
        return _covering(row)

    @reads
    def covering_versions(self, org_id: str, period: str) -> list[tuple[CoveringReport, str | None]]:
        """Every saved version of a period's covering report, oldest first, with what made it."""
        assessment = self._assessment(org_id, period)
        return [(_covering(row), row.change) for row in assessment.covering]

    @reads
    def versions(self, org_id: str, period: str, item: str, kind: str = "objective") -> list[Version]:
        """Every saved version of one entry, oldest first (without what each changed: `history.versions`)."""
        assessment = self._assessment(org_id, period)
        entry = self.s.scalar(select(EntryRow).where(EntryRow.assessment_id == assessment.id,
                                                     EntryRow.kind == kind, EntryRow.item_id == item))
        if entry is None:
            return []
        rows = self.s.scalars(select(EntryHistoryRow).where(EntryHistoryRow.entry_id == entry.id)
                              .order_by(EntryHistoryRow.version)).all()
        return [Version(h.version, h.changed_by, _utc(h.changed_at), h.change, _kept_entry(h, item, kind),
                        whole=h.snapshot is not None) for h in rows]


def _covering(row: CoveringReportRow) -> CoveringReport:
    """A saved version of a covering report, with its version, who saved it and when."""
    return replace(covering_from_json(row.document), version=row.version, by=row.changed_by,
                   at=_utc(row.changed_at))


def _kept_entry(row: EntryHistoryRow, item: str, kind: str) -> Entry:
    """What a history row kept: its snapshot (the record schema's entry), or, for a row from before
    snapshots were kept, its score, target and comment."""
    if row.snapshot is not None:
        return entry_from_snapshot(row.snapshot, item, kind)
    return Entry(item, kind, score=_score(row.score, row.not_applicable),
                 target=_score(row.target, row.target_not_applicable), comment=row.comment)


def _stale(what: str, row: EntryRow, expected_version: int | None) -> StaleEntry:
    """The conflict: someone saved `row` after the version the person started from."""
    return StaleEntry(
        f"{what} was saved by {row.updated_by or 'someone else'} ({long_date_time(row.updated_at)}, "
        f"version {row.version}) after you opened version {expected_version or 0}; "
        "nothing was overwritten", current=_entry_from_row(row))


def _fill_entry(row: EntryRow, entry: Entry, user: str) -> None:
    row.score, row.not_applicable = entry.score.value, entry.score.not_applicable
    row.target, row.target_not_applicable = entry.target.value, entry.target.not_applicable
    row.target_period = entry.target_period
    row.comment, row.previous_comment = entry.comment, entry.previous_comment
    row.carried = entry.carried
    row.rating, row.value, row.no_data = entry.rating, entry.value, entry.no_data
    row.updated_by, row.updated_at = user, _now()


def _action_row(action: Action, user: str) -> ActionRow:
    return ActionRow(text=action.text, owner=action.owner, due=action.due, status=action.status,
                     rag=action.rag, updated_by=user, updated_at=_now(),
                     updates=[ActionUpdateRow(status=u.status, on=u.on, note=u.note, period=u.period,
                                              changed_by=u.by or user, changed_at=u.at or _now())
                              for u in action.updates])


def _action_from_row(a: ActionRow) -> Action:
    return Action(text=a.text, owner=a.owner, due=a.due, status=a.status, rag=a.rag, id=a.id,
                  updates=[ActionUpdate(status=u.status, on=u.on, note=u.note, period=u.period, by=u.changed_by,
                                        at=_utc(u.changed_at)) for u in a.updates])


def _history(row: EntryRow, change: str | None, event_id: int | None) -> EntryHistoryRow:
    return EntryHistoryRow(entry_id=row.id, version=row.version, score=row.score,
                           not_applicable=row.not_applicable, target=row.target,
                           target_not_applicable=row.target_not_applicable, comment=row.comment,
                           changed_by=row.updated_by, changed_at=row.updated_at,
                           snapshot=snapshot_json(_entry_from_row(row)),
                           change=change, event_id=event_id)


def _approval(row: AssessmentRow) -> Approval | None:
    if row.status != "approved" or not row.decision:
        return None
    return Approval(row.decision, row.decision_date, row.minute, row.approved_by, _utc(row.approved_at))


def _person(row: PersonRow) -> Person:
    return Person(row.email, row.name, row.issuer, row.subject, bool(row.administers_deployment),
                  {m.organisation_id: m.role for m in row.memberships}, _utc(row.last_signed_in),
                  reminders=row.reminders is not False,
                  from_directory=frozenset(m.organisation_id for m in row.memberships if m.source == "directory"))


def _logged_items(text_: str | None) -> list[dict[str, Any]]:
    """What a logged reminder listed (`reminders.Item.logged`); anything else kept there reads as nothing."""
    try:
        found = json.loads(text_ or "[]")
    except ValueError:
        return []
    return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else []


def _utc(when: datetime | None) -> datetime | None:
    """A time read from the database, marked UTC: SQLite hands back naive times, which are UTC
    (`backup._in_utc` is the other way round: a time with an offset moved to UTC)."""
    return when.replace(tzinfo=timezone.utc) if when is not None and when.tzinfo is None else when


def _period_row(key: str, period: str, framework_id: str, framework_version: str, status: str) -> AssessmentRow:
    """A new period of a record (`domain.record.record_key`)."""
    org, which = split_record_key(key)
    return AssessmentRow(organisation_id=org, record=which, period=period, framework_id=framework_id,
                         framework_version=framework_version, status=status)


def _of_record(key: str) -> tuple:
    """The periods of a record (`domain.record.record_key`), as a query's conditions."""
    org, which = split_record_key(key)
    return AssessmentRow.organisation_id == org, AssessmentRow.record == which


def _fits(what: str, problems: list[str]) -> None:
    """The last guard, whatever the way in: text longer than its column is refused here on SQLite
    too, as PostgreSQL would refuse it (workflows and readers say so earlier, located)."""
    if problems:
        raise InvalidEdit(f"{what}: {problems[0]}")


def _entry_from_row(row: EntryRow) -> Entry:
    updated = _utc(row.updated_at)
    return Entry(
        item=row.item_id, kind=row.kind, score=_score(row.score, row.not_applicable),
        target=_score(row.target, row.target_not_applicable), target_period=row.target_period,
        comment=row.comment, previous_comment=row.previous_comment, carried=bool(row.carried),
        rating=row.rating, value=row.value, no_data=bool(row.no_data),
        actions=[_action_from_row(a) for a in row.actions],
        evidence=[Evidence(url=e.url, title=e.title) for e in row.evidence],
        version=row.version, updated_by=row.updated_by, updated_at=updated)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _items_json(round_: Round) -> str:
    return _json({"kind": round_.kind, "ids": ALL if round_.items is None else list(round_.items)})


def _round(row: RoundRow) -> Round:
    items = json.loads(row.items)
    return Round(record_key(row.organisation_id, row.record), row.period, row.closes, mode=row.mode,
                 kind=items["kind"], items=None if items["ids"] == ALL else tuple(items["ids"]), k=row.k,
                 perspectives=tuple(json.loads(row.perspectives)), state=row.state, opened_by=row.opened_by,
                 moderators=tuple(json.loads(row.moderators)) if row.moderators else (), id=row.id,
                 created_at=_utc(row.created_at), changed_at=_utc(row.changed_at))


def _peer_document(row: PeerRow) -> PeerDocument:
    return PeerDocument(row.kind, row.name, json.loads(row.data), row.released_on, row.made_by, _utc(row.made_at),
                        row.id)


def _profile(row: InvitationRow | ResponseRow) -> Profile:
    return Profile(row.department, tuple(json.loads(row.perspectives)), row.primary)


def _invitation(row: InvitationRow) -> Invitation:
    return Invitation(row.round_id, _profile(row), email=row.email, link=row.token_hash is not None,
                      expires_at=_utc(row.expires_at), revoked_at=_utc(row.revoked_at), submitted=bool(row.submitted),
                      invited_by=row.invited_by, invited_at=_utc(row.invited_at), id=row.id)


def _answers_json(answers: list[Answer]) -> str:
    return _json([{"objective": a.objective_id, "value": a.value, "dont_know": a.dont_know,
                   "not_applicable": a.not_applicable, "comment": a.comment} for a in answers])


def _answers(text_: str) -> tuple[Answer, ...]:
    return tuple(Answer(a["objective"], a["value"], bool(a["dont_know"]), bool(a["not_applicable"]), a["comment"])
                 for a in json.loads(text_))


def _response(row: ResponseRow) -> Response:
    return Response(row.id, row.round_id, row.invitation_id, _profile(row), bool(row.submitted), _answers(row.answers))


def _moderation(row: ModerationRow) -> Moderation:
    return Moderation(row.item_id, row.score, row.rationale, row.meeting, tuple(json.loads(row.published or "[]")),
                      row.moderated_by, _utc(row.moderated_at))
