"""peer comparison: a period opted in, and the deployment's clubs, releases and outside series

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN and a new table on both databases; no period is opted in.
    op.add_column('assessments', sa.Column('peers_opted_in_by', sa.String(length=200), nullable=True))
    op.add_column('assessments', sa.Column('peers_opted_in_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table('peers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('released_on', sa.Date(), nullable=True),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('made_by', sa.String(length=200), nullable=True),
    sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'name', name='uq_peers_kind_name'))
    # Type and region become fixed lists: today's free text mapped where it can be (`domain.peers`);
    # what cannot be is left as typed, and `peers groups` lists it.
    from assessment.domain.peers import council_type, region
    bind = op.get_bind()
    organisations = sa.table('organisations', sa.column('id', sa.String), sa.column('type', sa.String),
                             sa.column('region', sa.String))
    for org_id, typed, placed in bind.execute(sa.select(organisations.c.id, organisations.c.type,
                                                        organisations.c.region)).all():
        mapped = {k: v for k, v in (("type", council_type(typed)), ("region", region(placed))) if v}
        if mapped:
            bind.execute(organisations.update().where(organisations.c.id == org_id).values(**mapped))


def downgrade() -> None:
    # The mapped type and region stay as mapped (the free text they replaced is not kept).
    op.drop_table('peers')
    op.execute('ALTER TABLE assessments DROP COLUMN peers_opted_in_at')
    op.execute('ALTER TABLE assessments DROP COLUMN peers_opted_in_by')
