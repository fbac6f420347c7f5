"""Provincial shortlist (Art. 10): 审核、必要时实地抽查、择优形成名单、公示、无异议的确定为省级集群.

* Every recommended cluster gets a province-wide `province_rank` (择优 order, SPEC §4.3).
* A failed 省 spot check removes a cluster; a campaign quota, if set, then cuts the rest in rank
  order. Those left are shortlisted and published in the public notice (公示名单).
* The notice opens on the first working day on or after the campaign's as-of date (the day the
  shortlist is formed; the 2023 notice, formed on Monday 24 July 2023, ran 24–28 July) and lasts
  `notice_working_days` working days on the official calendar (`clustercert.workdays`).
* An upheld objection (异议成立 = 是) stops certification; the rest are certified by
  `clustercert.campaign.certification.certify`.

Privacy (SPEC §6): the public rows are built from an explicit allow-list of columns, so a contact
name or phone that travels in the input frame cannot reach them; phone-like strings and the row's
own private values are also masked inside allowed cells, with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

from clustercert import contract
from clustercert.campaign.decisions import LEVEL_PROVINCE, BatchDecisions
from clustercert.campaign.ranking import with_rank
from clustercert.campaign.transition import ARTICLE_10, PENDING, Status, Transition
from clustercert.issue import Issue, Severity
from clustercert.reference import county, prefectures
from clustercert.workdays import WorkCalendar

_profile = contract.PROFILE.column
# The 公示名单: what the province publishes, in this order (English key, Chinese header).
PUBLIC_NOTICE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("seq", "序号"),
    ("cluster_name", _profile("cluster_name").label),
    ("prefecture_name", "所在市（地）"),
    ("county_name", "所在县（市、区）"),
    ("leading_industry", _profile("leading_industry").label),
    ("operator_name", _profile("operator_name").label),
)
PUBLIC_NOTICE_TITLE = "黑龙江省中小企业特色产业集群拟认定名单"
# Input columns the public notice needs besides the decisions.csv ones (merge them from the profile).
NOTICE_INPUTS = ("cluster_name", "county_code", "prefecture_code", "leading_industry", "operator_name")
STAGE_COLUMNS = ("province_rank", "shortlisted", "notice_seq", "outcome", "reason", "article")
_PREVIOUS_STAGE = ("outcome", "recommended", "reason", "article", "prefecture_rank")
MASK = "（已隐去）"
# A phone number however it is written: a run of digits, spaces, dashes and brackets holding seven
# or more digits (a landline without area code has seven). Cluster and operator names hold no such run.
_DIGIT_RUN = re.compile(r"\+?[(（]?\d[\d\s\-－()（）]*\d")
_PHONE_DIGITS = 7


@dataclass(frozen=True)
class ProvincialShortlist:
    rows: pd.DataFrame  # every recommended cluster in province-rank order, + STAGE_COLUMNS
    public_notice: pd.DataFrame  # English keys of PUBLIC_NOTICE_COLUMNS, nothing else
    notice_first_day: date | None  # None when nobody is shortlisted (no notice is published)
    notice_last_day: date | None
    decided_on: date | None  # first working day after the notice: objections decided, certification date
    quota: int | None
    notice_working_days: int
    transitions: tuple[Transition, ...]
    issues: tuple[Issue, ...]

    @property
    def to_certify(self) -> pd.DataFrame:
        """Shortlisted, no upheld objection: certified by `certification.certify`, in province-rank order."""
        return self.rows[self.rows["outcome"] == Status.CERTIFIED].reset_index(drop=True)

    def public_notice_labelled(self) -> pd.DataFrame:
        """The 公示名单 with its Chinese headers, for the .xlsx / .html writers."""
        return self.public_notice.rename(columns=dict(PUBLIC_NOTICE_COLUMNS))


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def shortlist(
    recommended: pd.DataFrame,
    decisions: BatchDecisions,
    *,
    quota: int | None,
    notice_working_days: int,
    as_of: date,
    calendar: WorkCalendar,
) -> ProvincialShortlist:
    """Rank, cut, publish and settle objections for all clusters the prefectures recommended."""
    if quota is not None and quota < 0:
        raise ValueError(f"A10.quota must be >= 0 or None, got {quota}")
    if recommended.empty:  # e.g. a concat of no prefecture lists: give it the columns it lacks
        recommended = recommended.reindex(columns=list(dict.fromkeys([*recommended.columns, *NOTICE_INPUTS])))
        recommended = recommended.assign(
            submission_id=pd.Series(dtype=str), score=None, latest_total_output=None
        )
    missing = [c for c in NOTICE_INPUTS if c not in recommended.columns]
    if missing:
        raise KeyError(f"recommended clusters lack {missing}: merge them from the submission profile")
    base = recommended.drop(
        columns=[c for c in (*_PREVIOUS_STAGE, *STAGE_COLUMNS) if c in recommended.columns]
    )
    rows = with_rank(base, "province_rank")
    sids = rows["submission_id"].astype(str).tolist()

    outcome: dict[str, str] = {}
    reason: dict[str, str] = {}
    spot_unusable = contract.SPOT_CHECKS.key in decisions.unavailable
    for sid in sids:
        failed = decisions.failed_spot_checks(sid, LEVEL_PROVINCE)
        if failed:
            notes = "；".join(c.note for c in failed if c.note)
            outcome[sid] = Status.NOT_SHORTLISTED
            reason[sid] = f"省级实地抽查不通过：{notes}" if notes else "省级实地抽查不通过"
        elif spot_unusable:
            outcome[sid] = PENDING
            reason[sid] = (
                "实地抽查结果文件无法使用，暂不形成公示名单：请按问题清单更正 spot_checks 后重新运行"
            )
    candidates = [sid for sid in sids if sid not in outcome]
    if candidates and quota is not None:
        for sid in candidates[quota:]:
            outcome[sid] = Status.NOT_SHORTLISTED
            reason[sid] = f"超出本批次认定名额（{quota}个）：按择优排序未列入公示名单"
        candidates = candidates[:quota]
    on_notice = set(candidates)

    first = last = decided = None
    if on_notice:
        first, last = calendar.notice_period(as_of, notice_working_days)
        decided = calendar.next_workday(last)
    for sid in candidates:
        outcome[sid], reason[sid] = _after_notice(sid, decisions)

    rows["shortlisted"] = [sid in on_notice for sid in sids]
    seq = pd.Series(pd.NA, index=rows.index, dtype="Int64")
    seq[rows["shortlisted"]] = range(1, len(candidates) + 1)
    rows["notice_seq"] = seq
    rows["outcome"] = [str(outcome[s]) for s in sids]
    rows["reason"] = [reason[s] for s in sids]
    rows["article"] = ARTICLE_10

    transitions = _transitions(rows, first, last, decided, notice_working_days)
    public, privacy_issues = _public_notice(rows[rows["shortlisted"]])
    issues = (
        *privacy_issues,
        *_inapplicable_objections(on_notice | {s for s in sids if outcome[s] == PENDING}, decisions),
    )
    return ProvincialShortlist(
        rows, public, first, last, decided, quota, notice_working_days, transitions, tuple(issues)
    )


def _after_notice(sid: str, decisions: BatchDecisions) -> tuple[str, str]:
    if contract.OBJECTIONS.key in decisions.unavailable:
        return PENDING, "公示异议文件无法使用，暂不确定认定结果：请按问题清单更正 objections 后重新运行"
    objection = decisions.objections.get(sid)
    if objection is None:
        return Status.CERTIFIED, "经公示无异议"
    if objection.value is None:
        lines = "、".join(str(n) for n in objection.rows)
        return (
            PENDING,
            f"公示异议处理结果相互矛盾（{objection.file} 第 {lines} 行），暂不确定认定结果：请更正后重新运行",
        )
    if objection.value:
        return (
            Status.OBJECTION_UPHELD,
            f"公示异议成立：{objection.note}" if objection.note else "公示异议成立（未说明理由）",
        )
    shown = f"（{objection.note}）" if objection.note else ""
    return Status.CERTIFIED, f"公示异议经核查不成立{shown}"


def _transitions(
    rows: pd.DataFrame, first: date | None, last: date | None, decided: date | None, n: int
) -> tuple[Transition, ...]:
    out: list[Transition] = []
    for r in rows.itertuples(index=False):
        sid = str(r.submission_id)
        if r.outcome == Status.NOT_SHORTLISTED:
            out.append(Transition(sid, Status.NOT_SHORTLISTED, str(r.reason), ARTICLE_10))
            continue
        if not r.shortlisted:
            continue
        assert first is not None and last is not None
        period = f"公示期{cn_date(first)}至{cn_date(last)}（{n}个工作日）"
        reason = f"择优列入公示名单（全省排名第{r.province_rank}位），{period}"
        out.append(Transition(sid, Status.SHORTLISTED, reason, ARTICLE_10, first))
        if r.outcome == Status.OBJECTION_UPHELD:
            out.append(Transition(sid, Status.OBJECTION_UPHELD, str(r.reason), ARTICLE_10, decided))
    return tuple(out)


def _public_notice(shortlisted: pd.DataFrame) -> tuple[pd.DataFrame, list[Issue]]:
    """Build each public row from the allow-list only, then mask anything that looks private."""
    keys = [k for k, _ in PUBLIC_NOTICE_COLUMNS]
    records: list[dict[str, object]] = []
    issues: list[Issue] = []
    for r in shortlisted.to_dict("records"):
        code = str(r["county_code"])
        found = county(code)
        public: dict[str, object] = {
            "seq": int(r["notice_seq"]),
            "cluster_name": _text(r["cluster_name"]),
            "prefecture_name": prefectures().get(str(r["prefecture_code"]), _text(r.get("prefecture_name"))),
            "county_name": found.county_name if found else _text(r.get("county_name")),
            "leading_industry": _text(r["leading_industry"]),
            "operator_name": _text(r["operator_name"]),
        }
        private = [_text(r.get(k)) for k in contract.PRIVATE_FIELDS]
        for key, label in PUBLIC_NOTICE_COLUMNS[1:]:
            masked = _mask(str(public[key]), private)
            if masked != public[key]:
                issues.append(_privacy_issue(str(r["submission_id"]), label))
                public[key] = masked
        records.append(public)
    return pd.DataFrame(records, columns=keys), issues


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


def _mask(text: str, private_values: list[str]) -> str:
    for value in private_values:
        if len(value) >= 2 and value in text:
            text = text.replace(value, MASK)
    return _DIGIT_RUN.sub(
        lambda m: MASK if sum(c.isdigit() for c in m.group()) >= _PHONE_DIGITS else m.group(), text
    )


def _privacy_issue(sid: str, label: str) -> Issue:
    message = f"「{label}」中含有联系人或疑似电话号码，公示名单中已隐去：请核对申报书"
    return Issue(
        sid, "", "公示名单", None, label, "privacy.public_notice", Severity.WARNING, message, "SPEC §6"
    )


def _inapplicable_objections(applicable: set[str], decisions: BatchDecisions) -> list[Issue]:
    """An objection about a cluster that was never on the notice cannot change anything: say so."""
    sheet = contract.OBJECTIONS
    issues = []
    for sid in sorted(set(decisions.objections) - applicable):
        objection = decisions.objections[sid]
        message = "该申报未列入公示名单，公示异议不适用（第十条）"
        issues.append(
            Issue(
                sid,
                objection.file,
                sheet.label,
                objection.rows[0],
                sheet.column("upheld").label,
                "decisions.objections.not_on_notice",
                Severity.WARNING,
                message,
                ARTICLE_10,
            )
        )
    return issues
