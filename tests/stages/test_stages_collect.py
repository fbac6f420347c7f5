"""collect-submissions' decision: one current submission per cluster, whatever order files arrive in."""

from __future__ import annotations

import pandas as pd

from clustercert.intake.raw import Problem
from clustercert.stages.collect import Known, decide
from clustercert.submission import SourceFile, Submission


def sub(sid: str, *, county: str = "230183", name: str = "尚志市冰雪产业集群", declared: str = "2026-06-30",
        received: str = "2026-07-01T08:00:00+00:00", file: str | None = None) -> Submission:  # fmt: skip
    profile = pd.DataFrame(
        [{"county_code": county, "cluster_name": name, "declared_on": declared, "_row": 1}]
    )
    source = SourceFile(file or f"{sid}.xlsx", sid.ljust(64, "0"), 10, received, "")
    return Submission(sid, file or f"{sid}.xlsx", sid.ljust(64, "0"), [source], {"profile": profile})


def test_a_later_declared_file_of_the_same_cluster_supersedes_the_earlier_one() -> None:
    old, new = sub("a", declared="2026-06-01"), sub("b", declared="2026-06-20", file="a-更正.xlsx")
    collected = decide([new, old])
    assert [s.submission_id for s in collected.current] == ["b"]
    assert collected.superseded == [("a", "b")]


def test_a_file_received_in_a_later_run_wins_over_what_the_registry_holds() -> None:
    known = Known(frozenset({"a"}), {"230183/尚志市冰雪产业集群": "a"})
    # the corrected file carries an earlier 申报日期 by mistake: arriving later still makes it newer
    collected = decide([sub("a"), sub("b", declared="2026-01-01")], known)
    assert [s.submission_id for s in collected.current] == ["b"]
    assert collected.superseded == [("a", "b")]


def test_the_registrys_current_file_is_superseded_even_when_its_file_left_the_inbox() -> None:
    known = Known(frozenset({"a"}), {"230183/尚志市冰雪产业集群": "a"})
    collected = decide([sub("b")], known)
    assert collected.superseded == [("a", "b")]


def test_a_repeated_run_changes_nothing() -> None:
    known = Known(frozenset({"a", "b"}), {"230183/尚志市冰雪产业集群": "b"})
    collected = decide([sub("a", declared="2026-06-25"), sub("b", declared="2026-06-01")], known)
    assert [s.submission_id for s in collected.current] == ["b"]
    assert collected.superseded == [("a", "b")]  # recorded already: the registry makes it a no-op


def test_different_clusters_and_duplicates() -> None:
    a, a_again, other = (
        sub("a"),
        sub("a", file="copy.xlsx"),
        sub("c", county="230184", name="五常市大米产业集群"),
    )
    collected = decide([a, a_again, other])
    assert sorted(s.submission_id for s in collected.current) == ["a", "c"]
    assert [s.file for s in collected.duplicates] == ["copy.xlsx"]
    assert collected.superseded == []


def test_an_unidentifiable_file_stands_alone() -> None:
    broken = Submission(
        "x", "x.xlsx", "x" * 64, [], {}, issues=[Problem("intake.unreadable", "坏").to_issue("x", "x.xlsx")]
    )
    collected = decide([broken, sub("a")])
    assert sorted(s.submission_id for s in collected.current) == ["a", "x"]
