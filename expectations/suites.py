"""The data-quality expectations of a submission (SPEC §3.1, §4.2): what crosses columns, rows, sheets.

Each entry is one GX built-in on one prepared table (see `expectations.prepare`). Labels in messages
come from the contract; placeholders ({year}, {_row} …) are columns of the prepared table.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from clustercert.contract import (
    ANNUAL,
    APPLICATION_REVIEW,
    DESIGNATIONS_SHEET,
    ENTERPRISES,
    EVIDENCE,
    INCIDENTS,
    PROFILE,
    YES,
    Sheet,
)
from clustercert.issue import Severity
from clustercert.policy import load_policy
from clustercert.policy.loader import DEFAULT_POLICY
from clustercert.reference import counties
from expectations.plausibility import OUTPUT_SUM_FACTOR, STAFFED, YI_SUSPECT, YOY_FACTOR, YUAN_SUSPECT
from expectations.spec import (
    A_GREATER_THAN_B,
    BETWEEN,
    COMPOUND_UNIQUE,
    IN_SET,
    PAIR_EQUAL,
    SUBMISSION_ID,
    ExpectationSpec,
)

ERROR, WARNING = Severity.ERROR, Severity.WARNING

# plausibility thresholds of the warnings (amounts in 万元)


@cache
def qualitative_item_ids(policy: str = DEFAULT_POLICY) -> tuple[str, ...]:
    """The item ids the policy knows (SPEC §4.2): an id in 定性条件 that is not one is an error."""
    return load_policy(policy).item_ids


def _l(sheet: Sheet, key: str) -> str:
    return sheet.column(key).label


def _example_county() -> str:
    code = "230183"
    return f"{code}（{counties()[code].county_name}）"


def annual_specs() -> list[ExpectationSpec]:
    a, year = ANNUAL.label, _l(ANNUAL, "year")
    total, sme, leading = _l(ANNUAL, "total_output"), _l(ANNUAL, "sme_output"), _l(ANNUAL, "leading_output")
    staff = _l(ANNUAL, "employees")
    at = f"{a} 第{{_row}}行"
    unit = "金额单位为万元（1亿元 = 10000万元），请核对"
    year_needs = (("annual", "year"), ("profile", "campaign_year"))
    return [
        ExpectationSpec(
            "gx.annual.year_in_window", "annual", BETWEEN, {"column": "year_offset", "min_value": 1, "max_value": 3},
            ERROR, "SPEC §3.1；第五条（一）近三年", f"{a}的年度为申报年度前三年（Y-3 至 Y-1）",
            f"{at}“{year}”为{{year}}，不是{{campaign_year}}年度申报的前三年；请只填写 {{years_expected}} 年的数据",
            ANNUAL, "year", needs=year_needs,
        ),
        ExpectationSpec(
            "gx.annual.year_unique", "annual", COMPOUND_UNIQUE, {"column_list": [SUBMISSION_ID, "year"], "ignore_row_if": "any_value_is_missing"},
            ERROR, "SPEC §3.1", f"{a}每个年度只有一行",
            f"{at}：{{year}}年的数据重复填写；每个年度只填一行，请删除重复的行", ANNUAL, "year",
            needs=(("annual", "year"),),
        ),
        ExpectationSpec(
            "gx.annual.year_present", "annual_years", BETWEEN, {"column": "rows_found", "min_value": 1},
            ERROR, "SPEC §3.1；第五条（一）近三年", f"{a}填写了 Y-3、Y-2、Y-1 三年",
            f"{a} 缺少{{year}}年的数据；请补填 {{years_expected}} 三年的数据（{{campaign_year}}年度申报的前三年）",
            ANNUAL, "year", row_column=None, needs=year_needs,
        ),
        ExpectationSpec(
            "gx.annual.sme_le_total", "annual", A_GREATER_THAN_B,
            {"column_A": "total_output", "column_B": "sme_output", "or_equal": True, "ignore_row_if": "either_value_is_missing"},
            ERROR, "SPEC §3.1；第五条（一）", f"{sme}不大于{total}",
            f"{at} {{year}}年“{sme}”为{{sme_output}}，大于“{total}”{{total_output}}；中小企业产值是集群总产值的一部分，请核对",
            ANNUAL, "sme_output", needs=(("annual", "total_output"), ("annual", "sme_output")),
        ),
        ExpectationSpec(
            "gx.annual.leading_le_total", "annual", A_GREATER_THAN_B,
            {"column_A": "total_output", "column_B": "leading_output", "or_equal": True, "ignore_row_if": "either_value_is_missing"},
            ERROR, "SPEC §3.1；第五条（一）", f"{leading}不大于{total}",
            f"{at} {{year}}年“{leading}”为{{leading_output}}，大于“{total}”{{total_output}}；主导产业产值是集群总产值的一部分，请核对",
            ANNUAL, "leading_output", needs=(("annual", "total_output"), ("annual", "leading_output")),
        ),
        ExpectationSpec(
            "gx.annual.output_unit_yuan", "annual", BETWEEN, {"column": "total_output", "max_value": YUAN_SUSPECT},
            WARNING, "SPEC §3（金额单位万元）", f"{total}不像按“元”填写（不超过1万亿元）",
            f"{at} {{year}}年“{total}”为{{total_output}}，超过1万亿元，像是按“元”填写；{unit}",
            ANNUAL, "total_output",
        ),
        ExpectationSpec(
            "gx.annual.output_unit_yi", "annual", BETWEEN, {"column": "total_output_staffed", "min_value": YI_SUSPECT},
            WARNING, "SPEC §3（金额单位万元）", f"{total}不像按“亿元”填写（从业人员超过{STAFFED}人时不低于{YI_SUSPECT}万元）",
            f"{at} {{year}}年“{total}”仅为{{total_output}}，而“{staff}”为{{employees}}，像是按“亿元”填写；{unit}",
            ANNUAL, "total_output", needs=(("annual", "total_output"), ("annual", "employees")),
        ),
        ExpectationSpec(
            "gx.annual.yoy_jump", "annual", BETWEEN, {"column": "yoy_ratio", "max_value": YOY_FACTOR},
            WARNING, "SPEC §3.1", f"{a}各金额与上年相比变化不超过{YOY_FACTOR}倍",
            f"{at} {{year}}年“{{yoy_label}}”为{{yoy_value}}，上年为{{yoy_previous}}，相差{{yoy_ratio}}倍；请核对单位和数据",
            ANNUAL, column_field="yoy_label",
        ),
    ]  # fmt: skip


def enterprise_specs() -> list[ExpectationSpec]:
    e, code, output = ENTERPRISES.label, _l(ENTERPRISES, "uscc"), _l(ENTERPRISES, "output")
    specs = [
        ExpectationSpec(
            "gx.enterprises.uscc_check", "enterprises", IN_SET, {"column": "uscc_check_ok", "value_set": [True]},
            ERROR, "SPEC §3.1；GB 32100-2015", f"{code}的校验位（第18位）正确",
            f"{e} 第{{_row}}行“{code}”{{uscc}}的第18位（校验位）应为“{{uscc_expected_check}}”；"
            "请按营业执照核对整个代码，常见原因是抄错了其中一位",
            ENTERPRISES, "uscc",
        ),
        ExpectationSpec(
            "gx.enterprises.uscc_unique", "enterprises", COMPOUND_UNIQUE, {"column_list": [SUBMISSION_ID, "uscc"], "ignore_row_if": "any_value_is_missing"},
            ERROR, "SPEC §3.1", f"{code}在{e}中不重复",
            f"{e} 第{{_row}}行“{code}”{{uscc}}重复出现；每家企业只填一行，请删除重复的行或改正代码",
            ENTERPRISES, "uscc",
        ),
        ExpectationSpec(
            "gx.enterprises.output_sum", "profile", BETWEEN, {"column": "output_ratio", "max_value": OUTPUT_SUM_FACTOR},
            WARNING, "SPEC §3.1", f"企业{output}合计不超过上年集群总产值的{OUTPUT_SUM_FACTOR}倍",
            f"{e} 各企业“{output}”合计{{enterprise_output_sum}}，是{{year_last}}年集群总产值{{latest_total_output}}的"
            "{output_ratio}倍；企业产值合计不应明显高于集群总产值，请核对单位和数据",
            ENTERPRISES, "output", row_column=None,
            needs=(("enterprises", "output"), ("annual", "year"), ("annual", "total_output"), ("profile", "campaign_year")),
        ),
    ]  # fmt: skip
    for sheet in (DESIGNATIONS_SHEET, INCIDENTS):
        specs.append(
            ExpectationSpec(
                f"gx.{sheet.key}.in_enterprises", sheet.key, IN_SET, {"column": "in_enterprises", "value_set": [True]},
                ERROR, "SPEC §3.1", f"{sheet.label}中的企业都在{e}中",
                f"{sheet.label} 第{{_row}}行“{_l(sheet, 'uscc')}”{{uscc}}不在{e}中；请先在{e}中填写该企业，或改正代码",
                sheet, "uscc", needs=((sheet.key, "uscc"), ("enterprises", "uscc")),
            )
        )  # fmt: skip
    return specs


def incident_specs() -> list[ExpectationSpec]:
    i, occurred = INCIDENTS.label, _l(INCIDENTS, "occurred_on")
    declared = _l(PROFILE, "declared_on")
    return [
        ExpectationSpec(
            "gx.incidents.not_after_declared", "incidents", A_GREATER_THAN_B,
            {"column_A": "declared_on", "column_B": "occurred_on", "or_equal": True, "ignore_row_if": "either_value_is_missing"},
            ERROR, "SPEC §3.1；第六条", f"{i}的{occurred}不晚于{PROFILE.label}的{declared}",
            f"{i} 第{{_row}}行“{occurred}”为{{occurred_on}}，晚于{PROFILE.label}中的“{declared}”{{declared_on}}；"
            f"{i}只填写申报日期前已发生的情形（第六条：申报前三年内），请核对发生日期或申报日期",
            INCIDENTS, "occurred_on", needs=(("incidents", "occurred_on"), ("profile", "declared_on")),
        ),
    ]  # fmt: skip


def profile_specs() -> list[ExpectationSpec]:
    p = PROFILE.label
    code, name, cert = _l(PROFILE, "county_code"), _l(PROFILE, "county_name"), _l(PROFILE, "certificate_id")
    kind, declared, year = (
        _l(PROFILE, "application_type"),
        _l(PROFILE, "declared_on"),
        _l(PROFILE, "campaign_year"),
    )
    return [
        ExpectationSpec(
            "gx.profile.county_code_known", "profile", IN_SET, {"column": "county_code", "value_set": sorted(counties())},
            ERROR, "SPEC §3.1；第二条（县级区划）", f"{code}是黑龙江省的县级行政区划代码",
            f"{p} 第{{_row_county_code}}行“{code}”{{county_code}}不是黑龙江省的县级行政区划代码；"
            f"请填写集群所在县（市、区）的六位代码，如 {_example_county()}",
            PROFILE, "county_code", row_column="_row_county_code",
        ),
        ExpectationSpec(
            "gx.profile.county_name_matches", "profile", PAIR_EQUAL,
            {"column_A": "county_name", "column_B": "county_name_expected", "ignore_row_if": "either_value_is_missing"},
            ERROR, "SPEC §3.1", f"{name}与{code}一致",
            f"{p} 第{{_row_county_name}}行“{name}”为“{{county_name}}”，与代码{{county_code}}对应的“{{county_name_expected}}”不一致；"
            "请核对代码和名称",
            PROFILE, "county_name", row_column="_row_county_name",
            needs=(("profile", "county_name"), ("profile", "county_code")),
        ),
        ExpectationSpec(
            "gx.profile.review_certificate", "profile", IN_SET, {"column": "review_has_certificate", "value_set": [True]},
            ERROR, "第十一条；SPEC §3.1", f"{kind}为{APPLICATION_REVIEW}时填写了{cert}",
            f"{p} “{kind}”为“{APPLICATION_REVIEW}”，但未填写“{cert}”；复核申请须填写原认定编号（第十一条），"
            f"请在“{cert}”一行的“内容”列填写（没有该行时请添加）",
            PROFILE, "certificate_id", row_column="_row_certificate_id", needs=(("profile", "application_type"),),
        ),
        ExpectationSpec(
            "gx.profile.campaign_year_matches", "profile", PAIR_EQUAL,
            {"column_A": "campaign_year", "column_B": "campaign_year_expected", "ignore_row_if": "either_value_is_missing"},
            ERROR, "SPEC §3.1；第七条（年度申报）", f"{year}为本次认定的年度",
            f"{p} 第{{_row_campaign_year}}行“{year}”为{{campaign_year}}，不是本次认定的年度{{campaign_year_expected}}；"
            f"请使用{{campaign_year_expected}}年度的申报书，“{year}”填写{{campaign_year_expected}}，"
            f"“{ANNUAL.label}”填写 {{years_expected}} 年的数据",
            PROFILE, "campaign_year", row_column="_row_campaign_year",
        ),
        ExpectationSpec(
            "gx.profile.declared_in_campaign_year", "profile", PAIR_EQUAL,
            {"column_A": "declared_year", "column_B": "campaign_year", "ignore_row_if": "either_value_is_missing"},
            WARNING, "SPEC §3.1", f"{declared}在{year}内",
            f"{p} 第{{_row_declared_on}}行“{declared}”{{declared_on}}不在申报年度{{campaign_year}}年内；请核对申报日期或申报年度",
            PROFILE, "declared_on", row_column="_row_declared_on",
            needs=(("profile", "declared_on"), ("profile", "campaign_year")),
        ),
    ]  # fmt: skip


def evidence_specs(item_ids: Sequence[str]) -> list[ExpectationSpec]:
    v, item, proof = EVIDENCE.label, _l(EVIDENCE, "item"), _l(EVIDENCE, "evidence")
    return [
        ExpectationSpec(
            "gx.evidence.item_known", "evidence", IN_SET, {"column": "item", "value_set": list(item_ids)},
            ERROR, "SPEC §4.2", f"{item}是政策规定的定性条件编号",
            f"{v} 第{{_row}}行“{item}”{{item}}不是定性条件编号；请按填表说明中的编号填写，如 {item_ids[0] if item_ids else ''}",
            EVIDENCE, "item",
        ),
        ExpectationSpec(
            "gx.evidence.item_unique", "evidence", COMPOUND_UNIQUE, {"column_list": [SUBMISSION_ID, "item"], "ignore_row_if": "any_value_is_missing"},
            ERROR, "SPEC §3.1；§4.2", f"每个{item}只填一行",
            f"{v} 第{{_row}}行“{item}”{{item}}重复填写；每项条件只填一行，请合并为一行", EVIDENCE, "item",
        ),
        ExpectationSpec(
            "gx.evidence.met_with_evidence", "evidence", IN_SET, {"column": "evidence_given", "value_set": [True]},
            WARNING, "SPEC §4.2（A5.x）", f"具备的定性条件附有{proof}",
            f"{v} 第{{_row}}行 {{item}} 填“{YES}”但未填写“{proof}”；请填写文件名称或附件名，否则该项评审时不予认可",
            EVIDENCE, "evidence", needs=(("evidence", "met"), ("evidence", "evidence")),
        ),
    ]  # fmt: skip


@cache
def build_specs(item_ids: tuple[str, ...] | None = None) -> tuple[ExpectationSpec, ...]:
    """Every expectation, in report order; `item_ids` defaults to the policy's qualitative items."""
    ids = qualitative_item_ids() if item_ids is None else item_ids
    specs = (*profile_specs(), *annual_specs(), *enterprise_specs(), *incident_specs(), *evidence_specs(ids))
    assert len({s.id for s in specs}) == len(specs), "duplicate expectation id"
    return specs
