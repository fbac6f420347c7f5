"""What a person reads on a page, and the raw codes that must never be part of it.

The text is the page's character data outside <script> and <style> (attributes are not read: a
tooltip holds the messages, never a code). File names, submission ids, certificate ids and flow run
ids are codes by design and are taken out before the scan.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from clustercert.lifecycle import Status
from clustercert.rules import Result


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "title") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def readable_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


# codes by design: file names, submission ids, certificate ids, flow run ids
_BY_DESIGN = re.compile(
    r"[^\s/<>“”（）()]+\.(?:csv|xlsx|json|html)\b"
    r"|\b(?:\d{4}|year-unknown)-\d{6}-[0-9a-f]{8}\b"
    r"|\b[A-Z]{2,}-\d{4}-\d{3,}\b"
    r"|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"
)
_WORD_CODES = sorted({*(s.value for s in Status), *(r.value for r in Result)}, key=len, reverse=True)
RAW_CODES = re.compile(
    r"(?<![A-Za-z0-9_])(?:"
    + "|".join(map(re.escape, _WORD_CODES))
    + r")(?![A-Za-z0-9_])"  # statuses, results
    r"|(?<![A-Za-z0-9_])(?:A\d+|N\d*)\.[A-Za-z0-9_]"  # criterion ids: A5.1.output, A6.incidents, N1.output
    r"|(?<![A-Za-z0-9_])(?:schema|gx|intake|rule|decisions)\.[a-z]"  # check ids
    r"|SPEC\s*§"  # our specification's sections
)


def raw_codes(html: str) -> list[str]:
    """Each raw code in what a person reads, with a little context."""
    text = _BY_DESIGN.sub(" ", readable_text(html))
    return [text[max(0, m.start() - 20) : m.end() + 20] for m in RAW_CODES.finditer(text)]


def codes_in_folder(folder: Path) -> dict[str, list[str]]:
    found = {}
    for page in sorted(folder.rglob("*.html")):
        hits = raw_codes(page.read_text("utf-8"))
        if hits:
            found[page.relative_to(folder).as_posix()] = hits
    return found
