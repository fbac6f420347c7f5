"""The README's commands as a user types them: template, validate, campaign, demo."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from clustercert.cli import main
from clustercert.samples import generate_campaign

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    inbox = tmp_path_factory.mktemp("inbox")
    return generate_campaign(inbox, year=2026, count=12)


def test_template_writes_the_seven_sheets_and_the_guide(tmp_path, capsys):
    out = tmp_path / "申报书模板.xlsx"
    assert main(["template", "--out", str(out), "--year", "2026"]) == 0
    names = openpyxl.load_workbook(out).sheetnames
    for sheet in (
        "基本信息",
        "经营指标",
        "企业名录",
        "梯度培育",
        "安全合规",
        "定性条件",
        "发展规划",
        "填表说明",
    ):
        assert sheet in names
    assert "template written" in capsys.readouterr().out


def test_validate_exit_0_for_a_good_workbook(samples, capsys):
    good = next(s for s in samples if s.expected.valid and s.fmt == "xlsx")
    assert main(["validate", str(good.file)]) == 0
    assert "通过 valid" in capsys.readouterr().out


def test_validate_exit_1_and_located_errors_for_a_broken_one(samples, tmp_path, capsys):
    good = next(s for s in samples if s.expected.valid and s.fmt == "xlsx")
    wb = openpyxl.load_workbook(good.file)
    wb["经营指标"]["C3"] = "abc"
    broken = tmp_path / "broken.xlsx"
    wb.save(broken)
    assert main(["validate", str(broken), "--out", str(tmp_path / "fb")]) == 1
    out = capsys.readouterr().out
    assert "[错误] 经营指标 第3行“中小企业产值（万元）”应为" in out  # the location once, from the message
    rows = list(csv.DictReader((tmp_path / "fb" / "validation_issues.csv").open(encoding="utf-8-sig")))
    assert [(r["sheet"], r["row"], r["column"], r["severity"]) for r in rows if r["severity"] == "error"] == [
        ("经营指标", "3", "中小企业产值（万元）", "error")
    ]
    assert list((tmp_path / "fb" / "feedback").glob("*.html"))


def test_validate_exit_2_for_usage_errors(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["validate", "/no/such/file.xlsx"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["campaign", "--year", "2026"])
    assert exc.value.code == 2


def test_both_engines_give_the_same_feedback_on_every_sample(samples, capsys):
    files = [str(s.file) for s in samples]
    code_pandas = main(["validate", *files, "--engine", "pandas"])
    out_pandas = capsys.readouterr().out
    code_gx = main(["validate", *files, "--engine", "gx"])
    out_gx = capsys.readouterr().out
    assert code_pandas == code_gx == 1  # the samples include broken workbooks
    assert out_pandas == out_gx


@pytest.mark.slow
def test_demo_runs_the_whole_cycle_cleanly(tmp_path):
    """`clustercert demo` in a fresh process: a summary, no traceback, no ERROR line."""
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home")}
    env.pop("PREFECT_API_URL", None)
    proc = subprocess.run(
        [sys.executable, "-m", "clustercert.cli", "demo", "--out", str(tmp_path / "demo"), "--count", "10"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-3000:]
    assert "Traceback" not in output
    assert "| ERROR" not in output
    assert "认定 certified" in proc.stdout
    assert (tmp_path / "demo" / "out" / "index.html").is_file()
