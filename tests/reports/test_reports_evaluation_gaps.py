"""The evaluation page lists, for each criterion not met, the gap to pass (rules.gaps)."""

from __future__ import annotations

import html
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "rules"))
from cluster_builder import AS_OF, build  # noqa: E402

from clustercert.policy import load_policy  # noqa: E402
from clustercert.reports import render_evaluation  # noqa: E402
from clustercert.rules import criteria_rows, evaluate  # noqa: E402


def page_for(data, out: Path) -> str:
    evaluation = evaluate(data, load_policy(), AS_OF)
    decision = {"submission_id": data.submission_id, "cluster_name": "尚志市食品加工产业集群", "valid": True,
                "eligible": evaluation.eligible, "failed_criteria": ";".join(evaluation.failed_criteria)}  # fmt: skip
    path = render_evaluation(out, decision=decision, criteria=criteria_rows(evaluation), contributions=[])
    return html.unescape(path.read_text(encoding="utf-8"))


def test_each_failed_criterion_has_its_gap_on_the_page(tmp_path) -> None:
    data = build(
        annual={2025: {"leading_output": 150000}, 2023: {"sme_rd": 10000}}, profile={"area_km2": 120}
    )
    page = page_for(data, tmp_path)
    assert "达标差距" in page
    assert "2025年主导产业产值至少增加 0.01 万元（即 > 150 000 万元）" in page
    assert "占地面积至少减少 20 平方公里（即 ≤ 100 平方公里）" in page  # advisory: shown too


def test_a_cluster_that_meets_everything_has_no_gap_section(tmp_path) -> None:
    assert "达标差距" not in page_for(build(), tmp_path)
