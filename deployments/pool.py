"""The process work pool that runs clustercert's deployments when a worker, not `serve`, runs them."""

from __future__ import annotations

POOL_TYPE = "process"


def ensure_process_pool(name: str) -> bool:
    """Create the process work pool `name` on the server unless it exists; True if created.

    The pool gets the process worker's default job template, as `prefect work-pool create --type
    process` would give it.
    """
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound
    from prefect.workers.process import ProcessWorker

    with get_client(sync_client=True) as client:
        try:
            pool = client.read_work_pool(name)
        except ObjectNotFound:
            client.create_work_pool(
                WorkPoolCreate(
                    name=name,
                    type=POOL_TYPE,
                    base_job_template=ProcessWorker.get_default_base_job_template(),
                )
            )
            return True
    if pool.type != POOL_TYPE:
        raise ValueError(f"work pool {name!r} is of type {pool.type!r}, not {POOL_TYPE!r}")
    return False
