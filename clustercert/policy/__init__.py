"""Policy files: the regulation's thresholds, words of comparison, windows and weights as data.

`load_policy("hlj-2023")` gives the Heilongjiang 2023 rules (黑工信企业规〔2023〕8号);
`load_policy("national-2022")` the national standard used for Art. 14 recommendations.
"""

from clustercert.policy.loader import available_policies, build_policy, load_policy
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
]
