"""The CLI tests' fixtures come from tests/flows_management/mgmt_fixtures (shared with the flow tests)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "flows_management"))
