"""Core: merge each source's staged rows into ``core.feedback_loaded`` and ``core.feedback_scores``.

Per source and in one transaction: classify every staged row (loaded, rejected, duplicate), quarantine
the rejected ones, upsert the loaded ones, and record each file's counts, so that for every file
rows read = loaded + rejected + duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from schemas.spec import SourceSpec
from schemas.unified import STAGED_FEEDBACK

from warehouse.db import run_sql
from warehouse.ddl import quote
from warehouse.staging import build_staging, has_staging, staging_table
from warehouse.validation import errors_table, has_validation, validate_staging

__all__ = ["MergeResult", "merge_source"]

# Each staged row with the rules GX found it breaking, in rule order.
_STAGED_ROWS_WITH_ERRORS = """
create or replace temp view staged_rows as
select {columns}, s._raw_record, coalesce(e.errors, []) as _errors
from {staged} s
left join (
    select file_id, source_row, list({{'rule': rule, 'detail': detail}} order by rule_order) as errors
    from {errors} group by file_id, source_row
) e using (file_id, source_row)
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
    connection.begin()
    try:
        connection.execute(_STAGED_ROWS_WITH_ERRORS.format(
            columns=", ".join(f"s.{quote(c)}" for c in STAGED_FEEDBACK.column_names),
            staged=staging_table(spec), errors=errors_table(spec)))
        params = {"run_id": run_id, "salt": salt, "source": spec.name}
        for step in ("classify_staged_rows", "quarantine_rejected_rows", "merge_into_feedback", "record_file_counts"):
            run_sql(connection, f"sql/{step}.sql", params)
        counts = dict(connection.execute(
            "select outcome, count(*) from staged_outcomes group by outcome").fetchall())
        for table in (staging_table(spec), errors_table(spec)):  # their rows are now in core or quarantine
            connection.execute(f"drop table {table}")
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    return MergeResult(spec.name, counts.get("loaded", 0), counts.get("rejected", 0), counts.get("duplicate", 0))
