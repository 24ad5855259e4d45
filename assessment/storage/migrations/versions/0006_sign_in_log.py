"""sign_in_log: bindings made and freed, and refused sign-ins with their reasons

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sign_in_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('issuer', sa.String(length=300), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=True),
    sa.Column('by', sa.String(length=200), nullable=True),
    sa.Column('reason', sa.String(length=2000), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_sign_in_log_at', 'sign_in_log', ['at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_sign_in_log_at', table_name='sign_in_log')
    op.drop_table('sign_in_log')
