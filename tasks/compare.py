"""The policy comparison's units of work: re-evaluate a campaign under two policies, write the report."""

from __future__ import annotations

from pathlib import Path

from clustercert.campaign.preflight import Refused
from clustercert.reports.compare import render_comparison, write_front_page
from clustercert.whatif import (
    COMPARE_COLUMNS,
    Comparison,
    Question,
    check_question,
    compare,
    open_read_only,
    prepare,
)
from tasks.runtime import unit_task


class ComparisonRefused(ValueError):
    """The question cannot be answered (no such campaign or policy, a bad override): the run fails with why."""


@unit_task(task_run_name="compare-policies-{question.year}")
def compare_policies(question: Question, db_url: str | None) -> Comparison:
    """Read the campaign's valid submissions (nothing is written to the registry) and evaluate them twice."""
    try:
        check_question(question)
        with open_read_only(db_url) as registry:
            campaign, before, after = prepare(registry, question)
    except Refused as exc:
        raise ComparisonRefused(exc.message) from None
    return compare(
        campaign.clusters,
        before,
        after,
        campaign.as_of,
        year=campaign.year,
        certificates=campaign.certificates,
    )


@unit_task(task_run_name="write-comparison")
def write_comparison(out: Path, comparison: Comparison) -> tuple[Path, Path]:
    page, extract = render_comparison(out, comparison.page(), comparison.csv_rows(), COMPARE_COLUMNS)
    write_front_page(out)
    return page, extract
