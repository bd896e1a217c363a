"""Shared by the connector tests: where the canned samples are, and a file read to the end.

Import this module before ``connectors``. pytest (``prepend`` import mode, no ``__init__.py`` in tests/)
puts tests/ on ``sys.path``, and from there this folder, named ``connectors`` and without
``__init__.py``, passes for a namespace package that shadows the real, editable-installed ``connectors``
package. A regular package anywhere on ``sys.path`` wins over a namespace portion, so putting the project
root on it is enough. (This is not a conftest.py: tests/ modules do ``from conftest import ...`` and a
second conftest.py here would shadow theirs.)
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_PROJECT_ROOT = str(Path(__file__).resolve().parents[2])
if _PROJECT_ROOT not in sys.path:
    sys.path.append(_PROJECT_ROOT)
if "connectors" in sys.modules and getattr(sys.modules["connectors"], "__file__", None) is None:
    del sys.modules["connectors"]  # imported as the namespace package before this module ran

import pyarrow as pa  # noqa: E402

from connectors import RowReject, read_file  # noqa: E402

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
