"""Publish: build the analysts' ``warehouse.duckdb`` (schemas core and marts only) and swap it in.

The new file is written next to the old one under a temporary name and moved into place with one
atomic rename: analysts' open read-only connections keep reading the old snapshot, new ones see the
new one, and nobody ever sees half a warehouse or waits on a lock.

A night that changed a small part of the warehouse does not rewrite all of it. The temporary file starts
as a copy of the published one, and only what differs is applied to it: the responses whose version or
account changed (and their scores) are replaced, and the small tables (accounts, aliases, account changes,
marts) are written afresh. The result holds exactly what a full rewrite would. The file is rewritten from
scratch when there is no published file yet, when its tables are not the ones the schema declares (a new
silobridge version), or when more than :data:`REWRITE_SHARE` of the responses changed (a full refresh).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from schemas.sql_names import literal, quote
from schemas.unified import PUBLISHED_TABLES, Table

from warehouse.db import run_sql
from warehouse.ddl import create_table_sql
from warehouse.home import Home
from warehouse.marts import mart_columns, mart_description, mart_names

__all__ = ["publish", "Published", "REWRITE_SHARE", "published_file_intact"]

# Above this share of changed responses, writing the file afresh costs about what patching it does, and
# leaves no deleted rows behind in it.
REWRITE_SHARE = 0.2

# Published tables patched row by row; every other published table is small and written afresh.
_RESPONSES, _SCORES = "core.feedback", "core.feedback_scores"


@dataclass(frozen=True)
class Published:
    path: Path
    rewritten: bool  # False: the previous file was patched
    responses_written: int  # responses written into the file (all of them when rewritten)


def publish(connection: duckdb.DuckDBPyConnection, home: Home, run_id: str) -> Published:
    """Write the published warehouse from the pipeline database and move it into place atomically."""
    folder, name = home.warehouse_db.parent, home.warehouse_db.name
    for stale in [*folder.glob(f".{name}.*.tmp"), *folder.glob(f".{name}.*.tmp.wal")]:
        stale.unlink()  # left by a run that was killed while publishing; we hold the writer lock
    temporary = home.warehouse_db.with_name(f".{name}.{run_id}.tmp")
    intact = home.warehouse_db.exists() and published_file_intact(home.warehouse_db)
    patched = _patched_copy(connection, home.warehouse_db, temporary) if intact else None
    if patched is None:
        temporary.unlink(missing_ok=True)
        with _attached(connection, temporary):
            written = _write_all(connection)
    os.replace(temporary, home.warehouse_db)
    _sync_directory(folder)
    if patched is None:
        return Published(home.warehouse_db, rewritten=True, responses_written=written)
    return Published(home.warehouse_db, rewritten=False, responses_written=patched)


# DuckDB's file starts with three 4 KiB headers, then holds its blocks: a file shorter than that was cut short.
_DUCKDB_HEADERS_BYTES = 3 * 4096


def published_file_intact(path: Path) -> bool:
    """Whether DuckDB opens the published file and it holds every block its header counts (a copy or a disk
    that filled up can cut it short; DuckDB then fails only on reading the missing blocks)."""
    try:
        connection = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return False
    try:
        block_size, total_blocks = connection.execute(
            "select block_size, total_blocks from pragma_database_size()").fetchall()[0]
        return path.stat().st_size >= _DUCKDB_HEADERS_BYTES + block_size * total_blocks
    except duckdb.Error:
        return False
    finally:
        connection.close()


@contextmanager
def _attached(connection: duckdb.DuckDBPyConnection, path: Path) -> Iterator[None]:
    connection.execute("attach ? as published", [str(path)])
    try:
        yield
    finally:
        connection.execute("detach published")  # checkpoints the file: nothing is left in its log


def _write_all(connection: duckdb.DuckDBPyConnection) -> int:
    """Every published table into the empty attached file; returns the number of responses."""
    for schema in ("core", "marts"):
        connection.execute(f"create schema published.{schema}")
    for table in PUBLISHED_TABLES:
        _copy_table(connection, table)
    _copy_marts(connection)
    return connection.execute(f"select count(*) from published.{_RESPONSES}").fetchall()[0][0]


def _patched_copy(connection: duckdb.DuckDBPyConnection, previous: Path, temporary: Path) -> int | None:
    """Copy the published file and apply tonight's changes; the responses written, or None to rewrite."""
    shutil.copyfile(previous, temporary)
    try:
        connection.execute("attach ? as published", [str(temporary)])
    except duckdb.Error:
        return None  # not a database DuckDB can open: write a good one from scratch
    try:
        if not _has_declared_tables(connection):
            return None
        changed, published = _find_changed_responses(connection)
        if changed > REWRITE_SHARE * max(published, 1):
            return None
        written = _replace_changed_responses(connection)
        for table in PUBLISHED_TABLES:
            if table.qualified_name in (_RESPONSES, _SCORES):
                _comment(connection, table, f"published.{table.qualified_name}")  # descriptions may have changed
            else:
                connection.execute(f"drop table published.{table.qualified_name}")
                _copy_table(connection, table)
        for mart in _tables(connection, "published", "marts"):
            connection.execute(f"drop table published.marts.{quote(mart)}")
        _copy_marts(connection)
        return written
    finally:
        connection.execute("drop table if exists publish_changed_responses")
        connection.execute("detach published")  # checkpoints the file: nothing is left in its log


def _has_declared_tables(connection: duckdb.DuckDBPyConnection) -> bool:
    """Whether the copy holds the declared core tables, with the pipeline's columns and types, and marts only.

    Anything else (a table a newer schema dropped, a view or table someone added) would outlive a patch.
    """
    def shape(database: str) -> list[tuple]:
        return connection.execute(
            "select table_name, column_index, column_name, data_type from duckdb_columns() "
            "where database_name = ? and schema_name = 'core' and list_contains(?, table_name) order by all",
            [database, [t.name for t in PUBLISHED_TABLES]]).fetchall()

    others = connection.execute(
        "select count(*) from (select schema_name, table_name from duckdb_tables() where database_name = 'published' "
        "union all select schema_name, view_name from duckdb_views() where database_name = 'published') "
        "where not (schema_name = 'marts' or (schema_name = 'core' and list_contains(?, table_name)))",
        [[t.name for t in PUBLISHED_TABLES]]).fetchall()[0][0]
    return others == 0 and shape("published") == shape(_pipeline_database(connection))


def _pipeline_database(connection: duckdb.DuckDBPyConnection) -> str:
    return connection.execute("select current_database()").fetchall()[0][0]


def _find_changed_responses(connection: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """Note the responses that differ between core and the copy; returns (changed rows, responses in the copy)."""
    run_sql(connection, "sql/find_changed_responses.sql")
    changed = connection.execute("select count(*) from publish_changed_responses").fetchall()[0][0]
    published = connection.execute(f"select count(*) from published.{_RESPONSES}").fetchall()[0][0]
    return changed, published


def _replace_changed_responses(connection: duckdb.DuckDBPyConnection) -> int:
    """Delete the copy's outdated responses and scores, insert core's current ones; returns how many."""
    outdated = "select feedback_id from publish_changed_responses where not is_current"
    current = "select feedback_id from publish_changed_responses where is_current"
    for table in (_SCORES, _RESPONSES):
        connection.execute(f"delete from published.{table} where feedback_id in ({outdated})")
    for table in (t for t in PUBLISHED_TABLES if t.qualified_name in (_RESPONSES, _SCORES)):
        connection.execute(f"insert into published.{table.qualified_name} by name "
                           f"select {', '.join(map(quote, table.column_names))} from {table.qualified_name} "
                           f"where feedback_id in ({current})")
    return connection.execute("select count(*) from publish_changed_responses where is_current").fetchall()[0][0]


def _copy_table(connection: duckdb.DuckDBPyConnection, table: Table) -> None:
    target = f"published.{table.qualified_name}"
    # No primary key here: the file is read-only for analysts, and keys were enforced upstream.
    connection.execute(create_table_sql(table, if_not_exists=False, name=target, with_key=False))
    connection.execute(f"insert into {target} by name select {', '.join(map(quote, table.column_names))} "
                       f"from {table.qualified_name}")
    _comment(connection, table, target)


def _comment(connection: duckdb.DuckDBPyConnection, table: Table, target: str) -> None:
    connection.execute(f"comment on table {target} is {literal(table.grain + ' ' + table.description)}")
    for column in table.columns:
        connection.execute(f"comment on column {target}.{quote(column.name)} is {literal(column.description)}")


def _tables(connection: duckdb.DuckDBPyConnection, database: str, schema: str) -> list[str]:
    return [r[0] for r in connection.execute(
        "select table_name from duckdb_tables() where database_name = ? and schema_name = ? order by table_name",
        [database, schema]).fetchall()]


def _copy_marts(connection: duckdb.DuckDBPyConnection) -> None:
    for name in _tables(connection, _pipeline_database(connection), "marts"):
        connection.execute(f"create table published.marts.{quote(name)} as select * from marts.{quote(name)}")
        if name in mart_names():
            connection.execute(f"comment on table published.marts.{quote(name)} is {literal(mart_description(name))}")
            for column, text in mart_columns(name).items():
                connection.execute(f"comment on column published.marts.{quote(name)}.{quote(column)} is {literal(text)}")


def _sync_directory(folder: Path) -> None:
    """Make the rename itself durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
