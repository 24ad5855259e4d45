"""people and roles; sign-off (approval); events; full snapshots in entry history

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('person', sa.String(length=200), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('details', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_events_organisation_id', 'events', ['organisation_id'], unique=False)
    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('issuer', sa.String(length=300), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=True),
    sa.Column('administers_deployment', sa.Boolean(), nullable=False),
    sa.Column('added_by', sa.String(length=200), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_signed_in', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email'),
    sa.UniqueConstraint('issuer', 'subject', name='uq_person_identity')
    )
    op.create_table('memberships',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'organisation_id')
    )
    # Plain ADD COLUMN on both databases (SQLite must not copy and drop tables others point at).
    for name, column in (('decision', sa.String(length=300)), ('decision_date', sa.Date()),
                         ('minute', sa.String(length=100)), ('approved_by', sa.String(length=200)),
                         ('approved_at', sa.DateTime(timezone=True))):
        op.add_column('assessments', sa.Column(name, column, nullable=True))
    op.add_column('entry_history', sa.Column('snapshot', sa.Text(), nullable=True))
    op.add_column('entry_history', sa.Column('change', sa.String(length=300), nullable=True))
    op.add_column('entry_history', sa.Column('event_id', sa.Integer(), nullable=True))
    op.create_index('ix_entry_history_event_id', 'entry_history', ['event_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_entry_history_event_id', table_name='entry_history')
    with op.batch_alter_table('entry_history') as batch_op:
        batch_op.drop_column('event_id')
        batch_op.drop_column('change')
        batch_op.drop_column('snapshot')
    with op.batch_alter_table('assessments') as batch_op:
        for name in ('approved_at', 'approved_by', 'minute', 'decision_date', 'decision'):
            batch_op.drop_column(name)
    op.drop_table('memberships')
    op.drop_table('people')
    op.drop_index('ix_events_organisation_id', table_name='events')
    op.drop_table('events')
