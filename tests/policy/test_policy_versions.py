"""Policy versions by date: a family's files, the version in force on a day, revisions that restate only
what changes, and what the outputs say about the version applied."""

from __future__ import annotations

import copy
import json
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from clustercert.policy import POLICY_PATH_ENV, PolicyError, load_policy, resolve, versions
from clustercert.policy.loader import read_document, revise

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "policies"
sys.path.insert(0, str(ROOT / "tests" / "rules"))


def test_the_family_gives_the_version_in_force_on_the_day() -> None:
    search = [EXAMPLES]
    assert versions("hlj", search) == [(date(2023, 7, 7), "hlj-2023"), (date(2027, 1, 1), "hlj-2027")]
    assert resolve("hlj", date(2026, 12, 31), search) == "hlj-2023"
    assert resolve("hlj", date(2027, 1, 1), search) == "hlj-2027"  # in force from its first day
    assert resolve("hlj", None, search) == "hlj-2027"  # no date: the latest
    assert load_policy("hlj", on=date(2026, 7, 24), search=search).name == "hlj-2023"
    assert load_policy("hlj", on=date(2027, 3, 1), search=search).name == "hlj-2027"
    assert load_policy("hlj", on=date(2027, 3, 1)).name == "hlj-2023"  # the example is not bundled
    with pytest.raises(PolicyError, match="no version of policy family 'hlj' is in force on 2023-07-06"):
        load_policy("hlj", on=date(2023, 7, 6))
    with pytest.raises(PolicyError, match="unknown policy 'xyz'.*families"):
        load_policy("xyz")


def test_folders_of_further_policies_come_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv(POLICY_PATH_ENV, str(EXAMPLES))
    assert load_policy("hlj", on=date(2027, 3, 1)).name == "hlj-2027"
    assert load_policy("hlj-2027").version == "2027（示例）"


def test_the_revision_restates_only_what_changes() -> None:
    base, revision = load_policy("hlj-2023"), load_policy(str(EXAMPLES / "hlj-2027.yaml"))
    assert revision.revises == "hlj-2023" and revision.family == "hlj"
    assert revision.value("A5.1.sme_share.threshold") == 65 and base.value("A5.1.sme_share.threshold") == 60
    assert revision.value("A5.2.tiered.designated.threshold") == 8
    ids = [c.id for c in revision.criteria]
    assert ids[: ids.index("A5.1.output_growth")] == [
        "A5.1.area",
        "A5.1.output",
        "A5.1.sme_share",
        "A5.1.leading_share",
    ]
    assert set(ids) - {c.id for c in base.criteria} == {"A5.1.output_growth"}
    # everything not restated is the revised policy's: items, veto, scoring, parameters, precision units
    assert revision.item_ids == base.item_ids and revision.veto == base.veto
    assert revision.scoring == base.scoring and dict(revision.gap_steps) == dict(base.gap_steps)
    assert revision.value("A10.public_notice_working_days") == base.value("A10.public_notice_working_days")


def test_revisions_may_remove_and_are_checked() -> None:
    base = read_document("hlj-2023")
    removed = revise(base, {"name": "x", "remove": ["A5.1.area", "A5.6.water_benchmark"]})
    assert "A5.1.area" not in [c["id"] for c in removed["criteria"]]
    assert "A5.6.water_benchmark" not in [i["id"] for i in removed["qualitative_items"]]
    with pytest.raises(PolicyError, match="unknown ids"):
        revise(base, {"name": "x", "remove": ["A5.9.nothing"]})
    with pytest.raises(PolicyError, match="goes after unknown id"):
        revise(base, {"name": "x", "criteria": [{"id": "A5.9.new", "after": "A5.9.none"}]})


def test_versions_of_one_family_must_take_effect_on_different_days(tmp_path) -> None:
    clash = copy.deepcopy(yaml.safe_load((EXAMPLES / "hlj-2027.yaml").read_text(encoding="utf-8")))
    clash.update(name="hlj-2023b", effective_from="2023-07-07", revises="hlj-2023")
    (tmp_path / "hlj-2023b.yaml").write_text(yaml.safe_dump(clash, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PolicyError, match="take effect on the same day"):
        resolve("hlj", date(2026, 1, 1), [tmp_path])


def test_a_revision_that_revises_itself_is_refused(tmp_path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text("name: loop\nrevises: loop\ntitle: t\neffective_from: 2030-01-01\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="goes round in a circle"):
        load_policy("loop", search=[tmp_path])


def test_describe_names_the_version_and_its_effective_date() -> None:
    described = load_policy("hlj", on=date(2027, 3, 1), search=[EXAMPLES]).describe()
    assert {
        k: described[k] for k in ("name", "family", "version", "effective_from", "on", "file", "revises")
    } == {
        "name": "hlj-2027",
        "family": "hlj",
        "version": "2027（示例）",
        "effective_from": "2027-01-01",
        "on": "2027-03-01",
        "file": "hlj-2027.yaml",
        "revises": "hlj-2023",
    }
    assert load_policy().describe()["version"] == "2023"
    assert load_policy("national-2022").describe()["effective_from"] == "2022-09-13"
    json.dumps(described, ensure_ascii=False)


def test_a_campaigns_2026_data_under_each_version_by_its_as_of_date(monkeypatch, tmp_path) -> None:
    """The campaign's own context picks the version by its as-of date; at least one criterion differs."""
    from cluster_builder import build

    from clustercert.rules import evaluate
    from clustercert.stages.context import CampaignContext
    from clustercert.stages.setup import CampaignSetup

    monkeypatch.setenv(POLICY_PATH_ENV, str(EXAMPLES))
    data = build(annual={2025: {"sme_output": 155000, "total_output": 250000}})  # 62 % SME share
    results = {}
    for as_of in (date(2026, 7, 24), date(2027, 3, 1)):  # before and after the revision takes effect
        ctx = CampaignContext.open(CampaignSetup(year=2026, out=str(tmp_path), as_of=as_of, policy="hlj"))
        evaluation = evaluate(data, ctx.policy, as_of)
        results[ctx.policy.name] = evaluation
        described = ctx.meta["policy_description"]
        assert (described["name"], described["effective_from"]) == (
            ctx.policy.name,
            ctx.policy.effective_from.isoformat(),
        )
    assert set(results) == {"hlj-2023", "hlj-2027"}
    old, new = results["hlj-2023"], results["hlj-2027"]
    assert old.result("A5.1.sme_share").result == "pass" and new.result("A5.1.sme_share").result == "fail"
    assert old.eligible and not new.eligible
    assert "需在65%以上" in new.result("A5.1.sme_share").gap
    assert "A5.1.output_growth" in {r.criterion_id for r in new.criteria} - {
        r.criterion_id for r in old.criteria
    }
