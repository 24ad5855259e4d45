"""an action lives once, with dated status changes; copies carried forward are folded in

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

from assessment.storage.migrations.legacy import merged_actions

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    rows = [dict(r._mapping) for r in connection.execute(sa.text(
        "SELECT a.id, a.carried_from, a.status, a.owner, a.due, a.rag, a.updated_by, a.updated_at, s.period "
        "FROM actions a JOIN entries e ON e.id = a.entry_id JOIN assessments s ON s.id = e.assessment_id"))]
    for row in rows:   # SQLite hands back text for times and dates here
        for name, kind in (("updated_at", "datetime"), ("due", "date")):
            if isinstance(row[name], str):
                row[name] = _parse(row[name], kind)
    kept, changes = merged_actions(rows)
    keep_ids = {a["id"] for a in kept}
    for action in kept:
        connection.execute(sa.text("UPDATE actions SET status = :status, owner = :owner, due = :due, rag = :rag, "
                                   "carried_from = NULL WHERE id = :id"), action)
    for row in rows:
        if row["id"] not in keep_ids:
            connection.execute(sa.text("DELETE FROM actions WHERE id = :id"), {"id": row["id"]})
    # Before action_updates exists: on SQLite the batch copies `actions` and drops the old table,
    # and a table pointing at it with ON DELETE CASCADE would lose its rows.
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_column('carried_from')

    op.create_table('action_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('period', sa.String(length=16), nullable=True),
    sa.Column('changed_by', sa.String(length=200), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('action_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_updates_action_id'), ['action_id'], unique=False)
    updates = sa.table("action_updates", sa.column("action_id", sa.Integer), sa.column("status", sa.String),
                       sa.column("on", sa.Date), sa.column("period", sa.String), sa.column("changed_by", sa.String),
                       sa.column("changed_at", sa.DateTime(timezone=True)))
    if changes:
        connection.execute(updates.insert(), changes)


def _parse(text: str, kind: str):
    from datetime import date, datetime, timezone
    if kind == "date":
        return date.fromisoformat(text[:10])
    when = datetime.fromisoformat(text)
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def downgrade() -> None:
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('carried_from', sa.Integer(), nullable=True))
    with op.batch_alter_table('action_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_updates_action_id'))
    op.drop_table('action_updates')
