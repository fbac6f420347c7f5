"""What the deployments must be, written out independently of `deployments/` (SPEC §5, issue 4).

Next run times are computed here with `zoneinfo` alone, not with a cron engine, so that a wrong
cron string or time zone in the definitions shows up as a wrong date.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

# full name -> ("yearly", month, day, hour, minute) | ("daily", hour, minute) | None (on demand)
EXPECTED: dict[str, tuple | None] = {
    "yearly-campaign/per-campaign": None,
    "collect-submissions/on-demand": None,
    "validate-submissions/on-demand": None,
    "score-clusters/on-demand": None,
    "prefecture-recommendation/on-demand": None,
    "provincial-shortlist/on-demand": None,
    "monitoring-reminder/week-before-deadline": ("yearly", 3, 3, 9, 0),
    "monitoring-report/after-deadline": ("yearly", 3, 11, 9, 0),
    "expiry-check/daily": ("daily", 6, 0),
    "change-filings/daily": ("daily", 6, 15),
    "revocation-triggers/daily": ("daily", 6, 30),
    "policy-comparison/on-demand": None,
    "national-recommendation/on-demand": None,
}

ENTRYPOINTS = {
    "yearly-campaign": "flows.yearly_campaign:yearly_campaign",
    "collect-submissions": "flows.campaign_stages:collect_submissions",
    "validate-submissions": "flows.campaign_stages:validate_submissions",
    "score-clusters": "flows.campaign_stages:score_clusters",
    "prefecture-recommendation": "flows.campaign_stages:prefecture_recommendation",
    "provincial-shortlist": "flows.campaign_stages:provincial_shortlist",
    "policy-comparison": "flows.policy_comparison:policy_comparison",
    "monitoring-reminder": "flows.monitoring_report:monitoring_reminder",
    "monitoring-report": "flows.monitoring_report:monitoring_report",
    "expiry-check": "flows.expiry_check:expiry_check",
    "change-filings": "flows.change_filings:change_filings",
    "revocation-triggers": "flows.revocation_triggers:revocation_triggers",
    "national-recommendation": "flows.national_recommendation:national_recommendation",
}


def next_run(full_name: str, after: datetime) -> datetime | None:
    """The first scheduled time strictly after `after`, in Asia/Shanghai."""
    rule = EXPECTED[full_name]
    if rule is None:
        return None
    local = after.astimezone(SHANGHAI)
    if rule[0] == "daily":
        _, hour, minute = rule
        candidate = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
        return candidate if candidate > local else (candidate + timedelta(days=1))
    _, month, day, hour, minute = rule
    for year in (local.year, local.year + 1):
        candidate = datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)
        if candidate > local:
            return candidate
    raise AssertionError("unreachable")
