"""Which stages a campaign run need not redo: a chain from the first stage on, every one on the same
inputs, each starting where the one before ended, the last ending at the registry's revision now."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from clustercert.registry import Registry
from clustercert.stages import resume
from clustercert.stages.context import CampaignContext
from clustercert.stages.setup import CampaignSetup

YEAR = 2026
SAME, OTHER = "1" * 64, "2" * 64


@pytest.fixture
def registry(tmp_path: Path) -> Registry:
    return Registry.open(f"sqlite:///{tmp_path / 'registry.db'}")


def note(registry: Registry, stage: str, inputs: str = SAME, *, writes: bool = True) -> None:
    """A stage that ran to its end inside a campaign (recording one write unless told not to)."""
    with registry.noting_stage(YEAR, stage, inputs) as running:
        if writes:
            with registry.transaction() as tx:
                tx.upsert_campaign(YEAR, date(2026, 7, 24), f"policy-of-{stage}")
    with registry.transaction() as tx:
        tx.note_stage(running, {"stage": stage})


def completed(registry: Registry, inputs: str = SAME) -> list[str]:
    with registry.transaction() as tx:
        return [run.stage for run in resume.completed(tx, YEAR, inputs)]


def test_the_stages_a_killed_run_completed_are_not_redone(registry: Registry) -> None:
    for stage in resume.CAMPAIGN_STAGES[:3]:
        note(registry, stage)
    assert completed(registry) == list(resume.CAMPAIGN_STAGES[:3])
    assert completed(registry, OTHER) == []  # other inputs: everything runs


def test_a_write_after_the_last_stage_or_between_two_breaks_the_chain(registry: Registry) -> None:
    note(registry, "collect-submissions")
    with registry.transaction() as tx:
        tx.upsert_campaign(YEAR, date(2026, 7, 24), "hlj-2023")  # an operator, a stage run alone
    assert completed(registry) == []
    note(registry, "validate-submissions")  # it started after that write: not where collect ended
    assert completed(registry) == []


def test_a_stage_killed_after_its_record_is_in_the_chain_as_recorded(registry: Registry) -> None:
    note(registry, "collect-submissions", writes=False)
    with registry.noting_stage(YEAR, "validate-submissions", SAME):
        with registry.transaction() as tx:
            tx.upsert_campaign(YEAR, date(2026, 7, 24), "hlj-2023")
        # killed here: the record committed with its note, the summary never came
    with registry.transaction() as tx:
        chain = resume.completed(tx, YEAR, SAME)
    assert [run.stage for run in chain] == ["collect-submissions", "validate-submissions"]
    assert chain[-1].summary == {"stage": "validate-submissions", "recorded": True}


def test_the_chain_starts_at_the_first_stage(registry: Registry) -> None:
    note(registry, "validate-submissions")
    assert completed(registry) == []
    note(registry, "collect-submissions", OTHER)
    assert completed(registry) == []


def test_the_inputs_change_with_a_file_the_setup_or_the_decisions(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "230102-a.xlsx").write_bytes(b"one")
    setup = CampaignSetup(year=YEAR, out=str(tmp_path / "out"), as_of=date(2026, 7, 24), inbox=str(inbox))
    ctx = CampaignContext.open(setup)
    first = resume.campaign_inputs(ctx, [inbox / "230102-a.xlsx"])
    assert resume.campaign_inputs(ctx, [inbox / "230102-a.xlsx"]) == first
    batched = CampaignContext.open(CampaignSetup(**{**setup.__dict__, "files_per_task": 7}))
    assert resume.campaign_inputs(batched, [inbox / "230102-a.xlsx"]) == first  # how work is cut
    (inbox / "230102-a.xlsx").write_bytes(b"two")
    assert resume.campaign_inputs(ctx, [inbox / "230102-a.xlsx"]) != first
    changed = CampaignContext.open(
        CampaignSetup(**{**setup.__dict__, "overrides": {"A5.1.output.threshold": 140000}})
    )
    assert resume.campaign_inputs(changed, [inbox / "230102-a.xlsx"]) != resume.campaign_inputs(
        ctx, [inbox / "230102-a.xlsx"]
    )
