"""Art. 5 criteria: each policy criterion applied to one submission, with a Chinese explanation.

The engine knows criterion *types* (yearly, growth, trend, value, any_of, plan, qualitative); the
policy file says which measure, word of comparison, threshold and window each criterion uses. The
same code therefore applies the Heilongjiang 2023 rules and the national 2022 standard.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any

from clustercert.comparison import SYMBOLS
from clustercert.contract import (
    ANNUAL,
    DESIGNATIONS_SHEET,
    ENTERPRISES,
    EVIDENCE,
    INCIDENTS,
    PLAN_TARGETS,
    PROFILE,
)
from clustercert.policy import Criterion, CriterionKind, CriterionType, Policy, QualitativeItem
from clustercert.rules import indicators as ind
from clustercert.rules.results import CriterionResult, Result, Source
from clustercert.submission import ROW, ClusterData


@dataclass(frozen=True)
class Context:
    submission_id: str
    policy: Policy
    as_of: date
    campaign_year: int
    rows: Mapping[int, ind.Row]
    data: ClusterData | None = None

    def years(self, criterion: Criterion) -> list[int]:
        return [self.campaign_year + offset for offset in criterion.window]

    def threshold(self, parameter_id: str) -> Decimal:
        return Decimal(str(self.policy.value(parameter_id)))

    @property
    def workbook(self) -> ClusterData:
        """The typed submission: value, any-of and plan criteria read it (rows alone do not say it)."""
        if self.data is None:
            raise ValueError(f"{self.submission_id}: a value, any-of or plan criterion needs the submission")
        return self.data

    @cached_property
    def annual_source_rows(self) -> dict[int, int]:
        return ind.annual_source_rows(self.data)

    def annual_source(self, measure: ind.YearlyMeasure, years: list[int]) -> Source | None:
        """经营指标 rows of `years` and the columns `measure` reads (None without the workbook)."""
        if self.data is None:
            return None
        rows = tuple(sorted(self.annual_source_rows[y] for y in years if y in self.annual_source_rows))
        return Source(ANNUAL.label, rows, tuple(ANNUAL.column(key).label for key in measure.inputs))

    def profile_source(self, key: str) -> Source | None:
        """The 基本信息 field `key`, at its row when the typed profile carries the rows (under `_row`)."""
        if self.data is None:
            return None
        field_rows = self.data.profile.get(ROW)
        row = field_rows.get(key) if isinstance(field_rows, Mapping) else None
        return Source(PROFILE.label, (int(row),) if row else (), (PROFILE.column(key).label,))


# ---------------------------------------------------------------------------------------------
# names: a criterion as the regulation words it, for people


_SPACE_BY_CJK = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")


def regulation_words(text: str) -> str:
    """The policy's copy of the regulation without the spaces PDF extraction left around numbers."""
    return _SPACE_BY_CJK.sub("", text.strip())


def criterion_title(policy: Policy, criterion_id: str) -> str:
    """The words of a criterion, item or the veto ("近三年产值均在15亿元以上"); "" for an unknown id."""
    for c in policy.criteria:
        if c.id == criterion_id:
            return regulation_words(c.text)
    for item in policy.qualitative_items:
        if item.id == criterion_id:
            return regulation_words(item.title)
    if policy.veto is not None and policy.veto.id == criterion_id:
        return regulation_words(policy.veto.text).rstrip("。")
    return ""


def criterion_article(policy: Policy, criterion_id: str) -> str:
    ruled: tuple[Criterion | QualitativeItem, ...] = (*policy.criteria, *policy.qualitative_items)
    for c in ruled:
        if c.id == criterion_id:
            return c.article
    if policy.veto is not None and policy.veto.id == criterion_id:
        return policy.veto.article
    return ""


def criterion_name(policy: Policy, criterion_id: str) -> str:
    """Article and words: "第五条（一）近三年产值均在15亿元以上"; "" for an id the policy does not know."""
    title = criterion_title(policy, criterion_id)
    article = criterion_article(policy, criterion_id)
    return f"{article}{'' if article.endswith('）') else ' '}{title}".strip() if title else ""


def policy_inputs(policy: Policy) -> frozenset[tuple[str, str]]:
    """(sheet label, column label) of every cell a criterion or the score of `policy` reads: a
    plausibility warning on one of them concerns a value a decision rests on."""
    cells: set[tuple[str, str]] = set()

    def yearly(measure: str | None) -> None:
        if measure in ind.YEARLY:
            cells.update((ANNUAL.label, ANNUAL.column(k).label) for k in ind.YEARLY[measure].inputs)

    def value(measure: str | None) -> None:
        if measure == "area_km2":
            cells.add((PROFILE.label, PROFILE.column("area_km2").label))
        elif measure == "designated_enterprises":
            cells.update((DESIGNATIONS_SHEET.label, c.label) for c in DESIGNATIONS_SHEET.columns)
            cells.add((ENTERPRISES.label, ENTERPRISES.column("in_leading_industry").label))

    for c in policy.criteria:
        yearly(c.measure)
        value(c.measure)
        for branch in c.branches:
            value(branch.measure)
        if c.type == CriterionType.PLAN:
            cells.update((PLAN_TARGETS.label, col.label) for col in PLAN_TARGETS.columns)
    if policy.qualitative_items:
        cells.update((EVIDENCE.label, col.label) for col in EVIDENCE.columns)
    if policy.veto is not None:
        cells.update((INCIDENTS.label, col.label) for col in INCIDENTS.columns)
        cells.add((PROFILE.label, PROFILE.column("declared_on").label))
    for aspect in policy.scoring.aspects if policy.scoring else ():
        for indicator in aspect.indicators:
            yearly(indicator.measure)
            value(indicator.measure)
            if indicator.source == "plan":
                cells.update((PLAN_TARGETS.label, col.label) for col in PLAN_TARGETS.columns)
    return frozenset(cells)


# ---------------------------------------------------------------------------------------------
# display


def number(value: Decimal) -> str:
    """A threshold or raw value as typed: 150000, 5, 0.5 (no exponent, no trailing zeros)."""
    return format(value.normalize(), "f")


def shown(value: ind.Value, places: int | None, threshold: Decimal | None = None) -> str:
    """A measured value for a reader; more decimals when rounding would make it look equal to the threshold."""
    decimal = ind.to_decimal(value)
    if places is None:
        text = decimal.quantize(Decimal("0.000001"), ROUND_HALF_UP)
        looks_equal = threshold is not None and text == threshold and ind.order(value, threshold) != 0
        return number(decimal if looks_equal else text)
    for digits in range(places, 9):
        text = decimal.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
        if threshold is None or text != threshold or ind.order(value, threshold) == 0:
            return format(text, "f")
    return format(decimal.quantize(Decimal(1).scaleb(-8), ROUND_HALF_UP), "f")


POSTFIX_WORDS = ("以上", "以下", "以内")  # written after the number: 60%以上


def rule_text(word: str, threshold: Decimal, unit: str) -> str:
    """The rule as the regulation words it: "不低于60%", "150000万元以上"."""
    if word in POSTFIX_WORDS:
        return f"{number(threshold)}{unit}{word}"
    return f"{word}{number(threshold)}{unit}"


def met_text(word: str, threshold: Decimal, unit: str) -> str:
    """How a met rule reads after a value: "不低于60%", "在60%以上"."""
    rule = rule_text(word, threshold, unit)
    return f"在{rule}" if word in POSTFIX_WORDS else rule


def _result(
    ctx: Context,
    c: Criterion,
    ok: bool | None,
    value: str,
    threshold: str,
    body: str,
    *,
    shown_value: str = "",
    source: Source | None = None,
) -> CriterionResult:
    if ok is None:
        result = Result.NOT_EVALUATED
    elif ok:
        result = Result.PASS
    else:
        result = Result.ADVISORY if c.kind == CriterionKind.ADVISORY else Result.FAIL
    return CriterionResult(
        submission_id=ctx.submission_id,
        criterion_id=c.id,
        article=c.article,
        value=value,
        threshold=threshold,
        comparator=c.comparator or "",
        result=result,
        explanation=f"{body}（{c.article}）：{result.verdict}",
        kind=str(c.kind),
        title=regulation_words(c.text),
        shown=shown_value,
        source=source,
    )


def _judged(ok: bool, word: str, threshold: Decimal, unit: str) -> str:
    return met_text(word, threshold, unit) if ok else f"不满足“{rule_text(word, threshold, unit)}”"


# ---------------------------------------------------------------------------------------------
# one evaluator per criterion type


def yearly(ctx: Context, c: Criterion, years: list[int] | None = None) -> CriterionResult:
    """Every year of the window must satisfy the rule (近三年产值均在…以上)."""
    measure = ind.YEARLY[c.measure_name]
    threshold = ctx.threshold(c.threshold_id)
    word = c.word
    years = years if years is not None else ctx.years(c)
    source = ctx.annual_source(measure, years)
    parts, values, readable, failed = [], [], [], []
    for year in years:
        measured = ind.yearly(measure.name, ctx.rows, year)
        if measured.value is None:
            return _result(ctx, c, False, "", number(threshold), measured.reason, source=source)
        text = shown(measured.value, measure.places, threshold)
        ok = ind.satisfies(measured.value, word, threshold)
        parts.append(f"{year}年{measure.label} {text}{measure.unit}")
        values.append(f"{year}={text}" if len(years) > 1 else text)
        readable.append(f"{year}年 {text}{measure.unit}" if len(years) > 1 else f"{text}{measure.unit}")
        if not ok:
            failed.append(str(year))
    ok = not failed
    if len(years) == 1:
        body = f"{parts[0]}，{_judged(ok, word, threshold, c.unit)}"
    elif ok:
        body = f"{'、'.join(parts)}，均{met_text(word, threshold, c.unit)}"
    else:
        body = f"{'、'.join(parts)}，其中{'、'.join(failed)}年不满足“{rule_text(word, threshold, c.unit)}”"
    return _result(
        ctx, c, ok, "; ".join(values), number(threshold), body, shown_value="；".join(readable), source=source
    )


def growth(ctx: Context, c: Criterion) -> CriterionResult:
    method = str(ctx.policy.value(c.method)) if c.method else "geometric"
    years = ctx.years(c)
    threshold = ctx.threshold(c.threshold_id)
    measured = ind.growth(c.measure_name, ctx.rows, years, method)
    label = ind.YEARLY[c.measure_name].label
    source = ctx.annual_source(ind.YEARLY[c.measure_name], years)
    span = f"{min(years)}—{max(years)}年"
    if measured.value is None:
        return _result(ctx, c, False, "", number(threshold), measured.reason, source=source)
    text = shown(measured.value, 2, threshold)
    ok = ind.satisfies(measured.value, c.word, threshold)
    how = "几何平均" if method == "geometric" else "逐年增长率算术平均"
    body = f"{span}{label}年均增长 {text}%（{how}），{_judged(ok, c.word, threshold, c.unit)}"
    readable = f"{span}年均增长 {text}%"
    return _result(ctx, c, ok, text, number(threshold), body, shown_value=readable, source=source)


def trend(ctx: Context, c: Criterion) -> CriterionResult:
    """Each year against the year before (step word), and optionally the last against the first."""
    measure = ind.YEARLY[c.measure_name]
    years = ctx.years(c)
    source = ctx.annual_source(measure, years)
    values: dict[int, Fraction] = {}
    for year in years:
        measured = ind.yearly(measure.name, ctx.rows, year)
        if measured.value is None:
            return _result(ctx, c, False, "", "", measured.reason, source=source)
        values[year] = measured.value
    step, overall = c.word, c.overall_comparator
    broken = [
        f"{year}年{SYMBOLS[step]}{previous}年不成立"
        for previous, year in zip(years, years[1:], strict=False)
        if not ind.satisfies(values[year], step, values[previous])
    ]
    if overall and not ind.satisfies(values[years[-1]], overall, values[years[0]]):
        broken.append(f"{years[-1]}年未{overall}{years[0]}年")
    shown_values = [f"{year}年 {shown(values[year], measure.places)}{measure.unit}" for year in years]
    rule = f"逐年{step}上一年" + (f"且{years[-1]}年{overall}{years[0]}年" if overall else "")
    ok = not broken
    body = f"{measure.label}：{'、'.join(shown_values)}；" + (
        f"{rule}" if ok else f"要求{rule}，{'；'.join(broken)}"
    )
    value = "; ".join(f"{year}={shown(values[year], measure.places)}" for year in years)
    return _result(ctx, c, ok, value, "上一年度", body, shown_value="；".join(shown_values), source=source)


def value(ctx: Context, c: Criterion) -> CriterionResult:
    measured = ind.VALUE[c.measure_name](ctx.workbook, ctx.as_of, c.options)
    threshold = ctx.threshold(c.threshold_id)
    label = c.label or ind.VALUE_LABELS[c.measure_name]
    source = _value_source(ctx, c.measure_name, measured)
    if measured.value is None:
        return _result(ctx, c, False, "", number(threshold), measured.reason, source=source)
    text = shown(measured.value, None)
    ok = ind.satisfies(measured.value, c.word, threshold)
    body = f"{label} {text}{c.unit}，{_judged(ok, c.word, threshold, c.unit)}"
    return _result(ctx, c, ok, text, number(threshold), body, shown_value=f"{text}{c.unit}", source=source)


def _value_source(ctx: Context, measure: str, measured: ind.Measured[Fraction]) -> Source | None:
    """基本信息 for a profile field (area), 梯度培育 rows counted for designations."""
    if ctx.data is None:
        return None
    if measure == "area_km2":
        return ctx.profile_source("area_km2")
    columns = (DESIGNATIONS_SHEET.column("designation").label, DESIGNATIONS_SHEET.column("valid_until").label)
    return Source(DESIGNATIONS_SHEET.label, measured.rows, columns)


def any_of(ctx: Context, c: Criterion) -> CriterionResult:
    """第五条（二）: one branch met is enough; the explanation shows every branch."""
    parts, values, thresholds, words, ok_any = [], [], [], [], False
    readable, sources = [], []
    for branch in c.branches:
        measured = ind.VALUE[branch.measure](ctx.workbook, ctx.as_of, branch.options)
        sources.append(_value_source(ctx, branch.measure, measured))
        threshold = ctx.threshold(branch.threshold)
        words.append(branch.comparator)
        thresholds.append(f"{branch.id}={number(threshold)}")
        if measured.value is None:
            parts.append(measured.reason)
            continue
        text = shown(measured.value, None)
        ok = ind.satisfies(measured.value, branch.comparator, threshold)
        ok_any = ok_any or ok
        values.append(f"{branch.id}={text}")
        label = branch.options.get("label") or ind.VALUE_LABELS[branch.measure]
        parts.append(f"{label} {text}{branch.unit}，{_judged(ok, branch.comparator, threshold, branch.unit)}")
        readable.append(f"{label} {text}{branch.unit}")
    result = _result(
        ctx,
        c,
        ok_any,
        "; ".join(values),
        "; ".join(thresholds),
        "；或".join(parts),
        shown_value="；".join(readable),
        source=_merged(sources),
    )
    return _with_comparator(result, "/".join(dict.fromkeys(words)))


def _merged(sources: list[Source | None]) -> Source | None:
    """One source for branches read from the same sheet: their rows together."""
    known = [s for s in sources if s is not None]
    if not known:
        return None
    rows = tuple(sorted({r for s in known for r in s.rows}))
    return Source(known[0].sheet, rows, known[0].columns)


def plan(ctx: Context, c: Criterion) -> CriterionResult:
    threshold = ctx.threshold(c.threshold_id)
    word = c.word
    measured = {year: ind.PLAN[c.measure_name](ctx.workbook, year) for year in ctx.years(c)}
    counts = {year: ind.counted(m) for year, m in measured.items()}
    failed = [str(y) for y, n in counts.items() if not ind.satisfies(n, word, threshold)]
    listed = "、".join(f"{y}年 {shown(n, None)}项" for y, n in counts.items())
    rule = rule_text(word, threshold, c.unit)
    body = f"发展规划量化目标：{listed}；" + (
        f"每年均{met_text(word, threshold, c.unit)}" if not failed else f"{'、'.join(failed)}年不满足“{rule}”"
    )
    value = "; ".join(f"{y}={shown(n, None)}" for y, n in counts.items())
    source = None
    if ctx.data is not None:
        rows = tuple(sorted({r for m in measured.values() for r in m.rows}))
        columns = tuple(PLAN_TARGETS.column(k).label for k in ("target_year", "target_value"))
        source = Source(PLAN_TARGETS.label, rows, columns)
    readable = "；".join(f"{y}年 {shown(n, None)}{c.unit}" for y, n in counts.items())
    return _result(ctx, c, not failed, value, number(threshold), body, shown_value=readable, source=source)


def _with_comparator(result: CriterionResult, comparator: str) -> CriterionResult:
    return replace(result, comparator=comparator)


EVALUATORS = {
    CriterionType.YEARLY: yearly,
    CriterionType.GROWTH: growth,
    CriterionType.TREND: trend,
    CriterionType.VALUE: value,
    CriterionType.ANY_OF: any_of,
    CriterionType.PLAN: plan,
}


def evaluate_criterion(ctx: Context, c: Criterion) -> CriterionResult:
    if not c.confirmed:
        reason = c.note or "该项标准阈值尚未依据原文核实（confirmed: false），本次不作判断"
        return _result(ctx, c, None, "", "", f"{c.text}：{reason}")
    return EVALUATORS[c.type](ctx, c)


# ---------------------------------------------------------------------------------------------
# qualitative items


def qualitative(
    ctx: Context, item: QualitativeItem, evidence: Mapping[str, tuple[bool, str]]
) -> CriterionResult:
    """Met = 是 with a named document; a required item missing from the sheet fails as 未填报."""
    base: dict[str, Any] = dict(
        submission_id=ctx.submission_id, criterion_id=item.id, article=item.article, threshold="是"
    )
    if ctx.data is not None:
        columns = tuple(EVIDENCE.column(k).label for k in ("met", "evidence"))
        base["source"] = Source(EVIDENCE.label, ind.evidence_rows(ctx.data).get(item.id, ()), columns)
    required = item.when is None or (ctx.data is not None and ind.profile_flag(ctx.data, item.when))
    met, document = evidence.get(item.id, (False, ""))
    if not required:
        body = f"{item.title}：非{_when_label(item.when)}，不适用"
        return _qual(base, "", Result.NOT_EVALUATED, body, item)
    if item.id not in evidence:
        return _qual(base, "", Result.FAIL, f"{item.title}：未填报", item)
    if not met:
        return _qual(base, "否", Result.FAIL, f"{item.title}：填报为“否”", item)
    if not document:
        return _qual(base, "是", Result.FAIL, f"{item.title}：填报为“是”但未提供佐证材料", item)
    return _qual(base, "是", Result.PASS, f"{item.title}：具备，佐证材料《{document}》", item)


def _qual(
    base: dict[str, Any], value: str, result: Result, body: str, item: QualitativeItem
) -> CriterionResult:
    explanation = f"{body}（{item.article}）：{result.verdict}"
    return CriterionResult(
        **base,
        value=value,
        comparator="",
        result=result,
        explanation=explanation,
        title=regulation_words(item.title),
        shown=value or ("不适用" if result == Result.NOT_EVALUATED else "未填报"),
    )


def _when_label(key: str | None) -> str:
    label = PROFILE.column(key).label if key else ""
    return label.removeprefix("是否")
