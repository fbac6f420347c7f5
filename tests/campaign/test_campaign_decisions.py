"""Batch decisions (SPEC §3.2, §5): bad rows become located issues, contradictions are not guessed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from campaign_builders import decisions, table

from clustercert import contract
from clustercert.campaign.decisions import BatchDecisions
from clustercert.issue import Issue, Severity
from clustercert.submission import ROW

KNOWN = ["2026-230183-aaaaaaaa", "2026-230183-bbbbbbbb"]
A, B = KNOWN


def test_empty_has_nothing():
    empty = BatchDecisions.empty()
    assert empty.spot_checks == () and dict(empty.prefecture) == {} and dict(empty.objections) == {}
    assert empty.issues == () and not empty.unavailable
    assert BatchDecisions.load(None) == empty


def test_good_rows_are_read():
    d = decisions(
        KNOWN,
        spot_checks=table(
            {"submission_id": A, "level": "市地", "result": "不通过", "note": "现场企业数不符"},
            {"submission_id": B, "level": "省", "result": "通过", "note": ""},
        ),
        prefecture_decisions=table({"submission_id": A, "recommend": "否", "note": "产值存疑"}),
        objections=table({"submission_id": B, "upheld": "是", "note": "举报属实"}),
    )
    assert d.issues == ()
    failed = d.failed_spot_checks(A, "市地")
    assert len(failed) == 1 and failed[0].note == "现场企业数不符" and failed[0].row == 2
    assert d.failed_spot_checks(A, "省") == () and d.failed_spot_checks(B, "省") == ()
    assert d.prefecture[A].value is False and d.prefecture[A].note == "产值存疑"
    assert d.objections[B].value is True and d.objections[B].rows == (2,)


def test_bad_rows_become_located_chinese_issues_and_are_not_used():
    d = decisions(
        KNOWN,
        spot_checks=table(
            {"submission_id": A, "level": "县", "result": "通过", "note": ""},
            {"submission_id": A, "level": "市地", "result": "合格", "note": ""},
        ),
        prefecture_decisions=table(
            {"submission_id": "2026-999999-zzzzzzzz", "recommend": "是", "note": ""},
            {"submission_id": "", "recommend": "是", "note": ""},
            {"submission_id": B, "recommend": "可以", "note": ""},
            first_row=5,
        ),
    )
    by_check = {(i.check, i.row): i for i in d.issues}
    level = by_check[("decisions.spot_checks.level.allowed", 2)]
    assert level.file == "spot_checks.csv" and level.sheet == "实地抽查" and level.column == "层级"
    assert level.submission_id == A and level.severity == Severity.ERROR
    assert "市地 / 省" in level.message and "「县」" in level.message
    assert ("decisions.spot_checks.result.allowed", 3) in by_check
    unknown = by_check[("decisions.prefecture_decisions.submission_id.unknown", 5)]
    assert unknown.column == "申报编号" and "2026-999999-zzzzzzzz" in unknown.message
    assert ("decisions.prefecture_decisions.submission_id.required", 6) in by_check
    answer = by_check[("decisions.prefecture_decisions.recommend.allowed", 7)]
    assert answer.column == "是否推荐" and "是 / 否" in answer.message
    assert d.spot_checks == () and dict(d.prefecture) == {}
    assert all(i.reference == "SPEC §3.2" for i in d.issues)


def test_blank_lines_are_skipped_silently():
    d = decisions(KNOWN, objections=table({"submission_id": "", "upheld": "", "note": ""}))
    assert d.issues == () and dict(d.objections) == {}


def test_contradictory_answers_are_kept_undecided_with_an_error():
    d = decisions(
        KNOWN,
        prefecture_decisions=table(
            {"submission_id": A, "recommend": "是", "note": ""},
            {"submission_id": A, "recommend": "否", "note": "重复"},
        ),
    )
    assert d.prefecture[A].value is None and d.prefecture[A].rows == (2, 3)
    (issue,) = d.issues
    assert issue.check == "decisions.prefecture_decisions.recommend.conflict" and issue.row == 3
    assert issue.is_error and "第 2、3 行" in issue.message


def test_agreeing_duplicates_are_one_decision_and_a_warning():
    d = decisions(
        KNOWN,
        objections=table(
            {"submission_id": B, "upheld": "否", "note": "已核实"},
            {"submission_id": B, "upheld": "否", "note": "已核实"},
        ),
    )
    assert d.objections[B].value is False and d.objections[B].note == "已核实"
    (issue,) = d.issues
    assert issue.severity == Severity.WARNING and issue.check.endswith("upheld.duplicate")


def test_a_missing_column_makes_the_kind_unavailable():
    d = decisions(KNOWN, prefecture_decisions=table({"submission_id": A, "note": "x"}))
    assert d.unavailable == {"prefecture_decisions"}
    (issue,) = d.issues
    assert issue.row is None and issue.is_error and "「是否推荐」" in issue.message


# -- load: file discovery, with a stand-in reader so that these tests do not depend on intake -------


def _fake_reader(tables: dict[str, pd.DataFrame], issues: dict[str, list[Issue]] | None = None):
    def read(path: Path, sheet: contract.Sheet):
        return tables[path.name], list((issues or {}).get(path.name, []))

    return read


def test_load_finds_csv_and_xlsx_and_ignores_missing_kinds(tmp_path: Path):
    (tmp_path / "spot_checks.xlsx").write_bytes(b"")
    (tmp_path / "objections.csv").write_text("")
    reader = _fake_reader(
        {
            "spot_checks.xlsx": table({"submission_id": A, "level": "省", "result": "不通过", "note": ""}),
            "objections.csv": table({"submission_id": B, "upheld": "是", "note": "举报属实"}),
        }
    )
    d = BatchDecisions.load(tmp_path, KNOWN, reader=reader)
    assert d.issues == () and not d.unavailable
    assert d.failed_spot_checks(A, "省")[0].file == "spot_checks.xlsx"
    assert dict(d.prefecture) == {} and d.objections[B].value is True


def test_load_refuses_to_choose_between_csv_and_xlsx(tmp_path: Path):
    (tmp_path / "objections.csv").write_text("")
    (tmp_path / "objections.xlsx").write_bytes(b"")
    d = BatchDecisions.load(tmp_path, KNOWN, reader=_fake_reader({}))
    assert d.unavailable == {"objections"}
    (issue,) = d.issues
    assert issue.check == "decisions.objections.ambiguous_file" and issue.sheet == "公示异议"


def test_load_passes_reader_issues_on_and_drops_their_rows(tmp_path: Path):
    (tmp_path / "prefecture_decisions.csv").write_text("")
    (tmp_path / "spot_checks.csv").write_text("")
    row_issue = Issue(
        A, "prefecture_decisions.csv", "市地推荐意见", 2, "是否推荐", "read.x", Severity.ERROR, "坏"
    )
    file_issue = Issue(
        "", "spot_checks.csv", "实地抽查", None, "", "read.unreadable", Severity.ERROR, "打不开"
    )
    reader = _fake_reader(
        {
            "prefecture_decisions.csv": table(
                {"submission_id": A, "recommend": "是", "note": ""},
                {"submission_id": B, "recommend": "否", "note": ""},
            ),
            "spot_checks.csv": pd.DataFrame(columns=["submission_id", ROW]),
        },
        {"prefecture_decisions.csv": [row_issue], "spot_checks.csv": [file_issue]},
    )
    d = BatchDecisions.load(tmp_path, KNOWN, reader=reader)
    assert row_issue in d.issues and file_issue in d.issues
    assert A not in d.prefecture and d.prefecture[B].value is False
    assert d.unavailable == {"spot_checks"}


def test_load_with_the_real_intake_reader(tmp_path: Path):
    (tmp_path / "prefecture_decisions.csv").write_text(
        f"申报编号,是否推荐,说明\n{A},否,产值存疑\n{B},也许,\n", encoding="utf-8"
    )
    d = BatchDecisions.load(tmp_path, KNOWN)
    assert d.prefecture[A].value is False and d.prefecture[A].note == "产值存疑"
    assert B not in d.prefecture
    assert any(i.row == 3 and i.is_error for i in d.issues)


def test_load_with_the_real_reader_reports_a_missing_column_once(tmp_path: Path):
    (tmp_path / "objections.csv").write_text(f"申报编号,说明\n{A},举报\n", encoding="utf-8")
    d = BatchDecisions.load(tmp_path, KNOWN)
    assert d.unavailable == {"objections"}
    assert len([i for i in d.issues if "异议成立" in i.message]) == 1
