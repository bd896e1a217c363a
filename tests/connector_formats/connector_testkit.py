"""Shared by the connector tests: where the canned samples are, and a file read to the end.

(Not a conftest.py: tests/ modules do ``from conftest import ...`` and a second one here would shadow it.)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from connectors import ConnectorError, RowReject, read_file

SAMPLES = Path(__file__).parent / "samples"


@dataclass
class ReadToEnd:
    """Everything a connector gave for one file, with its batches consumed."""

    columns: list[str]
    batches: list[pa.RecordBatch]
    rejects: list[RowReject]

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [row for batch in self.batches for row in batch.to_pylist()]

    def column(self, name: str) -> list[Any]:
        return [row[name] for row in self.rows]


def read_all(fmt: str, path: Path, encoding: str | None = None, options: dict[str, Any] | None = None) -> ReadToEnd:
    """Read ``path`` to the end, with the file's name as its lineage name."""
    read = read_file(fmt, path, path.name, encoding=encoding, options=options)
    batches = list(read.batches)
    return ReadToEnd(read.columns, batches, read.rejects)


def error_of(fmt: str, path: Path, **kwargs: Any) -> ConnectorError:
    """The error reading ``path`` to the end raises (the test fails if it raises none)."""
    with pytest.raises(ConnectorError) as caught:
        list(read_file(fmt, path, path.name, **kwargs).batches)
    return caught.value
