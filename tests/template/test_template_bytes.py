"""The same year gives the same template, byte for byte: whenever, in whichever process, it is written."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl

from clustercert.template import write_template

ROOT = Path(__file__).resolve().parents[2]


def _write_elsewhere(path: Path, year: int) -> None:
    """Write the template in a fresh interpreter with another hash seed (set and dict order, ids)."""
    code = f"from clustercert.template import write_template; write_template({str(path)!r}, {year})"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env)


def test_two_writes_are_identical(tmp_path: Path) -> None:
    first = write_template(tmp_path / "a.xlsx", 2026)
    time.sleep(2.1)  # zip entry times have a resolution of two seconds
    second = tmp_path / "b.xlsx"
    _write_elsewhere(second, 2026)
    assert first.read_bytes() == second.read_bytes()


def test_dates_and_author_are_fixed_by_the_year(tmp_path: Path) -> None:
    path = write_template(tmp_path / "t.xlsx", 2027)
    with zipfile.ZipFile(path) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2027, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("2027-01-01T00:00:00Z") == 2  # created and modified
    properties = openpyxl.load_workbook(path).properties
    assert (properties.creator, properties.lastModifiedBy) == ("clustercert", "clustercert")
    assert "2027" in properties.title


def test_another_year_is_another_workbook(tmp_path: Path) -> None:
    assert write_template(tmp_path / "a.xlsx", 2026).read_bytes() != (
        write_template(tmp_path / "b.xlsx", 2027).read_bytes()
    )
