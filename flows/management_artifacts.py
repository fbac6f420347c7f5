"""What the dynamic-management flows share: the as-of date, readable run names, their artifacts, and
how a run stops before its work when it cannot start (a calendar year nobody has given)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flows.runtime import publish_markdown, publish_table

DEFAULT_OUT = "out/management"


def today_shanghai() -> date:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def resolve_as_of(as_of: date | str | None) -> date:
    if as_of is None or as_of == "":
        return today_shanghai()
    return as_of if isinstance(as_of, date) else date.fromisoformat(str(as_of))


def run_name(prefix: str, *, with_year: bool = False) -> Any:
    """A `flow_run_name` callable: e.g. monitoring-2026-as-of-2027-03-11 (year R = as_of − 1 by default)."""

    def name() -> str:
        from prefect.runtime import flow_run

        params = flow_run.parameters or {}
        as_of = resolve_as_of(params.get("as_of"))
        if with_year:
            year = params.get("report_year") or as_of.year - 1
            return f"{prefix}-{year}-as-of-{as_of.isoformat()}"
        return f"{prefix}-as-of-{as_of.isoformat()}"

    return name


def stop_run(message: str) -> Any:
    """End the flow run as Failed with `message` (one ERROR line, no traceback): returned by a flow
    whose check before the work found it cannot run, e.g. `CalendarNotCovered`. Calling the flow then
    raises `prefect.exceptions.FailedRun` with the message; the CLI prints it and exits 2."""
    from prefect.logging import get_run_logger
    from prefect.states import Failed

    get_run_logger().error(message)
    return Failed(message=message)


def publish_result(
    key: str,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    title: str,
    page: Path,
    counts: Mapping[str, Any],
    extra: str = "",
) -> None:
    """A table artifact of the result rows (SPEC §5 columns) and a markdown one linking the report."""
    publish_table(key, [{c: r.get(c) for c in columns} for r in rows], description=title)
    page = Path(page).resolve()
    lines = [f"# {title}", "", f"报告：[{page.name}]({page.as_uri()})", "", f"输出目录：`{page.parent}`", ""]
    lines += ["| 项目 | 数量 |", "|---|---|"] + [f"| {k} | {v} |" for k, v in counts.items()]
    publish_markdown(
        f"{key}-report", "\n".join(lines) + ("\n\n" + extra if extra else "") + "\n", description=title
    )
