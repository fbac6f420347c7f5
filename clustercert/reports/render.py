"""The rendering core every report page shares: one Jinja2 environment, page paths, value formatting.

Pages are built from plain rows (dicts keyed by the SPEC §5 CSV columns) so that reports do not depend
on the classes of the stages that produce them. Python turns rows into small view models (`Cell`,
`Table`); templates only lay them out. Autoescape is always on: county data is hostile until shown
otherwise (SPEC §6). Every page is self-contained — the stylesheet is inlined, charts are inline SVG —
so an output folder can be zipped and opened on an isolated government network.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from clustercert import reference
from clustercert.reports.labels import COLUMN_LABELS, coded, truthy

SITE_TITLE = "黑龙江省中小企业特色产业集群培育认定管理"
REGULATION = "黑工信企业规〔2023〕8号"


# ---------------------------------------------------------------------------------------------
# Page locations: one place decides where each page lives, so pages can link to each other with
# relative hrefs whoever renders them.
_UNSAFE = re.compile(r"[^0-9A-Za-z._-]+")


def safe_name(text: Any) -> str:
    """A file-name-safe form of an id: no path separators, no leading dots (path tricks)."""
    name = _UNSAFE.sub("_", str(text)).strip("._") or "_"
    return name[:120]


def feedback_relpath(submission_id: str) -> str:
    return f"feedback/{safe_name(submission_id)}.html"


def evaluation_relpath(submission_id: str) -> str:
    return f"evaluation/{safe_name(submission_id)}.html"


def prefecture_relpath(prefecture_code: str, ext: str = "html") -> str:
    return f"prefectures/{safe_name(prefecture_code)}.{ext}"


def cluster_relpath(submission_id: str) -> str:
    """A cluster's story: its facts, final status with reason and article, and its lifecycle."""
    return f"clusters/{safe_name(submission_id)}.html"


PAGE_FILES = {
    "index": "index.html",
    "validation": "validation.html",
    "scores": "scores.html",
    "public_notice": "public_notice.html",
    "certified": "certified.html",
    "clusters": "clusters.html",
    "monitoring": "monitoring.html",
    "expiry": "expiry.html",
    "change_filings": "change_filings.html",
    "revocation_proposals": "revocation_proposals.html",
    "national_recommendation": "national_recommendation.html",
}


# ---------------------------------------------------------------------------------------------
# Value formatting.
def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def fmt(value: Any, digits: int = 4) -> str:
    """Plain, stable text for a cell: numbers without float noise, dates as ISO, booleans as 是/否."""
    if is_blank(value):
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isinf(value):
            return "∞" if value > 0 else "-∞"
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value)
        text = f"{round(value, digits):f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    if hasattr(value, "isoformat"):  # pandas Timestamp and friends
        return str(value.isoformat())[:10]
    return str(value)


def fmt_number(value: Any, digits: int = 2) -> str:
    """A measured quantity with thousands separators (amounts in 万元 run to six figures)."""
    number = to_number(value)
    if number is None:
        return fmt(value)
    text = fmt(number, digits)
    whole, _, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = f"{int(whole.lstrip('-') or 0):,}"
    return sign + whole + (f".{frac}" if frac else "")


def to_number(value: Any) -> float | None:
    if isinstance(value, bool) or is_blank(value):
        return None
    if isinstance(value, int | float | Decimal):
        number = float(value)
    else:
        try:
            number = float(str(value).replace(",", "").strip())
        except ValueError:
            return None
    return None if math.isnan(number) or math.isinf(number) else number


def split_ids(value: Any) -> list[str]:
    """`;`-joined id lists of decisions.csv and monitoring.csv."""
    if is_blank(value):
        return []
    if isinstance(value, list | tuple | set):
        return [str(v) for v in value if not is_blank(v)]
    return [part.strip() for part in str(value).split(";") if part.strip()]


def prefecture_name(code: Any) -> str:
    text = fmt(code)
    return reference.prefectures().get(text, text)


def county_name(code: Any) -> str:
    found = reference.county(fmt(code))
    return found.county_name if found else fmt(code)


def place(row: Mapping[str, Any]) -> tuple[str, str]:
    """(prefecture name, county name) of a row, from names it carries or from its codes."""
    county_code = fmt(row.get("county_code"))
    found = reference.county(county_code)
    county = fmt(row.get("county_name")) or (found.county_name if found else county_code)
    pref_code = fmt(row.get("prefecture_code")) or (found.prefecture_code if found else "")
    prefecture = fmt(row.get("prefecture_name")) or prefecture_name(pref_code)
    return prefecture, county


def campaign_subtitle(campaign: Mapping[str, Any], *extra: str) -> str:
    parts = []
    if not is_blank(campaign.get("year")):
        parts.append(f"{fmt(campaign.get('year'))}年度认定")
    if not is_blank(campaign.get("as_of")):
        parts.append(f"数据截至 {fmt(campaign.get('as_of'))}")
    return " · ".join([*parts, *(e for e in extra if e)])


# ---------------------------------------------------------------------------------------------
# View models.
@dataclass
class Cell:
    text: str = ""
    cls: str = ""  # ok / bad / warn / muted / num: colours and alignment from style.css
    href: str = ""  # relative link
    svg: Markup | None = None  # an inline chart, trusted markup generated by charts.py
    title: str = ""  # a tooltip (codes people may ask about live here, not in the text)
    stack: list[str] = field(default_factory=list)  # more lines of the value itself (one per year)
    lines: list[str] = field(default_factory=list)  # smaller lines under the text (reason, source)
    mark: str = ""  # a ⚠ after the text, its explanation in `mark_title`
    mark_title: str = ""
    sort: str = ""  # the value a sortable table sorts by, when it differs from the text

    def html(self, tag: str = "td") -> Markup:
        """The cell as HTML, every value escaped (a page renders thousands: Python, not a template macro)."""
        attrs = "".join(
            f' {name}="{escape(value)}"'
            for name, value in (("class", self.cls), ("title", self.title), ("data-sort", self.sort))
            if value
        )
        body = str(self.svg) if self.svg else ""
        body += (
            f'<a href="{escape(self.href)}">{escape(self.text)}</a>' if self.href else str(escape(self.text))
        )
        if self.mark:
            body += f' <span class="mark" title="{escape(self.mark_title)}">{escape(self.mark)}</span>'
        body += "".join(f"<div>{escape(part)}</div>" for part in self.stack)
        body += "".join(f'<div class="sub">{escape(line)}</div>' for line in self.lines)
        return Markup(f"<{tag}{attrs}>{body}</{tag}>")


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    empty: str = "无记录"
    numeric: set[int] = field(default_factory=set)  # column positions to right-align
    cls: str = ""  # a table class from style.css (e.g. "issues": fixed column widths)
    id: str = ""  # the element id a page's script finds the table by

    def body_html(self) -> Markup:
        """The table's rows as HTML, at once (a campaign renders millions of cells)."""
        return Markup("\n".join(f"<tr>{''.join(c.html() for c in row)}</tr>" for row in self.rows))


def cell(value: Any = "", cls: str = "", href: str = "", title: str = "") -> Cell:
    return Cell(fmt(value), cls, href, None, title)


def coded_cell(mapping: Mapping[str, tuple[str, str]], code: Any) -> Cell:
    text, cls = coded(dict(mapping), code)
    return Cell(text, cls, title=fmt(code))


def bool_cell(value: Any, yes: str = "是", no: str = "否", *, good: bool | None = True) -> Cell:
    """A yes/no cell; `good` says which answer is the good one (for colour), None for no colour."""
    flag = truthy(value)
    if flag is None:
        return Cell("")
    cls = "" if good is None else ("ok" if flag == good else "bad")
    return Cell(yes if flag else no, cls)


def label(key: str) -> str:
    return COLUMN_LABELS.get(key, key)


def present_keys(rows: Iterable[Mapping[str, Any]], keys: Sequence[str]) -> list[str]:
    """The optional keys that at least one row fills."""
    rows = list(rows)
    return [k for k in keys if any(not is_blank(r.get(k)) for r in rows)]


def counts_table(counts: Mapping[str, int], headers: tuple[str, str] = ("类别", "数量")) -> Table:
    return Table(list(headers), [[Cell(k), Cell(str(v), "num")] for k, v in counts.items()], numeric={1})


# ---------------------------------------------------------------------------------------------
# The environment and page writing.
@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("clustercert.reports", "templates"),
        autoescape=True,  # always: select_autoescape would miss the .html.j2 suffix
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["fmt"] = fmt
    env.filters["num"] = fmt_number
    return env


@cache
def stylesheet() -> Markup:
    css = resources.files("clustercert.reports").joinpath("static/style.css").read_text("utf-8")
    if "</" in css or "url(" in css or "@import" in css:
        raise ValueError("style.css must stay self-contained: no </, url() or @import")
    return Markup(css)


def write_page(
    out_dir: Path,
    relpath: str,
    template: str,
    *,
    title: str,
    subtitle: str = "",
    script: str = "",
    **context: Any,
) -> Path:
    """Render `template` to out_dir/relpath; `root` lets the page link back with relative hrefs.

    `script` is a small inline script of our own (a sortable list): the page's Content-Security-Policy
    allows exactly that script by its hash, and nothing else.
    """
    path = Path(out_dir) / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    depth = relpath.count("/")
    if "</" in script or "http" in script:
        raise ValueError("inline scripts stay self-contained: no </ and no URLs")
    html = (
        environment()
        .get_template(template)
        .render(
            css=stylesheet(),
            title=title,
            subtitle=subtitle,
            site_title=SITE_TITLE,
            regulation=REGULATION,
            root="../" * depth,
            is_index=relpath == PAGE_FILES["index"],
            script=Markup(script),
            script_hash=_script_hash(script) if script else "",
            **context,
        )
    )
    path.write_text(html, encoding="utf-8")
    return path


def _script_hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def relative_href(from_relpath: str, to_relpath: str) -> str:
    """The href from one page to another, both given relative to the output root."""
    return "../" * from_relpath.count("/") + to_relpath


_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*:|//|/|\\)")


def check_relative(href: str, *, allow_parent: bool = False) -> str:
    """Links must stay inside the output folder (offline, zip-able, no javascript: URLs)."""
    if _SCHEME.match(href) or (not allow_parent and ".." in href.replace("\\", "/").split("/")):
        raise ValueError(f"report links must be relative paths inside the output folder: {href!r}")
    return href
