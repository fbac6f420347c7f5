"""Open an `.xlsx` file defensively and return its sheets as raw rows.

Everything a county might send by mistake (an empty file, a renamed text file, an old `.xls`, a
password-protected workbook) and everything hostile (zip bombs, XML entity bombs, absurd sheet
dimensions) becomes a `Problem`, never an exception. The checks run on the bytes and the zip
directory *before* openpyxl sees the file; openpyxl itself parses XML through defusedxml.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import openpyxl
from defusedxml import DefusedXmlException

from clustercert.intake.raw import ACCEPTED, Problem, RawSheet, is_blank

if not openpyxl.DEFUSEDXML:  # pragma: no cover - a configuration bug, not bad input
    raise RuntimeError("openpyxl must parse XML with defusedxml (unset OPENPYXL_DEFUSEDXML=False)")

CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # OLE2 compound file: .xls, or an encrypted .xlsx
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")  # directory entry of an encrypted OOXML file

MAX_UNCOMPRESSED = 512 * 1024 * 1024  # all parts of the zip together, as declared in its directory
MAX_RATIO = 200  # uncompressed / compressed, for parts above RATIO_FLOOR
RATIO_FLOOR = 8 * 1024 * 1024
MAX_ENTRIES = 10_000
MAX_COLUMNS = 64  # cells right of this are not read: no sheet of the contract is wider than 12


def sniff(path: Path, data_head: bytes | None = None) -> Problem | None:
    """Problems visible from the bytes alone (empty, encrypted, old format, not a zip)."""
    if data_head is None:
        with path.open("rb") as fh:
            data_head = fh.read(8)
    head = data_head
    if not head:
        return Problem("intake.empty_file", "文件为空（0 字节），请重新导出并报送完整的工作簿")
    if head.startswith(CFB_MAGIC):
        if ENCRYPTION_STREAM in path.read_bytes():
            return Problem("intake.encrypted", "文件已加密（设置了打开密码），无法读取，请取消密码后重新报送")
        return Problem(
            "intake.unsupported_type",
            "文件实际为旧版 Excel 97-2003（.xls）格式，请在 Excel 中“另存为” .xlsx 格式后重新报送",
        )
    if not head.startswith(ZIP_MAGIC):
        return Problem(
            "intake.unreadable",
            f"文件不是有效的 Excel 工作簿（.xlsx），可能是改了扩展名的其他文件；{ACCEPTED}",
        )
    return None


def check_zip(path: Path) -> Problem | None:
    """Refuse corrupt zips, non-workbook zips and zip bombs before decompressing anything."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return Problem("intake.unreadable", "文件已损坏，无法作为 .xlsx 工作簿打开，请重新导出后报送")
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        return Problem(
            "intake.unreadable",
            f"文件不是 Excel 工作簿（可能是改了扩展名的 Word 文档或其他压缩包）；{ACCEPTED}",
        )
    total = sum(i.file_size for i in infos)
    bomb = any(i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos)
    if len(infos) > MAX_ENTRIES or total > MAX_UNCOMPRESSED or bomb:
        return Problem(
            "intake.too_large",
            f"工作簿解压后过大（{total // (1024 * 1024)} MiB）或压缩比异常，已拒绝读取；"
            "请删除多余内容、另存为新的 .xlsx 后重新报送",
        )
    return None


def read_xlsx(path: Path) -> tuple[list[RawSheet], list[Problem]]:
    """All worksheets of the workbook at `path` as raw rows (Excel row numbers kept)."""
    problem = sniff(path) or check_zip(path)
    if problem:
        return [], [problem]
    sheets: list[RawSheet] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "data validation extension not supported" and the like
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            try:
                for ws in book.worksheets:
                    ws.reset_dimensions()  # the declared dimension may lie (too small or absurdly large)
                    rows = [
                        (number, values)
                        for number, values in enumerate(
                            ws.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1
                        )
                        if not all(is_blank(v) for v in values)
                    ]
                    sheets.append(RawSheet(str(ws.title), rows))
            finally:
                book.close()
    except Exception as exc:  # noqa: BLE001 - hostile or broken input must become a located error
        return [], [_unreadable(exc)]
    return sheets, []


def _unreadable(exc: BaseException) -> Problem:
    kind = type(exc).__name__
    chain: list[BaseException] = []
    while exc is not None and len(chain) < 10:  # openpyxl wraps defusedxml's refusal in a ValueError
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    if any(isinstance(e, DefusedXmlException) for e in chain):
        return Problem(
            "intake.unreadable", "工作簿含有不安全的 XML 内容（实体或外部引用），已拒绝读取；请重新导出后报送"
        )
    return Problem(
        "intake.unreadable",
        f"工作簿无法读取（{kind}），文件可能已损坏，请在 Excel 中另存为新的 .xlsx 后重新报送",
    )
