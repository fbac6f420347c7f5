"""Read and validate a policy file; apply a campaign's overrides.

A policy file is data an analyst can read against the regulation; loading refuses anything it cannot
apply unambiguously (an unknown word of comparison, kind, measure, category or parameter id), so a
typo stops the run at load instead of silently changing who is certified.
"""

from __future__ import annotations

import copy
import difflib
import functools
import os
from collections.abc import Mapping, Sequence
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
# Folders of further policy files (a revision not yet in force, a draft), separated like PATH: their
# files are found by name and take part in choosing a family's version by date.
POLICY_PATH_ENV = "CLUSTERCERT_POLICY_PATH"

Search = Sequence[str | Path] | None
FILE_KEY = "_file"  # set by read_document: the file a document was read from


def policy_dirs(search: Search = None) -> list[Path]:
    """Where policy files are looked for: the bundled ones, then $CLUSTERCERT_POLICY_PATH, then `search`."""
    extra = [p for p in os.environ.get(POLICY_PATH_ENV, "").split(os.pathsep) if p.strip()]
    dirs = [POLICY_DIR, *(Path(p) for p in extra), *(Path(p) for p in search or ())]
    return list(dict.fromkeys(d.resolve() for d in dirs))


def _files(search: Search) -> dict[str, Path]:
    """Policy files by name (file stem); an earlier folder wins, so a bundled file cannot be shadowed."""
    found: dict[str, Path] = {}
    for folder in policy_dirs(search):
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            found.setdefault(path.stem, path)
    return found


def policy_path(name: str, search: Search = None) -> Path:
    """A policy by name ("hlj-2023"), or a path to a policy file."""
    candidate = Path(name)
    if candidate.suffix in (".yaml", ".yml"):
        return candidate
    files = _files(search)
    if name not in files:
        families = sorted({f for f in (_family_of(p) for p in files.values()) if f})
        raise PolicyError(
            f"unknown policy {name!r}; policies: {', '.join(sorted(files))}; families (version by date): "
            f"{', '.join(families)}"
        )
    return files[name]


def available_policies() -> list[str]:
    return sorted(p.stem for p in POLICY_DIR.glob("*.yaml"))


def versions(family: str, search: Search = None) -> list[tuple[date, str]]:
    """(effective_from, name) of every policy file of `family`, oldest first."""
    found = []
    for name, path in _files(search).items():
        if _family_of(path) == family:
            start = parse_date(_parse_path(path).get("effective_from"), f"{name}.effective_from")
            found.append((start, name))
    found.sort()
    for (first, a), (second, b) in zip(found, found[1:], strict=False):
        if first == second:
            raise PolicyError(f"policies {a} and {b} of family {family} take effect on the same day {first}")
    return found


def resolve(name: str, on: date | None = None, search: Search = None) -> str:
    """The policy a name stands for: a file or policy name as given, or a family's version in force on `on`.

    `resolve("hlj", date(2026, 7, 24))` is the latest version of family hlj whose effective_from is on
    or before that day (`on` None: the latest version).
    """
    if Path(name).suffix in (".yaml", ".yml") or name in _files(search):
        return name
    found = versions(name, search)
    if not found:
        policy_path(name, search)  # raises: unknown policy, with the known names and families
    in_force = [n for start, n in found if on is None or start <= on]
    if on is not None and not in_force:  # with no day every version is in force
        first, earliest = found[0]
        raise PolicyError(
            f"no version of policy family {name!r} is in force on {on.isoformat()}; the earliest, "
            f"{earliest}, takes effect on {first.isoformat()}"
        )
    return in_force[-1]


def _family_of(path: Path) -> str:
    try:
        return str(_parse_path(path).get("family") or "")
    except PolicyError:
        return ""


_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_document(name: str, search: Search = None) -> dict[str, Any]:
    """The policy file as parsed YAML, a revision merged onto the policy it revises (a fresh copy)."""
    return _merged(policy_path(name, search), search, ())


def _parse_path(path: Path) -> dict[str, Any]:
    try:
        stat = path.stat()
        return _parse(str(path), stat.st_mtime_ns, stat.st_size)
    except OSError as exc:
        raise PolicyError(f"cannot read policy file {path}: {exc}") from exc


def _merged(path: Path, search: Search, seen: tuple[str, ...]) -> dict[str, Any]:
    document = copy.deepcopy(_parse_path(path))
    document[FILE_KEY] = path.name
    base_name = document.get("revises")
    if not base_name:
        return document
    if str(base_name) in seen or str(base_name) == path.stem:
        raise PolicyError(f"policy {path.stem}: `revises` goes round in a circle ({' → '.join(seen)})")
    base = _merged(policy_path(str(base_name), search), search, (*seen, path.stem))
    return revise(base, document)


# A revision restates only what changes: top-level keys replace the base's; parameters, criteria and
# qualitative items are matched by id (a restated one replaces the base's in place, a new one is
# appended, or placed `after:` an id) and `remove:` lists the ids the revision drops.
_BY_ID = ("criteria", "qualitative_items")


def revise(base: Mapping[str, Any], revision: Mapping[str, Any]) -> dict[str, Any]:
    merged = {k: copy.deepcopy(v) for k, v in base.items() if k not in ("revises", "remove", "version")}
    removed = {str(i) for i in revision.get("remove") or []}
    for key, value in revision.items():
        if key == "parameters":
            merged["parameters"] = {**(merged.get("parameters") or {}), **(value or {})}
        elif key in _BY_ID:
            merged[key] = _merge_by_id(merged.get(key) or [], value or [], key)
        elif key != "remove":
            merged[key] = copy.deepcopy(value)
    unknown = removed - {str(n.get("id")) for key in _BY_ID for n in merged.get(key) or []}
    unknown -= set(merged.get("parameters") or {})
    if unknown:
        raise PolicyError(f"policy {revision.get('name')}: `remove` names unknown ids {sorted(unknown)}")
    for key in _BY_ID:
        merged[key] = [n for n in merged.get(key) or [] if str(n.get("id")) not in removed]
    merged["parameters"] = {k: v for k, v in (merged.get("parameters") or {}).items() if k not in removed}
    return merged


def _merge_by_id(base: list[Any], changes: list[Any], key: str) -> list[Any]:
    result = [copy.deepcopy(node) for node in base]
    for node in changes:
        if not isinstance(node, Mapping) or "id" not in node:
            raise PolicyError(f"{key}: every entry of a revision needs an `id`")
        node = dict(copy.deepcopy(node))
        after = node.pop("after", None)  # where a new entry goes (default: at the end)
        ids = [str(n.get("id")) for n in result]
        if str(node["id"]) in ids:
            result[ids.index(str(node["id"]))] = node
        elif after is not None:
            if str(after) not in ids:
                raise PolicyError(f"{key}: {node['id']} goes after unknown id {after!r}")
            result.insert(ids.index(str(after)) + 1, node)
        else:
            result.append(node)
    return result


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
    name: str = DEFAULT_POLICY,
    *,
    on: date | None = None,
    overrides: Mapping[str, Any] | None = None,
    search: Search = None,
) -> Policy:
    """Load a policy with the values in force on `on` (None: the latest values) and a campaign's overrides.

    `name` is a policy ("hlj-2023"), a policy file's path, or a family ("hlj"): then the family's version in
    force on `on` (see `resolve`). `search` adds folders of policy files to the bundled ones.
    Overrides are keyed by parameter id (see `clustercert.policy.model` for the id scheme); an unknown
    id, a value of the wrong type or a value outside a parameter's allowed set is a `PolicyError`.
    """
    return build_policy(read_document(resolve(name, on, search), search), on=on, overrides=overrides)


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
        family=str(document.get("family") or ""),
        version=str(document.get("version") or ""),
        file=str(document.get(FILE_KEY) or ""),
        revises=str(document.get("revises") or ""),
        gap_steps=_gap_steps(document, name),
    )
    for pid in parameters:
        policy.value(pid)  # every parameter must have a value in force on `on`
    _check_weights(policy)
    return policy


def _gap_steps(document: Mapping[str, Any], name: str) -> dict[str, Decimal]:
    """`gaps.steps`: the smallest change of an entered value, by unit (see clustercert.rules.gaps)."""
    node = document.get("gaps")
    if isinstance(node, Mapping) and "same_as" in node:
        node = read_document(str(node["same_as"])).get("gaps")
    if not node:
        return {}
    steps = node.get("steps") if isinstance(node, Mapping) else None
    if not isinstance(steps, Mapping) or not steps:
        raise PolicyError(f"policy {name}: `gaps.steps` must map units to the smallest change of an entry")
    result = {}
    for unit, raw in steps.items():
        try:
            step = Decimal(str(raw))
        except InvalidOperation:
            raise PolicyError(f"policy {name}: gaps.steps.{unit}: {raw!r} is not a number") from None
        if not step.is_finite() or step <= 0:
            raise PolicyError(f"policy {name}: gaps.steps.{unit}: must be a number above 0, got {raw!r}")
        result[str(unit)] = step
    return result


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
    criteria: tuple[Criterion, ...],
    scoring: ScoringModel | None,
    veto: VetoRule | None,
    parameters: Mapping[str, Parameter],
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
