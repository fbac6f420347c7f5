"""Small inline SVG charts (line chart with axes, sparkline): no JavaScript, no library, no fetch.

Charts are strings of SVG markup placed straight into the HTML, so a report stays one offline file.
Every piece of text in them is escaped; values that are missing leave a gap instead of a zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

from clustercert.reports.render import fmt_number, to_number

FONT = 10  # px; axis labels
COLOURS = {"line": "#1d4e89", "threshold": "#b42318", "axis": "#9aa5b1", "grid": "#e4e7eb", "text": "#52606d"}


def _nice(value: float) -> str:
    digits = 0 if abs(value) >= 100 else (1 if abs(value) >= 10 else 2)
    return fmt_number(value, digits)


def _range(values: list[float]) -> tuple[float, float]:
    low, high = min(values), max(values)
    if low == high:
        pad = abs(low) * 0.1 or 1.0
        return low - pad, high + pad
    pad = (high - low) * 0.1
    return low - pad, high + pad


def _ticks(values: list[float], count: int = 3) -> list[float]:
    """Round axis ticks (1, 2, 2.5, 5 × 10^k steps) that cover the values."""
    low, high = min(values), max(values)
    if low == high:
        low, high = _range(values)
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start, end = math.floor(low / step) * step, math.ceil(high / step) * step
    return [start + i * step for i in range(int(round((end - start) / step)) + 1)]


def _segments(points: list[tuple[float, float | None]]) -> list[list[tuple[float, float]]]:
    """Runs of consecutive known points: a missing year breaks the line."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in points:
        if y is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((x, y))
    return [run for run in runs if run]


def line_chart(
    points: Sequence[tuple[Any, Any]],
    *,
    title: str,
    unit: str = "",
    threshold: float | None = None,
    threshold_label: str = "",
    width: int = 300,
    height: int = 160,
) -> Markup:
    """A line chart of (year, value) points with labelled axes and an optional threshold line."""
    data = sorted(((str(x), to_number(y)) for x, y in points), key=lambda p: p[0])
    known = [y for _, y in data if y is not None]
    parts: list[str] = []
    aria = escape(f"{title}：" + "，".join(f"{x} {_nice(y) if y is not None else '无数据'}" for x, y in data))
    parts.append(
        f'<svg class="chart-svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{aria}"><title>{escape(title)}</title>'
    )
    parts.append(
        f'<text x="6" y="14" font-size="12" font-weight="600" fill="{COLOURS["text"]}">'
        f"{escape(title)}{escape(f'（{unit}）' if unit and unit not in title else '')}</text>"
    )
    if not known:
        parts.append(
            f'<text x="{width / 2:.1f}" y="{height / 2:.1f}" font-size="{FONT + 2}" text-anchor="middle" '
            f'fill="{COLOURS["text"]}">无数据</text></svg>'
        )
        return Markup("".join(parts))
    span = known + ([threshold] if threshold is not None else [])
    ticks = _ticks(span)
    low, high = ticks[0], ticks[-1]
    tick_text = [_nice(t) for t in ticks]
    left = 8 + max(len(t) for t in tick_text) * FONT * 0.62
    right, top, bottom = 14, 24, 22
    plot_w, plot_h = width - left - right, height - top - bottom

    def sx(i: int) -> float:
        return left + (plot_w / 2 if len(data) == 1 else plot_w * i / (len(data) - 1))

    def sy(v: float) -> float:
        return top + plot_h * (1 - (v - low) / (high - low))

    for t, text in zip(ticks, tick_text, strict=True):
        y = sy(t)
        parts.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{width - right:.1f}" y2="{y:.1f}" stroke="{COLOURS["grid"]}"/>'
            f'<text x="{left - 4:.1f}" y="{y + 3:.1f}" font-size="{FONT}" text-anchor="end" '
            f'fill="{COLOURS["text"]}">{escape(text)}</text>'
        )
    parts.append(
        f'<line x1="{left:.1f}" y1="{top + plot_h:.1f}" x2="{width - right:.1f}" y2="{top + plot_h:.1f}" '
        f'stroke="{COLOURS["axis"]}"/><line x1="{left:.1f}" y1="{top}" x2="{left:.1f}" '
        f'y2="{top + plot_h:.1f}" stroke="{COLOURS["axis"]}"/>'
    )
    for i, (x, _) in enumerate(data):
        parts.append(
            f'<text x="{sx(i):.1f}" y="{height - 6}" font-size="{FONT}" text-anchor="middle" '
            f'fill="{COLOURS["text"]}">{escape(x)}</text>'
        )
    if threshold is not None:
        y = sy(threshold)
        parts.append(
            f'<line class="threshold" x1="{left:.1f}" y1="{y:.1f}" x2="{width - right:.1f}" y2="{y:.1f}" '
            f'stroke="{COLOURS["threshold"]}" stroke-dasharray="4 3"><title>'
            f"{escape(threshold_label or '认定标准')} {escape(_nice(threshold))}</title></line>"
        )
    indexed = [(float(i), y) for i, (_, y) in enumerate(data)]
    for run in _segments(indexed):
        coords = " ".join(f"{sx(int(i)):.1f},{sy(y):.1f}" for i, y in run)
        parts.append(f'<polyline fill="none" stroke="{COLOURS["line"]}" stroke-width="2" points="{coords}"/>')
    for i, (x, value) in enumerate(data):
        if value is None:
            continue
        parts.append(
            f'<circle cx="{sx(i):.1f}" cy="{sy(value):.1f}" r="3" fill="{COLOURS["line"]}">'
            f"<title>{escape(x)}：{escape(_nice(value))}{escape(unit)}</title></circle>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def sparkline(values: Sequence[Any], *, width: int = 90, height: int = 22, label: str = "") -> Markup:
    """A word-sized trend for a table cell."""
    numbers = [to_number(v) for v in values]
    known = [v for v in numbers if v is not None]
    aria = escape(label or "趋势")
    head = f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{aria}">'
    if not known:
        return Markup(head + "</svg>")
    low, high = _range(known)
    pad = 3

    def sx(i: int) -> float:
        return pad + (width - 2 * pad) * (0.5 if len(numbers) == 1 else i / (len(numbers) - 1))

    def sy(v: float) -> float:
        return pad + (height - 2 * pad) * (1 - (v - low) / (high - low))

    lines = []
    for run in _segments([(float(i), v) for i, v in enumerate(numbers)]):
        coords = " ".join(f"{sx(int(i)):.1f},{sy(v):.1f}" for i, v in run)
        lines.append(
            f'<polyline fill="none" stroke="{COLOURS["line"]}" stroke-width="1.5" points="{coords}"/>'
        )
    last, last_value = max((i, v) for i, v in enumerate(numbers) if v is not None)
    dot = f'<circle cx="{sx(last):.1f}" cy="{sy(last_value):.1f}" r="2.2" fill="{COLOURS["line"]}"/>'
    return Markup(head + "".join(lines) + dot + "</svg>")


# ---------------------------------------------------------------------------------------------
# campaign pictures: the funnel, clusters by status, the score distribution

TONE_COLOURS = {
    "ok": "#1e7b3a",
    "bad": "#b42318",
    "warn": "#c98a00",
    "muted": "#7b8794",
    "accent": "#1d4e89",
    "": "#9aa5b1",
}


def _colour(tone: str) -> str:
    """A tone of style.css ("ok", "bad" …) or a colour given as #rrggbb."""
    return tone if tone.startswith("#") else TONE_COLOURS.get(tone, TONE_COLOURS[""])


def _text_width(text: str, size: float) -> float:
    """Rough rendered width: CJK characters are square, others about half."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.58 for ch in text)


def funnel_chart(steps: Sequence[tuple[str, int]], *, title: str = "", width: int = 620) -> Markup:
    """Horizontal bars, one per stage, each as long as its count (the first is 100 %)."""
    label_w = max((_text_width(label, 13) for label, _ in steps), default=0) + 16
    bar_h, gap, top = 22, 8, 26 if title else 6
    height = top + len(steps) * (bar_h + gap) + 4
    first = steps[0][1] if steps else 0
    biggest = max((n for _, n in steps), default=0) or 1
    plot_w = width - label_w - 90
    aria = escape((title + "：" if title else "") + "，".join(f"{label} {n}" for label, n in steps))
    parts = [
        f'<svg class="chart-svg funnel" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{aria}">'
    ]
    if title:
        parts.append(
            f'<text x="4" y="16" font-size="13" font-weight="600" fill="{COLOURS["text"]}">{escape(title)}</text>'
        )
    for i, (label, n) in enumerate(steps):
        y = top + i * (bar_h + gap)
        w = max(plot_w * n / biggest, 1.5 if n else 0)
        share = f"（{n / first * 100:.0f}%）" if first and i else ""
        parts.append(
            f'<text x="{label_w - 8:.1f}" y="{y + bar_h * 0.7:.1f}" font-size="13" text-anchor="end" '
            f'fill="{COLOURS["text"]}">{escape(label)}</text>'
            f'<rect x="{label_w:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="3" fill="{COLOURS["line"]}" '
            f'opacity="{1 - i * 0.1:.2f}"><title>{escape(label)}：{n}{escape(share)}</title></rect>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + bar_h * 0.7:.1f}" font-size="13" font-weight="600" '
            f'fill="{COLOURS["text"]}">{n}{escape(share)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def status_bar(
    segments: Sequence[tuple[str, int, str]], *, title: str, width: int = 300, legend: bool = True
) -> Markup:
    """One stacked bar of counts (label, count, tone), with its title and a legend of the non-zero parts."""
    shown = [(label, n, tone) for label, n, tone in segments if n]
    total = sum(n for _, n, _ in shown)
    rows_of_legend: list[list[tuple[str, int, str]]] = [[]]
    used = 0.0
    for item in shown:
        w = _text_width(f"{item[0]} {item[1]}", 11) + 22
        if used + w > width - 8 and rows_of_legend[-1]:
            rows_of_legend.append([])
            used = 0.0
        rows_of_legend[-1].append(item)
        used += w
    height = 22 + 18 + (len(rows_of_legend) * 16 if legend else 0) + 6
    aria = escape(f"{title}：" + "，".join(f"{label} {n}" for label, n, _ in shown))
    parts = [
        f'<svg class="chart-svg status-bar" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{aria}">',
        f'<text x="2" y="14" font-size="13" font-weight="600" fill="{COLOURS["text"]}">{escape(title)}'
        f'<tspan font-weight="400">（{total}）</tspan></text>',
    ]
    x, plot_w = 2.0, width - 4
    for label, n, tone in shown:
        w = plot_w * n / total
        parts.append(
            f'<rect x="{x:.1f}" y="22" width="{w:.1f}" height="16" fill="{_colour(tone)}">'
            f"<title>{escape(label)}：{n}</title></rect>"
        )
        x += w
    if not shown:
        parts.append(f'<rect x="2" y="22" width="{plot_w}" height="16" fill="{COLOURS["grid"]}"/>')
    if legend:
        for r, line in enumerate(rows_of_legend):
            lx, ly = 2.0, 22 + 18 + 12 + r * 16
            for label, n, tone in line:
                colour = _colour(tone)
                text = f"{label} {n}"
                parts.append(
                    f'<rect x="{lx:.1f}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>'
                    f'<text x="{lx + 14:.1f}" y="{ly}" font-size="11" fill="{COLOURS["text"]}">{escape(text)}</text>'
                )
                lx += _text_width(text, 11) + 22
    parts.append("</svg>")
    return Markup("".join(parts))


def histogram(
    groups: Sequence[tuple[str, Sequence[Any], str]],
    *,
    title: str,
    low: float = 0,
    high: float = 100,
    bins: int = 10,
    unit: str = "分",
    width: int = 620,
    height: int = 220,
) -> Markup:
    """Counts of values per bin [low, high] stacked by group (label, values, tone); the last bin
    includes `high`. Values outside the range go to the nearest end bin."""
    step = (high - low) / bins
    counts = [[0] * bins for _ in groups]
    for g, (_, values, _) in enumerate(groups):
        for value in values:
            number = to_number(value)
            if number is None:
                continue
            index = min(max(int((number - low) // step), 0), bins - 1)
            counts[g][index] += 1
    totals = [sum(c[b] for c in counts) for b in range(bins)]
    ticks = _ticks([0, max(totals) or 1], 4)
    ticks = [t for t in ticks if t >= 0 and float(t).is_integer()] or [0, 1]
    top_count = ticks[-1] or 1
    left, right, top, bottom = 34, 12, 30, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    bar_w = plot_w / bins
    aria = escape(
        f"{title}："
        + "；".join(
            f"{_nice(low + b * step)}–{_nice(low + (b + 1) * step)}{unit} {totals[b]}"
            for b in range(bins)
            if totals[b]
        )
    )
    parts = [
        f'<svg class="chart-svg histogram" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{aria}">',
        f'<text x="4" y="16" font-size="13" font-weight="600" fill="{COLOURS["text"]}">{escape(title)}</text>',
    ]
    for t in ticks:
        y = top + plot_h * (1 - t / top_count)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{COLOURS["grid"]}"/>'
            f'<text x="{left - 4}" y="{y + 3:.1f}" font-size="{FONT}" text-anchor="end" '
            f'fill="{COLOURS["text"]}">{int(t)}</text>'
        )
    for b in range(bins):
        y_base: float = top + plot_h
        for g, (label, _, tone) in enumerate(groups):
            n = counts[g][b]
            if not n:
                continue
            h = plot_h * n / top_count
            y_base -= h
            edge = f"{_nice(low + b * step)}–{_nice(low + (b + 1) * step)}{unit}"
            parts.append(
                f'<rect x="{left + b * bar_w + 2:.1f}" y="{y_base:.1f}" width="{bar_w - 4:.1f}" height="{h:.1f}" '
                f'fill="{_colour(tone)}"><title>{escape(edge)} {escape(label)}：{n}</title></rect>'
            )
    for b in range(bins + 1):
        x = left + b * bar_w
        parts.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 14}" font-size="{FONT}" text-anchor="middle" '
            f'fill="{COLOURS["text"]}">{escape(_nice(low + b * step))}</text>'
        )
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="{COLOURS["axis"]}"/>'
    )
    lx = float(left)
    for g, (label, _, tone) in enumerate(groups):
        text = f"{label} {sum(counts[g])}"
        parts.append(
            f'<rect x="{lx:.1f}" y="{height - 13}" width="10" height="10" fill="{_colour(tone)}"/>'
            f'<text x="{lx + 14:.1f}" y="{height - 4}" font-size="11" fill="{COLOURS["text"]}">{escape(text)}</text>'
        )
        lx += _text_width(text, 11) + 26
    parts.append(
        f'<text x="{width - right}" y="{height - 4}" font-size="{FONT}" text-anchor="end" '
        f'fill="{COLOURS["text"]}">{escape(unit)}</text></svg>'
    )
    return Markup("".join(parts))
