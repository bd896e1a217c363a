"""Excel workbooks (``format: xlsx``), read straight into Arrow by fastexcel (calamine underneath).

Every cell is read as text (dates as ``YYYY-MM-DD HH:MM:SS``); staging types them. Rows whose cells
are all empty are not records. Header cells are named by fastexcel (it finds the header below empty
leading rows): a repeated name gets ``_1`` (``Why?_1``), a blank one ``__UNNAMED__<position>``.
Options: ``sheet`` (name or 0-based index, default 0), ``header_row`` (0-based, default 0).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fastexcel
import numpy as np
import pyarrow as pa

from connectors.base import BATCH_ROWS, ConnectorError, FileRead, any_cell_filled, with_lineage

__all__ = ["read"]


def read(path: Path, source_file: str, encoding: str | None, options: dict[str, Any]) -> FileRead:
    sheet = options.get("sheet", 0)
    try:
        table = fastexcel.read_excel(path).load_sheet(sheet, header_row=int(options.get("header_row", 0)),
                                                      dtypes="string").to_arrow()
    except Exception as exc:  # fastexcel raises its own exception family for every unreadable workbook
        raise ConnectorError(source_file, None, "xlsx", f"expected an Excel workbook with sheet {sheet!r}: {exc}") from None
    return FileRead(table.schema.names, _batches(pa.Table.from_batches([table]) if isinstance(table, pa.RecordBatch)
                                                 else table, source_file))


def _batches(table: pa.Table, source_file: str) -> Iterator[pa.RecordBatch]:
    rows = np.arange(1, table.num_rows + 1, dtype=np.int64)
    not_blank = any_cell_filled(table)
    table, rows = table.filter(not_blank), rows[not_blank.to_numpy(zero_copy_only=False)]
    offset = 0
    for batch in table.to_batches(max_chunksize=BATCH_ROWS):
        yield with_lineage(batch, source_file, rows[offset:offset + batch.num_rows])
        offset += batch.num_rows
