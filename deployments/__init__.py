"""When the processes of the regulation run: THE one list of clustercert's Prefect deployments.

Every deployment is a row of `DEPLOYMENTS`; `build_deployments()` turns the rows into Prefect
`RunnerDeployment`s that `clustercert serve` serves, `register_deployments()` registers them for a
work pool, and the tests load them. All schedules are in Asia/Shanghai, the province's clock.

Why these times (SPEC §5, regulation Art. 11–15):
* `monitoring-reminder` 3 March 09:00 — a week before the Art. 13 deadline (10 March of year R+1);
* `monitoring-report` 11 March 09:00 — the first morning after that deadline, so on-time/late/missing
  is final when it runs;
* `expiry-check` daily 06:00 — the 90/30-day notices of Art. 11 fall on exact days;
* `change-filings` daily 06:15 — the one-month filing window of Art. 12 is counted in days, and an
  on-time filing must reach the registry before the revocation check reads it;
* `revocation-triggers` daily 06:30 — after both checks above, so its proposals see their results;
* `yearly-campaign` and `national-recommendation` — no schedule: the province triggers them per
  campaign (with its `year`) and on the ministry's call.

A deployment carries no path of the machine that registered it: every folder and the registry come
from the environment of the worker that runs it — `$CLUSTERCERT_VAR` (its `inbox/<area>/`,
`out/<flow name>/`, `archive/`, and the default SQLite registry `clustercert.db`),
`$CLUSTERCERT_DB_URL` (PostgreSQL in production; a URL may carry a password, so it is never stored on
the Prefect server), `PREFECT_RESULTS_LOCAL_STORAGE_PATH` or `PREFECT_RESULTS_DEFAULT_STORAGE_BLOCK`
(persisted task results). `as_of` is left empty so that each run evaluates its own date. The flows
are found by module path (`flows.…`) in the installed package, so a worker needs the package
installed (docs/operations.md), not a copy of this folder.

Each stage of the yearly campaign has a deployment of its own (`<stage>/on-demand`), so an operator
re-runs one stage alone from the UI with the campaign's year.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clustercert.environment import prepare
from clustercert.stages import CAMPAIGN_STAGES

prepare()

if TYPE_CHECKING:
    from uuid import UUID

    from prefect import Flow
    from prefect.deployments.runner import RunnerDeployment

TIMEZONE = "Asia/Shanghai"
ROOT_ENV = "CLUSTERCERT_VAR"
DEFAULT_ROOT = "var"
TAGS = ("clustercert",)


@dataclass(frozen=True)
class DeploymentSpec:
    """One deployment: which flow, when, and which folders its scheduled runs use."""

    name: str  # deployment name; the full name in Prefect is "<flow_name>/<name>"
    flow_name: str
    entrypoint: str  # "module:function", importable wherever the package is installed
    description: str
    crons: tuple[str, ...] = ()  # empty: on demand only
    inbox: str | None = None  # area under $CLUSTERCERT_VAR/inbox/
    extra: dict[str, Any] = field(default_factory=dict)
    output: str | None = None  # folder under $CLUSTERCERT_VAR/out/ (default: the flow's name)

    @property
    def output_name(self) -> str:
        return self.output or self.flow_name

    @property
    def full_name(self) -> str:
        return f"{self.flow_name}/{self.name}"

    @property
    def module(self) -> str:
        return self.entrypoint.split(":", 1)[0]

    @property
    def function(self) -> str:
        return self.entrypoint.split(":", 1)[1]


DEPLOYMENTS: tuple[DeploymentSpec, ...] = (
    DeploymentSpec(
        name="per-campaign",
        flow_name="yearly-campaign",
        entrypoint="flows.yearly_campaign:yearly_campaign",
        description="年度认定 (Art. 7–10): triggered once per campaign with its year; no fixed schedule.",
        inbox="campaign",
    ),
    *(
        DeploymentSpec(
            name="on-demand",
            flow_name=stage.name,
            entrypoint=f"flows.campaign_stages:{stage.name.replace('-', '_')}",
            description=f"{stage.title}（{stage.article}）: one stage of the yearly campaign, run alone on the registry.",
            inbox="campaign" if stage.name == "collect-submissions" else None,
            output="yearly-campaign",
        )
        for stage in CAMPAIGN_STAGES
    ),
    DeploymentSpec(
        name="week-before-deadline",
        flow_name="monitoring-reminder",
        entrypoint="flows.monitoring_report:monitoring_reminder",
        description="监测报告提醒 (Art. 13): a week before the 10 March deadline.",
        crons=("0 9 3 3 *",),
        inbox="monitoring",
    ),
    DeploymentSpec(
        name="after-deadline",
        flow_name="monitoring-report",
        entrypoint="flows.monitoring_report:monitoring_report",
        description="年度监测 (Art. 13): the morning after the 10 March deadline, for last year.",
        crons=("0 9 11 3 *",),
        inbox="monitoring",
    ),
    DeploymentSpec(
        name="daily",
        flow_name="expiry-check",
        entrypoint="flows.expiry_check:expiry_check",
        description="有效期与复核 (Art. 11): daily expiry status and 90/30-day notices.",
        crons=("0 6 * * *",),
        inbox="reviews",
    ),
    DeploymentSpec(
        name="daily",
        flow_name="change-filings",
        entrypoint="flows.change_filings:change_filings",
        description="重大变动报备 (Art. 12): daily, before the revocation check.",
        crons=("15 6 * * *",),
        inbox="filings",
    ),
    DeploymentSpec(
        name="daily",
        flow_name="revocation-triggers",
        entrypoint="flows.revocation_triggers:revocation_triggers",
        description="撤销情形 (Art. 15): daily proposals from all five grounds.",
        crons=("30 6 * * *",),
        inbox="revocations",
    ),
    DeploymentSpec(
        name="on-demand",
        flow_name="policy-comparison",
        entrypoint="flows.policy_comparison:policy_comparison",
        description="政策比较: a finished campaign under two policies (what if), on demand; writes nothing to the registry.",
    ),
    DeploymentSpec(
        name="on-demand",
        flow_name="national-recommendation",
        entrypoint="flows.national_recommendation:national_recommendation",
        description="推荐国家级 (Art. 14): on demand, when the ministry calls for candidates.",
    ),
)


def root(path: str | Path | None = None) -> Path:
    """The folder that holds inboxes and outputs of scheduled runs (absolute)."""
    return Path(path or os.environ.get(ROOT_ENV) or DEFAULT_ROOT).resolve()


def load_flow(spec: DeploymentSpec) -> Flow:
    """Import the flow object behind a deployment row."""
    module = importlib.import_module(spec.module)
    return getattr(module, spec.function)


def default_parameters(spec: DeploymentSpec, accepted: set[str]) -> dict[str, Any]:
    """What a deployment stores besides the flow's own defaults: nothing machine-local (see above)."""
    return {k: v for k, v in spec.extra.items() if k in accepted and v is not None}


def schedules_of(spec: DeploymentSpec) -> list[Any]:
    from prefect.schedules import Cron

    return [
        Cron(cron, timezone=TIMEZONE, slug=f"{spec.flow_name}-{i}" if len(spec.crons) > 1 else spec.flow_name)
        for i, cron in enumerate(spec.crons, start=1)
    ]


def build_deployment(spec: DeploymentSpec, work_pool: str | None = None) -> RunnerDeployment:
    """One `RunnerDeployment`, for `serve` or, with a work pool, for its workers."""
    from prefect.deployments.runner import EntrypointType

    flow = load_flow(spec)
    if flow.name != spec.flow_name:
        raise ValueError(f"{spec.entrypoint} is flow {flow.name!r}, expected {spec.flow_name!r}")
    accepted = set(flow.parameters.properties)
    options: dict[str, Any] = {"work_pool_name": work_pool} if work_pool else {}
    return flow.to_deployment(
        spec.name,
        schedules=schedules_of(spec),
        parameters=default_parameters(spec, accepted),
        description=spec.description,
        tags=list(TAGS),
        # Registering means "run on schedule": this also resumes schedules that a stopped
        # `clustercert serve` paused on its way out.
        paused=False,
        entrypoint_type=EntrypointType.MODULE_PATH,
        **options,
    )


def build_deployments(work_pool: str | None = None) -> list[RunnerDeployment]:
    """Every deployment of clustercert, ready for `prefect.serve` or `.apply()`."""
    return [build_deployment(spec, work_pool) for spec in DEPLOYMENTS]


def prepare_folders(base: Path | None = None) -> list[Path]:
    """Create the inbox, out and archive folders of scheduled runs, so operators see where files go."""
    base = base or root()
    areas = sorted({spec.inbox for spec in DEPLOYMENTS if spec.inbox})
    folders = [
        *(base / "inbox" / a for a in areas),
        *(base / "out" / s.output_name for s in DEPLOYMENTS),
        base / "archive",
    ]
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    return folders


def register_deployments(work_pool: str | None = None) -> dict[str, UUID]:
    """Create or update every deployment on the server at PREFECT_API_URL; full name -> id."""
    return {d.full_name: d.apply() for d in build_deployments(work_pool)}


__all__ = [
    "DEPLOYMENTS",
    "TIMEZONE",
    "DeploymentSpec",
    "build_deployment",
    "build_deployments",
    "default_parameters",
    "load_flow",
    "prepare_folders",
    "register_deployments",
    "root",
]
