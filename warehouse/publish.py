"""Publish: build the analysts' ``warehouse.duckdb`` (schemas core and marts only) and swap it in.

Two copies of the warehouse are kept next to it, ``.warehouse.a.duckdb`` and ``.warehouse.b.duckdb``;
``warehouse.duckdb`` is a hard link to the newer one. A publish writes the older copy, which no new reader
opens, then links it under a temporary name and renames that over ``warehouse.duckdb``: one atomic step.
Analysts' open read-only connections keep reading the file they opened, new ones see the new one, and
nobody ever sees half a warehouse or waits on a lock. DuckDB locks a file per inode, so a reader that still
holds the older copy (opened two publishes ago) makes it refuse to open for writing; the copy is then
unlinked (the reader keeps its snapshot) and made afresh from the published file.

A night that changed a small part of the warehouse does not rewrite all of it, nor read all of it. The
pipeline database records what each copy holds (``meta.published_copies``: the run ids of its responses;
``meta.published_mentions``: each mention's account), so the responses to replace are found without a
diff: those whose run_id the copy does not hold (new or re-exported) and those whose mention moved to
another account. Their rows are replaced, scores too for new versions; a response deleted since (a full
refresh) shows as a count that differs, and then every response is compared. The small tables (accounts,
aliases, account changes, marts) are emptied and refilled, their comments written only where the text
changed. The result holds exactly what a full rewrite would. A rewrite (a full run) also copies the file
it wrote into the other copy's place, so the first night patches from the record too.

Each step down this list is taken only when the one above cannot be sure, and the run's progress line
says which was taken: patch the older copy from its record; copy the published file into the older copy's
place and patch it from the newer copy's record, or by comparing every response when that record is
missing or the file changed since; write the file from scratch when there is no intact published file,
its tables are not the ones the schema declares (a new silobridge version), or more than
:data:`REWRITE_SHARE` of the responses changed.
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

from warehouse.db import run_sql, scalar, transaction
from warehouse.ddl import create_table_sql
from warehouse.home import Home
from warehouse.marts import mart_columns, mart_description, mart_names

__all__ = ["publish", "Published", "REWRITE_SHARE", "published_file_intact", "published_copies"]

# Above this share of changed responses, writing the file afresh costs about what patching it does, and
# leaves no deleted rows behind in it.
REWRITE_SHARE = 0.2

# Published tables patched row by row; every other published table is small and written afresh.
_RESPONSES, _SCORES = "core.feedback", "core.feedback_scores"


@dataclass(frozen=True)
class Published:
    path: Path
    rewritten: bool  # False: a copy was patched
    responses_written: int  # responses written into the file (all of them when rewritten)
    how: str = "rewritten"  # which way it was written, and why not the cheaper one


class _RewriteInstead(Exception):
    """Patching is possible but a rewrite is the right call (the message says why)."""


@dataclass(frozen=True)
class _Record:
    """What the pipeline recorded about a copy when it wrote it."""

    file_name: str
    response_runs: list[str]


def published_copies(home: Home) -> tuple[Path, Path]:
    """The two copies ``warehouse.duckdb`` links to in turn."""
    db = home.warehouse_db
    return db.with_name(f".{db.stem}.a{db.suffix}"), db.with_name(f".{db.stem}.b{db.suffix}")


def publish(connection: duckdb.DuckDBPyConnection, home: Home, run_id: str) -> Published:
    """Write the older copy of the published warehouse from the pipeline database and swap it in atomically."""
    _remove_stale_temporaries(home)
    older, newer = _older_and_newer(home)
    published = _write_older(connection, home, older, newer)
    _record_copy(connection, older, run_id, only_moved_mentions=published.how == _PATCHED_FROM_RECORD)
    if published.rewritten:
        _copy_for_next_night(connection, home, older, run_id)
    temporary = home.warehouse_db.with_name(f".{home.warehouse_db.name}.{run_id}.tmp")
    os.link(older, temporary)
    os.replace(temporary, home.warehouse_db)
    _sync_directory(home.warehouse_db.parent)
    return published


_PATCHED_FROM_RECORD = "patched the copy of two publishes ago"


def _copy_for_next_night(connection: duckdb.DuckDBPyConnection, home: Home, written: Path, run_id: str) -> None:
    """After a rewrite (a full run), make the other copy a copy of it, so the next night patches from the
    record instead of copying the whole file then. The copy readers hold is unlinked, not overwritten."""
    other = next(copy for copy in published_copies(home) if copy != written)
    _forget(connection, other)
    _remove_database(other)
    shutil.copyfile(written, other)
    _record_copy(connection, other, run_id, only_moved_mentions=False)


def _remove_stale_temporaries(home: Home) -> None:
    folder, name = home.warehouse_db.parent, home.warehouse_db.name
    for stale in [*folder.glob(f".{name}.*.tmp"), *folder.glob(f".{name}.*.tmp.wal")]:
        stale.unlink()  # left by a run that was killed while publishing; we hold the writer lock


def _older_and_newer(home: Home) -> tuple[Path, Path | None]:
    """The copy to write, and the copy ``warehouse.duckdb`` is now (None: a file of an older silobridge, or none)."""
    first, second = published_copies(home)
    try:
        current = home.warehouse_db.stat().st_ino
    except FileNotFoundError:
        return first, None
    for copy, other in ((first, second), (second, first)):
        if copy.exists() and copy.stat().st_ino == current:
            return other, copy
    return first, None


def _write_older(connection: duckdb.DuckDBPyConnection, home: Home, older: Path, newer: Path | None) -> Published:
    # Without warehouse.duckdb (never published, or removed by hand) the file is written from scratch.
    record = _recorded(connection, older) if newer is not None else None
    _forget(connection, older)  # committed before the file changes: a killed publish leaves it unknown
    try:
        if record is not None:
            written = _patched(connection, older, record)
            if written is not None:
                return Published(home.warehouse_db, False, written, _PATCHED_FROM_RECORD)
            why = "the older copy is open in another process"
        elif older.exists():
            why = "the older copy changed since it was written, or was never recorded"
        else:
            why = "no older copy yet"
        if home.warehouse_db.exists() and published_file_intact(home.warehouse_db):
            _remove_database(older)
            shutil.copyfile(home.warehouse_db, older)
            newer_record = _recorded(connection, newer) if newer is not None else None
            written = _patched(connection, older, newer_record)
            how = "from its record" if newer_record else "by comparing every response (no record of it)"
            if written is not None:
                return Published(home.warehouse_db, False, written, f"{why}: copied the published file, patched {how}")
            why = "DuckDB cannot open a copy of the published file"
        else:
            why = "the published file is damaged" if home.warehouse_db.exists() else None
    except _RewriteInstead as reason:
        why = str(reason)
    _remove_database(older)
    with _attached(connection, older):
        written = _write_all(connection)
    return Published(home.warehouse_db, True, written, f"rewritten: {why}" if why else "rewritten")


# DuckDB's file starts with three 4 KiB headers, then holds its blocks: a file shorter than that was cut short.
_DUCKDB_HEADERS_BYTES = 3 * 4096


def published_file_intact(path: Path) -> bool:
    """Whether DuckDB opens the published file and it is long enough for the blocks in use (a copy or a disk
    that filled up can cut it short; DuckDB then fails only on reading the missing blocks). Free blocks do
    not count: a checkpoint truncates those at the end of the file."""
    try:
        connection = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return False
    try:
        block_size, used_blocks = connection.execute(
            "select block_size, used_blocks from pragma_database_size()").fetchall()[0]
        return path.stat().st_size >= _DUCKDB_HEADERS_BYTES + block_size * used_blocks
    except duckdb.Error:
        return False
    finally:
        connection.close()


def _wal(path: Path) -> Path:
    return path.with_name(f"{path.name}.wal")


def _remove_database(path: Path) -> None:
    """Unlink a copy and its log: a reader that holds it keeps its snapshot, and the name starts afresh."""
    path.unlink(missing_ok=True)
    _wal(path).unlink(missing_ok=True)


def _recorded(connection: duckdb.DuckDBPyConnection, copy: Path) -> _Record | None:
    """The record of a copy, if the file is still the one the pipeline wrote (nobody changed it since)."""
    rows = connection.execute(
        "select response_runs, size_bytes, modified_ns, inode from meta.published_copies where file_name = ?",
        [copy.name]).fetchall()
    if not rows or not copy.exists() or _wal(copy).exists():
        return None
    runs, size, modified, inode = rows[0]
    stat = copy.stat()
    return _Record(copy.name, runs) if (stat.st_size, stat.st_mtime_ns, stat.st_ino) == (size, modified, inode) else None


def _forget(connection: duckdb.DuckDBPyConnection, copy: Path) -> None:
    connection.execute("delete from meta.published_copies where file_name = ?", [copy.name])


def _record_copy(connection: duckdb.DuckDBPyConnection, copy: Path, run_id: str, only_moved_mentions: bool) -> None:
    """Record what the copy now holds: the run ids of its responses and each mention's account."""
    stat = copy.stat()
    # Read by the SQL even when every mention is rewritten (a rewrite or a copy never found the moved ones).
    connection.execute("create temp table if not exists publish_moved_mentions "
                       "(mention_key varchar, is_current boolean, account_id varchar)")
    with transaction(connection):
        run_sql(connection, "sql/record_published_mentions.sql",
                {"file_name": copy.name, "rewrite": not only_moved_mentions})
        connection.execute(
            "insert into meta.published_copies (file_name, run_id, response_runs, size_bytes, modified_ns, inode, "
            "written_at) select ?, ?, coalesce(list(distinct run_id order by run_id), []), ?, ?, ?, now() "
            "from core.feedback_loaded", [copy.name, run_id, stat.st_size, stat.st_mtime_ns, stat.st_ino])
    connection.execute("drop table if exists publish_moved_mentions")


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
    return scalar(connection, f"select count(*) from published.{_RESPONSES}")


def _patched(connection: duckdb.DuckDBPyConnection, copy: Path, record: _Record | None) -> int | None:
    """Apply what changed since the copy was written (per its record, else found by comparing every response);
    returns the responses written, or None when DuckDB cannot open the copy for writing (a reader holds it)."""
    try:
        connection.execute("attach ? as published", [str(copy)])
    except duckdb.Error:
        return None
    try:
        if not _has_declared_tables(connection):
            raise _RewriteInstead("its tables are not the ones the schema declares")
        if record is not None:
            run_sql(connection, "sql/find_published_changes.sql",
                    {"file_name": record.file_name, "response_runs": record.response_runs})
        else:
            run_sql(connection, "sql/find_changed_responses.sql")
        written = _replace_changed_responses(connection)
        if record is not None and not _same_counts(connection):  # responses deleted since: a full refresh
            run_sql(connection, "sql/find_changed_responses.sql")
            written += _replace_changed_responses(connection)
        _replace_small_tables(connection)
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
    return scalar(connection, "select current_database()")


def _replace_changed_responses(connection: duckdb.DuckDBPyConnection) -> int:
    """Replace the copy's rows of the responses in publish_changed_responses by core's; returns how many
    were written. A rewrite is the better call when they are many."""
    changed = scalar(connection, "select count(*) from publish_changed_responses")
    if changed > REWRITE_SHARE * max(scalar(connection, f"select count(*) from published.{_RESPONSES}"), 1):
        raise _RewriteInstead(f"more than {REWRITE_SHARE:.0%} of the responses changed")
    run_sql(connection, "sql/apply_published_changes.sql")
    written = 0
    for table in (t for t in PUBLISHED_TABLES if t.qualified_name in (_RESPONSES, _SCORES)):
        which = "" if table.qualified_name == _RESPONSES else "where is_new_version"
        inserted = connection.execute(
            f"insert into published.{table.qualified_name} by name "
            f"select {', '.join(map(quote, table.column_names))} from {table.qualified_name} "
            f"where feedback_id in (select feedback_id from publish_changed_responses {which})").fetchall()[0][0]
        written = inserted if table.qualified_name == _RESPONSES else written
    return written


def _same_counts(connection: duckdb.DuckDBPyConnection) -> bool:
    """Whether the copy holds as many responses and scores as core. A patch from the record only adds and
    replaces, so the copy then holds every core row: equal counts mean nothing was deleted from core."""
    pairs = ((_RESPONSES, "core.feedback_loaded"), (_SCORES, _SCORES))  # the view would join every response
    return all(scalar(connection, f"select (select count(*) from published.{published}) = (select count(*) from {core})")
               for published, core in pairs)


def _replace_small_tables(connection: duckdb.DuckDBPyConnection) -> None:
    """Refill the other published tables and the marts with the pipeline's rows. A table is emptied and
    refilled rather than dropped, so its comments stay and only those whose text changed are written (over a
    hundred statements otherwise); a mart that is new, gone or shaped otherwise is dropped or created."""
    for table in PUBLISHED_TABLES:
        target = f"published.{table.qualified_name}"
        if table.qualified_name not in (_RESPONSES, _SCORES):
            connection.execute(f"delete from {target}")
            _insert_rows(connection, table, target)
        _comment(connection, table, target)
    pipeline = _pipeline_database(connection)
    for mart in _tables(connection, "published", "marts"):
        if _columns(connection, "published", mart) != _columns(connection, pipeline, mart):
            connection.execute(f"drop table published.marts.{quote(mart)}")
    kept = _tables(connection, "published", "marts")
    for mart in _tables(connection, pipeline, "marts"):
        if mart in kept:
            connection.execute(f"delete from published.marts.{quote(mart)}")
            connection.execute(f"insert into published.marts.{quote(mart)} select * from marts.{quote(mart)}")
        else:
            connection.execute(f"create table published.marts.{quote(mart)} as select * from marts.{quote(mart)}")
        _comment_mart(connection, mart)


def _columns(connection: duckdb.DuckDBPyConnection, database: str, mart: str) -> list[tuple[str, str]]:
    return connection.execute(
        "select column_name, data_type from duckdb_columns() "
        "where database_name = ? and schema_name = 'marts' and table_name = ? order by column_index",
        [database, mart]).fetchall()


def _copy_table(connection: duckdb.DuckDBPyConnection, table: Table) -> None:
    target = f"published.{table.qualified_name}"
    # No primary key here: the file is read-only for analysts, and keys were enforced upstream.
    connection.execute(create_table_sql(table, if_not_exists=False, name=target, with_key=False))
    _insert_rows(connection, table, target)
    _comment(connection, table, target)


def _insert_rows(connection: duckdb.DuckDBPyConnection, table: Table, target: str) -> None:
    connection.execute(f"insert into {target} by name select {', '.join(map(quote, table.column_names))} "
                       f"from {table.qualified_name}")


def _comment(connection: duckdb.DuckDBPyConnection, table: Table, target: str) -> None:
    _set_comments(connection, target, table.grain + " " + table.description,
                  {column.name: column.description for column in table.columns})


def _set_comments(connection: duckdb.DuckDBPyConnection, target: str, text: str, columns: dict[str, str]) -> None:
    """Comment the published table and its columns, writing only the comments that differ from the file's."""
    _, schema, name = (part.strip('"') for part in target.split(".", 2))
    where = "where database_name = 'published' and schema_name = ? and table_name = ?"
    if scalar(connection, f"select comment from duckdb_tables() {where}", [schema, name]) != text:
        connection.execute(f"comment on table {target} is {literal(text)}")
    present = dict(connection.execute(f"select column_name, comment from duckdb_columns() {where}",
                                      [schema, name]).fetchall())
    for column, description in columns.items():
        if present.get(column) != description:
            connection.execute(f"comment on column {target}.{quote(column)} is {literal(description)}")


def _tables(connection: duckdb.DuckDBPyConnection, database: str, schema: str) -> list[str]:
    return [r[0] for r in connection.execute(
        "select table_name from duckdb_tables() where database_name = ? and schema_name = ? order by table_name",
        [database, schema]).fetchall()]


def _copy_marts(connection: duckdb.DuckDBPyConnection) -> None:
    for name in _tables(connection, _pipeline_database(connection), "marts"):
        connection.execute(f"create table published.marts.{quote(name)} as select * from marts.{quote(name)}")
        _comment_mart(connection, name)


def _comment_mart(connection: duckdb.DuckDBPyConnection, name: str) -> None:
    if name in mart_names():
        _set_comments(connection, f"published.marts.{quote(name)}", mart_description(name), mart_columns(name))


def _sync_directory(folder: Path) -> None:
    """Make the rename itself durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
