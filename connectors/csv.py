"""Delimited text exports (``format: csv``), read with Arrow's CSV reader.

Every column is read as text; typing happens in staging, where a value that will not cast is
quarantined with its rule. Records with too many or too few fields are not lost: they come back as
:class:`RowReject` with their record number. Header cells name the columns as
:func:`connectors.base.column_names` does: a repeated name gets " (2)" on its later column, a blank one is
named ``column_<position>``, and a blank-headed column without a single value (the comma some exporters
end every line with) is dropped. A line of separators only (``,,,,``) is not a record.

Options (:class:`Options`): ``delimiter`` (default ``,``), ``quote_char`` (default ``"``, ``false`` for none),
``skip_rows`` (lines before the header, default 0).
"""

from __future__ import annotations

import mmap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from pydantic import Field

from connectors.base import (BATCH_ROWS, FIELD_COUNT, TRUNCATED_RECORD, ConnectorError, FileRead, ReaderOptions,
                             RowReject, any_cell_filled, check_reserved, check_width, column_names, reject_binary,
                             sniff_encoding, with_lineage, without_blank_unnamed)

__all__ = ["Options", "read", "read_source", "read_head", "cut_inside_quotes", "Cut", "CUT_DETAIL", "complete_last_line", "explain_error", "record_numbers", "require_closed_quotes"]


_OneCharacter = Annotated[str, Field(min_length=1, max_length=1)]


class Options(ReaderOptions):
    # Excel in European locales separates fields by ';', some exports by a tab or '|'.
    delimiter: _OneCharacter = ","
    # The character around values holding the delimiter or a line break; false for a file that quotes nothing.
    quote_char: _OneCharacter | Literal[False] = '"'
    # Lines before the header: a title or export note some tools write above it.
    skip_rows: int = Field(default=0, ge=0)


def read(path: Path, source_file: str, encoding: str | None, options: Options) -> FileRead:
    head = read_head(path, source_file)
    encoding = sniff_encoding(head, encoding, path)
    reject_binary(head, source_file, "delimited text (CSV)", encoding)
    cut = cut_inside_quotes(path, options.quote_char, encoding)
    if cut is not None:
        return read_source(cut.records, path, source_file, encoding, options, cut)
    return read_source(complete_last_line(path, head, encoding), path, source_file, encoding, options)


@dataclass(frozen=True)
class Cut:
    """A file cut short inside a quoted value of its last record: its complete records, and the rest."""

    records: pa.BufferReader
    text: str


CUT_DETAIL = ("the file ends inside a quoted value of this record (cut short, e.g. by a failed copy): expected "
              "its closing quote and line break; the records before it are loaded")


def cut_inside_quotes(path: Path, quote_char: str | bool, encoding: str) -> Cut | None:
    """The complete records of a file cut inside a quoted value of its last record, or None.

    Cut, not malformed: the quotes do not pair up and the file does not end with a line break, which a
    complete export (and a file with a quote left open in the middle, refused by ``require_closed_quotes``)
    does. The records end at the last line break outside quotes before the last, unpaired, quote.
    """
    if not quote_char or encoding.lower().startswith(("utf-16", "utf16")):
        return None
    quote = quote_char.encode(encoding)
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if data[-1:] in (b"\n", b"\r") or _count(path, quote) % 2 == 0:
            return None
        opened = data.rfind(quote)  # every quote before it pairs up: it opens the cut value
        end = data.rfind(b"\n", 0, opened)
        while end >= 0 and data[end:opened].count(quote) % 2:
            end = data.rfind(b"\n", 0, end)
        if end < 0:
            return None  # the header itself is cut
        text = data[end + 1:].decode(encoding, errors="replace")
    return Cut(pa.BufferReader(pa.memory_map(str(path)).read_buffer(end + 1)), text)


def _count(path: Path, needle: bytes) -> int:
    count = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(16 << 20), b""):
            count += chunk.count(needle)
    return count


def read_source(source: Path | pa.BufferReader, path: Path, source_file: str, encoding: str,
                options: Options, cut: Cut | None = None) -> FileRead:
    """Read ``source`` (the file, or the part of it that holds the records) as ``read`` does; the text ``cut``
    off after them is the last record's reject."""
    skip_rows = options.skip_rows
    parse_options = dict(delimiter=options.delimiter, quote_char=options.quote_char, newlines_in_values=True)
    header = _header(source, source_file, pacsv.ReadOptions(encoding=encoding, skip_rows=skip_rows, use_threads=False),
                     parse_options)
    columns = column_names(header)
    check_width(columns, source_file)  # before the records are read: their cost grows with the columns
    check_reserved(columns, source_file)
    # The header row is read as a record and dropped (not read as names), so that repeated or blank names
    # can be given the unique ones above; single-threaded, malformed records keep their numbers.
    read_options = pacsv.ReadOptions(encoding=encoding, skip_rows=skip_rows, column_names=columns, use_threads=False)
    rejects: list[RowReject] = []
    table = _read_all_as_text(source, source_file, columns, read_options, parse_options, rejects, skip_rows).slice(1)
    if cut is None:
        require_closed_quotes(path, source_file, parse_options["quote_char"], encoding, table.num_rows + len(rejects))
    else:
        rejects.append(RowReject(table.num_rows + len(rejects) + 1, TRUNCATED_RECORD, CUT_DETAIL, cut.text))
    table = without_blank_unnamed(table, header)
    rows = record_numbers(table.num_rows, [r.source_row for r in rejects])
    records = any_cell_filled(table)  # a line of separators only is not a record
    table, rows = table.filter(records), rows[records.to_numpy(zero_copy_only=False)]
    return FileRead(table.schema.names, _batches(table, rows, source_file), rejects)


def read_head(path: Path, source_file: str) -> bytes:
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    if not head.strip(b"\xef\xbb\xbf\r\n\t "):
        raise ConnectorError(source_file, None, "empty_file", "the file is empty, expected a header line")
    return head


def complete_last_line(path: Path, head: bytes, encoding: str) -> Path | pa.BufferReader:
    """A small file whose only line lacks its line break: Arrow would take the header for an empty file."""
    if len(head) == 64 * 1024 or head.rstrip(b" \t").endswith((b"\n", b"\r")) or encoding.startswith("utf-16"):
        return path
    return pa.BufferReader(head + b"\n")


def _header(path: Path | pa.BufferReader, source_file: str, read_options: pacsv.ReadOptions, parse_options: dict) -> list[str]:
    """The header row's cells, as written (blank or repeated ones included)."""
    try:
        reader = pacsv.open_csv(path, read_options=read_options,
                                parse_options=pacsv.ParseOptions(**parse_options, invalid_row_handler=lambda _: "skip"),
                                convert_options=pacsv.ConvertOptions(column_types={}))
        return reader.schema.names
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise explain_error(source_file, exc) from None


def _read_all_as_text(path: Path | pa.BufferReader, source_file: str, columns: list[str],
                      read_options: pacsv.ReadOptions, parse_options: dict, rejects: list[RowReject],
                      skipped_lines: int) -> pa.Table:
    def keep_as_reject(row: pacsv.InvalidRow) -> str:
        # The reader numbers lines from 1, counting the skipped preamble and the header.
        rejects.append(RowReject(row.number - 1 - skipped_lines if row.number else -1, FIELD_COUNT,
                                 f"expected {row.expected_columns} fields, found {row.actual_columns}", row.text))
        return "skip"

    if isinstance(path, pa.BufferReader):
        path.seek(0)
    try:
        return pacsv.read_csv(path, read_options=read_options,
                              parse_options=pacsv.ParseOptions(**parse_options, invalid_row_handler=keep_as_reject),
                              convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in columns},
                                                                   strings_can_be_null=False))
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise explain_error(source_file, exc) from None


def require_closed_quotes(path: Path, source_file: str, quote_char: str | bool, encoding: str,
                           n_records: int) -> None:
    """Refuse a file with a quoted field that is never closed.

    The reader would take everything after the opening quote, records included, for one value. In a
    well-formed file quotes come in pairs (a quote inside a field is doubled), so an odd count betrays it.
    """
    if not quote_char:
        return
    quote = quote_char.encode("utf-16-le" if encoding.startswith("utf-16") else encoding)
    if _count(path, quote) % 2:
        raise ConnectorError(source_file, None, "csv_quoting",
                             f"a quoted field is opened and never closed (from record {max(n_records, 1)} on the "
                             "rest of the file would be one value); expected every quote to be closed")


def _batches(table: pa.Table, rows: np.ndarray, source_file: str) -> Iterator[pa.RecordBatch]:
    offset = 0
    for batch in table.to_batches(max_chunksize=BATCH_ROWS):
        yield with_lineage(batch, source_file, rows[offset:offset + batch.num_rows])
        offset += batch.num_rows


def record_numbers(n_parsed: int, rejected: list[int]) -> np.ndarray:
    """Record numbers of the parsed rows: 1..N with the rejected records' numbers left out."""
    every = np.arange(1, n_parsed + len(rejected) + 1, dtype=np.int64)
    return np.setdiff1d(every, np.asarray(rejected, dtype=np.int64), assume_unique=True) if rejected else every


def explain_error(source_file: str, exc: Exception) -> ConnectorError:
    message = str(exc)
    if isinstance(exc, UnicodeDecodeError) or "UTF8" in message or "UTF-8" in message:
        return ConnectorError(source_file, None, "encoding",
                              f"the file is not valid in the expected encoding ({message.splitlines()[0]}); "
                              "declare its encoding in the spec, e.g. `encoding: cp1252`")
    if "Empty CSV file" in message:
        return ConnectorError(source_file, None, "empty_file", "the file is empty, expected a header line")
    return ConnectorError(source_file, None, "csv_parse", message.splitlines()[0])
