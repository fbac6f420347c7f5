"""Intake (SPEC §3): receive, archive and read submissions and tables into normalised string frames;
the single-table inputs of §3.2 typed row by row (`tables`)."""

from clustercert.intake.archive import MAX_RAW_BYTES, Archive
from clustercert.intake.readers import content_sha256, discover_submissions, read_submission, read_table
from clustercert.intake.tables import TypedTable, read_typed_table, table_files

__all__ = [
    "MAX_RAW_BYTES",
    "Archive",
    "TypedTable",
    "content_sha256",
    "discover_submissions",
    "read_submission",
    "read_table",
    "read_typed_table",
    "table_files",
]
