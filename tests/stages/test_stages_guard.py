"""Certificates, once issued, are final: what the guard names when a re-run would change one."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from clustercert.campaign.certification import CERTIFIED_COLUMNS, Certification
from clustercert.stages.guard import CampaignClosed, Issued, changes, check_unchanged

ON, UNTIL = date(2026, 8, 3), date(2029, 8, 2)
ISSUED = {
    "HLJTS-2026-001": Issued("HLJTS-2026-001", "s1", ON, UNTIL),
    "HLJTS-2026-002": Issued("HLJTS-2026-002", "s2", ON, UNTIL),
}
NAMES = {"s1": "甲集群", "s2": "乙集群", "s3": "丙集群"}


def certification(*pairs: tuple[str, str], on: date = ON, until: date = UNTIL) -> Certification:
    rows = [
        {"certificate_id": cid, "submission_id": sid, "cluster_name": NAMES[sid], "county_code": "230183",
         "prefecture_code": "230100", "certified_on": on, "valid_until": until}
        for cid, sid in pairs
    ]  # fmt: skip
    return Certification(pd.DataFrame(rows, columns=list(CERTIFIED_COLUMNS)), on if rows else None, ())


def test_the_same_certificates_pass() -> None:
    same = certification(("HLJTS-2026-001", "s1"), ("HLJTS-2026-002", "s2"))
    assert changes(ISSUED, same, NAMES) == []
    check_unchanged(ISSUED, same, NAMES)


def test_nothing_issued_yet_passes_whatever_would_be_certified() -> None:
    check_unchanged({}, certification(("HLJTS-2026-001", "s3")), NAMES)


@pytest.mark.parametrize(
    ("new", "named"),
    [
        (
            certification(("HLJTS-2026-001", "s3"), ("HLJTS-2026-002", "s2")),
            "由申报 s1（甲集群）改为 s3（丙集群）",
        ),
        (certification(("HLJTS-2026-001", "s1")), "HLJTS-2026-002（乙集群）将不再认定"),
        (
            certification(("HLJTS-2026-001", "s1"), ("HLJTS-2026-002", "s2"), ("HLJTS-2026-003", "s3")),
            "将新增认定编号 HLJTS-2026-003（丙集群）",
        ),
        (
            certification(("HLJTS-2026-001", "s1"), ("HLJTS-2026-002", "s2"), on=date(2026, 8, 4)),
            "认定日期或有效期",
        ),
    ],
    ids=["another-submission", "one-less", "one-more", "another-date"],
)
def test_a_change_is_refused_naming_it(new: Certification, named: str) -> None:
    assert any(named in line for line in changes(ISSUED, new, NAMES))
    with pytest.raises(CampaignClosed) as refused:
        check_unchanged(ISSUED, new, NAMES, "新的申报材料：x.xlsx")
    assert named in refused.value.message
    assert "新的申报材料：x.xlsx" in refused.value.message
    assert refused.value.exit_code == 1
