"""Variations of a good cluster, each with the verdict the pipeline must reach.

* **edges** keep the workbook valid and put one value on a rule's boundary (SPEC §4.1: 以上/不低于/
  不超过 include the number, 高于 does not) or trip one criterion or the Art. 6 veto;
* **mistakes** are what counties really send back: amounts in 元, a missing year, a mistyped credit
  code … each makes the submission invalid, at a known sheet and column.

Every variation edits the tables in place and returns the sheets or columns the writer must leave out
(`workbook_writer.write_workbook(omit=…)`), which is how a deleted sheet is produced.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from clustercert.contract import DESIGNATION_LITTLE_GIANT, DESIGNATIONS, ENTERPRISE_SIZES, NO
from clustercert.reference import counties
from clustercert.samples.clusters import make_uscc, wrong_check

Tables = dict[str, Any]
Apply = Callable[[Tables, random.Random], tuple[str, ...]]

_, MEDIUM, SMALL, _ = ENTERPRISE_SIZES
_, _, SPECIALISED, INNOVATIVE, HIGH_TECH = DESIGNATIONS
NATIONAL, PROVINCIAL = "国家级", "省级"
_WANYUAN_AMOUNTS = ("total_output", "sme_output", "leading_output", "sme_rd")


@dataclass(frozen=True)
class Variation:
    apply: Apply
    valid: bool
    failed: tuple[str, ...]  # criterion ids expected to fail (valid submissions only)
    warnings: tuple[str, ...]  # advisory criterion ids expected as warnings
    reason: str
    location: tuple[str, str] = ("", "")  # (sheet key, column key) where a mistake is reported
    # validation issue checks expected (errors of a mistake, or a warning that leaves it valid); these
    # are the ids of intake, schemas/ and expectations/, given so end-to-end tests can assert them
    checks: tuple[str, ...] = ()

    @property
    def eligible(self) -> bool | None:
        return None if not self.valid else not self.failed


def _incident(on: date, uscc: str, category: str, severity: str, description: str) -> dict[str, Any]:
    return {
        "occurred_on": on,
        "uscc": uscc,
        "category": category,
        "severity": severity,
        "description": description,
    }


def _designation(firm: dict[str, Any], title: str, level: str, valid_until: date | str) -> dict[str, Any]:
    return {"uscc": firm["uscc"], "designation": title, "level": level, "valid_until": valid_until}


# ---------------------------------------------------------------------------------------------
# Edges: the workbook stays valid.
def _output_exactly_150000(t: Tables, rng: random.Random) -> tuple[str, ...]:
    t["annual"][0].update(total_output=150_000, sme_output=108_000, leading_output=117_000)
    return ()


def _sme_share_exactly_60(t: Tables, rng: random.Random) -> tuple[str, ...]:
    last = t["annual"][-1]
    total = int(round(last["total_output"], -1))
    last.update(total_output=total, sme_output=total * 6 // 10, leading_output=total * 8 // 10)
    return ()


def _patents_5_ii_10_area_100(t: Tables, rng: random.Random) -> tuple[str, ...]:
    for row, patents, ii in zip(t["annual"], (400, 420, 441), (8.5, 9.2, 10), strict=True):
        row.update(invention_patents=patents, ii_adoption_pct=ii)  # (441 / 400) ** 0.5 − 1 = 5 % exactly
    t["profile"]["area_km2"] = 100
    for target in t["plan_targets"]:
        if target["indicator"] == "invention_patents":
            target.update(baseline=441, target_value=575)
        elif target["indicator"] == "ii_adoption_pct":
            target.update(baseline=10, target_value=18)
    return ()


def _area_126(t: Tables, rng: random.Random) -> tuple[str, ...]:
    t["profile"]["area_km2"] = 126.5
    return ()


def _minor_and_cyber_incidents(t: Tables, rng: random.Random) -> tuple[str, ...]:
    declared, firms = t["profile"]["declared_on"], t["enterprises"]
    t["incidents"] = [
        _incident(
            declared - timedelta(days=700), firms[3]["uscc"], "安全事故", "一般", "员工搬运货物扭伤，已整改"
        ),
        _incident(
            declared - timedelta(days=300),
            firms[5]["uscc"],
            "网络安全事件",
            "较大",
            "企业官网遭篡改，已报公安机关并完成加固",
        ),
    ]
    return ()


def _veto_major_accident(t: Tables, rng: random.Random) -> tuple[str, ...]:
    declared = t["profile"]["declared_on"]
    t["incidents"] = [
        _incident(
            declared - timedelta(days=420),
            t["enterprises"][0]["uscc"],
            "安全事故",
            "较大",
            "粉尘爆炸造成3人死亡，应急管理部门已结案处理",
        ),
    ]
    return ()


def _leading_share_exactly_60(t: Tables, rng: random.Random) -> tuple[str, ...]:
    last = t["annual"][-1]
    total = int(round(last["total_output"], -1))
    last.update(total_output=total, leading_output=total * 6 // 10, sme_output=total * 3 // 4)
    return ()


def _rd_growth_exactly_5(t: Tables, rng: random.Random) -> tuple[str, ...]:
    for row, rd in zip(t["annual"], (8000, 8400, 8820), strict=True):
        row["sme_rd"] = rd  # (8820 / 8000) ** 0.5 − 1 = 5 % exactly: not 高于 5 %
    for target in t["plan_targets"]:
        if target["indicator"] == "sme_rd":
            target.update(baseline=8820, target_value=12000)
    return ()


def _five_designated(t: Tables, rng: random.Random) -> tuple[str, ...]:
    """Five firms hold valid titles, the 小巨人 is outside the leading industry, a sixth title expired."""
    year = t["profile"]["campaign_year"]
    smes = [f for f in t["enterprises"] if f["size"] in (SMALL, MEDIUM)]
    smes[0]["in_leading_industry"] = NO
    rows = [_designation(smes[0], DESIGNATION_LITTLE_GIANT, NATIONAL, date(year + 2, 12, 31))]
    for firm, title in zip(smes[1:5], (SPECIALISED, SPECIALISED, INNOVATIVE, HIGH_TECH), strict=True):
        rows.append(
            _designation(firm, title, NATIONAL if title == HIGH_TECH else PROVINCIAL, date(year + 1, 12, 31))
        )
    rows.append(_designation(smes[5], SPECIALISED, PROVINCIAL, date(year - 1, 12, 31)))
    t["designations"] = rows
    return ()


def _evidence_missing(t: Tables, rng: random.Random) -> tuple[str, ...]:
    for row in t["evidence"]:
        if row["item"] == "A5.3.sharing":
            row["evidence"] = ""
    return ()


EDGES: dict[str, Variation] = {
    "output_exactly_150000": Variation(
        _output_exactly_150000, True, (), (), "Y-3 total_output exactly 150000 万元: 以上 includes it"
    ),
    "sme_share_exactly_60": Variation(
        _sme_share_exactly_60, True, (), (), "Y-1 SME share exactly 60 %: 以上 includes it"
    ),
    "patents_5_ii_10_area_100": Variation(
        _patents_5_ii_10_area_100,
        True,
        (),
        (),
        "patent growth exactly 5 % and ii_adoption exactly 10 (不低于), area exactly 100 km² (不超过)",
    ),
    "area_over_100": Variation(
        _area_126, True, (), ("A5.1.area",), "area 126.5 km² > 100 km²: an advisory warning only"
    ),
    "minor_incidents": Variation(
        _minor_and_cyber_incidents, True, (), (), "一般 安全事故 and 较大 网络安全事件: neither vetoes"
    ),
    "veto_major_accident": Variation(
        _veto_major_accident, True, ("A6.incidents",), (), "较大 安全事故 within three years: Art. 6 veto"
    ),
    "leading_share_exactly_60": Variation(
        _leading_share_exactly_60,
        True,
        ("A5.1.leading_share",),
        (),
        "Y-1 leading share exactly 60 %: not 高于",
    ),
    "rd_growth_exactly_5": Variation(
        _rd_growth_exactly_5, True, ("A5.4.rd_growth",), (), "SME R&D growth exactly 5 %: not 高于"
    ),
    "five_designated": Variation(
        _five_designated,
        True,
        ("A5.2.tiered",),
        (),
        "5 validly designated firms, 小巨人 outside the leading industry",
    ),
    "evidence_missing": Variation(
        _evidence_missing,
        True,
        ("A5.3.sharing",),
        (),
        "A5.3.sharing met = 是 without evidence",
        ("evidence", "evidence"),
        ("gx.evidence.met_with_evidence",),
    ),
}


# ---------------------------------------------------------------------------------------------
# Mistakes: the workbook is invalid and goes back to the county.
def _amounts_in_yuan(t: Tables, rng: random.Random) -> tuple[str, ...]:
    """The whole workbook filled in 元: 40亿元 becomes 4×10⁹ "万元", more than the province's GDP."""
    for row in t["annual"]:
        for key in _WANYUAN_AMOUNTS:
            row[key] = round(row[key] * 10_000)
    for firm in t["enterprises"]:
        if firm["output"] != "":
            firm["output"] = round(firm["output"] * 10_000)
    for target in t["plan_targets"]:
        if target["indicator"] in _WANYUAN_AMOUNTS:
            target.update(
                baseline=round(target["baseline"] * 10_000),
                target_value=round(target["target_value"] * 10_000),
            )
    return ()


def _missing_year(t: Tables, rng: random.Random) -> tuple[str, ...]:
    del t["annual"][1]  # Y-2 left out
    return ()


def _unused_firm(t: Tables) -> dict[str, Any]:
    used = {row["uscc"] for key in ("designations", "incidents") for row in t[key]}
    return next(f for f in t["enterprises"][5:] if f["uscc"] not in used)


def _bad_uscc_check(t: Tables, rng: random.Random) -> tuple[str, ...]:
    firm = _unused_firm(t)
    firm["uscc"] = wrong_check(firm["uscc"])
    return ()


def _designation_not_listed(t: Tables, rng: random.Random) -> tuple[str, ...]:
    county_code = t["profile"]["county_code"]
    stranger = {"uscc": make_uscc(rng, county_code)}  # valid code of a firm left out of 企业名录
    t["designations"].append(
        _designation(stranger, SPECIALISED, PROVINCIAL, date(t["profile"]["campaign_year"] + 1, 12, 31))
    )
    return ()


def _county_name_mismatch(t: Tables, rng: random.Random) -> tuple[str, ...]:
    code = t["profile"]["county_code"]
    prefecture = counties()[code].prefecture_code
    neighbour = next(
        c for c in counties().values() if c.prefecture_code == prefecture and c.county_code != code
    )
    t["profile"]["county_name"] = neighbour.county_name
    return ()


def _percent_text(t: Tables, rng: random.Random) -> tuple[str, ...]:
    last = t["annual"][-1]
    last["ii_adoption_pct"] = f"{last['ii_adoption_pct']}%"
    return ()


def _sme_exceeds_total(t: Tables, rng: random.Random) -> tuple[str, ...]:
    last = t["annual"][-1]
    last["sme_output"] = round(last["total_output"] * 1.08, 1)
    return ()


def _missing_sheet(t: Tables, rng: random.Random) -> tuple[str, ...]:
    t["incidents"] = []  # "no incidents, so we deleted the sheet"
    return ("incidents",)


def _duplicate_enterprise(t: Tables, rng: random.Random) -> tuple[str, ...]:
    firms = t["enterprises"]
    k = len(firms) // 2
    firms.insert(k + 1, dict(firms[k]))  # copy-pasted row
    return ()


def _mistake(apply: Apply, reason: str, sheet: str, column: str, check: str) -> Variation:
    return Variation(apply, False, (), (), reason, (sheet, column), (check,))


MISTAKES: dict[str, Variation] = {
    # Plausibility, not structure: validation warns (gx) and leaves the submission valid, so the
    # campaign's decisions make it the prefecture's spot-check failure (see management.py).
    "amounts_in_yuan": Variation(
        _amounts_in_yuan,
        True,
        (),
        (),
        "amounts entered in 元 instead of 万元: a validation warning; the 市地 spot check rejects it",
        ("annual", "total_output"),
        ("gx.annual.output_unit_yuan",),
    ),
    "missing_year": _mistake(
        _missing_year, "经营指标 lacks year Y-2", "annual", "year", "gx.annual.year_present"
    ),
    "bad_uscc_check": _mistake(
        _bad_uscc_check,
        "a 统一社会信用代码 with a wrong check character",
        "enterprises",
        "uscc",
        "gx.enterprises.uscc_check",
    ),
    "designation_not_listed": _mistake(
        _designation_not_listed,
        "a designated enterprise missing from 企业名录",
        "designations",
        "uscc",
        "gx.designations.in_enterprises",
    ),
    "county_name_mismatch": _mistake(
        _county_name_mismatch,
        "county name does not match the county code",
        "profile",
        "county_name",
        "gx.profile.county_name_matches",
    ),
    "percent_text": _mistake(
        _percent_text,
        '"NN%" text in a percent cell',
        "annual",
        "ii_adoption_pct",
        "schema.annual.ii_adoption_pct.type",
    ),
    "sme_exceeds_total": _mistake(
        _sme_exceeds_total,
        "sme_output > total_output in Y-1",
        "annual",
        "sme_output",
        "gx.annual.sme_le_total",
    ),
    "missing_sheet": _mistake(
        _missing_sheet, "sheet 安全合规 deleted", "incidents", "", "intake.missing_sheet"
    ),
    "duplicate_enterprise": _mistake(
        _duplicate_enterprise,
        "an enterprise listed twice",
        "enterprises",
        "uscc",
        "gx.enterprises.uscc_unique",
    ),
}

VARIATIONS: dict[str, Variation] = {**EDGES, **MISTAKES}


def apply_variations(tables: Tables, names: tuple[str, ...], rng: random.Random) -> tuple[str, ...]:
    """Apply the named variations in order; returns what the writer must omit."""
    omit: list[str] = []
    for name in names:
        omit.extend(VARIATIONS[name].apply(tables, rng))
    return tuple(omit)


# ---------------------------------------------------------------------------------------------
# The campaign's mix and the verdict each mix must get.
# Interleaved so that any `count` keeps a mix; ≤ (count - 1) // 2 of them so that most are eligible.
NOT_ELIGIBLE_PLAN: tuple[tuple[str, ...], ...] = (
    ("veto_major_accident",),
    ("bad_uscc_check",),
    ("leading_share_exactly_60",),
    ("rd_growth_exactly_5",),
    ("county_name_mismatch", "percent_text"),
    ("missing_sheet",),
    ("five_designated",),
    ("designation_not_listed",),
    ("missing_year",),
    ("sme_exceeds_total", "duplicate_enterprise"),
    ("evidence_missing",),
)
ELIGIBLE_PLAN: tuple[tuple[str, ...], ...] = (
    ("output_exactly_150000",),
    ("amounts_in_yuan",),
    ("sme_share_exactly_60",),
    ("patents_5_ii_10_area_100",),
    ("area_over_100",),
    ("minor_incidents",),
)


@dataclass(frozen=True)
class Expected:
    """The verdict the pipeline must reach for a sample."""

    valid: bool
    eligible: bool | None  # None when invalid: an invalid submission is never scored
    reason: str
    failed_criteria: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # advisory criteria (A5.1.area)
    mistakes: tuple[str, ...] = ()  # names of the MISTAKES applied
    locations: tuple[tuple[str, str], ...] = ()  # (sheet key, column key) of each mistake
    checks: tuple[str, ...] = ()  # validation issue checks expected (see Variation.checks)


def expected_for(names: tuple[str, ...]) -> Expected:
    variations = [VARIATIONS[n] for n in names]
    mistakes = tuple(n for n in names if n in MISTAKES)
    checks = tuple(c for v in variations for c in v.checks)
    locations = tuple(MISTAKES[n].location for n in mistakes)
    invalid = [v for v in variations if not v.valid]
    if invalid:
        reason = "; ".join(v.reason for v in invalid)
        return Expected(False, None, reason, mistakes=mistakes, locations=locations, checks=checks)
    failed = tuple(c for v in variations for c in v.failed)
    warnings = tuple(w for v in variations for w in v.warnings)
    reason = "; ".join(v.reason for v in variations) or "eligible with margins"
    return Expected(True, not failed, reason, failed, warnings, mistakes, locations, checks)
