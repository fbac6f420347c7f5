"""The data contract (SPEC §3): every input sheet, its columns, their Chinese labels and English keys.

This module is the one source for a sheet's or a column's name. Readers, the template, the Pandera
schemas, the expectations and the reports all take labels, keys, kinds and allowed values from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """What a cell holds once normalised; decides parsing, Pandera dtype and template formatting."""

    TEXT = "text"
    INTEGER = "integer"
    AMOUNT = "amount"  # a non-negative number (万元, 人, 件, km², 吨标准煤/万元)
    PERCENT = "percent"  # 0–100, 65 means 65 %
    DATE = "date"
    YES_NO = "yes_no"  # 是 / 否
    CHOICE = "choice"  # one of `allowed`


YES, NO = "是", "否"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind = Kind.TEXT
    required: bool = True  # a value must be given (the column itself must always be present)
    allowed: tuple[str, ...] = ()
    unit: str = ""
    help: str = ""  # one line for the 填表说明 sheet
    # When `allowed` holds keys, the Chinese label of each, in the same order: the template's drop-down
    # lists these, and intake maps a label (or the key itself) to its key.
    allowed_labels: tuple[str, ...] = ()

    def header_names(self) -> tuple[str, str]:
        return (self.label, self.key)

    @property
    def choices(self) -> tuple[str, ...]:
        """What a person picks from: the labels of `allowed` where it holds keys, else `allowed`."""
        return self.allowed_labels or self.allowed


@dataclass(frozen=True)
class Sheet:
    key: str
    label: str
    columns: tuple[Column, ...]
    key_value: bool = False  # a 字段 / 内容 sheet: one row per field, fields are `columns`
    help: str = ""
    # Read-only columns the template adds for the reader (the meaning of a code beside it): never
    # required, never read, and no warning when a workbook carries them.
    reference_columns: tuple[Column, ...] = ()

    def column(self, key: str) -> Column:
        found = self._columns_by_key().get(key)
        if found is None:
            raise KeyError(f"{self.key} has no column {key!r}")
        return found

    def _columns_by_key(self) -> dict[str, Column]:
        """Key → column, made once per sheet (rules and reports look columns up by key very often)."""
        try:
            return self.__dict__["_by_key"]
        except KeyError:
            by_key: dict[str, Column] = {}
            for col in self.columns:
                by_key.setdefault(col.key, col)  # the first of a key, as a search in order finds it
            object.__setattr__(self, "_by_key", by_key)  # frozen: set once, never changed
            return by_key

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]


@dataclass(frozen=True)
class Workbook:
    key: str
    label: str
    sheets: tuple[Sheet, ...] = field(default_factory=tuple)

    def sheet(self, key: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.key == key:
                return sheet
        raise KeyError(f"{self.key} has no sheet {key!r}")


# The two headers of a key/value sheet.
KEY_VALUE_HEADERS = (("字段", "key"), ("内容", "value"))

APPLICATION_TYPES = ("新申报", "复核")
APPLICATION_NEW, APPLICATION_REVIEW = APPLICATION_TYPES
ENTERPRISE_SIZES = ("大型", "中型", "小型", "微型")
DESIGNATIONS = ("制造业单项冠军", "专精特新“小巨人”", "专精特新中小企业", "创新型中小企业", "高新技术企业")
DESIGNATION_CHAMPION, DESIGNATION_LITTLE_GIANT = DESIGNATIONS[0], DESIGNATIONS[1]
DESIGNATION_LEVELS = ("国家级", "省级")
INCIDENT_CATEGORIES = (
    "安全事故",
    "质量事故",
    "环境污染事故",
    "网络安全事件",
    "数据安全事件",
    "偷税漏税",
    "违法违规",
    "严重失信",
    "其他重大问题",
)
INCIDENT_SEVERITIES = ("一般", "较大", "重大", "特别重大")
CHANGE_TYPES = ("主导产业", "空间范围", "运营管理机构")
SPOT_CHECK_LEVELS = ("市地", "省")
SPOT_CHECK_RESULTS = ("通过", "不通过")
FINDING_CATEGORIES = ("虚假申报", "违法违规", "不配合监测")
REVOCATION_DECISIONS = ("撤销", "不予撤销")

_YN = (YES, NO)

# ---------------------------------------------------------------------------------------------
# 经营指标 columns: reused by the monitoring workbook's 集群发展情况 sheet (SPEC §3.3).
ANNUAL_INDICATORS: tuple[Column, ...] = (
    Column(
        "total_output",
        "集群总产值（万元）",
        Kind.AMOUNT,
        unit="万元",
        help="集群全部企业工业总产值，单位万元（15亿元 = 150000 万元）",
    ),
    Column(
        "sme_output",
        "中小企业产值（万元）",
        Kind.AMOUNT,
        unit="万元",
        help="集群内中小企业产值，不得大于集群总产值",
    ),
    Column(
        "leading_output",
        "主导产业产值（万元）",
        Kind.AMOUNT,
        unit="万元",
        help="主导产业产值，不得大于集群总产值",
    ),
    Column("sme_rd", "中小企业研发经费（万元）", Kind.AMOUNT, unit="万元", help="集群内中小企业研发经费支出"),
    Column("invention_patents", "有效发明专利（件）", Kind.INTEGER, unit="件", help="年末有效发明专利数量"),
    Column("employees", "从业人员（人）", Kind.INTEGER, unit="人", help="年末从业人员数"),
    Column(
        "ii_adoption_pct",
        "工业互联网平台应用普及率（%）",
        Kind.PERCENT,
        unit="%",
        help="百分数，填 65 表示 65%",
    ),
    Column(
        "software_adoption_pct", "工业软件应用率（%）", Kind.PERCENT, unit="%", help="百分数，填 65 表示 65%"
    ),
    Column(
        "energy_intensity",
        "能源消费强度（吨标准煤/万元）",
        Kind.AMOUNT,
        unit="吨标准煤/万元",
        help="单位产值能耗",
    ),
)
ANNUAL_INDICATOR_KEYS = tuple(c.key for c in ANNUAL_INDICATORS)
ANNUAL_INDICATOR_LABELS = tuple(c.label for c in ANNUAL_INDICATORS)

INCIDENT_COLUMNS: tuple[Column, ...] = (
    Column("occurred_on", "发生日期", Kind.DATE, help="日期，如 2025-03-18"),
    Column("uscc", "统一社会信用代码", help="发生事项企业的统一社会信用代码"),
    Column("category", "类型", Kind.CHOICE, allowed=INCIDENT_CATEGORIES),
    Column(
        "severity",
        "等级",
        Kind.CHOICE,
        required=False,
        allowed=INCIDENT_SEVERITIES,
        help="事故、事件填等级；偷税漏税、违法违规、严重失信、其他重大问题不分等级，留空",
    ),
    Column("description", "说明", required=False),
)

# ---------------------------------------------------------------------------------------------
# SPEC §3.1 — the submission workbook (申报书), one per cluster.
PROFILE = Sheet(
    "profile",
    "基本信息",
    key_value=True,
    help="每行一个字段：第一列为字段名，第二列填写内容",
    columns=(
        Column("campaign_year", "申报年度", Kind.INTEGER, help="申报年度 Y，如 2026"),
        Column(
            "application_type",
            "申报类型",
            Kind.CHOICE,
            allowed=APPLICATION_TYPES,
            help="新申报，或有效期满后的复核（第十一条）",
        ),
        Column("certificate_id", "原认定编号", required=False, help="仅复核填写：原认定编号"),
        Column("cluster_name", "集群名称"),
        Column("county_code", "所在县（市、区）代码", help="六位县级行政区划代码，如 230183"),
        Column("county_name", "所在县（市、区）名称", help="须与代码一致，如 尚志市"),
        Column("location_detail", "具体位置", required=False, help="可选，如 绥阳镇"),
        Column("leading_industry", "主导产业"),
        Column("industry_code", "主导产业行业代码", help="GB/T 4754 行业代码，如 C1469"),
        Column("high_energy_industry", "是否高耗能行业", Kind.YES_NO, allowed=_YN),
        Column("high_water_industry", "是否高用水行业", Kind.YES_NO, allowed=_YN),
        Column(
            "area_km2",
            "占地面积（平方公里）",
            Kind.AMOUNT,
            unit="平方公里",
            help="集群占地面积，一般不超过100平方公里",
        ),
        Column("operator_name", "运营管理机构"),
        Column("applicant", "申报单位", help="县（市、区）中小企业主管部门"),
        Column("contact_name", "联系人"),
        Column("contact_phone", "联系电话"),
        Column("declared_on", "申报日期", Kind.DATE, help="日期，如 2026-06-30"),
    ),
)

ANNUAL = Sheet(
    "annual",
    "经营指标",
    help="近三年（Y-3、Y-2、Y-1）各一行，三行均须填写",
    columns=(Column("year", "年度", Kind.INTEGER, help="年份，如 2025"), *ANNUAL_INDICATORS),
)

ENTERPRISES = Sheet(
    "enterprises",
    "企业名录",
    help="集群企业名录，每家企业一行",
    columns=(
        Column("uscc", "统一社会信用代码", help="18位统一社会信用代码（GB 32100-2015），末位为校验码"),
        Column("name", "企业名称"),
        Column("size", "企业规模", Kind.CHOICE, allowed=ENTERPRISE_SIZES),
        Column("in_leading_industry", "是否属于主导产业", Kind.YES_NO, allowed=_YN),
        Column("output", "上年度产值（万元）", Kind.AMOUNT, required=False, unit="万元", help="可选"),
    ),
)

DESIGNATIONS_SHEET = Sheet(
    "designations",
    "梯度培育",
    help="企业获得的优质中小企业称号，每个称号一行；企业须在企业名录中",
    columns=(
        Column("uscc", "统一社会信用代码"),
        Column("designation", "称号", Kind.CHOICE, allowed=DESIGNATIONS),
        Column("level", "级别", Kind.CHOICE, allowed=DESIGNATION_LEVELS),
        Column("valid_until", "有效期至", Kind.DATE, required=False, help="可选；留空表示长期有效"),
    ),
)

INCIDENTS = Sheet(
    "incidents",
    "安全合规",
    help="近三年发生的事故、事件和违法违规等情况（第六条）；没有则保留表头、不填行",
    columns=INCIDENT_COLUMNS,
)

EVIDENCE = Sheet(
    "evidence",
    "定性条件",
    help="第五条定性条件，每项一行：条件编号、是否具备、佐证材料",
    columns=(
        Column("item", "条件编号", Kind.CHOICE, help="见填表说明中的条件编号清单"),
        Column("met", "是否具备", Kind.YES_NO, allowed=_YN),
        Column("evidence", "佐证材料", required=False, help="具备时必填：文件名称或附件名"),
    ),
    reference_columns=(
        Column("item_title", "条件内容", required=False, help="条件编号对应的条款和条件，供对照，无需填写"),
    ),
)

PLAN_TARGETS = Sheet(
    "plan_targets",
    "发展规划",
    help="未来三年发展规划的量化目标（第五条（八）），Y、Y+1、Y+2 每年至少一项",
    columns=(
        Column(
            "indicator",
            "指标",
            Kind.CHOICE,
            allowed=ANNUAL_INDICATOR_KEYS,
            allowed_labels=ANNUAL_INDICATOR_LABELS,
            help="从下拉列表选择经营指标，如 集群总产值（万元）；也可填英文键，如 total_output",
        ),
        Column("baseline", "基期值", Kind.AMOUNT),
        Column("target_year", "目标年度", Kind.INTEGER),
        Column("target_value", "目标值", Kind.AMOUNT),
    ),
)

SUBMISSION = Workbook(
    "submission",
    "申报书",
    (PROFILE, ANNUAL, ENTERPRISES, DESIGNATIONS_SHEET, INCIDENTS, EVIDENCE, PLAN_TARGETS),
)

# ---------------------------------------------------------------------------------------------
# SPEC §3.2 — other inputs, each a single table.
SPOT_CHECKS = Sheet(
    "spot_checks",
    "实地抽查",
    columns=(
        Column("submission_id", "申报编号"),
        Column("level", "层级", Kind.CHOICE, allowed=SPOT_CHECK_LEVELS),
        Column("result", "结果", Kind.CHOICE, allowed=SPOT_CHECK_RESULTS),
        Column("note", "说明", required=False),
    ),
)
PREFECTURE_DECISIONS = Sheet(
    "prefecture_decisions",
    "市地推荐意见",
    columns=(
        Column("submission_id", "申报编号"),
        Column("recommend", "是否推荐", Kind.YES_NO, allowed=_YN),
        Column("note", "说明", required=False),
    ),
)
OBJECTIONS = Sheet(
    "objections",
    "公示异议",
    columns=(
        Column("submission_id", "申报编号"),
        Column("upheld", "异议成立", Kind.YES_NO, allowed=_YN),
        Column("note", "说明", required=False),
    ),
)
CHANGE_FILINGS = Sheet(
    "change_filings",
    "变更备案",
    columns=(
        Column("certificate_id", "认定编号"),
        Column("change_type", "变动类型", Kind.CHOICE, allowed=CHANGE_TYPES),
        Column("changed_on", "变动日期", Kind.DATE),
        Column("filed_on", "备案日期", Kind.DATE),
        Column("new_value", "变动后内容"),
    ),
)
FINDINGS = Sheet(
    "findings",
    "查实情况",
    columns=(
        Column("certificate_id", "认定编号"),
        Column("found_on", "查实日期", Kind.DATE),
        Column("category", "类型", Kind.CHOICE, allowed=FINDING_CATEGORIES),
        Column("source", "依据"),
    ),
)
REVOCATION_DECISIONS_SHEET = Sheet(
    "revocation_decisions",
    "撤销决定",
    columns=(
        Column("certificate_id", "认定编号"),
        Column("decision", "决定", Kind.CHOICE, allowed=REVOCATION_DECISIONS),
        Column("reason", "理由", required=False),
    ),
)

# ---------------------------------------------------------------------------------------------
# SPEC §3.3 — the monitoring workbook (年度发展情况), one per prefecture, report year R.
WORK_SUMMARY = Sheet(
    "work_summary",
    "培育工作情况",
    key_value=True,
    columns=(
        Column("prefecture_code", "市（地）代码", help="六位市（地）代码，如 230100"),
        Column("report_year", "报告年度", Kind.INTEGER),
        Column("submitted_on", "报送日期", Kind.DATE),
        Column("summary", "工作总结", required=False),
    ),
)
CLUSTER_STATUS = Sheet(
    "cluster_status",
    "集群发展情况",
    columns=(Column("certificate_id", "认定编号"), *ANNUAL_INDICATORS),
)
PLAN_PROGRESS = Sheet(
    "plan_progress",
    "规划进展",
    columns=(
        Column("certificate_id", "认定编号"),
        Column("indicator", "指标", Kind.CHOICE, allowed=ANNUAL_INDICATOR_KEYS),
        Column("target_year", "目标年度", Kind.INTEGER),
        Column("actual_value", "实际值", Kind.AMOUNT),
    ),
)
MONITORING_CHANGES = Sheet(
    "changes",
    "重大变动",
    columns=(
        Column("certificate_id", "认定编号"),
        Column("change_type", "变动类型", Kind.CHOICE, allowed=CHANGE_TYPES),
        Column("changed_on", "变动日期", Kind.DATE),
        Column("new_value", "变动后内容"),
    ),
)
MONITORING_INCIDENTS = Sheet(
    "incidents",
    "安全合规",
    columns=(Column("certificate_id", "认定编号"), *INCIDENT_COLUMNS),
)
MONITORING = Workbook(
    "monitoring",
    "年度发展情况",
    (WORK_SUMMARY, CLUSTER_STATUS, PLAN_PROGRESS, MONITORING_CHANGES, MONITORING_INCIDENTS),
)

# Single-table inputs of §3.2, by key (the file stem a decisions/inbox folder uses).
TABLES: dict[str, Sheet] = {
    s.key: s
    for s in (
        SPOT_CHECKS,
        PREFECTURE_DECISIONS,
        OBJECTIONS,
        CHANGE_FILINGS,
        FINDINGS,
        REVOCATION_DECISIONS_SHEET,
    )
}

# Columns that hold personal data: never in public outputs (SPEC §6, privacy).
PRIVATE_FIELDS = ("contact_name", "contact_phone")
