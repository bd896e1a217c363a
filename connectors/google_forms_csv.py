"""Google Forms responses (``format: google_forms_csv``): the Forms download or its linked Sheet's CSV.

Both have one header row of question titles after ``Timestamp`` (and ``Email Address`` when the form
collects e-mails) and no response id. They differ in two ways, told apart by the timestamps:

- the Forms download ("Download responses (.csv)") writes ``2024/03/18 9:02:11 AM GMT+1`` (the
  form owner's zone as an offset, parsed by a spec format such as ``"%Y/%m/%d %I:%M:%S %p %Z"``) and
  joins checkbox answers with ``;``;
- the linked Sheet (File > Download > CSV) writes ``3/18/2024 9:02:11`` in the spreadsheet's locale
  and time zone (say which in the spec) and joins checkbox answers with ``, ``.

A file whose first column is not ``Timestamp`` holding one of these layouts is not a Google Forms
export and is refused. Every value comes back as text; columns named in ``multi_select`` come back as
JSON lists. Since the export has no id, the connector adds ``response_hash``: a SHA-256 of the
response's non-empty answers keyed by question title, so the same response in the next (cumulative)
download gets the same id, even after a question is added to the form.

Options: ``multi_select`` (checkbox questions), ``separator`` (overrides the one the layout implies),
``timestamp_column`` (default ``Timestamp``; a form in another language names it in that language).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from connectors import csv
from connectors._lists import as_json_lists, batches_of, multi_select_columns, quote_identifier, read_table
from connectors.base import LINEAGE_FIELDS, ConnectorError, FileRead

__all__ = ["read", "RESPONSE_HASH", "FORMS_DOWNLOAD", "SHEET_EXPORT"]

RESPONSE_HASH = "response_hash"
# 2024/03/18 9:02:11 AM GMT+1 (also GMT, GMT-5, GMT+5:30)
FORMS_DOWNLOAD = r"^\d{4}/\d{2}/\d{2} \d{1,2}:\d{2}:\d{2} [AP]M GMT([+-]\d{1,2}(:\d{2})?)?$"
# 3/18/2024 9:02:11 (or 18/03/2024 09:02:11 in a day-first locale)
SHEET_EXPORT = r"^\d{1,2}[/.]\d{1,2}[/.]\d{4} \d{1,2}:\d{2}:\d{2}$"
_SEPARATOR = {FORMS_DOWNLOAD: ";", SHEET_EXPORT: ", "}
EXPECTED = ("expected a Google Forms export: a Timestamp column holding 2024/03/18 9:02:11 AM GMT+1 "
            "(Forms download) or 3/18/2024 9:02:11 (linked Sheet)")


def read(path: Path, source_file: str, encoding: str | None, options: dict[str, Any]) -> FileRead:
    opened = csv.read(path, source_file, encoding, {})
    timestamp = options.get("timestamp_column", "Timestamp")
    if not opened.columns or opened.columns[0] != timestamp:
        found = ", ".join(repr(c) for c in opened.columns[:4])
        raise ConnectorError(source_file, 1, "not_google_forms", f"{EXPECTED}; the file starts with {found}")
    if RESPONSE_HASH in opened.columns:
        raise ConnectorError(source_file, 1, "reserved_column", f"the file has a column {RESPONSE_HASH!r}, "
                             "which this connector adds")
    multi = multi_select_columns(options, opened.columns, source_file)
    table = read_table(opened)
    separator = options.get("separator") or _SEPARATOR[_layout(table.column(timestamp), source_file)]
    table = as_json_lists(table, multi, separator)
    table = _with_response_hash(table, opened.columns)
    return FileRead([*opened.columns, RESPONSE_HASH], batches_of(table), opened.rejects)


def _layout(timestamps: pa.ChunkedArray, source_file: str) -> str:
    """Which export the timestamps betray; a value of neither layout means it is not Google Forms."""
    filled = pc.filter(timestamps, pc.not_equal(pc.utf8_trim_whitespace(timestamps), ""))
    for pattern in (FORMS_DOWNLOAD, SHEET_EXPORT):
        if len(filled) and pc.all(pc.match_substring_regex(filled, pattern)).as_py():
            return pattern
    if not len(filled):
        return FORMS_DOWNLOAD
    odd = pc.filter(filled, pc.invert(pc.or_(pc.match_substring_regex(filled, FORMS_DOWNLOAD),
                                             pc.match_substring_regex(filled, SHEET_EXPORT))))
    example = odd[0].as_py() if len(odd) else f"{filled[0].as_py()!r} and others of the other layout"
    raise ConnectorError(source_file, None, "not_google_forms", f"{EXPECTED}; found {example!r}")


def _with_response_hash(table: pa.Table, columns: list[str]) -> pa.Table:
    """Append the SHA-256 (32 hex characters) of each response's non-empty answers keyed by title."""
    pairs = ", ".join(f"{{'q': $q{i}, 'a': {quote_identifier(c)}}}" for i, c in enumerate(columns))
    sql = (f"select left(sha256(to_json(list_filter([{pairs}], lambda e: trim(coalesce(e.a, '')) <> ''))), 32) "
           f"as {RESPONSE_HASH} from responses")
    connection = duckdb.connect(config={"threads": 1})  # one thread keeps the rows in order
    try:
        connection.register("responses", table.select(columns))
        hashes = connection.sql(sql, params={f"q{i}": c for i, c in enumerate(columns)}).to_arrow_table()
    finally:
        connection.close()
    data = table.select(columns).append_column(RESPONSE_HASH, hashes.column(0).cast(pa.string()))
    for name in LINEAGE_FIELDS:
        data = data.append_column(table.schema.field(name), table.column(name))
    return data
