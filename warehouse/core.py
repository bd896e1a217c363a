"""Core: merge each source's staged rows into ``core.feedback_loaded`` and ``core.feedback_scores``.

Per source and in one transaction: classify every staged row (loaded, rejected, duplicate), quarantine
the rejected ones, upsert the loaded ones, and record each file's counts, so that for every file
rows read = loaded + rejected + duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from schemas.spec import SourceSpec

from warehouse.db import run_sql
from warehouse.staging import build_staging, has_staging, staging_table

__all__ = ["MergeResult", "merge_source"]


@dataclass(frozen=True)
class MergeResult:
    source: str
    loaded: int
    rejected: int
    duplicate: int


def merge_source(connection: duckdb.DuckDBPyConnection, spec: SourceSpec, run_id: str, salt: str) -> MergeResult:
    """Move the source's staged rows into core; returns what happened to them."""
    if not has_staging(connection, spec):  # e.g. core materialised in a run of its own
        build_staging(connection, spec, run_id)
    connection.begin()
    try:
        connection.execute(f"create or replace temp view staged_rows as select * from {staging_table(spec)}")
        params = {"run_id": run_id, "salt": salt, "source": spec.name}
        for step in ("classify_staged_rows", "quarantine_rejected_rows", "merge_into_feedback", "record_file_counts"):
            run_sql(connection, f"sql/{step}.sql", params)
        counts = dict(connection.execute(
            "select outcome, count(*) from staged_outcomes group by outcome").fetchall())
        connection.execute(f"drop table {staging_table(spec)}")  # its rows are now in core or quarantine
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    return MergeResult(spec.name, counts.get("loaded", 0), counts.get("rejected", 0), counts.get("duplicate", 0))
