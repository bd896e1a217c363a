"""JSON lines (``format: jsonl``): one JSON object per line; nested values stay nested."""

from __future__ import annotations

from pathlib import Path

from connectors._json_reader import read_json_records
from connectors.base import FileRead, ReaderOptions

__all__ = ["Options", "read"]


class Options(ReaderOptions):
    """No options: one JSON object per line says all there is to know."""


def read(path: Path, source_file: str, encoding: str | None, options: Options) -> FileRead:
    return read_json_records(path, source_file, encoding, "newline_delimited")
