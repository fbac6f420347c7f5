"""A valid submission's typed tables survive the trip through the registry's JSON payload."""

from __future__ import annotations

import json
import pickle
from datetime import date

import pandas as pd
import pandas.testing as pdt
import pytest
import sqlalchemy as sa
from registry_helpers import submit

from clustercert.registry import Registry, cluster_data_to_payload, payload_to_cluster_data
from clustercert.registry.core import encoded, jsonable
from clustercert.submission import ClusterData


def cluster_data() -> ClusterData:
    return ClusterData(
        submission_id="2026-230183-aaaaaaaa",
        file="a.xlsx",
        sha256="a" * 64,
        profile={
            "campaign_year": 2026,
            "application_type": "新申报",
            "certificate_id": None,
            "cluster_name": "尚志市冰雪产业集群",
            "county_code": "230183",
            "high_energy_industry": False,
            "area_km2": 42.5,
            "declared_on": date(2026, 6, 30),
        },
        annual=pd.DataFrame(
            {
                "year": pd.Series([2023, 2024, 2025], dtype="Int64"),
                "total_output": [150000.0, 162000.5, 170000.0],
                "sme_output": [90000.0, 0.1 + 0.2, float("nan")],
                "invention_patents": pd.Series([10, None, 12], dtype="Int64"),
                "_row": [2, 3, 4],
            }
        ),
        enterprises=pd.DataFrame(
            {
                "uscc": pd.Series(["91230183MA1B2C3D4E"], dtype="str"),
                "in_leading_industry": [True],
                "_row": [2],
            }
        ),
        designations=pd.DataFrame(
            {"valid_until": pd.Series(pd.to_datetime(["2027-12-31"]), dtype="datetime64[ns]"), "_row": [2]}
        ),
        incidents=pd.DataFrame({"_row": pd.Series([], dtype="int64")}),
        evidence=pd.DataFrame(),
        plan_targets=pd.DataFrame(),
    )


def test_round_trip_keeps_values_and_types(registry: Registry) -> None:
    data = cluster_data()
    with registry.transaction() as tx:
        tx.upsert_campaign(2026, date(2026, 7, 1), "hlj-2023")
        sid = submit(tx, "a")
        tx.record_validation(sid, valid=True, payload=cluster_data_to_payload(data))
    stored = registry.submission(sid)
    back = payload_to_cluster_data(stored.submission_id, stored.file_name, stored.sha256, stored.payload)
    assert back.profile == data.profile
    assert back.declared_on == date(2026, 6, 30)
    annual = back.annual[["year", "total_output", "sme_output", "invention_patents", "_row"]]
    pdt.assert_frame_equal(annual, data.annual, check_dtype=True)
    assert back.annual["sme_output"][1] == 0.1 + 0.2  # the float that was entered, to the last bit
    assert back.enterprises["in_leading_industry"].tolist() == [True]
    assert back.designations["valid_until"].dtype == "datetime64[ns]"
    assert back.designations["valid_until"][0] == pd.Timestamp("2027-12-31")
    assert list(back.incidents.columns[:2]) == ["occurred_on", "uscc"] and back.incidents.empty


def test_a_payload_of_format_1_reads_as_its_format_2_copy() -> None:
    """Registries written before format 2 keep their rows (one object per row): they read the same."""
    data = cluster_data()
    current = cluster_data_to_payload(data)
    assert current["format"] == 2
    old = {
        "format": 1,
        "profile": current["profile"],
        "tables": {
            key: [
                dict(zip(table["columns"], cells, strict=True))
                for cells in zip(*table["columns"].values(), strict=True)
            ]
            for key, table in current["tables"].items()
        },
    }
    assert len(old["tables"]["annual"]) == 3 and old["tables"]["annual"][1]["invention_patents"] is None
    from_old = payload_to_cluster_data("s", "a.xlsx", "a" * 64, old)
    from_new = payload_to_cluster_data("s", "a.xlsx", "a" * 64, current)
    for key in ("annual", "enterprises", "designations", "incidents", "evidence", "plan_targets"):
        pdt.assert_frame_equal(getattr(from_old, key), getattr(from_new, key), check_dtype=True)


def test_an_unknown_payload_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown payload format 3"):
        payload_to_cluster_data("s", "a.xlsx", "a" * 64, {"format": 3, "profile": {}, "tables": {}})


def test_a_payload_is_encoded_once_and_stored_as_that_text(registry: Registry) -> None:
    data = cluster_data()
    ahead = encoded(cluster_data_to_payload(data))  # as the flow works it out while GX runs
    assert ahead == jsonable(cluster_data_to_payload(data)) and json.loads(ahead.text) == ahead
    assert pickle.loads(pickle.dumps(ahead)).text == ahead.text
    with registry.transaction() as tx:
        tx.upsert_campaign(2026, date(2026, 7, 1), "hlj-2023")
        early, late = submit(tx, "a"), submit(tx, "b", name="尚志市食品产业集群")  # another cluster
        tx.record_validation(early, valid=True, payload=ahead)
        tx.record_validation(late, valid=True, payload=cluster_data_to_payload(data))
    with registry.engine.connect() as conn:
        texts = dict(
            conn.execute(sa.text("SELECT submission_id, CAST(payload AS TEXT) FROM submissions")).all()
        )
    if registry.engine.dialect.name == "sqlite":  # PostgreSQL keeps its own form of JSON
        assert texts[early] == texts[late] == ahead.text
    assert registry.submission(early).payload == registry.submission(late).payload == ahead
    back = payload_to_cluster_data(early, "a.xlsx", "a" * 64, registry.submission(early).payload)
    pdt.assert_frame_equal(back.annual[data.annual.columns], data.annual)
