"""Dry run of a spec against a sample file: what would load, what would be rejected and why.

Runs the pipeline's own raw, staging and classification steps in an in-memory database, so the
answer is exactly what a run would do, and no warehouse is touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from schemas.spec import SourceSpec

from warehouse.core import merge_source
from warehouse.db import connect, ensure_pipeline_schema
from warehouse.raw import land_files
from warehouse.staging import build_staging, staging_table
from warehouse.validation import validate_staging

__all__ = ["DryRunReport", "dry_run_file"]

_RULE_COUNTS = "select rule, count(*) as n from quarantine.rejects group by rule order by n desc, rule"
_FIRST_REJECTS = ("select source_row, rule, detail from quarantine.rejects "
                  "order by source_row nulls first, rule limit ?")
_LOADED_PREVIEW = ("select source_response_id, responded_at, account_name_raw, email_domain, topic, "
                   "list_transform(s.scores, lambda x: x.metric || '=' || x.score::varchar) as scores "
                   "from core.feedback_loaded f join staging_preview s using (feedback_id, source_row) "
                   "order by f.source_row limit ?")


@dataclass(frozen=True)
class DryRunReport:
    file: str
    file_error: str | None
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    rows_duplicate: int
    rule_counts: list[tuple[str, int]]
    first_rejects: list[tuple[int | None, str, str]]
    preview_columns: list[str]
    preview: list[tuple]


def dry_run_file(spec: SourceSpec, file: Path, limit: int = 5) -> DryRunReport:
    """Load ``file`` as ``spec`` says, in memory, and report the outcome per row and per rule."""
    connection = connect(":memory:")
    try:
        ensure_pipeline_schema(connection)
        landed = land_files(connection, spec, [(file, file.name)], "check")
        build_staging(connection, spec, "check")
        validate_staging(connection, spec, "check")
        connection.execute(f"create temp table staging_preview as select feedback_id, source_row, scores from {staging_table(spec)}")
        merge_source(connection, spec, "check", salt="check")
        read, loaded, rejected, duplicate = connection.execute(
            "select coalesce(sum(rows_read), 0), coalesce(sum(rows_loaded), 0), coalesce(sum(rows_rejected), 0), "
            "coalesce(sum(rows_duplicate), 0) from meta.files").fetchall()[0]
        preview = connection.sql(_LOADED_PREVIEW, params=[limit])
        return DryRunReport(
            file=str(file), file_error=next(iter(landed.files_rejected.values()), None),
            rows_read=read, rows_loaded=loaded, rows_rejected=rejected, rows_duplicate=duplicate,
            rule_counts=connection.execute(_RULE_COUNTS).fetchall(),
            first_rejects=connection.execute(_FIRST_REJECTS, [limit]).fetchall(),
            preview_columns=preview.columns, preview=preview.fetchall())
    finally:
        connection.close()
