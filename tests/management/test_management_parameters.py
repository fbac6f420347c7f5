"""Policy values dynamic management reads: from the hlj-2023 policy file, never from code."""

from clustercert.management.parameters import ManagementParameters
from clustercert.policy import load_policy


def test_parameters_come_from_the_policy_file():
    params = ManagementParameters.from_policy(load_policy("hlj-2023"))
    assert params.validity_years == 3 and params.renewal_years == 3
    assert params.expiry_notice_days == (90, 30)
    assert params.filing_window_months == 1
    assert params.monitoring_deadline == "03-10"
    assert params.review_window_days == load_policy("hlj-2023").value("A11.review_window_days")


def test_a_campaign_override_reaches_the_functions():
    policy = load_policy("hlj-2023", overrides={"A11.review_window_days": 60})
    assert ManagementParameters.from_policy(policy).review_window_days == 60
