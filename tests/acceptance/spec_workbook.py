"""A submission workbook (申报书) built from SPEC §3.1 alone, independent of the product.

Every sheet name, header and field label below is transcribed from the table of SPEC §3.1; nothing
is imported from `clustercert` (the product's generator and reader share its assumptions, this
builder must not). A workbook is described by a plain dict (`base_cluster`), so that a test can
change one thing at a time and write it with `write_workbook`.

Description keys:

* ``profile``: ordered ``{key: value}`` of the 基本信息 fields; a key that is absent is a row left
  out, a value of ``None`` an empty cell.
* ``annual``, ``enterprises``, ``designations``, ``incidents``, ``evidence``, ``plan_targets``:
  lists of ``{key: value}`` rows (missing keys are empty cells).
* ``sheet_names``: ``"zh"`` or ``"en"``; ``headers``: ``"zh"``, ``"en"`` or ``"mix"`` (alternating
  per column), or a dict per sheet key; ``kv_headers``: ``"zh"`` (字段/内容) or ``"en"``
  (key/value); ``profile_fields``: ``"zh"`` or ``"en"`` (labels or keys in the first column).
* ``drop_sheets``: sheet keys to leave out of the file.

Values are written as given: a test writes ``"２５００００"`` or ``"250,000"`` to see them normalised.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
from pathlib import Path

import openpyxl

REFERENCE_COUNTIES = Path("/work/shared/reference/hlj_county_divisions.csv")

# --- SPEC §3.1, transcribed -------------------------------------------------------------------

SHEETS: dict[str, str] = {
    "profile": "基本信息",
    "annual": "经营指标",
    "enterprises": "企业名录",
    "designations": "梯度培育",
    "incidents": "安全合规",
    "evidence": "定性条件",
    "plan_targets": "发展规划",
}

PROFILE_FIELDS: dict[str, str] = {
    "campaign_year": "申报年度",
    "application_type": "申报类型",
    "certificate_id": "原认定编号",
    "cluster_name": "集群名称",
    "county_code": "所在县（市、区）代码",
    "county_name": "所在县（市、区）名称",
    "location_detail": "具体位置",
    "leading_industry": "主导产业",
    "industry_code": "主导产业行业代码",
    "high_energy_industry": "是否高耗能行业",
    "high_water_industry": "是否高用水行业",
    "area_km2": "占地面积（平方公里）",
    "operator_name": "运营管理机构",
    "applicant": "申报单位",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
    "declared_on": "申报日期",
}

KV_HEADERS = {"zh": ("字段", "内容"), "en": ("key", "value")}

COLUMNS: dict[str, dict[str, str]] = {
    "annual": {
        "year": "年度",
        "total_output": "集群总产值（万元）",
        "sme_output": "中小企业产值（万元）",
        "leading_output": "主导产业产值（万元）",
        "sme_rd": "中小企业研发经费（万元）",
        "invention_patents": "有效发明专利（件）",
        "employees": "从业人员（人）",
        "ii_adoption_pct": "工业互联网平台应用普及率（%）",
        "software_adoption_pct": "工业软件应用率（%）",
        "energy_intensity": "能源消费强度（吨标准煤/万元）",
    },
    "enterprises": {
        "uscc": "统一社会信用代码",
        "name": "企业名称",
        "size": "企业规模",
        "in_leading_industry": "是否属于主导产业",
        "output": "上年度产值（万元）",
    },
    "designations": {
        "uscc": "统一社会信用代码",
        "designation": "称号",
        "level": "级别",
        "valid_until": "有效期至",
    },
    "incidents": {
        "occurred_on": "发生日期",
        "uscc": "统一社会信用代码",
        "category": "类型",
        "severity": "等级",
        "description": "说明",
    },
    "evidence": {"item": "条件编号", "met": "是否具备", "evidence": "佐证材料"},
    "plan_targets": {
        "indicator": "指标",
        "baseline": "基期值",
        "target_year": "目标年度",
        "target_value": "目标值",
    },
}

# SPEC §4.2, qualitative items: (id, required unless the flag named is 是)
QUALITATIVE_ITEMS: list[tuple[str, str | None]] = [
    ("A5.1.pillar", None),
    ("A5.1.policy_fit", None),
    ("A5.1.ranking", None),
    ("A5.1.brand", None),
    ("A5.2.cultivation", None),
    ("A5.3.layout", None),
    ("A5.3.coordination", None),
    ("A5.3.sharing", None),
    ("A5.3.key_links", None),
    ("A5.4.standards", None),
    ("A5.5.infrastructure", None),
    ("A5.5.digital_services", None),
    ("A5.5.cloud", None),
    ("A5.5.data_connectivity", None),
    ("A5.5.new_models", None),
    ("A5.5.security", None),
    ("A5.6.energy_structure", None),
    ("A5.6.resource_efficiency", None),
    ("A5.6.pollution_control", None),
    ("A5.6.green_service", None),
    ("A5.6.energy_benchmark", "high_energy_industry"),
    ("A5.6.water_benchmark", "high_water_industry"),
    ("A5.7.cooperation", None),
    ("A5.8.management_body", None),
    ("A5.8.public_service", None),
    ("A5.8.policy_coverage", None),
    ("A5.8.measures", None),
]

CHAMPION = "制造业单项冠军"
GIANT = "专精特新\u201c小巨人\u201d"
SRDI_SME = "专精特新中小企业"
INNOVATIVE_SME = "创新型中小企业"
HIGH_TECH = "高新技术企业"

# --- GB 32100-2015 (SPEC §3.1) ----------------------------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 0-9 A-H J-N P-R T U W-Y: 31 characters
assert len(USCC_ALPHABET) == 31


def uscc_check_char(first17: str) -> str:
    """Check character: weights 3^(i-1) mod 31, check = (31 − Σ mod 31) mod 31."""
    assert len(first17) == 17, first17
    total = sum(USCC_ALPHABET.index(c) * (3**i % 31) for i, c in enumerate(first17))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def make_uscc(county_code: str, serial: int, first: str = "9", kind: str = "1") -> str:
    """An 18-character code: registration authority, type, the county's division code, a 9-character
    organisation code derived from ``serial``, and the right check character."""
    org = ""
    n = serial
    for _ in range(9):
        org = USCC_ALPHABET[n % 31] + org
        n //= 31
    body = f"{first}{kind}{county_code}{org}"
    assert len(body) == 17, body
    return body + uscc_check_char(body)


def wrong_check(uscc: str) -> str:
    """The same code with a different (wrong) check character."""
    good = uscc[17]
    bad = USCC_ALPHABET[(USCC_ALPHABET.index(good) + 1) % 31]
    return uscc[:17] + bad


# --- counties ---------------------------------------------------------------------------------


def counties() -> list[dict[str, str]]:
    with REFERENCE_COUNTIES.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# --- a valid base cluster ---------------------------------------------------------------------


def base_cluster(year: int, county: dict[str, str], serial: int = 0) -> dict:
    """A cluster that meets every Art. 5 criterion with margin, has designations and no incidents."""
    code, name = county["county_code"], county["county_name"]
    y1, y2, y3 = year - 1, year - 2, year - 3
    enterprises = []
    sizes = ["中型", "小型", "小型", "微型", "中型", "小型", "大型", "小型"]
    for i, size in enumerate(sizes):
        enterprises.append(
            {
                "uscc": make_uscc(code, serial * 100 + i + 1),
                "name": f"{name}特色制造第{i + 1}有限公司",
                "size": size,
                "in_leading_industry": "是" if i < 6 else "否",
                "output": 12000 + 1000 * i,
            }
        )
    until = dt.date(year + 2, 12, 31)
    designations = [
        {"uscc": enterprises[0]["uscc"], "designation": GIANT, "level": "国家级", "valid_until": until},
        {"uscc": enterprises[1]["uscc"], "designation": SRDI_SME, "level": "省级", "valid_until": until},
        {"uscc": enterprises[2]["uscc"], "designation": INNOVATIVE_SME, "level": "省级", "valid_until": None},
        {"uscc": enterprises[3]["uscc"], "designation": HIGH_TECH, "level": "国家级", "valid_until": until},
    ]
    evidence = [
        {"item": item, "met": "是", "evidence": f"{item} 佐证材料.pdf"}
        for item, flag in QUALITATIVE_ITEMS
        if flag is None
    ]
    plan = []
    for indicator, baseline, targets in [
        ("total_output", 250000, (270000, 290000, 310000)),
        ("sme_rd", 1440, (1600, 1750, 1900)),
    ]:
        for k, value in enumerate(targets):
            plan.append(
                {"indicator": indicator, "baseline": baseline, "target_year": year + k, "target_value": value}
            )
    return {
        "sheet_names": "zh",
        "headers": "zh",
        "kv_headers": "zh",
        "profile_fields": "zh",
        "drop_sheets": [],
        "profile": {
            "campaign_year": year,
            "application_type": "新申报",
            "certificate_id": None,
            "cluster_name": f"{name}特色食品产业集群",
            "county_code": code,
            "county_name": name,
            "location_detail": "经济开发区",
            "leading_industry": "特色食品加工",
            "industry_code": "C1469",
            "high_energy_industry": "否",
            "high_water_industry": "否",
            "area_km2": 35.5,
            "operator_name": f"{name}特色食品产业集群管理委员会",
            "applicant": f"{name}工业和信息化局",
            "contact_name": "王明",
            "contact_phone": "0451-12345678",
            "declared_on": dt.date(year, 6, 30),
        },
        "annual": [
            {
                "year": y3,
                "total_output": 200000,
                "sme_output": 140000,
                "leading_output": 140000,
                "sme_rd": 1000,
                "invention_patents": 100,
                "employees": 20000,
                "ii_adoption_pct": 20,
                "software_adoption_pct": 40,
                "energy_intensity": 0.50,
            },
            {
                "year": y2,
                "total_output": 220000,
                "sme_output": 154000,
                "leading_output": 154000,
                "sme_rd": 1200,
                "invention_patents": 120,
                "employees": 20000,
                "ii_adoption_pct": 25,
                "software_adoption_pct": 45,
                "energy_intensity": 0.45,
            },
            {
                "year": y1,
                "total_output": 250000,
                "sme_output": 175000,
                "leading_output": 175000,
                "sme_rd": 1440,
                "invention_patents": 144,
                "employees": 20000,
                "ii_adoption_pct": 30,
                "software_adoption_pct": 50,
                "energy_intensity": 0.40,
            },
        ],
        "enterprises": enterprises,
        "designations": designations,
        "incidents": [],
        "evidence": evidence,
        "plan_targets": plan,
    }


def clone(desc: dict) -> dict:
    return copy.deepcopy(desc)


def annual_row(desc: dict, year: int) -> dict:
    return next(r for r in desc["annual"] if r["year"] == year)


# --- rows as the county sees them (Excel row numbers) -----------------------------------------


def profile_row(desc: dict, key: str) -> int:
    """Excel row of a 基本信息 field (row 1 holds 字段/内容)."""
    return list(desc["profile"]).index(key) + 2


def table_row(index: int) -> int:
    """Excel row of the index-th (0-based) data row of a table sheet (row 1 holds the headers)."""
    return index + 2


# --- writing ----------------------------------------------------------------------------------


def _header_style(desc: dict, sheet: str) -> str:
    style = desc.get("headers", "zh")
    return style.get(sheet, "zh") if isinstance(style, dict) else style


def _cell(ws, row: int, col: int, value) -> None:
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, str):
        cell.number_format = "@"


def write_workbook(desc: dict, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    names = "zh" if desc.get("sheet_names", "zh") == "zh" else "en"
    for key, label in SHEETS.items():
        if key in desc.get("drop_sheets", []):
            continue
        ws = wb.create_sheet(label if names == "zh" else key)
        if key == "profile":
            k_head, v_head = KV_HEADERS[desc.get("kv_headers", "zh")]
            _cell(ws, 1, 1, k_head)
            _cell(ws, 1, 2, v_head)
            en_fields = desc.get("profile_fields", "zh") == "en"
            for r, (field, value) in enumerate(desc["profile"].items(), start=2):
                _cell(ws, r, 1, field if en_fields else PROFILE_FIELDS[field])
                _cell(ws, r, 2, value)
            continue
        style = _header_style(desc, key)
        columns = list(COLUMNS[key])
        for c, col in enumerate(columns, start=1):
            use_en = style == "en" or (style == "mix" and c % 2 == 0)
            _cell(ws, 1, c, col if use_en else COLUMNS[key][col])
        for r, row in enumerate(desc[key], start=2):
            unknown = set(row) - set(columns)
            assert not unknown, f"{key}: unknown columns {unknown}"
            for c, col in enumerate(columns, start=1):
                _cell(ws, r, c, row.get(col))
    wb.save(path)
    return path
