"""Connections to the pipeline database, with the schema created from its declaration."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from schemas.sql_names import literal, quote
from schemas.unified import EMAIL_SHAPE, PIPELINE_TABLES

from warehouse.ddl import create_table_sql, feedback_view_sql
from warehouse.home import Home
from warehouse.packaged import packaged_text

__all__ = ["PipelineDatabaseError", "connect", "connect_pipeline", "ensure_pipeline_schema", "pipeline_connection", "run_sql", "transaction", "insert_rows",
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


@contextmanager
def transaction(connection: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All the block's statements or none of them: commit when it ends, roll back when it raises (a kill too)."""
    connection.begin()
    try:
        yield connection
        connection.commit()
    except BaseException:
        connection.rollback()
        raise


def insert_rows(connection: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Mapping[str, Any]],
                stamped: str | None = None, replace: bool = False) -> None:
    """Insert rows given as ``{column: value}``; ``stamped`` names a column that takes the transaction's time.

    The statement names each column and passes each value by name, so neither the table's column order
    nor a column added later can shift a value into the wrong column. ``replace``: a row whose key exists
    replaces it.

    >>> c = connect(":memory:"); _ = c.execute("create table t (b varchar, a int, loaded_at timestamptz)")
    >>> insert_rows(c, "t", [{"a": 1, "b": "x"}], stamped="loaded_at")
    >>> c.execute("select a, b, loaded_at is not null from t").fetchall()
    [(1, 'x', True)]
    """
    if not rows:
        return  # DuckDB refuses executemany with no rows
    columns = list(rows[0])
    names = ", ".join(map(quote, [*columns, *([stamped] if stamped else [])]))
    values = ", ".join([f"${column}" for column in columns] + (["now()"] if stamped else []))
    verb = "insert or replace" if replace else "insert"
    connection.executemany(f"{verb} into {table} ({names}) values ({values})", [dict(row) for row in rows])


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
    # The e-mail shape is declared once, in Python, for the validation rule and this macro alike.
    connection.execute(f"create or replace temp macro sb_is_email(v) as regexp_full_match(v, {literal(EMAIL_SHAPE)})")
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
