"""What a dynamic-management stage or work unit reopens where it runs, from plain parameters: the
registry at a URL (`context.registry`, once per process) and a policy with a run's overrides (`--set`),
loaded once per process and parameters. Nothing here travels to another process.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from clustercert.policy import Policy, load_policy
from clustercert.stages.context import registry

DEFAULT_POLICY = "hlj-2023"
Overrides = dict[str, Any] | None


@lru_cache(maxsize=16)
def _policy(name: str, overrides: str) -> Policy:
    return load_policy(name, overrides=json.loads(overrides) or None)


def policy(name: str = DEFAULT_POLICY, overrides: Overrides = None) -> Policy:
    """The policy `name` with the run's overrides (the values in force today: no date picks them)."""
    return _policy(name, json.dumps(overrides or {}, sort_keys=True, default=str))


__all__ = ["DEFAULT_POLICY", "Overrides", "policy", "registry"]
