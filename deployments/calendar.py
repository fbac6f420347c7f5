"""Next run times of the deployment schedules, computed the way the Prefect server computes them.

Used by `clustercert deployments` so an operator sees, before anything is registered, when each
process will next run in Asia/Shanghai.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from deployments import TIMEZONE, DeploymentSpec


def next_runs(spec: DeploymentSpec, n: int = 1, after: datetime | None = None) -> list[datetime]:
    """The next `n` run times at or after `after` (default now), all schedules merged, in Asia/Shanghai.

    Empty for an on-demand deployment. Uses the server's own schedule model so that the answer is
    the one the scheduler will give (same cron engine, same DST handling).
    """
    from zoneinfo import ZoneInfo

    from prefect.server.schemas.schedules import CronSchedule

    start = after or datetime.now(UTC)
    dates: list[datetime] = []
    for cron in spec.crons:
        schedule = CronSchedule(cron=cron, timezone=TIMEZONE)
        dates.extend(asyncio.run(schedule.get_dates(n=n, start=start)))
    zone = ZoneInfo(TIMEZONE)
    return sorted(datetime.fromtimestamp(d.timestamp(), zone) for d in dates)[:n]
