"""Parquet files (``format: parquet``), streamed batch by batch."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from connectors.base import BATCH_ROWS, ConnectorError, FileRead, ReaderOptions, with_lineage

__all__ = ["Options", "read"]


class Options(ReaderOptions):
    """No options: the file carries its own schema."""


def read(path: Path, source_file: str, encoding: str | None, options: Options) -> FileRead:
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise ConnectorError(source_file, None, "not_parquet", f"expected a Parquet file: {exc}") from None
    return FileRead(parquet.schema_arrow.names, _batches(parquet, source_file))


def _batches(parquet: pq.ParquetFile, source_file: str) -> Iterator[pa.RecordBatch]:
    offset = 0
    for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
        yield with_lineage(batch, source_file, np.arange(offset + 1, offset + batch.num_rows + 1))
        offset += batch.num_rows
