"""A campaign's resources, opened from its plain setup wherever the work runs.

`CampaignContext.open(setup)` loads the policy (with the overrides), the decision rules and the raw
file archive; `registry()` opens the registry (once per process and URL). Nothing here is handed to
another process: a task receives the setup and calls `context(setup)` itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clustercert.campaign import CampaignRules
from clustercert.intake import Archive
from clustercert.policy import Policy, load_policy
from clustercert.stages.setup import CampaignSetup

if TYPE_CHECKING:
    from clustercert.registry import Registry

MODEL_NOTE = "默认评分模型（由本次申报工作设定）"


@dataclass
class CampaignContext:
    setup: CampaignSetup
    policy: Policy
    rules: CampaignRules
    archive: Archive
    reports: Path  # where this run writes its reports (a staging folder until published)
    _registry: Registry | None = field(default=None, repr=False)

    @classmethod
    def open(cls, setup: CampaignSetup, reports: Path | None = None) -> CampaignContext:
        policy = load_policy(setup.policy, on=setup.as_of, overrides=setup.overrides or None)
        return cls(
            setup=setup,
            policy=policy,
            rules=CampaignRules.from_policy(policy),
            archive=Archive(setup.archive_path),
            reports=Path(reports) if reports is not None else setup.out_path,
        )

    def registry(self) -> Registry:
        if self._registry is None:
            self._registry = registry(self.setup.db_url)
        return self._registry

    @property
    def policy_name(self) -> str:
        """The policy version in force (e.g. hlj-2023), whatever the setup names (a file, a family)."""
        return self.policy.name

    @property
    def year(self) -> int:
        return self.setup.year

    @property
    def meta(self) -> dict[str, Any]:
        """What every report says about the campaign it belongs to."""
        return {
            "year": self.setup.year,
            "as_of": self.setup.as_of.isoformat(),
            "policy": self.policy_name,
            "overrides": dict(self.policy.overrides),
            "policy_description": self.policy.describe(),
            "model_note": MODEL_NOTE,
        }


@lru_cache(maxsize=8)
def _registry(url: str | None) -> Registry:
    from clustercert.registry import Registry

    return Registry.open(url)


def registry(url: str | None) -> Registry:
    """The registry at `url`, opened (and migrated) once per process."""
    return _registry(url)


@lru_cache(maxsize=16)
def _context(key: str, reports: str | None) -> CampaignContext:
    return CampaignContext.open(
        CampaignSetup.from_parameters(**json.loads(key)), None if reports is None else Path(reports)
    )


def context(setup: CampaignSetup, reports: Path | str | None = None) -> CampaignContext:
    """The campaign's context in this process (opened once per setup)."""
    key = json.dumps(setup.parameters(), sort_keys=True, default=str)
    return _context(key, None if reports is None else str(reports))
