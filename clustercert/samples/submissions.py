"""The yearly campaign's sample submissions (SPEC §3.1): one workbook per cluster, with known verdicts.

`build_tables` gives an eligible cluster with comfortable margins; `mistakes.py` holds the variations
that put a value on a rule's boundary, trip a criterion, or break the workbook the way counties do.
`generate_campaign` mixes them (most eligible, some ineligible, some invalid) and writes the inbox.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from clustercert.contract import (
    APPLICATION_NEW,
    DESIGNATION_CHAMPION,
    DESIGNATION_LITTLE_GIANT,
    DESIGNATIONS,
    ENTERPRISE_SIZES,
    NO,
    PLAN_TARGETS,
    SUBMISSION,
    YES,
)
from clustercert.samples.clusters import (
    ClusterProfile,
    enterprise_name,
    make_uscc,
    mobile_phone,
    person_name,
    place_word,
    select_profiles,
)
from clustercert.samples.mistakes import (
    ELIGIBLE_PLAN,
    NOT_ELIGIBLE_PLAN,
    Expected,
    apply_variations,
    expected_for,
)
from clustercert.submission import make_submission_id
from clustercert.workbook_writer import write_workbook
from clustercert.xlsx_layout import pin_timestamps

Tables = dict[str, Any]  # sheet key → rows (list of dicts keyed by column key) or a dict (key/value sheets)

LARGE, MEDIUM, SMALL, MICRO = ENTERPRISE_SIZES
_, _, SPECIALISED, INNOVATIVE, HIGH_TECH = DESIGNATIONS
NATIONAL, PROVINCIAL = "国家级", "省级"

# SPEC §4.2 qualitative items, with the kind of document a county attaches for each.
# The ids are the policy's qualitative items (tests/samples checks they match); the titles are ours.
EVIDENCE_TITLES: dict[str, str] = {
    "A5.1.pillar": "{county}人民政府关于将{industry}确定为县域主导产业的通知",
    "A5.1.policy_fit": "{cluster}符合省产业政策和行业发展规划情况说明",
    "A5.1.ranking": "{industry}细分领域全省排名情况（省统计局{y1}年数据）",
    "A5.1.brand": "“{place}{product}”地理标志证明商标注册证及品牌宣传材料",
    "A5.2.cultivation": "{county}优质中小企业梯度培育工作方案（{y2}—{y}年）",
    "A5.3.layout": "{cluster}产业链图谱及空间布局规划",
    "A5.3.coordination": "附件3-1 集群产业链上下游协作配套清单及合作协议.pdf",
    "A5.3.sharing": "附件3-2 集群共享仓储物流中心及检验检测平台运营协议.pdf",
    "A5.3.key_links": "附件3-3 集群产业链关键环节本地配套率统计表.pdf",
    "A5.4.standards": "集群企业参与制修订标准清单（含团体标准）",
    "A5.5.infrastructure": "集群5G网络及工业互联网标识解析节点建设情况",
    "A5.5.digital_services": "中小企业数字化转型诊断服务合同及诊断报告",
    "A5.5.cloud": "集群企业上云用平台情况统计表（{y1}年度）",
    "A5.5.data_connectivity": "集群工业互联网平台数据接入企业清单",
    "A5.5.new_models": "{industry}数字化新模式新业态试点项目清单",
    "A5.5.security": "集群工业互联网安全保障体系建设方案",
    "A5.6.energy_structure": "集群{y1}年能源消费结构分析报告",
    "A5.6.resource_efficiency": "集群工业固体废物综合利用及水循环利用情况",
    "A5.6.pollution_control": "集群重点企业排污许可证及污染物排放监测报告",
    "A5.6.green_service": "集群绿色低碳公共服务平台建设运营情况",
    "A5.6.energy_benchmark": "重点企业能效对标报告（对照工业重点领域能效基准水平）",
    "A5.6.water_benchmark": "重点企业水效对标报告（对照重点工业行业用水定额）",
    "A5.7.cooperation": "参加中国—俄罗斯博览会等国内外展会及对外贸易情况",
    "A5.8.management_body": "关于成立{operator}的批复",
    "A5.8.public_service": "集群公共服务平台服务企业台账（{y1}年度）",
    "A5.8.policy_coverage": "惠企政策宣贯台账（覆盖集群全部企业）",
    "A5.8.measures": "{cluster}未来三年发展规划（{y}—{y_end}年）及年度工作措施",
}
ENERGY_ITEM, WATER_ITEM = "A5.6.energy_benchmark", "A5.6.water_benchmark"

_MINOR_INCIDENTS = (
    ("安全事故", "车间员工操作不当造成一人轻伤，已完成整改并开展全员安全培训"),
    ("质量事故", "一批次产品抽检标签标识不合格，已召回并整改"),
    ("安全事故", "叉车作业刮碰致一人轻微受伤，已停工整改"),
)


def _r1(x: float) -> float:
    return round(x, 1)


def _day_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def build_tables(
    rng: random.Random, profile: ClusterProfile, year: int, *, enterprises: int | None = None
) -> Tables:
    """An eligible cluster for campaign year `year`: every hard criterion passes with a margin."""
    declared_on = date(year, rng.choice((5, 6)), rng.randint(1, 28))
    annual = _annual(rng, profile, year)
    count = enterprises if enterprises is not None else rng.randint(40, 300)
    firms = _enterprises(rng, profile, count, annual[-1])
    return {
        "profile": _profile(rng, profile, year, declared_on),
        "annual": annual,
        "enterprises": firms,
        "designations": _designations(rng, firms, year),
        "incidents": _incidents(rng, firms, declared_on) if rng.random() < 0.3 else [],
        "evidence": _evidence(profile, year),
        "plan_targets": _plan_targets(rng, annual[-1], year),
    }


def _profile(rng: random.Random, profile: ClusterProfile, year: int, declared_on: date) -> dict[str, Any]:
    return {
        "campaign_year": year,
        "application_type": APPLICATION_NEW,
        "certificate_id": "",
        "cluster_name": profile.cluster_name,
        "county_code": profile.county_code,
        "county_name": profile.county_name,
        "location_detail": profile.location_detail,
        "leading_industry": profile.leading_industry,
        "industry_code": profile.industry_code,
        "high_energy_industry": YES if profile.high_energy else NO,
        "high_water_industry": YES if profile.high_water else NO,
        "area_km2": round(rng.uniform(6, 85), 2),
        "operator_name": profile.operator_name,
        "applicant": profile.applicant,
        "contact_name": person_name(rng),
        "contact_phone": mobile_phone(rng),
        "declared_on": declared_on,
    }


def _annual(rng: random.Random, profile: ClusterProfile, year: int) -> list[dict[str, Any]]:
    """Years Y-3, Y-2, Y-1: output grows, R&D and patents grow > 8 %, digital use rises, energy falls."""
    total = [rng.uniform(260_000, 520_000) * profile.scale]
    for _ in range(2):
        total.insert(0, total[0] / (1 + rng.uniform(0.04, 0.12)))
    sme_share, leading_share = rng.uniform(0.66, 0.86), rng.uniform(0.68, 0.9)
    rd = [total[2] * sme_share * rng.uniform(0.012, 0.03)]
    patents = [rng.randint(60, 400)]
    for _ in range(2):
        rd.insert(0, rd[0] / (1 + rng.uniform(0.08, 0.2)))
        patents.insert(0, round(patents[0] / (1 + rng.uniform(0.08, 0.2))))
    patents[2] = max(patents[2], math.ceil(patents[0] * 1.12))  # keep ≥ 5 % a year after rounding
    productivity = rng.uniform(90, 160)  # 万元 per employee
    ii = [rng.uniform(12, 28)]
    software = [rng.uniform(30, 55)]
    energy = [rng.uniform(0.9, 1.6) if profile.high_energy else rng.uniform(0.12, 0.38)]
    for _ in range(2):
        ii.append(ii[-1] + rng.uniform(1, 5))
        software.append(software[-1] + rng.uniform(0.5, 4))
        energy.append(energy[-1] * (1 - rng.uniform(0.03, 0.08)))
    rows = []
    for i in range(3):
        share_drift = (i - 2) * 0.01
        rows.append(
            {
                "year": year - 3 + i,
                "total_output": _r1(total[i]),
                "sme_output": _r1(total[i] * (sme_share + share_drift)),
                "leading_output": _r1(total[i] * (leading_share + share_drift)),
                "sme_rd": _r1(rd[i]),
                "invention_patents": patents[i],
                "employees": round(total[i] / productivity),
                "ii_adoption_pct": _r1(ii[i]),
                "software_adoption_pct": _r1(software[i]),
                "energy_intensity": round(energy[i], 3),
            }
        )
    return rows


def _enterprises(
    rng: random.Random, profile: ClusterProfile, count: int, last_year: dict[str, Any]
) -> list[dict[str, Any]]:
    """The 企业名录; outputs roughly add up to the cluster's Y-1 output (large firms = non-SME part)."""
    n_large = min(count, rng.randint(1, 3))
    n_medium = max(1, round(count * rng.uniform(0.08, 0.14)))
    n_small = round(count * rng.uniform(0.35, 0.5))
    sizes = [LARGE] * n_large + [MEDIUM] * n_medium + [SMALL] * n_small
    sizes = (sizes + [MICRO] * count)[:count]
    weights = {LARGE: 1.0, MEDIUM: 12.0, SMALL: 2.0, MICRO: 0.3}
    large_total = last_year["total_output"] - last_year["sme_output"]
    sme_weight = sum(weights[s] for s in sizes if s != LARGE) or 1.0
    sme_total = last_year["sme_output"] * rng.uniform(0.88, 0.97)
    names: set[str] = set()
    codes: set[str] = set()
    rows = []
    for size in sizes:
        name = enterprise_name(rng, profile)
        while name in names:
            name = enterprise_name(rng, profile)
        names.add(name)
        prefix = "91"
        if size == MICRO and profile.industry_code.startswith("C13") and rng.random() < 0.15:
            prefix, name = "93", name.split("有限")[0].replace("股份", "") + "种植专业合作社"
        code = make_uscc(rng, profile.county_code, prefix)
        while code in codes:
            code = make_uscc(rng, profile.county_code, prefix)
        codes.add(code)
        if size == LARGE:
            output: float | str = _r1(large_total / n_large * rng.uniform(0.9, 1.1))
        else:
            output = _r1(sme_total * weights[size] / sme_weight * rng.uniform(0.6, 1.4))
        if size == MICRO and rng.random() < 0.08:
            output = ""  # optional column: some small firms leave it blank
        leading = YES if size == LARGE or rng.random() < 0.82 else NO
        rows.append(
            {"uscc": code, "name": name, "size": size, "in_leading_industry": leading, "output": output}
        )
    return rows


def _designations(rng: random.Random, firms: list[dict[str, Any]], year: int) -> list[dict[str, Any]]:
    """Both routes of A5.2.tiered pass: a 小巨人 in the leading industry and ≥ 6 designated firms."""
    smes = [f for f in firms if f["size"] != LARGE and f["in_leading_industry"] == YES]
    valid_until = [date(year + 1, 12, 31), date(year + 2, 6, 30), date(year + 3, 12, 31), ""]
    rows: list[dict[str, Any]] = []
    giants = rng.sample(smes, min(len(smes), rng.randint(1, 3)))
    for firm in giants:
        rows.append(_designation(firm, DESIGNATION_LITTLE_GIANT, NATIONAL, rng.choice(valid_until)))
        if rng.random() < 0.5:
            rows.append(_designation(firm, HIGH_TECH, NATIONAL, rng.choice(valid_until)))
    large = [f for f in firms if f["size"] == LARGE]
    if large and rng.random() < 0.3:
        rows.append(_designation(large[0], DESIGNATION_CHAMPION, NATIONAL, ""))
    others = [f for f in firms if f not in giants and f["size"] != LARGE]
    for firm in rng.sample(others, min(len(others), rng.randint(6, 14))):
        title = rng.choice((SPECIALISED, SPECIALISED, INNOVATIVE, HIGH_TECH))
        level = NATIONAL if title == HIGH_TECH else PROVINCIAL
        rows.append(_designation(firm, title, level, rng.choice(valid_until)))
    if rows and rng.random() < 0.4:  # an expired title: listed, but it must not count
        rows[-1]["valid_until"] = date(year - 1, 12, 31)
    return rows


def _designation(firm: dict[str, Any], title: str, level: str, valid_until: date | str) -> dict[str, Any]:
    return {"uscc": firm["uscc"], "designation": title, "level": level, "valid_until": valid_until}


def _incidents(rng: random.Random, firms: list[dict[str, Any]], declared_on: date) -> list[dict[str, Any]]:
    """Minor (一般) incidents inside the three-year window: declared honestly, they veto nothing."""
    start = declared_on.replace(year=declared_on.year - 3) + timedelta(days=30)
    rows = []
    for category, description in rng.sample(_MINOR_INCIDENTS, rng.randint(1, 2)):
        rows.append(
            {
                "occurred_on": _day_between(rng, start, declared_on - timedelta(days=30)),
                "uscc": rng.choice(firms)["uscc"],
                "category": category,
                "severity": "一般",
                "description": description,
            }
        )
    return sorted(rows, key=lambda r: r["occurred_on"])


def _evidence(profile: ClusterProfile, year: int) -> list[dict[str, Any]]:
    context = {
        "county": profile.county_name,
        "industry": profile.leading_industry,
        "cluster": profile.cluster_name,
        "place": place_word(profile.county_name),
        "product": profile.products[0],
        "operator": profile.operator_name,
        "y": year,
        "y1": year - 1,
        "y2": year - 2,
        "y_end": year + 2,
    }
    rows = []
    for item, title in EVIDENCE_TITLES.items():
        if (item == ENERGY_ITEM and not profile.high_energy) or (
            item == WATER_ITEM and not profile.high_water
        ):
            continue  # required only for high-energy / high-water industries
        rows.append({"item": item, "met": YES, "evidence": title.format(**context)})
    return rows


def _plan_targets(rng: random.Random, last_year: dict[str, Any], year: int) -> list[dict[str, Any]]:
    """Clear, checkable targets for Y, Y+1 and Y+2 (A5.8.plan), from the Y-1 baseline."""
    rows = []
    growth = rng.uniform(0.08, 0.15)
    for k in range(3):
        rows.append(
            _target(
                "total_output", last_year, year + k, _r1(last_year["total_output"] * (1 + growth) ** (k + 1))
            )
        )
    rows.append(_target("sme_rd", last_year, year + 2, _r1(last_year["sme_rd"] * 1.4)))
    rows.append(
        _target("invention_patents", last_year, year + 2, math.ceil(last_year["invention_patents"] * 1.3))
    )
    rows.append(
        _target("ii_adoption_pct", last_year, year + 1, _r1(min(95.0, last_year["ii_adoption_pct"] + 8)))
    )
    return rows


def _target(indicator: str, last_year: dict[str, Any], target_year: int, value: float) -> dict[str, Any]:
    return {
        "indicator": indicator,
        "baseline": last_year[indicator],
        "target_year": target_year,
        "target_value": value,
    }


# ---------------------------------------------------------------------------------------------
# The campaign: which cluster gets which variation, and the files.
@dataclass
class SampleSubmission:
    file: Path  # a workbook, a JSON document or a CSV folder
    cluster_name: str
    county_code: str
    prefecture_code: str
    fmt: str
    sha256: str
    submission_id: str
    expected: Expected
    variations: tuple[str, ...] = ()
    tables: Tables = field(default_factory=dict, repr=False)  # after the variations; keys, not labels
    omit: tuple[str, ...] = ()


def _plan(rng: random.Random, count: int) -> tuple[list[tuple[str, ...]], list[str]]:
    """Variation names and format for each slot; at most one not-eligible cluster per prefecture pair."""
    n_bad = min(len(NOT_ELIGIBLE_PLAN), (count - 1) // 2)
    pairs = [(i, i + 1) for i in range(0, count - 1, 2)]
    rng.shuffle(pairs)
    bad_slots = [rng.choice(pair) for pair in pairs[:n_bad]]
    rest = [i for i in range(count) if i not in bad_slots]
    rng.shuffle(rest)
    names: list[tuple[str, ...]] = [()] * count
    for slot, plan in zip(bad_slots, NOT_ELIGIBLE_PLAN, strict=False):
        names[slot] = plan
    for slot, plan in zip(rest, ELIGIBLE_PLAN, strict=False):
        names[slot] = plan
    formats = ["xlsx"] * count
    plain = sorted(i for i in rest if not names[i]) or sorted(rest)
    if count >= 3:
        for slot, fmt in zip(plain, ("csv", "json"), strict=False):
            formats[slot] = fmt
    return names, formats


def generate_campaign(inbox: Path, *, year: int, seed: int = 2026, count: int = 24) -> list[SampleSubmission]:
    """Write `count` submissions for campaign year `year` into `inbox`; same seed → same bytes."""
    inbox = Path(inbox)
    inbox.mkdir(parents=True, exist_ok=True)
    profiles = select_profiles(count)
    names, formats = _plan(random.Random(seed), count)
    samples = []
    for profile, variation_names, fmt in zip(profiles, names, formats, strict=True):
        rng = random.Random(f"{seed}:{year}:{profile.county_code}")
        tables = build_tables(rng, profile, year)
        omit = apply_variations(tables, variation_names, rng)
        stem = f"{profile.county_code}-{profile.cluster_name}申报书"
        path = inbox / (stem + {"xlsx": ".xlsx", "json": ".json", "csv": ""}[fmt])
        headers = "key" if fmt == "json" else "label"  # machines send keys, people send labels
        written = tables if headers == "key" else as_picked(tables)
        write_workbook(path, written, SUBMISSION, fmt=fmt, headers=headers, omit=omit)
        if fmt == "xlsx":
            freeze_xlsx(path, tables["profile"]["declared_on"])
        sha = sha256_of(path)
        samples.append(
            SampleSubmission(
                file=path,
                cluster_name=profile.cluster_name,
                county_code=profile.county_code,
                prefecture_code=profile.prefecture_code,
                fmt=fmt,
                sha256=sha,
                submission_id=make_submission_id(year, profile.county_code, sha),
                expected=expected_for(variation_names),
                variations=variation_names,
                tables=tables,
                omit=omit,
            )
        )
    return samples


def as_picked(tables: Tables) -> Tables:
    """The tables as a clerk fills the template: the 发展规划 指标 is the label picked from its
    drop-down (集群总产值（万元）), which intake maps back to the key the tables hold."""
    column = PLAN_TARGETS.column("indicator")
    labels = dict(zip(column.allowed, column.choices, strict=True))
    targets = tables.get("plan_targets") or []
    picked = [{**row, "indicator": labels.get(row.get("indicator"), row.get("indicator"))} for row in targets]
    return {**tables, "plan_targets": picked}


# ---------------------------------------------------------------------------------------------
# Files: reproducible bytes, and the hash intake will compute.
def freeze_xlsx(path: Path, when: date) -> Path:
    """Pin the two wall-clock stamps openpyxl writes (zip entry times, docProps created/modified) to
    `when`, so the same tables always give the same bytes and hence the same submission id."""
    path.write_bytes(pin_timestamps(path.read_bytes(), datetime(when.year, when.month, when.day)))
    return path


def sha256_of(path: Path) -> str:
    """SHA-256 of a file; of a CSV folder, of its sorted "name\\tsha256\\n" manifest lines."""
    if path.is_dir():
        files = [f for f in path.iterdir() if f.is_file() and not f.name.startswith((".", "~$"))]
        lines = sorted(f"{f.name}\t{hashlib.sha256(f.read_bytes()).hexdigest()}\n" for f in files)
        return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()
    return hashlib.sha256(path.read_bytes()).hexdigest()
