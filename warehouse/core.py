"""Core: merge each source's staged rows into ``core.feedback_loaded`` and ``core.feedback_scores``.

Per source and in one transaction: classify every staged row (loaded, rejected, duplicate), quarantine
the rejected ones, upsert the loaded ones, and record each file's counts, so that for every file
rows read = loaded + rejected + duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from schemas.spec import SourceSpec
from schemas.sql_names import quote
from schemas.unified import STAGED_FEEDBACK

from warehouse.db import run_sql, transaction
from warehouse.staging import build_staging, create_raw_records_view, has_staging, staging_table
from warehouse.validation import errors_table, has_validation, validate_staging

__all__ = ["MergeResult", "merge_source"]

# The source's staged rows under the name the merge's SQL reads them by, and the rules GX found each failing
# row breaking, in rule order.
_STAGED_ROWS = "create or replace temp view staged_rows as select {columns}, _content_hash from {staged}"
_STAGED_ROW_ERRORS = """
create or replace temp table staged_row_errors as
select file_id, source_row, list({{'rule': rule, 'detail': detail}} order by rule_order) as errors
from {errors}
group by file_id, source_row
"""


@dataclass(frozen=True)
class MergeResult:
    source: str
    loaded: int
    rejected: int
    duplicate: int


def merge_source(connection: duckdb.DuckDBPyConnection, spec: SourceSpec, run_id: str, salt: str) -> MergeResult:
    """Move the source's staged rows into core; returns what happened to them."""
    if not (has_staging(connection, spec) and has_validation(connection, spec)):  # core run on its own
        build_staging(connection, spec, run_id)
        validate_staging(connection, spec, run_id)
    with transaction(connection):
        connection.execute(_STAGED_ROWS.format(
            columns=", ".join(map(quote, STAGED_FEEDBACK.column_names)), staged=staging_table(spec)))
        connection.execute(_STAGED_ROW_ERRORS.format(errors=errors_table(spec)))
        create_raw_records_view(connection, spec)
        params = {"run_id": run_id, "salt": salt, "source": spec.name}
        for step in ("classify_staged_rows", "quarantine_rejected_rows", "merge_into_feedback", "record_file_counts"):
            run_sql(connection, f"sql/{step}.sql", params)
        staged, rejected, duplicate = connection.execute(
            "select (select count(*) from staged_rows), count(*) filter (where outcome = 'rejected'), "
            "count(*) filter (where outcome = 'duplicate') from staged_exceptions").fetchall()[0]
        for view in ("staged_rows_to_load", "staged_rows", "staged_raw_records"):
            connection.execute(f"drop view {view}")
        for table in (staging_table(spec), errors_table(spec), "staged_row_errors", "staged_exceptions"):
            connection.execute(f"drop table {table}")  # their rows are now in core or quarantine
    return MergeResult(spec.name, staged - rejected - duplicate, rejected, duplicate)
