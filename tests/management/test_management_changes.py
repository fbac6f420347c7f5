"""Art. 12 major-change filings (cases in cases/filings.yaml) and the Art. 15(四) inputs they raise."""

from datetime import date

import pytest
from management_fixtures import case_ids, certificates, load_cases, table

from clustercert import contract
from clustercert.management.changes import FILING_COLUMNS, check_filings, filing_due

TABLE = load_cases("filings.yaml")
WINDOW = TABLE["filing_window_months"]
CERTS = certificates({"certificate_id": "HLJ-2023-001"}, {"certificate_id": "HLJ-2023-002"})


@pytest.mark.parametrize("case", TABLE["cases"], ids=case_ids(TABLE["cases"]))
def test_filing_on_time_by_calendar_month(case):
    filings = table(
        contract.CHANGE_FILINGS,
        [
            {
                "certificate_id": "HLJ-2023-001",
                "change_type": "运营管理机构",
                "changed_on": case["changed_on"],
                "filed_on": case["filed_on"],
                "new_value": "新运营公司",
            }
        ],
    )
    result = check_filings(filings, None, CERTS, filing_window_months=WINDOW)
    row = result.rows.iloc[0]
    assert filing_due(case["changed_on"], WINDOW) == case["due_on"]
    assert row["due_on"] == case["due_on"]
    assert row["on_time"] == case["on_time"]
    assert row["article"] == ("12" if case["on_time"] else "15.4")
    assert len(result.registry_updates) == (1 if case["on_time"] else 0)


def test_output_columns_start_with_the_spec_columns():
    assert FILING_COLUMNS[:5] == ["certificate_id", "change_type", "changed_on", "filed_on", "on_time"]


def _monitoring_change(cid, change_type, changed_on, new_value="新值", row=3):
    return {
        "certificate_id": cid,
        "change_type": change_type,
        "changed_on": changed_on,
        "new_value": new_value,
        "prefecture_code": "230100",
        "file": "monitoring_230100.xlsx",
        "sheet": "重大变动",
        "row": row,
    }


def test_change_declared_in_monitoring_without_filing_is_overdue():
    monitoring = [
        _monitoring_change("HLJ-2023-001", "主导产业", date(2026, 5, 20)),
        _monitoring_change("HLJ-2023-002", "空间范围", date(2026, 8, 1)),  # filed below
    ]
    filings = table(
        contract.CHANGE_FILINGS,
        [
            {
                "certificate_id": "HLJ-2023-002",
                "change_type": "空间范围",
                "changed_on": date(2026, 8, 1),
                "filed_on": date(2026, 8, 20),
                "new_value": "扩至绥阳镇全域",
            }
        ],
    )
    import pandas as pd

    result = check_filings(filings, pd.DataFrame(monitoring), CERTS, filing_window_months=1)
    rows = result.rows.set_index("certificate_id")
    unfiled = rows.loc["HLJ-2023-001"]
    assert unfiled["source"] == "monitoring" and unfiled["on_time"] == False  # noqa: E712 and pd.isna(unfiled["filed_on"])
    assert unfiled["due_on"] == date(2026, 6, 20) and unfiled["row"] == 3
    assert rows.loc["HLJ-2023-002", "on_time"] == True  # noqa: E712  # the filing matched: no second row
    assert len(result.rows) == 2
    assert list(result.revocation_inputs["certificate_id"]) == ["HLJ-2023-001"]


def test_unfiled_change_is_pending_until_its_deadline():
    import pandas as pd

    monitoring = pd.DataFrame([_monitoring_change("HLJ-2023-001", "主导产业", date(2026, 12, 20))])
    before = check_filings(None, monitoring, CERTS, filing_window_months=1, as_of=date(2027, 1, 20))
    after = check_filings(None, monitoring, CERTS, filing_window_months=1, as_of=date(2027, 1, 21))
    assert before.rows.iloc[0]["on_time"] is None and before.revocation_inputs.empty
    assert after.rows.iloc[0]["on_time"] == False  # noqa: E712 and len(after.revocation_inputs) == 1


def test_on_time_filings_become_registry_updates_by_field():
    filings = table(
        contract.CHANGE_FILINGS,
        [
            {
                "certificate_id": "HLJ-2023-001",
                "change_type": "主导产业",
                "changed_on": date(2026, 3, 1),
                "filed_on": date(2026, 3, 5),
                "new_value": "大豆精深加工",
            },
            {
                "certificate_id": "HLJ-2023-001",
                "change_type": "运营管理机构",
                "changed_on": date(2026, 3, 1),
                "filed_on": date(2026, 3, 5),
                "new_value": "某某园区管委会",
            },
            {
                "certificate_id": "HLJ-2023-002",
                "change_type": "空间范围",
                "changed_on": date(2026, 3, 1),
                "filed_on": date(2026, 4, 2),
                "new_value": "late, withheld",
            },
        ],
    )
    updates = check_filings(filings, None, CERTS, filing_window_months=1).registry_updates
    assert updates[["certificate_id", "field", "new_value"]].values.tolist() == [
        ["HLJ-2023-001", "leading_industry", "大豆精深加工"],
        ["HLJ-2023-001", "operator_name", "某某园区管委会"],
    ]


def test_filing_for_unknown_certificate_is_a_located_issue():
    filings = table(
        contract.CHANGE_FILINGS,
        [
            {
                "certificate_id": "HLJ-9999-999",
                "change_type": "主导产业",
                "changed_on": date(2026, 3, 1),
                "filed_on": date(2026, 3, 5),
                "new_value": "x",
            }
        ],
    )
    result = check_filings(filings, None, CERTS, filing_window_months=1, filings_file="change_filings.xlsx")
    assert result.rows.empty
    (issue,) = result.issues
    assert (issue.file, issue.sheet, issue.row, issue.column) == (
        "change_filings.xlsx",
        "变更备案",
        2,
        "认定编号",
    )
    assert issue.check == "changes.certificate_id.known" and "HLJ-9999-999" in issue.message
