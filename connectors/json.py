"""JSON documents (``format: json``): a top-level array of objects, or an object holding one.

Option ``records_key``: the key of the array when the records are wrapped, e.g. ``{"data": [...]}``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from connectors._json_reader import read_json_records
from connectors.base import FileRead

__all__ = ["read"]


def read(path: Path, source_file: str, encoding: str | None, options: dict[str, Any]) -> FileRead:
    key = options.get("records_key")
    return read_json_records(path, source_file, encoding, "auto" if key else "array", key)
