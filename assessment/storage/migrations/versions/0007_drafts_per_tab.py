"""drafts.tab: a draft belongs to one browser tab, so two tabs of one person never share one

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nothing points at drafts, so SQLite may copy the table to change its unique constraint.
    with op.batch_alter_table('drafts') as batch_op:
        batch_op.add_column(sa.Column('tab', sa.String(length=16), server_default='', nullable=False))
        batch_op.drop_constraint('uq_draft_item', type_='unique')
        batch_op.create_unique_constraint('uq_draft_item', ['assessment_id', 'person', 'tab', 'kind', 'item_id'])


def downgrade() -> None:
    with op.batch_alter_table('drafts') as batch_op:
        batch_op.drop_constraint('uq_draft_item', type_='unique')
        batch_op.execute("DELETE FROM drafts WHERE tab <> ''")
        batch_op.create_unique_constraint('uq_draft_item', ['assessment_id', 'person', 'kind', 'item_id'])
        batch_op.drop_column('tab')
