"""第五条's qualitative items: each quotes its own paragraph, in the regulation's order, and scores."""

from __future__ import annotations

import re
from pathlib import Path

from clustercert.policy import load_policy

REGULATION = Path(__file__).resolve().parents[2] / "regulation" / "hlj-2023-8.zh.txt"
NUMERALS = "一二三四五六七八"


def _article_5_paragraphs() -> dict[str, str]:
    """第五条（一）…（八） → the paragraph's text, whitespace removed (a page break splits （八））."""
    text = re.sub(r"\s+", "", REGULATION.read_text(encoding="utf-8"))
    article = text[text.index("第五条集群应满足以下基本条件") : text.index("第六条")]
    starts = [article.index(f"（{n}）") for n in NUMERALS]
    ends = [*starts[1:], len(article)]
    return {f"第五条（{n}）": article[s:e] for n, s, e in zip(NUMERALS, starts, ends, strict=True)}


def test_every_item_quotes_its_own_paragraph_in_order() -> None:
    paragraphs = _article_5_paragraphs()
    items = load_policy().qualitative_items
    assert {i.article for i in items} == set(paragraphs)
    for article, paragraph in paragraphs.items():
        own = [i for i in items if i.article == article]
        positions = []
        for item in own:
            assert item.text in paragraph, (item.id, article)
            assert item.id.startswith(f"A5.{NUMERALS.index(article[-2]) + 1}."), item.id
            positions.append(paragraph.index(item.text))
        assert positions == sorted(positions), [i.id for i in own]
    ids = [i.id for i in items]
    assert ids == sorted(ids, key=lambda i: int(i.split(".")[1])), "items grouped by article, 一 → 八"


def test_the_items_the_text_names() -> None:
    """The qualitative requirements of 第五条 that SPEC §4.2 lists (and the ones it added this round)."""
    items = {i.id: i for i in load_policy().qualitative_items}
    expected = {
        "A5.3.layout": ("第五条（三）", "产业链布局合理"),
        "A5.3.key_links": ("第五条（三）", "产业链关键环节配套能力较强"),
        "A5.5.cloud": ("第五条（五）", "“用云上平台”成效显著"),
        "A5.5.new_models": ("第五条（五）", "开展主导产业数字化新模式新业态探索"),
        "A5.6.energy_structure": ("第五条（六）", "能源消费结构合理"),
        "A5.6.resource_efficiency": ("第五条（六）", "资源利用效率较高"),
        "A5.6.pollution_control": ("第五条（六）", "污染物排放治理有效"),
        "A5.8.measures": ("第五条（八）", "工作措施完整、针对性强、切实可行"),
    }
    for iid, (article, title) in expected.items():
        assert (items[iid].article, items[iid].title, items[iid].when) == (article, title, None), iid


def test_a_qualitative_indicator_scores_every_item_of_its_aspect() -> None:
    policy = load_policy()
    by_aspect: dict[str, list[str]] = {}
    for item in policy.qualitative_items:
        by_aspect.setdefault(item.aspect, []).append(item.id)
    scored = {}
    for aspect in policy.scoring.aspects:
        for indicator in aspect.indicators:
            if indicator.source == "qualitative":
                scored[aspect.id] = list(indicator.options["items"])
    assert scored == {
        "A5.3": by_aspect["A5.3"],
        "A5.7": by_aspect["A5.7"],
        "A5.8": by_aspect["A5.8"],
    }
    assert sum(policy.value(a.weight) for a in policy.scoring.aspects) == 100
