"""CampaignRules: the one adapter from the policy to the stages' plain parameters."""

from datetime import date

from clustercert.campaign import CampaignRules


class FakePolicy:
    def __init__(self, **values):
        self.values = {
            "A10.quota": None,
            "A10.public_notice_working_days": 5,
            "A11.validity_years": 3,
            "calendar.extra_holidays": [],
            "calendar.extra_workdays": [],
            **values,
        }

    def value(self, key):
        return self.values[key]


def test_defaults():
    rules = CampaignRules.from_policy(FakePolicy())
    assert (rules.quota, rules.notice_working_days, rules.validity_years) == (None, 5, 3)
    assert not rules.calendar.covers(2030)


def test_overrides_reach_the_stages():
    rules = CampaignRules.from_policy(
        FakePolicy(**{"A10.quota": 10, "calendar.extra_holidays": [date(2030, 1, 1)]})
    )
    assert rules.quota == 10 and rules.calendar.covers(2030)


def test_rules_from_the_real_policy():
    from clustercert.policy import load_policy

    loaded = load_policy("hlj-2023")
    rules = CampaignRules.from_policy(loaded)
    assert rules.notice_working_days == 5 and rules.validity_years == 3
