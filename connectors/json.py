"""JSON documents (``format: json``): a top-level array of objects, or an object holding one.

Option ``records_key`` (:class:`Options`): the key of the array when the records are wrapped, e.g.
``{"data": [...]}``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from connectors._json_reader import read_json_records
from connectors.base import FileRead, ReaderOptions

__all__ = ["Options", "read"]


class Options(ReaderOptions):
    # An API page wraps its records under a key ({"data": [...]}); None: the document is the array.
    records_key: str | None = Field(default=None, min_length=1)


def read(path: Path, source_file: str, encoding: str | None, options: Options) -> FileRead:
    key = options.records_key
    return read_json_records(path, source_file, encoding, "auto" if key else "array", key)
