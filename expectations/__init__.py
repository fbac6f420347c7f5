"""Layer 2 of validation: data-quality expectations across columns, rows, sheets and submissions.

Importing this package does not import Great Expectations; `check_quality(..., engine="gx")` does.
"""

from expectations.prepare import prepare
from expectations.quality import check_quality
from expectations.spec import ExpectationOutcome, ExpectationSpec, QualityReport

__all__ = ["ExpectationOutcome", "ExpectationSpec", "QualityReport", "check_quality", "prepare"]
