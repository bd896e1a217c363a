"""The data dictionary of the published warehouse, as Markdown and HTML (``silobridge docs``).

Core tables come from their declaration in :mod:`schemas.unified` (grain, type and description of every
column); marts from the comment that opens their SQL file and the column types of the published file.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import duckdb

from schemas.unified import PUBLISHED_TABLES

from warehouse.marts import mart_columns, mart_description, mart_names

__all__ = ["DictionaryEntry", "dictionary_entries", "write_dictionary"]


@dataclass(frozen=True)
class DictionaryEntry:
    table: str
    grain: str
    description: str
    columns: list[tuple[str, str, str]]  # name, type, description


def _core_entries() -> list[DictionaryEntry]:
    return [DictionaryEntry(t.qualified_name, t.grain, t.description,
                            [(c.name, c.sql_type, c.description) for c in t.columns]) for t in PUBLISHED_TABLES]


def _mart_entries(warehouse: Path | None) -> list[DictionaryEntry]:
    types: dict[str, list[tuple[str, str]]] = {}
    if warehouse is not None and warehouse.exists():
        connection = duckdb.connect(str(warehouse), read_only=True)
        try:
            for table, column, kind in connection.execute(
                    "select table_name, column_name, data_type from duckdb_columns() where schema_name = 'marts' "
                    "order by table_name, column_index").fetchall():
                types.setdefault(table, []).append((column, kind))
        finally:
            connection.close()
    entries = []
    for name in mart_names():
        text = mart_description(name)
        grain, _, rest = text.partition(". ")
        entries.append(DictionaryEntry(f"marts.{name}", grain.removeprefix("Grain: ").rstrip(".") + ".", rest,
                                       [(column, kind, mart_columns(name).get(column, ""))
                                        for column, kind in types.get(name, [])]))
    return entries


def dictionary_entries(warehouse: Path | None = None) -> list[DictionaryEntry]:
    """Every published table; mart column types need a published warehouse."""
    return [*_core_entries(), *_mart_entries(warehouse)]


def _markdown(entries: list[DictionaryEntry]) -> str:
    parts = ["# silobridge data dictionary", "", "Tables of the published `warehouse.duckdb`.", ""]
    for entry in entries:
        parts += [f"## `{entry.table}`", "", f"**Grain:** {entry.grain}", "", entry.description, "",
                  "| column | type | description |", "|---|---|---|"]
        parts += [f"| `{name}` | {kind} | {text.replace('|', '/')} |" for name, kind, text in entry.columns]
        parts.append("")
    return "\n".join(parts)


def _html(entries: list[DictionaryEntry]) -> str:
    body = []
    for entry in entries:
        rows = "".join(f"<tr><td><code>{html.escape(n)}</code></td><td>{html.escape(k)}</td>"
                       f"<td>{html.escape(d)}</td></tr>" for n, k, d in entry.columns)
        body.append(f"<section id='{html.escape(entry.table)}'><h2><code>{html.escape(entry.table)}</code></h2>"
                    f"<p><strong>Grain:</strong> {html.escape(entry.grain)}</p><p>{html.escape(entry.description)}</p>"
                    f"<table><tr><th>column</th><th>type</th><th>description</th></tr>{rows}</table></section>")
    style = ("body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}"
             "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3rem .5rem;"
             "text-align:left;vertical-align:top}th{background:#f3f3f3}")
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>silobridge data dictionary</title>"
            f"<style>{style}</style></head><body><h1>silobridge data dictionary</h1>{''.join(body)}</body></html>")


def write_dictionary(folder: Path, warehouse: Path | None = None) -> tuple[Path, Path]:
    """Write ``data_dictionary.md`` and ``data_dictionary.html`` into ``folder``."""
    entries = dictionary_entries(warehouse)
    folder.mkdir(parents=True, exist_ok=True)
    markdown, page = folder / "data_dictionary.md", folder / "data_dictionary.html"
    markdown.write_text(_markdown(entries), encoding="utf-8")
    page.write_text(_html(entries), encoding="utf-8")
    return markdown, page
