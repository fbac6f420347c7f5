"""The orchestration's floor: a campaign's flow runs, task runs and artifacts, with no work in them.

`yearly-campaign` runs five stage flows as sub-flows; each maps its batches (or prefectures) to
tasks whose results it persists, publishes its artifacts and logs its summary, and the command
waits until the API has recorded every task run. This does the same — the same Prefect, the same
runtime patches (`flows.runtime`), as many sub-flows, task runs and artifacts as the flow has at
this scale — around tasks that return at once, importing none of the campaign's stages (only the
reference list of prefectures, for their count). Its wall time is what Prefect costs a campaign of
this shape whatever the stages do: the flow can be no faster than the baseline plus this (less
what it runs on the second core).
"""

from __future__ import annotations

import time
from typing import Any


def shape(batches: int) -> list[tuple[str, int, int]]:
    """(stage flow, its task runs, its artifacts) of a campaign in `batches` batches per stage on
    the thread runner: collect reads the batches, validate checks their structure and runs the
    quality check once, score evaluates the batches, one task per prefecture (the reference list,
    a few milliseconds to read), one for the shortlist; an artifact per stage and the reports' index."""
    from clustercert.reference import prefectures

    return [
        ("collect", batches, 1),
        ("validate", batches + 1, 1),
        ("score", batches, 1),
        ("prefectures", len(prefectures()), 1),
        ("shortlist", 1, 1),
    ]


def run_prefect_floor(batches: int) -> dict[str, Any]:
    from prefect import flow, get_run_logger

    from flows.runtime import publish_markdown, publish_table, task_runner, wait_until_recorded
    from tasks.runtime import finished_task_runs, results, unit_task

    @unit_task(cache_key_fn=lambda context, parameters: f"prefect-floor-{time.time_ns()}-{parameters['n']}")
    def unit(n: int) -> int:
        return n

    def stage_flow(name: str, tasks: int, artifacts: int) -> Any:
        @flow(name=f"floor-{name}", task_runner=task_runner(), log_prints=False)
        def stage() -> dict[str, int]:
            results(unit.map(list(range(tasks))))
            for k in range(artifacts):
                publish_table(f"prefect-floor-{name}-{k}", [{"n": k}], f"{name} {k}")
            get_run_logger().info("%s: %d tasks", name, tasks)
            return {"tasks": tasks}

        return stage

    stages = [stage_flow(*spec) for spec in shape(batches)]

    @flow(name="floor-campaign", log_prints=False)
    def campaign() -> None:
        for stage in stages:
            stage()
        publish_markdown("prefect-floor-reports", "# reports\n", "reports")

    before = set(finished_task_runs)
    started = time.perf_counter()
    campaign()
    done = time.perf_counter()
    recorded, expected = wait_until_recorded(timeout=300, ids=set(finished_task_runs) - before)
    return {
        "flow total": done - started,
        "wait for API record": time.perf_counter() - done,
        "task runs recorded": recorded,
        "task runs expected": expected,
    }
