"""Campaign benchmark: the floor, a bare in-process baseline, Prefect's floor and the yearly-campaign flow, in one run.

    python -m bench.campaign --scale provincial   # 130 submissions × ~300 enterprises (.xlsx)
    python -m bench.campaign --scale national     # 3,000 submissions × ~333 enterprises (CSV folders)
    python -m bench.campaign --modes floor,baseline   # leave the flow out
    python -m bench.campaign --scale national --task-runner dask   # + the flow on a 2-worker LocalCluster
    python -m bench.campaign --resume   # + kill -9 a campaign after scoring, run it again (bench.resume)
    python -m bench.campaign --modes baseline,prefect-floor,flow,flow-pandas   # what orchestration costs

The floor (`bench.floor`) is the work itself with nothing around it: every sheet read with the
fastest reader and each sheet's Pandera model run once over the stacked inbox. The baseline calls
the same stage functions as the flow (`clustercert.baseline`: each stage's read → decide → record →
write of `clustercert.stages` and `clustercert.reports`), in a plain loop, with no Prefect and no
Great Expectations (the pandas engine of the same expectation specs). Each mode runs in its own
process so that its peak memory (max RSS) is its own; the flow uses a fresh throw-away Prefect
server and its time includes waiting until the API has recorded every task run. Results: a table on
stdout (baseline ÷ floor, flow ÷ baseline) and `var/bench/<scale>.json`.

Two modes say where the flow's time over the baseline goes: `prefect-floor` (`bench.prefect_floor`)
runs the flow's shape at this scale — as many sub-flows, task runs and artifacts — with no work in
them, so baseline + prefect-floor is the fastest the flow could be; `flow-pandas` is the flow on
the baseline's expectations engine (pandas instead of Great Expectations).

`--task-runner dask` adds `flow-dask`: the same flow with its tasks on a Dask `LocalCluster` of two
worker processes, with the scheduler's task stream counting what ran on each worker. `--resume`
adds `resume` (see `bench.resume`): the CLI killed with SIGKILL after its score stage, run again.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench.memory import TreeMemory

SCALES = {
    "provincial": {"submissions": 130, "enterprises": 300, "fmt": "xlsx", "files_per_task": None},
    "national": {"submissions": 3000, "enterprises": 333, "fmt": "csv", "files_per_task": None},
    # a tenth of the national campaign, for profiling its per-submission costs in a minute
    "national-tenth": {"submissions": 300, "enterprises": 333, "fmt": "csv", "files_per_task": None},
    "smoke": {"submissions": 12, "enterprises": 60, "fmt": "xlsx", "files_per_task": None},
}
YEAR = 2026
AS_OF = date(2026, 7, 24)
MODES = (
    "floor",
    "baseline",
    "baseline-openpyxl",
    "prefect-floor",
    "flow",
    "flow-pandas",
    "flow-dask",
    "resume",
)
DEFAULT_MODES = ("floor", "baseline", "prefect-floor", "flow")
DASK_WORKERS = 2
STAGES = ("collect", "validate", "score", "prefecture", "province")


PACKAGES = ("clustercert", "flows", "tasks", "schemas", "expectations", "deployments")


def compile_sources() -> None:
    """Our modules' bytecode up to date before any mode starts (as `make setup` leaves it): with
    PYTHONDONTWRITEBYTECODE set, a source edited since would be compiled again in every mode."""
    import compileall

    here = Path(__file__).resolve().parent.parent
    for package in PACKAGES:
        compileall.compile_dir(here / package, quiet=1, workers=0)


def prepare_inbox(root: Path, scale: str) -> Path:
    from clustercert.samples import generate_bulk

    spec = SCALES[scale]
    inbox = root / "inbox"
    done = root / ".generated"
    if not done.exists():
        started = time.perf_counter()
        generate_bulk(
            inbox,
            year=YEAR,
            submissions=spec["submissions"],
            enterprises_per_submission=spec["enterprises"],
            fmt=spec["fmt"],
            workers=2,
        )
        done.write_text(f"{time.perf_counter() - started:.1f}\n")
    return inbox


def run_baseline(inbox: Path, out: Path, db_url: str) -> dict[str, float]:
    """The same stage functions as the flow, in a plain loop: no Prefect, no Great Expectations."""
    from clustercert.baseline import timed
    from clustercert.stages.setup import CampaignSetup

    setup = CampaignSetup(
        year=YEAR, out=str(out), as_of=AS_OF, inbox=str(inbox), db_url=db_url, engine="pandas"
    )
    return timed(setup)


def run_baseline_on_openpyxl(inbox: Path, out: Path, db_url: str) -> dict[str, float]:
    """The baseline with the previous .xlsx reader (openpyxl) only: its extracts must equal the
    baseline's on calamine byte for byte (same located errors, same verdicts)."""
    from clustercert.intake import xlsx

    xlsx.read_fast = lambda path, last_row: None  # every workbook goes to the reference reader
    return run_baseline(inbox, out, db_url)


def run_flow(
    inbox: Path, out: Path, db_url: str, files_per_task: int | None = None, engine: str = "gx"
) -> dict[str, float]:
    """The flow as `clustercert campaign` runs it: the GX helper (and, without a server, the
    throw-away one) started before Prefect is imported."""
    from expectations import gx_helper
    from flows import throwaway_server

    if gx_helper.wanted(engine):
        gx_helper.start()
    try:
        with throwaway_server.booting():
            from flows.runtime import local_api

            with local_api():
                return _timed_flow(inbox, out, db_url, files_per_task, engine)
    finally:
        gx_helper.stop()


def run_prefect_floor(inbox: Path, files_per_task: int | None) -> dict[str, Any]:
    """The flow's shape at this scale with no work in it (`bench.prefect_floor`)."""
    from bench.prefect_floor import run_prefect_floor as run
    from flows.runtime import default_batch_size, local_api

    files = sum(1 for entry in inbox.iterdir() if not entry.name.startswith("."))
    size = files_per_task or default_batch_size(files)
    with local_api():
        return run(batches=-(-files // size))


def run_flow_on_dask(inbox: Path, out: Path, db_url: str, files_per_task: int | None) -> dict[str, Any]:
    """The flow with its tasks on a LocalCluster of DASK_WORKERS processes; per-worker task counts
    from the scheduler's task stream (every task the cluster ran while the flow was running)."""
    from distributed import Client, LocalCluster, get_task_stream

    from flows.runtime import local_api

    with local_api():  # before the cluster, so that its workers record in the same API
        with (
            LocalCluster(
                n_workers=DASK_WORKERS, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            os.environ["CLUSTERCERT_TASK_RUNNER"] = "dask"
            os.environ["CLUSTERCERT_DASK_ADDRESS"] = cluster.scheduler_address
            with get_task_stream(client=client) as stream:
                stages: dict[str, Any] = _timed_flow(inbox, out, db_url, files_per_task)
            names = {
                address: f"worker {n + 1}"
                for n, address in enumerate(sorted(client.scheduler_info()["workers"]))
            }
    per_worker: dict[str, int] = {}
    for record in stream.data:
        name = names.get(record.get("worker"), str(record.get("worker")))
        per_worker[name] = per_worker.get(name, 0) + 1
    stages["dask tasks per worker"] = dict(sorted(per_worker.items()))
    return stages


def _timed_flow(
    inbox: Path, out: Path, db_url: str, files_per_task: int | None, engine: str = "gx"
) -> dict[str, Any]:
    from flows.runtime import wait_until_recorded
    from flows.yearly_campaign import yearly_campaign

    started = time.perf_counter()
    state = yearly_campaign(
        year=YEAR,
        inbox=str(inbox),
        out=str(out),
        as_of=AS_OF,
        db_url=db_url,
        engine=engine,
        files_per_task=files_per_task,
        return_state=True,
    )
    flow_done = time.perf_counter()
    recorded, expected = wait_until_recorded(timeout=1800)
    drained = time.perf_counter()
    if not state.is_completed():  # a failed run has no figures to compare (and its outputs are old)
        raise RuntimeError(f"yearly-campaign ended {state.type.value}: {state.message}")
    stages = _subflow_durations(state.state_details.flow_run_id)
    stages["flow total"] = flow_done - started
    stages["wait for API record"] = drained - flow_done
    stages["task runs recorded"] = recorded
    stages["task runs expected"] = expected
    return stages


def _subflow_durations(parent_id) -> dict[str, float]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterParentFlowRunId

    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[parent_id]))
        )
    names = {
        "collect": "collect",
        "validate": "validate",
        "score": "score",
        "prefectures": "prefecture",
        "shortlist": "province",
    }
    out = {}
    for run in runs:
        key = names.get(run.name.split("-")[0], run.name)
        if run.start_time and run.end_time:
            out[key] = (run.end_time - run.start_time).total_seconds()
    return out


def _run_mode(mode: str, root: Path, scale: str, inbox: Path, out: Path, db_url: str) -> dict[str, Any]:
    """Run `mode` here; its figures by stage."""
    if mode == "floor":
        from bench.floor import run_floor

        return run_floor(inbox)
    if mode == "baseline":
        return run_baseline(inbox, out, db_url)
    if mode == "baseline-openpyxl":
        return run_baseline_on_openpyxl(inbox, out, db_url)
    if mode == "flow":
        return run_flow(inbox, out, db_url, SCALES[scale]["files_per_task"])
    if mode == "flow-pandas":
        return run_flow(inbox, out, db_url, SCALES[scale]["files_per_task"], engine="pandas")
    if mode == "prefect-floor":
        return run_prefect_floor(inbox, SCALES[scale]["files_per_task"])
    if mode == "flow-dask":
        return run_flow_on_dask(inbox, out, db_url, SCALES[scale]["files_per_task"])
    from bench.resume import run_resume

    return run_resume(root, inbox, YEAR, AS_OF.isoformat())


def child(mode: str, root: Path, scale: str) -> None:
    """Run one mode in this process and print its figures as JSON on the last line."""
    inbox = root / "inbox"
    out = root / f"out-{mode}"
    db = root / f"registry-{mode}.db"
    db.unlink(missing_ok=True)
    started = time.perf_counter()
    with TreeMemory() as memory:
        stages = _run_mode(mode, root, scale, inbox, out, f"sqlite:///{db}")
    wall = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # the largest process this one started and has waited for (the GX helper of a flow run)
    helper_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    figures = {
        "mode": mode,
        "wall": wall,
        "peak_mib": peak_mib,
        "child_peak_mib": helper_mib,
        "tree_peak_mib": memory.peak_mib,
        "tree_at_peak_mib": {name: round(mib) for name, mib in memory.at_peak.items()},
    }
    print(json.dumps({**figures, "stages": stages}))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=sorted(SCALES), default="provincial")
    parser.add_argument("--root", type=Path, default=Path("var/bench"))
    parser.add_argument(
        "--server",
        action="store_true",
        help="run the flow against a real `prefect server start` on loopback (started before the timing)",
    )
    parser.add_argument(
        "--modes",
        default=",".join(DEFAULT_MODES),
        help=f"which modes to run, in order (default {','.join(DEFAULT_MODES)}; also {', '.join(m for m in MODES if m not in DEFAULT_MODES)})",
    )
    parser.add_argument(
        "--task-runner",
        choices=("thread", "dask"),
        default="thread",
        help=f"dask: also run the flow on a {DASK_WORKERS}-worker Dask LocalCluster (mode flow-dask)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="also kill -9 a campaign after scoring and run it again (mode resume)",
    )
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    root = (args.root / args.scale).resolve()
    if args.child:
        child(args.child, root, args.scale)
        return 0
    root.mkdir(parents=True, exist_ok=True)
    compile_sources()
    prepare_inbox(root, args.scale)
    with contextlib.ExitStack() as stack:
        api_url = None
        if args.server:
            from flows.local_server import prefect_server

            api_url = stack.enter_context(prefect_server(root / "server")).api_url
        results = run_modes(args, root, api_url)
    if results is None:
        return 1
    label = f"{args.scale}-server" if args.server else args.scale
    report = summarise(
        args.scale,
        results,
        "a running `prefect server start`" if args.server else "a throw-away local server",
    )
    compared = [
        m for m in results if m in ("baseline", "baseline-openpyxl", "flow", "flow-pandas", "flow-dask")
    ]
    report += "\n" + same_outputs(root, compared)
    (root.parent / f"{label}.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(report)
    return 0


def run_modes(args: argparse.Namespace, root: Path, api_url: str | None) -> dict | None:
    results = {}
    modes = [m for m in args.modes.split(",") if m]
    if args.task_runner == "dask" and "flow-dask" not in modes:
        modes.append("flow-dask")
    if args.resume and "resume" not in modes:
        modes.append("resume")
    unknown = set(modes) - set(MODES)
    if unknown:
        print(f"unknown modes: {', '.join(sorted(unknown))}", file=sys.stderr)
        return None
    for mode in modes:
        # Each mode starts clean in its own folders: its Prefect home and its persisted task results
        # (a mode must not find the results another one left: that would time a resume, not a run).
        var = root / f"var-{mode}"
        shutil.rmtree(var, ignore_errors=True)
        shutil.rmtree(root / f"out-{mode}", ignore_errors=True)  # outputs compared are this run's
        env = {
            **os.environ,
            "PREFECT_HOME": str(root / f"prefect-home-{mode}"),
            "CLUSTERCERT_VAR": str(var),
        }
        env.pop("PREFECT_RESULTS_LOCAL_STORAGE_PATH", None)
        env.pop("PREFECT_API_URL", None)
        if api_url and (mode.startswith("flow") or mode == "prefect-floor"):
            env["PREFECT_API_URL"] = api_url
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.campaign",
                "--scale",
                args.scale,
                "--root",
                str(args.root),
                "--child",
                mode,
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            print(proc.stdout[-2000:], proc.stderr[-4000:], file=sys.stderr)
            return None
        results[mode] = json.loads(proc.stdout.strip().splitlines()[-1])
    return results


COMPARED = ("validation_issues.csv", "criteria.csv", "decisions.csv", "certified.csv")


def same_outputs(root: Path, modes: list[str]) -> str:
    """Whether the modes that ran the campaign wrote the same extracts, byte for byte."""
    if len(modes) < 2:
        return ""
    first, others = modes[0], modes[1:]
    verdicts = []
    for name in COMPARED:
        reference = (root / f"out-{first}" / name).read_bytes()
        equal = all((root / f"out-{mode}" / name).read_bytes() == reference for mode in others)
        verdicts.append(f"{name} {'equal' if equal else 'DIFFERENT'}")
    return f"outputs of {', '.join(modes)}: " + ", ".join(verdicts)


def summarise(scale: str, results: dict, server: str) -> str:
    spec = SCALES[scale]
    per_task = spec["files_per_task"] or "auto"
    modes = [m for m in MODES if m in results and m != "resume"]
    lines = [
        f"scale {scale}: {spec['submissions']} submissions × ~{spec['enterprises']} enterprises ({spec['fmt']}),"
        f" files per task {per_task}; flow against {server}",
        f"{'stage':<26}"
        + "".join(f"{m + ' s':>{_width(m)}}" for m in modes)
        + f"{'base/floor':>12}{'flow/base':>12}"
        + (f"{'dask/flow':>12}" if "flow-dask" in results else ""),
    ]

    def figure(mode: str, stage: str) -> float | None:
        if stage == "collect+validate":
            parts = [figure(mode, s) for s in ("collect", "validate")]
            return None if None in parts else sum(p for p in parts if p is not None)
        found = results.get(mode, {}).get("stages", {}).get(stage)
        return None if found is None else float(found)

    def ratio(top: float | None, bottom: float | None) -> str:
        return f"{top / bottom:>11.2f}×" if top is not None and bottom else f"{'':>12}"

    def ratios(stage: str, base: float | None) -> str:
        flow = figure("flow", stage)
        text = ratio(base, figure("floor", stage)) + ratio(flow, base)
        return text + (ratio(figure("flow-dask", stage), flow) if "flow-dask" in results else "")

    parts = [k for k in results.get("baseline", {}).get("stages", {}) if ": " in k]
    ordered = [s for stage in STAGES for s in (stage, *(p for p in parts if p.startswith(stage + ":")))]
    for stage in (*ordered, "collect+validate"):
        cells = "".join(
            f"{v:>{_width(m)}.2f}" if (v := figure(m, stage)) is not None else " " * _width(m) for m in modes
        )
        name = f"  {stage.split(': ')[1]}" if ": " in stage else stage
        lines.append(f"{name:<26}{cells}{ratios(stage, figure('baseline', stage))}")
    for extra in ("flow total", "wait for API record"):
        if any(extra in results[m]["stages"] for m in modes):
            cells = "".join(
                f"{results[m]['stages'][extra]:>{_width(m)}.1f}"
                if extra in results[m]["stages"]
                else " " * _width(m)
                for m in modes
            )
            lines.append(f"{extra:<26}{cells}")
    walls = {m: results[m]["wall"] for m in modes}
    lines.append(
        f"{'wall':<26}"
        + "".join(f"{w:>{_width(m)}.1f}" for m, w in walls.items())
        + f"{'':>12}"
        + ratio(walls.get("flow"), walls.get("baseline"))
        + (ratio(walls.get("flow-dask"), walls.get("flow")) if "flow-dask" in walls else "")
    )
    lines.extend(_orchestration_lines(walls))
    lines.append(
        f"{'peak RSS MiB':<26}" + "".join(f"{results[m]['peak_mib']:>{_width(m)}.0f}" for m in modes)
    )
    lines.append(
        f"{'  largest child process':<26}"
        + "".join(f"{results[m].get('child_peak_mib', 0):>{_width(m)}.0f}" for m in modes)
    )
    lines.append(
        f"{'  the tree at once':<26}"
        + "".join(f"{results[m].get('tree_peak_mib', 0):>{_width(m)}.0f}" for m in modes)
    )
    for mode in modes:
        parts = results[mode].get("tree_at_peak_mib") or {}
        if len(parts) > 1:
            lines.append(
                f"{mode}: the tree at its peak, MiB: "
                + ", ".join(f"{name} {mib:.0f}" for name, mib in sorted(parts.items(), key=lambda p: -p[1]))
            )
    for mode in ("prefect-floor", "flow", "flow-pandas", "flow-dask"):
        if mode in results:
            stages = results[mode]["stages"]
            lines.append(
                f"{mode}: task runs recorded {stages.get('task runs recorded')}/{stages.get('task runs expected')}"
            )
    if "flow-dask" in results:
        spread = results["flow-dask"]["stages"].get("dask tasks per worker", {})
        lines.append(
            "flow-dask: Dask tasks per worker (scheduler task stream): "
            + ", ".join(f"{worker} {count}" for worker, count in spread.items())
        )
    if "resume" in results:
        lines.extend(_resume_lines(results["resume"]["stages"]))
    return "\n".join(lines)


def _width(mode: str) -> int:
    """A mode's column: its heading (`mode s`) and two spaces, at least 12."""
    return max(12, len(mode) + 4)


def _orchestration_lines(walls: dict[str, float]) -> list[str]:
    """What the flow costs over the baseline, against what Prefect alone costs a campaign of its
    shape (`prefect-floor`), and the flow on the baseline's expectations engine (`flow-pandas`)."""
    base, lines = walls.get("baseline"), []
    if not base:
        return lines
    if "flow-pandas" in walls:
        lines.append(
            f"flow-pandas ÷ baseline (the same expectations engine): {walls['flow-pandas'] / base:.2f}×"
        )
    floor = walls.get("prefect-floor")
    if floor is not None:
        over = f"flow − baseline {walls['flow'] - base:.1f} s; " if "flow" in walls else ""
        lines.append(
            f"orchestration: {over}the flow's shape with no work (prefect-floor) {floor:.1f} s;"
            f" baseline + that {base + floor:.1f} s = {(base + floor) / base:.2f}× baseline"
        )
    return lines


def _resume_lines(figures: dict[str, Any]) -> list[str]:
    return [
        "resume (clustercert campaign against a running server, SIGKILL after score-clusters):",
        f"  clean run {figures['clean run']:.1f} s; killed at {figures['killed after']:.1f} s"
        f" ({figures['stages done when killed']} completed)",
        f"  run again {figures['resumed run']:.1f} s = {figures['resumed ÷ clean']:.2f}× clean;"
        f" again with nothing changed {figures['re-run, nothing changed']:.1f} s",
        f"  flow runs of the resumed run: {figures['resumed run ran']}",
        f"  flow runs of the nothing-changed run: {figures['nothing-changed run ran']}",
        f"  decisions/certified/validation_issues/criteria.csv equal to the clean run: {figures['outputs equal']};"
        f" registry row counts equal: {figures['registry rows equal']}",
    ]


if __name__ == "__main__":
    sys.exit(main())
