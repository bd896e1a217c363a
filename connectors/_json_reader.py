"""Shared JSON reading through an in-memory DuckDB: its JSON reader is fast, typed and streams."""

from __future__ import annotations

import json
import mmap
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from connectors.base import (BATCH_ROWS, TRUNCATED_RECORD, ConnectorError, FileRead, RowReject, reject_binary,
                             with_lineage)
from schemas.sql_names import quote

__all__ = ["read_json_records", "check_json_file", "explain_error"]


def read_json_records(path: Path, source_file: str, encoding: str | None, json_format: str,
                      records_key: str | None = None) -> FileRead:
    """Read a file of JSON records (``newline_delimited`` or ``array``) in file order.

    A JSON-lines file cut short inside its last record (a failed copy, a full disk) loads every complete
    record; the cut one comes back as a reject (``TRUNCATED_RECORD``) once the batches are consumed.
    """
    check_json_file(path, source_file, encoding, "JSON records")
    cut = _cut_tail(path) if json_format == "newline_delimited" else None
    workspace = tempfile.TemporaryDirectory(prefix="silobridge-json-") if cut else None
    if cut is not None:
        path = _copy_head(path, cut[0], Path(workspace.name))
    connection = duckdb.connect(config={"threads": 1})  # one thread keeps the records in file order
    try:
        if cut is not None and path.stat().st_size == 0:
            connection.close()
            rejects = [RowReject(1, TRUNCATED_RECORD, _TRUNCATED_DETAIL, cut[1])]
            return FileRead([], _closing(workspace), rejects)
        if _holds_no_records(connection, path, json_format, records_key):
            connection.close()
            _release(workspace)
            return FileRead([], iter(()))  # an empty page: nothing to land, and no columns to check
        relation = connection.sql(_query(records_key), params=[str(path), json_format])
        relation = _json_scalars_as_text(_strings_kept(connection, relation, path, json_format, records_key))
        reader = relation.fetch_record_batch(BATCH_ROWS)
    except duckdb.Error as exc:
        connection.close()
        _release(workspace)
        raise explain_error(source_file, exc) from None
    rejects: list[RowReject] = []
    return FileRead(reader.schema.names,
                    _batches(connection, reader, source_file, workspace, rejects, cut[1] if cut else None), rejects)


_TRUNCATED_DETAIL = ("the file ends inside this record (cut short, e.g. by a failed copy): expected a complete "
                     "JSON object; the records before it are loaded")


def _cut_tail(path: Path) -> tuple[int, str] | None:
    """Where a JSON-lines file cut inside its last record ends its complete records, and the cut text.

    Only the last line is suspect: one that parses (a file without a final line break) is a record.
    """
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        end = data.rfind(b"\n") + 1
        tail = data[end:]
    if not tail.strip():
        return None
    try:
        json.loads(tail)
    except ValueError:
        return end, tail.decode("utf-8", errors="replace")
    return None


def _copy_head(path: Path, size: int, folder: Path) -> Path:
    """The first ``size`` bytes of ``path`` as a file of their own: DuckDB's reader takes whole files, and fails
    a whole file at its one broken record."""
    head = folder / path.name
    with path.open("rb") as source, head.open("wb") as target:
        while size > 0:
            chunk = source.read(min(size, 16 << 20))
            if not chunk:
                break
            target.write(chunk)
            size -= len(chunk)
    return head


def _release(workspace: tempfile.TemporaryDirectory | None) -> None:
    if workspace is not None:
        workspace.cleanup()


def _closing(workspace: tempfile.TemporaryDirectory | None) -> Iterator[pa.RecordBatch]:
    _release(workspace)
    yield from ()


def _holds_no_records(connection: duckdb.DuckDBPyConnection, path: Path, json_format: str,
                      records_key: str | None) -> bool:
    """``[]``, or a page whose records array is empty (the last page of a paginated export)."""
    if json_format == "newline_delimited":
        return False
    path_ = "$" if records_key is None else "$." + quote(records_key)
    documents = connection.execute(
        "select json_type(json, ?) = 'ARRAY' and json_array_length(json, ?) = 0 "
        "from read_json_objects(?, format = 'unstructured', maximum_object_size = 268435456)",
        [path_, path_, str(path)]).fetchall()
    return len(documents) == 1 and documents[0][0] is True


# DuckDB's reader turns strings that look like dates, times or UUIDs into those types, and their text back
# into its own spelling: "03-04-2024" became 2024-04-03 (or 2024-03-04, depending on the other rows),
# "09:30" 09:30:00, an upper-case UUID lower-case. A connector keeps the file's text (staging types it).
_TEXT_TYPES = ("DATE", "TIME", "TIMESTAMP", "UUID", "INTERVAL")


def _strings_kept(connection: duckdb.DuckDBPyConnection, relation: duckdb.DuckDBPyRelation, path: Path,
                  json_format: str, records_key: str | None) -> duckdb.DuckDBPyRelation:
    """The relation again, reading as text every record field the reader would have typed from a string.

    Only a record's own fields: a nested object is stored as its JSON in ``attributes`` anyway.
    """
    types = [str(t) for t in relation.types]
    lowered = {name.lower() for name in relation.columns}
    renamed = any((m := re.fullmatch(r"(.+)_\d+", name)) and m.group(1).lower() in lowered for name in relation.columns)
    if not any(t.startswith(_TEXT_TYPES) for t in types) or renamed:
        return relation  # keys differing only in case ("Score", "score": Score, score_1) cannot be declared apart
    fields = [(name, "VARCHAR" if t.startswith(_TEXT_TYPES) else t) for name, t in zip(relation.columns, types)]
    if records_key is None:
        columns = dict(fields)
    else:
        record = ", ".join(f"{quote(name)} {t}" for name, t in fields)
        columns = {records_key: f"STRUCT({record})[]"}
    declared = ", ".join(f"{_literal(name)}: {_literal(t)}" for name, t in columns.items())
    kept = connection.sql(_query(records_key, f"columns = {{{declared}}}"), params=[str(path), json_format])
    try:
        kept.limit(1).fetchall()  # a nested value typed as a date DuckDB guessed may not read back declared
    except duckdb.Error:
        return relation
    return kept


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def check_json_file(path: Path, source_file: str, encoding: str | None, expected: str) -> None:
    """Refuse at once what cannot be JSON: another declared encoding, an empty file, binary data."""
    if encoding and encoding.replace("-", "").lower() not in ("utf8", "utf8sig"):
        raise ConnectorError(source_file, None, "encoding", f"JSON is UTF-8 by definition, the spec declares {encoding!r}")
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    if not head.strip():
        raise ConnectorError(source_file, None, "empty_file", f"the file is empty, expected {expected}")
    reject_binary(head, source_file, "JSON text", "utf-8")


def _query(records_key: str | None, types: str = "sample_size = -1") -> str:
    """The records of the file; ``types`` says how their types are found (from all records, by default)."""
    scan = f"read_json(?, format = ?, records = true, {types}, maximum_object_size = 268435456)"
    if records_key is None:
        return f"select * from {scan}"
    return f"select record.* from (select unnest({quote(records_key)}) as record from {scan})"


def _json_scalars_as_text(relation: duckdb.DuckDBPyRelation) -> duckdb.DuckDBPyRelation:
    """A key whose values mix types (``9`` here, ``"n/a"`` there) comes back as JSON; keep its text, unquoted."""
    mixed = [name for name, kind in zip(relation.columns, relation.types) if str(kind) == "JSON"]
    if not mixed:
        return relation
    replaced = ", ".join(f"json_extract_string({quote(n)}, '$') as {quote(n)}" for n in mixed)
    return relation.project(f"* replace ({replaced})")


def _batches(connection: duckdb.DuckDBPyConnection, reader: pa.RecordBatchReader, source_file: str,
             workspace: tempfile.TemporaryDirectory | None, rejects: list[RowReject],
             cut_text: str | None) -> Iterator[pa.RecordBatch]:
    offset = 0
    try:
        for batch in reader:
            yield with_lineage(batch, source_file, np.arange(offset + 1, offset + batch.num_rows + 1))
            offset += batch.num_rows
    except duckdb.Error as exc:
        raise explain_error(source_file, exc) from None
    finally:
        connection.close()
        _release(workspace)
    if cut_text is not None:
        rejects.append(RowReject(offset + 1, TRUNCATED_RECORD, _TRUNCATED_DETAIL, cut_text))


def explain_error(source_file: str, exc: Exception) -> ConnectorError:
    message = str(exc).split("\n")[0]
    return ConnectorError(source_file, None, "json_parse", f"expected JSON records: {message}")
