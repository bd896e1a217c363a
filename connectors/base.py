"""What every connector returns, and the lineage every batch carries."""

from __future__ import annotations

import codecs
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ConfigDict

__all__ = ["ReaderOptions", "OptionsError", "FileRead", "RowReject", "FIELD_COUNT", "TRUNCATED_RECORD", "ConnectorError", "LINEAGE_FIELDS", "with_lineage",
           "BATCH_ROWS", "sniff_encoding", "reject_binary", "check_reserved", "check_width", "MAX_COLUMNS",
           "column_names", "without_blank_unnamed", "any_cell_filled", "is_utf8"]

LINEAGE_FIELDS = ("source_file", "source_row")
# The rule of a record whose number of fields differs from the header's.
FIELD_COUNT = "field_count"
# The rule of the last record of a file cut short inside it (a failed copy): the records before it load.
TRUNCATED_RECORD = "truncated_record"
BATCH_ROWS = 128 * 1024  # rows per Arrow batch: large enough for vectorised work, small for memory


class ReaderOptions(BaseModel):
    """What a spec's ``options:`` may say to a connector; each module's ``Options`` extends it with its fields.

    A misspelt or unknown option is refused (``extra="forbid"``) rather than silently ignored, and values
    are taken as YAML wrote them (``strict``): ``include_spam: "no"`` is a string, not false.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class OptionsError(ValueError):
    """Options a format does not take: the key (``options.delimitr``) and what was expected there."""

    def __init__(self, key: str, expected: str):
        self.key, self.expected = key, expected
        super().__init__(f"{key}: {expected}")


class ConnectorError(Exception):
    """A whole file could not be read; names the file, where, and the rule it broke."""

    def __init__(self, source_file: str, line: int | None, rule: str, detail: str):
        self.source_file, self.line, self.rule, self.detail = source_file, line, rule, detail
        where = f", line {line}" if line is not None else ""
        super().__init__(f"{source_file}{where}: {rule}: {detail}")


@dataclass(frozen=True)
class RowReject:
    """A record the reader could parse only as text (e.g. the wrong number of fields)."""

    source_row: int
    rule: str
    detail: str
    raw_text: str


@dataclass
class FileRead:
    """An opened file: its columns, a stream of batches, and rejects found while streaming.

    ``rejects`` is complete once ``batches`` has been consumed.
    """

    columns: list[str]
    batches: Iterator[pa.RecordBatch]
    rejects: list[RowReject] = field(default_factory=list)
    # column → the time zone (IANA name) the file itself says its values are in (Qualtrics' ImportId row)
    zones: dict[str, str] = field(default_factory=dict)


# Columns a file may have. Real survey exports reach a few hundred (a Qualtrics matrix question is a column per
# row and choice); far beyond, a file is a mistake or an attack on the run's memory (20,000 columns: 24 GB).
MAX_COLUMNS = 2_000


def check_width(columns: list[str], source_file: str) -> None:
    """Refuse a file wider than :data:`MAX_COLUMNS`; readers call it once they know the header."""
    if len(columns) > MAX_COLUMNS:
        raise ConnectorError(source_file, 1, "too_many_columns",
                             f"the file has {len(columns):,} columns, at most {MAX_COLUMNS:,} are loaded; "
                             "export only the survey's questions")


def check_reserved(columns: list[str], source_file: str) -> None:
    """The lineage names are ours: a file that brings its own would be misread."""
    clash = [c for c in LINEAGE_FIELDS if c in columns]
    if clash:
        raise ConnectorError(source_file, 1, "reserved_column", f"the file has reserved column(s) {clash}")


def column_names(header: list[str]) -> list[str]:
    """Header cells as column names: a blank cell is named ``column_<position>``, a repeated name gets
    `` (2)``, `` (3)`` on its later columns.

    Real exports repeat names (two questions titled "Why?", a choice label shared by two questions, a
    Qualtrics export tag used twice) and end lines with a comma; refusing such a file would lose every
    response in it, and the spec can name each column by the name it gets here.
    """
    named = [cell if cell.strip() else f"column_{position}" for position, cell in enumerate(header, 1)]
    taken, seen, unique = set(named), Counter(), []
    for name in named:
        seen[name] += 1
        if seen[name] == 1:
            unique.append(name)
            continue
        n = seen[name]
        while f"{name} ({n})" in taken:
            n += 1
        taken.add(f"{name} ({n})")
        unique.append(f"{name} ({n})")
    return unique


def without_blank_unnamed(table: pa.Table, header: list[str]) -> pa.Table:
    """Drop the columns with no header text and no value: what a comma at the end of every line adds."""
    blank = [name for name, cell in zip(table.schema.names, header)
             if not cell.strip() and not pc.any(pc.not_equal(
                 pc.fill_null(pc.utf8_trim_whitespace(table.column(name).cast(pa.string())), ""), "")).as_py()]
    return table.drop_columns(blank) if blank else table


def any_cell_filled(table: pa.Table) -> pa.Array:
    """Per row: does any cell hold more than blanks? A row of empty cells (``,,,,`` after the data, where a
    spreadsheet's used range once reached) is not a record."""
    filled = pa.array(np.zeros(table.num_rows, dtype=bool))
    for column in table.columns:
        filled = pc.or_(filled, pc.fill_null(pc.not_equal(pc.utf8_trim_whitespace(column.cast(pa.string())), ""), False))
    return filled.combine_chunks() if isinstance(filled, pa.ChunkedArray) else filled


def with_lineage(batch: pa.RecordBatch, source_file: str, source_rows: np.ndarray) -> pa.RecordBatch:
    """Append ``source_file`` and ``source_row`` to a batch of source columns."""
    check_reserved(batch.schema.names, source_file)
    arrays = [*batch.columns, pa.repeat(pa.scalar(source_file, pa.string()), batch.num_rows),
              pa.array(source_rows, pa.int64())]
    return pa.RecordBatch.from_arrays(arrays, names=[*batch.schema.names, *LINEAGE_FIELDS])


_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def sniff_encoding(head: bytes, declared: str | None, path: Path | None = None) -> str:
    """The encoding a byte-order mark announces, else UTF-8 when the file (``path``) is valid UTF-8,
    else the declared one.

    The file's own evidence wins over the spec: the department that exported cp1252 until last month and
    now saves "CSV UTF-8" (with a byte-order mark or, as Google Sheets and most web tools do, without one)
    would otherwise load every accented name garbled ("MÃ¼ller"), without an error. Text in a single-byte
    code page that is also valid UTF-8 takes accented capitals followed by symbols ("Ã¼"): not a name.
    """
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    if not declared or _is_utf8_name(declared):
        return "utf-8"
    if path is not None and not declared.lower().replace("-", "").startswith(("utf16", "utf32")) and is_utf8(path):
        return "utf-8"
    return declared


def _is_utf8_name(encoding: str) -> bool:
    return encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig")


def is_utf8(path: Path) -> bool:
    """Does the whole file decode as UTF-8? Read in large chunks; a sequence cut by a chunk's end carries over."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(16 << 20), b""):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def reject_binary(head: bytes, source_file: str, expected: str, encoding: str) -> None:
    """Refuse a file whose first bytes hold NUL bytes: it is not text, whatever its name says."""
    if not encoding.lower().startswith("utf-16") and b"\x00" in head:
        raise ConnectorError(source_file, None, "not_text",
                             f"the file holds binary data (NUL bytes), expected {expected}")
