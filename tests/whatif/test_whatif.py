"""What if the policy were different: two evaluations of the same clusters, compared; read from the registry
without writing to it."""

from __future__ import annotations

import hashlib
import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from clustercert.campaign.preflight import Refused
from clustercert.policy import load_policy
from clustercert.registry import Registry
from clustercert.whatif import (
    COMPARE_COLUMNS,
    Outcome,
    Question,
    check_question,
    compare,
    load_for,
    open_read_only,
    prepare,
    ranks,
    read_campaign,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "rules"))
from cluster_builder import AS_OF, build  # noqa: E402

from tests.whatif.campaign_registry import YEAR, build_campaign_registry  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = str(ROOT / "docs" / "policies")
HLJ = load_policy("hlj-2023", on=AS_OF)


def cluster(sid: str, sme_output: float, total_output: float = 250000, **more):
    return build(
        submission_id=sid, annual={2025: {"sme_output": sme_output, "total_output": total_output}}, **more
    )


def test_a_higher_sme_share_threshold_drops_exactly_the_clusters_below_it() -> None:
    clusters = [
        cluster("2026-230183-00000001", 150000),  # 60.00 %: drops
        cluster("2026-230183-00000002", 162499.99),  # 64.999996 %: drops
        cluster("2026-230183-00000003", 162500),  # 65.00 %: stays (以上 includes the number)
        cluster("2026-230183-00000004", 200000),  # 80 %: stays
        cluster("2026-230183-00000005", 149999.99),  # below 60 % already: ineligible before and after
    ]
    after = load_policy("hlj-2023", on=AS_OF, overrides={"A5.1.sme_share.threshold": 65})
    result = compare(clusters, HLJ, after, AS_OF, year=YEAR)
    assert [c.submission_id for c in result.dropped] == ["2026-230183-00000001", "2026-230183-00000002"]
    assert result.added == []
    row = {r["submission_id"]: r for r in result.csv_rows()}
    assert list(row["2026-230183-00000001"]) == COMPARE_COLUMNS
    assert row["2026-230183-00000001"]["flipped_criteria"] == "A5.1.sme_share"
    assert (
        row["2026-230183-00000003"]["flipped_criteria"] == ""
        and row["2026-230183-00000003"]["eligible_after"]
    )
    assert (
        row["2026-230183-00000005"]["eligible_before"] is False
        and row["2026-230183-00000005"]["rank_after"] is None
    )
    dropped = result.dropped[0]
    [flip] = dropped.flips
    assert (flip.before, flip.after, flip.before.label, flip.after.label) == ("met", "fail", "符合", "不通过")
    assert "需在65%以上" in flip.gap and "（即 ≥ 162 500 万元）" in flip.gap
    # 00000002 and 00000003 score the same (45.93) and rank by id: 2 and 3 before; 00000003 is 2nd after
    assert [row[f"2026-230183-0000000{n}"]["rank_before"] for n in (4, 2, 3, 1)] == [1, 2, 3, 4]
    assert [row[f"2026-230183-0000000{n}"]["rank_after"] for n in (4, 2, 3, 1)] == [1, None, 2, None]
    assert result.counts() == {"compared": 5, "eligible_before": 4, "eligible_after": 2, "dropped": 2, "added": 0,
                               "rank_changed": 3}  # fmt: skip


def test_ranks_follow_the_campaign_ranking_and_skip_the_ineligible() -> None:
    """Score desc, then the latest total output desc, then the submission id (SPEC §4.3)."""
    base = compare([cluster("2026-230183-00000000", 175000)], HLJ, HLJ, AS_OF, year=YEAR).clusters[0].before

    def ev(sid: str, score: str, output: str, eligible: bool = True):
        return replace(base, submission_id=sid, eligible=eligible, score=replace(base.score, total=Decimal(score)),
                       latest_total_output=Decimal(output))  # fmt: skip

    evaluations = [
        ev("s-b", "50.00", "200000"),
        ev("s-a", "50.00", "200000"),  # same score and output: the id decides
        ev("s-c", "50.00", "260000"),  # same score, more output: first of the three
        ev("s-d", "49.99", "900000"),
        ev("s-e", "90.00", "900000", eligible=False),  # not ranked
    ]
    assert ranks(evaluations) == {"s-c": 1, "s-a": 2, "s-b": 3, "s-d": 4}


def test_against_another_policy_flips_are_what_either_policy_fails() -> None:
    data = build(profile={"area_km2": 120})  # an advisory failure under hlj-2023 only
    result = compare([data], HLJ, load_policy("national-2022", on=AS_OF), AS_OF, year=YEAR)
    [c] = result.clusters
    flips = {f.criterion_id: (f.before, f.after) for f in c.flips}
    assert flips["A5.1.area"] == (Outcome.ADVISORY, Outcome.MET)  # not a national criterion: counts as met
    assert flips["N1.output"] == (Outcome.MET, Outcome.FAIL)
    assert flips["N1.area"] == (Outcome.MET, Outcome.ADVISORY)  # 一般不超过100平方公里 nationally too
    failed = {f.criterion_id: f for f in c.failed_after}
    assert set(failed) == {
        "N1.output",
        "N1.leading_share",
        "N1.area",
    }  # 70.00 % is not 高于70%; area advisory
    assert failed["N1.output"].title == "近三年产值均在40亿元以上"
    assert "（即 ≥ 400 000 万元）" in failed["N1.output"].gap


def test_a_revision_not_yet_in_force_is_compared_with_its_own_values() -> None:
    later = load_for(f"{EXAMPLES}/hlj-2027.yaml", AS_OF)
    assert later.name == "hlj-2027" and later.on == date(2027, 1, 1)
    assert later.value("A5.1.sme_share.threshold") == 65
    assert load_for("hlj", AS_OF, search=[EXAMPLES]).name == "hlj-2023"  # the version in force on the as-of
    result = compare([cluster("2026-230183-00000001", 160000)], HLJ, later, AS_OF, year=YEAR)  # 64 %
    [c] = result.clusters
    assert {f.criterion_id for f in c.flips} == {"A5.1.sme_share"}
    assert "A5.1.output_growth" in {r.criterion_id for r in c.after.criteria}


def test_question_without_a_second_policy_or_with_an_unknown_one_is_refused() -> None:
    with pytest.raises(Refused, match="nothing to compare") as refused:
        check_question(Question(year=YEAR))
    assert refused.value.exit_code == 2
    with pytest.raises(Refused, match="unknown policy 'hlj-2099'") as refused:
        check_question(Question(year=YEAR, against="hlj-2099"))
    assert refused.value.exit_code == 2
    check_question(Question(year=YEAR, against="hlj", search=(EXAMPLES,)))  # a family is a known name


# ---------------------------------------------------------------------------------------------
# from the registry


@pytest.fixture(scope="module")
def registry_built(tmp_path_factory):
    return build_campaign_registry(tmp_path_factory.mktemp("whatif"), count=8, overrides={"A10.quota": 20})


def _digest(url: str) -> str:
    return hashlib.sha256(Path(url.removeprefix("sqlite:///")).read_bytes()).hexdigest()


def test_read_campaign_gives_the_valid_submissions_and_certificates(registry_built) -> None:
    with open_read_only(registry_built.url) as registry:
        campaign = read_campaign(registry, YEAR)
        assert read_campaign(registry, YEAR + 1) is None
    ids = {d.submission_id for d in campaign.clusters}
    assert ids == set(registry_built.eligible) | registry_built.ineligible
    assert campaign.certificates == registry_built.certified
    assert campaign.as_of == date(2026, 7, 24) and campaign.finished
    assert campaign.overrides == {"A10.quota": 20}


def test_prepare_applies_the_campaigns_overrides_then_the_questions(registry_built) -> None:
    before_digest = _digest(registry_built.url)
    with open_read_only(registry_built.url) as registry:
        _, before, after = prepare(
            registry, Question(year=YEAR, against_overrides={"A5.1.sme_share.threshold": Decimal("65")})
        )
        assert dict(before.overrides) == {"A10.quota": 20}
        assert dict(after.overrides) == {"A10.quota": 20, "A5.1.sme_share.threshold": 65}
        _, before, after = prepare(registry, Question(year=YEAR, policy="national-2022", against="hlj-2023"))
        assert (
            dict(before.overrides) == {} and dict(after.overrides) == {}
        )  # another policy: not the campaign's
        with pytest.raises(Refused, match="no campaign for 2031") as refused:
            prepare(registry, Question(year=2031, against="national-2022"))
        assert refused.value.exit_code == 1
        with pytest.raises(Refused, match="unknown parameter") as refused:
            prepare(registry, Question(year=YEAR, against_overrides={"A5.1.sme_share.minimum": 65}))
        assert refused.value.exit_code == 2
    assert _digest(registry_built.url) == before_digest  # nothing written, not even a migration


def test_a_registry_that_does_not_exist_is_not_created(tmp_path) -> None:
    missing = tmp_path / "nowhere.db"
    with pytest.raises(Refused, match="no registry") as refused:
        open_read_only(f"sqlite:///{missing}")
    assert refused.value.exit_code == 1 and not missing.exists()


def test_a_registry_without_tables_is_refused_not_a_traceback(tmp_path) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    with (
        open_read_only(f"sqlite:///{empty}") as registry,
        pytest.raises(Refused, match="cannot read the registry"),
    ):
        prepare(registry, Question(year=YEAR, against="national-2022"))


def test_registry_is_reachable_with_migrations_for_writers(registry_built) -> None:
    with Registry.open(registry_built.url) as registry:  # a writer opening it afterwards still works
        assert registry.campaign(YEAR) is not None
