"""Art. 14: certified clusters against the national standard, ranked (`national-recommendation`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow

from clustercert.management.national import NATIONAL_COLUMNS
from clustercert.management.pipeline import NATIONAL_POLICY
from flows.management_artifacts import DEFAULT_OUT, publish_result, resolve_as_of, run_name
from tasks import management as work


@flow(name="national-recommendation", flow_run_name=run_name("national-recommendation"))
def national_recommendation(
    out: str = DEFAULT_OUT,
    as_of: date | None = None,
    db_url: str | None = None,
    policy: str = NATIONAL_POLICY,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    as_of = resolve_as_of(as_of)
    outcome = work.evaluate_national(as_of, db_url, policy, overrides)
    page = work.write_national(Path(out), outcome)
    counts = outcome.counts()
    publish_result(
        f"national-recommendation-{as_of}",
        outcome.rows,
        NATIONAL_COLUMNS[:5],
        title=f"推荐申报国家级集群（截至 {as_of.isoformat()}）",
        page=page,
        counts=counts,
    )
    return {"report": str(page), "out": str(Path(out)), "as_of": as_of.isoformat(), **counts}
