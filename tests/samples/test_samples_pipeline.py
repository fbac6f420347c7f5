"""The samples through the real pipeline stages: intake reads every good workbook without an issue,
validation finds each planted mistake where the sample says, and the rules reach the expected verdict."""

from datetime import date

import pytest

from clustercert.intake import read_submission
from clustercert.submission import ClusterData

structure = pytest.importorskip("schemas.structure")
quality = pytest.importorskip("expectations.quality")
rules = pytest.importorskip("clustercert.rules")
policy = pytest.importorskip("clustercert.policy")

pytestmark = pytest.mark.slow  # reads and validates the 24 workbooks (a few seconds)


@pytest.fixture(scope="module")
def checked(campaign):
    subs = [read_submission(s.file) for s in campaign]
    structured = [structure.check_structure(sub) for sub in subs]
    report = quality.check_quality(structured, engine="pandas")
    return [
        (sample, sub, st, [*sub.issues, *st.issues, *report.issues.get(sub.submission_id, [])])
        for sample, sub, st in zip(campaign, subs, structured, strict=True)
    ]


def test_intake_reads_every_workbook_with_the_samples_id(checked):
    for sample, sub, _, _ in checked:
        assert sub.submission_id == sample.submission_id
        assert sub.readable
        if "missing_sheet" not in sample.variations:
            assert sub.issues == [], sample.file.name


def test_good_samples_pass_validation_without_any_issue(checked):
    for sample, _, _, issues in checked:
        if not sample.variations:
            assert issues == [], (sample.file.name, issues[:3])


def test_validation_verdict_and_checks_match_the_samples(checked):
    for sample, _, _, issues in checked:
        errors = {i.check for i in issues if i.is_error}
        assert (not errors) == sample.expected.valid, (sample.variations, errors)
        assert set(sample.expected.checks) <= {i.check for i in issues}, (sample.variations, issues[:3])


def test_rules_reach_the_expected_eligibility(checked):
    hlj = policy.load_policy("hlj-2023")
    for sample, sub, st, issues in checked:
        if any(i.is_error for i in issues):
            continue
        t = st.typed
        data = ClusterData(
            sub.submission_id, sub.file, sub.sha256, st.profile,
            t["annual"], t["enterprises"], t["designations"], t["incidents"], t["evidence"], t["plan_targets"],
        )  # fmt: skip
        evaluation = rules.evaluate(data, hlj, date(2026, 7, 1))
        assert evaluation.eligible == sample.expected.eligible, sample.variations
        assert tuple(evaluation.failed_criteria) == sample.expected.failed_criteria
        assert tuple(evaluation.warnings) == sample.expected.warnings


def test_qualitative_item_ids_are_the_policys(campaign):
    from clustercert.samples.submissions import EVIDENCE_TITLES

    hlj = policy.load_policy("hlj-2023")
    assert list(EVIDENCE_TITLES) == list(hlj.item_ids)  # the sheet lists them in the policy's order
