"""The floor: DuckDB alone reads the seed silos' files and inserts the unified rows, one statement per source.

    python benchmarks/peers/floor.py LANDING OUT.duckdb

CSV and JSON lines are read by DuckDB's own readers (``read_csv``, ``read_json``), every value as text,
as silobridge reads them. DuckDB has no Excel reader without an extension (none can be downloaded here),
so the workbooks are read by fastexcel, the reader silobridge uses, into one Arrow table that DuckDB
scans. Then one ``INSERT ... SELECT`` per source types the columns, keeps the rows that pass the basic
checks and one row per response id (see ``_unify.py``). No validation report, no quarantine, no
account resolution. Prints ``{"rows": N}`` (rows in ``unified``) as its last line.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb

from _unify import SOURCES, UNIFIED_DDL, Source, unify_sql


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def relation(source: Source, landing: Path) -> str:
    files = _literal(str(landing / source.glob))
    if source.format == "csv":
        return f"read_csv({files}, header = true, all_varchar = true, filename = true)"
    if source.format == "jsonl":
        columns = ", ".join(f"{_literal(c)}: {_literal('VARCHAR[]' if c == source.topic else 'VARCHAR')}"
                            for c in source.columns)
        return f"read_json({files}, format = 'newline_delimited', columns = {{{columns}}}, filename = true)"
    return "xlsx_rows"


def read_workbooks(source: Source, landing: Path):
    """Every workbook of the source as one Arrow table of text, with a ``filename`` column."""
    import fastexcel
    import pyarrow as pa

    tables = []
    for path in sorted((landing / source.folder).glob(source.pattern)):
        sheet = fastexcel.read_excel(path).load_sheet(0, dtypes="string").to_arrow()
        table = pa.Table.from_batches([sheet]) if isinstance(sheet, pa.RecordBatch) else sheet
        tables.append(table.append_column("filename", pa.array([str(path)] * table.num_rows, pa.string())))
    return pa.concat_tables(tables, promote_options="permissive")


def main(landing: Path, database: Path) -> int:
    connection = duckdb.connect(str(database))
    try:
        connection.execute(UNIFIED_DDL)
        for source in SOURCES:
            if source.format == "xlsx":
                connection.register("xlsx_rows", read_workbooks(source, landing))
            connection.execute(unify_sql(source, relation(source, landing)))
        rows = connection.execute("select count(*) from unified").fetchone()[0]
    finally:
        connection.close()
    print(json.dumps({"rows": rows}))
    return rows


if __name__ == "__main__":
    main(Path(sys.argv[1]).absolute(), Path(sys.argv[2]))
