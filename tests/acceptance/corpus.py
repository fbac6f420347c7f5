"""The acceptance corpus: variants of the SPEC §3.1 base cluster, each with its verdict per SPEC.

Every variant changes one thing of `spec_workbook.base_cluster` and states what SPEC says must
follow: valid or invalid under `clustercert validate --year Y` (and, when invalid, the sheet and
Excel row the county must be pointed to), and, for a valid one, whether a campaign finds it
eligible, which criteria fail, which advisory warnings it carries and whether Art. 6 vetoes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.acceptance import spec_workbook as sw

YEAR = 2026
AS_OF = dt.date(YEAR, 9, 1)  # campaign evaluation date: after every 申报日期 below
Y1, Y2, Y3 = YEAR - 1, YEAR - 2, YEAR - 3


@dataclass(frozen=True, repr=False)
class Variant:
    name: str
    mutate: Callable[[dict], None]
    valid: bool
    why: str  # the SPEC/regulation sentence the verdict rests on
    sheet: str | None = None  # invalid: the Chinese sheet name the feedback must name
    rows: Callable[[dict], set[int]] | None = None  # invalid: acceptable Excel rows (None: sheet only)
    eligible: bool | None = None  # valid: the campaign verdict (None: not sent to the campaign)
    failed: frozenset[str] = field(default_factory=frozenset)
    warnings: frozenset[str] = field(default_factory=frozenset)
    vetoed: bool = False

    def __repr__(self) -> str:
        return f"Variant({self.name})"

    @property
    def in_campaign(self) -> bool:
        return self.valid and self.eligible is not None


# --- mutations ------------------------------------------------------------------------------


def nothing(d: dict) -> None:
    pass


def set_profile(**values) -> Callable[[dict], None]:
    def mutate(d: dict) -> None:
        d["profile"].update(values)

    return mutate


def drop_profile(*keys: str) -> Callable[[dict], None]:
    def mutate(d: dict) -> None:
        for key in keys:
            del d["profile"][key]

    return mutate


def set_annual(column: str, values: tuple) -> Callable[[dict], None]:
    """Set one 经营指标 column for Y-3, Y-2, Y-1 (None keeps a year's value)."""

    def mutate(d: dict) -> None:
        for year, value in zip((Y3, Y2, Y1), values, strict=True):
            if value is not None:
                sw.annual_row(d, year)[column] = value

    return mutate


def style(**options) -> Callable[[dict], None]:
    def mutate(d: dict) -> None:
        d.update(options)

    return mutate


def combine(*mutations: Callable[[dict], None]) -> Callable[[dict], None]:
    def mutate(d: dict) -> None:
        for m in mutations:
            m(d)

    return mutate


def designations_only(*specs: tuple[int, str, str, dt.date | None]) -> Callable[[dict], None]:
    """Replace 梯度培育 by (enterprise index, designation, level, valid_until) rows."""

    def mutate(d: dict) -> None:
        d["designations"] = [
            {"uscc": d["enterprises"][i]["uscc"], "designation": des, "level": level, "valid_until": until}
            for i, des, level, until in specs
        ]

    return mutate


def drop_evidence(item: str) -> Callable[[dict], None]:
    def mutate(d: dict) -> None:
        d["evidence"] = [e for e in d["evidence"] if e["item"] != item]

    return mutate


def set_evidence(item: str, **values) -> Callable[[dict], None]:
    def mutate(d: dict) -> None:
        row = next((e for e in d["evidence"] if e["item"] == item), None)
        if row is None:
            row = {"item": item, "met": "是", "evidence": f"{item} 佐证材料.pdf"}
            d["evidence"].append(row)
        row.update(values)

    return mutate


def incident(category: str, severity: str | None, on: dt.date = dt.date(Y1, 5, 10)) -> Callable[[dict], None]:
    def mutate(d: dict) -> None:
        d["incidents"].append(
            {
                "occurred_on": on,
                "uscc": d["enterprises"][4]["uscc"],
                "category": category,
                "severity": severity,
                "description": f"{category}（{severity or '不分级'}），已整改",
            }
        )

    return mutate


def set_enterprise(index: int, **values) -> Callable[[dict], None]:
    def mutate(d: dict) -> None:
        old = d["enterprises"][index]["uscc"]
        d["enterprises"][index].update(values)
        for row in d["designations"] + d["incidents"]:
            if row["uscc"] == old and "uscc" in values:
                row["uscc"] = values["uscc"]

    return mutate


def letter_first_usccs(d: dict) -> None:
    code = d["profile"]["county_code"]
    for index, first in ((5, "A"), (6, "N"), (7, "Y")):
        d["enterprises"][index]["uscc"] = sw.make_uscc(code, 7000 + index, first=first, kind="1")


def drop_plan_year(year: int) -> Callable[[dict], None]:
    def mutate(d: dict) -> None:
        d["plan_targets"] = [p for p in d["plan_targets"] if p["target_year"] != year]

    return mutate


def drop_annual_year(year: int) -> Callable[[dict], None]:
    def mutate(d: dict) -> None:
        d["annual"] = [r for r in d["annual"] if r["year"] != year]

    return mutate


def fullwidth(text: str) -> str:
    return text.translate({ord(c): 0xFF10 + int(c) for c in "0123456789"})


def fullwidth_digits(d: dict) -> None:
    d["profile"]["county_code"] = fullwidth(d["profile"]["county_code"])
    d["profile"]["area_km2"] = fullwidth("35") + ".5"
    row = sw.annual_row(d, Y1)
    row["total_output"] = fullwidth("250000")
    row["employees"] = fullwidth("20000")
    row["invention_patents"] = fullwidth("144")


def thousands_separators(d: dict) -> None:
    row = sw.annual_row(d, Y1)
    row["total_output"] = "250,000"
    row["sme_output"] = "175,000"
    row["leading_output"] = "175,000"
    row["sme_rd"] = "1,440"
    row["employees"] = "20,000"
    sw.annual_row(d, Y3)["total_output"] = "200,000"


def surrounding_spaces(d: dict) -> None:
    d["profile"]["application_type"] = " 新申报 "
    d["profile"]["high_energy_industry"] = "否 "
    d["enterprises"][5]["uscc"] = "  " + d["enterprises"][5]["uscc"] + " "
    d["enterprises"][0]["in_leading_industry"] = " 是"
    d["evidence"][0]["met"] = " 是 "


def add_designation_unknown_uscc(d: dict) -> None:
    stranger = sw.make_uscc(d["profile"]["county_code"], 99999)
    d["designations"].append(
        {"uscc": stranger, "designation": sw.SRDI_SME, "level": "省级", "valid_until": None}
    )


def duplicate_uscc(d: dict) -> None:
    d["enterprises"][7]["uscc"] = d["enterprises"][6]["uscc"]


def forbidden_letter_uscc(d: dict) -> None:
    u = d["enterprises"][5]["uscc"]
    d["enterprises"][5]["uscc"] = u[:12] + "I" + u[13:]


def profile_rows(*keys: str) -> Callable[[dict], set[int]]:
    return lambda d: {sw.profile_row(d, k) for k in keys}


def table_rows(*indexes: int) -> Callable[[dict], set[int]]:
    return lambda d: {sw.table_row(i) for i in indexes}


def last_row(sheet_key: str) -> Callable[[dict], set[int]]:
    return lambda d: {sw.table_row(len(d[sheet_key]) - 1)}


def evidence_row(item: str) -> Callable[[dict], set[int]]:
    return lambda d: {sw.table_row(i) for i, e in enumerate(d["evidence"]) if e["item"] == item}


UNTIL = dt.date(YEAR + 2, 12, 31)
EXPIRED = dt.date(YEAR, 3, 31)  # before the campaign's as-of date

# --- the corpus -----------------------------------------------------------------------------

OK = {"valid": True, "eligible": True}


def ineligible(*failed: str, vetoed: bool = False) -> dict:
    return {"valid": True, "eligible": False, "failed": frozenset(failed), "vetoed": vetoed}


VARIANTS: list[Variant] = [
    # -- valid forms of the same data (SPEC §3 / §3.1) --
    Variant("base", nothing, why="every Art. 5 criterion met; 安全合规 with headers only", **OK),
    Variant(
        "new_without_certificate_row",
        drop_profile("certificate_id"),
        why="§3.1 原认定编号: for 新申报 the row may be left out",
        **OK,
    ),
    Variant(
        "without_location_detail",
        drop_profile("location_detail"),
        why="§3.1 具体位置: optional and may be left out",
        **OK,
    ),
    Variant("english_sheet_names", style(sheet_names="en"), why="§3 sheet names may be the key", **OK),
    Variant("english_headers", style(headers="en"), why="§3 headers may be the English key", **OK),
    Variant("mixed_headers", style(headers="mix"), why="§3 headers: label or key, per column", **OK),
    Variant("key_value_headers", style(kv_headers="en"), why="§3 key/value sheets: key / value", **OK),
    Variant(
        "all_english",
        style(sheet_names="en", headers="en", kv_headers="en", profile_fields="en"),
        why="§3 every sheet name and header by its English key",
        **OK,
    ),
    Variant("fullwidth_digits", fullwidth_digits, why="§3 full-width digits are normalised", **OK),
    Variant("thousands_separators", thousands_separators, why="§3 thousands separators are normalised", **OK),
    Variant("surrounding_spaces", surrounding_spaces, why="§3 surrounding spaces are normalised", **OK),
    Variant(
        "uscc_letter_first",
        letter_first_usccs,
        why="§3.1 position 1 may be a letter (A, N, Y)",
        **OK,
    ),
    Variant(
        "review_with_certificate_id",
        set_profile(application_type="复核", certificate_id="HLJTS-2023-001"),
        valid=True,
        eligible=None,  # a review goes to the Art. 11 review, not the yearly shortlist
        why="§3.1 复核 with its 原认定编号",
    ),
    # -- invalid submissions (SPEC §3 / §3.1 / §4.2) --
    Variant(
        "review_without_certificate_row",
        combine(set_profile(application_type="复核"), drop_profile("certificate_id")),
        valid=False,
        sheet="基本信息",
        why="§3.1 原认定编号 is required for reviews",
    ),
    Variant(
        "review_empty_certificate_id",
        set_profile(application_type="复核", certificate_id=None),
        valid=False,
        sheet="基本信息",
        rows=profile_rows("certificate_id", "application_type"),
        why="§3.1 原认定编号 is required for reviews",
    ),
    Variant(
        "uscc_wrong_check",
        lambda d: d["enterprises"][5].update(uscc=sw.wrong_check(d["enterprises"][5]["uscc"])),
        valid=False,
        sheet="企业名录",
        rows=table_rows(5),
        why="§3.1 GB 32100-2015 check character",
    ),
    Variant(
        "uscc_forbidden_letter",
        forbidden_letter_uscc,
        valid=False,
        sheet="企业名录",
        rows=table_rows(5),
        why="§3.1 characters from 0-9 A-H J-N P-R T U W-Y",
    ),
    Variant(
        "uscc_duplicate",
        duplicate_uscc,
        valid=False,
        sheet="企业名录",
        rows=table_rows(6, 7),
        why="§3.1 a USCC is unique within a submission",
    ),
    Variant(
        "designation_not_in_enterprises",
        add_designation_unknown_uscc,
        valid=False,
        sheet="梯度培育",
        rows=last_row("designations"),
        why="§3.1 梯度培育 uscc must be in 企业名录",
    ),
    Variant(
        "designation_unknown_title",
        lambda d: d["designations"][1].update(designation="省级专精特新"),
        valid=False,
        sheet="梯度培育",
        rows=table_rows(1),
        why="§3.1 称号 is one of the five",
    ),
    Variant(
        "incident_after_declared_on",
        incident("安全事故", "一般", on=dt.date(YEAR, 7, 15)),
        valid=False,
        sheet="安全合规",
        rows=table_rows(0),
        why="§3.1 发生日期 not after 申报日期: a later date is a located error",
    ),
    Variant(
        "campaign_year_other",
        set_profile(campaign_year=YEAR - 1),
        valid=False,
        sheet="基本信息",
        rows=profile_rows("campaign_year"),
        why="§3.1 申报年度 is the campaign year Y",
    ),
    Variant(
        "annual_missing_year",
        drop_annual_year(Y2),
        valid=False,
        sheet="经营指标",
        why="§3.1 经营指标: Y-3, Y-2, Y-1, all three required",
    ),
    Variant(
        "annual_not_a_number",
        set_annual("total_output", ("二十万", None, None)),
        valid=False,
        sheet="经营指标",
        rows=table_rows(0),
        why="§3 everything that does not fit is reported, never guessed",
    ),
    Variant(
        "county_name_mismatch",
        set_profile(county_name="不存在县"),
        valid=False,
        sheet="基本信息",
        rows=profile_rows("county_name", "county_code"),
        why="§3.1 county_name must match the code",
    ),
    Variant(
        "county_not_heilongjiang",
        set_profile(county_code="110101", county_name="东城区"),
        valid=False,
        sheet="基本信息",
        rows=profile_rows("county_code"),
        why="§3.1 county_code: a Heilongjiang county-level code",
    ),
    Variant(
        "yes_no_not_yes_no",
        set_profile(high_energy_industry="Y"),
        valid=False,
        sheet="基本信息",
        rows=profile_rows("high_energy_industry"),
        why="§3.1 是否高耗能行业 是/否",
    ),
    Variant(
        "evidence_unknown_item",
        set_evidence("A5.9.unknown"),
        valid=False,
        sheet="定性条件",
        rows=evidence_row("A5.9.unknown"),
        why="§4.2 an id the policy does not know is a validation error",
    ),
    Variant(
        "sheet_missing",
        style(drop_sheets=["incidents"]),
        valid=False,
        sheet="安全合规",
        why="§3 every sheet must be present, even when it has no rows",
    ),
    # -- Art. 5(一) boundaries (SPEC §4.1 / §4.2) --
    Variant("sme_share_exactly_60", set_annual("sme_output", (None, None, 150000)), why="60 % 以上", **OK),
    Variant(
        "sme_share_below_60",
        set_annual("sme_output", (None, None, 149999)),
        why="59.9996 % is not 60 % 以上",
        **ineligible("A5.1.sme_share"),
    ),
    Variant("sme_share_65", set_annual("sme_output", (None, None, 162500)), why="65 %", **OK),
    Variant("sme_share_64", set_annual("sme_output", (None, None, 160000)), why="64 %", **OK),
    Variant(
        "leading_share_exactly_60",
        set_annual("leading_output", (None, None, 150000)),
        why="高于60% excludes 60 %",
        **ineligible("A5.1.leading_share"),
    ),
    Variant(
        "output_exactly_150000",
        combine(
            set_annual("total_output", (150000, 150000, 150000)),
            set_annual("sme_output", (105000, 105000, 105000)),
            set_annual("leading_output", (105000, 105000, 105000)),
        ),
        why="15亿元以上 includes 150 000 万元, each year",
        **OK,
    ),
    Variant(
        "output_below_in_one_year",
        set_annual("total_output", (149999, None, None)),
        why="each of Y-3, Y-2, Y-1",
        **ineligible("A5.1.output"),
    ),
    Variant("area_exactly_100", set_profile(area_km2=100), why="不超过100 includes 100", **OK),
    Variant(
        "area_100_5",
        set_profile(area_km2=100.5),
        valid=True,
        eligible=True,
        warnings=frozenset({"A5.1.area"}),
        why="一般不超过: a warning, not an ineligibility",
    ),
    # -- Art. 5(二) --
    Variant(
        "designated_six_distinct",
        designations_only(
            (1, sw.SRDI_SME, "省级", UNTIL),
            (2, sw.SRDI_SME, "国家级", None),
            (3, sw.INNOVATIVE_SME, "省级", UNTIL),
            (4, sw.INNOVATIVE_SME, "省级", None),
            (5, sw.HIGH_TECH, "省级", UNTIL),
            (6, sw.HIGH_TECH, "国家级", UNTIL),
        ),
        why="不少于6家 (省级 and 国家级 both count in Heilongjiang)",
        **OK,
    ),
    Variant(
        "designated_five_distinct",
        designations_only(
            (1, sw.SRDI_SME, "省级", UNTIL),
            (2, sw.SRDI_SME, "国家级", None),
            (3, sw.INNOVATIVE_SME, "省级", UNTIL),
            (4, sw.INNOVATIVE_SME, "省级", None),
            (5, sw.HIGH_TECH, "省级", UNTIL),
        ),
        why="5 < 6",
        **ineligible("A5.2.tiered"),
    ),
    Variant(
        "designated_six_on_five_enterprises",
        designations_only(
            (1, sw.SRDI_SME, "省级", UNTIL),
            (2, sw.SRDI_SME, "国家级", None),
            (3, sw.INNOVATIVE_SME, "省级", UNTIL),
            (4, sw.INNOVATIVE_SME, "省级", None),
            (5, sw.HIGH_TECH, "省级", UNTIL),
            (5, sw.SRDI_SME, "省级", UNTIL),
        ),
        why="an enterprise counts once",
        **ineligible("A5.2.tiered"),
    ),
    Variant(
        "designated_six_one_expired",
        designations_only(
            (1, sw.SRDI_SME, "省级", UNTIL),
            (2, sw.SRDI_SME, "国家级", None),
            (3, sw.INNOVATIVE_SME, "省级", UNTIL),
            (4, sw.INNOVATIVE_SME, "省级", None),
            (5, sw.HIGH_TECH, "省级", UNTIL),
            (6, sw.HIGH_TECH, "国家级", EXPIRED),
        ),
        why="a designation with valid_until before the as-of date does not count",
        **ineligible("A5.2.tiered"),
    ),
    Variant(
        "giant_provincial_leading",
        designations_only((0, sw.GIANT, "省级", UNTIL)),
        why="1 家主导产业的“小巨人” (a 省级 one counts)",
        **OK,
    ),
    Variant(
        "champion_leading_only",
        designations_only((1, sw.CHAMPION, "国家级", None)),
        why="1 家主导产业的制造业单项冠军",
        **OK,
    ),
    Variant(
        "giant_not_in_leading_industry",
        designations_only((6, sw.GIANT, "国家级", UNTIL)),
        why="the 小巨人 must be in the leading industry",
        **ineligible("A5.2.tiered"),
    ),
    # -- Art. 5(四) --
    Variant(
        "rd_growth_exactly_5",
        set_annual("sme_rd", (10000, 10500, 11025)),
        why="(11025/10000)^(1/2) − 1 = 5 % exactly, not 高于5%",
        **ineligible("A5.4.rd_growth"),
    ),
    Variant("rd_growth_above_5", set_annual("sme_rd", (10000, 10500, 11026)), why="just above 5 %", **OK),
    Variant(
        "rd_zero_base",
        set_annual("sme_rd", (0, 100, 200)),
        why="a zero base makes the criterion fail, never crash",
        **ineligible("A5.4.rd_growth"),
    ),
    Variant(
        "patent_growth_exactly_5",
        set_annual("invention_patents", (400, 420, 441)),
        why="不低于5% includes 5 %",
        **OK,
    ),
    Variant(
        "patent_growth_below_5",
        set_annual("invention_patents", (400, 420, 440)),
        why="(440/400)^(1/2) − 1 < 5 %",
        **ineligible("A5.4.patent_growth"),
    ),
    Variant(
        "patent_density_exactly_5",
        combine(set_annual("invention_patents", (8, 9, 10)), set_annual("employees", (20000, 20000, 20000))),
        why="10 / 20 000 × 10 000 = 5, 不低于5",
        **OK,
    ),
    Variant(
        "patent_density_below_5",
        combine(set_annual("invention_patents", (8, 9, 10)), set_annual("employees", (20001, 20001, 20001))),
        why="10 / 20 001 × 10 000 < 5",
        **ineligible("A5.4.patent_density"),
    ),
    # -- Art. 5(五) / 5(六) --
    Variant("ii_adoption_exactly_10", set_annual("ii_adoption_pct", (5, 8, 10)), why="不低于10%", **OK),
    Variant(
        "software_flat_then_up",
        set_annual("software_adoption_pct", (40, 40, 45)),
        why="稳步提升: never falls, and Y-1 > Y-3",
        **OK,
    ),
    Variant(
        "software_flat",
        set_annual("software_adoption_pct", (40, 40, 40)),
        why="稳步提升 needs Y-1 > Y-3",
        **ineligible("A5.5.software_trend"),
    ),
    Variant(
        "software_dip",
        set_annual("software_adoption_pct", (40, 38, 45)),
        why="稳步提升: does not fall from year to year",
        **ineligible("A5.5.software_trend"),
    ),
    Variant(
        "energy_equal_two_years",
        set_annual("energy_intensity", (0.5, 0.5, 0.4)),
        why="持续下降: falls every year",
        **ineligible("A5.6.energy_trend"),
    ),
    # -- qualitative items (SPEC §4.2) --
    Variant(
        "qualitative_item_missing",
        drop_evidence("A5.1.brand"),
        why="a required item the sheet does not list fails (未填报)",
        **ineligible("A5.1.brand"),
    ),
    Variant(
        "qualitative_item_not_met",
        set_evidence("A5.7.cooperation", met="否"),
        why="met = 是 required",
        **ineligible("A5.7.cooperation"),
    ),
    Variant(
        "qualitative_item_without_evidence",
        set_evidence("A5.4.standards", evidence=None),
        why="met = 是 with non-empty evidence",
        **ineligible("A5.4.standards"),
    ),
    Variant(
        "high_energy_without_benchmark",
        set_profile(high_energy_industry="是"),
        why="A5.6.energy_benchmark required when high_energy_industry = 是",
        **ineligible("A5.6.energy_benchmark"),
    ),
    Variant(
        "high_energy_with_benchmark",
        combine(set_profile(high_energy_industry="是"), set_evidence("A5.6.energy_benchmark")),
        why="A5.6.energy_benchmark met with evidence",
        **OK,
    ),
    Variant(
        "high_water_without_benchmark",
        set_profile(high_water_industry="是"),
        why="A5.6.water_benchmark required when high_water_industry = 是",
        **ineligible("A5.6.water_benchmark"),
    ),
    Variant(
        "plan_without_year_y_plus_2",
        drop_plan_year(YEAR + 2),
        why="a numeric target for each of Y, Y+1, Y+2",
        **ineligible("A5.8.plan"),
    ),
    # -- Art. 6 --
    Variant(
        "incident_safety_larger",
        incident("安全事故", "较大"),
        why="较大 安全事故 inside three years: veto",
        **ineligible("A6.incidents", vetoed=True),
    ),
    Variant("incident_safety_ordinary", incident("安全事故", "一般"), why="一般 does not veto", **OK),
    Variant(
        "incident_tax_evasion",
        incident("偷税漏税", None),
        why="偷税漏税 always vetoes",
        **ineligible("A6.incidents", vetoed=True),
    ),
    Variant(
        "incident_cyber_larger",
        incident("网络安全事件", "较大"),
        why="网络安全事件: only 重大 or worse vetoes",
        **OK,
    ),
    Variant(
        "incident_cyber_major",
        incident("网络安全事件", "重大"),
        why="重大 网络安全事件: veto",
        **ineligible("A6.incidents", vetoed=True),
    ),
]

BY_NAME = {v.name: v for v in VARIANTS}
assert len(BY_NAME) == len(VARIANTS), "variant names must be unique"


def build(variant: Variant, index: int, folder: Path) -> tuple[Path, dict]:
    """Write the variant's workbook (its own county, hence its own cluster) and return its path and
    description."""
    county = sw.counties()[index]
    desc = sw.base_cluster(YEAR, county, serial=index)
    variant.mutate(desc)
    path = sw.write_workbook(desc, folder / f"v{index:02d}_{variant.name}.xlsx")
    return path, desc


def build_all(folder: Path) -> dict[str, tuple[Path, dict]]:
    return {v.name: build(v, i, folder) for i, v in enumerate(VARIANTS)}
