"""``silobridge sql``: read-only queries against the published warehouse.

Only queries are allowed (SELECT, FROM, WITH, DESCRIBE, SHOW, EXPLAIN); the connection is read-only
and has no file-system access, so a query can neither change the warehouse nor write files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

__all__ = ["QueryRefused", "run_query", "neutralise_formulas"]

_READ_ONLY_TYPES = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
# Cells starting with these are run as formulas by spreadsheet programs (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class QueryRefused(Exception):
    """The query would change something or is not valid SQL."""


def _check_read_only(query: str) -> None:
    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as error:
        raise QueryRefused(f"not valid SQL: {error}") from None
    if len(statements) != 1:
        raise QueryRefused(f"expected exactly one statement, got {len(statements)}")
    if statements[0].type not in _READ_ONLY_TYPES:
        raise QueryRefused(f"the warehouse is read-only: {statements[0].type.name} statements are refused; "
                           "only queries (SELECT, FROM, WITH, DESCRIBE, SHOW, EXPLAIN) are allowed")


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
              max_rows: int = 40) -> None:
    _check_read_only(query)
    connection = duckdb.connect(str(warehouse), read_only=True, config={"enable_external_access": False})
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
    finally:
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
        quoted = '"' + name.replace('"', '""') + '"'
        nested = sql_type.endswith("]") or sql_type.startswith(("STRUCT", "MAP", "UNION"))
        return f"to_json({quoted})::varchar as {quoted}" if nested else quoted
    return relation.project(", ".join(expression(n, str(t)) for n, t in zip(relation.columns, relation.types)))


def _csv_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pacsv.write_csv(table, sink)
    return sink.getvalue().to_pybytes()
