"""Run the registry's Alembic migrations from the installed package (no CWD-relative alembic.ini)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """An in-memory Alembic config pointing at the packaged migrations, bound to `connection`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the registry has no migrations"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


# pg_advisory_xact_lock key: "clustercert migrations" (any fixed 64-bit number shared by all runs).
MIGRATION_LOCK = 0x636C757374657263


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision` in one transaction (PostgreSQL DDL is transactional).

    Several runs may open a fresh registry at once (two campaigns, a worker pool): on PostgreSQL the
    upgrade holds a transaction-scoped advisory lock and looks at the revision again once it has it,
    so exactly one of them migrates and the others find the schema at head. (SQLite takes its write
    lock with BEGIN IMMEDIATE, see `store._sqlite_begin`.)
    """
    if revision == "head" and current_revision(engine) == head_revision():
        return  # the common case: nothing to do, and no Alembic log lines on every open
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        if revision == "head" and MigrationContext.configure(conn).get_current_revision() == head_revision():
            return
        command.upgrade(alembic_config(conn), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), revision)
