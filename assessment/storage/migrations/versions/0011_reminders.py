"""reminders by email: whether each person is sent them, and the log of every one sent or failed

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on both databases (SQLite must not copy and drop `people`, whose roles point at it).
    op.add_column('people', sa.Column('reminders', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.create_table('reminder_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('items', sa.Text(), nullable=False),
    sa.Column('reason', sa.String(length=2000), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_reminder_log_day', 'reminder_log', ['day'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_reminder_log_day', table_name='reminder_log')
    op.drop_table('reminder_log')
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35 and later, PostgreSQL): not a batch copy, which on
    # SQLite would drop `people` and so, through the foreign keys, everyone's roles
    op.execute('ALTER TABLE people DROP COLUMN reminders')
