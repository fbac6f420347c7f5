"""Two `clustercert campaign` commands started at once against one fresh PostgreSQL registry.

Both finish (the second takes its turn at each stage's record and finds its moves made), print no
traceback, and leave the registry exactly as one campaign does: not one row twice, audit log included.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from clustercert.samples import generate_campaign

PG_URL = os.environ.get("CLUSTERCERT_TEST_PG_URL")
CLI = Path(sys.executable).with_name("clustercert")
TABLES = ("campaigns", "clusters", "submissions", "evaluations", "certifications", "audit_log")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(not PG_URL, reason="needs CLUSTERCERT_TEST_PG_URL (PostgreSQL)"),
]


def _fresh_database(name: str) -> str:
    admin = sa.create_engine(str(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return make_url(str(PG_URL)).set(database=name).render_as_string(hide_password=False)


def _rows(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        counts = {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}
        # one audit entry per move of each entity (a move recorded by both runs would show twice)
        twice = conn.execute(
            sa.text(
                "SELECT count(*) FROM (SELECT entity_kind, entity_id, coalesce(from_status, ''),"
                " coalesce(to_status, ''), coalesce(field, '') FROM audit_log GROUP BY 1, 2, 3, 4, 5"
                " HAVING count(*) > 1) AS t"
            )
        ).scalar_one()
    engine.dispose()
    return {**counts, "audit entries twice": twice}


def _start(url: str, inbox: Path, out: Path, home: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CLUSTERCERT_"))}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    args = ["campaign", "--year", "2026", "--inbox", str(inbox), "--out", str(out)]
    return subprocess.Popen(
        [str(CLI), *args, "--as-of", "2026-06-30", "--db", url],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_two_campaigns_at_once_finish_and_write_each_row_once(tmp_path) -> None:
    inbox = tmp_path / "inbox"
    generate_campaign(inbox, year=2026, count=12)
    together = _fresh_database("clustercert_two_at_once")
    alone = _fresh_database("clustercert_one_alone")

    runs = [_start(together, inbox, tmp_path / f"out{i}", tmp_path / f"home{i}") for i in (1, 2)]
    outputs = [proc.communicate(timeout=600)[0] for proc in runs]
    for proc, output in zip(runs, outputs, strict=True):
        assert proc.returncode == 0, output[-3000:]
        assert "Traceback" not in output and "| ERROR" not in output, output[-3000:]

    single = _start(alone, inbox, tmp_path / "out-alone", tmp_path / "home-alone")
    output = single.communicate(timeout=600)[0]
    assert single.returncode == 0, output[-3000:]

    found, expected = _rows(together), _rows(alone)
    assert found == expected
    for name in ("decisions.csv", "certified.csv"):
        reference = (tmp_path / "out-alone" / name).read_bytes()
        assert (tmp_path / "out1" / name).read_bytes() == reference
        assert (tmp_path / "out2" / name).read_bytes() == reference
