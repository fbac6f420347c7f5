"""The gap to pass: beside a failed criterion, the smallest change of the submitted data that makes it pass.

A county reads "主导产业产值占比 60.00%，需高于60%：2025年主导产业产值至少增加 0.01 万元（即 > 150 000 万元）"
instead of a bare 不通过. Gaps are exact (Fractions) and use the criterion's own word of comparison:
以上/不低于 include the bound, so reaching it is enough; 高于/低于 do not, so the smallest change goes one
unit of the data's precision past it. The unit is the policy's (`gaps.steps`, by the unit of the value
that changes: 0.01 万元, 1 件 …): a gap is a value a county can enter.

What changes, per criterion type (everything else stays as submitted):

* yearly: the value in each failing year, or a ratio's numerator against the same denominator
  (主导产业产值 for the leading-industry share, 有效发明专利 for the patent density);
* growth: the last year of the window; the base year stays;
* trend: from the second year on, in order, the least change that restores the step against the
  (changed) year before, the first year being the base; then the last year if the overall comparison
  still fails;
* value: the profile value (占地面积); any_of: how many more enterprises each branch needs (either
  branch is enough); plan: how many more numeric targets each year needs;
* qualitative items: what to fill in. The Art. 6 veto has no gap: no data change lifts it.

Where no single change is enough (several failing years), the gap says the changes are all needed;
where none can be computed (a missing or zero base year, a share that would exceed 100 %), it says so.
A `Gap` also carries its changes (`clustercert.rules.changes`), so tests re-evaluate the changed data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from clustercert.comparison import COMPARATORS, SYMBOLS, exact, includes_bound
from clustercert.contract import EVIDENCE, PLAN_TARGETS, PROFILE
from clustercert.policy import Criterion, CriterionKind, CriterionType
from clustercert.rules import criteria as crit
from clustercert.rules import indicators as ind
from clustercert.rules.changes import Change, ChangeKind, Option
from clustercert.rules.results import CriterionResult, Result

GAP_RESULTS = (Result.FAIL, Result.ADVISORY)


@dataclass(frozen=True)
class Gap:
    text: str
    options: tuple[Option, ...] = ()  # each option alone makes the criterion pass; () when none is computed


def attach(ctx: crit.Context, results: Sequence[CriterionResult]) -> list[CriterionResult]:
    """The results with the gap of each failed (or advisory) criterion filled in."""
    criteria = {c.id: c for c in ctx.policy.criteria}
    items = {item.id: item for item in ctx.policy.qualitative_items}
    veto = ctx.policy.veto.id if ctx.policy.veto else None
    attached = []
    for result in results:
        if result.result in GAP_RESULTS:
            if result.criterion_id in criteria:
                result = replace(result, gap=gap(ctx, criteria[result.criterion_id]).text)
            elif result.criterion_id in items:
                result = replace(result, gap=qualitative_gap(result, items[result.criterion_id].title))
            elif result.criterion_id == veto:
                result = replace(result, gap=f"{result.article}所列情形一票否决，不能通过补充或修改数据消除")
        attached.append(result)
    return attached


def gap(ctx: crit.Context, c: Criterion) -> Gap:
    """The gap of criterion `c` for the submission in `ctx` (empty text when it passes)."""
    if not c.confirmed or c.type not in _GAPS:
        return Gap("")
    return _GAPS[c.type](ctx, c)


# ---------------------------------------------------------------------------------------------
# the bound, on the grid of what can be entered


def _rises(word: str) -> bool:
    """True for ≥ and > (the value must rise to pass), False for ≤ and <."""
    op = COMPARATORS[word][0]
    return op(1, 0)


def on_grid(bound: Fraction, word: str, step: Fraction) -> Fraction:
    """The multiple of `step` nearest `bound` that satisfies "<word> bound" (one step past a strict bound)."""
    k = bound / step
    if _rises(word):
        n = math.ceil(k) if includes_bound(word) else math.floor(k) + 1
    else:
        n = math.floor(k) if includes_bound(word) else math.ceil(k) - 1
    return n * step


def _step(ctx: crit.Context, unit: str) -> Fraction | None:
    step = ctx.policy.gap_steps.get(unit)
    return None if step is None else exact(step)


def _no_step(unit: str) -> str:
    return f"本政策未设定“{unit}”数据的最小变动单位，未计算差距"


# ---------------------------------------------------------------------------------------------
# text


def number(value: Fraction) -> str:
    """An exact value as a reader writes it: 150 000, 0.01, 11 025 (groups of three from five digits)."""
    decimal = ind.to_decimal(value)
    return grouped(format((decimal if _terminates(value) else round(decimal, 6)).normalize(), "f"))


def grouped(text: str) -> str:
    """A number's text with its whole part in groups of three from five digits: 150000.5 → 150 000.5."""
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, dot, fraction = text.partition(".")
    if len(whole) >= 5 and whole.isdigit():
        head = len(whole) % 3 or 3
        whole = " ".join([whole[:head]] + [whole[i : i + 3] for i in range(head, len(whole), 3)])
    return f"{sign}{whole}{dot}{fraction}"


def _terminates(value: Fraction) -> bool:
    d = value.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def _unit(unit: str) -> str:
    return unit if unit in ("%", "") else f" {unit}"


def change_text(
    label: str, unit: str, current: Fraction | None, new: Fraction, word: str, bound: Fraction, step: Fraction
) -> str:
    """ "2025年主导产业产值至少增加 0.01 万元（即 > 150 000 万元）": the change and the value it reaches.

    A strict bound that can itself be entered is shown as the regulation words it (> 150 000); otherwise
    the value to reach (≥ 74 074.07, where 60 % of the total is 74 074.068).
    """
    rises = _rises(word)
    if not includes_bound(word) and (bound / step).denominator == 1:
        reach = f"{SYMBOLS[word]} {number(bound)}{_unit(unit)}"
    else:
        reach = f"{'≥' if rises else '≤'} {number(new)}{_unit(unit)}"
    if current is None:
        return f"{label}须填报，且 {reach}"
    verb = "至少增加" if rises else "至少减少"
    by = " 个百分点" if unit == "%" else _unit(unit)  # a change of a percent is in percentage points
    return f"{label}{verb} {number(abs(new - current))}{by}（即 {reach}）"


def _all_needed(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return "；".join(parts) + f"（以上{len(parts)}处须同时修改，只改其中一处不足以通过）"


# ---------------------------------------------------------------------------------------------
# one gap per criterion type


def _yearly(ctx: crit.Context, c: Criterion) -> Gap:
    measure = ind.YEARLY[c.measure_name]
    threshold = exact(ctx.threshold(c.threshold_id))
    word, years = c.word, ctx.years(c)
    column, unit = measure.column, ind.COLUMN_UNITS[measure.column]
    step = _step(ctx, unit)
    if step is None:
        return Gap(_no_step(unit))
    rule = crit.met_text(word, ctx.threshold(c.threshold_id), c.unit)
    shown: list[str] = []
    parts: list[str] = []
    changes: list[Change] = []
    for year in years:
        measured = ind.yearly(measure.name, ctx.rows, year)
        if measured.value is None:
            return Gap(f"{measured.reason}，无法计算差距：须先补正该年度数据")
        if ind.satisfies(measured.value, word, threshold):
            continue
        row = ctx.rows[year]
        whole = _whole(measure, row)  # a ratio's denominator: the measure was computed, so it is there
        bound = threshold if whole is None else threshold * whole / measure.scale
        new = on_grid(bound, word, step)
        impossible = _impossible(measure, row, new)
        text = crit.shown(measured.value, measure.places, ctx.threshold(c.threshold_id))
        shown.append(f"{year}年{measure.label} {grouped(text)}{_unit(measure.unit)}")
        if impossible:
            return Gap(f"{'、'.join(shown)}，需{rule}：{impossible}，单一数值的修改不足以通过")
        label = f"{year}年{ind.COLUMN_LABELS[column]}"
        parts.append(change_text(label, unit, row[column], new, word, bound, step))
        changes.append(Change(ChangeKind.ANNUAL, column, new, step, 1 if _rises(word) else -1, year))
    if not changes:
        return Gap("")
    return Gap(f"{'、'.join(shown)}，需{rule}：{_all_needed(parts)}", (tuple(changes),))


def _whole(measure: ind.YearlyMeasure, row: ind.Row) -> Fraction | None:
    """The denominator's value of a ratio measure in `row`; None for a raw measure."""
    return row.get(measure.denominator) if measure.numerator and measure.denominator else None


def _impossible(measure: ind.YearlyMeasure, row: ind.Row, new: Fraction) -> str:
    """Why the changed value cannot be entered: a part above its whole, a percent above 100."""
    whole = _whole(measure, row)
    if measure.numerator and measure.denominator and measure.unit == "%" and whole is not None:
        if new > whole:
            part, of = ind.COLUMN_LABELS[measure.numerator], ind.COLUMN_LABELS[measure.denominator]
            return f"{part}须超过{of}，不可能满足"
    if not measure.numerator and ind.COLUMN_UNITS[measure.name] == "%" and new > 100:
        return f"{measure.label}须超过100%，不可能满足"
    if new < 0:
        return f"{measure.label}须低于0，不可能满足"
    return ""


def _growth(ctx: crit.Context, c: Criterion) -> Gap:
    method = str(ctx.policy.value(c.method)) if c.method else "geometric"
    years = sorted(ctx.years(c))
    threshold = exact(ctx.threshold(c.threshold_id))
    word, column = c.word, c.measure_name
    measured = ind.growth(column, ctx.rows, years, method)
    if measured.value is None:
        return Gap(f"{measured.reason}，因此无法给出使其通过的单一数值修改")
    if ind.satisfies(measured.value, word, threshold) or len(years) < 2:
        return Gap("")
    unit, label = ind.COLUMN_UNITS[column], ind.COLUMN_LABELS[column]
    step = _step(ctx, unit)
    if step is None:
        return Gap(_no_step(unit))
    value = {y: v for y in years if (v := ctx.rows.get(y, {}).get(column)) is not None}
    first, last = years[0], years[-1]
    base = 1 + threshold / 100
    if method == "geometric":
        bound = value[first] * base ** (last - first)
    else:  # the mean of the year-over-year ratios: solve for the last ratio
        ratios = [value[y] / value[p] for p, y in zip(years, years[1:-1], strict=False)]
        bound = value[years[-2]] * ((len(years) - 1) * base - sum(ratios, Fraction(0)))
    new = on_grid(bound, word, step)
    rule = crit.met_text(word, ctx.threshold(c.threshold_id), c.unit)
    text = crit.shown(measured.value, 2, ctx.threshold(c.threshold_id))
    head = f"{first}—{last}年{label}年均增长 {text}%，需{rule}"
    body = change_text(f"{last}年{label}", unit, value.get(last), new, word, bound, step)
    return Gap(
        f"{head}：{body}", ((Change(ChangeKind.ANNUAL, column, new, step, 1 if _rises(word) else -1, last),),)
    )


def _trend(ctx: crit.Context, c: Criterion) -> Gap:
    measure = ind.YEARLY[c.measure_name]
    years = ctx.years(c)
    unit = ind.COLUMN_UNITS[measure.column]
    values: dict[int, Fraction] = {}
    for year in years:
        measured = ind.yearly(measure.name, ctx.rows, year)
        if measured.value is None:
            return Gap(f"{measured.reason}，无法计算差距：须先补正该年度数据")
        values[year] = measured.value
    step_word, overall = c.word, c.overall_comparator
    rule = f"逐年{step_word}上一年" + (f"且{years[-1]}年{overall}{years[0]}年" if overall else "")
    if _trend_holds(values, years, step_word, overall):
        return Gap("")
    step = _step(ctx, unit)
    if step is None:
        return Gap(_no_step(unit))
    new, bounds = dict(values), dict[int, tuple[str, Fraction]]()
    for previous, year in zip(years, years[1:], strict=False):
        if not ind.satisfies(new[year], step_word, new[previous]):
            new[year], bounds[year] = on_grid(new[previous], step_word, step), (step_word, new[previous])
    if overall and not ind.satisfies(new[years[-1]], overall, new[years[0]]):
        last = years[-1]
        new[last], bounds[last] = on_grid(new[years[0]], overall, step), (overall, new[years[0]])
    broken = [
        f"{y}年{SYMBOLS[step_word]}{p}年不成立"
        for p, y in zip(years, years[1:], strict=False)
        if not ind.satisfies(values[y], step_word, values[p])
    ]
    if overall and not ind.satisfies(values[years[-1]], overall, values[years[0]]):
        broken.append(f"{years[-1]}年未{overall}{years[0]}年")
    head = f"{measure.label}需{rule}，{'；'.join(broken)}"
    if not _trend_holds(new, years, step_word, overall) or any(v < 0 for v in new.values()):
        return Gap(f"{head}：以{years[0]}年为基准无法通过修改后续年度满足，单一数值的修改不足以通过")
    if unit == "%" and any(v > 100 for v in new.values()):
        return Gap(f"{head}：所需数值超过100%，不可能满足")
    parts: list[str] = []
    changes: list[Change] = []
    for year in sorted(bounds):
        word, bound = bounds[year]
        label = f"{year}年{measure.label}"
        parts.append(change_text(label, unit, values[year], new[year], word, bound, step))
        changes.append(
            Change(
                ChangeKind.ANNUAL,
                measure.column,
                new[year],
                step,
                1 if new[year] > values[year] else -1,
                year,
            )
        )
    return Gap(f"{head}（以{years[0]}年为基准）：{_all_needed(parts)}", (tuple(changes),))


def _trend_holds(values: dict[int, Fraction], years: list[int], step_word: str, overall: str | None) -> bool:
    steps = all(
        ind.satisfies(values[y], step_word, values[p]) for p, y in zip(years, years[1:], strict=False)
    )
    return steps and (not overall or ind.satisfies(values[years[-1]], overall, values[years[0]]))


def _value(ctx: crit.Context, c: Criterion) -> Gap:
    measured = ind.VALUE[c.measure_name](ctx.workbook, ctx.as_of, c.options)
    threshold = exact(ctx.threshold(c.threshold_id))
    word = c.word
    label = c.label or ind.VALUE_LABELS[c.measure_name]
    rule = crit.met_text(word, ctx.threshold(c.threshold_id), c.unit)
    if measured.value is None:
        return Gap(f"{measured.reason}，须填报后才能判断")
    if ind.satisfies(measured.value, word, threshold):
        return Gap("")
    advisory = "；该项为一般性要求，也可说明理由" if c.kind == CriterionKind.ADVISORY else ""
    if c.measure_name == "designated_enterprises":
        more = _count_needed(measured.value, word, threshold)
        change = Change(ChangeKind.DESIGNATIONS, c.measure_name, more, Fraction(1), 1, options=c.options)
        text = f"{label} {number(measured.value)}{_unit(c.unit)}，需{rule}：须再增加 {more}{_unit(c.unit)}"
        return Gap(text + advisory, ((change,),))
    unit = PROFILE.column(c.measure_name).unit
    step = _step(ctx, unit)
    if step is None:
        return Gap(_no_step(unit))
    new = on_grid(threshold, word, step)
    if new < 0:
        return Gap(f"{label}须低于0，不可能满足")
    body = change_text(label, unit, measured.value, new, word, threshold, step)
    change = Change(ChangeKind.PROFILE, c.measure_name, new, step, 1 if _rises(word) else -1)
    return Gap(f"{label} {number(measured.value)}{_unit(c.unit)}，需{rule}：{body}{advisory}", ((change,),))


def _count_needed(current: Fraction, word: str, threshold: Fraction) -> Fraction:
    return max(Fraction(0), on_grid(threshold, word, Fraction(1)) - current)


def _any_of(ctx: crit.Context, c: Criterion) -> Gap:
    """第五条（二）: how many more enterprises each branch needs; one branch met is enough.

    A branch is left out when another needs no more enterprises and counts every enterprise it counts
    (1 more 冠军 is no smaller a change than 1 more holder of any of the five designations).
    """
    reasons: list[str] = []
    found: list[tuple[str, Change]] = []
    for branch in c.branches:
        measured = ind.VALUE[branch.measure](ctx.workbook, ctx.as_of, branch.options)
        threshold = exact(ctx.threshold(branch.threshold))
        label = branch.options.get("label") or ind.VALUE_LABELS[branch.measure]
        if measured.value is None:
            reasons.append(measured.reason)
            continue
        if ind.satisfies(measured.value, branch.comparator, threshold):
            return Gap("")
        more = _count_needed(measured.value, branch.comparator, threshold)
        rule = crit.met_text(branch.comparator, ctx.threshold(branch.threshold), branch.unit)
        unit = _unit(branch.unit)
        text = f"{label}再增加 {more}{unit}（现有 {number(measured.value)}{unit}，需{rule}）"
        found.append(
            (
                text,
                Change(ChangeKind.DESIGNATIONS, branch.measure, more, Fraction(1), 1, options=branch.options),
            )
        )
    if not found:
        return Gap("；".join(reasons) + "，无法计算差距")
    kept = [
        (t, ch) for t, ch in found if not any(_dominates(other, ch) for _, other in found if other is not ch)
    ]
    joined = "；或".join(t for t, _ in kept)
    return Gap(f"满足以下任一项即可：{joined}" if len(kept) > 1 else joined, tuple((ch,) for _, ch in kept))


def _dominates(a: Change, b: Change) -> bool:
    """`a` needs no more enterprises than `b`, and every enterprise that counts for `b` counts for `a`."""
    kinds_a, kinds_b = set(a.options.get("designations") or ()), set(b.options.get("designations") or ())
    only_a, only_b = (
        bool(a.options.get("leading_industry_only")),
        bool(b.options.get("leading_industry_only")),
    )
    wider = kinds_b <= kinds_a and (only_b or not only_a)
    same = kinds_a == kinds_b and only_a == only_b
    return wider and a.value <= b.value and (not same or a.value < b.value)


def _plan(ctx: crit.Context, c: Criterion) -> Gap:
    threshold = exact(ctx.threshold(c.threshold_id))
    word = c.word
    changes = []
    for year in ctx.years(c):
        count = ind.counted(ind.PLAN[c.measure_name](ctx.workbook, year))
        if ind.satisfies(count, word, threshold):
            continue
        more = _count_needed(count, word, threshold)
        changes.append(Change(ChangeKind.PLAN, c.measure_name, more, Fraction(1), 1, year))
    if not changes:
        return Gap("")
    rule = crit.met_text(word, ctx.threshold(c.threshold_id), c.unit)
    years = "、".join(f"{ch.year}年" for ch in changes)
    targets = "、".join(f"{ch.year}年 {ch.value}{_unit(c.unit)}" for ch in changes)
    both = "（各年度均须补充）" if len(changes) > 1 else ""
    return Gap(
        f"{years}缺少可考核的量化目标（每年需{rule}）：须在“{PLAN_TARGETS.label}”表中补充{targets}目标"
        f"（目标年度为该年并填写目标值）{both}",
        (tuple(changes),),
    )


def qualitative_gap(result: CriterionResult, title: str) -> str:
    """What a county fills in for a qualitative item (the 定性条件 sheet)."""
    met, evidence = (c.label for c in EVIDENCE.columns[1:3])
    if result.value == "":
        return f"{title}：须在“{EVIDENCE.label}”表填报该项，{met}填“是”，并在{evidence}中写明文件名称或附件名"
    if result.value == "否":
        return f"{title}：须具备该条件，{met}填“是”，并在{evidence}中写明文件名称或附件名"
    return f"{title}：须在{evidence}中写明文件名称或附件名"


_GAPS = {
    CriterionType.YEARLY: _yearly,
    CriterionType.GROWTH: _growth,
    CriterionType.TREND: _trend,
    CriterionType.VALUE: _value,
    CriterionType.ANY_OF: _any_of,
    CriterionType.PLAN: _plan,
}
