"""The registry's revision moves on by one with every transaction that writes, and only then; a
stage noted inside a campaign keeps its inputs and the revisions before and after it."""

from __future__ import annotations

import pytest
from registry_helpers import AS_OF, POLICY, YEAR

from clustercert.registry import Registry

INPUTS = "a" * 64


def revision(registry: Registry) -> int:
    with registry.transaction() as tx:
        return tx.revision()


def test_a_write_moves_the_revision_on_and_a_read_or_a_rollback_does_not(registry: Registry) -> None:
    start = revision(registry)
    with registry.transaction() as tx:
        tx.campaign(YEAR)
    assert revision(registry) == start
    with registry.transaction() as tx:
        tx.upsert_campaign(YEAR, AS_OF, POLICY)
        tx.upsert_campaign(YEAR, AS_OF, POLICY)  # one transaction: one step, however many writes
    assert revision(registry) == start + 1
    with registry.transaction() as tx:
        tx.upsert_campaign(YEAR, AS_OF, POLICY)  # nothing new: no write
    assert revision(registry) == start + 1
    with pytest.raises(RuntimeError), registry.transaction() as tx:
        tx.upsert_campaign(YEAR + 1, AS_OF, POLICY)
        raise RuntimeError("abandoned")
    assert revision(registry) == start + 1
    with registry.transaction() as tx:
        assert tx.campaign(YEAR + 1) is None


def test_a_noted_stage_leaves_the_registry_at_the_revision_its_note_makes(registry: Registry) -> None:
    with registry.transaction() as tx:
        tx.upsert_campaign(YEAR, AS_OF, POLICY)
    before = revision(registry)
    with registry.transaction(flow_run_id="run-1") as tx:
        tx.note_stage(
            YEAR, "collect-submissions", INPUTS, before, {"stage": "collect-submissions", "received": 3}
        )
    assert revision(registry) == before + 1
    with registry.transaction() as tx:
        noted = tx.stage_runs(YEAR)["collect-submissions"]
        assert (noted.inputs_sha256, noted.revision_before, noted.revision_after) == (
            INPUTS,
            before,
            before + 1,
        )
        assert noted.summary == {"stage": "collect-submissions", "received": 3}
        assert noted.flow_run_id == "run-1"
    with registry.transaction() as tx:  # noted again (a later run): the same row, new revisions
        tx.note_stage(YEAR, "collect-submissions", "b" * 64, before + 1, {"stage": "collect-submissions"})
    with registry.transaction() as tx:
        assert len(tx.stage_runs(YEAR)) == 1
        assert tx.stage_runs(YEAR)["collect-submissions"].revision_after == before + 2 == tx.revision()
