"""Formula cells saved without their result (a program that does not calculate wrote the file).

openpyxl itself is such a program: a formula it writes has an empty `<v/>`. Excel, which calculates,
writes the result next to the formula, and an empty text result as t="str" with an empty `<v>`.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
from spec_workbook import save, sheets

from clustercert.intake import read_submission
from clustercert.validation import validate_submissions

SHEET_XML = {"基本信息": "xl/worksheets/sheet1.xml", "企业名录": "xl/worksheets/sheet3.xml"}


def _with_formulas(path: Path, cells: dict[tuple[str, str], str]) -> Path:
    save(path, sheets())
    book = openpyxl.load_workbook(path)
    for (sheet, ref), formula in cells.items():
        book[sheet][ref] = formula
    book.save(path)
    return path


def _rewrite(path: Path, part: str, old: str, new: str) -> None:
    with zipfile.ZipFile(path) as src:
        items = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in items:
            if info.filename == part:
                text = data.decode("utf-8")
                assert old in text, text[:400]
                data = text.replace(old, new).encode("utf-8")
            dst.writestr(info, data)


def _formula_issues(sub):
    return [
        (i.sheet, i.row, i.column, i.severity.value)
        for i in sub.issues
        if i.check == "intake.formula_without_value"
    ]


def test_a_required_cell_holding_an_uncomputed_formula_is_an_error(tmp_path: Path) -> None:
    path = _with_formulas(tmp_path / "a.xlsx", {("企业名录", "B3"): '="尚志"&"食品"'})
    sub = read_submission(path)
    assert _formula_issues(sub) == [("企业名录", 3, "企业名称", "error")]
    (issue,) = [i for i in sub.issues if i.check == "intake.formula_without_value"]
    assert "公式" in issue.message and "计算结果" in issue.message and "Excel" in issue.message
    (result,), _ = validate_submissions([sub], engine="pandas", campaign_year=2026)
    assert not result.valid
    # one message for the cell: not also "企业名称未填写"
    assert [(i.sheet, i.row, i.column) for i in result.issues] == [("企业名录", 3, "企业名称")]


def test_an_optional_cell_holding_an_uncomputed_formula_is_a_warning(tmp_path: Path) -> None:
    path = _with_formulas(tmp_path / "a.xlsx", {("企业名录", "E2"): "=1000+1"})
    sub = read_submission(path)
    assert _formula_issues(sub) == [("企业名录", 2, "上年度产值（万元）", "warning")]
    assert sub.tables["enterprises"]["output"].tolist()[0] == ""  # read as blank, not invented
    (result,), _ = validate_submissions([sub], engine="pandas", campaign_year=2026)
    assert result.valid and [i.check for i in result.warnings] == ["intake.formula_without_value"]


def test_a_profile_field_holding_an_uncomputed_formula_is_an_error_on_its_row(tmp_path: Path) -> None:
    path = _with_formulas(tmp_path / "a.xlsx", {("基本信息", "B2"): "=2025+1"})
    sub = read_submission(path)
    assert _formula_issues(sub) == [("基本信息", 2, "申报年度", "error")]
    (result,), _ = validate_submissions([sub], engine="pandas", campaign_year=2026)
    assert [(i.check, i.row) for i in result.errors] == [("intake.formula_without_value", 2)]


def test_a_formula_with_its_computed_result_is_read_as_the_result(tmp_path: Path) -> None:
    path = _with_formulas(tmp_path / "a.xlsx", {})
    _rewrite(
        path,
        SHEET_XML["企业名录"],
        '<c r="E2" t="n"><v>1000</v></c>',
        '<c r="E2"><f>999+1</f><v>1000</v></c>',
    )
    sub = read_submission(path)
    assert _formula_issues(sub) == []
    assert sub.tables["enterprises"]["output"].tolist()[0] == "1000"


def test_an_empty_text_result_computed_by_excel_is_a_blank_cell(tmp_path: Path) -> None:
    path = _with_formulas(tmp_path / "a.xlsx", {})
    _rewrite(
        path,
        SHEET_XML["企业名录"],
        '<c r="E2" t="n"><v>1000</v></c>',
        '<c r="E2" t="str"><f>""</f><v></v></c>',
    )
    sub = read_submission(path)
    assert _formula_issues(sub) == []
    assert sub.tables["enterprises"]["output"].tolist()[0] == ""


def test_a_formula_without_any_value_element_is_uncomputed_too(tmp_path: Path) -> None:
    path = _with_formulas(tmp_path / "a.xlsx", {})
    _rewrite(path, SHEET_XML["企业名录"], '<c r="E2" t="n"><v>1000</v></c>', '<c r="E2"><f>999+1</f></c>')
    assert _formula_issues(read_submission(path)) == [("企业名录", 2, "上年度产值（万元）", "warning")]
