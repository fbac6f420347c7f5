"""The payloads worked out before the quality check (`payloads_ahead`, while GX runs in its helper)
are those `finalise` and `record` would store: the same for every valid submission, none for a
submission that structure already failed, and the registry holds the same whichever way."""

from __future__ import annotations

from datetime import date

from intake.spec_workbook import save, sheets, workbook

from clustercert.intake import read_submission
from clustercert.registry import cluster_data_to_payload
from clustercert.stages import collect, validate
from clustercert.stages.context import CampaignContext, context, registry
from clustercert.stages.setup import CampaignSetup


def _campaign(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    workbook(inbox / "通过.xlsx")
    twice = sheets()
    twice["企业名录"][1][0] = twice["企业名录"][0][
        0
    ]  # one enterprise listed twice: only the quality check fails it
    save(inbox / "企业重复.xlsx", twice)
    bad = sheets()
    bad["经营指标"][0][1] = "很多"  # 集群总产值 not a number: structure fails it
    save(inbox / "格式错误.xlsx", bad)
    return sorted(inbox.iterdir())


def test_payloads_ahead_are_the_payloads_of_the_valid(tmp_path) -> None:
    subs = [read_submission(p, campaign_year=2026) for p in _campaign(tmp_path)]
    structured = validate.structures(subs)
    ahead = validate.payloads_ahead(subs, structured)
    setup = CampaignSetup(year=2026, out=str(tmp_path / "out"), as_of=date(2026, 7, 24), engine="pandas")
    report = validate.quality(structured, CampaignContext.open(setup))
    results = {r.file: r for r in validate.decide(subs, structured, report)}
    assert results["通过.xlsx"].valid and not results["企业重复.xlsx"].valid
    assert not results["格式错误.xlsx"].valid
    by_file = {s.file: s.submission_id for s in subs}
    assert by_file["格式错误.xlsx"] not in ahead  # structure failed: nothing to work out
    assert by_file["企业重复.xlsx"] in ahead  # worked out in vain: only the quality check fails it
    assert any(i.check == "gx.enterprises.uscc_unique" for i in results["企业重复.xlsx"].errors)
    assert ahead[by_file["通过.xlsx"]] == cluster_data_to_payload(results["通过.xlsx"].data)


def test_the_registry_holds_the_same_with_or_without_payloads_ahead(tmp_path) -> None:
    paths = _campaign(tmp_path)
    stored = {}
    for way in ("converted", "ahead"):
        setup = CampaignSetup(
            year=2026,
            out=str(tmp_path / way),
            as_of=date(2026, 7, 24),
            engine="pandas",
            inbox=str(tmp_path / "inbox"),
            db_url=f"sqlite:///{tmp_path / way}.db",
        )
        ctx = context(setup)
        collected = collect.decide([collect.receive(p, ctx) for p in paths], {})
        collect.record(ctx.registry(), ctx, collected, None)
        recorded = validate.read(ctx.registry(), 2026)
        subs = [validate.load(r, ctx) for r in recorded]
        structured = validate.structures(subs)
        outcome = validate.decide(subs, structured, validate.quality(structured, ctx))
        payloads = validate.payloads_ahead(subs, structured) if way == "ahead" else None
        validate.record(ctx.registry(), outcome, None, payloads)
        with registry(setup.db_url).transaction() as tx:
            stored[way] = sorted(tx.payloads([r.submission_id for r in recorded]), key=lambda row: row[0])
    assert stored["ahead"] == stored["converted"]
    assert len(stored["ahead"]) == 1  # the one valid submission
