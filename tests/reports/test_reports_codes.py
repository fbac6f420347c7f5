"""No page shows a raw code to a person: statuses, results, criterion ids, check ids, SPEC sections."""

from __future__ import annotations

from pathlib import Path

import pytest
from page_text import codes_in_folder, raw_codes, readable_text
from reports_samples import CAMPAIGN, SID_BAD, criteria, decision_ok, decision_veto, issues

from clustercert.reports import render_campaign_scores, render_evaluation, render_feedback


def test_no_page_shows_a_raw_code(rendered: tuple[Path, dict]) -> None:
    out, _ = rendered
    assert len(list(out.rglob("*.html"))) >= 20
    assert codes_in_folder(out) == {}


def test_the_scan_reads_text_not_markup() -> None:
    page = (
        '<p title="A5.1.output">第五条</p><script>var x="certified";</script>'
        "<td>2026-230183-1a2b3c4d · criteria.csv · HLJTS-2026-001</td>"
    )
    assert "第五条" in readable_text(page) and "certified" not in readable_text(page)
    assert raw_codes(page) == []
    for code in ("certified", "not_recommended", "advisory", "A5.1.output", "A6.incidents", "N1.output",
                 "gx.annual.output_unit_yuan", "schema.annual.total_output", "intake.sheet_missing", "SPEC §3.1"):  # fmt: skip
        assert raw_codes(f"<td>结论：{code}</td>"), code
    assert raw_codes("<td>validation_issues.csv 已认定</td>") == []


def test_a_mutation_that_shows_codes_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Undo the labels and the scan fails: results, criterion names, references."""
    import clustercert.reports.campaign as campaign_module
    import clustercert.reports.evaluation as evaluation_module
    import clustercert.reports.validation as validation_module

    monkeypatch.setattr(evaluation_module, "result_label", lambda code: (str(code), ""))
    monkeypatch.setattr(campaign_module, "criteria_labels", lambda ids, policy=None: str(ids).split(";"))
    monkeypatch.setattr(validation_module, "public_reference", lambda ref: str(ref))
    evaluation = render_evaluation(
        tmp_path, decision=decision_ok(), criteria=criteria(), contributions=[], policy=CAMPAIGN
    )
    scores = render_campaign_scores(tmp_path, campaign=CAMPAIGN, rows=[decision_veto()])
    feedback = render_feedback(tmp_path, submission={"submission_id": SID_BAD}, issues=issues())
    assert any("pass" in hit for hit in raw_codes(evaluation.read_text("utf-8")))
    assert any("A6.incidents" in hit for hit in raw_codes(scores.read_text("utf-8")))
    assert any("SPEC" in hit for hit in raw_codes(feedback.read_text("utf-8")))
