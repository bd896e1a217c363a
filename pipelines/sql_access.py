"""``silobridge sql``: read-only queries against the published warehouse.

Only queries are allowed (SELECT, FROM, WITH, DESCRIBE, SHOW, EXPLAIN of a query); the connection is
read-only, has no file-system access and its configuration is locked, so a query can neither change the
warehouse, create tables nor write files. A query is stopped after ``timeout`` seconds and may use at most
``memory_limit`` of memory.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from schemas.sql_names import quote

__all__ = ["QueryRefused", "QueryFailed", "run_query", "neutralise_formulas", "DEFAULT_TIMEOUT_S",
           "DEFAULT_MEMORY_LIMIT"]

DEFAULT_TIMEOUT_S = 60.0
# DuckDB's default, 80% of the machine's memory, let one analyst's query starve the nightly run.
DEFAULT_MEMORY_LIMIT = "2GB"
# EXPLAIN ANALYZE runs the statement it explains (CREATE TEMP TABLE included): what follows it must be a query.
_EXPLAIN_PREFIX = re.compile(r"^\s*explain(\s+analyze)?(\s*\([^)]*\))?\s+", re.IGNORECASE)
# Cells starting with these are run as formulas by spreadsheet programs (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class QueryRefused(Exception):
    """The query would change something or is not valid SQL."""


class QueryFailed(Exception):
    """The query was allowed but failed while running (an error, the time limit or the memory limit)."""


def _single_statement(query: str) -> duckdb.Statement:
    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as error:
        raise QueryRefused(f"not valid SQL: {error}") from None
    if len(statements) != 1:
        raise QueryRefused(f"expected exactly one statement, got {len(statements)}")
    return statements[0]


def _check_read_only(query: str) -> None:
    statement = _single_statement(query)
    if statement.type == duckdb.StatementType.EXPLAIN:
        explained = _EXPLAIN_PREFIX.sub("", statement.query, count=1)
        if explained == statement.query or _single_statement(explained).type != duckdb.StatementType.SELECT:
            raise QueryRefused("the warehouse is read-only: EXPLAIN is allowed of a query (SELECT, FROM, WITH) only")
    elif statement.type != duckdb.StatementType.SELECT:
        raise QueryRefused(f"the warehouse is read-only: {statement.type.name} statements are refused; "
                           "only queries (SELECT, FROM, WITH, DESCRIBE, SHOW, EXPLAIN) are allowed")


def _sandboxed(warehouse: Path, memory_limit: str) -> duckdb.DuckDBPyConnection:
    """A read-only connection without file access whose settings no query can change back."""
    try:
        connection = duckdb.connect(str(warehouse), read_only=True,
                                    config={"enable_external_access": False, "memory_limit": memory_limit})
    except duckdb.Error as error:  # e.g. a memory limit DuckDB cannot read
        raise QueryRefused(f"cannot open {warehouse}: {str(error).splitlines()[0]}") from None
    connection.execute("set lock_configuration = true")
    return connection


def neutralise_formulas(table: pa.Table) -> pa.Table:
    """Prefix text cells that a spreadsheet would run as a formula with a single quote."""
    columns = []
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            risky = pc.fill_null(pc.starts_with(column, _FORMULA_PREFIXES[0]), False)
            for prefix in _FORMULA_PREFIXES[1:]:
                risky = pc.or_(risky, pc.fill_null(pc.starts_with(column, prefix), False))
            column = pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def run_query(warehouse: Path, query: str, output_format: str = "table", output: Path | None = None,
              max_rows: int = 40, timeout: float = DEFAULT_TIMEOUT_S, memory_limit: str = DEFAULT_MEMORY_LIMIT) -> None:
    """Run one read-only query; raises :class:`QueryRefused` before running it, :class:`QueryFailed` while."""
    _check_read_only(query)
    connection = _sandboxed(warehouse, memory_limit)
    timer = threading.Timer(timeout, connection.interrupt)
    timer.daemon = True
    timer.start()
    try:
        try:
            relation = connection.sql(query)
        except duckdb.Error as error:
            raise QueryRefused(str(error).split("\n")[0]) from None
        if output_format == "table":
            relation.show(max_rows=max_rows, max_width=200)
            return
        if output_format == "csv":
            relation = _nested_as_json(relation)
        table = relation.to_arrow_table()
    except duckdb.InterruptException:
        raise QueryFailed(f"the query was stopped after {timeout:g} s (--timeout)") from None
    except duckdb.OutOfMemoryException:
        raise QueryFailed(f"the query needs more than its memory limit of {memory_limit}") from None
    except duckdb.Error as error:
        raise QueryFailed(str(error).split("\n")[0]) from None
    finally:
        timer.cancel()
        connection.close()
    _write(table, output_format, output)


def _write(table: pa.Table, output_format: str, output: Path | None) -> None:
    if output_format == "parquet":
        if output is None and sys.stdout.isatty():
            raise QueryRefused("parquet is binary: give --output FILE or redirect standard output")
        pq.write_table(table, output or sys.stdout.buffer)
        return
    if output_format == "csv":
        data = _csv_bytes(neutralise_formulas(table))
    else:
        data = (json.dumps(table.to_pylist(), default=str, ensure_ascii=False, indent=1) + "\n").encode()
    if output:
        output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def _nested_as_json(relation: duckdb.DuckDBPyRelation) -> duckdb.DuckDBPyRelation:
    """Lists, structs and maps become JSON text: CSV has no nested values."""
    def expression(name: str, sql_type: str) -> str:
        quoted = quote(name)
        nested = sql_type.endswith("]") or sql_type.startswith(("STRUCT", "MAP", "UNION"))
        return f"to_json({quoted})::varchar as {quoted}" if nested else quoted
    return relation.project(", ".join(expression(n, str(t)) for n, t in zip(relation.columns, relation.types)))


def _csv_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pacsv.write_csv(table, sink)
    return sink.getvalue().to_pybytes()
