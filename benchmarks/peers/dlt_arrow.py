"""dlt loads the seed silos' files into DuckDB through its Arrow path, then the same unifying SQL runs.

    python benchmarks/peers/dlt_arrow.py LANDING OUT.duckdb

One ``@dlt.resource`` per source yields one Arrow table per file (dlt's documented fast path: no row
by row normalisation, the tables go to Parquet and DuckDB loads the Parquet): CSVs read by Arrow's CSV
reader, JSON lines by DuckDB's JSON reader (Arrow's refuses a key whose values mix numbers and text, as
the planning survey's ``nps`` does in broken rows), workbooks by fastexcel. Every value is read as text.
dlt writes the raw tables into the dataset ``raw`` of OUT.duckdb; then one ``INSERT ... SELECT`` per
source builds ``unified`` exactly as the floor does (see ``_unify.py``). Prints ``{"rows": N}``.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")  # no network from a benchmark

import dlt  # noqa: E402
import duckdb  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.csv as pacsv  # noqa: E402
from dlt.common.normalizers.naming.snake_case import NamingConvention  # noqa: E402

from _unify import SOURCES, UNIFIED_DDL, Source, quote, unify_sql  # noqa: E402

FILE_COLUMN = "source_file"


def _with_file(table: pa.Table, path: Path) -> pa.Table:
    return table.append_column(FILE_COLUMN, pa.array([str(path)] * table.num_rows, pa.string()))


def read_csv(path: Path) -> pa.Table:
    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    return pacsv.read_csv(path, parse_options=pacsv.ParseOptions(newlines_in_values=True),
                          convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in header}))


def read_jsonl(path: Path, source: Source) -> pa.Table:
    columns = ", ".join(f"'{c}': '{'VARCHAR[]' if c == source.topic else 'VARCHAR'}'" for c in source.columns)
    with duckdb.connect() as connection:
        return connection.sql(f"select * from read_json(?, format = 'newline_delimited', columns = {{{columns}}})",
                              params=[str(path)]).to_arrow_table()


def read_xlsx(path: Path) -> pa.Table:
    import fastexcel

    sheet = fastexcel.read_excel(path).load_sheet(0, dtypes="string").to_arrow()
    table = pa.Table.from_batches([sheet]) if isinstance(sheet, pa.RecordBatch) else sheet
    return table.cast(pa.schema([pa.field(f.name, f.type, nullable=True) for f in table.schema]))


def resource(source: Source, landing: Path):
    readers = {"csv": read_csv, "jsonl": lambda p: read_jsonl(p, source), "xlsx": read_xlsx}

    @dlt.resource(name=source.name, write_disposition="replace")
    def files():
        for path in sorted((landing / source.folder).glob(source.pattern)):
            yield _with_file(readers[source.format](path), path)

    return files


def main(landing: Path, database: Path) -> int:
    pipeline = dlt.pipeline(pipeline_name="silobridge_bench", destination=dlt.destinations.duckdb(str(database)),
                            dataset_name="raw", pipelines_dir=str(database.parent / f"{database.stem}.dlt"))
    pipeline.run([resource(s, landing) for s in SOURCES], loader_file_format="parquet")
    naming = NamingConvention()
    with duckdb.connect(str(database)) as connection:
        connection.execute(UNIFIED_DDL)
        for source in SOURCES:
            connection.execute(unify_sql(source, f"raw.{quote(naming.normalize_table_identifier(source.name))}",
                                         column=lambda c: quote(naming.normalize_identifier(c)),
                                         file_column=FILE_COLUMN, topic_list="json"))
        rows = connection.execute("select count(*) from unified").fetchone()[0]
    print(json.dumps({"rows": rows}))
    return rows


if __name__ == "__main__":
    main(Path(sys.argv[1]).absolute(), Path(sys.argv[2]).absolute())
