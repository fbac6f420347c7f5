"""The audit log is append-only: the API offers no way to change it, and the database refuses to."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from registry_helpers import NAME

from clustercert.lifecycle import local_date
from clustercert.registry import Registry, Transaction
from clustercert.registry.models import AuditEntry

REWRITES = re.compile(r"delete|remove|purge|truncate|update|edit|rewrite|erase|drop|clear_audit")


def test_the_store_api_offers_no_way_to_rewrite_history() -> None:
    for api in (Registry, Transaction):
        public = [name for name in dir(api) if not name.startswith("_")]
        assert not [name for name in public if REWRITES.search(name)], api


def test_every_audit_entry_says_when_who_why_and_on_which_article(certified: tuple[Registry, str]) -> None:
    registry, cert = certified
    entries = registry.audit()
    assert entries and [e.id for e in entries] == sorted(e.id for e in entries)
    for entry in entries:
        assert entry.at.tzinfo is not None and entry.at.utcoffset().total_seconds() == 0
        assert entry.local_date == local_date(entry.at)
        assert entry.reason and entry.article and entry.actor == "clustercert"
        assert entry.flow_run_id == "campaign-run"
    assert {e.entity_kind for e in entries} == {"campaign", "submission", "cluster", "certification"}
    assert registry.audit(cert)[0].to_status == "certified"
    assert any(NAME in e.entity_id for e in registry.audit(entity_kind="cluster"))


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET reason = 'rewritten'", "DELETE FROM audit_log"],
)
def test_the_database_refuses_to_change_the_audit_log(
    certified: tuple[Registry, str], statement: str
) -> None:
    registry, _ = certified
    before = [(e.id, e.reason) for e in registry.audit()]
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), registry.engine.begin() as conn:
        conn.execute(sa.text(statement))
    assert [(e.id, e.reason) for e in registry.audit()] == before


def test_changing_an_entry_through_the_orm_fails_and_rolls_back(certified: tuple[Registry, str]) -> None:
    registry, cert = certified
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), registry.transaction() as tx:
        tx.session.scalars(sa.select(AuditEntry)).first().reason = "rewritten"
    assert "rewritten" not in {e.reason for e in registry.audit()}


def test_postgresql_also_refuses_truncate(certified: tuple[Registry, str]) -> None:
    registry, _ = certified
    if registry.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE exists on PostgreSQL only")
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), registry.engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE audit_log"))
