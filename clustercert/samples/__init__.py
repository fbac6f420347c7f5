"""Sample data for `make demo`, end-to-end tests and the benchmark (SPEC §3).

Everything here is deterministic from a seed (`random.Random(seed)`), never from the wall clock, so
the same seed gives the same tables, the same bytes and therefore the same submission ids.
All files are written through `clustercert.workbook_writer`; labels come from `clustercert.contract`.

* `generate_campaign` — one submission per cluster for a campaign year, with expected verdicts;
* `generate_decisions`, `generate_monitoring`, `generate_change_filings`, `generate_findings` — the
  human decisions and dynamic-management inputs that follow a campaign;
* `generate_bulk` — benchmark-scale inboxes.
"""

from clustercert.samples.bulk import generate_bulk
from clustercert.samples.management import (
    DecisionSamples,
    Filing,
    MonitoringSamples,
    cast_roles,
    generate_change_filings,
    generate_decisions,
    generate_findings,
    generate_monitoring,
)
from clustercert.samples.mistakes import EDGES, MISTAKES, Expected
from clustercert.samples.submissions import SampleSubmission, generate_campaign

__all__ = [
    "EDGES",
    "MISTAKES",
    "DecisionSamples",
    "Expected",
    "Filing",
    "MonitoringSamples",
    "SampleSubmission",
    "cast_roles",
    "generate_bulk",
    "generate_campaign",
    "generate_change_filings",
    "generate_decisions",
    "generate_findings",
    "generate_monitoring",
]
