"""`clustercert serve` runs every deployment on a Prefect server; `clustercert deployments` lists them.

Two ways to run the schedules (docs/operations.md):
* `clustercert serve` — this process registers the deployments and runs their flow runs itself
  (Prefect's `serve`); no work pool is needed;
* `clustercert serve --pool NAME` — registers them on the process work pool NAME (created if
  missing) and starts a process worker for that pool in this process; more workers may join with
  `prefect worker start --pool NAME`.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from clustercert.cli import UsageError


def register(subparsers: argparse._SubParsersAction) -> None:
    serve = subparsers.add_parser(
        "serve",
        help="run every deployment against the Prefect server at $PREFECT_API_URL",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument("--pool", metavar="NAME", help="use the process work pool NAME and a worker")
    serve.add_argument("--limit", type=int, metavar="N", help="at most N flow runs at the same time")
    _add_root(serve)
    serve.set_defaults(handler=run_serve)

    listing = subparsers.add_parser(
        "deployments",
        help="list the deployments with their schedules and next run times (Asia/Shanghai)",
    )
    listing.add_argument("--next", type=int, default=1, metavar="N", help="show the next N runs (default 1)")
    listing.add_argument(
        "--register", action="store_true", help="also create or update them on the server at $PREFECT_API_URL"
    )
    listing.add_argument("--pool", metavar="NAME", help="with --register: for the process work pool NAME")
    _add_root(listing)
    listing.set_defaults(handler=run_deployments)


def _add_root(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--root",
        type=Path,
        metavar="DIR",
        help="folder of the scheduled runs' inbox/ and out/ (default: $CLUSTERCERT_VAR, else var)",
    )


def _require_api_url() -> str:
    from prefect.settings import get_current_settings

    url = get_current_settings().api.url
    if not url:
        raise UsageError(
            "no Prefect server: set PREFECT_API_URL, e.g. http://127.0.0.1:4200/api (see docs/operations.md)"
        )
    return str(url)


def run_serve(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    url = _require_api_url()
    _use_root(args.root)
    from deployments import build_deployments, prepare_folders

    prepare_folders()
    if args.pool:
        return _serve_with_worker(args.pool, args.limit, url)
    from prefect import serve

    print(f"serving clustercert deployments on {url}", file=sys.stderr)
    # Stopping `serve` pauses the schedules (Prefect's default), so no late runs pile up unseen.
    serve(*build_deployments(), limit=args.limit)
    return 0


def _use_root(root: Path | None) -> None:
    """Runs started here (serve's subprocesses, this worker's) find their folders under the root."""
    import os

    if root is not None:
        os.environ["CLUSTERCERT_VAR"] = str(Path(root).resolve())


def _serve_with_worker(pool: str, limit: int | None, url: str) -> int:
    import asyncio

    from prefect.workers.process import ProcessWorker

    from deployments import register_deployments
    from deployments.pool import ensure_process_pool

    if ensure_process_pool(pool):
        print(f"created process work pool {pool!r}", file=sys.stderr)
    for name in register_deployments(work_pool=pool):
        print(f"registered {name}", file=sys.stderr)
    print(f"process worker for pool {pool!r} on {url}", file=sys.stderr)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how an operator stops the worker
        asyncio.run(ProcessWorker(work_pool_name=pool, limit=limit).start())
    return 0


def run_deployments(args: argparse.Namespace) -> int:
    if args.pool and not args.register:
        raise UsageError("--pool goes with --register")
    if args.next < 1:
        raise UsageError("--next must be at least 1")
    from deployments import DEPLOYMENTS, TIMEZONE, root
    from deployments.calendar import next_runs

    print(f"# root of scheduled runs: {root(args.root)}; times in {TIMEZONE}")
    for spec in DEPLOYMENTS:
        when = ", ".join(spec.crons) or "on demand"
        runs = ", ".join(d.strftime("%Y-%m-%d %H:%M %a") for d in next_runs(spec, n=args.next)) or "-"
        print(f"{spec.full_name:44} {when:14} next: {runs}")
    if args.register:
        _require_api_url()
        from deployments import prepare_folders, register_deployments
        from deployments.pool import ensure_process_pool

        _use_root(args.root)
        prepare_folders()
        if args.pool:
            ensure_process_pool(args.pool)
        for name, deployment_id in register_deployments(work_pool=args.pool).items():
            print(f"registered {name} ({deployment_id})")
    return 0


__all__ = ["register", "run_deployments", "run_serve"]
