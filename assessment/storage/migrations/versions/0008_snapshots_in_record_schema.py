"""entry_history.snapshot: each saved version kept in the record schema's shape (scores as people
write them, "2/3" and "n/a"), the shape record files and the JSON export share

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

from assessment.storage.migrations.legacy import snapshot_from_numbers, snapshot_to_numbers

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_HISTORY = sa.table('entry_history', sa.column('id', sa.Integer), sa.column('snapshot', sa.Text))


def _rewrite(convert) -> None:
    connection = op.get_bind()
    last = 0
    while True:   # in slices by id: a large history is not read into memory at once
        rows = connection.execute(sa.select(_HISTORY.c.id, _HISTORY.c.snapshot)
                                  .where(_HISTORY.c.id > last, _HISTORY.c.snapshot.is_not(None))
                                  .order_by(_HISTORY.c.id).limit(5000)).all()
        if not rows:
            return
        changed = [{"row_id": row_id, "new": new} for row_id, snapshot in rows
                   if (new := convert(snapshot)) != snapshot]
        if changed:
            connection.execute(_HISTORY.update().where(_HISTORY.c.id == sa.bindparam("row_id"))
                               .values(snapshot=sa.bindparam("new")), changed)
        last = rows[-1][0]


def upgrade() -> None:
    _rewrite(snapshot_from_numbers)


def downgrade() -> None:
    _rewrite(snapshot_to_numbers)
