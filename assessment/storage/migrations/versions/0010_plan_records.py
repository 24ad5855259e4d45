"""a plan beside the scores: which record a period and an event belong to; a plan entry's rating and value

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The period's record joins its unique key: on SQLite the table is copied (batch), which
    # `store.migrate` runs with foreign keys off, so the copy does not take the entries with it.
    with op.batch_alter_table('assessments') as batch_op:
        batch_op.add_column(sa.Column('record', sa.String(length=16), server_default='', nullable=False))
        batch_op.drop_constraint('uq_assessment_org_period', type_='unique')
        batch_op.create_unique_constraint('uq_assessment_record_period', ['organisation_id', 'record', 'period'])
    op.add_column('events', sa.Column('record', sa.String(length=16), server_default='', nullable=False))
    op.add_column('entries', sa.Column('rating', sa.String(length=64), nullable=True))
    op.add_column('entries', sa.Column('value', sa.Float(), nullable=True))
    op.add_column('entries', sa.Column('no_data', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    op.execute("DELETE FROM assessments WHERE record <> ''")
    op.execute("DELETE FROM events WHERE record <> ''")
    for name in ('no_data', 'value', 'rating'):
        op.execute(f'ALTER TABLE entries DROP COLUMN {name}')
    op.execute('ALTER TABLE events DROP COLUMN record')
    with op.batch_alter_table('assessments') as batch_op:
        batch_op.drop_constraint('uq_assessment_record_period', type_='unique')
        batch_op.create_unique_constraint('uq_assessment_org_period', ['organisation_id', 'period'])
        batch_op.drop_column('record')
