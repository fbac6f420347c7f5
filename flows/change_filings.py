"""Art. 12: major-change filings within one month (`change-filings`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow

from clustercert.management.changes import FILING_COLUMNS
from clustercert.management.pipeline import filing_files
from flows.management_artifacts import DEFAULT_OUT, publish_result, resolve_as_of, run_name, stop_run
from tasks import management as work


@flow(name="change-filings", flow_run_name=run_name("change-filings"))
def change_filings(
    inbox: str | None = None,
    out: str = DEFAULT_OUT,
    as_of: date | None = None,
    db_url: str | None = None,
    policy: str = work.POLICY,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Judge `change_filings` files in `inbox` and the changes monitoring reports declared."""
    as_of = resolve_as_of(as_of)
    futures = [work.read_filings.submit(p) for p in filing_files(Path(inbox) if inbox else None)]
    reads = [f.result() for f in futures]
    gap = work.check_changes_calendar(reads, db_url, policy, overrides)
    if gap:
        return stop_run(gap)
    outcome = work.check_changes(reads, as_of, db_url, policy, overrides)
    page = work.write_changes(Path(out), outcome)
    counts = {
        **outcome.counts(),
        "registry_updates": outcome.applied,
        "revocation_proposals_new": outcome.new_proposals,
        "input_errors": outcome.input_errors,
    }
    publish_result(
        f"change-filings-{as_of}",
        outcome.rows,
        FILING_COLUMNS[:5],
        title=f"重大变动备案（截至 {as_of.isoformat()}）",
        page=page,
        counts=counts,
    )
    return {"report": str(page), "out": str(Path(out)), "as_of": as_of.isoformat(), **counts}
