"""Every page renders, stays offline, escapes county data and links with relative paths."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from reports_samples import SID_BAD, SID_NEHE, SID_OK, SID_UPHELD, SID_VETO

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
        "national_recommendation.html", "prefectures/230100.html", "prefectures/230200.html",
        f"feedback/{SID_OK}.html", f"feedback/{SID_BAD}.html", f"feedback/{SID_VETO}.html",
        f"evaluation/{SID_OK}.html", f"evaluation/{SID_VETO}.html", "clusters.html",
        *(f"clusters/{sid}.html" for sid in (SID_OK, SID_BAD, SID_VETO, SID_UPHELD, SID_NEHE)),
    }  # fmt: skip
    for value in paths.values():
        for path in value if isinstance(value, tuple) else (value,):
            assert path.exists() and path.stat().st_size > 500


def test_pages_load_nothing_from_anywhere(rendered: tuple[Path, dict]) -> None:
    out, _ = rendered
    scripted = []
    for path in html_files(out):
        text = path.read_text("utf-8")
        assert "http://" not in text and "https://" not in text, path
        assert "url(" not in text and "@import" not in text, path
        refs = parse(path)
        assert not {"link", "img", "iframe", "object", "embed", "font"} & set(refs.tags), path
        assert "style" in refs.tags, f"{path}: stylesheet must be inline"
        for tag, attr, url in refs.urls:
            assert tag == "a" and attr == "href", (path, tag, attr)  # no <script src>, no <img src>
            assert not re.match(r"^[a-z][a-z0-9+.-]*:|^/", url, re.I), (path, url)
        policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', text).group(1)
        assert "default-src 'none'" in policy, path
        if "script" in refs.tags:
            # our own inline script, and the page's policy allows exactly that script (by its hash)
            [body] = re.findall(r"<script>(.*?)</script>", text, re.S)
            digest = base64.b64encode(hashlib.sha256(html.unescape(body).encode()).digest()).decode()
            assert f"script-src 'sha256-{digest}'" in policy, path
            scripted.append(path.relative_to(out).as_posix())
        else:
            assert "script-src" not in policy, path
    assert scripted == ["clusters.html"]


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
    assert f'href="feedback/{SID_BAD}.html"' in text and f'href="clusters/{SID_BAD}.html"' in text
    assert "企业名录 · 统一社会信用代码" in text and "统一社会信用代码校验位正确" in text
    assert "gx.uscc_check_digit" not in text and "uscc_check_digit" not in text  # ids stay in the CSVs
    assert "大庆市" in text  # 230606 大同区 belongs to 大庆市
    cards = dict(
        (k, int(n)) for n, k in re.findall(r'<div class="n">(\d+)</div><div class="k">(.+?)</div>', text)
    )
    assert cards["申报材料"] == 3 and cards["校验通过"] == 2 and cards["校验未通过"] == 1
    assert cards["错误"] == 4 and cards["提示"] == 2 and cards["规则未通过"] == 1


def test_evaluation_shows_articles_comparators_and_model_note(rendered: tuple[Path, dict]) -> None:
    out, _ = rendered
    text = (out / f"evaluation/{SID_OK}.html").read_text("utf-8")
    assert "第五条（一）" in text and "高于" in text and "以上" in text and "不超过" in text
    assert (
        "近三年产值均在15亿元以上" in text and "占地面积一般不超过100平方公里" in text
    )  # the regulation's words
    assert '<td class="bad">未达标</td>' in text and '<td class="warn">提示（须说明理由）</td>' in text
    assert '<td class="muted">不评价</td>' in text
    # the any-of branches and the years read as words, with units
    assert "持有有效制造业单项冠军或专精特新“小巨人”称号的主导产业企业 1家" in text
    assert "持有有效优质中小企业称号的企业（每家只计一次） 11家" in text and "2023年 152000万元" in text
    assert "默认评分模型" in text and "82.46" in text and "30.5" in text  # score, sum of contributions
    assert "第五条（一）核心竞争力" in text and "集群总产值（2025年）" in text and "171,000万元" in text
    assert "第十条 本次认定名额上限" in text  # an override by its description, not its id
    veto = (out / f"evaluation/{SID_VETO}.html").read_text("utf-8")
    assert "一票否决（第六条）" in veto and "储罐泄漏" in veto
    assert "<li>第六条 集群企业近三年未发生较大及以上安全" in veto
    assert "<li>第五条（四）近三年中小企业研发经费年均增长高于5%</li>" in veto


def test_evaluation_names_each_values_source(rendered: tuple[Path, dict]) -> None:
    out, _ = rendered
    text = (out / f"evaluation/{SID_OK}.html").read_text("utf-8")
    for source in ("经营指标 第2–4行 集群总产值（万元）", "经营指标 第4行 主导产业产值（万元）、集群总产值（万元）",
                   "基本信息 第13行 占地面积（平方公里）", "梯度培育 第2、5、9行 称号、有效期至"):  # fmt: skip
        assert f'<td class="muted">{source}</td>' in text, source


def test_a_plausibility_warning_shows_beside_its_criterion(rendered: tuple[Path, dict]) -> None:
    """The 元 warning is on 经营指标 row 3, 集群总产值: beside A5.1.output (rows 2–4, that column), in the
    box above, and nowhere near the criteria that read other cells."""
    out, _ = rendered
    text = (out / f"evaluation/{SID_OK}.html").read_text("utf-8")
    rows = re.findall(r"<tr>(.*?)</tr>", text, re.S)
    output = next(r for r in rows if "近三年产值均在15亿元以上" in r)
    assert '<td class="num wrap warn">2023年 152000万元 <span class="mark" title="经营指标 第3行' in output
    assert "⚠ 数据提示：经营指标 第3行 2023年“集群总产值（万元）”为1520000000" in output
    leading = next(r for r in rows if "主导产业占集群总产值比例高于60%" in r)  # row 4, another column
    assert "⚠" not in leading and "像是按“元”填写" not in leading
    area = next(r for r in rows if "占地面积一般不超过100平方公里" in r)  # its own warning (基本信息 row 13)
    assert "占地面积 120 平方公里超过一般上限" in area and "像是按“元”填写" not in area
    box = text[text.index("评审结论") : text.index("认定条件逐项审核")]
    assert "⚠ 数据提示" in box and "像是按“元”填写" in box
    veto = (out / f"evaluation/{SID_VETO}.html").read_text("utf-8")
    assert "⚠" not in veto


def test_lists_mark_a_score_that_rests_on_a_warned_value(rendered: tuple[Path, dict]) -> None:
    out, _ = rendered
    for page in ("scores.html", "clusters.html", "prefectures/230100.html"):
        text = (out / page).read_text("utf-8")
        score = re.search(
            r'<td class="num warn"[^>]*>82.46 <span class="mark" title="([^"]+)">⚠</span>', text
        )
        assert score and "像是按“元”填写" in html.unescape(score.group(1)), page
        assert "61.20 <span" not in text, page  # the vetoed cluster has no warning
    footnote = (out / "scores.html").read_text("utf-8")
    assert "⚠ 数据提示" in footnote and f'<a href="clusters/{SID_OK}.html">' in footnote
    cluster = (out / f"clusters/{SID_OK}.html").read_text("utf-8")
    assert "⚠ 数据提示" in cluster and "像是按“元”填写" in cluster


def test_prefecture_page_shows_the_reason_of_each_decision(rendered: tuple[Path, dict]) -> None:
    """讷河: not recommended because its spot check failed — the page says so, with the article."""
    out, _ = rendered
    text = (out / "prefectures/230200.html").read_text("utf-8")
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", text, re.S) if "讷河马铃薯集群" in r)
    assert '<td class="s-bad">市（地）未推荐</td>' in row
    assert "<td>市地实地抽查不通过：实地抽查发现主导产业产值与统计部门数据不一致</td>" in row
    assert "<td>第九条</td>" in row and f'href="../clusters/{SID_NEHE}.html"' in row


def test_certified_page_lists_who_was_dropped_at_the_notice_and_why(rendered: tuple[Path, dict]) -> None:
    out, _ = rendered
    text = (out / "certified.html").read_text("utf-8")
    dropped = text[text.index("公示后未予认定") :]
    assert "克山马铃薯产业集群" in dropped and "公示异议成立，不予认定" in dropped
    assert "经核查集群主导产业产值统计口径有误" in dropped and "第十条" in dropped
    assert "13800001111" not in text and "有效期3年" in text


def test_cluster_page_tells_the_story(rendered: tuple[Path, dict]) -> None:
    out, _ = rendered
    text = (out / f"clusters/{SID_NEHE}.html").read_text("utf-8")
    assert '<span class="badge bad">市（地）未推荐</span><span class="article">依据：第九条</span>' in text
    assert "市地实地抽查不通过：实地抽查发现主导产业产值与统计部门数据不一致" in text
    steps = re.findall(r'<li class="(done|todo)[^"]*">.*?<span class="badge [a-z]+">(.+?)</span>', text, re.S)
    assert steps == [
        ("done", "已申报"), ("done", "校验通过"), ("done", "符合认定条件"), ("done", "市（地）未推荐"),
        ("todo", "入选公示名单"), ("todo", "已认定"),
    ]  # fmt: skip
    assert "2026-07-01 08:15:00" in text  # 00:15 UTC is 08:15 in Asia/Shanghai
    assert "0b7c2f3e-6c1d-4b7a-9f55-3d2a1e0c9b11" in text and "全省排名：— → 1" in text
    assert 'href="../prefectures/230200.html"' in text and 'href="../clusters.html"' in text
    certified = (out / f"clusters/{SID_OK}.html").read_text("utf-8")
    assert certified.count('<li class="todo') == 0 and "已认定" in certified
    assert (
        f'href="../evaluation/{SID_OK}.html"' in certified
        and f'href="../feedback/{SID_OK}.html"' in certified
    )


def test_clusters_list_is_sortable_and_filterable(rendered: tuple[Path, dict]) -> None:
    out, _ = rendered
    text = (out / "clusters.html").read_text("utf-8")
    assert '<table class="clusters" id="clusters">' in text and '<input id="filter" type="search"' in text
    for sid in (SID_OK, SID_BAD, SID_VETO, SID_UPHELD, SID_NEHE):
        assert f'href="clusters/{sid}.html"' in text
    assert "公示异议成立，不予认定" in text and "校验未通过" in text and "data-sort=" in text


def test_monitoring_has_svg_charts_with_axis_labels(rendered: tuple[Path, dict]) -> None:
    out, _ = rendered
    text = (out / "monitoring.html").read_text("utf-8")
    assert text.count('<svg class="chart-svg"') == 3
    assert text.count('<svg class="spark"') == 2
    assert ">2023</text>" in text and ">2025</text>" in text  # x axis
    assert "集群总产值（万元）" in text and 'class="threshold"' in text
    assert "第五条（五）工业互联网平台应用普及率不低于10%" in text and "未报送" in text and "大庆市" in text


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
        ("5", "已申报"),
        ("4", "校验通过"),
        ("1", "校验未通过"),
        ("3", "符合认定条件"),
        ("2", "市（地）推荐"),
        ("2", "入选公示名单"),
        ("1", "已认定"),
    ]
    assert (
        text.count('<svg class="chart-svg funnel"') == 1
        and text.count('<svg class="chart-svg status-bar"') == 3
    )
    assert '<a href="clusters.html">全部申报集群</a>' in text and 'href="certified.xlsx"' in text
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
