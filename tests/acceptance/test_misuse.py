"""Misuse of `clustercert campaign`: one clear line, exit 1 or 2, before the campaign's work starts.

Each case changes one argument of an otherwise correct call (an inbox with one SPEC-built
workbook), and expects the command to say what is wrong, naming the offending value, within a few
seconds: no traceback, no Prefect server started, no report written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.acceptance import corpus
from tests.acceptance import spec_workbook as sw
from tests.acceptance.cli_runner import Run, run_cli

FAST_SECONDS = 15
YEAR = corpus.YEAR


@pytest.fixture(scope="module")
def inboxes(tmp_path_factory) -> dict[int, Path]:
    root = tmp_path_factory.mktemp("misuse-inboxes")
    county = sw.counties()[100]
    out = {}
    for year in (YEAR, 2027):
        inbox = root / f"inbox-{year}"
        sw.write_workbook(sw.base_cluster(year, county), inbox / f"{county['county_code']}-{year}.xlsx")
        out[year] = inbox
    return out


def message_lines(run: Run) -> list[str]:
    """What the user reads, without argparse's usage block."""
    lines, in_usage = [], False
    for line in run.output.splitlines():
        if line.startswith("usage:"):
            in_usage = True
            continue
        if in_usage and (line.startswith(" ") or not line.strip()):
            continue
        in_usage = False
        if line.strip():
            lines.append(line)
    return lines


def campaign(tmp_path: Path, inbox: Path, *extra: str, year: int = YEAR, as_of: str | None = None) -> Run:
    args = [
        "campaign",
        "--year",
        str(year),
        "--inbox",
        str(inbox),
        "--out",
        str(tmp_path / "out"),
        "--as-of",
        as_of or f"{max(year, YEAR)}-09-01",
        "--db",
        f"sqlite:///{tmp_path / 'registry.db'}",
    ]
    # a later option of the same name wins in argparse: extra may override the defaults above
    return run_cli([*args, *extra], cwd=tmp_path, timeout=FAST_SECONDS + 5)


def assert_refused(run: Run, tmp_path: Path, *mentions: str) -> None:
    described = run.describe()
    assert "Traceback" not in run.output, described
    assert run.returncode in (1, 2), described
    assert run.seconds < FAST_SECONDS, f"took {run.seconds:.1f} s: the work started\n{described}"
    lines = message_lines(run)
    assert 1 <= len(lines) <= 2, f"expected one clear line, got {len(lines)}\n{described}"
    assert any(m in run.output for m in mentions), f"the message names none of {mentions}\n{described}"
    assert not (tmp_path / "out" / "index.html").exists(), "reports were written"


SET_CASES = {
    "unknown_id": ("A5.1.no_such_rule.threshold=3", ("A5.1.no_such_rule",)),
    "not_a_number": ("A5.1.sme_share.threshold=abc", ("abc",)),
    "negative": ("A5.1.sme_share.threshold=-5", ("-5",)),
    "infinite": ("A5.1.sme_share.threshold=inf", ("inf",)),
}


@pytest.mark.parametrize("case", list(SET_CASES))
def test_bad_set(case, tmp_path, inboxes):
    value, mentions = SET_CASES[case]
    run = campaign(tmp_path, inboxes[YEAR], "--set", value)
    assert_refused(run, tmp_path, *mentions)


def test_db_unknown_scheme(tmp_path, inboxes):
    run = campaign(tmp_path, inboxes[YEAR], "--db", "foo://x")
    assert_refused(run, tmp_path, "foo")


def test_db_unreachable_postgres(tmp_path, inboxes):
    run = campaign(tmp_path, inboxes[YEAR], "--db", "postgresql+psycopg://nobody@127.0.0.1:1/x")
    assert_refused(run, tmp_path, "127.0.0.1", "postgresql")


def test_year_before_the_regulation(tmp_path, inboxes):
    run = campaign(tmp_path, inboxes[YEAR], year=1999, as_of="2026-09-01")
    assert_refused(run, tmp_path, "1999")


def test_year_after_as_of(tmp_path, inboxes):
    run = campaign(tmp_path, inboxes[YEAR], year=YEAR, as_of=f"{YEAR - 1}-12-01")
    assert_refused(run, tmp_path, str(YEAR), str(YEAR - 1))


def test_year_without_official_calendar(tmp_path, inboxes):
    """SPEC §5: without the year's holidays the run stops with a clear message instead of guessing."""
    run = campaign(tmp_path, inboxes[2027], year=2027, as_of="2027-07-01")
    assert_refused(run, tmp_path, "2027")


def test_missing_inbox(tmp_path):
    missing = tmp_path / "no-such-inbox"
    run = campaign(tmp_path, missing)
    assert_refused(run, tmp_path, str(missing), missing.name)


def test_inbox_is_a_file(tmp_path):
    not_a_folder = tmp_path / "inbox.xlsx"
    not_a_folder.write_bytes(b"not a folder")
    run = campaign(tmp_path, not_a_folder)
    assert_refused(run, tmp_path, str(not_a_folder), not_a_folder.name)


def test_out_cannot_be_written(tmp_path, inboxes):
    blocker = tmp_path / "a-file"
    blocker.write_text("a regular file where a folder should be", encoding="utf-8")
    out = blocker / "out"
    run = campaign(tmp_path, inboxes[YEAR], "--out", str(out))
    assert_refused(run, tmp_path, str(out), str(blocker))


def test_interactive_is_an_option(tmp_path):
    run = run_cli(["campaign", "--help"], cwd=tmp_path, timeout=60)
    assert run.returncode == 0, run.describe()
    assert "--interactive" in run.stdout, run.stdout
