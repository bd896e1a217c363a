"""Shared by the survey-tool connectors: multi-select answers as JSON lists, responses as Arrow tables.

A checkbox question comes out of most tools as one text cell with its choices joined (Google Forms'
download by ``;``, its linked Sheet by ``, ``, Typeform's CSV by ``,``). The connector names which
columns hold such answers (spec option ``multi_select``) and turns each cell into a JSON list
(``["Dashboards","API"]``), which staging reads as a list for ``topic`` and ``attributes``. An
unanswered cell stays empty. The work is one DuckDB statement over the whole Arrow table.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from connectors.base import BATCH_ROWS, LINEAGE_FIELDS, ConnectorError, FileRead, check_reserved
from schemas.sql_names import quote

__all__ = ["choice_columns", "gather_choices", "multi_select_columns", "as_json_lists", "read_table", "batches_of", "lineage_table"]


def multi_select_columns(options: dict[str, Any], columns: list[str], source_file: str) -> list[str]:
    """The ``multi_select`` option: a list of the file's column names."""
    wanted = options.get("multi_select", [])
    if isinstance(wanted, str):
        wanted = [wanted]
    if not isinstance(wanted, list) or not all(isinstance(c, str) for c in wanted):
        raise ConnectorError(source_file, None, "options",
                             f"multi_select is {wanted!r}, expected a list of column names")
    missing = [c for c in wanted if c not in columns]
    if missing:
        raise ConnectorError(source_file, 1, "options",
                             f"multi_select names {missing}, expected columns of the file: {columns}")
    return wanted


def choice_columns(options: dict[str, Any], columns: list[str], source_file: str) -> dict[str, list[str]]:
    """The ``choice_columns`` option: each question named with the file's columns that hold its choices."""
    wanted = options.get("choice_columns", {})
    if not isinstance(wanted, dict) or not all(
            isinstance(q, str) and isinstance(cs, list) and cs and all(isinstance(c, str) for c in cs)
            for q, cs in wanted.items()):
        raise ConnectorError(source_file, None, "options", f"choice_columns is {wanted!r}, expected each question "
                             "with the list of its choice columns, e.g. {Which features?: [Dashboards, Alerts, Other]}")
    listed = [c for cs in wanted.values() for c in cs]
    missing = [c for c in listed if c not in columns]
    if missing:
        raise ConnectorError(source_file, 1, "options",
                             f"choice_columns names {missing}, expected columns of the file: {columns}")
    twice = sorted({c for c in listed if listed.count(c) > 1})
    clash = [q for q, cs in wanted.items() if q in columns and q not in cs]
    if twice or clash:
        raise ConnectorError(source_file, 1, "options", f"choice_columns lists {twice} under two questions"
                             if twice else f"choice_columns question(s) {clash} are already columns of the file")
    return wanted


def gather_choices(table: pa.Table, groups: dict[str, list[str]]) -> pa.Table:
    """Each question's choice columns as one column where its first choice was: a JSON list of the filled
    cells in column order ('' when none is), the way ``as_json_lists`` gives a joined cell."""
    if not groups:
        return table
    first = {cs[0]: q for q, cs in groups.items()}
    gathered = {c for cs in groups.values() for c in cs}
    select = []
    for name in table.schema.names:
        if name in first:
            question = first[name]
            cells = ", ".join(quote(c) for c in groups[question])
            select.append(f"coalesce(nullif(to_json(list_filter(list_transform([{cells}], lambda x: trim(x)), "
                          f"lambda x: coalesce(x, '') <> ''))::varchar, '[]'), '') as {quote(question)}")
        elif name not in gathered:
            select.append(quote(name))
    connection = duckdb.connect(config={"threads": 1})  # one thread keeps the rows in order
    try:
        connection.register("responses", table)
        return connection.sql(f"select {', '.join(select)} from responses").to_arrow_table()
    finally:
        connection.close()


def as_json_lists(table: pa.Table, columns: list[str], separator: str) -> pa.Table:
    """Each cell of ``columns`` split on ``separator`` into a JSON list of trimmed choices ('' stays '')."""
    if not columns or table.num_rows == 0:
        return table
    replaced = ", ".join(
        f"case when trim(coalesce({quote(c)}, '')) = '' then {quote(c)} "
        f"else to_json(list_filter(list_transform(string_split({quote(c)}, $separator), "
        f"lambda x: trim(x)), lambda x: x <> ''))::varchar end as {quote(c)}" for c in columns)
    connection = duckdb.connect(config={"threads": 1})  # one thread keeps the rows in order
    try:
        connection.register("responses", table)
        return connection.sql(f"select * replace ({replaced}) from responses",
                              params={"separator": separator}).to_arrow_table().cast(table.schema)
    finally:
        connection.close()


def read_table(read: FileRead) -> pa.Table:
    """Every batch of a connector's read, with its lineage columns, as one table (rejects then complete)."""
    batches = list(read.batches)
    if batches:
        return pa.Table.from_batches(batches)
    schema = pa.schema([*(pa.field(c, pa.string()) for c in read.columns),
                        pa.field(LINEAGE_FIELDS[0], pa.string()), pa.field(LINEAGE_FIELDS[1], pa.int64())])
    return schema.empty_table()


def batches_of(table: pa.Table) -> Iterator[pa.RecordBatch]:
    """A table that already carries its lineage columns, as batches."""
    yield from table.to_batches(max_chunksize=BATCH_ROWS)


def lineage_table(data: pa.Table, rows: np.ndarray, source_file: str) -> pa.Table:
    """Text columns plus ``source_file`` and ``source_row`` (the given record numbers)."""
    check_reserved(data.schema.names, source_file)
    data = data.cast(pa.schema([pa.field(n, pa.string()) for n in data.schema.names]))
    return (data.append_column(LINEAGE_FIELDS[0], pa.repeat(pa.scalar(source_file, pa.string()), data.num_rows))
            .append_column(pa.field(LINEAGE_FIELDS[1], pa.int64()), pa.array(rows, pa.int64())))
