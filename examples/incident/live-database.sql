-- The production database of the incident, as it stood after the failed deploy and the hand repair
-- in psql: `advanced_analytics_001` created the enums with its own (shorter) label lists, the later
-- migration that "fixed" them with IF NOT EXISTS guards skipped every one of them, two of its tables
-- were never created, and alembic_version was stamped by hand.

CREATE TYPE platformtype AS ENUM ('meta_ads', 'tiktok_ads', 'google_ads', 'instagram', 'facebook', 'pos_system');
CREATE TYPE metrictype AS ENUM ('impressions', 'clicks', 'conversions', 'revenue', 'spend', 'engagement', 'reach', 'ctr', 'cpc', 'cpa', 'roas', 'custom');
CREATE TYPE culturalsegment AS ENUM ('hispanic_latino', 'african_american', 'asian_american', 'native_american', 'middle_eastern', 'european_american', 'multi_cultural', 'general_market');
CREATE TYPE analyticsgranularity AS ENUM ('hour', 'day', 'week', 'month', 'minute', 'quarter', 'year');
-- A second spelling, created by a model that said Enum(..., name='PlatformType'): SQLAlchemy quotes it.
CREATE TYPE "PlatformType" AS ENUM ('meta_ads', 'tiktok_ads');

CREATE TABLE analytics_data_points (
  id serial PRIMARY KEY,
  platform_type platformtype NOT NULL,
  metric_type metrictype NOT NULL,
  value numeric NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE analytics_aggregations (
  id serial PRIMARY KEY,
  granularity analyticsgranularity NOT NULL,
  platform_type platformtype,
  total numeric
);
CREATE TABLE cultural_analytics (id serial PRIMARY KEY, segment culturalsegment NOT NULL);
CREATE TABLE predictive_models (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE predictive_analyses (id serial PRIMARY KEY, model_id int REFERENCES predictive_models (id));

CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY);
INSERT INTO alembic_version VALUES ('advanced_analytics_001');
