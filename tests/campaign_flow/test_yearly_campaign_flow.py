"""The yearly-campaign flow end to end on generated submissions, under a real (test) Prefect API."""

from __future__ import annotations

import csv
import os
from datetime import date
from pathlib import Path

import pytest

from clustercert.samples import generate_campaign, generate_decisions

YEAR = 2026
AS_OF = date(2026, 7, 24)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    root = tmp_path_factory.mktemp("campaign")
    samples = generate_campaign(root / "inbox", year=YEAR, count=16)
    generate_decisions(root / "decisions", samples)
    return root, samples


def run(root: Path, out: str, db_url: str, decisions: bool = True) -> dict:
    from flows.yearly_campaign import yearly_campaign

    return yearly_campaign(
        year=YEAR,
        inbox=str(root / "inbox"),
        out=str(root / out),
        as_of=AS_OF,
        decisions=str(root / "decisions") if decisions else None,
        db_url=db_url,
    )


@pytest.fixture(scope="module")
def first_run(prefect_api, inbox):
    root, samples = inbox
    db = f"sqlite:///{root / 'registry.db'}"
    summary = run(root, "out", db)
    return root, samples, summary, db


def test_verdicts_match_what_the_samples_were_built_to_be(first_run):
    root, samples, summary, _ = first_run
    decisions = {r["submission_id"]: r for r in read_csv(root / "out" / "decisions.csv")}
    assert len(decisions) == len(samples) == summary["submitted"]
    for sample in samples:
        row = decisions[sample.submission_id]
        assert row["valid"] == ("true" if sample.expected.valid else "false"), sample.file
        if sample.expected.valid:
            assert row["eligible"] == ("true" if sample.expected.eligible else "false"), sample.file
            assert set(filter(None, row["failed_criteria"].split(";"))) == set(
                sample.expected.failed_criteria
            )


def test_every_output_of_spec_section_5_is_written(first_run):
    root, _, summary, _ = first_run
    out = root / "out"
    for name in (
        "index.html",
        "validation.html",
        "validation_issues.csv",
        "criteria.csv",
        "decisions.csv",
        "certified.csv",
        "public_notice.html",
        "public_notice.xlsx",
        "scores.html",
        "expectations.csv",
    ):
        assert (out / name).is_file(), name
    assert list((out / "feedback").glob("*.html"))
    assert list((out / "evaluation").glob("*.html"))
    assert list((out / "prefectures").glob("*.xlsx"))
    certified = read_csv(out / "certified.csv")
    assert len(certified) == summary["certified"] > 0
    assert all(r["valid_until"] > r["certified_on"] for r in certified)
    header = (out / "decisions.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == (
        "submission_id,file,cluster_name,county_code,prefecture_code,valid,eligible,vetoed,failed_criteria,"
        "warnings,score,recommended,province_rank,shortlisted,final_status,reason,article,final_status_label"
    )


def test_every_decision_says_where_the_cluster_stands_and_why(first_run):
    root, samples, _, _ = first_run
    rows = read_csv(root / "out" / "decisions.csv")
    assert len(rows) == len(samples)
    for row in rows:
        assert row["final_status"] in {
            "invalid",
            "ineligible",
            "not_recommended",
            "not_shortlisted",
            "objection_upheld",
            "certified",
        }, row
        assert row["reason"] and row["article"].startswith("第"), row  # fmt: skip


def test_public_notice_holds_no_contact_name_or_phone(first_run):
    root, samples, _, _ = first_run
    page = (root / "out" / "public_notice.html").read_text(encoding="utf-8")
    for sample in samples:
        profile = sample.tables["profile"]
        assert str(profile["contact_phone"]) not in page
        assert str(profile["contact_name"]) not in page


def test_every_task_run_is_recorded_in_a_final_state(first_run):
    from flows.runtime import wait_until_recorded

    recorded, expected = wait_until_recorded(timeout=120)
    assert expected > 0 and recorded == expected


def test_rerun_gives_identical_outputs_and_adds_no_rows(first_run):
    from clustercert.registry import Registry

    root, _, _, db = first_run
    registry = Registry.open(db)
    before = registry.row_counts()
    registry.close()
    run(root, "out-again", db)
    registry = Registry.open(db)
    after = registry.row_counts()
    registry.close()
    assert before == after
    for name in ("decisions.csv", "certified.csv", "criteria.csv"):
        assert (root / "out" / name).read_bytes() == (root / "out-again" / name).read_bytes(), name


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("CLUSTERCERT_TEST_PG_URL"), reason="CLUSTERCERT_TEST_PG_URL not set")
def test_postgresql_gives_the_same_decisions_and_certified_list(first_run):
    import sqlalchemy as sa

    root, _, _, _ = first_run
    url = os.environ["CLUSTERCERT_TEST_PG_URL"]
    schema = f"cc_campaign_{os.getpid()}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    try:
        pg_url = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
        run(root, "out-pg", pg_url)
        for name in ("decisions.csv", "certified.csv"):
            assert (root / "out" / name).read_bytes() == (root / "out-pg" / name).read_bytes(), name
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        engine.dispose()
