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


def _json_cell(value: Any) -> Any:
    """JSON scalars pass through; nested structures become their JSON text (validation reports them)."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def _records_sheet(name: str, records: list[Any]) -> tuple[RawSheet, list[Problem]]:
    columns: dict[str, None] = {}
    problems: list[Problem] = []
    for index, rec in enumerate(records):
        if isinstance(rec, dict):
            columns.update(dict.fromkeys(str(k) for k in rec))
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


def parse_json(data: bytes) -> tuple[list[RawSheet], list[Problem]]:
    """A JSON document `{sheet: [records] | {field: value}}` as raw sheets."""
    text, problem = decode_utf8(data, "", "JSON")
    if problem:
        return [], [problem]
    assert text is not None
    try:
        doc = json.loads(text)
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
    if not isinstance(doc, dict):
        return [], [Problem("intake.unreadable", 'JSON 顶层应为对象：{"工作表名": [记录, …], …}')]
    sheets: list[RawSheet] = []
    problems: list[Problem] = []
    for name, body in doc.items():
        name = str(name)
        if isinstance(body, dict):  # a key/value sheet written as {field: value}
            rows = [(index + 2, [key, _json_cell(value)]) for index, (key, value) in enumerate(body.items())]
            sheets.append(RawSheet(name, [(1, list(_KV_HEADER)), *rows]))
        elif isinstance(body, list):
            raw, found = _records_sheet(name, body)
            sheets.append(raw)
            problems.extend(found)
        else:
            problems.append(Problem("intake.unreadable", f"“{name}”的内容应为记录数组或字段对象", sheet=name))
    return sheets, problems
