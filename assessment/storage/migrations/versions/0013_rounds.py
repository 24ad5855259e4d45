"""respondent rounds: rounds on a period, invitations (link tokens as hashes only), answer sets, moderation

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-20
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # New tables only: nothing existing is copied or changed on either database.
    op.create_table('rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.String(length=64), nullable=False),
    sa.Column('record', sa.String(length=16), server_default='', nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('items', sa.Text(), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('k', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('closes', sa.Date(), nullable=False),
    sa.Column('perspectives', sa.Text(), nullable=False),
    sa.Column('opened_by', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id', 'record', 'period'],
                            ['assessments.organisation_id', 'assessments.record', 'assessments.period'],
                            name='fk_round_period', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_rounds_organisation_id', 'rounds', ['organisation_id'], unique=False)
    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('department', sa.String(length=200), nullable=False),
    sa.Column('perspectives', sa.Text(), nullable=False),
    sa.Column('primary', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('invited_by', sa.String(length=200), nullable=True),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index('ix_invitations_round_id', 'invitations', ['round_id'], unique=False)
    # WITHOUT ROWID on SQLite: no hidden row number to tell the order answer sets came in.
    op.create_table('responses',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=True),
    sa.Column('department', sa.String(length=200), nullable=False),
    sa.Column('perspectives', sa.Text(), nullable=False),
    sa.Column('primary', sa.String(length=100), nullable=False),
    sa.Column('submitted', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('answers', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('invitation_id'),
    sqlite_with_rowid=False
    )
    op.create_index('ix_responses_round_id', 'responses', ['round_id'], unique=False)
    op.create_table('moderations',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.String(length=64), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('rationale', sa.Text(), nullable=True),
    sa.Column('meeting', sa.String(length=300), nullable=True),
    sa.Column('published', sa.Text(), nullable=False),
    sa.Column('moderated_by', sa.String(length=200), nullable=True),
    sa.Column('moderated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'item_id')
    )


def downgrade() -> None:
    # Every round, invitation, answer set and moderation goes with its table.
    op.drop_table('moderations')
    op.drop_index('ix_responses_round_id', table_name='responses')
    op.drop_table('responses')
    op.drop_index('ix_invitations_round_id', table_name='invitations')
    op.drop_table('invitations')
    op.drop_index('ix_rounds_organisation_id', table_name='rounds')
    op.drop_table('rounds')
