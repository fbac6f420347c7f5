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


def test_a_stage_is_noted_in_the_commit_of_each_of_its_writes_and_a_note_is_no_write(
    registry: Registry,
) -> None:
    with registry.transaction() as tx:
        tx.upsert_campaign(YEAR, AS_OF, POLICY)
    before = revision(registry)
    with registry.noting_stage(YEAR, "collect-submissions", INPUTS, flow_run_id="run-1") as running:
        with registry.transaction() as tx:
            tx.upsert_campaign(YEAR + 1, AS_OF, POLICY)  # the stage's record
        with registry.transaction() as tx:  # a crash here would leave this note: recorded, no summary
            noted = tx.stage_runs(YEAR)["collect-submissions"]
            assert (noted.inputs_sha256, noted.revision_before, noted.revision_after) == (
                INPUTS,
                before,
                before + 1,
            )
            assert noted.summary == {"stage": "collect-submissions", "recorded": True}
            assert noted.flow_run_id == "run-1"
    with registry.transaction() as tx:
        tx.note_stage(running, {"stage": "collect-submissions", "received": 3})
    assert revision(registry) == before + 1  # the note moved nothing
    with registry.transaction() as tx:
        noted = tx.stage_runs(YEAR)["collect-submissions"]
        assert noted.summary == {"stage": "collect-submissions", "received": 3}
        assert noted.revision_after == before + 1
    with pytest.raises(RuntimeError), registry.noting_stage(YEAR, "validate-submissions", INPUTS):
        with registry.transaction() as tx:
            tx.upsert_campaign(YEAR + 2, AS_OF, POLICY)
            raise RuntimeError("abandoned")  # rolled back: neither the write nor the note
    with registry.transaction() as tx:
        assert "validate-submissions" not in tx.stage_runs(YEAR)
        assert tx.revision() == before + 1


def test_a_stage_that_writes_nothing_ends_where_it_began_and_a_later_note_replaces_the_row(
    registry: Registry,
) -> None:
    before = revision(registry)
    with registry.noting_stage(YEAR, "collect-submissions", INPUTS) as running:
        with registry.transaction() as tx:
            tx.campaign(YEAR)  # the stage reads, and writes nothing
    with registry.transaction() as tx:
        tx.note_stage(running, {"stage": "collect-submissions"})
    with registry.noting_stage(YEAR, "collect-submissions", "b" * 64) as again:
        with registry.transaction() as tx:
            tx.upsert_campaign(YEAR, AS_OF, POLICY)
    with registry.transaction() as tx:
        tx.note_stage(again, {"stage": "collect-submissions"})
    with registry.transaction() as tx:
        runs = tx.stage_runs(YEAR)
        assert len(runs) == 1
        assert (runs["collect-submissions"].inputs_sha256, runs["collect-submissions"].revision_after) == (
            "b" * 64,
            before + 1,
        )
        assert tx.revision() == before + 1


def test_a_stage_run_again_after_its_record_starts_where_the_killed_run_started(registry: Registry) -> None:
    # a campaign killed after the score stage's record, before its end: the run again records
    # nothing new, and the chain collect → score still holds (no "nothing changed" run re-runs it)
    with registry.transaction() as tx:
        tx.upsert_campaign(YEAR, AS_OF, POLICY)
    before = revision(registry)
    with registry.noting_stage(YEAR, "score-clusters", INPUTS):
        with registry.transaction() as tx:
            tx.upsert_campaign(YEAR + 1, AS_OF, POLICY)  # the record; killed before the summary
    with registry.noting_stage(YEAR, "score-clusters", INPUTS) as again:
        with registry.transaction() as tx:
            tx.campaign(YEAR)  # finds it all recorded: writes nothing
    with registry.transaction() as tx:
        tx.note_stage(again, {"stage": "score-clusters"})
    with registry.transaction() as tx:
        noted = tx.stage_runs(YEAR)["score-clusters"]
        assert (noted.revision_before, noted.revision_after) == (before, before + 1)
    with registry.noting_stage(YEAR, "score-clusters", "b" * 64) as other:  # other inputs: from now
        assert other.revision_before == before + 1
