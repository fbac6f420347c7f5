"""Art. 11: validity, 90/30-day notices and reviews (`expiry-check`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow

from clustercert.management.expiry import EXPIRY_COLUMNS
from clustercert.management.pipeline import review_paths
from flows.management_artifacts import DEFAULT_OUT, publish_result, resolve_as_of, run_name
from flows.runtime import publish_table
from tasks import management as work


@flow(name="expiry-check", flow_run_name=run_name("expiry"))
def expiry_check(
    out: str = DEFAULT_OUT,
    as_of: date | None = None,
    inbox: str | None = None,
    db_url: str | None = None,
    archive: str | None = None,
    policy: str = work.POLICY,
    engine: str = "gx",
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Classify every certificate on as_of; review applications (复核) come from `inbox`."""
    as_of = resolve_as_of(as_of)
    futures = [work.read_review.submit(p, archive) for p in review_paths(Path(inbox) if inbox else None)]
    subs = [f.result() for f in futures]
    reviews = work.validate_reviews(subs, engine) if subs else []
    outcome = work.check_expiry(reviews, as_of, db_url, policy, overrides)
    page = work.write_expiry(Path(out), outcome)
    counts = {
        **outcome.counts(),
        "notices": len(outcome.notices),
        "reviews": len(outcome.reviews),
        "revocation_proposals_new": outcome.new_proposals,
        "input_errors": outcome.input_errors,
    }
    if outcome.notices:
        publish_table(f"expiry-notices-{as_of}", outcome.notices, description="到期提醒（第十一条）")
    publish_result(
        f"expiry-{as_of}",
        outcome.rows,
        EXPIRY_COLUMNS[:3],
        title=f"认定有效期与复核（截至 {as_of.isoformat()}）",
        page=page,
        counts=counts,
    )
    return {"report": str(page), "out": str(Path(out)), "as_of": as_of.isoformat(), **counts}
