"""Registry writes of the yearly campaign (第七条–第十条): campaign, submissions, validation,
evaluation, certification. Each is idempotent: the same call twice writes nothing the second time.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from clustercert.lifecycle import EntityKind, Status, allowed_targets, check_transition
from clustercert.registry.core import (
    Conflict,
    NotFound,
    RegistryError,
    TransactionCore,
    as_utc,
    cluster_key,
    encoded,
    jsonable,
)
from clustercert.registry.models import Campaign, Certification, Cluster, Evaluation, Submission
from clustercert.submission import Submission as ReceivedSubmission

K = EntityKind


class CampaignWrites(TransactionCore):
    def upsert_campaign(
        self,
        year: int,
        as_of: date,
        policy: str,
        overrides: dict[str, Any] | None = None,
        flow_run_id: str | None = None,
    ) -> Campaign:
        """Create the campaign, or record another run of it; a change of its parameters is audited."""
        run_id = flow_run_id or self.flow_run_id
        overrides = jsonable(overrides or {})
        row = self.session.get(Campaign, year)
        if row is None:
            row = Campaign(
                year=year,
                as_of=as_of,
                policy_name=policy,
                overrides=overrides,
                started_at=self.clock(),
                flow_run_id=run_id,
            )
            self.session.add(row)
            self._audit(
                K.CAMPAIGN,
                str(year),
                field="policy_name",
                new_value=policy,
                reason=f"启动{year}年度集群认定工作",
                article="第七条",
                flow_run_id=run_id,
            )
            self.session.flush()
            return row
        changes = {"as_of": as_of, "policy_name": policy, "overrides": overrides}
        for field, value in changes.items():
            old = getattr(row, field)
            if old != value:
                self._audit(
                    K.CAMPAIGN,
                    str(year),
                    field=field,
                    old_value=_json_text(old),
                    new_value=_json_text(value),
                    reason=f"{year}年度认定工作参数调整",
                    article="第七条",
                    flow_run_id=run_id,
                )
                setattr(row, field, value)
        if run_id is not None:
            row.flow_run_id = run_id  # the latest run: bookkeeping, not a fact worth an audit entry
        return row

    def finish_campaign(self, year: int) -> Campaign:
        row = self.require(Campaign, year)
        row.finished_at = self.clock()
        return row

    # -- submissions -------------------------------------------------------------------------
    def record_submission(
        self,
        *,
        submission_id: str,
        campaign_year: int,
        file_name: str,
        sha256: str,
        archived_path: str,
        received_at: datetime | str | None = None,
        county_code: str | None = None,
        cluster_name: str | None = None,
        application_type: str | None = None,
        certificate_id: str | None = None,
        sources: list[dict[str, Any]] | None = None,
        supersede_older: bool = True,
    ) -> Submission:
        """Record a received file once. A new file for a cluster that already has one in this
        campaign supersedes the older (by received_at): both stay, the older marked superseded.

        With `supersede_older=False` the caller decides which file supersedes which (`supersede`).
        """
        existing = self.session.get(Submission, submission_id)
        if existing is not None:
            if existing.sha256 != sha256:
                raise Conflict(f"submission id {submission_id} already names a file with another SHA-256")
            return existing
        if self.session.get(Campaign, campaign_year) is None:
            raise NotFound(f"campaign {campaign_year} is not recorded: call upsert_campaign() first")
        now = self.clock()
        key = cluster_key(county_code, cluster_name)
        if key is not None:
            self._ensure_cluster(key, county_code or "", cluster_name or "")
        row = Submission(
            submission_id=submission_id,
            campaign_year=campaign_year,
            file_name=file_name,
            sha256=sha256,
            archived_path=archived_path,
            received_at=as_utc(received_at) or now,
            cluster_key=key,
            county_code=county_code,
            cluster_name=cluster_name,
            application_type=application_type,
            certificate_id=certificate_id,
            sources=jsonable(sources) if sources is not None else None,
            status=str(Status.SUBMITTED),
            recorded_at=now,
            updated_at=now,
        )
        self.session.add(row)
        self._audit(
            K.SUBMISSION,
            submission_id,
            to_status=Status.SUBMITTED,
            reason=f"收到申报材料：{file_name}（SHA-256 {sha256[:12]}…）",
            article="第八条",
        )
        if key is not None and supersede_older:
            self.session.flush()
            self._supersede_older(campaign_year, key)
        return row

    def supersede(self, older_id: str, newer_id: str) -> bool:
        """A corrected file (`newer_id`) replaces an earlier one of the same cluster; both are kept.

        False when the older is already superseded by it. A certified submission is never replaced
        (its certificate stands; `clustercert.stages.guard` refuses such a run first): `Conflict`.
        """
        older = self.require(Submission, older_id)
        newer = self.require(Submission, newer_id)
        if older.superseded_by == newer_id and older.status == Status.SUPERSEDED:
            return False
        if older.cluster_key is None or older.cluster_key != newer.cluster_key:
            raise Conflict(f"{newer_id} is not a file of the same cluster as {older_id}")
        if Status.SUPERSEDED not in _targets(older.status):
            raise Conflict(f"submission {older_id} is {older.status}: a later file cannot replace it")
        self._audit(
            K.SUBMISSION,
            older_id,
            from_status=older.status,
            to_status=Status.SUPERSEDED,
            reason=(
                f"同一集群本年度报送了更正后的申报材料（申报编号 {newer_id}，文件 {newer.file_name}），"
                "本份申报材料由其替代，原件保留"
            ),
            article="第九条",
        )
        older.status = str(Status.SUPERSEDED)
        older.superseded_by = newer_id
        older.updated_at = self.clock()
        return True

    def record_intake(
        self, submission: ReceivedSubmission, campaign_year: int, *, supersede_older: bool = True
    ) -> Submission:
        """`record_submission` for what intake produced: names, hashes and archive paths as read."""
        sources = submission.sources
        if len(sources) == 1:
            archived = sources[0].archived_path
        elif sources:  # a CSV folder: its files were archived side by side
            archived = os.path.commonpath([s.archived_path for s in sources])
        else:
            archived = ""
        return self.record_submission(
            submission_id=submission.submission_id,
            campaign_year=campaign_year,
            file_name=submission.file,
            sha256=submission.sha256,
            archived_path=archived,
            received_at=min((s.received_at for s in sources), default=None),
            county_code=submission.profile_value("county_code"),
            cluster_name=submission.profile_value("cluster_name"),
            application_type=submission.profile_value("application_type"),
            certificate_id=submission.profile_value("certificate_id"),
            sources=[asdict(source) for source in sources],
            supersede_older=supersede_older,
        )

    # -- stage facts (第九条、第十条): what later stages and the overview read back -----------------
    def set_submission_facts(self, submission_id: str, *, reason: str, article: str, **facts: Any) -> bool:
        """Set prefecture_rank / province_rank / notice_seq / stage_note of a submission, audited.

        Returns whether anything changed (a re-run with the same decisions changes nothing).
        """
        allowed = {"prefecture_rank", "province_rank", "notice_seq", "stage_note"}
        unknown = set(facts) - allowed
        if unknown:
            raise RegistryError(f"not a submission fact: {sorted(unknown)}")
        row = self.require(Submission, submission_id)
        changed = False
        for name, value in facts.items():
            changed |= self._set_field(
                K.SUBMISSION, submission_id, row, name, value, reason=reason, article=article
            )
        return changed

    def record_notice(
        self,
        year: int,
        *,
        first_day: date | None,
        last_day: date | None,
        decided_on: date | None,
        decisions_sha256: str | None,
    ) -> Campaign:
        """The public-notice period (第十条) and the fingerprint of the human decisions the run used."""
        row = self.require(Campaign, year)
        values = {
            "notice_first_day": first_day,
            "notice_last_day": last_day,
            "decided_on": decided_on,
            "decisions_sha256": decisions_sha256,
        }
        for name, value in values.items():
            old = getattr(row, name)
            if old != value:
                self._audit(
                    K.CAMPAIGN,
                    str(year),
                    field=name,
                    old_value=None if old is None else str(old),
                    new_value=None if value is None else str(value),
                    reason="公示期与认定日期" if name != "decisions_sha256" else "本次采用的人工决定文件",
                    article="第十条",
                )
                setattr(row, name, value)
        return row

    def certificates_of(self, year: int) -> list[Certification]:
        """Certificates issued by the campaign of `year` (its submissions'), by certificate id."""
        query = (
            sa.select(Certification)
            .join(Submission, Certification.submission_id == Submission.submission_id)
            .where(Submission.campaign_year == year)
            .order_by(Certification.certificate_id)
        )
        return list(self.session.scalars(query))

    def _ensure_cluster(self, key: str, county_code: str, cluster_name: str) -> Cluster:
        row = self.session.get(Cluster, key)
        if row is None:
            now = self.clock()
            row = Cluster(
                cluster_key=key,
                county_code=county_code,
                cluster_name=cluster_name.strip(),
                name_key=key.split("/", 1)[1],
                created_at=now,
                updated_at=now,
            )
            self.session.add(row)
            self.session.flush()
        return row

    def _supersede_older(self, year: int, key: str) -> None:
        current = list(
            self.session.scalars(
                sa.select(Submission)
                .where(
                    Submission.campaign_year == year,
                    Submission.cluster_key == key,
                    Submission.status != Status.SUPERSEDED,
                )
                .order_by(Submission.received_at, Submission.submission_id)
            )
        )
        if len(current) < 2:
            return
        newest = current[-1]
        for older in current[:-1]:
            if Status.SUPERSEDED not in _targets(older.status):
                continue  # already certified: a certificate is never replaced by a late file
            check_transition(older.status, Status.SUPERSEDED, K.SUBMISSION)
            self._audit(
                K.SUBMISSION,
                older.submission_id,
                from_status=older.status,
                to_status=Status.SUPERSEDED,
                reason=(
                    f"同一集群本年度报送了更正后的申报材料（申报编号 {newest.submission_id}，"
                    f"文件 {newest.file_name}），本份申报材料由其替代，原件保留"
                ),
                article="第九条",
            )
            older.status = str(Status.SUPERSEDED)
            older.superseded_by = newest.submission_id
            older.updated_at = self.clock()

    def record_validation(
        self,
        submission_id: str,
        *,
        valid: bool,
        error_count: int = 0,
        warning_count: int = 0,
        payload: dict[str, Any] | None = None,
        reason: str | None = None,
        article: str = "第九条",
    ) -> Submission:
        """Store the validation outcome (counts, typed tables) and move submitted → valid | invalid."""
        row = self.require(Submission, submission_id)
        if row.status == Status.SUBMITTED:
            row.error_count, row.warning_count = error_count, warning_count
            row.payload = None if payload is None else encoded(payload)  # type: ignore[assignment]  # the dict, as its JSON text
        if reason is None:
            hint = f"（另有 {warning_count} 条提示）" if warning_count else ""
            reason = (
                f"数据校验通过{hint}"
                if valid
                else f"数据校验未通过：{error_count} 个错误，已退回县（市、区）中小企业主管部门修改{hint}"
            )
        self._move(
            K.SUBMISSION,
            submission_id,
            Status.VALID if valid else Status.INVALID,
            reason=reason,
            article=article,
        )
        return row

    def record_evaluation(
        self,
        submission_id: str,
        *,
        policy_name: str,
        as_of: date,
        eligible: bool,
        vetoed: bool,
        failed_criteria: Sequence[str] = (),
        warnings: Sequence[str] = (),
        score: float | None = None,
        score_contributions: dict[str, Any] | None = None,
        criteria: Sequence[dict[str, Any]] = (),
        apply_status: bool = True,
        reason: str | None = None,
    ) -> Evaluation:
        """Store one policy's verdict; with `apply_status`, move valid → eligible | ineligible.

        The national evaluation of a certified cluster (第十四条) passes apply_status=False.
        A different verdict for the same submission and policy replaces the stored one, audited.
        """
        values = {
            "as_of": as_of,
            "eligible": bool(eligible),
            "vetoed": bool(vetoed),
            "failed_criteria": jsonable(list(failed_criteria)),
            "warnings": jsonable(list(warnings)),
            "score": None if score is None else float(score),
            "score_contributions": jsonable(score_contributions or {}),
            "criteria": jsonable(list(criteria)),
        }
        row = self.evaluation(submission_id, policy_name)
        if row is None:
            self.require(Submission, submission_id)
            row = Evaluation(
                submission_id=submission_id,
                policy_name=policy_name,
                flow_run_id=self.flow_run_id,
                recorded_at=self.clock(),
                **values,
            )
            self.session.add(row)
            self._remember_evaluation(row)
        elif any(getattr(row, k) != v for k, v in values.items()):
            self._audit(
                K.EVALUATION,
                submission_id,
                field=policy_name,
                old_value=_verdict(row.eligible, row.score),
                new_value=_verdict(eligible, score),
                reason="按同一政策重新评价，结果变化",
                article="第五条",
            )
            for k, v in values.items():
                setattr(row, k, v)
            row.flow_run_id, row.recorded_at = self.flow_run_id, self.clock()
        if apply_status:
            target = Status.ELIGIBLE if eligible else Status.INELIGIBLE
            article, default_reason = _verdict_grounds(eligible, vetoed, failed_criteria)
            self._move(K.SUBMISSION, submission_id, target, reason=reason or default_reason, article=article)
        return row


def _targets(status: str) -> frozenset[Status]:
    return allowed_targets(status, K.SUBMISSION)


def _verdict(eligible: bool, score: float | None) -> str:
    return f"{'符合' if eligible else '不符合'}认定条件，得分 {'—' if score is None else score}"


def _verdict_grounds(eligible: bool, vetoed: bool, failed: Sequence[str]) -> tuple[str, str]:
    """The article and the Chinese reason of an eligibility move; A6.* ids are the 第六条 veto."""
    if eligible:
        return "第五条", "符合第五条认定标准，无第六条否决情形"
    articles = ["第五条"] if any(not c.startswith("A6") for c in failed) else []
    articles += ["第六条"] if vetoed else []
    reason = "未通过：" + ("；".join(failed) or "—") + ("；存在第六条否决情形" if vetoed else "")
    return "、".join(articles) or "第五条", reason


def _json_text(value: Any) -> str:
    return (
        value if isinstance(value, str) else json.dumps(jsonable(value), ensure_ascii=False, sort_keys=True)
    )
