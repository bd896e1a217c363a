"""Shared by the survey-tool connectors: multi-select answers as JSON lists, responses as Arrow tables.

A checkbox question comes out of most tools as one text cell with its choices joined (Google Forms'
download by ``;``, its linked Sheet by ``, ``, Typeform's CSV by ``,``). The connector names which
columns hold such answers (spec option ``multi_select``, :class:`MultiSelectOptions`) and turns each
cell into a JSON list (``["Dashboards","API"]``), which staging reads as a list for ``topic`` and
``attributes``. An unanswered cell stays empty. The work is one DuckDB statement over the whole Arrow table.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
from pydantic import Field, field_validator

from connectors.base import BATCH_ROWS, LINEAGE_FIELDS, ConnectorError, FileRead, ReaderOptions, check_reserved
from schemas.sql_names import quote

__all__ = ["MultiSelectOptions", "choices_listed_once", "choice_columns", "gather_choices", "multi_select_columns", "as_json_lists", "read_table", "batches_of", "lineage_table"]


class MultiSelectOptions(ReaderOptions):
    """The options of a format whose checkbox answers come joined in one cell."""

    # Columns holding checkbox answers joined in one cell, each turned into a JSON list of its choices.
    multi_select: list[str] = Field(default_factory=list)
    # The text between a cell's choices; None: the one the format writes.
    separator: str | None = Field(default=None, min_length=1)

    @field_validator("multi_select", mode="before")
    @classmethod
    def _one_column(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value  # `multi_select: Features`


def multi_select_columns(wanted: list[str], columns: list[str], source_file: str) -> list[str]:
    """The ``multi_select`` columns, each of which the file must have."""
    missing = [c for c in wanted if c not in columns]
    if missing:
        raise ConnectorError(source_file, 1, "options",
                             f"multi_select names {missing}, expected columns of the file: {columns}")
    return wanted


def choices_listed_once(groups: dict[str, list[str]]) -> dict[str, list[str]]:
    """A ``choice_columns`` value whose every choice column belongs to one question only."""
    listed = [c for cs in groups.values() for c in cs]
    twice = sorted({c for c in listed if listed.count(c) > 1})
    if twice:
        raise ValueError(f"each choice column under one question, got {twice} under two questions")
    return groups


def choice_columns(groups: dict[str, list[str]], columns: list[str], source_file: str) -> dict[str, list[str]]:
    """The ``choice_columns`` option: each question with its choice columns, all of them the file's, and no
    question named like another column of the file."""
    missing = [c for cs in groups.values() for c in cs if c not in columns]
    if missing:
        raise ConnectorError(source_file, 1, "options",
                             f"choice_columns names {missing}, expected columns of the file: {columns}")
    clash = [q for q, cs in groups.items() if q in columns and q not in cs]
    if clash:
        raise ConnectorError(source_file, 1, "options",
                             f"choice_columns question(s) {clash} are already columns of the file")
    return groups


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
