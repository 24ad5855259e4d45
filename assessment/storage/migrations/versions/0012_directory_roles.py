"""roles from the directory: where each role came from (given by hand, or by the directory's app roles)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-13
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on both databases; every role there is was given by hand.
    op.add_column('memberships', sa.Column('source', sa.String(length=16), server_default='hand', nullable=False))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35 and later, PostgreSQL), not a batch copy; the roles the
    # directory gave stay, as if given by hand (the directory can no longer tell them apart).
    op.execute('ALTER TABLE memberships DROP COLUMN source')
