"""Connections to the pipeline database, with the schema created from its declaration."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from collections.abc import Iterator
from typing import Any

import duckdb

from schemas.sql_names import quote
from schemas.unified import PIPELINE_TABLES

from warehouse.ddl import create_table_sql, feedback_view_sql
from warehouse.home import Home
from warehouse.packaged import packaged_text

__all__ = ["PipelineDatabaseError", "connect", "connect_pipeline", "ensure_pipeline_schema", "pipeline_connection", "run_sql",
           "scalar", "SCHEMAS"]

SCHEMAS = ("raw", "staging", "core", "marts", "quarantine", "meta")


def _statements(script: str) -> list[str]:
    """Split a SQL file into statements (our files end each statement with ';' at the end of a line)."""
    statements, current = [], []
    for line in script.splitlines():
        current.append(line)
        if line.rstrip().endswith(";"):
            statements.append("\n".join(current))
            current = []
    rest = "\n".join(current).strip()
    return [s for s in statements if s.strip()] + ([rest] if rest and not _only_comments(rest) else [])


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in text.splitlines())


def run_sql(connection: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None) -> None:
    """Run a packaged SQL file statement by statement, giving each the parameters it names."""
    for statement in _statements(packaged_text(name)):
        used = {k: v for k, v in (params or {}).items() if f"${k}" in statement}
        connection.execute(statement, used or None)


def scalar(connection: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> Any:
    """The single value a query returns (DuckDB 2 wants every result read to its end)."""
    rows = connection.execute(sql, params).fetchall()
    return rows[0][0] if rows else None


# DuckDB checkpoints the write-ahead log into the database file once it passes 16 MiB by default: a run
# commits each landed file on its own, so it checkpointed after nearly every file, which took 40% of
# landing. With a larger threshold the run's commits stay durable in the log, and the checkpoint comes
# once, when the run closes the database (or a restarted run replays the log after a kill).
PIPELINE_CHECKPOINT_THRESHOLD = "1GB"


def connect(path: Path | str, read_only: bool = False, memory_limit: str | None = None,
            temp_directory: Path | None = None, checkpoint_threshold: str | None = None) -> duckdb.DuckDBPyConnection:
    """A connection in UTC with silobridge's macros defined; DuckDB spills to ``temp_directory`` past ``memory_limit``."""
    config = {"memory_limit": memory_limit} if memory_limit else {}
    if checkpoint_threshold:
        config["checkpoint_threshold"] = checkpoint_threshold
    if temp_directory is not None:
        temp_directory.mkdir(parents=True, exist_ok=True)
        config["temp_directory"] = str(temp_directory)
    connection = duckdb.connect(str(path), read_only=read_only, config=config)
    connection.execute("set TimeZone = 'UTC'")
    run_sql(connection, "sql/create_macros.sql")
    return connection


def ensure_pipeline_schema(connection: duckdb.DuckDBPyConnection) -> None:
    for schema in SCHEMAS:
        connection.execute(f"create schema if not exists {schema}")
    for table in PIPELINE_TABLES:
        connection.execute(create_table_sql(table))
    _add_missing_columns(connection)
    connection.execute(feedback_view_sql())


class PipelineDatabaseError(Exception):
    """``pipeline.duckdb`` cannot be opened; the message tells the operator what to do."""

    def __init__(self, home: Home, error: duckdb.Error):
        super().__init__(
            f"cannot open the pipeline database {home.pipeline_db}: {str(error).splitlines()[0]}. The file may be "
            "damaged (a disk that filled up, a copy or restore cut short). Restore it from a backup, or move it "
            "aside and run again: every file still under landing/ is then loaded afresh and the warehouse is "
            "rebuilt from them, while responses of files no longer in landing/ and the run history are lost.")


def _add_missing_columns(connection: duckdb.DuckDBPyConnection) -> None:
    """Columns a newer silobridge declares that a home's existing tables lack (nullable ones: NULL for old rows)."""
    present = set(connection.execute(
        "select schema_name, table_name, column_name from duckdb_columns() "
        "where database_name = current_database()").fetchall())
    for table in PIPELINE_TABLES:
        for column in table.columns:
            if (table.schema, table.name, column.name) not in present and column.nullable:
                connection.execute(f"alter table {table.qualified_name} add column {quote(column.name)} "
                                   f"{column.sql_type}")


def connect_pipeline(home: Home) -> duckdb.DuckDBPyConnection:
    """The pipeline database, its memory bounded by the home's ``duckdb_memory_limit``."""
    home.pipeline_db.parent.mkdir(parents=True, exist_ok=True)
    try:
        return connect(home.pipeline_db, memory_limit=home.settings().duckdb_memory_limit,
                       temp_directory=home.duckdb_temp, checkpoint_threshold=PIPELINE_CHECKPOINT_THRESHOLD)
    except (duckdb.IOException, duckdb.SerializationException, duckdb.InternalException) as error:
        raise PipelineDatabaseError(home, error) from None


@contextmanager
def pipeline_connection(home: Home) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the pipeline database (creating its tables) and always close it."""
    connection = connect_pipeline(home)
    try:
        ensure_pipeline_schema(connection)
        yield connection
    finally:
        connection.close()
