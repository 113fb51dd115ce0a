"""The standard env.py: every pending revision runs in ONE transaction."""
import os

from alembic import context
from sqlalchemy import create_engine, pool


def run_migrations_online():
    engine = create_engine(os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=None)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
