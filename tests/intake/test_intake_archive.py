"""The raw-file archive: content-addressed, idempotent, append-only manifest."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from clustercert.intake import Archive, read_submission
from clustercert.intake.archive import safe_suffix


def lines(archive: Archive) -> list[dict]:
    return [json.loads(line) for line in archive.manifest.read_text("utf-8").splitlines()]


def test_same_bytes_twice_one_line_one_copy(tmp_path: Path) -> None:
    src = tmp_path / "a.xlsx"
    src.write_bytes(b"PK\x03\x04 some bytes")
    archive = Archive(tmp_path / "archive")
    first = archive.store(src)
    second = Archive(tmp_path / "archive").store(src)  # a re-run, fresh process state
    assert first == second
    assert len(lines(archive)) == 1
    sha = hashlib.sha256(src.read_bytes()).hexdigest()
    stored = list((tmp_path / "archive").glob("*/*"))
    assert stored == [tmp_path / "archive" / sha[:2] / f"{sha}.xlsx"]
    assert stored[0].read_bytes() == src.read_bytes()
    rec = lines(archive)[0]
    assert rec["name"] == "a.xlsx" and rec["size"] == src.stat().st_size and rec["sha256"] == sha
    assert rec["received_at"].endswith("+00:00") and rec["archived_path"] == str(stored[0])
    assert not list((tmp_path / "archive").glob(".incoming-*"))


def test_same_bytes_new_name_logged_but_stored_once(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    (tmp_path / "a.xlsx").write_bytes(b"same")
    (tmp_path / "b.xlsx").write_bytes(b"same")
    archive.store(tmp_path / "a.xlsx")
    archive.store(tmp_path / "b.xlsx")
    assert [r["name"] for r in lines(archive)] == ["a.xlsx", "b.xlsx"]
    assert len(list((tmp_path / "archive").glob("*/*.xlsx"))) == 1


def test_seen(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    (tmp_path / "a.json").write_bytes(b"{}")
    assert not archive.seen(hashlib.sha256(b"{}").hexdigest())
    archive.store(tmp_path / "a.json")
    assert Archive(tmp_path / "archive").seen(hashlib.sha256(b"{}").hexdigest())


def test_large_file_streams(tmp_path: Path) -> None:
    data = bytes(range(256)) * 20000  # 5 MiB, several chunks
    (tmp_path / "big.bin").write_bytes(data)
    src = Archive(tmp_path / "archive").store(tmp_path / "big.bin")
    assert src.sha256 == hashlib.sha256(data).hexdigest() and src.size == len(data)


def test_safe_suffix() -> None:
    assert safe_suffix("a.XLSX") == ".xlsx"
    assert safe_suffix("a.tar/../../x") == ""
    assert safe_suffix("报送.json") == ".json"
    assert safe_suffix("noext") == ""


def test_rerun_of_a_submission_is_idempotent(tmp_path: Path) -> None:
    from intake_samples import sample_tables

    from clustercert.workbook_writer import write_workbook

    folder = write_workbook(tmp_path / "inbox" / "s", sample_tables(), fmt="csv")
    archive = Archive(tmp_path / "archive")
    one = read_submission(folder, archive=archive)
    two = read_submission(folder, archive=Archive(tmp_path / "archive"))
    assert one.submission_id == two.submission_id and one.sources == two.sources
    assert len(lines(archive)) == 7


def test_received_under_a_name(tmp_path: Path) -> None:
    source = tmp_path / "a.csv"
    source.write_bytes(b"x,y\n1,2\n")
    archive = Archive(tmp_path / "archive")
    assert not archive.received_under("a.csv")
    archive.store(source)
    assert archive.received_under("a.csv")
    assert not archive.received_under("b.csv")
    assert Archive(tmp_path / "archive").received_under("a.csv")  # from the manifest, in another instance
