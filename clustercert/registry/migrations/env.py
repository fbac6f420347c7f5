"""Alembic environment of the registry.

`clustercert.registry.migrate` runs it in-process with an open connection (config.attributes
["connection"]); the `alembic` command line (with `clustercert/registry/alembic.ini`) runs it with the
URL from `-x url=…`, `CLUSTERCERT_DB_URL`, or the default SQLite file.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection, create_engine

from clustercert.registry.models import Base

DEFAULT_URL = "sqlite:///var/clustercert.db"

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = (
        context.get_x_argument(as_dictionary=True).get("url")
        or os.environ.get("CLUSTERCERT_DB_URL")
        or DEFAULT_URL
    )
    engine = create_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def run_migrations_offline() -> None:
    url = (
        context.get_x_argument(as_dictionary=True).get("url")
        or os.environ.get("CLUSTERCERT_DB_URL")
        or DEFAULT_URL
    )
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
