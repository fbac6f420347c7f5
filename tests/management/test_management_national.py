"""Art. 14 national recommendation: who is considered, the order, and unconfirmed criteria."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from management_fixtures import certificates, cluster_data, load_cases

from clustercert.management.national import NATIONAL_COLUMNS, recommend_national
from clustercert.policy import load_policy

TABLE = load_cases("national.yaml")


@dataclass
class _Criterion:
    criterion_id: str
    result: str


@dataclass
class _Score:
    total: Decimal


@dataclass
class _Evaluation:
    eligible: bool
    failed_criteria: list[str]
    score: _Score
    latest_total_output: Decimal
    criteria: list[_Criterion] = field(default_factory=list)


def _table_run():
    by_id = {c["certificate_id"]: c for c in TABLE["clusters"]}

    def evaluate(data, policy, as_of):
        c = by_id[data.submission_id]
        return _Evaluation(
            c["eligible"],
            c.get("failed", []),
            _Score(Decimal(str(c["score"]))),
            Decimal(c["latest_total_output"]),
        )

    certs = certificates(
        *[
            {
                "certificate_id": c["certificate_id"],
                "valid_until": c.get("valid_until", date(2029, 7, 31)),
                "status": c.get("status", "certified"),
            }
            for c in TABLE["clusters"]
        ]
    )
    clusters = [(c["certificate_id"], cluster_data(c["certificate_id"], {})) for c in TABLE["clusters"]]
    return recommend_national(clusters, None, TABLE["as_of"], certificates=certs, evaluate=evaluate)


def test_ranking_order_and_who_is_considered():
    rows = _table_run()
    assert (
        list(rows.columns[:5])
        == NATIONAL_COLUMNS[:5]
        == ["certificate_id", "eligible", "failed_criteria", "score", "rank"]
    )
    got = [
        {"certificate_id": r["certificate_id"], "rank": None if pd.isna(r["rank"]) else int(r["rank"])}
        | ({"failed_criteria": r["failed_criteria"]} if r["failed_criteria"] else {})
        for r in rows.to_dict(orient="records")
    ]
    assert got == TABLE["expected"]
    assert set(rows["article"]) == {"14"}


def test_an_unconfirmed_criterion_reported_as_failed_stops_the_run():
    def evaluate(data, policy, as_of):
        return _Evaluation(
            False,
            ["N5.digital"],
            _Score(Decimal(50)),
            Decimal(1),
            [_Criterion("N5.digital", "not_evaluated")],
        )

    certs = certificates({"certificate_id": "HLJ-2023-001", "valid_until": date(2029, 7, 31)})
    with pytest.raises(ValueError, match="N5.digital"):
        recommend_national(
            [("HLJ-2023-001", cluster_data("x", {}))],
            None,
            date(2027, 5, 1),
            certificates=certs,
            evaluate=evaluate,
        )


# With the real rule engine and the national-2022 policy: only confirmed thresholds can fail a cluster.
def _year(total, *, ii=0.0, rd=100.0, energy=1.0):
    return {
        "total_output": total,
        "sme_output": total * 0.8,
        "leading_output": total * 0.75,
        "sme_rd": rd,
        "invention_patents": 0,
        "employees": 10000,
        "ii_adoption_pct": ii,
        "software_adoption_pct": 0.0,
        "energy_intensity": energy,
    }


CHAMPION = [
    {"uscc": "91230183MA0000001X", "designation": "制造业单项冠军", "level": "国家级", "valid_until": None}
]
STRONG = {
    2023: _year(450000, rd=300, energy=0.5),
    2024: _year(500000, rd=200, energy=0.7),
    2025: _year(560000, energy=0.9),
}
INCIDENT = [
    {
        "occurred_on": date(2026, 1, 5),
        "uscc": "91230183MA0000001X",
        "category": "安全事故",
        "severity": "重大",
        "description": "x",
    }
]


def test_with_the_national_policy_unconfirmed_criteria_never_fail_a_cluster():
    clusters = [
        # passes the confirmed requirements; would fail every unconfirmed one (R&D and energy worsen,
        # no II adoption, no plan)
        ("HLJ-2023-001", cluster_data("s1", STRONG, designations=CHAMPION)),
        # one year below 40亿元: fails the confirmed N1.output
        ("HLJ-2023-002", cluster_data("s2", {**STRONG, 2024: _year(399999.99)}, designations=CHAMPION)),
        # as strong, but a 重大 accident: the veto (the same as 第六条) is confirmed and fails it
        ("HLJ-2023-003", cluster_data("s3", STRONG, designations=CHAMPION, incidents=INCIDENT)),
    ]
    certs = certificates(
        {"certificate_id": "HLJ-2023-001", "valid_until": date(2029, 7, 31)},
        {"certificate_id": "HLJ-2023-002", "valid_until": date(2029, 7, 31)},
        {"certificate_id": "HLJ-2023-003", "valid_until": date(2029, 7, 31)},
    )
    rows = recommend_national(clusters, load_policy("national-2022"), date(2026, 7, 1), certificates=certs)
    rows = rows.set_index("certificate_id")
    strong = rows.loc["HLJ-2023-001"]
    assert bool(strong["eligible"]) and strong["failed_criteria"] == "" and strong["rank"] == 1
    assert set(strong["not_evaluated"].split(";")) == {"N4.innovation", "N5.digital", "N6.green", "N8.plan"}
    weak = rows.loc["HLJ-2023-002"]
    assert not bool(weak["eligible"]) and weak["failed_criteria"] == "N1.output" and pd.isna(weak["rank"])
    vetoed = rows.loc["HLJ-2023-003"]
    assert not bool(vetoed["eligible"]) and vetoed["failed_criteria"] == "N.incidents"
