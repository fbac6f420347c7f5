"""The write step of the dynamic-management stages: extracts with the SPEC §5 columns first (through the
one CSV writer), the issues, the page, and one index of whatever the shared folder holds."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from clustercert.issue import Issue, Severity
from clustercert.reports import management_stages as written
from clustercert.reports import write_rows_csv
from clustercert.stages.changes import ChangesOutcome
from clustercert.stages.national import NationalOutcome
from clustercert.stages.revocation import RevocationOutcome

AS_OF = date(2028, 3, 20)


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def _changes() -> ChangesOutcome:
    row = {
        "certificate_id": "HLJTS-2026-001",
        "change_type": "空间范围",
        "changed_on": date(2027, 5, 20),
        "filed_on": date(2027, 6, 21),
        "on_time": True,
        "due_on": date(2027, 6, 21),
        "due_note": "期限末日2027-06-20为法定休假日（星期日，休息日），依民法典第二百零三条顺延至2027-06-21",
        "new_value": '=HYPERLINK("x")',  # typed by a prefecture: never a formula in the extract
        "source": "filing",
        "file": "change_filings.csv",
        "row": 2,
    }
    issue = Issue("change_filings.csv", "change_filings.csv", "变更备案", 3, "变动类型", "change_filings.change_type.allowed",
                  Severity.ERROR, "“变动类型”只能填写：主导产业、空间范围、运营管理机构；实际为“x”。", "SPEC §3.2")  # fmt: skip
    return ChangesOutcome(AS_OF, [row], [issue])


def test_an_extract_has_the_spec_columns_first_and_no_formula(tmp_path: Path) -> None:
    page = written.write_changes(tmp_path, _changes())
    assert page == tmp_path / "change_filings.html" and page.exists()
    (row,) = _csv(tmp_path / "change_filings.csv")
    assert list(row)[:5] == ["certificate_id", "change_type", "changed_on", "filed_on", "on_time"]
    assert (row["on_time"], row["changed_on"], row["row"]) == ("true", "2027-05-20", "2")
    assert row["new_value"].startswith("'=")
    (issue,) = _csv(tmp_path / "change_filings_issues.csv")
    assert (issue["row"], issue["column"], issue["severity"]) == ("3", "变动类型", "error")
    assert "2027-06-21（顺延）" in page.read_text(encoding="utf-8")


def test_the_index_lists_every_page_and_extract_in_the_shared_folder(tmp_path: Path) -> None:
    written.write_changes(tmp_path, _changes())
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "change_filings.html" in index and "national_recommendation.html" not in index
    national = {
        "certificate_id": "HLJTS-2026-001",
        "eligible": False,
        "failed_criteria": "N1.output",
        "score": 59.3,
        "rank": None,
        "cluster_name": "尚志市食品加工产业集群",
        "county_code": "230183",
        "prefecture_code": "230100",
    }
    written.write_national(tmp_path, NationalOutcome(AS_OF, [national], []))
    written.write_revocations(tmp_path, RevocationOutcome(AS_OF, [], []))
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    for name in ("change_filings.html", "national_recommendation.html", "revocation_proposals.html"):
        assert f'href="{name}"' in index
    for name in (
        "change_filings.csv",
        "national_recommendation.csv",
        "revocation_proposals.csv",
        "revocation_issues.csv",
    ):
        assert f'href="{name}"' in index
    assert "monitoring.html" not in index and "数据截至 2028-03-20" in index
    (row,) = _csv(tmp_path / "national_recommendation.csv")
    assert list(row)[:5] == ["certificate_id", "eligible", "failed_criteria", "score", "rank"]
    assert (row["eligible"], row["rank"], row["cluster_name"]) == ("false", "", "尚志市食品加工产业集群")
    assert list(_csv(tmp_path / "revocation_proposals.csv")) == []


def test_a_column_named_by_its_key_alone_is_its_own_header(tmp_path: Path) -> None:
    path = write_rows_csv(tmp_path / "x.csv", [{"a": 1, "b": True}], ["a", ("b", "乙")], header="label")
    assert path.read_text(encoding="utf-8-sig").splitlines() == ["a,乙", "1,是"]
