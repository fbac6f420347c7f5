"""change-filings as a stage (第十二条): each file judged on its own, declared changes nobody filed,
and the record that updates the cluster for an on-time filing."""

from __future__ import annotations

from datetime import date

import pandas as pd
from management_fixtures import certificates
from mgmt_inputs import calendar_policy, filings

from clustercert import contract
from clustercert.intake.tables import TypedTable, type_table
from clustercert.management.monitoring import CHANGE_COLUMNS
from clustercert.registry import Registry
from clustercert.stages import changes
from clustercert.stages.grounds import FILING_FRAME

POLICY = calendar_policy()
SHEET = contract.CHANGE_FILINGS


def _read(file: str, rows: list[list[str]]) -> TypedTable:
    frame = pd.DataFrame([[*r, n] for n, r in enumerate(rows, start=2)], columns=[*SHEET.keys, "_row"])
    typed, issues = type_table(frame, SHEET, file)
    typed.insert(0, "file", file)
    return TypedTable(file, typed, issues)


def _declared(*rows: tuple[str, str, date]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"certificate_id": c, "change_type": t, "changed_on": d, "new_value": "x", "prefecture_code": "230100",
             "file": "230100-监测.xlsx", "sheet": "重大变动", "row": 2}
            for c, t, d in rows
        ],
        columns=CHANGE_COLUMNS,
    )  # fmt: skip


def test_decide_judges_each_file_and_finds_declared_changes_nobody_filed() -> None:
    certs = certificates({"certificate_id": "A"}, {"certificate_id": "B"}, {"certificate_id": "C"})
    recorded = pd.DataFrame(
        [{"certificate_id": "C", "change_type": "主导产业", "changed_on": date(2026, 9, 1),
          "filed_on": date(2026, 9, 20), "new_value": "x"}],
        columns=FILING_FRAME,
    )  # fmt: skip
    declared = _declared(
        ("A", "空间范围", date(2026, 12, 1)),  # filed below, in time
        ("B", "运营管理机构", date(2026, 11, 2)),  # nobody filed it: due 2 Dec, passed
        ("C", "主导产业", date(2026, 9, 1)),  # filed by an earlier run
        ("B", "主导产业", date(2027, 2, 20)),  # due 20 March: not yet
    )
    first = _read("change_filings-230100.csv", [["A", "空间范围", "2026-12-01", "2026-12-31", "扩区"]])
    second = _read("change_filings-230600.csv", [["Z", "空间范围", "2026-12-01", "2026-12-31", "扩区"]])
    outcome = changes.decide(
        changes.ChangesInputs(certs, recorded, declared),
        [first, second],
        as_of=date(2027, 3, 1),
        policy=POLICY,
    )
    judged = {
        (r["certificate_id"], r["change_type"], r["source"], r["file"]): r["on_time"] for r in outcome.rows
    }
    assert judged == {
        (
            "A",
            "空间范围",
            "filing",
            "change_filings-230100.csv",
        ): True,  # 1 Dec + 1 month = 31 Dec (a Thursday)
        ("B", "运营管理机构", "monitoring", "230100-监测.xlsx"): False,
        ("B", "主导产业", "monitoring", "230100-监测.xlsx"): None,
    }
    assert outcome.counts() == {"changes": 3, "on_time": 1, "late_or_unfiled": 1, "pending": 1}
    ((file, check),) = [(i.file, i.check) for i in outcome.issues]
    assert (file, check) == ("change_filings-230600.csv", "changes.certificate_id.known")
    assert outcome.input_errors == 1


def test_record_updates_the_cluster_once_and_proposes_15_4(campaign, tmp_path) -> None:
    first, second = (c["certificate_id"] for c in campaign.certified[:2])
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    filings(inbox / "change_filings.csv", [
        {"certificate_id": first, "change_type": "运营管理机构", "changed_on": date(2027, 4, 8), "filed_on": date(2027, 5, 8), "new_value": "新运营公司"},
        {"certificate_id": second, "change_type": "主导产业", "changed_on": date(2027, 8, 10), "filed_on": date(2027, 9, 11), "new_value": "绿色食品"},
    ])  # fmt: skip
    with Registry.open(campaign.url) as registry:
        reads = [changes.read_filings(p) for p in changes.files(inbox)]
        outcome = changes.decide(changes.read(registry), reads, as_of=date(2028, 3, 20), policy=POLICY)
        assert changes.record(registry, outcome, "run-1", policy=POLICY) == {
            "registry_updates": 1,  # the on-time filing; the late one is 15.4 and changes no fact
            "revocation_proposals_new": 1,
        }
        cert = registry.certification(first)
        assert registry.cluster(cert.cluster_key).operator_name == "新运营公司"
        late_cluster = registry.cluster(registry.certification(second).cluster_key)
        assert late_cluster.leading_industry != "绿色食品"
        (late,) = registry.revocation_proposals(second)
        assert (late.ground, late.evidence_key) == ("15.4", "change:主导产业:2027-08-10")
        again = changes.decide(changes.read(registry), reads, as_of=date(2028, 3, 20), policy=POLICY)
        assert changes.record(registry, again, "run-2", policy=POLICY) == {
            "registry_updates": 0,
            "revocation_proposals_new": 0,
        }
