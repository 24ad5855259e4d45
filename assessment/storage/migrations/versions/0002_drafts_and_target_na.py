"""drafts kept in the database; a target can be n/a

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on both databases: SQLite must not copy and drop `entries`, whose rows
    # actions, evidence and history point at (their foreign keys would cascade).
    op.add_column('entries', sa.Column('target_not_applicable', sa.Boolean(), server_default=sa.false(),
                                       nullable=False))
    op.add_column('entry_history', sa.Column('target_not_applicable', sa.Boolean(), server_default=sa.false(),
                                             nullable=False))
    op.create_table('drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('person', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('item_id', sa.String(length=64), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=False),
    sa.Column('fields', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('assessment_id', 'person', 'kind', 'item_id', name='uq_draft_item')
    )
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drafts_assessment_id'), ['assessment_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drafts_assessment_id'))
    op.drop_table('drafts')
    with op.batch_alter_table('entry_history') as batch_op:
        batch_op.drop_column('target_not_applicable')
    with op.batch_alter_table('entries') as batch_op:
        batch_op.drop_column('target_not_applicable')
