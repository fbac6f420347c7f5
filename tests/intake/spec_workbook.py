"""A submission workbook written cell by cell with openpyxl, straight from SPEC §3.1.

Nothing of the project builds it (no contract, no workbook writer, no samples): the sheet names,
headers and field names below are copied from the SPEC, so a test that reads it back checks the
reader against the specification, not against itself. Tests change the rows before saving.

Import as `from spec_workbook import ...` in tests/intake, `from intake.spec_workbook import ...`
elsewhere (tests/ is on sys.path through the root conftest).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl

# Real, published codes (check characters verified by hand against GB 32100-2015).
USCC = (
    "914403001922038216",
    "91440300708461136T",
    "91330100716105852F",
    "91110108551385082Q",
    "91440300192317458F",
    "91110000802100433B",
    "91110000710926094P",
)

HEADERS: dict[str, list[str]] = {
    "经营指标": [
        "年度",
        "集群总产值（万元）",
        "中小企业产值（万元）",
        "主导产业产值（万元）",
        "中小企业研发经费（万元）",
        "有效发明专利（件）",
        "从业人员（人）",
        "工业互联网平台应用普及率（%）",
        "工业软件应用率（%）",
        "能源消费强度（吨标准煤/万元）",
    ],
    "企业名录": ["统一社会信用代码", "企业名称", "企业规模", "是否属于主导产业", "上年度产值（万元）"],
    "梯度培育": ["统一社会信用代码", "称号", "级别", "有效期至"],
    "安全合规": ["发生日期", "统一社会信用代码", "类型", "等级", "说明"],
    "定性条件": ["条件编号", "是否具备", "佐证材料"],
    "发展规划": ["指标", "基期值", "目标年度", "目标值"],
}
SHEET_ORDER = ("基本信息", *HEADERS)


def profile_rows(year: int = 2026, **changes: Any) -> dict[str, Any]:
    """基本信息 as field → value, in the SPEC's order; a value of None drops the field's row."""
    fields: dict[str, Any] = {
        "申报年度": year,
        "申报类型": "新申报",
        "原认定编号": "",
        "集群名称": "尚志市食品加工产业集群",
        "所在县（市、区）代码": "230183",
        "所在县（市、区）名称": "尚志市",
        "具体位置": "尚志经济开发区",
        "主导产业": "食品加工",
        "主导产业行业代码": "C1469",
        "是否高耗能行业": "否",
        "是否高用水行业": "否",
        "占地面积（平方公里）": 35.5,
        "运营管理机构": "尚志经济开发区管理委员会",
        "申报单位": "尚志市工业和信息化局",
        "联系人": "王明",
        "联系电话": "0451-53321234",
        "申报日期": dt.date(year, 6, 30),
    }
    fields.update(changes)
    return {k: v for k, v in fields.items() if v is not None}


def sheets(year: int = 2026) -> dict[str, Any]:
    """A clean submission of campaign `year`: every sheet of SPEC §3.1 as rows under its header."""
    annual = [
        [y, 160000 + 10000 * i, 120000 + 8000 * i, 110000 + 7000 * i, 3000 + 300 * i, 200 + 20 * i, 30000, 12, 40 + i, 0.5 - 0.02 * i]
        for i, y in enumerate((year - 3, year - 2, year - 1))
    ]  # fmt: skip
    sizes = ("中型", "小型", "微型", "大型")
    enterprises = [
        [code, f"尚志市第{i}食品有限公司", sizes[i % 4], "是", 1000 + i] for i, code in enumerate(USCC)
    ]
    return {
        "基本信息": profile_rows(year),
        "经营指标": annual,
        "企业名录": enterprises,
        "梯度培育": [
            [USCC[1], "专精特新“小巨人”", "国家级", dt.date(year + 2, 12, 31)],
            [USCC[2], "高新技术企业", "省级", None],
        ],
        "安全合规": [[dt.date(year - 2, 3, 18), USCC[3], "安全事故", "一般", "轻微"]],
        "定性条件": [["A5.1.pillar", "是", "县政府产业规划.pdf"], ["A5.1.brand", "否", None]],
        "发展规划": [["total_output", 180000, year + k, 190000 + 10000 * k] for k in range(3)],
    }


def save(
    path: Path,
    data: dict[str, Any],
    *,
    drop: tuple[str, ...] = (),
    headers: dict[str, list[str]] | None = None,
) -> Path:
    """Write `data` (from `sheets`, changed) as an .xlsx; sheets named in `drop` are left out, and
    `headers` replaces the header row of the sheets it names."""
    headers = {**HEADERS, **(headers or {})}
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name in SHEET_ORDER:
        if name in drop:
            continue
        ws = book.create_sheet(name)
        if name == "基本信息":
            ws.append(["字段", "内容"])
            for field, value in data[name].items():
                ws.append([field, value])
        else:
            ws.append(headers[name])
            for row in data[name]:
                ws.append(row)
    path = Path(path)
    book.save(path)
    return path


def workbook(path: Path, year: int = 2026, **profile_changes: Any) -> Path:
    """A clean workbook of `year`, with 基本信息 changed by `profile_changes` (None drops a row)."""
    data = sheets(year)
    data["基本信息"] = profile_rows(year, **profile_changes)
    return save(path, data)
