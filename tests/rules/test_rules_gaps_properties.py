"""The gap to pass, proved by re-evaluation: for every generated failing case of each exact criterion,
applying the stated change makes the criterion pass, and the same change one unit short does not.

Thresholds and words are varied through the policy (the gap code reads both from it), values sit on the
grid of what a county enters (万元 and % to 0.01, counts whole), with a bias to the boundary, where
以上 and 高于 differ. Each test counts the failing cases it checked and demands at least 1,000.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from functools import cache
from typing import Any

from cluster_builder import AS_OF, CAMPAIGN_YEAR, build, frame
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from clustercert.contract import DESIGNATIONS, DESIGNATIONS_SHEET, ENTERPRISES
from clustercert.policy import Policy, build_policy
from clustercert.policy.loader import read_document
from clustercert.rules import criteria as crit
from clustercert.rules import gaps
from clustercert.rules.changes import apply, apply_rows, step_back
from clustercert.rules.results import Result

CASES = 1000
SETTINGS = settings(
    max_examples=CASES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
)
Y1, Y2, Y3 = CAMPAIGN_YEAR - 3, CAMPAIGN_YEAR - 2, CAMPAIGN_YEAR - 1
COLUMNS = ("total_output", "sme_output", "leading_output", "sme_rd", "invention_patents", "employees",
           "ii_adoption_pct", "software_adoption_pct", "energy_intensity")  # fmt: skip


@cache
def policy_with(cid: str, word: str | None, threshold: str | None, *more: tuple[str, Any]) -> Policy:
    """hlj-2023 with criterion `cid`'s word and threshold replaced (the policy decides both)."""
    document = copy.deepcopy(read_document("hlj-2023"))
    node = next(c for c in document["criteria"] if c["id"] == cid)
    if word is not None:
        node["comparator"] = word
    if threshold is not None:
        node["threshold"]["values"] = {"2023-07-07": Decimal(threshold)}
    return build_policy(document, overrides=dict(more))


def cents(n: int) -> Fraction:
    return Fraction(n, 100)


def rows_with(changes: dict[int, dict[str, Fraction]]) -> dict[int, dict[str, Fraction | None]]:
    base = {year: {key: Fraction(1) for key in COLUMNS} for year in (Y1, Y2, Y3)}
    for year, values in changes.items():
        base[year].update(values)
    return base


def check_rows(policy: Policy, cid: str, rows: dict[int, dict[str, Fraction | None]]) -> bool:
    """Fails as given; the gap's change passes; the change one unit short fails. False: not a failing case."""
    criterion = policy.criterion(cid)
    ctx = crit.Context("s", policy, AS_OF, CAMPAIGN_YEAR, rows)
    if crit.evaluate_criterion(ctx, criterion).result != Result.FAIL:
        return False
    found = gaps.gap(ctx, criterion)
    assert found.text and len(found.options) == 1, found
    [option] = found.options
    passed = crit.evaluate_criterion(
        crit.Context("s", policy, AS_OF, CAMPAIGN_YEAR, apply_rows(rows, option)), criterion
    )
    assert passed.result == Result.PASS, (found.text, passed.explanation)
    for index in range(len(option)):
        short = apply_rows(rows, step_back(option, index))
        result = crit.evaluate_criterion(crit.Context("s", policy, AS_OF, CAMPAIGN_YEAR, short), criterion)
        assert result.result == Result.FAIL, (found.text, index, result.explanation)
    return True


def near(bound_cents: int, spread: int) -> st.SearchStrategy[int]:
    """Cents at, just around or well away from a boundary."""
    return st.one_of(
        st.integers(max(0, bound_cents - 3), bound_cents + 3),
        st.integers(max(0, bound_cents - spread), bound_cents + spread),
    )


def run(test, count: list[int]) -> None:
    test()
    assert count[0] >= CASES, f"only {count[0]} failing cases were checked"


# ---------------------------------------------------------------------------------------------
# yearly values and shares


def test_output_gap_every_year_of_the_window() -> None:
    count = [0]

    @SETTINGS
    @given(
        word=st.sampled_from(["以上", "不低于", "高于"]),
        threshold=st.sampled_from(["150000", "149999.99", "400000", "1000.5"]),
        data=st.data(),
    )
    def case(word: str, threshold: str, data: st.DataObject) -> None:
        bound = int(Decimal(threshold) * 100)
        values = {
            y: {"total_output": cents(data.draw(near(bound, bound // 5), label=str(y)))} for y in (Y1, Y2, Y3)
        }
        ok = check_rows(policy_with("A5.1.output", word, threshold), "A5.1.output", rows_with(values))
        assume(ok)
        count[0] += 1

    run(case, count)


def share_case(cid: str, numerator: str, words: list[str]) -> None:
    count = [0]

    @SETTINGS
    @given(
        word=st.sampled_from(words),
        threshold=st.sampled_from(["60", "65", "62.5", "33.33", "99.99"]),
        total=st.one_of(st.integers(1, 10**4), st.integers(10**4, 10**10)),
        data=st.data(),
    )
    def case(word: str, threshold: str, total: int, data: st.DataObject) -> None:
        bound = int(Fraction(Decimal(threshold)) * total / 100)
        part = data.draw(st.integers(0, total) if total < 50 else near(bound, total // 10))
        assume(part <= total)
        rows = rows_with({Y3: {"total_output": cents(total), numerator: cents(part)}})
        assume(check_rows(policy_with(cid, word, threshold), cid, rows))
        count[0] += 1

    run(case, count)


def test_sme_share_gap() -> None:
    share_case("A5.1.sme_share", "sme_output", ["以上", "不低于", "高于"])


def test_leading_share_gap() -> None:
    share_case("A5.1.leading_share", "leading_output", ["高于", "以上"])


def test_patent_density_gap() -> None:
    count = [0]

    @SETTINGS
    @given(
        word=st.sampled_from(["不低于", "高于"]),
        threshold=st.sampled_from(["5", "4.5", "12", "0.3"]),
        employees=st.integers(1, 2 * 10**6),
        data=st.data(),
    )
    def case(word: str, threshold: str, employees: int, data: st.DataObject) -> None:
        bound = int(Fraction(Decimal(threshold)) * employees / 10_000)
        patents = data.draw(st.one_of(st.integers(max(0, bound - 3), bound + 3), st.integers(0, bound + 10)))
        rows = rows_with({Y3: {"invention_patents": Fraction(patents), "employees": Fraction(employees)}})
        assume(check_rows(policy_with("A5.4.patent_density", word, threshold), "A5.4.patent_density", rows))
        count[0] += 1

    run(case, count)


def test_ii_adoption_gap() -> None:
    count = [0]

    @SETTINGS
    @given(
        word=st.sampled_from(["不低于", "高于", "以上"]),
        threshold=st.sampled_from(["10", "9.99", "55.5", "0"]),
        data=st.data(),
    )
    def case(word: str, threshold: str, data: st.DataObject) -> None:
        bound = int(Decimal(threshold) * 100)
        value = data.draw(st.one_of(near(bound, 300), st.integers(0, 100_00)))
        rows = rows_with({Y3: {"ii_adoption_pct": cents(min(value, 100_00))}})
        assume(check_rows(policy_with("A5.5.ii_adoption", word, threshold), "A5.5.ii_adoption", rows))
        count[0] += 1

    run(case, count)


# ---------------------------------------------------------------------------------------------
# average annual growth, both methods


def growth_case(cid: str, column: str, whole: bool) -> None:
    count = [0]

    @SETTINGS
    @given(
        word=st.sampled_from(["高于", "不低于"]),
        threshold=st.sampled_from(["5", "0", "7.5", "10", "4.99"]),
        method=st.sampled_from(["geometric", "arithmetic_mean_of_ratios"]),
        first=st.one_of(st.integers(1, 100), st.integers(100, 10**7)),
        data=st.data(),
    )
    def case(word: str, threshold: str, method: str, first: int, data: st.DataObject) -> None:
        rate = 1 + Fraction(Decimal(threshold)) / 100
        middle = data.draw(st.integers(max(1, first // 2), 2 * first + 1))
        bound = int(first * rate * rate)
        last = data.draw(
            st.one_of(st.integers(max(0, bound - 3), bound + 3), st.integers(0, bound + bound // 4 + 5))
        )
        unit = Fraction if whole else cents
        rows = rows_with({Y1: {column: unit(first)}, Y2: {column: unit(middle)}, Y3: {column: unit(last)}})
        policy = policy_with(cid, word, threshold, ("A5.4.growth_method", method))
        assume(check_rows(policy, cid, rows))
        count[0] += 1

    run(case, count)


def test_rd_growth_gap() -> None:
    growth_case("A5.4.rd_growth", "sme_rd", whole=False)


def test_patent_growth_gap() -> None:
    growth_case("A5.4.patent_growth", "invention_patents", whole=True)


# ---------------------------------------------------------------------------------------------
# 第五条（二）: how many more designated enterprises, for either branch


def test_tiered_gap_either_branch() -> None:
    count = [0]
    expired = "2026-06-30"  # before the evaluation date: no longer counts
    base = build()

    @SETTINGS
    @given(
        champions=st.integers(0, 3),
        designated=st.integers(0, 9),
        short_by=st.tuples(st.integers(1, 3), st.integers(1, 6)),  # each branch fails by this many
        outside_champions=st.integers(0, 2),
        lapsed=st.integers(0, 2),
        doubled=st.booleans(),
    )
    def case(
        champions: int,
        designated: int,
        short_by: tuple[int, int],
        outside_champions: int,
        lapsed: int,
        doubled: bool,
    ) -> None:
        firms, held = [], []

        def firm(leading: bool, designation: str, valid_until: str | None = None) -> None:
            uscc = f"91230183MA{len(firms):07d}X"
            firms.append(
                {"uscc": uscc, "name": f"企业{len(firms)}", "size": "中型", "in_leading_industry": leading}
            )
            held.append(
                {"uscc": uscc, "designation": designation, "level": "省级", "valid_until": valid_until}
            )
            if doubled:  # a second designation of the same enterprise counts once
                held.append(
                    {"uscc": uscc, "designation": DESIGNATIONS[2], "level": "省级", "valid_until": None}
                )

        for _ in range(champions):
            firm(True, DESIGNATIONS[1])
        for _ in range(outside_champions):  # not in the leading industry: the second branch only
            firm(False, DESIGNATIONS[0])
        for i in range(designated):
            firm(i % 2 == 0, DESIGNATIONS[2 + i % 3])
        for _ in range(lapsed):
            firm(True, DESIGNATIONS[0], expired)
        policy = policy_with(
            "A5.1.output",
            None,
            None,
            ("A5.2.tiered.champion.threshold", champions + short_by[0]),
            ("A5.2.tiered.designated.threshold", champions + outside_champions + designated + short_by[1]),
        )
        data = replace(
            base, enterprises=frame(ENTERPRISES, firms), designations=frame(DESIGNATIONS_SHEET, held)
        )
        criterion = policy.criterion("A5.2.tiered")

        def result(d):
            return crit.evaluate_criterion(crit.Context("s", policy, AS_OF, CAMPAIGN_YEAR, {}, d), criterion)

        assume(result(data).result == Result.FAIL)
        found = gaps.gap(crit.Context("s", policy, AS_OF, CAMPAIGN_YEAR, {}, data), criterion)
        # either branch, unless one needs no more enterprises and counts them all (then it alone is smallest)
        assert len(found.options) in (1, 2) and ("任一" in found.text) == (len(found.options) == 2), found
        for option in found.options:
            assert result(apply(data, option)).result == Result.PASS, found.text
            assert result(apply(data, step_back(option, 0))).result == Result.FAIL, found.text
        count[0] += 1

    run(case, count)
