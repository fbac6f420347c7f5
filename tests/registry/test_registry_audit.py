"""The audit log is append-only: the API offers no way to change it, and the database refuses to."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from registry_helpers import AS_OF, COUNTY, NAME, POLICY, YEAR, sha, submit, take_to_certified

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


def test_a_transaction_reads_the_entries_it_wrote_in_the_order_it_wrote_them(registry: Registry) -> None:
    # entries go to the database in one statement when the transaction reads the log or commits
    with registry.transaction(flow_run_id="campaign-run") as tx:
        tx.upsert_campaign(YEAR, AS_OF, POLICY)
        sid = submit(tx, "a")
        take_to_certified(tx, sid)
        seen = [(e.from_status, e.to_status) for e in tx.audit(sid) if e.to_status]
        counted = tx.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
        of_it = tx.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.entity_id == sid))
    assert seen[-2:] == [("recommended", "shortlisted"), ("shortlisted", "certified")]
    assert counted == len(registry.audit()) and of_it == len(registry.audit(sid))
    assert [(e.from_status, e.to_status) for e in registry.audit(sid) if e.to_status] == seen
    assert [e.id for e in registry.audit()] == sorted(e.id for e in registry.audit())


def test_a_transaction_that_fails_leaves_none_of_its_entries(registry: Registry) -> None:
    with registry.transaction() as tx:
        tx.upsert_campaign(YEAR, AS_OF, POLICY)
    before = len(registry.audit())
    with pytest.raises(RuntimeError), registry.transaction() as tx:
        submit(tx, "a")
        tx.record_validation(submit(tx, "b"), valid=True, warning_count=0, payload=None)
        raise RuntimeError("the stage failed")
    assert len(registry.audit()) == before
    with registry.transaction() as tx:  # the session's pending entries went with it
        submit(tx, "c")
    assert {e.entity_id for e in registry.audit()[before:]} == {f"{YEAR}-{COUNTY}-{sha('c')[:8]}"}
