"""The structure check run once per campaign tells each submission exactly what checking it alone did.

`check_structures` stacks each sheet across the submissions and runs its Pandera model once; the
reference is the check as it was, one pass per sheet of each submission (`structure_reference`, kept
verbatim). Over a corpus with errors in every sheet — wrong types, values out of range, missing
cells, columns and sheets, cells intake already reported, and clean submissions between them — every
`StructureResult` (issues, typed frames, profile, readable frames, absent columns) is the same.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest
import structure_reference
from validation.cc_factory import (
    YEAR,
    corpus,
    good_tables,
    make_monitoring,
    make_submission,
    monitoring_tables,
)

from clustercert.contract import MONITORING
from clustercert.intake import read_submission
from clustercert.issue import Issue, Severity
from clustercert.samples import generate_campaign
from schemas import StructureResult, check_structure, check_structures
from schemas import structure as structure_mod

# (sheet, row, column, value): one broken cell each, in every sheet and of every kind of rule
CELLS = [
    ("profile", 0, "campaign_year", "二〇二六"),
    ("profile", 0, "county_code", "23018"),
    ("profile", 0, "area_km2", "-3"),
    ("profile", 0, "declared_on", "2026/06/30"),
    ("profile", 0, "high_energy_industry", "不是"),
    ("profile", 0, "cluster_name", None),
    ("annual", 0, "total_output", "abc"),
    ("annual", 1, "employees", "12.5"),
    ("annual", 2, "ii_adoption_pct", "100.5"),
    ("annual", 0, "year", "20255"),
    ("annual", 1, "sme_rd", "nan"),
    ("annual", 2, "energy_intensity", "inf"),
    ("enterprises", 0, "uscc", "9123018"),
    ("enterprises", 1, "size", "巨型"),
    ("enterprises", 2, "output", "-1"),
    ("enterprises", 3, "in_leading_industry", "Y"),
    ("enterprises", 4, "name", "   "),
    ("designations", 0, "valid_until", "2028-13-01"),
    ("designations", 1, "level", "市级"),
    ("incidents", 0, "occurred_on", "去年"),
    ("incidents", 0, "category", "火灾"),
    ("evidence", 0, "met", "maybe"),
    ("plan_targets", 0, "target_year", "20x6"),
    ("plan_targets", 1, "baseline", "1e400"),
]


def _broken(sheet: str, row: int, column: str, value: str | None) -> dict:
    tables = good_tables()
    tables[sheet][row][column] = value
    return tables


def _stacking_corpus(tmp: Path) -> list:
    subs = [make_submission(submission_id=f"{YEAR}-230183-clean000")]
    for n, cell in enumerate(CELLS):
        subs.append(make_submission(_broken(*cell), submission_id=f"{YEAR}-230183-cell{n:04d}"))
        if n % 5 == 0:
            subs.append(make_submission(submission_id=f"{YEAR}-230183-clean{n:03d}"))
    several = good_tables()
    for sheet, row, column, value in CELLS[::3]:
        several[sheet][row][column] = value
    subs.append(make_submission(several, submission_id=f"{YEAR}-230183-several0"))
    # Pandera keeps a column as text when any of its cells fails coercion: "nan" then is not blank
    text_nan = good_tables()
    text_nan["annual"][0].update(sme_rd="nan", employees="12.5")
    subs.append(make_submission(text_nan, submission_id=f"{YEAR}-230183-textnan0"))
    subs.append(
        make_submission(_broken("annual", 2, "sme_rd", "abc"), submission_id=f"{YEAR}-230183-textabc0")
    )
    without_columns = good_tables()
    for row in without_columns["annual"]:
        row.pop("sme_rd")
    for row in without_columns["enterprises"]:
        row.pop("size")
    subs.append(make_submission(without_columns, submission_id=f"{YEAR}-230183-nocolumn"))
    again = good_tables()
    for row in again["enterprises"]:
        row.pop("size")
    again["enterprises"][0]["output"] = "x"
    subs.append(make_submission(again, submission_id=f"{YEAR}-230183-nocolum2"))
    subs.append(
        make_submission(submission_id=f"{YEAR}-230183-nosheets", drop_sheets=("incidents", "evidence"))
    )
    empty = good_tables()
    empty["incidents"], empty["designations"] = [], []
    subs.append(make_submission(empty, submission_id=f"{YEAR}-230183-emptysh0"))
    told = make_submission(
        _broken("annual", 0, "total_output", "abc"), submission_id=f"{YEAR}-230183-told0000"
    )
    intake_issue = Issue(told.submission_id, told.file, "经营指标", 2, "集群总产值（万元）", "intake.formula_without_value",
                         Severity.ERROR, "公式", "SPEC §3")  # fmt: skip
    subs.append(dataclasses.replace(told, issues=[intake_issue]))
    subs.append(dataclasses.replace(make_submission(), submission_id=f"{YEAR}-230183-unreadbl", tables={}))
    subs += corpus()
    samples = generate_campaign(tmp / "campaign", year=YEAR, count=24)
    subs += [read_submission(s.file, campaign_year=YEAR) for s in samples]
    return subs


def assert_same_result(stacked: StructureResult, alone: StructureResult) -> None:
    plain = ("submission_id", "file", "issues", "profile", "profile_rows", "workbook", "profile_values")
    for name in (*plain, "absent_columns"):
        assert getattr(stacked, name) == getattr(alone, name), name
    assert (stacked.typed is None) == (alone.typed is None)
    for name in ("typed", "frames"):
        mine, theirs = getattr(stacked, name) or {}, getattr(alone, name) or {}
        assert list(mine) == list(theirs), name
        for key, frame in mine.items():
            pd.testing.assert_frame_equal(
                frame, theirs[key], check_index_type=True, check_column_type=True, obj=f"{name}[{key}]"
            )
    assert stacked.ok == alone.ok


@pytest.fixture(scope="module")
def subs(tmp_path_factory: pytest.TempPathFactory) -> list:
    return _stacking_corpus(tmp_path_factory.mktemp("stacked"))


@pytest.fixture(scope="module")
def alone(subs) -> list[StructureResult]:
    return [structure_reference.check_structure(sub) for sub in subs]


def test_the_corpus_has_errors_in_every_sheet(alone) -> None:
    results = alone
    failed = {i.check.split(".")[1] for r in results for i in r.issues if i.check.startswith("schema.")}
    assert failed >= {
        "profile",
        "annual",
        "enterprises",
        "designations",
        "incidents",
        "evidence",
        "plan_targets",
    }
    assert sum(r.ok for r in results) >= 10 and sum(not r.ok for r in results) >= 30


def test_stacked_results_are_those_of_each_submission_alone(subs, alone) -> None:
    stacked = check_structures(subs)
    assert len(stacked) == len(subs)
    for sub, mine, theirs in zip(subs, stacked, alone, strict=True):
        try:
            assert_same_result(mine, theirs)
        except AssertionError as exc:
            raise AssertionError(f"{sub.submission_id}: {exc}") from exc


def test_one_submission_and_any_order(subs, alone) -> None:
    for sub, theirs in zip(subs[:12], alone, strict=False):
        assert_same_result(check_structure(sub), theirs)
    backwards = check_structures(subs[::-1])[::-1]
    for mine, theirs in zip(backwards, alone, strict=True):
        assert_same_result(mine, theirs)


def test_monitoring_workbooks_stack_too() -> None:
    broken = monitoring_tables()
    broken["cluster_status"][0]["total_output"] = "abc"
    broken["work_summary"][0]["report_year"] = "25"
    subs = [
        make_monitoring(),
        dataclasses.replace(make_monitoring(broken), submission_id="2026-230200-cccccccc"),
    ]
    for sub, mine in zip(subs, check_structures(subs, MONITORING), strict=True):
        assert_same_result(mine, structure_reference.check_structure(sub, MONITORING))


def test_a_clean_campaign_takes_one_pass_per_sheet(subs, monkeypatch) -> None:
    passes: list[int] = []
    real = structure_mod.SheetSchema.without

    def counting(self, columns):
        passes.append(1)
        return real(self, columns)

    monkeypatch.setattr(structure_mod.SheetSchema, "without", counting)
    clean = [make_submission(submission_id=f"{YEAR}-230183-{n:08d}") for n in range(20)]
    check_structures(clean)
    assert len(passes) == 7  # one per sheet, for twenty submissions
    passes.clear()
    check_structures(subs)
    assert len(passes) < len(subs)  # errors cost a few more passes, not one per submission
