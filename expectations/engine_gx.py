"""The Great Expectations engine: the specs as GX 1.x suites, one validation per prepared table.

GX is imported here, inside the first call (importing it costs seconds, which the instant
`validate` path does not pay), and its ephemeral context, assets and suites live for the process.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import pandas as pd

from expectations.spec import Evaluation, ExpectationSpec

ENGINE = "gx"
log = logging.getLogger(__name__)
RESULT_FORMAT = {"result_format": "COMPLETE"}  # unexpected_index_list: the rows to report


class _Context:
    """An ephemeral GX context with one pandas asset per prepared table and one suite per spec set."""

    def __init__(self) -> None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        from expectations import gx_import

        gx = gx_import.load()  # first: GX without executing scipy.stats up front
        import great_expectations.expectations as gxe
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self._gx, self._gxe = gx, gxe
        _no_batch_fingerprints()
        # GX announces its ephemeral Data Docs folder at INFO; we render results in our own report.
        logging.getLogger("great_expectations").setLevel(logging.WARNING)
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self._source = self.context.data_sources.add_pandas("clustercert")
        self._batches: dict[str, Any] = {}
        self._suites: dict[tuple[Any, ...], Any] = {}

    def batch_definition(self, table: str) -> Any:
        if table not in self._batches:
            asset = self._source.add_dataframe_asset(name=table)
            self._batches[table] = asset.add_batch_definition_whole_dataframe(f"{table}-whole")
        return self._batches[table]

    def suite(self, table: str, specs: Sequence[ExpectationSpec]) -> Any:
        key = (table, tuple((s.id, s.expectation, repr(sorted(s.kwargs.items()))) for s in specs))
        if key not in self._suites:
            suite = self.context.suites.add(
                self._gx.ExpectationSuite(name=f"clustercert-{table}-{len(self._suites)}")
            )
            for spec in specs:
                built = getattr(self._gxe, spec.expectation)(**dict(spec.kwargs), meta={"id": spec.id})
                suite.add_expectation(built)
            self._suites[key] = suite
        return self._suites[key]


def _no_batch_fingerprints() -> None:
    """GX fingerprints every pandas batch under 1e9 bytes for its batch markers (an md5 over a hash
    of every cell), twice per table (the batch, then the validator's): we never read them, and on a
    national campaign's tables they took 3.8 of the check's 5.0 s (py-spy). No frame is smaller
    than a threshold of 0 bytes, so no batch gets one."""
    from great_expectations.execution_engine import pandas_execution_engine

    pandas_execution_engine.HASH_THRESHOLD = 0


@cache
def context() -> _Context:
    return _Context()


def evaluate(frames: Mapping[str, pd.DataFrame], specs: Sequence[ExpectationSpec]) -> dict[str, Evaluation]:
    """Every spec over the prepared tables: in the campaign's GX helper process when one was started
    (`expectations.gx_helper`), else here."""
    from expectations import gx_helper

    helper = gx_helper.current()
    if helper is not None:
        try:
            return helper.evaluate(frames, specs)
        except gx_helper.HelperFailed as exc:
            log.warning(
                "数据质量检查改在本进程内运行 / Great Expectations runs in this process instead: %s", exc
            )
    return evaluate_here(frames, specs)


def evaluate_here(
    frames: Mapping[str, pd.DataFrame], specs: Sequence[ExpectationSpec]
) -> dict[str, Evaluation]:
    gx = context()
    by_table: dict[str, list[ExpectationSpec]] = {}
    for spec in specs:
        by_table.setdefault(spec.table, []).append(spec)
    found: dict[str, Evaluation] = {}
    for table, table_specs in by_table.items():
        batch = gx.batch_definition(table).get_batch(batch_parameters={"dataframe": frames[table]})
        validation = batch.validate(gx.suite(table, table_specs), result_format=RESULT_FORMAT)
        for result in validation.results:
            spec_id = result.expectation_config.meta["id"]
            if _raised(result.exception_info):
                raise RuntimeError(
                    f"Great Expectations could not evaluate {spec_id}: {result.exception_info}"
                )
            found[spec_id] = _evaluation(result.success, result.result)
    return {spec.id: found[spec.id] for spec in specs}


def _raised(info: Any) -> bool:
    if not isinstance(info, dict):
        return False
    if info.get("raised_exception"):
        return True
    return any(isinstance(v, dict) and v.get("raised_exception") for v in info.values())


def _evaluation(success: bool, result: Mapping[str, Any]) -> Evaluation:
    index = tuple(sorted(int(i) for i in (result.get("unexpected_index_list") or ())))
    return Evaluation(
        success=bool(success),
        element_count=int(result.get("element_count") or 0),
        unexpected_count=int(result.get("unexpected_count") or 0),
        unexpected_index=index,
    )
