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
    for i, (x, y) in enumerate(data):
        if y is None:
            continue
        parts.append(
            f'<circle cx="{sx(i):.1f}" cy="{sy(y):.1f}" r="3" fill="{COLOURS["line"]}">'
            f"<title>{escape(x)}：{escape(_nice(y))}{escape(unit)}</title></circle>"
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
    last = max(i for i, v in enumerate(numbers) if v is not None)
    dot = f'<circle cx="{sx(last):.1f}" cy="{sy(numbers[last]):.1f}" r="2.2" fill="{COLOURS["line"]}"/>'
    return Markup(head + "".join(lines) + dot + "</svg>")
