"""The output folder's front page: the campaign funnel, each prefecture's clusters by status, and a
relative link to every report, extract and spreadsheet."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from markupsafe import Markup

from clustercert.reports.labels import COLUMN_LABELS, status
from clustercert.reports.render import PAGE_FILES, check_relative, fmt, is_blank, write_page


def _card_label(key: str) -> str:
    """A summary count is named by the status it counts (submitted, valid, … certified)."""
    found = status(key)
    return found.label if found is not None else COLUMN_LABELS.get(key, key)


def render_index(
    out_dir: Path,
    *,
    title: str,
    sections: Sequence[Mapping[str, Any]],
    summary: Mapping[str, Any],
    subtitle: str = "",
    charts: Sequence[Mapping[str, Any]] = (),
    lead: Mapping[str, Any] | None = None,
) -> Path:
    """index.html: summary cards (submitted … certified), charts and sections of links.

    sections: [{"title": str, "links": [{"href": relative path, "text": str, "note": str,
    "also": [{"href", "text"}] (the same list in another format)}]}]. Hrefs
    must be relative paths inside the folder, so the folder can be zipped and opened offline.
    charts: [{"title": str, "charts": [inline SVG markup from `charts.py`], "note": str}];
    lead: one link shown first ({"href", "text", "note"}): where to start reading.
    """
    cards = [(_card_label(k), fmt(v)) for k, v in summary.items() if not is_blank(v)]
    clean_sections = [
        {
            "title": fmt(section.get("title")),
            "links": [
                {
                    "href": check_relative(fmt(link.get("href"))),
                    "text": fmt(link.get("text")) or fmt(link.get("href")),
                    "note": fmt(link.get("note")),
                    "also": [
                        {"href": check_relative(fmt(a.get("href"))), "text": fmt(a.get("text"))}
                        for a in link.get("also") or []
                    ],
                }
                for link in section.get("links") or []
            ],
        }
        for section in sections
    ]
    clean_charts = [
        {
            "title": fmt(group.get("title")),
            "charts": [Markup(c) for c in group.get("charts") or []],
            "note": fmt(group.get("note")),
        }
        for group in charts
    ]
    return write_page(
        out_dir,
        PAGE_FILES["index"],
        "index.html.j2",
        title=title,
        subtitle=subtitle,
        cards=cards,
        charts=clean_charts,
        sections=clean_sections,
        lead={
            "href": check_relative(fmt(lead.get("href"))),
            "text": fmt(lead.get("text")),
            "note": fmt(lead.get("note")),
        }
        if lead
        else None,
    )


def present_links(out_dir: Path, sections: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The sections with only the links to files that are in `out_dir`; a section left empty goes."""
    kept = []
    for section in sections:
        links = [link for link in section.get("links") or [] if (Path(out_dir) / str(link["href"])).exists()]
        if links:
            kept.append({**section, "links": links})
    return kept
