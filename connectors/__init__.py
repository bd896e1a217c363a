"""Connectors: read one export format into Arrow record batches with lineage.

One module per ``format:`` value of a source spec, named after it (``csv`` → ``connectors.csv``),
each exposing ``read(path, source_file, encoding, options: Options) -> FileRead`` and the ``Options``
model of the reader options a spec may give it. Adding a format is adding a module; nothing else
changes. Connectors know nothing of DuckDB tables or of Dagster.

>>> from pathlib import Path
>>> {'csv', 'jsonl', 'qualtrics_csv'} <= set(available_formats())
True
>>> parse_options("csv", {"delimiter": ";"}).delimiter
';'
>>> parse_options("csv", {"delimitr": ";"})
Traceback (most recent call last):
...
connectors.base.OptionsError: options.delimitr: is not an option of format csv, expected one of: delimiter, quote_char, skip_rows
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import ValidationError

from connectors.base import (FIELD_COUNT, LINEAGE_FIELDS, ConnectorError, FileRead, OptionsError, ReaderOptions,
                             RowReject)
from schemas.spec import explain_validation_error

__all__ = ["read_file", "available_formats", "options_model", "parse_options", "not_response_rules", "reader_rules",
           "ConnectorError", "OptionsError", "ReaderOptions", "FileRead", "RowReject", "LINEAGE_FIELDS"]

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


def _connector(fmt: str) -> ModuleType:
    if fmt not in available_formats():
        raise ValueError(f"no connector for format {fmt!r}; known: {sorted(available_formats())}")
    return importlib.import_module(f"connectors.{fmt}")


def options_model(fmt: str) -> type[ReaderOptions]:
    """The model of the reader options format ``fmt`` takes (its module's ``Options``)."""
    return _connector(fmt).Options


def parse_options(fmt: str, options: Mapping[str, Any] | ReaderOptions | None) -> ReaderOptions:
    """A spec's ``options`` as the typed model of format ``fmt``; raises :class:`OptionsError` naming the key."""
    model = options_model(fmt)
    if isinstance(options, model):
        return options
    try:
        return model.model_validate(dict(options or {}))
    except ValidationError as exc:
        first = exc.errors()[0]
        key, expected = explain_validation_error(exc, model)
        if first["type"] == "extra_forbidden":
            known = ", ".join(model.model_fields)
            expected = (f"is not an option of format {fmt}, expected one of: {known}" if known
                        else f"is not an option: format {fmt} takes no options")
        raise OptionsError(f"options.{key}", expected) from None


def read_file(fmt: str, path: Path, source_file: str, encoding: str | None = None,
              options: Mapping[str, Any] | ReaderOptions | None = None) -> FileRead:
    """Open ``path`` with the connector for ``fmt``; ``source_file`` is the lineage name of the file."""
    if fmt not in available_formats():
        raise ConnectorError(source_file, None, "unknown_format",
                             f"no connector for format {fmt!r}; known: {sorted(available_formats())}")
    try:
        parsed = parse_options(fmt, options)
    except OptionsError as error:
        raise ConnectorError(source_file, None, "options", str(error)) from None
    return _connector(fmt).read(Path(path), source_file, encoding, parsed)
