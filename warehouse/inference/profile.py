"""Profile a sample export: read it through its format's connector, describe every column in DuckDB SQL.

The first :data:`SAMPLE_ROWS` rows are profiled, as text exactly as the raw layer would store them
(typed Arrow values cast, nested ones as JSON, blanks as absent). All statistics are SQL aggregates
over the sample (``profile_columns.sql``, and one count per timestamp layout); Python only looks at one row of
numbers per column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyarrow as pa


from connectors import LINEAGE_FIELDS, ConnectorError, options_model, read_file
from connectors.base import is_utf8

from warehouse.db import connect
from warehouse.inference.detect import THRESHOLDS, TIMESTAMP_FORMATS, TimestampCounts
from warehouse.packaged import packaged_text
from warehouse.raw import raw_text

__all__ = ["SAMPLE_ROWS", "ColumnProfile", "FileProfile", "profile_file"]

SAMPLE_ROWS = 10_000
# Tried when a file is not valid UTF-8 and no encoding was given: Windows' Western European code page,
# what Excel and CRM report exports write.
FALLBACK_ENCODING = "cp1252"
_DELIMITERS = (";", "\t", "|")


@dataclass(frozen=True)
class ColumnProfile:
    """What one column's non-empty sample values look like (counts are of values, not rows)."""

    name: str
    position: int
    description: str | None  # the question text, when the export names columns by id
    n_filled: int = 0
    n_distinct: int = 0
    n_numeric: int = 0
    n_integer: int = 0
    integer_histogram: dict[int, int] = field(default_factory=dict)
    n_email: int = 0
    n_crm_id: int = 0
    n_crm_account_id: int = 0
    mean_length: float = 0.0
    n_with_space: int = 0
    n_json_list: int = 0
    n_semicolon: int = 0
    n_comma: int = 0
    n_offset_timestamp: int = 0
    n_iso_timestamp: int = 0
    n_date_like: int = 0
    n_phone: int = 0          # values shaped like a phone number (+1 555 555 0123)
    n_ip: int = 0             # IPv4 / IPv6 addresses
    n_address: int = 0        # a house number and a street (221B Baker Street, Hauptstraße 5)
    n_name_shaped: int = 0    # one to four capitalised words of letters (Dana Lee)
    n_coordinate: int = 0     # decimals within ±180 (39.7392)
    value_counts: dict[str, int] | None = None  # value → count, for columns with few distinct values
    timestamp_formats: dict[str, int] = field(default_factory=dict)

    @property
    def distinct_values(self) -> list[str] | None:
        return sorted(self.value_counts) if self.value_counts is not None else None

    def share(self, count: int) -> float:
        """``count`` as a share of the column's non-empty values."""
        return count / self.n_filled if self.n_filled else 0.0

    @property
    def timestamp_counts(self) -> TimestampCounts:
        return TimestampCounts(self.n_filled, self.n_offset_timestamp, self.n_iso_timestamp,
                               self.timestamp_formats)


@dataclass(frozen=True)
class FileProfile:
    """A sample export: its columns as the connector names them, the reader options that opened it."""

    file: Path
    format: str
    options: dict[str, Any]
    columns: list[ColumnProfile]
    n_rows: int                       # records the connector gave as rows (whole file)
    n_profiled: int                   # of which the first ones were profiled
    reader_rejects: dict[str, int]    # rule → records the reader set aside (previews, field counts ...)
    layout: str                       # how the header was read, for the proposal's comment
    encoding: str | None = None       # the encoding the file was read in, when one had to be given
    encoding_guessed: bool = False    # ... because it is not UTF-8 and none was declared
    zones: dict[str, str] = field(default_factory=dict)  # column → the time zone the file says it is in

    @property
    def named_by_id(self) -> bool:
        """The reader named columns by id and the question texts were found (``columns_by``)."""
        return any(c.description for c in self.columns)

    def column(self, name: str) -> ColumnProfile:
        return next(c for c in self.columns if c.name == name)


def profile_file(path: Path, fmt: str, encoding: str | None = None,
                 options: dict[str, Any] | None = None) -> FileProfile:
    """Read ``path`` as ``fmt`` and profile the first :data:`SAMPLE_ROWS` rows of every column.

    A file that is not UTF-8 (nor declares another encoding with a byte-order mark) is read as
    :data:`FALLBACK_ENCODING` when no encoding is given, and the profile says the encoding is a guess.
    """
    if encoding is None and _is_delimited(fmt) and not _has_bom(path) and not is_utf8(path):
        # Decided before reading: read as UTF-8, a record with a stray delimiter breaks on its first
        # non-UTF-8 byte as a parse error, not as the encoding error the fallback below waits for.
        return replace(_profile(path, fmt, FALLBACK_ENCODING, dict(options or {})), encoding_guessed=True)
    try:
        return _profile(path, fmt, encoding, dict(options or {}))
    except ConnectorError as error:
        if encoding is not None or error.rule != "encoding":
            raise
    profile = _profile(path, fmt, FALLBACK_ENCODING, dict(options or {}))
    return replace(profile, encoding_guessed=True)


def _is_delimited(fmt: str) -> bool:
    return fmt == "csv" or fmt.endswith("_csv")


def _has_bom(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4).startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))


def _profile(path: Path, fmt: str, encoding: str | None, options: dict[str, Any]) -> FileProfile:
    opened, options, layout = _open(path, fmt, encoding, options)
    sample, n_rows, rejects = _sample(opened)
    descriptions = _descriptions(path, fmt, encoding, options, opened.columns)
    if descriptions:
        layout = (f"columns named by {fmt}'s column ids (`columns_by: column_id`); "
                  "each column's question text is shown beside it")
    columns = _profile_columns(sample, opened.columns, descriptions)
    return FileProfile(path, fmt, options, columns, n_rows, sample.num_rows, rejects, layout, encoding,
                       zones=dict(opened.zones))


def _open(path: Path, fmt: str, encoding: str | None, options: dict[str, Any]):
    opened = read_file(fmt, path, path.name, encoding=encoding, options=options)
    layout = f"{len(opened.columns)} columns as the {fmt} reader names them"
    if fmt == "csv" and "delimiter" not in options and len(opened.columns) == 1:
        # A one-column CSV whose header holds another delimiter is that delimiter's export (Excel in
        # European locales writes ';').
        for delimiter in _DELIMITERS:
            if delimiter in opened.columns[0]:
                options = {**options, "delimiter": delimiter}
                opened = read_file(fmt, path, path.name, encoding=encoding, options=options)
                layout = f"{len(opened.columns)} columns separated by {delimiter!r}"
                break
    return opened, options, layout


def _sample(opened) -> tuple[pa.Table, int, dict[str, int]]:
    """The first rows as a table of the file's columns; every row counted, every reject tallied."""
    kept: list[pa.RecordBatch] = []
    n_rows = 0
    for batch in opened.batches:
        if n_rows < SAMPLE_ROWS:
            kept.append(batch.slice(0, SAMPLE_ROWS - n_rows))
        n_rows += batch.num_rows
    rejects: dict[str, int] = {}
    for reject in opened.rejects:
        rejects[reject.rule] = rejects.get(reject.rule, 0) + 1
    if kept:
        table = pa.Table.from_batches(kept)
    else:
        table = pa.table({c: pa.array([], pa.string()) for c in opened.columns})
    return table.select([c for c in table.column_names if c not in LINEAGE_FIELDS]), n_rows, rejects


def _descriptions(path: Path, fmt: str, encoding: str | None, options: dict[str, Any],
                  columns: list[str]) -> dict[str, str]:
    """Question texts of an export whose reader can name columns either way (``columns_by``).

    Columns stay addressed by id in the spec (short, stable across wording changes); the texts help
    to recognise each column and are shown beside it.
    """
    if "columns_by" in options or "columns_by" not in options_model(fmt).model_fields:
        return {}
    try:
        by_text = read_file(fmt, path, path.name, encoding=encoding, options={**options, "columns_by": "question_text"})
    except ConnectorError:
        return {}
    if len(by_text.columns) != len(columns) or by_text.columns == columns:
        return {}
    return {c: t for c, t in zip(columns, by_text.columns) if t != c}


def _as_text(field_: pa.Field) -> str:
    """The text the raw layer stores for a value, trimmed, blank as absent: the profile sees what staging will."""
    return f"sb_text({raw_text(field_)})"


def _profile_columns(sample: pa.Table, columns: list[str], descriptions: dict[str, str]) -> list[ColumnProfile]:
    connection = connect(":memory:")
    try:
        connection.register("sample_rows", sample)
        positional = {f"c{i}": name for i, name in enumerate(columns)}
        selected = ", ".join(f"{_as_text(sample.schema.field(name))} as c{i}"
                             for i, name in enumerate(columns))
        connection.execute(f"create temp table sample_values as select col, v from "
                           f"(unpivot (select {selected} from sample_rows) on columns(*) into name col value v)"
                           if columns else "create temp table sample_values (col varchar, v varchar)")
        stats = connection.execute(packaged_text("inference/profile_columns.sql"),
                                   {"max_distinct": THRESHOLDS.choice_max_distinct})
        names = [d[0] for d in stats.description]
        by_column = {row[0]: dict(zip(names, row)) for row in stats.fetchall()}
        date_like = [c for c, s in by_column.items() if s["n_date_like"] and not s["n_iso_timestamp"]]
        layouts = _layouts(connection, date_like)
    finally:
        connection.close()
    return [_column(i, positional[f"c{i}"], descriptions, by_column.get(f"c{i}"), layouts.get(f"c{i}", {}))
            for i in range(len(columns))]


def _layouts(connection, columns: list[str]) -> dict[str, dict[str, int]]:
    """Per date-like column, how many values each strptime layout reads (layouts must be constants)."""
    if not columns:
        return {}
    # A layout that reads a year before 1900 misreads a two-digit one: `%Y` takes "8/25/22" as the year 22.
    counts = ", ".join(f"count(*) filter (try_strptime(v, $f{i}) >= $earliest)" for i in range(len(TIMESTAMP_FORMATS)))
    params = {f"f{i}": fmt for i, fmt in enumerate(TIMESTAMP_FORMATS)} | {"columns": columns,
                                                                         "earliest": dt.datetime(1900, 1, 1)}
    rows = connection.execute(f"select col, {counts} from sample_values "
                              "where list_contains($columns::varchar[], col) group by col", params).fetchall()
    return {row[0]: {fmt: n for fmt, n in zip(TIMESTAMP_FORMATS, row[1:]) if n} for row in rows}


def _column(position: int, name: str, descriptions: dict[str, str], stats: dict[str, Any] | None,
            layouts: dict[str, int]) -> ColumnProfile:
    if stats is None:  # no value at all in the sample
        return ColumnProfile(name, position, descriptions.get(name))
    stats = {k: v for k, v in stats.items() if k != "col"}
    stats["integer_histogram"] = {int(k): int(v) for k, v in (stats["integer_histogram"] or {}).items()}
    stats["mean_length"] = float(stats["mean_length"] or 0)
    if stats["value_counts"] is not None:
        stats["value_counts"] = {str(k): int(v) for k, v in stats["value_counts"].items()}
    return ColumnProfile(name, position, descriptions.get(name), **stats, timestamp_formats=layouts)
