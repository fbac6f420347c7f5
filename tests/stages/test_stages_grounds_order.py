"""Art. 15 grounds do not depend on which stage ran first (SPEC §4.4): the monitoring, change-filings and
revocation stages (`clustercert.stages.grounds`), run in every order on copies of one registry, end with
the same proposals."""

from __future__ import annotations

import itertools
import shutil
from datetime import date
from pathlib import Path

import pytest
from mgmt_inputs import calendar_policy, filings, findings
from mgmt_stages import run_changes, run_monitoring, run_revocations

from clustercert.registry import Registry
from clustercert.samples import cast_roles, generate_monitoring

AS_OF = date(2028, 3, 11)  # the day after the 2027 reports' deadline, when a daily schedule runs all three
STAGES = ("monitor", "changes", "revocations")


@pytest.fixture
def inputs(campaign, tmp_path):
    """The inboxes of the three flows: 2027 monitoring reports (a missing and a late prefecture, four
    declared changes nobody filed, an Art. 6 incident), change filings of other changes (one late, one
    on time) and the province's findings (a false declaration, a refusal of monitoring)."""
    cast = cast_roles(campaign.certified)
    monitoring = generate_monitoring(
        tmp_path / "mon", certified=campaign.certified, report_year=2027, as_of_deadline=date(2028, 3, 10)
    )
    first, second = (c["certificate_id"] for c in campaign.certified[:2])
    (tmp_path / "filings").mkdir()
    filings(
        tmp_path / "filings" / "change_filings.csv",
        [
            # due Thu 2 Dec 2027, filed the Monday after: late (15.4)
            {"certificate_id": first, "change_type": "运营管理机构", "changed_on": date(2027, 11, 2), "filed_on": date(2027, 12, 6), "new_value": "新运营公司"},
            # on time: no ground
            {"certificate_id": second, "change_type": "空间范围", "changed_on": date(2027, 11, 2), "filed_on": date(2027, 11, 20), "new_value": "扩区"},
        ],
    )  # fmt: skip
    (tmp_path / "findings").mkdir()
    findings(
        tmp_path / "findings" / "findings.csv",
        [
            {"certificate_id": cast.false_declaration, "found_on": date(2028, 1, 15), "category": "虚假申报", "source": "黑工信企业函〔2028〕2号"},
            {"certificate_id": cast.below_threshold, "found_on": date(2028, 2, 20), "category": "不配合监测", "source": "监测督导记录〔2028〕1号"},
        ],
    )  # fmt: skip
    return tmp_path, monitoring, cast, first


def _run(stage: str, url: str, root: Path) -> None:
    policy = calendar_policy()
    with Registry.open(url) as registry:
        if stage == "monitor":
            run_monitoring(registry, root / "mon", report_year=2027, as_of=AS_OF, policy=policy)
        elif stage == "changes":
            run_changes(registry, root / "filings", as_of=AS_OF, policy=policy)
        else:
            run_revocations(registry, root / "findings", as_of=AS_OF, policy=policy)


def _final_state(url: str) -> tuple[list[tuple], dict[str, str]]:
    with Registry.open(url) as registry:
        proposals = sorted(
            (p.certificate_id, p.ground, p.evidence_key, p.evidence, str(p.proposed_on), p.decision)
            for p in registry.revocation_proposals()
        )
        statuses = {c.certificate_id: c.status for c in registry.certifications()}
    return proposals, statuses


def test_every_order_of_the_three_flows_ends_with_the_same_proposals(campaign, inputs):
    root, monitoring, cast, late_filer = inputs
    source = Path(campaign.url.removeprefix("sqlite:///"))
    ends = {}
    for order in itertools.permutations(STAGES):
        db = root / f"{'-'.join(order)}.db"
        shutil.copy(source, db)
        for stage in order:
            _run(stage, f"sqlite:///{db}", root)
        ends[order] = _final_state(f"sqlite:///{db}")

    reference = ends[STAGES]
    for order, end in ends.items():
        assert end == reference, f"{' → '.join(order)} differs from {' → '.join(STAGES)}"

    keys = {(cid, ground, key) for cid, ground, key, *_ in reference[0]}
    (missing,) = [c for c, s in monitoring.report_status.items() if s == "missing"]
    late = [c for c, s in monitoring.report_status.items() if s == "late"]
    assert (missing, "15.3", "monitoring:2027") in keys
    assert late and all((c, "15.3", "monitoring_late:2027") in keys for c in late)  # 未及时报送
    (unfiled,) = monitoring.unfiled_changes
    assert (unfiled, "15.4", "change:运营管理机构:2027-09-15") in keys  # declared, never filed
    assert (late_filer, "15.4", "change:运营管理机构:2027-11-02") in keys  # filed late
    assert not any(g == "15.4" and k.endswith("空间范围:2027-11-02") for _, g, k in keys)  # on time
    assert (cast.art6_incident, "15.5") in {(c, g) for c, g, _ in keys}
    assert (cast.false_declaration, "15.2", "finding:2028-01-15:虚假申报:黑工信企业函〔2028〕2号") in keys
    assert (cast.below_threshold, "15.3", "refusal:2028-02-20:监测督导记录〔2028〕1号") in keys


def test_changes_first_then_monitoring_still_proposes_the_unfiled_change(campaign, inputs):
    """The order of a daily schedule on 11 March: the filings run before the reports arrive."""
    root, monitoring, _, _ = inputs
    for stage in ("changes", "monitor"):
        _run(stage, campaign.url, root)
    (unfiled,) = monitoring.unfiled_changes
    with Registry.open(campaign.url) as registry:
        keys = {(p.ground, p.evidence_key) for p in registry.revocation_proposals(unfiled)}
    assert ("15.4", "change:运营管理机构:2027-09-15") in keys


def test_the_policy_may_exempt_late_reports_from_15_3(campaign, inputs):
    root, monitoring, _, _ = inputs
    exempt = calendar_policy(**{"A15.late_report_is_ground": False})
    with Registry.open(campaign.url) as registry:
        run_monitoring(registry, root / "mon", report_year=2027, as_of=AS_OF, policy=exempt)
        keys = {p.evidence_key for p in registry.revocation_proposals()}
    assert "monitoring:2027" in keys  # a missing report still is 未及时报送
    assert not any(k.startswith("monitoring_late:") for k in keys)
    assert [c for c, s in monitoring.report_status.items() if s == "late"]  # there were late ones
