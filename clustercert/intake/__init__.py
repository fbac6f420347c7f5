"""Intake (SPEC §3): receive, archive and read submissions and tables into normalised string frames."""

from clustercert.intake.archive import MAX_RAW_BYTES, Archive
from clustercert.intake.readers import content_sha256, discover_submissions, read_submission, read_table

__all__ = [
    "MAX_RAW_BYTES",
    "Archive",
    "content_sha256",
    "discover_submissions",
    "read_submission",
    "read_table",
]
