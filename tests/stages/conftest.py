"""The stage tests build inputs with the management tests' builders (tests/management) and run against
the certified registry of the flow tests' fixtures (tests/flows_management, a plugin of tests/conftest.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "management"))
