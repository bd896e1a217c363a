"""Publish: build the analysts' ``warehouse.duckdb`` (schemas core and marts only) and swap it in.

The new file is written next to the old one under a temporary name and moved into place with one
atomic rename: analysts' open read-only connections keep reading the old snapshot, new ones see the
new one, and nobody ever sees half a warehouse or waits on a lock.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from schemas.unified import PUBLISHED_TABLES, Table

from warehouse.ddl import create_table_sql, quote
from warehouse.home import Home
from warehouse.marts import mart_columns, mart_description, mart_names

__all__ = ["publish"]


def _copy_table(connection: duckdb.DuckDBPyConnection, table: Table) -> None:
    target = f"published.{table.qualified_name}"
    # No primary key here: the file is read-only for analysts, and keys were enforced upstream.
    connection.execute(create_table_sql(table, if_not_exists=False, name=target, with_key=False))
    connection.execute(f"insert into {target} by name select {', '.join(map(quote, table.column_names))} "
                       f"from {table.qualified_name}")
    connection.execute(f"comment on table {target} is {_literal(table.grain + ' ' + table.description)}")
    for column in table.columns:
        connection.execute(f"comment on column {target}.{quote(column.name)} is {_literal(column.description)}")


def _literal(text: str) -> str:
    # COMMENT ON accepts no parameters; descriptions are our own constants, quoted all the same.
    return "'" + text.replace("'", "''") + "'"


def _copy_marts(connection: duckdb.DuckDBPyConnection) -> None:
    marts = [r[0] for r in connection.execute(
        "select table_name from duckdb_tables() where database_name = current_database() "
        "and schema_name = 'marts' order by table_name").fetchall()]
    for name in marts:
        connection.execute(f"create table published.marts.{quote(name)} as select * from marts.{quote(name)}")
        if name in mart_names():
            connection.execute(f"comment on table published.marts.{quote(name)} is {_literal(mart_description(name))}")
            for column, text in mart_columns(name).items():
                connection.execute(f"comment on column published.marts.{quote(name)}.{quote(column)} is {_literal(text)}")


def publish(connection: duckdb.DuckDBPyConnection, home: Home, run_id: str) -> Path:
    """Write the published warehouse from the pipeline database and move it into place atomically."""
    for stale in home.warehouse_db.parent.glob(f".{home.warehouse_db.name}.*.tmp"):
        stale.unlink()  # left by a run that was killed while publishing; we hold the writer lock
    temporary = home.warehouse_db.with_name(f".{home.warehouse_db.name}.{run_id}.tmp")
    connection.execute("attach ? as published", [str(temporary)])
    try:
        for schema in ("core", "marts"):
            connection.execute(f"create schema published.{schema}")
        for table in PUBLISHED_TABLES:
            _copy_table(connection, table)
        _copy_marts(connection)
    finally:
        connection.execute("detach published")
    os.replace(temporary, home.warehouse_db)
    _sync_directory(home.warehouse_db.parent)
    return home.warehouse_db


def _sync_directory(folder: Path) -> None:
    """Make the rename itself durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
