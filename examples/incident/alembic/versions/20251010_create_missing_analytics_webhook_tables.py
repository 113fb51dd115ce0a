"""create missing analytics and webhook tables

Revision ID: 20251010_missing_tables
Revises: advanced_analytics_001
Create Date: 2025-10-10 14:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '20251010_missing_tables'
down_revision = 'advanced_analytics_001'
branch_labels = None
depends_on = None

PLATFORMS = ('meta_ads', 'tiktok_ads', 'google_ads', 'instagram', 'facebook',
             'pos_system', 'email_marketing', 'sms_marketing', 'website', 'mobile_app')


def upgrade():
    # "More reliable" than the EXCEPTION blocks: create the enums only if they are missing.
    op.execute("""
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'platformtype') THEN
                CREATE TYPE platformtype AS ENUM ('meta_ads', 'tiktok_ads', 'google_ads', 'instagram', 'facebook',
                    'pos_system', 'email_marketing', 'sms_marketing', 'website', 'mobile_app');
            END IF;
        END $$;
    """)
    op.execute("""
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'analyticsgranularity') THEN
                CREATE TYPE analyticsgranularity AS ENUM ('minute', 'hour', 'day', 'week', 'month', 'quarter', 'year');
            END IF;
        END $$;
    """)

    op.create_table(
        'automated_insights',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('platform_type', sa.Enum(*PLATFORMS, name='platformtype', create_type=False), nullable=False),
        sa.Column('summary', sa.Text()),
    )
    op.create_table(
        'performance_benchmarks',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('granularity', sa.Enum('minute', 'hour', 'day', 'week', 'month', 'quarter', 'year', name='analyticsgranularity'), nullable=False),
    )
    op.create_table(
        'webhook_events',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('payload', sa.JSON()),
    )


def downgrade():
    op.drop_table('webhook_events')
    op.drop_table('performance_benchmarks')
    op.drop_table('automated_insights')
