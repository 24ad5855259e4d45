"""the covering report: a council's report shape, and each period's covering report with its versions

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on both databases (SQLite must not copy and drop `organisations`, whose rows
    # everything else points at).
    op.add_column('organisations', sa.Column('report_shape', sa.Text(), nullable=True))
    op.create_table('covering_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('change', sa.String(length=300), nullable=True),
    sa.Column('changed_by', sa.String(length=200), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('assessment_id', 'version', name='uq_covering_version')
    )
    with op.batch_alter_table('covering_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_covering_reports_assessment_id'), ['assessment_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('covering_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_covering_reports_assessment_id'))
    op.drop_table('covering_reports')
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35 and later, PostgreSQL): not a batch copy, which on
    # SQLite would drop `organisations` and so, through the foreign keys, every record
    op.execute('ALTER TABLE organisations DROP COLUMN report_shape')
