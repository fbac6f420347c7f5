"""Benchmark inboxes: valid, unique credit codes, deterministic, the same in every format and process."""

import numpy as np
import pytest

from clustercert.intake import read_submission
from clustercert.samples.bulk import bulk_tables, bulk_uscc, generate_bulk
from clustercert.samples.submissions import sha256_of
from clustercert.uscc import is_valid_uscc


def test_bulk_credit_codes_are_valid_and_distinct():
    codes = bulk_uscc(np.random.default_rng(4), "231281", 20_000)
    assert len(set(codes.tolist())) == 20_000
    assert all(is_valid_uscc(c) for c in codes.tolist())
    assert all(c.startswith("91231281MA") for c in codes[:100].tolist())


def test_bulk_tables_are_deterministic_and_sized_as_asked():
    county, name, tables = bulk_tables(130, 2026, 333, seed=1)
    assert (county, name, tables) == bulk_tables(130, 2026, 333, seed=1)
    assert tables != bulk_tables(130, 2026, 333, seed=2)[2]
    assert name.endswith("（2）")  # the 131st submission comes back to the first county
    firms = tables["enterprises"]
    assert len(firms) == 333 and len({f["name"] for f in firms}) == 333


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_bulk_files_read_back_without_issues(tmp_path, fmt):
    paths = generate_bulk(tmp_path / fmt, year=2026, submissions=2, enterprises_per_submission=60, fmt=fmt)
    assert len(paths) == 2
    for path in paths:
        sub = read_submission(path)
        assert sub.issues == []
        assert len(sub.tables["enterprises"]) == 60
        assert sub.submission_id.startswith("2026-23")


def test_same_seed_same_bytes_whatever_the_number_of_workers(tmp_path):
    one = generate_bulk(tmp_path / "one", year=2026, submissions=3, enterprises_per_submission=40)
    two = generate_bulk(tmp_path / "two", year=2026, submissions=3, enterprises_per_submission=40, workers=2)
    assert [sha256_of(p) for p in one] == [sha256_of(p) for p in two]
