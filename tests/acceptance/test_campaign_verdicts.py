"""`clustercert campaign` on an inbox of SPEC-built workbooks: each cluster's verdict per SPEC.

Four runs, each once per module (a run takes 30–60 s): the batch run on every valid variant (plus
two invalid files, which must not stop the others), a run with hand-written `--decisions`
(SPEC §3.2), a run with a policy override (`--set`), and a small run with a corrected
resubmission of the same cluster (SPEC §6).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import unicodedata
from pathlib import Path

import pytest

from tests.acceptance import corpus
from tests.acceptance import spec_workbook as sw
from tests.acceptance.cli_runner import Run, copy_into, error_log_lines, id_set, read_csv, run_cli, truthy

pytestmark = pytest.mark.slow

YEAR = corpus.YEAR
AS_OF = corpus.AS_OF.isoformat()
CERT_ID = re.compile(rf"^HLJTS-{YEAR}-\d{{3}}$")

DECISIONS_COLUMNS = [
    "submission_id",
    "file",
    "cluster_name",
    "county_code",
    "prefecture_code",
    "valid",
    "eligible",
    "vetoed",
    "failed_criteria",
    "warnings",
    "score",
    "recommended",
    "province_rank",
    "shortlisted",
]
CERTIFIED_COLUMNS = [
    "certificate_id",
    "submission_id",
    "cluster_name",
    "county_code",
    "prefecture_code",
    "certified_on",
    "valid_until",
]
CRITERIA_COLUMNS = [
    "submission_id",
    "criterion_id",
    "article",
    "value",
    "threshold",
    "comparator",
    "result",
    "explanation",
]

CAMPAIGN_VARIANTS = [v for v in corpus.VARIANTS if v.in_campaign]
INVALID_IN_INBOX = [corpus.BY_NAME["uscc_wrong_check"], corpus.BY_NAME["incident_after_declared_on"]]


class Campaign:
    """One `clustercert campaign` run and what it wrote."""

    def __init__(self, root: Path, inbox: Path, extra: list[str] = ()):
        self.root, self.out = root, root / "out"
        self.run: Run = run_cli(
            [
                "campaign",
                "--year",
                str(YEAR),
                "--inbox",
                str(inbox),
                "--out",
                str(self.out),
                "--as-of",
                AS_OF,
                "--db",
                f"sqlite:///{root / 'registry.db'}",
                *extra,
            ],
            cwd=root,
            timeout=400,
        )

    def table(self, name: str) -> list[dict[str, str]]:
        path = self.out / name
        assert path.is_file(), f"{name} not written\n{self.run.describe()}"
        return read_csv(path)

    def decisions(self) -> dict[str, dict[str, str]]:
        """decisions.csv by file name."""
        return {row["file"]: row for row in self.table("decisions.csv")}

    def certified(self) -> dict[str, dict[str, str]]:
        """certified.csv by submission id."""
        return {row["submission_id"]: row for row in self.table("certified.csv")}

    def decision(self, path: Path) -> dict[str, str]:
        rows = self.decisions()
        assert path.name in rows, f"no decisions.csv row for {path.name}; rows: {sorted(rows)}"
        return rows[path.name]


def assert_healthy(c: Campaign) -> None:
    assert "Traceback" not in c.run.output, c.run.describe()
    assert not error_log_lines(c.run.output), "\n".join(error_log_lines(c.run.output))
    assert c.run.returncode == 0, c.run.describe()


# --- batch mode: every eligible cluster is recommended and shortlisted ------------------------


@pytest.fixture(scope="module")
def batch(tmp_path_factory, corpus_files) -> Campaign:
    root = tmp_path_factory.mktemp("campaign-batch")
    files = [corpus_files[v.name][0] for v in CAMPAIGN_VARIANTS + INVALID_IN_INBOX]
    return Campaign(root, copy_into(root / "inbox", files))


def test_batch_run_is_healthy(batch):
    assert_healthy(batch)


def test_batch_outputs_have_spec_columns(batch):
    for name, columns in [
        ("decisions.csv", DECISIONS_COLUMNS),
        ("certified.csv", CERTIFIED_COLUMNS),
        ("criteria.csv", CRITERIA_COLUMNS),
    ]:
        path = batch.out / name
        assert path.is_file(), f"{name} not written\n{batch.run.describe()}"
        header = path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
        missing = [c for c in columns if c not in header]
        assert not missing, f"{name}: SPEC §5 columns missing: {missing} (header {header})"


def test_batch_one_decision_per_file(batch, corpus_files):
    expected = {corpus_files[v.name][0].name for v in CAMPAIGN_VARIANTS + INVALID_IN_INBOX}
    rows = batch.table("decisions.csv")
    assert sorted(r["file"] for r in rows) == sorted(expected)


@pytest.mark.parametrize("variant", CAMPAIGN_VARIANTS, ids=lambda v: v.name)
def test_batch_verdict(variant, batch, corpus_files):
    path, desc = corpus_files[variant.name]
    row = batch.decision(path)
    assert row["county_code"] == unicodedata.normalize("NFKC", desc["profile"]["county_code"]).strip(), row
    assert truthy(row["valid"]), f"{variant.why}: expected valid, got {row}"
    assert truthy(row["eligible"]) == variant.eligible, f"{variant.why}: {row}"
    assert truthy(row["vetoed"]) == variant.vetoed, f"{variant.why}: {row}"
    assert id_set(row["failed_criteria"]) == set(variant.failed), f"{variant.why}: {row}"
    assert id_set(row["warnings"]) == set(variant.warnings), f"{variant.why}: {row}"
    certified = {r["submission_id"]: r for r in batch.table("certified.csv")}
    if variant.eligible:
        # batch mode without --decisions: every eligible cluster is recommended and shortlisted
        assert truthy(row["recommended"]) and truthy(row["shortlisted"]), row
        assert row["submission_id"] in certified, f"eligible {path.name} not certified"
        assert CERT_ID.match(certified[row["submission_id"]]["certificate_id"]), certified[
            row["submission_id"]
        ]
    else:
        assert not truthy(row["recommended"]) and not truthy(row["shortlisted"]), row
        assert row["submission_id"] not in certified, f"ineligible {path.name} certified"


@pytest.mark.parametrize("variant", INVALID_IN_INBOX, ids=lambda v: v.name)
def test_batch_invalid_file_does_not_stop_the_others(variant, batch, corpus_files):
    path, _ = corpus_files[variant.name]
    row = batch.decision(path)
    assert not truthy(row["valid"]) and not truthy(row["eligible"]), row
    assert row["submission_id"] not in batch.certified()
    issues = [r for r in batch.table("validation_issues.csv") if r["file"] == path.name]
    assert any(r["sheet"] == variant.sheet for r in issues), f"no issue on {variant.sheet}: {issues}"


def test_batch_certifies_exactly_the_eligible(batch):
    decisions = batch.table("decisions.csv")
    eligible = {r["submission_id"] for r in decisions if truthy(r["eligible"])}
    certified = batch.table("certified.csv")
    assert {r["submission_id"] for r in certified} == eligible
    ids = [r["certificate_id"] for r in certified]
    assert len(set(ids)) == len(ids) and all(CERT_ID.match(i) for i in ids), ids


# --- hand-written decisions (SPEC §3.2) -------------------------------------------------------

# role of each eligible variant in the decisions run
DECISION_ROLES = {
    "base": "certified",  # recommended by the prefecture, no spot check, no objection
    "area_exactly_100": "not_recommended",  # 是否推荐 = 否
    "rd_growth_above_5": "failed_prefecture_spot_check",  # 市地 实地抽查 不通过
    "ii_adoption_exactly_10": "failed_province_spot_check",  # 省 实地抽查 不通过
    "incident_safety_ordinary": "objection_upheld",  # 异议成立 = 是
    "sme_share_65": "certified_after_checks",  # spot check 通过, objection not upheld
}


def write_csv(path: Path, header: list[str], rows: list[list[str]], bom: bool = False) -> None:
    lines = [",".join(header)] + [",".join(r) for r in rows]
    path.write_text(("\ufeff" if bom else "") + "\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def with_decisions(tmp_path_factory, corpus_files, batch) -> tuple[Campaign, dict[str, str]]:
    """The same files (so the same 申报编号 as in the batch run), with decisions by hand."""
    root = tmp_path_factory.mktemp("campaign-decisions")
    paths = {name: corpus_files[name][0] for name in DECISION_ROLES}
    sid = {name: batch.decision(path)["submission_id"] for name, path in paths.items()}
    folder = root / "decisions"
    folder.mkdir()
    # headers by English key in one file, by Chinese label in the others (SPEC §3.2)
    write_csv(
        folder / "spot_checks.csv",
        ["submission_id", "level", "result", "note"],
        [
            [sid["rd_growth_above_5"], "市地", "不通过", "实地抽查：产值与台账不符"],
            [sid["ii_adoption_exactly_10"], "省", "不通过", "省级抽查：共享机制未落实"],
            [sid["sme_share_65"], "市地", "通过", "实地抽查通过"],
        ],
    )
    write_csv(
        folder / "prefecture_decisions.csv",
        ["申报编号", "是否推荐", "说明"],
        [
            [sid[name], "否" if role == "not_recommended" else "是", "初审意见"]
            for name, role in DECISION_ROLES.items()
        ],
    )
    write_csv(
        folder / "objections.csv",
        ["申报编号", "异议成立", "说明"],
        [
            [sid["incident_safety_ordinary"], "是", "异议经核实成立"],
            [sid["sme_share_65"], "否", "异议不成立"],
        ],
        bom=True,
    )
    inbox = copy_into(root / "inbox", list(paths.values()))
    return Campaign(root, inbox, ["--decisions", str(folder)]), sid


def test_decisions_run_is_healthy(with_decisions):
    assert_healthy(with_decisions[0])


@pytest.mark.parametrize("name", list(DECISION_ROLES), ids=lambda n: f"{n}-{DECISION_ROLES[n]}")
def test_decision_effect(name, with_decisions, corpus_files):
    c, sid = with_decisions
    role = DECISION_ROLES[name]
    row = c.decision(corpus_files[name][0])
    assert row["submission_id"] == sid[name], "same file, same 申报编号 as in the batch run"
    assert truthy(row["eligible"]), row
    certified = c.certified()
    if role in ("certified", "certified_after_checks"):
        assert truthy(row["recommended"]) and truthy(row["shortlisted"]), row
        assert CERT_ID.match(certified.get(sid[name], {}).get("certificate_id", "")), certified
    else:
        assert sid[name] not in certified, f"{role}: must not be certified ({certified.get(sid[name])})"
    if role == "not_recommended":
        assert not truthy(row["recommended"]) and not truthy(row["shortlisted"]), row
    if role == "failed_prefecture_spot_check":
        assert not truthy(row["shortlisted"]), row
    if role == "failed_province_spot_check":
        assert truthy(row["recommended"]) and not truthy(row["shortlisted"]), row
    if role == "objection_upheld":
        assert truthy(row["recommended"]) and truthy(row["shortlisted"]), row


# --- a policy override (SPEC §4: a campaign may override a parameter, recorded in its outputs) --

OVERRIDE = "A5.1.sme_share.threshold"
OVERRIDE_EXPECTED = {  # SME share in Y-1 → eligible with a 65 % threshold (以上 includes it)
    "base": True,  # 70 %
    "sme_share_65": True,  # exactly 65 %
    "sme_share_64": False,  # 64 %
    "sme_share_exactly_60": False,  # 60 %
}


@pytest.fixture(scope="module")
def with_override(tmp_path_factory, corpus_files) -> Campaign:
    root = tmp_path_factory.mktemp("campaign-override")
    inbox = copy_into(root / "inbox", [corpus_files[n][0] for n in OVERRIDE_EXPECTED])
    return Campaign(root, inbox, ["--set", f"{OVERRIDE}=65"])


def test_override_run_is_healthy(with_override):
    assert_healthy(with_override)


@pytest.mark.parametrize("name", list(OVERRIDE_EXPECTED))
def test_override_changes_who_is_eligible(name, with_override, corpus_files):
    row = with_override.decision(corpus_files[name][0])
    assert truthy(row["eligible"]) == OVERRIDE_EXPECTED[name], row
    if not OVERRIDE_EXPECTED[name]:
        assert id_set(row["failed_criteria"]) == {"A5.1.sme_share"}, row


def test_override_is_recorded(with_override):
    c = with_override
    rows = [r for r in c.table("criteria.csv") if r["criterion_id"] == "A5.1.sme_share"]
    assert rows and all(float(r["threshold"]) == 65 for r in rows), rows
    policy = c.out / "policy.json"
    assert policy.is_file(), c.run.describe()
    text = json.dumps(json.loads(policy.read_text(encoding="utf-8")), ensure_ascii=False)
    assert OVERRIDE in text and "65" in text, text[:2000]


# --- a corrected resubmission (SPEC §6: it supersedes the old one, recorded) -----------------


@pytest.fixture(scope="module")
def resubmission(tmp_path_factory) -> tuple[Campaign, Path, Path]:
    """The same cluster twice in one inbox: the first workbook, then a corrected one declared later."""
    root = tmp_path_factory.mktemp("campaign-resubmission")
    county = sw.counties()[110]
    first = sw.base_cluster(YEAR, county, serial=110)
    corrected = sw.clone(first)
    corrected["profile"]["area_km2"] = 36.5
    corrected["profile"]["declared_on"] = dt.date(YEAR, 7, 5)
    inbox = root / "inbox"
    old = sw.write_workbook(first, inbox / f"{county['county_code']}-申报书.xlsx")
    new = sw.write_workbook(corrected, inbox / f"{county['county_code']}-申报书-更正.xlsx")
    os.utime(old, (1_780_000_000, 1_780_000_000))
    os.utime(new, (1_780_090_000, 1_780_090_000))
    return Campaign(root, inbox), old, new


def test_resubmission_run_is_healthy(resubmission):
    assert_healthy(resubmission[0])


def test_resubmission_certified_once(resubmission):
    c, _, new = resubmission
    certified = c.table("certified.csv")
    assert len(certified) == 1, certified
    assert certified[0]["submission_id"] == c.decision(new)["submission_id"], "the corrected one counts"
