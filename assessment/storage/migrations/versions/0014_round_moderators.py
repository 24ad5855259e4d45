"""round moderators: the people given the moderator's right for one round (none named: its editors)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on both databases; every round there is has its editors as moderators.
    op.add_column('rounds', sa.Column('moderators', sa.Text(), nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35 and later, PostgreSQL); the rounds go back to their
    # editors as moderators.
    op.execute('ALTER TABLE rounds DROP COLUMN moderators')
