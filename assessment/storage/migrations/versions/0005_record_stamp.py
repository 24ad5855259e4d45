"""organisations.changed: a stamp set afresh by every change to an organisation's record

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('organisations', sa.Column('changed', sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('organisations') as batch_op:   # SQLite drops a column by copying
        batch_op.drop_column('changed')
