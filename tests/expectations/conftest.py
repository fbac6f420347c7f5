"""Put the repository root on sys.path before tests/ shadows the `schemas` and `expectations` packages.

Under a bare `.venv/bin/pytest`, the root conftest puts tests/ on sys.path, and tests/schemas (a folder
without __init__.py) would become a namespace package named `schemas`; a regular package anywhere on
sys.path wins over it. `python -m pytest` (make test) already has the root there.
"""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.append(ROOT)
