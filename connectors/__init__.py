"""Connectors: read one export format into Arrow record batches with lineage.

One module per ``format:`` value of a source spec, named after it (``csv`` → ``connectors.csv``),
each exposing ``read(path, source_file, encoding, options) -> FileRead``. Adding a format is adding a
module; nothing else changes. Connectors know nothing of DuckDB tables or of Dagster.

>>> from pathlib import Path
>>> {'csv', 'jsonl', 'qualtrics_csv'} <= set(available_formats())
True
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any

from connectors.base import FIELD_COUNT, LINEAGE_FIELDS, ConnectorError, FileRead, RowReject

__all__ = ["read_file", "available_formats", "not_response_rules", "reader_rules", "ConnectorError", "FileRead", "RowReject", "LINEAGE_FIELDS"]

_NOT_FORMATS = {"base", "text"}


def available_formats() -> set[str]:
    """Every format a spec may name: the connector modules in this package."""
    return {m.name for m in pkgutil.iter_modules(__path__) if m.name not in _NOT_FORMATS and not m.name.startswith("_")}


def not_response_rules() -> frozenset[str]:
    """Rules under which readers set aside records that are not responses (survey previews, partial
    responses, satisfaction surveys offered but never answered), each connector's ``NOT_RESPONSES``.

    Such records are quarantined so that every record is accounted for, but a healthy export may be
    mostly made of them, so they do not count against a source's reject-rate limit.
    """
    rules: set[str] = set()
    for fmt in sorted(available_formats()):
        rules |= getattr(importlib.import_module(f"connectors.{fmt}"), "NOT_RESPONSES", frozenset())
    return frozenset(rules)


def reader_rules() -> frozenset[str]:
    """Every rule under which a reader quarantines a record. Such records never reach the raw layer, so
    a replay from raw cannot decide them again: their quarantine rows are kept."""
    return frozenset({FIELD_COUNT}) | not_response_rules()


def read_file(fmt: str, path: Path, source_file: str, encoding: str | None = None,
              options: dict[str, Any] | None = None) -> FileRead:
    """Open ``path`` with the connector for ``fmt``; ``source_file`` is the lineage name of the file."""
    if fmt not in available_formats():
        raise ConnectorError(source_file, None, "unknown_format",
                             f"no connector for format {fmt!r}; known: {sorted(available_formats())}")
    module = importlib.import_module(f"connectors.{fmt}")
    return module.read(Path(path), source_file, encoding, dict(options or {}))
