"""``silobridge run --full-refresh``: rebuild staging, core and marts from the raw layer.

For a spec, resolver or rule change: the raw layer keeps every landed file, so the pipeline can decide
again what loads and what is rejected without anyone re-delivering an export. With raw retention
(``raw_retention_days`` in ``silobridge.yaml``) only the files whose raw rows are retained are replayed;
the responses of older files stay in core as they were loaded.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from connectors import reader_rules

from warehouse.db import run_sql, transaction

__all__ = ["RefreshPlan", "reset_for_full_refresh"]


@dataclass(frozen=True)
class RefreshPlan:
    replayed: int  # files that go through staging, validation and the merge again
    kept: int  # loaded files whose raw rows retention deleted: their responses stay as they are
    retried: int = 0  # files rejected as a whole, read again from the landing folder where they still are


def reset_for_full_refresh(connection: duckdb.DuckDBPyConnection) -> RefreshPlan:
    """Send every loaded file whose raw rows are retained back to staging."""
    with transaction(connection):
        run_sql(connection, "sql/reset_for_full_refresh.sql", {"reader_rules": sorted(reader_rules())})
    replayed = connection.execute("select count(*) from meta.files where status = 'raw_loaded'").fetchall()[0][0]
    kept = connection.execute("select count(*) from meta.files f where status = 'loaded' and exists "
                              "(select 1 from meta.raw_retention r where r.file_id = f.file_id and r.source = f.source)"
                              ).fetchall()[0][0]
    retried = connection.execute("select count(*) from meta.files where status = 'rejected'").fetchall()[0][0]
    return RefreshPlan(replayed, kept, retried)
