"""Read and validate a policy file; apply a campaign's overrides.

A policy file is data an analyst can read against the regulation; loading refuses anything it cannot
apply unambiguously (an unknown word of comparison, kind, measure, category or parameter id), so a
typo stops the run at load instead of silently changing who is certified.
"""

from __future__ import annotations

import copy
import difflib
import functools
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from clustercert.policy.measures import measure_kind
from clustercert.policy.model import Criterion, Parameter, Policy, PolicyError, ScoringModel, VetoRule
from clustercert.policy.parsing import (
    GROWTH_METHODS,
    add_parameter,
    check_allowed,
    parse_criterion,
    parse_date,
    parse_item,
    parse_parameter,
    parse_scoring,
    parse_veto,
    required_text,
    yaml_number,
)

POLICY_DIR = Path(__file__).resolve().parent
DEFAULT_POLICY = "hlj-2023"
DATE_UNIT = "日期"  # list parameters in this unit hold dates (calendar.extra_holidays)


def policy_path(name: str) -> Path:
    """A bundled policy by name ("hlj-2023"), or a path to a policy file."""
    candidate = Path(name)
    if candidate.suffix in (".yaml", ".yml"):
        return candidate
    path = POLICY_DIR / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in POLICY_DIR.glob("*.yaml")))
        raise PolicyError(f"unknown policy {name!r}; bundled policies: {known}")
    return path


def available_policies() -> list[str]:
    return sorted(p.stem for p in POLICY_DIR.glob("*.yaml"))


_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_document(name: str) -> dict[str, Any]:
    """The policy file as parsed YAML (a fresh copy: callers may change it)."""
    path = policy_path(name)
    try:
        stat = path.stat()
        return copy.deepcopy(_parse(str(path), stat.st_mtime_ns, stat.st_size))
    except OSError as exc:
        raise PolicyError(f"cannot read policy file {path}: {exc}") from exc


@functools.lru_cache(maxsize=16)
def _parse(path: str, mtime_ns: int, size: int) -> dict[str, Any]:
    try:
        document = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_SafeLoader)  # noqa: S506 — safe loader
    except yaml.YAMLError as exc:
        raise PolicyError(f"cannot read policy file {path}: {exc}") from exc
    if not isinstance(document, dict):
        raise PolicyError(f"policy file {path} is not a mapping")
    return document


def load_policy(
    name: str = DEFAULT_POLICY, *, on: date | None = None, overrides: Mapping[str, Any] | None = None
) -> Policy:
    """Load a policy with the values in force on `on` (None: the latest values) and a campaign's overrides.

    Overrides are keyed by parameter id (see `clustercert.policy.model` for the id scheme); an unknown
    id, a value of the wrong type or a value outside a parameter's allowed set is a `PolicyError`.
    """
    return build_policy(read_document(name), on=on, overrides=overrides)


def build_policy(
    document: Mapping[str, Any], *, on: date | None = None, overrides: Mapping[str, Any] | None = None
) -> Policy:
    name = required_text(document, "name", "policy")
    parameters: dict[str, Parameter] = {}
    for pid, node in (document.get("parameters") or {}).items():
        add_parameter(parameters, parse_parameter(str(pid), node))
    criteria = tuple(parse_criterion(node, parameters) for node in document.get("criteria") or [])
    items = tuple(parse_item(node) for node in document.get("qualitative_items") or [])
    veto = parse_veto(document["veto"], parameters) if document.get("veto") else None
    scoring_node = document.get("scoring")
    if isinstance(scoring_node, Mapping) and "same_as" in scoring_node:
        # A second policy reuses a model instead of repeating its weights (one source per fact), with
        # the parameters the model names (its growth method) when this policy does not define them.
        source = read_document(str(scoring_node["same_as"]))
        scoring_node = source.get("scoring")
        for pid, node in (source.get("parameters") or {}).items():
            if str(pid) in _methods_named(scoring_node) and str(pid) not in parameters:
                add_parameter(parameters, parse_parameter(str(pid), node))
    scoring = parse_scoring(scoring_node, parameters) if scoring_node else None
    _check_unique([c.id for c in criteria] + [i.id for i in items] + ([veto.id] if veto else []), name)
    _check_references(criteria, scoring, veto, parameters)
    _check_measures(criteria, scoring)
    policy = Policy(
        name=name,
        title=required_text(document, "title", name),
        document=str(document.get("document", "")),
        effective_from=parse_date(document.get("effective_from"), f"{name}.effective_from"),
        on=on,
        parameters=parameters,
        criteria=criteria,
        qualitative_items=items,
        veto=veto,
        scoring=scoring,
        overrides=_overrides(name, parameters, overrides or {}),
    )
    for pid in parameters:
        policy.value(pid)  # every parameter must have a value in force on `on`
    _check_weights(policy)
    return policy


def _methods_named(scoring_node: Any) -> set[str]:
    aspects = scoring_node.get("aspects") or [] if isinstance(scoring_node, Mapping) else []
    return {str(i["method"]) for a in aspects for i in a.get("indicators") or [] if i.get("method")}


def _overrides(
    name: str, parameters: Mapping[str, Parameter], overrides: Mapping[str, Any]
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for pid, raw in overrides.items():
        if pid not in parameters:
            close = difflib.get_close_matches(pid, list(parameters), n=4, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise PolicyError(
                f"override of unknown parameter {pid!r}{hint} (policy {name} lists every id in its file, "
                "and a campaign's policy.json shows the values in force)"
            )
        parameter = parameters[pid]
        value = _coerce(parameter, raw)
        check_allowed(parameter, value)
        result[pid] = value
    return result


def _coerce(parameter: Parameter, raw: Any) -> Any:
    """An override takes the type of the value it replaces (a threshold stays an exact number)."""
    current = parameter.values[-1][1]
    if raw is None:
        return None  # "null": e.g. no quota (A10.quota)
    if current is None:
        current = 0  # a parameter whose default is "none" (A10.quota) takes a whole number
    if isinstance(current, bool) or not isinstance(current, int | Decimal):
        if isinstance(current, list) and not isinstance(raw, list | tuple):
            raise PolicyError(f"override {parameter.id}: expected a list, got {raw!r}")
        if isinstance(current, str) and not isinstance(raw, str):
            raise PolicyError(f"override {parameter.id}: expected text, got {raw!r}")
        if isinstance(current, list) and parameter.unit == DATE_UNIT:
            return [parse_date(day, parameter.id) for day in raw]  # "2030-01-01" → date(2030, 1, 1)
        return yaml_number(list(raw)) if isinstance(raw, tuple) else yaml_number(raw)
    if isinstance(raw, bool):
        raise PolicyError(f"override {parameter.id}: expected a number, got {raw!r}")
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        raise PolicyError(f"override {parameter.id}: expected a number, got {raw!r}") from None
    if not number.is_finite():
        raise PolicyError(f"override {parameter.id}: expected a finite number, got {raw!r}")
    if number < 0:
        # Every number of the regulation is a count, an amount, a share or a period: none is negative.
        raise PolicyError(f"override {parameter.id}: expected a number ≥ 0, got {raw!r}")
    return int(number) if isinstance(current, int) and number == number.to_integral_value() else number


def _check_weights(policy: Policy) -> None:
    """Weights are points out of 100: a campaign that moves weight must move it between aspects."""
    if policy.scoring is None:
        return
    total = sum(Decimal(str(policy.value(a.weight))) for a in policy.scoring.aspects)
    if total != 100:
        raise PolicyError(f"scoring weights of {policy.name} add up to {total}, not 100")
    for aspect in policy.scoring.aspects:
        for ind in aspect.indicators:
            if Decimal(str(policy.value(ind.cap))) <= Decimal(str(policy.value(ind.floor))):
                raise PolicyError(f"scoring.{aspect.id}.{ind.id}: cap must be above floor")


# ---------------------------------------------------------------------------------------------
# cross-checks and small parsers


def _check_unique(ids: list[str], name: str) -> None:
    seen: set[str] = set()
    for cid in ids:
        if cid in seen:
            raise PolicyError(f"policy {name}: criterion id {cid} is used twice")
        seen.add(cid)


def _check_references(
    criteria: tuple[Criterion, ...], scoring: ScoringModel | None, veto: VetoRule | None, parameters: Mapping
) -> None:
    methods = [c.method for c in criteria if c.method]
    if scoring:
        methods += [i.method for a in scoring.aspects for i in a.indicators if i.method]
    for method in methods:
        if method not in parameters:
            raise PolicyError(f"growth method parameter {method!r} is not defined")
        allowed = parameters[method].allowed
        if not set(allowed) <= set(GROWTH_METHODS) or not allowed:
            raise PolicyError(f"parameter {method}: allowed growth methods are {GROWTH_METHODS}")


def _check_measures(criteria: tuple[Criterion, ...], scoring: ScoringModel | None) -> None:
    for c in criteria:
        if not c.confirmed:
            continue
        wanted = {"yearly": "yearly", "growth": "yearly", "trend": "yearly", "value": "value", "plan": "plan"}
        for measure, kind, where in [(c.measure, wanted.get(c.type), c.id)] + [
            (b.measure, "value", f"{c.id}.{b.id}") for b in c.branches
        ]:
            if kind and measure_kind(measure) != kind:
                raise PolicyError(f"{where}: {measure!r} is not a known {kind} measure")
    if scoring:
        wanted = {"yearly": "yearly", "growth": "yearly", "decline": "yearly", "count": "value"}
        for aspect in scoring.aspects:
            for ind in aspect.indicators:
                kind = wanted.get(ind.source)
                if kind and measure_kind(ind.measure) != kind:
                    raise PolicyError(
                        f"scoring.{aspect.id}.{ind.id}: {ind.measure!r} is not a known {kind} measure"
                    )
