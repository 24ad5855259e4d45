"""Database tables (SQLAlchemy 2): the one description of what is stored. Changes to these go
through an Alembic migration (`assessment/migrations/versions/`); a test checks the two agree."""

from __future__ import annotations

from datetime import date, datetime, timezone
from uuid import uuid4

from sqlalchemy import (Boolean, Date, DateTime, Float, ForeignKey, ForeignKeyConstraint, Integer, String, Text,
                        UniqueConstraint, false, true)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ..domain.limits import (
    BASELINE_AGREED,
    CHANGE,
    DECISION,
    DEPARTMENT,
    EMAIL,
    EVIDENCE_TITLE,
    IDENTITY,
    MEETING,
    MINUTE,
    ORGANISATION_ID,
    ORGANISATION_NAME,
    ORGANISATION_REGION,
    ORGANISATION_TYPE,
    OWNER,
    PERSON,
    PERSPECTIVE,
    RATING,
    REASON,
    RECORD,
    RESPONSE_ID,
    TAB,
    TOKEN_HASH,
)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_stamp() -> str:
    """A fresh value for `organisations.changed`: never the same twice, so a stamp names one state."""
    return uuid4().hex


class Base(DeclarativeBase):
    pass


class OrganisationRow(Base):
    __tablename__ = "organisations"
    id: Mapped[str] = mapped_column(String(ORGANISATION_ID), primary_key=True)
    name: Mapped[str] = mapped_column(String(ORGANISATION_NAME))
    type: Mapped[str | None] = mapped_column(String(ORGANISATION_TYPE))
    region: Mapped[str | None] = mapped_column(String(ORGANISATION_REGION))
    baseline_agreed: Mapped[str | None] = mapped_column(String(BASELINE_AGREED))
    source: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Set afresh by every unit of work that changes the organisation's record (its periods, entries,
    # actions, baselines): a read keeps a loaded record for as long as this stays the same.
    changed: Mapped[str | None] = mapped_column(String(32), default=new_stamp)
    # The council's report shape (JSON, `formats.covering_file.shape_json`): the sections of its
    # committee report, in order, which its covering reports follow; null: none chosen yet.
    report_shape: Mapped[str | None] = mapped_column(Text)
    assessments: Mapped[list["AssessmentRow"]] = relationship(back_populates="organisation",
                                                              cascade="all, delete-orphan")
    baselines: Mapped[list["BaselineRow"]] = relationship(cascade="all, delete-orphan")


class BaselineRow(Base):
    """The agreed starting score of one objective for one organisation."""
    __tablename__ = "baselines"
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    objective_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    score: Mapped[float | None] = mapped_column(Float)
    not_applicable: Mapped[bool] = mapped_column(Boolean, default=False)


class AssessmentRow(Base):
    """One organisation's record for one period against one framework version."""
    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("organisation_id", "record", "period", name="uq_assessment_record_period"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    # Which of the organisation's records the period belongs to: "" its scores, "plan" its plan
    # (`domain.record.RECORDS`).
    record: Mapped[str] = mapped_column(String(RECORD), default="", server_default="")
    period: Mapped[str] = mapped_column(String(16))
    framework_id: Mapped[str] = mapped_column(String(64))
    framework_version: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The approval as the council records it (set while approved): the committee or officer
    # decision, its date and minute, and who recorded it here and when.
    decision: Mapped[str | None] = mapped_column(String(DECISION))
    decision_date: Mapped[date | None] = mapped_column(Date)
    minute: Mapped[str | None] = mapped_column(String(MINUTE))
    approved_by: Mapped[str | None] = mapped_column(String(PERSON))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Opted in to peer comparison (issue 31) by the council's administrator, and when: an approved
    # period only; counted from the next release; cleared when withdrawn.
    peers_opted_in_by: Mapped[str | None] = mapped_column(String(PERSON))
    peers_opted_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # What the period put forward contributes, as the last release worked it out (JSON: the
    # organisation's stamp then, the framework its record followed, the financial year and key-area
    # levels): kept while the stamp stands, so a release reads the entries of changed councils only.
    # Not in backups: worked out again at the next release.
    peers_contribution: Mapped[str | None] = mapped_column(Text)
    organisation: Mapped[OrganisationRow] = relationship(back_populates="assessments")
    entries: Mapped[list["EntryRow"]] = relationship(back_populates="assessment", cascade="all, delete-orphan")
    drafts: Mapped[list["DraftRow"]] = relationship(cascade="all, delete-orphan")
    covering: Mapped[list["CoveringReportRow"]] = relationship(cascade="all, delete-orphan",
                                                               order_by="CoveringReportRow.version")


class CoveringReportRow(Base):
    """One saved version of a period's covering report (JSON, `formats.covering_file.covering_json`):
    the latest is the report as it stands; the earlier ones are its history."""
    __tablename__ = "covering_reports"
    __table_args__ = (UniqueConstraint("assessment_id", "version", name="uq_covering_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[str] = mapped_column(Text)
    change: Mapped[str | None] = mapped_column(String(CHANGE))   # "saved", "import report.yaml", "started"
    changed_by: Mapped[str | None] = mapped_column(String(PERSON))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EntryRow(Base):
    """Score, target, comment of one objective (kind 'objective') or key area (kind 'key_area')."""
    __tablename__ = "entries"
    __table_args__ = (UniqueConstraint("assessment_id", "kind", "item_id", name="uq_entry_item"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="objective")
    item_id: Mapped[str] = mapped_column(String(64))
    score: Mapped[float | None] = mapped_column(Float)
    not_applicable: Mapped[bool] = mapped_column(Boolean, default=False)
    target: Mapped[float | None] = mapped_column(Float)
    target_not_applicable: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    target_period: Mapped[str | None] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    previous_comment: Mapped[str | None] = mapped_column(Text)
    carried: Mapped[bool] = mapped_column(Boolean, default=False)
    # A plan's entries: an outcome's or action's rating; an indicator's value, or no data for it.
    rating: Mapped[str | None] = mapped_column(String(RATING))
    value: Mapped[float | None] = mapped_column(Float)
    no_data: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str | None] = mapped_column(String(PERSON))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    assessment: Mapped[AssessmentRow] = relationship(back_populates="entries")
    actions: Mapped[list["ActionRow"]] = relationship(back_populates="entry", cascade="all, delete-orphan",
                                                      order_by="ActionRow.id")
    evidence: Mapped[list["EvidenceRow"]] = relationship(cascade="all, delete-orphan", order_by="EvidenceRow.id")

    __mapper_args__ = {"version_id_col": version}


class ActionRow(Base):
    __tablename__ = "actions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(OWNER))
    due: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(32), default="open")
    rag: Mapped[str | None] = mapped_column(String(8))
    updated_by: Mapped[str | None] = mapped_column(String(PERSON))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    entry: Mapped[EntryRow] = relationship(back_populates="actions")
    updates: Mapped[list["ActionUpdateRow"]] = relationship(cascade="all, delete-orphan",
                                                            order_by="ActionUpdateRow.id")


class ActionUpdateRow(Base):
    """A dated change of an action's status, with an optional progress note; `period` is the period
    current when it was recorded (`on` may be unknown for a record transcribed from papers)."""
    __tablename__ = "action_updates"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(32))
    on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    period: Mapped[str | None] = mapped_column(String(16))
    changed_by: Mapped[str | None] = mapped_column(String(PERSON))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EvidenceRow(Base):
    __tablename__ = "evidence"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(String(EVIDENCE_TITLE))


class EntryHistoryRow(Base):
    """A snapshot of an entry after every save: who, when, which version, what it said."""
    __tablename__ = "entry_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    score: Mapped[float | None] = mapped_column(Float)
    not_applicable: Mapped[bool] = mapped_column(Boolean, default=False)
    target: Mapped[float | None] = mapped_column(Float)
    target_not_applicable: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    comment: Mapped[str | None] = mapped_column(Text)
    changed_by: Mapped[str | None] = mapped_column(String(PERSON))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Everything the entry said (JSON: score, target, target period, comment, carried, actions,
    # evidence), so that any version can be shown and restored; null before December 2026.
    snapshot: Mapped[str | None] = mapped_column(Text)
    change: Mapped[str | None] = mapped_column(String(CHANGE))   # what made it: "saved", "import x.docx", ...
    event_id: Mapped[int | None] = mapped_column(Integer, index=True)   # the import (events.id) that made it


class EventRow(Base):
    """Something done to an organisation's record as a whole, kept for its history: a period
    submitted, approved, reopened, started or deleted; an import (and its undoing); a role given or
    taken away. `details` is JSON (the decision, date and minute; a reason; a file; a role)."""
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    record: Mapped[str] = mapped_column(String(RECORD), default="", server_default="")   # "" or "plan"
    period: Mapped[str | None] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    person: Mapped[str | None] = mapped_column(String(PERSON))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    details: Mapped[str | None] = mapped_column(Text)


class PersonRow(Base):
    """Someone who may sign in: added by email, bound on first sign-in to the identity provider's
    issuer and subject (the email claim is optional in Entra ID and may change)."""
    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_person_identity"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL), unique=True)
    name: Mapped[str | None] = mapped_column(String(PERSON))
    issuer: Mapped[str | None] = mapped_column(String(IDENTITY))
    subject: Mapped[str | None] = mapped_column(String(IDENTITY))
    administers_deployment: Mapped[bool] = mapped_column(Boolean, default=False)
    added_by: Mapped[str | None] = mapped_column(String(PERSON))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_signed_in: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Sent reminders by email (`notify run`): on unless they (or an administrator) switch them off.
    reminders: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    memberships: Mapped[list["MembershipRow"]] = relationship(cascade="all, delete-orphan")


class MembershipRow(Base):
    """A person's role at one organisation: administrator, editor or reviewer."""
    __tablename__ = "memberships"
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                 primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    # Where it came from: "hand" (People, `users add`) or "directory" (the sign-in token's app roles,
    # taken away by the directory when no longer claimed; a role given by hand it never touches).
    source: Mapped[str] = mapped_column(String(16), default="hand", server_default="hand")


class DraftRow(Base):
    """One person's unsaved edit to one entry of a period, in one browser tab: the fields changed
    (JSON) and the version of the saved entry it started from. Kept until it is saved or discarded.
    Two tabs of the same person keep two drafts, so a save in one is a save someone else made for the
    other (Keep mine / Use theirs), never a mix of both."""
    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("assessment_id", "person", "tab", "kind", "item_id", name="uq_draft_item"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    person: Mapped[str] = mapped_column(String(PERSON))
    tab: Mapped[str] = mapped_column(String(TAB), default="", server_default="")   # the browser tab ("" none)
    kind: Mapped[str] = mapped_column(String(16), default="objective")
    item_id: Mapped[str] = mapped_column(String(64))
    base_version: Mapped[int] = mapped_column(Integer, default=0)
    fields: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RoundRow(Base):
    """A respondent round on one period of a record (`domain.rounds`): several people answer for
    some or all of its objectives (or key areas), and a moderator agrees one score for each. It
    belongs to its period (deleted with it); `items` (JSON: {"kind": "objective" or "key_area",
    "ids": [...] or "all"}) says what is asked, `perspectives` (JSON list) those offered. `mode`
    is confidential or anonymous; `k` the fewest people a group shown may have; `state` draft,
    open, closed or applied (`rounds.STATES`), its moves kept as events."""
    __tablename__ = "rounds"
    __table_args__ = (ForeignKeyConstraint(["organisation_id", "record", "period"],
                                           ["assessments.organisation_id", "assessments.record",
                                            "assessments.period"], ondelete="CASCADE", name="fk_round_period"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    record: Mapped[str] = mapped_column(String(RECORD), default="", server_default="")
    period: Mapped[str] = mapped_column(String(16))
    items: Mapped[str] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(16))
    k: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default="draft")
    closes: Mapped[date] = mapped_column(Date)
    perspectives: Mapped[str] = mapped_column(Text)
    opened_by: Mapped[str | None] = mapped_column(String(PERSON))
    # JSON list of the email addresses given the moderator's right for this round (NULL: its editors)
    moderators: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class InvitationRow(Base):
    """One person asked to answer a round: their address (null for a link handed out by hand), the
    department and perspectives they answer for (`perspectives` JSON, `primary` one of them), and,
    for someone without an account, a link's token kept only as its SHA-256 (hex: the token itself
    is never stored), with when it expires and when it was revoked. `submitted` says they have
    answered; no time is kept, so that in an anonymous round it cannot be matched to an answer set."""
    __tablename__ = "invitations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    email: Mapped[str | None] = mapped_column(String(EMAIL))
    department: Mapped[str] = mapped_column(String(DEPARTMENT))
    perspectives: Mapped[str] = mapped_column(Text)
    primary: Mapped[str] = mapped_column(String(PERSPECTIVE))
    token_hash: Mapped[str | None] = mapped_column(String(TOKEN_HASH), unique=True)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    invited_by: Mapped[str | None] = mapped_column(String(PERSON))
    invited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ResponseRow(Base):
    """One person's answer set in a round (`answers`, JSON: [{objective, value, dont_know,
    not_applicable, comment}]), with the department and perspectives it is counted under. Its id
    is random (uuid4 hex), not a sequence, and the table keeps no row order of its own on SQLite
    (WITHOUT ROWID), so that the order of submissions says nothing. While being answered it points
    at its invitation; in an anonymous round, submitting writes it afresh under a new random id
    with no invitation (`invitation_id` null) and deletes the linked row. No time is kept."""
    __tablename__ = "responses"
    __table_args__ = ({"sqlite_with_rowid": False},)
    id: Mapped[str] = mapped_column(String(RESPONSE_ID), primary_key=True, default=lambda: uuid4().hex)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id", ondelete="SET NULL"),
                                                      unique=True)
    department: Mapped[str] = mapped_column(String(DEPARTMENT))
    perspectives: Mapped[str] = mapped_column(Text)
    primary: Mapped[str] = mapped_column(String(PERSPECTIVE))
    submitted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    answers: Mapped[str] = mapped_column(Text)


class ModerationRow(Base):
    """The score a round's moderator agreed for one objective (or key area), with its rationale, the
    meeting it was agreed at, which answer sets' comments on it may be published unattributed
    (`published`, JSON list of response ids) and who recorded it when."""
    __tablename__ = "moderations"
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    score: Mapped[float | None] = mapped_column(Float)
    rationale: Mapped[str | None] = mapped_column(Text)
    meeting: Mapped[str | None] = mapped_column(String(MEETING))
    published: Mapped[str] = mapped_column(Text, default="[]")
    moderated_by: Mapped[str | None] = mapped_column(String(PERSON))
    moderated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SignInLogRow(Base):
    """The sign-in log: a person bound to an identity on first sign-in, a binding freed (`by` whom,
    with a reason), and every sign-in refused with its reason. Never a token. A security log of
    the deployment, like a web server's: not part of backups."""
    __tablename__ = "sign_in_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(16))                 # bound, unbound, refused
    email: Mapped[str | None] = mapped_column(String(EMAIL))       # as kept, or as presented (refused)
    issuer: Mapped[str | None] = mapped_column(String(IDENTITY))
    subject: Mapped[str | None] = mapped_column(String(IDENTITY))
    by: Mapped[str | None] = mapped_column(String(PERSON))         # who freed a binding
    reason: Mapped[str | None] = mapped_column(String(REASON))


class ReminderLogRow(Base):
    """Every reminder email sent, or tried and failed: to whom, on which day's run, when, its subject
    and what it listed (`items`, JSON: each action's id and due date, each prompt's organisation and
    period; never the message's words). What the next runs read to send nothing twice."""
    __tablename__ = "reminder_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)            # the run's day
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    email: Mapped[str] = mapped_column(String(EMAIL))
    outcome: Mapped[str] = mapped_column(String(16))                # sent, failed
    subject: Mapped[str] = mapped_column(String(CHANGE))
    items: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(String(REASON))     # why it failed


class SettingRow(Base):
    """User settings (key/value), kept with the data so that a backup carries them."""
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)


class PeerRow(Base):
    """Peer comparison's records for the whole deployment (issue 31), each a JSON document `data`
    under its `kind`: a club ("club": its member organisations), a release ("release": the frozen
    figures of every group, on `released_on`, and the memberships the next release's guard compares
    with) or a published outside series ("series": its source, year, framework and levels). One
    name per kind."""
    __tablename__ = "peers"
    __table_args__ = (UniqueConstraint("kind", "name", name="uq_peers_kind_name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    released_on: Mapped[date | None] = mapped_column(Date)
    data: Mapped[str] = mapped_column(Text)
    made_by: Mapped[str | None] = mapped_column(String(PERSON))
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
