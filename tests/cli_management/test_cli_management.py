"""`clustercert monitor | expiry | changes | revocations | national`, run in-process against the
shared Prefect test server: summaries, outputs, exit codes, and clean output on a healthy run."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from mgmt_inputs import decisions, filings, set_calendar

from clustercert.cli import main
from clustercert.registry import Registry
from clustercert.samples import cast_roles, generate_monitoring

pytestmark = pytest.mark.usefixtures("prefect_api")


def clean(text: str) -> None:
    assert "Traceback" not in text
    assert not [line for line in text.splitlines() if "ERROR" in line]


def test_monitor_then_changes_revocations_national_expiry(campaign, tmp_path, capfd):
    inbox, out, db = tmp_path / "mon", tmp_path / "out", campaign.url
    generate_monitoring(
        inbox, certified=campaign.certified, report_year=2027, as_of_deadline=date(2028, 3, 10)
    )
    monitor = ["monitor", "--inbox", str(inbox), "--out", str(out), "--as-of", "2028-03-11", "--db", db]
    assert main([*monitor, *set_calendar()]) == 0
    captured = capfd.readouterr()
    clean(captured.out + captured.err)
    assert "2027年度集群发展情况" in captured.out and "missing 1" in captured.out
    assert (out / "monitoring.csv").exists() and (out / "archive" / "manifest.jsonl").exists()

    filings_dir = tmp_path / "filings"
    filings_dir.mkdir()
    cid = campaign.certified[0]["certificate_id"]
    filings(filings_dir / "change_filings.csv", [{"certificate_id": cid, "change_type": "空间范围", "changed_on": date(2027, 3, 31), "filed_on": date(2027, 4, 30), "new_value": "扩区"}])  # fmt: skip
    changes = ["changes", "--inbox", str(filings_dir), "--out", str(out), "--as-of", "2028-03-20", "--db", db]
    assert main([*changes, *set_calendar()]) == 0
    with (out / "change_filings.csv").open(encoding="utf-8-sig") as fh:
        assert any(r["certificate_id"] == cid and r["on_time"] == "true" for r in csv.DictReader(fh))

    cast = cast_roles(campaign.certified)
    decisions(
        tmp_path / "decisions.csv", [{"certificate_id": cast.missing, "decision": "撤销", "reason": "未报送"}]
    )
    code = main(["revocations", "--decisions", str(tmp_path / "decisions.csv"), "--out", str(out), "--as-of", "2028-03-20", "--db", db, *set_calendar()])  # fmt: skip
    assert code == 0
    with Registry.open(db) as registry:
        assert registry.certification(cast.missing).status == "revoked"

    assert main(["national", "--out", str(out), "--as-of", "2028-03-20", "--db", db]) == 0
    assert main(["expiry", "--out", str(out), "--as-of", "2029-06-01", "--engine", "pandas", "--db", db]) == 0
    captured = capfd.readouterr()
    clean(captured.out + captured.err)
    assert "national recommendation" in captured.out and "notices:" in captured.out
    index = (out / "index.html").read_text(encoding="utf-8")
    for page in ("monitoring.html", "change_filings.html", "revocation_proposals.html", "national_recommendation.html", "expiry.html"):  # fmt: skip
        assert page in index


def test_bad_input_file_exits_1_and_usage_errors_exit_2(campaign, tmp_path, capfd):
    inbox = tmp_path / "mon"
    inbox.mkdir()
    (inbox / "哈尔滨市.xls").write_bytes(b"old excel")
    out = tmp_path / "out"
    assert (
        main(
            [
                "monitor",
                "--inbox",
                str(inbox),
                "--out",
                str(out),
                "--as-of",
                "2028-03-11",
                "--db",
                campaign.url,
                *set_calendar(),
            ]
        )
        == 1
    )
    with (out / "validation_issues.csv").open(encoding="utf-8-sig") as fh:
        (issue,) = list(csv.DictReader(fh))
    assert issue["file"] == "哈尔滨市.xls" and ".xlsx" in issue["message"]
    with pytest.raises(SystemExit) as exc:
        main(["monitor", "--inbox", str(tmp_path / "nowhere"), "--db", campaign.url])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["revocations", "--decisions", str(tmp_path / "none.csv"), "--db", campaign.url])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:  # an override the policy does not know
        main(["changes", "--db", campaign.url, "--set", "deadlines.holiday_extention=false"])
    assert exc.value.code == 2
    assert "holiday_extention" in capfd.readouterr().err


def test_a_year_the_calendar_does_not_cover_gives_its_message_and_exit_2(campaign, tmp_path, capfd):
    inbox, out = tmp_path / "mon", tmp_path / "out"
    generate_monitoring(
        inbox, certified=campaign.certified, report_year=2027, as_of_deadline=date(2028, 3, 10)
    )
    code = main(["monitor", "--inbox", str(inbox), "--out", str(out), "--as-of", "2028-03-11", "--db", campaign.url])  # fmt: skip
    captured = capfd.readouterr()
    assert code == 2
    assert "Traceback" not in captured.out + captured.err
    assert "未执行 not run: 2028年法定节假日安排尚未收录" in captured.err
    assert "calendar.extra_holidays" in captured.err  # says what to add to the policy file
    assert not (out / "monitoring.csv").exists()
    # with the rule turned off the same run needs no calendar
    off = ["--set", "deadlines.holiday_extension=false"]
    assert main(["monitor", "--inbox", str(inbox), "--out", str(out), "--as-of", "2028-03-11", "--db", campaign.url, *off]) == 0  # fmt: skip
