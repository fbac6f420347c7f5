"""The pandas engine against real Great Expectations: same corpus, same specs, identical results.

This is the test that makes the instant `validate` path trustworthy. GX is imported once here (it
costs seconds): the engine caches its context per process, so every test of this module shares it.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from validation.cc_factory import BROKEN, YEAR, corpus, good_tables, make_submission

from clustercert.contract import ANNUAL
from clustercert.issue import Severity
from expectations import check_quality, engine_pandas, prepare
from expectations import engine_gx as gx_engine
from expectations.quality import report
from expectations.spec import (
    A_GREATER_THAN_B,
    BETWEEN,
    COMPOUND_UNIQUE,
    IN_SET,
    NOT_NULL,
    PAIR_EQUAL,
    ExpectationSpec,
)
from expectations.suites import build_specs
from schemas import check_structure


@pytest.fixture(scope="module")
def structured():
    return [check_structure(sub) for sub in corpus()]


@pytest.fixture(scope="module")
def frames(structured):
    return prepare(structured, campaign_year=YEAR)


@pytest.fixture(scope="module")
def gx_results(frames):
    return gx_engine.evaluate(frames, build_specs())


def _comparable(outcomes):
    return [dataclasses.replace(o, engine="") for o in outcomes]


def test_engines_agree_on_the_corpus(structured, frames, gx_results):
    pandas_results = engine_pandas.evaluate(frames, build_specs())
    assert pandas_results == gx_results
    by_gx = report(structured, frames, build_specs(), gx_results, "gx")
    by_pandas = report(structured, frames, build_specs(), pandas_results, "pandas")
    assert by_pandas.issues == by_gx.issues
    assert _comparable(by_pandas.outcomes) == _comparable(by_gx.outcomes)


def test_corpus_exercises_every_expectation(structured, gx_results):
    """Parity over checks that never fire would prove nothing: every spec must find something."""
    assert {spec_id for spec_id, found in gx_results.items() if found.unexpected_count == 0} == set()
    report_ = check_quality(structured, engine="gx", campaign_year=YEAR)
    for clean in (structured[0], structured[1], structured[-1]):
        assert report_.issues[clean.submission_id] == []
    found = {i.check for i in report_.all_issues}
    assert found == set().union(*(expected for expected, _ in BROKEN.values()))
    assert {o.severity for o in report_.outcomes} == {Severity.ERROR, Severity.WARNING}
    assert all(o.engine == "gx" for o in report_.outcomes)


# -- the semantics the pandas engine imitates, on frames made to hit the edge cases -------------

PROBE = pd.DataFrame(
    {
        "submission_id": ["a", "a", "a", "b", "b", "b"],
        "x": [1.0, np.nan, 20.0, 5.0, 10.0, 0.0],
        "y": [2.0, 1.0, np.nan, np.nan, 10.0, 0.0],
        "flag": [True, False, None, True, True, False],
        "name": ["p", "q", None, "r", "r", None],
        "other": ["p", "z", "k", None, "r", None],
    }
)


def _probe(expectation: str, **kwargs) -> ExpectationSpec:
    name = f"probe.{len(PROBES)}"
    return ExpectationSpec(name, "probe", expectation, kwargs, Severity.ERROR, "", "", "", ANNUAL)


PROBES: list[ExpectationSpec] = []
for _expectation, _kwargs in [
    (IN_SET, {"column": "flag", "value_set": [True]}),
    (IN_SET, {"column": "flag", "value_set": [True], "mostly": 0.5}),
    (IN_SET, {"column": "flag", "value_set": [True], "mostly": 0.8}),
    (IN_SET, {"column": "name", "value_set": ["p", "r"]}),
    (NOT_NULL, {"column": "name"}),
    (NOT_NULL, {"column": "name", "mostly": 0.6}),
    (BETWEEN, {"column": "x", "min_value": 1, "max_value": 10}),
    (BETWEEN, {"column": "x", "min_value": 1, "max_value": 10, "strict_min": True, "strict_max": True}),
    (BETWEEN, {"column": "x", "max_value": 10}),
    (BETWEEN, {"column": "x", "min_value": 5, "mostly": 0.4}),
    (A_GREATER_THAN_B, {"column_A": "x", "column_B": "y"}),
    (A_GREATER_THAN_B, {"column_A": "x", "column_B": "y", "or_equal": True}),
    (
        A_GREATER_THAN_B,
        {"column_A": "x", "column_B": "y", "or_equal": True, "ignore_row_if": "either_value_is_missing"},
    ),
    (A_GREATER_THAN_B, {"column_A": "x", "column_B": "y", "ignore_row_if": "neither"}),
    (PAIR_EQUAL, {"column_A": "name", "column_B": "other"}),
    (PAIR_EQUAL, {"column_A": "name", "column_B": "other", "ignore_row_if": "either_value_is_missing"}),
    (PAIR_EQUAL, {"column_A": "x", "column_B": "y", "ignore_row_if": "neither", "mostly": 0.1}),
    (COMPOUND_UNIQUE, {"column_list": ["submission_id", "name"]}),
    (COMPOUND_UNIQUE, {"column_list": ["name", "other"]}),
    (COMPOUND_UNIQUE, {"column_list": ["name", "other"], "ignore_row_if": "any_value_is_missing"}),
]:
    PROBES.append(_probe(_expectation, **_kwargs))


@pytest.mark.parametrize("frame", [PROBE, PROBE.iloc[0:0]], ids=["rows", "empty"])
def test_engines_agree_on_edge_semantics(frame):
    frames = {"probe": frame}
    assert engine_pandas.evaluate(frames, PROBES) == gx_engine.evaluate(frames, PROBES)


def test_parity_detects_a_wrong_pandas_semantics(frames, gx_results, monkeypatch):
    """The comparison above can fail: a pandas engine that forgets `or_equal` is caught."""
    monkeypatch.setitem(
        engine_pandas._BUILT_INS,
        A_GREATER_THAN_B,
        lambda frame, kwargs: engine_pandas._pair(frame, kwargs, lambda a, b: a > b),
    )
    broken = engine_pandas.evaluate(frames, build_specs())
    assert broken != gx_results
    differing = {k for k in gx_results if broken[k] != gx_results[k]}
    assert differing == {"gx.annual.sme_le_total", "gx.annual.leading_le_total"}


def test_engines_agree_on_an_empty_campaign():
    by_gx, by_pandas = check_quality([], engine="gx"), check_quality([], engine="pandas")
    assert _comparable(by_gx.outcomes) == _comparable(by_pandas.outcomes)
    assert all(o.success and o.element_count == 0 for o in by_gx.outcomes)


def test_engines_agree_on_sheets_that_failed_their_model_in_places():
    """What the structure layer hands over for broken sheets (missing cells, YES_NO as object)."""
    tables = good_tables()
    tables["enterprises"][0]["size"] = "特大"  # a failed cell in an otherwise readable sheet
    tables["enterprises"][1]["uscc"] = "abc"
    tables["enterprises"][2]["uscc"] = "abc"
    tables["enterprises"][3]["uscc"] = tables["enterprises"][4]["uscc"][:-1] + "0"  # wrong check char
    tables["annual"][0]["employees"] = "很多"
    tables["annual"][1]["sme_output"] = "999999"  # above the total
    tables["evidence"][1]["met"] = "Y"
    tables["incidents"][0]["occurred_on"] = f"{YEAR}-07-01"
    tables["profile"][0]["declared_on"] = "not a date"
    no_list = good_tables()
    for row in no_list["enterprises"]:
        del row["uscc"]
    subs = [
        make_submission(tables, submission_id="partly"),
        make_submission(no_list, submission_id="no-uscc-column"),
        make_submission(good_tables(), submission_id="no-profile", drop_sheets=("profile",)),
    ]
    structured = [check_structure(s) for s in subs]
    assert all(s.frames for s in structured)
    by_gx = check_quality(structured, engine="gx", campaign_year=YEAR)
    by_pandas = check_quality(structured, engine="pandas", campaign_year=YEAR)
    assert by_pandas.issues == by_gx.issues
    assert _comparable(by_pandas.outcomes) == _comparable(by_gx.outcomes)
    assert {i.check for i in by_gx.issues_for("partly")} >= {
        "gx.enterprises.uscc_check",
        "gx.annual.sme_le_total",
        "gx.incidents.not_after_declared.not_checked",  # 申报日期 could not be read
    }


def test_great_expectations_fingerprints_no_batch(frames, monkeypatch):
    # the md5 of every cell's hash GX takes of each batch for its markers: a third of a national check
    from great_expectations.execution_engine import pandas_execution_engine

    def fingerprint(_frame):
        raise AssertionError("a batch was fingerprinted")

    monkeypatch.setattr(pandas_execution_engine, "hash_pandas_dataframe", fingerprint)
    assert gx_engine.evaluate_here(frames, build_specs()) == engine_pandas.evaluate(frames, build_specs())
