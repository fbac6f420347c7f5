"""Policy files: content of hlj-2023 and national-2022, dated values, overrides, validation at load."""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from clustercert.policy import CriterionKind, PolicyError, build_policy, load_policy
from clustercert.policy.loader import available_policies, read_document

SPEC_CRITERIA = [
    "A5.1.area", "A5.1.output", "A5.1.sme_share", "A5.1.leading_share", "A5.2.tiered", "A5.4.rd_growth",
    "A5.4.patent_growth", "A5.4.patent_density", "A5.5.ii_adoption", "A5.5.software_trend",
    "A5.6.energy_trend", "A5.8.plan",
]  # fmt: skip
SPEC_ITEMS = [
    "A5.1.pillar", "A5.1.policy_fit", "A5.1.ranking", "A5.1.brand", "A5.2.cultivation", "A5.3.layout",
    "A5.3.coordination", "A5.3.sharing", "A5.3.key_links", "A5.4.standards", "A5.5.infrastructure",
    "A5.5.digital_services", "A5.5.cloud", "A5.5.data_connectivity", "A5.5.new_models", "A5.5.security",
    "A5.6.energy_structure", "A5.6.resource_efficiency", "A5.6.pollution_control", "A5.6.green_service",
    "A5.6.energy_benchmark", "A5.6.water_benchmark", "A5.7.cooperation", "A5.8.management_body",
    "A5.8.public_service", "A5.8.policy_coverage", "A5.8.measures",
]  # fmt: skip
ROOT = Path(__file__).resolve().parents[2]
# The regulation ships with the repo (regulation/): the policy's quotes are checked against it.
REGULATION = ROOT / "regulation" / "hlj-2023-8.zh.txt"


def hlj_document() -> dict[str, Any]:
    return copy.deepcopy(read_document("hlj-2023"))


def test_bundled_policies_load() -> None:
    assert {"hlj-2023", "national-2022"} <= set(available_policies())
    policy = load_policy()
    assert policy.name == "hlj-2023" and policy.effective_from == date(2023, 7, 7)
    assert load_policy("national-2022").name == "national-2022"
    with pytest.raises(PolicyError, match="unknown policy"):
        load_policy("hlj-2099")


def test_hlj_lists_every_spec_criterion_item_and_the_veto() -> None:
    policy = load_policy()
    assert [c.id for c in policy.criteria] == SPEC_CRITERIA
    assert list(policy.item_ids) == SPEC_ITEMS
    assert policy.criterion_ids[-1] == "A6.incidents"
    assert policy.criterion("A5.1.area").kind == CriterionKind.ADVISORY
    assert {c.kind for c in policy.criteria if c.id != "A5.1.area"} == {CriterionKind.HARD}
    items = {i.id: i for i in policy.qualitative_items}
    assert items["A5.6.energy_benchmark"].when == "high_energy_industry"
    assert items["A5.6.water_benchmark"].when == "high_water_industry"
    assert [i for i in SPEC_ITEMS if items[i].when] == ["A5.6.energy_benchmark", "A5.6.water_benchmark"]


def test_hlj_thresholds_and_words() -> None:
    policy = load_policy()
    expected = {
        "A5.1.area": ("不超过", 100), "A5.1.output": ("以上", 150000), "A5.1.sme_share": ("以上", 60),
        "A5.1.leading_share": ("高于", 60), "A5.4.rd_growth": ("高于", 5), "A5.4.patent_growth": ("不低于", 5),
        "A5.4.patent_density": ("不低于", 5), "A5.5.ii_adoption": ("不低于", 10), "A5.8.plan": ("不少于", 1),
    }  # fmt: skip
    for cid, (word, threshold) in expected.items():
        criterion = policy.criterion(cid)
        assert (criterion.comparator, policy.value(criterion.threshold)) == (word, threshold), cid
    assert policy.criterion("A5.1.output").window == (-3, -2, -1)
    assert policy.criterion("A5.8.plan").window == (0, 1, 2)
    assert policy.value("A5.2.tiered.champion.threshold") == 1
    assert policy.value("A5.2.tiered.designated.threshold") == 6
    assert policy.value("A5.4.growth_method") == "geometric"
    assert dict(policy.veto.min_severity) == {
        "安全事故": "较大", "质量事故": "较大", "环境污染事故": "较大", "网络安全事件": "重大", "数据安全事件": "重大",
        "偷税漏税": None, "违法违规": None, "严重失信": None, "其他重大问题": None,
    }  # fmt: skip


def test_parameters_other_stages_read() -> None:
    policy = load_policy()
    assert policy.value("A10.public_notice_working_days") == 5
    assert policy.value("A10.quota") is None
    assert policy.value("A11.validity_years") == 3
    assert policy.value("A11.expiry_notice_days") == [90, 30]
    assert policy.value("A11.review_window_days") == 180
    assert "未规定" in policy.parameter("A11.review_window_days").description
    assert policy.value("A12.filing_window_months") == 1
    assert policy.value("A13.monitoring_deadline") == "03-10"
    assert policy.value("calendar.extra_holidays") == [] and policy.value("calendar.extra_workdays") == []
    assert policy.parameter("A12.filing_window_months").reference == "第十二条"
    assert policy.parameter("A13.monitoring_deadline").reference == "第十三条"
    assert policy.value("deadlines.holiday_extension") is True  # 民法典 第二百零三条, on by default
    assert "民法典第二百零三条" in policy.parameter("deadlines.holiday_extension").reference
    assert policy.value("A15.late_report_is_ground") is True  # 第十五条（三） 未及时报送
    assert policy.parameter("A15.late_report_is_ground").reference == "第十五条（三）"
    assert "designations" in _designated(policy) and "required_level" not in _designated(policy)


def _designated(policy: Any) -> dict[str, Any]:
    """hlj-2023's 第五条（二） 6-enterprise branch: any level of a designation counts."""
    return dict(policy.criterion("A5.2.tiered").branches[1].options)


def test_every_parameter_is_documented() -> None:
    for name in available_policies():
        for parameter in load_policy(name).parameters.values():
            assert parameter.description and parameter.reference, parameter.id
            assert parameter.text, parameter.id
            assert parameter.values, parameter.id
    for parameter in load_policy().parameters.values():
        assert re.match(r"^第[一二三四五六七八九十]+条", parameter.reference), parameter.id
    threshold = load_policy().parameter("A5.1.sme_share.threshold")
    assert (threshold.reference, threshold.unit) == ("第五条（一）", "%")
    assert threshold.text == "中小企业产值占集群总产值 60% 以上"


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_hlj_texts_quote_the_regulation() -> None:
    regulation = _squeeze(REGULATION.read_text(encoding="utf-8"))
    policy = load_policy()
    texts = [p.text for p in policy.parameters.values()] + [i.text for i in policy.qualitative_items]
    texts += [c.text for c in policy.criteria] + [
        b.text.removeprefix("或者") for c in policy.criteria for b in c.branches
    ]
    texts.append(policy.veto.text)
    for text in texts:
        assert _squeeze(text) in regulation, text


def test_values_are_picked_by_effective_date() -> None:
    document = hlj_document()
    output = next(c for c in document["criteria"] if c["id"] == "A5.1.output")
    output["threshold"]["values"][date(2027, 1, 1)] = 200000
    assert build_policy(document, on=date(2026, 12, 31)).value("A5.1.output.threshold") == 150000
    assert build_policy(document, on=date(2027, 1, 1)).value("A5.1.output.threshold") == 200000
    assert build_policy(document).value("A5.1.output.threshold") == 200000  # no date: the latest
    with pytest.raises(PolicyError, match="no value in force on 2023-07-06"):
        load_policy(on=date(2023, 7, 6))
    assert load_policy(on=date(2023, 7, 7)).value("A5.1.output.threshold") == 150000


def test_overrides_apply_and_are_recorded() -> None:
    overrides = {"A5.1.output.threshold": 120000, "A10.public_notice_working_days": 7, "A10.quota": 20}
    policy = load_policy(overrides=overrides | {"A5.4.rd_growth.threshold": 4.5})
    assert policy.value("A5.1.output.threshold") == 120000
    assert policy.value("A10.public_notice_working_days") == 7
    assert policy.value("A10.quota") == 20
    assert policy.value("A5.4.rd_growth.threshold") == Decimal("4.5")  # a float override stays exact
    assert dict(policy.overrides) == overrides | {"A5.4.rd_growth.threshold": Decimal("4.5")}
    described = policy.describe()
    assert described["overrides"]["A10.public_notice_working_days"] == 7
    assert described["parameters"]["A5.1.output.threshold"]["value"] == 120000
    json.dumps(described, ensure_ascii=False)  # reports store it as JSON
    assert load_policy().overrides == {}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"A5.1.output.minimum": 1}, "unknown parameter"),
        ({"A5.1.output.threshold": "a lot"}, "expected a number"),
        ({"A5.1.output.threshold": True}, "expected a number"),
        ({"A5.4.growth_method": "median"}, "not one of"),
        ({"A11.expiry_notice_days": 30}, "expected a list"),
        ({"scoring.A5.1.weight": 30}, "add up to 110"),
        ({"scoring.A5.1.output.cap": 100000}, "cap must be above floor"),
    ],
)
def test_bad_overrides_are_errors(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        load_policy(overrides=overrides)


def test_calendar_overrides_become_dates() -> None:
    policy = load_policy(overrides={"calendar.extra_holidays": ["2030-01-01", date(2030, 2, 3)]})
    assert policy.value("calendar.extra_holidays") == [date(2030, 1, 1), date(2030, 2, 3)]
    with pytest.raises(PolicyError, match="not a date"):
        load_policy(overrides={"calendar.extra_workdays": ["soon"]})


def test_weights_may_move_between_aspects() -> None:
    policy = load_policy(overrides={"scoring.A5.1.weight": 30, "scoring.A5.4.weight": 10})
    assert policy.value("scoring.A5.1.weight") == 30


def _broken(change) -> dict[str, Any]:
    document = hlj_document()
    change(document)
    return document


def _criterion(document: dict[str, Any], cid: str) -> dict[str, Any]:
    return next(c for c in document["criteria"] if c["id"] == cid)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: _criterion(d, "A5.1.sme_share").update(comparator="大于"),
            "unknown word of comparison '大于'",
        ),
        (lambda d: _criterion(d, "A5.2.tiered")["branches"][0].update(comparator=">="), "unknown word"),
        (lambda d: _criterion(d, "A5.5.software_trend").update(overall_comparator="更高"), "unknown word"),
        (lambda d: _criterion(d, "A5.1.output").update(measure="gross_output"), "not a known yearly measure"),
        (lambda d: _criterion(d, "A5.1.output").update(kind="mandatory"), "kind"),
        (lambda d: _criterion(d, "A5.1.output").update(window=["2023"]), "window entries"),
        (lambda d: _criterion(d, "A5.1.output").pop("threshold"), "needs `comparator` and `threshold`"),
        (lambda d: _criterion(d, "A5.1.output")["threshold"].pop("description"), "`description` is required"),
        (lambda d: d["criteria"].append(copy.deepcopy(d["criteria"][0])), "defined twice"),
        (lambda d: d["qualitative_items"][0].update(when="is_big"), "when"),
        (lambda d: d["veto"]["categories"].update({"火灾": "较大"}), "unknown incident category"),
        (lambda d: d["veto"]["categories"].update({"安全事故": "严重"}), "severity must be one of"),
        (
            lambda d: _criterion(d, "A5.2.tiered")["branches"][0]["options"].update(designations=["小巨人"]),
            "designation",
        ),
        (
            lambda d: _criterion(d, "A5.2.tiered")["branches"][1]["options"].update(
                required_level={"高新技术企业": "国家"}
            ),
            "required_level",
        ),
        (
            lambda d: _criterion(d, "A5.2.tiered")["branches"][1]["options"].update(
                required_level={"高企": "国家级"}
            ),
            "required_level",
        ),
        (lambda d: d["parameters"]["A10.quota"].update(values={"soon": 3}), "not a date"),
        (
            lambda d: d["parameters"]["deadlines.holiday_extension"].update(values={"2023-07-07": "yes"}),
            "not one of",
        ),
    ],
)
def test_invalid_policy_files_are_rejected_at_load(change, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        build_policy(_broken(change))


def test_national_enforces_only_confirmed_thresholds() -> None:
    policy = load_policy("national-2022")
    confirmed = {
        c.id: (c.comparator, policy.value(c.threshold))
        for c in policy.criteria
        if c.confirmed and c.threshold
    }
    assert confirmed == {
        "N1.output": ("以上", 400000),
        "N1.sme_share": ("以上", 70),
        "N1.leading_share": ("高于", 70),
        "N1.output_growth": ("高于", 10),
        "N1.area": ("不超过", 100),  # 一般不超过: advisory (SPEC §4.4)
    }
    assert policy.criterion("N1.area").kind == "advisory"
    tiered = policy.criterion("N2.tiered")
    assert [policy.value(b.threshold) for b in tiered.branches] == [1, 10]
    assert tiered.branches[1].options["required_level"] == {"高新技术企业": "国家级"}  # 国家级高新技术企业
    unconfirmed = [c for c in policy.criteria if not c.confirmed]
    assert {c.id for c in unconfirmed} == {"N4.innovation", "N5.digital", "N6.green", "N8.plan"}
    assert all(c.note for c in unconfirmed)
    assert policy.qualitative_items == ()
    assert policy.veto is not None and policy.veto.min_severity == load_policy().veto.min_severity  # = 第六条
    assert policy.scoring is not None and policy.scoring.note == load_policy().scoring.note
