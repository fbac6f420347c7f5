"""Every decision carries its reason: for each final status a submission can have, every page that lists
it and decisions.csv give the status in Chinese and the reason with its article."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from reports_samples import CAMPAIGN, SUBMISSION_STATUSES, history, status_rows

from clustercert.lifecycle import Status
from clustercert.reports import render_certified_list, render_prefecture_list
from clustercert.reports.labels import truthy
from clustercert.reports.render import cluster_relpath
from clustercert.reports.stages import write_overview
from clustercert.stages.context import CampaignContext
from clustercert.stages.facts import FACT_COLUMNS
from clustercert.stages.setup import CampaignSetup


@pytest.fixture(scope="module")
def overview(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("overview")
    ctx = CampaignContext.open(CampaignSetup(year=2026, out=str(out), as_of=date(2026, 7, 24)))
    rows = pd.DataFrame(status_rows()).reindex(columns=list(FACT_COLUMNS))
    histories = {r["submission_id"]: history(r["final_status"]) for r in status_rows()}
    write_overview(ctx, rows, histories, warnings={})
    return out


def _row_of(text: str, needle: str) -> str:
    return next(r for r in re.findall(r"<tr>(.*?)</tr>", text, re.S) if needle in r)


def test_the_rows_cover_every_final_status_of_a_submission() -> None:
    assert {Status(r["final_status"]) for r in status_rows()} == set(SUBMISSION_STATUSES)
    assert all(s.label and s.label != s.value for s in Status)  # every status has its Chinese label


def test_decisions_csv(overview: Path) -> None:
    with (overview / "decisions.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(SUBMISSION_STATUSES)
    for row, sample in zip(rows, sorted(status_rows(), key=lambda r: r["submission_id"]), strict=True):
        assert row["final_status"] == sample["final_status"]
        assert row["final_status_label"] == Status(sample["final_status"]).label
        assert row["reason"] == sample["reason"] and row["article"] == sample["article"]


@pytest.mark.parametrize("sample", status_rows(), ids=lambda r: r["final_status"])
def test_cluster_page_and_lists(overview: Path, sample: dict) -> None:
    label, reason, article = Status(sample["final_status"]).label, sample["reason"], sample["article"]
    page = (overview / cluster_relpath(sample["submission_id"])).read_text("utf-8")
    assert '<span class="badge' in page and f">{label}</span>" in page
    assert f"<p>{reason}</p>" in page and f"依据：{article}" in page
    listing = _row_of((overview / "clusters.html").read_text("utf-8"), sample["submission_id"])
    assert f">{label}</td>" in listing and f"{reason}（依据：{article}）" in listing
    if truthy(sample["valid"]):  # the scores page lists the clusters that passed validation
        scored = _row_of((overview / "scores.html").read_text("utf-8"), sample["submission_id"])
        assert f">{label}<div" in scored and f"{reason}（依据：{article}）" in scored


def test_prefecture_and_certified_pages(tmp_path: Path) -> None:
    decided = [
        r | {"outcome": r["final_status"]}
        for r in status_rows()
        if r["final_status"] in ("not_recommended", "recommended")
    ]
    html, _ = render_prefecture_list(tmp_path, prefecture_code="230100", rows=decided, campaign=CAMPAIGN)
    text = html.read_text("utf-8")
    for row in decided:
        line = _row_of(text, row["submission_id"])
        assert Status(row["final_status"]).label in line and row["reason"] in line and row["article"] in line
    upheld = [r for r in status_rows() if r["final_status"] == "objection_upheld"]
    certified = [r | {"certified_on": "2026-07-31", "valid_until": "2029-07-30"} for r in status_rows()
                 if r["final_status"] == "certified"]  # fmt: skip
    page, _ = render_certified_list(tmp_path, rows=certified, campaign=CAMPAIGN, dropped=upheld)
    line = _row_of(page.read_text("utf-8"), upheld[0]["cluster_name"])
    assert (
        Status.OBJECTION_UPHELD.label in line and upheld[0]["reason"] in line and upheld[0]["article"] in line
    )
