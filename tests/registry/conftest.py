"""Registry fixtures: every test gets an empty, migrated database of each backend under test.

SQLite always (a copy of a migrated file under tmp_path); PostgreSQL as well when
CLUSTERCERT_TEST_PG_URL is set, in a uniquely named schema that is dropped afterwards, so runs do not
collide. Migration tests get an empty database of their own (`db_url`).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from registry_helpers import AS_OF, POLICY, YEAR, submit, take_to_certified
from sqlalchemy.engine import make_url

from clustercert.registry import Registry
from clustercert.registry.models import TABLES

PG_URL = os.environ.get("CLUSTERCERT_TEST_PG_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)] if PG_URL else ["sqlite"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@contextmanager
def _pg_schema() -> Iterator[str]:
    """A schema of its own on the test server; the URL's search_path points there."""
    schema = f"cc_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty database (no tables, no Alembic version)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'registry.db'}"
        return
    with _pg_schema() as url:
        yield url


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head; tests start from a copy (migrating each time is slow)."""
    path = tmp_path_factory.mktemp("template") / "registry.db"
    Registry.open(f"sqlite:///{path}").close()
    return path


@pytest.fixture(scope="session")
def migrated_pg() -> Iterator[str]:
    """One PostgreSQL schema migrated to head for the session; each test empties it afterwards."""
    with _pg_schema() as url:
        Registry.open(url).close()
        yield url


def _empty_pg(registry: Registry) -> None:
    # Tests only: the append-only triggers are switched off for the clean-up, and back on.
    names = ", ".join(t.name for t in TABLES)
    with registry.engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        conn.execute(sa.text("ALTER TABLE audit_log ENABLE TRIGGER USER"))


@pytest.fixture
def registry(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Registry]:
    """A migrated, empty registry."""
    if backend == "sqlite":
        database = tmp_path / "registry.db"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), database)
        reg = Registry.open(f"sqlite:///{database}")
    else:
        reg = Registry.open(request.getfixturevalue("migrated_pg"))
    try:
        yield reg
    finally:
        if backend != "sqlite":
            _empty_pg(reg)
        reg.close()


@pytest.fixture
def certified(registry: Registry) -> tuple[Registry, str]:
    """A registry holding one certified cluster; returns it and the certificate id."""
    with registry.transaction(flow_run_id="campaign-run") as tx:
        tx.upsert_campaign(YEAR, AS_OF, POLICY)
        take_to_certified(tx, submit(tx, "a"))
    return registry, "HLJ-2026-001"
