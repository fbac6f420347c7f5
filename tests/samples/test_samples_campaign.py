"""The campaign inbox: deterministic, all three formats, the promised mix of verdicts, and verdicts that
an independent reading of SPEC §4.2 (written here, with decimals) agrees with."""

import json
from collections import Counter
from datetime import date
from decimal import Decimal

from clustercert.contract import SUBMISSION
from clustercert.reference import counties
from clustercert.samples.mistakes import EDGES, MISTAKES
from clustercert.samples.submissions import EVIDENCE_TITLES, generate_campaign, sha256_of
from clustercert.submission import make_submission_id
from clustercert.uscc import is_valid_uscc


def test_same_seed_gives_the_same_bytes_and_another_seed_does_not(tmp_path):
    first = generate_campaign(tmp_path / "a", year=2026, seed=11, count=4)
    again = generate_campaign(tmp_path / "b", year=2026, seed=11, count=4)
    other = generate_campaign(tmp_path / "c", year=2026, seed=12, count=4)
    assert [s.sha256 for s in first] == [s.sha256 for s in again]
    assert [s.tables for s in first] == [s.tables for s in again]
    assert [s.submission_id for s in first] == [s.submission_id for s in again]
    assert {s.sha256 for s in first}.isdisjoint(s.sha256 for s in other)


def test_the_mix_is_mostly_eligible_with_some_ineligible_and_some_invalid(campaign):
    verdicts = Counter((s.expected.valid, s.expected.eligible) for s in campaign)
    assert verdicts == {(True, True): 13, (True, False): 5, (False, None): 6}
    assert len({s.submission_id for s in campaign}) == 24
    assert len({s.county_code for s in campaign}) == 24
    assert min(Counter(s.prefecture_code for s in campaign).values()) >= 2
    used = {name for s in campaign for name in s.variations}
    assert used == set(EDGES) | set(MISTAKES)  # every variation shows up at count 24


def test_all_three_formats_are_written_and_ids_follow_the_file_bytes(campaign):
    formats = Counter(s.fmt for s in campaign)
    assert formats == {"xlsx": 22, "csv": 1, "json": 1}
    for s in campaign:
        assert s.file.exists()
        assert s.submission_id == make_submission_id(2026, s.county_code, sha256_of(s.file))
    folder = next(s for s in campaign if s.fmt == "csv").file
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{sheet.label}.csv" for sheet in SUBMISSION.sheets
    )
    doc = json.loads(next(s for s in campaign if s.fmt == "json").file.read_text("utf-8"))
    assert set(doc) == {sheet.key for sheet in SUBMISSION.sheets}


def test_every_credit_code_is_valid_except_the_planted_typo(campaign):
    for s in campaign:
        codes = [r["uscc"] for key in ("enterprises", "designations", "incidents") for r in s.tables[key]]
        bad = [c for c in codes if not is_valid_uscc(c)]
        assert len(bad) == (1 if "bad_uscc_check" in s.variations else 0), s.cluster_name


def test_profiles_hold_contacts_and_the_enterprise_lists_are_sized_like_real_ones(campaign):
    for s in campaign:
        profile = s.tables["profile"]
        assert profile["contact_name"] and len(profile["contact_phone"]) == 11
        assert 40 <= len({e["uscc"] for e in s.tables["enterprises"]}) <= 300
        assert {r["target_year"] for r in s.tables["plan_targets"]} >= {2026, 2027, 2028}


def test_each_mistake_is_really_in_its_workbook(campaign):
    for s in campaign:
        t, names = s.tables, set(s.variations)
        years = [r["year"] for r in t["annual"]]
        last = t["annual"][-1]
        firms = [e["uscc"] for e in t["enterprises"]]
        assert ("amounts_in_yuan" in names) == (last["total_output"] > 100_000_000)
        assert ("missing_year" in names) == (years != [2023, 2024, 2025])
        assert ("county_name_mismatch" in names) == (
            counties()[t["profile"]["county_code"]].county_name != t["profile"]["county_name"]
        )
        assert ("percent_text" in names) == isinstance(last["ii_adoption_pct"], str)
        assert ("duplicate_enterprise" in names) == (len(set(firms)) < len(firms))
        assert ("designation_not_listed" in names) == any(d["uscc"] not in firms for d in t["designations"])
        assert ("missing_sheet" in names) == (s.omit == ("incidents",))
        if "sme_exceeds_total" in names:
            assert last["sme_output"] > last["total_output"]


# -- an independent reading of SPEC §4.2 -------------------------------------------------------------
SERIOUS = {"安全事故": 2, "质量事故": 2, "环境污染事故": 2, "网络安全事件": 3, "数据安全事件": 3}
GRADES = ("一般", "较大", "重大", "特别重大")


def _d(value) -> Decimal:
    return Decimal(str(value))


def spec_verdict(t: dict) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(failed criteria, advisory warnings) of valid tables, straight from SPEC §4.2."""
    p = t["profile"]
    y = {r["year"]: r for r in t["annual"]}
    Y = p["campaign_year"]
    a, b, c = y[Y - 3], y[Y - 2], y[Y - 1]
    as_of = p["declared_on"]
    failed = []
    if any(_d(r["total_output"]) < 150_000 for r in (a, b, c)):
        failed.append("A5.1.output")
    if _d(c["sme_output"]) * 100 < _d(c["total_output"]) * 60:
        failed.append("A5.1.sme_share")
    if not _d(c["leading_output"]) * 100 > _d(c["total_output"]) * 60:
        failed.append("A5.1.leading_share")
    firms = {e["uscc"]: e for e in t["enterprises"]}
    valid = [d for d in t["designations"] if d["valid_until"] == "" or d["valid_until"] >= as_of]
    top = any(
        d["designation"] in ("制造业单项冠军", "专精特新“小巨人”")
        and firms[d["uscc"]]["in_leading_industry"] == "是"
        for d in valid
    )
    if not (top or len({d["uscc"] for d in valid}) >= 6):
        failed.append("A5.2.tiered")
    if not _d(c["sme_rd"]) / _d(a["sme_rd"]) > Decimal("1.1025"):  # (1 + 5 %)²
        failed.append("A5.4.rd_growth")
    if _d(c["invention_patents"]) / _d(a["invention_patents"]) < Decimal("1.1025"):
        failed.append("A5.4.patent_growth")
    if _d(c["invention_patents"]) * 10_000 < _d(c["employees"]) * 5:
        failed.append("A5.4.patent_density")
    if _d(c["ii_adoption_pct"]) < 10:
        failed.append("A5.5.ii_adoption")
    s = [_d(r["software_adoption_pct"]) for r in (a, b, c)]
    if not (s[0] <= s[1] <= s[2] and s[2] > s[0]):
        failed.append("A5.5.software_trend")
    e = [_d(r["energy_intensity"]) for r in (a, b, c)]
    if not e[0] > e[1] > e[2]:
        failed.append("A5.6.energy_trend")
    if not {Y, Y + 1, Y + 2} <= {r["target_year"] for r in t["plan_targets"]}:
        failed.append("A5.8.plan")
    evidence = {r["item"]: r for r in t["evidence"]}
    for item in EVIDENCE_TITLES:
        if (item == "A5.6.energy_benchmark" and p["high_energy_industry"] == "否") or (
            item == "A5.6.water_benchmark" and p["high_water_industry"] == "否"
        ):
            continue
        row = evidence.get(item)
        if row is None or row["met"] != "是" or not row["evidence"]:
            failed.append(item)
    window = date(as_of.year - 3, as_of.month, as_of.day)
    for i in t["incidents"]:
        grade = GRADES.index(i["severity"]) if i["severity"] else 0
        in_window = window <= i["occurred_on"] <= as_of
        if in_window and (i["category"] not in SERIOUS or grade >= SERIOUS[i["category"]] - 1):
            failed.append("A6.incidents")
            break
    warnings = ("A5.1.area",) if _d(p["area_km2"]) > 100 else ()
    return tuple(failed), warnings


def test_expected_verdicts_agree_with_the_spec(campaign):
    for s in campaign:
        if not s.expected.valid:
            continue
        failed, warnings = spec_verdict(s.tables)
        assert failed == s.expected.failed_criteria, (s.cluster_name, s.variations)
        assert warnings == s.expected.warnings, (s.cluster_name, s.variations)
        assert s.expected.eligible == (not failed)


def test_boundary_samples_sit_exactly_on_the_threshold(campaign):
    by_variation = {v: s for s in campaign for v in s.variations}
    annual = by_variation["leading_share_exactly_60"].tables["annual"][-1]
    assert _d(annual["leading_output"]) * 100 == _d(annual["total_output"]) * 60
    annual = by_variation["sme_share_exactly_60"].tables["annual"][-1]
    assert _d(annual["sme_output"]) * 100 == _d(annual["total_output"]) * 60
    assert by_variation["output_exactly_150000"].tables["annual"][0]["total_output"] == 150_000
    rd = [r["sme_rd"] for r in by_variation["rd_growth_exactly_5"].tables["annual"]]
    assert _d(rd[2]) / _d(rd[0]) == Decimal("1.1025")
    assert by_variation["patents_5_ii_10_area_100"].tables["profile"]["area_km2"] == 100
