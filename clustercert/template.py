"""The blank submission workbook (SPEC §3.1) that `clustercert template` writes for counties.

Every label, allowed value and help line comes from `clustercert.contract`; the qualitative items
(条件编号) come from the policy file. The workbook reads back through `read_submission` with only
"required value missing" kinds of problems, which the tests check.
"""

from __future__ import annotations

from collections.abc import Sequence
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
from clustercert.policy import PolicyError, QualitativeItem, load_policy

DEFAULT_POLICY = "hlj-2023"
LAST_ROW = 1_048_576  # drop-downs and formats cover whole columns below the header
HEADER_FILL = PatternFill("solid", start_color="DDEBF7")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
TEXT_FORMAT = "@"  # codes (统一社会信用代码, 行政区划代码) must stay text: Excel would round 18 digits
DATE_FORMAT = "yyyy-mm-dd"

# Fallback while the policy file is not bundled: the items of SPEC §4.2 (id, article, title, when).
# The policy file `clustercert/policy/hlj-2023.yaml` is the source; this list must match it.
SPEC_QUALITATIVE_ITEMS: tuple[QualitativeItem, ...] = tuple(
    QualitativeItem(id=i, article=a, title=t, text=t, when=w)
    for i, a, t, w in (
        ("A5.1.pillar", "第五条（一）", "主导产业为县域支柱或特色产业", None),
        ("A5.1.policy_fit", "第五条（一）", "符合省产业政策和行业发展规划", None),
        ("A5.1.ranking", "第五条（一）", "发展水平位居细分领域全省前列", None),
        ("A5.1.brand", "第五条（一）", "集群品牌知名度", None),
        ("A5.2.cultivation", "第五条（二）", "持续开展优质中小企业梯度培育工作", None),
        ("A5.3.coordination", "第五条（三）", "产业链上下游产供销一体化协同协作机制", None),
        ("A5.3.sharing", "第五条（三）", "通用生产设备、物流、仓储、人力、设计等共享机制", None),
        ("A5.4.standards", "第五条（四）", "参加主导产业标准制修订", None),
        ("A5.5.infrastructure", "第五条（五）", "新型信息基础设施、数字化装备和系统应用", None),
        ("A5.5.digital_services", "第五条（五）", "跨企业数字化解决方案、评估和诊断服务", None),
        ("A5.5.data_connectivity", "第五条（五）", "集群企业重要生产数据联通", None),
        ("A5.5.security", "第五条（五）", "工业互联网安全保障体系", None),
        ("A5.6.green_service", "第五条（六）", "绿色低碳服务机制", None),
        ("A5.6.energy_benchmark", "第五条（六）", "能效高于行业基准值", "high_energy_industry"),
        ("A5.6.water_benchmark", "第五条（六）", "水效高于行业基准值", "high_water_industry"),
        ("A5.7.cooperation", "第五条（七）", "参与国际国内合作交流、推动对外贸易", None),
        ("A5.8.management_body", "第五条（八）", "设立管委会等运营管理机构", None),
        ("A5.8.public_service", "第五条（八）", "公共服务体系和集群发展促进机制", None),
        ("A5.8.policy_coverage", "第五条（八）", "惠企政策宣贯全覆盖", None),
    )
)


def qualitative_items(policy: str = DEFAULT_POLICY) -> tuple[QualitativeItem, ...]:
    """The policy's qualitative items; SPEC §4.2's list while the policy file is not bundled yet."""
    try:
        items = load_policy(policy).qualitative_items
    except PolicyError:
        return SPEC_QUALITATIVE_ITEMS
    return items or SPEC_QUALITATIVE_ITEMS


# -- building blocks ---------------------------------------------------------------------------------
def _width(text: str) -> float:
    """Excel column width for `text`: CJK characters are about two units wide."""
    return sum(2.1 if ord(ch) > 0x2E80 else 1.1 for ch in text) + 2


def _header(ws: Worksheet, names: Sequence[str], widths: Sequence[float] = ()) -> None:
    ws.append(list(names))
    for index, name in enumerate(names, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, Alignment(vertical="center", wrap_text=True)
        width = widths[index - 1] if index <= len(widths) else _width(name)
        ws.column_dimensions[get_column_letter(index)].width = min(max(width, 10), 60)
    ws.freeze_panes = "A2"


def _choices(col: Column, items_range: str) -> str | None:
    """The drop-down formula for a column with a fixed set of answers, else None."""
    if col is EVIDENCE.column("item"):
        return items_range  # too long for an inline list (255 characters): a range of the guide
    if col.allowed:
        return '"' + ",".join(col.allowed) + '"'
    return None


def _validate(ws: Worksheet, col: Column, cells: str, items_range: str) -> None:
    formula = _choices(col, items_range)
    if formula is None:
        return
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False)
    dv.error, dv.errorTitle = "请从下拉列表中选择", col.label
    dv.showErrorMessage = True
    if col.help:
        dv.prompt, dv.promptTitle, dv.showInputMessage = col.help[:255], col.label[:32], True
    dv.add(cells)
    ws.add_data_validation(dv)


def _column_format(ws: Worksheet, index: int, col: Column) -> None:
    letter = get_column_letter(index)
    if col.kind == Kind.DATE:
        ws.column_dimensions[letter].number_format = DATE_FORMAT
    elif col.kind == Kind.TEXT:
        ws.column_dimensions[letter].number_format = TEXT_FORMAT


# -- sheets ------------------------------------------------------------------------------------------
def _profile_sheet(ws: Worksheet, year: int, items_range: str) -> None:
    _header(ws, [KEY_VALUE_HEADERS[0][0], KEY_VALUE_HEADERS[1][0], "填写说明"], [28, 36, 60])
    for row, col in enumerate(PROFILE.columns, start=2):
        value = year if col.key == "campaign_year" else None
        mark = "" if col.required else "（选填）"
        ws.append([col.label, value, f"{col.help}{mark}"])
        cell = ws.cell(row=row, column=2)
        if col.kind == Kind.DATE:
            cell.number_format = DATE_FORMAT
        elif col.kind == Kind.TEXT:
            cell.number_format = TEXT_FORMAT
        _validate(ws, col, f"B{row}", items_range)


def _table_sheet(ws: Worksheet, sheet: Sheet, items_range: str) -> None:
    _header(ws, [c.label for c in sheet.columns])
    for index, col in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        _column_format(ws, index, col)
        _validate(ws, col, f"{letter}2:{letter}{LAST_ROW}", items_range)


def _annual_sheet(ws: Worksheet, year: int, items_range: str) -> None:
    _table_sheet(ws, ANNUAL, items_range)
    for offset in (3, 2, 1):
        ws.append([year - offset])


def _evidence_sheet(ws: Worksheet, items: Sequence[QualitativeItem], items_range: str) -> None:
    _table_sheet(ws, EVIDENCE, items_range)
    for item in items:
        ws.append([item.id])


def _instructions(ws: Worksheet, year: int, items: Sequence[QualitativeItem]) -> str:
    """填表说明: units, code and date rules, every sheet's columns, and the qualitative items.

    Returns the range of the item ids, which the 条件编号 drop-down lists."""
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 34
    ws.column_dimensions["C"].width = 14
    ws.column_dimensions["D"].width = 70
    lines = [
        [f"中小企业特色产业集群申报书 填表说明（申报年度 {year}）"],
        [],
        ["通用要求"],
        ["工作表", "请勿删除、改名任何工作表，也不要修改表头；没有数据的工作表也须保留表头。"],
        ["金额单位", "金额一律以万元为单位填写数字，如 15亿元 填 150000；不要填写“万元”“亿元”等文字。"],
        ["百分数", "百分数只填数字：65 表示 65%，不要带 % 号，也不要填 0.65。"],
        ["日期", "日期格式为 年-月-日，如 2026-06-30（也可使用 Excel 日期格式的单元格）。"],
        ["是/否", "是/否类栏目只填“是”或“否”。"],
        [
            "统一社会信用代码",
            "18 位，由数字和大写字母组成（不使用 I、O、Z、S、V），末位为校验码（GB 32100-2015）；"
            "第一位可以是字母（如 A、N、Y），不要求前八位为数字。请按营业执照原样填写，单元格为文本格式。",
        ],
        ["经营指标", f"填写 {year - 3}、{year - 2}、{year - 1} 三个年度，每年一行，三行均须填写。"],
        [],
        ["各工作表栏目"],
    ]
    for line in lines:
        ws.append(line)
    ws["A1"].font = Font(bold=True, size=14)
    for sheet in SUBMISSION.sheets:
        ws.append([])
        ws.append([f"{sheet.label}（{sheet.key}）", sheet.help])
        ws.cell(row=ws.max_row, column=1).font = BOLD
        ws.append(["栏目", "必填", "单位/可选值", "说明"])
        for col in sheet.columns:
            allowed = "、".join(col.allowed) if col.allowed and col.kind != Kind.YES_NO else ""
            if col is EVIDENCE.column("item"):
                allowed = "见下方条件编号清单"
            ws.append([col.label, "是" if col.required else "选填", col.unit or allowed or "", col.help])
    ws.append([])
    ws.append(["定性条件编号清单（第五条）：在“定性条件”工作表中每项一行，填写是否具备及佐证材料"])
    ws.cell(row=ws.max_row, column=1).font = BOLD
    ws.append(["条件编号", "条件", "条款", "条件内容"])
    first = ws.max_row + 1
    for item in items:
        text = item.text
        if item.when:
            text += f"（仅当基本信息中“{PROFILE.column(item.when).label}”为“是”时须具备）"
        ws.append([item.id, item.title, item.article, text])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = WRAP
    return f"'{INSTRUCTIONS_SHEET}'!$A${first}:$A${ws.max_row}"


def write_template(path: Path, year: int, *, items: Sequence[QualitativeItem] | None = None) -> Path:
    """Write the blank 申报书 for campaign year `year` to `path` (.xlsx) and return `path`."""
    items = tuple(items) if items is not None else qualitative_items()
    book = XlWorkbook()
    guide = book.active
    guide.title = INSTRUCTIONS_SHEET
    items_range = _instructions(guide, year, items)
    for sheet in SUBMISSION.sheets:
        ws = book.create_sheet(sheet.label)
        if sheet is PROFILE:
            _profile_sheet(ws, year, items_range)
        elif sheet is ANNUAL:
            _annual_sheet(ws, year, items_range)
        elif sheet is EVIDENCE:
            _evidence_sheet(ws, items, items_range)
        else:
            _table_sheet(ws, sheet, items_range)
    book.active = 1  # open on 基本信息; the guide is one tab to the left
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
