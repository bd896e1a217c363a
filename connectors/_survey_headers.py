"""Shared by the survey-tool connectors (Qualtrics, SurveyMonkey): exports with several header rows.

A survey export carries its column names over two or three header rows (ids, question text, answer
options, import ids). The file is parsed once by Arrow's CSV reader (or fastexcel) with every row as
data and every column as text; the few header rows are then taken off the top and interpreted in
Python, and the data rows stay in Arrow. ``source_row`` counts data records only, header rows not
counted, as for every other connector.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from connectors.base import (BATCH_ROWS, FIELD_COUNT, TRUNCATED_RECORD, ConnectorError, FileRead, RowReject,
                             any_cell_filled, check_reserved, column_names, reject_binary, sniff_encoding,
                             with_lineage, without_blank_unnamed)
from connectors.csv import (CUT_DETAIL, complete_last_line, cut_inside_quotes, explain_error, read_head,
                            record_numbers, require_closed_quotes)

__all__ = ["Grid", "read_csv_grid", "grid_from_table", "clean_name", "text_of_records", "file_read"]


@dataclass
class Grid:
    """A file read with every row as data: the header rows still on top, columns named ``f0..fN``.

    ``records`` holds the 1-based record number (header rows included) of each row of ``table``;
    ``rejects`` the records Arrow could not parse (wrong field count), numbered the same way.
    """

    table: pa.Table
    records: np.ndarray
    rejects: list[RowReject] = field(default_factory=list)

    def header_rows(self, n: int) -> list[list[str]]:
        """The first ``n`` rows (fewer if the file is shorter), as lists of text ('' for empty)."""
        rows = self.table.slice(0, n).to_pylist()
        return [["" if v is None else str(v) for v in row.values()] for row in rows]

    def data(self, n_header: int, source_file: str) -> tuple[pa.Table, np.ndarray, list[RowReject]]:
        """The rows under ``n_header`` header rows, their data record numbers, and renumbered rejects."""
        broken = [r for r in self.rejects if r.source_row <= n_header]
        if broken or list(self.records[:n_header]) != list(range(1, n_header + 1)):
            line = broken[0].source_row if broken else None
            raise ConnectorError(source_file, line, "header",
                                 f"header row {line} has the wrong number of fields: {broken[0].detail}" if broken
                                 else f"expected {n_header} header rows")
        rejects = [RowReject(r.source_row - n_header, r.rule, r.detail, r.raw_text) for r in self.rejects]
        return self.table.slice(n_header), self.records[n_header:] - n_header, rejects


def read_csv_grid(path: Path, source_file: str, encoding: str | None, expected: str) -> Grid:
    """Parse a delimited export with Arrow, every row (header rows too) as a text record."""
    head = read_head(path, source_file)
    encoding = sniff_encoding(head, encoding, path)
    reject_binary(head, source_file, expected, encoding)
    cut = cut_inside_quotes(path, '"', encoding)  # a copy cut short: its complete records still load
    source = cut.records if cut else complete_last_line(path, head, encoding)
    parse = dict(delimiter=",", quote_char='"', newlines_in_values=True)
    try:
        probe = pacsv.open_csv(source, read_options=pacsv.ReadOptions(encoding=encoding, use_threads=False,
                                                                      autogenerate_column_names=True),
                               parse_options=pacsv.ParseOptions(**parse, invalid_row_handler=lambda _: "skip"),
                               convert_options=pacsv.ConvertOptions(column_types={}))
        width = len(probe.schema.names)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise explain_error(source_file, exc) from None
    names = [f"f{i}" for i in range(width)]
    rejects: list[RowReject] = []

    def keep_as_reject(row: pacsv.InvalidRow) -> str:
        # With the column names given, the reader numbers records from 1, header rows included.
        rejects.append(RowReject(row.number if row.number else -1, FIELD_COUNT,
                                 f"expected {row.expected_columns} fields, found {row.actual_columns}", row.text))
        return "skip"

    if isinstance(source, pa.BufferReader):
        source.seek(0)
    try:
        table = pacsv.read_csv(source, read_options=pacsv.ReadOptions(encoding=encoding, use_threads=False,
                                                                      column_names=names),
                               parse_options=pacsv.ParseOptions(**parse, invalid_row_handler=keep_as_reject),
                               convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                                    strings_can_be_null=False))
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise explain_error(source_file, exc) from None
    if cut is None:
        require_closed_quotes(path, source_file, '"', encoding, table.num_rows + len(rejects))
    else:
        rejects.append(RowReject(table.num_rows + len(rejects) + 1, TRUNCATED_RECORD, CUT_DETAIL, cut.text))
    return Grid(table, record_numbers(table.num_rows, [r.source_row for r in rejects]), rejects)


def grid_from_table(table: pa.Table) -> Grid:
    """A sheet read without a header row (fastexcel): every row a record, numbered 1..N."""
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    table = table.rename_columns([f"f{i}" for i in range(table.num_columns)])
    return Grid(table, np.arange(1, table.num_rows + 1, dtype=np.int64))


_SPACE = re.compile(r"\s+")


def clean_name(text: str) -> str:
    """A header cell as a column name: line breaks and runs of blanks become one space."""
    return _SPACE.sub(" ", text).strip()


def duplicated(names: list[str]) -> set[str]:
    counts = Counter(names)
    return {n for n, c in counts.items() if c > 1}


def text_of_records(table: pa.Table) -> list[str]:
    """Each row as one CSV record (quoted where needed), for the raw text of a reject. Vectorised."""
    if table.num_rows == 0:
        return []
    cells = []
    for column in table.columns:
        column = pc.fill_null(column.cast(pa.string()), "")
        needs_quotes = pc.match_substring_regex(column, r'[",\r\n]')
        quoted = pc.binary_join_element_wise('"', pc.replace_substring(column, '"', '""'), '"', "")
        cells.append(pc.if_else(needs_quotes, quoted, column))
    return pc.binary_join_element_wise(*cells, ",").to_pylist()


def file_read(data: pa.Table, columns: list[str], rows: np.ndarray, source_file: str,
              rejects: list[RowReject]) -> FileRead:
    """Name the data columns (as :func:`connectors.base.column_names` does), and stream them with lineage;
    rejects sorted by record number."""
    data = without_blank_unnamed(data.rename_columns(column_names(columns)), columns)
    check_reserved(data.schema.names, source_file)
    records = any_cell_filled(data)  # a line of separators only is not a record
    data, rows = data.filter(records), rows[records.to_numpy(zero_copy_only=False)]
    rejects.sort(key=lambda r: r.source_row)
    return FileRead(data.schema.names, _batches(data, rows, source_file), rejects)


def _batches(table: pa.Table, rows: np.ndarray, source_file: str) -> Iterator[pa.RecordBatch]:
    offset = 0
    for batch in table.to_batches(max_chunksize=BATCH_ROWS):
        yield with_lineage(batch, source_file, rows[offset:offset + batch.num_rows])
        offset += batch.num_rows


# --- SurveyMonkey: two header rows, question text over answer option ---------------------------------

SURVEYMONKEY_EXPECTED = "expected SurveyMonkey's two header rows starting with Respondent ID"
_WHOLE_ANSWER = {"", "Response", "Open-Ended Response"}


def surveymonkey_names(head: list[list[str]], source_file: str) -> list[str]:
    """Column names from SurveyMonkey's question row and answer-option row, or not SurveyMonkey.

    A question spanning several columns (multi-select, matrix, "Other (please specify)") has its text
    over the first column only: it is carried forward. A column is named by its question when the
    second row is blank, "Response" or "Open-Ended Response", else "question - option". A name still
    shared (the same question asked twice) gets " (2)", " (3)" on its later columns (in ``file_read``).
    """
    if len(head) < 2 or clean_name(head[0][0]) != "Respondent ID" or head[1][0].strip():
        found = ", ".join(repr(c) for c in (head[0][:4] if head else []))
        raise ConnectorError(source_file, 1, "not_surveymonkey",
                             f"{SURVEYMONKEY_EXPECTED} (question text, then answer options); "
                             f"the file starts with {found or 'nothing'}")
    names, question = [], ""
    for text, option in zip(head[0], head[1]):
        question = clean_name(text) or question
        option = clean_name(option)
        names.append(question if option in _WHOLE_ANSWER else f"{question} - {option}")
    return names  # a name still shared is made unique by file_read
