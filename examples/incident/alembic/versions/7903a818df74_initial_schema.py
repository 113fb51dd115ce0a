"""initial schema

Revision ID: 7903a818df74
Revises:
Create Date: 2025-09-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '7903a818df74'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'predictive_models',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('name', sa.Text(), nullable=False),
    )


def downgrade():
    op.drop_table('predictive_models')
