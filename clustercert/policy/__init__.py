"""Policy files: the regulation's thresholds, words of comparison, windows and weights as data.

`load_policy("hlj-2023")` gives the Heilongjiang 2023 rules (黑工信企业规〔2023〕8号);
`load_policy("national-2022")` the national standard used for Art. 14 recommendations.

Versions by date: policy files of one regulation share a `family` ("hlj") and each has its
`effective_from`; `load_policy("hlj", on=as_of)` loads the latest version in force on that day. A
version that only changes numbers needs no new file (`values` are keyed by effective date); one that
adds or removes criteria is a new file, which may restate only what changes (`revises: hlj-2023`).
Files beyond the bundled ones are found in the folders of $CLUSTERCERT_POLICY_PATH or `search=`
(docs/policies/ holds a hypothetical 2027 revision as an example).
"""

from clustercert.policy.loader import (
    POLICY_PATH_ENV,
    available_policies,
    build_policy,
    load_policy,
    policy_dirs,
    resolve,
    versions,
)
from clustercert.policy.model import (
    Branch,
    Criterion,
    CriterionKind,
    CriterionType,
    Parameter,
    Policy,
    PolicyError,
    QualitativeItem,
    ScoringAspect,
    ScoringIndicator,
    ScoringModel,
    VetoRule,
)

__all__ = [
    "POLICY_PATH_ENV",
    "Branch",
    "Criterion",
    "CriterionKind",
    "CriterionType",
    "Parameter",
    "Policy",
    "PolicyError",
    "QualitativeItem",
    "ScoringAspect",
    "ScoringIndicator",
    "ScoringModel",
    "VetoRule",
    "available_policies",
    "build_policy",
    "load_policy",
    "policy_dirs",
    "resolve",
    "versions",
]
