"""`clustercert validate` and `clustercert template` as a county runs them: the real entry point.

Workbooks are written cell by cell from SPEC §3.1 (tests/intake/spec_workbook.py), not by the
project's sample generator.
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from intake.spec_workbook import save, sheets, workbook

from clustercert.cli.common import today_shanghai
from clustercert.cli.intake import console_text
from clustercert.issue import Issue, Severity

CLUSTERCERT = Path(sys.executable).parent / "clustercert"  # the console script of this environment
THIS_YEAR = today_shanghai().year


def run(*args: str | Path, python_flags: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, *python_flags, str(CLUSTERCERT)] if python_flags else [str(CLUSTERCERT)]
    done = subprocess.run([*command, *map(str, args)], capture_output=True, text=True, timeout=300)
    assert "Traceback" not in done.stdout and "Traceback" not in done.stderr, done.stderr
    return done


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("county")
    broken = sheets(THIS_YEAR)
    broken["经营指标"][1][2] = "abc"  # row 3: 中小企业产值 not a number
    broken["基本信息"]["所在县（市、区）名称"] = "五常市"  # row 7: does not match 230183
    return {
        "good": workbook(folder / "尚志市.xlsx", year=THIS_YEAR),
        "good_2026": workbook(folder / "尚志市2026.xlsx", year=2026),
        "broken": save(folder / "有错误.xlsx", broken),
        "last_year": workbook(folder / "去年.xlsx", year=THIS_YEAR - 1),
        "2025": workbook(folder / "2025年.xlsx", year=2025),
    }


def test_a_valid_workbook_exits_0(files):
    done = run("validate", files["good"])
    assert done.returncode == 0, done.stdout
    assert "尚志市.xlsx: 通过 valid — 0 个错误 errors" in done.stdout
    assert f"认定年度 / campaign year: {THIS_YEAR}" in done.stdout


def test_a_broken_workbook_exits_1_with_located_chinese_messages_said_once(files):
    done = run("validate", files["broken"], "--year", str(THIS_YEAR))
    assert done.returncode == 1
    out = done.stdout
    assert "有错误.xlsx: 未通过 invalid — 2 个错误 errors" in out
    assert "[错误] 经营指标 第3行“中小企业产值（万元）”应为不小于0的数字（单位万元），实际为“abc”" in out
    assert "[错误] 基本信息 第7行“所在县（市、区）名称”为“五常市”" in out
    assert "：经营指标 第3行" not in out and "“经营指标” 第3行" not in out  # the location once


def test_a_missing_file_exits_2(files, tmp_path):
    done = run("validate", files["good"], tmp_path / "没有这个文件.xlsx")
    assert done.returncode == 2
    assert "no such file" in done.stderr


def test_last_years_workbook_is_refused_by_default_and_a_2025_one_for_2026(files):
    for path, args in ((files["last_year"], ()), (files["2025"], ("--year", "2026"))):
        done = run("validate", path, *args)
        assert done.returncode == 1, args
        assert f"“申报年度”为{2025 if args else THIS_YEAR - 1}，不是本次认定的年度" in done.stdout
        assert "经营指标 缺少" in done.stdout
    assert run("validate", files["good_2026"], "--year", "2026").returncode == 0


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.sources: list[str] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.hrefs.append(found["href"])
        for key in ("src", "href"):
            if tag != "a" and found.get(key):
                self.sources.append(found[key])


def _links(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def test_out_writes_the_feedback_pages_an_index_and_the_issues_csv(files, tmp_path):
    out = tmp_path / "反馈"
    done = run("validate", files["good"], files["broken"], "--out", out)
    assert done.returncode == 1
    index = out / "index.html"
    pages = sorted((out / "feedback").glob("*.html"))
    assert index.exists() and len(pages) == 2
    listed = [h for h in _links(index).hrefs]
    assert sorted(listed) == sorted(f"feedback/{p.name}" for p in pages)
    for page in pages:
        back = [h for h in _links(page).hrefs if h.endswith("index.html")]
        assert back == ["../index.html"] and (page.parent / back[0]).resolve() == index.resolve()
    for page in [index, *pages]:
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), page  # offline
        assert _links(page).sources == []
    with (out / "validation_issues.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert {(r["file"], r["sheet"], r["row"]) for r in rows} == {
        ("有错误.xlsx", "经营指标", "3"),
        ("有错误.xlsx", "基本信息", "7"),
    }


def test_out_to_an_unwritable_place_is_one_line_not_a_traceback(files):
    done = run("validate", files["good"], "--out", files["good"] / "反馈")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "不是文件夹" in done.stderr


def test_validate_does_not_import_prefect_or_great_expectations(files):
    done = run("validate", files["good"], python_flags=("-X", "importtime"))
    assert done.returncode == 0
    imported = {
        line.rsplit("|", 1)[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line
    }
    assert "clustercert" in imported  # the import log is there
    assert not imported & {"prefect", "great_expectations"}


def test_template_writes_a_workbook(tmp_path):
    done = run("template", "--out", tmp_path / "申报书.xlsx", "--year", "2026")
    assert done.returncode == 0 and (tmp_path / "申报书.xlsx").exists()


def test_template_to_a_path_under_a_file_is_one_clear_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = run("template", "--out", blocker / "申报书.xlsx", "--year", "2026")
    assert done.returncode in (1, 2)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "无法写入模板" in lines[0] and "a-file" in lines[0]
    assert done.stdout == ""


def _issue(message: str, sheet: str = "经营指标", row: int | None = 5, column: str = "年度") -> Issue:
    return Issue("s", "f.xlsx", sheet, row, column, "x", Severity.ERROR, message)


def test_console_text_gives_the_location_once():
    said = "经营指标 第5行“年度”为2022，不是2026年度申报的前三年"
    assert console_text(_issue(said)) == said
    assert console_text(_issue("工作表“企业名录”第 5 行起超出了…", sheet="企业名录")).startswith("工作表")
    # a message that does not say where gets the location in front
    assert console_text(_issue("该列未读取", column="说明")) == "“经营指标” 第5行“说明”：该列未读取"
    assert console_text(_issue("文件已损坏", sheet="", row=None, column="")) == "文件已损坏"
