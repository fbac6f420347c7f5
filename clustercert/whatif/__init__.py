"""What if the policy were different: a campaign's valid submissions under two policies, compared.

"If the SME-share threshold were 65 %, who drops out?", "which of our certified clusters meet the
national standard, and what does each lack?": the same submissions (the typed tables the validate stage
recorded) are evaluated by the rule engine under a policy *before* (the campaign's, or one named) and a
policy *after* (another policy file, or the same with other overrides), on the campaign's as-of date.
The comparison says, per cluster, eligibility, score and 择优 rank under each (ranked as the campaign
ranks: `clustercert.campaign.ranking`), which criteria flip, and what each criterion it fails *after*
would take (the gap of `clustercert.rules.gaps`). Nothing is written to the registry.

The stage shape: `read_campaign` (read), `compare` (decide, pure), `clustercert.reports.compare` (write).
"""

from clustercert.whatif.comparison import (
    COMPARE_COLUMNS,
    ClusterComparison,
    Comparison,
    Failure,
    Flip,
    Outcome,
    compare,
    criterion_titles,
    describe,
    flips,
    ranks,
)
from clustercert.whatif.question import (
    Campaign,
    Question,
    check_question,
    load_for,
    open_read_only,
    prepare,
    read_campaign,
)

__all__ = [
    "COMPARE_COLUMNS",
    "Campaign",
    "ClusterComparison",
    "Comparison",
    "Failure",
    "Flip",
    "Outcome",
    "Question",
    "check_question",
    "compare",
    "criterion_titles",
    "describe",
    "flips",
    "load_for",
    "open_read_only",
    "prepare",
    "ranks",
    "read_campaign",
]
