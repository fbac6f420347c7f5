"""Art. 14 as a stage: certified clusters in force, with their latest data (the certified submission or
the review that renewed it), evaluated against the national 2022 policy and ranked; each evaluation
is kept in the registry (without moving the submission's status)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from clustercert.management.national import NATIONAL_COLUMNS, recommend_national
from clustercert.management.pipeline import state
from clustercert.management.pipeline.outputs import frame_rows, write_csv, write_index
from clustercert.management.tables import records
from clustercert.registry import Registry
from clustercert.submission import ClusterData

NATIONAL_POLICY = "national-2022"


@dataclass
class NationalOutcome:
    as_of: date
    rows: list[dict[str, Any]]

    def counts(self) -> dict[str, int]:
        return {"evaluated": len(self.rows), "eligible": sum(bool(r["eligible"]) for r in self.rows)}


def run_national(
    registry: Registry, *, as_of: date, policy_national: Any, flow_run_id: str | None = None
) -> NationalOutcome:
    from clustercert.rules import evaluate

    evaluations: dict[str, Any] = {}

    def keep(data: ClusterData, policy: Any, day: date) -> Any:
        evaluations[data.submission_id] = evaluation = evaluate(data, policy, day)
        return evaluation

    with registry.transaction(flow_run_id=flow_run_id) as tx:
        certificates = state.certificates_frame(tx, as_of)
        data = state.latest_data(tx, certificates)
        frame = recommend_national(
            sorted(data.items()), policy_national, as_of, certificates=certificates, evaluate=keep
        )
        for sid, evaluation in sorted(evaluations.items()):
            tx.record_evaluation(
                sid,
                policy_name=policy_national.name,
                as_of=as_of,
                eligible=evaluation.eligible,
                vetoed=evaluation.vetoed,
                failed_criteria=evaluation.failed_criteria,
                warnings=evaluation.warnings,
                score=None if evaluation.score is None else float(evaluation.score.total),
                apply_status=False,
            )
    names = {r["certificate_id"]: r for r in records(certificates)}
    rows = []
    for row in frame_rows(frame):
        cert = names[row["certificate_id"]]
        row["rank"] = None if row["rank"] is None else int(row["rank"])
        rows.append({**row, **{k: cert[k] for k in ("cluster_name", "county_code", "prefecture_code")}})
    return NationalOutcome(as_of, rows)


def write_national(out: Path, outcome: NationalOutcome) -> Path:
    from clustercert.reports import render_national_recommendation

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    columns = [*NATIONAL_COLUMNS, "cluster_name", "county_code", "prefecture_code"]
    write_csv(out, "national_recommendation.csv", outcome.rows, columns)
    page = render_national_recommendation(out, as_of=outcome.as_of, rows=outcome.rows)
    write_index(out, subtitle=f"数据截至 {outcome.as_of.isoformat()}")
    return page
