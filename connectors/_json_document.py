"""Shared by the API-page connectors (Typeform, Zendesk): one JSON document read whole into DuckDB.

An API page is a JSON object with the records under one key (``items``, ``satisfaction_ratings``,
``users``). The document is loaded once as a JSON value into an in-memory DuckDB, its shape checked,
and flattened there by SQL; nothing loops over records in Python.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from connectors._json_reader import check_json_file
from connectors.base import ConnectorError

__all__ = ["open_document", "load_document", "require_shape"]


def open_document(path: Path, source_file: str, encoding: str | None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding the file as one JSON value in ``document(doc)``; refuses non-JSON."""
    connection = duckdb.connect(config={"threads": 1})
    try:
        load_document(connection, path, source_file, encoding, "document")
    except BaseException:
        connection.close()
        raise
    return connection


def load_document(connection: duckdb.DuckDBPyConnection, path: Path, source_file: str, encoding: str | None,
                  table: str) -> None:
    """Load a further JSON file (a side file) as ``table(doc)``."""
    check_json_file(path, source_file, encoding, "a JSON object")
    # A page saved on Windows (PowerShell's Out-File, Notepad) starts with a byte-order mark JSON does not allow.
    connection.execute(f"create temp table {table} as select ltrim(content, chr(65279)) as doc from read_text(?)",
                       [str(path)])
    if not connection.execute(f"select json_valid(doc) from {table}").fetchall()[0][0]:
        raise ConnectorError(source_file, None, "json_parse", "expected a JSON object: the file is not valid JSON")
    connection.execute(f"create or replace temp table {table} as select doc::json as doc from {table}")


def require_shape(connection: duckdb.DuckDBPyConnection, source_file: str, key: str, expected: str,
                  unidentified: str, table: str = "document") -> None:
    """The document is an object whose ``key`` is an array of objects, none matching ``unidentified``."""
    kind, keys = connection.execute(
        f"select json_type(doc), case when json_type(doc) = 'OBJECT' then json_keys(doc) end from {table}").fetchall()[0]
    if kind != "OBJECT" or key not in (keys or []):
        found = f"an object with keys {keys}" if kind == "OBJECT" else f"a JSON {str(kind).lower()}"
        raise ConnectorError(source_file, None, "wrong_shape", f"{expected}; found {found}")
    kind, bad = connection.execute(
        f"select json_type(doc->'{key}'), (select count(*) from (select unnest(json_extract(doc, '$.{key}[*]')) as item) "
        f"where json_type(item) <> 'OBJECT' or ({unidentified})) from {table}").fetchall()[0]
    if kind != "ARRAY" or bad:
        found = f"{key} is a JSON {str(kind).lower()}" if kind != "ARRAY" else f"{bad} of its {key} lack their id"
        raise ConnectorError(source_file, None, "wrong_shape", f"{expected}; found {found}")
