"""Inline SVG charts and the Chinese words for codes."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from clustercert.reports.charts import line_chart, sparkline
from clustercert.reports.labels import article_label, comparator_word, indicator_label


def _svg(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(str(markup))  # well-formed XML, or this raises


def test_line_chart_has_axes_points_and_threshold() -> None:
    svg = line_chart(
        [(2025, 171000), (2023, 152000), (2024, 160000)], title="集群总产值", unit="万元", threshold=150000
    )
    root = _svg(svg)
    texts = [t.text for t in root.iter("text")]
    assert texts[0] == "集群总产值（万元）"
    assert ["2023", "2024", "2025"] == [t for t in texts if t and re.fullmatch(r"20\d\d", t)]  # sorted x axis
    assert "140,000" in texts and "180,000" in texts  # round y ticks covering threshold and data
    assert len(list(root.iter("circle"))) == 3
    points = [tuple(map(float, p.split(","))) for p in next(root.iter("polyline")).get("points").split()]
    assert points[0][1] > points[1][1] > points[2][1]  # rising values go up the page
    assert any(line.get("class") == "threshold" for line in root.iter("line"))


def test_line_chart_gaps_empty_and_constant_series() -> None:
    gap = _svg(line_chart([(2023, 1), (2024, None), (2025, 3)], title="t"))
    assert len(list(gap.iter("polyline"))) == 2 and len(list(gap.iter("circle"))) == 2
    empty = _svg(line_chart([(2023, None)], title="t"))
    assert "无数据" in [t.text for t in empty.iter("text")] and not list(empty.iter("polyline"))
    flat = _svg(line_chart([(2023, 5), (2024, 5)], title="t"))
    assert len(list(flat.iter("circle"))) == 2


def test_chart_text_is_escaped() -> None:
    svg = str(line_chart([("<b>", 1)], title="<script>x</script>"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    _svg(svg)


def test_sparkline() -> None:
    root = _svg(sparkline([1, 2, None, 4], label="产值"))
    assert root.get("aria-label") == "产值" and len(list(root.iter("polyline"))) == 2
    assert not list(_svg(sparkline([])).iter("polyline"))


def test_labels() -> None:
    assert (
        article_label("5(一)") == "第五条（一）"
        and article_label("15") == "第十五条"
        and article_label("x") == "x"
    )
    assert article_label("6") == "第六条" and article_label("14（二）") == "第十四条（二）"
    # the policy's words stay; a symbol becomes the first word comparison.py gives it
    assert [comparator_word(c) for c in ("以上", "高于", "不低于", "≥", ">", "≤", "<", "")] == [
        "以上",
        "高于",
        "不低于",
        "以上",
        "高于",
        "以下",
        "低于",
        "",
    ]
    assert indicator_label("total_output") == "集群总产值（万元）" and indicator_label("unknown") == "unknown"
