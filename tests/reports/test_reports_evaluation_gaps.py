"""The evaluation page lists, for each criterion not met, the gap to pass (rules.gaps)."""

from __future__ import annotations

import html
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "rules"))
from cluster_builder import AS_OF, build  # noqa: E402

from clustercert.policy import load_policy  # noqa: E402
from clustercert.reports import render_evaluation  # noqa: E402
from clustercert.rules import criteria_rows, evaluate  # noqa: E402


def page_for(data, out: Path, policy=None) -> str:
    evaluation = evaluate(data, load_policy(), AS_OF)
    decision = {"submission_id": data.submission_id, "cluster_name": "尚志市食品加工产业集群", "valid": True,
                "eligible": evaluation.eligible, "failed_criteria": ";".join(evaluation.failed_criteria)}  # fmt: skip
    path = render_evaluation(
        out, decision=decision, criteria=criteria_rows(evaluation), contributions=[], policy=policy
    )
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


def test_the_page_names_the_policy_version_and_its_effective_date(tmp_path) -> None:
    # what a campaign's reports receive (CampaignContext.meta)
    meta = {"year": 2026, "as_of": "2026-07-24", "policy": "hlj-2023", "overrides": {},
            "policy_description": load_policy().describe()}  # fmt: skip
    page = page_for(build(), tmp_path, meta)
    assert "版本</dt><dd>2023" in page and "生效日期</dt><dd>2023-07-07" in page
    assert "文件编号</dt><dd>黑工信企业规〔2023〕8号" in page


def test_the_gap_note_gives_the_policys_units_of_precision(tmp_path) -> None:
    meta = {"policy_description": load_policy().describe()}
    page = page_for(build(annual={2025: {"leading_output": 150000}}), tmp_path, meta)
    assert "0.01 万元、0.01 平方公里、0.01 %、1 件" in page


def test_every_failed_criterion_of_the_demo_shows_its_gap_on_its_page(tmp_path) -> None:
    """The demo's 24 sample submissions, validated and evaluated as the campaign does, pages rendered."""
    from clustercert.intake import read_submission
    from clustercert.samples import generate_campaign
    from clustercert.validation import validate_submissions

    samples = generate_campaign(tmp_path / "inbox", year=2026, count=24)
    results, _ = validate_submissions([read_submission(s.file) for s in samples], engine="pandas")
    policy, as_of, failed = load_policy(), date(2026, 7, 24), 0
    for result in (r for r in results if r.valid):
        evaluation = evaluate(result.data, policy, as_of)
        rows = criteria_rows(evaluation)
        decision = {
            "submission_id": result.data.submission_id,
            "valid": True,
            "eligible": evaluation.eligible,
        }
        page = html.unescape(
            render_evaluation(tmp_path / "out", decision=decision, criteria=rows, contributions=[]).read_text(
                encoding="utf-8"
            )
        )
        for row in rows:
            if row["result"] in ("fail", "advisory"):
                failed += 1
                assert row["gap"] and row["gap"] in page, row
    assert failed >= 6  # the demo's failures: area, veto, leading share, R&D growth, evidence, tiered
