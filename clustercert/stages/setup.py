"""What an operator chooses for one campaign: plain values only, so that every stage flow can be
started alone (from the UI, a deployment or `clustercert campaign --stage`) and every work unit can
travel to another process or machine; the resources they name are reopened where the work runs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

DEFAULT_POLICY = "hlj"  # the family: the version in force on the as-of date applies


@dataclass(frozen=True)
class CampaignSetup:
    year: int
    out: str  # the published output folder (reports, extracts, archive/)
    as_of: date
    inbox: str | None = None  # county submissions (only the collect stage reads it)
    decisions: str | None = None  # spot_checks / prefecture_decisions / objections (§3.2)
    db_url: str | None = None  # None: $CLUSTERCERT_DB_URL, else the default SQLite file
    policy: str = DEFAULT_POLICY
    overrides: dict[str, Any] = field(default_factory=dict)
    engine: str = "gx"  # expectations engine: "gx" (Great Expectations) or "pandas" (same specs)
    # Submissions per task; None: a few batches per worker (orchestration stays small against the work)
    files_per_task: int | None = None
    # Evaluating one cluster takes a few ms, less than a task's own bookkeeping: score in batches
    # (None: a few batches per worker).
    evaluations_per_task: int | None = None

    @property
    def out_path(self) -> Path:
        return Path(self.out)

    @property
    def archive_path(self) -> Path:
        return Path(self.out) / "archive"

    def parameters(self) -> dict[str, Any]:
        """The stage flows' parameters (JSON-able: what Prefect records and a deployment stores)."""
        values = asdict(self)
        values["as_of"] = self.as_of.isoformat()
        return values

    @classmethod
    def from_parameters(cls, **values: Any) -> CampaignSetup:
        as_of = values.get("as_of")
        if isinstance(as_of, str):
            values["as_of"] = date.fromisoformat(as_of)
        values["overrides"] = dict(values.get("overrides") or {})
        return cls(**values)

    def policy_key(self) -> str:
        """What the rules depend on: the policy, the date that picks its values, the overrides."""
        text = json.dumps(
            [self.policy, self.as_of.isoformat(), sorted(self.overrides.items())], default=str, sort_keys=True
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@cache
def code_version() -> str:
    """A fingerprint of the domain code: cached results of an older version are never reused."""
    import clustercert

    digest = hashlib.sha256()
    roots = [Path(clustercert.__file__).parent]
    for name in ("schemas", "expectations"):
        try:
            module = __import__(name)
        except ImportError:  # pragma: no cover - both ship with the package
            continue
        if module.__file__ is not None:  # a regular package, not a namespace one
            roots.append(Path(module.__file__).parent)
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".yaml", ".csv", ".j2") and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root.parent).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
