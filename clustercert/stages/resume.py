"""What a campaign run need not redo: the stages an earlier run completed on the same inputs.

A stage's work depends on the campaign's inputs — the county files, the human decision files, the
setup (year, as-of date, policy and overrides, engine, output folder), the code — and on the
registry. Each stage that runs inside a campaign is noted in the registry with the SHA-256 of those
inputs and the registry's revision before and after it, in the same commit as each of its writes
(`Registry.noting_stage`), so the note and the registry never disagree; every transaction that
writes moves the revision on by one (a note is no write). A run with the same inputs that finds the
registry exactly where a chain of those stages left it (from the first stage on, each starting
where the one before ended, the last ending at today's revision) finds their decisions recorded
already; those of them whose reports are in the staging folder (`clustercert.publishing`) it does
not run again — a stage killed after its record and before its reports runs again. Anything else —
another input, a stage run alone, an operator's write — changes the inputs or the revision, and the
stages run (their tasks still find their persisted results).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from clustercert.intake import content_sha256
from clustercert.registry import Transaction
from clustercert.registry.models import StageRun
from clustercert.stages import STAGES, guard
from clustercert.stages.context import CampaignContext
from clustercert.stages.setup import code_version

CAMPAIGN_STAGES = tuple(s.name for s in STAGES if s.group == "campaign")
NOT_INPUTS = ("files_per_task", "evaluations_per_task")  # how the work is cut, not what it decides


def campaign_inputs(ctx: CampaignContext, entries: Sequence[Path]) -> str:
    """SHA-256 of everything a campaign's stages decide from, but the registry."""
    setup = {k: v for k, v in ctx.setup.parameters().items() if k not in NOT_INPUTS}
    files = [(Path(entry).name, content_sha256(Path(entry))) for entry in entries]
    text = json.dumps(
        [setup, code_version(), files, guard.decisions_fingerprint(ctx)], sort_keys=True, default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()


def completed(tx: Transaction, year: int, inputs: str) -> list[StageRun]:
    """The campaign's first stages, in order, whose runs on `inputs` left the registry as it is now
    (empty when none did)."""
    runs = tx.stage_runs(year)
    chain: list[StageRun] = []
    for name in CAMPAIGN_STAGES:
        run = runs.get(name)
        if run is None or run.inputs_sha256 != inputs:
            break
        if chain and run.revision_before != chain[-1].revision_after:
            break
        chain.append(run)
    if not chain or chain[-1].revision_after != tx.revision():
        return []
    return chain
