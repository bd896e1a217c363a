"""``silobridge run --full-refresh``: rebuild staging, core and marts from the raw layer.

For a spec, resolver or rule change: the raw layer keeps every landed file, so the pipeline can decide
again what loads and what is rejected without anyone re-delivering an export.
"""

from __future__ import annotations

import duckdb

from warehouse.db import run_sql

__all__ = ["reset_for_full_refresh"]


def reset_for_full_refresh(connection: duckdb.DuckDBPyConnection) -> int:
    """Send every loaded file back to staging; returns how many files will be processed again."""
    connection.begin()
    try:
        run_sql(connection, "sql/reset_for_full_refresh.sql")
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    return connection.execute("select count(*) from meta.files where status = 'raw_loaded'").fetchall()[0][0]
