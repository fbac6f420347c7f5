"""`clustercert validate FILE… --year Y` on the SPEC corpus: each file gets its verdict per SPEC.

The variants are grouped into two calls (every valid file in one, every invalid file in the other:
exit 0 and exit 1), and each file's own lines are checked: its verdict, and for an invalid file an
error line that names the Chinese sheet and the Excel row the county must correct.
"""

from __future__ import annotations

import re

import pytest

from tests.acceptance import corpus
from tests.acceptance.cli_runner import Run, run_cli

VALID = [v for v in corpus.VARIANTS if v.valid]
INVALID = [v for v in corpus.VARIANTS if not v.valid]


def file_blocks(stdout: str, names: list[str]) -> dict[str, list[str]]:
    """The lines printed for each file: from the line that names it to the next file's line."""
    blocks: dict[str, list[str]] = {}
    current: str | None = None
    for line in stdout.splitlines():
        starts = [n for n in names if n in line and not line[:1].isspace()]
        if starts:
            current = max(starts, key=len)
            blocks.setdefault(current, [])
        if current is not None:
            blocks[current].append(line)
    return blocks


def says_invalid(header: str) -> bool:
    return "未通过" in header or re.search(r"\binvalid\b", header, re.IGNORECASE) is not None


def says_valid(header: str) -> bool:
    return not says_invalid(header) and ("通过" in header or re.search(r"\bvalid\b", header, re.I))


def run_group(tmp_path_factory, corpus_files, variants) -> tuple[Run, dict[str, list[str]]]:
    files = [corpus_files[v.name][0] for v in variants]
    cwd = tmp_path_factory.mktemp("validate")
    run = run_cli(["validate", *map(str, files), "--year", str(corpus.YEAR)], cwd=cwd, timeout=120)
    return run, file_blocks(run.stdout, [f.name for f in files])


@pytest.fixture(scope="module")
def valid_run(tmp_path_factory, corpus_files):
    return run_group(tmp_path_factory, corpus_files, VALID)


@pytest.fixture(scope="module")
def invalid_run(tmp_path_factory, corpus_files):
    return run_group(tmp_path_factory, corpus_files, INVALID)


def test_all_valid_files_exit_0(valid_run):
    run, _ = valid_run
    assert "Traceback" not in run.output, run.describe()
    assert run.returncode == 0, run.describe()


def test_invalid_files_exit_1(invalid_run):
    run, _ = invalid_run
    assert "Traceback" not in run.output, run.describe()
    assert run.returncode == 1, run.describe()


@pytest.mark.parametrize("variant", VALID, ids=lambda v: v.name)
def test_valid_variant(variant, valid_run, corpus_files):
    run, blocks = valid_run
    name = corpus_files[variant.name][0].name
    assert name in blocks, f"{name} not reported\n{run.describe()}"
    block = blocks[name]
    assert says_valid(block[0]), f"{variant.why}: expected valid\n" + "\n".join(block)


@pytest.mark.parametrize("variant", INVALID, ids=lambda v: v.name)
def test_invalid_variant_is_located(variant, invalid_run, corpus_files):
    run, blocks = invalid_run
    path, desc = corpus_files[variant.name]
    assert path.name in blocks, f"{path.name} not reported\n{run.describe()}"
    block = blocks[path.name]
    text = "\n".join(block)
    assert says_invalid(block[0]), f"{variant.why}: expected invalid\n{text}"
    errors = [line for line in block[1:] if "错误" in line or "error" in line.lower()]
    on_sheet = [line for line in errors if variant.sheet in line]
    assert on_sheet, f"{variant.why}: no error names the sheet “{variant.sheet}”\n{text}"
    if variant.rows is not None:
        rows = variant.rows(desc)
        located = [
            line for line in on_sheet if any(re.search(rf"第\s*{r}\s*行|\brow\s*{r}\b", line) for r in rows)
        ]
        assert located, f"{variant.why}: no error names “{variant.sheet}” row {sorted(rows)}\n{text}"
