"""How much of a file intake reads: size limits that keep one file from stalling a whole campaign.

These are operating limits, not rules of the regulation (so they live here, not in the policy file).
A county's 企业名录 holds hundreds of rows; a province's largest cluster a few thousand.
"""

from __future__ import annotations

from clustercert.intake.raw import Problem

MAX_DATA_ROWS = 50_000  # data rows per sheet, below its header row (CSV: lines; JSON: records)
HEADER_ROW = 1  # where the limit is counted from in a workbook: the template's header row
LAST_ROW = HEADER_ROW + MAX_DATA_ROWS  # the last Excel row (CSV line, JSON record row) that is read


def too_many_rows(sheet: str, row: int, *, declared: int | None = None) -> Problem:
    """The located refusal of a sheet whose rows run past `LAST_ROW` (`row` is the first one beyond)."""
    found = f"（工作表声明的范围到第 {declared} 行）" if declared else ""
    message = (
        f"工作表“{sheet}”第 {row} 行起超出了每个工作表最多 {MAX_DATA_ROWS} 行数据的上限{found}，该工作表未读取；"
        "请删除表格下方多余的行（包括空白但设置了格式的行），或核实是否误粘贴了其他数据后重新报送"
    )
    return Problem("intake.too_many_rows", message, sheet=sheet, row=row)
