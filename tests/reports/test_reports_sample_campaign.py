"""The reports of a whole sample campaign (every stage, the registry, the human decisions): every
decision explained in Chinese, every value traced to its cells, every plausibility warning shown."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from page_text import codes_in_folder

from clustercert.lifecycle import Status
from clustercert.reports.render import cluster_relpath, evaluation_relpath
from clustercert.rules import CRITERIA_COLUMNS


def table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_no_page_of_a_real_campaign_shows_a_raw_code(sample_campaign: Path) -> None:
    assert codes_in_folder(sample_campaign) == {}


def test_decisions_csv_gives_each_final_status_in_chinese_with_reason_and_article(
    sample_campaign: Path,
) -> None:
    rows = table(sample_campaign / "decisions.csv")
    assert len(rows) == 24
    seen = set()
    for row in rows:
        status = Status(row["final_status"])
        seen.add(status)
        assert row["final_status_label"] == status.label
        assert row["reason"] and re.fullmatch(r"第[一二三四五六七八九十]+条", row["article"]), row
    assert {Status.INVALID, Status.INELIGIBLE, Status.NOT_RECOMMENDED, Status.NOT_SHORTLISTED,
            Status.OBJECTION_UPHELD, Status.CERTIFIED} <= seen  # fmt: skip


def test_criteria_csv_names_the_source_of_every_value(sample_campaign: Path) -> None:
    path = sample_campaign / "criteria.csv"
    assert path.read_text("utf-8-sig").splitlines()[0].split(",") == CRITERIA_COLUMNS
    rows = table(path)
    assert rows and all(r["source_sheet"] for r in rows)
    output = [r for r in rows if r["criterion_id"] == "A5.1.output"]
    assert output and all(
        r["source_sheet"] == "经营指标" and r["source_columns"] == "集群总产值（万元）" for r in output
    )
    assert {r["source_rows"] for r in output} == {"2;3;4"}
    area = [r for r in rows if r["criterion_id"] == "A5.1.area"]
    assert area and all(r["source_sheet"] == "基本信息" and r["source_rows"].isdigit() for r in area)
    tiered = [r for r in rows if r["criterion_id"] == "A5.2.tiered"]
    assert all(r["source_sheet"] == "梯度培育" and r["source_columns"] == "称号;有效期至" for r in tiered)


def test_outputs_entered_in_yuan_are_marked_wherever_the_decision_is_shown(sample_campaign: Path) -> None:
    issues = table(sample_campaign / "validation_issues.csv")
    [sid] = {i["submission_id"] for i in issues if i["check"] == "gx.annual.output_unit_yuan"}
    page = (sample_campaign / evaluation_relpath(sid)).read_text("utf-8")
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    output = next(r for r in rows if "近三年产值均在15亿元以上" in r)
    assert '<span class="mark"' in output and "像是按“元”填写" in output
    assert "经营指标 第2–4行 集群总产值（万元）" in output
    assert all(
        "像是按“元”填写" not in r for r in rows if "近三年产值均在15亿元以上" not in r and "数据提示" not in r
    )
    for listing in ("scores.html", "clusters.html"):
        text = (sample_campaign / listing).read_text("utf-8")
        link = f'href="{cluster_relpath(sid)}"'
        row = next(r for r in re.findall(r"<tr>(.*?)</tr>", text, re.S) if link in r)
        assert '<span class="mark" title="' in row and "⚠" in row, listing
    assert "⚠ 数据提示" in (sample_campaign / cluster_relpath(sid)).read_text("utf-8")


def test_why_not_certified_is_two_clicks_from_the_index(sample_campaign: Path) -> None:
    index = (sample_campaign / "index.html").read_text("utf-8")
    assert 'href="clusters.html"' in index and '<svg class="chart-svg funnel"' in index
    listing = (sample_campaign / "clusters.html").read_text("utf-8")
    for row in table(sample_campaign / "decisions.csv"):
        assert f'href="{cluster_relpath(row["submission_id"])}"' in listing
        page = (sample_campaign / cluster_relpath(row["submission_id"])).read_text("utf-8")
        status = Status(row["final_status"])
        assert f">{status.label}</span>" in page and row["article"] in page
        assert row["reason"].split("：")[0] in page


def test_prefecture_pages_show_the_spot_check_behind_a_refusal(sample_campaign: Path) -> None:
    refused = [r for r in table(sample_campaign / "decisions.csv") if r["final_status"] == "not_recommended"]
    assert refused
    for row in refused:
        page = (sample_campaign / "prefectures" / f"{row['prefecture_code']}.html").read_text("utf-8")
        line = next(r for r in re.findall(r"<tr>(.*?)</tr>", page, re.S) if row["submission_id"] in r)
        assert "市（地）未推荐" in line and row["reason"] in line and "第九条" in line


def test_certified_page_names_the_objection_upheld(sample_campaign: Path) -> None:
    upheld = [r for r in table(sample_campaign / "decisions.csv") if r["final_status"] == "objection_upheld"]
    text = (sample_campaign / "certified.html").read_text("utf-8")
    assert upheld and "公示后未予认定" in text
    for row in upheld:
        assert row["cluster_name"] in text and "公示异议成立，不予认定" in text
