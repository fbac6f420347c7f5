"""What an operator sees of the dynamic-management stages in the Prefect UI: Chinese headers and the
Chinese words of the codes the extracts keep, the counts named, the reminder and the pause form."""

from __future__ import annotations

from datetime import date

from flows import management_artifacts as shown


def test_tables_have_chinese_headers_and_words() -> None:
    rows = [
        {"certificate_id": "HLJTS-2026-001", "cluster_name": "甲", "prefecture_code": "230100",
         "report_status": "late", "below_threshold": "A5.1.output;A5.5.ii_adoption", "plan_completion_pct": 50.0},
        {"certificate_id": "HLJTS-2026-002", "cluster_name": "乙", "prefecture_code": "230600",
         "report_status": "pending", "below_threshold": None, "plan_completion_pct": None},
    ]  # fmt: skip
    table = shown.table(rows, shown.MONITORING_TABLE)
    assert list(table[0]) == [
        "认定编号",
        "集群名称",
        "所在市（地）",
        "报送情况",
        "低于认定标准的指标",
        "规划目标完成率（%）",
    ]
    assert [r["报送情况"] for r in table] == ["逾期报送", "待报送（未到期限）"]
    assert (
        table[0]["所在市（地）"] == "哈尔滨市"
        and table[0]["低于认定标准的指标"] == "A5.1.output、A5.5.ii_adoption"
    )
    assert table[1]["规划目标完成率（%）"] == ""


def test_every_stage_table_speaks_chinese() -> None:
    decided = shown.table(
        [
            {
                "certificate_id": "X",
                "ground": "15.3",
                "evidence": "e",
                "proposed_on": date(2028, 3, 11),
                "decision": "cleared",
            }
        ],
        shown.REVOCATION_TABLE,
    )
    assert decided == [
        {
            "认定编号": "X",
            "撤销情形": "第十五条（三）未及时报送集群年度发展情况，不接受、不配合监测监督工作",
            "依据与证据": "e",
            "提出日期": "2028-03-11",
            "决定": "不予撤销",
        }
    ]
    (change,) = shown.table([{"certificate_id": "X", "on_time": None, "filed_on": None}], shown.CHANGES_TABLE)
    assert (change["备案日期"], change["是否按时备案"]) == ("未备案", "待定")
    (expiry,) = shown.table([{"certificate_id": "X", "status": "expired_no_review"}], shown.EXPIRY_TABLE)
    assert expiry["状态"] == "已到期且未申请复核"
    for columns in (shown.NOTICE_TABLE, shown.REVIEW_TABLE, shown.NATIONAL_TABLE, shown.REMINDER_TABLE):
        assert all(not header.isascii() for header, _ in columns)


def test_the_reminder_says_who_has_not_reported_and_until_when() -> None:
    rows = [{"prefecture_code": "230300", "prefecture_name": "鸡西市", "clusters": 2, "deadline": date(2029, 3, 12),
             "days_left": 9, "deadline_note": "期限末日2029-03-10为法定休假日（星期六，休息日），依民法典第二百零三条顺延至2029-03-12"}]  # fmt: skip
    text = shown.reminder_markdown(rows, 2028, date(2029, 3, 3))
    assert (
        "报送期限为 2029-03-12（含当日）（期限末日2029-03-10" in text
        and "| 230300 | 鸡西市 | 2 | 9 |" in text
    )
    assert "各市（地）均已报送" in shown.reminder_markdown([], 2028, date(2029, 3, 3))
    form = shown.proposals_markdown(
        [{"certificate_id": "X", "ground_text": "第十五条（三）", "evidence": "a|b"}]
    )
    assert (
        form.splitlines()[-1] == "| X | 第十五条（三） | a｜b |"
    )  # a bar in the evidence cannot break the table


def test_every_parameter_of_a_management_flow_is_described_for_the_run_form() -> None:
    from flows.change_filings import change_filings
    from flows.expiry_check import expiry_check
    from flows.monitoring_report import monitoring_reminder, monitoring_report
    from flows.national_recommendation import national_recommendation
    from flows.revocation_triggers import revocation_triggers

    flows = (
        monitoring_report,
        monitoring_reminder,
        expiry_check,
        change_filings,
        revocation_triggers,
        national_recommendation,
    )
    for flow in flows:
        described = {k: v.get("description") for k, v in flow.parameters.properties.items()}
        assert all(described.values()), (flow.name, [k for k, v in described.items() if not v])
