"""`clustercert compare` as a user types it, on the registry a finished campaign of the demo's 24 sample
submissions leaves (built with the registry API: see tests/whatif/campaign_registry.py)."""

from __future__ import annotations

import csv
import hashlib
import os
import re
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from tests.whatif.campaign_registry import YEAR, build_campaign_registry

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "clustercert.cli"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return build_campaign_registry(tmp_path_factory.mktemp("demo"))


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("CLUSTERCERT_DB_URL", None)
    return subprocess.run(
        [*CLI, "compare", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300
    )


def rows(out: Path) -> list[dict[str, str]]:
    with (out / "compare.csv").open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def digest(url: str) -> str:
    return hashlib.sha256(Path(url.removeprefix("sqlite:///")).read_bytes()).hexdigest()


@pytest.mark.parametrize("threshold", ["65", "70", "75"])
def test_a_higher_sme_share_threshold_lists_exactly_the_clusters_below_it(demo, tmp_path, threshold) -> None:
    before = digest(demo.url)
    out = tmp_path / "out"
    done = run("--db", demo.url, "--year", str(YEAR), "--against-set", f"A5.1.sme_share.threshold={threshold}",
               "--out", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "ERROR" not in done.stderr
    # expected from the data itself: eligible clusters whose Y-1 SME share is in [60, threshold)
    expected = {sid for sid, share in demo.eligible.items() if 60 <= share < Fraction(Decimal(threshold))}
    assert threshold != "65" or len(expected) >= 1  # the demo has a cluster at exactly 60 %
    found = rows(out)
    assert list(found[0]) == ["submission_id", "cluster_name", "eligible_before", "eligible_after", "score_before",
                              "score_after", "rank_before", "rank_after", "flipped_criteria"]  # fmt: skip
    dropped = {
        r["submission_id"] for r in found if r["eligible_before"] == "true" and r["eligible_after"] == "false"
    }
    assert dropped == expected
    # the criterion flips for every valid cluster below the new threshold, eligible or not, and only there
    below = {sid for sid, share in demo.shares.items() if 60 <= share < Fraction(Decimal(threshold))}
    assert {r["submission_id"] for r in found if r["flipped_criteria"] == "A5.1.sme_share"} == below
    assert all(r["flipped_criteria"] == "" for r in found if r["submission_id"] not in below)
    assert {r["submission_id"] for r in found} == set(demo.eligible) | demo.ineligible
    for sid in expected:
        assert sid in done.stdout  # the console names who drops out
    page = (out / "compare.html").read_text(encoding="utf-8")
    assert f"{threshold}%" in page and "中小企业产值占集群总产值比例下限" in page  # the override, in words
    assert "2023-07-07" in page and "2026-07-24" in page  # effective date and the as-of date
    assert digest(demo.url) == before  # nothing was written to the registry


def test_against_the_national_standard_lists_each_certified_clusters_gaps(demo, tmp_path) -> None:
    out = tmp_path / "national"
    done = run("--db", demo.url, "--year", str(YEAR), "--against", "national-2022", "--out", str(out))
    assert done.returncode == 0, done.stderr
    page = (out / "compare.html").read_text(encoding="utf-8")
    assert "已认定集群对照比较政策" in page and "2022-09-13" in page and "工信部企业〔2022〕119号" in page
    certified_part = page[page.index("已认定集群对照比较政策") : page.index("全部申报的得分与排名")]
    for certificate_id in demo.certified.values():
        assert certificate_id in certified_part
    assert "近三年产值均在40亿元以上" in certified_part and "（即 ≥ 400 000 万元）" in certified_part
    found = {r["submission_id"]: r for r in rows(out)}
    for sid in demo.certified:
        assert found[sid]["eligible_before"] == "true"
        if found[sid]["eligible_after"] == "false":
            assert any(cid.startswith("N") for cid in found[sid]["flipped_criteria"].split(";"))
    assert (out / "index.html").is_file()  # a front page for a folder of its own


def test_the_pages_work_offline_and_read_in_chinese(demo, tmp_path) -> None:
    out = tmp_path / "offline"
    assert (
        run("--db", demo.url, "--year", str(YEAR), "--against", "national-2022", "--out", str(out)).returncode
        == 0
    )
    for name in ("compare.html", "index.html"):
        html = (out / name).read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
        assert "@import" not in html and "<script" not in html
        text = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
        text = re.sub(r"<[^>]+>", " ", text)
        # no code in what a person reads: no criterion or parameter ids, no true/false, no English words
        assert not re.search(r"\b[AN]\d+(\.\w+)+", text), re.search(r"\b[AN]\d+(\.\w+)+", text)
        assert not re.search(r"\b(true|false|None|nan|pass|fail|met)\b", text)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--against", "hlj-2099"], 2, "unknown policy 'hlj-2099'"),
        (["--policy", "nowhere.yaml", "--against", "national-2022"], 2, "cannot read policy file"),
        (["--against-set", "A5.1.sme_share.minimum=65"], 2, "unknown parameter 'A5.1.sme_share.minimum'"),
        (["--against-set", "A5.1.sme_share.threshold=lots"], 2, "expected a number"),
        (["--against-set", "A5.1.sme_share.threshold"], 2, "expects ID=VALUE"),
        ([], 2, "nothing to compare"),
    ],
)
def test_misuse_is_refused_in_one_line_before_any_work(demo, tmp_path, args, code, message) -> None:
    out = tmp_path / "refused"
    done = run("--db", demo.url, "--year", str(YEAR), "--out", str(out), *args)
    assert done.returncode == code, done.stderr
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert not (out / "compare.html").exists()


def test_a_year_without_a_campaign_exits_1(demo, tmp_path) -> None:
    done = run("--db", demo.url, "--year", "2031", "--against", "national-2022", "--out", str(tmp_path / "o"))
    assert done.returncode == 1
    assert "no campaign for 2031" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_registry_that_does_not_exist_exits_1_and_is_not_created(tmp_path) -> None:
    missing = tmp_path / "none.db"
    done = run("--db", f"sqlite:///{missing}", "--year", str(YEAR), "--against", "national-2022",
               "--out", str(tmp_path / "o"))  # fmt: skip
    assert done.returncode == 1 and "no registry" in done.stderr and not missing.exists()


def test_a_revision_file_can_be_compared_and_a_family_resolved(demo, tmp_path) -> None:
    out = tmp_path / "revision"
    done = run("--db", demo.url, "--year", str(YEAR), "--policy", "hlj", "--policy-dir", "docs/policies",
               "--against", "docs/policies/hlj-2027.yaml", "--out", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    page = (out / "compare.html").read_text(encoding="utf-8")
    assert "2027（示例）" in page and "2027-01-01" in page  # the version and its effective date
    expected = {sid for sid, share in demo.eligible.items() if share < 65}  # the revision asks 65 % 以上
    dropped = {
        r["submission_id"]
        for r in rows(out)
        if r["eligible_before"] == "true" and r["eligible_after"] != "true"
    }
    assert expected <= dropped
