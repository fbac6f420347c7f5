"""Migrations run from the installed package, reach head on an empty database, and match the models."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from clustercert.registry import DEFAULT_URL, URL_ENV, Registry, migrate, resolve_url
from clustercert.registry.models import Base

PG_URL = os.environ.get("CLUSTERCERT_TEST_PG_URL")

TABLES = {
    "campaigns",
    "clusters",
    "submissions",
    "evaluations",
    "certifications",
    "monitoring_reports",
    "change_filings",
    "revocation_proposals",
    "audit_log",
    "registry_revision",
    "stage_runs",
}


def test_open_migrates_an_empty_database_to_head(db_url: str) -> None:
    engine = sa.create_engine(db_url)
    assert migrate.current_revision(engine) is None
    registry = Registry.open(db_url)
    assert migrate.current_revision(engine) == migrate.head_revision() == "0003"
    assert TABLES <= set(sa.inspect(engine).get_table_names())
    counts = registry.row_counts()
    assert counts.pop("registry_revision") == 1  # its one row: revision 0
    assert set(counts.values()) == {0}
    registry.close()
    Registry.open(db_url).close()  # a second open finds the schema at head and changes nothing
    assert migrate.current_revision(engine) == "0003"
    engine.dispose()


def test_migration_creates_exactly_the_models(registry: Registry) -> None:
    with registry.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_downgrade_to_base_and_back(db_url: str) -> None:
    registry = Registry.open(db_url)
    migrate.downgrade(registry.engine, "base")
    assert not TABLES & set(sa.inspect(registry.engine).get_table_names())
    migrate.upgrade(registry.engine)
    assert TABLES <= set(sa.inspect(registry.engine).get_table_names())
    registry.close()


def test_url_comes_from_argument_then_environment_then_default(monkeypatch) -> None:
    monkeypatch.delenv(URL_ENV, raising=False)
    assert resolve_url() == DEFAULT_URL == "sqlite:///var/clustercert.db"
    monkeypatch.setenv(URL_ENV, "postgresql+psycopg://u@h/db")
    assert resolve_url() == "postgresql+psycopg://u@h/db"
    assert resolve_url("sqlite:///x.db") == "sqlite:///x.db"


def test_default_database_is_created_under_var_of_the_working_directory(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(URL_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    Registry.open().close()
    assert (tmp_path / "var" / "clustercert.db").is_file()


def _concurrent_opens_of_a_fresh_postgres_registry_migrate_once(url: str) -> None:
    """Two campaigns opening a fresh PostgreSQL registry at once: one migrates, none fails."""
    import threading

    from sqlalchemy.engine import make_url

    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    name = "clustercert_race_test"
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    fresh = make_url(url).set(database=name).render_as_string(hide_password=False)
    errors: list[str] = []

    def open_it() -> None:
        try:
            Registry.open(fresh).close()
        except Exception as exc:  # noqa: BLE001 — the assertion below shows what went wrong
            errors.append(repr(exc))

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a migration is stuck waiting for another"
    assert errors == []
    engine = sa.create_engine(fresh)
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


if PG_URL:  # SQLite serialises writers itself (BEGIN IMMEDIATE); the race is PostgreSQL's

    @pytest.mark.postgres
    def test_concurrent_opens_of_a_fresh_postgres_registry_migrate_once() -> None:
        _concurrent_opens_of_a_fresh_postgres_registry_migrate_once(str(PG_URL))
