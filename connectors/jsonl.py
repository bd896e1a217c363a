"""JSON lines (``format: jsonl``): one JSON object per line; nested values stay nested."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from connectors._json_reader import read_json_records
from connectors.base import FileRead

__all__ = ["read"]


def read(path: Path, source_file: str, encoding: str | None, options: dict[str, Any]) -> FileRead:
    return read_json_records(path, source_file, encoding, "newline_delimited")
