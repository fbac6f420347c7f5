"""The machine formats: a folder of UTF-8 CSV files (one per sheet) and one JSON document.

Row numbers follow `Submission`'s convention: a CSV row is its (first) line number, the header being
line 1; a JSON record is its 1-based index + 1, so the first record is row 2 like in a workbook.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from clustercert.contract import KEY_VALUE_HEADERS
from clustercert.intake.limits import LAST_ROW, MAX_DATA_ROWS, too_many_rows
from clustercert.intake.raw import Problem, RawSheet, is_blank

_KV_HEADER = (KEY_VALUE_HEADERS[0][0], KEY_VALUE_HEADERS[1][0])


def decode_utf8(data: bytes, sheet: str, file_label: str) -> tuple[str | None, Problem | None]:
    """Text of a UTF-8 file (BOM or not), or a located `intake.bad_encoding` problem."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, Problem(
            "intake.bad_encoding",
            f"文件“{file_label}”不是 UTF-8 编码（第 {line} 行附近），无法正确读取中文；"
            "请在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”后重新报送",
            sheet=sheet,
            row=line,
        )


def parse_csv(text: str, sheet: str, file_label: str) -> tuple[RawSheet, list[Problem]]:
    """Rows of a CSV text, each with the line number it starts on; blank rows dropped."""
    raw = RawSheet(sheet)
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for record in reader:
            if record and not all(is_blank(v) for v in record):
                if start > LAST_ROW:  # stop reading: the rest of the file is not looked at
                    return RawSheet(sheet, failed=True), [too_many_rows(sheet, start)]
                raw.rows.append((start, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        return raw, [
            Problem(
                "intake.unreadable",
                f"文件“{file_label}”第 {start} 行格式错误（{exc}），请检查引号和分隔符后重新导出",
                sheet=sheet,
                row=start,
            )
        ]
    return raw, []


def read_csv_file(path: Path, sheet: str, file_label: str) -> tuple[RawSheet | None, list[Problem]]:
    text, problem = decode_utf8(path.read_bytes(), sheet, file_label)
    if problem:
        return None, [problem]
    assert text is not None
    return parse_csv(text, sheet, file_label)


class _Object(dict[str, Any]):
    """A JSON object as parsed, with the keys it repeated (JSON allows it; we must not pick one)."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__()
        self.repeated: list[str] = []
        for key, value in pairs:
            if key in self:
                if key not in self.repeated:
                    self.repeated.append(key)
            else:  # the first one is kept, as for a repeated column or field of a workbook
                self[key] = value


def _repeated_inside(value: Any) -> list[str]:
    """Keys repeated in the objects nested in a cell value (their JSON paths)."""
    found: list[str] = []
    if isinstance(value, _Object):
        found.extend(value.repeated)
        for key, inner in value.items():
            found.extend(f"{key}.{path}" for path in _repeated_inside(inner))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found.extend(f"[{index}].{path}" for path in _repeated_inside(inner))
    return found


def _repeated_key(key: str, where: str, sheet: str = "", row: int | None = None, column: str = "") -> Problem:
    message = (
        f"JSON 中{where}“{key}”出现了不止一次，无法确定应采用哪一个（只读取了第一个）；"
        "请删除重复的键，每个键只写一次后重新报送"
    )
    return Problem("intake.duplicate_key", message, sheet=sheet, row=row, column=column)


def _cell_duplicates(sheet: str, row: int, column: str, value: Any) -> list[Problem]:
    where = f"“{sheet}”第 {row} 行“{column}”的内容里，键"
    return [_repeated_key(path, where, sheet, row, column) for path in _repeated_inside(value)]


def _json_cell(value: Any) -> Any:
    """JSON scalars pass through; nested structures become their JSON text (validation reports them)."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def _records_sheet(name: str, records: list[Any]) -> tuple[RawSheet, list[Problem]]:
    if len(records) > MAX_DATA_ROWS:  # the record after the limit sits on "row" MAX_DATA_ROWS + 2
        return RawSheet(name, failed=True), [too_many_rows(name, MAX_DATA_ROWS + 2)]
    columns: dict[str, None] = {}
    problems: list[Problem] = []
    for index, rec in enumerate(records):
        if isinstance(rec, dict):
            columns.update(dict.fromkeys(str(k) for k in rec))
            row = index + 2
            for key in getattr(rec, "repeated", ()):
                problems.append(_repeated_key(key, f"“{name}”第 {index + 1} 条记录的列", name, row, key))
            for key, value in rec.items():
                problems.extend(_cell_duplicates(name, row, str(key), value))
        else:
            problems.append(
                Problem(
                    "intake.unreadable",
                    f"第 {index + 1} 条记录不是 JSON 对象，已忽略",
                    sheet=name,
                    row=index + 2,
                )
            )
    head = list(columns)
    raw = RawSheet(name, [(1, head)] if head else [], implicit_header=True)
    for index, rec in enumerate(records):
        if isinstance(rec, dict):
            cells = [_json_cell(rec.get(c)) for c in head]
            if not all(is_blank(v) for v in cells):
                raw.rows.append((index + 2, cells))
    return raw, problems


def _fields_sheet(name: str, body: _Object) -> tuple[RawSheet, list[Problem]]:
    """A key/value sheet written as {field: value}: one row per field, numbered like the workbook's."""
    rows = [(index + 2, [key, _json_cell(value)]) for index, (key, value) in enumerate(body.items())]
    problems = [_repeated_key(key, f"“{name}”的字段", name, column=key) for key in body.repeated]
    for row, (key, value) in zip((r for r, _ in rows), body.items(), strict=True):
        problems.extend(_cell_duplicates(name, row, key, value))
    return RawSheet(name, [(1, list(_KV_HEADER)), *rows]), problems


def parse_json(data: bytes) -> tuple[list[RawSheet], list[Problem]]:
    """A JSON document `{sheet: [records] | {field: value}}` as raw sheets.

    A key repeated in any object (two "企业名录", a field twice in "基本信息", a column twice in a
    record, or deeper) is a located error: JSON parsers keep the last one silently, which would let
    a stale copy of a table win. A sheet whose body has the wrong shape is present but failed.
    """
    text, problem = decode_utf8(data, "", "JSON")
    if problem:
        return [], [problem]
    assert text is not None
    try:
        doc = json.loads(text, object_pairs_hook=_Object)
    except json.JSONDecodeError as exc:
        return [], [
            Problem(
                "intake.unreadable",
                f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列（{exc.msg}），请修正后重新报送",
                row=exc.lineno,
            )
        ]
    except (ValueError, RecursionError) as exc:  # e.g. an integer of thousands of digits, deep nesting
        return [], [
            Problem("intake.unreadable", f"JSON 无法读取（{type(exc).__name__}），请检查内容后重新报送")
        ]
    if not isinstance(doc, _Object):  # every JSON object is one (object_pairs_hook)
        return [], [Problem("intake.unreadable", 'JSON 顶层应为对象：{"工作表名": [记录, …], …}')]
    sheets: list[RawSheet] = []
    problems: list[Problem] = [_repeated_key(name, "工作表", name) for name in doc.repeated]
    for name, body in doc.items():
        name = str(name)
        if isinstance(body, _Object):
            raw, found = _fields_sheet(name, body)
        elif isinstance(body, list):
            raw, found = _records_sheet(name, body)
        else:
            raw = RawSheet(name, failed=True)
            found = [Problem("intake.unreadable", f"“{name}”的内容应为记录数组或字段对象", sheet=name)]
        sheets.append(raw)
        problems.extend(found)
    return sheets, problems
