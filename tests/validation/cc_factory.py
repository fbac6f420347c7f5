"""Submissions built in code for the validation tests: string tables + `_row`, as intake hands them over.

`good_tables()` is a submission that passes both validation layers; tests break one cell of it.
Import as `from validation.cc_factory import ...` (tests/ is on sys.path through the root conftest).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from clustercert.contract import MONITORING, SUBMISSION, Workbook
from clustercert.submission import ROW, Submission
from clustercert.uscc import check_character

YEAR = 2026

# Real, published codes (check characters verified): 华为技术, 腾讯计算机系统, 阿里巴巴（中国）,
# 小米科技, 比亚迪, 百度在线, 中国石油化工股份.
REAL_USCC = (
    "914403001922038216",
    "91440300708461136T",
    "91330100716105852F",
    "91110108551385082Q",
    "91440300192317458F",
    "91110000802100433B",
    "91110000710926094P",
)


def uscc(n: int, prefix: str = "91230183") -> str:
    """A well-formed code with a right check character, distinct for each n."""
    body = f"{prefix}{n:09d}"[:17]
    return body + check_character(body)


def profile_fields(**changes: str | None) -> dict[str, str | None]:
    fields: dict[str, str | None] = {
        "campaign_year": str(YEAR),
        "application_type": "新申报",
        "certificate_id": None,
        "cluster_name": "尚志市食品加工产业集群",
        "county_code": "230183",
        "county_name": "尚志市",
        "location_detail": "尚志经济开发区",
        "leading_industry": "食品加工",
        "industry_code": "C1469",
        "high_energy_industry": "否",
        "high_water_industry": "否",
        "area_km2": "35.5",
        "operator_name": "尚志经济开发区管理委员会",
        "applicant": "尚志市工业和信息化局",
        "contact_name": "王明",
        "contact_phone": "0451-53321234",
        "declared_on": f"{YEAR}-06-30",
    }
    fields.update(changes)
    return fields


def annual_rows(year: int = YEAR) -> list[dict[str, str]]:
    rows = []
    for i, y in enumerate((year - 3, year - 2, year - 1)):
        rows.append(
            {
                "year": str(y),
                "total_output": str(160000 + 10000 * i),
                "sme_output": str(120000 + 8000 * i),
                "leading_output": str(110000 + 7000 * i),
                "sme_rd": str(3000 + 300 * i),
                "invention_patents": str(200 + 20 * i),
                "employees": str(30000 + 100 * i),
                "ii_adoption_pct": str(12 + i),
                "software_adoption_pct": str(40 + 2 * i),
                "energy_intensity": str(0.5 - 0.02 * i),
            }
        )
    return rows


def enterprise_rows(n: int = 8) -> list[dict[str, str]]:
    sizes = ("中型", "小型", "微型", "大型")
    return [
        {
            "uscc": uscc(i),
            "name": f"尚志市第{i}食品有限公司",
            "size": sizes[i % 4],
            "in_leading_industry": "是" if i % 3 else "否",
            "output": str(1000 + i),
        }
        for i in range(n)
    ]


def good_tables(year: int = YEAR, enterprises: int = 8) -> dict[str, list[dict[str, str | None]]]:
    """Every sheet of a clean submission as lists of records (the profile as one record)."""
    ents = enterprise_rows(enterprises)
    return {
        "profile": [profile_fields(campaign_year=str(year), declared_on=f"{year}-06-30")],
        "annual": annual_rows(year),
        "enterprises": ents,
        "designations": [
            {
                "uscc": ents[1]["uscc"],
                "designation": "专精特新“小巨人”",
                "level": "国家级",
                "valid_until": f"{year + 2}-12-31",
            },
            {"uscc": ents[2]["uscc"], "designation": "高新技术企业", "level": "省级", "valid_until": None},
        ],
        "incidents": [
            {
                "occurred_on": f"{year - 2}-03-18",
                "uscc": ents[3]["uscc"],
                "category": "安全事故",
                "severity": "一般",
                "description": "轻微",
            }
        ],
        "evidence": [
            {"item": "A5.1.pillar", "met": "是", "evidence": "县政府产业规划.pdf"},
            {"item": "A5.1.brand", "met": "否", "evidence": None},
        ],
        "plan_targets": [
            {
                "indicator": "total_output",
                "baseline": "180000",
                "target_year": str(year + k),
                "target_value": str(190000 + k),
            }
            for k in range(3)
        ],
    }


def make_submission(
    tables: Mapping[str, Sequence[Mapping[str, str | None]]] | None = None,
    *,
    submission_id: str = "2026-230183-aaaaaaaa",
    file: str = "尚志市.xlsx",
    workbook: Workbook = SUBMISSION,
    drop_sheets: Sequence[str] = (),
) -> Submission:
    """A Submission as intake would produce it: string frames, `_row` = Excel row, profile field rows."""
    tables = good_tables() if tables is None else tables
    frames: dict[str, pd.DataFrame] = {}
    field_rows: dict[str, dict[str, int]] = {}
    for sheet in workbook.sheets:
        if sheet.key in drop_sheets or sheet.key not in tables:
            continue
        records = list(tables[sheet.key])
        if sheet.key_value:
            record = dict(records[0]) if records else {}
            frames[sheet.key] = pd.DataFrame([record], dtype=object)
            field_rows[sheet.key] = {key: i + 2 for i, key in enumerate(record)}
        else:
            frame = pd.DataFrame(records, columns=sheet.keys if not records else None, dtype=object)
            frame[ROW] = list(range(2, len(frame) + 2))
            frames[sheet.key] = frame
    return Submission(
        submission_id=submission_id, file=file, sha256="a" * 64, tables=frames, field_rows=field_rows
    )


def monitoring_tables(year: int = YEAR - 1) -> dict[str, list[dict[str, str | None]]]:
    indicators = {k: v for k, v in annual_rows(year + 1)[-1].items() if k != "year"}
    return {
        "work_summary": [
            {
                "prefecture_code": "230100",
                "report_year": str(year),
                "submitted_on": f"{year + 1}-03-05",
                "summary": "略",
            }
        ],
        "cluster_status": [{"certificate_id": "HLJ-2023-001", **indicators}],
        "plan_progress": [
            {
                "certificate_id": "HLJ-2023-001",
                "indicator": "total_output",
                "target_year": str(year),
                "actual_value": "175000",
            }
        ],
        "changes": [],
        "incidents": [],
    }


def make_monitoring(tables: Mapping[str, Sequence[Mapping[str, str | None]]] | None = None) -> Submission:
    return make_submission(
        monitoring_tables() if tables is None else tables,
        submission_id="2026-230100-bbbbbbbb",
        file="哈尔滨市.xlsx",
        workbook=MONITORING,
    )


# -- one broken submission per expectation: (expectation id, change to good_tables) ---------------


def _set(sheet: str, row: int, **values: str | None):
    def change(tables):
        tables[sheet][row].update(values)

    return change


def _append_copy(sheet: str, row: int):
    def change(tables):
        tables[sheet].append(dict(tables[sheet][row]))

    return change


def _drop(sheet: str, row: int):
    def change(tables):
        del tables[sheet][row]

    return change


def _all_annual(**values: str):
    def change(tables):
        for row in tables["annual"]:
            row.update(values)

    return change


def _many(*changes):
    def change(tables):
        for one in changes:
            one(tables)

    return change


def _wrong_check(code: str) -> str:
    return code[:-1] + ("0" if code[-1] != "0" else "1")


def _first_uscc_wrong(tables):
    tables["enterprises"][0]["uscc"] = _wrong_check(tables["enterprises"][0]["uscc"])


def _last_years_workbook(tables):
    """A consistent workbook of campaign YEAR - 1: 申报年度 and 经营指标 one year behind the campaign."""
    tables.clear()
    tables.update(good_tables(YEAR - 1))


# ids of the expectations each change must trigger (and nothing else)
BROKEN: dict[str, tuple[set[str], object]] = {
    "year_outside_window": (
        {"gx.annual.year_in_window", "gx.annual.year_present"},
        _set("annual", 0, year=str(YEAR - 6)),
    ),
    "year_twice": ({"gx.annual.year_unique"}, _append_copy("annual", 0)),
    "year_missing": ({"gx.annual.year_present"}, _drop("annual", 2)),
    "sme_above_total": ({"gx.annual.sme_le_total"}, _set("annual", 1, sme_output="170000.01")),
    "leading_above_total": ({"gx.annual.leading_le_total"}, _set("annual", 1, leading_output="170001")),
    "output_in_yuan": ({"gx.annual.output_unit_yuan"}, _all_annual(total_output="100000001")),
    "output_in_yi": (
        {"gx.annual.output_unit_yi", "gx.enterprises.output_sum"},
        _all_annual(total_output="99", sme_output="50", leading_output="60"),
    ),
    "rd_jump": ({"gx.annual.yoy_jump"}, _set("annual", 1, sme_rd="33001")),
    "uscc_check_char": ({"gx.enterprises.uscc_check"}, _first_uscc_wrong),
    "uscc_twice": ({"gx.enterprises.uscc_unique"}, _many(_append_copy("enterprises", 4))),
    "enterprise_outputs_too_high": ({"gx.enterprises.output_sum"}, _set("enterprises", 0, output="262973")),
    "designation_unknown_enterprise": (
        {"gx.designations.in_enterprises"},
        _set("designations", 0, uscc=uscc(99)),
    ),
    "incident_unknown_enterprise": ({"gx.incidents.in_enterprises"}, _set("incidents", 0, uscc=uscc(98))),
    "incident_after_declared": (
        {"gx.incidents.not_after_declared"},
        _set("incidents", 0, occurred_on=f"{YEAR}-07-01"),  # 申报日期 is YEAR-06-30
    ),
    "last_years_workbook": (  # checked against campaign YEAR (the expectations are given it)
        {"gx.profile.campaign_year_matches", "gx.annual.year_in_window", "gx.annual.year_present"},
        _last_years_workbook,
    ),
    "county_not_heilongjiang": ({"gx.profile.county_code_known"}, _set("profile", 0, county_code="110101")),
    "county_name_wrong": ({"gx.profile.county_name_matches"}, _set("profile", 0, county_name="五常市")),
    "review_without_certificate": (
        {"gx.profile.review_certificate"},
        _set("profile", 0, application_type="复核"),
    ),
    "declared_last_year": (
        {"gx.profile.declared_in_campaign_year"},
        _set("profile", 0, declared_on=f"{YEAR - 1}-12-31"),
    ),
    "item_unknown": ({"gx.evidence.item_known"}, _set("evidence", 0, item="A5.9.unknown")),
    "item_twice": ({"gx.evidence.item_unique"}, _append_copy("evidence", 1)),
    "met_without_evidence": ({"gx.evidence.met_with_evidence"}, _set("evidence", 1, met="是")),
}


def broken_tables(name: str) -> dict[str, list[dict[str, str | None]]]:
    tables = good_tables()
    BROKEN[name][1](tables)
    return tables


def boundary_tables() -> dict[str, list[dict[str, str | None]]]:
    """Clean, but every plausibility threshold is met exactly (equal to total, 10×, 1.5×)."""
    tables = good_tables()
    tables["annual"][1].update(sme_output="170000", leading_output="170000", sme_rd="30000")
    tables["enterprises"][0]["output"] = "262972"
    return tables


def corpus() -> list[Submission]:
    """Clean submissions first and last (the second on every boundary), each broken one in between."""
    subs = [make_submission(submission_id=f"{YEAR}-230183-good0001")]
    subs.append(make_submission(boundary_tables(), submission_id=f"{YEAR}-230183-edge0001"))
    for i, name in enumerate(BROKEN):
        tables = broken_tables(name)
        subs.append(make_submission(tables, submission_id=f"{YEAR}-230183-{i:08d}", file=f"{name}.xlsx"))
    subs.append(make_submission(submission_id=f"{YEAR}-230183-good0002"))
    return subs
