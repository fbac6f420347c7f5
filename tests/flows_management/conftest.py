"""The flow tests' fixtures come from mgmt_fixtures (shared with tests/cli_management)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
