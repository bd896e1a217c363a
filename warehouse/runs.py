"""``meta.runs``: one row per run, opened when the run starts and closed with its counts."""

from __future__ import annotations

import duckdb

__all__ = ["start_run", "finish_run"]


def start_run(connection: duckdb.DuckDBPyConnection, run_id: str) -> None:
    # The caller holds the writer lock, so any other run still marked running died without finishing.
    connection.execute("update meta.runs set status = 'abandoned', "
                       "message = 'the process ended before the run finished (killed or crashed)' "
                       "where status = 'running' and run_id <> ?", [run_id])
    connection.execute("insert into meta.runs (run_id, started_at, status) values (?, now(), 'running') "
                       "on conflict do nothing", [run_id])


def finish_run(connection: duckdb.DuckDBPyConnection, run_id: str, status: str, message: str | None = None) -> None:
    connection.execute(
        """
        update meta.runs r set ended_at = now(), status = ?, message = ?,
            n_files = c.n_files, n_rows_read = c.n_read, n_rows_loaded = c.n_loaded, n_rows_rejected = c.n_rejected
        from (select count(*) as n_files, coalesce(sum(rows_read), 0) as n_read,
                     coalesce(sum(rows_loaded), 0) as n_loaded, coalesce(sum(rows_rejected), 0) as n_rejected
              from meta.files where run_id = ?) c
        where r.run_id = ?
        """, [status, message, run_id, run_id])
