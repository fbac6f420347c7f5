"""JSON submissions: a repeated key is a located error at any level; an empty document names every sheet.

The documents are written as text, because a repeated key cannot be built with a Python dict.
"""

from __future__ import annotations

from pathlib import Path

from clustercert.intake import read_submission

SHEETS = ("基本信息", "经营指标", "企业名录", "梯度培育", "安全合规", "定性条件", "发展规划")
REST = ", ".join(f'"{name}": []' for name in SHEETS[1:])


def _read(tmp_path: Path, text: str):
    path = tmp_path / "s.json"
    path.write_text(text, encoding="utf-8")
    return read_submission(path)


def _duplicates(sub) -> list[tuple[str, int | None, str]]:
    return [(i.sheet, i.row, i.column) for i in sub.issues if i.check == "intake.duplicate_key"]


def test_a_sheet_given_twice_is_an_error_and_the_first_is_kept(tmp_path: Path) -> None:
    text = (
        '{"基本信息": {"申报年度": 2026}, ' + REST + ', "企业名录": [{"企业名称": "后一个"}]}'
    )  # the second 企业名录 would silently win with a plain json.loads
    sub = _read(tmp_path, text)
    assert _duplicates(sub) == [("企业名录", None, "")]
    (issue,) = [i for i in sub.issues if i.check == "intake.duplicate_key"]
    assert issue.is_error and "“企业名录”出现了不止一次" in issue.message
    assert sub.tables["enterprises"].empty  # the first one (no records)


def test_a_field_given_twice_in_the_profile_is_located_at_the_field(tmp_path: Path) -> None:
    sub = _read(
        tmp_path, '{"基本信息": {"申报年度": 2026, "集群名称": "甲", "申报年度": 2025}, ' + REST + "}"
    )
    assert _duplicates(sub) == [("基本信息", None, "申报年度")]
    assert sub.profile_value("campaign_year") == "2026"


def test_a_column_given_twice_in_a_record_is_located_at_its_row(tmp_path: Path) -> None:
    record = '{"统一社会信用代码": "914403001922038216", "企业名称": "甲", "企业名称": "乙"}'
    text = (
        '{"基本信息": {"申报年度": 2026}, '
        + REST.replace('"企业名录": []', f'"企业名录": [{{}}, {record}]')
        + "}"
    )
    sub = _read(tmp_path, text)
    assert _duplicates(sub) == [("企业名录", 3, "企业名称")]
    assert sub.tables["enterprises"]["name"].tolist() == ["甲"]


def test_a_key_repeated_deeper_inside_a_cell_is_reported_too(tmp_path: Path) -> None:
    text = '{"基本信息": {"申报年度": 2026, "集群名称": {"a": 1, "a": 2}}, ' + REST + "}"
    sub = _read(tmp_path, text)
    assert _duplicates(sub) == [("基本信息", 3, "集群名称")]


def test_no_repeated_key_no_duplicate_issue(tmp_path: Path) -> None:
    sub = _read(tmp_path, '{"基本信息": {"申报年度": 2026}, ' + REST + "}")
    assert _duplicates(sub) == []


def test_an_empty_document_reports_every_missing_sheet(tmp_path: Path) -> None:
    sub = _read(tmp_path, "{}")
    missing = [i for i in sub.issues if i.check == "intake.missing_sheet"]
    assert [i.sheet for i in missing] == list(SHEETS)
    assert all(i.is_error for i in missing)


def test_a_sheet_of_the_wrong_shape_is_not_also_called_missing(tmp_path: Path) -> None:
    sub = _read(tmp_path, '{"经营指标": 5}')
    by_sheet = {(i.check, i.sheet) for i in sub.issues}
    assert ("intake.unreadable", "经营指标") in by_sheet
    assert ("intake.missing_sheet", "经营指标") not in by_sheet
    assert ("intake.missing_sheet", "企业名录") in by_sheet
