"""Great Expectations, imported without the statistics it never uses here.

GX 1.x imports `scipy.stats` (about a second, a third of its import) at import time, for the
Kolmogorov–Smirnov and KL-divergence expectations; no specification of ours uses them. Importing it
through `load()` first registers `scipy.stats` with the standard library's `importlib.util.LazyLoader`:
the module object exists, and it is executed — fully, as a plain import would — the first time any
of its attributes is read. Nothing is stubbed or changed: an expectation that needs the statistics
gets them (the first call pays the second).
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

DEFERRED = ("scipy.stats",)


def defer(name: str) -> None:
    """Register module `name` to run on first attribute access (nothing when already imported)."""
    if name in sys.modules:
        return
    parent_name, _, child = name.rpartition(".")
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    if parent_name:
        setattr(sys.modules[parent_name], child, module)  # `from scipy import stats` finds it


def load() -> ModuleType:
    """Great Expectations, with the deferred modules registered first."""
    for name in DEFERRED:
        defer(name)
    import great_expectations

    return great_expectations
