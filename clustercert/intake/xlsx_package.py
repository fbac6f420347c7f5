"""What a workbook's package says before any cell is read: its sheets, and what each sheet holds.

The fast reader (calamine, `clustercert.intake.xlsx`) tells cell values only. This module reads the
zip and the XML text around them — the part list, each sheet's declared dimension, and one scan of
each sheet's bytes with regular expressions (no XML tree, no cell values) — for what calamine does
not tell: the Excel row of every row and how many cells it has, a formula saved without its result,
an error cell, a row past the limit. The scan also says when a sheet holds anything that calamine and
the reference reader (openpyxl, `clustercert.intake.xlsx_openpyxl`) could read differently; such a
workbook is then read by the reference reader, so that what a county is told never depends on which
reader read its file.
"""

from __future__ import annotations

import operator
import posixpath
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from defusedxml import ElementTree

from clustercert.intake.raw import UNCOMPUTED

MAX_COLUMNS = 64  # cells right of this are not read: no sheet of the contract is wider than 12

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_WORKBOOK_TYPES = tuple(  # the content types openpyxl takes for the workbook part, in its order
    f"application/vnd.{kind}.main+xml"
    for kind in (
        "ms-excel.template.macroEnabled",
        "openxmlformats-officedocument.spreadsheetml.template",
        "ms-excel.sheet.macroEnabled",
        "openxmlformats-officedocument.spreadsheetml.sheet",
    )
)
_SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SHARED_STRINGS_PART = "xl/sharedStrings.xml"
STYLES_PART = (
    "xl/styles.xml"  # where openpyxl (and calamine) read the styles from, whatever the manifest says
)


@dataclass(frozen=True)
class Package:
    """The workbook's sheets as (name, zip part) in workbook order (chart sheets left out)."""

    sheets: list[tuple[str, str]]
    date1904: bool
    shared_strings: str | None  # the part, as the manifest names it (openpyxl's way to find it)
    # Both readers find the shared strings and the styles where they expect them (calamine follows
    # the workbook's relationships, openpyxl the manifest and a fixed name): False if not.
    consistent: bool = True


def _xml(archive: zipfile.ZipFile, name: str) -> Any:
    return ElementTree.fromstring(archive.read(name))


def _relationships(archive: zipfile.ZipFile, name: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, target part), targets resolved as openpyxl resolves them."""
    parent = posixpath.split(posixpath.dirname(name))[0]
    found = {}
    for rel in _xml(archive, name).iter(f"{{{_PKG_REL_NS}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        target = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(parent, target))
        found[rel.get("Id")] = (rel.get("Type", ""), target)
    return found


def read_package(archive: zipfile.ZipFile) -> Package | None:
    """The workbook's sheets and settings, found as openpyxl finds them; None for anything unusual."""
    try:
        types = _xml(archive, "[Content_Types].xml")
        overrides = {o.get("ContentType"): o.get("PartName", "") for o in types.iter(f"{{{_CT_NS}}}Override")}
        defaults = {d.get("ContentType") for d in types.iter(f"{{{_CT_NS}}}Default")}
        part = next((overrides[t][1:] for t in _WORKBOOK_TYPES if t in overrides), None)
        if part is None and defaults & set(_WORKBOOK_TYPES):
            part = "xl/workbook.xml"
        if part is None:
            return None
        folder, file = posixpath.split(part)
        rels = _relationships(archive, posixpath.join(folder, "_rels", f"{file}.rels"))
        book = _xml(archive, part)
        properties = book.find(f"{{{MAIN_NS}}}workbookPr")
        date1904 = properties is not None and properties.get("date1904", "").lower() in ("1", "true")
        names = set(archive.namelist())
        related = {kind.rsplit("/", 1)[-1]: target for kind, target in rels.values()}
        strings = overrides.get(_SHARED_STRINGS_TYPE)
        strings = strings[1:] if strings else None
        consistent = (
            related.get("sharedStrings") == strings
            and (strings or _SHARED_STRINGS_PART) == _SHARED_STRINGS_PART
            and (strings is not None or _SHARED_STRINGS_PART not in names)
            and related.get("styles", STYLES_PART) == STYLES_PART
        )
        sheets = []
        for sheet in book.iter(f"{{{MAIN_NS}}}sheet"):
            rel_type, target = rels[sheet.get(f"{{{_REL_NS}}}id")]
            if target in names and "chartsheet" not in rel_type:
                sheets.append((str(sheet.get("name")), target))
    except (KeyError, ValueError, SyntaxError, TypeError):  # a missing part or relationship, bad XML
        return None
    return Package(sheets, date1904, strings, consistent)


# -- the XML prolog of every part ----------------------------------------------------------------------
_HEAD = 4096
_DECLARATION = re.compile(rb"<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([^\"']*)[\"']")
_ROOT = re.compile(rb"<[A-Za-z_]")


def plain_xml(archive: zipfile.ZipFile, names: Iterable[str]) -> bool:
    """Every XML part starts as Excel writes it: UTF-8, no document type (so no entity of its own).

    A part with a DOCTYPE (an entity bomb, or just an old exporter) or in another encoding is the
    reference reader's to judge (it refuses entities through defusedxml, with the message it gives).
    """
    for name in names:
        if not name.endswith((".xml", ".rels")):
            continue
        with archive.open(name) as source:
            head = source.read(_HEAD)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return False
        root = _ROOT.search(head)
        prolog = head[: root.start()] if root else head
        if b"<!" in prolog.replace(b"<!--", b""):  # a DOCTYPE (comments are harmless)
            return False
        declared = _DECLARATION.search(prolog)
        if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
            return False
        if root is None and len(head) == _HEAD:  # a prolog longer than the head: nothing Excel writes
            return False
    return True


# -- a sheet's declared dimension --------------------------------------------------------------------
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref=[\"']([^\"']*)[\"']")
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData\b")
_HEAD_LIMIT = 1024 * 1024  # the dimension comes before the data, after a few small elements
_RANGE = re.compile(  # openpyxl's range grammar (utils.cell.RANGE_EXPR)
    r"^[$]?(?P<min_col>[A-Za-z]{1,3})?[$]?(?P<min_row>\d+)?(:[$]?(?P<max_col>[A-Za-z]{1,3})?[$]?(?P<max_row>\d+)?)?$"
)


def range_last_row(ref: str) -> int | None:
    """The last row of a range such as "A1:E300" (None for whole columns); ValueError if not a range."""
    found = _RANGE.match(ref)
    if not found:
        raise ValueError(f"{ref} is not a valid coordinate or range")
    min_col, min_row, sep, max_col, max_row = found.groups()
    if sep:
        cols, rows = (min_col, max_col), (min_row, max_row)
        if not (all(cols + rows) or (all(cols) and not any(rows)) or (all(rows) and not any(cols))):
            raise ValueError(f"{ref} is not a valid coordinate or range")
    last = max_row if max_row is not None else min_row
    return int(last) if last is not None else None


def declared_last_row(archive: zipfile.ZipFile, part: str) -> int | None:
    """The last row of the sheet's declared dimension (`<dimension ref="A1:E300">` → 300), if any."""
    head = b""
    with archive.open(part) as source:
        while len(head) < _HEAD_LIMIT and (chunk := source.read(64 * 1024)):
            head += chunk
            if found := _DIMENSION.search(head):
                try:
                    return range_last_row(found.group(1).decode("ascii"))
                except (ValueError, UnicodeDecodeError):
                    return None  # not a range: as if absent (reading stops at the limit anyway)
            if _SHEET_DATA.search(head):
                return None
    return None


# -- one scan of a sheet's bytes ----------------------------------------------------------------------
_CHUNK = 1024 * 1024
_HEADER_ROWS = 16  # rows whose cell count the scan keeps: the header is the first row that is not blank
_WORKSHEET = re.compile(rb"<worksheet\b[^>]*>")
_COLUMNS: dict[bytes, int] = {}
for _index in range(1, MAX_COLUMNS + 1):
    _n, _letters = _index, ""
    while _n:
        _n, _rest = divmod(_n - 1, 26)
        _letters = chr(65 + _rest) + _letters
    _COLUMNS[_letters.encode()] = _index

_LETTERS = rb"(?:[A-Z]|A[A-Z]|B[A-L])"  # A … BL: the first MAX_COLUMNS columns
assert len(_COLUMNS) == MAX_COLUMNS and max(_COLUMNS) == b"Z" and b"BL" in _COLUMNS

# Every row and cell element start, with its reference if that is its first attribute (as every
# writer puts it). The tokens of a piece, one a line, must read "row r=N" then the cells of row N
# (each of the first MAX_COLUMNS columns), row after row: a cell without a reference or with it
# elsewhere, beyond MAX_COLUMNS or outside its row, is the reference reader's to read.
_TOKEN = re.compile(rb'<((?:row|c)(?: r="[A-Z]*[0-9]+")?)[\s/>]')
_WELL_PLACED = re.compile(rb'(?:row r="([0-9]+)"\n(?:c r="' + _LETTERS + rb'\1"\n)*)*')
_ROW_NUMBER = re.compile(rb'<row r="([0-9]+)"')
_OTHER_SPACE = re.compile(rb"<(?:c|row)[\t\r\n]")
_TYPED = re.compile(rb't="[de]"')  # an ISO-date cell (read differently) or an error cell (special)
_ESCAPE = re.compile(rb"_x[0-9A-Fa-f]{4}_")  # calamine decodes _x000D_ in text, openpyxl keeps it


def style_marks(styles: Iterable[int]) -> tuple[bytes, ...]:
    """How a cell using one of `styles` (cellXfs indexes) reads in the XML: `s="5"`."""
    return tuple(b's="%d"' % s for s in sorted(set(styles)))


@dataclass
class SheetScan:
    """What a sheet's bytes say. `widths`: for the first rows with cells, Excel row → its number of
    cells as the reference reader counts them (up to its last cell element, empty or not)."""

    supported: bool = True  # False: a reader other than the reference one could read it differently
    refused_at: int | None = None  # the first row past the limit (the sheet is not read)
    declared: int | None = None  # the declared last row, when that is past the limit
    widths: dict[int, int] = field(default_factory=dict)
    special: bool = False  # holds formulas or error cells (`special_cells` reads them)
    uses_dates: bool = False  # a cell may use a date or time style


def scan_sheet(
    archive: zipfile.ZipFile,
    part: str,
    last_row: int,
    date_styles: tuple[bytes, ...] = (),
    unsure_styles: tuple[bytes, ...] = (),
) -> SheetScan:
    """Scan the sheet's bytes once, in chunks, stopping at the first row past `last_row`.

    A sheet whose declared dimension runs past `last_row` is refused from its head, unread.
    """
    scan = SheetScan()
    state = _State()
    carry = b""
    first = True
    with archive.open(part) as source:
        while True:
            chunk = source.read(_CHUNK)
            buffer = carry + chunk
            if chunk:
                cut = buffer.rfind(b"<")  # no element of interest spans the cut (it starts at a "<")
                body, carry = (buffer[:cut], buffer[cut:]) if cut > 0 else (b"", buffer)
            else:
                body, carry = buffer, b""
            if first and (body or not chunk):
                first = False
                if not _plain_root(buffer):
                    return SheetScan(supported=False)
                declared = _declared_in(buffer)
                if declared is not None and declared > last_row:
                    return SheetScan(declared=declared)
            if body and not _scan_body(body, scan, state, last_row, date_styles, unsure_styles):
                return scan
            if not chunk:
                return scan


def _plain_root(head: bytes) -> bool:
    """A `<worksheet>` in the main namespace, declared as the default one and under no other name."""
    root = _WORKSHEET.search(head)
    if root is None:
        return False
    tag = root.group(0)
    main = b'"' + MAIN_NS.encode() + b'"'
    return b"xmlns=" + main in tag and tag.count(main) == 1


def _declared_in(head: bytes) -> int | None:
    data = _SHEET_DATA.search(head)
    found = _DIMENSION.search(head, 0, data.start() if data else len(head))
    if not found:
        return None
    try:
        return range_last_row(found.group(1).decode("ascii"))
    except (ValueError, UnicodeDecodeError):
        return None


@dataclass
class _State:
    """What a piece of the sheet needs from the pieces before it."""

    last_row: int = 0  # the number of the last row element seen
    open_row: list[bytes] = field(default_factory=list)  # tokens of that row so far


def _different(body: bytes, unsure_styles: tuple[bytes, ...]) -> bool:
    """Anything the readers read differently, by substring search (fast; a false alarm only costs a
    slower read): ISO-date cells, _xHHHH_ escapes, elements with a namespace prefix, attributes not
    written `name="value"` (which the searches here would miss), a style they classify differently.
    Each rare character is looked for before the pattern that needs it."""
    return (
        b't="d"' in body
        or (b"_" in body and _ESCAPE.search(body) is not None)
        or (b"'" in body and b"='" in body)
        or b":row" in body
        or b":c" in body
        or ((b"\n" in body or b"\t" in body or b"\r" in body) and _OTHER_SPACE.search(body) is not None)
        or any(mark in body for mark in unsure_styles)
    )


def _scan_body(
    body: bytes,
    scan: SheetScan,
    state: _State,
    last_row: int,
    date_styles: tuple[bytes, ...],
    unsure_styles: tuple[bytes, ...],
) -> bool:
    """Scan one piece of the sheet; False when there is no need to read further."""
    if _different(body, unsure_styles):
        scan.supported = False
        return False
    if not scan.special and (b"<f" in body or _TYPED.search(body) is not None):
        scan.special = True
    if not scan.uses_dates and any(mark in body for mark in date_styles):
        scan.uses_dates = True
    numbers = list(map(int, _ROW_NUMBER.findall(body)))
    if numbers and max(numbers) > last_row:
        scan.refused_at = next(n for n in numbers if n > last_row)  # the first one in the file's order
        return False
    previous = [state.last_row, *numbers]
    if not all(map(operator.lt, previous, numbers)):  # rows out of order: the reference keeps the file's
        scan.supported = False
        return False
    tokens = state.open_row + _TOKEN.findall(body)
    if len(set(tokens)) != len(tokens) or not _WELL_PLACED.fullmatch(b"\n".join(tokens) + b"\n"):
        scan.supported = False  # a cell twice, or placed where the two readers would place it apart
        return False
    if len(scan.widths) < _HEADER_ROWS:
        _count_cells(tokens, scan.widths)
    if numbers:
        state.last_row = numbers[-1]
        last = len(tokens) - tokens[::-1].index(b'row r="%d"' % numbers[-1]) - 1
        state.open_row = tokens[last:]
    else:
        state.open_row = tokens
    return True


def _count_cells(tokens: list[bytes], widths: dict[int, int]) -> None:
    """The cell count of the first rows that have cells (the column of their rightmost cell)."""
    counting, row = False, 0
    for token in tokens:
        if token.startswith(b"row"):
            row = int(token[7:-1])
            if row not in widths and len(widths) >= _HEADER_ROWS:
                return
            counting = True
        elif counting:
            column = _COLUMNS[token[5:].rstrip(b'"0123456789')]
            if column > widths.get(row, 0):
                widths[row] = column


# -- formula and error cells --------------------------------------------------------------------------
_CELL = re.compile(rb'<c r="([A-Z]+)([0-9]+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_TYPE = re.compile(rb'\st="([^"]*)"')
_FORMULA = re.compile(rb"<f[\s/>]")
_VALUE = re.compile(rb"<v(?:\s[^>]*)?>(.*?)</v>", re.S)


def special_cells(archive: zipfile.ZipFile, part: str) -> dict[tuple[int, int], Any] | None:
    """(Excel row, column) → what the reference reader reads where calamine reads an empty cell.

    A formula saved without its result reads as `UNCOMPUTED` (an empty text result, `t="str"`, is
    a computed empty cell); an error cell reads as its error text ("#DIV/0!"). None for a formula
    cell of a kind the reference reader reads otherwise (an inline string holding a formula).
    """
    found: dict[tuple[int, int], Any] = {}
    for letters, digits, attributes, content in _CELL.findall(archive.read(part)):
        formula = bool(content) and _FORMULA.search(content) is not None
        typed = _TYPE.search(attributes)
        kind = typed.group(1) if typed else b"n"
        if not formula and kind != b"e":
            continue
        if kind == b"inlineStr":
            return None
        value = _VALUE.search(content) if content else None
        text = value.group(1) if value else b""
        where = (int(digits), _COLUMNS[letters])
        if not text:
            if formula and kind != b"str":
                found[where] = UNCOMPUTED
        elif kind == b"e":
            if b"&" in text or b"<" in text:
                return None
            found[where] = text.decode("utf-8")
    return found
