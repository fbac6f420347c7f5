"""Every page renders, stays offline, escapes county data and links with relative paths."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from reports_samples import SID_BAD, SID_OK, SID_VETO

from clustercert.issue import Issue, Severity
from clustercert.reports import render_feedback, render_index
from clustercert.reports.render import fmt, safe_name


def html_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


class _Refs(HTMLParser):
    """Collects tags and every URL-bearing attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if (
                name in ("href", "src", "srcset", "data", "action", "xlink:href", "poster")
                and value is not None
            ):
                self.urls.append((tag, name, value))


def parse(path: Path) -> _Refs:
    parser = _Refs()
    parser.feed(path.read_text("utf-8"))
    return parser


def test_every_page_family_was_written(rendered: tuple[Path, dict]) -> None:
    out, paths = rendered
    names = {p.relative_to(out).as_posix() for p in html_files(out)}
    assert names == {
        "index.html", "validation.html", "scores.html", "public_notice.html", "certified.html",
        "monitoring.html", "expiry.html", "change_filings.html", "revocation_proposals.html",
        "national_recommendation.html", "prefectures/230100.html",
        f"feedback/{SID_OK}.html", f"feedback/{SID_BAD}.html", f"feedback/{SID_VETO}.html",
        f"evaluation/{SID_OK}.html", f"evaluation/{SID_VETO}.html",
    }  # fmt: skip
    for value in paths.values():
        for path in value if isinstance(value, tuple) else (value,):
            assert path.exists() and path.stat().st_size > 500


def test_pages_load_nothing_from_anywhere(rendered: tuple[Path, dict]) -> None:
    out, _ = rendered
    for path in html_files(out):
        text = path.read_text("utf-8")
        assert "http://" not in text and "https://" not in text, path
        assert "url(" not in text and "@import" not in text, path
        refs = parse(path)
        assert not {"script", "link", "img", "iframe", "object", "embed", "font"} & set(refs.tags), path
        assert "style" in refs.tags, f"{path}: stylesheet must be inline"
        for tag, attr, url in refs.urls:
            assert tag == "a" and attr == "href", (path, tag, attr)
            assert not re.match(r"^[a-z][a-z0-9+.-]*:|^/", url, re.I), (path, url)


def test_relative_links_resolve_inside_the_folder(rendered: tuple[Path, dict]) -> None:
    out, _ = rendered
    for path in html_files(out):
        for _, _, url in parse(path).urls:
            target = (path.parent / url).resolve()
            assert target.is_relative_to(out.resolve()), (path, url)
            if target.name.endswith(".html") and "evaluation" not in url:
                assert target.exists(), (path, url)


def test_hostile_cluster_name_is_inert(rendered: tuple[Path, dict]) -> None:
    out, _ = rendered
    pages = [out / f"feedback/{SID_OK}.html", out / f"evaluation/{SID_OK}.html", out / "validation.html",
             out / "public_notice.html", out / "monitoring.html", out / "scores.html"]  # fmt: skip
    for page in pages:
        text = page.read_text("utf-8")
        assert "<script" not in text, page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;尚志食品集群" in text, page


def test_feedback_groups_errors_by_sheet_in_workbook_order(rendered: tuple[Path, dict]) -> None:
    out, _ = rendered
    text = (out / f"feedback/{SID_BAD}.html").read_text("utf-8")
    assert '<span class="badge bad">未通过</span>' in text
    assert "五常市" in text and "哈尔滨市" in text
    headings = re.findall(r"<h3>(.+?)（(\d+) 项）</h3>", text)
    assert headings == [("文件整体", "1"), ("基本信息", "1"), ("经营指标", "1"), ("企业名录", "1")]
    assert "&lt;b&gt;9123&lt;/b&gt;" in text  # messages are escaped too
    assert text.index("下一步怎么做") < text.index("错误（必须修改）") and "重新报送" in text
    ok = (out / f"feedback/{SID_OK}.html").read_text("utf-8")
    assert (
        '<span class="badge ok">通过</span>' in ok and "提示（请核实）" in ok and "错误（必须修改）" not in ok
    )


def test_feedback_shows_only_its_own_issues(tmp_path: Path) -> None:
    other = Issue("other-id", "x.xlsx", "经营指标", 3, "年度", "c", Severity.ERROR, "别人的错误")
    mine = Issue("mine", "m.xlsx", "企业名录", 5, "企业名称", "c", Severity.WARNING, "请核实企业名称")
    page = render_feedback(
        tmp_path, submission={"submission_id": "mine", "county_code": "230183"}, issues=[other, mine]
    )
    text = page.read_text("utf-8")
    assert "别人的错误" not in text and "请核实企业名称" in text
    assert '<span class="badge ok">通过</span>' in text


def test_validation_summary_counts_and_gx(rendered: tuple[Path, dict]) -> None:
    out, _ = rendered
    text = (out / "validation.html").read_text("utf-8")
    assert f'href="feedback/{SID_BAD}.html"' in text
    assert "gx.uscc_check_digit" in text and "uscc_check_digit" in text
    assert "大庆市" in text  # 230606 大同区 belongs to 大庆市
    cards = dict(
        (k, int(n)) for n, k in re.findall(r'<div class="n">(\d+)</div><div class="k">(.+?)</div>', text)
    )
    assert cards["申报材料"] == 3 and cards["校验通过"] == 2 and cards["校验未通过"] == 1
    assert cards["错误"] == 4 and cards["提示"] == 1 and cards["规则未通过"] == 1


def test_evaluation_shows_articles_comparators_and_model_note(rendered: tuple[Path, dict]) -> None:
    out, _ = rendered
    text = (out / f"evaluation/{SID_OK}.html").read_text("utf-8")
    assert "第五条（一）" in text and "高于" in text and "不低于" in text and "不超过" in text
    assert '<td class="bad" title="fail">未达标</td>' in text
    assert '<td class="warn" title="warning">提示</td>' in text
    assert "默认评分模型" in text and "82.46" in text and "30.5" in text  # score, sum of contributions
    assert "ranking.quota" in text
    veto = (out / f"evaluation/{SID_VETO}.html").read_text("utf-8")
    assert "一票否决（第六条）" in veto and "储罐泄漏" in veto and "A6.incidents" in veto


def test_monitoring_has_svg_charts_with_axis_labels(rendered: tuple[Path, dict]) -> None:
    out, _ = rendered
    text = (out / "monitoring.html").read_text("utf-8")
    assert text.count('<svg class="chart-svg"') == 3
    assert text.count('<svg class="spark"') == 2
    assert ">2023</text>" in text and ">2025</text>" in text  # x axis
    assert "集群总产值（万元）" in text and 'class="threshold"' in text
    assert "A5.5.ii_adoption" in text and "未报送" in text and "大庆市" in text


def test_management_pages_show_codes_in_chinese(rendered: tuple[Path, dict]) -> None:
    out, _ = rendered
    expiry = (out / "expiry.html").read_text("utf-8")
    assert "90日内到期" in expiry and "已到期且未申请复核" in expiry and "2026-03-11" in expiry
    assert expiry.index("HLJ-2023-002") < expiry.index("HLJ-2023-001")  # earliest expiry first
    changes = (out / "change_filings.html").read_text("utf-8")
    assert "未备案" in changes and "按时" in changes
    revocations = (out / "revocation_proposals.html").read_text("utf-8")
    assert "第十五条（三）未及时报送集群年度发展情况" in revocations
    national = (out / "national_recommendation.html").read_text("utf-8")
    assert national.index("HLJ-2023-001") < national.index("HLJ-2023-002")  # ranked first


def test_index_summary_and_links(rendered: tuple[Path, dict], tmp_path: Path) -> None:
    out, _ = rendered
    text = (out / "index.html").read_text("utf-8")
    assert '<a href="validation.html">申报材料校验汇总</a>' in text and "返回总览" not in text
    cards = re.findall(r'<div class="n">(\d+)</div><div class="k">(.+?)</div>', text)
    assert cards == [
        ("3", "申报"),
        ("2", "校验通过"),
        ("1", "符合认定条件"),
        ("1", "市（地）推荐"),
        ("1", "入选公示名单"),
        ("1", "认定"),
    ]
    for bad in ("https://cdn.example/x.js", "javascript:alert(1)", "/etc/passwd", "../outside.html"):
        with pytest.raises(ValueError):
            render_index(
                tmp_path,
                title="t",
                summary={},
                sections=[{"title": "s", "links": [{"href": bad, "text": "x"}]}],
            )


def test_ids_cannot_escape_the_output_folder(tmp_path: Path) -> None:
    page = render_feedback(tmp_path, submission={"submission_id": "../../etc/passwd"}, issues=[])
    assert page.resolve().is_relative_to(tmp_path.resolve())
    assert safe_name("../x/y") == "x_y"


def test_fmt_is_stable() -> None:
    assert (
        fmt(0.1 + 0.2) == "0.3"
        and fmt(150000.0) == "150000"
        and fmt(True) == "是"
        and fmt(float("nan")) == ""
    )
