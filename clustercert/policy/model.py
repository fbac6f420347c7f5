"""What a policy file says, as typed records: parameters with dated values, criteria, items, veto, scoring.

Parameter ids (one scheme, used by `Policy.value`, by campaign overrides and in reports):

* a parameter under `parameters:` keeps its key, e.g. ``A10.public_notice_working_days``;
* a criterion's threshold is ``<criterion id>.threshold``, e.g. ``A5.1.output.threshold``;
* a branch of an any-of criterion: ``<criterion id>.<branch>.threshold``, e.g. ``A5.2.tiered.champion.threshold``;
* a scoring weight is ``scoring.<aspect>.weight`` (``scoring.A5.4.weight``) and an indicator's bounds are
  ``scoring.<aspect>.<indicator>.floor`` / ``.cap`` (``scoring.A5.1.output.cap``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any


class PolicyError(ValueError):
    """A policy file, a policy name or an override is wrong: a configuration error, stop the run."""


class CriterionKind(StrEnum):
    HARD = "hard"  # a failure makes the cluster ineligible
    ADVISORY = "advisory"  # a failure is a warning that asks for justification (一般不超过)
    VETO = "veto"  # Art. 6: any listed incident makes the cluster ineligible


class CriterionType(StrEnum):
    YEARLY = "yearly"  # a yearly indicator compared with the threshold in every year of the window
    GROWTH = "growth"  # average annual growth of a yearly indicator over the window
    TREND = "trend"  # each year compared with the year before (稳步提升, 持续下降)
    VALUE = "value"  # one value of the submission (area, counts) compared with the threshold
    ANY_OF = "any_of"  # passes when any branch (a VALUE comparison) passes
    PLAN = "plan"  # at least `threshold` plan targets for every year of the window


@dataclass(frozen=True)
class Parameter:
    id: str
    description: str
    reference: str  # the article, e.g. "第五条（一）"
    text: str  # the regulation's words it rests on
    unit: str
    values: tuple[tuple[date, Any], ...]  # (effective from, value), ascending
    confirmed: bool = True
    allowed: tuple[Any, ...] = ()

    def value_on(self, on: date | None) -> Any:
        """The value in force on `on` (the latest one when `on` is None)."""
        if on is None:
            return self.values[-1][1]
        in_force = [value for start, value in self.values if start <= on]
        if not in_force:
            raise PolicyError(f"parameter {self.id} has no value in force on {on.isoformat()}")
        return in_force[-1]

    def describe(self, value: Any) -> dict[str, Any]:
        return {
            "id": self.id,
            "value": value,
            "unit": self.unit,
            "reference": self.reference,
            "description": self.description,
            "text": self.text,
            "confirmed": self.confirmed,
        }


@dataclass(frozen=True)
class Branch:
    """One alternative of an any-of criterion (第五条（二）: 冠军/小巨人, 或者 6 家优质企业)."""

    id: str
    text: str
    measure: str
    comparator: str
    threshold: str  # parameter id
    unit: str
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Criterion:
    id: str
    article: str
    text: str
    kind: CriterionKind
    type: CriterionType
    measure: str | None
    comparator: str | None
    threshold: str | None  # parameter id, None when the rule has no number (trends) or is unconfirmed
    unit: str
    window: tuple[int, ...]  # year offsets from the campaign year Y (−1 is Y-1)
    label: str = ""  # short Chinese name of what is measured, for explanations
    confirmed: bool = True
    note: str = ""  # why a criterion is not evaluated (unconfirmed national thresholds)
    method: str | None = None  # parameter id of the growth method
    overall_comparator: str | None = None  # trend: last year vs first year
    branches: tuple[Branch, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)

    # What the evaluator of the criterion's type reads. The loader checks the shape of every confirmed
    # criterion (`parsing._check_criterion_shape`) and only confirmed ones are evaluated.
    @property
    def measure_name(self) -> str:
        return _checked(self.id, "measure", self.measure)

    @property
    def threshold_id(self) -> str:
        return _checked(self.id, "threshold", self.threshold)

    @property
    def word(self) -> str:
        """The word of comparison (for a trend: each year against the year before)."""
        return _checked(self.id, "comparator", self.comparator)


def _checked(owner: str, name: str, value: str | None) -> str:
    if value is None:
        raise PolicyError(f"{owner} has no `{name}`: the policy loader checks it for this type of rule")
    return value


@dataclass(frozen=True)
class QualitativeItem:
    id: str
    article: str
    title: str
    text: str
    when: str | None = None  # a 是/否 profile key; the item is required only when it is 是

    @property
    def aspect(self) -> str:
        """A5.3.sharing → A5.3: the Art. 5 aspect the item belongs to (scoring groups by it)."""
        return ".".join(self.id.split(".")[:2])


UNGRADED = "ungraded"


@dataclass(frozen=True)
class VetoRule:
    id: str
    article: str
    text: str
    window_years: str  # parameter id
    min_severity: Mapping[str, str | None]  # category → lowest severity that vetoes; None = any occurrence


@dataclass(frozen=True)
class ScoringIndicator:
    id: str
    aspect: str
    title: str
    source: str  # yearly | growth | decline | count | qualitative | plan
    measure: str | None
    window: tuple[int, ...]
    floor: str  # parameter id: value mapped to 0
    cap: str  # parameter id: value mapped to 1
    unit: str
    method: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def measure_name(self) -> str:
        """The measure of a yearly, growth, decline or count indicator (the loader checks it is known)."""
        return _checked(f"scoring.{self.aspect}.{self.id}", "measure", self.measure)


@dataclass(frozen=True)
class ScoringAspect:
    id: str  # A5.1 … A5.8
    article: str
    title: str
    weight: str  # parameter id
    indicators: tuple[ScoringIndicator, ...]


@dataclass(frozen=True)
class ScoringModel:
    note: str
    reference: str
    aspects: tuple[ScoringAspect, ...]


@dataclass(frozen=True)
class Policy:
    """One regulation version as rules, with the values in force on `on` and a campaign's overrides."""

    name: str
    title: str
    document: str
    effective_from: date
    on: date | None
    parameters: Mapping[str, Parameter]
    criteria: tuple[Criterion, ...]
    qualitative_items: tuple[QualitativeItem, ...]
    veto: VetoRule | None
    scoring: ScoringModel | None
    overrides: Mapping[str, Any] = field(default_factory=dict)
    family: str = (
        ""  # versions of one regulation share a family ("hlj"); `load_policy("hlj", on=…)` picks one
    )
    version: str = ""  # which version of the family, as its readers name it ("2023")
    file: str = ""  # the policy file it was read from (file name)
    revises: str = ""  # the policy this one revises (a revision file inherits what it does not restate)
    gap_steps: Mapping[str, Decimal] = field(default_factory=dict)  # unit → smallest change of an entry

    def parameter(self, id: str) -> Parameter:
        try:
            return self.parameters[id]
        except KeyError:
            raise PolicyError(f"policy {self.name} has no parameter {id!r}") from None

    def value(self, id: str) -> Any:
        """The value a rule uses: the campaign's override if any, else the value in force on `on`."""
        if id in self.overrides:
            return self.overrides[id]
        return self.parameter(id).value_on(self.on)

    def criterion(self, id: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.id == id:
                return criterion
        raise PolicyError(f"policy {self.name} has no criterion {id!r}")

    @property
    def item_ids(self) -> tuple[str, ...]:
        """Qualitative item ids: an id in the 定性条件 sheet that is not here is a validation error."""
        return tuple(item.id for item in self.qualitative_items)

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        """Every criterion id in evaluation (and report) order."""
        veto = (self.veto.id,) if self.veto else ()
        return tuple(c.id for c in self.criteria) + self.item_ids + veto

    def describe(self) -> dict[str, Any]:
        """What a report or an output folder records about the rules applied."""
        return {
            "name": self.name,
            "family": self.family,
            "version": self.version,
            "title": self.title,
            "document": self.document,
            "effective_from": self.effective_from.isoformat(),
            "on": self.on.isoformat() if self.on else None,
            "file": self.file,
            "revises": self.revises,
            "overrides": {pid: plain(value) for pid, value in self.overrides.items()},
            "parameters": {pid: p.describe(plain(self.value(pid))) for pid, p in self.parameters.items()},
            "scoring_note": self.scoring.note if self.scoring else None,
            "gap_steps": {unit: str(step) for unit, step in self.gap_steps.items()},
        }


def plain(value: Any) -> Any:
    """A value as JSON holds it: dates as ISO text, Decimals as text (exact), lists element-wise."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value
