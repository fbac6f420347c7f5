"""Run the analyst-readable rule cases in tests/rules/cases/*.yaml (format: cases/README.md)."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from cluster_builder import AS_OF, build

from clustercert.policy import Policy, load_policy
from clustercert.rules import evaluate

CASES_DIR = Path(__file__).parent / "cases"
GIVEN_KEYS = {"annual", "replace_annual", "drop_years", "profile", "enterprises", "designations", "incidents",
              "evidence", "plan_targets"}  # fmt: skip
CASE_KEYS = {"name", "criterion", "given", "policy", "overrides", "as_of", "expect"}
EXPECT_KEYS = {
    "result",
    "value",
    "explanation_contains",
    "eligible",
    "vetoed",
    "veto_incidents",
    "gap",
    "gap_contains",
}


def load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in document["cases"]:
            params.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return params


@cache
def policy_for(name: str, overrides: tuple[tuple[str, Any], ...]) -> Policy:
    return load_policy(name, overrides=dict(overrides))


CASES = load_cases()


def test_case_files_are_found() -> None:
    assert len(CASES) >= 90


@pytest.mark.parametrize("case", CASES)
def test_rule_case(case: dict[str, Any]) -> None:
    assert set(case) <= CASE_KEYS, f"unknown case keys {set(case) - CASE_KEYS}"
    given = case.get("given") or {}
    assert set(given) <= GIVEN_KEYS, f"unknown given keys {set(given) - GIVEN_KEYS}"
    expect = case["expect"] if isinstance(case["expect"], dict) else {"result": case["expect"]}
    assert set(expect) <= EXPECT_KEYS, f"unknown expect keys {set(expect) - EXPECT_KEYS}"

    policy = policy_for(case.get("policy", "hlj-2023"), tuple(sorted((case.get("overrides") or {}).items())))
    as_of = case.get("as_of", AS_OF)
    assert isinstance(as_of, date)
    evaluation = evaluate(build(**given), policy, as_of)
    result = evaluation.result(case["criterion"])

    assert str(result.result) == expect["result"], result.explanation
    if "value" in expect:
        assert result.value == str(expect["value"]), result.explanation
    contains = expect.get("explanation_contains", [])
    for fragment in [contains] if isinstance(contains, str) else contains:
        assert fragment in result.explanation
    assert result.article in result.explanation  # every explanation cites its article
    # a criterion that is met has no gap; one that is not met says what would meet it
    assert (result.gap == "") == (result.result not in ("fail", "advisory")), result.gap
    if "gap" in expect:
        assert result.gap == expect["gap"]
    contains = expect.get("gap_contains", [])
    for fragment in [contains] if isinstance(contains, str) else contains:
        assert fragment in result.gap, result.gap
    if "eligible" in expect:
        assert evaluation.eligible is expect["eligible"], evaluation.failed_criteria
    if "vetoed" in expect:
        assert evaluation.vetoed is expect["vetoed"]
    if "veto_incidents" in expect:
        assert len(evaluation.veto_incidents) == expect["veto_incidents"]
