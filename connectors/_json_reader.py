"""Shared JSON reading through an in-memory DuckDB: its JSON reader is fast, typed and streams."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from connectors.base import BATCH_ROWS, ConnectorError, FileRead, reject_binary, with_lineage

__all__ = ["read_json_records", "check_json_file", "explain_error"]


def read_json_records(path: Path, source_file: str, encoding: str | None, json_format: str,
                      records_key: str | None = None) -> FileRead:
    """Read a file of JSON records (``newline_delimited`` or ``array``) in file order."""
    check_json_file(path, source_file, encoding, "JSON records")
    connection = duckdb.connect(config={"threads": 1})  # one thread keeps the records in file order
    try:
        relation = _json_scalars_as_text(connection.sql(_query(records_key), params=[str(path), json_format]))
        reader = relation.fetch_record_batch(BATCH_ROWS)
    except duckdb.Error as exc:
        connection.close()
        raise explain_error(source_file, exc) from None
    return FileRead(reader.schema.names, _batches(connection, reader, source_file))


def check_json_file(path: Path, source_file: str, encoding: str | None, expected: str) -> None:
    """Refuse at once what cannot be JSON: another declared encoding, an empty file, binary data."""
    if encoding and encoding.replace("-", "").lower() not in ("utf8", "utf8sig"):
        raise ConnectorError(source_file, None, "encoding", f"JSON is UTF-8 by definition, the spec declares {encoding!r}")
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    if not head.strip():
        raise ConnectorError(source_file, None, "empty_file", f"the file is empty, expected {expected}")
    reject_binary(head, source_file, "JSON text", "utf-8")


def _query(records_key: str | None) -> str:
    scan = "read_json(?, format = ?, records = true, sample_size = -1, maximum_object_size = 268435456)"
    if records_key is None:
        return f"select * from {scan}"
    key = '"' + records_key.replace('"', '""') + '"'
    return f"select record.* from (select unnest({key}) as record from {scan})"


def _json_scalars_as_text(relation: duckdb.DuckDBPyRelation) -> duckdb.DuckDBPyRelation:
    """A key whose values mix types (``9`` here, ``"n/a"`` there) comes back as JSON; keep its text, unquoted."""
    mixed = [name for name, kind in zip(relation.columns, relation.types) if str(kind) == "JSON"]
    if not mixed:
        return relation
    def quoted(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'
    replaced = ", ".join(f"json_extract_string({quoted(n)}, '$') as {quoted(n)}" for n in mixed)
    return relation.project(f"* replace ({replaced})")


def _batches(connection: duckdb.DuckDBPyConnection, reader: pa.RecordBatchReader,
             source_file: str) -> Iterator[pa.RecordBatch]:
    offset = 0
    try:
        for batch in reader:
            yield with_lineage(batch, source_file, np.arange(offset + 1, offset + batch.num_rows + 1))
            offset += batch.num_rows
    except duckdb.Error as exc:
        raise explain_error(source_file, exc) from None
    finally:
        connection.close()


def explain_error(source_file: str, exc: Exception) -> ConnectorError:
    message = str(exc).split("\n")[0]
    return ConnectorError(source_file, None, "json_parse", f"expected JSON records: {message}")
