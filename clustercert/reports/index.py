"""The output folder's front page: a summary and a relative link to every report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from clustercert.reports.labels import SUMMARY_LABELS
from clustercert.reports.render import PAGE_FILES, check_relative, fmt, is_blank, write_page


def render_index(
    out_dir: Path,
    *,
    title: str,
    sections: Sequence[Mapping[str, Any]],
    summary: Mapping[str, Any],
    subtitle: str = "",
) -> Path:
    """index.html: summary cards (submitted … certified) and sections of links.

    sections: [{"title": str, "links": [{"href": relative path, "text": str, "note": str}]}]. Hrefs
    must be relative paths inside the folder, so the folder can be zipped and opened offline.
    """
    ordered = [k for k in SUMMARY_LABELS if k in summary] + [k for k in summary if k not in SUMMARY_LABELS]
    cards = [(SUMMARY_LABELS.get(k, k), fmt(summary[k])) for k in ordered if not is_blank(summary[k])]
    clean_sections = [
        {
            "title": fmt(section.get("title")),
            "links": [
                {
                    "href": check_relative(fmt(link.get("href"))),
                    "text": fmt(link.get("text")) or fmt(link.get("href")),
                    "note": fmt(link.get("note")),
                }
                for link in section.get("links") or []
            ],
        }
        for section in sections
    ]
    return write_page(
        out_dir,
        PAGE_FILES["index"],
        "index.html.j2",
        title=title,
        subtitle=subtitle,
        cards=cards,
        sections=clean_sections,
    )


def present_links(out_dir: Path, sections: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The sections with only the links to files that are in `out_dir`; a section left empty goes."""
    kept = []
    for section in sections:
        links = [link for link in section.get("links") or [] if (Path(out_dir) / str(link["href"])).exists()]
        if links:
            kept.append({**section, "links": links})
    return kept
