"""The stages of the regulation — the one list — each a module with the same shape.

Every stage, whether of the yearly campaign (Art. 7–10) or of dynamic management (Art. 11–15):

1. **read** its inputs: the registry and the raw-file archive (and the inbox or decision files a
   person put down for it) — never another stage's memory, so any stage can run on its own;
2. **decide**: pure domain functions (`clustercert.rules`, `clustercert.campaign`,
   `clustercert.management`), with work units small and picklable enough for any task runner;
3. **record**: what it decided, in one registry transaction;
4. **write** its reports and extracts — that step lives one layer up, in `clustercert.reports`, so
   that imports point down (contract → policy → rules → stages → reports).

`flows/` wraps each stage in a Prefect flow of the same name with plain parameters (so an operator
re-runs one alone from the UI or with `clustercert campaign --stage NAME`) and each work unit in a
task; `bench/` calls the very same functions in a plain loop as the baseline.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StageInfo:
    name: str  # the Prefect flow name (UI, deployments, `campaign --stage NAME`)
    module: str  # clustercert.stages.<module>
    title: str  # Chinese, for people
    article: str
    group: str  # "campaign" (the yearly campaign, in order) or "management"


STAGES: tuple[StageInfo, ...] = (
    StageInfo("collect-submissions", "collect", "收取申报材料", "第八条", "campaign"),
    StageInfo("validate-submissions", "validate", "申报材料校验", "第九条", "campaign"),
    StageInfo("score-clusters", "score", "认定标准评审", "第五条、第六条", "campaign"),
    StageInfo("prefecture-recommendation", "prefecture", "市（地）初审与推荐", "第九条", "campaign"),
    StageInfo("provincial-shortlist", "shortlist", "省级择优、公示与认定", "第十条", "campaign"),
    StageInfo("expiry-check", "expiry", "有效期与复核", "第十一条", "management"),
    StageInfo("change-filings", "changes", "重大变动备案", "第十二条", "management"),
    StageInfo("monitoring-report", "monitoring", "年度发展情况监测", "第十三条", "management"),
    StageInfo("national-recommendation", "national", "推荐申报国家级集群", "第十四条", "management"),
    StageInfo("revocation-triggers", "revocation", "撤销情形", "第十五条", "management"),
)
CAMPAIGN_STAGES: tuple[StageInfo, ...] = tuple(s for s in STAGES if s.group == "campaign")
CAMPAIGN_STAGE_NAMES: tuple[str, ...] = tuple(s.name for s in CAMPAIGN_STAGES)


def stage(name: str) -> StageInfo:
    for info in STAGES:
        if info.name == name:
            return info
    raise KeyError(f"no stage {name!r}; stages: {', '.join(s.name for s in STAGES)}")
