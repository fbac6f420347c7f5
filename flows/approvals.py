"""Human steps in interactive mode: the flow pauses and an operator answers in the Prefect UI.

Prefecture recommendation (第九条) is each prefecture's decision, so the run pauses once per
prefecture with a typed form: one 是否推荐 field per eligible cluster, titled in Chinese with the
cluster's name, county and score and the suggestion the spot checks and decision files give; the
operator's name (recorded as the actor in the audit log) and a note.
"""

from __future__ import annotations

from dataclasses import dataclass

from prefect.flow_runs import pause_flow_run
from prefect.input import RunInput
from pydantic import Field, create_model

from clustercert.campaign.prefecture import PrefectureRecommendation
from clustercert.lifecycle import Status

OPERATOR_SOURCE = "Prefect 界面（市地推荐确认）"


@dataclass(frozen=True)
class PrefectureAnswer:
    recommend: dict[str, bool]  # submission id → 是否推荐
    note: str
    operator: str
    source: str = OPERATOR_SOURCE


def field_name(submission_id: str) -> str:
    """A submission's field in the form (an identifier: "s" + the id with dashes as underscores)."""
    return "s" + "".join(c if c.isalnum() else "_" for c in submission_id)


def prefecture_form(
    rec: PrefectureRecommendation,
) -> tuple[type[RunInput], dict[str, str], dict[str, object]]:
    """The form's model, field name → submission id, and the suggested answers."""
    fields: dict[str, object] = {}
    ids: dict[str, str] = {}
    initial: dict[str, object] = {}
    for row in rec.rows.to_dict("records"):
        name = field_name(str(row["submission_id"]))
        suggested = row["outcome"] == Status.RECOMMENDED
        score = "" if row.get("score") is None else f"，得分 {float(row['score']):.2f}"
        title = f"{row['cluster_name']}（{row.get('county_name') or ''}{score}）是否推荐"
        description = f"建议：{'推荐' if suggested else '不推荐'}。{row['reason']}"
        fields[name] = (bool, Field(default=suggested, title=title, description=description))
        ids[name] = str(row["submission_id"])
        initial[name] = suggested
    fields["operator"] = (str, Field(title="确认人姓名（记入审计记录）", min_length=1))
    fields["note"] = (str, Field(default="", title="说明（记入审计记录）"))
    model = create_model(f"PrefectureRecommendation{rec.prefecture_code}", __base__=RunInput, **fields)  # type: ignore[call-overload]
    return model, ids, initial


def ask_prefecture(rec: PrefectureRecommendation, timeout_seconds: int) -> PrefectureAnswer:
    """Pause until an operator confirms this prefecture's recommendations (key prefecture-<code>)."""
    model, ids, initial = prefecture_form(rec)
    description = (
        f"## {rec.prefecture_name}推荐确认（第九条）\n\n"
        "逐个确认是否推荐至省工业和信息化厅；建议已按实地抽查结果和市地推荐意见文件填好。"
        "填写确认人姓名后提交。"
    )
    form = model.with_initial_data(description=description, **initial, note="")
    answer = pause_flow_run(
        wait_for_input=form, timeout=timeout_seconds, key=f"prefecture-{rec.prefecture_code}"
    )
    values = answer.model_dump()
    return PrefectureAnswer(
        recommend={sid: bool(values[name]) for name, sid in ids.items()},
        note=str(values.get("note") or "操作员在 Prefect 界面确认"),
        operator=str(values.get("operator") or "").strip() or "未署名操作员",
    )
