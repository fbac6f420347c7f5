"""Read what was received: find submissions in an inbox, archive them, and turn them into tables.

`read_submission` and `read_table` never raise for bad input: whatever cannot be read becomes an
`Issue` located as precisely as the file allows. The raw bytes are archived before any parsing, and
parsing reads the archived copy, so what was validated is exactly what was kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from clustercert.contract import SUBMISSION, Sheet, Workbook
from clustercert.intake.archive import MAX_RAW_BYTES, Archive, sha256_file, utc_now
from clustercert.intake.csvjson import parse_json, read_csv_file
from clustercert.intake.normalise import header_form
from clustercert.intake.raw import ACCEPTED, WARNING, Problem, RawSheet
from clustercert.intake.sheets import assemble, empty_frame, table_frame
from clustercert.intake.xlsx import read_xlsx
from clustercert.issue import Issue
from clustercert.submission import SourceFile, Submission, make_submission_id

# Fields of a key/value sheet that name a submission (submission workbook, monitoring workbook).
ID_YEAR_FIELDS = ("campaign_year", "report_year")
ID_CODE_FIELDS = ("county_code", "prefecture_code")
Parsed = tuple[list[RawSheet], list[Problem], bool]  # sheets, problems, whether anything was read


def _hidden(name: str) -> bool:
    return name.startswith((".", "~$"))


def _visible_files(folder: Path) -> list[Path]:
    return sorted((p for p in folder.iterdir() if p.is_file() and not _hidden(p.name)), key=lambda p: p.name)


def discover_submissions(inbox: Path) -> list[Path]:
    """Everything in `inbox` that was sent as a submission, sorted by name.

    `.xlsx` and `.json` files and folders (of CSV files) — and any other visible file too, so that a
    `.xls` or `.docx` sent by mistake is answered with an error instead of being silently skipped.
    Hidden files, Office lock files (`~$…`) and empty folders are ignored.
    """
    inbox = Path(inbox)
    if not inbox.is_dir():
        return []
    found = []
    for entry in sorted(inbox.iterdir(), key=lambda p: p.name):
        if _hidden(entry.name):
            continue
        if entry.is_dir():
            if _visible_files(entry):
                found.append(entry)
        elif entry.is_file():
            found.append(entry)
    return found


# -- receiving ---------------------------------------------------------------------------------------
def _receive_file(path: Path, name: str, archive: Archive | None) -> SourceFile:
    if archive is not None:
        return archive.store(path, name)
    sha, size = sha256_file(path)
    return SourceFile(name, sha, size, utc_now(), "")


def _folder_sha256(sources: list[SourceFile]) -> str:
    """A CSV folder's SHA-256: of its sorted (file name, file SHA-256) lines."""
    lines = sorted(f"{s.name.split('/', 1)[1]}\t{s.sha256}\n" for s in sources)
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def _receive(path: Path, archive: Archive | None) -> tuple[list[SourceFile], str]:
    """Archive the file (or every file of a CSV folder) and give the submission's SHA-256."""
    if path.is_dir():
        sources = [_receive_file(p, f"{path.name}/{p.name}", archive) for p in _visible_files(path)]
        return sources, _folder_sha256(sources)
    source = _receive_file(path, path.name, archive)
    return [source], source.sha256


def content_sha256(path: Path) -> str:
    """The SHA-256 a submission at `path` gets (a file's, or a CSV folder's), without archiving it."""
    return _receive(Path(path), None)[1]


def _too_large(source: SourceFile, limit: int, sheet: str = "") -> Problem | None:
    if source.size <= limit:
        return None
    mib = 1024 * 1024
    msg = (
        f"文件“{source.name}”过大（{source.size / mib:.1f} MiB，上限 {limit / mib:.0f} MiB），已拒绝读取；"
        "请删除多余内容（如图片、无关工作表）后重新报送"
    )
    return Problem("intake.too_large", msg, sheet=sheet)


def _readable_path(source: SourceFile, original: Path) -> Path:
    return Path(source.archived_path) if source.archived_path else original


# -- parsing by format -------------------------------------------------------------------------------
def _parse_xlsx(path: Path, sources: list[SourceFile], limit: int) -> Parsed:
    problem = _too_large(sources[0], limit)
    if problem:
        return [], [problem], False
    raws, problems = read_xlsx(_readable_path(sources[0], path))
    return raws, problems, bool(raws)  # a sheet refused for its size does not stop the others


def _parse_json(path: Path, sources: list[SourceFile], limit: int) -> Parsed:
    problem = _too_large(sources[0], limit)
    if problem is None and sources[0].size == 0:
        problem = Problem("intake.empty_file", "文件为空（0 字节），请重新导出后报送")
    if problem:
        return [], [problem], False
    raws, problems = parse_json(_readable_path(sources[0], path).read_bytes())
    # `{}` is a readable document with no sheets: the sheet matcher then names every missing one
    return raws, problems, bool(raws) or not problems


def _parse_csv_folder(path: Path, sources: list[SourceFile], limit: int, workbook: Workbook) -> Parsed:
    labels = {header_form(s.label): s.label for s in workbook.sheets} | {
        header_form(s.key): s.label for s in workbook.sheets
    }
    raws: list[RawSheet] = []
    problems: list[Problem] = []
    for source, file in zip(sources, _visible_files(path), strict=True):
        if file.suffix.lower() != ".csv":
            msg = f"文件夹中的“{file.name}”不是 CSV 文件，已忽略；每个工作表应保存为一个 .csv 文件"
            problems.append(Problem("intake.unsupported_type", msg, WARNING))
            continue
        sheet = labels.get(header_form(file.stem), file.stem)
        problem = _too_large(source, limit, sheet)
        if problem:
            raws.append(RawSheet(file.stem, failed=True))
            problems.append(problem)
            continue
        raw, found = read_csv_file(_readable_path(source, file), sheet, file.name)
        raws.append(raw if raw is not None else RawSheet(file.stem, failed=True))
        if raw is not None:
            raw.name = file.stem
        problems.extend(found)
    if not raws:
        msg = f"文件夹“{path.name}”中没有 CSV 文件；{ACCEPTED}"
        return [], [*problems, Problem("intake.unsupported_type", msg)], False
    return raws, problems, True


def _unsupported(path: Path) -> Problem:
    suffix = path.suffix.lower()
    if suffix == ".xls":
        msg = "不支持旧版 Excel 97-2003（.xls）格式，请在 Excel 中“另存为” .xlsx 格式后重新报送"
    elif suffix == ".csv":
        msg = "单个 CSV 文件不能作为完整报送：请将每个工作表保存为一个 UTF-8 CSV 文件（文件名为工作表名），放在同一文件夹中报送，或使用 .xlsx"
    else:
        msg = f"不支持的文件类型“{suffix or '无扩展名'}”，{ACCEPTED}"
    return Problem("intake.unsupported_type", msg)


def _parse(path: Path, sources: list[SourceFile], limit: int, workbook: Workbook) -> Parsed:
    suffix = path.suffix.lower()
    readers: dict[str, Callable[[Path, list[SourceFile], int], Parsed]] = {
        ".xlsx": _parse_xlsx,
        ".json": _parse_json,
    }
    if path.is_dir():
        return _parse_csv_folder(path, sources, limit, workbook)
    if suffix in readers:
        return readers[suffix](path, sources, limit)
    return [], [_unsupported(path)], False


# -- public ------------------------------------------------------------------------------------------
def _id_part(tables: dict[str, pd.DataFrame], fields: tuple[str, ...]) -> str | None:
    for frame in tables.values():
        for key in fields:
            if key in frame.columns and len(frame) == 1 and frame.iloc[0][key]:
                return str(frame.iloc[0][key])
    return None


def read_submission(
    path: Path,
    *,
    archive: Archive | None = None,
    campaign_year: int | None = None,
    workbook: Workbook = SUBMISSION,
    max_bytes: int | None = None,
) -> Submission:
    """Archive and read one submission (`.xlsx`, CSV folder or JSON); problems become `issues`.

    Works for any `contract.Workbook` (e.g. `contract.MONITORING`). `max_bytes` defaults to the
    archive's limit (50 MiB). Missing sheets and columns are absent from `tables` (reported as errors).
    """
    path = Path(path)
    limit = max_bytes or (archive.max_bytes if archive else MAX_RAW_BYTES)
    try:
        sources, sha = _receive(path, archive)
    except OSError as exc:
        sha = hashlib.sha256(str(path).encode("utf-8")).hexdigest()
        msg = f"无法读取文件（{type(exc).__name__}：权限不足或文件已被移走），请检查后重新放入收件目录"
        problem = Problem("intake.unreadable", msg)
        sid = make_submission_id(campaign_year, None, sha)
        return Submission(sid, path.name, sha, issues=[problem.to_issue(sid, path.name)])
    raws, problems, readable = _parse(path, sources, limit, workbook)
    tables: dict[str, pd.DataFrame] = {}
    field_rows: dict[str, dict[str, int]] = {}
    if readable:
        tables, field_rows, found = assemble(raws, workbook)
        problems = [*problems, *found]
    year = campaign_year or _id_part(tables, ID_YEAR_FIELDS)
    sid = make_submission_id(year, _id_part(tables, ID_CODE_FIELDS), sha)
    issues = [p.to_issue(sid, path.name) for p in problems]
    return Submission(sid, path.name, sha, sources, tables, field_rows, issues)


def read_table(
    path: Path, sheet: Sheet, *, max_bytes: int = MAX_RAW_BYTES
) -> tuple[pd.DataFrame, list[Issue]]:
    """One §3.2 table (`contract.TABLES`) from `.xlsx` (the sheet named by label/key, else the first),
    `.csv` or `.json` (`{"<key or label>": [records]}`); columns are English keys plus `_row`."""
    path = Path(path)
    suffix = path.suffix.lower()
    problems: list[Problem] = []
    raws: list[RawSheet] = []
    try:
        source = SourceFile(path.name, "", path.stat().st_size, "", "")
    except OSError:
        problems.append(Problem("intake.unreadable", "无法读取文件（权限不足或文件不存在）"))
        source = None
    if source is not None and (problem := _too_large(source, max_bytes, sheet.label)):
        problems.append(problem)
    elif source is not None and suffix == ".csv":
        raw, problems = read_csv_file(path, sheet.label, path.name)
        raws = [raw] if raw is not None else []
    elif source is not None and suffix == ".xlsx":
        raws, problems = read_xlsx(path)
    elif source is not None and suffix == ".json":
        raws, problems = parse_json(path.read_bytes())
    elif source is not None:
        problems.append(_unsupported(path))
    names = {header_form(sheet.label), header_form(sheet.key)}
    chosen = next((r for r in raws if header_form(r.name) in names), raws[0] if raws else None)
    frame = empty_frame(sheet)
    if chosen is not None and not chosen.failed:
        frame, found = table_frame(sheet, chosen)
        problems = [*problems, *found]
    return frame, [p.to_issue("", path.name) for p in problems]
