"""advanced analytics system

Revision ID: advanced_analytics_001
Revises: 7903a818df74
Create Date: 2025-10-01 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = 'advanced_analytics_001'
down_revision = '7903a818df74'
branch_labels = None
depends_on = None


def upgrade():
    # Create the enums first, "safely".
    op.execute("""
        DO $$ BEGIN
            CREATE TYPE platformtype AS ENUM ('meta_ads', 'tiktok_ads', 'google_ads', 'instagram', 'facebook', 'pos_system');
        EXCEPTION
            WHEN duplicate_object THEN null;
        END $$;
    """)
    op.execute("""
        DO $$ BEGIN
            CREATE TYPE metrictype AS ENUM ('impressions', 'clicks', 'conversions', 'revenue', 'spend', 'engagement', 'reach', 'ctr', 'cpc', 'cpa', 'roas', 'custom');
        EXCEPTION
            WHEN duplicate_object THEN null;
        END $$;
    """)
    op.execute("""
        DO $$ BEGIN
            CREATE TYPE culturalsegment AS ENUM ('hispanic_latino', 'african_american', 'asian_american', 'native_american', 'middle_eastern', 'european_american', 'multi_cultural', 'general_market');
        EXCEPTION
            WHEN duplicate_object THEN null;
        END $$;
    """)
    op.execute("""
        DO $$ BEGIN
            CREATE TYPE analyticsgranularity AS ENUM ('minute', 'hour', 'day', 'week', 'month', 'quarter', 'year');
        EXCEPTION
            WHEN duplicate_object THEN null;
        END $$;
    """)

    op.create_table(
        'analytics_data_points',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('platform_type', postgresql.ENUM(name='platformtype', create_type=False), nullable=False),
        sa.Column('metric_type', postgresql.ENUM(name='metrictype', create_type=False), nullable=False),
        sa.Column('value', sa.Numeric(), nullable=False),
    )
    op.create_table(
        'analytics_aggregations',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('granularity', postgresql.ENUM(name='analyticsgranularity', create_type=False), nullable=False),
        sa.Column('total', sa.Numeric()),
    )
    op.create_table(
        'cultural_analytics',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('segment', postgresql.ENUM(name='culturalsegment', create_type=False), nullable=False),
    )
    op.create_table(
        'predictive_analyses',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('model_id', sa.Integer(), sa.ForeignKey('predictive_models.id')),
    )


def downgrade():
    for table in ('predictive_analyses', 'cultural_analytics', 'analytics_aggregations', 'analytics_data_points'):
        op.drop_table(table)
    for enum in ('analyticsgranularity', 'culturalsegment', 'metrictype', 'platformtype'):
        op.execute(f"DROP TYPE IF EXISTS {enum}")
