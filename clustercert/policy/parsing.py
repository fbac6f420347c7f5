"""Parse the nodes of a policy file into typed records, refusing what cannot be applied unambiguously.

Each parser names the place of a problem (criterion id, parameter id) in its `PolicyError`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from clustercert.comparison import UnknownComparatorError, check_word
from clustercert.contract import (
    DESIGNATION_LEVELS,
    DESIGNATIONS,
    INCIDENT_CATEGORIES,
    INCIDENT_SEVERITIES,
    PROFILE,
    Kind,
)
from clustercert.policy.model import (
    UNGRADED,
    Branch,
    Criterion,
    CriterionKind,
    CriterionType,
    Parameter,
    PolicyError,
    QualitativeItem,
    ScoringAspect,
    ScoringIndicator,
    ScoringModel,
    VetoRule,
)

GROWTH_METHODS = ("geometric", "arithmetic_mean_of_ratios")
SCORING_SOURCES = ("yearly", "growth", "decline", "count", "qualitative", "plan")
_YEAR = re.compile(r"^Y([+-]\d+)?$")

# ---------------------------------------------------------------------------------------------
# parameters


def parse_parameter(pid: str, node: Any, inherit: Mapping[str, Any] | None = None) -> Parameter:
    if not isinstance(node, Mapping) or "values" not in node:
        raise PolicyError(f"parameter {pid}: needs a mapping with `values` keyed by effective date")
    inherit = inherit or {}
    values_node = node["values"]
    if not isinstance(values_node, Mapping) or not values_node:
        raise PolicyError(f"parameter {pid}: `values` must map effective dates to values")
    values = tuple(
        sorted((parse_date(start, f"{pid}.values"), yaml_number(v)) for start, v in values_node.items())
    )
    fields = {}
    for key in ("description", "reference", "text", "unit"):
        fields[key] = str(node.get(key, inherit.get(key, "")) or "")
        if key in ("description", "reference") and not fields[key]:
            raise PolicyError(f"parameter {pid}: `{key}` is required")
    allowed = tuple(node.get("allowed") or ())
    parameter = Parameter(
        id=pid,
        values=values,
        confirmed=bool(node.get("confirmed", inherit.get("confirmed", True))),
        allowed=allowed,
        **fields,
    )
    for _, value in values:
        check_allowed(parameter, value)
    return parameter


def yaml_number(value: Any) -> Any:
    """Floats from YAML become Decimals of what was written (0.5 → Decimal('0.5')); others unchanged."""
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, list):
        return [yaml_number(v) for v in value]
    return value


def check_allowed(parameter: Parameter, value: Any) -> None:
    if parameter.allowed and value not in parameter.allowed:
        raise PolicyError(f"parameter {parameter.id}: {value!r} is not one of {list(parameter.allowed)}")


def add_parameter(parameters: dict[str, Parameter], parameter: Parameter) -> str:
    if parameter.id in parameters:
        raise PolicyError(f"parameter id {parameter.id} is defined twice")
    parameters[parameter.id] = parameter
    return parameter.id


# ---------------------------------------------------------------------------------------------
# criteria, items, veto


def parse_criterion(node: Mapping[str, Any], parameters: dict[str, Parameter]) -> Criterion:
    cid = required_text(node, "id", "criterion")
    article = required_text(node, "article", cid)
    text = required_text(node, "text", cid)
    unit = str(node.get("unit", "") or "")
    kind = _enum(CriterionKind, node.get("kind"), f"{cid}.kind")
    ctype = _enum(CriterionType, node.get("type"), f"{cid}.type")
    confirmed = bool(node.get("confirmed", True))
    inherit = {"reference": article, "text": text, "unit": unit, "confirmed": confirmed}
    threshold = None
    if node.get("threshold") is not None:
        threshold = add_parameter(parameters, parse_parameter(f"{cid}.threshold", node["threshold"], inherit))
    method = node.get("method")
    if ctype == CriterionType.GROWTH and confirmed and not method:
        raise PolicyError(f"criterion {cid}: a growth criterion names its `method` parameter")
    branches = tuple(_branch(cid, b, article, parameters) for b in node.get("branches") or [])
    criterion = Criterion(
        id=cid,
        article=article,
        text=text,
        kind=kind,
        type=ctype,
        measure=node.get("measure"),
        comparator=_word(node.get("comparator"), cid),
        threshold=threshold,
        unit=unit,
        window=tuple(_offset(w, cid) for w in node.get("window") or []),
        label=str(node.get("label", "") or ""),
        confirmed=confirmed,
        note=str(node.get("note", "") or ""),
        method=str(method) if method else None,
        overall_comparator=_word(node.get("overall_comparator"), cid),
        branches=branches,
        options=dict(node.get("options") or {}),
    )
    if confirmed:
        _check_criterion_shape(criterion)
    return criterion


def _check_criterion_shape(c: Criterion) -> None:
    needs_threshold = c.type in (
        CriterionType.YEARLY,
        CriterionType.GROWTH,
        CriterionType.VALUE,
        CriterionType.PLAN,
    )
    if needs_threshold and (c.threshold is None or c.comparator is None):
        raise PolicyError(f"criterion {c.id}: a {c.type} criterion needs `comparator` and `threshold`")
    if c.type != CriterionType.VALUE and c.type != CriterionType.ANY_OF and not c.window:
        raise PolicyError(f"criterion {c.id}: a {c.type} criterion needs a `window` of years")
    if c.type == CriterionType.TREND and c.comparator is None:
        raise PolicyError(
            f"criterion {c.id}: a trend names the word comparing each year with the year before"
        )
    if c.type == CriterionType.ANY_OF and not c.branches:
        raise PolicyError(f"criterion {c.id}: an any_of criterion needs `branches`")
    if c.type != CriterionType.ANY_OF and not c.measure:
        raise PolicyError(f"criterion {c.id}: `measure` is required")


def _branch(cid: str, node: Mapping[str, Any], article: str, parameters: dict[str, Parameter]) -> Branch:
    bid = required_text(node, "id", f"{cid} branch")
    text = required_text(node, "text", f"{cid}.{bid}")
    unit = str(node.get("unit", "") or "")
    if node.get("threshold") is None:
        raise PolicyError(f"criterion {cid}.{bid}: a branch needs a `threshold`")
    inherit = {"reference": article, "text": text, "unit": unit}
    threshold = add_parameter(
        parameters, parse_parameter(f"{cid}.{bid}.threshold", node["threshold"], inherit)
    )
    options = dict(node.get("options") or {})
    _check_designations(options, f"{cid}.{bid}")
    comparator = _word(node.get("comparator"), f"{cid}.{bid}")
    if comparator is None:
        raise PolicyError(f"criterion {cid}.{bid}: a branch needs a `comparator`")
    return Branch(
        bid, text, required_text(node, "measure", f"{cid}.{bid}"), comparator, threshold, unit, options
    )


def _check_designations(options: Mapping[str, Any], where: str) -> None:
    for designation in options.get("designations") or []:
        if designation not in DESIGNATIONS:
            raise PolicyError(
                f"{where}: unknown designation {designation!r}; known: {', '.join(DESIGNATIONS)}"
            )
    for designation, level in (options.get("required_level") or {}).items():
        if designation not in DESIGNATIONS or level not in DESIGNATION_LEVELS:
            raise PolicyError(
                f"{where}: required_level {designation!r}: {level!r} needs a known designation and one of "
                f"{', '.join(DESIGNATION_LEVELS)}"
            )


_YES_NO_PROFILE_KEYS = tuple(c.key for c in PROFILE.columns if c.kind == Kind.YES_NO)


def parse_item(node: Mapping[str, Any]) -> QualitativeItem:
    iid = required_text(node, "id", "qualitative item")
    when = node.get("when")
    if when is not None and when not in _YES_NO_PROFILE_KEYS:
        raise PolicyError(
            f"item {iid}: `when` must be a 是/否 profile field ({', '.join(_YES_NO_PROFILE_KEYS)})"
        )
    return QualitativeItem(
        id=iid,
        article=required_text(node, "article", iid),
        title=required_text(node, "title", iid),
        text=required_text(node, "text", iid),
        when=when,
    )


def parse_veto(node: Mapping[str, Any], parameters: Mapping[str, Parameter]) -> VetoRule:
    vid = required_text(node, "id", "veto")
    table: dict[str, str | None] = {}
    for category, severity in (node.get("categories") or {}).items():
        if category not in INCIDENT_CATEGORIES:
            raise PolicyError(f"{vid}: unknown incident category {category!r}")
        if severity != UNGRADED and severity not in INCIDENT_SEVERITIES:
            raise PolicyError(
                f"{vid}: {category}: severity must be one of {INCIDENT_SEVERITIES} or {UNGRADED}"
            )
        table[category] = None if severity == UNGRADED else severity
    window = required_text(node, "window_years", vid)
    if window not in parameters:
        raise PolicyError(f"{vid}: window_years names unknown parameter {window!r}")
    return VetoRule(vid, required_text(node, "article", vid), required_text(node, "text", vid), window, table)


# ---------------------------------------------------------------------------------------------
# scoring


def parse_scoring(node: Mapping[str, Any], parameters: dict[str, Parameter]) -> ScoringModel:
    reference = required_text(node, "reference", "scoring")
    aspects = []
    for aspect_node in node.get("aspects") or []:
        aid = required_text(aspect_node, "id", "scoring aspect")
        article = required_text(aspect_node, "article", aid)
        base = {"reference": reference, "text": str(node.get("text", "")), "unit": "分"}
        weight = add_parameter(
            parameters, parse_parameter(f"scoring.{aid}.weight", aspect_node.get("weight"), base)
        )
        indicators = []
        for ind in aspect_node.get("indicators") or []:
            iid = required_text(ind, "id", f"scoring.{aid} indicator")
            source = required_text(ind, "source", f"scoring.{aid}.{iid}")
            if source not in SCORING_SOURCES:
                raise PolicyError(f"scoring.{aid}.{iid}: source must be one of {SCORING_SOURCES}")
            unit = str(ind.get("unit", "") or "")
            inherit = {**base, "unit": unit}
            floor = add_parameter(
                parameters, parse_parameter(f"scoring.{aid}.{iid}.floor", ind.get("floor"), inherit)
            )
            cap = add_parameter(
                parameters, parse_parameter(f"scoring.{aid}.{iid}.cap", ind.get("cap"), inherit)
            )
            options = dict(ind.get("options") or {})
            _check_designations(options, f"scoring.{aid}.{iid}")
            window = tuple(_offset(w, f"scoring.{aid}.{iid}") for w in ind.get("window") or [])
            method = ind.get("method")
            indicator = ScoringIndicator(
                iid,
                aid,
                required_text(ind, "title", iid),
                source,
                ind.get("measure"),
                window,
                floor,
                cap,
                unit,
                str(method) if method else None,
                options,
            )
            indicators.append(indicator)
        aspects.append(
            ScoringAspect(aid, article, required_text(aspect_node, "title", aid), weight, tuple(indicators))
        )
    return ScoringModel(required_text(node, "note", "scoring"), reference, tuple(aspects))


def _word(word: Any, where: str) -> str | None:
    if word is None:
        return None
    try:
        return check_word(str(word))
    except UnknownComparatorError as exc:
        raise PolicyError(f"{where}: {exc}") from None


def _offset(token: Any, where: str) -> int:
    """'Y-3' → −3, 'Y' → 0, 'Y+2' → 2: windows are written as the regulation's years, not numbers."""
    match = _YEAR.match(str(token).replace(" ", ""))
    if not match:
        raise PolicyError(f"{where}: window entries are written Y, Y-1, Y+2…, not {token!r}")
    return int(match.group(1) or 0)


E = TypeVar("E", bound=StrEnum)


def _enum(enum: type[E], value: Any, where: str) -> E:
    try:
        return enum(value)
    except ValueError:
        raise PolicyError(f"{where}: {value!r} is not one of {[e.value for e in enum]}") from None


def required_text(node: Mapping[str, Any], key: str, where: str) -> str:
    value = node.get(key) if isinstance(node, Mapping) else None
    if value is None or str(value).strip() == "":
        raise PolicyError(f"{where}: `{key}` is required")
    return str(value)


def parse_date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise PolicyError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None
