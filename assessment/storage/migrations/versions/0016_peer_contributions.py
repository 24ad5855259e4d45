"""peer comparison: what a period put forward contributes, kept between releases

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on both databases; empty: the next release works every contribution out.
    op.add_column('assessments', sa.Column('peers_contribution', sa.Text(), nullable=True))


def downgrade() -> None:
    op.execute('ALTER TABLE assessments DROP COLUMN peers_contribution')
