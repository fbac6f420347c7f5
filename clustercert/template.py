"""The blank submission workbook (SPEC §3.1) that `clustercert template` writes for counties.

Every label, allowed value and help line comes from `clustercert.contract`; the qualitative items
(条件编号, with their titles) come from the policy file. The workbook reads back through
`read_submission` with only "required value missing" kinds of problems, which the tests check. It is
laid out for a county clerk in Excel or LibreOffice (columns as wide as their content, every sheet
printing one page wide with its header row repeated) and has the same bytes for the same year.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook as XlWorkbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from clustercert.contract import (
    ANNUAL,
    EVIDENCE,
    KEY_VALUE_HEADERS,
    PROFILE,
    SUBMISSION,
    Column,
    Kind,
    Sheet,
)
from clustercert.intake.sheets import INSTRUCTIONS_SHEET
from clustercert.policy import QualitativeItem, load_policy
from clustercert.xlsx_layout import PADDING, fit_columns, fit_rows, print_setup, save_reproducible, text_width

DEFAULT_POLICY = "hlj-2023"
CREATOR = "clustercert"
LAST_ROW = 1_048_576  # drop-downs and formats cover whole columns below the header
HEADER_FILL = PatternFill("solid", start_color="DDEBF7")
REFERENCE_FILL = PatternFill("solid", start_color="F2F2F2")  # read-only text the county need not fill
BOLD = Font(bold=True)
TEXT_FORMAT = "@"  # codes (统一社会信用代码, 行政区划代码) must stay text: Excel would round 18 digits
DATE_FORMAT = "yyyy-mm-dd"

# Room for what counties type into the cells the template leaves empty (column width units).
TYPED_ROOM = {"uscc": 22.0, "name": 36.0, "description": 50.0, "evidence": 50.0}
ROOM_BY_KIND = {Kind.DATE: 13.0, Kind.INTEGER: 10.0, Kind.AMOUNT: 14.0, Kind.PERCENT: 10.0, Kind.TEXT: 24.0}
HEADER_WRAP = 18.0  # a number, date or 是/否 column's header wraps rather than widen the column
PROFILE_VALUE_ROOM = 36.0  # 内容: names of the cluster, the operator, the applicant
REFERENCE_CAP = 64.0  # 条件内容: an article and a title on one line; the conditional items wrap


def qualitative_items(policy: str = DEFAULT_POLICY) -> tuple[QualitativeItem, ...]:
    """The policy's qualitative items (the 条件编号 of the 定性条件 sheet), in the regulation's order."""
    return load_policy(policy).qualitative_items


def item_reference(item: QualitativeItem) -> str:
    """The 条件内容 shown beside an id: its article and title, and when it applies if conditional."""
    text = f"{item.article} {item.title}"
    if item.when:
        text += f"（仅当基本信息中“{PROFILE.column(item.when).label}”为“是”时须具备）"
    return text


# -- building blocks ---------------------------------------------------------------------------------
def _room(col: Column) -> float:
    """Width for what goes into `col`: typed text, or its longest drop-down choice."""
    if col.choices:
        return max(text_width(c) for c in col.choices) + PADDING + 2  # + the drop-down arrow
    return TYPED_ROOM.get(col.key, ROOM_BY_KIND.get(col.kind, ROOM_BY_KIND[Kind.TEXT]))


def _header(ws: Worksheet, names: Sequence[str]) -> None:
    ws.append(list(names))
    for cell in ws[1]:
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, Alignment(vertical="center")
    ws.freeze_panes = "A2"


def _choices(col: Column, items_range: str) -> str | None:
    """The drop-down formula for a column with a fixed set of answers, else None."""
    if col is EVIDENCE.column("item"):
        return items_range  # too long for an inline list (255 characters): a range of the guide
    if col.choices:
        return '"' + ",".join(col.choices) + '"'
    return None


def _prompt(dv: DataValidation, col: Column) -> None:
    if col.help:
        dv.prompt, dv.promptTitle, dv.showInputMessage = col.help[:255], col.label[:32], True


def _validate(ws: Worksheet, col: Column, cells: str, items_range: str) -> None:
    formula = _choices(col, items_range)
    if formula is None:
        return
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False)
    dv.error, dv.errorTitle = "请从下拉列表中选择", col.label
    dv.showErrorMessage = True
    _prompt(dv, col)
    dv.add(cells)
    ws.add_data_validation(dv)


def _column_format(ws: Worksheet, index: int, col: Column) -> None:
    letter = get_column_letter(index)
    if col.kind == Kind.DATE:
        ws.column_dimensions[letter].number_format = DATE_FORMAT
    elif col.kind == Kind.TEXT:
        ws.column_dimensions[letter].number_format = TEXT_FORMAT


def _layout(sheet: Sheet) -> list[tuple[Column, bool]]:
    """The columns as the template shows them: reference columns right after the code they explain."""
    first, *rest = sheet.columns
    return [(first, False), *((c, True) for c in sheet.reference_columns), *((c, False) for c in rest)]


# -- sheets ------------------------------------------------------------------------------------------
def _profile_sheet(ws: Worksheet, year: int, items_range: str) -> None:
    _header(ws, [KEY_VALUE_HEADERS[0][0], KEY_VALUE_HEADERS[1][0], "填写说明"])
    for row, col in enumerate(PROFILE.columns, start=2):
        value = year if col.key == "campaign_year" else None
        mark = "" if col.required else "（选填）"
        ws.append([col.label, value, f"{col.help}{mark}"])
        cell = ws.cell(row=row, column=2)
        cell.alignment = Alignment(horizontal="left")
        if col.kind == Kind.DATE:
            cell.number_format = DATE_FORMAT
        elif col.kind == Kind.TEXT:
            cell.number_format = TEXT_FORMAT
        _validate(ws, col, f"B{row}", items_range)
    fit_columns(ws, room={2: PROFILE_VALUE_ROOM}, caps={3: 60.0})
    fit_rows(ws)


def _table_sheet(
    ws: Worksheet, sheet: Sheet, items_range: str, rows: Sequence[Sequence[object]] = ()
) -> None:
    """A list sheet: header, formats and drop-downs down the columns, prefilled `rows`, fitted widths."""
    layout = _layout(sheet)
    _header(ws, [c.label for c, _ in layout])
    for values in rows:
        ws.append(list(values))
        for cell in ws[ws.max_row]:
            cell.alignment = Alignment(vertical="top")
    room: dict[int, float] = {}
    caps: dict[int, float] = {}
    for index, (col, reference) in enumerate(layout, start=1):
        cells = f"{get_column_letter(index)}2:{get_column_letter(index)}{LAST_ROW}"
        if reference:
            dv = DataValidation(allow_blank=True)  # no rule: only the note shown when a cell is selected
            _prompt(dv, col)
            dv.add(cells)
            ws.add_data_validation(dv)
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.fill = REFERENCE_FILL
            caps[index] = REFERENCE_CAP
            continue
        _column_format(ws, index, col)
        _validate(ws, col, cells, items_range)
        room[index] = _room(col)
        if col.kind != Kind.TEXT:
            caps[index] = max(room[index], HEADER_WRAP)
    fit_columns(ws, room=room, caps=caps)
    fit_rows(ws)


# -- 填表说明 ------------------------------------------------------------------------------------------
GUIDE_CAPS = {1: 34.0, 2: 15.0, 3: 34.0, 4: 56.0}  # 栏目/条件编号 · 必填/条款 · 可选值/条件 · 说明/条件内容


def _guide_line(ws: Worksheet, *values: object, bold: bool = False, merge_from: int | None = None) -> None:
    """One line of the guide; `merge_from` spans its last value from that column to column D."""
    ws.append(list(values))
    row = ws.max_row
    if merge_from is not None:
        ws.merge_cells(start_row=row, start_column=merge_from, end_row=row, end_column=len(GUIDE_CAPS))
    for cell in ws[row]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = BOLD


def _guide_header(ws: Worksheet, *names: str) -> None:
    _guide_line(ws, *names, bold=True)
    for cell in ws[ws.max_row]:
        cell.fill = HEADER_FILL


def _instructions(ws: Worksheet, year: int, items: Sequence[QualitativeItem]) -> str:
    """填表说明: units, code and date rules, every sheet's columns, and the qualitative items.

    Returns the range of the item ids, which the 条件编号 drop-down lists."""
    _guide_line(ws, f"中小企业特色产业集群申报书 填表说明（申报年度 {year}）", merge_from=1)
    ws["A1"].font = Font(bold=True, size=14)
    ws.row_dimensions[1].height = 24  # merged: no application sizes it
    ws.append([])
    _guide_line(ws, "通用要求", bold=True)
    general = [
        ("工作表", "请勿删除、改名任何工作表，也不要修改表头；没有数据的工作表也须保留表头。"),
        ("金额单位", "金额一律以万元为单位填写数字，如 15亿元 填 150000；不要填写“万元”“亿元”等文字。"),
        ("百分数", "百分数只填数字：65 表示 65%，不要带 % 号，也不要填 0.65。"),
        ("日期", "日期格式为 年-月-日，如 2026-06-30（也可使用 Excel 日期格式的单元格）。"),
        ("是/否", "是/否类栏目只填“是”或“否”。"),
        (
            "统一社会信用代码",
            "18 位，由数字和大写字母组成（不使用 I、O、Z、S、V），末位为校验码（GB 32100-2015）；"
            "第一位可以是字母（如 A、N、Y），不要求前八位为数字。请按营业执照原样填写，单元格为文本格式。",
        ),
        ("经营指标", f"填写 {year - 3}、{year - 2}、{year - 1} 三个年度，每年一行，三行均须填写。"),
        ("灰底栏目", "灰色底纹的栏目（如定性条件表的“条件内容”）供对照阅读，无需填写，改动也不影响申报。"),
    ]
    for topic, text in general:
        _guide_line(ws, topic, text, merge_from=2)
    ws.append([])
    _guide_line(ws, "各工作表栏目", bold=True)
    for sheet in SUBMISSION.sheets:
        ws.append([])
        _guide_line(ws, f"{sheet.label}（{sheet.key}）", sheet.help, bold=True, merge_from=2)
        _guide_header(ws, "栏目", "必填", "单位/可选值", "说明")
        for col, reference in _layout(sheet):
            allowed = "、".join(col.choices) if col.choices and col.kind != Kind.YES_NO else ""
            if col is EVIDENCE.column("item"):
                allowed = "见下方条件编号清单"
            needed = "无需填写" if reference else "是" if col.required else "选填"
            _guide_line(ws, col.label, needed, col.unit or allowed or "", col.help)
    ws.append([])
    _guide_line(
        ws,
        "定性条件编号清单（第五条）：在“定性条件”工作表中每项一行，填写是否具备及佐证材料",
        bold=True,
        merge_from=1,
    )
    _guide_header(ws, "条件编号", "条款", "条件", "条件内容（办法原文）")
    first = ws.max_row + 1
    for item in items:
        text = item.text
        if item.when:
            text += f"（仅当基本信息中“{PROFILE.column(item.when).label}”为“是”时须具备）"
        _guide_line(ws, item.id, item.article, item.title, text)
    fit_columns(ws, caps=GUIDE_CAPS)
    fit_rows(ws)
    return f"'{INSTRUCTIONS_SHEET}'!$A${first}:$A${ws.max_row}"


def write_template(path: Path, year: int, *, items: Sequence[QualitativeItem] | None = None) -> Path:
    """Write the blank 申报书 for campaign year `year` to `path` (.xlsx) and return `path`.

    The same year (and items) always gives the same bytes: the document is dated 1 January of `year`."""
    items = tuple(items) if items is not None else qualitative_items()
    book = XlWorkbook()
    guide = book.active
    guide.title = INSTRUCTIONS_SHEET
    items_range = _instructions(guide, year, items)
    print_setup(guide, gridlines=False)
    for sheet in SUBMISSION.sheets:
        ws = book.create_sheet(sheet.label)
        if sheet is PROFILE:
            _profile_sheet(ws, year, items_range)
        elif sheet is ANNUAL:
            _table_sheet(ws, sheet, items_range, [[year - offset] for offset in (3, 2, 1)])
        elif sheet is EVIDENCE:
            _table_sheet(ws, sheet, items_range, [[item.id, item_reference(item)] for item in items])
        else:
            _table_sheet(ws, sheet, items_range)
        print_setup(ws)
    book.active = 1  # open on 基本信息; the guide is one tab to the left
    book.properties.title = f"中小企业特色产业集群申报书（{year}年度）"
    return save_reproducible(book, path, datetime(year, 1, 1), creator=CREATOR)
