"""Sample inputs after the campaign (SPEC §3.2, §3.3): human decisions, monitoring reports, change
filings and findings, each returned with what the pipeline must conclude from it.

Which certificate plays which part (the missing one, the late filer …) depends only on the sorted
certificate ids, never on the seed, so monitoring, change filings and findings written with different
seeds still tell one consistent story. The seed only varies the figures and dates.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from clustercert.contract import (
    CHANGE_FILINGS,
    FINDINGS,
    MONITORING,
    NO,
    OBJECTIONS,
    PREFECTURE_DECISIONS,
    SPOT_CHECKS,
    YES,
)
from clustercert.reference import prefectures
from clustercert.samples.clusters import make_uscc
from clustercert.samples.submissions import SampleSubmission, freeze_xlsx
from clustercert.workbook_writer import write_table, write_workbook

PASS, FAIL = "通过", "不通过"
Certified = Sequence[Mapping[str, Any]]  # rows of certified.csv


def _records(certified: Any) -> list[Mapping[str, Any]]:
    """certified.csv rows as dicts, whether given as dicts or as a DataFrame."""
    return certified.to_dict(orient="records") if hasattr(certified, "to_dict") else list(certified)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# ---------------------------------------------------------------------------------------------
# Campaign decisions (spot checks, prefecture decisions, objections).
@dataclass
class DecisionSamples:
    files: list[Path]
    outcome: dict[str, str]  # submission id of each eligible sample → expected final stage


def generate_decisions(
    directory: Path, samples: Sequence[SampleSubmission], *, seed: int = 2026
) -> DecisionSamples:
    """spot_checks.csv, prefecture_decisions.csv and objections.csv for the eligible samples.

    One 市地 spot-check failure (→ not recommended; the sample validation only warned about, when
    there is one), one cluster the prefecture declines (when there
    are six or more eligible), one 省 failure (→ not shortlisted), one upheld objection (→ not
    certified) and one objection that is not upheld.
    """
    rng = random.Random(seed)
    eligible = sorted((s for s in samples if s.expected.eligible), key=lambda s: s.submission_id)
    order = rng.sample(eligible, len(eligible))
    # a workbook the validation only warned about (amounts in 元) is what a spot check catches
    order.sort(key=lambda s: not s.expected.checks)
    roles = ["city_fail", "province_fail", "upheld", "declined", "dismissed"]
    cast = {role: s.submission_id for role, s in zip(roles, order, strict=False)}
    if len(eligible) < 6:
        cast.pop("declined", None)
    outcome = {}
    spot, decisions, objections = [], [], []
    for s in eligible:
        sid = s.submission_id
        city_ok = sid != cast.get("city_fail")
        spot.append(_row(sid, level="市地", result=PASS if city_ok else FAIL, note=_city_note(city_ok)))
        recommend = city_ok and sid != cast.get("declined")
        note = (
            "" if recommend else ("实地抽查未通过" if not city_ok else "本年度推荐名额有限，列入下一年度培育")
        )
        decisions.append(_row(sid, recommend=YES if recommend else NO, note=note))
        if not recommend:
            outcome[sid] = "not_recommended"
            continue
        province_ok = sid != cast.get("province_fail")
        if sid in (cast.get("province_fail"), cast.get("upheld"), cast.get("dismissed")):
            note = "" if province_ok else "省级抽查发现集群企业名录与实际不符，部分企业已迁出"
            spot.append(_row(sid, level="省", result=PASS if province_ok else FAIL, note=note))
        if not province_ok:
            outcome[sid] = "not_shortlisted"
        elif sid == cast.get("upheld"):
            objections.append(
                _row(sid, upheld=YES, note="公示期间收到实名举报，经核查集群主导产业产值统计口径有误")
            )
            outcome[sid] = "objection_upheld"
        else:
            if sid == cast.get("dismissed"):
                objections.append(_row(sid, upheld=NO, note="经核查举报内容不属实"))
            outcome[sid] = "certified"
    directory = Path(directory)
    files = [
        write_table(directory / "spot_checks.csv", spot, SPOT_CHECKS, fmt="csv"),
        write_table(directory / "prefecture_decisions.csv", decisions, PREFECTURE_DECISIONS, fmt="csv"),
        write_table(directory / "objections.csv", objections, OBJECTIONS, fmt="csv"),
    ]
    return DecisionSamples(files, outcome)


def _row(submission_id: str, **values: Any) -> dict[str, Any]:
    return {"submission_id": submission_id, **values}


def _city_note(ok: bool) -> str:
    return "现场核查材料与申报一致" if ok else "实地抽查发现主导产业产值与统计部门数据不一致"


# ---------------------------------------------------------------------------------------------
# Who plays which part, from the sorted certificate ids alone.
@dataclass(frozen=True)
class Cast:
    late_prefecture: str | None
    missing: str | None  # certificate left out of its prefecture's report
    below_threshold: str | None
    unfiled_change: str | None
    art6_incident: str | None
    on_time_filing: str | None
    late_filing: str | None
    month_end_filing: str | None
    false_declaration: str | None


def cast_roles(certified: Certified) -> Cast:
    certs = sorted(_records(certified), key=lambda c: str(c["certificate_id"]))
    ids = [str(c["certificate_id"]) for c in certs]
    by_prefecture: dict[str, list[str]] = {}
    for c in certs:
        by_prefecture.setdefault(str(c["prefecture_code"]), []).append(str(c["certificate_id"]))
    codes = sorted(by_prefecture)
    late = codes[-1] if len(codes) > 1 else None
    # the missing cluster comes from an on-time prefecture that still reports someone else
    on_time = [v for k, v in by_prefecture.items() if k != late]
    missing = next((v[0] for v in on_time if len(v) > 1), on_time[0][0] if on_time else None)
    pool = [i for i in ids if i != missing and i not in by_prefecture.get(late or "", [])]
    pool += [i for i in by_prefecture.get(late or "", [])]
    pool = pool or ids

    def pick(k: int) -> str | None:
        return pool[k % len(pool)] if pool else None

    return Cast(late, missing, pick(0), pick(1), pick(2), pick(3), pick(4), pick(5), pick(6))


# ---------------------------------------------------------------------------------------------
# Change filings (Art. 12) and findings (Art. 15(二)).
@dataclass(frozen=True)
class Filing:
    certificate_id: str
    change_type: str
    changed_on: date
    filed_on: date | None  # None: declared in a monitoring report, never filed
    new_value: str
    on_time: bool


def _late_by_one_day(year: int) -> tuple[date, date]:
    """(changed_on, filed_on) of a filing one day late whatever the year's holidays: the deadline
    (changed_on + 1 month) is a Tuesday to Thursday in mid-July, a month without statutory holidays,
    so 民法典 第二百零三条 never moves it."""
    due = next(date(year, 7, d) for d in range(10, 17) if date(year, 7, d).weekday() in (1, 2, 3))
    return due.replace(month=6), due + timedelta(days=1)


def planned_changes(certified: Certified, year: int | None = None) -> list[Filing]:
    """The year's major changes: on time to the day, late by one day, the 31 Jan → 28/29 Feb month-end
    case (on time), and one change that is never filed (it shows up in a monitoring report)."""
    certified = _records(certified)
    if not certified:
        return []
    year = year or _first_full_year(certified)
    cast = cast_roles(certified)
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    late_changed, late_filed = _late_by_one_day(year)
    changes = [
        (
            cast.on_time_filing,
            "运营管理机构",
            date(year, 4, 8),
            date(year, 5, 8),
            "集群发展服务有限公司",
            True,
        ),
        (
            cast.late_filing,
            "空间范围",
            late_changed,
            late_filed,
            "扩展至相邻工业园区（新增12平方公里）",
            False,
        ),
        (
            cast.month_end_filing,
            "主导产业",
            date(year, 1, 31),
            date(year, 2, 29 if leap else 28),
            "绿色食品精深加工",
            True,
        ),
        (cast.unfiled_change, "运营管理机构", date(year, 9, 15), None, "县产业发展投资集团有限公司", False),
    ]
    return [Filing(cid, kind, on, filed, value, ok) for cid, kind, on, filed, value, ok in changes if cid]


def _first_full_year(certified: Certified) -> int:
    """The first calendar year every sample certificate is in force for the whole year."""
    return max(_day(c["certified_on"]) for c in certified).year + 1


def generate_change_filings(
    path: Path, certified: Certified, seed: int = 2026, *, year: int | None = None
) -> list[Filing]:
    """change_filings.csv (or .xlsx by suffix): every planned change that was filed; returns all
    planned changes, the unfiled one included (filed_on None, on_time False)."""
    changes = planned_changes(certified, year)
    rows = [
        {
            "certificate_id": f.certificate_id,
            "change_type": f.change_type,
            "changed_on": f.changed_on,
            "filed_on": f.filed_on,
            "new_value": f.new_value,
        }
        for f in changes
        if f.filed_on is not None
    ]
    path = Path(path)
    write_table(path, rows, CHANGE_FILINGS, fmt="xlsx" if path.suffix == ".xlsx" else "csv")
    return changes


def generate_findings(
    path: Path, certified: Certified, seed: int = 2026, *, year: int | None = None
) -> list[str]:
    """findings.csv with one 虚假申报 finding; returns the certificate ids found."""
    certified = _records(certified)
    cast = cast_roles(certified)
    if not cast.false_declaration:
        rows: list[dict[str, Any]] = []
    else:
        year = year or _first_full_year(certified)
        rng = random.Random(seed)
        rows = [
            {
                "certificate_id": cast.false_declaration,
                "found_on": date(year, 9, rng.randint(10, 25)),
                "category": "虚假申报",
                "source": f"黑工信企业函〔{year}〕{rng.randint(30, 90)}号 关于集群申报材料核查情况的通报",
            }
        ]
    path = Path(path)
    write_table(path, rows, FINDINGS, fmt="xlsx" if path.suffix == ".xlsx" else "csv")
    return [r["certificate_id"] for r in rows]


# ---------------------------------------------------------------------------------------------
# Monitoring reports (Art. 13, SPEC §3.3).
@dataclass
class MonitoringSamples:
    files: list[Path]
    deadline: date
    report_status: dict[str, str]  # certificate id → on_time / late / missing
    below_threshold: dict[str, tuple[str, ...]] = field(default_factory=dict)
    unfiled_changes: tuple[str, ...] = ()
    art6_incidents: tuple[str, ...] = ()  # certificates with an incident of Art. 6 severity (→ 15.5)


def generate_monitoring(
    inbox: Path,
    *,
    certified: Certified,
    report_year: int,
    as_of_deadline: date,
    seed: int = 2026,
    samples: Sequence[SampleSubmission] = (),
) -> MonitoringSamples:
    """One monitoring workbook per prefecture with certified clusters, for report year R.

    `as_of_deadline` is the Art. 13 deadline the reports are judged against (10 March R+1). One
    prefecture reports late, one cluster is left out of its prefecture's report, one cluster's output
    falls below 15亿元, one declares a change it never filed, one an incident of Art. 6 severity.
    With `samples`, a cluster's figures continue its submission and plan progress answers its plan.
    """
    rng = random.Random(seed)
    certified = _records(certified)
    cast = cast_roles(certified)
    by_sid = {s.submission_id: s for s in samples}
    changes = [c for c in planned_changes(certified, report_year) if c.changed_on.year == report_year]
    by_prefecture: dict[str, list[Mapping[str, Any]]] = {}
    for cert in sorted(certified, key=lambda c: str(c["certificate_id"])):
        by_prefecture.setdefault(str(cert["prefecture_code"]), []).append(cert)
    result = MonitoringSamples([], as_of_deadline, {})
    for n, (code, certs) in enumerate(sorted(by_prefecture.items())):
        late = code == cast.late_prefecture
        if late:
            submitted_on = as_of_deadline + timedelta(days=3)
        else:
            submitted_on = as_of_deadline - timedelta(
                days=0 if n == 0 else rng.randint(1, 25)
            )  # n 0: on the day
        tables: dict[str, Any] = {"cluster_status": [], "plan_progress": [], "changes": [], "incidents": []}
        for cert in certs:
            cid = str(cert["certificate_id"])
            if cid == cast.missing:
                result.report_status[cid] = "missing"
                continue
            result.report_status[cid] = "late" if late else "on_time"
            sample = by_sid.get(str(cert.get("submission_id", "")))
            status = _status(rng, cid, sample, report_year, below=cid == cast.below_threshold)
            tables["cluster_status"].append(status)
            tables["plan_progress"] += _progress(cid, sample, status, report_year)
            if cid == cast.below_threshold:
                result.below_threshold[cid] = ("A5.1.output",)
            for change in (c for c in changes if c.certificate_id == cid):
                tables["changes"].append(
                    {
                        "certificate_id": cid,
                        "change_type": change.change_type,
                        "changed_on": change.changed_on,
                        "new_value": change.new_value,
                    }
                )
                if change.filed_on is None:
                    result.unfiled_changes += (cid,)
            tables["incidents"] += _monitoring_incidents(rng, cid, cert, sample, report_year, cast)
            if cid == cast.art6_incident:
                result.art6_incidents += (cid,)
        tables["work_summary"] = {
            "prefecture_code": code,
            "report_year": report_year,
            "submitted_on": submitted_on,
            "summary": f"{report_year}年，{prefectures()[code]}持续推进中小企业特色产业集群培育工作，"
            f"{len(tables['cluster_status'])}个省级集群运行总体平稳，梯度培育和数字化转型工作稳步推进。",
        }
        path = Path(inbox) / f"{code}-{prefectures()[code]}{report_year}年度集群发展情况.xlsx"
        write_workbook(path, tables, MONITORING, fmt="xlsx")
        result.files.append(freeze_xlsx(path, submitted_on))
    return result


def _status(
    rng: random.Random, cid: str, sample: SampleSubmission | None, year: int, *, below: bool
) -> dict[str, Any]:
    """Year R's 经营指标, continuing the submission's Y-1 figures (or typical ones without it) and
    reaching the plan's targets for R, except for the cluster whose output falls below 15亿元."""
    if sample is not None:
        base = sample.tables["annual"][-1]
        years = max(1, year - int(base["year"]))
        targets = {
            t["indicator"]: float(t["target_value"])
            for t in sample.tables["plan_targets"]
            if int(t["target_year"]) == year
        }
    else:
        base = {
            "total_output": 300_000.0, "sme_output": 216_000.0, "leading_output": 234_000.0, "sme_rd": 4_300.0,
            "invention_patents": 150, "employees": 2_500, "ii_adoption_pct": 25.0,
            "software_adoption_pct": 45.0, "energy_intensity": 0.25,
        }  # fmt: skip
        years, targets = 1, {"total_output": 320_000.0}
    growth = (1 + rng.uniform(0.06, 0.1)) ** years
    total = targets.get("total_output", float(base["total_output"]) * growth) * rng.uniform(1.0, 1.05)
    total = 142_000.0 if below else round(total, 1)
    ratio = total / float(base["total_output"])
    status = {
        "certificate_id": cid,
        "total_output": total,
        "sme_output": round(float(base["sme_output"]) * ratio, 1),
        "leading_output": round(float(base["leading_output"]) * ratio, 1),
        "sme_rd": round(float(base["sme_rd"]) * growth * 1.05, 1),
        "invention_patents": round(int(base["invention_patents"]) * growth * 1.05),
        "employees": round(int(base["employees"]) * (1 + 0.01 * years)),
        "ii_adoption_pct": round(min(95.0, _number(base["ii_adoption_pct"]) + 3.5 * years), 1),
        "software_adoption_pct": round(min(98.0, float(base["software_adoption_pct"]) + 2.0 * years), 1),
        "energy_intensity": round(float(base["energy_intensity"]) * 0.96**years, 3),
    }
    for indicator, target in targets.items():
        if indicator == "energy_intensity":
            status[indicator] = min(status[indicator], round(target * 0.98, 3))
        elif indicator == "invention_patents" or indicator == "employees":
            status[indicator] = max(status[indicator], math.ceil(target))
        elif indicator != "total_output":
            status[indicator] = max(status[indicator], round(target * rng.uniform(1.0, 1.04), 1))
    return status


def _number(value: Any) -> float:
    return float(str(value).rstrip("%"))


def _progress(
    cid: str, sample: SampleSubmission | None, status: dict[str, Any], year: int
) -> list[dict[str, Any]]:
    """Plan progress for the targets of year R; the actual value is the one reported in 集群发展情况."""
    targets = (
        sample.tables["plan_targets"]
        if sample is not None
        else [{"indicator": "total_output", "target_year": year}]
    )
    return [
        {
            "certificate_id": cid,
            "indicator": t["indicator"],
            "target_year": year,
            "actual_value": status[t["indicator"]],
        }
        for t in targets
        if int(t["target_year"]) == year
    ]


def _monitoring_incidents(
    rng: random.Random,
    cid: str,
    cert: Mapping[str, Any],
    sample: SampleSubmission | None,
    year: int,
    cast: Cast,
) -> list[dict[str, Any]]:
    if cid not in (cast.art6_incident, cast.on_time_filing):
        return []
    if sample is not None:
        uscc = rng.choice(sample.tables["enterprises"])["uscc"]
    else:
        uscc = make_uscc(rng, str(cert.get("county_code", "230183")))
    if cid == cast.art6_incident:
        category, severity, text = (
            "环境污染事故",
            "较大",
            "污水处理设施故障导致超标排放，造成下游河段污染，生态环境部门已立案",
        )
    else:
        category, severity, text = "安全事故", "一般", "设备检修时一人手部轻伤，已整改"
    return [
        {
            "certificate_id": cid,
            "occurred_on": date(year, rng.randint(3, 10), rng.randint(1, 28)),
            "uscc": uscc,
            "category": category,
            "severity": severity,
            "description": text,
        }
    ]
