"""Certification (Art. 10 确定为省级集群, Art. 11 three-year validity) and `certified.csv` (SPEC §5).

Certificate ids read `HLJTS-<campaign year>-<NNN>`: HLJ 黑龙江, TS 特色 (产业集群), then a
three-digit sequence (more digits past 999) over the certified clusters in province-rank order. The
ranking is total (SPEC §4.3), so the same campaign inputs always yield the same ids. A changed
input that moves a cluster in or out of the certified list renumbers those ranked below it: ids
become final once the campaign's `certified.csv` has been published and recorded.

Dates: `certified_on` defaults to the first working day after the public notice ends (SPEC §5);
`valid_until = certified_on + N years − 1 day`. A certificate dated 29 February has no anniversary
in a common year; its N-year anniversary is then 1 March, so validity ends on 28 February — the
month-end rule of 民法典 第二百零二条 for a period whose closing month has no corresponding day
("没有对应日的，月末日为期间的最后一日").
"""

from __future__ import annotations

import calendar as _gregorian
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from clustercert.campaign.province import ProvincialShortlist
from clustercert.campaign.transition import ARTICLE_10, ARTICLE_11, Status, Transition
from clustercert.workdays import WorkCalendar

CERTIFICATE_PREFIX = "HLJTS"
CERTIFIED_COLUMNS = (
    "certificate_id",
    "submission_id",
    "cluster_name",
    "county_code",
    "prefecture_code",
    "certified_on",
    "valid_until",
)


@dataclass(frozen=True)
class Certification:
    certified: pd.DataFrame  # exactly CERTIFIED_COLUMNS, in certificate-id order
    certified_on: date | None  # None when nobody is certified
    transitions: tuple[Transition, ...]


def certificate_id(campaign_year: int, sequence: int) -> str:
    return f"{CERTIFICATE_PREFIX}-{campaign_year}-{sequence:03d}"


def anniversary(start: date, years: int) -> date:
    """`start` moved by whole years; 29 February falls on 1 March in a common year."""
    year = start.year + years
    if start.month == 2 and start.day == 29 and not _gregorian.isleap(year):
        return date(year, 3, 1)
    return start.replace(year=year)


def valid_until(certified_on: date, validity_years: int) -> date:
    """Last day of validity (Art. 11 有效期为三年): the day before the N-year anniversary."""
    return anniversary(certified_on, validity_years) - timedelta(days=1)


def certify(
    shortlist: ProvincialShortlist,
    *,
    campaign_year: int,
    validity_years: int,
    calendar: WorkCalendar,
    certified_on: date | None = None,
) -> Certification:
    """Certify every shortlisted cluster without an upheld objection, numbering them in rank order."""
    to_certify = shortlist.to_certify.sort_values("province_rank", kind="mergesort")
    if to_certify.empty:
        return Certification(pd.DataFrame(columns=list(CERTIFIED_COLUMNS)), None, ())
    if certified_on is None:
        if shortlist.notice_last_day is None:
            raise ValueError("clusters to certify but no public-notice period: the shortlist is inconsistent")
        certified_on = calendar.next_workday(shortlist.notice_last_day)
    until = valid_until(certified_on, validity_years)

    records = []
    transitions = []
    for sequence, r in enumerate(to_certify.to_dict("records"), start=1):
        cid = certificate_id(campaign_year, sequence)
        records.append(
            {
                "certificate_id": cid,
                "submission_id": str(r["submission_id"]),
                "cluster_name": r["cluster_name"],
                "county_code": str(r["county_code"]),
                "prefecture_code": str(r["prefecture_code"]),
                "certified_on": certified_on,
                "valid_until": until,
            }
        )
        reason = (
            f"{r['reason']}，确定为黑龙江省中小企业特色产业集群，认定编号 {cid}；"
            f"有效期{validity_years}年，自{certified_on.isoformat()}至{until.isoformat()}（{ARTICLE_11}）"
        )
        transitions.append(
            Transition(str(r["submission_id"]), Status.CERTIFIED, reason, ARTICLE_10, certified_on)
        )
    return Certification(
        pd.DataFrame(records, columns=list(CERTIFIED_COLUMNS)), certified_on, tuple(transitions)
    )
