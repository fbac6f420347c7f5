"""Certificates, once issued, are final: what a re-run of a certified campaign may and may not do.

The rule (SPEC §6 "a corrected resubmission supersedes the old one, recorded"):

* **before certification** a re-run takes a corrected file: it supersedes the earlier submission of
  the same cluster in the registry and in every output;
* **after certification** a re-run may repeat the campaign (same files, parameters and decisions:
  nothing changes) or bring in something new that changes no certificate (a corrected file of a
  cluster that stays uncertified). A re-run that *would* change a certificate — give an id to another
  submission, move a date, add or drop one — is refused before anything is recorded, with a message
  that names what would change. A certified cluster's facts change through 第十二条 (重大变动备案),
  not through the campaign.

`check_collect` answers at the start of a run (new files, other parameters, other decision files:
the campaign is run in memory to see what it would certify); `check_unchanged` is the last word of
the shortlist stage, whatever started it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from clustercert.campaign.certification import Certification
from clustercert.campaign.decisions import DECISION_SHEETS, SUFFIXES
from clustercert.campaign.preflight import UNAVAILABLE, Refused
from clustercert.registry import Registry, Transaction, cluster_key, payload_to_cluster_data
from clustercert.registry.models import Submission as SubmissionRow
from clustercert.rules import Evaluation, evaluate
from clustercert.stages.context import CampaignContext
from clustercert.submission import ClusterData, Submission


class CampaignClosed(Refused):
    """A re-run would change a certificate already issued."""

    def __init__(self, message: str) -> None:
        super().__init__(message, UNAVAILABLE)


@dataclass(frozen=True)
class Issued:
    certificate_id: str
    submission_id: str
    certified_on: date
    valid_until: date


def issued(tx: Transaction, year: int) -> dict[str, Issued]:
    return {
        c.certificate_id: Issued(c.certificate_id, c.submission_id, c.certified_on, c.valid_until)
        for c in tx.certificates_of(year)
    }


def decisions_fingerprint(ctx: CampaignContext) -> str | None:
    """SHA-256 over the decision files a run reads (names and bytes); None without a folder."""
    if not ctx.setup.decisions:
        return None
    folder = Path(ctx.setup.decisions)
    digest = hashlib.sha256()
    for sheet in DECISION_SHEETS:
        for suffix in SUFFIXES:
            path = folder / f"{sheet.key}{suffix}"
            if path.is_file():
                digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def changes(
    issued: Mapping[str, Issued], certification: Certification, names: Mapping[str, str]
) -> list[str]:
    """What a certification would change against what was issued, one Chinese line each."""
    new = {
        row.certificate_id: Issued(row.certificate_id, row.submission_id, row.certified_on, row.valid_until)
        for row in certification.certified.itertuples(index=False)
    }
    lines = []
    for cid in sorted(set(issued) | set(new)):
        old, now = issued.get(cid), new.get(cid)
        if old == now:
            continue
        if old is not None and now is None:
            lines.append(f"{cid}（{names.get(old.submission_id, old.submission_id)}）将不再认定")
        elif now is not None and old is None:
            lines.append(f"将新增认定编号 {cid}（{names.get(now.submission_id, now.submission_id)}）")
        elif old is None or now is None:
            continue  # both absent: equal, seen above
        elif old.submission_id != now.submission_id:
            lines.append(
                f"{cid} 将由申报 {old.submission_id}（{names.get(old.submission_id, '')}）改为 "
                f"{now.submission_id}（{names.get(now.submission_id, '')}）"
            )
        else:
            lines.append(
                f"{cid} 的认定日期或有效期将由 {old.certified_on}—{old.valid_until} 改为 "
                f"{now.certified_on}—{now.valid_until}"
            )
    return lines


def check_unchanged(
    issued: Mapping[str, Issued], certification: Certification, names: Mapping[str, str], why: str = ""
) -> None:
    if not issued:
        return
    found = changes(issued, certification, names)
    if found:
        raise CampaignClosed(_closed_message(found, why))


def _closed_message(found: Sequence[str], why: str) -> str:
    shown = "；".join(found[:5]) + ("；……" if len(found) > 5 else "")
    cause = f"（{why}）" if why else ""
    return (
        f"本年度认定已完成，认定编号已颁发，重新运行不得改变认定结果{cause}：{shown}。"
        "已认定集群的信息变化请按第十二条备案 / the campaign's certificates are issued and a re-run "
        "may not change them; restore the inputs of the certified run, or file the change under Art. 12"
    )


# -- the start of a run: would this run's inputs change a certificate? --------------------------------


def _what_changed(tx: Transaction, ctx: CampaignContext, new: Sequence[Submission]) -> list[str]:
    row = tx.campaign(ctx.year)
    reasons = []
    if new:
        reasons.append("新的申报材料：" + "、".join(s.file for s in new[:5]) + ("……" if len(new) > 5 else ""))
    if row is not None:
        overrides = json.loads(json.dumps(dict(ctx.policy.overrides), default=str))
        if row.as_of != ctx.setup.as_of:
            reasons.append(f"评审基准日由 {row.as_of} 改为 {ctx.setup.as_of}")
        if row.policy_name != ctx.policy_name or (row.overrides or {}) != overrides:
            reasons.append("政策参数已调整")
        if row.decisions_sha256 != decisions_fingerprint(ctx):
            reasons.append("人工决定文件已变更")
    return reasons


def check_collect(registry: Registry, ctx: CampaignContext, current: Sequence[Submission]) -> None:
    """Refuse, before anything is recorded, a run of a certified campaign that would change a certificate."""
    with registry.transaction() as tx:
        done = issued(tx, ctx.year)
        if not done:
            return
        known = {r.submission_id: r for r in tx.current_submissions(ctx.year)}
        new = [s for s in current if s.submission_id not in known]
        why = _what_changed(tx, ctx, new)
        if not why:
            return  # the certified run repeated: nothing can change
        kept = _kept(known, new)
        data = {
            sid: payload_to_cluster_data(r.submission_id, r.file_name, r.sha256, r.payload)
            for sid, r in kept.items()
            if r.payload
        }
        names = {sid: r.cluster_name or "" for sid, r in known.items()}
    data |= _validated(new, ctx)
    names |= {s.submission_id: s.profile_value("cluster_name") or "" for s in new}
    check_unchanged(done, simulate(ctx, data), names, "；".join(why))


def _kept(known: Mapping[str, SubmissionRow], new: Sequence[Submission]) -> dict[str, SubmissionRow]:
    """The registry's current submissions that this run's new files do not supersede."""
    replaced = {cluster_key(s.profile_value("county_code"), s.profile_value("cluster_name")) for s in new}
    return {sid: r for sid, r in known.items() if r.cluster_key is None or r.cluster_key not in replaced}


def _validated(subs: Sequence[Submission], ctx: CampaignContext) -> dict[str, ClusterData]:
    from clustercert.validation import validate_submissions

    if not subs:
        return {}
    results, _ = validate_submissions(subs, engine="pandas", item_ids=ctx.policy.item_ids)
    return {r.submission_id: r.data for r in results if r.valid and r.data is not None}


def simulate(ctx: CampaignContext, data: Mapping[str, ClusterData]) -> Certification:
    """The campaign's decision stages in memory over these valid clusters: what it would certify."""
    from clustercert.stages import prefecture, shortlist
    from clustercert.stages.facts import evaluated_rows

    evaluations: dict[str, Evaluation] = {
        sid: evaluate(d, ctx.policy, ctx.setup.as_of) for sid, d in data.items()
    }
    rows = evaluated_rows(data, evaluations)
    eligible = rows[rows["eligible"]].reset_index(drop=True)
    decisions = prefecture.load_decisions(ctx, list(rows["submission_id"]))
    recommendations = [
        prefecture.decide(code, eligible, decisions)
        for code in prefecture.prefectures_with_eligible(eligible)
    ]
    frames = [r.recommended for r in recommendations if not r.recommended.empty]
    recommended = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return shortlist.decide(recommended, decisions, ctx).certification
