"""Bring a freshly started Prefect server to the state of one that has served flows before.

A `prefect server start` that has never answered a flow run spends its first seconds of work on
itself (first queries, first event batches) on the same two cores as the campaign: the first
campaign run against it took 13.7 s where the next ones took 10.2–10.7 s (300 submissions). A
server in service is past that, so `python -m bench.campaign --server` runs this once, untimed,
before its modes: a parent flow with five sub-flows of six tasks each — the campaign's shape.

    PREFECT_API_URL=http://127.0.0.1:PORT/api python -m bench.warm_up
"""

from __future__ import annotations

import flows.runtime  # noqa: F401 — first: Prefect's settings (no telemetry) and patches, as every flow process

# isort: split
from prefect import flow, task

STAGES, TASKS = 5, 6


@task
def unit(number: int) -> int:
    return number


@flow(name="bench-warm-up-stage")
def stage(tasks: int) -> int:
    return sum(f.result() for f in [unit.submit(n) for n in range(tasks)])


@flow(name="bench-warm-up")
def warm_up() -> int:
    return sum(stage(TASKS) for _ in range(STAGES))


if __name__ == "__main__":
    warm_up()
