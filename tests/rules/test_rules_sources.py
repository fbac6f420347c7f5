"""Each criterion names where its value was read (sheet, Excel rows, column labels) and how a person
reads it; criteria, aspects and indicators are named in the policy's words."""

from __future__ import annotations

from cluster_builder import AS_OF, BASE_PROFILE, build

from clustercert.contract import DESIGNATION_CHAMPION, PROFILE
from clustercert.policy import load_policy
from clustercert.rules import CRITERIA_COLUMNS, criteria_rows, evaluate
from clustercert.rules.criteria import criterion_name, policy_inputs, regulation_words
from clustercert.rules.results import Source, row_span
from clustercert.rules.scoring import aspect_name, indicator_title, with_years
from clustercert.submission import ROW

HLJ = load_policy()
NATIONAL = load_policy("national-2022")
FIELD_ROWS = {c.key: i for i, c in enumerate(PROFILE.columns, start=2)}  # the template's layout


def _sources(**changes) -> dict[str, Source | None]:
    return {r.criterion_id: r.source for r in evaluate(build(**changes), HLJ, AS_OF).criteria}


def test_yearly_growth_and_trend_criteria_name_the_rows_of_their_years() -> None:
    sources = _sources()
    assert sources["A5.1.output"] == Source("经营指标", (2, 3, 4), ("集群总产值（万元）",))
    assert sources["A5.1.output"].text == "经营指标 第2–4行 集群总产值（万元）"
    assert sources["A5.1.sme_share"] == Source(
        "经营指标", (4,), ("中小企业产值（万元）", "集群总产值（万元）")
    )
    assert sources["A5.4.patent_density"].columns == ("有效发明专利（件）", "从业人员（人）")
    assert sources["A5.4.rd_growth"] == Source("经营指标", (2, 3, 4), ("中小企业研发经费（万元）",))
    assert sources["A5.6.energy_trend"].text == "经营指标 第2–4行 能源消费强度（吨标准煤/万元）"


def test_a_missing_year_leaves_out_its_row() -> None:
    sources = _sources(drop_years=[2024])
    assert sources["A5.1.output"].rows == (2, 3)  # 2023 and 2025, now on rows 2 and 3


def test_the_area_names_its_field_row_when_the_profile_carries_rows() -> None:
    with_rows = _sources(profile={ROW: FIELD_ROWS})
    assert with_rows["A5.1.area"].text == "基本信息 第13行 占地面积（平方公里）"
    without = _sources()
    assert without["A5.1.area"] == Source("基本信息", (), ("占地面积（平方公里）",))


def test_designations_name_the_rows_that_counted() -> None:
    firms = [f"91230183MA{n:07d}X" for n in range(1, 11)]
    designations = [
        {
            "uscc": firms[0],
            "designation": DESIGNATION_CHAMPION,
            "level": "国家级",
            "valid_until": None,
        },  # row 2
        {
            "uscc": firms[1],
            "designation": "高新技术企业",
            "level": "国家级",
            "valid_until": "2020-01-01",
        },  # expired
        {"uscc": firms[2], "designation": "高新技术企业", "level": "省级", "valid_until": None},  # row 4
    ]
    evaluation = evaluate(build(designations=designations), HLJ, AS_OF)
    tiered = evaluation.result("A5.2.tiered")
    assert tiered.source == Source("梯度培育", (2, 4), ("称号", "有效期至"))
    assert tiered.shown == (
        "持有有效制造业单项冠军或专精特新“小巨人”称号的主导产业企业 1家；持有有效优质中小企业称号的企业（每家只计一次） 2家"
    )
    assert tiered.value == "champion=1; designated=2"  # criteria.csv keeps the machine form


def test_items_plan_and_veto_name_their_rows() -> None:
    incidents = [{"occurred_on": "2025-01-05", "uscc": "91230183MA0000001X", "category": "偷税漏税"}]
    evaluation = evaluate(build(incidents=incidents, evidence={"A5.1.pillar": None}), HLJ, AS_OF)
    brand = evaluation.result("A5.1.brand")
    assert brand.source.sheet == "定性条件" and len(brand.source.rows) == 1
    assert brand.source.columns == ("是否具备", "佐证材料") and brand.shown == "是"
    assert evaluation.result("A5.1.pillar").source.rows == ()  # not listed: no row to point at
    assert evaluation.result("A5.1.pillar").shown == "未填报"
    assert evaluation.result("A5.8.plan").source == Source("发展规划", (2, 3, 4), ("目标年度", "目标值"))
    assert evaluation.result("A5.8.plan").shown == "2026年 1项；2027年 1项；2028年 1项"
    veto = evaluation.result("A6.incidents")
    assert veto.source == Source("安全合规", (2,), ("发生日期", "类型", "等级")) and veto.shown == "1起"


def test_values_read_as_a_person_reads_them() -> None:
    evaluation = evaluate(build(), HLJ, AS_OF)
    assert evaluation.result("A5.1.output").shown == "2023年 200000万元；2024年 220000万元；2025年 250000万元"
    assert evaluation.result("A5.1.sme_share").shown == "70.00%"
    assert evaluation.result("A5.1.area").shown == "80平方公里"
    assert evaluation.result("A5.4.rd_growth").shown == "2023—2025年年均增长 10.00%"
    assert evaluation.result("A5.1.output").title == "近三年产值均在15亿元以上"


def test_criteria_csv_rows_carry_the_source_after_the_spec_columns() -> None:
    assert CRITERIA_COLUMNS[-4:] == ["source_sheet", "source_rows", "source_columns", "gap"]
    rows = {
        r["criterion_id"]: r for r in criteria_rows(evaluate(build(profile={ROW: FIELD_ROWS}), HLJ, AS_OF))
    }
    assert (rows["A5.1.output"]["source_sheet"], rows["A5.1.output"]["source_rows"]) == ("经营指标", "2;3;4")
    assert rows["A5.1.area"]["source_rows"] == "13"
    assert rows["A5.1.sme_share"]["source_columns"] == "中小企业产值（万元）;集群总产值（万元）"


def test_monitoring_checks_have_no_workbook_source() -> None:
    from clustercert.rules import check_single_year

    results = check_single_year({"total_output": 160000, "sme_output": 100000}, 2025, HLJ)
    assert results and all(r.source is None for r in results)  # a monitoring row is not a 申报书 cell


def test_row_spans() -> None:
    assert row_span((3, 4, 5)) == "第3–5行" and row_span((2, 5, 9)) == "第2、5、9行"
    assert (
        row_span((2, 3)) == "第2、3行" and row_span((7, 2, 3, 4, 9)) == "第2–4、7、9行" and row_span(()) == ""
    )


def test_names_come_from_the_policy() -> None:
    assert criterion_name(HLJ, "A5.1.output") == "第五条（一）近三年产值均在15亿元以上"
    assert criterion_name(HLJ, "A5.3.sharing") == "第五条（三）通用生产设备、物流、仓储、人力、设计等共享机制"
    assert criterion_name(HLJ, "A6.incidents").startswith("第六条 集群企业近三年未发生较大及以上")
    assert criterion_name(NATIONAL, "N1.output") == "认定标准（一）近三年产值均在40亿元以上"
    assert criterion_name(NATIONAL, "N.incidents").startswith("认定标准 集群企业近三年未发生较大及以上")
    assert criterion_name(HLJ, "A9.unknown") == ""
    assert aspect_name(HLJ, "A5.4") == "第五条（四）协同创新能力"
    assert indicator_title(HLJ, "A5.1", "output", 2026) == "集群总产值（2025年）"
    assert with_years("能源消费强度降幅（Y-3至Y-1）", 2026) == "能源消费强度降幅（2023年至2025年）"
    assert with_years("未来三年（Y、Y+1、Y+2）", 2026) == "未来三年（2026年、2027年、2028年）"
    assert regulation_words("近三年产值均在 15 亿元以上") == "近三年产值均在15亿元以上"


def test_policy_inputs_are_the_cells_decisions_rest_on() -> None:
    cells = policy_inputs(HLJ)
    assert ("经营指标", "集群总产值（万元）") in cells and ("基本信息", "占地面积（平方公里）") in cells
    assert ("梯度培育", "称号") in cells and ("企业名录", "是否属于主导产业") in cells
    assert ("企业名录", "上年度产值（万元）") not in cells  # read by no criterion and no indicator
    assert ("基本信息", "联系电话") not in cells and BASE_PROFILE["area_km2"] == 80.0
