"""Reports: self-contained Chinese HTML pages (Jinja2, autoescaped, offline) and .xlsx/.csv exports.

Every function takes plain rows (dicts keyed by the SPEC §5 CSV columns), writes into an output
folder at a fixed relative path (see `render.PAGE_FILES` and the `*_relpath` helpers) and returns it.
"""

from clustercert.reports.campaign import (
    PrivacyError,
    render_campaign_scores,
    render_certified_list,
    render_prefecture_list,
    render_public_notice,
)
from clustercert.reports.cluster import render_cluster, render_clusters_list
from clustercert.reports.evaluation import render_evaluation
from clustercert.reports.index import render_index
from clustercert.reports.management import (
    render_change_filings,
    render_expiry,
    render_monitoring,
    render_national_recommendation,
    render_revocation_proposals,
)
from clustercert.reports.render import (
    PAGE_FILES,
    cluster_relpath,
    evaluation_relpath,
    feedback_relpath,
    prefecture_relpath,
)
from clustercert.reports.validation import render_feedback, render_validation_summary
from clustercert.reports.xlsx import write_rows_csv, write_rows_xlsx

__all__ = [
    "PAGE_FILES",
    "PrivacyError",
    "cluster_relpath",
    "evaluation_relpath",
    "feedback_relpath",
    "prefecture_relpath",
    "render_campaign_scores",
    "render_certified_list",
    "render_change_filings",
    "render_cluster",
    "render_clusters_list",
    "render_evaluation",
    "render_expiry",
    "render_feedback",
    "render_index",
    "render_monitoring",
    "render_national_recommendation",
    "render_prefecture_list",
    "render_public_notice",
    "render_revocation_proposals",
    "render_validation_summary",
    "write_rows_csv",
    "write_rows_xlsx",
]
